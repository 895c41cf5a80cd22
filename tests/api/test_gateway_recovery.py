"""Gateway recovery against the simulator: failed steps, retries, restarts and task events.

Each test breaks one step of the connection sequence (bind, prime, settle prime,
silence re-prime, login) with a simulator fault and checks what a consumer sees:
the session state and its notifications, the store, the counters and the log.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
import logging
from typing import Any

import aiohttp
import pytest

from custom_components.bragerone.api import (
    ApiError,
    AuthenticationError,
    Gateway,
    ParamKey,
)
from custom_components.bragerone.api._logging import reset_log_once
from simulator import Simulator

from .conftest import BOILER, MIXER, wait_for

type GatewayFactory = Callable[..., Awaitable[Gateway]]

LOGGER_NAME = "custom_components.bragerone.api"


@pytest.fixture(autouse=True)
def _fresh_log_once() -> None:
    """Let every test see the first report of each kind of problem."""
    reset_log_once()


async def up(gateway: Gateway) -> Gateway:
    """Wait until the gateway's session is up and return it."""
    async with asyncio.timeout(5):
        await gateway.wait_session_up()
    return gateway


def messages(caplog: pytest.LogCaptureFixture, start: str) -> list[str]:
    """Return the messages of our logger that start with `start`."""
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == LOGGER_NAME and r.getMessage().startswith(start)
    ]


# --- lifecycle -------------------------------------------------------------------------


async def test_a_second_start_opens_no_second_connection(
    sim: Simulator, make_gateway: GatewayFactory
) -> None:
    gateway = await up(await make_gateway())
    await gateway.start()
    await asyncio.sleep(0.2)
    assert gateway.running
    assert sim.stats.connects == 1
    assert len(sim.sessions()) == 1


async def test_a_stopped_gateway_starts_again_with_a_new_session(
    sim: Simulator, make_gateway: GatewayFactory
) -> None:
    gateway = await up(await make_gateway(settle_delay=0.3))
    first = gateway.bound_sid
    await gateway.stop()
    assert not gateway.running
    await wait_for(lambda: not sim.sessions())
    await sim.set(BOILER, "P4.v1", 52.5)  # nobody hears this: the gateway is stopped
    await gateway.start()
    await up(gateway)
    assert gateway.bound_sid != first
    assert set(sim.sessions()) == {gateway.bound_sid}
    assert gateway.store.get(ParamKey.parse(BOILER, "P4.v1")) == 52.5
    await wait_for(lambda: gateway.stats.settle_primes == 1)


async def test_requested_reconnect_rebinds_and_drops_the_old_settling_prime(
    sim: Simulator, make_gateway: GatewayFactory
) -> None:
    gateway = await up(await make_gateway(settle_delay=0.4))
    old = gateway.bound_sid
    sessions: list[bool] = []
    gateway.add_session_listener(sessions.append)
    gateway.request_reconnect()
    await wait_for(lambda: gateway.stats.reconnects == 1 and gateway.session_up)
    assert sessions == [False, True]
    assert gateway.bound_sid not in {None, old}
    assert set(sim.sessions()) == {gateway.bound_sid}
    assert sim.sessions()[gateway.bound_sid or ""].bound == set(sim.devids)
    await wait_for(lambda: gateway.stats.settle_primes == 1)
    await asyncio.sleep(0.5)
    assert gateway.stats.settle_primes == 1, "only the live connection settles"


# --- failed steps of the connection sequence ---------------------------------------------


async def test_a_failed_bind_is_logged_and_retried(
    sim: Simulator, make_gateway: GatewayFactory, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=LOGGER_NAME)
    sim.faults.fail("modules/connect", 500, times=1)
    gateway = await up(await make_gateway())
    assert gateway.stats.connect_failures == 1
    assert gateway.stats.binds == 1
    assert gateway.last_error is None
    assert sim.stats.connects == 2, "a fresh socket after the failed bind"
    assert len(messages(caplog, "BragerOne realtime connect failed")) == 1
    assert sim.sessions()[gateway.bound_sid or ""].listening == set(sim.devids)


