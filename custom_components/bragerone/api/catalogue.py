"""Build the entity catalogue of an installation from the vendor's web app (DESIGN.md "Data flow", decision 2).

Config time only (runtime never calls this): list the modules, prime them for live
registers, discover the web-app assets (PROTOCOL.md §4.1-§4.3), then per module read
its menu chunk (§4.4) gated by its ``permissions``, load the i18n packs (§4.8), the
units table (§4.7) and the parameter maps its menu tokens need (§4.5, §4.6), and
resolve every visible parameter into an `EntityDescriptor` (§4.10, §5). The bundle's
``AlarmName`` table and its ``errors``/``alarm`` texts (§2.8a) are stored with the
descriptors as `Catalogue.alarms`; a bundle without a readable table only logs it (alarms
are then shown by code)::

    catalogue = await build_catalogue(client, object_id=4711, devids=["FTTCTBSLCE"])
    catalogue.modules["FTTCTBSLCE"].descriptors      # tuple[EntityDescriptor, ...]
    json.dumps(catalogue.to_dict())                  # stored in the config entry

Every failure caused by the assets is a `CatalogueError` whose `step` names what could
not be done (``index``, ``menu``, ``units``, ``i18n``, ``parameter maps``,
``entities``); a module that yields no entity is such an error, never a silent empty
build. `compare_catalogues` tells per module what a new build adds and would lose;
`RefreshPreview` words that for the user.

`build_catalogue_from` is the offline half (any `AssetSource`, e.g. a
`DirectorySource` over a bundle saved by ``dump-assets``); `load_assets` and
`resolve_catalogue` split it further into fetch + parse and resolve.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
import logging
from typing import TYPE_CHECKING, Any, Final

from .alarms import AlarmNames
from .assets.alarm_names import alarm_symbols, find_alarm_chunk
from .assets.discovery import (
    STEP_INDEX,
    STEP_MENU,
    AssetFetcher,
    AssetSource,
    DiscoveryError,
    WebAppAssets,
    discover,
)
from .assets.errors import AssetError
from .assets.i18n import Pack, lookup, pack_from_source, split_token
from .assets.js import Program, parse
from .assets.menu import MenuParameter, parse_menu, visible_parameters
from .assets.parameters import ParameterMapLookup
from .assets.units import UnitDescriptor, find_units_table
from .descriptor import (
    SCHEMA_VERSION,
    DescriptorValueError,
    EntityDescriptor,
    pick_label,
)
from .resolver import Comparison, ResolveError, compare, resolve_module
from .roles import ROLES_VERSION, assign_roles

if TYPE_CHECKING:
    from .client import BragerOneClient
    from .models import Module

_LOGGER = logging.getLogger(__name__)

STEP_UNITS: Final = "units"
STEP_I18N: Final = "i18n"
STEP_PARAMETER_MAPS: Final = "parameter maps"
STEP_ENTITIES: Final = "entities"
STEPS: Final = (
    STEP_INDEX,
    STEP_MENU,
    STEP_UNITS,
    STEP_I18N,
    STEP_PARAMETER_MAPS,
    STEP_ENTITIES,
)
"""The steps a `CatalogueError` can name, in build order."""

DEFAULT_LANGUAGES: Final = ("pl", "en")


class CatalogueError(AssetError):
    """A catalogue build (or a stored catalogue) is unusable (DESIGN.md decision 2).

    Attributes:
        step: What failed: ``"index"`` (no usable ``index-*.js``), ``"menu"`` (no menu
            chunk, an unreadable one, a module missing from the listing, or a menu
            without parameters), ``"units"`` (no units table), ``"i18n"`` (no language
            table, no requested language, or an unreadable pack), ``"parameter maps"``
            (a dedicated chunk cannot be read, or no menu token has a map),
            ``"entities"`` (a module yields no entity, or a stored catalogue is garbage).
        devid: The module concerned, when there is one.

    """

    def __init__(self, step: str, message: str, *, devid: str | None = None) -> None:
        """Create the error of ``step`` (the message is prefixed with the step)."""
        super().__init__(f"{step}: {message}")
        self.step = step
        self.devid = devid


# --------------------------------------------------------------------------- records


@dataclass(frozen=True, kw_only=True)
class ModuleCatalogue:
    """The entities of one controller module (one Home Assistant device, DESIGN.md decision 6).

    `name` is the user's name of the module (else its title, else its devid), `title`
    the model (``moduleTitle``), `version` the firmware (``moduleVersion``).
    """

    devid: str
    name: str
    title: str
    version: str | None
    descriptors: tuple[EntityDescriptor, ...]

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON-safe record."""
        return {
            "devid": self.devid,
            "name": self.name,
            "title": self.title,
            "version": self.version,
            "descriptors": [d.to_dict() for d in self.descriptors],
        }

    @classmethod
    def from_dict(cls, data: Any) -> ModuleCatalogue:
        """Rebuild from `to_dict` output.

        Raises:
            CatalogueError: step ``"entities"``: not a record of this shape.

        """
        if not isinstance(data, Mapping) or not isinstance(data.get("devid"), str):
            msg = "stored catalogue: a module record has no devid"
            raise CatalogueError(STEP_ENTITIES, msg)
        devid = str(data["devid"])
        records = data.get("descriptors")
        if not isinstance(records, list):
            msg = f"stored catalogue: module {devid} has no descriptor list"
            raise CatalogueError(STEP_ENTITIES, msg, devid=devid)
        try:
            descriptors = tuple(EntityDescriptor.from_dict(r) for r in records)
        except DescriptorValueError as err:
            msg = f"stored catalogue: module {devid}: {err}"
            raise CatalogueError(STEP_ENTITIES, msg, devid=devid) from err
        version = data.get("version")
        return cls(
            devid=devid,
            name=str(data.get("name") or devid),
            title=str(data.get("title") or ""),
            version=None if version is None else str(version),
            descriptors=descriptors,
        )


