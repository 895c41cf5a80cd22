"""Parameter maps (PROTOCOL.md §4.5, §4.6, §5.4, §5.6): lookup, normalisation, rules, composition."""

from __future__ import annotations

import json
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
    parameter_map_from_value,
    rules_from_value,
)

# An obfuscated index with builder factories (destructured defaults, ??, template
# strings, spreads, computed status keys), a convert helper and builder-call tables.
INDEX = r"""
const _0x9a={INVISIBLE:'INVISIBLE','DEVICE_AVAILABLE':'DEVICE_AVAILABLE'};
var _0xf9;(function(_0x1){_0x1['equalTo']='equalTo';_0x1.notEqualTo='notEqualTo';_0x1['lessThan']='lessThan';})(_0xf9||(_0xf9={}));
const _0xd1={'ON':'ON','OFF':'OFF'};
const _0xc=_0x2=>_0x2&0xffff;
const _0xb4=({id:_0x1=0x0,number:_0x2,name:_0x3,unit:_0x4,value:_0x5,status:_0x6,useComponent:_0x7=void 0x0,..._0x8})=>{const _0x9=`parameters.PARAM_P4_${_0x2}`;return{'id':_0x1,'icon':'INFO','name':_0x3??_0x9,'value':_0x5??[{'group':'P4','number':_0x2,'use':'v'}],...(_0x4===void 0x0?{}:{'unit':_0x4}),'status':_0x6??{[_0x9a['INVISIBLE']]:[{'group':'P4','number':_0x2,'use':'s','bit':0x7}]},'useComponent':_0x7,..._0x8};};
const _0xb6=({number:_0x2,useComponent:_0x7=void 0x0,status:_0x6})=>({'name':_0x2===void 0x0?void 0x0:'parameters.PARAM_'+_0x2,'value':[{'group':'P6','number':_0x2,'use':'v'}],'minValue':[{'group':'P6','number':_0x2,'use':'n'}],'maxValue':[{'group':'P6','number':_0x2,'use':'x'}],'status':_0x6??{},'useComponent':_0x7});
const _0xdd=({number:_0x2,unit:_0x4=0x270a})=>({name:`parameters.STATUS_P5_${_0x2}`,unit:_0x4,useComponent:'DIODE',value:[{if:[{operation:_0xf9.equalTo,expected:!0,value:[{group:'P5',number:_0x2,use:'s',bit:0x0}]}],then:_0xd1['ON']},{else:_0xd1.OFF}]});
const _0xt={'PARAM_P4_59':_0xb4({'id':0x1,number:0x3b,value:[{'group':'P4','number':0x3b,'use':'v','convert':_0xc},{'group':'P4','number':0x3c,'use':'v','convert':_0xc,'times':65_536}]}),PARAM_P4_0:_0xb4({number:0x0,unit:0x1}),PARAM_12:_0xb6({number:0xc,useComponent:'slider',status:{[_0x9a.DEVICE_AVAILABLE]:[{'group':'P6','number':0xc,'use':'s','bit':0x6}]}}),STATUS_P5_11:_0xdd({number:0xb}),
 URUCHOMIENIE_KOTLA:{'name':'app.one.parameters.URUCHOMIENIE_KOTLA','value':[{'group':'P5','number':0x0,'use':'s','bit':0x0}],'useComponent':'SWITCH','any':[{'if':[{'operation':'equalTo','expected':0x1,'value':[{'group':'P5','number':0x0,'use':'s','bit':0x0}]}],'then':{'command':'BOILER_ON_OFF','value':!1}},{'else':{'command':'BOILER_ON_OFF','value':!0}}]},
 COMPOSITE_X:{'name':'parameters.X','value':[{'group':'P4','number':0x1,'use':'v'}],'value2':[{'group':'P4','number':0x2,'use':'v'}]}};
const _0xe={'boilerStatus':{'name':'app.one.boilerStatus.name','unit':0x270e,'value':[{'if':[{'operation':'equalTo','expected':0x0,'value':[{'group':'P5','number':0x0,'use':'s','bit':0x0}]}],'then':'STOP'},{'else':'WORK'}]}};
export{_0xdd as y,_0xb4 as b};
"""

