"""Realtime client: Socket.IO ``/ws`` against the simulator and a non-conforming server.

`RealtimeClient` is driven directly (the gateway is tested elsewhere): the handshake
and namespace SID, frame dispatch to a handler, failures mapped to the library's
errors, and a teardown that hangs being cut short. A few cases need a server that
misbehaves in ways the simulator never does; `RawSocketServer` speaks just enough
Engine.IO 4 / Socket.IO 5 over a websocket on 127.0.0.1 for them.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
import json
import logging
from typing import Any

import aiohttp
from aiohttp import web
import pytest

from custom_components.bragerone.api import (
    AuthenticationError,
    BragerOneClient,
    BragerOneConnectionError,
    BragerOneTimeoutError,
    ParamKey,
)
from custom_components.bragerone.api._logging import reset_log_once
from custom_components.bragerone.api.models import ModuleStatus, ParamUpdate, Server
from custom_components.bragerone.api.realtime import RealtimeClient, decode_event
from simulator import Simulator

from .conftest import BOILER, MIXER, server_of, wait_for

LOGGER_NAME = "custom_components.bragerone.api"
TASK_COMPLETED = "app:module:task:completed"


class Recorder:
    """A `RealtimeHandler` that records what it is given (and can be told to fail)."""

    def __init__(self, *, fail_on_updates: bool = False) -> None:
        """Start with nothing recorded."""
        self.fail_on_updates = fail_on_updates
        self.updates: list[ParamUpdate] = []
        self.statuses: list[ModuleStatus] = []
        self.memory: list[str] = []
        self.tasks: list[tuple[str, Any]] = []
        self.disconnects = 0

    def on_parameter_updates(self, updates: list[ParamUpdate]) -> None:
        """Record updates, or fail as a buggy consumer would."""
        if self.fail_on_updates:
            msg = "consumer bug"
            raise RuntimeError(msg)
        self.updates.extend(updates)

    def on_module_status(self, statuses: list[ModuleStatus]) -> None:
        """Record module statuses."""
        self.statuses.extend(statuses)

    def on_memory_updated(self, devid: str) -> None:
        """Record an event-22 devid."""
        self.memory.append(devid)

    def on_task_event(self, event: str, payload: Any) -> None:
        """Record a task event."""
        self.tasks.append((event, payload))

    def on_disconnect(self) -> None:
        """Count unexpected closes."""
        self.disconnects += 1


type RealtimeFactory = Callable[..., RealtimeClient]


@pytest.fixture
async def make_realtime(
    sim: Simulator, client: BragerOneClient
) -> AsyncIterator[RealtimeFactory]:
    """Yield a factory of (unconnected) realtime clients on the simulator; all are closed."""
    made: list[RealtimeClient] = []

    def factory(
        handler: Recorder,
        *,
        token_provider: Callable[[], Awaitable[str]] | None = None,
        server: Server | None = None,
        connect_timeout: float = 3.0,
        disconnect_timeout: float = 1.0,
    ) -> RealtimeClient:
        realtime = RealtimeClient(
            server=server or server_of(sim),
            session=client.session,
            token_provider=token_provider or client.access_token,
            handler=handler,
            connect_timeout=connect_timeout,
            disconnect_timeout=disconnect_timeout,
        )
        made.append(realtime)
        return realtime

    yield factory
    for realtime in made:
        await realtime.disconnect()


def engineio_tasks() -> list[asyncio.Task[Any]]:
    """Return the running tasks of the Engine.IO *client* (its read and write loops)."""
    running = []
    for task in asyncio.all_tasks():
        code = getattr(task.get_coro(), "cr_code", None)
        filename = getattr(code, "co_filename", "")
        if not task.done() and filename.endswith("engineio/async_client.py"):
            running.append(task)
    return running


async def listen(
    realtime: RealtimeClient, client: BragerOneClient, sim: Simulator
) -> None:
    """Bind the socket's SID and emit the parameter listen, as the gateway does."""
    sid = realtime.sid
    assert sid is not None
    await client.bind(sid, sim.devids)
    await realtime.emit(
        "app:modules:parameters:listen",
        {"modules": sim.devids, "group_id": sim.object_id},
    )
    await wait_for(lambda: sim.sessions()[sid].listening == set(sim.devids))


# --- against the simulator -------------------------------------------------------------


