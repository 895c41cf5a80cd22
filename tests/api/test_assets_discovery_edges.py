"""Asset discovery at its edges (PROTOCOL.md §1.5, §4.1-§4.3, §4.8).

Network behaviour runs against the simulator's web host on 127.0.0.1 (its ``bundle``
fault) and, where the simulator cannot answer that way (Last-Modified validators, a
chunked body), against a small web host of our own on 127.0.0.1. Table readers are
fed index sources directly.
"""

from __future__ import annotations

import aiohttp
from aiohttp import web
import pytest

from custom_components.bragerone.api.assets import discovery
from custom_components.bragerone.api.assets.discovery import (
    AssetFetchError,
    AssetIndex,
    DiscoveryError,
    LanguageConfig,
    discover,
    guess_basename,
    i18n_table,
    language_config,
    menu_table,
    read_index,
    resolve_asset_url,
    split_hashed_name,
)
from custom_components.bragerone.api.assets.js import parse
from simulator import Simulator

from .test_assets_discovery import INDEX, fetcher_for, serve

INDEX_URL = "http://host/assets/index-Ab-1.js"


# --------------------------------------------------------------------------- the simulator's web host


async def test_a_body_over_the_size_limit_is_refused_unretried(
    sim: Simulator, session: aiohttp.ClientSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = sim.bundle.index_path
    monkeypatch.setattr(discovery, "MAX_SOURCE_BYTES", 1000)
    fetcher = fetcher_for(session, sim.web_url)
    with pytest.raises(AssetFetchError) as caught:
        await fetcher.fetch(path)
    assert "too large" in str(caught.value)
    assert caught.value.status == 200
    assert caught.value.url == f"{sim.web_url}{path}"
    assert sim.stats.asset_requests[path] == 1
    assert path not in {u.removeprefix(sim.web_url) for u in fetcher.cache}


async def test_an_emptied_index_is_skipped_and_named_in_the_error(
    sim: Simulator, session: aiohttp.ClientSession
) -> None:
    sim.faults.bundle = "empty"
    path = sim.bundle.index_path
    with pytest.raises(DiscoveryError) as caught:
        await discover(fetcher_for(session, sim.web_url), known_index=path)
    assert caught.value.step == "index"
    assert f"{sim.web_url}{path}" in str(caught.value)
    assert sim.stats.asset_requests[path] == 1
    sim.faults.bundle = None
    assets = await discover(fetcher_for(session, sim.web_url), known_index=path)
    assert assets.index_url == f"{sim.web_url}{path}"


# --------------------------------------------------------------------------- our own web host


async def test_last_modified_is_revalidated_with_if_modified_since(
    session: aiohttp.ClientSession,
) -> None:
    stamp = "Wed, 01 Jan 2025 00:00:00 GMT"
    seen: list[dict[str, str]] = []

    async def dated(request: web.Request) -> web.Response:
        seen.append(dict(request.headers))
        if request.headers.get("If-Modified-Since") == stamp:
            return web.Response(status=304)
        return web.Response(text="body", headers={"Last-Modified": stamp})

    async with serve({"/assets/x-1.js": dated}) as site:
        fetcher = fetcher_for(session, site.url)
        first = await fetcher.fetch("/assets/x-1.js")
        second = await fetcher.fetch("/assets/x-1.js")
    assert (first.status, first.text, first.revalidated) == (200, "body", False)
    assert (second.status, second.text, second.revalidated) == (304, "body", True)
    assert "If-Modified-Since" not in seen[0]
    assert seen[1]["If-Modified-Since"] == stamp
    assert "If-None-Match" not in seen[1]


async def test_a_chunked_body_over_the_size_limit_is_refused(
    session: aiohttp.ClientSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def chunked(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()
        response.enable_chunked_encoding()
        await response.prepare(request)
        for _ in range(4):
            await response.write(b"x" * 40)
        await response.write_eof()
        return response

    monkeypatch.setattr(discovery, "MAX_SOURCE_BYTES", 100)
    async with serve({"/big.js": chunked, "/small.js": "y" * 100}) as site:
        fetcher = fetcher_for(session, site.url)
        with pytest.raises(AssetFetchError, match="160 bytes is too large") as caught:
            await fetcher.fetch("/big.js")
        # a body of exactly the limit is fine
        assert await fetcher.fetch_text("/small.js") == "y" * 100
    assert caught.value.status == 200
    assert site.hits["/big.js"] == 1


async def test_a_failed_known_index_is_not_fetched_again_from_the_page(
    session: aiohttp.ClientSession,
) -> None:
    html = (
        '<script type="module" src="/assets/index-Aa1.js"></script>'
        '<link rel="modulepreload" href="/assets/index-Bb2.js">'
    )
    async with serve(
        {"/": html, "/assets/index-Aa1.js": "  \n", "/assets/index-Bb2.js": INDEX}
    ) as site:
        assets = await discover(
            fetcher_for(session, site.url), known_index="/assets/index-Aa1.js"
        )
    assert assets.index_file == "index-Bb2.js"
    assert site.hits["/assets/index-Aa1.js"] == 1
    assert site.hits["/assets/index-Bb2.js"] == 1


# --------------------------------------------------------------------------- names and tables


def test_file_names_and_references() -> None:
    assert split_hashed_name("info-Bpu026-3.css", "info") is None
    assert guess_basename("vendor.js") == "vendor"
    assert guess_basename("a.b-c.d.js") == "a.b-c.d"  # no hash after the hyphen
    index = AssetIndex.from_program(
        parse('const a=["./info-Bpu026-3.js","./PARAM_66-AbCdEf12.js"];'), INDEX_URL
    )
    assert index.basenames() == {
        "info": "http://host/assets/info-Bpu026-3.js",
        "PARAM_66": "http://host/assets/PARAM_66-AbCdEf12.js",
    }
    absolute = "https://cdn.example/assets/x-1.js"
    assert resolve_asset_url(INDEX_URL, absolute) == absolute


def test_menu_and_i18n_keys_that_do_not_parse_are_skipped() -> None:
    source = """
    const m={
      "/src/config/router/deviceMenu/x/0.ts":()=>_(()=>import('./0-AAAA1111.js'),[]),
      "/src/config/router/deviceMenu/7":()=>_(()=>import('./7-AAAA1111.js'),[]),
      "/src/config/router/deviceMenu/5/lite":()=>_(()=>import('./lite-AAAA1111.js'),[])
    };
    const l={
      "../../resources/languages/pl":()=>d(()=>import("./pl-BBBB1111.js"),[]),
      "../../resources/old-languages/pl/app.json":()=>d(()=>import("./app-BBBB2222.js"),[]),
      "../../resources/languages/pl/.json":()=>d(()=>import("./x-BBBB3333.js"),[]),
      "../../resources/languages/EN/Units.js":()=>d(()=>import("./units-BBBB4444.js"),[])
    };
    """
    program = parse(source)
    menus = menu_table(program, INDEX_URL)
    assert list(menus) == [5]
    assert [(v.variant, v.url) for v in menus[5]] == [
        ("lite", "http://host/assets/lite-AAAA1111.js")
    ]
    table = i18n_table(program, INDEX_URL)
    assert list(table) == [("en", "units")]
    assert table["en", "units"].namespace == "Units"


def test_language_config_skips_odd_translations() -> None:
    source = """
    const small={translations:'pl'};
    const cfg={'translations':[
      'pl', {'id':''}, {'flag':0x1}, {'id':'PL','flag':'pl'}, {'id':'PL','variants':{'153':{'1':'PL_A','2':0x2},'9':'x'}},
      {'flag':'EN','variants':[]}
    ],'defaultTranslation':''};
    """
    config = language_config(parse(source))
    assert config.languages == ("pl", "en")
    assert config.default is None
    assert config.variants == {"pl": {"153": {"1": "PL_A"}}}
    assert config.variant_pack("PL", 153, 1) == "PL_A"
    assert config.variant_pack("pl", None, 1) is None
    assert config.variant_pack("pl", 153, None) is None
    assert language_config(parse("const a={translations:'pl'};")) == LanguageConfig()


def test_an_index_that_cannot_be_parsed_names_the_step() -> None:
    with pytest.raises(DiscoveryError) as caught:
        read_index("const a='\ud800';", INDEX_URL)  # not encodable as UTF-8
    assert caught.value.step == "index"
    assert caught.value.url == INDEX_URL
    assert "cannot be parsed" in str(caught.value)
