"""i18n packs and label lookups (PROTOCOL.md §4.8, §4.10) over real loopback HTTP."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import aiohttp
import pytest

from custom_components.bragerone.api.assets.discovery import (
    AssetFetcher,
    discover,
    read_index,
)
from custom_components.bragerone.api.assets.i18n import (
    I18n,
    I18nError,
    lookup,
    pack_from_source,
    split_token,
)
from custom_components.bragerone.api.assets.menu import parse_menu, visible_parameters
from custom_components.bragerone.api.assets.values import JsValue
from simulator import Simulator
from simulator.modules import module_by_devid
from simulator.webapp.catalogue import ROUTE_TITLES, catalogue

from .test_assets_discovery import Site, fetcher_for, serve

SEEDS = [(seed, False) for seed in range(6)] + [(0, True)]


# --------------------------------------------------------------------------- the simulator's bundle


@pytest.mark.parametrize(("seed", "readable"), SEEDS)
async def test_ground_truth_labels_and_titles_resolve_in_pl_and_en(
    seed: int, readable: bool, session: aiohttp.ClientSession
) -> None:
    async with Simulator(
        seed=seed, readable=readable, host="127.0.0.1", tick_interval=None
    ) as sim:
        fetcher = AssetFetcher(session, sim.web_url)
        assets = await discover(fetcher)
        i18n = I18n(fetcher, assets)
        checked = 0
        for devid, expected in sim.bundle.ground_truth["modules"].items():
            module = module_by_devid(devid)
            params = catalogue(module.kind).params
            for entry in expected["visible"]:
                token = params[entry["token"]].label_token
                for language in ("pl", "en"):
                    label = await i18n.translate(token, language)
                    assert label == entry["label"][language], (token, language)
                    checked += 1
            url = assets.menu_url(module.device_menu)
            routes = parse_menu(await fetcher.fetch_text(url))
            for item in visible_parameters(routes, module.permissions):
                for title in item.titles:
                    pl, en = ROUTE_TITLES[title]
                    assert await i18n.route_title(title, item.route, "pl") == pl
                    assert await i18n.route_title(title, item.route, "en") == en
        assert checked > 200
        for pack in assets.i18n.values():
            path = pack.url.removeprefix(sim.web_url)
            assert sim.stats.asset_requests[path] <= 1, path


async def test_unknown_language_falls_back_to_english(
    sim: Simulator, session: aiohttp.ClientSession
) -> None:
    fetcher = AssetFetcher(session, sim.web_url)
    i18n = I18n(fetcher, await discover(fetcher))
    assert i18n.fallback_order("de") == ("en", "pl")
    assert i18n.fallback_order("PL") == ("pl", "en")
    assert await i18n.translate(
        "MAINMENU_USTAWIENIA_KOTLA", "de"
    ) == await i18n.translate("MAINMENU_USTAWIENIA_KOTLA", "en")
    # a label that looks dotted but is no token of a known namespace is a label
    assert await i18n.translate("parameters.STATUS_P5_16", "pl") == "P5.s16"
    assert await i18n.translate("nonexistent.token", "pl") is None


# --------------------------------------------------------------------------- our own packs

INDEX = """
const langs={
 "../../resources/languages/pl/parameters.json":()=>d(()=>import("./parameters-Pl-11111.js"),[]).then(e=>e.default),
 "../../resources/languages/en/parameters.json":()=>d(()=>import("./parameters-En-22222.js"),[]).then(e=>e.default),
 "../../resources/languages/pl/app.json":()=>d(()=>import("./app-Pl-33333.js"),[]).then(e=>e.default),
 "../../resources/languages/en/app.json":()=>d(()=>import("./app-En-44444.js"),[]).then(e=>e.default),
 "../../resources/languages/pl/diodeState.json":()=>d(()=>import("./diodeState-Pl-5.js"),[]).then(e=>e.default),
 "../../resources/languages/pl/routes.json":()=>d(()=>import("./routes-Pl-6.js"),[]).then(e=>e.default),
 "../../resources/languages/pl/menu.json":()=>d(()=>import("./menu-Pl-7.js"),[]).then(e=>e.default),
 "../../resources/languages/pl/MAINMENU_MENU_TERMOSTATU.json":()=>d(()=>import("./MAINMENU_MENU_TERMOSTATU-dd-4.js"),[]).then(e=>e.default),
 "../../resources/languages/en/MAINMENU_MENU_TERMOSTATU.json":()=>d(()=>import("./MAINMENU_MENU_TERMOSTATU-ee-5.js"),[]).then(e=>e.default),
 "../../resources/languages/en/units.json":()=>d(()=>import("./units-En-8.js"),[]).then(e=>e.default)
};
"""

PACKS = {
    "/assets/parameters-Pl-11111.js": (
        "export default{'PARAM_66':'Temperatura\\x20zadana','PARAM_1':'app.one.hop1',"
        "'PARAM_2':'app.one.deep.h1','STATUS_P5_16':'P5.s16','PARAM_3':'Temp.\\x20kotła',"
        "'PARAM_4':'diodeState.on','PARAM_5':0x1f};"
    ),
    "/assets/parameters-En-22222.js": (
        "const t={PARAM_66:'Set\\u0020temperature',\"PARAM_7\":'Only\\u{20}English'};"
        "export{t as default};"
    ),
    "/assets/app-Pl-33333.js": (
        "export default{one:{hop1:'Pompa \\u0142adowania','deep':{'h1':'app.one.deep.h2',"
        "h2:'app.one.deep.h3',h3:'app.one.deep.h4',h4:'app.one.deep.h5',h5:'app.one.deep.h6',"
        "h6:'Too deep'},'loop':'app.one.loop'},'lang.pl':'Polski'};"
    ),
    "/assets/app-En-44444.js": "export default{one:{hop1:'Charging pump'}};",
    "/assets/diodeState-Pl-5.js": "export default{on:'Włączona',off:'Wyłączona'};",
    "/assets/routes-Pl-6.js": "export default{modules:{menu:{dhw:'Ustawienia CWU'}}};",
    "/assets/menu-Pl-7.js": "export default{'MENU_X':'Menu iks'};",
    "/assets/MAINMENU_MENU_TERMOSTATU-dd-4.js": "export default'Menu termostat\\xF3w';",
    "/assets/MAINMENU_MENU_TERMOSTATU-ee-5.js": "export default 'Thermostat menu';",
    "/assets/units-En-8.js": "export default{1:'°C',2200:{0:'off','1':'on'}};",
}


@pytest.fixture
async def packs(session: aiohttp.ClientSession) -> AsyncIterator[tuple[I18n, Site]]:
    """Serve our own index and packs; yield (I18n, site)."""
    async with serve(dict(PACKS)) as site:
        fetcher = fetcher_for(session, site.url)
        assets = read_index(INDEX, f"{site.url}/assets/index-Own-1.js")
        yield I18n(fetcher, assets), site


async def test_labels_escapes_and_export_forms(packs: tuple[I18n, Site]) -> None:
    i18n, _site = packs
    assert await i18n.translate("parameters.PARAM_66", "pl") == "Temperatura zadana"
    assert await i18n.translate("parameters.PARAM_66", "en") == "Set temperature"
    assert await i18n.translate("parameters.PARAM_7", "en") == "Only English"
    assert await i18n.translate("MAINMENU_MENU_TERMOSTATU", "pl") == "Menu termostatów"
    assert await i18n.translate("MAINMENU_MENU_TERMOSTATU", "en") == "Thermostat menu"
    assert await i18n.translate("units.2200.1", "en") == "on"
    assert await i18n.translate("units.1", "pl") == "°C"  # only English has units
    assert await i18n.translate("parameters.PARAM_5", "pl") == "31"
    assert await i18n.translate("app.lang.pl", "pl") == "Polski"  # a key with a dot


async def test_chained_tokens_and_language_fallback(packs: tuple[I18n, Site]) -> None:
    i18n, _site = packs
    # requested → en → pl
    assert await i18n.translate("parameters.PARAM_1", "en") == "Charging pump"
    assert await i18n.translate("parameters.PARAM_1", "pl") == "Pompa ładowania"
    assert await i18n.translate("parameters.PARAM_66", "de") == "Set temperature"
    assert await i18n.translate("parameters.PARAM_1", "de") == "Charging pump"
    # the English parameters pack lacks PARAM_4: Polish, through a case-insensitive namespace
    assert await i18n.translate("parameters.PARAM_4", "en") == "Włączona"
    assert await i18n.translate("DIODESTATE.off", "en") == "Wyłączona"
    # four hops are followed, five are not; loops end
    assert await i18n.translate_in("app.one.deep.h3", "pl") == "Too deep"
    assert await i18n.translate_in("app.one.deep.h2", "pl") == "Too deep"
    assert await i18n.translate_in("parameters.PARAM_2", "pl") is None
    assert await i18n.translate("app.one.loop", "pl") is None
    # labels that merely contain dots stay labels
    assert await i18n.translate("parameters.STATUS_P5_16", "pl") == "P5.s16"
    assert await i18n.translate("parameters.PARAM_3", "pl") == "Temp. kotła"
    assert await i18n.translate("parameters.MISSING", "pl") is None
    assert await i18n.translate("", "pl") is None


async def test_route_titles(packs: tuple[I18n, Site]) -> None:
    i18n, _site = packs
    assert (
        await i18n.route_title("MAINMENU_MENU_TERMOSTATU", None, "pl")
        == "Menu termostatów"
    )
    assert (
        await i18n.route_title("routes.modules.menu.dhw", None, "pl")
        == "Ustawienia CWU"
    )
    assert await i18n.route_title("modules.menu.dhw", None, "en") == "Ustawienia CWU"
    assert await i18n.route_title("MENU_X", None, "pl") == "Menu iks"
    assert await i18n.route_title(None, "modules.menu.dhw", "pl") == "Ustawienia CWU"
    assert await i18n.route_title("UNKNOWN", "modules.menu.nope", "pl") is None


async def test_each_pack_is_fetched_once(packs: tuple[I18n, Site]) -> None:
    i18n, site = packs
    await asyncio.gather(
        *(i18n.translate("parameters.PARAM_66", "pl") for _ in range(10)),
        i18n.preload(["pl", "en"]),
        i18n.preload(["pl"], ["PARAMETERS"]),
    )
    await i18n.translate("parameters.PARAM_1", "pl")
    hits = site.hits
    assert hits["/assets/parameters-Pl-11111.js"] == 1
    assert hits["/assets/app-Pl-33333.js"] == 1
    assert all(count == 1 for count in hits.values()), hits


async def test_unusable_packs_are_absent(session: aiohttp.ClientSession) -> None:
    broken = dict(PACKS)
    broken["/assets/parameters-En-22222.js"] = "export default 42;"
    del broken["/assets/app-En-44444.js"]  # 404
    async with serve(broken) as site:
        fetcher = fetcher_for(session, site.url)
        i18n = I18n(fetcher, read_index(INDEX, f"{site.url}/assets/index-Own-1.js"))
        assert await i18n.pack("en", "parameters") is None
        assert await i18n.pack("en", "app") is None
        assert await i18n.pack("xx", "app") is None
        # Polish still answers
        assert await i18n.translate("parameters.PARAM_66", "en") == "Temperatura zadana"
        assert await i18n.translate("parameters.PARAM_1", "en") == "Pompa ładowania"


# --------------------------------------------------------------------------- pure helpers


def test_pack_from_source_forms() -> None:
    assert pack_from_source("export default{a:{b:'c\\x20d'}};") == {"a": {"b": "c d"}}
    assert pack_from_source("const x={'k':'v'};export{x as default};") == {"k": "v"}
    assert pack_from_source("export default`Tytu\\u0142`;") == "Tytuł"
    for bad in ("export default 1;", "const a={};", "", "export default [1];"):
        with pytest.raises(I18nError) as caught:
            pack_from_source(bad, url="http://h/x.js")
        assert caught.value.step == "i18n"
        assert caught.value.url == "http://h/x.js"
    with pytest.raises(I18nError):
        pack_from_source(None)  # type: ignore[arg-type]


def test_lookup_and_split() -> None:
    pack: dict[str, JsValue] = {
        "a": {"b": {"c": "deep"}, "x.y": "flat"},
        "n": 1.5,
        "t": True,
    }
    assert lookup(pack, "a.b.c") == "deep"
    assert lookup(pack, "a.x.y") == "flat"
    assert lookup(pack, "n") == "1.5"
    assert lookup(pack, "t") is None
    assert lookup(pack, "a.b") is None
    assert lookup(pack, "") is None
    assert lookup("Title", "") == "Title"
    assert lookup("Title", "x") is None
    assert split_token("parameters.PARAM_66") == ("parameters", "PARAM_66")
    assert split_token("units.2200.1") == ("units", "2200.1")
    assert split_token("MAINMENU_X") == ("MAINMENU_X", "")
