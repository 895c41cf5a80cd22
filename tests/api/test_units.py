"""Units descriptor table (PROTOCOL.md §4.7, §5.3, §5.5) and the Home Assistant unit table."""

from __future__ import annotations

from functools import cache
from typing import Any

import pytest

from custom_components.bragerone.api.assets import parse
from custom_components.bragerone.api.assets.transforms import KIND_TIME_OF_DAY_10MIN
from custom_components.bragerone.api.assets.units import (
    UnitDescriptor,
    UnitsTableNotFoundError,
    find_units_table,
    normalize_option_key,
    unit_for,
)
from custom_components.bragerone.api.descriptor import ha_unit_for_text
from simulator.webapp import generate_bundle

# Live-shaped spellings: hex/octal/binary codes, quoted keys, computed enum keys, enum
# symbols spelled as strings, transforms with toFixed and offsets; decoys around it.
INDEX = r"""
const kn={ON:'ON',OFF:'OFF'};
const codes={0x1:'a',0x2:'b',0x3:'c',0x4:'d'};
const big={'translations':[{'id':'PL','flag':'pl'},{'id':'EN','flag':'en'}],'defaultTranslation':'pl','padding':'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'};
const _0x897f={
  0x1:{'text':'units.1'},
  0o10:{'options':{0x0:'units.8.0',0x1:'units.8.1',0x2:'units.8.2',0xa:'units.8.10',0b1011:'units.8.11',0x14:'units.8.20'}},
  0xb:{'text':'units.1',value:_0x60=>(_0x60-0x7f)*0.5,valuePrepare:_0x60=>_0x60/0.5+0x7f},
  0x2f:{'text':'units.5','value':_0xac=>_0xac-0x7f},
  0x31:{text:'units.31','value':_0x4f=>Number(_0x4f*0.1)['toFixed'](0x1),'valuePrepare':_0x4f=>_0x4f*0xa},
  0xa:{'text':'units.2',value:_0x6d=>_0x6d*0x6,'valuePrepare':_0x6d=>_0x6d/0x6},
  0x42:{options:{0x0:'units.202.0'},value:function(_0x1){if(_0x1===0x0)return 'units.202.0';const _0x2=(_0x1-0x1)*0xa;return String(Math['floor'](_0x2/0x3c))['padStart'](0x2,'0')+':'+String(_0x2%0x3c)['padStart'](0x2,'0');}},
  0x270c:{options:{[kn.ON]:'diodeState.ON',[kn['OFF']]:'diodeState.OFF'},colors:{ON:'#3cb371',OFF:'#9e9e9e'}},
  0x270e:{options:{"BoilerState['STOP']":'app.one.burnerState.0','[o.WORK]':'app.one.burnerState.1'}}
};
export{_0x897f as u};
"""


@cache
def table() -> dict[int, UnitDescriptor]:
    return find_units_table(parse(INDEX))


def test_table_is_found_structurally_with_decimal_codes() -> None:
    units = table()
    assert sorted(units) == [1, 8, 10, 11, 47, 49, 66, 9996, 9998]
    assert units[1].text_token == "units.1"
    assert units[1].transform is None


def test_non_contiguous_enum_keys_keep_their_order() -> None:
    unit = table()[8]
    assert [key for key, _ in unit.options] == [0, 1, 2, 10, 11, 20]
    assert unit.is_enum
    assert unit.text_token is None
    assert unit.option_token(11) == "units.8.11"
    assert unit.option_token("0xb") == "units.8.11"
    assert unit.option_token(3) is None


def test_enum_symbol_keys_are_normalised() -> None:
    assert [k for k, _ in table()[9996].options] == ["ON", "OFF"]
    assert dict(table()[9996].colors) == {"ON": "#3cb371", "OFF": "#9e9e9e"}
    assert [k for k, _ in table()[9998].options] == ["STOP", "WORK"]
    assert table()[9998].option_token("e.WORK") == "app.one.burnerState.1"


@pytest.mark.parametrize(
    ("code", "raw", "shown", "back"),
    [
        (49, 53, 5.3, 53),
        (11, 117, -5, 117),
        (11, 128, 0.5, 128),
        (47, 255, 128, 255),
        (10, 20, 120, 20),
    ],
)
def test_transforms_and_inverses(code: int, raw: int, shown: float, back: int) -> None:
    unit = table()[code]
    assert unit.transform is not None
    assert unit.transform.apply(raw) == shown
    assert unit.transform.invert(shown) == back
    if unit.inverse is not None:
        raw_again = unit.inverse.apply(shown)
        assert isinstance(raw_again, int | float)
        assert round(raw_again) == back


def test_time_of_day_unit() -> None:
    unit = table()[66]
    assert unit.transform is not None
    assert unit.transform.kind == KIND_TIME_OF_DAY_10MIN
    assert unit.transform.apply(7) == "01:00"
    assert unit.transform.apply(0) == "units.202.0"
    assert not unit.is_enum


def test_unknown_code_defaults_to_its_units_token() -> None:
    unknown = unit_for(table(), 77)
    assert unknown is not None
    assert unknown.text_token == "units.77"
    assert unit_for(table(), None) is None


def test_missing_table_is_a_named_error() -> None:
    with pytest.raises(UnitsTableNotFoundError, match="units table"):
        find_units_table(parse("const a={x:1,y:2};const b={0x1:'a',0x2:'b'};"))


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("0x31", 49),
        ("12", 12),
        (7, 7),
        (3.0, 3),
        ("ON", "ON"),
        ("BoilerState['STOP']", "STOP"),
        ('[kn["ON"]]', "ON"),
        ("[kn.ON]", "ON"),
        ("e.ON", "ON"),
        ("Stop. Now", "Stop. Now"),
    ],
)
def test_option_keys(key: object, expected: object) -> None:
    assert normalize_option_key(key) == expected


@pytest.mark.parametrize("seed", [0, 3])
def test_every_unit_code_of_the_bundle_maps_to_a_home_assistant_unit(seed: int) -> None:
    bundle = generate_bundle(seed, readable=False)
    index = parse(bundle.files[bundle.index_path])
    units = find_units_table(index)
    files = {p.rsplit("/", 1)[-1]: s for p, s in bundle.files.items()}
    texts: dict[str, dict[str, Any]] = {}
    for key, spec in index.import_table(lambda k: k.endswith("/units.json")).items():
        lang = key.rsplit("/", 2)[-2]
        pack = parse(files[spec.rsplit("/", 1)[-1]]).default_export()
        assert isinstance(pack, dict)
        texts[lang] = pack
    assert len(units) > 50
    vendor_notes = {"", "bieg", "Wartość * 0.1", "Wartość * 0.001", "cykle"}
    for code, unit in units.items():
        if unit.is_enum or (
            unit.transform and unit.transform.kind == KIND_TIME_OF_DAY_10MIN
        ):
            continue
        assert unit.text_token is not None, code
        number = unit.text_token.split(".")[1]
        for lang, pack in texts.items():
            text = pack.get(number)
            if not isinstance(text, str):
                continue
            mapped = ha_unit_for_text(text)
            assert mapped.unit is not None or text in vendor_notes, (code, lang, text)
    assert ha_unit_for_text("°C").device_class == "temperature"
    assert ha_unit_for_text("kW").unit == "kW"
    assert ha_unit_for_text("h").state_class == "total_increasing"
    assert ha_unit_for_text("Moc [W]").unit == "W"
    assert ha_unit_for_text("Wartość * 0.01 = °C").unit == "°C"
    assert ha_unit_for_text("l").unit == "L"
