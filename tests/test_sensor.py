"""Sensor entities: values, enum options, vendor labels in Home Assistant's language, alarms."""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.bragerone import sensor
from simulator import Simulator

from .integration_fixtures import (
    BOILER,
    MIXER,
    catalogue_data,
    make_entry,
    state_of,
    wait_for,
)

DOOR = "sensor.kociol_door_sensor"


def test_sensor_platform_only_reads() -> None:
    """Read-only platforms do not limit parallel updates."""
    assert sensor.PARALLEL_UPDATES == 0


async def test_values_and_attributes(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """Transforms, compositions and times are shown as the vendor app shows them."""
    assert state_of(hass, "sensor.kociol_boiler_power") == "17.4"  # x0.1
    assert state_of(hass, "sensor.kociol_feeder_run_time") == "38063"  # two words
    assert state_of(hass, "sensor.obiegi_grzewcze_night_setback_start") == "07:00"
    assert state_of(hass, "sensor.kociol_alarms") == "0"
    power = hass.states.get("sensor.kociol_boiler_power")
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
    await wait_for(lambda: state_of(hass, DOOR) == "unavailable")


async def test_names_follow_the_home_assistant_language(
    hass: HomeAssistant, simulator: Simulator, runtime_entry: MockConfigEntry
) -> None:
    """With Home Assistant in Polish, entities carry the vendor's Polish labels."""
    await hass.config.async_update(language="pl")
    assert await hass.config_entries.async_setup(runtime_entry.entry_id)
    await hass.async_block_till_done()
    assert runtime_entry.state is ConfigEntryState.LOADED
    registry = er.async_get(hass)
    catalogue = runtime_entry.runtime_data.catalogue
    descriptor = next(
        d for d in catalogue.descriptors() if d.unique_id == f"{MIXER}_P6_v8"
    )
    entity_id = registry.async_get_entity_id(
        "select", "bragerone", descriptor.unique_id
    )
    assert entity_id is not None
    entry = registry.async_get(entity_id)
    assert entry is not None
    assert entry.original_name == descriptor.label["pl"]
    assert entry.original_name != descriptor.label["en"]
    state = hass.states.get(entity_id)
    assert state is not None
    assert state.attributes["options"] == descriptor.option_labels("pl")
    assert state.state in descriptor.option_labels("pl")


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
