"""Thermostats: one per heating circuit and one for the boiler (DESIGN.md decision 13).

A circuit's thermostat shows the circuit's temperature and setpoint, its mode as
presets (the vendor's options within the controller's live limits), off / heat where
the mode has an "off" option and auto where an option follows a schedule; it is heating
while the circuit's pump runs. The boiler's
thermostat shows the boiler temperature and set temperature; heat / off writes the
boiler's start/stop parameter (the one deliberate action that stops the boiler; no
switch for it is a primary control), and it is heating while the burner works.
"""

from __future__ import annotations

from typing import Any

from homeassistant.components.climate import ClimateEntity, ClimateEntityDescription
from homeassistant.components.climate.const import (
    ClimateEntityFeature,
    HVACAction,
    HVACMode,
)
from homeassistant.const import ATTR_TEMPERATURE, UnitOfTemperature
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .api.roles import CompositeKind, Role, is_idle_state
from .composite import BragerOneCompositeEntity, composites_of
from .coordinator import BragerOneConfigEntry

PARALLEL_UPDATES = 0
"""Writes are paced per module by the library (`Gateway.write`); Home Assistant adds no limit."""


async def async_setup_entry(
    hass: HomeAssistant,
    entry: BragerOneConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a thermostat per heating circuit and one per boiler whose roles resolved."""
    coordinator = entry.runtime_data.coordinator
    entities: list[BragerOneThermostat] = []
    for composite in composites_of(
        coordinator, {CompositeKind.CIRCUIT, CompositeKind.BOILER}
    ):
        boiler = composite.kind is CompositeKind.BOILER
        entities.append(
            (BragerOneBoilerThermostat if boiler else BragerOneCircuitThermostat)(
                coordinator=coordinator,
                composite=composite,
                description=ClimateEntityDescription(
                    key=composite.unique_id,
                    translation_key="boiler" if boiler else None,
                ),
            )
        )
    async_add_entities(entities)


class BragerOneThermostat(BragerOneCompositeEntity, ClimateEntity):
    """What both thermostats share: temperatures, live limits and the setpoint write."""

    _attr_temperature_unit = UnitOfTemperature.CELSIUS
    _enable_turn_on_off_backwards_compatibility = False

    @property
    def min_temp(self) -> float:
        """Return the setpoint's live minimum."""
        return self.setpoint_limit(0, super().min_temp)

    @property
    def max_temp(self) -> float:
        """Return the setpoint's live maximum."""
        return self.setpoint_limit(1, super().max_temp)

    @property
    def target_temperature_step(self) -> float | None:
        """Return the setpoint's step (0.5 °C when the controller gives none)."""
        member = self.member(Role.TARGET_TEMPERATURE)
        return (member.step if member is not None else None) or 0.5

    async def async_set_temperature(self, **kwargs: Any) -> None:
        """Write the new setpoint (validated against the live limits, confirmed)."""
        if (temperature := kwargs.get(ATTR_TEMPERATURE)) is not None:
            await self.write(Role.TARGET_TEMPERATURE, temperature)


class BragerOneCircuitThermostat(BragerOneThermostat):
    """A heating circuit: presets from its mode, off / heat, heating while its pump runs."""

    _last_preset: str | None = None

    @property
    def supported_features(self) -> ClimateEntityFeature:
        """Return the setpoint, presets when there is a mode, on/off with an "off" option."""
        features = ClimateEntityFeature.TARGET_TEMPERATURE
        if self.working_labels():
            features |= ClimateEntityFeature.PRESET_MODE
        if self.off_label() is not None:
            features |= ClimateEntityFeature.TURN_OFF | ClimateEntityFeature.TURN_ON
        return features

    @property
    def hvac_modes(self) -> list[HVACMode]:
        """Return heat, off when the mode has an "off" option, auto when one follows a schedule."""
        modes = [HVACMode.HEAT]
        if self.off_label() is not None:
            modes.insert(0, HVACMode.OFF)
        if self.schedule_label() is not None:
            modes.append(HVACMode.AUTO)
        return modes

    @property
    def hvac_mode(self) -> HVACMode | None:
        """Return off while the mode is "off", auto while it follows a schedule, else heat."""
        mode = self.value(Role.MODE)
        if self.member(Role.MODE) is not None and mode is None:
            return None
        if mode is not None and mode == self.off_label():
            return HVACMode.OFF
        if mode is not None and mode == self.schedule_label():
            return HVACMode.AUTO
        return HVACMode.HEAT

    @property
    def preset_modes(self) -> list[str] | None:
        """Return the vendor's working modes within the live limits."""
        return self.working_labels() or None

    @property
    def preset_mode(self) -> str | None:
        """Return the current working mode (None while off or on the schedule)."""
        mode = self.value(Role.MODE)
        return mode if isinstance(mode, str) and mode in self.working_labels() else None

    @property
    def hvac_action(self) -> HVACAction | None:
        """Return off while off, heating while the circuit's pump runs, else idle."""
        if self.hvac_mode is HVACMode.OFF:
            return HVACAction.OFF
        if self.member(Role.PUMP) is None:
            return None
        return HVACAction.HEATING if self.value(Role.PUMP) else HVACAction.IDLE

    async def async_set_hvac_mode(self, hvac_mode: HVACMode) -> None:
        """Write the "off" or the schedule option, or go back to the last working mode."""
        off, schedule = self.off_label(), self.schedule_label()
        if hvac_mode is HVACMode.OFF and off is not None:
            await self.write(Role.MODE, off)
        elif hvac_mode is HVACMode.AUTO and schedule is not None:
            await self.write(Role.MODE, schedule)
        elif hvac_mode is HVACMode.HEAT and self.hvac_mode is not HVACMode.HEAT:
            working = self.working_labels()
            last = self._last_preset if self._last_preset in working else None
            if working:
                await self.write(Role.MODE, last or working[0])

    async def async_set_preset_mode(self, preset_mode: str) -> None:
        """Write the chosen working mode."""
        await self.write(Role.MODE, preset_mode)

    async def async_added_to_hass(self) -> None:
        """Remember the working mode the circuit has now (heat goes back to it)."""
        await super().async_added_to_hass()
        self._last_preset = self.preset_mode

    @callback
    def _handle_registers(self, _updates: list[Any]) -> None:
        if (preset := self.preset_mode) is not None:
            self._last_preset = preset
        super()._handle_registers(_updates)


class BragerOneBoilerThermostat(BragerOneThermostat):
    """The boiler: its temperature and set temperature, heat / off from its start/stop."""

    @property
    def supported_features(self) -> ClimateEntityFeature:
        """Return the setpoint, and on/off where the boiler has a start/stop parameter."""
        features = ClimateEntityFeature.TARGET_TEMPERATURE
        if self.member(Role.ON_OFF) is not None:
            features |= ClimateEntityFeature.TURN_OFF | ClimateEntityFeature.TURN_ON
        return features

    @property
    def hvac_modes(self) -> list[HVACMode]:
        """Return heat, and off where the boiler can be stopped."""
        if self.member(Role.ON_OFF) is None:
            return [HVACMode.HEAT]
        return [HVACMode.OFF, HVACMode.HEAT]

    @property
    def hvac_mode(self) -> HVACMode | None:
        """Return heat while the boiler is started, off while stopped."""
        if self.member(Role.ON_OFF) is None:
            return HVACMode.HEAT
        started = self.value(Role.ON_OFF)
        if started is None:
            return None
        return HVACMode.HEAT if started else HVACMode.OFF

    @property
    def hvac_action(self) -> HVACAction | None:
        """Return off while stopped, heating while the burner works, else idle."""
        if self.hvac_mode is HVACMode.OFF:
            return HVACAction.OFF
        state = self.member(Role.BURNER_STATE)
        value = self.value(Role.BURNER_STATE)
        if state is None or value is None:
            return None
        labels = next(
            (
                list(option.label.values())
                for option in state.options
                if value in option.label.values() or value == option.key
            ),
            [str(value)],
        )
        return HVACAction.IDLE if is_idle_state(labels) else HVACAction.HEATING

    async def async_set_hvac_mode(self, hvac_mode: HVACMode) -> None:
        """Start (heat) or stop (off) the boiler."""
        if self.member(Role.ON_OFF) is not None:
            await self.write(Role.ON_OFF, hvac_mode is HVACMode.HEAT)
