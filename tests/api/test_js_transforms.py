"""Unit transforms as data (PROTOCOL.md §4.7, §5.2): recognition, apply, invert, JSON round trips."""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path

from hypothesis import given, settings, strategies as st
import pytest

from custom_components.bragerone.api.assets import (
    KIND_ARITHMETIC,
    KIND_TIME_OF_DAY_10MIN,
    ArrowFunction,
    Transform,
    TransformError,
    parse,
    transform_from_function,
    transform_from_source,
    transform_from_value,
)

FIXTURES = Path(__file__).parent / "js_fixtures"


def units_table() -> dict[str, dict[str, ArrowFunction]]:
    """Return the units fixture evaluated (code → descriptor)."""
    table = parse((FIXTURES / "transforms.js").read_text()).default_export()
    assert isinstance(table, dict)
    return table  # type: ignore[return-value]


def transform_of(code: str, key: str = "value") -> Transform | None:
    """Recognise the transform of one unit of the fixture."""
    fn = units_table()[code][key]
    assert isinstance(fn, ArrowFunction)
    return transform_from_function(fn)


@pytest.mark.parametrize(
    ("code", "key", "ops", "samples"),
    [
        (
            "49",
            "value",
            (("mul", 0.1), ("fixed", 1)),
            {53: 5.3, 0: 0, 7: 0.7, 255: 25.5, -3: -0.3},
        ),
        ("49", "valuePrepare", (("mul", 10),), {5.3: 53}),
        ("10", "value", (("mul", 6),), {5: 30, 0: 0}),
        ("10", "valuePrepare", (("div", 6),), {30: 5, 7: 7 / 6}),
        (
            "11",
            "value",
            (("sub", 127), ("mul", 0.5)),
            {255: 64, 127: 0, 126: -0.5, 0: -63.5},
        ),
        ("47", "value", (("sub", 127),), {255: 128, 127: 0, 126: -1, 128: 1}),
        ("52", "value", (("div", 10),), {215: 21.5}),
        ("19", "value", (("add", 2), ("div", 2)), {4: 3, 5: 3.5}),
        ("53", "value", (("mul", 1.5), ("round", 0)), {1: 2, 3: 5, -1: -1}),
        ("54", "value", (("mul", 0.1), ("fixed", 2)), {53: 5.3, 1: 0.1}),
        ("55", "value", (("neg", 0), ("add", 100)), {30: 70, 100: 0}),
        ("56", "value", (("add", 1), ("mul", 0.5)), {3: 2, 4: 2.5}),
        ("71", "value", (), {5: 5, 6.5: 6.5}),
    ],
)
def test_arithmetic_transforms_recognised(
    code: str, key: str, ops: tuple[tuple[str, float], ...], samples: dict[float, float]
) -> None:
    transform = transform_of(code, key)
    assert transform is not None
    assert transform.kind == KIND_ARITHMETIC
    assert transform.ops == ops
    for raw, shown in samples.items():
        assert transform.apply(raw) == pytest.approx(shown), raw


def test_apply_matches_the_evaluated_javascript() -> None:
    """apply() gives what the function itself evaluates to (toFixed strings read as numbers)."""
    table = units_table()
    for code, descriptor in table.items():
        for key in ("value", "valuePrepare"):
            fn = descriptor.get(key)
            if not isinstance(fn, ArrowFunction):
                continue
            transform = transform_from_function(fn)
            if transform is None or transform.kind != KIND_ARITHMETIC:
                continue
            for raw in (-27473, -1, 0, 1, 7, 53, 126, 127, 128, 255, 1000, 65535):
                expected = fn.call(raw)
                if isinstance(expected, str):
                    expected = float(expected)
                assert isinstance(expected, int | float), (code, key, raw)
                assert transform.apply(raw) == pytest.approx(expected), (code, key, raw)


