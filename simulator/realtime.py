"""The simulator's Socket.IO side: namespace ``/ws`` on path ``/socket.io`` (PROTOCOL.md §3).

Handshakes authenticate only with the ``Authorization: Bearer`` header (§1.3); a
missing, unknown, revoked or expired token is refused with ``ConnectionRefusedError``.
Each connected socket is a `Session` keyed by its **namespace** SID (§3.2). A session
receives ``app:modules:parameters:change`` for a devid only when it is both bound to
it (``POST /v1/modules/connect`` with this SID, §2.6) and listening for it
(``app:modules:parameters:listen``, §3.3). Connection-status, task and module-memory
(numeric ``22``) events go to every session bound to the devid; alarm and activity
pushes (§3.4a) to the sessions bound to it that sent the alarms or activity listen. The
`Faults.zombie` knob silences every emit.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
import logging
from typing import Any

from aiohttp import web
import socketio
from socketio.exceptions import ConnectionRefusedError as SocketRefusedError

from simulator.faults import Faults

_LOGGER = logging.getLogger(__name__)

NAMESPACE = "/ws"
SOCKETIO_PATH = "/socket.io"
PARAMETERS_LISTEN = "app:modules:parameters:listen"
ACTIVITY_LISTEN = "app:modules:activity:quantity:listen"
ALARMS_LISTEN = "app:modules:alarms:quantity:listen"

type Authenticator = Callable[[str | None], str | None]
"""Map a bearer token (or None) to the user's e-mail, or None when refused."""


@dataclass
class Session:
    """One connected ``/ws`` socket and what it is bound to and listening for."""

    sid: str
    eio_sid: str
    user: str
    token: str
    bound: set[str] = field(default_factory=set)
    listening: set[str] = field(default_factory=set)
    activity: set[str] = field(default_factory=set)
    alarms: set[str] = field(default_factory=set)


