"""Button entities: raw module commands (the fuel reset)."""

from __future__ import annotations

from homeassistant.components.button import DOMAIN as BUTTON_DOMAIN, SERVICE_PRESS
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from simulator import Simulator

from .integration_fixtures import (
    BOILER,
    catalogue_data,
    make_entry,
    state_of,
    wait_for,
)

FUEL_RESET = "button.kociol_fuel_set_fuel_level_to_100"
FUEL_LEVEL = "sensor.kociol_fuel_level"


async def _press(hass: HomeAssistant) -> None:
    await hass.services.async_call(
        BUTTON_DOMAIN, SERVICE_PRESS, {ATTR_ENTITY_ID: FUEL_RESET}, blocking=True
    )


async def test_fuel_reset_sends_the_raw_command(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """Pressing the button sends the command; the fuel level comes back at 100 %."""
    assert state_of(hass, FUEL_RESET) == "unknown"
    await _press(hass)
    assert simulator.stats.commands[-1] == {
        "devid": BOILER,
        "command": "BOILER_FUEL_RESET_HT",
        "value": 1,
    }
    await wait_for(lambda: state_of(hass, FUEL_LEVEL) == "100")


async def test_refused_command_is_a_translated_error(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """A server refusal of the command is reported."""
    simulator.faults.fail("module/command/raw", 408, code="E_DISPATCH_EVENT_TIMEOUT")
    with pytest.raises(HomeAssistantError) as err:
        await _press(hass)
    assert err.value.translation_key == "write_refused"


async def test_button_without_a_command_is_refused(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """A stored button whose rules choose no command sends nothing."""
    catalogue = await catalogue_data(simulator)
    records = catalogue["modules"][BOILER]["descriptors"]
    reset = next(r for r in records if r["platform"] == "button")
    reset["write"]["rules"] = []
    entry = make_entry(simulator, catalogue)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    with pytest.raises(ServiceValidationError) as err:
        await _press(hass)
    assert err.value.translation_key == "not_writable"
    assert simulator.stats.raw_commands == 0
    assert await hass.config_entries.async_unload(entry.entry_id)
