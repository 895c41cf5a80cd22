"""Fuzzing of realtime frame decoding (PROTOCOL.md §3.4): any payload, never a crash.

`decode_event` turns one Socket.IO frame into `ParamUpdate`s, `ModuleStatus`es, a devid
(event ``22``) or a task event. Whatever the payload, it must either hand the handler a
documented shape or skip the frame: never raise, never invent a register that the
payload did not carry. Hypothesis runs derandomised and without an example database, so
CI sees the same examples on every run.

The oracle below restates the flattening rule of PROTOCOL.md §3.4 on its own (channel =
one ASCII letter, index = the remaining decimal digits, pools ``P<digits>`` with the
``P`` optional, entry = object with optional ``value`` or a bare scalar) and the decoded
updates must equal it, entry for entry.
"""

from __future__ import annotations

import logging
import math
import re
import sys
from typing import Any

from hypothesis import HealthCheck, example, given, settings, strategies as st
import pytest

from custom_components.bragerone.api import ModuleStatus, ParamUpdate
from custom_components.bragerone.api._logging import reset_log_once
from custom_components.bragerone.api.const import (
    EVENT_ACTIVITY_QUANTITY,
    EVENT_ALARMS_CHANGED,
    EVENT_ALARMS_QUANTITY,
    EVENT_MODULE_MEMORY_UPDATED,
    EVENT_MODULE_STATUS,
    EVENT_PARAMETERS_CHANGE,
    EVENT_PARAMETERS_CHANGE_ALIASES,
    EVENT_TASKS,
)
from custom_components.bragerone.api.realtime import decode_event
from simulator.faults import MALFORMED_KINDS, malformed_frames

FUZZ = settings(
    max_examples=1000,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
"""Reproducible settings for every fuzz test of these files (no example database)."""

DEVIDS = ("FTTCTBSLCE", "MXHTQ7KD2A", "NOSUCHDEV1")
HUGE_DIGITS = "9" * 5000
ODD_KEYS = (
    "",
    "v",
    "vx1",
    "11",
    "z5",
    "v1",
    "s40",
    "u13",
    "n0",
    "x0",
    "a4",
    "v01",
    "V7",
    "v-1",
    "v 1",
    " v1",
    "v1.5",
    "v²",
    "v\u0661",
    "v\uff11",
    "é1",
    "ß2",
    "v" + HUGE_DIGITS,
    "P4",
    "4",
    "p5",
    "PX",
    "P",
    "P-1",
    "P²",
    "P" + HUGE_DIGITS,
    "value",
    "updatedAt",
    "storable",
    "devid",
    "connectedAt",
    "gateway",
    "__proto__",
    "NaN",
)
"""Keys that broke or could break naive parsers (PROTOCOL.md §3.4 and the simulator)."""

keys = st.one_of(st.sampled_from(ODD_KEYS), st.text(max_size=6))
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.sampled_from([10**400, -(10**400), 2**63, -(2**63) - 1]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=8),
    st.sampled_from(["NaN", "Infinity", "-Infinity", "1e309", "0x10", "", "²"]),
)
json_like = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(keys, children, max_size=4),
    ),
    max_leaves=25,
)
"""Arbitrary JSON-like values (what a broken or hostile server could send)."""
garbage = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(keys, children, max_size=3),
    ),
    max_leaves=6,
)
"""Small JSON-like values that replace one level of an otherwise valid frame."""


def deep(depth: int) -> Any:
    """Return a dict nested `depth` levels deep (deeper than any real frame)."""
    value: Any = {"value": 1}
    for level in range(depth):
        value = {f"v{level}": value}
    return value


# --- valid frames, mutated at every level -------------------------------------------------

pool_keys = st.one_of(
    st.integers(min_value=0, max_value=40).map(lambda n: f"P{n}"),
    st.integers(min_value=0, max_value=40).map(str),
    keys,
)
entry_keys = st.one_of(
    st.tuples(st.sampled_from("vsunxabcdefghi"), st.integers(0, 2000)).map(
        lambda pair: f"{pair[0]}{pair[1]}"
    ),
    keys,
)
meta = st.dictionaries(
    st.sampled_from(
        [
            "storable",
            "createdAt",
            "previousCreatedAt",
            "updatedAt",
            "updatedAtClient",
            "expire",
            "average",
            "future",
        ]
    ),
    st.one_of(st.integers(0, 2_000_000_000), st.floats(), scalars),
    max_size=4,
)
entries = st.one_of(
    scalars,  # bare scalar
    st.builds(lambda v, m: {**m, "value": v}, scalars, meta),  # object with value
    meta,  # meta-only
    garbage,
)
valid_frames = st.dictionaries(
    st.one_of(st.sampled_from(DEVIDS), keys),
    st.one_of(
        st.dictionaries(
            pool_keys,
            st.one_of(st.dictionaries(entry_keys, entries, max_size=6), garbage),
            max_size=3,
        ),
        garbage,
    ),
    max_size=3,
)
"""Frames of the §3.4 shape whose every level may be replaced by garbage."""

