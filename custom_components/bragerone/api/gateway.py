"""Gateway: prime-then-push orchestration, reconnection and liveness (PROTOCOL.md §3).

The gateway keeps a `ParamStore` in step with the cloud for a set of modules of one
object:

1. connect the Socket.IO ``/ws`` namespace (fresh token, bounded time);
2. bind the *current* namespace SID with ``POST /v1/modules/connect`` (§2.6);
3. emit both listen variants for parameters, activity and alarm counts (§3.3, §3.4a);
4. REST-prime the modules (``POST /v1/modules/parameters``) into the store, never
   overwriting a newer push (DESIGN.md decision 4);
5. refresh module connectivity from the modules listing;
6. `settle_delay` seconds later, prime once more: the server may have answered the
   prime before it handled the listen emit (§3.1 ordering caveat), and a change made in
   between is pushed to nobody;
7. in the background, read the alarm counts and the activity feeds (`alarms`,
   `activity`, §2.8a); they never hold up the parameters prime.

The session counts as up once step 4 succeeded (until then the store may hold values
from before an outage). Steps 1 to 6 repeat on every reconnect. Reconnection uses
jittered exponential back-off, capped. Liveness: event ``22`` re-primes that module; when no parameter event arrives for
`silence_timeout` seconds while a module is online and the socket claims to be up, the
modules are re-primed; when `zombie_primes` such silence re-primes in a row find changes
the socket should have pushed, the socket is a zombie and a fresh connection is opened.
A re-prime that finds nothing new means a quiet plant, not a dead socket, so a healthy
connection to an idle boiler is not torn down every few minutes.

Two kinds of state are kept apart (§7.4): `session_up` (this client's cloud session:
socket connected, bound and listening) and each module's online state (``connectedAt``
from the listing, the status event and a slow listing poll).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Iterable
import contextlib
from dataclasses import dataclass
import logging
import random
import time
from typing import Any

from ._logging import LOGGER, log_once
from .alarms import ActivityFeed, AlarmTracker
from .client import BragerOneClient
from .const import (
    BIND_GRACE,
    CONNECT_TIMEOUT,
    DISCONNECT_TIMEOUT,
    EVENT_LISTEN_ACTIVITY,
    EVENT_LISTEN_ALARMS,
    EVENT_LISTEN_PARAMETERS,
    MODULES_POLL_INTERVAL,
    RECONNECT_BACKOFF_INITIAL,
    RECONNECT_BACKOFF_MAX,
    SETTLE_DELAY,
    SILENCE_TIMEOUT,
    SUPERVISOR_INTERVAL,
    WRITE_CONFIRM_TIMEOUT,
    WRITE_PACING,
    ZOMBIE_STALE_PRIMES,
)
from .descriptor import EntityDescriptor
from .exceptions import ApiError, AuthenticationError, BragerOneError
from .models import Module, ModuleStatus, ParamKey, ParamUpdate
from .realtime import RealtimeClient
from .registers import ModuleRegisters, connected_at_getter
from .store import ParamStore
from .writes import Writer

type SessionListener = Callable[[bool], None]
type ModuleListener = Callable[[str, bool], None]
type TaskListener = Callable[[str, Any], None]
type AuthFailureListener = Callable[[AuthenticationError], None]
type ListingListener = Callable[[list[Module], bool], None]

_PRIME_RETRY_DELAYS = (0.25, 0.5, 1.0)


@dataclass(kw_only=True)
class GatewayStats:
    """Telemetry counters of a gateway (for diagnostics and tests).

    `connects` counts successful socket connects, `reconnects` those after the first;
    `binds` successful ``modules/connect`` calls; `primes` successful REST primes;
    `events` parameter-change frames; `silence_reprimes` primes caused by silence,
    `silences_healed` those that found changes the socket had missed;
    `zombie_reconnects` fresh connections opened because of repeated missed changes;
    `memory_reprimes` primes caused by event ``22``; `settle_primes` the settling
    primes after a (re)connect (`Gateway` step 6).
    """

    connects: int = 0
    reconnects: int = 0
    connect_failures: int = 0
    binds: int = 0
    primes: int = 0
    prime_failures: int = 0
    events: int = 0
    silence_reprimes: int = 0
    silences_healed: int = 0
    zombie_reconnects: int = 0
    memory_reprimes: int = 0
    settle_primes: int = 0
    last_event_monotonic: float | None = None


def _call_safely(listener: Callable[..., None], *args: Any) -> None:
    """Call a consumer's listener; its failure is logged and never breaks the gateway."""
    try:
        listener(*args)
    except Exception:  # noqa: BLE001 - a consumer bug must not break the gateway
        LOGGER.exception("A BragerOne gateway listener failed")


