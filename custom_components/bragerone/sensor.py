"""Sensors of BragerOne: read-only parameters and the per-module alarm count (with the active alarms)."""

from __future__ import annotations

from typing import Any

from homeassistant.components.sensor import (
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .const import LOGGER
from .coordinator import BragerOneConfigEntry
from .descriptors import sensor_description
from .entity import BragerOneAlarmsEntity, BragerOneParameterEntity, parameter_entities

PARALLEL_UPDATES = 0

ALARMS_DESCRIPTION = SensorEntityDescription(
    key="alarms",
    translation_key="alarms",
    state_class=SensorStateClass.MEASUREMENT,
    entity_category=EntityCategory.DIAGNOSTIC,
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: BragerOneConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add parameter sensors and one alarm-count sensor per module."""
    coordinator = entry.runtime_data.coordinator
    entities: list[SensorEntity] = [
        *parameter_entities(coordinator, "sensor", BragerOneSensor, sensor_description),
        *(BragerOneAlarmSensor(coordinator, d) for d in coordinator.devids),
    ]
    async_add_entities(entities)


class BragerOneSensor(BragerOneParameterEntity, SensorEntity):
    """A read-only parameter."""

    entity_description: SensorEntityDescription

    @property
    def native_value(self) -> Any:
        """Return the shown value (an option label for enum sensors)."""
        value = self.shown_value
        options = self.entity_description.options
        if options is not None and value is not None and value not in options:
            LOGGER.debug("%s: %r is not one of its options", self.entity_id, value)
            return None
        return value


class BragerOneAlarmSensor(BragerOneAlarmsEntity, SensorEntity):
    """The module's number of active alarms, with the alarms themselves as an attribute."""

    entity_description: SensorEntityDescription

    module_description = ALARMS_DESCRIPTION

    @property
    def native_value(self) -> int | None:
        """Return the number of active alarms."""
        return self.alarm_count

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        """Return the active alarms: ``[{"code", "name", "since"}]`` (empty before a read)."""
        return {"active_alarms": self.active_alarms}