async def test_connect_joins_ws_with_the_bearer_token_and_reports_both_sids(
    sim: Simulator, client: BragerOneClient, make_realtime: RealtimeFactory
) -> None:
    realtime = make_realtime(Recorder())
    assert (realtime.sid, realtime.engineio_sid, realtime.connected) == (
        None,
        None,
        False,
    )
    sid = await realtime.connect()
    assert realtime.connected
    assert sid == realtime.sid
    session = sim.sessions()[sid]
    assert session.token == await client.access_token()
    assert session.eio_sid == realtime.engineio_sid
    assert realtime.engineio_sid != sid, "the namespace SID is the one to bind"
    await realtime.disconnect()
    assert (realtime.sid, realtime.engineio_sid, realtime.connected) == (
        None,
        None,
        False,
    )
    await wait_for(lambda: not sim.sessions())


async def test_a_second_connect_replaces_the_first_quietly(
    sim: Simulator, make_realtime: RealtimeFactory
) -> None:
    handler = Recorder()
    realtime = make_realtime(handler)
    first = await realtime.connect()
    second = await realtime.connect()
    assert first != second
    await wait_for(lambda: set(sim.sessions()) == {second})
    assert handler.disconnects == 0, "an orderly teardown is not a lost socket"


async def test_every_kind_of_frame_reaches_the_handler(
    sim: Simulator, client: BragerOneClient, make_realtime: RealtimeFactory
) -> None:
    handler = Recorder()
    realtime = make_realtime(handler)
    await realtime.connect()
    await listen(realtime, client, sim)
    assert realtime.frames == 0
    assert realtime.last_frame_monotonic is None

    await sim.set(BOILER, "P4.v1", 48.5)
    await wait_for(lambda: handler.updates)
    assert [(u.key, u.value) for u in handler.updates] == [
        (ParamKey.parse(BOILER, "P4.v1"), 48.5)
    ]

    await sim.emit_memory_changed(MIXER)
    await wait_for(lambda: handler.memory == [MIXER])

    await sim.set_module_online(MIXER, online=False)
    await wait_for(lambda: any(s.online is False for s in handler.statuses))
    assert {s.devid for s in handler.statuses} == {MIXER}

    await client.send_command(BOILER, "BOILER_FUEL_RESET_HT", 1)
    await wait_for(lambda: any(event == TASK_COMPLETED for event, _ in handler.tasks))
    completed = next(p for e, p in handler.tasks if e == TASK_COMPLETED)
    assert completed["devid"] == BOILER
    assert completed["status"] == "SUCCESS"
    assert realtime.frames >= 4
    assert realtime.last_frame_monotonic is not None