# A dedicated chunk exporting `{x as default}` and one keyed by tokens that calls a
# builder imported from the index.
CHUNK_66 = r"""
import{A as _0x9a}from'./index-I-d31RWq.js';
const _0x0b={name:'parameters.PARAM_66',status:{[_0x9a['INVISIBLE']]:[{'if':[{'operation':'equalTo','expected':0x0,'value':[{group:'P4','number':0x8,use:'s','bit':0x3}]}],then:!1},{else:!0}]},componentType:'button','all':[{'if':[{'operation':'lessThan','expected':0x64,'value':[{'group':'P4','number':0x8,'use':'v'}]}],'then':{'command':'BOILER_FUEL_RESET_HT',value:0x1}},{else:{'command':'BOILER_FUEL_RESET_HT','value':0x1}}]};
export{_0x0b as default};
"""
CHUNK_10 = r"""
import{y as _0x16}from'./index-I-d31RWq.js';
export default {'STATUS_P5_10':_0x16({'number':0xa,'unit':0x270c}),STATUS_P5_16:_0x16({'number':0x10})};
"""


def lookup() -> ParameterMapLookup:
    return ParameterMapLookup(
        parse(INDEX), {"PARAM_66": parse(CHUNK_66), "STATUS_P5_10": parse(CHUNK_10)}
    )


def test_two_register_counter_composes_as_the_web_ui_shows() -> None:
    pmap = lookup().lookup("PARAM_P4_59")
    assert pmap is not None
    assert [s.key for s in pmap.value] == ["P4.v59", "P4.v60"]
    assert all(s.convert for s in pmap.value)
    assert pmap.value[1].times == 65536
    assert compose(pmap.value, {"P4.v59": -27473, "P4.v60": 0}) == 38063
    assert compose(pmap.value, {"P4.v59": 5, "P4.v60": 2}) == 5 + 2 * 65536
    assert compose(pmap.value, {"P4.v59": 5}) is None
    assert pmap.address() == ("P4.v59", None)


def test_single_plain_selector_keeps_half_degree_floats_and_strings() -> None:
    pmap = lookup().lookup("PARAM_P4_0")
    assert pmap is not None
    assert pmap.unit == 1
    assert pmap.name == "parameters.PARAM_P4_0"
    assert compose(pmap.value, {"P4.v0": 40.5}) == 40.5
    assert compose(pmap.value, {"P4.v0": "HT Connect V2.08"}) == "HT Connect V2.08"


def test_classic_builder_defaults_the_name_and_pool() -> None:
    pmap = lookup().lookup("PARAM_12")
    assert pmap is not None
    assert pmap.name == "parameters.PARAM_12"
    assert pmap.address() == ("P6.v12", None)
    assert [s.key for s in pmap.min_value + pmap.max_value] == ["P6.n12", "P6.x12"]
    assert pmap.component == "slider"
    assert pmap.hidden_reason({"P6.s12": 64}) is None
    assert pmap.hidden_reason({"P6.s12": 0}) == "device_unavailable"
    assert pmap.hidden_reason({}) is None


def test_status_bit_flags_follow_the_word() -> None:
    pmap = lookup().lookup("PARAM_P4_0")
    assert pmap is not None
    assert pmap.hidden_reason({"P4.s0": 0x80}) == "invisible"
    assert pmap.hidden_reason({"P4.s0": 0x7F}) is None
    flag = Flag("INVISIBLE", (Selector("P6", 13, "s", bit=0),))
    assert flag.value({"P6.s13": 3}) is True
    assert flag.value({"P6.s13": 64}) is False
    assert flag.value({}) is None


def test_composite_widgets_are_hidden() -> None:
    pmap = lookup().lookup("COMPOSITE_X")
    assert pmap is not None
    assert pmap.composite
    assert pmap.hidden_reason({}) == "composite"


def test_dedicated_chunk_with_rule_flag_and_command_rules() -> None:
    pmap = lookup().lookup("PARAM_66")
    assert pmap is not None
    assert pmap.component == "button"
    assert pmap.command_mode == "all"
    assert [r.then for r in pmap.command_rules] == [
        Command("BOILER_FUEL_RESET_HT", 1)
    ] * 2
    assert pmap.hidden_reason({"P4.s8": 0}) is None
    assert pmap.hidden_reason({"P4.s8": 8}) == "invisible"
    assert pmap.hidden_reason({}) is None