@dataclass(frozen=True, kw_only=True)
class Catalogue:
    """A catalogue build: the entity descriptors of the chosen modules and where they came from.

    Attributes:
        schema_version: `descriptor.SCHEMA_VERSION` at build time.
        fingerprint: ``"<system version>|<index file name>"`` (PROTOCOL.md §4.1): a new
            deploy of the web app changes it.
        languages: The languages the labels were built in (requested ∩ the bundle's).
        default_language: The bundle's ``defaultTranslation`` (§4.8).
        built_at: ISO-8601 UTC time of the build.
        modules: devid → `ModuleCatalogue`, in the order asked for.
        roles_version: `roles.ROLES_VERSION` at build time; 0 for a catalogue built
            before roles existed (its descriptors have none until the next refresh).
        alarms: The bundle's alarm names (§2.8a); version 0 for a catalogue built before
            they were read.

    """

    schema_version: int
    fingerprint: str
    languages: tuple[str, ...]
    default_language: str
    built_at: str
    modules: dict[str, ModuleCatalogue] = field(default_factory=dict)
    roles_version: int = 0
    alarms: AlarmNames = field(default_factory=AlarmNames)

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON-safe record (stored in the config entry)."""
        return {
            "schema_version": self.schema_version,
            "fingerprint": self.fingerprint,
            "languages": list(self.languages),
            "default_language": self.default_language,
            "built_at": self.built_at,
            "roles_version": self.roles_version,
            "alarms": self.alarms.to_dict(),
            "modules": {devid: m.to_dict() for devid, m in self.modules.items()},
        }

    @classmethod
    def from_dict(cls, data: Any) -> Catalogue:
        """Rebuild from `to_dict` output.

        Raises:
            CatalogueError: step ``"entities"``: not a catalogue record, another schema
                version, or a malformed module or descriptor.

        """
        if not isinstance(data, Mapping):
            msg = "stored catalogue is not a mapping"
            raise CatalogueError(STEP_ENTITIES, msg)
        version = data.get("schema_version")
        if version != SCHEMA_VERSION:
            msg = f"stored catalogue has schema version {version!r}, expected {SCHEMA_VERSION}"
            raise CatalogueError(STEP_ENTITIES, msg)
        modules = data.get("modules")
        languages = data.get("languages")
        if not isinstance(modules, Mapping) or not isinstance(languages, list):
            msg = "stored catalogue has no modules or languages"
            raise CatalogueError(STEP_ENTITIES, msg)
        parsed = {str(k): ModuleCatalogue.from_dict(v) for k, v in modules.items()}
        for devid, module in parsed.items():
            if module.devid != devid:
                msg = f"stored catalogue: module {devid} holds {module.devid}"
                raise CatalogueError(STEP_ENTITIES, msg, devid=devid)
        return cls(
            schema_version=SCHEMA_VERSION,
            fingerprint=str(data.get("fingerprint") or ""),
            languages=tuple(str(lang) for lang in languages),
            default_language=str(data.get("default_language") or "pl"),
            built_at=str(data.get("built_at") or ""),
            modules=parsed,
            roles_version=roles
            if isinstance(roles := data.get("roles_version"), int)
            else 0,
            alarms=AlarmNames.from_dict(data.get("alarms")),
        )

    def descriptors(self) -> list[EntityDescriptor]:
        """Return every module's descriptors, module by module."""
        return [d for m in self.modules.values() for d in m.descriptors]


