"""Model-based fuzzing of `ParamStore`: pushes, snapshots, meta-only entries, watchers.

A Hypothesis state machine applies random sequences of realtime pushes, prime snapshots
(each taken after a `begin_snapshot` marker, possibly an old one: primes overlap),
meta-only entries, watches and clears to a store and to a plain model, and checks after
every step:

* nothing raises;
* every register holds what the model says (value and type);
* a meta-only entry never clears a value (PROTOCOL.md §5.7);
* a snapshot never overwrites a newer push (DESIGN.md decision 4): when the stored value
  and the snapshot entry both carry ``updatedAt`` and they differ, the newer stamp wins;
  otherwise a value pushed after the snapshot's marker wins;
* per-devid isolation: a batch for one module leaves every other module's registers
  (values and metadata) untouched;
* watchers are called once per batch, only with updates of keys they watch, and only
  for updates that changed a value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hypothesis import settings, strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
)

from custom_components.bragerone.api import ParamKey, ParamStore, ParamUpdate
from tests.api.test_fuzz_frames import FUZZ

DEVIDS = ("FTTCTBSLCE", "MXHTQ7KD2A")
KEYS = tuple(
    ParamKey.parse(devid, address)
    for devid in DEVIDS
    for address in ("P4.v1", "P4.v2", "P5.s0")
)
TS = 1_700_000_000.0

values = st.one_of(
    st.integers(0, 3),
    st.sampled_from([1.0, 2.5, True, "ON", ""]),  # 1 / 1.0 / True: a type change
)
stamps = st.one_of(st.none(), st.integers(0, 6))
extra_meta = st.dictionaries(
    st.sampled_from(["storable", "createdAt", "expire"]), st.integers(0, 3), max_size=2
)


@dataclass
class Entry:
    """One planned register entry: value None is a meta-only entry."""

    key: ParamKey
    value: Any
    stamp: int | None
    meta: dict[str, Any] = field(default_factory=dict)

    def update(self) -> ParamUpdate:
        """Return the `ParamUpdate` of this entry."""
        entry_meta = dict(self.meta)
        if self.stamp is not None:
            entry_meta["updatedAt"] = self.stamp
        return ParamUpdate(
            devid=self.key.devid,
            pool=self.key.pool,
            chan=self.key.chan,
            idx=self.key.idx,
            value=self.value,
            meta=entry_meta,
            ts=TS,
        )


entries = st.builds(
    Entry, st.sampled_from(KEYS), st.none() | values, stamps, extra_meta
)
batches = st.lists(entries, max_size=6)


def differs(old: Any, new: Any) -> bool:
    """Return True when `new` is a change of `old` (value or type)."""
    return old != new or type(old) is not type(new)


@dataclass
class Slot:
    """The model of one register."""

    value: Any = None
    value_stamp: int | None = None
    """``updatedAt`` of the entry that set the current value (None: unstamped)."""
    push_seq: int = 0
    """The push counter when a pushed entry last set the value (0: never)."""


class StoreMachine(RuleBasedStateMachine):
    """Drive a `ParamStore` and a model side by side."""

    markers = Bundle("markers")

    def __init__(self) -> None:
        super().__init__()
        self.store = ParamStore()
        self.model: dict[ParamKey, Slot] = {}
        self.seq = 0
        self.watchers: list[
            tuple[frozenset[ParamKey] | None, list[list[ParamUpdate]]]
        ] = []
        self.unwatchers: list[Any] = []
        self.expected_calls: list[list[list[ParamUpdate]]] = []

    # --- helpers ------------------------------------------------------------------------

    def snapshot_of_others(self, devids: set[str]) -> dict[ParamKey, Any]:
        """Return (value, meta) of every register of modules not in `devids`."""
        result: dict[ParamKey, Any] = {}
        for key in self.store.keys(devid=None):
            if key.devid not in devids:
                state = self.store.state(key)
                assert state is not None
                result[key] = (state.value, dict(state.meta))
        return result

    def expect_notifications(self, changed: list[ParamUpdate]) -> None:
        """Record what each watcher must have been told about `changed`."""
        for index, (keys, _) in enumerate(self.watchers):
            told = [u for u in changed if keys is None or u.key in keys]
            if told:
                self.expected_calls[index].append(told)

    def apply(self, batch: list[Entry], *, marker: int | None) -> None:
        """Apply `batch` as a push (marker None) or a snapshot, to store and model."""
        devids = {entry.key.devid for entry in batch}
        others = self.snapshot_of_others(devids)
        before = {e.key: self.store.get(e.key) for e in batch}
        updates = [entry.update() for entry in batch]
        if marker is None:
            changed = self.store.apply_push(updates)
            self.seq += 1
        else:
            changed = self.store.apply_snapshot(updates, marker)

        expected: list[ParamUpdate] = []
        for entry, update in zip(batch, updates, strict=True):
            slot = self.model.setdefault(entry.key, Slot())
            if entry.value is None:
                continue  # meta-only: the value stays
            if marker is not None and self.snapshot_loses(slot, entry.stamp, marker):
                continue
            if slot.value is None or differs(slot.value, entry.value):
                expected.append(update)
            slot.value = entry.value
            slot.value_stamp = entry.stamp
            if marker is None:
                slot.push_seq = self.seq
        assert changed == expected
        self.expect_notifications(changed)

        # Meta-only entries never clear a value; a push merges its metadata.
        for entry in batch:
            if entry.value is None and before[entry.key] is not None:
                assert self.store.get(entry.key) is not None
            assert entry.key in self.store
        if marker is None:
            last = {entry.key: entry for entry in batch}
            for key, entry in last.items():
                state = self.store.state(key)
                assert state is not None
                assert state.meta.items() >= entry.update().meta.items()
        # Per-devid isolation.
        assert self.snapshot_of_others(devids) == others

    @staticmethod
    def snapshot_loses(slot: Slot, stamp: int | None, marker: int) -> bool:
        """Return True when a newer push holds the register (DESIGN.md decision 4)."""
        if slot.value is None:
            return False
        if (
            slot.value_stamp is not None
            and stamp is not None
            and slot.value_stamp != stamp
        ):
            return stamp < slot.value_stamp
        return slot.push_seq > marker

    # --- rules --------------------------------------------------------------------------

    @rule(batch=batches)
    def push(self, batch: list[Entry]) -> None:
        self.apply(batch, marker=None)

    @rule(key=st.sampled_from(KEYS), stamp=stamps, meta=extra_meta)
    def push_meta_only(
        self, key: ParamKey, stamp: int | None, meta: dict[str, Any]
    ) -> None:
        before = self.store.get(key)
        self.apply([Entry(key, None, stamp, meta | {"storable": 1})], marker=None)
        assert self.store.get(key) == before
        state = self.store.state(key)
        assert state is not None
        assert state.meta["storable"] == 1

    @rule(target=markers)
    def begin_snapshot(self) -> int:
        marker = self.store.begin_snapshot()
        assert marker == self.seq
        return marker

    @rule(marker=markers, batch=batches)
    def snapshot(self, marker: int, batch: list[Entry]) -> None:
        self.apply(batch, marker=marker)

    @rule(marker=markers, devid=st.sampled_from(DEVIDS), value=values, stamp=stamps)
    def snapshot_of_one_module(
        self, marker: int, devid: str, value: Any, stamp: int | None
    ) -> None:
        """A full prime answer of one module: every register in one form."""
        batch = [Entry(key, value, stamp) for key in KEYS if key.devid == devid]
        self.apply(batch, marker=marker)

    @rule(keys=st.none() | st.frozensets(st.sampled_from(KEYS), max_size=3))
    def watch(self, keys: frozenset[ParamKey] | None) -> None:
        calls: list[list[ParamUpdate]] = []
        self.unwatchers.append(self.store.watch(calls.append, keys))
        self.watchers.append((keys, calls))
        self.expected_calls.append([])

    @precondition(lambda self: self.unwatchers)
    @rule(data=st.data())
    def unwatch(self, data: st.DataObject) -> None:
        index = data.draw(st.integers(0, len(self.unwatchers) - 1))
        self.unwatchers.pop(index)()
        _, calls = self.watchers.pop(index)
        assert calls == self.expected_calls.pop(index)

    @rule(devid=st.sampled_from(DEVIDS))
    def clear_module(self, devid: str) -> None:
        others = self.snapshot_of_others({devid})
        self.store.clear(devid)
        assert self.store.keys(devid) == []
        assert self.snapshot_of_others({devid}) == others
        for key in [k for k in self.model if k.devid == devid]:
            del self.model[key]

    # --- invariants ---------------------------------------------------------------------

    @invariant()
    def registers_match_the_model(self) -> None:
        for key in KEYS:
            slot = self.model.get(key)
            expected = None if slot is None else slot.value
            got = self.store.get(key)
            assert got == expected
            assert type(got) is type(expected)
        flat = self.store.flatten()
        for devid in DEVIDS:
            assert flat.get(devid, {}) == self.store.module_values(devid)

    @invariant()
    def watchers_heard_exactly_the_changes(self) -> None:
        for (_, calls), expected in zip(
            self.watchers, self.expected_calls, strict=True
        ):
            assert calls == expected


TestStoreMachine = StoreMachine.TestCase
TestStoreMachine.settings = settings(FUZZ, max_examples=300, stateful_step_count=40)


# --- the cases the machine found, kept as plain regression tests ----------------------------

K = KEYS[0]


def test_a_meta_only_push_does_not_hold_back_the_snapshot_value() -> None:
    """The simulator (and the cloud, §5.7) push meta-only entries between prime and answer."""
    store = ParamStore()
    marker = store.begin_snapshot()
    store.apply_push([Entry(K, None, None, {"storable": 1}).update()])
    store.apply_snapshot([Entry(K, 5, None).update()], marker)
    assert store.get(K) == 5


def test_a_stale_stamp_does_not_let_a_snapshot_beat_a_newer_push() -> None:
    """An unstamped push after the marker wins over the snapshot (decision 4)."""
    store = ParamStore()
    store.apply_push([Entry(K, 10, 100).update()])
    marker = store.begin_snapshot()
    store.apply_push([Entry(K, 20, None).update()])
    store.apply_snapshot([Entry(K, 15, 150).update()], marker)
    assert store.get(K) == 20


def test_stamps_beyond_float_range_are_not_stamps() -> None:
    store = ParamStore()
    store.apply_push([Entry(K, 10, 10**400).update()])
    marker = store.begin_snapshot()
    store.apply_snapshot([Entry(K, 11, 10**400).update()], marker)
    assert store.get(K) == 11
