"""The simulator's Socket.IO side, with real python-socketio clients on 127.0.0.1."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import aiohttp
from homeassistant.core import HomeAssistant
import pytest
import socketio

from simulator import Simulator
from simulator.modules import MODULES
from tests.simulator.conftest import Recorder, api, bound_socket, login

BOILER, MIXER = MODULES[0].devid, MODULES[1].devid
CHANGE = "app:modules:parameters:change"
STATUS = "app:module:connection:status:changed"

type Make = Callable[[], Recorder]


def changed_values(recorder: Recorder, devid: str, address: str) -> list[object]:
    """Return the values pushed for one register, in order."""
    pool, key = address.split(".")
    values: list[object] = []
    for payload in recorder.of(CHANGE):
        entry = payload.get(devid, {}).get(pool, {}).get(key)
        if isinstance(entry, dict):
            if "value" in entry:
                values.append(entry["value"])
        elif entry is not None:
            values.append(entry)
    return values


@pytest.mark.parametrize("case", ["missing", "garbage", "basic", "revoked"])
async def test_handshake_refused_without_a_valid_token(
    sim: Simulator, http: aiohttp.ClientSession, recorder_factory: Make, case: str
) -> None:
    token: str | None = None
    if case == "garbage":
        token = "not-a-token"
    elif case == "revoked":
        token = await login(http, sim)
        sim.revoke_tokens()
    recorder = recorder_factory()
    if case == "basic":
        recorder.client.on("connect", lambda: None, namespace="/ws")
        with pytest.raises(socketio.exceptions.ConnectionError):
            await recorder.client.connect(
                sim.api_url,
                headers={"Authorization": f"Basic {await login(http, sim)}"},
                namespaces=["/ws"],
                transports=["websocket"],
                wait_timeout=5,
            )
    else:
        with pytest.raises(socketio.exceptions.ConnectionError):
            await recorder.connect(sim, token)
    assert sim.stats.refused_connects == 1
    assert sim.stats.connects == 0
    assert sim.sessions() == {}


async def test_handshake_refused_with_expired_token(
    http: aiohttp.ClientSession, recorder_factory: Make
) -> None:
    async with Simulator(token_lifetime=0.0) as sim:
        token = await login(http, sim)
        with pytest.raises(socketio.exceptions.ConnectionError):
            await recorder_factory().connect(sim, token)
        assert sim.stats.refused_connects == 1


async def test_auth_payload_is_not_enough(
    sim: Simulator, http: aiohttp.ClientSession, recorder_factory: Make
) -> None:
    token = await login(http, sim)
    recorder = recorder_factory()
    with pytest.raises(socketio.exceptions.ConnectionError):
        await recorder.client.connect(
            sim.api_url,
            auth={"token": token},
            namespaces=["/ws"],
            transports=["websocket"],
            wait_timeout=5,
        )


async def test_bound_and_listening_socket_gets_changes(
    sim: Simulator, http: aiohttp.ClientSession, recorder_factory: Make
) -> None:
    recorder, _ = await bound_socket(http, sim, recorder_factory)
    session = sim.sessions()[recorder.sid]
    assert session.bound == set(sim.devids)
    assert session.listening == set(sim.devids)
    await sim.set(BOILER, "P4.v1", 59.0)
    await sim.set_many(MIXER, {"P4.v0": 42.5, "P4.v1": 36})
    await recorder.wait_event(CHANGE, 2)
    first, second = recorder.of(CHANGE)
    assert list(first) == [BOILER]
    assert changed_values(recorder, BOILER, "P4.v1") == [59.0]
    assert list(second) == [MIXER]
    assert set(second[MIXER]["P4"]) == {"v0", "v1"}
    assert changed_values(recorder, MIXER, "P4.v0") == [42.5]


async def test_stale_sid_gets_nothing_current_sid_does(
    sim: Simulator, http: aiohttp.ClientSession, recorder_factory: Make
) -> None:
    token = await login(http, sim)
    old = recorder_factory()
    await old.connect(sim, token)
    stale_sid = old.sid
    await old.close()
    new = recorder_factory()
    await new.connect(sim, token)
    await new.listen(sim.devids, sim.object_id)
    # the reference client's defect (PROTOCOL.md §2.6): binding the old SID answers 2xx
    status, _ = await api(
        http,
        sim,
        "POST",
        "modules/connect",
        token=token,
        json={"wsid": stale_sid, "modules": sim.devids},
    )
    assert status == 200
    await sim.set(BOILER, "P4.v1", 60.0)
    await new.barrier(sim)
    assert new.of(CHANGE) == []
    # binding the current SID makes the same socket receive changes
    status, _ = await api(
        http,
        sim,
        "POST",
        "modules/connect",
        token=token,
        json={"wsid": new.sid, "modules": sim.devids},
    )
    assert status == 200
    await sim.set(BOILER, "P4.v1", 61.0)
    await new.wait_event(CHANGE)
    assert changed_values(new, BOILER, "P4.v1") == [61.0]
    assert sim.stats.ignored_binds == 1
    assert sim.stats.binds == 1


async def test_engineio_sid_does_not_bind(
    sim: Simulator, http: aiohttp.ClientSession, recorder_factory: Make
) -> None:
    token = await login(http, sim)
    recorder = recorder_factory()
    await recorder.connect(sim, token)
    await recorder.listen(sim.devids, sim.object_id)
    eio_sid = recorder.client.eio.sid
    assert eio_sid != recorder.sid
    for key in ("wsid", "sid"):
        await api(
            http,
            sim,
            "POST",
            "modules/connect",
            token=token,
            json={key: eio_sid, "modules": sim.devids, "group_id": str(sim.object_id)},
        )
    await sim.set(BOILER, "P4.v1", 60.0)
    await recorder.barrier(sim)
    assert recorder.of(CHANGE) == []
    # the "sid" key and a string group_id do bind when the SID is the namespace one
    await api(
        http,
        sim,
        "POST",
        "modules/connect",
        token=token,
        json={
            "sid": recorder.sid,
            "modules": sim.devids,
            "group_id": str(sim.object_id),
        },
    )
    await sim.set(BOILER, "P4.v1", 61.0)
    await recorder.wait_event(CHANGE)


async def test_listening_without_binding_gets_nothing(
    sim: Simulator, http: aiohttp.ClientSession, recorder_factory: Make
) -> None:
    token = await login(http, sim)
    recorder = recorder_factory()
    await recorder.connect(sim, token)
    await recorder.listen(sim.devids, sim.object_id)
    await sim.set(BOILER, "P4.v1", 60.0)
    await sim.emit_memory_changed(BOILER)
    await sim.set_module_online(BOILER, online=False)
    await recorder.barrier(sim)
    assert [name for name, _ in recorder.events] == ["test:barrier"]


async def test_binding_without_listening_gets_no_changes(
    sim: Simulator, http: aiohttp.ClientSession, recorder_factory: Make
) -> None:
    recorder, _ = await bound_socket(http, sim, recorder_factory, listen=False)
    await sim.set(BOILER, "P4.v1", 60.0)
    await recorder.barrier(sim)
    assert recorder.of(CHANGE) == []
    await recorder.client.call(
        "app:modules:parameters:listen",
        {"devids": [BOILER], "group_id": sim.object_id},
        namespace="/ws",
        timeout=5,
    )
    await sim.set(BOILER, "P4.v1", 61.0)
    await sim.set(MIXER, "P4.v1", 37.0)  # bound but not listened to
    await recorder.barrier(sim)
    assert [list(payload) for payload in recorder.of(CHANGE)] == [[BOILER]]


async def test_binding_is_per_devid(
    sim: Simulator, http: aiohttp.ClientSession, recorder_factory: Make
) -> None:
    recorder, _ = await bound_socket(http, sim, recorder_factory, devids=[MIXER])
    await sim.set(BOILER, "P4.v1", 60.0)
    await sim.set(MIXER, "P4.v1", 37.0)
    await recorder.wait_event(CHANGE)
    await recorder.barrier(sim)
    assert [list(payload) for payload in recorder.of(CHANGE)] == [[MIXER]]


async def test_write_is_applied_pushed_and_tracked_by_task_events(
    sim: Simulator, http: aiohttp.ClientSession, recorder_factory: Make
) -> None:
    recorder, token = await bound_socket(http, sim, recorder_factory)
    status, body = await api(
        http,
        sim,
        "POST",
        "module/command",
        token=token,
        json={
            "devid": BOILER,
            "pool": "P6",
            "parameter": "v0",
            "value": 76,
            "parameterName": "parameters.PARAM_0",
            "unit": 1,
        },
    )
    assert status == 200
    task_id = body["taskId"]
    (completed,) = await recorder.wait_event("app:module:task:completed")
    assert completed["id"] == task_id
    assert completed["status"] == "SUCCESS"
    assert sim.get(BOILER, "P6.v0") == 76
    assert changed_values(recorder, BOILER, "P6.v0") == [76]
    names = [name for name, _ in recorder.events]
    assert names == [
        "app:module:task:created",
        "app:module:task:status:changed",
        CHANGE,
        "app:module:task:status:changed",
        "app:module:task:completed",
    ]
    statuses = [p["status"] for p in recorder.of("app:module:task:status:changed")]
    assert statuses == ["IN_PROGRESS", "SUCCESS"]


async def test_write_to_module_going_offline_fails_its_task(
    http: aiohttp.ClientSession, recorder_factory: Make
) -> None:
    async with Simulator(write_delay=0.3) as sim:
        recorder, token = await bound_socket(http, sim, recorder_factory)
        status, _ = await api(
            http,
            sim,
            "POST",
            "module/command",
            token=token,
            json={"devid": BOILER, "pool": "P6", "parameter": "v0", "value": 76},
        )
        assert status == 200
        await recorder.wait_event("app:module:task:created")
        await sim.set_module_online(BOILER, online=False)
        (completed,) = await recorder.wait_event("app:module:task:completed")
        assert completed["status"] == "FAILED"
        assert sim.get(BOILER, "P6.v0") == 73
        assert recorder.of(CHANGE) == []


async def test_raw_command_effect_is_pushed(
    sim: Simulator, http: aiohttp.ClientSession, recorder_factory: Make
) -> None:
    recorder, token = await bound_socket(http, sim, recorder_factory)
    before = sim.get(MIXER, "P5.s0")
    assert before & 0x10 == 0
    status, _ = await api(
        http,
        sim,
        "POST",
        "module/command/raw",
        token=token,
        json={"devid": MIXER, "command": "CIRCUIT_PUMP_TEST", "value": True},
    )
    assert status == 200
    await recorder.wait_event("app:module:task:completed")
    assert changed_values(recorder, MIXER, "P5.s0") == [before | 0x10]
    # a command without a register only produces task events
    status, _ = await api(
        http,
        sim,
        "POST",
        "module/command/raw",
        token=token,
        json={"devid": MIXER, "command": "MODULE_RESTART", "value": "ONLINE"},
    )
    assert status == 200
    await recorder.wait_event("app:module:task:completed", 2)
    assert len(recorder.of(CHANGE)) == 1


async def test_memory_event_arrives_as_number_22(
    sim: Simulator, http: aiohttp.ClientSession, recorder_factory: Make
) -> None:
    recorder, _ = await bound_socket(http, sim, recorder_factory)
    received: list[object] = []
    done = asyncio.Event()

    async def on_22(data: object) -> None:
        received.append(data)
        done.set()

    recorder.client.on(22, on_22, namespace="/ws")
    await sim.emit_memory_changed(MIXER)
    async with asyncio.timeout(5):
        await done.wait()
    assert received == [{"devid": MIXER}]
    assert recorder.of("22") == []


async def test_connection_status_events(
    sim: Simulator, http: aiohttp.ClientSession, recorder_factory: Make
) -> None:
    recorder, _ = await bound_socket(http, sim, recorder_factory)
    await sim.set_module_online(MIXER, online=False)
    (offline,) = await recorder.wait_event(STATUS)
    assert offline[MIXER]["connectedAt"] == 0
    assert offline[MIXER]["gateway"]["version"] == MODULES[1].gateway_version
    await sim.set_module_online(MIXER, online=True)
    events = await recorder.wait_event(STATUS, 3)
    assert list(events[1][MIXER]) == ["gateway"]
    assert events[2][MIXER]["connectedAt"] > 0


async def test_drop_sockets_disconnects_clients(
    sim: Simulator, http: aiohttp.ClientSession, recorder_factory: Make
) -> None:
    recorder, _ = await bound_socket(http, sim, recorder_factory)
    await sim.drop_sockets()
    async with asyncio.timeout(5):
        await recorder.disconnected.wait()
    assert sim.sessions() == {}
    assert sim.stats.disconnects == 1


async def test_restart_loses_sids_and_tokens_but_keeps_registers(
    sim: Simulator, http: aiohttp.ClientSession, recorder_factory: Make
) -> None:
    recorder, token = await bound_socket(http, sim, recorder_factory)
    old_sid = recorder.sid
    api_url, web_url = sim.api_url, sim.web_url
    await sim.set(BOILER, "P6.v0", 80)
    await sim.restart()
    async with asyncio.timeout(5):
        await recorder.disconnected.wait()
    assert (sim.api_url, sim.web_url) == (api_url, web_url)
    assert sim.get(BOILER, "P6.v0") == 80
    assert (await api(http, sim, "GET", "user", token=token))[0] == 401
    with pytest.raises(socketio.exceptions.ConnectionError):
        await recorder_factory().connect(sim, token)
    token = await login(http, sim)
    status, _ = await api(
        http,
        sim,
        "POST",
        "modules/connect",
        token=token,
        json={"wsid": old_sid, "modules": sim.devids},
    )
    assert status == 200
    assert sim.sessions() == {}
    fresh, _ = await bound_socket(http, sim, recorder_factory)
    await sim.set(BOILER, "P4.v1", 50)
    await fresh.wait_event(CHANGE)


async def test_stop_leaves_no_engineio_tasks(
    http: aiohttp.ClientSession, recorder_factory: Make
) -> None:
    sim = Simulator()
    await sim.start()
    recorder, _ = await bound_socket(http, sim, recorder_factory)

    def engineio_tasks() -> list[asyncio.Task[object]]:
        return [
            task
            for task in asyncio.all_tasks()
            if getattr(task.get_coro(), "__qualname__", "").startswith("AsyncSocket.")
        ]

    assert engineio_tasks()  # the ping loop of the connection
    await sim.stop()
    assert engineio_tasks() == []
    async with asyncio.timeout(5):
        await recorder.disconnected.wait()
    with pytest.raises(RuntimeError):
        _ = sim.api_url


async def test_simulator_inside_a_home_assistant_test(
    hass: HomeAssistant, http: aiohttp.ClientSession, recorder_factory: Make
) -> None:
    """Phcc's verify_cleanup fails this test if engine.io ping tasks linger after stop()."""
    async with Simulator() as sim:
        recorder, _ = await bound_socket(http, sim, recorder_factory)
        await sim.set(BOILER, "P4.v1", 60.0)
        await recorder.wait_event(CHANGE)
        assert hass.is_running
