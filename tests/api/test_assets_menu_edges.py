"""Menu chunks at their edges (PROTOCOL.md §4.4, §4.10): nested wrappers, odd entries, odd sections."""

from __future__ import annotations

import logging

import pytest

from custom_components.bragerone.api.assets.menu import (
    MenuParameter,
    entry_token,
    menu_routes,
    normalize_permissions,
    parse_menu,
    visible_parameters,
)
from custom_components.bragerone.api.assets.values import (
    EnumMember,
    JsValue,
    Unknown,
    UnknownCall,
)

ROUTE = "{name:'modules.menu.boiler',parameters:{read:['PARAM_1']}}"


@pytest.mark.parametrize(
    "source",
    [
        f"export default {{menu:{{items:[{ROUTE}]}}}};",
        f"export default {{routes:{{other:1}},deviceMenu:{{routes:[{ROUTE}]}}}};",
        f"export default {{routes:'none',items:[{ROUTE}]}};",
    ],
)
def test_route_lists_nested_in_wrapper_objects_are_found(source: str) -> None:
    routes = parse_menu(source)
    assert visible_parameters(routes, []) == [
        MenuParameter(
            "PARAM_1", "read", "modules.menu.boiler", ("modules.menu.boiler",)
        )
    ]


def test_wrappers_without_a_route_list_give_none() -> None:
    assert menu_routes({"menu": {"items": {"routes": "x"}}}) is None
    assert menu_routes({"other": []}) is None
    assert menu_routes("routes") is None
    nested: JsValue = {"deviceMenu": {"menu": [{"name": "r"}]}}
    assert menu_routes(nested) == [{"name": "r"}]
    assert visible_parameters(nested, []) == []  # no parameters on the route


def test_permissions_without_a_name_are_dropped() -> None:
    assert normalize_permissions(
        [
            None,
            "",
            "  ",
            True,
            "A.DISPLAY_MENU_DHW",
            EnumMember("DISPLAY_MENU_BOILER", "_0x1"),
        ]
    ) == frozenset({"DISPLAY_MENU_DHW", "DISPLAY_MENU_BOILER"})


@pytest.mark.parametrize(
    ("value", "token"),
    [
        ({"token": 5, "name": "PARAM_1"}, "PARAM_1"),  # a number is no token
        ({"token": "", "parameter": "PARAM_2"}, "PARAM_2"),
        ({"token": {"id": " "}, "id": "PARAM_3"}, "PARAM_3"),
        (
            {"parameter": UnknownCall("h", (EnumMember("READ", "k"),)), "name": "P4"},
            "P4",
        ),
        ({"parameter": UnknownCall("h", ("R", {"token": "PARAM_5"}))}, "PARAM_5"),
        ({"label": "PARAM_6"}, None),
        ({"token": None, "name": Unknown("x", "unbound identifier")}, None),
        (["PARAM_7"], None),
        (7, None),
    ],
)
def test_entry_tokens_of_odd_entries(value: JsValue, token: str | None) -> None:
    assert entry_token(value) == token


def test_absent_sections_are_silent_and_odd_ones_are_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    routes: list[JsValue] = [
        {
            "name": "modules.menu.boiler",
            "parameters": {"read": None, "write": ["PARAM_1"], "other": "x"},
            "meta": {"parameters": {"status": "STATUS_P5_0"}},
        }
    ]
    with caplog.at_level(logging.DEBUG, "custom_components.bragerone.api.assets.menu"):
        shown = visible_parameters(routes, [])
    assert [(i.token, i.section) for i in shown] == [("PARAM_1", "write")]
    messages = [r.getMessage() for r in caplog.records]
    assert messages == [
        "menu section status of modules.menu.boiler is not a list: 'str'"
    ]
