"""Asset discovery and fetching (PROTOCOL.md §1.5, §4.1-§4.3, §4.8) over real loopback HTTP."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
import contextlib
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
from aiohttp import web
import pytest

from custom_components.bragerone.api import BragerOneClient
from custom_components.bragerone.api.assets import AssetError, parse
from custom_components.bragerone.api.assets.discovery import (
    AssetFetcher,
    AssetFetchError,
    AssetIndex,
    CachedAsset,
    DirectorySource,
    DiscoveryError,
    WebAppAssets,
    discover,
    guess_basename,
    i18n_table,
    index_references,
    language_config,
    menu_table,
    read_index,
    resolve_asset_url,
    split_hashed_name,
)
from custom_components.bragerone.api.assets.i18n import I18n
from custom_components.bragerone.api.assets.menu import parse_menu
from simulator import Simulator
from simulator.webapp import generate_bundle

from .conftest import server_of

SEEDS = [(seed, False) for seed in range(6)] + [(0, True)]

type Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


# --------------------------------------------------------------------------- a small web host


@dataclass
class Site:
    """A tiny web host of our own on 127.0.0.1: path → body or handler, with request records."""

    routes: dict[str, str | Handler] = field(default_factory=dict)
    hits: Counter[str] = field(default_factory=Counter)
    headers: list[dict[str, str]] = field(default_factory=list)
    url: str = ""

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """Serve one request."""
        self.hits[request.path] += 1
        self.headers.append(dict(request.headers))
        route = self.routes.get(request.path)
        if route is None:
            return web.Response(status=404, text="Not Found")
        if isinstance(route, str):
            return web.Response(text=route, content_type="text/html")
        return await route(request)


@contextlib.asynccontextmanager
async def serve(routes: Mapping[str, str | Handler]) -> AsyncIterator[Site]:
    """Serve ``routes`` on a free loopback port for the duration of the block."""
    site = Site(routes=dict(routes))
    app = web.Application()
    app.router.add_get("/{path:.*}", site.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    port = int(runner.addresses[0][1])
    site.url = f"http://127.0.0.1:{port}"
    try:
        yield site
    finally:
        await runner.cleanup()


def fetcher_for(
    session: aiohttp.ClientSession, base: str, **kwargs: object
) -> AssetFetcher:
    """Return a fetcher with short retry delays."""
    options: dict[str, object] = {"retry_delays": (0.01, 0.02), "timeout": 2.0}
    options.update(kwargs)
    return AssetFetcher(session, base, **options)  # type: ignore[arg-type]


INDEX = """
const __vite__mapDeps=(i,m=__vite__mapDeps,d=(m.f||(m.f=["assets/ModuleView-AbCdEf12.js","assets/info-Bpu026-3.js"])))=>i.map(i=>d[i]);
const menus=Object.assign({
  "../config/router/deviceMenu/153/module.menu.ts":()=>d(()=>import("./module.menu-Bq7-Xy12.js"),__vite__mapDeps([0])),
  "/src/config/router/deviceMenu/7/module.menu.ts":()=>f(()=>import('./module.menu-Cc3_Pp9-.js'),[]),
  "/src/config/router/deviceMenu/0/lite.ts":()=>_(()=>import('./lite-Zz-1Yy2x.js'),[]),
  "/src/config/router/deviceMenu/0/0.ts":()=>_(()=>import('./0-r9AwvEAY.js'),[]),
  "/src/config/router/deviceMenu/9/tis.ts":()=>_(()=>import('./tis-Qq1-Ww2e.js'),[]),
  "/src/config/router/deviceMenu/9/legacy.ts":()=>_(()=>import('./legacy-Qq1-Ww2f.js'),[])
});
const langs=Object.assign({
  "../../resources/languages/pl/parameters.json":()=>d(()=>import("./parameters-Pl2_bbbb.js"),[]).then(e=>e.default),
  "../../resources/languages/en/parameters.json":()=>d(()=>import("./parameters-En2-bbbb.js"),[]).then(e=>e['default']),
  "../../resources/languages/pl/diodeState.json":()=>d(()=>import("./diodeState-Pl3-cccc.js"),[]).then(e=>e.default),
  "../../resources/languages/pl/MAINMENU_MENU_TERMOSTATU.json":()=>d(()=>import("./MAINMENU_MENU_TERMOSTATU-dd-4.js"),[]).then(e=>e.default)
});
const cfg={'translations':[{'id':'PL','flag':'pl','variants':{'153':{'1201':'PL_5_RTP_TIS'}}},{'id':'EN','flag':'en'}],'defaultTranslation':'pl'};
export{menus as a,langs as b,cfg as c};
"""


def fixture_assets(source: str = INDEX) -> WebAppAssets:
    """Read our own index fixture as if served at ``http://host/assets/index-Ab-1.js``."""
    return read_index(source, "http://host/assets/index-Ab-1.js")


