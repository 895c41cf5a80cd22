"""The `Simulator`: a local BragerOne cloud on 127.0.0.1 (DESIGN.md "The simulator").

Two aiohttp servers: the API host (REST under ``/v1``, `simulator.rest`, and Socket.IO
on ``/socket.io`` namespace ``/ws``, `simulator.realtime`) and the web-app host (the
generated bundle of `simulator.webapp`, the one.brager.pl twin). The plant
(`simulator.plant`) holds the registers; `Faults` (`simulator.faults`) bends
behaviour. Tests drive it through this Python handle; ``python -m simulator`` runs it
standalone.

Every register change (`Simulator.set_many`, the plant's `Simulator.tick`, applied
writes) goes through one place that pushes it and watches the boilers' fuel level: at 0
the no-fuel alarm (`simulator.alarms.NO_FUEL_ALARM`) starts, above 0 it ends. Applied
writes leave an activity row (PROTOCOL.md §2.8a) and push the module's activity count
(§3.4a).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
import hashlib
import importlib
import itertools
import logging
import secrets
import time
from types import TracebackType
from typing import Any, Protocol, Self

from aiohttp import web

from simulator.alarms import NO_FUEL_ALARM, AlarmLog
from simulator.faults import MALFORMED_KINDS, Faults, malformed_frames
from simulator.modules import DEMO_EMAIL, DEMO_PASSWORD, MODULES, OBJECT_ID, ModuleSpec
from simulator.plant import FUEL_LEVEL, Plant, split_address
from simulator.realtime import Realtime, Session
from simulator.rest import (
    OTHER_USER_ID,
    OTHER_USER_NAME,
    RestApi,
    change_entry,
    nest,
)

_LOGGER = logging.getLogger(__name__)

CHANGE_EVENT = "app:modules:parameters:change"
STATUS_EVENT = "app:module:connection:status:changed"
ALARMS_QUANTITY_EVENT = "app:modules:alarms:quantity:change"
ALARMS_CHANGE_EVENT = "app:module:alarms:change"
ACTIVITY_QUANTITY_EVENT = "app:modules:activity:quantity:change"
TASK_CREATED = "app:module:task:created"
TASK_STATUS_CHANGED = "app:module:task:status:changed"
TASK_COMPLETED = "app:module:task:completed"
MEMORY_EVENT = 22
"""Numeric event *MODULE_MEMORY_UPDATED* (PROTOCOL.md §3.4)."""

META_ONLY_EVERY = 3
"""Every N-th tick of a module also pushes one meta-only entry (PROTOCOL.md §5.7)."""

SHUTDOWN_TIMEOUT = 2.0


class BundleLike(Protocol):
    """What the web host needs of `simulator.webapp.generate_bundle`'s result."""

    @property
    def files(self) -> dict[str, str]:
        """URL path -> body; ``"/"`` is the HTML page."""

    @property
    def index_path(self) -> str:
        """URL path of ``index-<hash>.js``."""

    @property
    def ground_truth(self) -> dict[str, Any]:
        """What a correct parser should extract (for tests)."""


@dataclass(frozen=True)
class PlaceholderBundle:
    """A minimal bundle served until `simulator.webapp` exists."""

    files: dict[str, str]
    index_path: str
    ground_truth: dict[str, Any]


def placeholder_bundle() -> PlaceholderBundle:
    """Return an HTML page referencing one tiny index script."""
    index = "/assets/index-PLACEHLD.js"
    html = (
        '<!doctype html><html lang="pl"><head><meta charset="UTF-8">'
        "<title>BragerOne</title>"
        f'<script type="module" crossorigin src="{index}"></script>'
        '</head><body><div id="app"></div></body></html>'
    )
    return PlaceholderBundle(
        files={"/": html, index: "export default {};\n"},
        index_path=index,
        ground_truth={},
    )


_BUNDLES: dict[tuple[int, bool], BundleLike] = {}


