"""Client-level security checks against the simulator on 127.0.0.1.

* A full client + gateway run with faults (401 and re-login, revoked tokens, a 503 HTML
  page on the prime, malformed frames of every kind, dropped sockets, a login race, a
  wrong and a changed password) is logged at DEBUG for every logger, ours and the
  libraries' (aiohttp, python-socketio, python-engineio, the simulator); no record may
  contain the password, the e-mail or any token the simulator issued.
* The bearer token travels only in the ``Authorization`` header (REST and the Socket.IO
  handshake), never in a URL; the password only in the login body.
* TLS verification stays on for the real servers: every request the client makes to
  BragerOne or TiSConnect is ``https``/``wss`` with aiohttp's default certificate check
  (seen on the requests themselves, through a connector that records and refuses them:
  nothing leaves the machine). A custom server may be plain ``http``.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
import logging
import ssl
from types import SimpleNamespace
from typing import Any
from urllib.parse import quote

import aiohttp
from aiohttp.client_reqrep import ClientRequest
import pytest

from custom_components.bragerone.api import (
    ApiError,
    AuthenticationError,
    BragerOneClient,
    BragerOneConnectionError,
    Gateway,
    ParamStore,
    RealtimeClient,
    Server,
)
from custom_components.bragerone.api._logging import reset_log_once
from custom_components.bragerone.api.assets import AssetFetcher, AssetFetchError
from custom_components.bragerone.api.const import BRAGERONE, TISCONNECT
from simulator import Simulator
from simulator.faults import MALFORMED_KINDS
from tests.api.conftest import server_of, wait_for

LOGGERS = (
    "",
    "custom_components",
    "custom_components.bragerone",
    "custom_components.bragerone.api",
    "aiohttp",
    "aiohttp.client",
    "aiohttp.internal",
    "aiohttp.websocket",
    "asyncio",
    "socketio",
    "socketio.client",
    "engineio",
    "engineio.client",
    "simulator",
)
"""Every logger that could see a secret, set to DEBUG (the root one included)."""

TEARDOWN_LIMIT = 5.0
"""Socket teardown limit: generous, so a loaded CI machine never takes the abort path
(which leaves engine.io's read/write loops to finish after the test)."""
TOKEN_WINDOW = 12
"""No 12-character piece of a token may appear in a log (a prefix is a leak too)."""
WRONG_PASSWORD = "Wr0ng-Passw0rd-Sentinel"
NEW_PASSWORD = "N3w-Passw0rd-Sentinel"


@dataclass
class SentRequest:
    """One request the client sent, as seen by an aiohttp `TraceConfig`."""

    method: str
    url: str
    headers: dict[str, str]
    body: bytes = b""


@dataclass
class Traffic:
    """Requests recorded on a session (bodies included)."""

    requests: list[SentRequest] = field(default_factory=list)

    def trace_config(self) -> aiohttp.TraceConfig:
        """Return a TraceConfig that records every request and its body chunks."""
        trace = aiohttp.TraceConfig()

        async def on_start(
            _session: aiohttp.ClientSession,
            _context: SimpleNamespace,
            params: aiohttp.TraceRequestStartParams,
        ) -> None:
            self.requests.append(
                SentRequest(params.method, str(params.url), dict(params.headers))
            )

        async def on_chunk(
            _session: aiohttp.ClientSession,
            _context: SimpleNamespace,
            params: aiohttp.TraceRequestChunkSentParams,
        ) -> None:
            for request in reversed(self.requests):
                if request.method == params.method and request.url == str(params.url):
                    request.body += params.chunk
                    break

        trace.on_request_start.append(on_start)  # type: ignore[arg-type]
        trace.on_request_chunk_sent.append(on_chunk)  # type: ignore[arg-type]
        return trace


@pytest.fixture
def capture_everything(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """Capture every record of every logger at DEBUG, with a fresh log-once memory."""
    for name in LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name)
    reset_log_once()
    return caplog


@pytest.fixture
async def traffic_session() -> AsyncIterator[tuple[aiohttp.ClientSession, Traffic]]:
    """Yield a session whose requests are recorded."""
    traffic = Traffic()
    async with aiohttp.ClientSession(trace_configs=[traffic.trace_config()]) as http:
        yield http, traffic


def all_log_text(records: list[logging.LogRecord]) -> str:
    """Return every record as logged, with tracebacks, arguments and stack info."""
    formatter = logging.Formatter(
        "%(name)s %(levelname)s %(message)s %(pathname)s %(funcName)s"
    )
    parts = []
    for record in records:
        parts.append(formatter.format(record))
        parts.append(repr(record.args))
        parts.append(repr(getattr(record, "exc_info", None)))
    return "\n".join(parts)


def error_text(errors: list[BaseException]) -> str:
    """Return what an error could put into a log: str and repr of it and its causes."""
    parts: list[str] = []
    for error in errors:
        current: BaseException | None = error
        while current is not None:
            parts.extend((str(current), repr(current), repr(current.args)))
            current = current.__cause__ or current.__context__
    return "\n".join(parts)


def forms(secret: str) -> set[str]:
    """Return the ways a secret could be written into a log line."""
    return {secret, quote(secret, safe=""), repr(secret)[1:-1]}


def spy_on_tokens(sim: Simulator) -> list[str]:
    """Record every access and refresh token the simulator issues from now on."""
    issued: list[str] = []
    issue = sim.issue_token

    def recording(user: str) -> tuple[str, str, float]:
        access, refresh, expires = issue(user)
        issued.extend((access, refresh))
        return access, refresh, expires

    sim.issue_token = recording  # type: ignore[method-assign]
    return issued


async def test_no_secret_reaches_any_log_in_a_faulty_run(
    sim: Simulator,
    traffic_session: tuple[aiohttp.ClientSession, Traffic],
    capture_everything: pytest.LogCaptureFixture,
) -> None:
    http, traffic = traffic_session
    issued = spy_on_tokens(sim)
    email, password = sim.email, sim.password
    client = BragerOneClient(
        email,
        password,
        server=server_of(sim),
        session=http,
        request_timeout=3.0,
        login_backoff=(0.01, 0.02),
        login_jitter=0.01,
    )
    gateway = Gateway(
        client,
        object_id=sim.object_id,
        devids=sim.devids,
        connect_timeout=3.0,
        disconnect_timeout=TEARDOWN_LIMIT,
        backoff_initial=0.05,
        backoff_max=0.3,
        supervisor_interval=0.05,
        silence_timeout=60.0,
        poll_interval=60.0,
        bind_grace=0.0,
    )
    auth_failures: list[AuthenticationError] = []
    errors: list[BaseException] = []
    gateway.add_auth_failure_listener(auth_failures.append)
    boiler = sim.devids[0]
    await gateway.start()
    try:
        await wait_for(lambda: gateway.session_up)
        user = await client.user()
        assert user.email == email  # the account data went through the client

        # A 401 on a listing: one fresh login, then the call succeeds.
        logins = sim.stats.logins
        sim.faults.fail("objects", 401, times=1)
        assert await client.objects()
        assert sim.stats.logins == logins + 1

        # Every token revoked: REST logs in again; a dropped socket reconnects afresh.
        sim.revoke_tokens()
        assert await client.modules(sim.object_id)
        connects = gateway.stats.connects
        await sim.drop_sockets()
        await wait_for(lambda: gateway.stats.connects > connects and gateway.session_up)

        # A 503 HTML page on the prime, once and then for good.
        sim.faults.fail("modules/parameters", 503, html=True, times=1)
        await gateway.prime()
        sim.faults.fail("modules/parameters", 503, html=True)
        with pytest.raises(ApiError) as unavailable:
            await client.prime(sim.devids)
        errors.append(unavailable.value)
        sim.faults.clear()

        # Malformed frames of every kind; the socket keeps working afterwards.
        for kind in MALFORMED_KINDS:
            await sim.send_malformed(kind)
        address = next(iter(sim.registers(boiler)))
        await sim.set(boiler, address, 4321)
        key = next(k for k in gateway.store.keys(boiler) if k.address == address)
        await wait_for(lambda: gateway.store.get(key) == 4321)

        # A login race (500 ER_DUP_ENTRY) on the next reconnect.
        sim.faults.login_dup_entry = 1
        connects = gateway.stats.connects
        await sim.drop_sockets()
        await wait_for(lambda: gateway.stats.connects > connects and gateway.session_up)

        # A handshake with a revoked token is refused.
        stale = client.token
        assert stale is not None
        sim.revoke_token(stale.access_token)

        async def revoked() -> str:
            return stale.access_token

        refused = RealtimeClient(
            server=server_of(sim),
            session=http,
            token_provider=revoked,
            handler=_NoHandler(),
            connect_timeout=3.0,
            disconnect_timeout=TEARDOWN_LIMIT,
        )
        with pytest.raises(BragerOneConnectionError) as refusal:
            await refused.connect()
        errors.append(refusal.value)

        # A wrong password on a second client.
        intruder = BragerOneClient(
            email, WRONG_PASSWORD, server=server_of(sim), session=http
        )
        with pytest.raises(AuthenticationError) as wrong:
            await intruder.login()
        errors.append(wrong.value)

        # The password changed and every token revoked: the gateway ends in auth failure.
        sim.change_password(NEW_PASSWORD)
        sim.revoke_tokens()
        await sim.drop_sockets()
        await wait_for(lambda: auth_failures)
        with pytest.raises(AuthenticationError) as refused_login:
            await client.user()
        errors.append(refused_login.value)
    finally:
        await gateway.stop()

    # The run did produce the logs it is checked on (ours and the libraries').
    records = capture_everything.records
    names = {record.name for record in records}
    assert any(name.startswith("custom_components.bragerone") for name in names)
    assert "socketio.client" in names
    assert "engineio.client" in names
    assert gateway.stats.reconnects >= 2
    assert client.login_count >= 4
    assert len(issued) >= 8
    assert set(sim._tokens) <= set(issued)  # the spy saw every token of the table
    assert len(errors) == 4

    text = all_log_text(records) + error_text([*errors, *auth_failures])
    for secret in (email, password, NEW_PASSWORD, WRONG_PASSWORD):
        for form in forms(secret):
            assert form not in text, "a credential reached the logs"
    for token in issued:  # not even a part of a token
        for start in range(len(token) - TOKEN_WINDOW + 1):
            assert token[start : start + TOKEN_WINDOW] not in text, "a token leaked"

    check_traffic(traffic, issued, {password, NEW_PASSWORD, WRONG_PASSWORD})


def check_traffic(traffic: Traffic, tokens: list[str], passwords: set[str]) -> None:
    """Assert tokens travel only as bearer headers and passwords only to the login."""
    assert traffic.requests
    handshakes = [r for r in traffic.requests if "/socket.io/" in r.url]
    assert len(handshakes) >= 3
    for request in traffic.requests:
        assert request.url.startswith(("http://127.0.0.1:", "ws://127.0.0.1:"))
        for token in tokens:
            assert token not in request.url
            assert token.encode() not in request.body
        auth = request.headers.get("Authorization")
        if auth is not None:
            scheme, _, token = auth.partition(" ")
            assert scheme == "Bearer"
            assert token in tokens
        if not request.url.endswith("/v1/auth/user"):
            for secret in passwords:
                assert secret.encode() not in request.body
    for handshake in handshakes:
        assert handshake.headers["Authorization"].removeprefix("Bearer ") in tokens
        assert "token" not in handshake.url.lower()


async def test_the_handshake_token_is_the_one_the_simulator_saw(
    sim: Simulator,
    traffic_session: tuple[aiohttp.ClientSession, Traffic],
) -> None:
    http, traffic = traffic_session
    client = BragerOneClient(
        sim.email, sim.password, server=server_of(sim), session=http
    )
    gateway = Gateway(
        client,
        object_id=sim.object_id,
        devids=sim.devids,
        connect_timeout=3.0,
        disconnect_timeout=TEARDOWN_LIMIT,
        bind_grace=0.0,
    )
    await gateway.start()
    try:
        await wait_for(lambda: gateway.session_up)
        token = client.token
        assert token is not None
        sessions = list(sim.sessions().values())
        assert [s.token for s in sessions] == [token.access_token]
        (handshake,) = [r for r in traffic.requests if "/socket.io/" in r.url]
        assert handshake.headers["Authorization"] == f"Bearer {token.access_token}"
        assert token.access_token not in handshake.url
    finally:
        await gateway.stop()


# --- TLS -----------------------------------------------------------------------------


@dataclass
class Refused:
    """What the refusing connector saw of one request."""

    url: str
    is_ssl: bool
    ssl: Any
    headers: dict[str, str]


class RefusingConnector(aiohttp.TCPConnector):
    """A connector that records each request and refuses it before any DNS or socket."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[Refused] = []

    async def _create_connection(
        self, req: ClientRequest, traces: Any, timeout: aiohttp.ClientTimeout
    ) -> Any:
        self.seen.append(
            Refused(str(req.url), req.is_ssl(), req.ssl, dict(req.headers))
        )
        msg = "the test refuses every connection"
        raise aiohttp.ClientConnectionError(msg)


def verifies_certificates(setting: Any) -> bool:
    """Return True when an aiohttp ``ssl=`` setting keeps certificate verification."""
    if setting is True:
        return True
    if isinstance(setting, ssl.SSLContext):
        return setting.verify_mode == ssl.CERT_REQUIRED and setting.check_hostname
    return False  # False (no verification) or a pinned fingerprint


@pytest.mark.parametrize("server", [BRAGERONE, TISCONNECT], ids=lambda s: s.platform)
async def test_real_servers_are_reached_over_verified_tls(server: Server) -> None:
    connector = RefusingConnector()
    calls: list[Callable[[], Any]] = []
    async with aiohttp.ClientSession(connector=connector) as http:
        client = BragerOneClient(
            "someone@example.com", "not-sent", server=server, session=http
        )
        calls = [client.system_version, client.login]
        for call in calls:
            with pytest.raises(BragerOneConnectionError):
                await call()

        async def token() -> str:
            return "handshake-token"

        realtime = RealtimeClient(
            server=server,
            session=http,
            token_provider=token,
            handler=_NoHandler(),
            connect_timeout=3.0,
            disconnect_timeout=TEARDOWN_LIMIT,
        )
        with pytest.raises(BragerOneConnectionError):
            await realtime.connect()
        fetcher = AssetFetcher.from_client(client, attempts=1)
        with pytest.raises(AssetFetchError):
            await fetcher.fetch("/")

    api_host = server.api_base.removeprefix("https://")
    assert [r.url.split("?")[0] for r in connector.seen] == [
        f"https://{api_host}/v1/system/version",
        f"https://{api_host}/v1/auth/user",
        f"wss://{api_host}/socket.io/",
        f"{server.web_base}/",
    ]
    for request in connector.seen:
        assert request.is_ssl
        assert verifies_certificates(request.ssl)
    handshake = connector.seen[2]
    assert handshake.headers["Authorization"] == "Bearer handshake-token"
    assert "handshake-token" not in handshake.url
    assert handshake.headers["Origin"] == server.web_base
    assert "Authorization" not in connector.seen[-1].headers  # no token to the web host


def test_only_custom_servers_may_be_plain_http() -> None:
    for server in (BRAGERONE, TISCONNECT):
        for base in (server.api_base, server.rest_base, server.web_base):
            assert base.startswith("https://")
    custom = Server.custom("http://127.0.0.1:8080/v1", "http://127.0.0.1:8081/")
    assert custom.rest_base == "http://127.0.0.1:8080/v1"
    assert custom.web_base == "http://127.0.0.1:8081"


class _NoHandler:
    """A RealtimeHandler that ignores everything (the connect never succeeds)."""

    def on_parameter_updates(self, updates: Any) -> None:
        pass

    def on_module_status(self, statuses: Any) -> None:
        pass

    def on_memory_updated(self, devid: str) -> None:
        pass

    def on_task_event(self, event: str, payload: Any) -> None:
        pass

    def on_disconnect(self) -> None:
        pass


async def test_a_custom_http_server_works_and_keeps_the_store(
    sim: Simulator, session: aiohttp.ClientSession
) -> None:
    """Plain http is accepted for a custom server (the simulator is one)."""
    client = BragerOneClient(
        sim.email, sim.password, server=server_of(sim), session=session
    )
    assert client.server.api_base.startswith("http://127.0.0.1:")
    snapshot = await client.prime(sim.devids)
    store = ParamStore()
    store.apply_snapshot(snapshot.updates, store.begin_snapshot())
    assert store.module_values(sim.devids[0])
    await asyncio.sleep(0)
