"""Benchmark the BragerOne integration against the local simulator and print a table of figures.

Usage: ``scripts/bench [--soak SECONDS] [--rate-seconds SECONDS] [--writes N]``
(``scripts/bench`` runs ``scripts/setup`` first, then this file with ``.venv/bin/python``).

Home Assistant runs in this process: the test harness's `async_test_home_assistant`
(pytest-homeassistant-custom-component) gives a real `HomeAssistant` core (state
machine, event bus, entity and device registries, config entries, the integration's
platforms) without HTTP, recorder or frontend; registries are not written to disk. The
simulator runs on the same event loop and talks to the integration over real loopback
sockets (REST and Socket.IO), exactly as in the tests. One process means one clock
(`time.perf_counter`) for "the simulator emitted" and "the state changed", and it also
means every figure includes the simulator's own work (JSON encoding, Socket.IO framing)
on the same CPU. What each figure includes is printed next to it and explained in
``docs/performance.md``. Nothing here asserts; it prints figures.

Sections: 1 catalogue build (``scripts/bench_catalogue.py``), 2 setup until every entity
is available (two modules, then ~500 entities with boiler clones), 3 latency at 50, 200
and 1000 register changes per second, 4 state writes per change and CPU per change, 5
memory (tracemalloc), 6 write round trip, 7 soak.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Callable, Iterator
import contextlib
import copy
from dataclasses import dataclass, field, replace
import gc
import json
import logging
import math
import os
from pathlib import Path
import platform
import statistics
import sys
import time
import tracemalloc
from typing import Any
from unittest.mock import patch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiohttp.resolver import AsyncResolver
from homeassistant import loader
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE, __version__ as ha_version
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_platform, entity_registry as er
from homeassistant.helpers.entity import Entity
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_test_home_assistant,
)

from custom_components.bragerone.api import ParamKey, ParamStore, ParamUpdate
from custom_components.bragerone.api.registers import watched_keys
from custom_components.bragerone.const import DOMAIN
from custom_components.bragerone.coordinator import BragerOneCoordinator
from custom_components.bragerone.entity import BragerOneParameterEntity
from scripts import bench_catalogue
from simulator import Simulator
from simulator.modules import MODULES, ModuleSpec
from tests.integration_fixtures import BOILER, catalogue_data, make_entry

WRITE_DELAY = 0.2
"""The simulator's write delay (seconds) in every section; section 6 subtracts it."""
RATES = (50, 200, 1000)
"""Register changes per second in section 3."""
TARGET_ENTITIES = 500
"""Entities of the scaled setup in section 2 (boiler clones are added until reached)."""
SOAK_CHANGE_RATE = 20
"""Register changes per second during the soak, on top of the ticking plant."""
SOAK_WRITE_EVERY = 10.0
"""Seconds between two number writes during the soak."""
SOAK_TICK = 1.0
"""Seconds between two plant steps during the soak."""
WAIT_LIMIT = 60.0
"""Longest wait for any condition (seconds); a section that hits it reports a time-out."""


# --------------------------------------------------------------------------- helpers


@dataclass
class Table:
    """Rows of (section, figure, value, note) printed at the end."""

    rows: list[tuple[str, str, str, str]] = field(default_factory=list)

    def add(self, section: str, figure: str, value: str, note: str = "") -> None:
        """Add a row and echo it at once (long runs show progress)."""
        self.rows.append((section, figure, value, note))
        print(f"  {section:<3} {figure}: {value}  {note}", flush=True)

    def render(self) -> str:
        """Return the table as aligned text."""
        widths = [max(len(r[i]) for r in self.rows) for i in range(3)]
        lines = []
        for section, figure, value, note in self.rows:
            lines.append(
                f"{section:<{widths[0]}}  {figure:<{widths[1]}}  "
                f"{value:>{widths[2]}}  {note}".rstrip()
            )
        return "\n".join(lines)


def percentile(values: list[float], fraction: float) -> float:
    """Return the nearest-rank percentile of `values` (``fraction`` in 0..1)."""
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, math.ceil(fraction * len(ordered)) - 1))
    return ordered[rank]


