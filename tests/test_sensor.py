"""Sensor entities: values, enum options, vendor labels in Home Assistant's language, alarms."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.bragerone.const import CONF_LANGUAGE, DOMAIN
from simulator import Simulator

from .integration_fixtures import (
    BOILER,
    MIXER,
    catalogue_data,
    entry_data,
    make_entry,
    state_of,
    wait_for,
)

DOOR = "sensor.kociol_door_sensor"


async def test_values_and_attributes(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """Transforms, compositions and times are shown as the vendor app shows them."""
    assert (
        state_of(hass, "sensor.kociol_burner_settings_boiler_power") == "17.4"
    )  # x0.1
    assert state_of(hass, "sensor.kociol_fuel_feeder_run_time") == "38063"  # two words
    assert state_of(hass, "sensor.obiegi_grzewcze_night_setback_start") == "07:00"
    assert state_of(hass, "sensor.kociol_alarms") == "0"
    power = hass.states.get("sensor.kociol_burner_settings_boiler_power")
    assert power is not None
    assert power.attributes["unit_of_measurement"] == "kW"
    assert power.attributes["device_class"] == "power"
    assert power.attributes["state_class"] == "measurement"


async def test_enum_sensor_follows_pushes(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """An enum sensor shows the option label; a value outside the options is unknown."""
    state = hass.states.get(DOOR)
    assert state is not None
    assert state.state == "Yes"
    assert state.attributes["options"] == ["No", "Yes"]
    assert state.attributes["device_class"] == "enum"
    await simulator.set(BOILER, "P7.v7", 0)
    await wait_for(lambda: state_of(hass, DOOR) == "No")
    await simulator.set(BOILER, "P7.v7", 7)
    await wait_for(lambda: state_of(hass, DOOR) == "unknown")


@pytest.mark.parametrize(("stored", "other"), [("en", "pl"), ("pl", "en")])
async def test_states_follow_the_entrys_language_not_home_assistants(
    hass: HomeAssistant, simulator: Simulator, stored: str, other: str
) -> None:
    """Names, options and states come in the language the descriptors were built for.

    Changing Home Assistant's language changes nothing (history and automations compare
    states) until the user rebuilds the descriptors.
    """
    await hass.config.async_update(language=other)
    data = entry_data(simulator, await catalogue_data(simulator))
    entry = MockConfigEntry(
        domain=DOMAIN, data={**data, CONF_LANGUAGE: stored}, version=1, minor_version=1
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    descriptor = next(
        d
        for d in entry.runtime_data.catalogue.descriptors()
        if d.unique_id == f"{MIXER}_P6_v8"
    )
    entity_id = er.async_get(hass).async_get_entity_id(
        "select", DOMAIN, descriptor.unique_id
    )
    assert entity_id is not None
    registry_entry = er.async_get(hass).async_get(entity_id)
    assert registry_entry is not None
    assert registry_entry.original_name == descriptor.label[stored]
    state = hass.states.get(entity_id)
    assert state is not None
    assert state.attributes["options"] == descriptor.option_labels(stored)
    assert state.attributes["options"] != descriptor.option_labels(other)
    assert state.state in descriptor.option_labels(stored)
    assert await hass.config_entries.async_unload(entry.entry_id)


async def test_status_tag_missing_from_the_options_is_unknown(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """A computed status whose tag the stored options lack shows as unknown, not garbage."""
    catalogue = await catalogue_data(simulator)
    records = catalogue["modules"][BOILER]["descriptors"]
    status = next(r for r in records if r["unique_id"] == f"{BOILER}_P5_s0")
    status["options"] = [o for o in status["options"] if o["label"]["en"] != "Work"]
    entry = make_entry(simulator, catalogue)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert state_of(hass, "sensor.kociol_boiler_status") == "unknown"
    assert await hass.config_entries.async_unload(entry.entry_id)


async def test_enum_sensor_names_values_outside_the_live_limits(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """A read-only enum keeps the unit's whole option table.

    The live ``n``..``x`` limits bound what may be written, not what a controller
    reports: a valve mode 5 with ``x`` = 4 is shown by its name, not as unknown.
    """
    catalogue = await catalogue_data(simulator)
    records = catalogue["modules"][BOILER]["descriptors"]
    mode = next(r for r in records if r["unique_id"] == f"{BOILER}_P6_v52")
    mode["platform"] = "sensor"  # as an installation without write permission sees it
    mode["enabled_default"] = True
    entry = make_entry(simulator, catalogue)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    labels = [o["label"]["en"] for o in mode["options"]]
    assert len(labels) == 6
    entity_id = "sensor.kociol_valve_1_mode"
    assert simulator.get(BOILER, "P6.x52") == 4
    state = hass.states.get(entity_id)
    assert state is not None
    assert state.attributes["options"] == labels
    await simulator.set(BOILER, "P6.v52", 5)
    await wait_for(lambda: state_of(hass, entity_id) == labels[5])
    assert await hass.config_entries.async_unload(entry.entry_id)
