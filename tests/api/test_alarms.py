"""Alarms and the activity feed read through the client, from the simulator (PROTOCOL.md §2.8a)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import aiohttp
import pytest

from custom_components.bragerone.api import (
    BragerOneClient,
    Gateway,
    InvalidResponseError,
)
from custom_components.bragerone.api.alarms import (
    Activity,
    activities_from_wire,
    alarms_from_wire,
    counts_from_wire,
)
from simulator import Simulator
from simulator.rest import OTHER_USER_ID, OTHER_USER_NAME, USER_ID, USER_NAME

from .conftest import BOILER, MIXER, server_of, wait_for

NO_FUEL = 38


@pytest.fixture(params=[0, 1, 4, 5], ids=lambda seed: f"seed{seed}")
async def seeded(
    request: pytest.FixtureRequest, session: aiohttp.ClientSession
) -> AsyncIterator[tuple[Simulator, BragerOneClient]]:
    """A simulator whose answers take each shape of §2.8a (bare or wrapped, counts as text)."""
    async with Simulator(
        seed=request.param, host="127.0.0.1", write_delay=0.05, tick_interval=None
    ) as sim:
        yield (
            sim,
            BragerOneClient(
                sim.email, sim.password, server=server_of(sim), session=session
            ),
        )


async def test_an_alarm_is_current_then_history(
    seeded: tuple[Simulator, BragerOneClient],
) -> None:
    """Raised: current, counted; ended: in the history with both times, no longer counted."""
    sim, client = seeded
    assert await client.alarms([BOILER, MIXER]) == []
    sim.alarm_log.raise_alarm(BOILER, NO_FUEL)
    (current,) = await client.alarms([BOILER, MIXER])
    assert (current.devid, current.code, current.active) == (BOILER, NO_FUEL, True)
    assert current.started is not None
    assert current.started <= datetime.now(UTC)
    assert await client.alarm_counts([BOILER, MIXER]) in (
        {BOILER: 1, MIXER: 0},
        {BOILER: 1, MIXER: None},
    )
    sim.alarm_log.end_alarm(BOILER, NO_FUEL)
    assert await client.alarms([BOILER]) == []
    (ended,) = await client.alarm_history([BOILER])
    assert ended.key == current.key
    assert ended.ended is not None
    assert not ended.active


async def test_activity_rows_of_our_writes_carry_no_name(
    sim: Simulator, client: BragerOneClient
) -> None:
    """A write shows up as a row with the raw values before and after, and a user id only."""
    before = sim.get(BOILER, "P6.v0")
    target = sim.get(BOILER, "P6.n0")
    await client.write_parameter(BOILER, "P6", "v0", target)
    await wait_for(lambda: sim.get(BOILER, "P6.v0") == target)
    (row,) = await client.activities([BOILER])
    assert isinstance(row, Activity)
    assert (row.devid, row.token, row.value, row.previous) == (
        BOILER,
        "parameters.PARAM_0",
        target,
        before,
    )
    assert (row.state, row.user_id) == ("success", USER_ID)
    assert USER_NAME not in repr(row)
    assert await client.activities([MIXER]) == []


@pytest.mark.parametrize(
    ("payload", "codes"),
    [
        ([{"id": 1, "devid": "A"}], [1]),
        ({"data": [{"id": "2", "devid": "A"}]}, [2]),
        ({"status": True, "alarms": [{"id": 3, "module": {"devid": "A"}}]}, [3]),
        ({"status": True, "alarms": {"data": [{"id": 4, "devid": "A"}]}}, [4]),
        ([{"devid": "A"}, {"id": 5}, "row", None, {"id": 6, "devid": "A"}], [6]),
        (None, []),
    ],
)
def test_every_alarm_shape_is_read_and_bad_rows_skipped(
    payload: Any, codes: list[int]
) -> None:
    """Bare, wrapped and paginated lists; rows without code or devid are skipped."""
    assert [a.code for a in alarms_from_wire(payload)] == codes


@pytest.mark.parametrize(
    "payload",
    [{"status": False, "alarms": []}, {"alarms": "none"}, 7, "text"],
)
def test_a_failed_or_unreadable_answer_is_an_error(payload: Any) -> None:
    """``status: false`` or no list where one belongs is an InvalidResponseError."""
    with pytest.raises(InvalidResponseError):
        alarms_from_wire(payload)
    with pytest.raises(InvalidResponseError):
        activities_from_wire(
            payload if not isinstance(payload, dict) else {**payload, "activities": 1}
        )


def test_counts_of_null_text_or_junk() -> None:
    """``null`` and junk are unknown (None); ``"7"`` is 7; a missing key is no count."""
    payload = {"alarmsQuantity": {"A": None, "B": "7", "C": 2, "D": "x", "E": -1}}
    assert counts_from_wire(payload) == {
        "A": None,
        "B": 7,
        "C": 2,
        "D": None,
        "E": None,
    }
    assert counts_from_wire({}) == {}
    assert counts_from_wire(None) == {}


def test_the_simulated_alarm_log_keeps_one_occurrence_per_active_alarm() -> None:
    """Raising an active alarm again changes nothing; ending needs an active one."""
    sim = Simulator(seed=0)
    first = sim.alarm_log.raise_alarm(BOILER, NO_FUEL, at=1_000.0)
    assert sim.alarm_log.raise_alarm(BOILER, NO_FUEL, at=2_000.0) is first
    assert sim.alarm_log.end_alarm(BOILER, NO_FUEL, at=3_000.0)
    assert not sim.alarm_log.end_alarm(BOILER, NO_FUEL)
    second = sim.alarm_log.raise_alarm(BOILER, NO_FUEL, at=4_000.0)
    assert second is not first
    assert [r["id"] for r in sim.alarm_log.ended([BOILER])] == [NO_FUEL]


async def test_the_gateway_follows_alarm_pushes(
    sim: Simulator, make_gateway: Callable[..., Awaitable[Gateway]]
) -> None:
    """An alarm raised on the controller reaches the tracker by push; its end too."""
    gateway = await make_gateway()
    await gateway.wait_session_up()
    seen: list[tuple[str, list[int]]] = []
    gateway.alarms.add_listener(
        lambda devid, alarms: seen.append((devid, [a.code for a in alarms]))
    )
    gateway.alarms.read_interval = 0.0
    await wait_for(lambda: sim.alarm_listeners(BOILER))  # its listen emit arrived
    await sim.raise_alarm(BOILER, NO_FUEL)
    await wait_for(lambda: (BOILER, [NO_FUEL]) in seen, 2.0)
    assert gateway.alarms.counts[BOILER] == 1
    await sim.end_alarm(BOILER, NO_FUEL)
    await wait_for(lambda: seen[-1] == (BOILER, []), 2.0)
    assert gateway.alarms.counts[BOILER] in (0, None)


async def test_a_rest_count_read_finds_alarms_raised_while_nobody_listened(
    sim: Simulator, make_gateway: Callable[..., Awaitable[Gateway]]
) -> None:
    """After the prime, the gateway reads the counts over REST, then the alarms of a counted module."""
    sim.alarm_log.raise_alarm(MIXER, 7)  # no push: nobody listens yet
    gateway = await make_gateway()
    await gateway.wait_session_up()
    await wait_for(
        lambda: [a.code for a in gateway.alarms.current.get(MIXER, [])] == [7]
    )
    assert gateway.alarms.current.get(BOILER, []) == []


async def test_a_rest_count_older_than_a_push_is_ignored(
    sim: Simulator, make_gateway: Callable[..., Awaitable[Gateway]]
) -> None:
    """A count pushed while the REST count read was on its way wins over that read."""
    gateway = await make_gateway()
    await gateway.wait_session_up()
    sim.faults.latency = 0.5
    sim.faults.latency_paths.append("modules/alarms/quantity")
    await wait_for(lambda: sim.alarm_listeners(BOILER))
    reading = asyncio.create_task(gateway.alarms.prime_counts())
    await asyncio.sleep(0.1)
    await sim.raise_alarm(BOILER, NO_FUEL)  # pushed: 1
    await wait_for(lambda: gateway.alarms.counts.get(BOILER) == 1)
    sim.alarm_log.end_alarm(BOILER, NO_FUEL)  # the late REST answer will say 0
    await reading
    assert gateway.alarms.counts[BOILER] == 1


async def test_slow_alarm_counts_do_not_hold_up_the_parameters_prime(
    sim: Simulator, make_gateway: Callable[..., Awaitable[Gateway]]
) -> None:
    """The count read runs after the prime, in the background (§3.4a): the session is up first."""
    sim.faults.latency = 2.0
    sim.faults.latency_paths.extend(["modules/alarms/quantity", "modules/activity"])
    gateway = await make_gateway()
    await gateway.wait_session_up()
    assert BOILER not in gateway.alarms.counts  # still on its way
    await wait_for(lambda: BOILER in gateway.alarms.counts, 5.0)


async def test_a_change_from_the_vendor_app_is_read_and_not_taken_for_ours(
    sim: Simulator, make_gateway: Callable[..., Awaitable[Gateway]]
) -> None:
    """Another user's write is pushed as an activity count; the feed is re-read; the row is theirs."""
    gateway = await make_gateway()
    await gateway.wait_session_up()
    gateway.activity.read_interval = 0.0
    await wait_for(lambda: BOILER in gateway.activity.latest)  # the baseline read
    assert gateway.activity.latest[BOILER] == []
    await wait_for(lambda: sim.activity_listeners(BOILER))
    target = sim.get(BOILER, "P6.n0")
    await sim.write_as_other_user(BOILER, "P6.v0", target)
    await wait_for(lambda: gateway.activity.latest[BOILER], 2.0)
    (row,) = gateway.activity.latest[BOILER]
    assert (row.address, row.value, row.user_id) == ("P6.v0", target, OTHER_USER_ID)
    assert OTHER_USER_NAME not in repr(row)
    assert not gateway.writer.made_here(row)