def compare_catalogues(old: Catalogue, new: Catalogue) -> dict[str, Comparison]:
    """Compare two builds module by module (DESIGN.md decision 2).

    Returns devid → `Comparison` (unique ids added, lost, changed, kept) for every
    module of either build; a module only in ``old`` loses all its entities, one only
    in ``new`` adds all of its.
    """
    out: dict[str, Comparison] = {}
    for devid in dict.fromkeys((*old.modules, *new.modules)):
        before = old.modules.get(devid)
        after = new.modules.get(devid)
        out[devid] = compare(
            before.descriptors if before is not None else (),
            after.descriptors if after is not None else (),
        )
    return out


PREVIEW_NAMES: Final = 10
"""Entity names listed per module and direction in a `RefreshPreview`."""


def _names(
    unique_ids: Iterable[str],
    descriptors: Mapping[str, EntityDescriptor],
    language: str,
) -> str:
    """Return up to `PREVIEW_NAMES` vendor labels, then ``…`` with how many more."""
    ids = list(unique_ids)
    names = [
        pick_label(descriptors[uid].label, language) or uid
        for uid in ids[:PREVIEW_NAMES]
    ]
    if len(ids) > PREVIEW_NAMES:
        names.append(f"… (+{len(ids) - PREVIEW_NAMES})")
    return ", ".join(names)


