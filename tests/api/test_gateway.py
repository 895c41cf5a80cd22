"""Gateway against the simulator: binding, push, liveness, reconnect and teardown."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
import contextlib

import pytest

from custom_components.bragerone.api import (
    AuthenticationError,
    BragerOneClient,
    Gateway,
    ParamKey,
)
from simulator import MALFORMED_KINDS, Simulator

from .conftest import BOILER, MIXER, wait_for

type GatewayFactory = Callable[..., Awaitable[Gateway]]


def store_matches(gateway: Gateway, sim: Simulator) -> bool:
    """Return True when the store holds exactly the simulator's registers."""
    return all(gateway.store.module_values(d) == sim.registers(d) for d in sim.devids)


def client_side(task: asyncio.Task[object]) -> bool:
    """Return True for tasks of our library or of the Socket.IO/Engine.IO *client*."""
    code = getattr(task.get_coro(), "cr_code", None)
    filename = getattr(code, "co_filename", "")
    return any(part in filename for part in ("custom_components", "async_client"))


async def up(gateway: Gateway) -> Gateway:
    """Wait until the gateway's session is up and return it."""
    async with asyncio.timeout(5):
        await gateway.wait_session_up()
    return gateway


async def test_start_binds_listens_and_primes(
    sim: Simulator, make_gateway: GatewayFactory
) -> None:
    gateway = await up(await make_gateway())
    assert store_matches(gateway, sim)
    session = sim.sessions()[gateway.bound_sid or ""]
    assert session.bound == set(sim.devids)
    assert session.listening == set(sim.devids)
    assert session.activity == set(sim.devids)
    assert gateway.stats.binds == 1
    assert gateway.modules_online == {BOILER: True, MIXER: True}


async def test_change_events_reach_the_store(
    sim: Simulator, make_gateway: GatewayFactory
) -> None:
    gateway = await up(await make_gateway())
    seen: list[str] = []
    key = ParamKey.parse(BOILER, "P4.v1")
    gateway.store.watch(lambda updates: seen.extend(u.address for u in updates), [key])
    primes = sim.stats.primes
    await sim.set(BOILER, "P4.v1", 61.5)
    await wait_for(lambda: gateway.store.get(key) == 61.5)
    assert seen == ["P4.v1"]
    assert sim.stats.primes == primes, "the value came by push, not by a prime"
    assert gateway.last_event_age is not None


async def test_ticks_keep_the_store_equal_to_the_plant(
    sim: Simulator, make_gateway: GatewayFactory
) -> None:
    gateway = await up(await make_gateway())
    for _ in range(5):
        await sim.tick()
    await wait_for(lambda: store_matches(gateway, sim))


async def test_watchers_only_hear_about_their_keys(
    sim: Simulator, make_gateway: GatewayFactory
) -> None:
    gateway = await up(await make_gateway())
    boiler_key, mixer_key = (
        ParamKey.parse(BOILER, "P4.v1"),
        ParamKey.parse(MIXER, "P4.v1"),
    )
    heard: list[ParamKey] = []
    gateway.store.watch(
        lambda updates: heard.extend(u.key for u in updates), [mixer_key]
    )
    await sim.set(BOILER, "P4.v1", 33.0)
    await sim.set(MIXER, "P4.v1", 44.0)
    await wait_for(lambda: gateway.store.get(mixer_key) == 44.0)
    await wait_for(lambda: gateway.store.get(boiler_key) == 33.0)
    assert heard == [mixer_key]


async def test_same_pool_and_index_on_two_modules_never_collide(
    sim: Simulator, make_gateway: GatewayFactory
) -> None:
    gateway = await up(await make_gateway())
    shared = set(sim.registers(BOILER)) & set(sim.registers(MIXER))
    assert "P4.v1" in shared
    await sim.set(BOILER, "P4.v1", 70.0)
    await sim.set(MIXER, "P4.v1", 30.0)
    await wait_for(lambda: gateway.store.get(ParamKey.parse(MIXER, "P4.v1")) == 30.0)
    assert gateway.store.get(ParamKey.parse(BOILER, "P4.v1")) == 70.0
    assert store_matches(gateway, sim)


