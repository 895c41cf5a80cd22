"""CLI commands over the catalogue build: ``describe`` and ``dump-assets`` (registered into `cli`).

``describe --module DEVID [--language pl|en] [--with-values]`` builds the module's
catalogue (PROTOCOL.md §4, `catalogue.build_catalogue_from`) and prints a JSON list of
its entity descriptors as Home Assistant would create them. ``dump-assets --module
DEVID --out DIR`` saves every asset that build read (HTML page, ``index-*.js``, the
menu chunk, the i18n chunks, the dedicated parameter chunks) and a `MANIFEST_NAME`
(the module row's ``deviceMenu``, ``permissions`` and ``deviceLanguageVariant``, the
system version and a prime snapshot; never credentials). ``describe --assets-dir DIR``
redoes the build from such a directory without any network traffic, so a user of an
unknown controller can send us the bundle.

Exit codes as `cli`, plus `EXIT_CATALOGUE` (5) when the build fails; the message names
the step (``index``, ``menu``, ``units``, ``i18n``, ``parameter maps``, ``entities``).
``dump-assets`` saves what it fetched even when the build fails (and exits 5).
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
import json
from pathlib import Path
import sys
from typing import TYPE_CHECKING, Any, Final, TextIO
from urllib.parse import urlsplit

from .assets.discovery import AssetFetcher, AssetSource, DirectorySource
from .catalogue import Catalogue, CatalogueError, build_catalogue_from
from .cli import (
    EXIT_OK,
    CliContext,
    Command,
    UsageError,
    register_command,
)
from .descriptor import EntityDescriptor, display_value
from .models import Module

if TYPE_CHECKING:
    from .client import BragerOneClient

EXIT_CATALOGUE: Final = 5
MANIFEST_NAME: Final = "manifest.json"
MANIFEST_FORMAT: Final = 1
LANGUAGES: Final = ("pl", "en")
OPTION_PLATFORMS: Final = frozenset({"select", "sensor"})
"""Platforms whose descriptor record lists option labels (two-state switches do not)."""

_EXIT_HELP: Final = (
    "exit codes: 0 success, 2 bad arguments, 3 authentication refused, "
    "4 connection failure, 5 catalogue build failed (the message names the step: "
    "index, menu, units, i18n, parameter maps, entities)"
)


class RecordingSource:
    """An `AssetSource` that remembers every body it returned (URL → text), for ``dump-assets``."""

    def __init__(self, inner: AssetSource) -> None:
        """Wrap ``inner``."""
        self.inner = inner
        self.web_base = inner.web_base
        self.files: dict[str, str] = {}

    def url(self, path: str) -> str:
        """Return the absolute URL of ``path`` (as ``inner``)."""
        return self.inner.url(path)

    async def fetch_text(self, path: str) -> str:
        """Fetch through ``inner`` and record the body."""
        text = await self.inner.fetch_text(path)
        self.files[self.url(path)] = text
        return text


# --------------------------------------------------------------------------- output


def descriptor_record(
    descriptor: EntityDescriptor,
    language: str,
    registers: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Return the ``describe`` record of one descriptor in ``language``.

    Keys: ``unique_id``, ``devid``, ``token``, ``address`` (``"P4.v1"``), ``bit``,
    ``platform``, ``label``, ``unit`` (Home Assistant unit, else the vendor's text),
    ``device_class``, ``state_class``, ``options`` (labels for ``select`` and enum
    ``sensor``, else None), ``min``, ``max``, ``step``, ``writable``,
    ``entity_category``, ``enabled_default``, ``menu_path``, ``icon``; with
    ``registers`` also ``value`` (`descriptor.display_value`).
    """
    options = (
        descriptor.option_labels(language)
        if descriptor.options and descriptor.platform in OPTION_PLATFORMS
        else None
    )
    record: dict[str, Any] = {
        "unique_id": descriptor.unique_id,
        "devid": descriptor.devid,
        "token": descriptor.token,
        "address": descriptor.address,
        "bit": descriptor.bit,
        "platform": descriptor.platform,
        "label": descriptor.label_for(language),
        "unit": descriptor.unit_for(language),
        "device_class": descriptor.device_class,
        "state_class": descriptor.state_class,
        "options": options,
        "min": descriptor.min,
        "max": descriptor.max,
        "step": descriptor.step,
        "writable": descriptor.writable,
        "entity_category": descriptor.entity_category,
        "enabled_default": descriptor.enabled_default,
        "menu_path": descriptor.menu_path.get(language)
        or next(iter(descriptor.menu_path.values()), []),
        "icon": descriptor.icon,
    }
    if registers is not None:
        record["value"] = display_value(descriptor, registers, language)
    return record


