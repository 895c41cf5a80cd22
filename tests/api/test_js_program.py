"""Program queries over the bundle, menu, parameter-map and i18n chunks (PROTOCOL.md §4.2-§4.8)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from custom_components.bragerone.api.assets import (
    UNDEFINED,
    ArrowFunction,
    EnumMember,
    ObjectLiteral,
    Program,
    Regex,
    Unknown,
    UnknownCall,
    parse,
)

FIXTURES = Path(__file__).parent / "js_fixtures"


def load(name: str) -> Program:
    """Parse one of our fixtures."""
    program = parse((FIXTURES / name).read_bytes())
    assert not program.has_errors, name
    return program


def test_hashed_file_names_in_document_order() -> None:
    program = load("index_bundle.js")
    assert program.js_file_names() == [
        "assets/module.menu-AbC1.js",
        "assets/info-Bpu026-3.js",
        "assets/tariff-Db9Vj8s-.js",
        "assets/PARAM_66-AbC1.js",
        "../parameters/write/PARAM_66-ZzZ9.js",
        "./preload-helper-Qq1-Ww2e.js",
        "./module.menu-Bq7-Xy12.js",
        "./module.menu-Cc3_Pp90.js",
        "./0-r9AwvEAY.js",
        "./1-Kk2-LmN3.js",
        "./app-Pl1-aaaa.js",
        "./parameters-Pl2_bbbb.js",
        "./diodeState-En3-cccc.js",
        "./MAINMENU_MENU_TERMOSTATU-dd-4.js",
        "./tariff-Db9Vj8s-.js",
    ]
    strings = [s.value for s in program.strings()]
    assert "assets/vendor-x_Y-z.css" in strings
    assert strings.index("assets/module.menu-AbC1.js") < strings.index(
        "./tariff-Db9Vj8s-.js"
    )


def test_import_tables_all_three_spellings() -> None:
    program = load("index_bundle.js")
    table = program.import_table()
    assert table == {
        "../config/router/deviceMenu/153/module.menu.ts": "./module.menu-Bq7-Xy12.js",
        "/src/config/router/deviceMenu/2190/module.menu.ts": "./module.menu-Cc3_Pp90.js",
        "/src/config/router/deviceMenu/0/0.ts": "./0-r9AwvEAY.js",
        "/src/config/router/deviceMenu/0/1.ts": "./1-Kk2-LmN3.js",
        "../../resources/languages/pl/app.json": "./app-Pl1-aaaa.js",
        "../../resources/languages/pl/parameters.json": "./parameters-Pl2_bbbb.js",
        "../../resources/languages/en/diodeState.json": "./diodeState-En3-cccc.js",
        "../../resources/languages/pl/MAINMENU_MENU_TERMOSTATU.json": "./MAINMENU_MENU_TERMOSTATU-dd-4.js",
    }
    languages = program.import_table(lambda key: "/resources/languages/" in key)
    assert len(languages) == 4
    assert all(key.endswith(".json") for key in languages)
    assert program.dynamic_imports()[0] == "./module.menu-Bq7-Xy12.js"


def test_menu_import_found_whatever_the_helper_is_called() -> None:
    program = parse(
        "const t={'../config/router/deviceMenu/7/module.menu.ts':()=>zz9(()=>import('./module.menu-q.js'),[]),"
        "'x':function(){return import('./x-1.js')},"
        "nested:{'y':()=>import('./y-2.js')}};"
        "const notTable=[()=>import('./z-3.js')];"
    )
    assert program.import_table() == {
        "../config/router/deviceMenu/7/module.menu.ts": "./module.menu-q.js",
        "x": "./x-1.js",
        "y": "./y-2.js",
    }


def test_upper_snake_pairs_and_builder_calls() -> None:
    program = load("index_bundle.js")
    pairs = program.upper_snake_pairs()
    keys = [pair.key for pair in pairs]
    assert keys == ["PARAM_P11_1", "PARAM_P11_2", "PARAM_66", "PARAM_10", "PARAM_P4_59"]
    values = {pair.key: pair.value for pair in pairs}
    assert values["PARAM_P11_1"] == {
        "id": 0x1268B5B7D368,
        "icon": "INFO",
        "name": "parameters.PARAM_P11_1",
        "value": [{"group": "P11", "number": 1, "use": "v"}],
        "status": {"INVISIBLE": [{"group": "P11", "number": 1, "use": "s", "bit": 7}]},
        "useComponent": None,
    }
    p11_2 = values["PARAM_P11_2"]
    assert isinstance(p11_2, dict)
    assert p11_2["name"] == "parameters.CUSTOM"
    assert isinstance(p11_2["useComponent"], EnumMember)
    assert p11_2["useComponent"] == "SWITCH"
    assert values["PARAM_66"] == {
        "name": "parameters.PARAM_66",
        "unit": 49,
        "value": [{"group": "P6", "number": 66, "use": "v"}],
        "componentType": "slider",
    }
    # The statement body's else branch with member assignments on a local object.
    assert values["PARAM_10"] == {
        "name": "parameters.PARAM_10",
        "value": [{"group": "P6", "number": 10, "use": "v"}],
        "minValue": [{"group": "P6", "number": 10, "use": "n"}],
        "maxValue": [{"group": "P6", "number": 10, "use": "x"}],
    }


def test_two_register_selector_with_convert_and_times() -> None:
    program = load("index_bundle.js")
    pair = next(p for p in program.upper_snake_pairs() if p.key == "PARAM_P4_59")
    value: Any = pair.value
    assert isinstance(value, dict)
    assert value["name"] == "parameters.PARAM_P4_59"
    low, high = value["value"]
    assert isinstance(low, dict)
    assert isinstance(high, dict)
    assert (low["group"], low["number"], low["use"]) == ("P4", 59, "v")
    assert (high["group"], high["number"], high["use"], high["times"]) == (
        "P4",
        60,
        "v",
        65536,
    )
    assert "times" not in low
    # `convert` is a minified helper: truthy, kept as a function value, never called.
    assert isinstance(low["convert"], ArrowFunction)
    assert isinstance(high["convert"], ArrowFunction)


def test_array_map_with_index_in_top_level_binding() -> None:
    program = load("index_bundle.js")
    assert program.binding("_0xstatuses") == [
        {
            "name": "STATUS_P5_1",
            "value": [{"group": "P5", "number": 1, "use": "s", "bit": 0}],
        },
        {
            "name": "STATUS_P5_2",
            "value": [{"group": "P5", "number": 2, "use": "s", "bit": 0}],
        },
    ]


def _looks_like_units(obj: ObjectLiteral) -> bool:
    keys = obj.keys()
    return len(keys) >= 3 and all(key.isdigit() for key in keys)


def test_units_table_and_language_config_found_structurally() -> None:
    program = load("index_bundle.js")
    units = program.largest_object(_looks_like_units, top_level=True)
    assert units is not None
    assert units.keys() == ["1", "47", "49", "37", "9998", "10002"]
    assert "49" in units
    assert units.get("1") == {"text": "units.1"}
    assert units.get("37") == {
        "text": "units.37",
        "options": {"0": "app.lang.pl", "1": "app.lang.en"},
    }
    boiler: Any = units.get("9998")
    assert boiler == {
        "text": "units.9998",
        "options": {"STOP": "app.one.burnerState.0", "WORK": "app.one.burnerState.1"},
    }
    assert isinstance(boiler, dict)
    assert all(isinstance(key, EnumMember) for key in boiler["options"])
    diode = units.get("10002")
    assert diode == {
        "options": {"ON": "app.one.diodeState.on", "OFF": "app.one.diodeState.off"},
        "colors": {"ON": "#0f0"},
    }
    assert units.get("missing") is UNDEFINED
    language = program.largest_object(with_key="translations")
    assert language is not None
    assert language.value == {
        "translations": [
            {"id": "PL", "flag": "pl", "variants": {"153": {"1201": "PL_5_RTP_TIS"}}},
            {"id": "EN", "flag": "en"},
        ],
        "defaultTranslation": "pl",
    }
    assert len(program.objects_with_key("translations")) == 2
    assert program.largest_object(lambda _obj: False) is None


def test_objects_filtered_by_size_and_range() -> None:
    program = load("index_bundle.js")
    everything = program.objects()
    large = program.objects(min_size=200)
    assert large
    assert len(large) < len(everything)
    assert all(obj.size >= 200 for obj in large)
    assert [obj.start_byte for obj in everything] == sorted(
        obj.start_byte for obj in everything
    )
    head = program.objects(end=1000)
    assert head
    assert all(obj.start_byte < 1000 for obj in head)


def test_top_level_bindings_are_lazy_and_cycle_safe() -> None:
    program = load("index_bundle.js")
    bindings = program.top_level_bindings()
    assert "_0xmenus" in bindings
    assert "basicParameterBuilder_P11" in bindings
    assert "classicBuilder" in bindings
    assert "missing" not in bindings
    assert len(bindings) == len(program.binding_names())
    assert bindings["_0xsame"] == "./tariff-Db9Vj8s-.js"
    cycle = bindings["_0xcycleA"]
    assert cycle == {"b": {"a": Unknown("_0xcycleA", "cyclic reference")}}
    builder: Any = bindings["basicParameterBuilder_P11"]
    assert isinstance(builder, ArrowFunction)
    built: Any = builder.call({"id": 1, "number": 5})
    assert built["name"] == "parameters.PARAM_P11_5"
    assert program.binding("nope") == Unknown("nope", "unbound identifier")


def test_destructuring_at_top_level() -> None:
    program = parse(
        "const {a, b: {c = 3} = {}, ...r} = {a: 1, x: 2, y: 3}, [p, , q] = [7, 8, 9];"
    )
    assert program.binding("a") == 1
    assert program.binding("c") == 3
    assert program.binding("r") == {"x": 2, "y": 3}
    assert program.binding("p") == 7
    assert program.binding("q") == 9


def test_menu_chunk_normalised_spellings() -> None:
    routes: Any = load("menu_chunk.js").default_export()
    assert isinstance(routes, list)
    dhw, redirect, boiler = routes
    assert isinstance(dhw, dict)
    meta = dhw["meta"]
    assert isinstance(meta, dict)
    assert meta["permissionModule"] == "DISPLAY_MENU_DHW"
    assert meta["isVisibleOnSideMenu"] is True
    parameters = meta["parameters"]
    assert isinstance(parameters, dict)
    read = parameters["read"]
    assert isinstance(read, list)
    entry = read[0]
    assert isinstance(entry, dict)
    call = entry["parameter"]
    assert isinstance(call, UnknownCall)
    assert call.last_arg == "PARAM_P30_2"
    assert call.args[0] == "READ"
    special = parameters["special"]
    assert isinstance(special, list)
    tokens = [item["parameter"].last_arg for item in special]
    assert tokens == ["PARAM_45", "PARAM_34"]
    assert all(
        item["permissionModule"] == "DISPLAY_PARAMETER_LEVEL_1" for item in special
    )
    # `children` bound to a local constant resolves; the redirect-only node has no path.
    assert dhw["children"] == [
        {
            "path": "advanced",
            "name": "modules.menu.advanced",
            "component": dhw["children"][0]["component"],
        }
    ]
    assert redirect == {"redirect": {"name": "modules.menu.dhw"}}
    assert isinstance(boiler, dict)
    assert boiler["meta"]["permissionModule"] == "DISPLAY_MENU_BOILER"
    assert boiler["meta"]["isVisibleOnSideMenu"] is False
    assert boiler["parameters"]["read"][0]["parameter"].last_arg == "URUCHOMIENIE_KOTLA"


def test_export_forms() -> None:
    menu: Any = load("menu_export_as_default.js").default_export()
    assert isinstance(menu, list)
    assert (
        menu[0]["meta"]["parameters"]["status"][0]["parameter"].last_arg
        == "STATUS_P5_0"
    )
    assert load("i18n_string_pack.js").default_export() == "Menu termostatów"
    assert parse("export default 0x2a;").default_export() == 42
    assert parse("const a = 1; export default a;").default_export() == 1
    assert (
        parse("export default function (x) { return x; }").default_export_node()
        is not None
    )
    assert parse("const a = 1;").default_export() == Unknown("", "no default export")
    assert parse("export { default } from './x.js';").default_export() == Unknown(
        "default", "re-export"
    )
    assert parse("export const PARAM_1 = {};").binding("PARAM_1") == {}
    node = load("menu_export_as_default.js").default_export_node()
    assert node is not None
    assert node.type == "array"


def test_i18n_chunk_with_escaped_polish_labels() -> None:
    labels = load("i18n_pl.js").default_export()
    assert labels == {
        "PARAM_66": "Moc palnika",
        "PARAM_P4_59": "Czas pracy podajnika",
        "STATUS_P5_0": "Stan kotła",
        "zawor": "Zawór trójdrogowy \u2013 pozycja",
        "nested": {"on": "Włączony", "off": "Wyłączony", "0": "zero"},
        "emoji": "🔥 ogień",
    }


def test_computed_status_rule_list() -> None:
    table = load("param_chunk.js").default_export()
    assert isinstance(table, dict)
    status = table["STATUS_P5_0"]
    assert isinstance(status, dict)
    assert status["name"] == "app.one.boilerStatus.name"
    assert status["unit"] == 9998
    rules: Any = status["value"]
    assert isinstance(rules, list)
    assert rules == [
        {
            "if": [
                {
                    "operation": "equalTo",
                    "expected": 1,
                    "value": [{"group": "P5", "number": 4, "use": "s", "bit": 5}],
                }
            ],
            "then": "STOP",
        },
        {
            "elseif": [
                {
                    "operation": "notEqualTo",
                    "expected": True,
                    "value": [{"group": "P5", "number": 4, "use": "s", "bit": 6}],
                }
            ],
            "then": {"value": "WORK"},
        },
        {
            "elseif": [
                {
                    "operation": "matches",
                    "expected": Regex("^ab+c$", "i"),
                    "value": [{"storeGetter": "modulesMap.{devid}.connectedAt"}],
                }
            ],
            "then": "ON",
        },
        {
            "elseif": [
                {
                    "operation": "greaterThan",
                    "expected": UNDEFINED,
                    "value": [{"group": "P5", "number": 7, "use": "s", "mask": 30}],
                }
            ],
            "then": "CLOSING",
        },
        {"else": None},
    ]
    assert rules[0]["if"][0]["expected"] == 1
    assert isinstance(rules[3]["then"], EnumMember)
    assert table["STATUS_P5_10"] == {
        "name": "parameters.STATUS_P5_10",
        "unit": 9994,
        "value": [],
    }
