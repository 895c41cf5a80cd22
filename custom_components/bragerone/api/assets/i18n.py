"""The vendor's i18n packs: load once per build, look up dotted tokens with fallbacks (PROTOCOL.md §4.8, §4.10).

A token is ``namespace.path`` (``parameters.PARAM_66``, ``units.2200.1``,
``app.one.boilerStatus.name``) or a bare namespace whose pack is a single string
(``MAINMENU_MENU_TERMOSTATU`` → "Menu termostatów"). `I18n.translate` resolves it in the
requested language, then English, then Polish; a label that is itself a token of a known
namespace is followed (up to four hops). Packs are fetched lazily through the build's
`AssetFetcher`, once per ``(language, namespace)``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
import logging
from typing import TYPE_CHECKING, Final

from .discovery import STEP_I18N, AssetFetchError, DiscoveryError
from .errors import JsParseError
from .js import parse
from .values import JsValue, Unknown, number_to_string

if TYPE_CHECKING:
    from .discovery import AssetSource, WebAppAssets

_LOGGER = logging.getLogger(__name__)

FALLBACK_LANGUAGES: Final = ("en", "pl")
"""Languages tried after the requested one (DESIGN.md decision 7)."""
MAX_HOPS: Final = 4
"""How many chained tokens a label lookup follows (§4.10)."""

type Pack = dict[str, JsValue] | str
"""An i18n pack: a nested object of labels, or a single string (``MAINMENU_*`` packs)."""


class I18nError(DiscoveryError):
    """An i18n pack cannot be fetched or read (step ``"i18n"``)."""

    def __init__(self, message: str, *, url: str | None = None) -> None:
        """Create the error (step ``"i18n"``)."""
        super().__init__(STEP_I18N, message, url=url)


def pack_from_source(source: str | bytes, *, url: str | None = None) -> Pack:
    r"""Return the default export of an i18n chunk: an object or a single string (§4.8).

    Forms: ``export default {…}``, ``export default "…"``, ``const a = …; export { a as
    default }``. Escapes (``\x20``, ``\u{…}``) are decoded by the evaluator.

    Raises:
        I18nError: The chunk cannot be parsed or exports neither an object nor a string.

    """
    try:
        program = parse(source)
    except JsParseError as err:
        msg = f"i18n chunk cannot be parsed: {err}"
        raise I18nError(msg, url=url) from err
    value = program.default_export()
    if isinstance(value, dict):
        return value
    if isinstance(value, str):
        return str(value)
    reason = value.reason if isinstance(value, Unknown) else type(value).__name__
    msg = f"i18n chunk exports no object or string ({reason})"
    raise I18nError(msg, url=url)


def lookup(pack: Pack, path: str) -> str | None:
    """Return the label at dotted ``path`` in ``pack``; None when absent or not a label.

    An empty path selects a single-string pack. Keys that themselves contain dots are
    found too (the longest matching key is tried first). Numbers are returned as
    JavaScript would print them.
    """
    if isinstance(pack, str):
        return pack if not path else None
    segments = path.split(".") if path else []
    return _walk(pack, segments)


def _walk(node: JsValue, segments: list[str]) -> str | None:
    if not segments:
        if isinstance(node, str):
            return str(node)
        if isinstance(node, int | float) and not isinstance(node, bool):
            return number_to_string(node)
        return None
    if not isinstance(node, dict):
        return None
    for cut in range(len(segments), 0, -1):
        key = ".".join(segments[:cut])
        if key in node:
            found = _walk(node[key], segments[cut:])
            if found is not None:
                return found
    return None


def split_token(token: str) -> tuple[str, str]:
    """Split ``namespace.path`` at the first dot (``"MAINMENU_X"`` → ``("MAINMENU_X", "")``)."""
    namespace, _, path = token.strip().partition(".")
    return namespace, path


class I18n:
    """Label lookups over the i18n packs of one catalogue build (PROTOCOL.md §4.8).

    Args:
        fetcher:
            The build's `AssetFetcher` or `DirectorySource` (each pack is read at most
            once).
        assets:
            The discovered assets (their i18n import table says where each pack is).

    Fetch or parse failures of a pack are logged once and make the pack absent.

    """

    def __init__(self, fetcher: AssetSource, assets: WebAppAssets) -> None:
        """Prepare an empty pack cache."""
        self._fetcher = fetcher
        self._assets = assets
        self._packs: dict[tuple[str, str], asyncio.Future[Pack | None]] = {}
        self._namespaces = frozenset(namespace for _, namespace in assets.i18n)
        self._languages = tuple(dict.fromkeys(language for language, _ in assets.i18n))

    @property
    def languages(self) -> tuple[str, ...]:
        """Return the languages of the import table, in table order."""
        return self._languages

    def has_namespace(self, namespace: str) -> bool:
        """Return True when some language has a pack named ``namespace`` (case-insensitive)."""
        return namespace.lower() in self._namespaces

    def fallback_order(self, language: str) -> tuple[str, ...]:
        """Return the languages tried for ``language``: it, then ``en``, then ``pl`` (available ones only)."""
        order = dict.fromkeys((language.lower(), *FALLBACK_LANGUAGES))
        return tuple(lang for lang in order if lang in self._languages)

    async def pack(self, language: str, namespace: str) -> Pack | None:
        """Return the pack ``(language, namespace)``, fetched once; None when absent or unreadable."""
        key = (language.lower(), namespace.lower())
        future = self._packs.get(key)
        if future is None:
            future = asyncio.ensure_future(self._load(key))
            self._packs[key] = future
        return await asyncio.shield(future)

    async def _load(self, key: tuple[str, str]) -> Pack | None:
        url = self._assets.i18n_url(*key)
        if url is None:
            return None
        try:
            source = await self._fetcher.fetch_text(url)
            return pack_from_source(source, url=url)
        except (AssetFetchError, I18nError) as err:
            _LOGGER.warning("i18n pack %s/%s is unusable: %s", key[0], key[1], err)
            return None

    async def preload(
        self, languages: Iterable[str], namespaces: Iterable[str] | None = None
    ) -> None:
        """Fetch the packs of ``languages`` (all namespaces when None), a few at a time."""
        wanted = {ns.lower() for ns in namespaces} if namespaces is not None else None
        keys = [
            (language, namespace)
            for language, namespace in self._assets.i18n
            if language in {lang.lower() for lang in languages}
            and (wanted is None or namespace in wanted)
        ]
        await asyncio.gather(*(self.pack(*key) for key in keys))

    async def _lookup(self, token: str, language: str) -> str | None:
        """Return the raw label of ``token`` in one language (no chain following)."""
        namespace, path = split_token(token)
        if not namespace or not self.has_namespace(namespace):
            return None
        pack = await self.pack(language, namespace)
        return None if pack is None else lookup(pack, path)

    def _is_token(self, text: str) -> bool:
        """Return True when ``text`` is ``namespace.path`` of a known namespace (no spaces)."""
        if not text or any(char.isspace() for char in text) or "." not in text:
            return False
        namespace, path = split_token(text)
        return bool(path) and self.has_namespace(namespace)

    async def translate_in(self, token: str, language: str) -> str | None:
        """Return the label of ``token`` in ``language`` only, following chained tokens (≤ 4 hops)."""
        current = token
        for _ in range(MAX_HOPS + 1):
            label = await self._lookup(current, language)
            if label is None:
                return None
            if not self._is_token(label):
                return label
            current = label
        _LOGGER.debug("i18n token %s chains more than %s hops", token, MAX_HOPS)
        return None

    async def translate(self, token: str, language: str) -> str | None:
        """Return the label of ``token`` in ``language``, else English, else Polish; None when none has it.

        The fallback applies at every hop of a chain: when the English ``parameters``
        pack lacks a token whose Polish label is ``app.one.x``, ``app.one.x`` is looked
        up in English first again. At most `MAX_HOPS` chained tokens are followed.
        """
        return await self._translate(token, self.fallback_order(language), 0)

    async def _translate(
        self, token: str, order: tuple[str, ...], hops: int
    ) -> str | None:
        for candidate in order:
            label = await self._lookup(token, candidate)
            if label is None:
                continue
            if not self._is_token(label):
                return label
            if hops < MAX_HOPS:
                chained = await self._translate(label, order, hops + 1)
                if chained is not None:
                    return chained
        return None

    async def route_title(
        self, display_name: str | None, route_name: str | None, language: str
    ) -> str | None:
        """Return a route's title (§4.10): ``displayName`` as a token, as a single-string pack, via ``routes``/``menu``, else via the route name.

        Tried per language (requested, ``en``, ``pl``): the ``displayName`` token itself
        (``routes.modules.menu.dhw``, or a ``MAINMENU_*`` pack), ``routes.<displayName>``,
        ``menu.<displayName>``, then ``routes.<route name>``. None when nothing resolves.
        """
        candidates: list[str] = []
        if display_name:
            bare = display_name.removeprefix("routes.")
            candidates.extend((display_name, f"routes.{bare}", f"menu.{display_name}"))
        if route_name:
            candidates.append(f"routes.{route_name}")
        for candidate_language in self.fallback_order(language):
            for token in dict.fromkeys(candidates):
                label = await self._translate(token, (candidate_language,), 0)
                if label is not None:
                    return label
        return None


__all__ = [
    "FALLBACK_LANGUAGES",
    "MAX_HOPS",
    "I18n",
    "I18nError",
    "Pack",
    "lookup",
    "pack_from_source",
    "split_token",
]
