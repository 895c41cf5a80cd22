"""The simulated plant: registers per devid and the step that keeps them alive."""

from __future__ import annotations

from collections.abc import Callable
import itertools

import aiohttp
import pytest

from simulator import Plant, Simulator
from simulator.modules import MODULES
from tests.simulator.conftest import Recorder, bound_socket

BOILER, MIXER = MODULES[0].devid, MODULES[1].devid
CHANGE = "app:modules:parameters:change"

type Make = Callable[[], Recorder]


def unsigned_total(plant: Plant) -> int:
    """Return the two-word feeder counter as the web app composes it (PROTOCOL.md §5.4)."""
    low = int(plant.get(BOILER, "P4.v59")) & 0xFFFF
    return low + int(plant.get(BOILER, "P4.v60")) * 65536


def test_registers_are_keyed_by_devid() -> None:
    plant = Plant()
    assert plant.devids == [BOILER, MIXER]
    assert plant.get(BOILER, "P4.v0") == 65.5
    assert plant.get(MIXER, "P4.v0") == 41.5
    assert plant.get(BOILER, "P4.v59") == -27473
    assert unsigned_total(plant) == 38063
    assert plant.registers(BOILER) is not plant.registers(BOILER)
    with pytest.raises(KeyError):
        plant.get("NOSUCHDEV1", "P4.v0")


def test_same_seed_same_plant_other_seed_differs() -> None:
    def run(seed: int) -> list[dict[str, dict[str, object]]]:
        plant = Plant(seed=seed, clock=lambda: 1_750_000_000)
        return [plant.step() for _ in range(30)]

    assert run(3) == run(3)
    assert run(3) != run(4)


def test_temperatures_drift_towards_setpoints_in_half_degrees() -> None:
    plant = Plant()
    readings = [plant.get(BOILER, "P4.v0")]
    for _ in range(40):
        plant.step()
        readings.append(plant.get(BOILER, "P4.v0"))
    setpoint = plant.get(BOILER, "P6.v0")  # 73
    assert readings[:16] == [65.5 + 0.5 * i for i in range(16)]
    assert all(abs(b - a) in {0, 0.5} for a, b in itertools.pairwise(readings))
    assert all(abs(r - setpoint) <= 1 for r in readings[16:])
    assert plant.get(MIXER, "P4.v0") != 41.5


def test_setpoint_change_moves_the_reading() -> None:
    plant = Plant()
    plant.set_many(MIXER, {"P6.v0": 60})
    for _ in range(10):
        plant.step()
    assert plant.get(MIXER, "P4.v0") == 41.5 + 5


def test_disabled_boiler_cools_and_stops_the_burner() -> None:
    plant = Plant()
    plant.set_many(BOILER, {"P5.s0": plant.get(BOILER, "P5.s0") & ~1})
    for _ in range(5):
        plant.step()
    assert plant.get(BOILER, "P4.v0") == 63.0
    assert plant.get(BOILER, "P5.s10") & 1 == 0
    assert plant.get(BOILER, "P5.s5") & 1 == 0


def test_burner_cycle_and_fuel() -> None:
    plant = Plant(seed=1)
    fan: list[int] = []
    feeder: list[int] = []
    fuel = [plant.get(BOILER, "P4.v8")]
    for _ in range(30):
        plant.step()
        fan.append(plant.get(BOILER, "P5.s10") & 1)
        feeder.append(plant.get(BOILER, "P5.s5") & 1)
        fuel.append(plant.get(BOILER, "P4.v8"))
    assert set(fan) == {0, 1}
    assert set(feeder) == {0, 1}
    assert all(
        f <= fan_on for f, fan_on in zip(feeder, fan, strict=True)
    )  # feeding needs the fan
    assert fuel[-1] < fuel[0]
    assert all(b <= a for a, b in itertools.pairwise(fuel))