async def test_event_22_reprimes_that_module(
    sim: Simulator, make_gateway: GatewayFactory
) -> None:
    gateway = await up(await make_gateway())
    # Change a register without a push, as a module memory change does.
    sim.plant.set_many(MIXER, {"P6.v3": 41})
    key = ParamKey.parse(MIXER, "P6.v3")
    assert gateway.store.get(key) != 41
    primes = sim.stats.primes
    await sim.emit_memory_changed(MIXER)
    await wait_for(lambda: gateway.store.get(key) == 41)
    assert sim.stats.primes == primes + 1
    assert gateway.stats.memory_reprimes == 1


async def test_dropped_socket_reconnects_rebinds_and_reprimes(
    sim: Simulator, make_gateway: GatewayFactory
) -> None:
    gateway = await up(await make_gateway())
    old_sid = gateway.bound_sid
    sessions: list[bool] = []
    gateway.add_session_listener(sessions.append)
    await sim.drop_sockets()
    # While the socket is gone, the plant moves on without anyone hearing it.
    await sim.set_many(BOILER, {"P4.v1": 66.0, "P4.v2": 51.5})
    await wait_for(lambda: gateway.stats.reconnects == 1 and gateway.session_up)
    assert sessions == [False, True]
    assert gateway.bound_sid != old_sid
    assert old_sid not in sim.sessions()
    assert sim.sessions()[gateway.bound_sid or ""].bound == set(sim.devids)
    assert store_matches(gateway, sim), "re-primed after the reconnect"
    # Events flow to the new socket (a stale SID would get none).
    await sim.set(MIXER, "P4.v1", 25.5)
    await wait_for(lambda: gateway.store.get(ParamKey.parse(MIXER, "P4.v1")) == 25.5)


async def test_server_restart_needs_a_new_token_and_heals(
    sim: Simulator, make_gateway: GatewayFactory
) -> None:
    gateway = await up(await make_gateway())
    logins = sim.stats.logins
    await sim.restart()  # tokens, SIDs and bindings are gone
    await sim.set(BOILER, "P4.v3", 12.5)
    await wait_for(lambda: gateway.stats.reconnects >= 1 and gateway.session_up)
    assert sim.stats.logins > logins
    await wait_for(lambda: store_matches(gateway, sim))
    await sim.set(BOILER, "P4.v1", 77.0)
    await wait_for(lambda: gateway.store.get(ParamKey.parse(BOILER, "P4.v1")) == 77.0)


async def test_zombie_socket_is_detected_and_healed(
    sim: Simulator, make_gateway: GatewayFactory
) -> None:
    gateway = await up(await make_gateway(silence_timeout=0.3, zombie_primes=2))
    sim.faults.zombie = True
    key = ParamKey.parse(BOILER, "P4.v1")
    await sim.set(BOILER, "P4.v1", 62.0)  # not pushed: the socket is a zombie
    await wait_for(lambda: gateway.store.get(key) == 62.0)
    assert gateway.stats.silences_healed == 1
    assert gateway.stats.reconnects == 0
    await sim.set(BOILER, "P4.v1", 63.0)
    await wait_for(lambda: gateway.stats.zombie_reconnects == 1)
    await wait_for(lambda: gateway.stats.reconnects >= 1 and gateway.session_up)
    assert gateway.store.get(key) == 63.0
    sim.faults.zombie = False
    await sim.set(BOILER, "P4.v1", 64.0)
    await wait_for(lambda: gateway.store.get(key) == 64.0)


async def test_quiet_plant_is_not_mistaken_for_a_zombie(
    sim: Simulator, make_gateway: GatewayFactory
) -> None:
    gateway = await up(await make_gateway(silence_timeout=0.1, zombie_primes=1))
    await wait_for(lambda: gateway.stats.silence_reprimes >= 3)
    assert gateway.stats.silences_healed == 0
    assert gateway.stats.reconnects == 0


async def test_unbound_socket_gets_no_events_but_silence_primes_heal_it(
    sim: Simulator, make_gateway: GatewayFactory
) -> None:
    sim.faults.ignore_binds = True
    gateway = await up(await make_gateway(silence_timeout=0.2, zombie_primes=1))
    sim.faults.ignore_binds = False
    await sim.set(BOILER, "P4.v5", 3.5)
    await wait_for(lambda: gateway.stats.zombie_reconnects == 1)
    await wait_for(lambda: gateway.stats.reconnects >= 1 and gateway.session_up)
    assert gateway.store.get(ParamKey.parse(BOILER, "P4.v5")) == 3.5
    await sim.set(BOILER, "P4.v5", 4.5)
    await wait_for(lambda: gateway.store.get(ParamKey.parse(BOILER, "P4.v5")) == 4.5)