SIMULATOR_FRAMES = [
    (str(event), payload)
    for kind in MALFORMED_KINDS
    if kind != "oversized"
    for event, payload in malformed_frames(kind, DEVIDS[0], now=1_700_000_000)
]
"""The malformed frames the simulator can send (the oversized one is tested apart)."""


# --- the oracle ------------------------------------------------------------------------------

POOL_RE = re.compile(r"[Pp]?[0-9]+")
KEY_RE = re.compile(r"([A-Za-z])([0-9]+)")


def expected_updates(payload: dict[Any, Any]) -> list[tuple[Any, ...]]:
    """Return the updates the §3.4 flattening rule yields, as comparable tuples."""
    expected: list[tuple[Any, ...]] = []
    for devid, pools in payload.items():
        if not isinstance(devid, str) or not isinstance(pools, dict):
            continue
        for pool_name, entries_ in pools.items():
            if not isinstance(pool_name, str) or not POOL_RE.fullmatch(pool_name):
                continue
            if not isinstance(entries_, dict):
                continue
            pool = "P" + pool_name.lstrip("Pp")
            for key, entry in entries_.items():
                match = KEY_RE.fullmatch(str(key))
                if match is None or len(match[2]) > sys.get_int_max_str_digits():
                    continue
                if isinstance(entry, dict):
                    value = entry.get("value")
                    entry_meta = {k: v for k, v in entry.items() if k != "value"}
                elif entry is None or isinstance(entry, list):
                    continue
                else:
                    value, entry_meta = entry, {}
                if isinstance(value, dict | list):
                    continue
                expected.append(
                    (
                        devid,
                        pool,
                        match[1],
                        int(match[2]),
                        repr(value),
                        repr(entry_meta),
                    )
                )
    return expected


def as_tuple(update: ParamUpdate) -> tuple[Any, ...]:
    """Return an update as a tuple comparable with `expected_updates` (NaN-safe)."""
    return (
        update.devid,
        update.pool,
        update.chan,
        update.idx,
        repr(update.value),
        repr(dict(update.meta)),
    )


def check_update(update: ParamUpdate, payload: dict[Any, Any]) -> None:
    """Assert the documented shape of one decoded update."""
    assert isinstance(update, ParamUpdate)
    assert update.devid in payload
    assert re.fullmatch(r"P[0-9]+", update.pool)
    assert len(update.chan) == 1
    assert update.chan.isascii()
    assert update.chan.isalpha()
    assert type(update.idx) is int
    assert update.idx >= 0
    assert not isinstance(update.value, dict | list)
    assert update.address == f"{update.pool}.{update.chan}{update.idx}"
    assert update.key.devid == update.devid
    stamp = update.updated_at
    assert stamp is None or isinstance(stamp, float)


