"""Alarms and the activity feed of modules (PROTOCOL.md §2.8a), read tolerantly.

Answers of ``POST /v1/modules/alarms``, ``…/alarms/history``, ``…/alarms/quantity`` and
``…/activity`` become typed records. Every list may come bare, as ``{"data": [...]}``, or
under the answer's own key (``alarms``, ``activities``, itself possibly a paginator
``{"data": [...]}``); ``"status": false`` is a failed read. A row that cannot be read
(no code, no devid) is skipped and logged once; a row without ``created_at`` is kept with
no start time. An alarm's ``id`` is its **type code** (two rows may share it); its name
comes from the bundle's ``AlarmName`` table and the ``errors`` i18n namespace, not from
these answers.

The activity feed names who made a change (``user.name``): personal data that never
leaves this module; an `Activity` keeps only the user's numeric id.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Iterable
import contextlib
from dataclasses import dataclass
from datetime import datetime
import logging
import math
import time
from typing import TYPE_CHECKING, Any, Final, Self

from ._logging import log_once
from .exceptions import BragerOneError, InvalidResponseError
from .models import _as_int, _as_str, parse_datetime

if TYPE_CHECKING:
    from .client import BragerOneClient

ALARM_READ_INTERVAL: Final = 2.0
"""Least seconds between two reads of one module's alarm list (a burst of pushes is one read)."""

type AlarmListener = Callable[[str, list["Alarm"]], None]
type Spawn = Callable[[Coroutine[Any, Any, None], str], None]


@dataclass(frozen=True, kw_only=True)
class Alarm:
    """One alarm occurrence of a module (§2.8a ``ROW``).

    `code` is the alarm type (the row's ``id``: ``38`` is "no fuel" on the reference
    boiler), `started` / `ended` aware UTC datetimes (None when absent; no `ended`
    means still active).
    """

    code: int
    devid: str
    started: datetime | None
    ended: datetime | None

    @property
    def active(self) -> bool:
        """Return True while the alarm has not ended."""
        return self.ended is None

    @property
    def key(self) -> tuple[str, int, datetime | None]:
        """Return what identifies one occurrence: (devid, code, start)."""
        return self.devid, self.code, self.started

    @classmethod
    def from_wire(cls, row: Any) -> Self | None:
        """Read one row; None (logged once) when it has no integer code or no devid."""
        if not isinstance(row, dict):
            log_once("alarm-row", logging.DEBUG, "Skipping an alarm row: %r", row)
            return None
        code = _as_int(row.get("id", row.get("code")))
        module = row.get("module")
        devid = _as_str(row.get("devid")) or (
            _as_str(module.get("devid")) if isinstance(module, dict) else None
        )
        if code is None or devid is None:
            log_once("alarm-row", logging.DEBUG, "Skipping an alarm row: %r", row)
            return None
        return cls(
            code=code,
            devid=devid,
            started=parse_datetime(row.get("created_at") or row.get("createdAt")),
            ended=parse_datetime(row.get("finished_at") or row.get("finishedAt")),
        )


@dataclass(frozen=True, kw_only=True)
class Activity:
    """One change made to a module's controller (§2.8a ``ACT``), without the person's name.

    `token` is the parameter's i18n token (``"parameters.PARAM_219"``), `value` and
    `previous` the raw values (decode them through `unit`, §5), `state` the change's
    outcome (``"success"``), `user_id` who made it (compare with one's own user id).
    """

    id: int
    devid: str
    token: str | None
    unit: int | None
    value: Any
    previous: Any
    state: str | None
    created: datetime | None
    user_id: int | None

    @classmethod
    def from_wire(cls, row: Any) -> Self | None:
        """Read one row; None (logged once) when it has no id or no devid."""
        if not isinstance(row, dict):
            log_once("activity-row", logging.DEBUG, "Skipping an activity row")
            return None
        module = row.get("module")
        devid = _as_str(row.get("devid")) or (
            _as_str(module.get("devid")) if isinstance(module, dict) else None
        )
        identifier = _as_int(row.get("id"))
        if identifier is None or devid is None:
            log_once("activity-row", logging.DEBUG, "Skipping an activity row")
            return None
        user = row.get("user")
        user_id = _as_int(row.get("user_id"))
        if user_id is None and isinstance(user, dict):
            user_id = _as_int(user.get("id"))
        return cls(
            id=identifier,
            devid=devid,
            token=_as_str(row.get("name")),
            unit=_as_int(row.get("unit")),
            value=row.get("value"),
            previous=row.get("prevValue"),
            state=_as_str(row.get("state")),
            created=parse_datetime(row.get("created_at") or row.get("createdAt")),
            user_id=user_id,
        )


