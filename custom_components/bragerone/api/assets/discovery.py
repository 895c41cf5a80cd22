"""Find and fetch the vendor's web-app assets: index, asset index, menu and i18n tables (PROTOCOL.md §4.1-§4.3, §4.8).

A catalogue build starts here::

    fetcher = AssetFetcher.from_client(client)         # the client's aiohttp session
    assets = await discover(fetcher)                    # HTML -> index-<hash>.js -> tables
    menu_source = await fetcher.fetch_text(assets.menu_url(module.device_menu))
    assets.fingerprint((await client.system_version()).version)

`AssetFetcher` sends the asset headers of §1.5 (``Origin``/``Referer``, never
``Authorization``), runs at most four requests at once, retries transport errors,
timeouts and HTTP 429/500/502/503/504 (three attempts, 0.2 s and 0.6 s apart), puts
``asyncio.timeout`` on every attempt, and keeps an ETag / Last-Modified cache so that a
URL fetched again during the build is revalidated (``If-None-Match`` → 304 → the stored
body). Every failure is a `DiscoveryError` whose `step` names what could not be done.

Nothing here executes JavaScript: the HTML is read with the standard library's
`html.parser`, the index with the tree-sitter reader of `.js`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, MutableMapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Protocol, Self
from urllib.parse import urljoin, urlsplit

import aiohttp

from .errors import AssetError, JsParseError
from .js import MAX_SOURCE_BYTES, Program, parse

if TYPE_CHECKING:
    from custom_components.bragerone.api.client import BragerOneClient

    from .values import JsValue

_LOGGER = logging.getLogger(__name__)

RETRY_STATUSES: Final = frozenset({429, 500, 502, 503, 504})
"""HTTP statuses an asset GET is retried on (PROTOCOL.md §1.5)."""
DEFAULT_ATTEMPTS: Final = 3
DEFAULT_RETRY_DELAYS: Final = (0.2, 0.6)
DEFAULT_CONCURRENCY: Final = 4
DEFAULT_TIMEOUT: Final = 8.0

HASH_CHARS: Final = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
)
"""Characters of a Vite content hash (PROTOCOL.md §4.1, §4.2)."""
VITE_HASH_LENGTH: Final = 8
"""Length of Vite's default content hash; preferred when a file name splits several ways."""

INDEX_FALLBACKS: Final = ("assets/index-main.js", "assets/index.js")
"""Last-ditch guesses for the index when neither the HTML nor ``/assets/`` names it (§4.1)."""

STEP_FETCH: Final = "fetch"
STEP_INDEX: Final = "index"
STEP_MENU: Final = "menu"
STEP_I18N: Final = "i18n"


class DiscoveryError(AssetError):
    """A step of reading the web-app assets failed.

    Attributes:
        step:
            What could not be done: ``"fetch"`` (an HTTP GET), ``"index"`` (no usable
            ``index-*.js``), ``"menu"`` (no menu chunk for the module, or an unreadable
            one), ``"i18n"`` (no language import table, or an unreadable pack).
        url:
            The URL concerned, when there is one.

    """

    def __init__(self, step: str, message: str, *, url: str | None = None) -> None:
        """Create the error of ``step`` (the message is prefixed with the step)."""
        super().__init__(f"{step}: {message}")
        self.step = step
        self.url = url


class AssetFetchError(DiscoveryError):
    """An asset GET failed for good: a non-retryable status, or retries exhausted.

    `status` is the last HTTP status, or None for a transport error or timeout.
    """

    def __init__(
        self,
        message: str,
        *,
        url: str,
        status: int | None = None,
        step: str = STEP_FETCH,
    ) -> None:
        """Create the error for ``url`` with the last ``status``."""
        super().__init__(step, message, url=url)
        self.status = status


# --------------------------------------------------------------------------- fetching


@dataclass(frozen=True, slots=True)
class CachedAsset:
    """One cached asset body with its validators (ETag / Last-Modified, §1.5)."""

    text: str
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True, slots=True)
class FetchedAsset:
    """The result of `AssetFetcher.fetch`.

    `status` is the HTTP status received (200, or 304 when the cached body was reused;
    `revalidated` says so).
    """

    url: str
    text: str
    status: int
    revalidated: bool = False