class Realtime:
    """A python-socketio ``AsyncServer`` (aiohttp mode) with the BragerOne semantics.

    `authenticate` maps the handshake's bearer token to a user (or None). `devids` are
    the devids a listen emit may name; unknown devids are ignored. `count(name, n)` is
    called for ``connects``, ``refused_connects``, ``disconnects``, ``listens`` and
    per-event ``event:<name>``.
    """

    def __init__(
        self,
        *,
        authenticate: Authenticator,
        devids: Iterable[str],
        faults: Faults,
        count: Callable[[str, int], None],
    ) -> None:
        """Create the server and register the handlers (call form, ENVIRONMENT.md §6)."""
        self._authenticate = authenticate
        self._devids = frozenset(devids)
        self._faults = faults
        self._count = count
        self.sessions: dict[str, Session] = {}
        self._tasks: set[asyncio.Task[Any]] = set()
        self.sio = socketio.AsyncServer(
            async_mode="aiohttp",
            namespaces=[NAMESPACE],
            cors_allowed_origins="*",
            logger=False,
            engineio_logger=False,
        )
        self._track_engineio_tasks()
        self.sio.on("connect", self._on_connect, namespace=NAMESPACE)
        self.sio.on("disconnect", self._on_disconnect, namespace=NAMESPACE)
        self.sio.on(PARAMETERS_LISTEN, self._on_parameters_listen, namespace=NAMESPACE)
        self.sio.on(ACTIVITY_LISTEN, self._on_activity_listen, namespace=NAMESPACE)
        self.sio.on(ALARMS_LISTEN, self._on_alarms_listen, namespace=NAMESPACE)

    def _track_engineio_tasks(self) -> None:
        """Remember every Engine.IO background task (ping loops) so `shutdown` can end them.

        python-engineio starts one ``AsyncSocket._send_ping`` task per connection and
        never cancels it (ENVIRONMENT.md §5); Home Assistant's tests fail on such
        lingering tasks.
        """
        eio = self.sio.eio
        original = eio.start_background_task

        def start_tracked(target: Any, *args: Any, **kwargs: Any) -> Any:
            task = original(target, *args, **kwargs)
            if isinstance(task, asyncio.Task):
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)
            return task

        eio.start_background_task = start_tracked

    def attach(self, app: web.Application) -> None:
        """Serve Socket.IO on `app` under ``/socket.io``."""
        self.sio.attach(app, socketio_path=SOCKETIO_PATH)

    # -- handlers ------------------------------------------------------------------

    async def _on_connect(
        self, sid: str, environ: dict[str, Any], _auth: Any = None
    ) -> None:
        """Accept a handshake only with a valid bearer token in the HTTP headers (§1.3)."""
        header = environ.get("HTTP_AUTHORIZATION")
        token = bearer_token(header if isinstance(header, str) else None)
        user = self._authenticate(token)
        if user is None or token is None:
            self._count("refused_connects", 1)
            msg = "unauthorized"
            raise SocketRefusedError(msg)
        eio_sid = self.sio.manager.eio_sid_from_sid(sid, NAMESPACE) or ""
        self.sessions[sid] = Session(sid=sid, eio_sid=eio_sid, user=user, token=token)
        self._count("connects", 1)
        _LOGGER.debug("socket %s connected (engine.io %s)", sid, eio_sid)

    async def _on_disconnect(self, sid: str, *_args: Any) -> None:
        """Forget the session: its SID, bindings and listens are gone for good."""
        if self.sessions.pop(sid, None) is not None:
            self._count("disconnects", 1)
            _LOGGER.debug("socket %s disconnected", sid)

    async def _on_parameters_listen(self, sid: str, data: Any = None) -> None:
        """Record ``app:modules:parameters:listen`` (``modules`` or ``devids`` list, §3.3)."""
        self._listen(sid, data, kind="listening")

    async def _on_activity_listen(self, sid: str, data: Any = None) -> None:
        """Record ``app:modules:activity:quantity:listen`` (§3.3)."""
        self._listen(sid, data, kind="activity")

    async def _on_alarms_listen(self, sid: str, data: Any = None) -> None:
        """Record ``app:modules:alarms:quantity:listen`` (§3.4a)."""
        self._listen(sid, data, kind="alarms")

    def _listen(self, sid: str, data: Any, *, kind: str) -> None:
        """Add the known devids of a listen payload to the session (after `listen_delay`)."""
        delay = self._faults.listen_delay
        if delay > 0:
            task = asyncio.get_running_loop().create_task(
                self._listen_later(delay, sid, data, kind=kind)
            )
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
            return
        self._apply_listen(sid, data, kind=kind)

    async def _listen_later(
        self, delay: float, sid: str, data: Any, *, kind: str
    ) -> None:
        """Apply a listen emit `delay` seconds late (fault ``listen_delay``)."""
        await asyncio.sleep(delay)
        self._apply_listen(sid, data, kind=kind)

    def _apply_listen(self, sid: str, data: Any, *, kind: str) -> None:
        """Record the known devids of a listen payload in the session's `kind` set."""
        session = self.sessions.get(sid)
        if session is None or not isinstance(data, dict):
            _LOGGER.debug("ignoring listen from %s: %r", sid, data)
            return
        self._count("listens", 1)
        for key in ("modules", "devids"):
            devids = data.get(key)
            if not isinstance(devids, list):
                continue
            known = {d for d in devids if isinstance(d, str) and d in self._devids}
            getattr(session, kind).update(known)

    # -- binding -------------------------------------------------------------------

    def bind(self, sid: str, devids: Iterable[str], *, user: str) -> bool:
        """Bind the current namespace SID `sid` of `user` to `devids` (§2.6).

        Return False (and bind nothing) when the SID is not a connected ``/ws``
        session of this user; an Engine.IO SID or a stale SID is such a case.
        """
        session = self.sessions.get(sid)
        if session is None or session.user != user:
            return False
        session.bound.update(d for d in devids if d in self._devids)
        return True

    # -- emitting --------------------------------------------------------------------

    def bound_sids(self, devid: str) -> list[str]:
        """Return the SIDs bound to `devid`."""
        return [s.sid for s in self.sessions.values() if devid in s.bound]

    def change_sids(self, devid: str) -> list[str]:
        """Return the SIDs that get parameter changes of `devid` (bound and listening)."""
        return [
            s.sid
            for s in self.sessions.values()
            if devid in s.bound and devid in s.listening
        ]

    def alarm_sids(self, devid: str) -> list[str]:
        """Return the SIDs that get alarm pushes of `devid` (bound and listening for alarms)."""
        return [
            s.sid
            for s in self.sessions.values()
            if devid in s.bound and devid in s.alarms
        ]

    def activity_sids(self, devid: str) -> list[str]:
        """Return the SIDs that get activity pushes of `devid` (bound and listening for activity)."""
        return [
            s.sid
            for s in self.sessions.values()
            if devid in s.bound and devid in s.activity
        ]

    async def emit(self, event: str | int, payload: Any, sids: Iterable[str]) -> int:
        """Emit `event` with `payload` to each SID; return how many got it.

        Nothing is sent while `Faults.zombie` is set. A numeric `event` goes on the
        wire as a JSON number (``42/ws,[22,{...}]``), which python-socketio clients
        dispatch with the int as the event name.
        """
        if self._faults.zombie:
            return 0
        sent = 0
        for sid in list(sids):
            if sid not in self.sessions:
                continue
            await self.sio.emit(event, payload, to=sid, namespace=NAMESPACE)
            sent += 1
        if sent:
            self._count(f"event:{event}", sent)
        return sent

    async def drop_all(self) -> None:
        """Disconnect every client: namespace disconnect, then close its transport."""
        for sid in list(self.sessions):
            await self.sio.disconnect(sid, namespace=NAMESPACE)
            self.sessions.pop(sid, None)
        await self.sio.eio.disconnect()

    async def shutdown(self) -> None:
        """Drop every client, stop Socket.IO and cancel the Engine.IO ping tasks."""
        try:
            await self.drop_all()
        except (OSError, RuntimeError, ValueError):  # pragma: no cover - best effort
            _LOGGER.debug("error while dropping sockets", exc_info=True)
        await self.sio.shutdown()
        await self.cancel_tasks()

    async def cancel_tasks(self) -> None:
        """Cancel and await the Engine.IO background tasks still running."""
        current = asyncio.current_task()
        tasks = [t for t in self._tasks if t is not current and not t.done()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._tasks.clear()


def bearer_token(header: str | None) -> str | None:
    """Return the token of an ``Authorization: Bearer <token>`` header, else None."""
    if not header:
        return None
    scheme, _, token = header.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        return None
    return token
