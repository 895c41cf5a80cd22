"""Diagnostics of a loaded entry and its devices: contents, telemetry and redaction."""

from __future__ import annotations

from collections import Counter
from http import HTTPStatus
import json
from typing import Any

from homeassistant.components.diagnostics import REDACTED
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.bragerone.api.descriptor import SCHEMA_VERSION
from custom_components.bragerone.diagnostics import module_aliases
from custom_components.bragerone.helpers import async_refresh, async_write
from simulator import Simulator
from simulator.modules import OBJECT_NAME
from simulator.rest import USER_NAME, module_card

from .integration_fixtures import BOILER, MIXER, find_device, wait_for

ALIAS = module_aliases([BOILER, MIXER])


async def _download(
    hass: HomeAssistant, hass_client: ClientSessionGenerator, path: str
) -> tuple[str, dict[str, Any]]:
    """Return the downloaded diagnostics file as text and its ``data`` part."""
    assert await async_setup_component(hass, "diagnostics", {})
    await hass.async_block_till_done()
    client = await hass_client()
    response = await client.get(f"/api/diagnostics/config_entry/{path}")
    assert response.status == HTTPStatus.OK
    text = await response.text()
    decoded = json.loads(text)
    # Search the text as a user would share it, with non-ASCII characters unescaped too.
    return text + json.dumps(decoded, ensure_ascii=False), decoded["data"]


def _device(hass: HomeAssistant, identifier: str) -> dr.DeviceEntry:
    device = find_device(hass, identifier)
    assert device is not None
    return device


async def _with_history(
    hass: HomeAssistant, simulator: Simulator, entry: MockConfigEntry
) -> list[str]:
    """Give the entry a confirmed write, a rolled-back one and a second login.

    Returns every access and refresh token the client held.
    """
    client = entry.runtime_data.client
    coordinator = entry.runtime_data.coordinator
    tokens = [client.token.access_token, client.token.refresh_token]
    descriptor = next(
        d
        for d in coordinator.catalogue.descriptors()
        if d.unique_id == "MXHTQ7KD2A_P6_v0"
    )
    await async_write(coordinator, descriptor, 45)
    coordinator.write_timeout = 0.3
    simulator.faults.zombie = True
    with pytest.raises(HomeAssistantError):
        await async_write(coordinator, descriptor, 50)
    simulator.faults.zombie = False
    logins = client.login_count
    simulator.revoke_tokens()  # the next request logs in again, silently
    await async_refresh(coordinator)
    assert client.login_count == logins + 1
    tokens += [client.token.access_token, client.token.refresh_token]
    assert all(isinstance(t, str) and len(t) > 8 for t in tokens)
    assert len(set(tokens)) == len(tokens)
    return tokens


def _secrets(simulator: Simulator, tokens: list[str]) -> list[str]:
    """Return every string the diagnostics must not contain."""
    card = module_card(simulator.modules[0], simulator.created)
    return [
        simulator.email,
        simulator.password,
        *tokens,
        str(simulator.object_id),
        BOILER,
        MIXER,
        OBJECT_NAME,
        USER_NAME,
        "Kowalsk",  # the family name, in any inflection
        card["clientPhoneNumber"],
        card["clientAddressStreetAndNumber"],
        card["clientAddressPostalCode"],
        card["clientAddressCity"],
        "Zakopiańska",
        "10.20.0.17",  # gateway addresses
        "10.20.1.18",
        "192.168.1.41",  # module address
        "127.0.0.1",  # the custom API and web-app URLs
        simulator.api_url,
    ]


async def test_entry_diagnostics_hold_no_secret(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    simulator: Simulator,
    init_integration: MockConfigEntry,
) -> None:
    """The downloaded file contains none of the credentials, tokens, ids or personal data."""
    tokens = await _with_history(hass, simulator, init_integration)
    text, _ = await _download(hass, hass_client, init_integration.entry_id)
    for secret in _secrets(simulator, tokens):
        assert secret not in text, secret


async def test_device_diagnostics_hold_no_secret(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    simulator: Simulator,
    init_integration: MockConfigEntry,
) -> None:
    """Module and installation device files contain no secret either."""
    tokens = await _with_history(hass, simulator, init_integration)
    entry_id = init_integration.entry_id
    for identifier in (BOILER, MIXER, f"custom_{simulator.object_id}"):
        device = _device(hass, identifier)
        text, _ = await _download(hass, hass_client, f"{entry_id}/device/{device.id}")
        for secret in _secrets(simulator, tokens):
            assert secret not in text, (identifier, secret)


