"""Buttons of BragerOne: raw module commands such as "fuel loaded" (PROTOCOL.md §2.10 b)."""

from __future__ import annotations

from homeassistant.components.button import ButtonEntity
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .api.descriptor import command_for
from .const import DOMAIN
from .coordinator import BragerOneConfigEntry
from .descriptors import button_description
from .entity import BragerOneParameterEntity, parameter_entities
from .helpers import async_command

PARALLEL_UPDATES = 0
"""Writes are paced per module by the library (`Gateway.write`); Home Assistant adds no limit."""


async def async_setup_entry(
    hass: HomeAssistant,
    entry: BragerOneConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add one button per raw command the menu offers."""
    coordinator = entry.runtime_data.coordinator
    async_add_entities(
        parameter_entities(coordinator, "button", BragerOneButton, button_description)
    )


class BragerOneButton(BragerOneParameterEntity, ButtonEntity):
    """A raw module command."""

    async def async_press(self) -> None:
        """Send the command through the module's queue."""
        registers = self.coordinator.rule_registers(self.descriptor.devid)
        command = command_for(self.descriptor, registers)
        if command is None:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="not_writable",
                translation_placeholders={
                    "entity": self.descriptor.label_for(self.coordinator.language)
                },
            )
        await async_command(
            self.coordinator, self.descriptor.devid, command.command, command.value
        )