def _rows(payload: Any, key: str) -> list[Any]:
    """Return the rows of an answer: bare, ``{"data": …}``, ``{key: […]}`` or ``{key: {"data": …}}``.

    Raises:
        InvalidResponseError: ``"status": false``, or no list anywhere it may be.

    """
    if isinstance(payload, dict) and payload.get("status") is False:
        msg = f"the cloud answered status false for {key}"
        raise InvalidResponseError(msg)
    inner = payload.get(key, payload) if isinstance(payload, dict) else payload
    if isinstance(inner, dict):
        inner = inner.get("data")
    if isinstance(inner, list):
        return inner
    if (
        inner is None
        and isinstance(payload, dict)
        and isinstance(payload.get("data"), list)
    ):
        return list(payload["data"])
    if payload is None:
        return []  # 204: nothing to report
    msg = f"expected a list of {key}"
    raise InvalidResponseError(msg)


def alarms_from_wire(payload: Any) -> list[Alarm]:
    """Read the current alarms or the alarm history (any of the shapes of §2.8a)."""
    return [a for row in _rows(payload, "alarms") if (a := Alarm.from_wire(row))]


def activities_from_wire(payload: Any) -> list[Activity]:
    """Read the activity feed (any of the shapes of §2.8a)."""
    return [a for row in _rows(payload, "activities") if (a := Activity.from_wire(row))]


def counts_from_wire(
    payload: Any, key: str = "alarmsQuantity"
) -> dict[str, int | None]:
    """Read ``{key: {"DEVID": n}}``: devid → count (None for ``null`` or an unreadable count).

    A count written as text (``"7"``) is read as a number. An answer without the key
    (204, another shape) gives ``{}``.
    """
    counts = payload.get(key) if isinstance(payload, dict) else None
    if not isinstance(counts, dict):
        return {}
    out: dict[str, int | None] = {}
    for devid, count in counts.items():
        value = _as_int(count)
        out[str(devid)] = value if value is None or value >= 0 else None
    return out


def devid_of_alarm_event(payload: Any) -> str | None:
    """Return the devid an ``app:module:alarms:change``/``received`` event names (§3.4a).

    Under ``devid``, ``devId``, ``module.devid``, as the only key of an object, or as a
    bare string; None when it names none (then every module's list is re-read).
    """
    if isinstance(payload, str) and payload:
        return payload
    if not isinstance(payload, dict):
        return None
    module = payload.get("module")
    for value in (
        payload.get("devid"),
        payload.get("devId"),
        module.get("devid") if isinstance(module, dict) else None,
    ):
        if isinstance(value, str) and value:
            return value
    if len(payload) == 1:
        (key,) = payload
        return key if isinstance(key, str) and key else None
    return None