async def test_a_failing_handler_is_logged_once_and_the_socket_keeps_reading(
    sim: Simulator,
    client: BragerOneClient,
    make_realtime: RealtimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    reset_log_once()
    handler = Recorder(fail_on_updates=True)
    realtime = make_realtime(handler)
    await realtime.connect()
    await listen(realtime, client, sim)
    with caplog.at_level(logging.WARNING, logger=LOGGER_NAME):
        await sim.set(BOILER, "P4.v1", 41.0)
        await sim.set(BOILER, "P4.v1", 42.0)
        await sim.emit_memory_changed(BOILER)
        await wait_for(lambda: handler.memory == [BOILER])
    failures = [r for r in caplog.records if r.getMessage().startswith("Failed")]
    assert [r.getMessage() for r in failures] == [
        "Failed to handle 'app:modules:parameters:change'"
    ]
    assert realtime.connected
    assert handler.disconnects == 0


async def test_a_server_side_drop_is_reported_to_the_handler(
    sim: Simulator, make_realtime: RealtimeFactory
) -> None:
    handler = Recorder()
    realtime = make_realtime(handler)
    await realtime.connect()
    await sim.drop_sockets()
    await wait_for(lambda: handler.disconnects == 1)
    assert not realtime.connected
    with pytest.raises(BragerOneConnectionError, match="not connected"):
        await realtime.emit("app:modules:parameters:listen", {"modules": []})
    # Engine.IO's write loop can outlive a dropped socket; the teardown ends it.
    await realtime.disconnect()
    assert handler.disconnects == 1
    assert not engineio_tasks()


async def test_emit_before_connect_is_a_connection_error(
    sim: Simulator, make_realtime: RealtimeFactory
) -> None:
    realtime = make_realtime(Recorder())
    with pytest.raises(BragerOneConnectionError, match="not connected"):
        await realtime.emit("app:modules:parameters:listen", {"modules": []})
    assert sim.stats.listens == 0


async def test_a_refused_handshake_is_a_connection_error(
    sim: Simulator, make_realtime: RealtimeFactory
) -> None:
    async def stale_token() -> str:
        return "revoked-long-ago"

    realtime = make_realtime(Recorder(), token_provider=stale_token)
    with pytest.raises(BragerOneConnectionError, match="realtime connect failed"):
        await realtime.connect()
    assert sim.stats.refused_connects == 1
    assert not realtime.connected
    assert realtime.sid is None


async def test_a_closed_port_is_a_connection_error(
    make_realtime: RealtimeFactory,
) -> None:
    async with Simulator(tick_interval=None) as gone:
        server = server_of(gone)

    async def token() -> str:
        return "any"

    realtime = make_realtime(Recorder(), token_provider=token, server=server)
    with pytest.raises(BragerOneConnectionError):
        await realtime.connect()
    assert not realtime.connected


async def test_a_refused_login_propagates_as_an_authentication_error(
    sim: Simulator, make_realtime: RealtimeFactory
) -> None:
    sim.change_password("rotated")
    realtime = make_realtime(Recorder())
    with pytest.raises(AuthenticationError):
        await realtime.connect()
    assert sim.stats.connects == 0
    assert not realtime.connected


async def test_a_login_slower_than_the_connect_limit_is_a_timeout(
    sim: Simulator, make_realtime: RealtimeFactory
) -> None:
    sim.faults.latency = 0.4
    sim.faults.latency_paths = ["auth/user"]
    realtime = make_realtime(Recorder(), connect_timeout=0.1)
    with pytest.raises(BragerOneTimeoutError, match=r"timed out after 0\.1 s"):
        await realtime.connect()
    assert sim.stats.connects == 0
    # Let the simulator's delayed login handler finish (no lingering task).
    await asyncio.sleep(0.5)


# --- against a non-conforming server ---------------------------------------------------


class RawSocketServer:
    """A minimal Engine.IO 4 / Socket.IO 5 websocket server on 127.0.0.1.

    It opens the Engine.IO session, answers a ``/ws`` namespace connect with
    ``{"sid": namespace_sid}`` and records what the client sends. With `mute` it then
    stops reading, so the client's websocket close is never answered (a hanging
    teardown). `send` pushes an event frame to the latest socket.
    """

    def __init__(self, *, namespace_sid: str | None, mute: bool = False) -> None:
        """Configure the answers; nothing listens before `start`."""
        self.namespace_sid = namespace_sid
        self.mute = mute
        self.received: list[str] = []
        self._sockets: list[web.WebSocketResponse] = []
        self._release = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.url = ""

    async def start(self) -> None:
        """Listen on a free port of 127.0.0.1."""
        app = web.Application()
        app.router.add_get("/socket.io/", self._socket)
        self._runner = web.AppRunner(app, shutdown_timeout=0.5)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}"

    async def stop(self) -> None:
        """Let muted handlers end and close the port."""
        self._release.set()
        for ws in self._sockets:
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def send(self, event: str, payload: Any) -> None:
        """Send one ``/ws`` event frame to the latest socket."""
        await self._sockets[-1].send_str("42/ws," + json.dumps([event, payload]))

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoclose=not self.mute)
        await ws.prepare(request)
        self._sockets.append(ws)
        handshake = {
            "sid": f"eio-{len(self._sockets)}",
            "upgrades": [],
            "pingInterval": 25000,
            "pingTimeout": 20000,
            "maxPayload": 1000000,
        }
        await ws.send_str("0" + json.dumps(handshake))
        async for message in ws:
            if message.type != aiohttp.WSMsgType.TEXT:
                continue
            self.received.append(message.data)
            if message.data.startswith("40/ws,"):
                answer = {"sid": self.namespace_sid}
                await ws.send_str("40/ws," + json.dumps(answer))
                if self.mute:
                    await self._release.wait()
                    break
        return ws


@pytest.fixture
async def raw_server() -> AsyncIterator[Callable[..., Awaitable[RawSocketServer]]]:
    """Yield a factory of started raw servers; all are stopped afterwards."""
    servers: list[RawSocketServer] = []

    async def factory(**kwargs: Any) -> RawSocketServer:
        server = RawSocketServer(**kwargs)
        await server.start()
        servers.append(server)
        return server

    yield factory
    for server in servers:
        await server.stop()


async def _token() -> str:
    return "token"