def describe_module(
    catalogue: Catalogue,
    devid: str,
    language: str | None = None,
    registers: Mapping[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """Return the ``describe`` records of one module, in menu order (language: the bundle's default when None)."""
    chosen = language or catalogue.default_language
    return [
        descriptor_record(d, chosen, registers)
        for d in catalogue.modules[devid].descriptors
    ]


# --------------------------------------------------------------------------- dump


def file_name_of(url: str) -> str:
    """Return the file a saved asset is stored as: the URL's last path segment (``index.html`` for pages)."""
    name = urlsplit(url).path.rsplit("/", 1)[-1]
    return name or "index.html"


def save_assets(out_dir: Path, files: Mapping[str, str]) -> dict[str, str]:
    """Write recorded assets (URL → text) into ``out_dir``; return file name → URL.

    The page ``/`` wins over a ``/assets/`` listing for ``index.html``; names starting
    with a dot and the manifest's name are never written.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    saved: dict[str, str] = {}
    ordered = sorted(files.items(), key=lambda item: urlsplit(item[0]).path != "/")
    for url, text in ordered:
        name = file_name_of(url)
        if name in saved or name.startswith(".") or name == MANIFEST_NAME:
            continue
        (out_dir / name).write_text(text, encoding="utf-8")
        saved[name] = url
    return saved


def module_to_manifest(module: Module) -> dict[str, Any]:
    """Return what the offline build needs of a module row (no account data)."""
    return {
        "devid": module.devid,
        "name": module.name,
        "title": module.title,
        "version": module.version,
        "device_menu": module.device_menu,
        "language_variant": module.language_variant,
        "permissions": list(module.permissions),
    }


@dataclass(frozen=True, kw_only=True)
class SavedBundle:
    """A directory written by ``dump-assets``: the module row, its registers and where the assets came from."""

    root: Path
    module: Module
    registers: dict[str, Any]
    system_version: str
    web_url: str
    index_file: str | None

    @classmethod
    def read(cls, root: Path) -> SavedBundle:
        """Read ``root/manifest.json``.

        Raises:
            UsageError: The directory or its manifest is missing or malformed.

        """
        try:
            data = json.loads((root / MANIFEST_NAME).read_text(encoding="utf-8"))
        except (OSError, ValueError) as err:
            msg = f"{root} has no readable {MANIFEST_NAME}: {err}"
            raise UsageError(msg) from err
        row = data.get("module") if isinstance(data, dict) else None
        registers = data.get("registers") if isinstance(data, dict) else None
        if not isinstance(row, dict) or not isinstance(registers, dict):
            msg = f"{root / MANIFEST_NAME} has no module row or registers"
            raise UsageError(msg)
        if not isinstance(row.get("devid"), str):
            msg = f"{root / MANIFEST_NAME}: the module row has no devid"
            raise UsageError(msg)
        permissions = row.get("permissions")
        module = Module(
            devid=row["devid"],
            name=_text(row.get("name")),
            title=_text(row.get("title")),
            version=_text(row.get("version")),
            device_menu=_int(row.get("device_menu")),
            language_variant=_int(row.get("language_variant")),
            permissions=tuple(p for p in permissions if isinstance(p, str))
            if isinstance(permissions, list)
            else (),
        )
        fingerprint = str(data.get("fingerprint") or "")
        return cls(
            root=root,
            module=module,
            registers={str(k): v for k, v in registers.items()},
            system_version=str(data.get("system_version") or ""),
            web_url=str(data.get("web_url") or "https://offline.invalid"),
            index_file=fingerprint.partition("|")[2] or None,
        )


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


# --------------------------------------------------------------------------- commands


def _fail(err: CatalogueError) -> int:
    sys.stderr.write(f"error: the catalogue build failed at step {err.step!r}: {err}\n")
    return EXIT_CATALOGUE


async def _module_row(ctx: CliContext, devid: str) -> Module:
    """Return the listing row of ``devid`` in the chosen object (exit 2 when absent)."""
    object_id = await ctx.object_id()
    for module in await ctx.client.modules(object_id):
        if module.devid == devid:
            return module
    msg = f"module {devid} is not in object {object_id}"
    raise UsageError(msg)


async def _prime(client: BragerOneClient, module: Module) -> tuple[dict[str, Any], str]:
    """Return the module's registers (a prime) and the cloud's system version."""
    snapshot = await client.prime([module.devid])
    return snapshot.values(module.devid), (await client.system_version()).version


async def _build(
    source: AssetSource, module: Module, registers: dict[str, Any], version: str
) -> Catalogue:
    """Build the module's catalogue from ``source`` (`CatalogueError` on failure)."""
    return await build_catalogue_from(
        source,
        modules=[module],
        registers={module.devid: registers},
        system_version=version,
        languages=LANGUAGES,
    )


def _emit(out: TextIO, data: Any) -> None:
    out.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    out.flush()


async def _describe_offline(args: argparse.Namespace, out: TextIO) -> int | None:
    """``describe --assets-dir DIR``: no credentials, no network (None: go online)."""
    if args.assets_dir is None:
        return None
    saved = await asyncio.to_thread(SavedBundle.read, Path(args.assets_dir))
    devid = saved.module.devid
    if args.module is not None and args.module != devid:
        msg = f"{args.assets_dir} holds module {devid}, not {args.module}"
        raise UsageError(msg)
    try:
        catalogue = await build_catalogue_from(
            DirectorySource(saved.root, web_base=saved.web_url),
            modules=[saved.module],
            registers={devid: saved.registers},
            system_version=saved.system_version,
            languages=LANGUAGES,
            known_index=saved.index_file,
        )
    except CatalogueError as err:
        return _fail(err)
    registers = saved.registers if args.with_values else None
    _emit(out, describe_module(catalogue, devid, args.language, registers))
    return EXIT_OK


async def _describe(ctx: CliContext) -> int:
    """``describe --module DEVID``: build over the network and print the descriptors."""
    if ctx.args.module is None:
        msg = "give --module DEVID (or --assets-dir DIR)"
        raise UsageError(msg)
    module = await _module_row(ctx, ctx.args.module)
    registers, version = await _prime(ctx.client, module)
    source = AssetFetcher.from_client(ctx.client)
    try:
        catalogue = await _build(source, module, registers, version)
    except CatalogueError as err:
        return _fail(err)
    values = registers if ctx.args.with_values else None
    ctx.emit_json(describe_module(catalogue, module.devid, ctx.args.language, values))
    return EXIT_OK


async def _dump_assets(ctx: CliContext) -> int:
    """``dump-assets --module DEVID --out DIR``: save what the build reads, plus the manifest."""
    module = await _module_row(ctx, ctx.args.module)
    registers, version = await _prime(ctx.client, module)
    source = RecordingSource(AssetFetcher.from_client(ctx.client))
    failure: CatalogueError | None = None
    catalogue: Catalogue | None = None
    try:
        catalogue = await _build(source, module, registers, version)
    except CatalogueError as err:
        failure = err
    out_dir = Path(ctx.args.out)
    saved = await asyncio.to_thread(save_assets, out_dir, source.files)
    manifest = {
        "format": MANIFEST_FORMAT,
        "module": module_to_manifest(module),
        "system_version": version,
        "web_url": source.web_base,
        "fingerprint": catalogue.fingerprint if catalogue is not None else None,
        "languages": list(catalogue.languages) if catalogue is not None else [],
        "registers": dict(sorted(registers.items())),
        "files": saved,
        "entities": len(catalogue.modules[module.devid].descriptors)
        if catalogue is not None
        else 0,
        "build_error": None
        if failure is None
        else {"step": failure.step, "message": str(failure)},
    }
    await asyncio.to_thread(
        (out_dir / MANIFEST_NAME).write_text,
        json.dumps(manifest, indent=2, ensure_ascii=False) + "\n",
        "utf-8",
    )
    ctx.emit_json(
        {
            "out": str(out_dir),
            "files": sorted(saved),
            "entities": manifest["entities"],
        }
    )
    if failure is not None:
        sys.stderr.write(f"note: the assets were saved to {out_dir} anyway\n")
        return _fail(failure)
    return EXIT_OK


def _args_describe(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Build a module's entity catalogue from the vendor web app and print its "
        "descriptors as JSON. With --assets-dir the build is redone offline from a "
        "dump-assets directory (no credentials, no network)."
    )
    parser.epilog = _EXIT_HELP
    parser.add_argument("--module", metavar="DEVID", help="module devid")
    parser.add_argument("--object", type=int, help="object (installation) id")
    parser.add_argument(
        "--language",
        choices=LANGUAGES,
        help="label language (default: the web app's default language)",
    )
    parser.add_argument(
        "--with-values",
        action="store_true",
        help="add each entity's displayed value from a prime",
    )
    parser.add_argument(
        "--assets-dir", metavar="DIR", help="build offline from a dump-assets directory"
    )


def _args_dump(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Save the web-app assets a module's catalogue build reads (HTML, index, menu, "
        "i18n and parameter chunks) plus a manifest (module row, system version, "
        "prime snapshot; no credentials) into DIR; read it back with "
        "'describe --assets-dir DIR'. The assets are saved even when the build fails."
    )
    parser.epilog = _EXIT_HELP
    parser.add_argument("--module", required=True, metavar="DEVID", help="module devid")
    parser.add_argument("--out", required=True, metavar="DIR", help="target directory")
    parser.add_argument("--object", type=int, help="object (installation) id")


register_command(
    Command(
        name="describe",
        help="print a module's entity descriptors as JSON",
        add_arguments=_args_describe,
        run=_describe,
        run_offline=_describe_offline,
    )
)
register_command(
    Command(
        name="dump-assets",
        help="save the web-app assets of a module for an offline build",
        add_arguments=_args_dump,
        run=_dump_assets,
    )
)

__all__ = [
    "EXIT_CATALOGUE",
    "MANIFEST_NAME",
    "RecordingSource",
    "SavedBundle",
    "describe_module",
    "descriptor_record",
    "file_name_of",
    "module_to_manifest",
    "save_assets",
]
