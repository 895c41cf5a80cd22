"""Socket.IO realtime client of the BragerOne cloud (PROTOCOL.md §1.3, §1.4, §3).

`RealtimeClient` opens one websocket-only Socket.IO connection on namespace ``/ws`` with
the bearer token in the handshake headers, decodes incoming frames and hands them to a
`RealtimeHandler`. It never reconnects by itself (the gateway does, with a fresh token):
python-socketio's reconnection is off and every connect and teardown is bounded in time.
A new ``socketio.AsyncClient`` is made for every connection, so a wedged old one can be
abandoned, and late events of an old connection are ignored.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
import contextlib
import logging
import time
from typing import Any, Protocol

import aiohttp
import socketio

from ._logging import LOGGER, log_once
from .alarms import counts_from_wire, devid_of_alarm_event
from .const import (
    ACCEPT_LANGUAGE,
    APP_VERSION,
    CONNECT_TIMEOUT,
    DISCONNECT_TIMEOUT,
    EVENT_ACTIVITY_QUANTITY,
    EVENT_ALARMS_CHANGED,
    EVENT_ALARMS_QUANTITY,
    EVENT_MODULE_MEMORY_UPDATED,
    EVENT_MODULE_STATUS,
    EVENT_PARAMETERS_CHANGE_ALIASES,
    EVENT_TASKS,
    SOCKETIO_PATH,
    WS_NAMESPACE,
)
from .exceptions import BragerOneConnectionError, BragerOneError, BragerOneTimeoutError
from .models import ModuleStatus, ParamUpdate, Server, iter_updates


class RealtimeHandler(Protocol):
    """Receiver of decoded realtime events (implemented by the gateway).

    All methods are called in the event loop, from the socket's read loop: they must not
    block (schedule slow work as a task).
    """

    def on_parameter_updates(self, updates: list[ParamUpdate]) -> None:
        """Receive the register entries of one ``app:modules:parameters:change`` frame."""

    def on_module_status(self, statuses: list[ModuleStatus]) -> None:
        """Receive module online/gateway changes (``app:module:connection:status:changed``)."""

    def on_memory_updated(self, devid: str) -> None:
        """Receive event ``22``: the module's memory changed; its registers need a prime."""

    def on_task_event(self, event: str, payload: Any) -> None:
        """Receive a write/command task lifecycle event (shape undocumented, §3.4)."""

    def on_alarm_counts(self, counts: dict[str, int | None]) -> None:
        """Receive ``app:modules:alarms:quantity:change`` counts per devid (§3.4a)."""

    def on_alarms_changed(self, devid: str | None) -> None:
        """Receive an alarm-change push for a module (None: every module, §3.4a)."""

    def on_activity_counts(self, counts: dict[str, int | None]) -> None:
        """Receive ``app:modules:activity:quantity:change`` counts per devid (§3.4a)."""

    def on_disconnect(self) -> None:
        """Learn that the socket closed (not called for an orderly `disconnect`)."""


def _devid_of(payload: Any) -> str | None:
    """Return the devid of an event-22 payload (``{"devid": …}`` or a bare string)."""
    if isinstance(payload, str) and payload:
        return payload
    if isinstance(payload, dict):
        devid = payload.get("devid") or payload.get("devId") or payload.get("module")
        return devid if isinstance(devid, str) and devid else None
    return None


def _malformed(event: str) -> bool:
    """Log a malformed frame of `event` once (at debug) and return False (skipped)."""
    log_once(f"malformed:{event}", logging.DEBUG, "Skipping malformed %r frame", event)
    return False