# --------------------------------------------------------------------------- the simulator's bundle


@pytest.mark.parametrize(("seed", "readable"), SEEDS)
async def test_discovery_finds_index_menus_and_every_i18n_pack(
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
        truth = sim.bundle.ground_truth
        assert assets.index_file == truth["index_file"]
        assert assets.index_url == f"{sim.web_url}{sim.bundle.index_path}"
        version = (await client.system_version()).version
        assert assets.fingerprint(version) == f"{version}|{truth['index_file']}"
        assert assets.default_language == truth["default_language"]
        assert set(assets.languages.languages) == {"pl", "en"}

        modules = await client.modules(sim.object_id)
        assert {m.devid for m in modules} == set(truth["modules"])
        for module in modules:
            assert module.device_menu == truth["modules"][module.devid]["device_menu"]
            url = assets.menu_url(module.device_menu)
            routes = parse_menu(await fetcher.fetch_text(url), url=url)
            names = {r.get("name") for r in routes if isinstance(r, dict)}
            assert "modules.menu.info" in names  # the real chunk, not the decoy variant
            assert "modules.menu.overview" not in names

        served = {p for p in sim.bundle.files if p.startswith("/assets/")}
        i18n_paths = {
            pack.url.removeprefix(sim.web_url) for pack in assets.i18n.values()
        }
        assert i18n_paths <= served
        assert len(i18n_paths) == len(assets.i18n) > 20
        i18n = I18n(fetcher, assets)
        await i18n.preload(["pl", "en"])
        for language, namespace in assets.i18n:
            assert await i18n.pack(language, namespace) is not None, namespace
        for path in i18n_paths:
            assert sim.stats.asset_requests[path] == 1  # each pack fetched once


async def test_second_fetch_is_revalidated_with_etag(
    sim: Simulator, session: aiohttp.ClientSession
) -> None:
    fetcher = fetcher_for(session, sim.web_url)
    path = sim.bundle.index_path
    first = await fetcher.fetch(path)
    second = await fetcher.fetch(path)
    assert first.status == 200
    assert not first.revalidated
    assert second.status == 304
    assert second.revalidated
    assert second.text == first.text == sim.bundle.files[path]
    assert sim.stats.asset_requests[path] == 2
    # a cache handed to the next build is reused the same way
    shared: dict[str, CachedAsset] = {}
    await fetcher_for(session, sim.web_url, cache=shared).fetch(path)
    again = await fetcher_for(session, sim.web_url, cache=shared).fetch(path)
    assert again.revalidated
    assert again.text == first.text


async def test_empty_bundle_fails_at_the_index_step(
    sim: Simulator, session: aiohttp.ClientSession
) -> None:
    sim.faults.bundle = "empty"
    with pytest.raises(DiscoveryError) as caught:
        await discover(fetcher_for(session, sim.web_url))
    assert caught.value.step == "index"
    assert "index" in str(caught.value)


async def test_broken_bundle_ends_in_a_step_error(
    sim: Simulator, session: aiohttp.ClientSession
) -> None:
    sim.faults.bundle = "broken"
    # the truncated index keeps its head (asset list, menu table) but loses the tail
    with pytest.raises(DiscoveryError) as caught:
        await discover(fetcher_for(session, sim.web_url))
    assert caught.value.step in {"index", "i18n"}


async def test_stale_known_index_is_rediscovered(
    sim: Simulator, session: aiohttp.ClientSession
) -> None:
    fetcher = fetcher_for(session, sim.web_url)
    assets = await discover(fetcher, known_index="/assets/index-OLDdeploy.js")
    assert assets.index_file == sim.bundle.ground_truth["index_file"]
    assert sim.stats.asset_requests["/assets/index-OLDdeploy.js"] == 1
    same = await discover(fetcher, known_index=assets.index_url)
    assert same.index_file == assets.index_file
    assert sim.stats.asset_requests["/"] == 1  # the known index was enough


# --------------------------------------------------------------------------- fetching on our own host


async def test_retries_503_and_429_then_succeeds(
    session: aiohttp.ClientSession,
) -> None:
    answers = iter([503, 429, 200])

    async def flaky(_request: web.Request) -> web.Response:
        status = next(answers)
        return web.Response(status=status, text="ok" if status == 200 else "busy")

    async with serve({"/assets/x-1.js": flaky}) as site:
        fetcher = fetcher_for(session, site.url)
        assert await fetcher.fetch_text("/assets/x-1.js") == "ok"
        assert site.hits["/assets/x-1.js"] == 3
        assert fetcher.requests == 3


async def test_gives_up_after_the_attempts(session: aiohttp.ClientSession) -> None:
    async def down(_request: web.Request) -> web.Response:
        return web.Response(status=502, text="<html>Bad Gateway</html>")

    async with serve({"/a.js": down}) as site:
        with pytest.raises(AssetFetchError) as caught:
            await fetcher_for(session, site.url, attempts=2).fetch("/a.js")
        assert caught.value.status == 502
        assert caught.value.step == "fetch"
        assert site.hits["/a.js"] == 2


async def test_links_to_other_hosts_are_never_fetched(
    session: aiohttp.ClientSession,
) -> None:
    """A page pointing off the web host (or from https to http) is refused, unsent."""
    async with serve({"/a.js": lambda _r: _ok("x")}) as other, serve({}) as site:
        fetcher = fetcher_for(session, site.url)
        with pytest.raises(AssetFetchError) as caught:
            await fetcher.fetch(f"{other.url}/a.js")
        assert caught.value.step == "fetch"
        assert other.hits["/a.js"] == 0
    secure = fetcher_for(session, "https://one.brager.pl")
    with pytest.raises(AssetFetchError):
        await secure.fetch("http://one.brager.pl/assets/index-AbC.js")
    assert secure.requests == 0


async def _ok(text: str) -> web.Response:
    return web.Response(text=text)


async def test_404_is_not_retried(session: aiohttp.ClientSession) -> None:
    async with serve({}) as site:
        with pytest.raises(AssetFetchError) as caught:
            await fetcher_for(session, site.url).fetch("/missing.js")
        assert caught.value.status == 404
        assert site.hits["/missing.js"] == 1


async def test_timeouts_are_retried_then_reported(
    session: aiohttp.ClientSession,
) -> None:
    release = asyncio.Event()

    async def hang(_request: web.Request) -> web.Response:
        await release.wait()
        return web.Response(text="late")

    async with serve({"/slow.js": hang}) as site:
        fetcher = fetcher_for(session, site.url, timeout=0.05, attempts=2)
        with pytest.raises(AssetFetchError) as caught:
            await fetcher.fetch("/slow.js")
        release.set()
        assert caught.value.status is None
        assert "TimeoutError" in str(caught.value)
        assert fetcher.requests == 2


async def test_headers_and_bounded_concurrency(session: aiohttp.ClientSession) -> None:
    in_flight = 0
    peak = 0
    four_in = asyncio.Event()

    async def counted(_request: web.Request) -> web.Response:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        if in_flight >= 4:
            four_in.set()
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(0.2):
                await four_in.wait()
        in_flight -= 1
        return web.Response(text="x")

    routes: dict[str, str | Handler] = {f"/c{i}.js": counted for i in range(10)}
    async with serve(routes) as site:
        fetcher = fetcher_for(session, site.url)
        bodies = await asyncio.gather(
            *(fetcher.fetch_text(f"c{i}.js") for i in range(10))
        )
    assert bodies == ["x"] * 10
    assert peak <= 4
    for headers in site.headers:
        assert headers["Origin"] == site.url
        assert headers["Referer"] == f"{site.url}/"
        assert "Authorization" not in headers


# --------------------------------------------------------------------------- §4.1 fallbacks


async def test_index_from_the_assets_listing(session: aiohttp.ClientSession) -> None:
    listing = '<html><body><a href="ModuleView-Ab12Cd34.js">x</a><a href="index-Zz-9_x.js">i</a></body></html>'
    async with serve(
        {
            "/": "<html><head></head><body>no script here</body></html>",
            "/assets/": listing,
            "/assets/index-Zz-9_x.js": INDEX,
        }
    ) as site:
        assets = await discover(fetcher_for(session, site.url))
    assert assets.index_file == "index-Zz-9_x.js"
    assert assets.index_url == f"{site.url}/assets/index-Zz-9_x.js"


@pytest.mark.parametrize("guess", ["/assets/index-main.js", "/assets/index.js"])
async def test_index_last_ditch_guesses(
    guess: str, session: aiohttp.ClientSession
) -> None:
    async with serve({"/": "<html></html>", guess: INDEX}) as site:
        assets = await discover(fetcher_for(session, site.url))
    assert assets.index_url == f"{site.url}{guess}"
    assert assets.menu_url(153).endswith("/assets/module.menu-Bq7-Xy12.js")


async def test_no_index_anywhere_names_the_step(session: aiohttp.ClientSession) -> None:
    async with serve(
        {"/": "<html><script src='/assets/app-1.js'></script></html>"}
    ) as site:
        with pytest.raises(DiscoveryError) as caught:
            await discover(fetcher_for(session, site.url))
    assert caught.value.step == "index"
    assert "index-main.js" in str(caught.value)


async def test_a_page_that_is_not_the_index_names_the_step(
    session: aiohttp.ClientSession,
) -> None:
    html = '<script type="module" src="/assets/index-Aa1.js"></script>'
    async with serve({"/": html, "/assets/index-Aa1.js": "export default 1;"}) as site:
        with pytest.raises(DiscoveryError) as caught:
            await discover(fetcher_for(session, site.url))
    assert caught.value.step == "index"


def test_index_references_read_html_attributes() -> None:
    html = """<!doctype html><html><head>
      <link rel="modulepreload" href="/assets/index-Pre-load1.js">
      <script type="module" crossorigin src="/assets/index-Bpu026-3.js"></script>
      <script src="/assets/vendor-Ab12.js"></script>
      <link rel="stylesheet" href="/assets/index-Xy.css">
      <!-- <script src="/assets/index-Comment1.js"></script> -->
    </head><body><a href="index-Listed.js">x</a></body></html>"""
    assert index_references(html) == [
        "/assets/index-Bpu026-3.js",
        "/assets/index-Pre-load1.js",
        "index-Listed.js",
    ]
    assert index_references("not html at all <<<") == []


# --------------------------------------------------------------------------- §4.2 asset index


def test_hashed_names_split_against_the_known_basename() -> None:
    assert split_hashed_name("info-Bpu026-3.js", "info") == "Bpu026-3"
    assert split_hashed_name("tariff-Db9Vj8s-.js", "tariff") == "Db9Vj8s-"
    assert split_hashed_name("module.menu-QdN-PDv-.js", "module.menu") == "QdN-PDv-"
    assert (
        split_hashed_name("MAINMENU_USTAWIENIA_CWU-VKuNPQ1-.js", "MAINMENU_USTAWIENIA")
        is None
    )
    assert split_hashed_name("PARAM_66-AbC1.js", "PARAM_6") is None
    assert split_hashed_name("PARAM_66-.js", "PARAM_66") is None
    assert split_hashed_name("PARAM_66-A$b.js", "PARAM_66") is None
    assert (
        guess_basename("MAINMENU_USTAWIENIA_OBIEGOW--Pe5I8x-.js")
        == "MAINMENU_USTAWIENIA_OBIEGOW"
    )
    assert guess_basename("PARAM_66-AbC1.js") == "PARAM_66"


def test_asset_index_resolves_and_last_hash_wins() -> None:
    source = """
      const a=["assets/module.menu-AbC1.js","assets/info-Bpu026-3.js","../parameters/write/PARAM_66-AbC1.js",
               "./PARAM_66-ZzZ9.js","./0-r9AwvEAY.js","./a-b-12345678.js","./a-Xy.js"];
    """
    index = AssetIndex.from_program(
        parse(source), "https://one.example/assets/index-Q-1.js"
    )
    assert index.find("info") == "https://one.example/assets/info-Bpu026-3.js"
    assert index.find("module.menu") == "https://one.example/assets/module.menu-AbC1.js"
    assert index.find("PARAM_66") == "https://one.example/assets/PARAM_66-ZzZ9.js"
    assert index.find("0") == "https://one.example/assets/0-r9AwvEAY.js"
    assert index.find("a-b") == "https://one.example/assets/a-b-12345678.js"
    assert index.find("nothing") is None
    assert (
        resolve_asset_url("https://h/assets/index-1.js", "assets/x-1.js")
        == "https://h/assets/x-1.js"
    )
    assert (
        resolve_asset_url("https://h/assets/index-1.js", "./x-1.js")
        == "https://h/assets/x-1.js"
    )
    assert (
        resolve_asset_url("https://h/assets/index-1.js", "/assets/x-1.js")
        == "https://h/assets/x-1.js"
    )
    assert (
        resolve_asset_url("https://h/assets/index-1.js", "../x-1.js")
        == "https://h/x-1.js"
    )


# --------------------------------------------------------------------------- §4.3 menu table


def test_menu_table_reads_all_three_spellings() -> None:
    table = menu_table(parse(INDEX), "http://host/assets/index-Ab-1.js")
    assert [(v.variant, v.url) for v in table[153]] == [
        ("module.menu", "http://host/assets/module.menu-Bq7-Xy12.js")
    ]
    assert [v.variant for v in table[7]] == ["module.menu"]
    assert [v.variant for v in table[0]] == ["lite", "0"]
    assert [v.variant for v in table[9]] == ["tis", "legacy"]


def test_menu_variant_choice_and_fallbacks() -> None:
    assets = fixture_assets()
    assert assets.menu_url(0).endswith("/0-r9AwvEAY.js")  # variant 0 preferred
    assert assets.menu_url(9).endswith("/tis-Qq1-Ww2e.js")  # else the first
    assert assets.menu_url(7).endswith("/module.menu-Cc3_Pp9-.js")
    # no entry: basename module.menu (the last one listed), then basename 0
    assert assets.menu_url(4242).endswith("/module.menu-Cc3_Pp9-.js")
    assert assets.menu_url(None).endswith("/module.menu-Cc3_Pp9-.js")
    only_zero = INDEX.replace("module.menu-", "other-")
    assert fixture_assets(only_zero).menu_url(4242).endswith("/0-r9AwvEAY.js")


def test_no_menu_for_the_module_names_the_step() -> None:
    source = """const l={"../../resources/languages/pl/app.json":()=>d(()=>import("./app-Pl1-aaaa.js"),[])};"""
    assets = fixture_assets(source)
    with pytest.raises(DiscoveryError) as caught:
        assets.menu_url(153)
    assert caught.value.step == "menu"
    assert "153" in str(caught.value)
    assert isinstance(caught.value, AssetError)


# --------------------------------------------------------------------------- §4.8 i18n table, language config


def test_i18n_table_and_language_config() -> None:
    program = parse(INDEX)
    table = i18n_table(program, "http://host/assets/index-Ab-1.js")
    assert set(table) == {
        ("pl", "parameters"),
        ("en", "parameters"),
        ("pl", "diodestate"),
        ("pl", "mainmenu_menu_termostatu"),
    }
    assert table["pl", "diodestate"].namespace == "diodeState"
    assets = fixture_assets()
    assert (
        assets.i18n_url("PL", "DIODESTATE")
        == "http://host/assets/diodeState-Pl3-cccc.js"
    )
    assert (
        assets.i18n_url("en", "parameters")
        == "http://host/assets/parameters-En2-bbbb.js"
    )
    assert assets.i18n_url("en", "diodeState") is None
    config = language_config(program)
    assert config.languages == ("pl", "en")
    assert config.default == "pl"
    assert config.variant_pack("pl", 153, 1201) == "PL_5_RTP_TIS"
    assert config.variant_pack("en", 153, 1201) is None
    assert assets.default_language == "pl"
    assert assets.fingerprint("1.0.2501310630") == "1.0.2501310630|index-Ab-1.js"


def test_index_without_language_table_names_the_step() -> None:
    source = 'const m={"/src/config/router/deviceMenu/0/0.ts":()=>_(()=>import("./0-r9AwvEAY.js"),[])};'
    with pytest.raises(DiscoveryError) as caught:
        fixture_assets(source)
    assert caught.value.step == "i18n"


def test_language_config_missing_defaults() -> None:
    source = INDEX.replace("'defaultTranslation':'pl'", "'other':1").replace(
        "'translations'", "'nope'"
    )
    assets = fixture_assets(source)
    assert assets.languages.default is None
    assert assets.default_language == "pl"


# --------------------------------------------------------------------------- offline


async def test_a_saved_bundle_is_read_offline(tmp_path: Path) -> None:
    bundle = generate_bundle(4)
    for path, body in bundle.files.items():
        name = path.rsplit("/", 1)[-1] or "index.html"
        (tmp_path / name).write_text(body, encoding="utf-8")
    source = DirectorySource(tmp_path)
    assets = await discover(source)
    assert assets.index_file == bundle.ground_truth["index_file"]
    routes = parse_menu(await source.fetch_text(assets.menu_url(153)))
    assert routes
    i18n = I18n(source, assets)
    assert await i18n.translate("MAINMENU_TESTY", "en") == "Output and input tests"
    with pytest.raises(AssetFetchError) as caught:
        await source.fetch_text("/assets/missing-1.js")
    assert caught.value.status == 404
    (tmp_path / ".env").write_text("not an asset", encoding="utf-8")
    with pytest.raises(AssetFetchError):
        await source.fetch_text("/assets/.env")