class Recorder:
    """A RealtimeHandler that records every call."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, Any]] = []

    def on_parameter_updates(self, updates: list[ParamUpdate]) -> None:
        self.calls.append(("updates", updates))

    def on_module_status(self, statuses: list[ModuleStatus]) -> None:
        self.calls.append(("status", statuses))

    def on_memory_updated(self, devid: str) -> None:
        self.calls.append(("memory", devid))

    def on_task_event(self, event: str, payload: Any) -> None:
        self.calls.append(("task", (event, payload)))

    def on_alarm_counts(self, counts: dict[str, int | None]) -> None:
        self.calls.append(("alarm_counts", counts))

    def on_alarms_changed(self, devid: str | None) -> None:
        self.calls.append(("alarms_changed", devid))

    def on_activity_counts(self, counts: dict[str, int | None]) -> None:
        self.calls.append(("activity_counts", counts))

    def on_disconnect(self) -> None:
        self.calls.append(("disconnect", None))


def check_frame(event: str, payload: Any) -> None:
    """Decode one frame and assert that only a documented outcome came out."""
    handler = Recorder()
    handled = decode_event(handler, event, payload)
    assert isinstance(handled, bool)
    assert len(handler.calls) == (1 if handled else 0)
    if not handled:
        return
    kind, data = handler.calls[0]
    if event in EVENT_PARAMETERS_CHANGE_ALIASES:
        assert kind == "updates"
        assert isinstance(payload, dict)
        for update in data:
            check_update(update, payload)
        assert [as_tuple(u) for u in data] == expected_updates(payload)
    elif event == EVENT_MODULE_STATUS:
        assert kind == "status"
        assert data
        for status in data:
            assert isinstance(status, ModuleStatus)
            assert status.devid in payload or status.devid == payload.get("devid")
            assert status.connected_at is None or type(status.connected_at) is int
            assert status.online in {True, False, None}
    elif event == EVENT_MODULE_MEMORY_UPDATED:
        assert kind == "memory"
        assert isinstance(data, str)
        assert data
        assert data == payload or (
            isinstance(payload, dict) and data in payload.values()
        )
    elif event in {EVENT_ALARMS_QUANTITY, EVENT_ACTIVITY_QUANTITY}:
        assert kind == (
            "alarm_counts" if event == EVENT_ALARMS_QUANTITY else "activity_counts"
        )
        assert data
        assert all(isinstance(devid, str) for devid in data)
        assert all(
            count is None or (type(count) is int and count >= 0)
            for count in data.values()
        )
    elif event in EVENT_ALARMS_CHANGED:
        assert kind == "alarms_changed"
        assert data is None or (isinstance(data, str) and data)
    else:
        assert event in EVENT_TASKS
        assert kind == "task"
        assert data[0] == event
        assert data[1] is payload


events = st.one_of(
    st.sampled_from(
        sorted(
            EVENT_PARAMETERS_CHANGE_ALIASES
            | EVENT_TASKS
            | EVENT_ALARMS_CHANGED
            | {
                EVENT_MODULE_STATUS,
                EVENT_MODULE_MEMORY_UPDATED,
                EVENT_ALARMS_QUANTITY,
                EVENT_ACTIVITY_QUANTITY,
                "99",
                "connect",
                "",
            }
        )
    ),
    st.text(max_size=12),
)


@FUZZ
@given(payload=valid_frames)
@example(payload={"FTTCTBSLCE": {"P4": {"v" + HUGE_DIGITS: 1}}})
@example(payload={"FTTCTBSLCE": {"P4": {"v²": 1, "v\uff11": 2, "é1": 3}}})
@example(payload={"FTTCTBSLCE": {"²": {"v1": 1}, "P" + HUGE_DIGITS: {"v1": 2}}})
@example(payload={"FTTCTBSLCE": {"P4": {"v1": {"value": {"value": 1}}}}})
@example(payload={"FTTCTBSLCE": {"P4": {"v1": {"storable": 1}}}})
def test_mutated_change_frames(payload: dict[Any, Any]) -> None:
    check_frame(EVENT_PARAMETERS_CHANGE, payload)


@settings(FUZZ, max_examples=1500)
@given(event=events, payload=json_like)
@example(event=EVENT_PARAMETERS_CHANGE, payload=deep(300))
@example(event=EVENT_MODULE_STATUS, payload={"DEV": {"connectedAt": "--5"}})
@example(event=EVENT_MODULE_STATUS, payload={"DEV": {"connectedAt": "²"}})
@example(event=EVENT_MODULE_STATUS, payload={"DEV": {"connectedAt": HUGE_DIGITS}})
@example(event=EVENT_MODULE_STATUS, payload={"devid": "DEV", "connectedAt": 0})
@example(event=EVENT_MODULE_STATUS, payload={"DEV": {"connectedAt": math.inf}})
@example(event=EVENT_MODULE_MEMORY_UPDATED, payload={"devid": "", "devId": "X"})
def test_any_event_with_any_payload(event: str, payload: Any) -> None:
    check_frame(event, payload)


gateways = st.one_of(
    st.fixed_dictionaries(
        {},
        optional={"address": scalars, "interface": scalars, "version": scalars},
    ),
    garbage,
)
status_frames = st.one_of(
    st.dictionaries(
        st.one_of(st.sampled_from(DEVIDS), keys),
        st.one_of(
            st.fixed_dictionaries(
                {}, optional={"connectedAt": scalars, "gateway": gateways}
            ),
            garbage,
        ),
        max_size=3,
    ),
    st.fixed_dictionaries(
        {"devid": st.one_of(st.sampled_from(DEVIDS), scalars)},
        optional={"connectedAt": scalars, "gateway": gateways},
    ),
)
"""``app:module:connection:status:changed`` payloads (§3.4), both forms, mutated."""
memory_payloads = st.one_of(
    st.sampled_from(DEVIDS),
    scalars,
    st.fixed_dictionaries(
        {}, optional={"devid": scalars, "devId": scalars, "module": scalars}
    ),
)
"""Event ``22`` payloads: ``{"devid": …}``, the variants accepted, or a bare string."""

count_frames = st.builds(
    lambda key, counts, extra: {key: counts, **extra},
    st.sampled_from(["alarmsQuantity", "activityQuantity"]),
    st.one_of(
        st.dictionaries(
            st.one_of(st.sampled_from(DEVIDS), keys),
            st.one_of(
                st.none(),
                st.integers(min_value=-3, max_value=10**20),
                st.sampled_from(["7", "07", "-1", "1e3", "", " 7", "²"]),
                st.floats(allow_nan=True, allow_infinity=True),
                garbage,
            ),
            max_size=3,
        ),
        garbage,
    ),
    st.dictionaries(keys, garbage, max_size=2),
)
"""Alarm and activity count pushes (§3.4a): null, text, huge, negative, fractional counts."""
alarm_change_payloads = st.one_of(
    st.sampled_from(DEVIDS),
    scalars,
    st.fixed_dictionaries(
        {},
        optional={
            "devid": scalars,
            "devId": scalars,
            "module": st.one_of(st.fixed_dictionaries({"devid": scalars}), garbage),
        },
    ),
    st.dictionaries(keys, garbage, max_size=2),
)
"""``app:module:alarms:change`` / ``received`` payloads: a devid anywhere it may be, or none."""


@FUZZ
@given(
    frame=st.one_of(
        st.tuples(
            st.sampled_from([EVENT_ALARMS_QUANTITY, EVENT_ACTIVITY_QUANTITY]),
            count_frames,
        ),
        st.tuples(st.sampled_from(sorted(EVENT_ALARMS_CHANGED)), alarm_change_payloads),
    )
)
def test_alarm_and_activity_pushes(frame: tuple[str, Any]) -> None:
    check_frame(*frame)


@FUZZ
@given(
    frame=st.one_of(
        st.tuples(st.just(EVENT_MODULE_STATUS), status_frames),
        st.tuples(st.just(EVENT_MODULE_MEMORY_UPDATED), memory_payloads),
        st.tuples(st.sampled_from(sorted(EVENT_TASKS)), garbage),
    )
)
def test_status_memory_and_task_events(frame: tuple[str, Any]) -> None:
    check_frame(*frame)


@settings(FUZZ, max_examples=800)
@given(
    frame=st.sampled_from(SIMULATOR_FRAMES),
    replacement=json_like,
    where=st.integers(min_value=0),
)
def test_mutated_simulator_frames(
    frame: tuple[str, Any], replacement: Any, where: int
) -> None:
    """Replace one node of each malformed frame the simulator knows by garbage."""
    event, payload = frame
    nodes: list[tuple[dict[Any, Any], Any]] = []

    def collect(node: Any) -> None:
        if isinstance(node, dict):
            for key, child in node.items():
                nodes.append((node, key))
                collect(child)

    mutated = _copy(payload)
    collect(mutated)
    if nodes:
        parent, key = nodes[where % len(nodes)]
        parent[key] = replacement
    check_frame(event, mutated)


def _copy(value: Any) -> Any:
    """Return a deep copy of a JSON-like value (dicts and lists copied)."""
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


@pytest.mark.parametrize("kind", MALFORMED_KINDS)
def test_every_simulator_malformed_kind(kind: str) -> None:
    for event, payload in malformed_frames(kind, DEVIDS[0], now=1_700_000_000):
        check_frame(str(event), payload)


def test_hostile_frames_are_logged_once_per_kind(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Thousands of distinct malformed keys and event names give a few records, not a flood.

    The log-once memory must not be keyed by what the server chose (it would log every
    variant and keep every hostile key in memory).
    """
    reset_log_once()
    caplog.set_level(logging.DEBUG, logger="custom_components.bragerone")
    many = range(2000)
    frame: dict[str, Any] = {f"DEV{i}": i for i in many}
    frame["FTTCTBSLCE"] = {f"X{i}": {"v1": 1} for i in many} | {
        "P4": {f"v{i}x": 1 for i in many}
        | {f"s{i}": [i] for i in many}
        | {f"u{i}": {"value": [i]} for i in many}
        | {"v1": 58.5},
        **{f"P{i + 100}": i for i in many},
    }
    handler = Recorder()
    assert decode_event(handler, EVENT_PARAMETERS_CHANGE, frame)
    assert [(u.address, u.value) for u in handler.calls[0][1]] == [("P4.v1", 58.5)]
    for i in many:
        assert not decode_event(handler, f"app:unknown:{i}", {})
    ours = [r for r in caplog.records if r.name.startswith("custom_components")]
    assert 1 <= len(ours) <= 10
