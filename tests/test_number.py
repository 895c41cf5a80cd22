"""Number entities: confirmed writes, inverse transforms, validation and rollback."""

from __future__ import annotations

import asyncio

from homeassistant.components.number import (
    ATTR_VALUE,
    DOMAIN as NUMBER_DOMAIN,
    SERVICE_SET_VALUE,
)
from homeassistant.config_entries import SOURCE_REAUTH
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.bragerone.api.descriptor import EntityDescriptor
from custom_components.bragerone.coordinator import BragerOneCoordinator
from custom_components.bragerone.helpers import async_write
from simulator import Simulator

from .integration_fixtures import BOILER, MIXER, StateChanges, state_of, wait_for

SETPOINT = "number.obiegi_grzewcze_circuit_1_setpoint"
HALF_DEGREES = "number.obiegi_grzewcze_circuit_2_setpoint"
BURNER_POWER = "number.kociol_burner_settings_maximum_burner_power"


def _coordinator(entry: MockConfigEntry) -> BragerOneCoordinator:
    coordinator: BragerOneCoordinator = entry.runtime_data.coordinator
    return coordinator


def _descriptor(entry: MockConfigEntry, unique_id: str) -> EntityDescriptor:
    return next(
        d
        for d in entry.runtime_data.catalogue.descriptors()
        if d.unique_id == unique_id
    )


async def _set(hass: HomeAssistant, entity_id: str, value: float) -> None:
    await hass.services.async_call(
        NUMBER_DOMAIN,
        SERVICE_SET_VALUE,
        {ATTR_ENTITY_ID: entity_id, ATTR_VALUE: value},
        blocking=True,
    )


