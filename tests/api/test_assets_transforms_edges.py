"""Unit transforms at their edges (PROTOCOL.md §4.7, §5.2).

JavaScript double semantics of every operation (division by zero, rounding of
infinities), odd raw inputs, readable formulas, and the function shapes that are not
recognised (they must give None, never a wrong transform).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
import math

import pytest

from custom_components.bragerone.api.assets import (
    KIND_ARITHMETIC,
    KIND_TIME_OF_DAY_10MIN,
    Transform,
    TransformError,
    parse,
    transform_from_source,
    transform_from_value,
)


def arithmetic(*ops: tuple[str, float]) -> Transform:
    """Return an arithmetic transform of ``ops``."""
    return Transform(kind=KIND_ARITHMETIC, ops=ops)


# --------------------------------------------------------------------------- apply


@pytest.mark.parametrize(
    ("name", "raw", "shown"),
    [
        ("round", 2.5, 3),
        ("round", -2.5, -2),  # Math.round rounds half towards +infinity
        ("floor", -2.5, -3),
        ("ceil", -2.5, -2),
        ("ceil", 2.1, 3),
        ("trunc", -2.7, -2),
        ("trunc", 2.7, 2),
    ],
)
def test_rounding_operations_follow_javascript(
    name: str, raw: float, shown: int
) -> None:
    result = arithmetic((name, 0)).apply(raw)
    assert result == shown
    assert isinstance(result, int)


@pytest.mark.parametrize(
    ("raw", "check"),
    [
        (5, lambda v: v == math.inf),
        (-5, lambda v: v == -math.inf),
        (0, math.isnan),
    ],
)
def test_division_by_zero_gives_infinities_and_nan_as_javascript(
    raw: int, check: Callable[[float], bool]
) -> None:
    for name in ("round", "floor", "ceil", "trunc"):
        shown = arithmetic(("div", 0), (name, 0)).apply(raw)
        assert isinstance(shown, float)
        assert check(shown), (name, raw, shown)


def test_nan_divided_by_zero_stays_nan() -> None:
    shown = arithmetic(("div", 0)).apply(math.nan)
    assert isinstance(shown, float)
    assert math.isnan(shown)


def test_raw_values_of_other_number_types() -> None:
    unit = arithmetic(("mul", 0.5))
    assert unit.apply(Decimal(7)) == 3.5
    assert unit.apply(" 7 ") == 3.5
    for bad in (None, [7], {"v": 7}, b"7"):
        with pytest.raises(TransformError, match="not a number"):
            unit.apply(bad)


def test_integers_beyond_the_double_range_are_refused_not_crashing() -> None:
    """JSON integers have no size limit; one beyond a double is the documented error."""
    unit = arithmetic(("mul", 0.5))
    for huge in (10**400, -(10**400)):
        with pytest.raises(TransformError, match="out of range"):
            unit.apply(huge)
        with pytest.raises(TransformError, match="out of range"):
            unit.invert(huge)


# --------------------------------------------------------------------------- describe and decimals


@pytest.mark.parametrize(
    ("ops", "text"),
    [
        ((), "x"),
        ((("mul", 0.1), ("fixed", 1)), "toFixed(x * 0.1, 1)"),
        ((("neg", 0), ("add", 100)), "-(x) + 100"),
        ((("add", 1), ("mul", 0.5), ("round", 0)), "round((x + 1) * 0.5)"),
        ((("div", 10), ("floor", 0)), "floor(x / 10)"),
        ((("trunc", 0), ("ceil", 0)), "ceil(trunc(x))"),
    ],
)
def test_formulas_read_like_the_arithmetic(
    ops: tuple[tuple[str, float], ...], text: str
) -> None:
    assert arithmetic(*ops).describe() == text


@pytest.mark.parametrize(
    ("ops", "decimals"),
    [
        ((("mul", 0.1), ("fixed", 2), ("neg", 0)), 2),  # a final negation keeps them
        ((("floor", 0), ("neg", 0)), 0),
        ((("mul", 2), ("neg", 0)), None),
        ((("neg", 0),), None),
        ((), None),
    ],
)
def test_decimals_look_through_negations(
    ops: tuple[tuple[str, float], ...], decimals: int | None
) -> None:
    assert arithmetic(*ops).decimals == decimals


# --------------------------------------------------------------------------- recognition


@pytest.mark.parametrize(
    "source",
    [
        "x => !x",  # only - and + are arithmetic unary operators
        "x => ~x",
        "x => -(x * x)",  # the inner expression is not supported
        "x => x % 2",
        "x => x ** 2",
        "x => x * '2'",  # constants must be finite numbers
        "x => x * Infinity",
        "x => x * NaN",
        "x => x * y",  # an unbound name is no constant
        "x => String.raw`${x}`",  # a tagged template is no plain call
        "x => (0, Number)(x)",
        "x => foo(x)",
        "x => Number(x, 2)",
        "x => Math[k](x)",  # the method name must be a literal
        "x => Math[0](x)",
        "x => Math.abs(x)",
        "x => Math.round(x, 1)",
        "x => x.valueOf()",
        "x => x.toFixed(x)",  # digits must be a constant integer 0..100
        "x => x.toFixed(1.5)",
        "x => x.toFixed(101)",
        "x => x.toFixed(1, 2)",
        "x => x.y.toFixed(1)",
        "x => (x, 2)",
        "x => '' + x",
        "x => 'a' + x.toFixed(1)",  # a string concatenation, not an addition
        "x => { const y = x; return y; }",
        "x => { return; }",
        "x => 2 / x",
    ],
)
def test_unsupported_shapes_are_not_recognised(source: str) -> None:
    assert transform_from_source(source) is None


@pytest.mark.parametrize(
    ("source", "ops"),
    [
        ("x => x['toFixed'](1)", (("fixed", 1),)),
        ("x => { /* c */ return /* d */ x * 2 }", (("mul", 2),)),
        ("x => +x", ()),
        ("x => 2 - x", (("neg", 0), ("add", 2))),
        ("x => Math.trunc(x / 0xa)", (("div", 10), ("trunc", 0))),
        ("x => Math['ceil'](x) * 2", (("ceil", 0), ("mul", 2))),
    ],
)
def test_supported_shapes(source: str, ops: tuple[tuple[str, float], ...]) -> None:
    assert transform_from_source(source) == arithmetic(*ops)


def test_unparseable_source_gives_none() -> None:
    assert transform_from_source("x => x * 2 \ud800") is None  # not encodable as UTF-8
    assert transform_from_source("x => x * (2") is None


# A unit-66 formatter whose "off" label comes from a translation helper call, and two
# look-alikes: one without an off branch (0 formats as a time), one with a number.
TIME_FORMATTERS = r"""
const fmt = t => `${('0' + Math.floor((t - 1) * 10 / 60)).slice(-2)}:${('0' + (t - 1) * 10 % 60).slice(-2)}`;
export default {
  helper: t => t ? fmt(t) : $t('units.202.0'),
  helperNumber: t => t ? fmt(t) : $t(0),
  noOff: t => fmt(t),
  numberOff: t => t ? fmt(t) : 0,
  wrong: t => t ? fmt(t + 1) : 'off',
};
"""


def test_time_formatters_with_an_off_label_from_a_helper_call() -> None:
    table = parse(TIME_FORMATTERS).default_export()
    assert isinstance(table, dict)
    helper = transform_from_value(table["helper"])
    assert helper == Transform(kind=KIND_TIME_OF_DAY_10MIN, off_token="units.202.0")
    assert helper.apply(0) == "units.202.0"
    assert helper.apply(144) == "23:50"
    for name in ("helperNumber", "noOff", "numberOff", "wrong"):
        assert transform_from_value(table[name]) is None, name