class AlarmTracker:
    """The current alarms and alarm counts of the gateway's modules (PROTOCOL.md §3.4a).

    Counts come from pushes (`on_counts`) and from REST reads (`prime_counts`, which
    never overrides a count pushed after the read started; the gateway does not call
    it at connect yet, the modules listing's ``moduleAlarms`` stands in for it). A changed count, or an alarm-change push,
    re-reads that module's current alarms: one read in flight per module, at most one
    every `ALARM_READ_INTERVAL` seconds (pushes in between are folded into the next
    read). Listeners get ``(devid, alarms)`` after every read. Failed reads are logged
    once and change nothing.
    """

    def __init__(
        self,
        client: BragerOneClient,
        devids: Iterable[str],
        spawn: Spawn,
        *,
        read_interval: float = ALARM_READ_INTERVAL,
    ) -> None:
        """Track `devids`; background reads are started with ``spawn(coro, name)``."""
        self.client = client
        self.devids = tuple(devids)
        self.read_interval = read_interval
        self.counts: dict[str, int | None] = {}
        self.current: dict[str, list[Alarm]] = {}
        self._spawn = spawn
        self._pushed_at: dict[str, float] = {}
        self._reading: set[str] = set()
        self._again: set[str] = set()
        self._last_read: dict[str, float] = {}
        self._listeners: list[AlarmListener] = []
        self._requests = 0
        self._idle = asyncio.Event()
        self._idle.set()

    async def _request[T](self, call: Coroutine[Any, Any, T]) -> T:
        """Await one REST call, counted so that `wait_idle` can let it finish."""
        self._requests += 1
        self._idle.clear()
        try:
            return await call
        finally:
            self._requests -= 1
            if not self._requests:
                self._idle.set()

    async def wait_idle(self, timeout: float) -> None:  # noqa: ASYNC109 - a bounded wait
        """Wait (at most `timeout` s) until no REST call of the tracker is in flight.

        The gateway calls it before cancelling the tracker's tasks when it stops, so a
        request is not cut off mid-way (which leaves the HTTP library's timers behind).
        """
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout):
                await self._idle.wait()

    def add_listener(self, listener: AlarmListener) -> Callable[[], None]:
        """Call ``listener(devid, alarms)`` after each read; return the remover."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def on_counts(self, counts: dict[str, int | None]) -> None:
        """Take pushed counts (``app:modules:alarms:quantity:change``)."""
        now = time.monotonic()
        for devid, count in counts.items():
            if devid not in self.devids:
                continue
            self._pushed_at[devid] = now
            if self.counts.get(devid, -1) != count:
                self.counts[devid] = count
                self.schedule_read(devid)

    def on_changed(self, devid: str | None) -> None:
        """Take an alarm-change push: re-read that module, or all of them (no devid)."""
        for target in self.devids if devid is None else (devid,):
            if target in self.devids:
                self.schedule_read(target)

    async def prime_counts(self) -> None:
        """Read the counts over REST (at each connection); a later push wins over it."""
        started = time.monotonic()
        try:
            counts = await self._request(self.client.alarm_counts(self.devids))
        except BragerOneError as err:
            log_once(
                f"alarm-counts:{type(err).__name__}",
                logging.INFO,
                "Reading the alarm counts failed: %s",
                err,
            )
            return
        for devid, count in counts.items():
            if (
                devid not in self.devids
                or self._pushed_at.get(devid, -math.inf) > started
            ):
                continue
            known = devid in self.current
            if self.counts.get(devid, -1) != count or not known:
                self.counts[devid] = count
                # null reads as "none reported" (§2.8a): only a count, or a module
                # whose alarms were read before, needs a read.
                if count or known:
                    self.schedule_read(devid)

    def schedule_read(self, devid: str) -> None:
        """Re-read the module's current alarms soon (one read in flight per module)."""
        if devid in self._reading:
            self._again.add(devid)
            return
        self._reading.add(devid)
        self._spawn(self._read(devid), f"bragerone-alarms-{devid}")

    async def _read(self, devid: str) -> None:
        try:
            wait = self._last_read.get(devid, -math.inf) + self.read_interval
            if (delay := wait - time.monotonic()) > 0:
                await asyncio.sleep(delay)
            self._again.discard(devid)
            self._last_read[devid] = time.monotonic()
            try:
                alarms = await self._request(self.client.alarms([devid]))
            except BragerOneError as err:
                log_once(
                    f"alarms:{type(err).__name__}",
                    logging.INFO,
                    "Reading the alarms of %s failed: %s",
                    devid,
                    err,
                )
                return
            self.current[devid] = [a for a in alarms if a.devid == devid]
            for listener in list(self._listeners):
                try:
                    listener(devid, self.current[devid])
                except Exception:
                    logging.getLogger(__name__).exception("An alarm listener failed")
        finally:
            self._reading.discard(devid)
            if devid in self._again:
                self._again.discard(devid)
                self.schedule_read(devid)


__all__ = [
    "ALARM_READ_INTERVAL",
    "Activity",
    "Alarm",
    "AlarmTracker",
    "activities_from_wire",
    "alarms_from_wire",
    "counts_from_wire",
    "devid_of_alarm_event",
]
