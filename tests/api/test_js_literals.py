"""The literal-subset evaluator: every shape of PROTOCOL.md §4.9 comes out as plain Python data."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from custom_components.bragerone.api.assets import (
    UNDEFINED,
    ArrowFunction,
    EnumMember,
    Regex,
    Unknown,
    UnknownCall,
    contains_unknown,
    parse,
    to_plain,
)
from custom_components.bragerone.api.assets.values import JsValue, number_to_string

FIXTURES = Path(__file__).parent / "js_fixtures"


def value_of(expression: str) -> JsValue:
    """Evaluate one expression through a default export."""
    return parse(f"export default ({expression});").default_export()


def test_literals_fixture_every_shape() -> None:
    program = parse((FIXTURES / "literals.js").read_text())
    assert not program.has_errors
    value = program.default_export()
    assert isinstance(value, dict)
    expected: dict[str, JsValue] = {
        "hex": 9,
        "octal": 15,
        "binary": 10,
        "separated": 1000,
        "bigint": 10,
        "fraction": 0.5,
        "exponent": 1000,
        "negative": -127,
        "plus": 42,
        "float": 65.5,
        "49": "forty-nine",
        "1.5": "one and a half",
        "3": "three",
        "escapes": "Moc palnika\u0105\U0001f600\n\t'\"\\",
        "double": "Temperatura zadana",
        "continued": "linecontinued",
        "pair": "\U0001f600",
        "template": "parameters.STATUS_P5_3",
        "tplNested": "ab2c!",
        "truthy": True,
        "falsy": False,
        "emptyArrayFalse": False,
        "emptyArrayTrue": True,
        "nothing": None,
        "holes": [1, UNDEFINED, 3],
        "onlyHole": [UNDEFINED],
        "regex": Regex("^ON|OFF$", "i"),
        "nullish": "fallback",
        "nullishKept": 0,
        "or": "or-default",
        "and": "and-value",
        "ternary": "yes",
        "comparison": True,
        "strictEq": False,
        "looseEq": True,
        "concat": "parameters.PARAM_66",
        "arithmetic": 3.5,
        "paren": 5,
        "sequence": 3,
        "bitmask": 3,
        "typeofValue": "string",
        "fixed": "5.3",
        "fixedDot": "1.00",
        "mathRound": 3,
        "padded": "07",
    }
    for key, wanted in expected.items():
        assert value[key] == wanted, key
        assert type(value[key]) is type(wanted), key
    assert value["undef"] is UNDEFINED
    assert value["undefHex"] is UNDEFINED
    # Numeric keys become decimal property names, as JavaScript does.
    assert "0x31" not in value
    assert "49" in value


def test_enum_member_access_reduced_to_member_name() -> None:
    value = parse((FIXTURES / "literals.js").read_text()).default_export()
    assert isinstance(value, dict)
    for key, name, owner in (
        ("enumBracket", "INVISIBLE", "_0x4d7e32"),
        ("enumDot", "READ", "_0x1cc358"),
        ("readable", "equalTo", "ClauseOperation"),
        ("readableDot", "STOP", "BoilerState"),
    ):
        member = value[key]
        assert isinstance(member, EnumMember), key
        assert member == name
        assert member.owner == owner
    computed = [k for k in value if isinstance(k, EnumMember)]
    assert computed == ["ENABLED"]
    assert value["ENABLED"] == "computed enum key"


def test_spreads_shorthand_and_methods() -> None:
    program = parse((FIXTURES / "literals.js").read_text())
    merged = program.binding("_0x6b")
    assert isinstance(merged, dict)
    assert merged["hex"] == "overridden"
    assert merged["extra"] == 1
    assert merged["octal"] == 15
    assert list(merged)[-1] == "extra"
    assert program.binding("_0x7c") == [1, UNDEFINED, 3, "a", "b"]
    obj = program.binding("_0x8d")
    assert isinstance(obj, dict)
    assert obj["shorthand"] == 42
    method = obj["method"]
    assert isinstance(method, ArrowFunction)
    assert method.call() == 1


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("0X1F", 31),
        ("0B11", 3),
        ("0O7", 7),
        ("017", 15),
        ("019", 19),
        ("1_000_000", 1000000),
        ("0x1_0", 16),
        ("123n", 123),
        ("0xffn", 255),
        ("5.", 5),
        ("1e-7", 1e-7),
        ("2.5e+3", 2500),
        ("-0x7f", -127),
        ("+'  0x10 '", 16),
        ("+''", 0),
        ("+[]", 0),
        ("+[5]", 5),
        ("+!0", 1),
        ("~0x0", -1),
        ("0x10000 * 0x10000", 4294967296),
        ("7 % -3", 1),
        ("-7 % 3", -1),
        ("2 ** 10", 1024),
        ("0xffff & -27473", 38063),
        ("-1 >>> 28", 15),
        ("1 << 31", -2147483648),
        ("'5' * '2'", 10),
        ("'5' - 2", 3),
        ("'5' + 2", "52"),
        ("1 + 2 + '3'", "33"),
        ("'' + [1, 2]", "1,2"),
        ("'' + {}", "[object Object]"),
        ("'' + null + void 0", "nullundefined"),
        ("`${0.1 + 0.2}`", "0.30000000000000004"),
        ("`${1e21}`", "1e+21"),
        ("`${1e-7}`", "1e-7"),
        ("`${-0.5}`", "-0.5"),
        ("`${123456789012}`", "123456789012"),
        ("`a${[1, [2, 3]]}b`", "a1,2,3b"),
        ("`line1\nline2`", "line1\nline2"),
        ("String.fromCharCode(0x41, 0x42)", "AB"),
        ("'abc'['length']", 3),
        ("'abc'[0x1]", "b"),
        ("[1, 2, 3].length", 3),
        ("[1, 2, 3][0x2]", 3),
        ("[0x1, 0x2]['map'](x => x * 0x2)", [2, 4]),
        ("[1, 2, 3].filter(x => x > 1)", [2, 3]),
        ("[1, 2, 3].find(x => x > 1)", 2),
        ("[1, 2, 3].some(x => x > 2)", True),
        ("[1, 2, 3].every(x => x > 2)", False),
        ("[1, 2].concat([3], 4)", [1, 2, 3, 4]),
        ("['a', 'b'].join('-')", "a-b"),
        ("[1, [2, 3]].flat()", [1, 2, 3]),
        ("[1, 2, 3].includes(2)", True),
        ("[1, 2, 3].indexOf(3)", 2),
        ("[1, 2, 3, 4].slice(1, -1)", [2, 3]),
        ("'abc'.toUpperCase()", "ABC"),
        ("'a,b'.split(',')", ["a", "b"]),
        ("'7'.padStart(3, '0')", "007"),
        ("'7'.padEnd(2)", "7 "),
        ("'abcdef'.slice(-2)", "ef"),
        ("'abcdef'.substring(4, 1)", "bcd"),
        ("'abcdef'.substr(1, 2)", "bc"),
        ("'ab'.repeat(3)", "ababab"),
        ("'a-b-c'.replaceAll('-', '+')", "a+b+c"),
        ("'PARAM_66'.startsWith('PARAM_')", True),
        ("(255).toString(16)", "ff"),
        ("(2.5).toFixed(0)", "3"),
        ("(-2.5).toFixed(0)", "-3"),
        ("(1.45).toFixed(1)", "1.4"),
        ("Math.max(1, 0x5, 3)", 5),
        ("Math['min'](4, 2)", 2),
        ("Math.floor(-1.5)", -2),
        ("Math.ceil(1.2)", 2),
        ("Math.round(-2.5)", -2),
        ("Math.trunc(-1.7)", -1),
        ("Math.abs(-3)", 3),
        ("Number('12.5')", 12.5),
        ("Number(null)", 0),
        ("String(0x10)", "16"),
        ("Boolean('')", False),
        ("parseInt('0x1f')", 31),
        ("parseInt('12px', 10)", 12),
        ("parseInt('ff', 16)", 255),
        ("parseFloat('3.5kg')", 3.5),
        ("Number.isInteger(5)", True),
        ("Array.isArray([])", True),
        ("Object.keys({a: 1, b: 2})", ["a", "b"]),
        ("Object.values({a: 1})", [1]),
        ("Object.entries({a: 1})", [["a", 1]]),
        ("Object.fromEntries([['a', 1]])", {"a": 1}),
        ("Object.assign({}, {a: 1}, {b: 2})", {"a": 1, "b": 2}),
        ("Object['freeze']({a: 1})", {"a": 1}),
        ("typeof void 0", "undefined"),
        ("typeof null", "object"),
        ("typeof (x => x)", "function"),
        ("null ?? void 0 ?? 'third'", "third"),
        ("0 || null || 'x'", "x"),
        ("1 && 0", 0),
        ("void 0x0 === void 0", True),
        ("null == void 0", True),
        ("null === void 0", False),
        ("'b' > 'a'", True),
        ("'10' < 9", False),
        ("!0 === !![]", True),
        ("({a: {b: 1}}).a.b", 1),
        ("({a: 1})['missing']", UNDEFINED),
        ("({a: null})?.a?.b", UNDEFINED),
        ("(() => 0x1)()", 1),
        ("(function () { return 0x2; })()", 2),
        ("(x => x + 1).call(null, 1)", 2),
        ("{'\\x41': 1}", {"A": 1}),
        ("{[`k${1}`]: 1}", {"k1": 1}),
        ("{[null]: 1, [!0]: 2, [1e21]: 3}", {"null": 1, "true": 2, "1e+21": 3}),
        (
            "{0b11: 'three', 0o10: 'eight', 1_0: 'ten', .5: 'half', 10n: 'big'}",
            {"3": "three", "8": "eight", "10": "big", "0.5": "half"},
        ),
        ("{a: 1, a: 2}", {"a": 2}),
        ("{...null, ...void 0, ...'ab', ...[7]}", {"0": 7, "1": "b"}),
        ("[...'hi']", ["h", "i"]),
        (
            "{get x() { return 1; }}",
            {"x": Unknown("get x() { return 1; }", "accessor")},
        ),
    ],
)
def test_expression_values(expression: str, expected: JsValue) -> None:
    value = value_of(expression)
    assert value == expected
    if not isinstance(expected, dict | list):
        assert type(value) is type(expected)


@pytest.mark.parametrize(
    ("expression", "check"),
    [
        ("0 / 0", math.isnan),
        ("1 / 0", lambda v: v == math.inf),
        ("-1 / 0", lambda v: v == -math.inf),
        ("Number('abc')", math.isnan),
        ("Number('nan')", math.isnan),
        ("Number('1_000')", math.isnan),
        ("+{}", math.isnan),
        ("NaN", math.isnan),
        ("Infinity", lambda v: v == math.inf),
        ("10 ** 400", lambda v: v == math.inf),
        ("0x" + "f" * 300, lambda v: v == math.inf),
        ("2 ** 53 + 2", lambda v: isinstance(v, float) and v == 2.0**53 + 2),
    ],
)
def test_special_numbers(expression: str, check: object) -> None:
    value = value_of(expression)
    assert callable(check)
    assert check(value)


def test_number_to_string_matches_javascript() -> None:
    cases = {
        0.1: "0.1",
        100.0: "100",
        1e21: "1e+21",
        1.5e300: "1.5e+300",
        123e-20: "1.23e-18",
        0.000001: "0.000001",
        0.0000001: "1e-7",
        -12.25: "-12.25",
        2**60: "1152921504606846976",
    }
    for number, text in cases.items():
        assert number_to_string(number) == text


@pytest.mark.parametrize(
    ("expression", "reason"),
    [
        ("someGlobal", "unbound identifier"),
        ("someGlobal + 1", "unknown operand"),
        ("someGlobal ? 1 : 2", "unknown condition"),
        ("someGlobal ?? 1", "unknown operand"),
        ("!someGlobal", "unknown operand"),
        ("`a${someGlobal}`", "unknown template substitution"),
        ("new Date()", "unsupported expression (new_expression)"),
        ("this", "unsupported expression (this)"),
        ("null.x", "property of null or undefined"),
        ("(async x => 1)(2)", "async or generator function"),
    ],
)
def test_unknowns_keep_text_and_reason(expression: str, reason: str) -> None:
    value = value_of(expression)
    assert isinstance(value, Unknown)
    assert value.reason == reason
    assert value.text
    assert not value


def test_unknown_calls_keep_their_evaluated_arguments() -> None:
    value = value_of("_0x3e8c51(_0x1cc358['READ'], 'PARAM_' + 'P30_2', ...[0x1, 0x2])")
    assert isinstance(value, UnknownCall)
    assert value.callee == "_0x3e8c51"
    assert value.args == ("READ", "PARAM_P30_2", 1, 2)
    assert isinstance(value.args[0], EnumMember)
    assert value.last_arg == 2
    chained = value_of("d(() => import('./x-1.js'), [])['then'](e => e.default)")
    assert isinstance(chained, UnknownCall)
    assert chained.callee.endswith("['then']")
    assert isinstance(chained.args[0], ArrowFunction)
    imported = value_of("import('./x-AbC-1.js')")
    assert imported == UnknownCall("import", ("./x-AbC-1.js",))


def test_builders_with_destructured_defaulted_parameters() -> None:
    program = parse(
        """
        const b = ({id, number, name = void 0, nested: {deep = 0x3} = {}, ...rest} = {}, [first, , third = 'T', ...others] = []) =>
          ({id, name: name ?? 'parameters.PARAM_' + number, deep, rest, first, third, others});
        const s = function (a, b = a * 2, ...tail) { if (a > 1) { let c = a + b; return [c, tail]; } else if (a === 1) return 'one'; return void 0; };
        const nested = x => (y => x + y)(0x10);
        export default {
          full: b({id: 1, number: 0x42, extra: !0, nested: {deep: 9}}, ['F', 'S', void 0, 'O1', 'O2']),
          empty: b(),
          named: b({number: 1, name: 'custom'}),
          stmt: s(2),
          stmtOne: s(1),
          stmtZero: s(0, 0, 'x'),
          closure: nested(1),
        };
        """
    )
    value = program.default_export()
    assert value == {
        "full": {
            "id": 1,
            "name": "parameters.PARAM_66",
            "deep": 9,
            "rest": {"extra": True},
            "first": "F",
            "third": "T",
            "others": ["O1", "O2"],
        },
        "empty": {
            "id": UNDEFINED,
            "name": "parameters.PARAM_undefined",
            "deep": 3,
            "rest": {},
            "first": UNDEFINED,
            "third": "T",
            "others": [],
        },
        "named": {
            "id": UNDEFINED,
            "name": "custom",
            "deep": 3,
            "rest": {},
            "first": UNDEFINED,
            "third": "T",
            "others": [],
        },
        "stmt": [6, []],
        "stmtOne": "one",
        "stmtZero": UNDEFINED,
        "closure": 17,
    }


def test_builder_with_unsupported_statement_is_unknown_not_wrong() -> None:
    value = value_of("(x => { for (;;) {} return 1; })(1)")
    assert isinstance(value, Unknown)
    assert value.reason == "unsupported statement (for_statement)"
    skipped = value_of("(x => { if (x) return 'early'; while (true) {} })(1)")
    assert skipped == "early"


def test_builder_on_unknown_argument_propagates_unknown() -> None:
    value = value_of(
        "(({number}) => ({name: 'parameters.PARAM_' + number}))(unknownThing)"
    )
    assert isinstance(value, dict)
    assert isinstance(value["name"], Unknown)
    assert contains_unknown(value)


def test_local_parameter_member_is_not_an_enum() -> None:
    # `e.ON` where e is a parameter bound to an object is a property read, not an enum.
    value = value_of("(e => e.ON)({ON: 0x1})")
    assert value == 1
    assert type(value) is int
    missing = value_of("(e => e.OFF)({ON: 0x1})")
    assert missing is UNDEFINED


def test_top_level_enum_object_reads_its_property() -> None:
    program = parse(
        "const o = {WORK: 'WORK_VALUE'}; var kn; export default [o.WORK, o['MISSING'], kn.ON];"
    )
    assert program.default_export() == ["WORK_VALUE", UNDEFINED, "ON"]
    value = program.default_export()
    assert isinstance(value, list)
    assert isinstance(value[2], EnumMember)


def test_to_plain_is_json_safe() -> None:
    value = value_of(
        "{a: void 0, b: /x/g, c: x => x, d: _0x1['E'], e: f(1, [2]), g: unknownName, n: 0/0, l: [1, ,2]}"
    )
    assert to_plain(value) == {
        "a": None,
        "b": "/x/g",
        "c": "x => x",
        "d": "E",
        "e": {"call": "f", "args": [1, [2]]},
        "g": {"unknown": "unknownName"},
        "n": None,
        "l": [1, None, 2],
    }


def test_results_are_fresh_copies() -> None:
    program = parse("const table = {a: [1, 2]}; export default table;")
    first = program.binding("table")
    assert isinstance(first, dict)
    first_list = first["a"]
    assert isinstance(first_list, list)
    first_list.append(3)
    assert program.binding("table") == {"a": [1, 2]}
    assert program.default_export() == {"a": [1, 2]}


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("'\\q\\0\\v\\b\\f\\r'", "q\0\v\b\f\r"),
        ("'\\x4'", "\\x4"),
        ("'\\u{110000}'", "u{110000}"),
        ("'\\101'", "A"),
        ("'\\uD83D'", "\ud83d"),
        ("(() => { let a = 1; a += 2; a = a * 2; return a; })()", 6),
        (
            "(() => { const o = {}; o['k' + 1] = 2; o.n ??= 3; return o; })()",
            {"k1": 2, "n": 3},
        ),
        ("(() => { function inner(x) { return x * 2; } return inner(4); })()", 8),
        ("(() => { { const a = 5; return a; } })()", 5),
        ("(() => { ; if (0) return 1; })()", UNDEFINED),
        ("(x => { if (x) { return 'a'; } else { return 'b'; } })(0)", "b"),
        ("[1, 2] == '1,2'", True),
        ("[] == []", False),
        ("({}) != null", True),
        ("'a' < 'b'", True),
        ("NaN < 1", False),
        ("2 >= 2", True),
        ("1 <= 0", False),
        ("5 ^ 1", 4),
        ("5 | 2", 7),
        ("-16 >> 2", -4),
        ("0x1 !== 0x1", False),
        ("'abc'.at(-1)", "c"),
        ("'abc'.charAt(5)", ""),
        ("'abc'.indexOf('c')", 2),
        ("'abc'.includes('d')", False),
        ("'abc'.endsWith('bc')", True),
        ("'  a '.trim()", "a"),
        ("'  a '.trimStart()", "a "),
        ("'AbC'.toLowerCase()", "abc"),
        ("'ab'.split('')", ["a", "b"]),
        ("'ab'.split()", ["ab"]),
        ("'a'.concat(1, null)", "a1null"),
        ("'abc'.toString()", "abc"),
        ("(-5).toString(2)", "-101"),
        ("(5).valueOf()", 5),
        ("(0).toString(2)", "0"),
        ("Math.sign(-3)", -1),
        ("Math.pow(2, 3)", 8),
        ("Math.sqrt(16)", 4),
        ("Math.max()", -math.inf),
        ("isNaN('x')", True),
        ("isFinite(1)", True),
        ("Number.parseFloat('1.5')", 1.5),
        ("parseFloat('-Infinity')", -math.inf),
        ("parseInt('-0x10')", -16),
        ("parseInt('z', 36)", 35),
        ("[1, 2].flatMap(x => [x, x])", [1, 1, 2, 2]),
        ("[1, 2].forEach(x => x)", UNDEFINED),
        ("[1, 2, 3].slice(NaN)", [1, 2, 3]),
        ("[1, 2, 3].slice(-Infinity, Infinity)", [1, 2, 3]),
        ("['a', null, void 0].join()", "a,,"),
        ("typeof 10n", "number"),
        ("typeof /x/", "object"),
        ("typeof {}", "object"),
        ("typeof !0", "boolean"),
        ("[...[1], ...[2]].length", 2),
        ("`${[]}|${null}|${!0}|${/a/}`", "|null|true|/a/"),
        ("`${x => 1}`", "x => 1"),
        ("'x' + (y => y)", "xy => y"),
        ("Object.assign({a: 1}, null, {b: 2})", {"a": 1, "b": 2}),
        ("Object.fromEntries([[0x1, 'one']])", {"1": "one"}),
        ("Array.isArray('x')", False),
        ("({f(x) { return x + 1; }}).f(1)", 2),
        ("({n: 1}).toString()", UnknownCall("({n: 1}).toString", ())),
        ("[1].unknownMethod(2)", UnknownCall("[…]['unknownMethod']", (2,))),
        ("(0x1).toFixed(101)", Unknown("(0x1).toFixed(101)", "unsupported call")),
    ],
)
def test_more_expression_values(expression: str, expected: JsValue) -> None:
    value = value_of(expression)
    assert value == expected


def test_value_types_behave() -> None:
    import copy  # noqa: PLC0415
    import pickle  # noqa: PLC0415

    assert repr(UNDEFINED) == "UNDEFINED"
    assert not UNDEFINED
    assert copy.deepcopy(UNDEFINED) is UNDEFINED
    assert pickle.loads(pickle.dumps(UNDEFINED)) is UNDEFINED  # noqa: S301
    member = EnumMember("ON", "kn")
    assert repr(member) == "EnumMember('ON', owner='kn')"
    again = pickle.loads(pickle.dumps(member))  # noqa: S301
    assert again == "ON"
    assert isinstance(again, EnumMember)
    assert again.owner == "kn"
    assert str(Regex("a+", "g")) == "/a+/g"
    assert not UnknownCall("f")
    assert UnknownCall("f").last_arg is UNDEFINED
    detached = ArrowFunction(params=(), source="() => 1", body=None, node=None)  # type: ignore[arg-type]
    assert isinstance(detached.call(), Unknown)
    assert contains_unknown([{"a": [Unknown("x")]}])
    assert not contains_unknown([{"a": [1, UNDEFINED]}])
