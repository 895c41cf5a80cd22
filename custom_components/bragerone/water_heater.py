"""Hot water as a water heater (DESIGN.md decision 13).

One per hot-water sub-system whose roles resolved: the tank temperature, the set
temperature with the controller's live limits, the vendor's hot-water modes as
operations (within the live limits; the current one always shown), and on / off where
the modes have an "off" option.
"""

from __future__ import annotations

from typing import Any

from homeassistant.components.water_heater import (
    WaterHeaterEntity,
    WaterHeaterEntityDescription,
)
from homeassistant.const import ATTR_TEMPERATURE, UnitOfTemperature
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .api.roles import CompositeKind, Role
from .compat import WaterHeaterEntityFeature
from .composite import BragerOneCompositeEntity, composites_of
from .coordinator import BragerOneConfigEntry

PARALLEL_UPDATES = 0
"""Writes are paced per module by the library (`Gateway.write`); Home Assistant adds no limit."""


async def async_setup_entry(
    hass: HomeAssistant,
    entry: BragerOneConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a water heater per hot-water sub-system whose roles resolved."""
    coordinator = entry.runtime_data.coordinator
    async_add_entities(
        BragerOneWaterHeater(
            coordinator=coordinator,
            composite=composite,
            description=WaterHeaterEntityDescription(key=composite.unique_id),
        )
        for composite in composites_of(coordinator, {CompositeKind.WATER_HEATER})
    )


class BragerOneWaterHeater(BragerOneCompositeEntity, WaterHeaterEntity):
    """Hot water: temperature, set temperature, the vendor's modes and on / off."""

    _attr_temperature_unit = UnitOfTemperature.CELSIUS
    _last_operation: str | None = None

    @property
    def supported_features(self) -> WaterHeaterEntityFeature:
        """Return the setpoint, operations when there is a mode, on/off with an "off" option."""
        features = WaterHeaterEntityFeature.TARGET_TEMPERATURE
        if self.member(Role.MODE) is not None:
            features |= WaterHeaterEntityFeature.OPERATION_MODE
        if self.off_label() is not None:
            features |= WaterHeaterEntityFeature.ON_OFF
        return features

    @property
    def min_temp(self) -> float:
        """Return the set temperature's live minimum."""
        return self.setpoint_limit(0, super().min_temp)

    @property
    def max_temp(self) -> float:
        """Return the set temperature's live maximum."""
        return self.setpoint_limit(1, super().max_temp)

    @property
    def operation_list(self) -> list[str] | None:
        """Return the vendor's modes within the live limits, plus the current one."""
        if self.member(Role.MODE) is None:
            return None
        labels = [label for _, label in self.mode_options()]
        current = self.current_operation
        if current is not None and current not in labels:
            labels.append(current)
        return labels

    @property
    def current_operation(self) -> str | None:
        """Return the current mode."""
        mode = self.value(Role.MODE)
        return mode if isinstance(mode, str) else None

    async def async_set_temperature(self, **kwargs: Any) -> None:
        """Write the new set temperature (validated against the live limits, confirmed)."""
        if (temperature := kwargs.get(ATTR_TEMPERATURE)) is not None:
            await self.write(Role.TARGET_TEMPERATURE, temperature)

    async def async_set_operation_mode(self, operation_mode: str) -> None:
        """Write the chosen mode."""
        await self.write(Role.MODE, operation_mode)

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Write the "off" mode."""
        if (off := self.off_label()) is not None:
            await self.write(Role.MODE, off)

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Go back to the last working mode (else the first one)."""
        working = self.working_labels()
        if self.current_operation in working or not working:
            return
        last = self._last_operation if self._last_operation in working else None
        await self.write(Role.MODE, last or working[0])

    async def async_added_to_hass(self) -> None:
        """Remember the working mode the hot water has now (on goes back to it)."""
        await super().async_added_to_hass()
        if (operation := self.current_operation) in self.working_labels():
            self._last_operation = operation

    @callback
    def _handle_registers(self, _updates: list[Any]) -> None:
        if (operation := self.current_operation) in self.working_labels():
            self._last_operation = operation
        super()._handle_registers(_updates)