def test_chunk_table_calls_the_builder_imported_from_the_index() -> None:
    found = lookup()
    for token, code in (
        ("STATUS_P5_10", 9996),
        ("STATUS_P5_16", 9994),
        ("STATUS_P5_11", 9994),
    ):
        pmap = found.lookup(token)
        assert pmap is not None, token
        assert pmap.unit == code
        assert pmap.component == "DIODE"
        number = int(token.rsplit("_", 1)[1])
        assert pmap.address() == (f"P5.s{number}", 0)
        assert pmap.status_tag({f"P5.s{number}": 1}) == "ON"
        assert pmap.status_tag({f"P5.s{number}": 2}) == "OFF"


def test_command_rules_switch() -> None:
    pmap = lookup().lookup("URUCHOMIENIE_KOTLA")
    assert pmap is not None
    assert pmap.command_mode == "any"
    assert pmap.address() == ("P5.s0", 0)
    assert evaluate_rules(pmap.command_rules, {"P5.s0": 1}) == (
        True,
        Command("BOILER_ON_OFF", value=False),
    )
    assert evaluate_rules(pmap.command_rules, {"P5.s0": 0}) == (
        True,
        Command("BOILER_ON_OFF", value=True),
    )


def test_non_standard_tokens_are_found_by_their_key() -> None:
    pmap = lookup().lookup("boilerStatus")
    assert pmap is not None
    assert pmap.unit == 9998
    assert pmap.address() == ("P5.s0", 0)
    assert pmap.status_tag({"P5.s0": 0}) == "STOP"


def test_unknown_tokens_are_omitted() -> None:
    found = lookup()
    assert found.lookup("PARAM_999") is None
    assert set(found.lookup_all(["PARAM_12", "PARAM_999"])) == {"PARAM_12"}


def rule_list(source: str) -> tuple[Rule, ...]:
    value = parse(
        "const ThreeWayValveState={STOPPED:'STOPPED',OPENING:'OPENING',CLOSING:'CLOSING'};export default "
        + source
    ).default_export()
    return rules_from_value(value)


def status(value: Any, word: int | str | None, mask: str = "") -> Any:
    sel = "{group:'P5',number:20,use:'s'" + mask + "}"
    rules = rule_list(
        f"[{{if:[{{operation:ClauseOperation['{value[0]}'],expected:{value[1]},value:[{sel}]}}],then:'YES'}},{{else:{{value:'NO'}}}}]"
    )
    registers = {} if word is None else {"P5.s20": word}
    return evaluate_rules(rules, registers)[1]


@pytest.mark.parametrize(
    ("operation", "expected", "word", "result"),
    [
        (("equalTo", "0x1"), None, 1, "YES"),
        (("equalTo", "!0"), None, 1, "YES"),
        (("equalTo", "![]"), None, 1, "NO"),
        (("notEqualTo", "0x0"), None, 0, "NO"),
        (("notEqualTo", "void 0x0"), None, 0, "YES"),
        (("equalTo", "void 0"), None, 0, "NO"),
        (("greaterThan", "5"), None, 6, "YES"),
        (("greaterThan", "5"), None, 5, "NO"),
        (("greaterThanOrEqualTo", "5"), None, 5, "YES"),
        (("lessThan", "5"), None, 5, "NO"),
        (("lessThanOrEqualTo", "5"), None, 5, "YES"),
        (("matches", "/daspell/i"), None, "HT DasPell GL", "YES"),
        (("notMatches", "/lambda/i"), None, "HT DasPell GL", "YES"),
        (("notMatches", "/lambda/i"), None, "Lambda v2", "NO"),
        (("equalTo", "1"), None, None, "NO"),
    ],
)
def test_every_status_operation(
    operation: tuple[str, str], expected: None, word: Any, result: str
) -> None:
    assert status(operation, word) == result


def test_masks_bits_and_first_rule_wins() -> None:
    rules = rule_list(
        "[{if:[{operation:'equalTo',expected:0x1,value:[{group:'P5',number:1,use:'s',mask:0x3}]}],then:{value:ThreeWayValveState['OPENING']}},"
        "{elseif:[{operation:'greaterThanOrEqualTo',expected:0x1,value:[{group:'P5',number:1,use:'s',mask:0x3}]},"
        "{operation:'lessThan',expected:0x3,value:[{group:'P5',number:1,use:'s',mask:0x3}]}],then:ThreeWayValveState.CLOSING},"
        "{elseif:[{operation:'equalTo',expected:1,value:[{group:'P5',number:2,use:'s',bit:4},{group:'P5',number:3,use:'s',bit:4}]}],then:'EITHER'},"
        "{else:ThreeWayValveState['STOPPED']}]"
    )
    assert (
        evaluate_rules(rules, {"P5.s1": 0b101})[1] == "OPENING"
    )  # 5 & 3 == 1: the first rule wins
    assert (
        evaluate_rules(rules, {"P5.s1": 0b110})[1] == "CLOSING"
    )  # 6 & 3 == 2: both conditions of rule 2
    assert (
        evaluate_rules(rules, {"P5.s1": 0, "P5.s3": 16})[1] == "EITHER"
    )  # any selector may satisfy
    assert evaluate_rules(rules, {"P5.s1": 3})[1] == "STOPPED"