@dataclass(frozen=True, kw_only=True)
class RefreshPreview:
    """What applying a rebuilt catalogue would change, per module and in total.

    `lines` is Markdown: per module ``**name** (model): +added -lost`` followed by the
    added (``+``) and lost (``-``) entity names in the entry's language.
    """

    lines: tuple[str, ...]
    added: int
    lost: int
    stored: int

    @property
    def loss_ratio(self) -> float:
        """Return the share of the stored entities the rebuild would lose (0.0 if none stored)."""
        return self.lost / self.stored if self.stored else 0.0

    @classmethod
    def of(cls, old: Catalogue, new: Catalogue, language: str) -> RefreshPreview:
        """Compare the stored catalogue with a rebuilt one (`compare_catalogues`)."""
        lines: list[str] = []
        added = lost = stored = 0
        for devid, diff in compare_catalogues(old, new).items():
            before = old.modules[devid].descriptors if devid in old.modules else ()
            after = new.modules[devid].descriptors if devid in new.modules else ()
            module = new.modules.get(devid) or old.modules[devid]
            added += len(diff.added)
            lost += len(diff.lost)
            stored += len(before)
            lines.append(
                f"**{module.name}** ({module.title}): "
                f"+{len(diff.added)} -{len(diff.lost)}"
            )
            if diff.added:
                named = _names(diff.added, {d.unique_id: d for d in after}, language)
                lines.append(f"  + {named}")
            if diff.lost:
                named = _names(diff.lost, {d.unique_id: d for d in before}, language)
                lines.append(f"  - {named}")
        return cls(lines=tuple(lines), added=added, lost=lost, stored=stored)

    @property
    def placeholders(self) -> dict[str, str]:
        """Return the confirm form's placeholders: changes, added, lost, stored."""
        return {
            "changes": "\n".join(self.lines),
            "added": str(self.added),
            "lost": str(self.lost),
            "stored": str(self.stored),
        }


# --------------------------------------------------------------------------- loading


@dataclass(frozen=True, slots=True)
class Translator:
    """A synchronous ``translate(token, language)`` over loaded i18n packs (PROTOCOL.md §4.8).

    One language per call, no fallback (the descriptor keeps one label per language and
    falls back at display time, DESIGN.md decision 7); namespaces are case-insensitive.
    Chained tokens are followed by the resolver.
    """

    packs: Mapping[tuple[str, str], Pack]

    def __call__(self, token: str, language: str) -> str | None:
        """Return the text of ``namespace.path`` in ``language``, None when absent."""
        namespace, path = split_token(token)
        pack = self.packs.get((language.lower(), namespace.lower()))
        return None if pack is None else lookup(pack, path)


@dataclass(frozen=True, kw_only=True)
class LoadedModule:
    """A module's listing row and the menu parameters its user sees (§4.4, §4.10)."""

    module: Module
    menu_url: str
    menu: tuple[MenuParameter, ...]


@dataclass(frozen=True, kw_only=True)
class LoadedAssets:
    """Everything fetched and parsed for a build; `resolve_catalogue` needs no I/O after this."""

    assets: WebAppAssets
    languages: tuple[str, ...]
    translate: Translator
    units: dict[int, UnitDescriptor]
    parameter_maps: ParameterMapLookup
    modules: dict[str, LoadedModule]
    alarm_symbols: dict[int, str] = field(default_factory=dict)


def _error_from(
    err: AssetError, default_step: str, devid: str | None
) -> CatalogueError:
    """Turn an asset error into a `CatalogueError` naming a build step."""
    step = getattr(err, "step", None)
    if step not in STEPS:
        step = default_step
    message = str(err)
    for prefix in (f"{step}: ", f"{getattr(err, 'step', '')}: "):
        message = message.removeprefix(prefix)
    return CatalogueError(step, message, devid=devid)


async def _fetch_checked(
    source: AssetSource, url: str, *, step: str, what: str, devid: str | None = None
) -> tuple[str, Program]:
    """Fetch and parse one chunk; a failed fetch or a chunk with syntax errors fails ``step``.

    The vendor's chunks are valid JavaScript, so syntax errors mean a damaged or
    truncated file, whose partial values would give a silently wrong build.
    """
    try:
        text = await source.fetch_text(url)
        program = parse(text)
    except AssetError as err:
        raise _error_from(err, step, devid) from err
    if program.has_errors:
        msg = f"{what} {url} has syntax errors (damaged or truncated)"
        raise CatalogueError(step, msg, devid=devid)
    return text, program


