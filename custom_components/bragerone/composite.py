"""The base of the heating entities made of several parameters (DESIGN.md decision 13).

A `Composite` (``api/roles.py``) names the descriptors that play each role in one
sub-system; `BragerOneCompositeEntity` watches all their registers, reads each role's
shown value and writes through the library's confirmed write path, so a water heater or
thermostat changes state once, when the controller's echo arrives, like any parameter.
"""

from __future__ import annotations

from typing import Any

from homeassistant.core import callback
from homeassistant.helpers.entity import EntityDescription

from . import compat
from .api.descriptor import (
    EntityDescriptor,
    Option,
    live_limits,
    offered_options,
    pick_label,
)
from .api.registers import watched_keys
from .api.roles import (
    Composite,
    CompositeKind,
    Role,
    find_composites,
    is_off_option,
    is_schedule_option,
)
from .coordinator import BragerOneCoordinator
from .entity import BragerOneEntity, subsystem_device
from .helpers import async_write


def composites_of(
    coordinator: BragerOneCoordinator, kinds: set[CompositeKind]
) -> list[Composite]:
    """Return the complete composites of `kinds` of the entry's present modules."""
    return [
        composite
        for devid in coordinator.devids
        for composite in find_composites(
            coordinator.catalogue.modules[devid].descriptors
        )
        if composite.kind in kinds
    ]


class BragerOneCompositeEntity(BragerOneEntity):
    """An entity of one sub-system, made of the descriptors that play its roles."""

    def __init__(
        self,
        *,
        coordinator: BragerOneCoordinator,
        composite: Composite,
        description: EntityDescription,
    ) -> None:
        """Attach the entity to its sub-system's device (a child device where there are)."""
        by_id = {
            d.unique_id: d
            for d in coordinator.catalogue.modules[composite.devid].descriptors
        }
        self.composite = composite
        self.members: dict[str, EntityDescriptor] = {
            role: by_id[uid] for role, uid in composite.members.items() if uid in by_id
        }
        on_child = (
            compat.HAS_CHILD_DEVICES and composite.kind is not CompositeKind.BOILER
        )
        if description.translation_key is None:
            # Named after its sub-system; on a child device the device carries that name.
            description = EntityDescription(
                key=description.key,
                name=None
                if on_child
                else pick_label(composite.label, coordinator.language),
            )
        super().__init__(
            coordinator=coordinator,
            devid=composite.devid,
            description=description,
            unique_id=composite.unique_id,
            device_identifier=composite.devid,
            device_info=subsystem_device(
                coordinator, composite.devid, composite.subsystem, composite.label
            ),
        )

    async def async_added_to_hass(self) -> None:
        """Watch the registers of every member."""
        await super().async_added_to_hass()
        keys = frozenset(
            key for member in self.members.values() for key in watched_keys(member)
        )
        self.async_on_remove(self.coordinator.store.watch(self._handle_registers, keys))

    @callback
    def _handle_registers(self, _updates: list[Any]) -> None:
        self.async_write_ha_state()

    # --- reading ------------------------------------------------------------------------

    def member(self, role: Role) -> EntityDescriptor | None:
        """Return the descriptor playing `role`, if any."""
        return self.members.get(role.value)

    def value(self, role: Role) -> Any:
        """Return the shown value of the member playing `role` (None: no member or value)."""
        member = self.member(role)
        return None if member is None else self.coordinator.value_of(member)

    def number(self, role: Role) -> float | None:
        """Return the member's value when it is a number."""
        value = self.value(role)
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None
        return float(value)

    def limits(self, role: Role) -> tuple[float | None, float | None]:
        """Return the member's live limits in display units."""
        member = self.member(role)
        if member is None:
            return None, None
        return live_limits(member, self.coordinator.rule_registers(member.devid))

    def setpoint_limit(self, index: int, default: float) -> float:
        """Return the setpoint's live minimum (`index` 0) or maximum (1), else `default`."""
        value = self.limits(Role.TARGET_TEMPERATURE)[index]
        return default if value is None else value

    def mode_options(self) -> list[tuple[Option, str]]:
        """Return the mode member's offered options with their labels in the entry's language."""
        mode = self.member(Role.MODE)
        if mode is None:
            return []
        registers = self.coordinator.rule_registers(mode.devid)  # a view, not a copy
        language = self.coordinator.language
        return [
            (option, pick_label(option.label, language) or str(option.key))
            for option in offered_options(mode, registers)
        ]

    def off_label(self) -> str | None:
        """Return the label of the mode's "off" option, if it has one."""
        mode = self.member(Role.MODE)
        if mode is None:
            return None
        language = self.coordinator.language
        for option in mode.options:
            if is_off_option(option.label.values()):
                return pick_label(option.label, language) or str(option.key)
        return None

    def schedule_label(self) -> str | None:
        """Return the label of the offered mode option that follows a schedule, if any."""
        for option, label in self.mode_options():
            if is_schedule_option(option.label.values()):
                return label
        return None

    def working_labels(self) -> list[str]:
        """Return the offered mode labels other than "off" and the schedule."""
        skip = {self.off_label(), self.schedule_label()}
        return [label for _, label in self.mode_options() if label not in skip]

    @property
    def current_temperature(self) -> float | None:
        """Return the measured temperature (the current-temperature role)."""
        return self.number(Role.CURRENT_TEMPERATURE)

    @property
    def target_temperature(self) -> float | None:
        """Return the setpoint (the target-temperature role)."""
        return self.number(Role.TARGET_TEMPERATURE)

    # --- writing ------------------------------------------------------------------------

    async def write(self, role: Role, value: Any) -> None:
        """Write a shown value to the member playing `role` (validated, confirmed)."""
        member = self.member(role)
        if member is not None:
            await async_write(self.coordinator, member, value)