async def test_a_namespace_answer_without_sid_is_refused(
    raw_server: Callable[..., Awaitable[RawSocketServer]],
    session: aiohttp.ClientSession,
) -> None:
    server = await raw_server(namespace_sid=None)
    realtime = RealtimeClient(
        server=Server.custom(server.url, server.url),
        session=session,
        token_provider=_token,
        handler=Recorder(),
        connect_timeout=2.0,
        disconnect_timeout=0.5,
    )
    with pytest.raises(BragerOneConnectionError, match="no /ws namespace SID"):
        await realtime.connect()
    assert not realtime.connected
    assert realtime.sid is None
    await wait_for(lambda: "41/ws," in server.received)  # it said goodbye


async def test_a_hanging_teardown_is_cut_short_and_late_frames_are_dropped(
    raw_server: Callable[..., Awaitable[RawSocketServer]],
    session: aiohttp.ClientSession,
    caplog: pytest.LogCaptureFixture,
) -> None:
    server = await raw_server(namespace_sid="ns-1", mute=True)
    handler = Recorder()
    realtime = RealtimeClient(
        server=Server.custom(server.url, server.url),
        session=session,
        token_provider=_token,
        handler=handler,
        connect_timeout=2.0,
        disconnect_timeout=0.3,
    )
    assert await realtime.connect() == "ns-1"
    assert engineio_tasks(), "the connection runs Engine.IO read and write loops"
    await server.send("22", {"devid": BOILER})
    await wait_for(lambda: handler.memory == [BOILER])

    caplog.set_level(logging.DEBUG, logger=LOGGER_NAME)
    teardown = asyncio.create_task(realtime.disconnect())
    await asyncio.sleep(0.05)  # the teardown now waits for a close that never comes
    await server.send("22", {"devid": MIXER})
    async with asyncio.timeout(3):
        await teardown
    assert "aborting the transport" in caplog.text
    assert handler.memory == [BOILER], "a frame of the closed connection is dropped"
    assert handler.disconnects == 0
    assert realtime.frames == 1
    assert not realtime.connected
    assert not engineio_tasks()


# --- decoding (pure) -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("payload", "devid"),
    [
        (BOILER, BOILER),
        ({"devid": BOILER}, BOILER),
        ({"devId": MIXER}, MIXER),
        ({"module": MIXER}, MIXER),
    ],
)
def test_memory_event_names_its_module_in_any_known_form(
    payload: Any, devid: str
) -> None:
    handler = Recorder()
    assert decode_event(handler, "22", payload)
    assert handler.memory == [devid]


@pytest.mark.parametrize("payload", [None, 22, ["x"], "", {"devid": ""}, {"x": 1}])
def test_memory_event_without_a_devid_is_skipped(payload: Any) -> None:
    handler = Recorder()
    assert not decode_event(handler, "22", payload)
    assert handler.memory == []


@pytest.mark.parametrize(
    ("event", "payload"),
    [
        ("app:modules:parameters:change", "garbage"),
        ("snapshot", [BOILER, "P4", "v1", 1]),
        ("app:module:connection:status:changed", "offline"),
        ("app:module:connection:status:changed", {BOILER: 5}),
        ("app:modules:something:new", {BOILER: {"P4": {"v1": 1}}}),
        ("99", {"devid": BOILER}),
    ],
)
def test_malformed_and_unknown_frames_reach_no_handler(
    event: str, payload: Any
) -> None:
    handler = Recorder()
    assert not decode_event(handler, event, payload)
    assert (handler.updates, handler.statuses, handler.memory, handler.tasks) == (
        [],
        [],
        [],
        [],
    )


def test_change_and_status_frames_are_decoded() -> None:
    handler = Recorder()
    change = {BOILER: {"P4": {"v1": {"value": 58.5, "updatedAt": 1}}}}
    assert decode_event(handler, "parameters:change", change)
    assert [(u.address, u.value) for u in handler.updates] == [("P4.v1", 58.5)]
    status = {MIXER: {"connectedAt": 0, "gateway": None}}
    assert decode_event(handler, "app:module:connection:status:changed", status)
    assert [(s.devid, s.online) for s in handler.statuses] == [(MIXER, False)]


def test_task_events_pass_their_payload_through() -> None:
    handler = Recorder()
    payload = {"id": 7, "status": "SUCCESS", "shape": ["undocumented"]}
    assert decode_event(handler, "app:module:task:status:changed", payload)
    assert decode_event(handler, "61", None)
    assert handler.tasks == [("app:module:task:status:changed", payload), ("61", None)]
