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
    ApiError,
    AuthToken,
    BragerObject,
    BragerOneError,
    BragerOneTimeoutError,
    InvalidResponseError,
    Module,
    ModuleStatus,
    ParamKey,
    ParamUpdate,
    RealtimeClient,
    Server,
    Snapshot,
    SystemVersion,
    User,
    parse_address,
)
from custom_components.bragerone.api._logging import log_once, reset_log_once, shorten
from custom_components.bragerone.api.models import iter_updates
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
    assert modules["AAA"].label == "AAA"  # no name nor title: the devid


def test_custom_server_takes_the_api_url_with_or_without_v1() -> None:
    for api_url in ("http://127.0.0.1:8080/v1/", "http://127.0.0.1:8080"):
        server = Server.custom(api_url, "http://127.0.0.1:8081/")
        assert server.rest_base == "http://127.0.0.1:8080/v1"
        assert server.web_base == "http://127.0.0.1:8081"


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


# --- lenient parsing of odd payloads ----------------------------------------------------


def test_token_fields_of_the_wrong_type_are_dropped() -> None:
    token = AuthToken.from_wire(
        {
            "accessToken": "abc",
            "expiresAt": "next tuesday",
            "user": {"id": True},
            "objects": [{"id": 12.0}, {"id": "-3"}, {"id": "12a"}, {"id": "1" * 5000}],
        }
    )
    assert token.expires_at is None
    assert token.user_id is None
    assert token.object_ids == (12, -3)
    naive = AuthToken.from_wire({"token": "t", "expiresAt": "2026-01-01T12:00:00"})
    assert naive.expires_at == datetime(2026, 1, 1, 12, tzinfo=UTC)
    with pytest.raises(InvalidResponseError, match="not an object"):
        AuthToken.from_wire(["abc"])


@pytest.mark.parametrize(
    ("payload", "version", "dev_mode"),
    [
        ({"version": {"version": "2.1.0", "devMode": True}}, "2.1.0", True),
        ({"version": "2.1.0", "devMode": True}, "2.1.0", True),
        ({"version": "2.1.0"}, "2.1.0", False),
    ],
)
def test_system_version_envelope_and_bare_object(
    payload: Any, version: str, dev_mode: bool
) -> None:
    parsed = SystemVersion.from_wire(payload)
    assert (parsed.version, parsed.dev_mode) == (version, dev_mode)


@pytest.mark.parametrize(
    "payload", [{"version": 2}, {"version": {"devMode": True}}, {}, "2.1.0", None]
)
def test_system_version_without_a_version_string_is_invalid(payload: Any) -> None:
    with pytest.raises(InvalidResponseError, match="no version string"):
        SystemVersion.from_wire(payload)


def test_user_envelope_bare_object_and_garbage() -> None:
    wrapped = User.from_wire({"user": {"id": "7", "name": "Jan", "email": ""}})
    assert (wrapped.id, wrapped.name, wrapped.email) == (7, "Jan", None)
    bare = User.from_wire({"id": 8, "language": "pl"})
    assert (bare.id, bare.language) == (8, "pl")
    for garbage in ({"user": "Jan"}, ["Jan"], None):
        with pytest.raises(InvalidResponseError, match="not an object"):
            User.from_wire(garbage)


def test_rows_without_an_id_are_skipped_and_logged_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="custom_components.bragerone.api")
    reset_log_once()
    rows = [
        {"name": "no id"},
        {"id": "x"},
        "junk",
        {"id": 4, "addressCity": "Pszczyna"},
    ]
    objects = BragerObject.list_from_wire(rows)
    assert [(o.id, o.name, o.address_city) for o in objects] == [(4, "4", "Pszczyna")]
    assert caplog.messages.count("Skipping an object row without id") == 1
    with pytest.raises(InvalidResponseError):
        BragerObject.list_from_wire("objects")


def test_module_status_forms() -> None:
    single = ModuleStatus.list_from_wire({"devid": "DEV", "connectedAt": 1700000000})
    assert [(s.devid, s.online) for s in single] == [("DEV", True)]
    mixed = ModuleStatus.list_from_wire(
        {"DEV": {"connectedAt": "0"}, "BAD": "offline", "OTHER": {"gateway": None}}
    )
    assert [(s.devid, s.online) for s in mixed] == [("DEV", False), ("OTHER", None)]
    assert ModuleStatus.list_from_wire(["DEV"]) == []


