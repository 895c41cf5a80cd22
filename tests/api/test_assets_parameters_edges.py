"""Parameter maps at their edges (PROTOCOL.md §4.5, §4.6, §5.4, §5.6).

Odd register words, every comparison of §4.6 on odd inputs, every accepted spelling of a
map, rule list and selector, the JSON records, and the lookup order over chunks that
are not the happy path.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest

from custom_components.bragerone.api.assets import UNDEFINED, Regex, parse
from custom_components.bragerone.api.assets.parameters import (
    Command,
    Condition,
    Flag,
    ParameterMap,
    ParameterMapLookup,
    Rule,
    Selector,
    compose,
    evaluate_rules,
    looks_like_parameter_map,
    parameter_map_from_value,
    read_register,
    rules_from_value,
    rules_have_data,
    selector_from_value,
)
from custom_components.bragerone.api.assets.values import (
    EnumMember,
    JsValue,
    Unknown,
    UnknownCall,
)


def sel(**extra: Any) -> dict[str, Any]:
    """Return an evaluated selector object of ``P5.s20`` with extra fields."""
    return {"group": "P5", "number": 20, "use": "s", **extra}


def cond(operation: str, expected: Any, **extra: Any) -> dict[str, Any]:
    """Return an evaluated condition on ``P5.s20``."""
    return {"operation": operation, "expected": expected, "value": [sel(**extra)]}


def holds(operation: str, expected: Any, word: Any) -> bool:
    """Return whether ``operation(word, expected)`` holds for a plain ``P5.s20``."""
    return Condition(operation, expected, (Selector("P5", 20, "s"),)).holds(
        {"P5.s20": word}
    )


# --------------------------------------------------------------------------- registers


def test_registers_are_read_flat_or_from_a_pool_mapping() -> None:
    assert read_register({"P4.v59": 7}, "P4.v59") == 7
    assert read_register({"P4": {"v59": 8}}, "P4.v59") == 8
    assert read_register({"P4": {"v60": 8}}, "P4.v59") is None
    assert read_register({"P4": [1, 2]}, "P4.v59") is None
    assert read_register({}, "P4.v59") is None
    assert compose((Selector("P4", 59),), {"P4": {"v59": 40.5}}) == 40.5


@pytest.mark.parametrize(
    ("raw", "word"),
    [
        (True, 1),  # a boolean register reads as 1
        (0x85, 1),
        ("133", 1),  # 16-bit words may arrive as numeric strings
        (" 132.0 ", 0),
        (133.9, 1),
        ("warm", None),  # not numeric: unreadable, not 0
        (float("nan"), None),
        (float("inf"), None),
        ([1], None),
    ],
)
def test_bit_selectors_read_odd_register_words(raw: Any, word: int | None) -> None:
    selector = Selector("P5", 20, "s", bit=0)
    assert selector.word({"P5.s20": raw}) == word


def test_convert_mask_and_times_shape_the_word() -> None:
    assert Selector("P4", 1, convert=True).word({"P4.v1": -1}) == 0xFFFF
    assert Selector("P4", 1, mask=0x0F).word({"P4.v1": 0x1234}) == 4
    assert Selector("P4", 1, times=0.5).word({"P4.v1": 7}) == 3.5
    assert Selector("P4", 1, times=0.5).word({"P4.v1": 8}) == 4
    assert isinstance(Selector("P4", 1, times=0.5).word({"P4.v1": 8}), int)


def test_compose_of_nothing_or_of_unreadable_words_is_none() -> None:
    assert compose((), {"P4.v1": 1}) is None
    pair = (Selector("P4", 1), Selector("P4", 2, times=65536))
    assert compose(pair, {"P4.v1": "5", "P4.v2": 1}) == 65541
    assert compose(pair, {"P4.v1": "five", "P4.v2": 1}) is None
    assert compose(pair, {"P4.v1": True, "P4.v2": 0}) == 1


def test_selectors_round_trip_with_every_optional_field() -> None:
    full = Selector("P5", 3, "s", bit=2, mask=6, convert=True, times=2)
    data = json.loads(json.dumps(full.to_dict()))
    assert data == {
        "pool": "P5",
        "index": 3,
        "chan": "s",
        "bit": 2,
        "mask": 6,
        "convert": True,
        "times": 2,
    }
    assert Selector.from_dict(data) == full
    assert Selector("P4", 1).to_dict() == {"pool": "P4", "index": 1, "chan": "v"}
    assert Selector.from_dict({"pool": "P4", "index": "1", "times": "x"}) == Selector(
        "P4", 1
    )


# --------------------------------------------------------------------------- comparisons


@pytest.mark.parametrize(
    ("operation", "expected", "word", "result"),
    [
        ("equalTo", 5, "5", True),  # numeric strings compare as numbers
        ("equalTo", "5.0", 5, True),
        ("equalTo", "ON", "ON", True),
        ("notEqualTo", "ON", "OFF", True),
        ("equalTo", True, True, True),
        ("equalTo", 1, True, True),
        ("equalTo", False, 0, True),
        ("greaterThan", 4, "5", True),
        ("greaterThan", 4, True, False),
        ("lessThan", 4, "abc", False),  # no order between a word and a number
        ("lessThanOrEqualTo", "x", 1, False),
        ("greaterThan", None, 1, False),
        ("matches", 5, 5, False),  # matches needs a regex
        ("notMatches", "abc", "abc", False),
        ("bogus", 1, 1, False),
        ("equalTo", Regex("^5$"), 5, False),  # a regex only answers matches/notMatches
        ("matches", Regex("^5$"), 5, True),
        ("matches", Regex("("), "(", False),  # an invalid pattern never matches
        ("notMatches", Regex("("), "(", False),
        ("equalTo", UNDEFINED, 0, False),
        ("notEqualTo", UNDEFINED, 0, True),
    ],
)
def test_comparisons_on_odd_operands(
    operation: str, expected: Any, word: Any, result: bool
) -> None:
    assert holds(operation, expected, word) is result


def test_a_missing_register_satisfies_no_condition() -> None:
    for operation in ("equalTo", "notEqualTo", "notMatches"):
        condition = Condition(operation, 1, (Selector("P5", 20, "s"),))
        assert not condition.holds({})


def test_conditions_round_trip_through_json() -> None:
    conditions = (
        Condition("greaterThan", 0, store_getter="modulesMap.{devid}.connectedAt"),
        Condition("equalTo", "ON", (Selector("P5", 1, "s", bit=3),)),
        Condition("matches", Regex("a.b", "i"), (Selector("P11", 4),)),
        Condition("notEqualTo", UNDEFINED, (Selector("P11", 5),)),
        Condition("equalTo", {"other": 1}, (Selector("P11", 6),)),
    )
    for condition in conditions:
        data = json.loads(json.dumps(condition.to_dict()))
        assert Condition.from_dict(data) == condition
    assert conditions[0].to_dict()["store_getter"] == "modulesMap.{devid}.connectedAt"
    assert "store_getter" not in conditions[1].to_dict()
    assert conditions[1].to_dict()["expected"] == "ON"
    assert conditions[2].to_dict()["expected"] == {"$regex": "a.b", "flags": "i"}
    assert Condition.from_dict({"value": [{"pool": "P4", "index": 1}]}) == Condition(
        "equalTo", None, (Selector("P4", 1),)
    )


# --------------------------------------------------------------------------- rules


def test_no_matching_rule_gives_no_result() -> None:
    rules = rules_from_value([{"if": [cond("equalTo", 1)], "then": "ON"}])
    assert evaluate_rules(rules, {"P5.s20": 0}) == (False, None)
    assert evaluate_rules(rules, {"P5.s20": 1}) == (True, "ON")
    assert evaluate_rules((), {"P5.s20": 1}) == (False, None)
    assert not Rule("if").matches({})  # a rule without conditions never holds


def test_rules_have_data_only_when_a_read_register_is_present() -> None:
    rules = rules_from_value(
        [{"if": [cond("equalTo", 1)], "then": "ON"}, {"else": "OFF"}]
    )
    assert rules_have_data(rules, {"P5.s20": 0})
    assert rules_have_data(rules, {"P5": {"s20": 0}})
    assert not rules_have_data(rules, {"P5.s21": 0})
    assert rules_have_data((Rule("else", (), "OFF"),), {})  # nothing read: no guess


def test_a_single_if_then_else_object_is_a_rule_list() -> None:
    rules = rules_from_value({"if": [cond("equalTo", 1)], "then": "ON", "else": "OFF"})
    assert [r.kind for r in rules] == ["if", "else"]
    assert evaluate_rules(rules, {"P5.s20": 1})[1] == "ON"
    assert evaluate_rules(rules, {"P5.s20": 0})[1] == "OFF"
    only_if = rules_from_value({"if": cond("equalTo", 1), "then": "ON"})
    assert [r.kind for r in only_if] == ["if"]  # a lone condition object is accepted


def test_an_else_inside_an_if_item_follows_it() -> None:
    rules = rules_from_value([{"if": [cond("equalTo", 1)], "then": "A", "else": "B"}])
    assert [(r.kind, r.then) for r in rules] == [("if", "A"), ("else", "B")]


@pytest.mark.parametrize(
    "value", ["x", 3, None, UNDEFINED, Unknown("f()", "unsupported expression")]
)
def test_values_that_are_no_rule_list_give_no_rules(value: JsValue) -> None:
    assert rules_from_value(value) == ()


def test_unusable_rule_items_and_conditions_are_skipped() -> None:
    rules = rules_from_value(
        [
            "not a rule",
            {"then": "NO_KIND"},
            {"if": ["not a condition"], "then": "NO_CONDITION"},
            {"if": [cond("spaceship", 1)], "then": "BAD_OPERATION"},
            {"if": [{"operation": "equalTo", "expected": 1}], "then": "NO_TARGET"},
            {"if": [{"operation": "equalTo", "expected": 1, "value": []}], "then": "E"},
            {"if": [cond("equalTo", 1)], "then": "KEPT"},
        ]
    )
    assert [r.then for r in rules] == ["KEPT"]


def test_condition_spellings() -> None:
    rules = rules_from_value(
        [
            # operation missing → equalTo; an enum-symbol operation is read by name
            {"if": [{"expected": 2, "value": [sel()]}], "then": "TWO"},
            {
                "elseif": [
                    {
                        "operation": EnumMember("greaterThan", "ClauseOperation"),
                        "expected": 2,
                        "value": sel(),
                    }
                ],
                "then": "MORE",
            },
            # an operation that is not a string → equalTo; expected missing → undefined
            {"elseif": [{"operation": 7, "value": [sel()]}], "then": "NEVER"},
        ]
    )
    assert [r.conditions[0].operation for r in rules] == [
        "equalTo",
        "greaterThan",
        "equalTo",
    ]
    assert rules[2].conditions[0].expected is UNDEFINED
    assert evaluate_rules(rules, {"P5.s20": 2})[1] == "TWO"
    assert evaluate_rules(rules, {"P5.s20": 3})[1] == "MORE"
    assert evaluate_rules(rules, {"P5.s20": 1}) == (False, None)


@pytest.mark.parametrize(
    ("then", "result"),
    [
        (
            {"command": EnumMember("BOILER_ON", "Cmd"), "value": True},
            Command("BOILER_ON", value=True),
        ),
        ({"command": 5, "value": "x"}, Command("", "x")),
        ({"command": "C", "value": [1, 2]}, Command("C", None)),
        ({"command": "C", "value": UnknownCall("f", ())}, Command("C", None)),
        ({"value": {"value": EnumMember("OPENING", "V")}}, "OPENING"),
        ({"label": "x"}, None),  # an object without command or value is no tag
        (UNDEFINED, None),
        (Unknown("x", "unbound identifier"), None),
        (2.5, 2.5),
        ([1], None),
    ],
)
def test_rule_results_are_normalised(then: JsValue, result: Any) -> None:
    rules = rules_from_value([{"if": [cond("equalTo", 1)], "then": then}])
    assert rules[0].then == result
    assert type(rules[0].then) is type(result)  # enum members become plain str


def test_rules_round_trip_with_commands() -> None:
    rule = Rule(
        "if", (Condition("equalTo", 1, (Selector("P5", 0, "s"),)),), Command("X", 2)
    )
    data = json.loads(json.dumps(rule.to_dict()))
    assert data["then"] == {"command": "X", "value": 2}
    assert Rule.from_dict(data) == rule
    assert Rule.from_dict({}) == Rule("if")


# --------------------------------------------------------------------------- flags


def test_rule_flags_are_unknown_when_no_rule_gives_a_result() -> None:
    rules = rules_from_value([{"if": [cond("equalTo", 1)], "then": True}])
    flag = Flag("INVISIBLE", (), rules)
    assert flag.value({"P5.s20": 1}) is True
    assert flag.value({"P5.s20": 0}) is None  # no rule matched: unknown → visible
    assert flag.value({}) is None
    null_result = Flag("INVISIBLE", (), rules_from_value([{"else": None}]))
    assert null_result.value({}) is None
    getter = Flag(
        "DEVICE_AVAILABLE",
        (),
        (
            Rule(
                "if", (Condition("greaterThan", 0, store_getter="online"),), then=True
            ),
            Rule("else", (), then=False),
        ),
    )
    assert getter.value({"online": 1}) is True
    assert (
        getter.value({}) is False
    )  # store getters are not registers: the else applies


def test_unusable_flag_specs_are_dropped() -> None:
    pmap = parameter_map_from_value(
        "PARAM_1",
        {
            "name": "parameters.PARAM_1",
            "value": [sel()],
            "status": {
                "INVISIBLE": [
                    {"if": ["junk"], "then": True}
                ],  # rules without conditions
                "DEVICE_AVAILABLE": [{"group": None, "number": 1}],  # no selector
                EnumMember("ENABLED", "ParameterStatus"): [sel(bit=1)],
                "[ParameterStatus.LOCKED]": sel(bit=2),
            },
        },
    )
    assert pmap is not None
    assert [f.name for f in pmap.flags] == ["ENABLED", "LOCKED"]
    assert pmap.flag("ENABLED") == Flag("ENABLED", (Selector("P5", 20, "s", bit=1),))
    assert pmap.flag("INVISIBLE") is None
    assert pmap.hidden_reason({"P5.s20": 0xFF}) is None  # only the two named flags hide
    no_status = parameter_map_from_value("PARAM_2", {"value": [sel()], "status": [1]})
    assert no_status is not None
    assert no_status.flags == ()


# --------------------------------------------------------------------------- selectors and maps


@pytest.mark.parametrize(
    ("value", "selector"),
    [
        ({"pool": "p4", "index": 7, "chan": "status"}, Selector("P4", 7, "s")),
        ({"group": 6, "number": 7.0}, Selector("P6", 7)),
        ({"group": "4", "number": "0x7", "use": ""}, Selector("P4", 7)),
        (
            {"group": "P4", "number": 7, "bit": "0x3", "mask": 2.0},
            Selector("P4", 7, bit=3, mask=2),
        ),
        (
            {"group": "P4", "number": 7, "convert": True},
            Selector("P4", 7, convert=True),
        ),
        ({"group": "P4", "number": 7, "convert": 1}, Selector("P4", 7, convert=True)),
        (
            {"group": "P4", "number": 7, "convert": "_0xc"},
            Selector("P4", 7, convert=True),
        ),
        ({"group": "P4", "number": 7, "convert": {}}, Selector("P4", 7, convert=True)),
        ({"group": "P4", "number": 7, "convert": False}, Selector("P4", 7)),
        ({"group": "P4", "number": 7, "convert": 0}, Selector("P4", 7)),
        ({"group": "P4", "number": 7, "convert": ""}, Selector("P4", 7)),
        ({"group": "P4", "number": 7, "convert": UNDEFINED}, Selector("P4", 7)),
        ({"group": "P4", "number": 7, "convert": Regex("x")}, Selector("P4", 7)),
        ({"group": "P4", "number": 7, "times": True}, Selector("P4", 7)),
    ],
)
def test_selector_spellings(value: JsValue, selector: Selector) -> None:
    assert selector_from_value(value) == selector


@pytest.mark.parametrize(
    "value",
    [
        {"group": "P4"},  # no index
        {"group": "P4", "number": 7.5},
        {"group": "P4", "number": [7]},
        {"group": "P4", "number": True},
        {"group": "P4", "number": "seven"},
        {"group": None, "number": 7},  # no pool
        {"group": True, "number": 7},
        {"group": "", "number": 7},
        {"group": "Px", "number": 7},
        "P4.v7",
    ],
)
def test_values_without_pool_or_index_are_no_selectors(value: JsValue) -> None:
    assert selector_from_value(value) is None


def test_a_map_that_is_its_own_selector() -> None:
    pmap = parameter_map_from_value(
        "PARAM_P4_7", {"group": "P4", "number": 7, "use": "v", "unit": 1}
    )
    assert pmap is not None
    assert pmap.value == (Selector("P4", 7),)
    assert pmap.address() == ("P4.v7", None)


def test_map_fields_of_odd_types_are_ignored() -> None:
    pmap = parameter_map_from_value(
        "PARAM_3",
        {
            "name": EnumMember("parameters.PARAM_3", "X"),
            "unit": "0x31",
            "icon": "",
            "useComponent": 3,
            "value": [sel()],
        },
    )
    assert pmap is not None
    assert type(pmap.name) is str
    assert pmap.name == "parameters.PARAM_3"
    assert pmap.unit == 49
    assert pmap.icon is None
    assert pmap.component is None
    odd = parameter_map_from_value(
        "PARAM_4", {"name": 4, "unit": "units", "units": [1], "unit_name": 7.0}
    )
    assert odd is not None
    assert odd.name is None
    assert odd.unit == 7


@pytest.mark.parametrize(
    ("limits", "expected"),
    [
        ({"limits": [1, 9]}, (1, 9)),
        ({"range": {"minValue": 0.5}}, (0.5, None)),
        ({"minmax": {"max": 30}}, (None, 30)),
        ({"limits": {"min": True, "max": "9"}}, None),
        ({"limits": [1, 2, 3]}, None),
        ({"limits": "1-9"}, None),
    ],
)
def test_static_limits(limits: dict[str, JsValue], expected: Any) -> None:
    pmap = parameter_map_from_value("PARAM_5", {"value": [sel()], **limits})
    assert pmap is not None
    assert pmap.limits == expected


def test_rules_under_any_without_commands_are_the_status_rules() -> None:
    rule_list: list[JsValue] = [
        {"if": [cond("equalTo", 1)], "then": "ON"},
        {"else": "OFF"},
    ]
    pmap = parameter_map_from_value("STATUS_P5_20", {"name": "s", "any": rule_list})
    assert pmap is not None
    assert pmap.command_mode is None
    assert pmap.status_tag({"P5.s20": 1}) == "ON"
    assert pmap.address() == ("P5.s20", None)
    # with a value already given, the command-less rule list is not taken
    valued = parameter_map_from_value("PARAM_9", {"value": [sel()], "when": rule_list})
    assert valued is not None
    assert valued.rules == ()
    assert valued.status_tag({"P5.s20": 1}) is None


def test_a_command_register_and_a_string_command() -> None:
    pmap = parameter_map_from_value(
        "PARAM_6", {"value": [sel()], "command": {"group": "P7", "number": 1}}
    )
    assert pmap is not None
    assert pmap.command == (Selector("P7", 1),)
    named = parameter_map_from_value("PARAM_6", {"value": [sel()], "command": "X"})
    assert named is not None
    assert named.command == ()


@pytest.mark.parametrize(
    ("token", "address"),
    [
        ("PARAM_P4_12", ("P4.v12", None)),
        ("STATUS_P5_7", ("P5.s7", None)),
        ("PARAM_12", ("P6.v12", None)),
        ("PARAM_Px_12", (None, None)),
        ("PARAM_P4_x", (None, None)),
        ("STATUS_Q5_7", (None, None)),
        ("OTHER_P5_7", (None, None)),
        ("PARAM_x", (None, None)),
        ("boilerStatus", (None, None)),
    ],
)
def test_address_from_the_token_without_selectors(
    token: str, address: tuple[str | None, int | None]
) -> None:
    assert ParameterMap(token=token).address() == address


def test_address_picks_the_preferred_channel_and_keeps_a_bit_only_when_single() -> None:
    pmap = ParameterMap(
        token="PARAM_1",
        value=(Selector("P6", 1, "n"), Selector("P6", 1, "x"), Selector("P6", 1, "s")),
    )
    assert pmap.address() == ("P6.s1", None)
    masked = ParameterMap(
        token="PARAM_2", value=(Selector("P6", 2, "s", bit=1, mask=2),)
    )
    assert masked.address() == ("P6.s2", None)
    status = ParameterMap(token="STATUS_P5_3", value=(Selector("P5", 3, "v", bit=4),))
    assert status.address() == ("P5.s3", None)  # a STATUS token always reads s


def test_looks_like_parameter_map() -> None:
    assert looks_like_parameter_map({"name": "x"})
    assert not looks_like_parameter_map({"label": "x"})
    assert not looks_like_parameter_map(["name"])


# --------------------------------------------------------------------------- lookup order

INDEX = r"""
const _0xmk=(_0x1)=>({name:'parameters.PARAM_'+_0x1,value:[{group:'P6',number:_0x1,use:'v'}]});
const _0xk={K:1};
const _0xsel=(_0x1)=>({group:'P6',number:_0x1,use:'s',bit:0x2});
const _0xt1={PARAM_5:'just a label'};
const _0xt2={PARAM_5:_0xmk(5)};
const _0xb1={boilerStatus:0x1};
const _0xb2={'boilerStatus':{name:'app.one.boilerStatus.name',value:[{group:'P5',number:0,use:'s'}]}};
const _0xb3={'boiler\x53tate':{name:'escaped',value:[{group:'P5',number:1,use:'s'}]}};
export{_0xmk as m,_0xk as k,_0xsel as s};
"""


def lookup_with(**chunks: str) -> ParameterMapLookup:
    """Return a lookup over INDEX and the given chunks."""
    return ParameterMapLookup(parse(INDEX), {k: parse(v) for k, v in chunks.items()})


def test_a_token_whose_first_pair_is_no_map_takes_the_next_pair() -> None:
    pmap = lookup_with().lookup("PARAM_5")
    assert pmap is not None
    assert pmap.address() == ("P6.v5", None)


def test_a_key_whose_first_object_is_no_map_takes_the_next_object() -> None:
    pmap = lookup_with().lookup("boilerStatus")
    assert pmap is not None
    assert pmap.name == "app.one.boilerStatus.name"


def test_keys_are_compared_decoded() -> None:
    maps = lookup_with()
    found = maps.lookup("boilerState")
    assert found is not None
    assert found.name == "escaped"
    assert maps.lookup(r"boiler\x53tate") is None


def test_a_chunk_without_an_object_default_export_uses_its_largest_object() -> None:
    chunk = """
    import{m as _0x1}from'./index-A.js';
    const _0xa={name:'parameters.PARAM_66',value:[{group:'P6',number:0x42,use:'v'}],unit:0x1};
    const _0xs={x:1};
    export default 0x1;
    """
    pmap = lookup_with(PARAM_66=chunk).lookup("PARAM_66")
    assert pmap is not None
    assert pmap.unit == 1
    assert pmap.address() == ("P6.v66", None)
    assert lookup_with(PARAM_67="export default 1;").lookup("PARAM_67") is None


def test_calls_the_index_cannot_answer_leave_the_token_unresolved(
    caplog: pytest.LogCaptureFixture,
) -> None:
    chunk = """
    import{k as _0xk,m as _0xm}from'./index-A.js';
    export default {PARAM_7:_0xk(7),PARAM_8:_0xlocal(8),PARAM_9:[_0xm(9)]};
    """
    maps = lookup_with(X=chunk)
    with caplog.at_level(logging.DEBUG, "custom_components.bragerone.api.assets"):
        assert maps.lookup("PARAM_7") is None  # the import is no function
        assert maps.lookup("PARAM_8") is None  # not imported at all
    assert "no parameter map for PARAM_7" in caplog.text
    assert maps.lookup("PARAM_9") is None  # a list is no map
    assert maps.lookup_all(["PARAM_7", "PARAM_8", "PARAM_9"]) == {}
    assert maps.lookup("PARAM_7") is None  # cached


def test_builder_calls_nested_in_a_chunk_map_are_resolved() -> None:
    chunk = """
    import{s as _0xs}from'./index-A.js';
    export default {PARAM_11:{name:'eleven',value:[_0xs(11)],status:{INVISIBLE:[_0xs(12)]}}};
    """
    pmap = lookup_with(X=chunk).lookup("PARAM_11")
    assert pmap is not None
    assert pmap.value == (Selector("P6", 11, "s", bit=2),)
    assert pmap.hidden_reason({"P6.s12": 0b100}) == "invisible"
    assert pmap.hidden_reason({"P6.s12": 0b011}) is None