@pytest.mark.parametrize("code", ["66", "67"])
def test_time_of_day_formatter_recognised(code: str) -> None:
    transform = transform_of(code)
    assert transform is not None
    assert transform.kind == KIND_TIME_OF_DAY_10MIN
    assert transform.off_token == "units.202.0"
    assert transform.apply(0) == "units.202.0"
    assert transform.apply(1) == "00:00"
    assert transform.apply(7) == "01:00"
    assert transform.apply(144) == "23:50"
    for raw in range(145):
        shown = transform.apply(raw)
        assert transform.invert(shown) == raw
    assert transform.invert("01:00") == 7
    assert transform.invert(dt.time(23, 50)) == 144
    assert transform.invert(dt.time(0, 14)) == 2
    assert transform.invert(None) == 0
    for bad in ("25:00", "noon", 12, "12:xx"):
        with pytest.raises(TransformError):
            transform.invert(bad)
    with pytest.raises(TransformError):
        transform.apply(-1)


@pytest.mark.parametrize("code", ["68", "69", "70"])
def test_unsupported_functions_give_none(code: str) -> None:
    assert transform_of(code) is None


def test_transform_from_value_and_source() -> None:
    assert transform_from_value("not a function") is None
    assert transform_from_source("_0x201288=>_0x201288*0x6") == Transform(
        kind=KIND_ARITHMETIC, ops=(("mul", 6),)
    )
    assert transform_from_source("x => Number(x * 0.1).toFixed()") == Transform(
        kind=KIND_ARITHMETIC, ops=(("mul", 0.1), ("fixed", 0))
    )
    assert transform_from_source("x => +(x / 2)") == Transform(
        kind=KIND_ARITHMETIC, ops=(("div", 2),)
    )
    assert transform_from_source(
        "x => parseFloat((x - 1e1).toFixed(1)) * 2"
    ) == Transform(kind=KIND_ARITHMETIC, ops=(("sub", 10), ("fixed", 1), ("mul", 2)))
    assert transform_from_source("x => x.toFixed(1) + 1") is None
    assert transform_from_source("x => 10 / x") is None
    assert transform_from_source("x => 5") is None
    assert transform_from_source("x =>") is None
    assert transform_from_source("({a}) => a") is None
    assert transform_from_source("x => -x * 0x2") == Transform(
        kind=KIND_ARITHMETIC, ops=(("neg", 0), ("mul", 2))
    )
    # A constant bound at the top level of the same program is folded.
    program = parse("const K = 0x4; export default x => x * K;")
    value = program.default_export()
    assert transform_from_value(value) == Transform(
        kind=KIND_ARITHMETIC, ops=(("mul", 4),)
    )


ROUND_TRIP_CODES = ["49", "10", "11", "47", "52", "19", "55", "56", "71"]


@pytest.mark.parametrize("code", ROUND_TRIP_CODES)
def test_invert_undoes_apply_for_register_values(code: str) -> None:
    transform = transform_of(code)
    assert transform is not None
    for raw in range(-300, 700):
        assert transform.invert(transform.apply(raw)) == raw, raw


def test_invert_is_the_algebraic_inverse() -> None:
    unit_49 = transform_of("49")
    assert unit_49 is not None
    assert unit_49.invert(5.3) == 53
    assert unit_49.invert("5.3") == 53
    assert unit_49.invert("5,3") == 53
    assert unit_49.invert(5.26) == 53
    assert unit_49.invert(5.3, integral=False) == pytest.approx(53)
    unit_11 = transform_of("11")
    assert unit_11 is not None
    assert unit_11.invert(64) == 255
    assert unit_11.invert(-0.5) == 126
    assert unit_11.invert(0.25, integral=False) == 127.5
    assert unit_11.invert(0.25) == 128
    assert unit_11.invert(-0.25) == 127
    with pytest.raises(TransformError):
        unit_11.invert("warm")
    with pytest.raises(TransformError):
        unit_11.invert(display=True)
    with pytest.raises(TransformError):
        unit_11.apply("warm")
    with pytest.raises(TransformError):
        Transform(kind=KIND_ARITHMETIC, ops=(("mul", 0),)).invert(1)
    with pytest.raises(TransformError):
        unit_11.invert(math.inf)


