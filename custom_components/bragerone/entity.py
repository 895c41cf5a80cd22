"""Base entities of BragerOne: device info, unique ids, availability and register watching.

Availability (DESIGN.md decision 9): an entity is available only while the cloud
session is up and its module is not known to be offline. A reachable module's register
without a (usable) value shows *unknown*, Home Assistant's state for a value we do not
have. The coordinator logs the loss and return of the session and of each module once;
entities only reflect them. Writes wait for the controller's echo and show nothing
before it: the echo's register change is the one state change of a confirmed write.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
import math
from typing import Any, ClassVar

from homeassistant.core import callback
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import EntityDescription
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from . import compat
from .api.descriptor import EntityDescriptor, pick_label
from .api.registers import watched_keys
from .api.roles import has_own_device
from .const import DOMAIN, LOGGER
from .coordinator import BragerOneCoordinator
from .helpers import async_refresh, async_write


def expects_number(descriptor: EntityDescriptor) -> bool:
    """Return True when Home Assistant reads the entity's state as a number.

    Numbers always; sensors with a unit, device class or state class and no options
    (the same descriptors `descriptors.sensor_description` gives a unit or classes).
    """
    if descriptor.platform == "number":
        return True
    return (
        descriptor.platform == "sensor"
        and not descriptor.options
        and not descriptor.rules
        and bool(
            descriptor.unit
            or descriptor.unit_text
            or descriptor.device_class
            or descriptor.state_class
        )
    )


def is_finite_number(value: Any) -> bool:
    """Return True for a value Home Assistant can show as a finite number (``"nan"`` cannot)."""
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError, OverflowError):
        return False


def subsystem_device(
    coordinator: BragerOneCoordinator,
    devid: str,
    subsystem: str | None,
    label: Mapping[str, str],
) -> DeviceInfo:
    """Return the device of a module's sub-system (DESIGN.md decision 14).

    Hot water, each heating circuit, burner, buffer and fuel are child devices of the
    module's device, named with the vendor's panel title (or ``"Valve 1"``) in the
    entry's language; the boiler panel and everything else belong to the module's
    device, as does every sub-system on a release without child devices.
    """
    module = (DOMAIN, devid)
    if not has_own_device(subsystem):
        return DeviceInfo(identifiers={module})
    return compat.sub_device_info(
        identifier=(DOMAIN, f"{devid}_{subsystem}"),
        parent_identifier=module,
        parent_device_id=coordinator.device_ids.get(devid),
        name=pick_label(label, coordinator.language),
    )


class BragerOneEntity(CoordinatorEntity[BragerOneCoordinator]):
    """An entity of one module (or of the installation when `devid` is None)."""

    _attr_has_entity_name = True

    def __init__(
        self,
        *,
        coordinator: BragerOneCoordinator,
        devid: str | None,
        description: EntityDescription,
        unique_id: str,
        device_identifier: str,
        device_info: DeviceInfo | None = None,
    ) -> None:
        """Attach the entity to its device (pre-registered at setup), or to `device_info`."""
        super().__init__(coordinator)
        self.devid = devid
        self.entity_description = description
        self._attr_unique_id = unique_id
        self._attr_device_info = device_info or DeviceInfo(
            identifiers={(DOMAIN, device_identifier)}
        )

    @property
    def available(self) -> bool:
        """Return True while the session is up and the module is not offline."""
        return (
            super().available
            and self.coordinator.session_up
            and (self.devid is None or self.coordinator.module_online(self.devid))
        )

    async def async_update(self) -> None:
        """Read the module's registers again (``homeassistant.update_entity``)."""
        await async_refresh(self.coordinator, self.devid)


class BragerOneModuleEntity(BragerOneEntity):
    """A fixed entity of one module (its connection, its alarms): unique id ``{devid}_{key}``.

    Subclasses set `module_description`; with `gated_by_module` False the entity stays
    available while its module is offline (it is the one that says so).
    """

    module_description: ClassVar[EntityDescription]
    gated_by_module: ClassVar[bool] = True

    def __init__(self, coordinator: BragerOneCoordinator, devid: str) -> None:
        """Attach the entity to its module's device."""
        super().__init__(
            coordinator=coordinator,
            devid=devid if self.gated_by_module else None,
            description=self.module_description,
            unique_id=f"{devid}_{self.module_description.key}",
            device_identifier=devid,
        )
        self.module_devid = devid


