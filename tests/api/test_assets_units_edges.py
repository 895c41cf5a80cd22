"""The units descriptor table at its edges (PROTOCOL.md §4.7, §5.3, §5.5).

Odd option keys, option lookups by any spelling, table entries that are not
descriptors, and index objects that only resemble the table.
"""

from __future__ import annotations

import pytest

from custom_components.bragerone.api.assets import parse
from custom_components.bragerone.api.assets.units import (
    UnitDescriptor,
    UnitsTableNotFoundError,
    find_units_table,
    looks_like_units_table,
    normalize_option_key,
    unit_descriptor_from_value,
    unit_for,
    units_from_value,
)
from custom_components.bragerone.api.assets.values import JsValue


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        (True, 1),
        (False, 0),
        ("-0x1f", -31),
        ("-12", -12),
        ("0xZZ", "0xZZ"),  # not a valid hex literal: kept as written
        ("0b102", "0b102"),
        (2.5, "2.5"),
        ("  ON  ", "ON"),
        ("ON']", "ON']"),  # ends like a subscript but has none
        ("a.b.c", "a.b.c"),  # a dotted path, not an enum member
        (".x", ".x"),
    ],
)
def test_odd_option_keys(key: object, expected: object) -> None:
    assert normalize_option_key(key) == expected


def test_option_tokens_are_found_case_insensitively_by_name_only() -> None:
    unit = UnitDescriptor(
        code=9996, options=((0, "units.0"), ("ON", "diodeState.ON"), ("OFF", "x.OFF"))
    )
    assert unit.option_token("ON") == "diodeState.ON"
    assert unit.option_token("on") == "diodeState.ON"
    assert unit.option_token("kn.off") == "x.OFF"
    assert unit.option_token(key=False) == "units.0"
    assert unit.option_token("0x0") == "units.0"
    assert unit.option_token("blink") is None
    assert unit.option_token(7) is None


def test_entries_that_are_not_descriptor_objects() -> None:
    assert unit_descriptor_from_value(1, "units.1") is None
    assert unit_descriptor_from_value(1, None) is None
    bare = unit_descriptor_from_value(
        7, {"text": "", "options": {"0": 5, "1": "units.7.1"}, "colors": {"1": 3}}
    )
    assert bare == UnitDescriptor(code=7, options=((1, "units.7.1"),))
    fallback = unit_descriptor_from_value(8, {"options": "none", "colors": []})
    assert fallback == UnitDescriptor(code=8, text_token="units.8")


def test_tables_keep_only_integer_codes_with_object_values() -> None:
    table: JsValue = {
        "49": {"text": "units.31"},
        "ON": {"text": "units.on"},
        "50": "units.50",
        "0x33": {"options": {"0": "units.51.0"}},
    }
    units = units_from_value(table)
    assert sorted(units) == [49, 51]
    assert units[51].options == ((0, "units.51.0"),)
    assert units_from_value(["49"]) == {}
    assert units_from_value(None) == {}


def test_unit_for_a_known_code_returns_its_descriptor() -> None:
    units = {49: UnitDescriptor(code=49, text_token="units.31")}
    assert unit_for(units, 49) is units[49]
    assert unit_for(units, 50) == UnitDescriptor(code=50, text_token="units.50")


def looks(source: str) -> bool:
    """Return `looks_like_units_table` of the largest object literal of ``source``."""
    largest = parse(source).largest_object()
    assert largest is not None
    return looks_like_units_table(largest)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("const a={0x1:{text:'a'}};", False),  # one code is no table
        ("const a={0x1:{text:'a'},0x2:{text:'b'}};", True),
        ("const a={0x1:{text:'a'},0x2:{label:'b'},0x3:{label:'c'}};", False),
        ("const a={0x1:{text:'a'},0x2:{...b,text:'b'},0x3:{c,value:f}};", True),
        ("const a={0x1:{text:'a'},0x2:{text(){}},0x3:{text:'c'}};", True),
        # names, not codes
        ("const a={x:{text:'a'},y:{text:'b'},0x3:{text:'c'}};", False),
        ("const a={0x1:'a',0x2:'b',0x3:{text:'c'}};", False),
    ],
)
def test_tables_are_recognised_by_codes_and_descriptor_values(
    source: str, expected: bool
) -> None:
    assert looks(source) is expected


def test_a_table_that_cannot_be_evaluated_is_a_named_error() -> None:
    # The candidate looks right but its evaluation runs out of budget.
    source = (
        "const f=n=>n?f(n-1)+f(n-1):0;"
        "const u={0x1:{text:'units.1'},0x2:{text:'units.2',value:f(40)}};"
    )
    with pytest.raises(UnitsTableNotFoundError, match="no readable unit descriptors"):
        find_units_table(parse(source))


def test_a_nested_table_is_found_when_none_is_top_level() -> None:
    padding = ",".join(f"0x{code:x}:{{text:'units.{code}'}}" for code in range(1, 9))
    units = find_units_table(parse(f"export default f({{{padding}}});"))
    assert sorted(units) == list(range(1, 9))
