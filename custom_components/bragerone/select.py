"""Selects of BragerOne: writable enum parameters (modes)."""

from __future__ import annotations

from homeassistant.components.select import SelectEntity, SelectEntityDescription
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .api.descriptor import offered_options, pick_label
from .coordinator import BragerOneConfigEntry
from .descriptors import select_description
from .entity import BragerOneParameterEntity, parameter_entities

PARALLEL_UPDATES = 0
"""Writes are paced per module by the library (`Gateway.write`); Home Assistant adds no limit."""


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
    """A writable enum parameter.

    Its choices are the options within the controller's live ``n``..``x`` limits; a
    current value outside them is still shown (and offered, so the state is valid).
    """

    entity_description: SelectEntityDescription

    @property
    def options(self) -> list[str]:
        """Return the labels offered now, plus the current one."""
        language = self.coordinator.language
        registers = self.coordinator.rule_registers(self.descriptor.devid)
        labels = [
            pick_label(option.label, language) or str(option.key)
            for option in offered_options(self.descriptor, registers)
        ]
        current = self.shown_value
        if isinstance(current, str) and current not in labels:
            labels.append(current)
        return list(dict.fromkeys(labels))

    @property
    def current_option(self) -> str | None:
        """Return the label of the current option."""
        value = self.shown_value
        return value if isinstance(value, str) else None

    async def async_select_option(self, option: str) -> None:
        """Write the option (validated, confirmed by the pushed echo)."""
        await self.async_write_value(option)