async def _load_menu(
    source: AssetSource,
    assets: WebAppAssets,
    module: Module,
    cache: dict[str, list[Any]],
    guessed: dict[str, int | None],
) -> LoadedModule:
    """Read the module's menu chunk (§4.3, §4.4); damaged chunks and ambiguous guesses fail."""
    devid = module.devid
    try:
        variant = assets.menu_variant(module.device_menu)
    except AssetError as err:
        raise _error_from(err, STEP_MENU, devid) from err
    url = variant.url
    if url not in cache:
        text, _program = await _fetch_checked(
            source, url, step=STEP_MENU, what="the menu chunk", devid=devid
        )
        try:
            cache[url] = parse_menu(text, url=url)
        except AssetError as err:
            raise _error_from(err, STEP_MENU, devid) from err
    if not variant.key:  # a fallback guess, not the deviceMenu table (§4.3)
        other = guessed.setdefault(url, module.device_menu)
        if other != module.device_menu:
            msg = (
                f"the index has no menu entry for deviceMenu {module.device_menu} nor "
                f"{other}, and both would fall back to {url}"
            )
            raise CatalogueError(STEP_MENU, msg, devid=devid)
    menu = tuple(visible_parameters(cache[url], module.permissions))
    if not menu:
        msg = (
            f"module {devid}: the menu of deviceMenu {module.device_menu} "
            "shows this user no parameters"
        )
        raise CatalogueError(STEP_MENU, msg, devid=devid)
    return LoadedModule(module=module, menu_url=url, menu=menu)


async def _load_pack(source: AssetSource, language: str, url: str) -> Pack:
    """Fetch and read one i18n chunk; damaged or unreadable chunks fail (§4.8)."""
    text, _program = await _fetch_checked(
        source, url, step=STEP_I18N, what=f"the {language} i18n chunk"
    )
    try:
        return pack_from_source(text, url=url)
    except AssetError as err:
        raise _error_from(err, STEP_I18N, None) from err


async def _load_packs(
    source: AssetSource, assets: WebAppAssets, languages: Sequence[str]
) -> tuple[tuple[str, ...], Translator]:
    """Load every pack of the wanted languages the bundle has (the source bounds concurrency)."""
    available = {language for language, _ in assets.i18n}
    chosen = tuple(
        dict.fromkeys(lang.lower() for lang in languages if lang.lower() in available)
    )
    if not chosen:
        msg = (
            f"none of the languages {', '.join(languages)} is in the bundle "
            f"(it has {', '.join(sorted(available)) or 'none'})"
        )
        raise CatalogueError(STEP_I18N, msg)
    keys = [key for key in assets.i18n if key[0] in chosen]
    packs = await asyncio.gather(
        *(_load_pack(source, key[0], assets.i18n[key].url) for key in keys)
    )
    return chosen, Translator(dict(zip(keys, packs, strict=True)))


async def _load_chunks(
    source: AssetSource, assets: WebAppAssets, tokens: Sequence[str]
) -> dict[str, Program]:
    """Fetch and parse the dedicated parameter-map chunks of ``tokens`` (§4.5 step 1, via the asset index)."""
    chunks: dict[str, Program] = {}
    for token in dict.fromkeys(tokens):
        url = assets.assets.find(token)
        if url is not None:
            _text, chunks[token] = await _fetch_checked(
                source, url, step=STEP_PARAMETER_MAPS, what=f"the chunk of {token}"
            )
    return chunks


async def _load_alarm_symbols(
    source: AssetSource, assets: WebAppAssets
) -> dict[int, str]:
    """Read the ``AlarmName`` table (§2.8a); ``{}`` (logged) when the bundle has none or it is unreadable.

    Alarm names are not needed for entities: a missing or damaged chunk leaves alarms
    reported by their codes instead of failing the build.
    """
    url = find_alarm_chunk(assets.assets)
    if url is None:
        _LOGGER.warning("The web app has no alarm-name chunk; alarms show their codes")
        return {}
    try:
        program = parse(await source.fetch_text(url))
    except AssetError as err:
        _LOGGER.warning(
            "Alarm names not read from %s (%s); alarms show their codes", url, err
        )
        return {}
    symbols = alarm_symbols(program)
    if not symbols:
        _LOGGER.warning("No alarm-name table in %s; alarms show their codes", url)
    return symbols


