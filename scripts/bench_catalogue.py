"""Benchmark a full catalogue build of the simulator's real-boiler module from assets already fetched.

Usage: ``.venv/bin/python scripts/bench_catalogue.py [--runs 7] [--seed 0] [--readable]
[--devid FTTCTBSLCE]``

The simulator's generated bundle is served from memory (no network, no disk), so the
figures are parse + resolve only: ``parse`` is `catalogue.load_assets` (discovery's
index parse and tables, the units table, every i18n pack of both languages, the menu
chunk, the dedicated parameter-map chunks), ``resolve`` is `catalogue.resolve_catalogue`
(parameter maps evaluated on demand, descriptors built). The module's registers are
its initial registers (the real boiler's data). Prints the first (cold) run and the
median of the runs; the target is under 0.5 s. No asserts. `measure` is what
``scripts/bench.py`` reuses.
"""

from __future__ import annotations

import argparse
import asyncio
from dataclasses import dataclass
from pathlib import Path
import statistics
import sys
import time
from urllib.parse import urljoin, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from custom_components.bragerone.api.assets.discovery import AssetFetchError
from custom_components.bragerone.api.catalogue import load_assets, resolve_catalogue
from custom_components.bragerone.api.models import Module
from simulator.modules import module_by_devid
from simulator.webapp import generate_bundle

WEB_BASE = "https://bench.invalid"


class MemorySource:
    """An `AssetSource` over a bundle's files (URL path → body) held in memory."""

    def __init__(self, files: dict[str, str]) -> None:
        """Serve ``files`` as if they lived on `WEB_BASE`."""
        self.files = files
        self.web_base = WEB_BASE

    def url(self, path: str) -> str:
        """Return the absolute URL of ``path``."""
        if urlsplit(path).scheme:
            return path
        return urljoin(f"{WEB_BASE}/", path.lstrip("/"))

    async def fetch_text(self, path: str) -> str:
        """Return the body of ``path`` (404 as `AssetFetchError`)."""
        url = self.url(path)
        body = self.files.get(urlsplit(url).path or "/")
        if body is None:
            msg = f"{url} is not in the bundle"
            raise AssetFetchError(msg, url=url, status=404)
        return body


def _module(devid: str) -> tuple[Module, dict[str, object]]:
    spec = module_by_devid(devid)
    row = Module(
        devid=spec.devid,
        name=spec.name,
        title=spec.title,
        version=spec.version,
        device_menu=spec.device_menu,
        language_variant=spec.language_variant,
        permissions=spec.permissions,
    )
    registers = {
        f"{pool}.{key}": value
        for pool, family in spec.initial_registers().items()
        for key, value in family.items()
    }
    return row, registers


async def _once(
    source: MemorySource, row: Module, registers: dict[str, object]
) -> tuple[float, float, int]:
    started = time.perf_counter()
    loaded = await load_assets(source, modules=[row])
    parsed = time.perf_counter()
    catalogue = resolve_catalogue(
        loaded, registers={row.devid: registers}, system_version="bench"
    )
    done = time.perf_counter()
    return (
        parsed - started,
        done - parsed,
        len(catalogue.modules[row.devid].descriptors),
    )


@dataclass(frozen=True, kw_only=True)
class CatalogueFigures:
    """Timings of repeated catalogue builds (seconds) of one module from an in-memory bundle."""

    devid: str
    title: str
    files: int
    bundle_bytes: int
    entities: int
    parse: tuple[float, ...]
    resolve: tuple[float, ...]

    @property
    def totals(self) -> list[float]:
        """Return parse + resolve of each run."""
        return [p + r for p, r in zip(self.parse, self.resolve, strict=True)]


async def measure(
    *, runs: int = 7, seed: int = 0, readable: bool = False, devid: str = "FTTCTBSLCE"
) -> CatalogueFigures:
    """Build the catalogue of ``devid`` ``runs`` times (the first run is cold) and time each."""
    bundle = generate_bundle(seed, readable=readable)
    source = MemorySource(dict(bundle.files))
    row, registers = _module(devid)
    results = [await _once(source, row, registers) for _ in range(max(1, runs))]
    return CatalogueFigures(
        devid=row.devid,
        title=row.title or "",
        files=len(bundle.files),
        bundle_bytes=sum(len(body.encode()) for body in bundle.files.values()),
        entities=results[0][2],
        parse=tuple(r[0] for r in results),
        resolve=tuple(r[1] for r in results),
    )


async def _main(args: argparse.Namespace) -> None:
    figures = await measure(
        runs=args.runs, seed=args.seed, readable=args.readable, devid=args.devid
    )
    print(
        f"bundle seed {args.seed}{' readable' if args.readable else ''}: "
        f"{figures.files} files, {figures.bundle_bytes / 1024:.0f} KiB; "
        f"module {figures.devid} ({figures.title})"
    )
    totals = figures.totals
    print(
        f"entities: {figures.entities}\n"
        f"first run: {totals[0]:.3f} s "
        f"(parse {figures.parse[0]:.3f} s, resolve {figures.resolve[0]:.3f} s)\n"
        f"median of {len(totals)}: {statistics.median(totals):.3f} s "
        f"(parse {statistics.median(figures.parse):.3f} s, "
        f"resolve {statistics.median(figures.resolve):.3f} s); target < 0.5 s"
    )


def main() -> None:
    """Parse the options and run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="number of builds")
    parser.add_argument("--seed", type=int, default=0, help="generator seed")
    parser.add_argument("--readable", action="store_true", help="readable bundle")
    parser.add_argument("--devid", default="FTTCTBSLCE", help="module to build")
    asyncio.run(_main(parser.parse_args()))


if __name__ == "__main__":
    main()