async def test_a_socket_lost_before_the_bind_is_replaced(
    sim: Simulator, make_gateway: GatewayFactory, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=LOGGER_NAME)
    gateway = await make_gateway(bind_grace=2.0)
    await wait_for(lambda: gateway.stats.connects == 1)  # connected, pausing to bind
    await sim.drop_sockets()
    # the client notices within the pause (a loaded machine takes longer than 0.5 s)
    await wait_for(lambda: gateway.realtime.sid is None, timeout=1.5)
    async with asyncio.timeout(10):
        await gateway.wait_session_up()
    assert gateway.stats.connect_failures == 1
    assert gateway.stats.binds == 1
    assert messages(caplog, "BragerOne realtime connect failed") == [
        "BragerOne realtime connect failed: socket lost before binding"
    ]


async def test_a_failed_first_prime_keeps_the_session_down_until_a_retry_succeeds(
    sim: Simulator, make_gateway: GatewayFactory, caplog: pytest.LogCaptureFixture
) -> None:
    sim.faults.fail("modules/parameters", 400, times=2)
    gateway = await make_gateway(settle_delay=0.2)
    sessions: list[bool] = []
    gateway.add_session_listener(sessions.append)
    await up(gateway)
    assert sessions == [True], "never up with an unprimed store"
    assert gateway.stats.prime_failures == 2
    assert gateway.stats.reconnects == 0
    assert gateway.store.module_values(BOILER) == sim.registers(BOILER)
    assert messages(caplog, "Prime failed") == [
        "Prime failed: HTTP 400 E_BAD_REQUEST: Bad Request"
    ]
    await wait_for(lambda: gateway.stats.settle_primes == 1)


async def test_the_listing_poll_primes_while_the_socket_cannot_open(
    sim: Simulator, make_gateway: GatewayFactory
) -> None:
    sim.faults.fail("modules/connect", 503, html=True)  # no socket session ever
    await sim.set(BOILER, "P4.v1", 44.5)
    gateway = await make_gateway(poll_interval=0.1)
    key = ParamKey.parse(BOILER, "P4.v1")
    await wait_for(lambda: gateway.store.get(key) == 44.5)
    await sim.set(BOILER, "P4.v1", 45.5)
    await wait_for(lambda: gateway.store.get(key) == 45.5)
    assert not gateway.session_up
    assert gateway.stats.binds == 0
    assert gateway.stats.connect_failures >= 1
    assert gateway.modules_online == {BOILER: True, MIXER: True}


async def test_a_failed_settling_prime_is_not_counted(
    sim: Simulator, make_gateway: GatewayFactory
) -> None:
    gateway = await up(await make_gateway(settle_delay=0.3))
    sim.faults.fail("modules/parameters", 400, times=1)
    await wait_for(lambda: gateway.stats.prime_failures == 1)
    assert gateway.stats.settle_primes == 0
    assert gateway.session_up


async def test_a_failed_silence_reprime_is_no_evidence_of_a_zombie(
    sim: Simulator, make_gateway: GatewayFactory, caplog: pytest.LogCaptureFixture
) -> None:
    gateway = await up(await make_gateway(silence_timeout=0.2, zombie_primes=1))
    sim.faults.fail("modules/parameters", 503, html=True)
    await wait_for(lambda: gateway.stats.prime_failures >= 2)
    assert gateway.stats.silence_reprimes >= 2
    assert gateway.stats.zombie_reconnects == 0
    assert gateway.stats.reconnects == 0
    assert gateway.session_up
    assert len(messages(caplog, "Re-prime failed")) == 1, "logged once"
    sim.faults.clear()
    await sim.set(MIXER, "P4.v1", 21.5)
    await wait_for(lambda: gateway.store.get(ParamKey.parse(MIXER, "P4.v1")) == 21.5)