class AssetFetcher:
    """GET web-app assets with the client's aiohttp session (PROTOCOL.md §1.5).

    Args:
        session:
            The aiohttp session (never closed here).
        web_base:
            The web-app host, e.g. ``"https://one.brager.pl"``; sent as ``Origin`` and
            ``Referer`` and used to resolve relative paths.
        timeout:
            Seconds allowed for each attempt (request and body).
        attempts:
            Attempts per URL for retryable failures (transport errors, timeouts, HTTP
            429/500/502/503/504).
        retry_delays:
            Seconds to wait before the second, third, … attempt (the last is reused).
        concurrency:
            Requests in flight at once.
        cache:
            ETag / Last-Modified cache, URL → `CachedAsset`. A fresh dict by default, so
            the cache lives as long as the fetcher (one catalogue build).

    `requests` counts HTTP requests sent (retries included).

    """

    def __init__(
        self,
        session: aiohttp.ClientSession,
        web_base: str,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        attempts: int = DEFAULT_ATTEMPTS,
        retry_delays: Iterable[float] = DEFAULT_RETRY_DELAYS,
        concurrency: int = DEFAULT_CONCURRENCY,
        cache: MutableMapping[str, CachedAsset] | None = None,
    ) -> None:
        """Store the configuration; nothing is fetched here."""
        self.session = session
        self.web_base = web_base.rstrip("/")
        self.timeout = timeout
        self.attempts = max(1, attempts)
        self.retry_delays = tuple(retry_delays) or (0.0,)
        self.cache: MutableMapping[str, CachedAsset] = {} if cache is None else cache
        self.requests = 0
        self._semaphore = asyncio.Semaphore(max(1, concurrency))

    @classmethod
    def from_client(cls, client: BragerOneClient, **kwargs: Any) -> Self:
        """Return a fetcher on ``client``'s session and web host (options as in the constructor)."""
        kwargs.setdefault("timeout", client.request_timeout)
        return cls(client.session, client.server.web_base, **kwargs)

    @property
    def headers(self) -> dict[str, str]:
        """Return the asset request headers: ``Origin``, ``Referer``, ``Accept`` (no ``Authorization``)."""
        return {
            "Origin": self.web_base,
            "Referer": f"{self.web_base}/",
            "Accept": "*/*",
        }

    def url(self, path: str) -> str:
        """Return the absolute URL of ``path`` on the web host (absolute URLs pass through)."""
        if urlsplit(path).scheme:
            return path
        return urljoin(f"{self.web_base}/", path.lstrip("/") if path != "/" else "")

    async def fetch_text(self, path: str) -> str:
        """Return the body of ``path`` (see `fetch`)."""
        return (await self.fetch(path)).text

    async def fetch(self, path: str) -> FetchedAsset:
        """GET ``path`` (absolute or relative to the web host) and return its body.

        Sends ``If-None-Match`` / ``If-Modified-Since`` when the URL is cached and reuses
        the cached body on 304.

        Raises:
            AssetFetchError:
                HTTP status other than 200/304 that is not retryable (e.g. 404), a body
                larger than `MAX_SOURCE_BYTES`, or all attempts failed.

        """
        url = self.url(path)
        if _origin(url) != _origin(self.web_base):
            # Only the web host's own files are read: a link elsewhere in a (tampered)
            # page must not make us fetch from another host or drop TLS.
            msg = f"{url} is not on the web host {self.web_base}"
            raise AssetFetchError(msg, url=url, status=None)
        last_error = "no attempt made"
        last_status: int | None = None
        for attempt in range(self.attempts):
            if attempt:
                delay = self.retry_delays[min(attempt - 1, len(self.retry_delays) - 1)]
                await asyncio.sleep(delay)
            try:
                result = await self._attempt(url)
            except (TimeoutError, aiohttp.ClientError) as err:
                last_error = f"{type(err).__name__} (attempt {attempt + 1})"
                last_status = None
                _LOGGER.debug("asset GET %s failed: %s", url, last_error)
                continue
            if isinstance(result, FetchedAsset):
                return result
            last_status = result
            last_error = f"HTTP {result} (attempt {attempt + 1})"
            if result not in RETRY_STATUSES:
                break
            _LOGGER.debug("asset GET %s answered %s, retrying", url, result)
        msg = f"GET {url} failed: {last_error}"
        raise AssetFetchError(msg, url=url, status=last_status)

    async def _attempt(self, url: str) -> FetchedAsset | int:
        """Send one GET; return the asset, or the failing HTTP status."""
        headers = self.headers
        cached = self.cache.get(url)
        if cached is not None:
            if cached.etag:
                headers["If-None-Match"] = cached.etag
            if cached.last_modified:
                headers["If-Modified-Since"] = cached.last_modified
        async with self._semaphore, asyncio.timeout(self.timeout):
            self.requests += 1
            async with self.session.get(url, headers=headers) as response:
                status = response.status
                if status == 304 and cached is not None:
                    return FetchedAsset(url, cached.text, 304, revalidated=True)
                if status != 200:
                    return status
                length = response.content_length
                if length is not None and length > MAX_SOURCE_BYTES:
                    msg = f"GET {url}: body of {length} bytes is too large"
                    raise AssetFetchError(msg, url=url, status=status)
                data = await response.read()
                etag = response.headers.get("ETag")
                modified = response.headers.get("Last-Modified")
        if len(data) > MAX_SOURCE_BYTES:
            msg = f"GET {url}: body of {len(data)} bytes is too large"
            raise AssetFetchError(msg, url=url, status=status)
        text = data.decode("utf-8", errors="replace")
        if etag or modified:
            self.cache[url] = CachedAsset(text, etag, modified)
        return FetchedAsset(url, text, status)


