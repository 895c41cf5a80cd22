"""The fault suite: the integration against the simulator's faults (issue 7).

Each test sets the entry up, checks every entity against the simulator's registers,
applies a fault, changes registers while it lasts, lifts it, and checks that within
`RECOVERY_TIMEOUT` every entity matches the simulator again (nothing lost, nothing
stale), that entities were unavailable while the cloud was out of reach, and that the
log holds no traceback and no error of ours (`assert_clean_log`).

Changes made while the socket is down go to the plant only (`Mutator.step(push=False)`):
the socket cannot receive them, so only the re-prime after the fault can bring them.
"""

from __future__ import annotations

import asyncio

from homeassistant.components.number import (
    ATTR_VALUE,
    DOMAIN as NUMBER_DOMAIN,
    SERVICE_SET_VALUE,
)
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.const import ATTR_ENTITY_ID, CONF_PASSWORD, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import HomeAssistantError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from simulator import Simulator
from tests.integration_fixtures import MIXER, state_of, wait_for

from .helpers import (
    CLOUD,
    FAST_TIMINGS,
    SETPOINT,
    Mutator,
    StateRecorder,
    assert_clean_log,
    coordinator_of,
    parameter_entity_ids,
    wait_until_listening,
    wait_until_matching,
)

NEW_PASSWORD = "N3w-Fault-Passw0rd"
SHORT_SILENCE = 1.0
"""Silence time-out of the tests whose socket stays up but hears nothing."""


def _recorder(hass: HomeAssistant, entry: MockConfigEntry) -> StateRecorder:
    return StateRecorder(hass, parameter_entity_ids(hass, entry))


def _reauth_flows(
    hass: HomeAssistant, entry: MockConfigEntry
) -> list[dict[str, object]]:
    return list(entry.async_get_active_flows(hass, {SOURCE_REAUTH}))


