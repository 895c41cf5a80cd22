"""Menu chunks and what the vendor web UI shows the user (PROTOCOL.md §4.4, §4.10)."""

from __future__ import annotations

import random

import aiohttp
import pytest

from custom_components.bragerone.api import BragerOneClient
from custom_components.bragerone.api.assets.discovery import AssetFetcher, discover
from custom_components.bragerone.api.assets.menu import (
    MenuError,
    MenuParameter,
    is_installer_route,
    normalize_permission,
    parse_menu,
    visible_parameters,
)
from custom_components.bragerone.api.assets.values import EnumMember, JsValue, Unknown
from simulator import Simulator
from simulator.webapp import generate_bundle

from .conftest import server_of

SEEDS = [(seed, False) for seed in range(6)] + [(0, True)]
FLAG_REASONS = {"invisible", "device_unavailable"}
"""Hidden by the parameter map's status flags: the menu alone cannot know (the resolver's job)."""

GRANTED = ["DISPLAY_MENU_BOILER", "DISPLAY_PARAMETER_LEVEL_1"]


def tokens(items: list[MenuParameter]) -> list[str]:
    """Return the tokens in order."""
    return [item.token for item in items]


# --------------------------------------------------------------------------- the simulator's bundle


@pytest.mark.parametrize(("seed", "readable"), SEEDS)
async def test_visible_tokens_equal_the_ground_truth(
    seed: int, readable: bool, session: aiohttp.ClientSession
) -> None:
    async with Simulator(
        seed=seed, readable=readable, host="127.0.0.1", tick_interval=None
    ) as sim:
        client = BragerOneClient(
            sim.email, sim.password, server=server_of(sim), session=session
        )
        fetcher = AssetFetcher.from_client(client)
        assets = await discover(fetcher)
        truth = sim.bundle.ground_truth["modules"]
        for module in await client.modules(sim.object_id):
            url = assets.menu_url(module.device_menu)
            routes = parse_menu(await fetcher.fetch_text(url), url=url)
            shown = visible_parameters(routes, module.permissions)
            got = {item.token: item for item in shown}
            assert len(got) == len(shown)
            expected = truth[module.devid]
            visible = {entry["token"]: entry for entry in expected["visible"]}
            actions = {entry["token"] for entry in expected["actions"]}
            by_flags = {
                h["token"] for h in expected["hidden"] if h["reason"] in FLAG_REASONS
            }
            menu_hidden = {
                h["token"]
                for h in expected["hidden"]
                if h["reason"] not in FLAG_REASONS
            }
            assert visible
            assert menu_hidden  # the bundle does hide something by menu rules
            # exactly what the web UI's menu shows: visible entries, action buttons and
            # entries the parameter map's flags hide later; nothing the menu hides
            assert set(got) == set(visible) | actions | by_flags
            assert not set(got) & menu_hidden
            for token, entry in visible.items():
                assert (got[token].section, got[token].route) == (
                    entry["section"],
                    entry["route"],
                ), token
                assert got[token].titles
                assert all(got[token].titles)