def ms(seconds: float) -> str:
    """Format seconds as milliseconds."""
    return f"{seconds * 1000:.2f} ms"


async def wait_until(condition: Callable[[], bool], limit: float = WAIT_LIMIT) -> bool:
    """Poll `condition` every millisecond for at most `limit` seconds; return whether it held."""
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.001)
    return True


def open_fds() -> tuple[int, int]:
    """Return (open file descriptors, of which sockets) of this process (Linux ``/proc``)."""
    fds = sockets = 0
    for path in Path("/proc/self/fd").iterdir():
        with contextlib.suppress(OSError):
            fds += 1
            if str(path.readlink()).startswith("socket:"):
                sockets += 1
    return fds, sockets


def live_tasks() -> int:
    """Return the number of unfinished asyncio tasks."""
    return sum(1 for task in asyncio.all_tasks() if not task.done())


def machine() -> list[str]:
    """Describe the machine: CPU model, cores, memory, Python and Home Assistant versions."""
    model = "unknown"
    with contextlib.suppress(OSError), Path("/proc/cpuinfo").open() as handle:
        for line in handle:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory = "unknown"
    with contextlib.suppress(OSError), Path("/proc/meminfo").open() as handle:
        for line in handle:
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    return [
        (
            f"CPU: {model}, {os.cpu_count()} logical CPUs (load average "
            f"{', '.join(f'{x:.2f}' for x in os.getloadavg())})"
        ),
        f"memory: {memory}",
        f"Python {platform.python_version()}, Home Assistant {ha_version}, {platform.platform()}",
    ]


def clone_specs(count: int) -> list[ModuleSpec]:
    """Return `count` copies of the real boiler with other devids (benchmark only)."""
    boiler = MODULES[0]
    return [
        replace(
            boiler,
            devid=f"BENCHCLN{n:02d}",
            db_id=9000 + n,
            name=f"{boiler.name} {n + 2}",
        )
        for n in range(count)
    ]


def catalogue_with_clones(
    catalogue: dict[str, Any], clones: list[ModuleSpec]
) -> dict[str, Any]:
    """Add the boiler's stored descriptors for each clone, devid swapped (JSON round trip)."""
    data = copy.deepcopy(catalogue)
    boiler = json.dumps(catalogue["modules"][BOILER])
    for spec in clones:
        data["modules"][spec.devid] = json.loads(boiler.replace(BOILER, spec.devid))
    return data


# --------------------------------------------------------------------------- probe


