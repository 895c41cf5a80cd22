"""ParamStore: the current registers of every module, keyed by (devid, pool, chan, idx).

Design notes:

* Keys are `ParamKey` named tuples, so two modules with the same pool and index never
  collide (DESIGN.md decision 3, PROTOCOL.md §5.8). Get and set are O(1) dict operations.
* Meta-only entries (``value`` None) update the metadata and keep the value (§5.7).
* Ordering (decision 4): `begin_snapshot` returns a marker before the prime request is
  sent; `apply_snapshot` then never overwrites a register whose value a push set after
  that marker, unless the snapshot entry carries a strictly newer ``updatedAt``. When
  the stored value and the snapshot entry carry different ``updatedAt`` stamps, the
  newer one wins whatever the arrival order; equal or missing stamps (the cloud's stamps
  have one-second resolution) fall back to the marker. Only the stamp that came with the
  stored value counts (not one merged in later by a meta-only entry), and a meta-only
  push does not count as a pushed value.
* Watchers: a consumer watches a set of keys (or everything) and is called once per
  applied batch with only the updates that changed a value it watches. Calls are
  synchronous, in the caller's task (the event loop), so there is no queue to overflow.
  This is why the multicast EventBus of the original design was dropped: one in-process
  consumer per key set (Home Assistant entities, the CLI) needs no fan-out queues, and
  bounded queues would force a lossy overflow policy on a state store where losing an
  update means showing a wrong value.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from ._logging import LOGGER
from .models import ParamKey, ParamUpdate, stamp_of

type UpdateCallback = Callable[[list[ParamUpdate]], None]
"""Called with the updates (of one batch) that changed a watched value."""


@dataclass(kw_only=True, slots=True)
class ParamState:
    """The stored state of one register.

    `value` is None until a value arrived. `meta` merges every metadata key seen.
    `push_seq` is the store's push counter when a push last set the value (0 = never);
    `value_stamp` the ``updatedAt`` of the entry that set the value (None = unstamped).
    """

    value: Any = None
    meta: dict[str, Any] = field(default_factory=dict)
    push_seq: int = 0
    value_stamp: float | None = None
    ts: float = 0.0

    @property
    def updated_at(self) -> float | None:
        """Return the numeric ``updatedAt`` of the metadata, or None."""
        return stamp_of(self.meta)


@dataclass(frozen=True, slots=True)
class _Watcher:
    """A registered callback and the keys it watches (None = all keys)."""

    callback: UpdateCallback
    keys: frozenset[ParamKey] | None


class ParamStore:
    """Registers of all modules with change notification.

    Use `apply_push` for realtime deltas, `begin_snapshot` + `apply_snapshot` for REST
    primes, `get`/`state` to read, `watch` to be told about changes.
    """

    def __init__(self) -> None:
        """Create an empty store."""
        self._states: dict[ParamKey, ParamState] = {}
        self._push_seq = 0
        self._by_key: dict[ParamKey, set[_Watcher]] = {}
        self._global: set[_Watcher] = set()

    # --- reading ---------------------------------------------------------------------

    def __len__(self) -> int:
        """Return the number of registers known."""
        return len(self._states)

    def __contains__(self, key: object) -> bool:
        """Return True when the register has been seen (value or metadata)."""
        return key in self._states

    def get(self, key: ParamKey, default: Any = None) -> Any:
        """Return the value of a register, or `default` when it has none."""
        state = self._states.get(key)
        return default if state is None or state.value is None else state.value

    def state(self, key: ParamKey) -> ParamState | None:
        """Return the full state (value and metadata) of a register, or None."""
        return self._states.get(key)

    def keys(self, devid: str | None = None) -> list[ParamKey]:
        """Return the known keys, of one module when `devid` is given."""
        return [k for k in self._states if devid is None or k.devid == devid]

    def module_values(self, devid: str) -> dict[str, Any]:
        """Return ``{"P4.v1": 58.5, …}`` of one module (registers with a value only)."""
        return {
            key.address: state.value
            for key, state in self._states.items()
            if key.devid == devid and state.value is not None
        }

    def flatten(self) -> dict[str, dict[str, Any]]:
        """Return ``{devid: {"P4.v1": value, …}}`` of everything, for diagnostics."""
        result: dict[str, dict[str, Any]] = {}
        for key, state in self._states.items():
            if state.value is not None:
                result.setdefault(key.devid, {})[key.address] = state.value
        return result

    # --- watching --------------------------------------------------------------------

    def watch(
        self, callback: UpdateCallback, keys: Iterable[ParamKey] | None = None
    ) -> Callable[[], None]:
        """Call `callback` with changed updates of `keys` (all keys when None).

        Returns a function that removes the watch.
        """
        watcher = _Watcher(callback, None if keys is None else frozenset(keys))
        if watcher.keys is None:
            self._global.add(watcher)
        else:
            for key in watcher.keys:
                self._by_key.setdefault(key, set()).add(watcher)

        def unwatch() -> None:
            self._global.discard(watcher)
            for key in watcher.keys or ():
                bucket = self._by_key.get(key)
                if bucket is not None:
                    bucket.discard(watcher)
                    if not bucket:
                        del self._by_key[key]

        return unwatch

    def _notify(self, changed: list[ParamUpdate]) -> None:
        """Call each watcher once with the changed updates it watches."""
        if not changed:
            return
        batches: dict[_Watcher, list[ParamUpdate]] = dict.fromkeys(
            self._global, changed
        )
        for update in changed:
            for watcher in self._by_key.get(update.key, ()):
                batches.setdefault(watcher, []).append(update)
        for watcher, updates in batches.items():
            try:
                watcher.callback(updates)
            except Exception:  # noqa: BLE001 - one faulty consumer must not starve the others
                LOGGER.exception("A ParamStore watcher failed")

    # --- writing ---------------------------------------------------------------------

    def _set(self, update: ParamUpdate, push_seq: int | None) -> bool:
        """Apply one update; return True when the value changed (or first appeared)."""
        state = self._states.get(update.key)
        if state is None:
            state = self._states[update.key] = ParamState()
        if update.meta:
            state.meta.update(update.meta)
        if update.value is None:
            return False  # meta-only: never clears nor claims the value (§5.7)
        if push_seq is not None:
            state.push_seq = push_seq
        changed = state.value != update.value or type(state.value) is not type(
            update.value
        )
        state.value = update.value
        state.value_stamp = update.updated_at
        state.ts = update.ts
        return changed

    def apply_push(self, updates: Iterable[ParamUpdate]) -> list[ParamUpdate]:
        """Apply realtime deltas (they always win) and return those that changed a value."""
        self._push_seq += 1
        changed = [u for u in updates if self._set(u, self._push_seq)]
        self._notify(changed)
        return changed

    def begin_snapshot(self) -> int:
        """Return a marker to pass to `apply_snapshot`; take it before sending the prime."""
        return self._push_seq

    def _snapshot_loses(self, update: ParamUpdate, marker: int) -> bool:
        """Return True when a value newer than the snapshot entry already holds this register."""
        state = self._states.get(update.key)
        if state is None or state.value is None:
            return False
        held, snap = state.value_stamp, update.updated_at
        if held is not None and snap is not None and snap != held:
            return snap < held
        return state.push_seq > marker

    def apply_snapshot(
        self, updates: Iterable[ParamUpdate], marker: int
    ) -> list[ParamUpdate]:
        """Apply a prime snapshot taken after `marker`; return the updates that changed a value.

        Entries of registers pushed after the marker are skipped (a snapshot never
        overwrites a newer push), unless ``updatedAt`` shows the snapshot is newer.
        """
        changed: list[ParamUpdate] = []
        skipped = 0
        for update in updates:
            if self._snapshot_loses(update, marker):
                skipped += 1
            elif self._set(update, None):
                changed.append(update)
        if skipped:
            LOGGER.debug("Snapshot skipped %d registers pushed meanwhile", skipped)
        self._notify(changed)
        return changed

    def clear(self, devid: str | None = None) -> None:
        """Forget every register, or those of one module."""
        for key in self.keys(devid):
            del self._states[key]