class _Handler:
    """Adapter from realtime callbacks to the gateway's private methods."""

    def __init__(self, gateway: Gateway) -> None:
        self._gateway = gateway

    def on_parameter_updates(self, updates: list[ParamUpdate]) -> None:
        self._gateway._on_push(updates)  # noqa: SLF001

    def on_module_status(self, statuses: list[ModuleStatus]) -> None:
        self._gateway._on_module_status(statuses)  # noqa: SLF001

    def on_memory_updated(self, devid: str) -> None:
        self._gateway._on_memory_updated(devid)  # noqa: SLF001

    def on_task_event(self, event: str, payload: Any) -> None:
        self._gateway._on_task_event(event, payload)  # noqa: SLF001

    def on_alarm_counts(self, counts: dict[str, int | None]) -> None:
        self._gateway.alarms.on_counts(counts)

    def on_alarms_changed(self, devid: str | None) -> None:
        self._gateway.alarms.on_changed(devid)

    def on_activity_counts(self, counts: dict[str, int | None]) -> None:
        self._gateway.activity.on_counts(counts)

    def on_disconnect(self) -> None:
        self._gateway._lost.set()  # noqa: SLF001


class Gateway:
    """Keep a ParamStore in step with the cloud for some modules of one object.

    Args:
        client:
            A `BragerOneClient` (its session is shared with the socket).
        object_id:
            The object (installation) the modules belong to (``group_id`` of the listen events).
        devids:
            The modules to follow.
        store:
            The store to fill (a new one when None).
        connect_timeout, disconnect_timeout:
            Time limits of a socket connect (token included) and teardown.
        backoff_initial, backoff_max:
            First and largest delay between reconnect attempts (doubling, ±20 % jitter).
        supervisor_interval:
            How often the socket state is checked.
        silence_timeout:
            Seconds without a parameter event (while a module is online) before a re-prime.
        zombie_primes:
            Consecutive silence re-primes that found missed changes before a fresh connection.
        poll_interval:
            Interval of the modules-listing poll (module online state; primes while down).
        bind_grace:
            Pause between the namespace connect and the bind.
        settle_delay:
            Seconds after a connection's prime before the settling prime (step 6);
            None leaves it out.
        write_pacing:
            Least seconds between two writes to one module (`Writer`).

    The gateway is the one reader of the modules listing (at each connection and every
    `poll_interval`): `listing` holds its last rows, and listing listeners hear of each
    read. Writes go through `write` / `write_raw` (validated, paced per module, confirmed
    by the pushed echo; see `writes`).

    """

    def __init__(
        self,
        client: BragerOneClient,
        *,
        object_id: int,
        devids: Iterable[str],
        store: ParamStore | None = None,
        connect_timeout: float = CONNECT_TIMEOUT,
        disconnect_timeout: float = DISCONNECT_TIMEOUT,
        backoff_initial: float = RECONNECT_BACKOFF_INITIAL,
        backoff_max: float = RECONNECT_BACKOFF_MAX,
        supervisor_interval: float = SUPERVISOR_INTERVAL,
        silence_timeout: float = SILENCE_TIMEOUT,
        zombie_primes: int = ZOMBIE_STALE_PRIMES,
        poll_interval: float = MODULES_POLL_INTERVAL,
        bind_grace: float = BIND_GRACE,
        settle_delay: float | None = SETTLE_DELAY,
        write_pacing: float = WRITE_PACING,
    ) -> None:
        """Configure the gateway; nothing connects before `start`."""
        self.client = client
        self.object_id = object_id
        self.devids = tuple(sorted(set(devids)))
        self.store = store if store is not None else ParamStore()
        self.stats = GatewayStats()
        self.backoff_initial = backoff_initial
        self.backoff_max = backoff_max
        self.supervisor_interval = supervisor_interval
        self.silence_timeout = silence_timeout
        self.zombie_primes = max(1, zombie_primes)
        self.poll_interval = poll_interval
        self.bind_grace = bind_grace
        self.settle_delay = settle_delay
        self.realtime = RealtimeClient(
            server=client.server,
            session=client.session,
            token_provider=self._token_for_connect,
            handler=_Handler(self),
            connect_timeout=connect_timeout,
            disconnect_timeout=disconnect_timeout,
        )
        self.bound_sid: str | None = None
        self.last_error: BaseException | None = None
        self._session_up = False
        self._online: dict[str, bool | None] = dict.fromkeys(self.devids)
        self._session_listeners: list[SessionListener] = []
        self._module_listeners: list[ModuleListener] = []
        self._task_listeners: list[TaskListener] = []
        self._auth_listeners: list[AuthFailureListener] = []
        self._lost = asyncio.Event()
        self._up_event = asyncio.Event()
        self._reconnect_requested = False
        self._prime_pending = False
        self._silence_since = time.monotonic()
        self._stale = 0
        self._main: asyncio.Task[None] | None = None
        self._poll: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._stopping = False
        self._stop_task: asyncio.Task[None] | None = None
        self.alarms = AlarmTracker(client, self.devids, self._spawn)
        """Current alarms and counts of the modules (§3.4a), kept by pushes and reads."""
        self.activity = ActivityFeed(client, self.devids, self._spawn)
        """The modules' activity feeds (§2.8a), read at connect and on count pushes."""
        self._pending_primes: set[str] = set()
        self._attempts = 0
        self._settle: asyncio.Task[None] | None = None
        self.listing: dict[str, Module] = {}
        self._listing_listeners: list[ListingListener] = []
        self.writer = Writer(
            client, self.store, self.rule_registers, pacing=write_pacing
        )

    # --- public state ------------------------------------------------------------------

    @property
    def session_up(self) -> bool:
        """Return True while the socket is connected, bound and listening, and primed.

        It turns True only once a prime of the connection succeeded, so a consumer that
        sees the session up finds the store in step with the cloud: after an outage,
        values that changed meanwhile are never shown as current before the prime
        brought them. A failed prime is retried at each supervisor check.
        """
        return self._session_up

    def module_online(self, devid: str) -> bool | None:
        """Return a module's online state: True/False, or None while unknown."""
        return self._online.get(devid)

    @property
    def modules_online(self) -> dict[str, bool | None]:
        """Return the online state of every followed module."""
        return dict(self._online)

    @property
    def last_event_age(self) -> float | None:
        """Return seconds since the last parameter event, or None before the first."""
        last = self.stats.last_event_monotonic
        return None if last is None else time.monotonic() - last

    @property
    def running(self) -> bool:
        """Return True between `start` and `stop`."""
        return self._main is not None and not self._main.done()

    def add_session_listener(self, listener: SessionListener) -> Callable[[], None]:
        """Call `listener(up)` when the cloud session goes up or down; returns a remover."""
        self._session_listeners.append(listener)
        return lambda: self._session_listeners.remove(listener)

    def add_module_listener(self, listener: ModuleListener) -> Callable[[], None]:
        """Call `listener(devid, online)` when a module's online state changes."""
        self._module_listeners.append(listener)
        return lambda: self._module_listeners.remove(listener)

    def add_task_listener(self, listener: TaskListener) -> Callable[[], None]:
        """Call `listener(event, payload)` for write/command task events (§3.4)."""
        self._task_listeners.append(listener)
        return lambda: self._task_listeners.remove(listener)

    def add_listing_listener(self, listener: ListingListener) -> Callable[[], None]:
        """Call `listener(modules, degraded)` after each modules-listing read.

        `modules` are every row of the object; `degraded` is True when a row lacked
        ``connectedAt`` or its gateway (§2.5, §7.3) or no followed module was named, so
        the listing cannot be trusted to tell which modules are gone. Failed reads are
        logged and not reported.
        """
        self._listing_listeners.append(listener)
        return lambda: self._listing_listeners.remove(listener)

    def rule_registers(self, devid: str) -> ModuleRegisters:
        """Return a module's registers as STATUS rules read them (§4.6).

        A read-through view of the store with the SPA ``connectedAt`` getter computed
        from the module's online state and its listing row.
        """
        info = self.listing.get(devid)
        return ModuleRegisters(
            self.store,
            devid,
            connected_at_getter(
                devid,
                online=self.module_online(devid),
                connected_at=info.connected_at if info is not None else None,
            ),
        )

    async def write(
        self,
        descriptor: EntityDescriptor,
        value: Any,
        *,
        language: str | None = None,
        timeout: float = WRITE_CONFIRM_TIMEOUT,  # noqa: ASYNC109 - the echo's time limit
    ) -> None:
        """Write a shown value of an entity and wait for its echo (`Writer.prepare`, `Writer.send`).

        Raises:
            InvalidWriteError: The value was refused before sending (a subclass says why).
            WriteNotConfirmedError: No echo within `timeout` seconds.
            AuthenticationError, ApiError, BragerOneError: The cloud refused or failed.

        """
        await self.writer.send(
            self.writer.prepare(descriptor, value, language), timeout=timeout
        )

    async def write_raw(
        self,
        devid: str,
        address: str,
        raw: Any,
        *,
        owner: EntityDescriptor | None = None,
        timeout: float = WRITE_CONFIRM_TIMEOUT,  # noqa: ASYNC109 - the echo's time limit
    ) -> None:
        """Write a raw register value (no transform) and wait for its echo.

        Raises:
            ValueError: `address` is not ``P<pool>.<channel><index>``.
            InvalidWriteError, WriteNotConfirmedError, BragerOneError: As `write`.

        """
        key = ParamKey.parse(devid, address)
        await self.writer.send(
            self.writer.prepare_raw(devid, key, raw, owner), timeout=timeout
        )

    def add_auth_failure_listener(
        self, listener: AuthFailureListener
    ) -> Callable[[], None]:
        """Call `listener(error)` each time a connect attempt's login is refused.

        The gateway keeps retrying with back-off; a consumer (Home Assistant) should start
        re-authentication and stop the gateway.
        """
        self._auth_listeners.append(listener)
        return lambda: self._auth_listeners.remove(listener)

    # --- lifecycle ---------------------------------------------------------------------

    async def start(self) -> None:
        """Start the connection loop and the listing poll in the background; returns at once."""
        if self.running:
            return
        self._lost.clear()
        self._stopping = False
        self._stop_task = None
        self._main = asyncio.create_task(self._run(), name="bragerone-gateway")
        self._poll = asyncio.create_task(
            self._poll_loop(), name="bragerone-modules-poll"
        )

    async def stop(self) -> None:
        """Stop every task and close the socket; bounded in time, never raises.

        Concurrent and repeated calls share one teardown, and a caller that is cancelled
        (Home Assistant cancels an entry's background task at unload) does not cut it
        short: a socket closed half-way stays open, with the HTTP library's timers.
        """
        if self._stop_task is None:
            self._stop_task = asyncio.create_task(
                self._stop(), name="bragerone-gateway-stop"
            )
        await asyncio.shield(self._stop_task)

    async def _stop(self) -> None:
        self._stopping = True  # nothing new is spawned from here on
        await self.alarms.wait_idle(self.realtime.disconnect_timeout)
        await self.activity.wait_idle(self.realtime.disconnect_timeout)
        tasks = [t for t in (self._main, self._poll, *self._tasks) if t is not None]
        self._main = self._poll = None
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks, timeout=self.realtime.disconnect_timeout)
        self._tasks.clear()
        await self.realtime.disconnect()
        self._set_session(up=False)

    def request_reconnect(self) -> None:
        """Ask for a fresh connection (re-bind, re-listen, re-prime) as soon as possible."""
        self._reconnect_requested = True
        self._lost.set()

    async def wait_session_up(self) -> None:
        """Wait until the session is up (bound the wait with ``asyncio.timeout``)."""
        await self._up_event.wait()

    # --- the connection loop -----------------------------------------------------------

    async def _run(self) -> None:
        """Connect, supervise, tear down and back off, until cancelled."""
        delay = self.backoff_initial
        while True:
            try:
                if await self._open():
                    delay = self.backoff_initial
                    reason = await self._supervise()
                    LOGGER.debug("Realtime session ends: %s", reason)
            except Exception:  # noqa: BLE001 - the loop must survive anything but cancel
                # A bug or an unexpected library error must not end the loop (#256).
                LOGGER.exception("Unexpected error in the BragerOne realtime loop")
            await self._close()
            await asyncio.sleep(delay * random.uniform(0.8, 1.2))  # noqa: S311
            delay = min(delay * 2, self.backoff_max)

    async def _open(self) -> bool:
        """Run the connection sequence of §3.1; return False (logged) when it failed."""
        self._lost.clear()
        self._reconnect_requested = False
        try:
            await self.realtime.connect()
            self.stats.connects += 1
            if self.stats.connects > 1:
                self.stats.reconnects += 1
            await asyncio.sleep(self.bind_grace)
            await self._bind()
            await self._listen()
        except AuthenticationError as err:
            # An auth listener (Home Assistant's reauth) tells the user; alone, warn.
            level = logging.INFO if self._auth_listeners else logging.WARNING
            self._fail(err, level, "BragerOne refused the login: %s")
            for listener in list(self._auth_listeners):
                _call_safely(listener, err)
            return False
        except BragerOneError as err:
            self._fail(err, logging.INFO, "BragerOne realtime connect failed: %s")
            return False
        self.last_error = None
        self._silence_since = time.monotonic()
        self._stale = 0
        primed = await self._safe_prime(self.devids)
        self._prime_pending = not primed
        await self._refresh_modules()
        # Without a prime the store may hold values from before the outage: stay down.
        self._set_session(up=primed)
        if primed:
            self._schedule_settle()
        # Alarm counts and activity feeds come after the parameters prime (§3.4a).
        self._spawn(self.alarms.prime_counts(), "bragerone-alarm-counts")
        self.activity.prime()
        return True

    async def _token_for_connect(self) -> str:
        """Return the token for a connect attempt: the held one first, then a fresh login.

        A reconnect can follow a server restart or a revocation that the held token does
        not survive, and a refused handshake does not say why (§3.6, #256), so every
        attempt after the first logs in afresh.
        """
        self._attempts += 1
        if self._attempts == 1:
            return await self.client.access_token()
        token = await self.client.login()
        return token.access_token

    def _fail(self, err: BaseException, level: int, msg: str) -> None:
        """Record a failed connection attempt and log it once per kind of error."""
        self.stats.connect_failures += 1
        self.last_error = err
        log_once(f"open:{type(err).__name__}", level, msg, err)

    async def _bind(self) -> None:
        """Bind the current namespace SID to the modules (``POST /v1/modules/connect``)."""
        sid = self.realtime.sid
        if sid is None:
            msg = "socket lost before binding"
            raise BragerOneError(msg)
        status = await self.client.bind(sid, self.devids)
        self.bound_sid = sid
        self.stats.binds += 1
        LOGGER.debug(
            "Bound realtime session to %d modules (HTTP %s)", len(self.devids), status
        )

    async def _listen(self) -> None:
        """Emit both variants of both listen events (§3.3)."""
        devids = list(self.devids)
        for event in (
            EVENT_LISTEN_PARAMETERS,
            EVENT_LISTEN_ACTIVITY,
            EVENT_LISTEN_ALARMS,
        ):
            await self.realtime.emit(
                event, {"modules": devids, "group_id": self.object_id}
            )
            await self.realtime.emit(
                event, {"devids": devids, "group_id": self.object_id}
            )

    async def _supervise(self) -> str:
        """Watch the open session; return why it must be replaced."""
        interval = max(0.01, min(self.supervisor_interval, self.silence_timeout / 2))
        while True:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(interval):
                    await self._lost.wait()
            if self._reconnect_requested:
                return "reconnect requested"
            if self._lost.is_set() or not self.realtime.connected:
                return "socket lost"
            if self._prime_pending:
                self._prime_pending = not await self._safe_prime(self.devids)
                self._set_session(up=not self._prime_pending)
                if not self._prime_pending:
                    self._schedule_settle()
            if await self._check_silence():
                self.stats.zombie_reconnects += 1
                LOGGER.info(
                    "Realtime socket is up but misses changes; opening a new one"
                )
                return "zombie socket"

    async def _close(self) -> None:
        """Tear the socket down (bounded) and mark the session down."""
        if self._settle is not None:
            self._settle.cancel()
            self._settle = None
        await self.realtime.disconnect()
        self.bound_sid = None
        self._set_session(up=False)

    # --- liveness ----------------------------------------------------------------------

    async def _check_silence(self) -> bool:
        """Re-prime after silence; return True when the socket looks like a zombie."""
        now = time.monotonic()
        if not any(online is not False for online in self._online.values()):
            self._silence_since = now
            return False
        last = max(self.stats.last_event_monotonic or 0.0, self._silence_since)
        if now - last < self.silence_timeout:
            return False
        self.stats.silence_reprimes += 1
        missed = await self._prime_counting_missed()
        self._silence_since = time.monotonic()
        if missed is None:
            return False
        if missed:
            self.stats.silences_healed += 1
            self._stale += 1
            LOGGER.debug("Silence re-prime found %d missed changes", missed)
        else:
            self._stale = 0
        return self._stale >= self.zombie_primes

    async def _prime_counting_missed(self) -> int | None:
        """Prime all modules; return how many known values the socket had missed."""
        marker = self.store.begin_snapshot()
        try:
            snapshot = await self.client.prime(self.devids)
        except BragerOneError as err:
            self.stats.prime_failures += 1
            log_once(
                f"prime:{type(err).__name__}",
                logging.WARNING,
                "Re-prime failed: %s",
                err,
            )
            return None
        self.stats.primes += 1
        known = {u.key for u in snapshot.updates if self.store.get(u.key) is not None}
        changed = self.store.apply_snapshot(snapshot.updates, marker)
        return sum(1 for u in changed if u.key in known)

    # --- priming -----------------------------------------------------------------------

    async def prime(self, devids: Iterable[str] | None = None) -> list[ParamUpdate]:
        """REST-prime modules (all followed ones when None) into the store, with retries.

        Returns the updates that changed a value. Transient errors (408
        ``E_DISPATCH_EVENT_TIMEOUT``, 5xx, time-outs) are retried 3 times.

        Raises:
            BragerOneError:
                The last error when every attempt failed.

        """
        targets = tuple(sorted(set(devids))) if devids is not None else self.devids
        for attempt, delay in enumerate((*_PRIME_RETRY_DELAYS, None)):
            marker = self.store.begin_snapshot()
            try:
                snapshot = await self.client.prime(targets)
            except AuthenticationError:
                raise
            except BragerOneError as err:
                transient = not isinstance(err, ApiError) or err.transient
                if delay is None or not transient:
                    self.stats.prime_failures += 1
                    raise
                LOGGER.debug("Prime attempt %d failed (%s); retrying", attempt + 1, err)
                await asyncio.sleep(delay)
                continue
            self.stats.primes += 1
            return self.store.apply_snapshot(snapshot.updates, marker)
        return []  # pragma: no cover - the loop returns or raises

    async def _safe_prime(self, devids: Iterable[str]) -> bool:
        """Prime and log failures once; return True on success."""
        try:
            await self.prime(devids)
        except BragerOneError as err:
            log_once(
                f"prime:{type(err).__name__}", logging.WARNING, "Prime failed: %s", err
            )
            return False
        return True

    def _spawn(self, coro: Coroutine[Any, Any, None], name: str) -> None:
        """Run `coro` as a background task that `stop` cancels (nothing once stopped)."""
        if self._main is None or self._stopping:
            coro.close()
            return
        task = asyncio.create_task(coro, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _schedule_settle(self) -> None:
        """Start the settling prime of this connection (step 6), unless left out."""
        if self.settle_delay is None:
            return
        if self._settle is not None:
            self._settle.cancel()
        self._settle = task = asyncio.create_task(
            self._settle_prime(self.settle_delay), name="bragerone-settle-prime"
        )
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _settle_prime(self, delay: float) -> None:
        """Prime every module once `delay` seconds after the connection's first prime."""
        await asyncio.sleep(delay)
        if await self._safe_prime(self.devids):
            self.stats.settle_primes += 1

    def _schedule_prime(self, devid: str) -> None:
        """Re-prime one module soon; requests for modules already queued are merged."""
        if devid not in self._online or self._main is None:
            return
        if devid in self._pending_primes:
            return
        self._pending_primes.add(devid)
        task = asyncio.create_task(
            self._deferred_prime(devid), name=f"bragerone-prime-{devid}"
        )
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _deferred_prime(self, devid: str) -> None:
        """Prime one module queued by `_schedule_prime`."""
        self._pending_primes.discard(devid)
        await self._safe_prime((devid,))

    # --- module connectivity -----------------------------------------------------------

    async def _poll_loop(self) -> None:
        """Refresh module online state every `poll_interval`; prime while the socket is down."""
        while True:
            await asyncio.sleep(self.poll_interval)
            await self._refresh_modules()
            if not self._session_up:
                await self._safe_prime(self.devids)

    async def refresh_listing(self) -> list[Module]:
        """Read the modules listing now; update online states and tell the listeners.

        Degraded rows leave a module's online state unchanged.

        Raises:
            AuthenticationError, BragerOneError: The read failed (nothing changed).

        """
        modules = await self.client.modules(self.object_id)
        self.listing = {module.devid: module for module in modules}
        for module in modules:
            if module.devid in self._online and module.online is not None:
                self._set_online(module.devid, online=module.online)
        degraded = any(m.degraded for m in modules) or not any(
            devid in self.listing for devid in self.devids
        )
        for listener in list(self._listing_listeners):
            _call_safely(listener, modules, degraded)
        return modules

    async def _refresh_modules(self) -> None:
        """Read the modules listing; a failure is logged once and changes nothing."""
        try:
            await self.refresh_listing()
        except BragerOneError as err:
            log_once(
                f"modules:{type(err).__name__}",
                logging.WARNING,
                "Listing failed: %s",
                err,
            )

    def _set_online(self, devid: str, *, online: bool) -> None:
        """Record a module's online state; notify and re-prime when it comes back."""
        previous = self._online.get(devid)
        self._online[devid] = online
        if previous is online:
            return
        LOGGER.debug("Module %s is %s", devid, "online" if online else "offline")
        for listener in list(self._module_listeners):
            _call_safely(listener, devid, online)
        if online and previous is False:
            self._schedule_prime(devid)

    def _set_session(self, *, up: bool) -> None:
        """Record the session state and notify listeners on change."""
        if self._session_up is up:
            return
        self._session_up = up
        if up:
            self._up_event.set()
        else:
            self._up_event.clear()
        LOGGER.debug("BragerOne realtime session %s", "up" if up else "down")
        for listener in list(self._session_listeners):
            _call_safely(listener, up)

    # --- realtime callbacks ------------------------------------------------------------

    def _on_push(self, updates: list[ParamUpdate]) -> None:
        """Apply a parameter-change frame; any frame proves the socket is alive."""
        self.stats.events += 1
        self.stats.last_event_monotonic = time.monotonic()
        self._stale = 0
        ours = [u for u in updates if u.devid in self._online]
        if ours:
            self.store.apply_push(ours)

    def _on_module_status(self, statuses: list[ModuleStatus]) -> None:
        """Apply module connection status events (only those that state ``connectedAt``)."""
        for status in statuses:
            if status.devid in self._online and status.online is not None:
                self._set_online(status.devid, online=status.online)

    def _on_memory_updated(self, devid: str) -> None:
        """Handle event ``22``: re-prime that module."""
        if devid in self._online:
            self.stats.memory_reprimes += 1
            self._schedule_prime(devid)

    def _on_task_event(self, event: str, payload: Any) -> None:
        """Log a task event and hand it to task listeners."""
        LOGGER.debug("Task event %s", event)
        for listener in list(self._task_listeners):
            _call_safely(listener, event, payload)
