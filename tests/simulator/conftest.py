"""Fixtures for the simulator tests: real servers on 127.0.0.1."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any

import aiohttp
import pytest
import socketio

from simulator import Simulator

NAMESPACE = "/ws"
BARRIER = "test:barrier"


@pytest.fixture(autouse=True)
def _loopback(socket_enabled: None) -> None:
    """Allow real sockets on 127.0.0.1 (pytest-homeassistant-custom-component blocks them)."""


@pytest.fixture
async def sim() -> AsyncIterator[Simulator]:
    """Run a simulator with a frozen plant and a short write delay."""
    async with Simulator(seed=0, write_delay=0.05) as simulator:
        yield simulator


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    """Return a plain aiohttp session."""
    async with aiohttp.ClientSession() as session:
        yield session


async def login(http: aiohttp.ClientSession, sim: Simulator) -> str:
    """Log in with the demo account; return the access token."""
    async with http.post(
        f"{sim.api_url}/v1/auth/user",
        json={"email": sim.email, "password": sim.password},
    ) as response:
        assert response.status == 200, await response.text()
        body = await response.json()
    token = body["accessToken"]
    assert isinstance(token, str)
    return token


async def wait_until(predicate: Callable[[], bool], timeout: float = 5) -> None:
    """Poll `predicate` until it holds (bounded by `timeout` seconds)."""
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.01)


def auth(token: str) -> dict[str, str]:
    """Return the bearer header of `token`."""
    return {"Authorization": f"Bearer {token}"}


async def api(
    http: aiohttp.ClientSession,
    sim: Simulator,
    method: str,
    path: str,
    *,
    token: str | None = None,
    json: Any = None,
) -> tuple[int, Any]:
    """Call ``/v1/<path>``; return (status, JSON body or text or None)."""
    headers = auth(token) if token else {}
    async with http.request(
        method, f"{sim.api_url}/v1/{path}", headers=headers, json=json
    ) as response:
        text = await response.text()
        if response.content_type == "application/json":
            return response.status, await response.json()
        return response.status, text or None


class Recorder:
    """A real Socket.IO client on ``/ws`` that records every event it receives."""

    def __init__(self, http: aiohttp.ClientSession) -> None:
        self.client = socketio.AsyncClient(reconnection=False, http_session=http)
        self.events: list[tuple[Any, Any]] = []
        self.disconnected = asyncio.Event()
        self._changed = asyncio.Event()
        self.client.on("*", self._on_any, namespace=NAMESPACE)
        self.client.on("disconnect", self._on_disconnect, namespace=NAMESPACE)

    async def _on_any(self, event: Any, *args: Any) -> None:
        self.events.append((event, args[0] if args else None))
        self._changed.set()

    async def _on_disconnect(self, *_args: Any) -> None:
        self.disconnected.set()
        self._changed.set()

    async def connect(self, sim: Simulator, token: str | None) -> None:
        """Connect websocket-only with the bearer header (PROTOCOL.md §1.3, §1.4)."""
        headers = auth(token) if token else {}
        headers["Origin"] = sim.web_url
        await self.client.connect(
            sim.api_url,
            headers=headers,
            namespaces=[NAMESPACE],
            socketio_path="/socket.io",
            transports=["websocket"],
            wait_timeout=5,
        )

    @property
    def sid(self) -> str:
        """Return the namespace SID."""
        sid = self.client.get_sid(NAMESPACE)
        assert isinstance(sid, str)
        return sid

    async def listen(self, devids: list[str], group_id: int) -> None:
        """Send both listen variants and wait for the server's ack of each."""
        for key in ("modules", "devids"):
            await self.client.call(
                "app:modules:parameters:listen",
                {key: devids, "group_id": group_id},
                namespace=NAMESPACE,
                timeout=5,
            )

    def of(self, event: Any) -> list[Any]:
        """Return the payloads received for `event`."""
        return [data for name, data in self.events if name == event]

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 5) -> None:
        """Wait until `predicate()` holds (bounded by `timeout` seconds)."""
        async with asyncio.timeout(timeout):
            while not predicate():
                self._changed.clear()
                await self._changed.wait()

    async def wait_event(self, event: Any, count: int = 1) -> list[Any]:
        """Wait until `event` arrived `count` times; return its payloads."""
        await self.wait_for(lambda: len(self.of(event)) >= count)
        return self.of(event)

    async def barrier(self, sim: Simulator) -> None:
        """Wait until everything the server emitted before now has arrived.

        The server sends events to one socket in order, so once a barrier event sent
        after them has arrived, anything emitted earlier has arrived too.
        """
        marker = len(self.of(BARRIER))
        await sim.emit_raw(BARRIER, marker)
        await self.wait_for(lambda: marker in self.of(BARRIER))

    async def close(self) -> None:
        """Disconnect (if connected)."""
        if self.client.connected:
            await self.client.disconnect()


@pytest.fixture
async def recorder_factory(
    http: aiohttp.ClientSession,
) -> AsyncIterator[Callable[[], Recorder]]:
    """Return a factory of `Recorder` clients, all closed at teardown."""
    made: list[Recorder] = []

    def make() -> Recorder:
        recorder = Recorder(http)
        made.append(recorder)
        return recorder

    yield make
    for recorder in made:
        await recorder.close()


async def bound_socket(
    http: aiohttp.ClientSession,
    sim: Simulator,
    make: Callable[[], Recorder],
    *,
    devids: list[str] | None = None,
    listen: bool = True,
) -> tuple[Recorder, str]:
    """Log in, connect, bind the current SID and listen; return (recorder, token)."""
    token = await login(http, sim)
    recorder = make()
    await recorder.connect(sim, token)
    modules = devids if devids is not None else sim.devids
    status, _ = await api(
        http,
        sim,
        "POST",
        "modules/connect",
        token=token,
        json={"wsid": recorder.sid, "modules": modules},
    )
    assert status == 200
    if listen:
        await recorder.listen(modules, sim.object_id)
    return recorder, token
