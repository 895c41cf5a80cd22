"""The actions of BragerOne against the simulator: writes, commands, refresh, reads, bad input."""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant, SupportsResponse
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.service import async_get_all_descriptions
from homeassistant.helpers.translation import async_get_translations
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.bragerone.const import DOMAIN
from custom_components.bragerone.coordinator import BragerOneCoordinator
from custom_components.bragerone.services import (
    SERVICE_GET_PARAMETERS,
    SERVICE_REFRESH,
    SERVICE_SEND_COMMAND,
    SERVICE_SET_PARAMETER,
)
from simulator import Simulator

from .integration_fixtures import BOILER, MIXER, find_device, state_of, wait_for

SETPOINT = "number.obiegi_grzewcze_circuit_1_setpoint"
BURNER_POWER = "number.kociol_burner_settings_maximum_burner_power"
SEASON = "select.obiegi_grzewcze_summer_winter_mode"
RETURN_TEMPERATURE = "sensor.kociol_return_temperature"
BOILER_START = "switch.kociol_boiler_start"


def _coordinator(entry: MockConfigEntry) -> BragerOneCoordinator:
    coordinator: BragerOneCoordinator = entry.runtime_data.coordinator
    return coordinator


def _device_id(hass: HomeAssistant, identifier: str) -> str:
    device = find_device(hass, identifier)
    assert device is not None
    return device.id


async def _call(
    hass: HomeAssistant, service: str, data: dict[str, Any], *, response: bool = False
) -> Any:
    return await hass.services.async_call(
        DOMAIN, service, data, blocking=True, return_response=response
    )


async def _set(hass: HomeAssistant, devid: str, address: str, **fields: Any) -> None:
    await _call(
        hass,
        SERVICE_SET_PARAMETER,
        {"device_id": _device_id(hass, devid), "address": address, **fields},
    )


