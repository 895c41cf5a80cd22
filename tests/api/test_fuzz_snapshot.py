"""Fuzzing of prime-answer parsing (PROTOCOL.md §2.7): every entry form, and garbage.

`Snapshot.from_wire` reads the answer of ``POST /v1/modules/parameters``. Its documented
outcomes are a `Snapshot` (empty for HTTP 204 / an empty body) or `InvalidResponseError`
for an answer that is not an object; nothing else may come out, and a well-formed answer
must come through entry for entry, whichever of the three entry forms it uses (object
with ``value`` and metadata, bare scalar, meta-only object).
"""

from __future__ import annotations

from typing import Any

from hypothesis import example, given, settings, strategies as st

from custom_components.bragerone.api import (
    InvalidResponseError,
    ParamKey,
    ParamStore,
    Snapshot,
)
from tests.api.test_fuzz_frames import (
    DEVIDS,
    FUZZ,
    HUGE_DIGITS,
    as_tuple,
    check_update,
    deep,
    expected_updates,
    json_like,
    meta,
    valid_frames,
)

TS = 1_700_000_123.5

wire_scalars = st.one_of(
    st.booleans(),
    st.integers(-(2**40), 2**40),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=10),
)
"""Scalars a JSON answer can carry as a register value (null is not a value)."""

entry_forms: st.SearchStrategy[tuple[str, Any, dict[str, Any]]] = st.one_of(
    st.tuples(st.just("object"), wire_scalars, meta),
    st.tuples(st.just("scalar"), wire_scalars, st.just({})),
    st.tuples(
        st.just("meta-only"),
        st.none(),
        st.builds(lambda m, flag: {**m, "storable": flag}, meta, st.integers(0, 1)),
    ),
)
"""One entry in each §2.7 form: (form, value, metadata)."""

channel_keys = st.tuples(st.sampled_from("vsunxabcdefghi"), st.integers(0, 999))
pools = st.dictionaries(
    st.integers(0, 40),
    st.dictionaries(channel_keys, entry_forms, min_size=1, max_size=5),
    min_size=1,
    max_size=2,
)
well_formed = st.lists(st.sampled_from(DEVIDS), unique=True, max_size=2).flatmap(
    lambda devids: st.fixed_dictionaries(dict.fromkeys(devids, pools))
)
"""``{devid: {pool number: {(channel, index): (form, value, meta)}}}``."""


def to_wire(plan: dict[str, Any], *, bare_pools: bool) -> dict[str, Any]:
    """Render a `well_formed` plan as the JSON answer of §2.7."""
    answer: dict[str, Any] = {}
    for devid, pools in plan.items():
        rendered = answer[devid] = {}
        for number, entries in pools.items():
            pool = rendered[str(number) if bare_pools else f"P{number}"] = {}
            for (chan, idx), (form, value, entry_meta) in entries.items():
                if form == "scalar":
                    pool[f"{chan}{idx}"] = value
                elif form == "object":
                    pool[f"{chan}{idx}"] = {"value": value, **entry_meta}
                else:
                    pool[f"{chan}{idx}"] = dict(entry_meta)
    return answer


@settings(FUZZ, max_examples=1000)
@given(plan=well_formed, bare_pools=st.booleans())
def test_every_entry_form_comes_through(
    plan: dict[str, Any], *, bare_pools: bool
) -> None:
    snapshot = Snapshot.from_wire(to_wire(plan, bare_pools=bare_pools), TS)
    by_key = {u.key: u for u in snapshot.updates}
    count = 0
    for devid, pools in plan.items():
        for number, entries in pools.items():
            for (chan, idx), (form, value, entry_meta) in entries.items():
                count += 1
                update = by_key[ParamKey(devid, f"P{number}", chan, idx)]
                assert update.ts == TS
                assert dict(update.meta) == entry_meta
                if form == "meta-only":
                    assert update.value is None
                else:
                    assert update.value == value
                    assert type(update.value) is type(value)
    assert len(snapshot.updates) == count
    assert snapshot.devids == {d for d, pools in plan.items() if pools}

    # Applied to an empty store, the snapshot's values are exactly the module's values.
    store = ParamStore()
    store.apply_snapshot(snapshot.updates, store.begin_snapshot())
    for devid in DEVIDS:
        assert store.module_values(devid) == snapshot.values(devid)
        assert None not in snapshot.values(devid).values()


@settings(FUZZ, max_examples=1000)
@given(payload=valid_frames)
@example(payload={"FTTCTBSLCE": {"P4": {"v" + HUGE_DIGITS: {"value": 1}}}})
@example(payload={"FTTCTBSLCE": {"P4": {"v1": {"value": 1, "updatedAt": 10**400}}}})
def test_mutated_answers_give_only_their_own_registers(payload: dict[str, Any]) -> None:
    snapshot = Snapshot.from_wire(payload, TS)
    for update in snapshot.updates:
        check_update(update, payload)
    assert [as_tuple(u) for u in snapshot.updates] == expected_updates(payload)
    assert snapshot.devids <= set(payload)
    for devid in snapshot.devids:
        assert all(value is not None for value in snapshot.values(devid).values())


@settings(FUZZ, max_examples=1000)
@given(payload=json_like)
@example(payload=None)
@example(payload="")
@example(payload=0)
@example(payload=[])
@example(payload=deep(300))
@example(payload="<html><body>503 Service Temporarily Unavailable</body></html>")
def test_any_answer_gives_a_snapshot_or_the_documented_error(payload: Any) -> None:
    try:
        snapshot = Snapshot.from_wire(payload, TS)
    except InvalidResponseError:
        assert not isinstance(payload, dict)
        assert payload not in (None, "")
        return
    assert isinstance(snapshot, Snapshot)
    if not isinstance(payload, dict):
        assert snapshot.updates == ()
        return
    for update in snapshot.updates:
        check_update(update, payload)