def test_store_getter_conditions_read_module_state() -> None:
    rules = rule_list(
        "[{if:[{operation:'greaterThan',expected:0,value:{storeGetter:'modulesMap.{devid}.connectedAt'}}],then:'CONNECTED'},{else:'OFFLINE'}]"
    )
    assert (
        evaluate_rules(rules, {"modulesMap.AB.connectedAt": 1_700_000_000}, "AB")[1]
        == "CONNECTED"
    )
    assert evaluate_rules(rules, {}, "AB")[1] == "OFFLINE"


def test_rules_and_flags_survive_json() -> None:
    rules = (
        Rule(
            "if",
            (Condition("matches", Regex("daspell", "i"), (Selector("P11", 4),)),),
            then=True,
        ),
        Rule(
            "elseif",
            (Condition("notEqualTo", UNDEFINED, (Selector("P11", 5),)),),
            Command("X", 1),
        ),
        Rule("else", (), then=False),
    )
    flag = Flag("DEVICE_AVAILABLE", (), rules)
    again = Flag.from_dict(json.loads(json.dumps(flag.to_dict())))
    assert again == flag
    assert again.rules[1].conditions[0].expected is UNDEFINED


def test_map_spellings_are_normalised() -> None:
    pmap = parameter_map_from_value(
        "X",
        {
            "name": "n",
            "units": 49,
            "componentType": "select",
            "value": [{"group": 6, "number": "7", "use": "v", "times": 1}],
            "min": [{"group": "P6", "number": 7, "use": "n"}],
            "limits": {"min": 1, "max": 9},
        },
    )
    assert pmap == ParameterMap(
        token="X",
        name="n",
        value=(Selector("P6", 7),),
        unit=49,
        component="select",
        min_value=(Selector("P6", 7, "n"),),
        limits=(1, 9),
    )
    assert parameter_map_from_value("X", {"unrelated": 1}) is None
    assert parameter_map_from_value("X", "text") is None


def test_readable_enum_leftovers_as_computed_status_keys() -> None:
    """``{[ParameterStatus['INVISIBLE']]: …}`` with the enum imported (unresolved) or dotted (PROTOCOL.md §4.9)."""
    chunk = r"""
import{P as ParameterStatus,C as ClauseOperation}from'./index-I-d31RWq.js';
export default {
 PARAM_13:{name:'parameters.PARAM_13',value:[{group:'P6',number:0xd,use:'v'}],
  status:{[ParameterStatus['INVISIBLE']]:[{group:'P6',number:0xd,use:'s',bit:0x0}]}},
 STATUS_P5_19:{name:'parameters.STATUS_P5_19',unit:0x270a,
  value:[{if:[{operation:ClauseOperation['equalTo'],expected:!0,value:[{group:'P5',number:0x13,use:'s',bit:0x1}]}],then:'ON'},{else:'OFF'}],
  status:{[ParameterStatus.DEVICE_AVAILABLE]:[{if:[{operation:ClauseOperation['equalTo'],expected:!0,value:[{group:'P5',number:0x13,use:'s',bit:0x2}]}],then:!0},{else:!1}]}}};
"""
    maps = ParameterMapLookup(parse(INDEX), {"X": parse(chunk)})
    param_13 = maps.lookup("PARAM_13")
    assert param_13 is not None
    assert param_13.hidden_reason({"P6.s13": 1}) == "invisible"
    assert param_13.hidden_reason({"P6.s13": 64}) is None  # bit 0 clear
    status_19 = maps.lookup("STATUS_P5_19")
    assert status_19 is not None
    assert status_19.hidden_reason({"P5.s19": 0b100}) is None
    assert status_19.hidden_reason({"P5.s19": 0b010}) == "device_unavailable"
    assert status_19.hidden_reason({}) is None  # unknown → visible
    assert evaluate_rules(status_19.rules, {"P5.s19": 0b110}) == (True, "ON")