async def load_assets(
    source: AssetSource,
    *,
    modules: Sequence[Module],
    languages: Sequence[str] = DEFAULT_LANGUAGES,
    known_index: str | None = None,
) -> LoadedAssets:
    """Fetch and parse what a build of ``modules`` needs (PROTOCOL.md §4.1-§4.8).

    Args:
        source: An `AssetFetcher` (HTTP) or a `DirectorySource` (a saved bundle).
        modules: The modules' listing rows (``deviceMenu`` and ``permissions`` are used).
        languages: Wanted label languages; those the bundle lacks are dropped.
        known_index: A previously known index URL, tried first (§4.1).

    Raises:
        CatalogueError: ``index``, ``i18n``, ``menu``, ``units`` or ``parameter maps``.

    """
    try:
        assets = await discover(source, known_index=known_index)
    except DiscoveryError as err:
        raise _error_from(err, STEP_INDEX, None) from err
    if assets.program.has_errors:
        ranges = ", ".join(f"{a}-{b}" for a, b in assets.program.error_ranges()[:3])
        msg = (
            f"{assets.index_file} has syntax errors (damaged or truncated; "
            f"bytes {ranges or 'unknown'})"
        )
        raise CatalogueError(STEP_INDEX, msg)
    try:
        units = find_units_table(assets.program)
    except AssetError as err:
        raise CatalogueError(STEP_UNITS, str(err)) from err
    chosen, translate = await _load_packs(source, assets, languages)
    menus: dict[str, list[Any]] = {}
    guessed: dict[str, int | None] = {}
    loaded = {
        module.devid: await _load_menu(source, assets, module, menus, guessed)
        for module in modules
    }
    tokens = [p.token for m in loaded.values() for p in m.menu]
    chunks = await _load_chunks(source, assets, tokens)
    lookup = ParameterMapLookup(assets.program, chunks)
    for token in chunks:
        if lookup.lookup(token) is None:
            msg = f"the dedicated chunk of {token} defines no parameter map"
            raise CatalogueError(STEP_PARAMETER_MAPS, msg)
    return LoadedAssets(
        assets=assets,
        languages=chosen,
        translate=translate,
        units=units,
        parameter_maps=lookup,
        modules=loaded,
        alarm_symbols=await _load_alarm_symbols(source, assets),
    )


# --------------------------------------------------------------------------- resolving


def resolve_catalogue(
    loaded: LoadedAssets,
    *,
    registers: Mapping[str, Mapping[str, Any]],
    system_version: str,
) -> Catalogue:
    """Resolve every loaded module into descriptors (PROTOCOL.md §4.10; no I/O).

    Args:
        loaded: The output of `load_assets`.
        registers: devid → flat registers from a prime (``{"P4.v1": 58.5}``).
        system_version: ``GET /v1/system/version`` (for the fingerprint).

    Raises:
        CatalogueError: a module yields no entity (``entities``), or none of its menu
            tokens has a map (``parameter maps``), or the units table is empty (``units``).

    """
    out: dict[str, ModuleCatalogue] = {}
    for devid, item in loaded.modules.items():
        try:
            result = resolve_module(
                devid=devid,
                menu_parameters=item.menu,
                parameter_maps=loaded.parameter_maps,
                units=loaded.units,
                translate=loaded.translate,
                registers=registers.get(devid, {}),
                languages=loaded.languages,
            )
        except ResolveError as err:
            raise _error_from(err, STEP_ENTITIES, devid) from err
        if result.skipped:
            _LOGGER.debug(
                "module %s: %d menu tokens yield no entity: %s",
                devid,
                len(result.skipped),
                ", ".join(f"{s.token} ({s.reason})" for s in result.skipped),
            )
        module = item.module
        out[devid] = ModuleCatalogue(
            devid=devid,
            name=module.label,
            title=module.title or "",
            version=module.version,
            descriptors=assign_roles(result.descriptors),
        )
    return Catalogue(
        schema_version=SCHEMA_VERSION,
        roles_version=ROLES_VERSION,
        fingerprint=loaded.assets.fingerprint(system_version),
        languages=loaded.languages,
        default_language=loaded.assets.default_language,
        built_at=datetime.now(UTC).isoformat(timespec="seconds"),
        modules=out,
        alarms=AlarmNames.build(
            loaded.alarm_symbols, loaded.translate, loaded.languages
        ),
    )