async def test_no_silence_checks_while_every_module_is_offline(
    sim: Simulator, make_gateway: GatewayFactory
) -> None:
    gateway = await up(await make_gateway(silence_timeout=0.1))
    changes: list[tuple[str, bool]] = []
    gateway.add_module_listener(lambda devid, online: changes.append((devid, online)))
    for devid in sim.devids:
        await sim.set_module_online(devid, online=False)
    await wait_for(lambda: not any(gateway.modules_online.values()))
    assert sorted(changes) == [(BOILER, False), (MIXER, False)]
    assert gateway.session_up, "module offline is not session down"
    reprimes = gateway.stats.silence_reprimes
    await asyncio.sleep(0.5)
    assert gateway.stats.silence_reprimes == reprimes


async def test_module_coming_back_is_reprimed(
    sim: Simulator, make_gateway: GatewayFactory
) -> None:
    gateway = await up(await make_gateway())
    await sim.set_module_online(MIXER, online=False)
    await wait_for(lambda: gateway.module_online(MIXER) is False)
    sim.plant.set_many(MIXER, {"P4.v2": 19.5})
    primes = gateway.stats.primes
    await sim.set_module_online(MIXER, online=True)
    await wait_for(lambda: gateway.module_online(MIXER) is True)
    await wait_for(lambda: gateway.store.get(ParamKey.parse(MIXER, "P4.v2")) == 19.5)
    assert gateway.stats.primes > primes


async def test_listing_poll_updates_module_state_and_ignores_degraded_rows(
    sim: Simulator, make_gateway: GatewayFactory
) -> None:
    gateway = await up(await make_gateway(poll_interval=0.05))
    sim.plant.set_online(MIXER, online=False)  # no status event: only the poll can tell
    await wait_for(lambda: gateway.module_online(MIXER) is False)
    sim.faults.degraded_modules = True
    sim.plant.set_online(MIXER, online=True)
    requests = sim.stats.requests["modules"]
    await wait_for(lambda: sim.stats.requests["modules"] >= requests + 3)
    assert gateway.modules_online == {BOILER: True, MIXER: False}
    sim.faults.fail("modules", 503, html=True)
    await wait_for(lambda: sim.stats.requests["modules"] >= requests + 6)
    assert gateway.modules_online == {BOILER: True, MIXER: False}
    sim.faults.clear()
    await wait_for(lambda: gateway.module_online(MIXER) is True)


@pytest.mark.parametrize("kind", MALFORMED_KINDS)
async def test_malformed_frames_are_skipped(
    sim: Simulator, make_gateway: GatewayFactory, kind: str
) -> None:
    gateway = await up(await make_gateway())
    await sim.send_malformed(kind)
    await sim.set(BOILER, "P4.v1", 55.5)
    await wait_for(lambda: gateway.store.get(ParamKey.parse(BOILER, "P4.v1")) == 55.5)
    assert gateway.session_up
    assert gateway.stats.reconnects == 0
    assert "NOSUCHDEV1" not in gateway.store.flatten()
    for value in gateway.store.module_values(BOILER).values():
        assert not isinstance(value, list | dict)


async def test_refused_login_keeps_retrying_and_reports_it(
    sim: Simulator, make_gateway: GatewayFactory
) -> None:
    sim.change_password("changed")
    gateway = await make_gateway()
    refusals: list[Exception] = []
    gateway.add_auth_failure_listener(refusals.append)
    await wait_for(lambda: len(refusals) >= 2)
    assert not gateway.session_up
    assert isinstance(gateway.last_error, AuthenticationError)


async def test_stop_is_prompt_and_leaves_nothing_behind(
    sim: Simulator, client: BragerOneClient
) -> None:
    before = set(asyncio.all_tasks())
    gateway = Gateway(
        client, object_id=sim.object_id, devids=sim.devids, connect_timeout=3.0
    )
    await gateway.start()
    await up(gateway)
    async with asyncio.timeout(3):
        await gateway.stop()
    await wait_for(lambda: not sim.sessions())
    assert not gateway.session_up
    assert not gateway.realtime.connected
    await asyncio.sleep(0)
    left = [t for t in asyncio.all_tasks() - before if not t.done() and client_side(t)]
    assert not left, left