async def test_dropped_socket(
    hass: HomeAssistant,
    simulator: Simulator,
    entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Server-side drop: unavailable until the new session is primed; nothing lost."""
    recorder = _recorder(hass, entry)
    mutator = Mutator(entry, simulator)
    await simulator.drop_sockets()
    await mutator.step(push=False)
    await wait_until_matching(hass, entry, simulator)
    recorder.stop()
    assert recorder.went_unavailable() == recorder.watched
    assert coordinator_of(entry).gateway.stats.reconnects >= 1
    assert_clean_log(caplog)


async def test_listen_taking_effect_after_the_prime(
    hass: HomeAssistant,
    simulator: Simulator,
    entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The cloud answers the reconnect's prime before it handles the listen (§3.1).

    A change made in between is pushed to nobody; the settling prime brings it in, so
    the entity does not stay stale until the next change or silence re-prime.
    """
    gateway = coordinator_of(entry).gateway
    gateway.settle_delay = 1.0
    simulator.faults.listen_delay = 0.6
    reconnects = gateway.stats.reconnects
    await simulator.drop_sockets()
    await wait_for(lambda: gateway.stats.reconnects > reconnects and gateway.session_up)
    await Mutator(entry, simulator).step()
    await wait_until_matching(hass, entry, simulator)
    assert gateway.stats.settle_primes == 1
    assert_clean_log(caplog)


async def test_simulator_restarted(
    hass: HomeAssistant,
    simulator: Simulator,
    entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The cloud goes away and comes back with no SID or token: a silent login heals it."""
    recorder = _recorder(hass, entry)
    mutator = Mutator(entry, simulator)
    logins = simulator.stats.logins
    await simulator.stop()
    await wait_for(lambda: state_of(hass, CLOUD) == "off")
    await mutator.step(push=False)
    await mutator.step(push=False)
    await simulator.restart()
    await wait_until_matching(hass, entry, simulator)
    recorder.stop()
    assert recorder.went_unavailable() == recorder.watched
    assert simulator.stats.logins > logins
    assert not _reauth_flows(hass, entry)
    assert_clean_log(caplog)


async def test_zombie_socket(
    hass: HomeAssistant,
    simulator: Simulator,
    entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A connected but silent socket: re-primes keep values fresh, then a new socket."""
    gateway = coordinator_of(entry).gateway
    gateway.silence_timeout = SHORT_SILENCE
    mutator = Mutator(entry, simulator)
    simulator.faults.zombie = True
    async with asyncio.timeout(15):
        while gateway.stats.zombie_reconnects < 1:
            await mutator.step()
            await asyncio.sleep(0.2)
    # Still a zombie: the silence re-prime brings the last changes all the same.
    await wait_until_matching(hass, entry, simulator)
    simulator.faults.zombie = False
    gateway.silence_timeout = FAST_TIMINGS.silence_timeout
    await wait_until_listening(entry, simulator)
    await mutator.step()  # pushed: no re-prime may bring it now
    await wait_until_matching(hass, entry, simulator)
    assert gateway.stats.silences_healed >= 1
    assert_clean_log(caplog)


async def test_binds_ignored(
    hass: HomeAssistant,
    simulator: Simulator,
    entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A reconnect whose bind the cloud ignores hears nothing; it is noticed and replaced."""
    gateway = coordinator_of(entry).gateway
    gateway.silence_timeout = SHORT_SILENCE
    recorder = _recorder(hass, entry)
    mutator = Mutator(entry, simulator)
    simulator.faults.ignore_binds = True
    await simulator.drop_sockets()
    await mutator.step(push=False)
    await wait_for(lambda: state_of(hass, CLOUD) == "on")
    await mutator.step()  # pushed to nobody: the new socket is not bound
    await wait_until_matching(hass, entry, simulator)
    recorder.stop()
    assert recorder.went_unavailable() == recorder.watched

    simulator.faults.ignore_binds = False
    async with asyncio.timeout(15):
        while not any(s.bound for s in simulator.sessions().values()):
            await mutator.step()
            await asyncio.sleep(0.2)
    gateway.silence_timeout = FAST_TIMINGS.silence_timeout
    await wait_until_listening(entry, simulator)
    await mutator.step()  # pushed: no re-prime may bring it now
    await wait_until_matching(hass, entry, simulator)
    assert_clean_log(caplog)


async def test_token_revoked_mid_run(
    hass: HomeAssistant,
    simulator: Simulator,
    entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Revoked tokens: REST calls log in again, the next socket too; no reauth."""
    coordinator = coordinator_of(entry)
    mutator = Mutator(entry, simulator)
    logins = simulator.stats.logins
    simulator.revoke_tokens()
    await mutator.step()  # the bound socket still hears it
    await coordinator.async_refresh()  # listing: 401, a fresh login, retried
    assert coordinator.last_update_success
    assert simulator.stats.logins == logins + 1
    recorder = _recorder(hass, entry)
    simulator.revoke_tokens()
    await simulator.drop_sockets()
    await mutator.step(push=False)
    await wait_until_matching(hass, entry, simulator)
    recorder.stop()
    assert recorder.went_unavailable() == recorder.watched
    assert not _reauth_flows(hass, entry)
    assert_clean_log(caplog)


async def test_password_changed_ends_in_reauth_and_recovers(
    hass: HomeAssistant,
    simulator: Simulator,
    entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A changed password: unavailable and a reauth flow; the new password heals the entry."""
    ids = parameter_entity_ids(hass, entry)
    mutator = Mutator(entry, simulator)
    simulator.change_password(NEW_PASSWORD)
    simulator.revoke_tokens()
    await simulator.drop_sockets()
    await mutator.step(push=False)
    await wait_for(lambda: bool(_reauth_flows(hass, entry)))
    await wait_for(lambda: not coordinator_of(entry).gateway.running)
    assert {state_of(hass, entity_id) for entity_id in ids} == {STATE_UNAVAILABLE}
    await mutator.step(push=False)

    flow = _reauth_flows(hass, entry)[0]
    result = await hass.config_entries.flow.async_configure(
        str(flow["flow_id"]), {CONF_PASSWORD: NEW_PASSWORD}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert entry.data[CONF_PASSWORD] == NEW_PASSWORD
    await wait_until_matching(hass, entry, simulator)
    assert_clean_log(caplog)


HTTP_FAULTS = [
    pytest.param(408, "E_DISPATCH_EVENT_TIMEOUT", False, id="408"),
    pytest.param(500, None, True, id="500-html"),
    pytest.param(502, None, True, id="502-html"),
    pytest.param(503, None, True, id="503-html"),
]


@pytest.mark.parametrize(("status", "code", "html"), HTTP_FAULTS)
async def test_prime_errors(
    hass: HomeAssistant,
    simulator: Simulator,
    entry: MockConfigEntry,
    *,
    caplog: pytest.LogCaptureFixture,
    status: int,
    code: str | None,
    html: bool,
) -> None:
    """The prime after a reconnect fails: entities stay unavailable, not stale, until it works."""
    gateway = coordinator_of(entry).gateway
    recorder = _recorder(hass, entry)
    mutator = Mutator(entry, simulator)
    simulator.faults.fail("modules/parameters", status, code=code, html=html)
    await simulator.drop_sockets()
    await mutator.step(push=False)
    failures = gateway.stats.prime_failures
    await wait_for(lambda: gateway.stats.prime_failures > failures)
    assert {state_of(hass, entity_id) for entity_id in recorder.watched} == {
        STATE_UNAVAILABLE
    }
    simulator.faults.clear()
    await wait_until_matching(hass, entry, simulator)
    recorder.stop()
    assert recorder.went_unavailable() == recorder.watched
    assert_clean_log(caplog)


@pytest.mark.parametrize(("status", "code", "html"), HTTP_FAULTS)
async def test_listing_errors(
    hass: HomeAssistant,
    simulator: Simulator,
    entry: MockConfigEntry,
    *,
    caplog: pytest.LogCaptureFixture,
    status: int,
    code: str | None,
    html: bool,
) -> None:
    """A failing modules listing (reconnect and poll) loses neither values nor module info."""
    coordinator = coordinator_of(entry)
    info = coordinator.module_info(MIXER)
    recorder = _recorder(hass, entry)
    mutator = Mutator(entry, simulator)
    simulator.faults.fail("modules", status, code=code, html=html)
    await simulator.drop_sockets()
    await mutator.step(push=False)
    await coordinator.async_refresh()
    assert not coordinator.last_update_success
    assert coordinator.module_info(MIXER) == info
    await wait_until_matching(hass, entry, simulator)
    await wait_until_listening(entry, simulator)
    await mutator.step()
    await wait_until_matching(hass, entry, simulator)
    simulator.faults.clear()
    await coordinator.async_refresh()
    assert coordinator.last_update_success
    await wait_until_matching(hass, entry, simulator)
    recorder.stop()
    assert recorder.went_unavailable() == recorder.watched
    # Home Assistant's coordinator reports a failed poll once, as an error.
    assert_clean_log(caplog, allowed_errors=["Error fetching"])


@pytest.mark.parametrize(("status", "code", "html"), HTTP_FAULTS)
async def test_write_errors(
    hass: HomeAssistant,
    simulator: Simulator,
    entry: MockConfigEntry,
    *,
    caplog: pytest.LogCaptureFixture,
    status: int,
    code: str | None,
    html: bool,
) -> None:
    """A refused write: a translated error, the state rolled back, the module untouched."""
    before = state_of(hass, SETPOINT)
    written = simulator.get(MIXER, "P6.v0")
    mutator = Mutator(entry, simulator)
    simulator.faults.fail("module/command*", status, code=code, html=html)
    await mutator.step()
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            NUMBER_DOMAIN,
            SERVICE_SET_VALUE,
            {ATTR_ENTITY_ID: SETPOINT, ATTR_VALUE: float(written) + 1},
            blocking=True,
        )
    assert err.value.translation_key == "write_refused"
    assert str(err.value).startswith("The BragerOne cloud refused the change: ")
    assert str(status) in str(err.value)
    assert "<html" not in str(err.value).lower()
    assert state_of(hass, SETPOINT) == before
    assert simulator.get(MIXER, "P6.v0") == written
    simulator.faults.clear()
    await mutator.step()
    await wait_until_matching(hass, entry, simulator)
    assert coordinator_of(entry).gateway.writer.stats.refused == 1
    assert_clean_log(caplog)
