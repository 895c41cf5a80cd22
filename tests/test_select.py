"""Select entities: confirmed option writes and refused unknown options."""

from __future__ import annotations

from homeassistant.components.select import (
    ATTR_OPTION,
    DOMAIN as SELECT_DOMAIN,
    SERVICE_SELECT_OPTION,
)
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.bragerone.coordinator import BragerOneCoordinator
from custom_components.bragerone.helpers import async_write
from simulator import Simulator

from .integration_fixtures import BOILER, MIXER, state_of, wait_for

SEASON = "select.obiegi_grzewcze_summer_winter_mode"
DHW_MODE = "select.kociol_dhw_settings_dhw_mode"
VALVE_MODE = "select.kociol_valve_1_mode"


async def _select(hass: HomeAssistant, entity_id: str, option: str) -> None:
    await hass.services.async_call(
        SELECT_DOMAIN,
        SERVICE_SELECT_OPTION,
        {ATTR_ENTITY_ID: entity_id, ATTR_OPTION: option},
        blocking=True,
    )


async def test_option_write_is_confirmed(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """Choosing an option writes its raw key and the echo confirms it."""
    state = hass.states.get(SEASON)
    assert state is not None
    assert state.state == "Auto"
    assert state.attributes["options"] == ["Off", "Winter", "Summer", "Auto"]
    await _select(hass, SEASON, "Summer")
    assert simulator.get(MIXER, "P6.v8") == 2
    assert state_of(hass, SEASON) == "Summer"
    await _select(hass, DHW_MODE, "Winter")
    assert simulator.get(BOILER, "P6.v46") == 1
    assert state_of(hass, DHW_MODE) == "Winter"


async def test_pushed_option_updates_the_select(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """A change made on the controller shows up."""
    await simulator.set(MIXER, "P6.v8", 1)
    await wait_for(lambda: state_of(hass, SEASON) == "Winter")
    await simulator.set(MIXER, "P6.v8", 42)  # no such option
    await wait_for(lambda: state_of(hass, SEASON) == "unknown")


async def test_unknown_option_is_refused_before_sending(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """Home Assistant and the coordinator both refuse options the controller lacks."""
    writes = simulator.stats.writes
    with pytest.raises(ServiceValidationError):
        await _select(hass, SEASON, "Spring")
    coordinator: BragerOneCoordinator = init_integration.runtime_data.coordinator
    descriptor = next(
        d
        for d in init_integration.runtime_data.catalogue.descriptors()
        if d.unique_id == "MXHTQ7KD2A_P6_v8"
    )
    with pytest.raises(ServiceValidationError) as err:
        await async_write(coordinator, descriptor, "Spring")
    assert err.value.translation_key == "invalid_option"
    assert err.value.translation_placeholders["options"] == "Off, Winter, Summer, Auto"
    assert simulator.stats.writes == writes


async def test_choices_follow_the_live_limits_and_keep_the_current_value(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """Only options within the controller's ``n``..``x`` are offered.

    A current value outside them (set on the panel) is still shown, not unknown;
    choosing it from Home Assistant is refused before anything is sent.
    """
    descriptor = next(
        d
        for d in init_integration.runtime_data.catalogue.descriptors()
        if d.unique_id == f"{BOILER}_P6_v52"
    )
    labels = descriptor.option_labels("en")  # keys 0..5, the live maximum is 4
    state = hass.states.get(VALVE_MODE)
    assert state is not None
    assert state.attributes["options"] == labels[:5]
    await simulator.set(BOILER, "P6.v52", 5)
    await wait_for(lambda: state_of(hass, VALVE_MODE) == labels[5])
    state = hass.states.get(VALVE_MODE)
    assert state is not None
    assert state.attributes["options"] == labels
    await _select(hass, VALVE_MODE, labels[1])
    assert simulator.get(BOILER, "P6.v52") == 1
    assert hass.states.get(VALVE_MODE).attributes["options"] == labels[:5]  # type: ignore[union-attr]
    writes = simulator.stats.writes
    with pytest.raises(ServiceValidationError):
        await _select(hass, VALVE_MODE, labels[5])
    assert simulator.stats.writes == writes
    await simulator.set(BOILER, "P6.x52", 5)
    await wait_for(
        lambda: hass.states.get(VALVE_MODE).attributes["options"] == labels  # type: ignore[union-attr]
    )