async def test_a_stop_whose_caller_is_cancelled_still_closes_the_socket(
    sim: Simulator, make_gateway: GatewayFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Home Assistant cancels the entry's task that stops the gateway while unload stops it too."""
    gateway = await up(await make_gateway())
    closing = asyncio.Event()
    disconnect = gateway.realtime.disconnect

    async def observed_disconnect() -> None:
        closing.set()
        await disconnect()

    monkeypatch.setattr(gateway.realtime, "disconnect", observed_disconnect)
    first = asyncio.create_task(gateway.stop())
    await closing.wait()  # the socket is being closed: cancel that caller now
    first.cancel()
    await gateway.stop()  # the second caller waits for the same teardown
    assert not gateway.realtime.connected
    await wait_for(lambda: not sim.sessions())
    with contextlib.suppress(asyncio.CancelledError):
        await first


async def test_stop_during_a_hanging_connect_is_prompt(
    sim: Simulator, client: BragerOneClient
) -> None:
    sim.faults.latency = 1.5
    gateway = Gateway(
        client, object_id=sim.object_id, devids=sim.devids, connect_timeout=30.0
    )
    await gateway.start()
    await wait_for(lambda: sim.stats.requests["auth/user"] == 1)  # the login hangs now
    async with asyncio.timeout(0.5):
        await gateway.stop()
    assert not gateway.running
    assert not gateway.session_up
    # The simulator's stop() does not cancel a request handler that is still sleeping
    # in its latency fault; let it finish so the lingering-task check passes.
    await asyncio.sleep(1.6)


async def test_a_failing_listener_does_not_break_the_gateway(
    sim: Simulator, make_gateway: GatewayFactory
) -> None:
    def broken(*_args: object) -> None:
        raise RuntimeError

    gateway = await make_gateway()
    gateway.add_session_listener(broken)
    gateway.add_module_listener(broken)
    gateway.store.watch(broken)
    await up(gateway)
    await sim.set_module_online(MIXER, online=False)
    await wait_for(lambda: gateway.module_online(MIXER) is False)
    await sim.set(BOILER, "P4.v1", 57.5)
    await wait_for(lambda: gateway.store.get(ParamKey.parse(BOILER, "P4.v1")) == 57.5)
    assert gateway.stats.reconnects == 0


@pytest.mark.parametrize("settle_delay", [0.3, None])
async def test_settling_prime_catches_a_change_made_before_the_listen_took_effect(
    sim: Simulator, make_gateway: GatewayFactory, settle_delay: float | None
) -> None:
    """The server answers the prime before it handles the listen (§3.1 ordering caveat).

    A change made in that window is pushed to nobody; the settling prime brings it in.
    Without it (None) the store keeps the old value, which is what the prime is for.
    """
    sim.faults.listen_delay = 0.5
    gateway = await up(await make_gateway(settle_delay=settle_delay))
    key = ParamKey.parse(BOILER, "P4.v1")
    await sim.set(BOILER, "P4.v1", 63.5)
    # The listen takes effect now; later changes are pushed again.
    await wait_for(lambda: sim.sessions()[gateway.bound_sid or ""].listening)
    await sim.set(BOILER, "P4.v2", 12)
    await wait_for(lambda: gateway.store.get(ParamKey.parse(BOILER, "P4.v2")) == 12)
    if settle_delay is None:
        await asyncio.sleep(0.6)
        assert gateway.store.get(key) != 63.5
        assert gateway.stats.settle_primes == 0
        return
    await wait_for(lambda: gateway.store.get(key) == 63.5)
    assert gateway.stats.settle_primes == 1
    assert store_matches(gateway, sim)


async def test_settling_prime_is_cancelled_with_its_connection(
    sim: Simulator, make_gateway: GatewayFactory
) -> None:
    """A connection that ends before its settling prime leaves no prime behind it."""
    gateway = await up(await make_gateway(settle_delay=0.5))
    await gateway.stop()
    primes = sim.stats.primes
    await asyncio.sleep(0.7)
    assert sim.stats.primes == primes
    assert gateway.stats.settle_primes == 0
