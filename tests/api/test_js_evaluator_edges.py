"""Edges of the literal-subset evaluator and the JavaScript reader (PROTOCOL.md §4.9).

Every JavaScript form gives either its JavaScript value or a documented `Unknown` /
`UnknownCall`; nothing raises. Expected values were checked against node where the
evaluator claims JavaScript semantics.
"""

from __future__ import annotations

import inspect
import math
import sys

import pytest

from custom_components.bragerone.api.assets import (
    UNDEFINED,
    ArrowFunction,
    EnumMember,
    JsParseError,
    Unknown,
    UnknownCall,
    contains_unknown,
    js as js_module,
    parse,
    to_plain,
)
from custom_components.bragerone.api.assets.evaluator import (
    decode_escape,
    js_to_fixed,
    normalize_number,
    parse_number_literal,
)
from custom_components.bragerone.api.assets.values import (
    JsValue,
    Undefined,
    is_known,
    number_to_string,
)


def value_of(expression: str) -> JsValue:
    """Evaluate one expression through a default export."""
    return parse(f"export default ({expression});").default_export()


def unknown_reason(value: JsValue) -> str:
    """Return the reason of an `Unknown` (fails the test for anything else)."""
    assert isinstance(value, Unknown), value
    return value.reason


# -- known values -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        # Keyword literals and the global `undefined` as a shorthand property.
        ("true", True),
        ("false", False),
        ("undefined", UNDEFINED),
        ("{undefined}", {"undefined": UNDEFINED}),
        ("[1, /* comment */ 2]", [1, 2]),
        ("{[f()]: 1}", {"[f(…)]": 1}),
        # Property reads that are not array indices.
        ("[1, 2][0.5]", UNDEFINED),
        ("[1, 2]['²']", UNDEFINED),
        ("'ab'['¹']", UNDEFINED),
        # Number conversions of strings and non-finite numbers.
        ("~Infinity", -1),
        ("NaN | 0", 0),
        ("+'Infinity'", math.inf),
        ("+'-Infinity'", -math.inf),
        # toFixed of large, non-finite and negative-rounding-to-zero numbers.
        ("(Infinity).toFixed(2)", "Infinity"),
        ("(1e21).toFixed(2)", "1e+21"),
        ("(-0.0001).toFixed(2)", "-0.00"),
        ("(0).toFixed(2)", "0.00"),
        ("(1.5).toFixed(100)", "1.5" + "0" * 99),  # JavaScript's largest digit count
        ("(123456789.125).toFixed(40)", "123456789.125" + "0" * 37),
        ("(1.5).toString()", "1.5"),
        # Equality across types.
        ("/a/ === /a/", False),
        ("[1] == 1", True),
        ("({}) == '[object Object]'", True),
        ("'1' == 1", True),
        ("[] == ''", True),
        # Exponentiation where Python's math.pow differs from JavaScript.
        ("2 ** -1", 0.5),
        ("0 ** -1", math.inf),
        ("(-10) ** 401", -math.inf),
        ("(-2) ** 1024", math.inf),
        ("0.5 ** -2000", math.inf),
        ("Math.pow(0, -1)", math.inf),
        # Scopes: assignment reaches an outer block; assigning an undeclared name is ignored.
        ("(() => { let a = 1; { a = 2; } return a; })()", 2),
        ("(() => { b = 2; return 1; })()", 1),
        ("(() => { const s = 'ab'; return s.toUpperCase(); })()", "AB"),
        ("(() => { const h = null; return h?.(); })()", UNDEFINED),
        # A damaged declarator inside a function body is skipped, the rest still runs.
        ("(() => { const t => t; return 1; })()", 1),
        # Destructuring a string, rests bound through every pattern kind.
        ("(([a, b]) => a + b)('xy')", "xy"),
        ("(([a, ...r]) => r)([1, 2, 3])", [2, 3]),
        ("((a, ...[b, c]) => [a, b, c])(1, 2, 3)", [1, 2, 3]),
        ("(({a, ...r}) => r)({a: 1, b: 2})", {"b": 2}),
        ("(({a, ...r}) => r)(5)", {}),
        # Array methods.
        ("[1, 2].flatMap(x => x)", [1, 2]),
        ("[1, 2, 3].slice(1)", [2, 3]),
        # String methods at their limits.
        ("'abc'.charAt(NaN)", "a"),
        ("'abc'.padStart(2)", "abc"),
        ("'a'.padStart(3, '')", "a"),
        # Math and global functions on the edges.
        ("Math.round(Infinity)", math.inf),
        ("parseFloat('1e')", 1),
        ("parseInt('Zz', 36)", 1295),
    ],
)
def test_expression_values(expression: str, expected: JsValue) -> None:
    value = value_of(expression)
    assert value == expected
    assert type(value) is type(expected)