async def build_catalogue_from(
    source: AssetSource,
    *,
    modules: Sequence[Module],
    registers: Mapping[str, Mapping[str, Any]],
    system_version: str,
    languages: Sequence[str] = DEFAULT_LANGUAGES,
    known_index: str | None = None,
) -> Catalogue:
    """Build a catalogue from any asset source, with registers already primed (offline-capable).

    `load_assets` then `resolve_catalogue`; see them for the arguments. Raises
    `CatalogueError` only (the source's own fetch errors included).
    """
    if not modules:
        msg = "no module to build"
        raise CatalogueError(STEP_ENTITIES, msg)
    loaded = await load_assets(
        source, modules=modules, languages=languages, known_index=known_index
    )
    # CPU-bound (parameter maps are evaluated on demand): keep the event loop free
    return await asyncio.to_thread(
        resolve_catalogue, loaded, registers=registers, system_version=system_version
    )


async def build_catalogue(
    client: BragerOneClient,
    *,
    object_id: int,
    devids: Sequence[str],
    languages: Sequence[str] = DEFAULT_LANGUAGES,
    modules: Sequence[Module] | None = None,
) -> Catalogue:
    """Build the catalogue of ``devids`` of one object over the client's session (config time only).

    Lists the object's modules (unless ``modules`` are given), primes ``devids`` for
    live registers (unit codes, limits, status flags, §4.10), reads
    ``GET /v1/system/version`` for the fingerprint, and fetches the web-app assets from
    the client's web host (``Server.web_base``) with an `AssetFetcher` (ETag cache for
    this build only).

    Raises:
        CatalogueError: An asset step failed, a devid is not in the listing (step
            ``menu``), or a module yields no entity (step ``entities``).
        BragerOneError: The REST calls (listing, prime, version) failed (the client's
            own errors: authentication, connection, API).

    """
    wanted = list(dict.fromkeys(devids))
    if not wanted:
        msg = "no module to build"
        raise CatalogueError(STEP_ENTITIES, msg)
    rows = list(modules) if modules is not None else await client.modules(object_id)
    by_devid = {row.devid: row for row in rows}
    missing = [devid for devid in wanted if devid not in by_devid]
    if missing:
        msg = f"modules {', '.join(missing)} are not in object {object_id}'s listing"
        raise CatalogueError(STEP_MENU, msg, devid=missing[0])
    snapshot = await client.prime(wanted)
    version = (await client.system_version()).version
    return await build_catalogue_from(
        AssetFetcher.from_client(client),
        modules=[by_devid[devid] for devid in wanted],
        registers={devid: snapshot.values(devid) for devid in wanted},
        system_version=version,
        languages=languages,
    )


__all__ = [
    "DEFAULT_LANGUAGES",
    "STEPS",
    "STEP_ENTITIES",
    "STEP_I18N",
    "STEP_PARAMETER_MAPS",
    "STEP_UNITS",
    "Catalogue",
    "CatalogueError",
    "LoadedAssets",
    "LoadedModule",
    "ModuleCatalogue",
    "Translator",
    "build_catalogue",
    "build_catalogue_from",
    "compare_catalogues",
    "load_assets",
    "resolve_catalogue",
]
