"""Wire models and frame decoding: every variant PROTOCOL.md lists, and bad input."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
import logging
from typing import Any

import aiohttp
import pytest

from custom_components.bragerone.api import (
    AuthToken,
    BragerObject,
    BragerOneTimeoutError,
    InvalidResponseError,
    Module,
    ModuleStatus,
    ParamUpdate,
    RealtimeClient,
    Server,
    Snapshot,
    parse_address,
)
from custom_components.bragerone.api._logging import reset_log_once
from custom_components.bragerone.api.realtime import decode_event


class Recorder:
    """A RealtimeHandler that records what it is given."""

    def __init__(self) -> None:
        self.updates: list[ParamUpdate] = []
        self.statuses: list[ModuleStatus] = []
        self.memory: list[str] = []
        self.tasks: list[str] = []
        self.disconnects = 0

    def on_parameter_updates(self, updates: list[ParamUpdate]) -> None:
        self.updates.extend(updates)

    def on_module_status(self, statuses: list[ModuleStatus]) -> None:
        self.statuses.extend(statuses)

    def on_memory_updated(self, devid: str) -> None:
        self.memory.append(devid)

    def on_task_event(self, event: str, payload: Any) -> None:
        self.tasks.append(event)

    def on_disconnect(self) -> None:
        self.disconnects += 1


def test_token_envelope_variants() -> None:
    token = AuthToken.from_wire(
        {
            "accessToken": "abc",
            "refreshToken": None,
            "type": "bearer",
            "expiresAt": "2026-01-01T12:00:00.000Z",
            "user": {"id": 7},
            "objects": [{"id": 12}, {"name": "no id"}],
        }
    )
    assert token.expires_at == datetime(2026, 1, 1, 12, tzinfo=UTC)
    assert token.user_id == 7
    assert token.object_ids == (12,)
    assert token.expired(datetime(2026, 1, 1, 11, 59, tzinfo=UTC), leeway=90)
    assert not token.expired(datetime(2026, 1, 1, 11, 58, tzinfo=UTC), leeway=90)
    fallback = AuthToken.from_wire({"token": "xyz"})
    assert fallback.access_token == "xyz"
    assert fallback.expires_at is None
    assert not fallback.expired(datetime.now(UTC), leeway=90)
    with pytest.raises(InvalidResponseError):
        AuthToken.from_wire({"type": "bearer"})


@pytest.mark.parametrize(
    "payload",
    [
        [{"id": 12, "name": "Home"}],
        {"data": [{"id": 12, "name": "Home"}]},
        {"objects": [{"id": "12"}]},
    ],
)
def test_object_list_envelopes(payload: Any) -> None:
    assert [obj.id for obj in BragerObject.list_from_wire(payload)] == [12]


def test_unreadable_listing_is_an_invalid_response() -> None:
    with pytest.raises(InvalidResponseError):
        Module.list_from_wire({"rows": []})


def test_degraded_module_rows() -> None:
    rows = [
        {"devid": "AAA", "gateway": {}, "connectedAt": None, "moduleVersion": None},
        {"devid": "BBB", "gateway": None, "connectedAt": 0},
        {
            "devid": "CCC",
            "gateway": {"address": "x", "version": "V2"},
            "connectedAt": 1700000000,
        },
        {"id": 5},
        "junk",
    ]
    modules = {m.devid: m for m in Module.list_from_wire({"data": rows})}
    assert set(modules) == {"AAA", "BBB", "CCC"}
    assert modules["AAA"].online is None
    assert modules["BBB"].online is False
    assert modules["CCC"].online is True
    assert modules["AAA"].degraded
    assert not modules["CCC"].degraded


def test_snapshot_entry_forms_and_bad_keys() -> None:
    snapshot = Snapshot.from_wire(
        {
            "DEV": {
                "P4": {
                    "v1": {"value": 58.5, "storable": 1, "updatedAt": 100},
                    "u1": 1,
                    "s1": {"storable": 1},
                    "x": 1,
                    "vv": 2,
                    "v2": {"value": [1]},
                },
                "5": {"s0": 3},
                "PX": {"v1": 1},
                "P6": [1, 2],
            },
            "BAD": "nope",
        },
        ts=1.0,
    )
    by_address = {u.address: u for u in snapshot.updates}
    assert set(by_address) == {"P4.v1", "P4.u1", "P4.s1", "P5.s0"}
    assert by_address["P4.v1"].value == 58.5
    assert by_address["P4.v1"].meta == {"storable": 1, "updatedAt": 100}
    assert by_address["P4.v1"].updated_at == 100.0
    assert by_address["P4.s1"].value is None
    assert snapshot.values("DEV") == {"P4.v1": 58.5, "P4.u1": 1, "P5.s0": 3}
    assert Snapshot.from_wire(None, ts=0).updates == ()


def test_parse_address() -> None:
    assert parse_address("P6.v0") == ("P6", "v", 0)
    assert parse_address("12.a4") == ("P12", "a", 4)
    for bad in ("P6", "P6.0", "six.v1", "P6.v"):
        with pytest.raises(ValueError, match="register address"):
            parse_address(bad)


def test_decode_events() -> None:
    handler = Recorder()
    assert decode_event(
        handler, "app:modules:parameters:change", {"DEV": {"P4": {"v1": 2}}}
    )
    assert decode_event(handler, "22", {"devid": "DEV"})
    assert decode_event(handler, "22", "DEV")
    assert decode_event(
        handler,
        "app:module:connection:status:changed",
        {
            "DEV": {"connectedAt": 0, "gateway": {"version": "V2.08"}},
            "OTHER": {"gateway": {}},
        },
    )
    assert decode_event(handler, "app:module:task:completed", {"id": 1})
    assert [u.address for u in handler.updates] == ["P4.v1"]
    assert handler.memory == ["DEV", "DEV"]
    assert [(s.devid, s.online) for s in handler.statuses] == [
        ("DEV", False),
        ("OTHER", None),
    ]
    assert handler.tasks == ["app:module:task:completed"]


def test_unknown_and_malformed_events_are_logged_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="custom_components.bragerone.api")
    reset_log_once()
    handler = Recorder()
    for _ in range(3):
        assert not decode_event(handler, "app:brand:new", {})
        assert not decode_event(handler, "app:modules:parameters:change", "garbage")
        assert not decode_event(handler, "22", {"devid": 17})
    messages = [r.getMessage() for r in caplog.records]
    assert sum("app:brand:new" in m for m in messages) == 1
    assert sum("malformed 'app:modules:parameters:change'" in m for m in messages) == 1
    assert not handler.updates
    assert not handler.memory


@pytest.fixture
async def silent_server() -> AsyncIterator[int]:
    """Yield the port of a TCP server that accepts connections and never answers."""
    writers: list[asyncio.StreamWriter] = []

    async def accept(
        _reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        writers.append(writer)

    server = await asyncio.start_server(accept, "127.0.0.1", 0)
    yield server.sockets[0].getsockname()[1]
    for writer in writers:
        writer.close()
    server.close()
    await server.wait_closed()


async def test_connect_to_a_silent_server_is_bounded(silent_server: int) -> None:
    async def token() -> str:
        return "t"

    server = Server.custom(f"http://127.0.0.1:{silent_server}", "http://127.0.0.1:1")
    async with aiohttp.ClientSession() as session:
        realtime = RealtimeClient(
            server=server,
            session=session,
            token_provider=token,
            handler=Recorder(),
            connect_timeout=0.3,
            disconnect_timeout=0.3,
        )
        async with asyncio.timeout(3):
            with pytest.raises(BragerOneTimeoutError):
                await realtime.connect()
        assert not realtime.connected
        async with asyncio.timeout(1):
            await realtime.disconnect()