def decode_event(handler: RealtimeHandler, event: str, payload: Any) -> bool:
    """Dispatch one frame to `handler`; return False when the event is unknown or malformed.

    Unknown events and malformed frames are logged once (at debug) and skipped.
    """
    if event in EVENT_PARAMETERS_CHANGE_ALIASES:
        if not isinstance(payload, dict):
            return _malformed(event)
        handler.on_parameter_updates(list(iter_updates(payload, time.time())))
        return True
    if event == EVENT_MODULE_STATUS:
        statuses = ModuleStatus.list_from_wire(payload)
        if not statuses:
            return _malformed(event)
        handler.on_module_status(statuses)
        return True
    if event == EVENT_MODULE_MEMORY_UPDATED:
        devid = _devid_of(payload)
        if devid is None:
            return _malformed(event)
        handler.on_memory_updated(devid)
        return True
    if event in EVENT_TASKS:
        handler.on_task_event(event, payload)
        return True
    if event == EVENT_ALARMS_QUANTITY:
        counts = counts_from_wire(payload, "alarmsQuantity")
        if not counts:
            return _malformed(event)
        handler.on_alarm_counts(counts)
        return True
    if event in EVENT_ALARMS_CHANGED:
        handler.on_alarms_changed(devid_of_alarm_event(payload))
        return True
    if event == EVENT_ACTIVITY_QUANTITY:
        counts = counts_from_wire(payload, "activityQuantity")
        if not counts:
            return _malformed(event)
        handler.on_activity_counts(counts)
        return True
    log_once(
        "unknown-event",
        logging.DEBUG,
        "Ignoring unknown realtime event %r (and later ones)",
        event[:60],
    )
    return False