async def test_an_unexpected_error_is_logged_and_the_loop_keeps_trying(
    sim: Simulator,
    make_gateway: GatewayFactory,
    session: aiohttp.ClientSession,
    caplog: pytest.LogCaptureFixture,
) -> None:
    gateway = await up(await make_gateway())
    await session.close()  # a consumer bug: the shared session closed under the gateway
    gateway.request_reconnect()
    await wait_for(
        lambda: len(messages(caplog, "Unexpected error in the BragerOne")) >= 2
    )
    assert gateway.running
    assert not gateway.session_up
    assert all(
        r.exc_info is not None
        for r in caplog.records
        if r.getMessage().startswith("Unexpected error")
    )


# --- gateway.prime -------------------------------------------------------------------


async def test_transient_prime_errors_are_retried(
    sim: Simulator, make_gateway: GatewayFactory
) -> None:
    gateway = await up(await make_gateway())
    sim.plant.set_many(MIXER, {"P4.v2": 17.5})  # changed without a push
    requests = sim.stats.requests["modules/parameters"]
    primes = gateway.stats.primes
    sim.faults.fail("modules/parameters", 503, html=True, times=1)
    sim.faults.fail("modules/parameters", 408, times=1)
    changed = await gateway.prime([MIXER])
    assert [(u.key, u.value) for u in changed] == [
        (ParamKey.parse(MIXER, "P4.v2"), 17.5)
    ]
    assert sim.stats.requests["modules/parameters"] == requests + 3
    assert gateway.stats.primes == primes + 1
    assert gateway.stats.prime_failures == 0


async def test_a_prime_that_keeps_failing_raises_the_last_error(
    sim: Simulator, make_gateway: GatewayFactory
) -> None:
    gateway = await up(await make_gateway())
    requests = sim.stats.requests["modules/parameters"]
    sim.faults.fail("modules/parameters", 504, html=True)
    with pytest.raises(ApiError) as info:
        await gateway.prime()
    assert info.value.status == 504
    assert sim.stats.requests["modules/parameters"] == requests + 4
    assert gateway.stats.prime_failures == 1


async def test_a_refused_prime_is_not_retried(
    sim: Simulator, make_gateway: GatewayFactory
) -> None:
    gateway = await up(await make_gateway())
    requests = sim.stats.requests["modules/parameters"]
    sim.faults.fail("modules/parameters", 400, times=1)
    with pytest.raises(ApiError) as info:
        await gateway.prime([BOILER])
    assert info.value.status == 400
    assert sim.stats.requests["modules/parameters"] == requests + 1
    assert gateway.stats.prime_failures == 1


async def test_a_refused_login_during_a_prime_is_raised_at_once(
    sim: Simulator, make_gateway: GatewayFactory
) -> None:
    gateway = await up(await make_gateway())
    sim.change_password("rotated")
    sim.revoke_tokens()
    requests = sim.stats.requests["modules/parameters"]
    with pytest.raises(AuthenticationError):
        await gateway.prime()
    assert sim.stats.requests["modules/parameters"] == requests + 1
    assert gateway.stats.prime_failures == 0


# --- task events ---------------------------------------------------------------------


async def test_task_events_reach_task_listeners_until_removed(
    sim: Simulator, make_gateway: GatewayFactory
) -> None:
    gateway = await up(await make_gateway())
    heard: list[tuple[str, Any]] = []
    remove = gateway.add_task_listener(
        lambda event, payload: heard.append((event, payload))
    )
    await gateway.client.send_command(BOILER, "BOILER_FUEL_RESET_HT", 1)
    await wait_for(lambda: len(heard) == 4)
    assert [event.rsplit(":", 1)[-1] for event, _ in heard] == [
        "created",
        "changed",
        "changed",
        "completed",
    ]
    assert [payload["status"] for _, payload in heard] == [
        "CREATED",
        "IN_PROGRESS",
        "SUCCESS",
        "SUCCESS",
    ]
    assert {payload["devid"] for _, payload in heard} == {BOILER}
    remove()
    await gateway.client.send_command(BOILER, "BOILER_FUEL_RESET_HT", 1)
    await wait_for(lambda: sim.stats.events["app:module:task:completed"] == 2)
    assert len(heard) == 4