def load_bundle(*, seed: int, readable: bool) -> BundleLike:
    """Return ``simulator.webapp.generate_bundle(seed=, readable=)``, or a placeholder.

    The generator is imported lazily; while it is missing (module or function), a
    minimal placeholder bundle is served and a warning logged. Generated bundles are
    cached per (seed, readable) for the life of the process.
    """
    cached = _BUNDLES.get((seed, readable))
    if cached is not None:
        return cached
    try:
        webapp = importlib.import_module("simulator.webapp")
        generate: Callable[..., BundleLike] = webapp.generate_bundle
    except (ImportError, AttributeError):
        _LOGGER.warning(
            "simulator.webapp.generate_bundle is not available; serving a placeholder bundle"
        )
        return placeholder_bundle()
    bundle = generate(seed=seed, readable=readable)
    _BUNDLES[seed, readable] = bundle
    return bundle


@dataclass
class Stats:
    """Counters of what clients did; they survive `Simulator.restart`.

    Ints: ``logins``, ``failed_logins``, ``primes``, ``binds`` (SID bound),
    ``ignored_binds`` (200 but nothing bound: stale/unknown SID, foreign group or the
    `ignore_binds` fault), ``writes`` (accepted ``module/command``), ``raw_commands``,
    ``connects``, ``refused_connects``, ``disconnects``, ``listens``, ``ticks``.
    Counters: ``requests`` (per path below ``/v1``), ``asset_requests`` (per web path),
    ``events`` (per event name, one per receiving socket). ``commands``: accepted
    command bodies in order.
    """

    logins: int = 0
    failed_logins: int = 0
    primes: int = 0
    binds: int = 0
    ignored_binds: int = 0
    writes: int = 0
    raw_commands: int = 0
    connects: int = 0
    refused_connects: int = 0
    disconnects: int = 0
    listens: int = 0
    ticks: int = 0
    requests: Counter[str] = field(default_factory=Counter)
    asset_requests: Counter[str] = field(default_factory=Counter)
    events: Counter[str] = field(default_factory=Counter)
    commands: list[dict[str, Any]] = field(default_factory=list)

    def count(self, name: str, amount: int = 1) -> None:
        """Add `amount` to counter `name` (``"event:<name>"`` counts an event)."""
        if name.startswith("event:"):
            self.events[name.removeprefix("event:")] += amount
        else:
            setattr(self, name, getattr(self, name) + amount)


@dataclass
class _Token:
    """An issued access token."""

    user: str
    expires_at: float
    revoked: bool = False