class BragerOneAlarmsEntity(BragerOneModuleEntity):
    """A module entity that follows the module's alarms (§2.8a): its count and its list.

    The count is the tracker's (`AlarmTracker.count_of`: a pushed count until the list
    is read again), else the modules listing's ``moduleAlarms`` (before any push or
    read). Names come from the catalogue's alarm names in the entry's language; a code
    without a name has None.
    """

    async def async_added_to_hass(self) -> None:
        """Follow the module's alarms as the gateway reads them."""
        await super().async_added_to_hass()
        tracker = self.coordinator.gateway.alarms
        self.async_on_remove(tracker.add_listener(self._on_alarms))
        self.async_on_remove(tracker.add_count_listener(self._on_count))

    @callback
    def _on_alarms(self, devid: str, _alarms: list[Any]) -> None:
        self._on_count(devid)

    @callback
    def _on_count(self, devid: str) -> None:
        if devid == self.module_devid:
            self.async_write_ha_state()

    @property
    def alarm_count(self) -> int | None:
        """Return how many alarms the module has now (None: not known)."""
        count = self.coordinator.gateway.alarms.count_of(self.module_devid)
        if count is not None:
            return count
        info = self.coordinator.module_info(self.module_devid)
        return None if info is None else info.alarms

    def alarm_name(self, code: int) -> str | None:
        """Return the vendor's name of alarm `code` in the entry's language."""
        return self.coordinator.catalogue.alarms.name(code, self.coordinator.language)

    @property
    def active_alarms(self) -> list[dict[str, Any]]:
        """Return the module's current alarms as read: ``[{"code", "name", "since"}]``."""
        alarms = self.coordinator.gateway.alarms.current.get(self.module_devid, [])
        return [
            {
                "code": alarm.code,
                "name": self.alarm_name(alarm.code),
                "since": alarm.started.isoformat() if alarm.started else None,
            }
            for alarm in alarms
        ]


class BragerOneParameterEntity(BragerOneEntity):
    """An entity backed by a stored descriptor; it watches its own registers."""

    def __init__(
        self,
        *,
        coordinator: BragerOneCoordinator,
        descriptor: EntityDescriptor,
        description: EntityDescription,
    ) -> None:
        """Build the entity from its descriptor (unique id from hardware ids, DESIGN.md decision 6)."""
        super().__init__(
            coordinator=coordinator,
            devid=descriptor.devid,
            description=description,
            unique_id=descriptor.unique_id,
            device_identifier=descriptor.devid,
            device_info=subsystem_device(
                coordinator,
                descriptor.devid,
                descriptor.subsystem,
                descriptor.subsystem_label,
            ),
        )
        self.descriptor = descriptor
        self._expects_number = expects_number(descriptor)
        self._bad_value_logged = False

    async def async_added_to_hass(self) -> None:
        """Watch this entity's registers in the store."""
        await super().async_added_to_hass()
        self.async_on_remove(
            self.coordinator.store.watch(
                self._handle_registers, watched_keys(self.descriptor)
            )
        )

    @callback
    def _handle_registers(self, _updates: list[Any]) -> None:
        """Write the state when one of the watched registers changed."""
        self.async_write_ha_state()

    @property
    def shown_value(self) -> Any:
        """Return the shown value from the registers (None: unknown).

        A numeric entity whose registers give no finite number shows None.
        """
        value = self.coordinator.value_of(self.descriptor)
        if value is not None and self._expects_number and not is_finite_number(value):
            # A malformed frame (text, NaN) for a numeric register: no value rather
            # than a crash in Home Assistant's state conversion or a stale state.
            if not self._bad_value_logged:
                self._bad_value_logged = True
                LOGGER.debug(
                    "%s: ignoring the non-numeric value %r",
                    self.descriptor.unique_id,
                    str(value)[:40],
                )
            return None
        self._bad_value_logged = False
        return value

    async def async_write_value(self, value: Any) -> None:
        """Write a shown value and wait for the controller's echo (translated errors).

        The state follows the echo's register change; nothing is shown before it.
        """
        await async_write(self.coordinator, self.descriptor, value)


def parameter_entities[
    EntityT: BragerOneParameterEntity,
    DescriptionT: EntityDescription,
](
    coordinator: BragerOneCoordinator,
    platform: str,
    entity_class: Callable[..., EntityT],
    describe: Callable[[EntityDescriptor, str | None], DescriptionT],
) -> list[EntityT]:
    """Return one `entity_class` per stored descriptor of `platform` for the present modules.

    `describe` turns a descriptor into the entity description in the coordinator's
    language (one of the `descriptors` functions).
    """
    return [
        entity_class(
            coordinator=coordinator,
            descriptor=descriptor,
            description=describe(descriptor, coordinator.language),
        )
        for devid in coordinator.devids
        for descriptor in coordinator.catalogue.modules[devid].descriptors
        if descriptor.platform == platform
    ]
