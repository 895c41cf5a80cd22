"""Security checks at the Home Assistant level (issue 7).

* Every log record of a full run (setup, pushes, a write, a 401 and re-login, revoked
  tokens, a 503 HTML page, malformed frames of every kind, a dropped socket, a changed
  password with a wrong and a right reauth attempt) is captured at DEBUG for every
  logger; neither the passwords, nor any token the simulator issued, nor the e-mail may
  appear in it.
* TLS verification stays on for the real servers: the config flow and the entry setup
  for ``bragerone`` and ``tisconnect`` send ``https`` requests through Home Assistant's
  default (verifying) session, without a per-request override; no source line of the
  integration disables verification. Only advanced mode's custom URLs may be ``http``.
"""

from __future__ import annotations

from collections.abc import Iterator
import logging
import ssl
from typing import Any
from urllib.parse import quote

import aiohttp
from aiohttp.client_reqrep import ClientRequest
from homeassistant.components.number import (
    ATTR_VALUE,
    DOMAIN as NUMBER_DOMAIN,
    SERVICE_SET_VALUE,
)
from homeassistant.config_entries import SOURCE_REAUTH, SOURCE_USER, ConfigEntryState
from homeassistant.const import ATTR_ENTITY_ID, CONF_EMAIL, CONF_PASSWORD
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.aiohttp_client import (
    HomeAssistantTCPConnector,
    async_get_clientsession,
)
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.bragerone import coordinator as coordinator_module
from custom_components.bragerone.api._logging import reset_log_once
from custom_components.bragerone.api.const import BRAGERONE, SERVERS, TISCONNECT
from custom_components.bragerone.const import (
    CONF_API_URL,
    CONF_SERVER,
    CONF_WEB_URL,
    DOMAIN,
    SERVER_CUSTOM,
)
from custom_components.bragerone.helpers import async_refresh
from custom_components.bragerone.integration import server_from_data
from simulator import Simulator
from simulator.faults import MALFORMED_KINDS

from .faults.helpers import (
    FAST_TIMINGS,
    SETPOINT,
    Mutator,
    coordinator_of,
    wait_until_listening,
    wait_until_matching,
)
from .integration_fixtures import MIXER, catalogue_data, entry_data, wait_for

NEW_PASSWORD = "N3w-Secur1ty-Passw0rd"
WRONG_PASSWORD = "Wr0ng-Secur1ty-Passw0rd"
TOKEN_PIECE = 12
"""No 12-character piece of a token may appear (a shortened token is a leak too)."""