class RealtimeClient:
    """One Socket.IO connection to ``<api_base>/socket.io``, namespace ``/ws``.

    Args:
        server:
            The cloud (its `api_base` hosts Socket.IO; `web_base` gives Origin/Referer).
        session:
            The aiohttp session the REST client uses; shared, never closed here.
        token_provider:
            Coroutine returning a valid access token; awaited once per connect attempt,
            inside the connect time limit (a fresh login when the old token expired).
        handler:
            Receiver of decoded events.
        connect_timeout, disconnect_timeout:
            Time limits in seconds of `connect` (token included) and `disconnect`.

    """

    def __init__(
        self,
        *,
        server: Server,
        session: aiohttp.ClientSession,
        token_provider: Callable[[], Awaitable[str]],
        handler: RealtimeHandler,
        connect_timeout: float = CONNECT_TIMEOUT,
        disconnect_timeout: float = DISCONNECT_TIMEOUT,
    ) -> None:
        """Store the configuration; nothing connects here."""
        self._server = server
        self._session = session
        self._token_provider = token_provider
        self._handler = handler
        self.connect_timeout = connect_timeout
        self.disconnect_timeout = disconnect_timeout
        self._sio: Any = None
        self._generation = 0
        self._closing = False
        self.frames = 0
        self.last_frame_monotonic: float | None = None

    @property
    def connected(self) -> bool:
        """Return True while the socket claims to be connected and ``/ws`` is joined."""
        sio = self._sio
        return bool(
            sio is not None
            and sio.connected
            and sio.eio.state == "connected"
            and sio.get_sid(WS_NAMESPACE) is not None
        )

    @property
    def sid(self) -> str | None:
        """Return the namespace SID of ``/ws`` (the one to bind, §3.2), or None."""
        sio = self._sio
        return None if sio is None else sio.get_sid(WS_NAMESPACE)

    @property
    def engineio_sid(self) -> str | None:
        """Return the Engine.IO transport session id, or None."""
        sio = self._sio
        return None if sio is None else sio.eio.sid

    def _handshake_headers(self, token: str) -> dict[str, str]:
        """Return the handshake headers of §1.3 (bearer auth only in the headers)."""
        return {
            "Authorization": f"Bearer {token}",
            "Origin": self._server.web_base,
            "Referer": f"{self._server.web_base}/",
            "Accept-Language": ACCEPT_LANGUAGE,
            "x-appversion": APP_VERSION,
        }

    def _make_client(self) -> Any:
        """Create a fresh AsyncClient whose handlers only act for this generation."""
        self._generation += 1
        generation = self._generation
        sio = socketio.AsyncClient(
            reconnection=False, http_session=self._session, handle_sigint=False
        )

        async def on_any(event: Any, *args: Any) -> None:
            if generation == self._generation:
                self._on_frame(str(event), args[0] if args else None)

        async def on_disconnect(*_reason: Any) -> None:
            if generation == self._generation and not self._closing:
                LOGGER.debug("Realtime socket closed by the server or the transport")
                self._handler.on_disconnect()

        sio.on("*", on_any, namespace=WS_NAMESPACE)
        sio.on("disconnect", on_disconnect, namespace=WS_NAMESPACE)
        return sio

    def _on_frame(self, event: str, payload: Any) -> None:
        """Count a frame and dispatch it; a failing handler never breaks the read loop."""
        self.frames += 1
        self.last_frame_monotonic = time.monotonic()
        try:
            decode_event(self._handler, event, payload)
        except Exception:  # noqa: BLE001 - bad input must never kill the socket
            log_once(f"handler:{event}", logging.WARNING, "Failed to handle %r", event)
            LOGGER.debug("Handler failure for %r", event, exc_info=True)

    async def connect(self) -> str:
        """Open a new connection and return its namespace SID.

        Any previous connection is torn down first. The token is fetched inside the time
        limit.

        Raises:
            BragerOneTimeoutError:
                The token and the connect did not finish within `connect_timeout`.
            BragerOneConnectionError:
                The server refused or the transport failed.
            AuthenticationError:
                The token provider's login was refused.

        """
        await self.disconnect()
        sio = self._make_client()
        self._sio = sio
        self._closing = False
        try:
            async with asyncio.timeout(self.connect_timeout):
                token = await self._token_provider()
                await sio.connect(
                    self._server.api_base,
                    headers=self._handshake_headers(token),
                    transports=["websocket"],
                    namespaces=[WS_NAMESPACE],
                    socketio_path=SOCKETIO_PATH,
                    wait_timeout=self.connect_timeout,
                )
        except TimeoutError as err:
            await self.disconnect()
            msg = f"realtime connect timed out after {self.connect_timeout} s"
            raise BragerOneTimeoutError(msg) from err
        except BragerOneError:
            await self.disconnect()
            raise
        except (
            socketio.exceptions.ConnectionError,
            aiohttp.ClientError,
            OSError,
        ) as err:
            await self.disconnect()
            msg = f"realtime connect failed: {err}"
            raise BragerOneConnectionError(msg) from err
        sid = self.sid
        if sid is None:
            await self.disconnect()
            msg = "realtime connect gave no /ws namespace SID"
            raise BragerOneConnectionError(msg)
        LOGGER.debug("Realtime socket connected")
        return str(sid)

    async def emit(self, event: str, data: Any) -> None:
        """Emit one event on ``/ws`` (no ack expected), bounded by `connect_timeout`.

        Raises:
            BragerOneConnectionError:
                The socket is not connected or the emit failed.

        """
        sio = self._sio
        if sio is None or not self.connected:
            msg = "realtime socket is not connected"
            raise BragerOneConnectionError(msg)
        try:
            async with asyncio.timeout(self.connect_timeout):
                await sio.emit(event, data, namespace=WS_NAMESPACE)
        except (TimeoutError, socketio.exceptions.SocketIOError, OSError) as err:
            msg = f"emit of {event} failed"
            raise BragerOneConnectionError(msg) from err

    async def disconnect(self) -> None:
        """Close the connection within `disconnect_timeout`; never raises.

        A teardown that hangs (Engine.IO abort, #321) is cut short: the transport is
        aborted and the client object abandoned. No handler is called for it. Either
        way no Engine.IO task of the connection is left running afterwards.
        """
        sio, self._sio = self._sio, None
        if sio is None:
            return
        self._closing = True
        self._generation += 1
        try:
            async with asyncio.timeout(self.disconnect_timeout):
                await sio.disconnect()
        except Exception:  # noqa: BLE001 - teardown must not fail
            LOGGER.debug(
                "Realtime teardown did not finish cleanly; aborting the transport"
            )
            with contextlib.suppress(Exception):
                async with asyncio.timeout(self.disconnect_timeout):
                    await sio.eio.disconnect(abort=True)
        await self._end_engineio_loops(sio)

    async def _end_engineio_loops(self, sio: Any) -> None:
        """Cancel Engine.IO read/write loops that outlived the teardown (bounded wait).

        python-engineio's write loop can sit for ping interval + 5 s (30 s) on a packet
        queue that its own reset emptied (seen when the server drops the socket under
        load), and an aborted teardown does not wait for the loops at all. A closed
        connection must leave no task behind (Home Assistant flags lingering tasks).
        """
        eio = getattr(sio, "eio", None)
        tasks = [
            task
            for name in ("read_loop_task", "write_loop_task")
            if isinstance(task := getattr(eio, name, None), asyncio.Task)
            and not task.done()
            and task is not asyncio.current_task()
        ]
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks, timeout=self.disconnect_timeout)