class Probe:
    """Count and time the integration's state writes (installed on `Entity.async_write_ha_state`).

    A *change* is one register of one module set in the simulator (one change event).
    `expect` records its emit time and the entities that watch the register; each state
    write of such an entity ticks it off, and when the last one has written, the change's
    latency (emit to the last affected entity's state written in the state machine) is
    recorded. Writes made by the integration are counted in `writes`; Home Assistant's own
    nested re-writes (a number whose min/max changed is written again after its entity
    registry entry was updated) in `rewrites`.
    """

    def __init__(self) -> None:
        """Prepare empty counters; `install` patches Home Assistant."""
        self.watchers: dict[ParamKey, int] = {}
        self.keys_of: dict[str, frozenset[ParamKey]] = {}
        self.pending: dict[ParamKey, list[float]] = {}
        self.latencies: list[float] = []
        self.writes = 0
        self.rewrites = 0
        self.depth = 0
        self.notifying: set[ParamKey] = set()
        self.changed_states = 0
        self.expected_writes = 0
        self._original: Callable[[Entity], None] | None = None

    @contextlib.contextmanager
    def installed(self, hass: HomeAssistant, store: ParamStore) -> Iterator[None]:
        """Wrap `Entity.async_write_ha_state` and the store's notification while the block runs."""
        original = Entity.async_write_ha_state
        notify = store._notify  # noqa: SLF001 - observed, not changed
        probe = self

        def observed_notify(changed: list[ParamUpdate]) -> None:
            # A write closes only the changes the store is notifying right now.
            probe.notifying = {update.key for update in changed}
            try:
                notify(changed)
            finally:
                probe.notifying = set()

        def async_write_ha_state(self: Entity) -> None:
            if not isinstance(self, BragerOneParameterEntity):
                original(self)
                return
            if probe.depth:
                # Written again from inside a write: Home Assistant re-writes an entity
                # whose capabilities (a number's min/max) changed, through the entity
                # registry's update event.
                probe.rewrites += 1
                original(self)
                return
            before = hass.states.get(self.entity_id)
            probe.depth += 1
            try:
                original(self)
            finally:
                probe.depth -= 1
            probe.wrote(self, hass.states.get(self.entity_id) is not before)

        Entity.async_write_ha_state = async_write_ha_state  # type: ignore[method-assign]
        store._notify = observed_notify  # type: ignore[method-assign]  # noqa: SLF001
        try:
            yield
        finally:
            Entity.async_write_ha_state = original  # type: ignore[method-assign]
            del store._notify  # noqa: SLF001

    def index(self, hass: HomeAssistant) -> int:
        """Learn which registers each of the integration's entities watches; return the entity count."""
        self.watchers.clear()
        self.keys_of.clear()
        count = 0
        for platform_ in entity_platform.async_get_platforms(hass, DOMAIN):
            for entity_id, entity in platform_.entities.items():
                count += 1
                if isinstance(entity, BragerOneParameterEntity):
                    keys = watched_keys(entity.descriptor)
                    self.keys_of[entity_id] = keys
                    for key in keys:
                        self.watchers[key] = self.watchers.get(key, 0) + 1
        return count

    def reset(self) -> None:
        """Forget counts and latencies (not the index)."""
        self.pending.clear()
        self.latencies.clear()
        self.writes = self.rewrites = self.changed_states = self.expected_writes = 0

    def expect(self, key: ParamKey, emitted: float) -> None:
        """Record a change of `key` emitted at `emitted` (perf_counter seconds)."""
        watchers = self.watchers.get(key, 0)
        self.expected_writes += watchers
        if watchers:
            self.pending[key] = [emitted, watchers]

    def wrote(self, entity: Entity, changed: bool) -> None:  # noqa: FBT001
        """Count one state write of an entity; close the changes it was waiting for."""
        now = time.perf_counter()
        self.writes += 1
        self.changed_states += changed
        for key in self.keys_of.get(entity.entity_id, frozenset()) & self.notifying:
            waiting = self.pending.get(key)
            if waiting is None:
                continue
            waiting[1] -= 1
            if waiting[1] <= 0:
                del self.pending[key]
                self.latencies.append(now - waiting[0])


# --------------------------------------------------------------------------- bench


