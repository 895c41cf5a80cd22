"""Heating as Home Assistant shows it: a water heater, thermostats, and a safe boiler.

Every write goes through the simulator over loopback and is checked in the simulator's
registers with the controller's raw values.
"""

from __future__ import annotations

from typing import Any

from homeassistant.components.climate import DOMAIN as CLIMATE_DOMAIN
from homeassistant.components.water_heater import DOMAIN as WATER_HEATER_DOMAIN
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er, issue_registry as ir
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.bragerone.const import DOMAIN
from simulator import Simulator

from .integration_fixtures import (
    BOILER,
    MIXER,
    catalogue_data,
    make_entry,
    state_of,
    wait_for,
)

BOILER_THERMOSTAT = "climate.kociol_boiler"
VALVE_1 = "climate.kociol_valve_1"
CIRCUIT_1 = "climate.obiegi_grzewcze_circuit_1"
CIRCUIT_2 = "climate.obiegi_grzewcze_circuit_2"
HOT_WATER = "water_heater.kociol_dhw_settings"

# Raw option keys of the simulator's controllers (its ground truth, simulator/modules.py).
DHW_SUMMER, DHW_OFF = 2, 0
VALVE_OFF, VALVE_NORMAL_RADIATOR = 0, 3
START_BIT = 0  # URUCHOMIENIE_KOTLA reads bit 0 of P5.s0


async def _call(hass: HomeAssistant, domain: str, service: str, **data: Any) -> None:
    await hass.services.async_call(domain, service, data, blocking=True)


def _attribute(hass: HomeAssistant, entity_id: str, name: str) -> Any:
    state = hass.states.get(entity_id)
    assert state is not None, entity_id
    return state.attributes.get(name)