class Simulator:
    """A local BragerOne cloud (REST + Socket.IO + web-app host) on one event loop.

    Use ``async with Simulator(...) as sim`` or `start`/`stop`. Ports 0 pick free ports;
    `restart` reuses the ports picked first. `tick_interval` None freezes the plant
    (tests call `tick`); otherwise a ticker steps it every `tick_interval` seconds.
    Writes (``module/command*``) are applied and pushed `write_delay` seconds after
    they are accepted. Tokens live `token_lifetime` seconds.
    """

    def __init__(
        self,
        *,
        seed: int = 0,
        host: str = "127.0.0.1",
        api_port: int = 0,
        web_port: int = 0,
        readable: bool = False,
        write_delay: float = 0.2,
        token_lifetime: float = 3600.0,
        tick_interval: float | None = None,
        modules: Iterable[ModuleSpec] = MODULES,
    ) -> None:
        """Prepare the plant and knobs; nothing listens until `start`."""
        self.seed = seed
        self.host = host
        self.readable = readable
        self.write_delay = write_delay
        self.token_lifetime = token_lifetime
        self.tick_interval = tick_interval
        self.modules: tuple[ModuleSpec, ...] = tuple(modules)
        self.email = DEMO_EMAIL
        self.password = DEMO_PASSWORD
        self.object_id = OBJECT_ID
        self.extra_objects: list[dict[str, Any]] = []
        """More object rows the ``objects`` listing returns (installations without modules)."""
        self.created = time.time() - 86_400 * 400
        """When the account and modules were created (epoch seconds)."""
        built = datetime(2025, 1, 31, 6, 30, tzinfo=UTC) + timedelta(hours=seed)
        self.api_version = f"1.0.{built:%y%m%d%H%M}"
        """The date-coded ``system/version`` string (PROTOCOL.md §2.2)."""
        self.plant = Plant(seed=seed, modules=self.modules)
        self.alarm_log = AlarmLog(seed=seed)
        """Alarm occurrences and activity rows (PROTOCOL.md §2.8a)."""
        self.faults = Faults()
        self.stats = Stats()
        self._api_port = api_port
        self._web_port = web_port
        self._bundle: BundleLike | None = None
        self._tokens: dict[str, _Token] = {}
        self._realtime: Realtime | None = None
        self._api_runner: web.AppRunner | None = None
        self._web_runner: web.AppRunner | None = None
        self._ticker: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._task_ids = itertools.count(5001)
        self._tick_counts: Counter[str] = Counter()
        self._out_of_fuel: set[str] = set()
        self._start_faults_applied = False

    # -- lifecycle -------------------------------------------------------------------

    async def __aenter__(self) -> Self:
        """Start and return the simulator."""
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Stop the simulator."""
        await self.stop()

    @property
    def running(self) -> bool:
        """Return whether the servers are listening."""
        return self._api_runner is not None

    async def start(self) -> None:
        """Listen on the API and web ports (0 = pick a free port, then keep it)."""
        if self.running:
            return
        bundle = self.bundle  # generate before listening: clients may fetch at once
        del bundle
        self._realtime = Realtime(
            authenticate=self.authenticate,
            devids=self.devids,
            faults=self.faults,
            count=self.stats.count,
        )
        rest = RestApi(self)
        api_app = web.Application(middlewares=[rest.middleware])
        api_app.add_routes(rest.routes())
        self._realtime.attach(api_app)
        self._api_runner, self._api_port = await self._serve(api_app, self._api_port)
        web_app = web.Application()
        web_app.router.add_get("/{path:.*}", self._serve_asset)
        self._web_runner, self._web_port = await self._serve(web_app, self._web_port)
        if not self._start_faults_applied:
            self._start_faults_applied = True
            await self._apply_start_faults()
        if self.tick_interval is not None and self.tick_interval > 0:
            self._ticker = asyncio.create_task(self._tick_forever(self.tick_interval))
        _LOGGER.debug("simulator up: %s, %s", self.api_url, self.web_url)

    async def _apply_start_faults(self) -> None:
        """Apply the start-time knobs once: boilers' fuel level, then the alarms to raise."""
        fuel = self.faults.start_fuel
        if fuel is not None:
            for spec in self.modules:
                if spec.kind == "boiler" and self.plant.has(spec.devid, FUEL_LEVEL):
                    await self.set(spec.devid, FUEL_LEVEL, fuel)
        for code, devid in self.faults.start_alarms:
            target = devid or (self.devids[0] if self.devids else None)
            if target not in self.devids:
                _LOGGER.warning("fault alarm=%s@%s: no such module", code, devid)
                continue
            await self.raise_alarm(target, code)

    async def _serve(
        self, app: web.Application, port: int
    ) -> tuple[web.AppRunner, int]:
        """Run `app` on ``host:port``; return the runner and the port it got."""
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=SHUTDOWN_TIMEOUT)
        await runner.setup()
        site = web.TCPSite(runner, self.host, port, reuse_address=True)
        try:
            await site.start()
        except OSError:
            await runner.cleanup()
            raise
        address = runner.addresses[0]
        return runner, int(address[1])

    async def stop(self) -> None:
        """Stop serving: cancel the ticker and pending writes, drop sockets, close ports.

        Also cancels python-engineio's per-connection ping tasks, which it leaves
        running (ENVIRONMENT.md §5), so Home Assistant's lingering-task check passes.
        """
        if self._ticker is not None:
            self._ticker.cancel()
            await asyncio.gather(self._ticker, return_exceptions=True)
            self._ticker = None
        tasks = [t for t in self._tasks if not t.done()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._tasks.clear()
        if self._realtime is not None:
            await self._realtime.shutdown()
        for runner in (self._api_runner, self._web_runner):
            if runner is not None:
                await runner.cleanup()
        if self._realtime is not None:
            await self._realtime.cancel_tasks()
        self._realtime = None
        self._api_runner = None
        self._web_runner = None

    async def restart(self) -> None:
        """Stop and start on the same ports: SIDs, bindings and tokens are gone, registers kept."""
        await self.stop()
        self._tokens.clear()
        await self.start()

    async def _tick_forever(self, interval: float) -> None:
        """Step the plant every `interval` seconds until cancelled by `stop`."""
        while True:
            await asyncio.sleep(interval)
            try:
                await self.tick()
            except Exception:  # the ticker must outlive a bad step
                _LOGGER.exception("plant step failed")

    # -- addresses and identity -------------------------------------------------------

    @property
    def api_url(self) -> str:
        """Return ``http://host:port`` of the API (REST ``/v1``, Socket.IO ``/socket.io``)."""
        self._require_running()
        return f"http://{self.host}:{self._api_port}"

    @property
    def web_url(self) -> str:
        """Return ``http://host:port`` of the web-app host (the one.brager.pl twin)."""
        self._require_running()
        return f"http://{self.host}:{self._web_port}"

    def _require_running(self) -> None:
        """Raise RuntimeError unless the simulator has been started."""
        if not self.running:
            msg = "simulator is not running; call start() first"
            raise RuntimeError(msg)

    @property
    def devids(self) -> list[str]:
        """Return the devids in `simulator.modules.MODULES` order."""
        return [spec.devid for spec in self.modules]

    @property
    def bundle(self) -> BundleLike:
        """Return the web-app bundle served on `web_url` (generated on first use)."""
        if self._bundle is None:
            self._bundle = load_bundle(seed=self.seed, readable=self.readable)
        return self._bundle

    # -- registers -------------------------------------------------------------------

    def registers(self, devid: str) -> dict[str, Any]:
        """Return the current values of `devid` as ``{"P4.v1": 58.5, ...}``."""
        return self.plant.registers(devid)

    def get(self, devid: str, address: str) -> Any:
        """Return the current value of register `address` (``"P4.v1"``) of `devid`."""
        return self.plant.get(devid, address)

    async def set(self, devid: str, address: str, value: Any) -> None:
        """Set one register and push a change event to bound, listening sockets."""
        await self.set_many(devid, {address: value})

    async def set_many(self, devid: str, values: dict[str, Any]) -> None:
        """Set several registers of `devid` and push them as one change event."""
        changes = self.plant.set_many(devid, values)
        await self._changed(devid, changes)

    async def write_as_other_user(self, devid: str, address: str, value: Any) -> None:
        """Apply a write made by another account in the vendor app (not by the integration).

        The write leaves an activity row of the second user (``OTHER_USER_ID``,
        ``OTHER_USER_NAME`` of `simulator.rest`), sets the register and pushes the
        change and the module's activity count, as an applied ``module/command`` does.
        Raises KeyError for an unknown devid, ValueError for a malformed address and
        RuntimeError while the module is offline (the cloud could not reach it).
        """
        split_address(address)
        if not self.plant.is_online(devid):
            msg = f"module {devid} is offline"
            raise RuntimeError(msg)
        user = {"id": OTHER_USER_ID, "name": OTHER_USER_NAME}
        await self._apply_write(devid, {address: value}, user=user)

    async def _apply_write(
        self,
        devid: str,
        values: dict[str, Any],
        *,
        user: dict[str, Any],
        command: str | None = None,
    ) -> None:
        """Record the activity rows of a write by `user`, apply it, push it and the count.

        Each row keeps the register's value before the write (`prevValue`); they are
        recorded in the same step as the registers change, so whoever sees the new value
        finds the row too.
        """
        spec = self.plant.module(devid).spec
        registers = self.plant.registers(devid)
        for address, value in values.items():
            pool, key = split_address(address)
            unit = registers.get(f"{pool}.u{key[1:]}")
            self.alarm_log.record_write(
                spec,
                address=address,
                value=value,
                previous=registers.get(address),
                unit=unit if isinstance(unit, int) else None,
                user=user,
                command=command,
            )
        await self.set_many(devid, values)
        await self._push_activity(devid)

    async def _changed(
        self,
        devid: str,
        changes: dict[str, Any],
        *,
        meta_only: dict[str, dict[str, Any]] | None = None,
    ) -> None:
        """Handle registers of `devid` that just changed: push them, watch the fuel level.

        Every register change of the simulator passes here (`set_many` and so every
        applied write, and `tick`).
        """
        await self.push_changes(devid, changes, meta_only=meta_only)
        if FUEL_LEVEL in changes:
            await self._watch_fuel(devid)

    async def _watch_fuel(self, devid: str) -> None:
        """Start the no-fuel alarm of a boiler whose fuel level is 0; end it once refilled.

        Only an alarm started here (or active when the fuel ran out) is ended by a refill;
        one raised by hand while fuel is left stays.
        """
        if self.plant.module(devid).spec.kind != "boiler":
            return
        level = self.plant.get(devid, FUEL_LEVEL)
        if not isinstance(level, int | float) or isinstance(level, bool):
            return
        if level <= 0:
            self._out_of_fuel.add(devid)
            active = self.alarm_log.active([devid])
            if not any(row["id"] == NO_FUEL_ALARM for row in active):
                await self.raise_alarm(devid, NO_FUEL_ALARM)
        elif devid in self._out_of_fuel:
            self._out_of_fuel.discard(devid)
            await self.end_alarm(devid, NO_FUEL_ALARM)

    async def tick(self) -> None:
        """Run one plant step and push one change event per changed module."""
        self.stats.ticks += 1
        for devid, changes in self.plant.step().items():
            self._tick_counts[devid] += 1
            meta: dict[str, Any] = {}
            if self._tick_counts[devid] % META_ONLY_EVERY == 0:
                address = next(
                    (
                        a
                        for a in self.plant.registers(devid)
                        if a.startswith("P4.v") and a not in changes
                    ),
                    None,
                )
                if address is not None:
                    meta[address] = {"updatedAt": self.plant.now(), "storable": 1}
            await self._changed(devid, changes, meta_only=meta)

    async def push_changes(
        self,
        devid: str,
        changes: dict[str, Any],
        *,
        meta_only: dict[str, dict[str, Any]] | None = None,
    ) -> int:
        """Emit ``app:modules:parameters:change`` for `changes`; return how many sockets got it."""
        if self._realtime is None or not (changes or meta_only):
            return 0
        entries = {
            address: change_entry(self, devid, address, value)
            for address, value in changes.items()
        }
        entries.update(meta_only or {})
        payload = {devid: nest(entries)}
        return await self._realtime.emit(
            CHANGE_EVENT, payload, self._realtime.change_sids(devid)
        )

    def alarm_listeners(self, devid: str) -> int:
        """Return how many sockets get the alarm pushes of `devid` (bound and listening)."""
        return 0 if self._realtime is None else len(self._realtime.alarm_sids(devid))

    async def raise_alarm(self, devid: str, code: int) -> None:
        """Start alarm `code` on `devid` and push it (count change and alarm change, §3.4a)."""
        self.alarm_log.raise_alarm(devid, code)
        await self._push_alarms(devid)

    async def end_alarm(self, devid: str, code: int) -> None:
        """End alarm `code` on `devid` and push it."""
        if self.alarm_log.end_alarm(devid, code):
            await self._push_alarms(devid)

    async def _push_alarms(self, devid: str) -> None:
        """Emit the new count and the alarm-change event to the sockets listening for them."""
        if self._realtime is None:
            return
        sids = self._realtime.alarm_sids(devid)
        count = len(self.alarm_log.active([devid]))
        await self._realtime.emit(
            ALARMS_QUANTITY_EVENT, {"alarmsQuantity": {devid: count}}, sids
        )
        await self._realtime.emit(ALARMS_CHANGE_EVENT, {"devid": devid}, sids)

    def activity_listeners(self, devid: str) -> int:
        """Return how many sockets get the activity pushes of `devid` (bound and listening)."""
        return 0 if self._realtime is None else len(self._realtime.activity_sids(devid))

    async def _push_activity(self, devid: str) -> None:
        """Emit the module's activity row count to the sockets listening for it (§3.4a)."""
        if self._realtime is None:
            return
        count = self.alarm_log.activity_count(devid)
        await self._realtime.emit(
            ACTIVITY_QUANTITY_EVENT,
            {"activityQuantity": {devid: count}},
            self._realtime.activity_sids(devid),
        )

    def rename_module(self, devid: str, name: str) -> None:
        """Give module `devid` a new user name, as the vendor app does (the listing shows it)."""
        self.modules = tuple(
            replace(spec, name=name) if spec.devid == devid else spec
            for spec in self.modules
        )

    async def set_module_online(self, devid: str, online: bool) -> None:  # noqa: FBT001
        """Take a module offline (``connectedAt`` 0, writes 408) or back online.

        Emits ``app:module:connection:status:changed`` to sockets bound to `devid`;
        coming back online is announced first gateway-only, then with ``connectedAt``.
        """
        if not self.plant.set_online(devid, online=online):
            return
        gateway = self._gateway(devid)
        if self._realtime is None:
            return
        sids = self._realtime.bound_sids(devid)
        if online:
            await self._realtime.emit(STATUS_EVENT, {devid: {"gateway": gateway}}, sids)
        status = {"connectedAt": self.plant.connected_at(devid), "gateway": gateway}
        await self._realtime.emit(STATUS_EVENT, {devid: status}, sids)

    def _gateway(self, devid: str) -> dict[str, Any]:
        """Return the gateway object of a module (as in the modules listing)."""
        index = self.devids.index(devid)
        return {
            "address": f"10.20.{index}.{17 + index}",
            "interface": "eth0" if index % 2 else None,
            "version": self.modules[index].gateway_version,
        }

    # -- accounts and tokens -------------------------------------------------------------

    def change_password(self, new: str) -> None:
        """Change the account password; the old one is refused from now on."""
        self.password = new

    def revoke_tokens(self) -> None:
        """Invalidate every issued token (REST answers 401, handshakes are refused)."""
        for token in self._tokens.values():
            token.revoked = True

    def issue_token(self, user: str) -> tuple[str, str, float]:
        """Issue an access token; return (access, refresh, expiry epoch seconds)."""
        token = secrets.token_urlsafe(32)
        expires = time.time() + self.token_lifetime
        self._tokens[token] = _Token(user=user, expires_at=expires)
        return token, secrets.token_urlsafe(32), expires

    def revoke_token(self, token: str) -> None:
        """Invalidate one token."""
        if token in self._tokens:
            self._tokens[token].revoked = True

    def authenticate(self, token: str | None) -> str | None:
        """Return the user of a valid (issued, unrevoked, unexpired) token, else None."""
        if token is None:
            return None
        info = self._tokens.get(token)
        if info is None or info.revoked or time.time() >= info.expires_at:
            return None
        return info.user

    # -- sockets ---------------------------------------------------------------------

    def bind(self, sid: str, devids: Iterable[str], *, user: str) -> bool:
        """Bind a current namespace SID to devids (see `Realtime.bind`)."""
        if self._realtime is None:
            return False
        return self._realtime.bind(sid, devids, user=user)

    def sessions(self) -> dict[str, Session]:
        """Return the connected ``/ws`` sessions by namespace SID (copies)."""
        if self._realtime is None:
            return {}
        return {
            sid: Session(
                sid=s.sid,
                eio_sid=s.eio_sid,
                user=s.user,
                token=s.token,
                bound=set(s.bound),
                listening=set(s.listening),
                activity=set(s.activity),
                alarms=set(s.alarms),
            )
            for sid, s in self._realtime.sessions.items()
        }

    async def drop_sockets(self) -> None:
        """Disconnect every Socket.IO client (server side)."""
        if self._realtime is not None:
            await self._realtime.drop_all()

    async def emit_raw(self, event: str | int, payload: Any) -> int:
        """Send any event to every connected ``/ws`` socket; return how many got it."""
        if self._realtime is None:
            return 0
        return await self._realtime.emit(event, payload, list(self._realtime.sessions))

    async def send_malformed(self, kind: str) -> None:
        """Send the malformed frames of `kind` (`MALFORMED_KINDS`) to every socket."""
        if kind not in MALFORMED_KINDS:
            msg = f"unknown malformed kind {kind!r}; one of {MALFORMED_KINDS}"
            raise ValueError(msg)
        for event, payload in malformed_frames(
            kind, self.devids[0], now=self.plant.now()
        ):
            await self.emit_raw(event, payload)

    async def emit_memory_changed(self, devid: str) -> int:
        """Send numeric event ``22`` ``{"devid": devid}`` to sockets bound to `devid`."""
        if self._realtime is None:
            return 0
        return await self._realtime.emit(
            MEMORY_EVENT, {"devid": devid}, self._realtime.bound_sids(devid)
        )

    # -- write tasks ---------------------------------------------------------------------

    def schedule_task(
        self,
        devid: str,
        effect: Callable[[], dict[str, Any]],
        info: dict[str, Any],
        *,
        user: dict[str, Any] | None = None,
        command: str | None = None,
    ) -> int:
        """Run a command task: announce it, apply `effect` after `write_delay`, push it.

        A module with an entry in ``faults.echo_delays`` takes that long instead. With
        `user` (``{"id", "name"}``), the applied registers leave activity rows of that
        user (named after the raw `command` when given) and the module's activity count
        is pushed; a failed task leaves none.

        Task events (``app:module:task:created`` / ``:status:changed`` /
        ``:completed``) go to sockets bound to `devid` and carry ``{"id", "devid",
        "status", ...info}``; the status goes CREATED -> IN_PROGRESS -> SUCCESS, or
        FAILED when the module went offline meanwhile. Returns the task id.
        """
        task_id = next(self._task_ids)
        task = asyncio.create_task(
            self._run_task(task_id, devid, effect, info, user=user, command=command)
        )
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task_id

    async def _run_task(
        self,
        task_id: int,
        devid: str,
        effect: Callable[[], dict[str, Any]],
        info: dict[str, Any],
        *,
        user: dict[str, Any] | None = None,
        command: str | None = None,
    ) -> None:
        """Run one command task (see `schedule_task`)."""
        base = {"id": task_id, "devid": devid, **info}
        await self._emit_task(
            TASK_CREATED,
            devid,
            {**base, "status": "CREATED", "createdAt": self.plant.now()},
        )
        await asyncio.sleep(self.faults.echo_delays.get(devid, self.write_delay))
        if not self.plant.is_online(devid):
            await self._emit_task(
                TASK_STATUS_CHANGED, devid, {**base, "status": "FAILED"}
            )
            await self._emit_task(TASK_COMPLETED, devid, {**base, "status": "FAILED"})
            return
        await self._emit_task(
            TASK_STATUS_CHANGED, devid, {**base, "status": "IN_PROGRESS"}
        )
        values = effect()
        if values and user is not None:
            await self._apply_write(devid, values, user=user, command=command)
        elif values:
            await self.set_many(devid, values)
        await self._emit_task(TASK_STATUS_CHANGED, devid, {**base, "status": "SUCCESS"})
        await self._emit_task(
            TASK_COMPLETED,
            devid,
            {**base, "status": "SUCCESS", "completedAt": self.plant.now()},
        )

    async def _emit_task(self, event: str, devid: str, payload: dict[str, Any]) -> None:
        """Emit a task event to the sockets bound to `devid`."""
        if self._realtime is not None:
            await self._realtime.emit(event, payload, self._realtime.bound_sids(devid))

    # -- web host ----------------------------------------------------------------------

    async def _serve_asset(self, request: web.Request) -> web.Response:
        """Serve a bundle file with ETag/304, counting requests and applying `faults.bundle`."""
        path = request.path
        self.stats.asset_requests[path] += 1
        body = self._asset_body(path)
        if body is None:
            return web.Response(status=404, text="Not Found")
        etag = '"' + hashlib.sha256(body.encode()).hexdigest()[:20] + '"'
        headers = {"ETag": etag, "Cache-Control": "no-cache"}
        if etag in _etags(request.headers.get("If-None-Match", "")):
            return web.Response(status=304, headers=headers)
        return web.Response(
            text=body,
            content_type=_content_type(path),
            charset="utf-8",
            headers=headers,
        )

    def _asset_body(self, path: str) -> str | None:
        """Return the body served for `path` under the bundle fault, or None (404)."""
        files = self.bundle.files
        if path not in files:
            return None
        body = files[path]
        fault = self.faults.bundle
        if fault is None:
            return body
        if path == "/" or path.endswith(".html"):
            if fault == "empty":
                return (
                    '<!doctype html><html lang="pl"><head><meta charset="UTF-8">'
                    '<title>BragerOne</title></head><body><div id="app"></div></body></html>'
                )
            return body
        if fault == "empty":
            return ""
        return body[: len(body) // 2] + "\x00}{)(;,'\"`*/ ?"


def _etags(header: str) -> set[str]:
    """Return the entity tags of an ``If-None-Match`` header."""
    return {
        part.strip().removeprefix("W/") for part in header.split(",") if part.strip()
    }


def _content_type(path: str) -> str:
    """Return the content type of a web-host path."""
    if path.endswith((".js", ".mjs")):
        return "application/javascript"
    if path.endswith(".css"):
        return "text/css"
    if path.endswith(".json"):
        return "application/json"
    if path == "/" or path.endswith((".html", "/")):
        return "text/html"
    return "text/plain"