@given(raw=st.integers(min_value=-32768, max_value=65535))
@settings(max_examples=200, deadline=None)
def test_round_trip_property(raw: int) -> None:
    for ops in (
        (("mul", 0.1), ("fixed", 1)),
        (("sub", 127), ("mul", 0.5)),
        (("div", 6),),
        (("add", 3), ("mul", 0.5)),
    ):
        transform = Transform(kind=KIND_ARITHMETIC, ops=ops)
        assert transform.invert(transform.apply(raw)) == raw


def test_json_round_trip_and_validation() -> None:
    table = units_table()
    transforms = [transform_from_value(d.get("value")) for d in table.values()]
    recognised = [t for t in transforms if t is not None]
    assert len(recognised) == 13
    for transform in recognised:
        data = json.loads(json.dumps(transform.to_dict()))
        again = Transform.from_dict(data)
        assert again == transform
        assert again.apply(7) == transform.apply(7)
        assert "=>" not in json.dumps(data)
    unit_49 = transform_of("49")
    unit_66 = transform_of("66")
    assert unit_49 is not None
    assert unit_66 is not None
    assert unit_49.to_dict() == {
        "kind": "arithmetic",
        "ops": [["mul", 0.1], ["fixed", 1]],
    }
    assert unit_66.to_dict() == {
        "kind": "time_of_day_10min",
        "off_token": "units.202.0",
    }
    bad: object
    for bad in (
        None,
        [],
        {},
        {"kind": "exec", "ops": []},
        {"kind": "arithmetic", "ops": "mul"},
        {"kind": "arithmetic", "ops": [["pow", 2]]},
        {"kind": "arithmetic", "ops": [["mul", "2"]]},
        {"kind": "arithmetic", "ops": [["mul", True]]},
        {"kind": "arithmetic", "ops": [["mul", float("nan")]]},
        {"kind": "arithmetic", "ops": [["fixed", 1.5]]},
        {"kind": "arithmetic", "ops": [["fixed", 101]]},
        {"kind": "arithmetic", "ops": [["mul"]]},
        {"kind": "time_of_day_10min", "off_token": 0},
    ):
        with pytest.raises(TransformError):
            Transform.from_dict(bad)


def test_descriptive_properties() -> None:
    unit_49 = transform_of("49")
    unit_11 = transform_of("11")
    unit_53 = transform_of("53")
    unit_66 = transform_of("66")
    assert unit_49 is not None
    assert unit_11 is not None
    assert unit_53 is not None
    assert unit_66 is not None
    assert unit_49.decimals == 1
    assert unit_11.decimals is None
    assert unit_53.decimals == 0
    assert unit_66.decimals is None
    assert unit_11.describe() == "(x - 127) * 0.5"
    assert "units.202.0" in unit_66.describe()
    assert Transform(kind=KIND_ARITHMETIC).is_identity
    assert not unit_11.is_identity


@pytest.mark.parametrize(
    ("code", "raw", "shown"),
    [
        ("$=>$*0.1", 215, 21.5),
        ("a$b=>(a$b-0x7f)*0.5", 122, -2.5),
        ("function($){return +($*0x6)['toFixed'](0x0)}", 7, 42),
        ("($_)=>$_/0xa", 300, 30),
    ],
)
def test_dollar_identifiers_are_plain_parameters(
    code: str, raw: int, shown: float
) -> None:
    """JavaScript identifiers may contain ``$`` (minifiers use it); PROTOCOL.md §4.9."""
    transform = transform_from_source(code)
    assert transform is not None, code
    assert transform.apply(raw) == shown
    assert transform.invert(shown) == raw
