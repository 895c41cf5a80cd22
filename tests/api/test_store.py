"""ParamStore: identity, meta-only entries, watchers and snapshot/push ordering."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from custom_components.bragerone.api import (
    BragerOneClient,
    Gateway,
    ParamKey,
    ParamStore,
    ParamUpdate,
)
from simulator import Simulator

from .conftest import BOILER, MIXER, wait_for

type GatewayFactory = Callable[..., Awaitable[Gateway]]


def update(
    address: str, value: object, devid: str = BOILER, **meta: object
) -> ParamUpdate:
    """Build an update for `address` of `devid` (as the frame decoder would)."""
    key = ParamKey.parse(devid, address)
    return ParamUpdate(
        devid=devid, pool=key.pool, chan=key.chan, idx=key.idx, value=value, meta=meta
    )


async def test_snapshot_never_overwrites_a_newer_push(
    sim: Simulator, client: BragerOneClient, make_gateway: GatewayFactory
) -> None:
    gateway = await make_gateway()
    async with asyncio.timeout(5):
        await gateway.wait_session_up()
    store = gateway.store
    marker = store.begin_snapshot()
    stale = await client.prime([BOILER])  # taken before the changes below
    with_meta = next(
        u for u in stale.updates if u.chan == "v" and "updatedAt" in u.meta
    )
    scalar = next(u for u in stale.updates if u.chan == "v" and not u.meta)
    pushed = {with_meta.address: 11.5, scalar.address: 12.5}
    await sim.set_many(BOILER, pushed)
    await wait_for(
        lambda: all(
            store.get(ParamKey.parse(BOILER, a)) == v for a, v in pushed.items()
        )
    )
    store.apply_snapshot(stale.updates, marker)
    assert store.get(with_meta.key) == 11.5
    assert store.get(scalar.key) == 12.5
    assert store.module_values(BOILER) == sim.registers(BOILER)
    # A snapshot taken after the push is applied in full.
    marker = store.begin_snapshot()
    await sim.set_many(BOILER, {with_meta.address: 13.5})  # pushed, then primed
    await wait_for(lambda: store.get(with_meta.key) == 13.5)
    store.apply_snapshot((await client.prime([BOILER])).updates, store.begin_snapshot())
    assert store.module_values(BOILER) == sim.registers(BOILER)
    del marker


async def test_prime_during_a_slow_answer_keeps_the_pushed_value(
    sim: Simulator, make_gateway: GatewayFactory
) -> None:
    gateway = await make_gateway()
    async with asyncio.timeout(5):
        await gateway.wait_session_up()
    sim.faults.latency = 0.3
    sim.faults.latency_paths = ["modules/parameters"]
    prime = asyncio.create_task(gateway.prime([BOILER]))
    await wait_for(lambda: sim.stats.requests["modules/parameters"] >= 2)
    await sim.set(BOILER, "P4.v1", 48.5)
    await prime
    assert gateway.store.get(ParamKey.parse(BOILER, "P4.v1")) == 48.5


def test_newer_updated_at_wins_whatever_the_order() -> None:
    store = ParamStore()
    marker = store.begin_snapshot()
    store.apply_push([update("P4.v1", 50.0, updatedAt=100)])
    store.apply_snapshot([update("P4.v1", 52.0, updatedAt=105)], marker)
    assert store.get(ParamKey.parse(BOILER, "P4.v1")) == 52.0
    marker = store.begin_snapshot()
    store.apply_push([update("P4.v1", 53.0, updatedAt=110)])
    store.apply_snapshot([update("P4.v1", 51.0, updatedAt=104)], 0)
    assert store.get(ParamKey.parse(BOILER, "P4.v1")) == 53.0
    # Equal stamps (one-second resolution): the push after the marker wins.
    marker = store.begin_snapshot()
    store.apply_push([update("P4.v1", 54.0, updatedAt=120)])
    store.apply_snapshot([update("P4.v1", 53.0, updatedAt=120)], marker)
    assert store.get(ParamKey.parse(BOILER, "P4.v1")) == 54.0


def test_meta_only_updates_keep_the_value() -> None:
    store = ParamStore()
    key = ParamKey.parse(BOILER, "P4.v1")
    heard: list[ParamUpdate] = []
    store.watch(heard.extend, [key])
    store.apply_push([update("P4.v1", 58.5, storable=0)])
    store.apply_push([update("P4.v1", None, storable=1, updatedAt=200)])
    state = store.state(key)
    assert state is not None
    assert state.value == 58.5
    assert state.meta == {"storable": 1, "updatedAt": 200}
    assert [u.value for u in heard] == [58.5]


async def test_meta_only_pushes_from_the_plant_keep_values(
    sim: Simulator, make_gateway: GatewayFactory
) -> None:
    gateway = await make_gateway()
    async with asyncio.timeout(5):
        await gateway.wait_session_up()
    for _ in range(6):  # every third tick carries a meta-only entry
        await sim.tick()
    await wait_for(
        lambda: all(
            gateway.store.module_values(d) == sim.registers(d) for d in (BOILER, MIXER)
        )
    )


def test_modules_with_the_same_addresses_are_separate() -> None:
    store = ParamStore()
    store.apply_push([update("P4.v1", 60.0, BOILER), update("P4.v1", 30.0, MIXER)])
    assert store.get(ParamKey.parse(BOILER, "P4.v1")) == 60.0
    assert store.get(ParamKey.parse(MIXER, "P4.v1")) == 30.0
    assert store.flatten() == {BOILER: {"P4.v1": 60.0}, MIXER: {"P4.v1": 30.0}}


def test_watchers_hear_only_changes_of_their_keys_once_per_batch() -> None:
    store = ParamStore()
    mine = ParamKey.parse(BOILER, "P4.v1")
    batches: list[list[str]] = []
    everything: list[int] = []
    unwatch = store.watch(lambda ups: batches.append([u.address for u in ups]), [mine])
    store.watch(lambda ups: everything.append(len(ups)))
    store.apply_push([update("P4.v1", 1.0), update("P4.v2", 2.0)])
    store.apply_push([update("P4.v1", 1.0)])  # unchanged: nobody is told
    store.apply_push([update("P4.v2", 3.0)])
    assert batches == [["P4.v1"]]
    assert everything == [2, 1]
    unwatch()
    store.apply_push([update("P4.v1", 5.0)])
    assert batches == [["P4.v1"]]


def test_a_failing_watcher_does_not_starve_the_others() -> None:
    store = ParamStore()
    heard: list[ParamUpdate] = []

    def broken(_updates: list[ParamUpdate]) -> None:
        raise RuntimeError

    store.watch(broken)
    store.watch(heard.extend)
    store.apply_push([update("P4.v1", 1.0)])
    assert len(heard) == 1


def test_type_change_counts_as_a_change() -> None:
    store = ParamStore()
    heard: list[ParamUpdate] = []
    store.watch(heard.extend)
    store.apply_push([update("P4.v1", 1)])
    store.apply_push([update("P4.v1", 1.0)])
    assert [type(u.value) for u in heard] == [int, float]


def test_reading_counts_and_clearing_per_module() -> None:
    store = ParamStore()
    store.apply_push(
        [
            update("P4.v1", 60.0, BOILER, updatedAt=100),
            update("P4.s1", None, BOILER, storable=1),  # metadata only
            update("P4.v1", 30.0, MIXER),
        ]
    )
    meta_only = ParamKey.parse(BOILER, "P4.s1")
    assert len(store) == 3
    assert meta_only in store
    assert ParamKey.parse(BOILER, "P4.v2") not in store
    assert store.get(meta_only, "none yet") == "none yet"
    assert store.flatten() == {BOILER: {"P4.v1": 60.0}, MIXER: {"P4.v1": 30.0}}
    assert sorted(k.address for k in store.keys(BOILER)) == ["P4.s1", "P4.v1"]
    state = store.state(ParamKey.parse(BOILER, "P4.v1"))
    assert state is not None
    assert state.updated_at == 100.0
    store.clear(BOILER)
    assert store.keys() == [ParamKey.parse(MIXER, "P4.v1")]
    store.clear()
    assert len(store) == 0


def test_unwatching_one_of_two_watchers_of_a_key_keeps_the_other() -> None:
    store = ParamStore()
    key = ParamKey.parse(BOILER, "P4.v1")
    first: list[ParamUpdate] = []
    second: list[ParamUpdate] = []
    unwatch_first = store.watch(first.extend, [key])
    unwatch_second = store.watch(second.extend, [key])
    unwatch_first()
    store.apply_push([update("P4.v1", 1.0)])
    assert (len(first), len(second)) == (0, 1)
    unwatch_second()
    unwatch_second()  # a second call is harmless
    unwatch_first()
    store.apply_push([update("P4.v1", 2.0)])
    assert (len(first), len(second)) == (0, 1)