async def test_our_own_write_is_recognised_in_the_feed_once(
    sim: Simulator, make_gateway: Callable[..., Awaitable[Gateway]]
) -> None:
    """A row matching a write we sent is ours; the same write cannot claim a second row."""
    gateway = await make_gateway()
    await gateway.wait_session_up()
    gateway.activity.read_interval = 0.0
    await wait_for(lambda: sim.activity_listeners(BOILER))
    target = sim.get(BOILER, "P6.n0")
    await gateway.write_raw(BOILER, "P6.v0", target)
    await wait_for(lambda: gateway.activity.latest.get(BOILER), 2.0)
    (row,) = gateway.activity.latest[BOILER]
    assert row.user_id == USER_ID
    assert gateway.writer.made_here(row)
    assert not gateway.writer.made_here(row)  # that write is spent


async def test_a_pushed_count_wins_over_the_list_until_it_is_read_again(
    sim: Simulator, make_gateway: Callable[..., Awaitable[Gateway]]
) -> None:
    """An alarm ends: the pushed 0 counts at once, while the old list is still held."""
    gateway = await make_gateway()
    await gateway.wait_session_up()
    gateway.alarms.read_interval = 0.0
    await wait_for(lambda: sim.alarm_listeners(BOILER))
    await sim.raise_alarm(BOILER, NO_FUEL)
    await wait_for(
        lambda: [a.code for a in gateway.alarms.current.get(BOILER, [])] == [NO_FUEL]
    )
    assert gateway.alarms.count_of(BOILER) == 1
    sim.faults.latency = 0.5
    sim.faults.latency_paths.append("modules/alarms")
    await sim.end_alarm(BOILER, NO_FUEL)
    await wait_for(lambda: gateway.alarms.counts.get(BOILER) == 0)
    await asyncio.sleep(0.1)  # the re-read has started and waits for its answer
    assert [a.code for a in gateway.alarms.current[BOILER]] == [NO_FUEL]
    assert gateway.alarms.count_of(BOILER) == 0
    await wait_for(lambda: gateway.alarms.current[BOILER] == [], 2.0)
    assert gateway.alarms.count_of(BOILER) == 0