def test_stamps_are_finite_numbers_only() -> None:
    def stamp(value: Any) -> float | None:
        return ParamUpdate(
            devid="D", pool="P4", chan="v", idx=1, value=1, meta={"updatedAt": value}
        ).updated_at

    assert stamp(1700000000) == 1700000000.0
    assert stamp(10**400) is None
    assert stamp(float("nan")) is None
    assert stamp(value=True) is None
    assert stamp("1700000000") is None


def test_bad_frames_and_entries_are_skipped_and_logged_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="custom_components.bragerone.api")
    reset_log_once()
    for _ in range(2):
        assert list(iter_updates(["not", "a", "frame"], ts=0)) == []
        frame = {"DEV": {4: {"v1": None, "v2": [1], "v3": 7}, "": {"v1": 1}}}
        updates = list(iter_updates(frame, ts=5))
        assert [(u.key, u.value, u.ts) for u in updates] == [
            (ParamKey("DEV", "P4", "v", 3), 7, 5)
        ]
    assert (
        caplog.messages.count("Skipping a parameter frame that is not an object") == 1
    )
    assert caplog.messages.count("Skipping entry of P4.v1 (and later bad entries)") == 1
    assert caplog.messages.count("Skipping pool '' (and later bad pools)") == 1


def test_snapshot_of_nothing_of_garbage_and_its_modules() -> None:
    assert Snapshot.from_wire("", ts=0) == Snapshot()
    with pytest.raises(InvalidResponseError, match="not an object"):
        Snapshot.from_wire([{"DEV": {}}], ts=0)
    snapshot = Snapshot.from_wire(
        {"DEV": {"P4": {"v1": 1}}, "OTHER": {"p5": {"s0": 2}}}, ts=0
    )
    assert snapshot.devids == {"DEV", "OTHER"}
    assert snapshot.values("OTHER") == {"P5.s0": 2}


def test_addresses_accept_numeric_and_lower_case_pools() -> None:
    assert parse_address("p4.v1") == ("P4", "v", 1)
    assert ParamKey.parse("DEV", "4.s10").address == "P4.s10"
    with pytest.raises(ValueError, match="register address"):
        parse_address("P.v1")


# --- logging helpers and errors ---------------------------------------------------------


def test_log_once_forgets_when_its_memory_is_full(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="custom_components.bragerone.api")
    reset_log_once()
    log_once("first", logging.INFO, "first problem")
    for number in range(1, 512):
        log_once(f"key{number}", logging.DEBUG, "filler")
    log_once("first", logging.INFO, "first problem")  # still remembered
    assert caplog.messages.count("first problem") == 1
    log_once("one more", logging.DEBUG, "filler")  # the memory is full: forget all
    log_once("first", logging.INFO, "first problem")
    assert caplog.messages.count("first problem") == 2
    reset_log_once()


def test_shorten_flattens_and_cuts_bodies() -> None:
    assert shorten("  <h1>502</h1>\r\n  Bad   Gateway ") == "<h1>502</h1> Bad Gateway"
    cut = shorten("x" * 200, limit=10)
    assert cut == "x" * 9 + "…"
    assert len(cut) == 10


@pytest.mark.parametrize(
    ("error", "text", "transient"),
    [
        (ApiError(503), "HTTP 503", True),
        (
            ApiError(408, "E_DISPATCH_EVENT_TIMEOUT"),
            "HTTP 408 E_DISPATCH_EVENT_TIMEOUT",
            True,
        ),
        (ApiError(429, None, "slow down"), "HTTP 429: slow down", True),
        (
            ApiError(400, "E_VALIDATION", "bad devid"),
            "HTTP 400 E_VALIDATION: bad devid",
            False,
        ),
        (ApiError(404, "", ""), "HTTP 404", False),
    ],
)
def test_api_error_text_and_transience(
    error: ApiError, text: str, transient: bool
) -> None:
    assert str(error) == text
    assert error.transient is transient
    assert isinstance(error, BragerOneError)
