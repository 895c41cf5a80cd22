"""Selects of BragerOne: writable enum parameters (modes)."""

from __future__ import annotations

from homeassistant.components.select import SelectEntity, SelectEntityDescription
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import BragerOneConfigEntry
from .descriptors import select_description
from .entity import BragerOneParameterEntity, parameter_entities

PARALLEL_UPDATES = 1


async def async_setup_entry(
    hass: HomeAssistant,
    entry: BragerOneConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add one select per writable enum parameter."""
    coordinator = entry.runtime_data.coordinator
    async_add_entities(
        parameter_entities(coordinator, "select", BragerOneSelect, select_description)
    )


class BragerOneSelect(BragerOneParameterEntity, SelectEntity):
    """A writable enum parameter."""

    entity_description: SelectEntityDescription

    @property
    def current_option(self) -> str | None:
        """Return the label of the current option."""
        value = self.shown_value
        return value if isinstance(value, str) and value in self.options else None

    async def async_select_option(self, option: str) -> None:
        """Write the option (validated, confirmed by the pushed echo)."""
        await self.async_write_value(option)
