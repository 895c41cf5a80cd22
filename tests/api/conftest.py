"""Fixtures for the client-library tests: the simulator on 127.0.0.1 and a client."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import aiohttp
from aiohttp import web
import pytest

from custom_components.bragerone.api import BragerOneClient, Gateway, Module, Server
from simulator import Simulator
from simulator.modules import ModuleSpec

BOILER = "FTTCTBSLCE"
MIXER = "MXHTQ7KD2A"


@pytest.fixture(autouse=True)
def _loopback(socket_enabled: None) -> None:
    """Allow real sockets on 127.0.0.1 (pytest-homeassistant-custom-component blocks them)."""


@pytest.fixture
async def sim() -> AsyncIterator[Simulator]:
    """Yield a started simulator with a frozen plant and quick writes."""
    async with Simulator(
        seed=0, host="127.0.0.1", write_delay=0.05, tick_interval=None
    ) as simulator:
        yield simulator


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    """Yield an aiohttp session that the test owns (closed in teardown)."""
    async with aiohttp.ClientSession() as http:
        yield http


def listing_row(spec: ModuleSpec) -> Module:
    """Return the modules-listing row of a simulated module (what `client.modules` gives)."""
    return Module(
        devid=spec.devid,
        name=spec.name,
        title=spec.title,
        version=spec.version,
        device_menu=spec.device_menu,
        language_variant=spec.language_variant,
        permissions=spec.permissions,
    )


def server_of(simulator: Simulator) -> Server:
    """Return the custom server pair that reaches the simulator."""
    return Server.custom(simulator.api_url, simulator.web_url)


@pytest.fixture
def client(sim: Simulator, session: aiohttp.ClientSession) -> BragerOneClient:
    """Return a client for the simulator's demo account, on the test's session."""
    return BragerOneClient(
        sim.email,
        sim.password,
        server=server_of(sim),
        session=session,
        request_timeout=3.0,
        login_backoff=(0.01, 0.02, 0.04),
        login_jitter=0.01,
    )


@pytest.fixture
async def make_gateway(
    sim: Simulator, client: BragerOneClient
) -> AsyncIterator[Callable[..., Awaitable[Gateway]]]:
    """Yield a factory of started gateways with short timings; all are stopped afterwards."""
    made: list[Gateway] = []

    async def factory(**kwargs: Any) -> Gateway:
        owner = kwargs.pop("client", client)
        options: dict[str, Any] = {
            "object_id": sim.object_id,
            "devids": sim.devids,
            "connect_timeout": 3.0,
            "disconnect_timeout": 1.0,
            "backoff_initial": 0.05,
            "backoff_max": 0.5,
            "supervisor_interval": 0.05,
            "silence_timeout": 60.0,
            "poll_interval": 60.0,
            "bind_grace": 0.0,
            # A settling prime heals lost pushes: only the tests of it turn it on.
            "settle_delay": None,
        }
        options.update(kwargs)
        gateway = Gateway(owner, **options)
        made.append(gateway)
        await gateway.start()
        return gateway

    yield factory
    for gateway in made:
        await gateway.stop()


@pytest.fixture
async def captive_portal() -> AsyncIterator[str]:
    """Yield the URL of a 127.0.0.1 server answering every request 200 with an HTML page."""

    async def page(_request: web.Request) -> web.Response:
        return web.Response(
            text="<html><body>Log in to the hotel Wi-Fi</body></html>",
            content_type="text/html",
        )

    app = web.Application()
    app.router.add_route("*", "/{path:.*}", page)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    await runner.cleanup()


async def wait_for(predicate: Callable[[], object], timeout: float = 5.0) -> None:
    """Wait until `predicate()` is truthy; fail the test after `timeout` seconds."""
    try:
        async with asyncio.timeout(timeout):
            while not predicate():
                await asyncio.sleep(0.01)
    except TimeoutError:
        pytest.fail(f"condition not met within {timeout} s")