class Bench:
    """One Home Assistant instance, one simulator at a time, and the figures."""

    def __init__(self, hass: HomeAssistant, args: argparse.Namespace) -> None:
        """Keep the instance and options."""
        self.hass = hass
        self.args = args
        self.table = Table()
        self.probe = Probe()
        self.catalogue: dict[str, Any] = {}

    # -- entries ------------------------------------------------------------------------

    def entity_ids(self, entry: MockConfigEntry) -> list[str]:
        """Return the enabled entities of an entry."""
        return [
            item.entity_id
            for item in er.async_entries_for_config_entry(
                er.async_get(self.hass), entry.entry_id
            )
            if item.disabled_by is None
        ]

    def all_available(self, entry: MockConfigEntry, expected: int) -> bool:
        """Return True when the entry has `expected` enabled entities and none is unavailable."""
        ids = self.entity_ids(entry)
        if len(ids) < expected:
            return False
        for entity_id in ids:
            state = self.hass.states.get(entity_id)
            if state is None or state.state == STATE_UNAVAILABLE:
                return False
        return True

    async def timed_setup(
        self, entry: MockConfigEntry, expected: int
    ) -> tuple[float, float, bool]:
        """Set up `entry`; return (seconds to setup returned, to all available, whether they were)."""
        started = time.perf_counter()
        ok = await self.hass.config_entries.async_setup(entry.entry_id)
        returned = time.perf_counter() - started
        if not ok:
            msg = f"the entry was not set up ({entry.state}); see the log above"
            raise RuntimeError(msg)
        available = await wait_until(lambda: self.all_available(entry, expected))
        return returned, time.perf_counter() - started, available

    async def unload(self, entry: MockConfigEntry) -> None:
        """Unload an entry and let Home Assistant settle."""
        if entry.state is ConfigEntryState.LOADED:
            await self.hass.config_entries.async_unload(entry.entry_id)
        await self.hass.async_block_till_done()

    async def add_entry(
        self, sim: Simulator, catalogue: dict[str, Any]
    ) -> MockConfigEntry:
        """Add (not set up) an entry for every module of `sim`; remove earlier ones first."""
        for old in self.hass.config_entries.async_entries(DOMAIN):
            await self.hass.config_entries.async_remove(old.entry_id)
        entry = make_entry(sim, catalogue)
        entry.add_to_hass(self.hass)
        return entry

    # -- 1 ------------------------------------------------------------------------------

    async def catalogue_build(self) -> None:
        """Section 1: parse + resolve of the real boiler's catalogue from fetched assets."""
        figures = await bench_catalogue.measure(runs=7)
        totals = figures.totals
        note = (
            f"{figures.entities} entities; in-memory bundle, {figures.files} files, "
            f"{figures.bundle_bytes / 1024:.0f} KiB"
        )
        self.table.add("1", "catalogue build, first (cold) run", ms(totals[0]), note)
        self.table.add(
            "1",
            f"catalogue build, median of {len(totals)}",
            ms(statistics.median(totals)),
            f"parse {ms(statistics.median(figures.parse))}, "
            f"resolve {ms(statistics.median(figures.resolve))}; target < 500 ms",
        )

    # -- 2 ------------------------------------------------------------------------------

    async def setup_figures(self) -> None:
        """Section 2: setup with stored descriptors until every entity is available."""
        async with Simulator(write_delay=WRITE_DELAY) as sim:
            self.catalogue = await catalogue_data(sim)
            assets = sum(sim.stats.asset_requests.values())
            entry = await self.add_entry(sim, self.catalogue)
            # The first setup in the process also imports the platforms and loads translations.
            _, first, _ = await self.timed_setup(entry, 0)
            expected = len(self.entity_ids(entry))
            await wait_until(lambda: self.all_available(entry, expected))
            await self.unload(entry)
            returned, total, ok = await self.timed_setup(entry, expected)
            self.table.add(
                "2",
                "setup, 2 modules, first in process",
                ms(first),
                f"{expected} entities; includes platform imports and translations",
            )
            self.table.add(
                "2",
                "setup, 2 modules, again",
                ms(total),
                f"{expected} entities{'' if ok else ' (TIMED OUT)'}; "
                f"async_setup returned after {ms(returned)}",
            )
            await self.unload(entry)
            runtime_assets = sum(sim.stats.asset_requests.values()) - assets
        await self.scaled_setup(runtime_assets)

    async def scaled_setup(self, runtime_assets: int) -> None:
        """Section 2, scaled: boiler clones until the entry has ~500 entities."""
        per_boiler = sum(
            1
            for d in self.catalogue["modules"][BOILER]["descriptors"]
            if d.get("enabled_default", True)
        )
        base = sum(
            1
            for module in self.catalogue["modules"].values()
            for d in module["descriptors"]
            if d.get("enabled_default", True)
        )
        clones = clone_specs(max(0, -(-(TARGET_ENTITIES - base) // per_boiler)))
        catalogue = catalogue_with_clones(self.catalogue, clones)
        async with Simulator(
            write_delay=WRITE_DELAY, modules=(*MODULES, *clones)
        ) as sim:
            assets = sum(sim.stats.asset_requests.values())
            entry = await self.add_entry(sim, catalogue)
            _, first, _ = await self.timed_setup(entry, 0)
            expected = len(self.entity_ids(entry))
            await wait_until(lambda: self.all_available(entry, expected))
            await self.unload(entry)
            returned, total, ok = await self.timed_setup(entry, expected)
            self.table.add(
                "2",
                f"setup, {len(sim.modules)} modules, first",
                ms(first),
                f"{expected} entities (entity registry entries created)",
            )
            self.table.add(
                "2",
                f"setup, {len(sim.modules)} modules, again",
                ms(total),
                f"{expected} entities{'' if ok else ' (TIMED OUT)'}; "
                f"async_setup returned after {ms(returned)}; target < 1000 ms",
            )
            await self.unload(entry)
            runtime_assets += sum(sim.stats.asset_requests.values()) - assets
        self.table.add(
            "2",
            "web-app asset requests during runtime",
            str(runtime_assets),
            "all setups and unloads of section 2; must be 0",
        )

    # -- 3, 4 ---------------------------------------------------------------------------

    async def loaded(self, sim: Simulator) -> MockConfigEntry:
        """Set up an entry of both modules and wait until every entity is available."""
        entry = await self.add_entry(sim, self.catalogue)
        assert await self.hass.config_entries.async_setup(entry.entry_id)  # noqa: S101
        expected = len(self.entity_ids(entry))
        await wait_until(lambda: self.all_available(entry, expected))
        return entry

    async def latency_figures(self) -> None:
        """Sections 3 and 4: change streams at each rate over the boiler's registers."""
        async with Simulator(write_delay=WRITE_DELAY) as sim:
            entry = await self.loaded(sim)
            store = entry.runtime_data.coordinator.store
            with self.probe.installed(self.hass, store):
                self.probe.index(self.hass)
                pool = change_pool(sim)
                watched = sum(1 for a in pool if self.probe.watchers.get(a[0]))
                self.table.add(
                    "3",
                    "registers changed",
                    str(len(pool)),
                    f"of {len(sim.registers(BOILER))} boiler registers (all but the "
                    f"u unit codes and non-numbers); {watched} watched by an entity",
                )
                for rate in RATES:
                    await self.rate_run(sim, pool, rate)
            await self.unload(entry)

    async def rate_run(
        self, sim: Simulator, pool: list[tuple[ParamKey, Any, Any]], rate: int
    ) -> None:
        """Emit `rate` changes per second for `--rate-seconds`; record the figures."""
        probe = self.probe
        probe.reset()
        count = int(rate * self.args.rate_seconds)
        await self.hass.async_block_till_done()
        cpu0 = time.process_time()
        started = time.perf_counter()
        for i in range(count):
            due = started + i / rate
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            key, low, high = pool[i % len(pool)]
            value = high if sim.get(BOILER, key.address) == low else low
            emitted = time.perf_counter()
            probe.expect(key, emitted)
            await sim.set_many(BOILER, {key.address: value})
        emit_seconds = time.perf_counter() - started
        await wait_until(lambda: not probe.pending, 10.0)
        cpu = time.process_time() - cpu0
        lat = probe.latencies
        lost = len(probe.pending)
        self.table.add(
            "3",
            f"latency at {rate}/s, p50 / p99",
            f"{ms(percentile(lat, 0.5))} / {ms(percentile(lat, 0.99))}"
            if lat
            else "n/a",
            f"{len(lat)} changes seen by entities, max {ms(max(lat)) if lat else '-'}, "
            f"achieved {count / emit_seconds:.0f}/s"
            + (f", {lost} NOT REFLECTED" if lost else "")
            + ("; target p99 < 10 ms" if rate == 200 else ""),
        )
        self.table.add(
            "4",
            f"state writes at {rate}/s (actual / expected)",
            f"{probe.writes} / {probe.expected_writes}",
            f"{count} change events; {probe.changed_states} changed a state; expected = "
            f"entities watching the changed register; plus {probe.rewrites} re-writes "
            "by Home Assistant after a number's min/max changed",
        )
        self.table.add(
            "4",
            f"CPU per change at {rate}/s",
            f"{cpu / count * 1e6:.0f} µs",
            "process CPU: simulator emit + client + Home Assistant",
        )

    # -- 5 ------------------------------------------------------------------------------

    async def memory_figures(self) -> None:
        """Section 5: tracemalloc of one setup (imports already done by section 2)."""
        async with Simulator(write_delay=WRITE_DELAY) as sim:
            entry = await self.add_entry(sim, self.catalogue)
            gc.collect()
            tracemalloc.start()
            before = tracemalloc.take_snapshot()
            assert await self.hass.config_entries.async_setup(entry.entry_id)  # noqa: S101
            expected = len(self.entity_ids(entry))
            await wait_until(lambda: self.all_available(entry, expected))
            await self.hass.async_block_till_done()
            gc.collect()
            after = tracemalloc.take_snapshot()
            tracemalloc.stop()
            coordinator: BragerOneCoordinator = entry.runtime_data.coordinator
            registers = len(coordinator.store)
            entities = self.probe.index(self.hass)
            groups = memory_groups(after.compare_to(before, "filename"))
            total = sum(groups.values())
            self.table.add(
                "5",
                "runtime memory after setup",
                f"{total / 1024:.0f} KiB",
                f"{registers} registers, {entities} entities; "
                + ", ".join(f"{k} {v / 1024:.0f} KiB" for k, v in groups.items()),
            )
            self.table.add(
                "5",
                "memory per register",
                f"{groups['register store'] / registers:.0f} B",
                "register store (api/store.py, models.py, realtime.py) / registers",
            )
            self.table.add(
                "5",
                "memory per entity",
                f"{(total - groups['register store']) / entities:.0f} B",
                "everything else (descriptors, entities, HA states and registries) / entities",
            )
            await self.unload(entry)

    # -- 6 ------------------------------------------------------------------------------

    async def write_figures(self) -> None:
        """Section 6: number.set_value round trips (pacing off between the writes)."""
        async with Simulator(write_delay=WRITE_DELAY) as sim:
            entry = await self.loaded(sim)
            coordinator: BragerOneCoordinator = entry.runtime_data.coordinator
            coordinator.gateway.writer.pacing = 0.0
            entity_id, low, high = pick_number(self.hass)
            times: list[float] = []
            confirmed = 0
            for i in range(self.args.writes):
                value = high if i % 2 == 0 else low
                started = time.perf_counter()
                await self.hass.services.async_call(
                    "number",
                    "set_value",
                    {"entity_id": entity_id, "value": value},
                    blocking=True,
                )
                times.append(time.perf_counter() - started)
                state = self.hass.states.get(entity_id)
                confirmed += state is not None and float(state.state) == value
            beyond = [t - sim.write_delay for t in times]
            self.table.add(
                "6",
                "write round trip beyond the simulator's delay, p50 / max",
                f"{ms(statistics.median(beyond))} / {ms(max(beyond))}",
                f"{entity_id}, {len(times)} writes ({confirmed} confirmed), delay "
                f"{ms(sim.write_delay)} subtracted; target < 50 ms",
            )
            await self.unload(entry)

    # -- 7 ------------------------------------------------------------------------------

    async def soak(self) -> None:
        """Section 7: a ticking plant, a change stream and periodic writes for `--soak` seconds."""
        seconds = self.args.soak
        gc.collect()
        await asyncio.sleep(0.5)
        tasks0 = live_tasks()
        fds0, sockets0 = open_fds()
        async with Simulator(write_delay=WRITE_DELAY, tick_interval=SOAK_TICK) as sim:
            entry = await self.loaded(sim)
            coordinator: BragerOneCoordinator = entry.runtime_data.coordinator
            coordinator.gateway.writer.pacing = 0.0
            entity_id, low, high = pick_number(self.hass)
            run = await soak_run(self.hass, sim, entity_id, (low, high), seconds)
            # Put the toggled registers back, then every entity must be available again.
            await sim.set_many(BOILER, {key.address: lo for key, lo, _ in run.pool})
            expected = len(self.entity_ids(entry))
            available = await wait_until(
                lambda: self.all_available(entry, expected), 10.0
            )
            await self.unload(entry)
        await asyncio.sleep(0.5)
        gc.collect()
        tasks1 = live_tasks()
        fds1, sockets1 = open_fds()
        self.table.add(
            "7",
            f"soak {seconds:.0f} s: traced memory, first / second half",
            f"{run.first_half / 1024:.0f} / {run.second_half / 1024:.0f} KiB",
            f"growth {(run.second_half - run.first_half) / 1024:+.0f} KiB "
            f"(peak {run.peak / 1024:.0f} KiB); {run.changes} changes, "
            f"{sim.stats.ticks} plant steps, {run.writes} writes ({run.failed} failed); "
            f"entities {'all available' if available else 'NOT all available'} at the end",
        )
        self.table.add(
            "7",
            "tasks before / after",
            f"{tasks0} / {tasks1}",
            "asyncio.all_tasks(): before the simulator started, after unload and its stop",
        )
        self.table.add(
            "7",
            "fds (sockets) before / after",
            f"{fds0} ({sockets0}) / {fds1} ({sockets1})",
            "/proc/self/fd, same points",
        )


@dataclass
class SoakRun:
    """What `soak_run` did and saw (memory in bytes, tracemalloc's traced memory)."""

    pool: list[tuple[ParamKey, Any, Any]]
    samples: list[tuple[float, int]] = field(default_factory=list)
    changes: int = 0
    writes: int = 0
    failed: int = 0
    peak: int = 0

    def _halves(self) -> tuple[list[int], list[int]]:
        """Split the samples after the first tenth (warm-up) into two halves."""
        end = self.samples[-1][0] if self.samples else 0
        warm = [m for t, m in self.samples if t >= end * 0.1]
        half = len(warm) // 2
        return warm[:half], warm[half:]

    @property
    def first_half(self) -> float:
        """Return the mean traced memory of the first half."""
        first, _ = self._halves()
        return statistics.mean(first) if first else 0.0

    @property
    def second_half(self) -> float:
        """Return the mean traced memory of the second half."""
        _, second = self._halves()
        return statistics.mean(second) if second else 0.0


async def soak_run(
    hass: HomeAssistant,
    sim: Simulator,
    entity_id: str,
    values: tuple[float, float],
    seconds: float,
) -> SoakRun:
    """Stream `SOAK_CHANGE_RATE` changes per second and write every `SOAK_WRITE_EVERY` s.

    tracemalloc runs for the whole soak; traced memory is sampled 40 times (after a
    full garbage collection each time).
    """
    run = SoakRun(pool=change_pool(sim))
    tracemalloc.start()
    started = time.perf_counter()
    next_sample = next_write = 0.0
    while (elapsed := time.perf_counter() - started) < seconds:
        key, low, high = run.pool[run.changes % len(run.pool)]
        value = high if sim.get(BOILER, key.address) == low else low
        await sim.set_many(BOILER, {key.address: value})
        run.changes += 1
        if elapsed >= next_write:
            next_write += SOAK_WRITE_EVERY
            try:
                await hass.services.async_call(
                    "number",
                    "set_value",
                    {"entity_id": entity_id, "value": values[run.writes % 2]},
                    blocking=True,
                )
            except Exception:  # noqa: BLE001 - counted and reported, not fatal
                run.failed += 1
            run.writes += 1
        if elapsed >= next_sample:
            next_sample += seconds / 40
            gc.collect()
            run.samples.append((elapsed, tracemalloc.get_traced_memory()[0]))
        await asyncio.sleep(1 / SOAK_CHANGE_RATE)
    gc.collect()
    current, run.peak = tracemalloc.get_traced_memory()
    run.samples.append((time.perf_counter() - started, current))
    tracemalloc.stop()
    return run


def change_pool(sim: Simulator) -> list[tuple[ParamKey, Any, Any]]:
    """Return the boiler registers changed by sections 3 and 7, with the two values each toggles between.

    Every numeric register except the ``u`` unit codes (a unit code change would change
    an entity's unit, which is not a value change); the value toggles between its
    initial value and that value plus one.
    """
    pool = []
    for address, value in sim.registers(BOILER).items():
        key = ParamKey.parse(BOILER, address)
        if (
            key.chan == "u"
            or isinstance(value, bool)
            or not isinstance(value, int | float)
        ):
            continue
        pool.append((key, value, value + 1))
    return pool


def pick_number(hass: HomeAssistant) -> tuple[str, float, float]:
    """Return a writable boiler number entity and two values inside its limits."""
    for platform_ in entity_platform.async_get_platforms(hass, DOMAIN):
        if platform_.domain != "number":
            continue
        for entity_id, entity in sorted(platform_.entities.items()):
            state = hass.states.get(entity_id)
            if (
                not isinstance(entity, BragerOneParameterEntity)
                or entity.descriptor.devid != BOILER
                or state is None
                or state.state == STATE_UNAVAILABLE
            ):
                continue
            low = float(state.attributes["min"])
            high = float(state.attributes["max"])
            step = float(state.attributes.get("step") or 1)
            if high - low >= 2 * step:
                return entity_id, low + step, low + 2 * step
    msg = "no writable number entity"
    raise RuntimeError(msg)


def memory_groups(stats: list[tracemalloc.StatisticDiff]) -> dict[str, int]:
    """Sum allocation growth by where it was allocated."""
    groups = {
        "register store": 0,
        "integration": 0,
        "Home Assistant": 0,
        "other": 0,
    }
    store_files = ("api/store.py", "api/models.py", "api/realtime.py")
    for stat in stats:
        filename = stat.traceback[0].filename
        if "custom_components/bragerone" in filename:
            group = (
                "register store" if filename.endswith(store_files) else "integration"
            )
        elif "/homeassistant/" in filename:
            group = "Home Assistant"
        else:
            group = "other"
        groups[group] += stat.size_diff
    return groups


async def run(args: argparse.Namespace) -> Table:
    """Run every section on one in-process Home Assistant and return the table."""
    # Home Assistant's client session resolves through zeroconf; the test harness
    # replaces that resolver the same way (its `mock_zeroconf_resolver` fixture).
    with patch(
        "homeassistant.helpers.aiohttp_client._async_make_resolver",
        return_value=AsyncResolver(),
    ):
        return await _run(args)


async def _run(args: argparse.Namespace) -> Table:
    """Run the sections inside the test harness's Home Assistant."""
    async with async_test_home_assistant() as hass:
        # The harness keeps custom integrations off unless told (like the
        # `enable_custom_integrations` fixture does).
        hass.data.pop(loader.DATA_CUSTOM_COMPONENTS, None)
        hass.config.language = "en"
        bench = Bench(hass, args)
        sections = [
            bench.catalogue_build,
            bench.setup_figures,
            bench.latency_figures,
            bench.memory_figures,
            bench.write_figures,
        ]
        if args.soak > 0:
            sections.append(bench.soak)
        for section in sections:
            print(
                f"== {section.__doc__.splitlines()[0] if section.__doc__ else ''}",
                flush=True,
            )
            await section()
        await hass.async_stop(force=True)
    return bench.table


def main() -> None:
    """Parse the options, run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--soak", type=float, default=600.0, help="soak seconds (0 skips; default 600)"
    )
    parser.add_argument(
        "--rate-seconds",
        type=float,
        default=5.0,
        help="seconds of each change stream in section 3 (default 5)",
    )
    parser.add_argument(
        "--writes", type=int, default=20, help="writes in section 6 (default 20)"
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    print("\n".join(machine()), flush=True)
    table = asyncio.run(run(args))
    print("\n" + "\n".join(machine()))
    print(table.render())


if __name__ == "__main__":
    main()