@pytest.fixture
def capture_everything(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> pytest.LogCaptureFixture:
    """Capture every record of every logger at DEBUG, with a fresh log-once memory."""
    monkeypatch.setattr(coordinator_module, "TIMINGS", FAST_TIMINGS)
    caplog.set_level(logging.DEBUG)
    for name in list(logging.root.manager.loggerDict):
        caplog.set_level(logging.DEBUG, logger=name)
    reset_log_once()
    return caplog


def spy_on_tokens(simulator: Simulator, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record every access and refresh token the simulator issues from now on."""
    issued: list[str] = []
    issue = simulator.issue_token

    def recording(user: str) -> tuple[str, str, float]:
        access, refresh, expires = issue(user)
        issued.extend((access, refresh))
        return access, refresh, expires

    monkeypatch.setattr(simulator, "issue_token", recording)
    return issued


def everything_logged(records: list[logging.LogRecord]) -> str:
    """Return every record as logged (message, arguments, traceback, stack)."""
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    parts: list[str] = []
    for record in records:
        parts.append(formatter.format(record))
        parts.append(repr(record.args))
        if record.stack_info:
            parts.append(record.stack_info)
    return "\n".join(parts)


def forms(secret: str) -> Iterator[str]:
    """Yield the ways a secret could be written into a log line."""
    yield secret
    yield quote(secret, safe="")
    yield repr(secret)[1:-1]


async def _write(hass: HomeAssistant, value: float) -> None:
    await hass.services.async_call(
        NUMBER_DOMAIN,
        SERVICE_SET_VALUE,
        {ATTR_ENTITY_ID: SETPOINT, ATTR_VALUE: value},
        blocking=True,
    )


def _reauth_flow(hass: HomeAssistant, entry: MockConfigEntry) -> str:
    flows = list(entry.async_get_active_flows(hass, {SOURCE_REAUTH}))
    return str(flows[0]["flow_id"])


async def test_no_secret_in_any_log_of_a_faulty_run(
    hass: HomeAssistant,
    simulator: Simulator,
    runtime_entry: MockConfigEntry,
    capture_everything: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Setup, pushes, a write and six kinds of fault: no password, token or e-mail logged."""
    entry = runtime_entry
    issued = spy_on_tokens(simulator, monkeypatch)
    old_password, email = simulator.password, simulator.email
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    await wait_until_matching(hass, entry, simulator)
    await wait_until_listening(entry, simulator)
    mutator = Mutator(entry, simulator)
    await mutator.step()
    await _write(hass, float(simulator.get(MIXER, "P6.v0")) + 1)

    # 401 on a REST call, a silent re-login and a retry.
    coordinator = coordinator_of(entry)
    simulator.revoke_tokens()
    await coordinator.async_refresh()
    assert coordinator.last_update_success
    # A 503 HTML page on the prime.
    simulator.faults.fail("modules/parameters", 503, html=True, times=4)
    with pytest.raises(HomeAssistantError):
        await async_refresh(coordinator)
    # Malformed frames of every kind.
    for kind in MALFORMED_KINDS:
        await simulator.send_malformed(kind)
    await mutator.step()
    # Revoked tokens and a dropped socket: a reconnect with a fresh login.
    simulator.revoke_tokens()
    await simulator.drop_sockets()
    await mutator.step(push=False)
    await wait_until_matching(hass, entry, simulator)

    # A changed password: reauth, first with a wrong password, then the right one.
    simulator.change_password(NEW_PASSWORD)
    simulator.revoke_tokens()
    await simulator.drop_sockets()
    await wait_for(
        lambda: bool(list(entry.async_get_active_flows(hass, {SOURCE_REAUTH})))
    )
    result = await hass.config_entries.flow.async_configure(
        _reauth_flow(hass, entry), {CONF_PASSWORD: WRONG_PASSWORD}
    )
    assert result["errors"] == {"base": "invalid_auth"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PASSWORD: NEW_PASSWORD}
    )
    assert result["reason"] == "reauth_successful"
    await hass.async_block_till_done()
    await wait_until_matching(hass, entry, simulator)
    await wait_until_listening(entry, simulator)
    await _write(hass, float(simulator.get(MIXER, "P6.v0")) + 1)
    assert await hass.config_entries.async_unload(entry.entry_id)

    issued.extend(simulator._tokens)  # the simulator's token table, too
    assert len(set(issued)) >= 8, "the run should have logged in several times"
    records = capture_everything.records
    text = everything_logged(records)
    # The capture saw what could leak: our REST and realtime debug lines, the libraries'.
    assert "POST /auth/user -> 200" in text
    assert "Realtime socket connected" in text
    assert any(r.name.startswith(("engineio", "socketio")) for r in records)
    assert any(r.name.startswith("aiohttp") for r in records)
    assert "Bearer" not in text
    for secret in (old_password, NEW_PASSWORD, WRONG_PASSWORD, email):
        for form in forms(secret):
            assert form not in text, f"a secret ({secret[:3]}…) is in the log"
    for token in set(issued):
        for start in range(0, len(token) - TOKEN_PIECE + 1, TOKEN_PIECE // 2):
            assert token[start : start + TOKEN_PIECE] not in text, "a token is logged"


# --- TLS ---------------------------------------------------------------------------------


def verifies_certificates(setting: Any) -> bool:
    """Return True when an aiohttp ``ssl=`` setting keeps certificate verification."""
    if setting is True:
        return True
    if isinstance(setting, ssl.SSLContext):
        return setting.verify_mode == ssl.CERT_REQUIRED and setting.check_hostname
    return False  # False (no verification) or a pinned fingerprint


class Refusals:
    """Requests that reached Home Assistant's connector, refused before DNS or a socket."""

    def __init__(self) -> None:
        """Start with none."""
        self.seen: list[tuple[HomeAssistantTCPConnector, ClientRequest]] = []

    async def connect(
        self, connector: HomeAssistantTCPConnector, req: ClientRequest
    ) -> Any:
        """Record the request and refuse it."""
        self.seen.append((connector, req))
        msg = "the test refuses every connection"
        raise aiohttp.ClientConnectionError(msg)


@pytest.fixture
def refusals(monkeypatch: pytest.MonkeyPatch) -> Refusals:
    """Make Home Assistant's connectors record and refuse every request."""
    recorder = Refusals()

    async def connect(
        connector: HomeAssistantTCPConnector, req: ClientRequest, **_kwargs: Any
    ) -> Any:
        return await recorder.connect(connector, req)

    monkeypatch.setattr(HomeAssistantTCPConnector, "connect", connect)
    return recorder


def assert_verified_https(hass: HomeAssistant, refusals: Refusals, host: str) -> None:
    """Every refused request went to `host` over https through HA's verifying session."""
    assert refusals.seen
    verifying = async_get_clientsession(hass).connector
    for connector, req in refusals.seen:
        assert req.url.scheme == "https"
        assert req.url.host == host
        assert req.is_ssl()
        assert verifies_certificates(req.ssl)
        assert connector is verifying
    assert verifying is not async_get_clientsession(hass, verify_ssl=False).connector


@pytest.mark.parametrize("server", [BRAGERONE, TISCONNECT], ids=lambda s: s.platform)
async def test_config_flow_reaches_real_servers_over_verified_tls(
    hass: HomeAssistant, refusals: Refusals, server: Any
) -> None:
    """The login of the user step goes to the real cloud over verified https."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            CONF_SERVER: server.platform,
            CONF_EMAIL: "someone@example.com",
            CONF_PASSWORD: "not-sent",
        },
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "cannot_connect"}
    assert_verified_https(hass, refusals, server.api_base.removeprefix("https://"))
    assert str(refusals.seen[0][1].url).endswith("/v1/auth/user")


@pytest.mark.parametrize("server", [BRAGERONE, TISCONNECT], ids=lambda s: s.platform)
async def test_entry_reaches_real_servers_over_verified_tls(
    hass: HomeAssistant, simulator: Simulator, refusals: Refusals, server: Any
) -> None:
    """An entry for a real cloud logs in over verified https (the refusal: retry later)."""
    data = entry_data(simulator, await catalogue_data(simulator))
    data[CONF_SERVER] = server.platform
    del data[CONF_API_URL], data[CONF_WEB_URL]
    entry = MockConfigEntry(domain=DOMAIN, data=data, title="Real cloud")
    entry.add_to_hass(hass)
    assert not await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.SETUP_RETRY
    assert_verified_https(hass, refusals, server.api_base.removeprefix("https://"))


def test_only_custom_urls_may_be_plain_http() -> None:
    """Known servers are https; an advanced-mode custom server keeps its http URLs."""
    for name in SERVERS:
        resolved = server_from_data({CONF_SERVER: name})
        for base in (resolved.api_base, resolved.rest_base, resolved.web_base):
            assert base.startswith("https://")
    custom = server_from_data(
        {
            CONF_SERVER: SERVER_CUSTOM,
            CONF_API_URL: "http://127.0.0.1:8080",
            CONF_WEB_URL: "http://127.0.0.1:8081",
        }
    )
    assert custom.api_base.startswith("http://127.0.0.1")