async def test_actions_are_described_and_translated(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """Each action has its translated name and fields; only get_parameters responds."""
    descriptions = (await async_get_all_descriptions(hass))[DOMAIN]
    assert set(descriptions[SERVICE_SET_PARAMETER]["fields"]) == {
        "device_id",
        "address",
        "value",
        "raw_value",
    }
    # Names and descriptions come from the translations (the frontend's source).
    texts = await async_get_translations(hass, "en", "services", [DOMAIN])
    prefix = f"component.{DOMAIN}.services"
    assert texts[f"{prefix}.{SERVICE_SET_PARAMETER}.name"] == "Set parameter"
    assert texts[f"{prefix}.{SERVICE_SEND_COMMAND}.fields.command.name"] == "Command"
    assert texts[f"{prefix}.{SERVICE_REFRESH}.description"]
    assert hass.services.supports_response(DOMAIN, SERVICE_GET_PARAMETERS) is (
        SupportsResponse.ONLY
    )
    assert hass.services.supports_response(DOMAIN, SERVICE_SET_PARAMETER) is (
        SupportsResponse.NONE
    )


# --- set_parameter ------------------------------------------------------------------


async def test_set_display_value_is_written_and_confirmed(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """A shown value reaches the module, the echo confirms it and the entity follows."""
    await _set(hass, MIXER, "P6.v0", value=45)
    assert simulator.get(MIXER, "P6.v0") == 45
    sent = simulator.stats.commands[-1]
    assert (sent["devid"], sent["pool"], sent["parameter"], sent["value"]) == (
        MIXER,
        "P6",
        "v0",
        45,
    )
    assert _coordinator(init_integration).gateway.writer.stats.confirmed == 1
    await wait_for(lambda: state_of(hass, SETPOINT) == "45")


async def test_set_display_value_applies_the_transform(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """30.5 kW as text (the UI's text field) is written as the raw word 305."""
    await _set(hass, BOILER, "p10.v2", value="30.5")
    assert simulator.stats.commands[-1]["value"] == 305
    assert simulator.get(BOILER, "P10.v2") == 305
    await wait_for(lambda: state_of(hass, BURNER_POWER) == "30.5")


async def test_set_option_by_label(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """An option label in Home Assistant's language is written as the option's key."""
    await _set(hass, MIXER, "P6.v8", value="Summer")
    assert simulator.get(MIXER, "P6.v8") == 2
    await wait_for(lambda: state_of(hass, SEASON) == "Summer")


async def test_set_two_state_switch_with_a_boolean(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """A two-state parameter takes true/false like its switch does."""
    entity_id = "switch.kociol_dhw_settings_dhw_priority"
    before = state_of(hass, entity_id)
    assert before in {"on", "off"}
    await _set(hass, BOILER, "P6.v47", value=before == "off")
    await wait_for(lambda: state_of(hass, entity_id) not in {before, None})
    assert simulator.stats.commands[-1]["parameter"] == "v47"


async def test_set_raw_value_skips_the_transform(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """A raw value is written as is and confirmed; the entity shows it transformed."""
    await _set(hass, BOILER, "P10.v2", raw_value=300)
    assert simulator.stats.commands[-1]["value"] == 300
    assert simulator.get(BOILER, "P10.v2") == 300
    await wait_for(lambda: state_of(hass, BURNER_POWER) == "30")
    assert _coordinator(init_integration).gateway.writer.stats.confirmed == 1


async def test_set_raw_value_of_a_register_no_entity_writes(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """A raw write reaches a register that only a sensor reads; the sensor follows."""
    await _set(hass, BOILER, "P4.v1", raw_value="61.5")
    assert simulator.get(BOILER, "P4.v1") == 61.5
    assert simulator.stats.commands[-1] == {
        "devid": BOILER,
        "pool": "P4",
        "parameter": "v1",
        "value": 61.5,
    }
    await wait_for(lambda: state_of(hass, RETURN_TEMPERATURE) == "61.5")


async def test_raw_write_to_a_status_register_is_refused_by_the_cloud(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """A status word has no limits to check; the cloud's refusal comes back translated."""
    with pytest.raises(HomeAssistantError) as err:
        await _set(hass, BOILER, "P5.s0", raw_value=0)
    assert err.value.translation_key == "write_refused"
    assert "E_PARAMETER_NOT_WRITABLE" in str(err.value)
    assert int(simulator.get(BOILER, "P5.s0")) & 1 == 1


async def test_raw_write_without_echo_is_rolled_back(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """No echo in time: the translated rollback error, counted in the telemetry."""
    coordinator = _coordinator(init_integration)
    coordinator.write_timeout = 0.3
    simulator.faults.zombie = True
    with pytest.raises(HomeAssistantError) as err:
        await _set(hass, MIXER, "P6.v0", raw_value=50)
    assert err.value.translation_key == "write_not_confirmed"
    assert "did not confirm" in str(err.value)
    assert simulator.get(MIXER, "P6.v0") == 50  # the module took it; no echo came
    assert coordinator.telemetry()["writes"]["not_confirmed"] == 1


async def test_refused_write_is_translated(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """A refusal by the cloud is a translated HomeAssistantError."""
    simulator.faults.fail("module/command", 400, code="E_INVALID_VALUE")
    with pytest.raises(HomeAssistantError) as err:
        await _set(hass, MIXER, "P6.v0", value=50)
    assert err.value.translation_key == "write_refused"
    assert simulator.get(MIXER, "P6.v0") == 40


@pytest.mark.parametrize(
    "case",
    [
        (MIXER, {"address": "P6v0", "value": 45}, "invalid_address"),
        (MIXER, {"address": "X6.v0", "value": 45}, "invalid_address"),
        (MIXER, {"address": "P6.", "raw_value": 45}, "invalid_address"),
        (MIXER, {"address": "P99.v1", "raw_value": 1}, "unknown_register"),
        (MIXER, {"address": "P6.v0"}, "value_xor_raw_value"),
        (
            MIXER,
            {"address": "P6.v0", "value": 45, "raw_value": 45},
            "value_xor_raw_value",
        ),
        (MIXER, {"address": "P6.v0", "value": "warm"}, "not_a_number"),
        (MIXER, {"address": "P6.v0", "value": True}, "not_a_number"),
        (MIXER, {"address": "P6.v0", "raw_value": "warm"}, "not_a_number"),
        (MIXER, {"address": "P6.v0", "raw_value": "nan"}, "not_a_number"),
        (MIXER, {"address": "P6.v0", "value": 95}, "value_out_of_range"),
        (MIXER, {"address": "P6.v0", "value": 45.3}, "value_off_step"),
        (MIXER, {"address": "P6.v0", "raw_value": 95}, "raw_value_out_of_range"),
        (MIXER, {"address": "P6.v8", "value": "Spring"}, "invalid_option"),
        (BOILER, {"address": "P4.v1", "value": 60}, "no_descriptor"),
    ],
)
async def test_set_parameter_refuses_bad_input(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    case: tuple[str, dict[str, Any], str],
) -> None:
    """Each bad field is refused with its translated error; nothing reaches the cloud."""
    devid, fields, key = case
    writes = simulator.stats.writes
    with pytest.raises(ServiceValidationError) as err:
        await _set(hass, devid, **fields)
    assert err.value.translation_key == key
    assert err.value.translation_domain == DOMAIN
    # Translated, with every placeholder filled (an untranslated error shows its key).
    assert "{" not in str(err.value)
    assert str(err.value) != key
    assert " " in str(err.value)
    assert simulator.stats.writes == writes
    assert simulator.get(MIXER, "P6.v0") == 40


async def test_actions_refuse_devices_that_are_not_modules(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """Unknown ids, the installation and other integrations' devices are refused."""
    other = MockConfigEntry(domain="other")
    other.add_to_hass(hass)
    foreign = dr.async_get(hass).async_get_or_create(
        config_entry_id=other.entry_id, identifiers={("other", MIXER)}
    )
    installation = _device_id(hass, f"custom_{simulator.object_id}")
    cases = [
        ("no-such-device", "device_not_found"),
        (installation, "device_not_module"),
        (foreign.id, "device_not_module"),
    ]
    calls: list[tuple[str, dict[str, Any]]] = [
        (SERVICE_SET_PARAMETER, {"address": "P6.v0", "value": 45}),
        (SERVICE_SEND_COMMAND, {"command": "MODULE_RESTART"}),
        (SERVICE_REFRESH, {}),
    ]
    for device_id, key in cases:
        for service, data in calls:
            with pytest.raises(ServiceValidationError) as err:
                await _call(hass, service, {"device_id": device_id, **data})
            assert err.value.translation_key == key, (device_id, service)
        with pytest.raises(ServiceValidationError) as err:
            await _call(
                hass,
                SERVICE_GET_PARAMETERS,
                {"device_id": device_id},
                response=True,
            )
        assert err.value.translation_key == key
    assert simulator.stats.writes == 0
    assert simulator.stats.raw_commands == 0


async def test_actions_refuse_modules_of_an_unloaded_entry(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """After unload the actions stay registered and explain that nothing is loaded."""
    device_id = _device_id(hass, MIXER)
    assert await hass.config_entries.async_unload(init_integration.entry_id)
    assert init_integration.state is ConfigEntryState.NOT_LOADED
    assert hass.services.has_service(DOMAIN, SERVICE_SET_PARAMETER)
    with pytest.raises(ServiceValidationError) as err:
        await _set(hass, MIXER, "P6.v0", value=45)
    assert err.value.translation_key == "entry_not_loaded"
    with pytest.raises(ServiceValidationError) as err:
        await _call(hass, SERVICE_REFRESH, {})
    assert err.value.translation_key == "no_loaded_entry"
    with pytest.raises(ServiceValidationError) as err:
        await _call(hass, SERVICE_REFRESH, {"device_id": device_id})
    assert err.value.translation_key == "entry_not_loaded"


async def test_schema_refuses_wrong_types(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """Lists or objects where a scalar belongs never reach the handler."""
    with pytest.raises(Exception, match="value"):  # voluptuous' MultipleInvalid
        await _set(hass, MIXER, "P6.v0", value=[45])
    assert simulator.stats.writes == 0


# --- send_command -------------------------------------------------------------------


async def test_send_command_reaches_the_module(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """BOILER_ON_OFF false clears the "boiler enabled" bit; the switch follows the push."""
    assert int(simulator.get(BOILER, "P5.s0")) & 1 == 1
    await _call(
        hass,
        SERVICE_SEND_COMMAND,
        {
            "device_id": _device_id(hass, BOILER),
            "command": "BOILER_ON_OFF",
            "value": False,
        },
    )
    assert simulator.stats.commands[-1] == {
        "devid": BOILER,
        "command": "BOILER_ON_OFF",
        "value": False,
    }
    await wait_for(lambda: int(simulator.get(BOILER, "P5.s0")) & 1 == 0)
    await wait_for(lambda: state_of(hass, BOILER_START) == "off")


async def test_send_command_without_value(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """The value is left out of the request when none is given."""
    await _call(
        hass,
        SERVICE_SEND_COMMAND,
        {"device_id": _device_id(hass, MIXER), "command": " MODULE_RESTART "},
    )
    assert simulator.stats.commands[-1] == {"devid": MIXER, "command": "MODULE_RESTART"}


@pytest.mark.parametrize("command", ["", "   ", "BOILER ON", "RESTART;DROP", "Zażółć"])
async def test_send_command_refuses_bad_names(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    command: str,
) -> None:
    """A command name that cannot be one is refused before sending."""
    with pytest.raises(ServiceValidationError) as err:
        await _call(
            hass,
            SERVICE_SEND_COMMAND,
            {"device_id": _device_id(hass, BOILER), "command": command},
        )
    assert err.value.translation_key == "invalid_command"
    assert simulator.stats.raw_commands == 0


async def test_send_command_refused_by_the_cloud(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """A command the module does not know is refused with a translated error."""
    with pytest.raises(HomeAssistantError) as err:
        await _call(
            hass,
            SERVICE_SEND_COMMAND,
            {"device_id": _device_id(hass, BOILER), "command": "NO_SUCH_COMMAND"},
        )
    assert err.value.translation_key == "write_refused"
    assert "E_UNKNOWN_COMMAND" in str(err.value)


# --- refresh ------------------------------------------------------------------------


async def test_refresh_reads_changes_the_socket_missed(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """With the push silent, refresh re-primes and the entity shows the new value."""
    coordinator = _coordinator(init_integration)
    simulator.faults.zombie = True
    await simulator.set(BOILER, "P4.v1", 62.5)
    await simulator.set(MIXER, "P6.v0", 41)
    assert coordinator.registers(BOILER)["P4.v1"] == 58.5
    primes = simulator.stats.primes
    await _call(hass, SERVICE_REFRESH, {"device_id": _device_id(hass, BOILER)})
    assert simulator.stats.primes == primes + 1
    assert coordinator.registers(BOILER)["P4.v1"] == 62.5
    assert coordinator.registers(MIXER)["P6.v0"] == 40  # only the boiler was primed
    await wait_for(lambda: state_of(hass, RETURN_TEMPERATURE) == "62.5")
    await _call(hass, SERVICE_REFRESH, {})
    assert coordinator.registers(MIXER)["P6.v0"] == 41
    await wait_for(lambda: state_of(hass, SETPOINT) == "41")


async def test_refresh_failure_is_translated(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """A prime the cloud refuses is a translated HomeAssistantError."""
    simulator.faults.fail("modules/parameters", 400, code="E_BAD_REQUEST")
    with pytest.raises(HomeAssistantError) as err:
        await _call(hass, SERVICE_REFRESH, {"device_id": _device_id(hass, MIXER)})
    assert err.value.translation_key == "refresh_failed"


# --- get_parameters -----------------------------------------------------------------


async def test_get_parameters_returns_the_registers(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """The response is the module's current registers, as the simulator has them."""
    response = await _call(
        hass,
        SERVICE_GET_PARAMETERS,
        {"device_id": _device_id(hass, BOILER)},
        response=True,
    )
    assert response["devid"] == BOILER
    registers = response["registers"]
    assert registers["P4.v1"] == 58.5
    assert registers["P11.v6"] == f"ID ETH: {BOILER}"
    assert registers == {
        address: value
        for address, value in simulator.registers(BOILER).items()
        if value is not None
    }
    addresses = list(registers)
    assert addresses.index("P7.v2") < addresses.index("P7.v10")
    assert addresses.index("P7.v10") < addresses.index("P10.v2")
    await simulator.set(BOILER, "P4.v1", 60)
    await wait_for(lambda: state_of(hass, RETURN_TEMPERATURE) == "60")
    response = await _call(
        hass,
        SERVICE_GET_PARAMETERS,
        {"device_id": _device_id(hass, BOILER)},
        response=True,
    )
    assert response["registers"]["P4.v1"] == 60