def test_mutated_menu_chunks_end_in_menu_error_or_a_result() -> None:
    bundle = generate_bundle(3)
    chunks = [
        body
        for path, body in bundle.files.items()
        if path.endswith(".js") and "modules.menu." in body and "export" in body
    ]
    assert chunks
    steps: list[str] = []
    results = 0
    rng = random.Random(7)  # noqa: S311 - reproducible damage, not crypto
    for body in chunks:
        cuts = [len(body) * k // 12 for k in range(1, 12)]
        variants = [body[:cut] for cut in cuts]
        for _ in range(12):
            data = bytearray(body.encode())
            for _ in range(8):
                data[rng.randrange(len(data))] = rng.randrange(256)
            variants.append(bytes(data).decode("utf-8", errors="replace"))
        variants.append(body.replace("modules.menu", "x").replace("parameter", "p"))
        for variant in variants:
            try:
                routes = parse_menu(variant)
            except MenuError as err:
                steps.append(err.step)
                continue
            results += 1
            for item in visible_parameters(routes, GRANTED):
                assert isinstance(item.token, str)
                assert item.section in {"read", "write", "status", "special"}
    assert steps
    assert set(steps) == {"menu"}
    assert results


# --------------------------------------------------------------------------- our own fixtures: chunk shapes

ROUTES = """[{path:'boiler',name:'modules.menu.boiler',component:V,
  meta:{displayName:'MAINMENU_USTAWIENIA_KOTLA',permissionModule:P['DISPLAY_MENU_BOILER'],
        parameters:{read:[{permissionModule:P['DISPLAY_PARAMETER_LEVEL_1'],parameter:h(K['READ'],'PARAM_P4_1')}],
                    write:[],status:[],special:[]}}}]"""


@pytest.mark.parametrize(
    "source",
    [
        f"import{{a as h,b as K,c as P}}from'./index-1.js';export default {ROUTES};",
        f"const r={ROUTES};export{{r as default}};",
        f"export default{{'routes':{ROUTES}}};",
        f"export default{{deviceMenu:{ROUTES}}};",
        f"const r={ROUTES};export default{{menu:r}};",
        f"export default{{items:{ROUTES}}};",
    ],
    ids=["plain", "export-as-default", "routes", "deviceMenu", "menu", "items"],
)
def test_every_export_shape(source: str) -> None:
    routes = parse_menu(source)
    assert visible_parameters(routes, GRANTED) == [
        MenuParameter(
            "PARAM_P4_1", "read", "modules.menu.boiler", ("MAINMENU_USTAWIENIA_KOTLA",)
        )
    ]


@pytest.mark.parametrize(
    "source",
    ["export default 42;", "const a=1;", "export default{other:[1]};", "", "\x00}{"],
)
def test_a_chunk_without_routes_names_the_step(source: str) -> None:
    with pytest.raises(MenuError) as caught:
        parse_menu(source, url="http://h/assets/0-x.js")
    assert caught.value.step == "menu"
    assert caught.value.url == "http://h/assets/0-x.js"


def test_parse_rejects_non_text() -> None:
    with pytest.raises(MenuError):
        parse_menu(123)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- spellings of entries


def test_permission_and_token_spellings() -> None:
    source = """
    import{j as _0x3e8c51,i as _0x1cc358,h as _0x521864,h as A}from'./index-x.js';
    const E=_0x3e8c51;
    export default [{path:'dhw',name:'modules.menu.dhw',component:()=>null,
      meta:{displayName:'MAINMENU_USTAWIENIA_CWU',permissionModule:_0x521864['DISPLAY_MENU_DHW'],
        parameters:{
          read:[{permissionModule:_0x521864['DISPLAY_PARAMETER_LEVEL_1'],parameter:_0x3e8c51(_0x1cc358['READ'],'PARAM_P30_2')},
                {permissionModule:'A.DISPLAY_PARAMETER_LEVEL_1',parameter:'PARAM_P4_2'},
                {permissionModule:e.DISPLAY_PARAMETER_LEVEL_1,parameter:{kind:'READ',token:'PARAM_P4_3'}},
                {parameter:`STATUS_P5_19`},
                'PARAM_P4_9'],
          write:[{permissionModule:A.DISPLAY_PARAMETER_LEVEL_MAX,parameter:E(A.WRITE,"URUCHOMIENIE_KOTLA")},
                 {permissionModule:Permission['DISPLAY_PARAMETER_LEVEL_1'],parameter:E(A.WRITE,"PARAM_5\\x31")},
                 {permissionModule:void 0x0,parameter:E(A.WRITE,'PARAM_52')},
                 {permissionModule:_0x521864['DISPLAY_PARAMETER_LEVEL_1']},
                 {permissionModule:_0x521864['DISPLAY_PARAMETER_LEVEL_1'],parameter:E(A.WRITE)}],
          status:[], special:void 0}}}];
    """
    shown = visible_parameters(
        parse_menu(source), ["DISPLAY_MENU_DHW", "DISPLAY_PARAMETER_LEVEL_1"]
    )
    assert tokens(shown) == [
        "PARAM_P30_2",
        "PARAM_P4_2",
        "PARAM_P4_3",
        "STATUS_P5_19",
        "PARAM_P4_9",
        "PARAM_51",
        "PARAM_52",
    ]
    assert {item.section for item in shown[:5]} == {"read"}
    assert {item.section for item in shown[5:]} == {"write"}


def test_map_sections_are_expanded() -> None:
    source = """
    import{j as h,i as K,h as P}from'./index-x.js';
    export default [{path:'settings',name:'modules.menu.settings',meta:{displayName:'S'},
      parameters:{
        read:['PARAM_45','PARAM_34']['map'](x=>({permissionModule:P.DISPLAY_PARAMETER_LEVEL_1,parameter:h(K.READ,x)})),
        write:[...['PARAM_1']['map'](t=>({parameter:h(K['WRITE'],t)})),
               ...['PARAM_2']['map'](t=>({permissionModule:P['DISPLAY_PARAMETER_LEVEL_MAX'],parameter:h(K['WRITE'],t)}))],
        status:['STATUS_P5_1'].map(function(t){return {parameter:h(K.STATUS,t)};})}}];
    """
    shown = visible_parameters(parse_menu(source), GRANTED)
    assert [(i.token, i.section) for i in shown] == [
        ("PARAM_45", "read"),
        ("PARAM_34", "read"),
        ("PARAM_1", "write"),
        ("STATUS_P5_1", "status"),
    ]


def test_parameters_on_the_route_and_under_meta() -> None:
    source = """export default [
      {path:'a',name:'modules.menu.a',meta:{displayName:'A'},parameters:{read:[{parameter:h(R,'PARAM_P4_1')}]}},
      {path:'b',name:'modules.menu.b',meta:{displayName:'B',parameters:{status:[{parameter:h(S,'STATUS_P5_0')}]}}},
      {path:'c',name:'modules.menu.c',parameters:{special:[{parameter:h(X,'PARAM_66')}]},
       meta:{parameters:{write:[{parameter:h(W,'PARAM_3')}]}}}];"""
    shown = visible_parameters(parse_menu(source), [])
    assert [(i.token, i.section, i.route, i.titles) for i in shown] == [
        ("PARAM_P4_1", "read", "modules.menu.a", ("A",)),
        ("STATUS_P5_0", "status", "modules.menu.b", ("B",)),
        ("PARAM_66", "special", "modules.menu.c", ("modules.menu.c",)),
        ("PARAM_3", "write", "modules.menu.c", ("modules.menu.c",)),
    ]


# --------------------------------------------------------------------------- routes: gating and web-UI filter

TREE = """
import{v as ref}from'./index-x.js';
const none=[];
export default [
 {redirect:{name:'modules.menu.boiler'}},
 {path:'boiler',name:'modules.menu.boiler',meta:{displayName:'T_BOILER',permissionModule:P.DISPLAY_MENU_BOILER},
  parameters:{read:[{permissionModule:P.DISPLAY_PARAMETER_LEVEL_1,parameter:h(R,'PARAM_P4_0')},
                    {permissionModule:P.DISPLAY_PARAMETER_LEVEL_MAX,parameter:h(R,'PARAM_73')},
                    {parameter:h(R,'PARAM_P4_1')}]},
  children:[
    {redirect:'x'},
    {path:'details',name:'modules.menu.boilerDetails',meta:{displayName:'T_DETAILS',isVisibleOnSideMenu:!1},
     parameters:{write:[{parameter:h(W,'PARAM_170')}]},
     children:[{path:'deeper',name:'modules.menu.deeper',meta:{displayName:'T_DEEP'},parameters:{read:[{parameter:h(R,'PARAM_171')}]}}]},
    {path:'sub',name:'modules.menu.sub',meta:{displayName:'T_SUB',isVisibleOnSideMenu:!0},
     parameters:{write:[{parameter:h(W,'PARAM_P4_0')}]},
     children:[{path:'leaf',name:'modules.menu.leaf',meta:{displayName:'T_LEAF'},parameters:{read:[{parameter:h(R,'PARAM_9')}]}}]},
    {path:'valve/:id',name:'modules.menu.valve',meta:{displayName:'T_VALVE'},parameters:{write:[{parameter:h(W,'PARAM_54')}]}}]},
 {path:'dhw',name:'modules.menu.dhw',meta:{displayName:'T_DHW',permissionModule:P['DISPLAY_MENU_DHW']},
  parameters:{read:[{parameter:h(R,'PARAM_P4_2')}]},
  children:[{path:'x',name:'modules.menu.x',parameters:{read:[{parameter:h(R,'PARAM_X_CHILD')}]}}]},
 {path:'settings',name:'modules.menu.settings',meta:{displayName:'T_SETTINGS'},parameters:{write:[{parameter:h(W,'PARAM_45')}]},children:none},
 {path:'info',name:'modules.menu.info',meta:{displayName:'T_INFO'},parameters:{read:[{parameter:h(R,'PARAM_P4_0')},{parameter:h(R,'PARAM_P11_1')}]},children:ref},
 {path:'dev',name:'modules.menu.dev',parameters:{write:[{parameter:h(W,'PARAM_301')}]}},
 {path:'producer',name:'companies.modules.menu.producer',parameters:{write:[{parameter:h(W,'PARAM_195')}]}},
 {path:'configuration',name:'companies.modules.menu.configuration',parameters:{write:[{parameter:h(W,'PARAM_192')}]}},
 {path:'schema',name:'modules.menu.schema',parameters:{read:[{parameter:h(R,'PARAM_193')}]}},
 {path:'tests',name:'modules.menu.testsOutputInput',parameters:{write:[{parameter:h(W,'PARAM_P4_1')}]}},
 {path:'calibration',name:'modules.menu.calibration',parameters:{write:[{parameter:h(W,'PARAM_37')}]}},
 {path:'lock',name:'modules.menu.lockBoard',parameters:{write:[{parameter:h(W,'PARAM_38')}]}},
 {path:'info2',name:'modules.menu.info',meta:{displayName:'T_INFO2'},parameters:{write:[{parameter:h(W,'PARAM_P11_1')}]}}
];
"""


def test_web_ui_filter_and_permission_gating() -> None:
    routes = parse_menu(TREE)
    shown = visible_parameters(
        routes, ["A.DISPLAY_MENU_BOILER", "DISPLAY_PARAMETER_LEVEL_1"]
    )
    by_token = {item.token: item for item in shown}
    assert tokens(shown) == [
        "PARAM_P4_0",
        "PARAM_P4_1",
        "PARAM_9",
        "PARAM_45",
        "PARAM_P11_1",
    ]
    # entry gated by its own permission; entry without one kept
    assert "PARAM_73" not in by_token
    # side-menu-hidden route and its descendants, path parameters, ungranted route and children
    for hidden in ("PARAM_170", "PARAM_171", "PARAM_54", "PARAM_P4_2", "PARAM_X_CHILD"):
        assert hidden not in by_token
    # installer routes, with and without the companies. prefix
    for hidden in (
        "PARAM_301",
        "PARAM_195",
        "PARAM_192",
        "PARAM_193",
        "PARAM_37",
        "PARAM_38",
    ):
        assert hidden not in by_token
    # write beats an earlier read; the write placement's route and titles are kept
    assert by_token["PARAM_P4_0"] == MenuParameter(
        "PARAM_P4_0", "write", "modules.menu.sub", ("T_BOILER", "T_SUB")
    )
    assert by_token["PARAM_P11_1"] == MenuParameter(
        "PARAM_P11_1", "write", "modules.menu.info", ("T_INFO2",)
    )
    # a read after a visible read (or write) never replaces the first placement
    assert by_token["PARAM_P4_1"].route == "modules.menu.boiler"
    assert by_token["PARAM_9"].titles == ("T_BOILER", "T_SUB", "T_LEAF")


def test_granted_dhw_shows_its_children() -> None:
    shown = visible_parameters(
        parse_menu(TREE),
        ["DISPLAY_MENU_BOILER", "DISPLAY_MENU_DHW", "DISPLAY_PARAMETER_LEVEL_1"],
    )
    assert {"PARAM_P4_2", "PARAM_X_CHILD"} <= set(tokens(shown))
    assert "PARAM_73" not in tokens(shown)
    with_max = visible_parameters(
        parse_menu(TREE), ["DISPLAY_MENU_BOILER", "DISPLAY_PARAMETER_LEVEL_MAX"]
    )
    assert "PARAM_73" in tokens(with_max)
    assert "PARAM_P4_1" in tokens(with_max)  # no permission on the entry


def test_no_permissions_hide_every_gated_route() -> None:
    shown = visible_parameters(parse_menu(TREE), [])
    # the info route's read of PARAM_P4_0 is now its first visible placement
    assert [(i.token, i.section) for i in shown] == [
        ("PARAM_45", "write"),
        ("PARAM_P4_0", "read"),
        ("PARAM_P11_1", "write"),
    ]


def test_odd_values_are_skipped() -> None:
    assert visible_parameters(Unknown("x", "syntax error"), GRANTED) == []
    assert visible_parameters({"routes": "nope"}, GRANTED) == []
    odd: list[JsValue] = [
        None,
        1,
        "modules.menu.boiler",
        {"name": "r", "parameters": {"read": "not a list", "write": [None, 3, {}]}},
        {"name": "r2", "children": [[{"name": "inner"}]], "parameters": []},
    ]
    assert visible_parameters(odd, GRANTED) == []


def test_normalisation_helpers() -> None:
    assert (
        normalize_permission(EnumMember("DISPLAY_MENU_DHW", "_0x52"))
        == "DISPLAY_MENU_DHW"
    )
    assert normalize_permission("_0x521864['DISPLAY_MENU_DHW']") == "DISPLAY_MENU_DHW"
    assert normalize_permission('a["DISPLAY_MENU_DHW"]') == "DISPLAY_MENU_DHW"
    assert normalize_permission("A.DISPLAY_MENU_DHW") == "DISPLAY_MENU_DHW"
    assert normalize_permission(" DISPLAY_MENU_DHW ") == "DISPLAY_MENU_DHW"
    assert (
        normalize_permission(Unknown("e.DISPLAY_MENU_DHW", "unbound"))
        == "DISPLAY_MENU_DHW"
    )
    assert normalize_permission("") is None
    assert normalize_permission(None) is None
    assert is_installer_route("companies.modules.menu.lockBoard")
    assert is_installer_route("modules.menu.dev")
    assert not is_installer_route("modules.menu.devices")
    assert not is_installer_route("dev")