class AssetSource(Protocol):
    """Where a build reads assets from: `AssetFetcher` (HTTP) or `DirectorySource` (a saved bundle)."""

    @property
    def web_base(self) -> str:
        """Return the web-app host (``Origin``; base of relative paths)."""

    def url(self, path: str) -> str:
        """Return the absolute URL of ``path``."""

    async def fetch_text(self, path: str) -> str:
        """Return the body of ``path``; raise `AssetFetchError` when it cannot be had."""


def _origin(url: str) -> tuple[str, str]:
    """Return the (scheme, host:port) of a URL, lower-cased."""
    parts = urlsplit(url)
    return parts.scheme.lower(), parts.netloc.lower()


class DirectorySource:
    """Read a saved bundle from a directory instead of the network (offline builds).

    A URL maps to the file named by its last path segment (``…/assets/index-Ab.js`` →
    ``<root>/index-Ab.js``); the page ``/`` and ``/assets/`` map to ``index.html``.
    Missing files raise `AssetFetchError` with status 404.
    """

    def __init__(
        self, root: Path | str, web_base: str = "https://offline.invalid"
    ) -> None:
        """Serve files of ``root`` as if they lived on ``web_base``."""
        self.root = Path(root)
        self.web_base = web_base.rstrip("/")

    def url(self, path: str) -> str:
        """Return the absolute URL of ``path`` on the pretended host."""
        if urlsplit(path).scheme:
            return path
        return urljoin(f"{self.web_base}/", path.lstrip("/"))

    async def fetch_text(self, path: str) -> str:
        """Return the saved body of ``path``."""
        url = self.url(path)
        name = urlsplit(url).path.rsplit("/", 1)[-1] or "index.html"
        file = self.root / name
        if name.startswith(".") or not file.is_file():
            msg = f"{url} is not in {self.root}"
            raise AssetFetchError(msg, url=url, status=404)
        data = await asyncio.to_thread(file.read_bytes)
        return data.decode("utf-8", errors="replace")


# --------------------------------------------------------------------------- HTML


