"""Switches of BragerOne: two-state writable parameters and ON/OFF command rules."""

from __future__ import annotations

from typing import Any

from homeassistant.components.switch import SwitchEntity
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import BragerOneConfigEntry
from .descriptors import switch_description
from .entity import BragerOneParameterEntity, parameter_entities

PARALLEL_UPDATES = 0
"""Writes are paced per module by the library (`Gateway.write`); Home Assistant adds no limit."""


async def async_setup_entry(
    hass: HomeAssistant,
    entry: BragerOneConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add one switch per two-state writable parameter or command pair."""
    coordinator = entry.runtime_data.coordinator
    async_add_entities(
        parameter_entities(coordinator, "switch", BragerOneSwitch, switch_description)
    )


class BragerOneSwitch(BragerOneParameterEntity, SwitchEntity):
    """A two-state writable parameter."""

    @property
    def is_on(self) -> bool | None:
        """Return the state."""
        value = self.shown_value
        return None if value is None else bool(value)

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Switch on (confirmed by the pushed echo)."""
        await self.async_write_value(True)  # noqa: FBT003

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Switch off (confirmed by the pushed echo)."""
        await self.async_write_value(False)  # noqa: FBT003
