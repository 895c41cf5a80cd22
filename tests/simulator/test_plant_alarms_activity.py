"""The no-fuel alarm, the activity feed and its pushes, the demo knobs (PROTOCOL.md §2.8a, §3.4a)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import aiohttp
import pytest

from simulator import Faults, Simulator
from simulator.__main__ import build_parser, main
from simulator.alarms import NO_FUEL_ALARM, parameter_name_token
from simulator.modules import MODULES
from simulator.plant import FAN_STATUS, FEEDER_STATUS, FUEL_LEVEL
from simulator.rest import OTHER_USER_ID, OTHER_USER_NAME, USER_ID, USER_NAME
from tests.simulator.conftest import NAMESPACE, Recorder, api, bound_socket

BOILER, MIXER = MODULES[0].devid, MODULES[1].devid
CHANGE = "app:modules:parameters:change"
ALARMS_QUANTITY = "app:modules:alarms:quantity:change"
ALARMS_CHANGE = "app:module:alarms:change"
ACTIVITY_QUANTITY = "app:modules:activity:quantity:change"
TASK_COMPLETED = "app:module:task:completed"

type Make = Callable[[], Recorder]


async def listening(
    http: aiohttp.ClientSession, sim: Simulator, make: Make
) -> tuple[Recorder, str]:
    """Return a socket bound to every module and listening for parameters, alarms, activity."""
    recorder, token = await bound_socket(http, sim, make)
    for event in (
        "app:modules:alarms:quantity:listen",
        "app:modules:activity:quantity:listen",
    ):
        await recorder.client.call(
            event, {"modules": sim.devids}, namespace=NAMESPACE, timeout=5
        )
    assert sim.alarm_listeners(BOILER) == 1
    assert sim.activity_listeners(BOILER) == 1
    return recorder, token


def no_fuel_rows(sim: Simulator, devid: str = BOILER) -> list[dict[str, Any]]:
    """Return every alarm-38 row of `devid`, active or ended."""
    return [r for r in sim.alarm_log.alarms if r["devid"] == devid and r["id"] == 38]


# -- fuel runs out ----------------------------------------------------------------------


async def write_p6_v0(
    http: aiohttp.ClientSession, sim: Simulator, token: str, devid: str, value: Any
) -> None:
    """Write register P6.v0 of `devid` through ``POST module/command`` (accepted)."""
    status, _ = await api(
        http,
        sim,
        "POST",
        "module/command",
        token=token,
        json={"devid": devid, "pool": "P6", "parameter": "v0", "value": value},
    )
    assert status == 200


async def test_burning_the_last_fuel_raises_one_no_fuel_alarm(
    sim: Simulator, http: aiohttp.ClientSession, recorder_factory: Make
) -> None:
    recorder, token = await listening(http, sim, recorder_factory)
    await sim.set(BOILER, FUEL_LEVEL, 2)
    for _ in range(60):
        await sim.tick()
        if sim.get(BOILER, FUEL_LEVEL) == 0:
            break
    assert sim.get(BOILER, FUEL_LEVEL) == 0
    for _ in range(5):  # burning on empty raises nothing more
        await sim.tick()
    await recorder.barrier(sim)
    (row,) = no_fuel_rows(sim)
    assert row["finished_at"] is None
    assert recorder.of(ALARMS_QUANTITY) == [{"alarmsQuantity": {BOILER: 1}}]
    assert recorder.of(ALARMS_CHANGE) == [{"devid": BOILER}]
    # Out of fuel, the burner stands still.
    assert sim.get(BOILER, FAN_STATUS) & 1 == 0
    assert sim.get(BOILER, FEEDER_STATUS) & 1 == 0
    status, body = await api(
        http, sim, "POST", "modules/alarms", token=token, json={"modules": [BOILER]}
    )
    assert status == 200
    assert [(r["id"], r["devid"]) for r in body["alarms"]] == [(38, BOILER)]

    # The fuel reset command refills the boiler: the alarm ends and is pushed.
    status, _ = await api(
        http,
        sim,
        "POST",
        "module/command/raw",
        token=token,
        json={"devid": BOILER, "command": "BOILER_FUEL_RESET_HT", "value": 1},
    )
    assert status == 200
    await recorder.wait_event(ALARMS_QUANTITY, 2)
    assert recorder.of(ALARMS_QUANTITY)[-1] == {"alarmsQuantity": {BOILER: 0}}
    assert sim.get(BOILER, FUEL_LEVEL) == 100
    (row,) = no_fuel_rows(sim)
    assert row["finished_at"] is not None
    assert sim.alarm_log.active([BOILER]) == []
    # The refill is the demo user's activity row, named after the fuel-reset button.
    (activity,) = sim.alarm_log.activities
    assert (activity["name"], activity["value"], activity["prevValue"]) == (
        "parameters.PARAM_66",
        100,
        0,
    )
    assert activity["user"] == {"id": USER_ID, "name": USER_NAME}


async def test_setting_the_level_raises_and_ends_the_alarm(
    sim: Simulator, http: aiohttp.ClientSession, recorder_factory: Make
) -> None:
    recorder, _ = await listening(http, sim, recorder_factory)
    await sim.set(BOILER, FUEL_LEVEL, 0)
    await sim.set_many(BOILER, {FUEL_LEVEL: 0, "P4.v1": 50})  # still empty: no new row
    assert len(no_fuel_rows(sim)) == 1
    await sim.set(BOILER, FUEL_LEVEL, 40)
    await sim.set(BOILER, FUEL_LEVEL, 39)
    await recorder.barrier(sim)
    assert recorder.of(ALARMS_QUANTITY) == [
        {"alarmsQuantity": {BOILER: 1}},
        {"alarmsQuantity": {BOILER: 0}},
    ]
    (row,) = no_fuel_rows(sim)
    assert row["finished_at"] is not None
    # Out of fuel again: a second occurrence.
    await sim.set(BOILER, FUEL_LEVEL, 0)
    assert [r["finished_at"] is None for r in no_fuel_rows(sim)] == [False, True]


async def test_the_fuel_alarm_leaves_other_alarms_and_modules_alone(
    sim: Simulator,
) -> None:
    await sim.raise_alarm(BOILER, NO_FUEL_ALARM)  # raised by hand with fuel left
    await sim.set(BOILER, FUEL_LEVEL, 50)
    assert len(sim.alarm_log.active([BOILER])) == 1
    await sim.end_alarm(BOILER, NO_FUEL_ALARM)
    await sim.set(MIXER, FUEL_LEVEL, 0)  # not a boiler: no fuel to run out of
    assert sim.alarm_log.active([MIXER]) == []


# -- activity rows --------------------------------------------------------------------


async def test_a_write_is_an_activity_row_with_the_real_name_token(
    sim: Simulator, http: aiohttp.ClientSession, recorder_factory: Make
) -> None:
    recorder, token = await listening(http, sim, recorder_factory)
    before = sim.get(BOILER, "P6.v0")
    target = sim.get(BOILER, "P6.n0")
    await write_p6_v0(http, sim, token, BOILER, target)
    (pushed,) = await recorder.wait_event(ACTIVITY_QUANTITY)
    assert pushed == {"activityQuantity": {BOILER: 1}}
    assert sim.get(BOILER, "P6.v0") == target
    status, body = await api(
        http,
        sim,
        "POST",
        "modules/activity",
        token=token,
        json={"modules": [BOILER], "page": 1, "limit": 20},
    )
    assert status == 200
    (row,) = body["activities"]["data"]
    unit = sim.get(BOILER, "P6.u0")
    assert row["name"] == "parameters.PARAM_0"
    assert (row["value"], row["prevValue"], row["unit"]) == (target, before, unit)
    assert row["prev_value"] == {"P6": {"0": {"v": before, "u": unit}}}
    assert (row["state"], row["user_id"], row["user"]) == (
        "success",
        USER_ID,
        {"id": USER_ID, "name": USER_NAME},
    )
    assert row["module"] == {"devid": BOILER, "id": MODULES[0].db_id}
    assert row["module_id"] == MODULES[0].db_id
    assert row["devid"] == BOILER  # seed 0 names it at the top too
    assert isinstance(row["created_at"], str)
    status, body = await api(
        http,
        sim,
        "POST",
        "modules/activity/quantity",
        token=token,
        json={"modules": sim.devids},
    )
    assert (status, body) == (200, {"activityQuantity": {BOILER: 1, MIXER: 0}})


async def test_mixer_and_raw_command_rows_use_their_maps_tokens(
    sim: Simulator, http: aiohttp.ClientSession, recorder_factory: Make
) -> None:
    recorder, token = await listening(http, sim, recorder_factory)
    await write_p6_v0(http, sim, token, MIXER, 45)
    word = sim.get(BOILER, "P5.s0")
    status, _ = await api(
        http,
        sim,
        "POST",
        "module/command/raw",
        token=token,
        json={"devid": BOILER, "command": "BOILER_ON_OFF", "value": False},
    )
    assert status == 200
    await recorder.wait_event(ACTIVITY_QUANTITY, 2)
    by_devid = {r["module"]["devid"]: r for r in sim.alarm_log.activities}
    assert by_devid[MIXER]["name"] == "parameters.OBIEG1_NASTAWA"
    assert by_devid[BOILER]["name"] == "app.one.parameters.URUCHOMIENIE_KOTLA"
    assert (by_devid[BOILER]["prevValue"], by_devid[BOILER]["value"]) == (
        word,
        word & ~1,
    )
    ids = [r["id"] for r in sim.alarm_log.activities]
    assert ids == sorted(ids)
    assert len(set(ids)) == 2


async def test_a_write_the_module_never_applied_leaves_no_row(
    sim: Simulator, http: aiohttp.ClientSession, recorder_factory: Make
) -> None:
    recorder, token = await listening(http, sim, recorder_factory)
    sim.faults.echo_delays[BOILER] = 0.3
    await write_p6_v0(http, sim, token, BOILER, 60)
    assert sim.alarm_log.activities == []  # accepted, not applied yet
    await sim.set_module_online(BOILER, online=False)
    (completed,) = await recorder.wait_event(TASK_COMPLETED)
    assert completed["status"] == "FAILED"
    await recorder.barrier(sim)
    assert sim.alarm_log.activities == []
    assert recorder.of(ACTIVITY_QUANTITY) == []


async def test_a_write_by_another_user(
    sim: Simulator, http: aiohttp.ClientSession, recorder_factory: Make
) -> None:
    recorder, _ = await listening(http, sim, recorder_factory)
    before = sim.get(BOILER, "P6.v1")
    await sim.write_as_other_user(BOILER, "P6.v1", 55)
    assert sim.get(BOILER, "P6.v1") == 55
    (row,) = sim.alarm_log.activities
    assert row["user"] == {"id": OTHER_USER_ID, "name": OTHER_USER_NAME}
    assert row["user_id"] == OTHER_USER_ID != USER_ID
    assert (row["name"], row["value"], row["prevValue"]) == (
        "parameters.PARAM_1",
        55,
        before,
    )
    (change,) = await recorder.wait_event(CHANGE)
    entry = change[BOILER]["P6"]["v1"]
    assert (entry["value"] if isinstance(entry, dict) else entry) == 55
    assert await recorder.wait_event(ACTIVITY_QUANTITY) == [
        {"activityQuantity": {BOILER: 1}}
    ]
    await sim.set_module_online(BOILER, online=False)
    with pytest.raises(RuntimeError, match="offline"):
        await sim.write_as_other_user(BOILER, "P6.v1", 56)
    with pytest.raises(ValueError, match="not a register address"):
        await sim.write_as_other_user(MIXER, "v1", 1)


async def test_activity_pushes_need_the_activity_listen(
    sim: Simulator, http: aiohttp.ClientSession, recorder_factory: Make
) -> None:
    recorder, _ = await bound_socket(http, sim, recorder_factory)  # parameters only
    assert sim.activity_listeners(BOILER) == 0
    await sim.write_as_other_user(BOILER, "P6.v1", 55)
    await recorder.wait_event(CHANGE)
    await recorder.barrier(sim)
    assert recorder.of(ACTIVITY_QUANTITY) == []


@pytest.mark.parametrize(
    ("kind", "address", "command", "token"),
    [
        ("boiler", "P6.v0", None, "parameters.PARAM_0"),
        ("boiler", "P4.v60", None, "parameters.PARAM_P4_59"),  # the high word
        ("boiler", "P5.s0", None, "app.one.parameters.URUCHOMIENIE_KOTLA"),
        ("boiler", "P4.v8", "BOILER_FUEL_RESET_HT", "parameters.PARAM_66"),
        ("boiler", "P4.v8", None, "parameters.PARAM_P4_8"),
        ("boiler", "P6.v999", None, "parameters.PARAM_999"),
        ("boiler", "P4.v99", None, "parameters.PARAM_P4_99"),
        ("mixer", "P5.s0", "CIRCUIT_PUMP_TEST", "app.one.parameters.TEST_POMPY_OBIEGU"),
        ("mixer", "P6.v2", "NO_SUCH_COMMAND", "parameters.OBIEG1_TRYB"),
        ("unknown", "P6.v3", None, "parameters.PARAM_3"),
    ],
)
def test_name_tokens(kind: str, address: str, command: str | None, token: str) -> None:
    assert parameter_name_token(kind, address, command) == token


# -- demo knobs ---------------------------------------------------------------------


def test_alarm_and_fuel_knobs_parse() -> None:
    faults = Faults()
    for spec in ("alarm=38", f"alarm=7@{MIXER}", "fuel=3"):
        faults.apply(spec)
    assert faults.start_alarms == [(38, None), (7, MIXER)]
    assert faults.start_fuel == 3
    faults.apply("fuel=0")
    assert faults.start_fuel == 0
    for bad in (
        "alarm",
        "alarm=",
        "alarm=x",
        "alarm=-1",
        "alarm=38@",
        "fuel",
        "fuel=-1",
        "fuel=abc",
        "fuel=101",
        "fuel=2.5",
    ):
        with pytest.raises(ValueError, match="fault"):
            faults.apply(bad)
    faults.clear()
    assert faults == Faults()


async def test_start_knobs_apply_once_when_the_simulator_starts() -> None:
    sim = Simulator(write_delay=0.05)
    for spec in ("fuel=0", "alarm=5", f"alarm=7@{MIXER}", "alarm=9@NOSUCHDEV"):
        sim.faults.apply(spec)
    assert sim.alarm_log.alarms == []  # nothing before it runs
    async with sim:
        assert sim.get(BOILER, FUEL_LEVEL) == 0
        assert sorted(r["id"] for r in sim.alarm_log.active([BOILER])) == [5, 38]
        assert [r["id"] for r in sim.alarm_log.active([MIXER])] == [7]
        await sim.end_alarm(BOILER, 5)
        await sim.set(BOILER, FUEL_LEVEL, 20)
        await sim.restart()
        assert sim.get(BOILER, FUEL_LEVEL) == 20
        assert sim.alarm_log.active([BOILER]) == []


async def test_a_low_start_fuel_runs_out_while_burning() -> None:
    sim = Simulator(write_delay=0.05)
    sim.faults.apply("fuel=3")
    async with sim:
        assert sim.get(BOILER, FUEL_LEVEL) == 3
        for _ in range(30):  # 30 ticks of 2 s: a minute
            await sim.tick()
        assert sim.get(BOILER, FUEL_LEVEL) == 0
        assert [r["id"] for r in sim.alarm_log.active([BOILER])] == [38]


def test_the_command_line_knows_the_knobs() -> None:
    assert "alarm=CODE[@DEVID]" in build_parser().format_help().replace("\n", " ")
    for bad in ("fuel=x", "alarm=38@NOSUCHDEV"):
        with pytest.raises(SystemExit) as raised:
            main(["--fault", bad])
        assert raised.value.code == 2
