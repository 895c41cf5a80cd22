"""Numbers of BragerOne: writable numeric parameters (limits from the live ``n``/``x`` registers)."""

from __future__ import annotations

from homeassistant.components.number import NumberEntity, NumberEntityDescription
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .api.descriptor import live_limits
from .coordinator import BragerOneConfigEntry
from .descriptors import number_description
from .entity import BragerOneParameterEntity, parameter_entities

PARALLEL_UPDATES = 0
"""Writes are paced per module by the library (`Gateway.write`); Home Assistant adds no limit."""


async def async_setup_entry(
    hass: HomeAssistant,
    entry: BragerOneConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add one number per writable numeric parameter."""
    coordinator = entry.runtime_data.coordinator
    async_add_entities(
        parameter_entities(coordinator, "number", BragerOneNumber, number_description)
    )


class BragerOneNumber(BragerOneParameterEntity, NumberEntity):
    """A writable numeric parameter."""

    entity_description: NumberEntityDescription

    @property
    def native_value(self) -> float | None:
        """Return the shown value."""
        value = self.shown_value
        return value if isinstance(value, int | float) else None

    @property
    def native_min_value(self) -> float:
        """Return the live minimum (``n`` register), else the stored one."""
        low, _ = live_limits(
            self.descriptor, self.coordinator.rule_registers(self.descriptor.devid)
        )
        return low if low is not None else super().native_min_value

    @property
    def native_max_value(self) -> float:
        """Return the live maximum (``x`` register), else the stored one."""
        _, high = live_limits(
            self.descriptor, self.coordinator.rule_registers(self.descriptor.devid)
        )
        return high if high is not None else super().native_max_value

    async def async_set_native_value(self, value: float) -> None:
        """Write a new value (validated, confirmed by the pushed echo)."""
        await self.async_write_value(value)
