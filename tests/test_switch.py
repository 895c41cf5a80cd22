"""Switch entities: two-state parameters and ON/OFF command rules."""

from __future__ import annotations

from homeassistant.components.switch import DOMAIN as SWITCH_DOMAIN
from homeassistant.const import ATTR_ENTITY_ID, SERVICE_TURN_OFF, SERVICE_TURN_ON
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from simulator import Simulator

from .integration_fixtures import BOILER, MIXER, state_of

PUMP = "switch.obiegi_grzewcze_circuit_2_pump"
BOILER_START = "switch.kociol_boiler_start"
PUMP_TEST = "switch.obiegi_grzewcze_circuit_1_pump_test"


async def _switch(hass: HomeAssistant, entity_id: str, service: str) -> None:
    await hass.services.async_call(
        SWITCH_DOMAIN, service, {ATTR_ENTITY_ID: entity_id}, blocking=True
    )


async def test_parameter_switch_is_confirmed(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """A two-state enum switch writes its option keys."""
    assert state_of(hass, PUMP) == "off"
    await _switch(hass, PUMP, SERVICE_TURN_ON)
    assert simulator.get(MIXER, "P6.v5") == 1
    assert state_of(hass, PUMP) == "on"
    await _switch(hass, PUMP, SERVICE_TURN_OFF)
    assert simulator.get(MIXER, "P6.v5") == 0
    assert state_of(hass, PUMP) == "off"


async def test_command_switch_sends_the_matching_command(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """Boiler start/stop goes out as the raw command its rules choose."""
    assert state_of(hass, BOILER_START) == "on"
    await _switch(hass, BOILER_START, SERVICE_TURN_OFF)
    assert simulator.stats.commands[-1] == {
        "devid": BOILER,
        "command": "BOILER_ON_OFF",
        "value": False,
    }
    assert int(simulator.get(BOILER, "P5.s0")) & 1 == 0
    assert state_of(hass, BOILER_START) == "off"
    await _switch(hass, PUMP_TEST, SERVICE_TURN_ON)
    assert int(simulator.get(MIXER, "P5.s0")) >> 4 & 1 == 1
    assert state_of(hass, PUMP_TEST) == "on"


async def test_command_switch_without_echo_is_rolled_back(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """No echo: the switch goes back and the error is translated."""
    init_integration.runtime_data.coordinator.write_timeout = 0.3
    simulator.faults.zombie = True
    with pytest.raises(HomeAssistantError) as err:
        await _switch(hass, PUMP_TEST, SERVICE_TURN_ON)
    assert err.value.translation_key == "write_not_confirmed"
    assert state_of(hass, PUMP_TEST) == "off"