async def test_heating_entities_exist_for_every_sub_system(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """One boiler thermostat, one water heater, a thermostat per heating circuit."""
    assert {s.entity_id for s in hass.states.async_all(CLIMATE_DOMAIN)} == {
        BOILER_THERMOSTAT,
        VALVE_1,
        CIRCUIT_1,
        CIRCUIT_2,
    }
    assert [s.entity_id for s in hass.states.async_all(WATER_HEATER_DOMAIN)] == [
        HOT_WATER
    ]
    assert state_of(hass, HOT_WATER) == "Automatic winter/summer"
    assert _attribute(hass, HOT_WATER, "current_temperature") == 45.5
    assert _attribute(hass, HOT_WATER, "temperature") == 50
    assert (
        _attribute(hass, HOT_WATER, "min_temp"),
        _attribute(hass, HOT_WATER, "max_temp"),
    ) == (30, 70)
    assert _attribute(hass, HOT_WATER, "operation_list") == [
        "Off",
        "Winter",
        "Summer",
        "Automatic winter/summer",
    ]
    assert state_of(hass, VALVE_1) == "heat"
    assert _attribute(hass, VALVE_1, "current_temperature") == 51.5
    assert _attribute(hass, VALVE_1, "temperature") == 40
    assert _attribute(hass, VALVE_1, "preset_mode") == "Weather-compensated radiator"
    assert "Pump + circulation" not in _attribute(
        hass, VALVE_1, "preset_modes"
    )  # x = 4
    assert _attribute(hass, VALVE_1, "hvac_action") == "heating"  # its pump runs
    assert state_of(hass, BOILER_THERMOSTAT) == "heat"
    assert _attribute(hass, BOILER_THERMOSTAT, "current_temperature") == 65.5
    assert _attribute(hass, BOILER_THERMOSTAT, "hvac_action") == "heating"  # "Work"
    assert _attribute(hass, CIRCUIT_2, "temperature") == 35.5


async def test_water_heater_writes_reach_the_controller(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """Set temperature, operation, off and on: raw values in the registers, confirmed."""
    await _call(
        hass,
        WATER_HEATER_DOMAIN,
        "set_temperature",
        entity_id=HOT_WATER,
        temperature=55,
    )
    assert simulator.get(BOILER, "P6.v51") == 55
    assert _attribute(hass, HOT_WATER, "temperature") == 55
    await _call(
        hass,
        WATER_HEATER_DOMAIN,
        "set_operation_mode",
        entity_id=HOT_WATER,
        operation_mode="Summer",
    )
    assert simulator.get(BOILER, "P6.v46") == DHW_SUMMER
    assert state_of(hass, HOT_WATER) == "Summer"
    await _call(hass, WATER_HEATER_DOMAIN, "turn_off", entity_id=HOT_WATER)
    assert simulator.get(BOILER, "P6.v46") == DHW_OFF
    assert state_of(hass, HOT_WATER) == "Off"
    await _call(hass, WATER_HEATER_DOMAIN, "turn_on", entity_id=HOT_WATER)
    assert simulator.get(BOILER, "P6.v46") == DHW_SUMMER  # back to the last mode


async def test_circuit_thermostat_writes_reach_the_controller(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """Setpoint, preset, off and heat of a valve circuit, and a mixer circuit's setpoint."""
    await _call(
        hass, CLIMATE_DOMAIN, "set_temperature", entity_id=VALVE_1, temperature=45
    )
    assert simulator.get(BOILER, "P6.v53") == 45
    await _call(
        hass,
        CLIMATE_DOMAIN,
        "set_preset_mode",
        entity_id=VALVE_1,
        preset_mode="Normal radiator",
    )
    assert simulator.get(BOILER, "P6.v52") == VALVE_NORMAL_RADIATOR
    await _call(
        hass, CLIMATE_DOMAIN, "set_hvac_mode", entity_id=VALVE_1, hvac_mode="off"
    )
    assert simulator.get(BOILER, "P6.v52") == VALVE_OFF
    assert state_of(hass, VALVE_1) == "off"
    assert _attribute(hass, VALVE_1, "hvac_action") == "off"
    await _call(
        hass, CLIMATE_DOMAIN, "set_hvac_mode", entity_id=VALVE_1, hvac_mode="heat"
    )
    assert simulator.get(BOILER, "P6.v52") == VALVE_NORMAL_RADIATOR
    assert _attribute(hass, VALVE_1, "preset_mode") == "Normal radiator"
    await _call(
        hass, CLIMATE_DOMAIN, "set_temperature", entity_id=CIRCUIT_2, temperature=40.5
    )
    assert simulator.get(MIXER, "P6.v1") == 40.5


async def test_circuit_is_idle_while_its_pump_stands(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """The circuit's pump status decides heating or idle."""
    assert _attribute(hass, CIRCUIT_1, "hvac_action") == "heating"
    await simulator.set(MIXER, "P5.s0", simulator.get(MIXER, "P5.s0") & ~1)
    await wait_for(lambda: _attribute(hass, CIRCUIT_1, "hvac_action") == "idle")


async def test_boiler_thermostat_starts_and_stops_the_boiler(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """Off stops the boiler (the start/stop command), heat starts it; setpoint writes."""
    await _call(
        hass,
        CLIMATE_DOMAIN,
        "set_temperature",
        entity_id=BOILER_THERMOSTAT,
        temperature=75,
    )
    assert simulator.get(BOILER, "P6.v0") == 75
    await _call(
        hass,
        CLIMATE_DOMAIN,
        "set_hvac_mode",
        entity_id=BOILER_THERMOSTAT,
        hvac_mode="off",
    )
    assert not simulator.get(BOILER, "P5.s0") >> START_BIT & 1
    assert state_of(hass, BOILER_THERMOSTAT) == "off"
    assert _attribute(hass, BOILER_THERMOSTAT, "hvac_action") == "off"
    await _call(
        hass,
        CLIMATE_DOMAIN,
        "set_hvac_mode",
        entity_id=BOILER_THERMOSTAT,
        hvac_mode="heat",
    )
    assert simulator.get(BOILER, "P5.s0") >> START_BIT & 1
    assert state_of(hass, BOILER_THERMOSTAT) == "heat"


async def test_no_primary_control_can_stop_the_boiler(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """Installer settings are config; no switch is a primary control; few controls remain.

    A dashboard's header toggle acts on the primary switches of a card: none exist, so it
    cannot reach the boiler's start/stop or a pump. The setpoints and modes the
    thermostats cover stay, disabled, for automations.
    """
    entry = make_entry(simulator, await catalogue_data(simulator))  # default enabling
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    registry = er.async_get(hass)
    entries = er.async_entries_for_config_entry(registry, entry.entry_id)
    switches = [e for e in entries if e.domain == "switch"]
    assert switches
    assert all(e.entity_category is EntityCategory.CONFIG for e in switches)
    controls = {"number", "select", "switch", "button", "climate", "water_heater"}
    primary = [
        e.entity_id
        for e in entries
        if e.unique_id.startswith(BOILER)
        and e.entity_category is None
        and e.disabled_by is None
        and e.domain in controls
    ]
    assert len(primary) <= 15, primary
    assert {BOILER_THERMOSTAT, VALVE_1, HOT_WATER} <= set(primary)

    def registered(platform: str, unique_id: str) -> er.RegistryEntry:
        entity_id = registry.async_get_entity_id(platform, DOMAIN, unique_id)
        found = registry.async_get(entity_id) if entity_id else None
        assert found is not None, unique_id
        return found

    covered = registered("number", f"{BOILER}_P6_v0")  # the boiler set temperature
    assert covered.disabled_by is er.RegistryEntryDisabler.INTEGRATION
    assert registered("switch", f"{BOILER}_P5_s0_bit0").disabled_by is not None  # start
    burner = registered("number", f"{BOILER}_P10_v2")  # maximum burner power
    assert burner.entity_category is EntityCategory.CONFIG
    assert registered(
        "binary_sensor", f"{BOILER}_P5_s11_bit0"
    ).original_device_class == (
        "running"  # the boiler pump
    )
    blower = registered("binary_sensor", f"{BOILER}_P5_s10_bit0")
    assert blower.disabled_by is er.RegistryEntryDisabler.INTEGRATION  # toggles often
    assert await hass.config_entries.async_unload(entry.entry_id)


async def test_an_entry_built_before_roles_asks_for_a_refresh(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """A stored catalogue without roles sets up as before and raises a repair issue."""
    catalogue = await catalogue_data(simulator)
    catalogue["roles_version"] = 0
    for module in catalogue["modules"].values():
        for record in module["descriptors"]:
            record.pop("role", None)
            record.pop("subsystem", None)
    entry = make_entry(simulator, catalogue)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    issue = ir.async_get(hass).async_get_issue(
        DOMAIN, f"roles_outdated_{entry.entry_id}"
    )
    assert issue is not None
    assert issue.translation_placeholders == {"installation": entry.title}
    assert not hass.states.async_all(CLIMATE_DOMAIN)  # no roles, no thermostats yet
    assert state_of(hass, "sensor.kociol_return_temperature") == "58.5"
    assert await hass.config_entries.async_unload(entry.entry_id)


async def test_a_schedule_mode_is_the_thermostats_auto(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """A circuit mode that follows a schedule is hvac mode auto, not a preset."""
    catalogue = await catalogue_data(simulator)
    records = catalogue["modules"][MIXER]["descriptors"]
    mode = next(r for r in records if r["unique_id"] == f"{MIXER}_P6_v2")
    mode["options"].append(
        {"key": 6, "label": {"en": "Weekly schedule", "pl": "Harmonogram tygodniowy"}}
    )
    await simulator.set(MIXER, "P6.x2", 6)  # the controller allows it
    entry = make_entry(simulator, catalogue)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert _attribute(hass, CIRCUIT_1, "hvac_modes") == ["off", "heat", "auto"]
    assert "Weekly schedule" not in _attribute(hass, CIRCUIT_1, "preset_modes")
    await _call(
        hass, CLIMATE_DOMAIN, "set_hvac_mode", entity_id=CIRCUIT_1, hvac_mode="auto"
    )
    assert simulator.get(MIXER, "P6.v2") == 6
    assert state_of(hass, CIRCUIT_1) == "auto"
    assert _attribute(hass, CIRCUIT_1, "preset_mode") is None
    await _call(
        hass, CLIMATE_DOMAIN, "set_hvac_mode", entity_id=CIRCUIT_1, hvac_mode="heat"
    )
    assert (
        simulator.get(MIXER, "P6.v2") == 3
    )  # back to "Normal radiator", its last preset
    assert state_of(hass, CIRCUIT_1) == "heat"
    assert await hass.config_entries.async_unload(entry.entry_id)


async def test_no_two_entities_share_a_name(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """Every entity of a device, enabled or not, has a name of its own.

    Where the vendor's label repeats (a pump's running state and its on/off), the role
    tells them apart; the alarm's event and its problem sensor are named apart too.
    """
    registry = er.async_get(hass)
    entries = er.async_entries_for_config_entry(registry, init_integration.entry_id)
    assert all(e.disabled_by is None for e in entries)
    names: dict[str, list[str]] = {}
    for entry in entries:
        state = hass.states.get(entry.entity_id)
        assert state is not None, entry.entity_id
        names.setdefault(state.name, []).append(entry.entity_id)
    shared = {name: ids for name, ids in names.items() if len(ids) > 1}
    assert not shared
    assert hass.states.get("binary_sensor.kociol_alarm_status") is not None