def test_bigint_beyond_the_double_range_counts_as_infinity() -> None:
    big = "1" + "0" * 400 + "n"
    value = value_of(
        f"[{big} / 1, {big} * -2, {big} | 0, {big} % 3, {big} > 1e308,"
        f" Number.isInteger({big}), ({big}).toFixed(1), Math.floor({big}), +{big}, {big}]"
    )
    assert isinstance(value, list)
    assert value[:3] == [math.inf, -math.inf, 0]
    assert isinstance(value[3], float)
    assert math.isnan(value[3])
    assert value[4:9] == [True, False, "Infinity", math.inf, math.inf]
    # The literal itself keeps its exact value.
    assert value[9] == 10**400


@pytest.mark.parametrize(
    "expression",
    [
        "+'1e'",
        "1 ** Infinity",
        "1 ** NaN",
        "(-8) ** 0.5",
        "parseFloat('abc')",
        "parseInt('1', 40)",
        "parseInt('xyz')",
        # The Kelvin sign lower-cases to "k" but is no base-36 digit.
        "parseInt('\\u212a', 36)",
    ],
)
def test_not_a_number(expression: str) -> None:
    value = value_of(expression)
    assert isinstance(value, float)
    assert math.isnan(value)


# -- unknowns -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "reason"),
    [
        ("typeof someGlobal", "unknown operand"),
        ("'' + [someGlobal]", "unknown operand"),
        ("[someGlobal] + 1", "unknown operand"),
        ("[someGlobal] - 1", "unknown operand"),
        ("someGlobal || 1", "unknown operand"),
        ("someGlobal && 1", "unknown operand"),
        ("(() => { let a = someGlobal; a += 1; return a; })()", "unknown operand"),
        ("delete ({a: 1}).a", "unsupported operator delete"),
        ("'a' in {a: 1}", "unsupported operator in"),
        ("[] instanceof {}", "unsupported operator instanceof"),
        ("(() => { let a = someGlobal; a ||= 2; return a; })()", "unknown operand"),
        ("[1].map(someGlobal)", "unknown callback"),
        ("[1].filter(x => someGlobal)", "unknown callback result"),
        ("[someGlobal].join()", "unknown operand"),
        ("[1, 2].slice(someGlobal)", "unknown operand"),
        ("(([a]) => a)(5)", "not iterable"),
        ("(({a: o.x}) => o)({a: 1})", "unsupported pattern"),
        ("1" * 4001 + "n", "malformed number"),
    ],
)
def test_unknown_forms_give_their_reason(expression: str, reason: str) -> None:
    assert unknown_reason(value_of(expression)) == reason


@pytest.mark.parametrize(
    "expression",
    [
        "'abc'.charAt(someGlobal)",
        "'abc'.at(someGlobal)",
        "'a'.padStart(someGlobal)",
        "'a'.padStart(3, someGlobal)",
        "'abc'.substring(someGlobal)",
        "'abc'.substr(someGlobal)",
        "'abc'.includes(someGlobal)",
        "'a1b'.split(/1/)",
        "'ab'.replace(/a/, 'x')",
        "'ab'.replace('a', '$&')",
        "'ab'.replace('a', x => x)",
        "(1.5).toString(2)",
        "(5).toString(someGlobal)",
    ],
)
def test_methods_that_cannot_be_computed_are_unsupported_calls(
    expression: str,
) -> None:
    value = value_of(expression)
    assert value == Unknown(expression, "unsupported call")


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("Math.random()", UnknownCall("Math.random", ())),
        ("Math.pow(2)", UnknownCall("Math.pow", (2,))),
        ("Math.max(g)", UnknownCall("Math.max", (Unknown("g", "unbound identifier"),))),
        ("isNaN(g)", UnknownCall("isNaN", (Unknown("g", "unbound identifier"),))),
        (
            "String.fromCharCode(g)",
            UnknownCall("String.fromCharCode", (Unknown("g", "unbound identifier"),)),
        ),
        (
            "String.fromCharCode(Infinity)",
            UnknownCall("String.fromCharCode", (math.inf,)),
        ),
        ("Object.assign({}, 5)", UnknownCall("Object.assign", ({}, 5))),
        ("Object.fromEntries(5)", UnknownCall("Object.fromEntries", (5,))),
        ("Object.fromEntries([1])", UnknownCall("Object.fromEntries", ([1],))),
        ("Object.create({})", UnknownCall("Object.create", ({},))),
    ],
)
def test_builtins_that_cannot_be_computed_stay_unknown_calls(
    expression: str, expected: UnknownCall
) -> None:
    assert value_of(expression) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("let a = 0; a ||= 2; return a;", 2),
        ("let a = 1; a ||= 2; return a;", 1),
        ("let a = 1; a &&= 2; return a;", 2),
        ("let a = 0; a &&= 2; return a;", 0),
        ("let a = null; a ??= 2; return a;", 2),
        ("let a = 0; return (a ??= 2);", 0),
        # The right side runs only when it is assigned.
        ("let a = 0; let b = 0; a ||= (b = 5); return [a, b];", [5, 5]),
        ("let a = 1; let b = 0; a ||= (b = 5); return [a, b];", [1, 0]),
    ],
)
def test_logical_assignment(body: str, expected: JsValue) -> None:
    assert value_of(f"(() => {{ {body} }})()") == expected