class _ReferenceCollector(HTMLParser):
    """Collect ``<script src>``, ``<link href>`` and ``<a href>`` values of an HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[str] = []
        self.links: list[str] = []
        self.anchors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name.lower(): value for name, value in attrs if value}
        if tag == "script" and "src" in values:
            self.scripts.append(values["src"])
        elif tag == "link" and "href" in values:
            self.links.append(values["href"])
        elif tag == "a" and "href" in values:
            self.anchors.append(values["href"])


def _is_index_name(reference: str) -> bool:
    """Return True for ``…/index-<hash>.js`` (hash charset of §4.1)."""
    name = urlsplit(reference).path.rsplit("/", 1)[-1]
    if not name.startswith("index-") or not name.endswith(".js"):
        return False
    digest = name[len("index-") : -len(".js")]
    return bool(digest) and set(digest) <= HASH_CHARS


def index_references(html: str) -> list[str]:
    """Return the ``index-<hash>.js`` references of an HTML page or directory listing, best first.

    ``<script src>`` comes before ``<link href>`` (module preloads) and ``<a href>``
    (a listing of ``/assets/``); duplicates are dropped. PROTOCOL.md §4.1.
    """
    collector = _ReferenceCollector()
    try:
        collector.feed(html)
        collector.close()
    except (ValueError, AssertionError):  # pragma: no cover - html.parser is lenient
        _LOGGER.debug("HTML page could not be read completely")
    out: list[str] = []
    for reference in (*collector.scripts, *collector.links, *collector.anchors):
        if _is_index_name(reference) and reference not in out:
            out.append(reference)
    return out


# --------------------------------------------------------------------------- asset index


def split_hashed_name(file_name: str, basename: str) -> str | None:
    """Return the hash when ``file_name`` is ``<basename>-<hash>.js``, else None.

    ``file_name`` is the last path segment. Hashes may contain or end with ``-``
    (``info-Bpu026-3.js``), so the split is made against a known basename, never at the
    last hyphen (PROTOCOL.md §4.2).
    """
    if not file_name.endswith(".js"):
        return None
    stem = file_name[:-3]
    prefix = f"{basename}-"
    if not stem.startswith(prefix):
        return None
    digest = stem[len(prefix) :]
    if not digest or not set(digest) <= HASH_CHARS:
        return None
    return digest


def guess_basename(file_name: str) -> str:
    """Return the probable basename of ``<name>-<hash>.js`` without knowing the name.

    Heuristic (for listings only; lookups use `AssetIndex.find` with the known name): a
    Vite hash of 8 characters is cut off when the 9th character from the end is ``-``,
    else the name is cut at the first hyphen whose remainder is a valid hash.
    """
    stem = file_name.removesuffix(".js")
    cut = len(stem) - VITE_HASH_LENGTH - 1
    if cut > 0 and stem[cut] == "-":
        return stem[:cut]
    for position, char in enumerate(stem):
        if char == "-" and position and set(stem[position + 1 :]) <= HASH_CHARS:
            return stem[:position]
    return stem


@dataclass(frozen=True, slots=True)
class AssetIndex:
    """Hashed chunk files named in ``index-<hash>.js`` (PROTOCOL.md §4.2).

    `files` maps each file name (the last path segment, e.g. ``"PARAM_66-AbC1.js"``) to
    its absolute URL, in document order. Relative names resolve against the index URL;
    names starting with ``assets/`` (Vite's preload list) resolve against the web root,
    so ``/assets/`` is never doubled.
    """

    index_url: str
    files: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_program(cls, program: Program, index_url: str) -> Self:
        """Build the index from every ``<path>-<hash>.js`` string of the index program."""
        files: dict[str, str] = {}
        for reference in program.js_file_names():
            name = reference.rsplit("/", 1)[-1]
            files.pop(name, None)
            files[name] = resolve_asset_url(index_url, reference)
        return cls(index_url, files)

    def find(self, basename: str) -> str | None:
        """Return the URL of the file ``<basename>-<hash>.js``; the last one wins.

        Among several candidates, files whose hash has Vite's usual 8 characters are
        preferred, so that ``a-b-12345678.js`` is not taken for basename ``a``.
        """
        exact: str | None = None
        loose: str | None = None
        for name, url in self.files.items():
            digest = split_hashed_name(name, basename)
            if digest is None:
                continue
            if len(digest) == VITE_HASH_LENGTH:
                exact = url
            else:
                loose = url
        return exact or loose

    def basenames(self) -> dict[str, str]:
        """Return guessed basename → URL for every file (heuristic, see `guess_basename`)."""
        return {guess_basename(name): url for name, url in self.files.items()}


def resolve_asset_url(index_url: str, reference: str) -> str:
    """Resolve a chunk reference of the index (``./x-h.js``, ``assets/x-h.js``, ``/assets/x-h.js``)."""
    if urlsplit(reference).scheme:
        return reference
    if reference.startswith("assets/"):
        parts = urlsplit(index_url)
        return f"{parts.scheme}://{parts.netloc}/{reference}"
    return urljoin(index_url, reference)


# --------------------------------------------------------------------------- tables


@dataclass(frozen=True, slots=True)
class MenuVariant:
    """One entry of the deviceMenu lazy-import table (PROTOCOL.md §4.3).

    `variant` is the router file's name without extension (``"module.menu"``, ``"0"``),
    `key` the table key as written, `url` the chunk's absolute URL.
    """

    device_menu: int
    variant: str
    key: str
    url: str


@dataclass(frozen=True, slots=True)
class LanguagePack:
    """One entry of the i18n import table (PROTOCOL.md §4.8): ``(language, namespace)`` → chunk URL."""

    language: str
    namespace: str
    key: str
    url: str


@dataclass(frozen=True, slots=True)
class LanguageConfig:
    """The web app's language config object (PROTOCOL.md §4.8).

    `languages` are the translations' ``flag`` values lower-cased (``("pl", "en")``),
    `default` the ``defaultTranslation`` (lower-cased, None when absent), `variants` the
    PL ``variants`` map ``{deviceMenu: {deviceLanguageVariant: pack name}}`` per language.
    """

    languages: tuple[str, ...] = ()
    default: str | None = None
    variants: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)

    def variant_pack(
        self, language: str, device_menu: int | None, language_variant: int | None
    ) -> str | None:
        """Return the alternative pack name for a module, if the config names one [inferred]."""
        if device_menu is None or language_variant is None:
            return None
        by_menu = self.variants.get(language.lower(), {}).get(str(device_menu), {})
        return by_menu.get(str(language_variant))


def _path_segments(key: str) -> list[str]:
    return [segment for segment in key.split("/") if segment and segment != "."]


def menu_table(program: Program, index_url: str) -> dict[int, list[MenuVariant]]:
    """Return the deviceMenu lazy-import table: ``deviceMenu`` → its variants in source order.

    Keys in any of the three spellings of §4.3 (``../config/router/deviceMenu/<N>/module.menu.ts``,
    ``/src/config/router/deviceMenu/<N>/module.menu.ts``, ``/src/config/router/deviceMenu/<N>/<variant>.ts``);
    the helper around ``import()`` is ignored.
    """
    out: dict[int, list[MenuVariant]] = {}
    table = program.import_table(lambda key: "deviceMenu/" in key)
    for key, spec in table.items():
        segments = _path_segments(key)
        try:
            at = segments.index("deviceMenu")
            number = int(segments[at + 1])
            file_name = segments[at + 2]
        except (ValueError, IndexError):
            continue
        variant = file_name.rsplit(".", 1)[0] if "." in file_name else file_name
        url = resolve_asset_url(index_url, spec)
        out.setdefault(number, []).append(MenuVariant(number, variant, key, url))
    return out


def i18n_table(program: Program, index_url: str) -> dict[tuple[str, str], LanguagePack]:
    """Return the i18n import table: ``(language, namespace)`` lower-cased → `LanguagePack`.

    Keys look like ``../../resources/languages/<lang>/<namespace>.json`` (§4.8);
    namespaces keep their spelling in `LanguagePack.namespace` but are keyed
    case-insensitively.
    """
    out: dict[tuple[str, str], LanguagePack] = {}
    table = program.import_table(lambda key: "languages/" in key)
    for key, spec in table.items():
        segments = _path_segments(key)
        try:
            at = segments.index("languages")
            language = segments[at + 1]
            file_name = segments[at + 2]
        except (ValueError, IndexError):
            continue
        namespace = file_name.removesuffix(".json").removesuffix(".js")
        if not namespace:
            continue
        url = resolve_asset_url(index_url, spec)
        pack = LanguagePack(language.lower(), namespace, key, url)
        out[language.lower(), namespace.lower()] = pack
    return out


def language_config(program: Program) -> LanguageConfig:
    """Read the language config object ``{translations: [...], defaultTranslation}`` (§4.8).

    The largest object literal with a ``translations`` list wins; a missing or odd
    object gives an empty `LanguageConfig`.
    """
    for obj in sorted(
        program.objects_with_key("translations"), key=lambda o: o.size, reverse=True
    ):
        value = obj.value
        if isinstance(value, dict) and isinstance(value.get("translations"), list):
            return _language_config_from(value)
    return LanguageConfig()


def _language_config_from(value: dict[str, JsValue]) -> LanguageConfig:
    languages: list[str] = []
    variants: dict[str, dict[str, dict[str, str]]] = {}
    translations = value.get("translations")
    for item in translations if isinstance(translations, list) else []:
        if not isinstance(item, dict):
            continue
        code = item.get("flag") or item.get("id")
        if not isinstance(code, str) or not code:
            continue
        language = code.lower()
        if language not in languages:
            languages.append(language)
        raw = item.get("variants")
        if isinstance(raw, dict):
            variants[language] = {
                str(menu): {
                    str(variant): str(pack)
                    for variant, pack in inner.items()
                    if isinstance(pack, str)
                }
                for menu, inner in raw.items()
                if isinstance(inner, dict)
            }
    default = value.get("defaultTranslation")
    return LanguageConfig(
        tuple(languages),
        default.lower() if isinstance(default, str) and default else None,
        variants,
    )


# --------------------------------------------------------------------------- discovery


@dataclass(frozen=True, eq=False, kw_only=True)
class WebAppAssets:
    """What discovery found in ``index-<hash>.js`` (PROTOCOL.md §4.1-§4.3, §4.8).

    Attributes:
        index_url, index_file:
            The index's URL and file name (``"index-Ab1-x9.js"``).
        program:
            The parsed index (units table, parameter builders and maps are read from it
            later).
        assets:
            The asset index of §4.2.
        menus:
            ``deviceMenu`` → its menu chunk variants (§4.3).
        i18n:
            ``(language, namespace)`` lower-cased → i18n chunk (§4.8).
        languages:
            The language config (§4.8).

    """

    index_url: str
    index_file: str
    program: Program
    assets: AssetIndex
    menus: dict[int, list[MenuVariant]]
    i18n: dict[tuple[str, str], LanguagePack]
    languages: LanguageConfig

    def fingerprint(self, system_version: str) -> str:
        """Return the change fingerprint ``<system version>|<index file name>`` (§4.1)."""
        return f"{system_version}|{self.index_file}"

    @property
    def default_language(self) -> str:
        """Return ``defaultTranslation``, else ``"pl"`` when the i18n table has Polish, else the first language."""
        if self.languages.default:
            return self.languages.default
        available = sorted({language for language, _ in self.i18n})
        return "pl" if "pl" in available or not available else available[0]

    def menu_variant(self, device_menu: int | None) -> MenuVariant:
        """Return the menu chunk of a module's ``deviceMenu`` (PROTOCOL.md §4.3).

        Variant ``0`` is preferred, else the first listed. Without an entry for
        ``device_menu`` (or with None) the chunk with basename ``module.menu`` is used,
        then the one with basename ``0`` (last one wins in the asset index).

        Raises:
            DiscoveryError: step ``"menu"``: neither the table nor the fallbacks give a chunk.

        """
        variants = self.menus.get(device_menu) if device_menu is not None else None
        if variants:
            for variant in variants:
                if variant.variant == "0":
                    return variant
            return variants[0]
        for basename in ("module.menu", "0"):
            url = self.assets.find(basename)
            if url is not None:
                _LOGGER.debug(
                    "deviceMenu %s has no entry; falling back to %s", device_menu, url
                )
                return MenuVariant(device_menu or 0, basename, "", url)
        msg = f"no menu chunk for deviceMenu {device_menu} in {self.index_file}"
        raise DiscoveryError(STEP_MENU, msg, url=self.index_url)

    def menu_url(self, device_menu: int | None) -> str:
        """Return the URL of the menu chunk of ``device_menu`` (see `menu_variant`)."""
        return self.menu_variant(device_menu).url

    def i18n_url(self, language: str, namespace: str) -> str | None:
        """Return the chunk URL of ``(language, namespace)`` (case-insensitive), None when not listed."""
        pack = self.i18n.get((language.lower(), namespace.lower()))
        return pack.url if pack is not None else None


async def discover(
    fetcher: AssetSource, *, known_index: str | None = None
) -> WebAppAssets:
    """Find ``index-<hash>.js``, fetch and parse it, and read its tables (PROTOCOL.md §4.1-§4.3, §4.8).

    Args:
        fetcher:
            The build's `AssetFetcher` (or a `DirectorySource` for a saved bundle).
        known_index:
            A previously known index URL or path; tried first, and rediscovered when it
            fails (a new deploy).

    Raises:
        DiscoveryError:
            step ``"index"`` when no index is found, or the one found is unparseable or
            has no asset references; step ``"i18n"`` when the index has no language
            import table (see `read_index`).

    """
    index_url, source = await _find_index(fetcher, known_index)
    return read_index(source, index_url)


def read_index(source: str | bytes, index_url: str) -> WebAppAssets:
    """Parse an ``index-<hash>.js`` source fetched from ``index_url`` and read its tables.

    The offline half of `discover` (also used for a bundle saved to disk).

    Raises:
        DiscoveryError:
            step ``"index"`` when the source is not parseable or names no hashed chunks;
            step ``"i18n"`` when it has no language import table.

    """
    try:
        program = parse(source)
    except JsParseError as err:
        msg = f"{index_url} cannot be parsed: {err}"
        raise DiscoveryError(STEP_INDEX, msg, url=index_url) from err
    assets = AssetIndex.from_program(program, index_url)
    menus = menu_table(program, index_url)
    if not assets.files and not menus:
        msg = f"{index_url} names no hashed chunks (not the web app's index)"
        raise DiscoveryError(STEP_INDEX, msg, url=index_url)
    i18n = i18n_table(program, index_url)
    if not i18n:
        msg = f"{index_url} has no language import table"
        raise DiscoveryError(STEP_I18N, msg, url=index_url)
    index_file = urlsplit(index_url).path.rsplit("/", 1)[-1]
    return WebAppAssets(
        index_url=index_url,
        index_file=index_file,
        program=program,
        assets=assets,
        menus=menus,
        i18n=i18n,
        languages=language_config(program),
    )


async def _find_index(fetcher: AssetSource, known_index: str | None) -> tuple[str, str]:
    """Return (URL, source) of the index: known URL, HTML page, ``/assets/`` listing, guesses."""
    tried: list[str] = []
    if known_index:
        found = await _try_index(fetcher, fetcher.url(known_index), tried)
        if found is not None:
            return found
    for page in ("/", "/assets/"):
        page_url = fetcher.url(page)
        try:
            html = await fetcher.fetch_text(page_url)
        except AssetFetchError as err:
            _LOGGER.debug("index discovery: %s", err)
            tried.append(page_url)
            continue
        for reference in index_references(html):
            found = await _try_index(fetcher, urljoin(page_url, reference), tried)
            if found is not None:
                return found
    for guess in INDEX_FALLBACKS:
        found = await _try_index(fetcher, fetcher.url(guess), tried)
        if found is not None:
            return found
    msg = f"no index-<hash>.js found on {fetcher.web_base} (tried {', '.join(tried)})"
    raise DiscoveryError(STEP_INDEX, msg, url=fetcher.web_base)


async def _try_index(
    fetcher: AssetSource, url: str, tried: list[str]
) -> tuple[str, str] | None:
    """Fetch a candidate index; None when it fails or is empty."""
    if url in tried:
        return None
    tried.append(url)
    try:
        source = await fetcher.fetch_text(url)
    except AssetFetchError as err:
        _LOGGER.debug("index candidate %s: %s", url, err)
        return None
    if not source.strip():
        _LOGGER.debug("index candidate %s is empty", url)
        return None
    return url, source


__all__ = [
    "DEFAULT_ATTEMPTS",
    "DEFAULT_CONCURRENCY",
    "DEFAULT_RETRY_DELAYS",
    "INDEX_FALLBACKS",
    "RETRY_STATUSES",
    "AssetFetchError",
    "AssetFetcher",
    "AssetIndex",
    "AssetSource",
    "CachedAsset",
    "DirectorySource",
    "DiscoveryError",
    "FetchedAsset",
    "LanguageConfig",
    "LanguagePack",
    "MenuVariant",
    "WebAppAssets",
    "discover",
    "guess_basename",
    "i18n_table",
    "index_references",
    "language_config",
    "menu_table",
    "read_index",
    "resolve_asset_url",
    "split_hashed_name",
]
