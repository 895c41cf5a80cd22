"""Binary sensors: status bits, module connectivity and the cloud connection."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from simulator import Simulator

from .integration_fixtures import BOILER, StateChanges, state_of, wait_for

LID = "binary_sensor.kociol_hopper_lid_open"


async def test_status_bit_follows_pushes(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """Clearing the bit turns the sensor off, and only that sensor changes."""
    assert state_of(hass, LID) == "on"
    word = int(simulator.get(BOILER, "P5.s3"))
    changes = StateChanges(hass)
    await simulator.set(BOILER, "P5.s3", word & ~(1 << 2))
    await wait_for(lambda: state_of(hass, LID) == "off")
    await hass.async_block_till_done()
    assert LID in changes.stop()


async def test_fixed_connectivity_sensors(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """Each module and the cloud session have a connectivity sensor."""
    assert state_of(hass, "binary_sensor.kociol_module_connection") == "on"
    assert state_of(hass, "binary_sensor.obiegi_grzewcze_module_connection") == "on"
    assert state_of(hass, "binary_sensor.dom_kowalskich_cloud_connection") == "on"
