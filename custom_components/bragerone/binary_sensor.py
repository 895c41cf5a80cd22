"""Binary sensors of BragerOne: status bits, module connectivity and the cloud connection."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from homeassistant.components.binary_sensor import (
    BinarySensorDeviceClass,
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.typing import UNDEFINED

from .coordinator import (
    BragerOneConfigEntry,
    BragerOneCoordinator,
    installation_identifier,
)
from .descriptors import binary_sensor_description
from .entity import (
    BragerOneAlarmsEntity,
    BragerOneEntity,
    BragerOneModuleEntity,
    BragerOneParameterEntity,
    parameter_entities,
)

PARALLEL_UPDATES = 0

MODULE_CONNECTIVITY = BinarySensorEntityDescription(
    key="connectivity",
    translation_key="module_connectivity",
    device_class=BinarySensorDeviceClass.CONNECTIVITY,
    entity_category=EntityCategory.DIAGNOSTIC,
)
MODULE_ALARM = BinarySensorEntityDescription(
    key="alarm",
    translation_key="alarm",
    device_class=BinarySensorDeviceClass.PROBLEM,
)
CLOUD_CONNECTION = BinarySensorEntityDescription(
    key="cloud_connection",
    translation_key="cloud_connection",
    device_class=BinarySensorDeviceClass.CONNECTIVITY,
    entity_category=EntityCategory.DIAGNOSTIC,
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: BragerOneConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add status binary sensors, one connectivity sensor per module and the cloud connection."""
    coordinator = entry.runtime_data.coordinator
    entities: list[BinarySensorEntity] = [
        *parameter_entities(
            coordinator,
            "binary_sensor",
            BragerOneBinarySensor,
            binary_sensor_description,
        ),
        *(BragerOneModuleConnectivity(coordinator, d) for d in coordinator.devids),
        *(BragerOneModuleAlarm(coordinator, d) for d in coordinator.devids),
        BragerOneCloudConnection(coordinator, entry),
    ]
    async_add_entities(entities)


class BragerOneBinarySensor(BragerOneParameterEntity, BinarySensorEntity):
    """A status bit or a two-state status.

    When a writable switch of the same module has the same label (the pump's enable
    setting and its running state), the status is named "<label> running", translated.
    """

    def __init__(self, **kwargs: Any) -> None:
        """Build the entity; name it by its role when a switch shares its label."""
        super().__init__(**kwargs)
        descriptor = self.descriptor
        language = self.coordinator.language
        twins = {
            d.label_for(language)
            for d in self.coordinator.catalogue.modules[descriptor.devid].descriptors
            if d.platform == "switch"
        }
        name = self.entity_description.name
        if isinstance(name, str) and descriptor.label_for(language) in twins:
            self.entity_description = replace(
                self.entity_description, name=UNDEFINED, translation_key="running_state"
            )
            self._attr_translation_placeholders = {"name": name}

    @property
    def is_on(self) -> bool | None:
        """Return the state of the bit."""
        value = self.shown_value
        return None if value is None else bool(value)


class BragerOneModuleConnectivity(BragerOneModuleEntity, BinarySensorEntity):
    """Whether a module is connected to the cloud (``connectedAt``); known only while the session is up."""

    module_description = MODULE_CONNECTIVITY
    gated_by_module = False

    @property
    def is_on(self) -> bool:
        """Return True unless the module is known to be offline."""
        return self.coordinator.module_online(self.module_devid)


class BragerOneModuleAlarm(BragerOneAlarmsEntity, BinarySensorEntity):
    """On while the module reports an alarm (§2.8a); automate on it."""

    module_description = MODULE_ALARM

    @property
    def is_on(self) -> bool | None:
        """Return True while an alarm is active (None before anything is known)."""
        count = self.alarm_count
        return None if count is None else count > 0


class BragerOneCloudConnection(BragerOneEntity, BinarySensorEntity):
    """Whether this entry's cloud session (socket bound and listening) is up."""

    def __init__(
        self, coordinator: BragerOneCoordinator, entry: BragerOneConfigEntry
    ) -> None:
        """Attach the sensor to the installation device."""
        identifier = installation_identifier(entry.data)
        super().__init__(
            coordinator=coordinator,
            devid=None,
            description=CLOUD_CONNECTION,
            unique_id=f"{identifier}_cloud_connection",
            device_identifier=identifier,
        )

    @property
    def available(self) -> bool:
        """Return True: the connection state is always known."""
        return True

    @property
    def is_on(self) -> bool:
        """Return True while the session is up."""
        return self.coordinator.session_up
