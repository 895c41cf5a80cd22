"""A bounded soak (issue 7): one minute of a ticking plant, a change stream and periodic writes.

Memory must stay flat (tracemalloc: the second half of the run may not grow the way a
leak would) and, once the entry is unloaded and the simulator stopped, the asyncio
tasks and open sockets of the process are back to what they were before. The figures of
the ten-minute version are in ``docs/performance.md`` (``scripts/bench``); nothing here
measures time.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from pathlib import Path
import time
import tracemalloc
from typing import Any

from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er

from custom_components.bragerone.api import ParamKey
from simulator import Simulator

from .integration_fixtures import BOILER, catalogue_data, make_entry, wait_for

SOAK_SECONDS = 60.0
CHANGE_INTERVAL = 0.01
"""Seconds between two register changes (about 100 changes per second with the ticks)."""
WRITE_EVERY = 3.0
"""Seconds between two number writes."""
NUMBER = "number.kociol_burner_settings_blower_output_after_ignition"
GROWTH_LIMIT = 1024 * 1024
"""Largest traced-memory growth (bytes) allowed over the second half of the soak."""
OWN_GROWTH_LIMIT = 128 * 1024
"""Largest growth (bytes) of memory allocated by the integration's own files, second half."""


HARNESS_FILES = (
    tracemalloc.__file__,
    logging.__file__,
    "*/_pytest/*",
    "*/pytest_homeassistant_custom_component/*",
)
"""Files whose allocations belong to the test harness, not to the runtime under test
(pytest's log capture keeps the warnings of the test until it ends)."""


def _snapshot() -> tracemalloc.Snapshot:
    """Collect garbage and take a snapshot without the harness's own allocations."""
    gc.collect()
    return tracemalloc.take_snapshot().filter_traces(
        [tracemalloc.Filter(inclusive=False, filename_pattern=f) for f in HARNESS_FILES]
    )


def _tasks() -> int:
    return sum(1 for task in asyncio.all_tasks() if not task.done())


def _sockets() -> int:
    count = 0
    for path in Path("/proc/self/fd").iterdir():
        with contextlib.suppress(OSError):
            count += str(path.readlink()).startswith("socket:")
    return count


def _own_bytes(snapshot: tracemalloc.Snapshot) -> int:
    return sum(
        stat.size
        for stat in snapshot.statistics("filename")
        if "custom_components/bragerone" in stat.traceback[0].filename
    )


def _toggles(sim: Simulator) -> list[tuple[str, Any, Any]]:
    """Return boiler registers (not unit codes) with the two values each change toggles between."""
    pool = []
    for address, value in sim.registers(BOILER).items():
        if ParamKey.parse(BOILER, address).chan == "u" or not isinstance(
            value, int | float
        ):
            continue
        pool.append((address, value, value + 1))
    return pool


async def _soak(hass: HomeAssistant, sim: Simulator) -> list[tracemalloc.Snapshot]:
    """Run the soak; return snapshots at a quarter, half and the end of it."""
    pool = _toggles(sim)
    low = float(hass.states.get(NUMBER).attributes["min"])  # type: ignore[union-attr]
    values = (low + 1, low + 2)
    snapshots: list[tracemalloc.Snapshot] = []
    marks = [SOAK_SECONDS / 4, SOAK_SECONDS / 2]
    started = time.monotonic()
    changes = writes = 0
    next_write = 0.0
    while (elapsed := time.monotonic() - started) < SOAK_SECONDS:
        address, first, second = pool[changes % len(pool)]
        value = second if sim.get(BOILER, address) == first else first
        await sim.set(BOILER, address, value)
        changes += 1
        if elapsed >= next_write:
            next_write += WRITE_EVERY
            await hass.services.async_call(
                "number",
                "set_value",
                {"entity_id": NUMBER, "value": values[writes % 2]},
                blocking=True,
            )
            assert float(hass.states.get(NUMBER).state) == values[writes % 2]  # type: ignore[union-attr]
            writes += 1
        if marks and elapsed >= marks[0]:
            marks.pop(0)
            snapshots.append(_snapshot())
        await asyncio.sleep(CHANGE_INTERVAL)
    snapshots.append(_snapshot())
    assert writes >= SOAK_SECONDS / WRITE_EVERY - 1
    assert sim.stats.ticks >= 10
    # Every toggled register back to its first value: all entities available again.
    await sim.set_many(BOILER, {address: first for address, first, _ in pool})
    return snapshots


async def test_soak_memory_flat_no_task_or_socket_leak(
    hass: HomeAssistant, socket_enabled: None, fast_writes: None
) -> None:
    """One minute under load leaves memory flat and nothing running after unload."""
    gc.collect()
    tasks_before, sockets_before = _tasks(), _sockets()
    async with Simulator(write_delay=0.05, tick_interval=0.5) as sim:
        entry = make_entry(sim, await catalogue_data(sim))
        entry.add_to_hass(hass)
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
        entity_ids = [
            item.entity_id
            for item in er.async_entries_for_config_entry(
                er.async_get(hass), entry.entry_id
            )
            if item.disabled_by is None
        ]
        # Debug and info records are not made during the soak: pytest keeps every record
        # of a test, and a record keeps its arguments alive (Home Assistant's
        # "Bus:Handling <Event state_changed ...>" holds each event and its states), which
        # grows with the changes like a leak. Warnings and errors are still recorded.
        logging.disable(logging.INFO)
        tracemalloc.start()
        try:
            quarter, half, end = await _soak(hass, sim)
        finally:
            tracemalloc.stop()
            logging.disable(logging.NOTSET)

        def all_available() -> bool:
            states = [hass.states.get(entity_id) for entity_id in entity_ids]
            return all(s is not None and s.state != STATE_UNAVAILABLE for s in states)

        await wait_for(all_available)
        assert await hass.config_entries.async_unload(entry.entry_id)
        await hass.async_block_till_done()
        await wait_for(lambda: not sim.sessions())

    # Memory: whatever the warm-up allocated, the second half does not keep growing.
    first_growth = sum(s.size_diff for s in half.compare_to(quarter, "filename"))
    diffs = end.compare_to(half, "lineno")
    second_growth = sum(s.size_diff for s in diffs)
    assert second_growth < GROWTH_LIMIT, (first_growth, second_growth, diffs[:15])
    assert _own_bytes(end) - _own_bytes(half) < OWN_GROWTH_LIMIT
    # Nothing left running or open once the entry is unloaded and the simulator gone.
    await wait_for(lambda: _tasks() <= tasks_before)
    await wait_for(lambda: _sockets() <= sockets_before)