async def test_write_travels_through_the_cloud_and_is_confirmed(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """The new setpoint reaches the module and the echo confirms it."""
    await _set(hass, SETPOINT, 45)
    assert simulator.get(MIXER, "P6.v0") == 45
    assert state_of(hass, SETPOINT) == "45"
    assert _coordinator(init_integration).gateway.writer.stats.confirmed == 1
    await _set(hass, HALF_DEGREES, 40.5)
    assert simulator.get(MIXER, "P6.v1") == 40.5
    assert state_of(hass, HALF_DEGREES) == "40.5"


async def test_write_applies_the_inverse_unit_transform(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """33.3 kW shown is written as the raw word 333 (x0.1)."""
    await _set(hass, BURNER_POWER, 30.5)
    assert simulator.get(BOILER, "P10.v2") == 305
    assert state_of(hass, BURNER_POWER) == "30.5"
    assert simulator.stats.commands[-1]["value"] == 305


async def test_a_confirmed_write_changes_the_state_once(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """Nothing is shown before the controller's echo; the echo is the one state change.

    An automation triggered by the new value runs once (not for "50.0" and then "50").
    """
    simulator.write_delay = 0.5
    changes = StateChanges(hass)
    write = hass.async_create_task(_set(hass, SETPOINT, 50))
    await asyncio.sleep(0.3)
    assert state_of(hass, SETPOINT) == "40"  # not before the echo
    await write
    assert simulator.get(MIXER, "P6.v0") == 50
    changes.stop()
    assert [s for e, s in changes.states if e == SETPOINT] == ["50"]


async def test_a_slow_module_does_not_hold_writes_to_another(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """A mixer write is confirmed while a boiler write still waits for its echo.

    Writes are paced per module by the library; Home Assistant must not serialise
    the platform's service calls on top (``PARALLEL_UPDATES``), or one slow
    controller would hold every dashboard tap for as long as its echo takes.
    """
    _coordinator(init_integration).write_timeout = 5.0
    simulator.faults.echo_delays[BOILER] = 1.5
    boiler = hass.async_create_task(_set(hass, BURNER_POWER, 30.5))
    await wait_for(lambda: simulator.stats.writes == 1)
    await _set(hass, SETPOINT, 45)
    assert state_of(hass, SETPOINT) == "45"
    assert not boiler.done()
    assert state_of(hass, BURNER_POWER) != "30.5"
    await boiler
    assert state_of(hass, BURNER_POWER) == "30.5"


async def test_out_of_range_is_refused_before_sending(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """Values outside the live limits never reach the cloud."""
    writes = simulator.stats.writes
    with pytest.raises(ServiceValidationError):
        await _set(hass, SETPOINT, 95)
    descriptor = _descriptor(init_integration, "MXHTQ7KD2A_P6_v0")
    with pytest.raises(ServiceValidationError) as err:
        await async_write(_coordinator(init_integration), descriptor, 95)
    assert err.value.translation_key == "value_out_of_range"
    assert err.value.translation_placeholders["max"] == "80"
    with pytest.raises(ServiceValidationError) as err:
        await async_write(_coordinator(init_integration), descriptor, 10)
    assert err.value.translation_key == "value_out_of_range"
    assert simulator.stats.writes == writes
    assert state_of(hass, SETPOINT) == "40"


async def test_live_limits_follow_the_max_register(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """A pushed ``x`` register changes the maximum the entity offers and enforces."""
    descriptor = _descriptor(init_integration, "MXHTQ7KD2A_P6_v0")
    assert descriptor.max_address is not None
    await simulator.set(MIXER, descriptor.max_address, 60)
    await wait_for(lambda: hass.states.get(SETPOINT).attributes["max"] == 60)  # type: ignore[union-attr]
    writes = simulator.stats.writes
    with pytest.raises(ServiceValidationError):
        await _set(hass, SETPOINT, 70)
    assert simulator.stats.writes == writes


async def test_off_step_value_is_refused(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """A value between steps is refused with a translated message."""
    writes = simulator.stats.writes
    with pytest.raises(ServiceValidationError) as err:
        await _set(hass, HALF_DEGREES, 40.25)
    assert err.value.translation_key == "value_off_step"
    assert err.value.translation_placeholders["step"] == "0.5"
    assert simulator.stats.writes == writes
    assert state_of(hass, HALF_DEGREES) == "35.5"


async def test_write_without_echo_is_rolled_back(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """A write the socket never echoes is rolled back with the translated error."""
    coordinator = _coordinator(init_integration)
    coordinator.write_timeout = 0.3
    simulator.faults.zombie = True
    with pytest.raises(HomeAssistantError) as err:
        await _set(hass, SETPOINT, 55)
    assert err.value.translation_key == "write_not_confirmed"
    assert err.value.translation_placeholders["timeout"] == "0.3"
    assert "did not confirm" in str(err.value)
    assert state_of(hass, SETPOINT) == "40"
    assert coordinator.gateway.writer.stats.not_confirmed == 1


async def test_refused_write_is_rolled_back(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """A server refusal shows a translated error and the old value."""
    simulator.faults.fail("module/command", 400, code="E_INVALID_VALUE")
    with pytest.raises(HomeAssistantError) as err:
        await _set(hass, SETPOINT, 55)
    assert err.value.translation_key == "write_refused"
    assert "E_INVALID_VALUE" in err.value.translation_placeholders["error"]
    assert state_of(hass, SETPOINT) == "40"
    assert simulator.get(MIXER, "P6.v0") == 40
    assert _coordinator(init_integration).gateway.writer.stats.refused == 1


async def test_unreachable_cloud_fails_the_write(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """A write that cannot be sent raises the translated connection error."""
    descriptor = _descriptor(init_integration, "MXHTQ7KD2A_P6_v0")
    await simulator.stop()
    with pytest.raises(HomeAssistantError) as err:
        await async_write(_coordinator(init_integration), descriptor, 50)
    assert err.value.translation_key == "write_failed"


async def test_writes_to_one_module_are_paced(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """Two writes to one module go out one after the other, both confirmed."""
    coordinator = _coordinator(init_integration)
    coordinator.gateway.writer.pacing = 0.2
    await _set(hass, SETPOINT, 42)
    await _set(hass, HALF_DEGREES, 36)
    assert (simulator.get(MIXER, "P6.v0"), simulator.get(MIXER, "P6.v1")) == (42, 36)
    assert coordinator.gateway.writer.stats.confirmed == 2


async def test_writing_the_current_value_is_confirmed_at_once(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """No change means no echo; the write is confirmed by the current value."""
    coordinator = _coordinator(init_integration)
    coordinator.write_timeout = 0.3
    await _set(hass, SETPOINT, 40)
    assert coordinator.gateway.writer.stats.confirmed == 1
    assert coordinator.gateway.writer.stats.not_confirmed == 0


async def test_invalid_values_and_read_only_entities(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """Text for a number and writes to a sensor are refused with translated messages."""
    coordinator = _coordinator(init_integration)
    with pytest.raises(ServiceValidationError) as err:
        await async_write(
            coordinator, _descriptor(init_integration, "MXHTQ7KD2A_P6_v0"), "warm"
        )
    assert err.value.translation_key == "invalid_value"
    with pytest.raises(ServiceValidationError) as err:
        await async_write(
            coordinator, _descriptor(init_integration, "MXHTQ7KD2A_P4_v0"), 20
        )
    assert err.value.translation_key == "not_writable"
    assert simulator.stats.writes == 0


async def test_refused_login_during_a_write_starts_reauth(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """A write whose re-login is refused reports it and asks for new credentials."""
    simulator.change_password("changed-elsewhere")
    simulator.revoke_tokens()
    with pytest.raises(HomeAssistantError) as err:
        await _set(hass, SETPOINT, 45)
    assert err.value.translation_key == "auth_failed"
    await hass.async_block_till_done()
    assert list(init_integration.async_get_active_flows(hass, {SOURCE_REAUTH}))
    assert state_of(hass, SETPOINT) == "40"