def test_unknown_spread_and_unknown_callee_stay_visible_in_the_call() -> None:
    spread = value_of("f(1, ...someGlobal)")
    assert spread == UnknownCall("f", (1, Unknown("...someGlobal", "unknown spread")))
    assert value_of("[...5]") == [Unknown("...5", "unknown spread")]
    assert value_of("x[someGlobal]()") == UnknownCall("x[someGlobal]", ())
    assert value_of("[1][0]()") == UnknownCall("[1][0]", ())


def test_rest_of_an_unknown_array_stays_unknown() -> None:
    value = value_of("(([a, ...r]) => [a, r])(someGlobal)")
    unbound = Unknown("someGlobal", "unbound identifier")
    assert value == [unbound, unbound]


def test_strings_from_methods_are_bounded() -> None:
    program = parse(
        "const s = 'x'.repeat(600000);"
        "export default [s.length, s.concat(s), [s, s].join('')];"
    )
    value = program.default_export()
    assert isinstance(value, list)
    assert value[0] == 600000
    assert unknown_reason(value[1]) == "string too long"
    assert unknown_reason(value[2]) == "string too long"


def test_deeply_nested_blocks_are_unknown() -> None:
    depth = 200
    value = value_of("(() => " + "{" * depth + "return 1;" + "}" * depth + ")()")
    assert unknown_reason(value) == "too deeply nested"


def test_exhausted_python_stack_becomes_unknown() -> None:
    program = parse("export default " + "[" * 100 + "]" * 100 + ";")
    node = program.default_export_node()
    assert node is not None
    limit = sys.getrecursionlimit()
    # Leave room for the call itself but not for 100 nested array evaluations.
    sys.setrecursionlimit(len(inspect.stack(0)) + 80)
    try:
        value = program.evaluate(node)
    finally:
        sys.setrecursionlimit(limit)
    assert unknown_reason(value) == "too deeply nested"
    again = program.evaluate(node)
    assert isinstance(again, list)
    assert not contains_unknown(again)


def test_value_nested_deeper_than_the_stack_is_unknown_not_an_error() -> None:
    # Each binding is cached, so the chain grows past any per-evaluation depth limit.
    count = 1200
    program = parse(
        "const a0 = [1];"
        + "".join(f"const a{i} = [a{i - 1}];" for i in range(1, count))
    )
    values = [program.binding(f"a{i}") for i in range(40, count, 40)]
    assert isinstance(values[0], list)
    last = values[-1]
    assert last == Unknown(f"a{count - 40}", "too deeply nested")
    node = program.binding_node(f"a{count - 1}")
    assert node is not None
    assert program.evaluate(node) == Unknown(f"[a{count - 2}]", "too deeply nested")


# -- pure helpers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("escape", "decoded"),
    [
        ("\\", ""),
        ("\\u{}", "u{}"),
        ("\\xzz", "xzz"),
        ("\\u{41}", "A"),
        ("\\\r\n", ""),
    ],
)
def test_decode_escape_edges(escape: str, decoded: str) -> None:
    assert decode_escape(escape) == decoded


@pytest.mark.parametrize("text", ["", "12abc", "0x", "1e", "1" * 4001 + "n"])
def test_malformed_number_literals_are_none(text: str) -> None:
    assert parse_number_literal(text) is None


def test_numbers_normalise_like_javascript() -> None:
    assert normalize_number(value=True) == 1
    assert type(normalize_number(value=True)) is int
    assert normalize_number(-0.0) == 0
    assert type(normalize_number(2.0**60)) is float
    assert js_to_fixed(-0.0, 1) == "0.0"
    assert js_to_fixed(-0.04, 1) == "-0.0"
    assert js_to_fixed(2.345, 2) == "2.35"


@pytest.mark.parametrize(
    ("number", "text"),
    [
        (True, "true"),
        (False, "false"),
        (math.nan, "NaN"),
        (math.inf, "Infinity"),
        (-math.inf, "-Infinity"),
        (0.0, "0"),
        (-0.0, "0"),
    ],
)
def test_number_to_string_special_values(number: float, text: str) -> None:
    assert number_to_string(number) == text