def test_counters_rise_and_the_two_word_counter_wraps() -> None:
    plant = Plant()
    counters = ["P4.v39", "P4.v40", "P4.v41", "P4.v42"]
    before = {a: plant.get(BOILER, a) for a in counters}
    total = unsigned_total(plant)
    for _ in range(10):
        plant.step()
    after = {a: plant.get(BOILER, a) for a in counters}
    assert sum(after.values()) == sum(before.values()) + 10
    assert all(after[a] >= before[a] for a in counters)
    assert unsigned_total(plant) > total
    # 0xFFFF in the low word (read as -1 when signed) carries into v60
    plant.set_many(BOILER, {"P4.v59": -1, "P4.v60": 0})
    plant.step()
    low, high = plant.get(BOILER, "P4.v59"), plant.get(BOILER, "P4.v60")
    assert high == 1
    assert 0 <= low <= 2
    assert -32768 <= plant.get(BOILER, "P4.v59") <= 32767


def test_offline_modules_do_not_change() -> None:
    plant = Plant()
    assert plant.set_online(MIXER, online=False)
    assert not plant.set_online(MIXER, online=False)
    registers = plant.registers(MIXER)
    changes = [plant.step() for _ in range(5)]
    assert plant.registers(MIXER) == registers
    assert all(MIXER not in change and BOILER in change for change in changes)
    assert plant.connected_at(MIXER) == 0


def test_set_many_stamps_updated_at() -> None:
    now = [1_750_000_000.0]
    plant = Plant(clock=lambda: now[0])
    assert plant.updated_at(BOILER, "P4.v1") < 1_750_000_000
    now[0] += 10
    assert plant.set_many(BOILER, {"P4.v1": 59.0, "P4.v99": 1}) == {
        "P4.v1": 59.0,
        "P4.v99": 1,
    }
    assert plant.updated_at(BOILER, "P4.v1") == 1_750_000_010
    assert plant.created_at(BOILER, "P4.v99") == 1_750_000_010
    with pytest.raises(ValueError, match="not a register address"):
        plant.set_many(BOILER, {"v1": 1})


async def test_tick_pushes_one_change_event_per_module(
    sim: Simulator, http: aiohttp.ClientSession, recorder_factory: Make
) -> None:
    recorder, _ = await bound_socket(http, sim, recorder_factory)
    before = {devid: sim.registers(devid) for devid in sim.devids}
    await sim.tick()
    events = await recorder.wait_event(CHANGE, 2)
    assert [list(payload) for payload in events] == [[BOILER], [MIXER]]
    for payload in events:
        ((devid, pools),) = payload.items()
        for pool, entries in pools.items():
            for key, entry in entries.items():
                value = entry["value"] if isinstance(entry, dict) else entry
                assert sim.get(devid, f"{pool}.{key}") == value
                assert before[devid][f"{pool}.{key}"] != value
    assert sim.get(BOILER, "P4.v0") == 66.0


async def test_every_third_tick_carries_a_meta_only_entry(
    sim: Simulator, http: aiohttp.ClientSession, recorder_factory: Make
) -> None:
    recorder, _ = await bound_socket(http, sim, recorder_factory, devids=[BOILER])
    for _ in range(3):
        await sim.tick()
    events = await recorder.wait_event(CHANGE, 3)

    def meta_only(payload: dict[str, dict[str, dict[str, object]]]) -> list[str]:
        return [
            f"{pool}.{key}"
            for pool, entries in payload[BOILER].items()
            for key, entry in entries.items()
            if isinstance(entry, dict) and "value" not in entry
        ]

    assert [bool(meta_only(e)) for e in events] == [False, False, True]
    (address,) = meta_only(events[2])
    assert sim.get(BOILER, address) is not None  # the value stays; only metadata moved


async def test_ticker_runs_the_plant_by_itself(
    http: aiohttp.ClientSession, recorder_factory: Make
) -> None:
    async with Simulator(tick_interval=0.05) as sim:
        recorder, _ = await bound_socket(http, sim, recorder_factory)
        await recorder.wait_event(CHANGE, 4)
        assert sim.stats.ticks >= 2
        assert sim.get(BOILER, "P4.v0") > 65.5