async def test_entry_diagnostics_redact_field_by_field(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    simulator: Simulator,
    init_integration: MockConfigEntry,
) -> None:
    """Each sensitive field is redacted; what helps debugging is kept."""
    await _with_history(hass, simulator, init_integration)
    _, data = await _download(hass, hass_client, init_integration.entry_id)
    boiler = data["modules"][ALIAS[BOILER]]
    mixer = data["modules"][ALIAS[MIXER]]
    expected: list[tuple[Any, Any]] = [
        # each row: the field as shown, then what it must be
        (data["entry"]["title"], REDACTED),
        (data["entry"]["unique_id"], REDACTED),
        (data["entry"]["data"]["email"], REDACTED),
        (data["entry"]["data"]["password"], REDACTED),
        (data["entry"]["data"]["object_id"], REDACTED),
        (data["entry"]["data"]["api_url"], REDACTED),
        (data["entry"]["data"]["web_url"], REDACTED),
        (data["entry"]["data"]["modules"], [ALIAS[BOILER], ALIAS[MIXER]]),
        (data["entry"]["data"]["server"], "custom"),
        (data["entry"]["data"]["language"], "en"),
        (data["token"]["access_token"], REDACTED),
        (data["token"]["refresh_token"], REDACTED),
        (data["token"]["user_id"], REDACTED),
        (data["token"]["object_ids"], REDACTED),
        (boiler["listing"]["devid"], ALIAS[BOILER]),
        (boiler["listing"]["id"], REDACTED),
        (boiler["listing"]["name"], REDACTED),
        (boiler["listing"]["gateway"]["address"], REDACTED),
        (boiler["listing"]["gateway"]["version"], "V2.08"),
        (boiler["listing"]["title"], "HT DasPell GL 37kW"),
        (boiler["listing"]["version"], "2.08"),
        (mixer["listing"]["address"], REDACTED),
        (mixer["listing"]["gateway"]["address"], REDACTED),
        (boiler["registers"]["P11.v6"], f"ID ETH: {REDACTED}"),
        (mixer["registers"]["P11.v6"], f"ID ETH: {REDACTED}"),
        (boiler["registers"]["P11.v5"], "HT Connect V2.08 Sep 24 2020"),
        (boiler["registers"]["P8.v1"], REDACTED),
        (boiler["registers"]["P4.v1"], 58.5),
        (
            mixer["registers"]["P6.v0"],
            50,
        ),  # taken by the module, echo missed, re-primed
        (boiler["online"], True),
        (sorted(data["telemetry"]["modules_online"]), sorted(ALIAS.values())),
    ]
    for shown, wanted in expected:
        assert shown == wanted
    assert "expires_at" in data["token"]
    assert "catalogue" not in data["entry"]["data"]


async def test_entry_diagnostics_summarise_catalogue_and_telemetry(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    simulator: Simulator,
    init_integration: MockConfigEntry,
) -> None:
    """Descriptor counts per platform, versions, and the connection and write counters."""
    await _with_history(hass, simulator, init_integration)
    _, data = await _download(hass, hass_client, init_integration.entry_id)
    catalogue = init_integration.runtime_data.catalogue
    summary = data["catalogue"]
    assert summary["schema_version"] == SCHEMA_VERSION
    assert summary["fingerprint"] == catalogue.fingerprint
    assert summary["fingerprint"]
    for devid, module in catalogue.modules.items():
        shown = summary["modules"][ALIAS[devid]]
        assert shown["platforms"] == dict(
            Counter(d.platform for d in module.descriptors)
        )
        assert shown["descriptors"] == len(module.descriptors)
        assert shown["title"] == module.title
    assert summary["modules"][ALIAS[BOILER]]["platforms"]["number"] > 0
    telemetry = data["telemetry"]
    assert telemetry["session_up"] is True
    gateway = telemetry["gateway"]
    assert gateway["connects"] >= 1
    assert gateway["binds"] >= 1
    assert gateway["primes"] >= 2  # the first one and the refresh
    for counter in ("reconnects", "silences_healed"):
        assert isinstance(gateway[counter], int)
    assert isinstance(telemetry["last_event_age"], float)
    assert telemetry["logins"] >= 2
    assert telemetry["writes"]["confirmed"] == 1
    assert telemetry["writes"]["not_confirmed"] == 1


async def test_module_device_diagnostics(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    simulator: Simulator,
    init_integration: MockConfigEntry,
) -> None:
    """A module's file holds that module only; the installation's is the entry's."""
    await simulator.set(MIXER, "P4.v3", 12.5)
    coordinator = init_integration.runtime_data.coordinator
    await wait_for(lambda: coordinator.registers(MIXER).get("P4.v3") == 12.5)
    device = _device(hass, MIXER)
    entry_id = init_integration.entry_id
    _, data = await _download(hass, hass_client, f"{entry_id}/device/{device.id}")
    assert data["device"] == {
        "name": REDACTED,
        "model": "HT MIX-2",
        "sw_version": "1.14",
    }
    assert data["module"]["listing"]["devid"] == ALIAS[MIXER]
    assert data["module"]["registers"]["P4.v3"] == 12.5
    assert data["module"]["registers"]["P6.v0"] == 40
    assert data["catalogue"]["module"]["title"] == "HT MIX-2"
    assert data["telemetry"]["gateway"]["binds"] >= 1
    installation = _device(hass, f"custom_{simulator.object_id}")
    _, data = await _download(hass, hass_client, f"{entry_id}/device/{installation.id}")
    assert set(data["modules"]) == set(ALIAS.values())