def test_value_helpers() -> None:
    assert Undefined() is UNDEFINED
    assert Undefined() is Undefined()
    assert is_known(UNDEFINED)
    assert is_known(EnumMember("ON", "kn"))
    assert not is_known(Unknown("x"))
    assert not is_known(UnknownCall("f"))
    deep: JsValue = 1
    for _ in range(250):
        deep = [deep]
    # Too deep to inspect: treated as unknown rather than trusted.
    assert contains_unknown(deep)
    # ...and cut off in plain data below depth 200.
    plain = to_plain(deep)
    for _ in range(201):
        assert isinstance(plain, list)
        plain = plain[0]
    assert plain is None


# -- the program around the evaluator -------------------------------------------------------


def test_strings_skip_templates_with_substitutions() -> None:
    program = parse("export default [`a${x}b`, `plain`, 'q'];")
    assert [s.value for s in program.strings()] == ["plain", "q"]
    assert [s.value for s in program.strings()] == ["plain", "q"]


def test_js_file_names_need_a_literal_hashed_name() -> None:
    program = parse(
        "export default [`./x-${h}.js`, './plain.js', './chunk-AbC.js', '-lead.js',"
        " 'dir/has space-1.js'];"
    )
    assert program.js_file_names() == ["./chunk-AbC.js"]


def test_keyed_expression_is_evaluated_once() -> None:
    program = parse("export default {PARAM_1: {a: [1, 2]}};")
    (pair,) = program.upper_snake_pairs()
    first = pair.value
    assert first == {"a": [1, 2]}
    assert pair.value is first


def test_object_literal_text() -> None:
    program = parse("const o = {a: 0x1};")
    (obj,) = program.top_level_objects()
    assert obj.text == "{a: 0x1}"
    assert obj.value == {"a": 1}


def test_class_and_generator_bindings_are_unknown() -> None:
    program = parse("class Boiler {} function* gen() {} export default Boiler;")
    assert program.default_export() == Unknown("class Boiler {}", "class_declaration")
    assert unknown_reason(program.binding("gen")) == "generator_function_declaration"


def test_damaged_top_level_declaration_keeps_its_good_declarators() -> None:
    program = parse("const t => t, b = 2; export default b;")
    assert program.has_errors
    assert program.default_export() == 2


def test_largest_top_level_object_with_key() -> None:
    program = parse(
        "const cfg = {translations: {a: 1}};"
        "const other = {wrap: {translations: {big: 1, bigger: 2, biggest: 3}}};"
    )
    found = program.largest_object(with_key="translations", top_level=True)
    assert found is not None
    assert found.value == {"translations": {"a": 1}}
    anywhere = program.largest_object(with_key="translations")
    assert anywhere is not None
    assert anywhere.keys() == ["translations"]
    assert anywhere.get("translations") == {"big": 1, "bigger": 2, "biggest": 3}


def test_objects_with_a_repeated_key_are_listed_once() -> None:
    program = parse("export default {translations: 1, 'translations': 2};")
    objects = program.objects_with_key("translations")
    assert len(objects) == 1
    assert objects[0].get("translations") == 2


def test_import_nested_too_deep_under_its_key_is_not_a_table_entry() -> None:
    depth = 70
    program = parse(
        "export default {'k': () => "
        + "(" * depth
        + "import('./deep-1.js')"
        + ")" * depth
        + ", 'm': () => import('./menu-2.js')};"
    )
    assert program.dynamic_imports() == ["./deep-1.js", "./menu-2.js"]
    assert program.import_table() == {"m": "./menu-2.js"}


def test_tree_sitter_failure_is_the_documented_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class FailingParser:
        """Stands in for a tree-sitter parser that gives up."""

        def parse(self, data: bytes) -> None:
            msg = f"cannot parse {len(data)} bytes"
            raise ValueError(msg)

    monkeypatch.setitem(js_module._STATE, "parser", FailingParser())
    with pytest.raises(JsParseError, match="could not parse"):
        parse("export default 1;")


def test_function_values_can_be_called_later() -> None:
    program = parse("const f = (a, ...rest) => [a, rest]; export default f;")
    fn = program.default_export()
    assert isinstance(fn, ArrowFunction)
    assert fn.params == ("a", "...rest")
    assert fn.call(1, 2, 3) == [1, [2, 3]]


def test_shared_values_stay_shared_in_the_copy() -> None:
    program = parse("const a = [1]; export default {x: a, y: a, z: [a]};")
    value = program.default_export()
    assert isinstance(value, dict)
    assert value == {"x": [1], "y": [1], "z": [[1]]}
    assert value["x"] is value["y"]
    inner = value["z"]
    assert isinstance(inner, list)
    assert inner[0] is value["x"]
    assert program.default_export() is not value
