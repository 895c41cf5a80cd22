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
from collections.abc import Callable, Coroutine, Iterable, Mapping
import contextlib
from dataclasses import dataclass, field
from datetime import datetime
import logging
import math
import time
from typing import TYPE_CHECKING, Any, ClassVar, Final, Self

from ._logging import log_once
from .descriptor import pick_label
from .exceptions import BragerOneError, InvalidResponseError
from .models import _as_int, _as_str, parse_datetime

if TYPE_CHECKING:
    from .client import BragerOneClient

_LOGGER = logging.getLogger(__name__)

ALARM_READ_INTERVAL: Final = 1.0
"""Least seconds between two reads of one module's alarm list (a burst of pushes is one read)."""

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


ALARM_NAMES_VERSION: Final = 1
"""Version of the alarm names stored with a catalogue (`AlarmNames.version`); 0: none stored."""
ALARM_VIEWS: Final = ("currentAlarms", "historyAlarms")
"""Keys of the i18n namespace ``alarm``: the vendor's titles of its two alarm views (§2.8a)."""


@dataclass(frozen=True, kw_only=True)
class AlarmNames:
    """The vendor's alarm names, resolved at catalogue build (§2.8a) and stored with it.

    `symbols` maps a code to its ``AlarmName`` symbol (``38 → "ERROR_BRAK_PALIWA"``),
    `labels` a code to its ``errors`` texts per language (``{"pl": "Brak paliwa"}``),
    `views` a key of `ALARM_VIEWS` to its titles per language. `version` is
    `ALARM_NAMES_VERSION` at build time, 0 for a catalogue built before alarm names were
    read (its names come with the next refresh).
    """

    symbols: dict[int, str] = field(default_factory=dict)
    labels: dict[int, dict[str, str]] = field(default_factory=dict)
    views: dict[str, dict[str, str]] = field(default_factory=dict)
    version: int = 0

    @classmethod
    def build(
        cls,
        symbols: Mapping[int, str],
        translate: Callable[[str, str], str | None],
        languages: Iterable[str],
    ) -> Self:
        """Resolve each symbol's text (``errors.<SYMBOL>``) and the view titles in `languages`."""
        languages = tuple(languages)

        def texts(token: str) -> dict[str, str]:
            return {
                language: text
                for language in languages
                if (text := translate(token, language))
            }

        return cls(
            symbols=dict(symbols),
            labels={
                code: found
                for code, symbol in symbols.items()
                if (found := texts(f"errors.{symbol}"))
            },
            views={
                key: found for key in ALARM_VIEWS if (found := texts(f"alarm.{key}"))
            },
            version=ALARM_NAMES_VERSION,
        )

    def name(self, code: int, language: str | None) -> str | None:
        """Return the alarm's text in `language` (with the label fallback), else its symbol, else None."""
        labels = self.labels.get(code)
        text = pick_label(labels, language) if labels else None
        return text or self.symbols.get(code)

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON-safe record (inside the catalogue's record)."""
        return {
            "version": self.version,
            "symbols": {str(code): symbol for code, symbol in self.symbols.items()},
            "labels": {str(code): dict(texts) for code, texts in self.labels.items()},
            "views": {key: dict(texts) for key, texts in self.views.items()},
        }

    @classmethod
    def from_dict(cls, data: Any) -> Self:
        """Rebuild from `to_dict` output; anything unreadable is dropped (version 0 when absent)."""
        if not isinstance(data, Mapping):
            return cls()

        def texts(value: Any) -> dict[str, str]:
            if not isinstance(value, Mapping):
                return {}
            return {str(k): v for k, v in value.items() if isinstance(v, str)}

        def by_code(value: Any) -> dict[int, Any]:
            if not isinstance(value, Mapping):
                return {}
            return {
                code: item
                for key, item in value.items()
                if (code := _as_int(key)) is not None
            }

        version = data.get("version")
        views = data.get("views")
        if not isinstance(views, Mapping):
            views = {}
        return cls(
            symbols={
                code: symbol
                for code, symbol in by_code(data.get("symbols")).items()
                if isinstance(symbol, str)
            },
            labels={
                code: found
                for code, item in by_code(data.get("labels")).items()
                if (found := texts(item))
            },
            views={
                str(key): found for key, item in views.items() if (found := texts(item))
            },
            version=version if isinstance(version, int) else 0,
        )


@dataclass(frozen=True, kw_only=True)
class Activity:
    """One change made to a module's controller (§2.8a ``ACT``), without the person's name.

    `token` is the parameter's i18n token (``"parameters.PARAM_219"``), `address` the
    written register (``"P6.v219"`` from ``prev_value``'s pool and index; the row names
    no channel, so it is taken as the value channel ``v``; None when the row has none),
    `value` and `previous` the raw values (decode them through `unit`, §5), `state` the
    change's outcome (``"success"``), `user_id` who made it.
    """

    id: int
    devid: str
    token: str | None
    address: str | None
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
            address=_written_address(row.get("prev_value")),
            unit=_as_int(row.get("unit")),
            value=row.get("value"),
            previous=row.get("prevValue"),
            state=_as_str(row.get("state")),
            created=parse_datetime(row.get("created_at") or row.get("createdAt")),
            user_id=user_id,
        )


def _written_address(previous: Any) -> str | None:
    """Return ``"P6.v219"`` from an activity row's ``{"P6": {"219": {"v": 2, "u": 38}}}``."""
    if not isinstance(previous, dict) or len(previous) != 1:
        return None
    ((pool, entries),) = previous.items()
    if not isinstance(entries, dict) or len(entries) != 1:
        return None
    (index,) = entries
    pool, index = str(pool), str(index)
    if pool[:1] != "P" or not pool[1:].isdigit() or not index.isdigit():
        return None
    return f"{pool}.v{index}"


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


class ModuleReads[T]:
    """Re-reads of one list per module (alarms, activity), started by pushes (§3.4a).

    One read in flight per module, at most one every `read_interval` seconds (pushes in
    between are folded into the next read). `latest` holds each module's last read
    list; listeners get ``(devid, rows)`` after every read. Failed reads are logged once
    and change nothing. Subclasses say what a read fetches (`_fetch`).
    """

    what: ClassVar[str] = "rows"

    def __init__(
        self,
        client: BragerOneClient,
        devids: Iterable[str],
        spawn: Spawn,
        *,
        read_interval: float = ALARM_READ_INTERVAL,
    ) -> None:
        """Follow `devids`; background reads are started with ``spawn(coro, name)``."""
        self.client = client
        self.devids = tuple(devids)
        self.read_interval = read_interval
        self.latest: dict[str, list[T]] = {}
        self.counts: dict[str, int | None] = {}
        """devid → the last count pushed (or read) for it; None: ``null``, none reported."""
        self._spawn = spawn
        self._reading: set[str] = set()
        self._again: set[str] = set()
        self._last_read: dict[str, float] = {}
        self._read_from: dict[str, float] = {}
        """devid → when the read whose list `latest` holds was started."""
        self._listeners: list[Callable[[str, list[T]], None]] = []
        self._requests = 0
        self._idle = asyncio.Event()
        self._idle.set()

    async def _fetch(self, devid: str) -> list[T]:
        """Read the module's list over REST (raises `BragerOneError`)."""
        raise NotImplementedError

    async def _request[R](self, call: Coroutine[Any, Any, R]) -> R:
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
        """Wait (at most `timeout` s) until no REST call of this reader is in flight.

        The gateway calls it before cancelling the readers' tasks when it stops, so a
        request is not cut off mid-way (which leaves the HTTP library's timers behind).
        """
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout):
                await self._idle.wait()

    def add_listener(
        self, listener: Callable[[str, list[T]], None]
    ) -> Callable[[], None]:
        """Call ``listener(devid, rows)`` after each read; return the remover."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def schedule_read(self, devid: str) -> None:
        """Re-read the module's list soon (one read in flight per module)."""
        if devid in self._reading:
            self._again.add(devid)
            return
        self._reading.add(devid)
        self._spawn(self._read(devid), f"bragerone-{self.what}-{devid}")

    async def _read(self, devid: str) -> None:
        try:
            wait = self._last_read.get(devid, -math.inf) + self.read_interval
            if (delay := wait - time.monotonic()) > 0:
                await asyncio.sleep(delay)
            self._again.discard(devid)
            started = self._last_read[devid] = time.monotonic()
            try:
                rows = await self._request(self._fetch(devid))
            except BragerOneError as err:
                log_once(
                    f"{self.what}:{type(err).__name__}",
                    logging.INFO,
                    "Reading the %s of %s failed: %s",
                    self.what,
                    devid,
                    err,
                )
                return
            self.latest[devid] = rows
            self._read_from[devid] = started
            for listener in list(self._listeners):
                try:
                    listener(devid, rows)
                except Exception:
                    _LOGGER.exception("A BragerOne %s listener failed", self.what)
        finally:
            self._reading.discard(devid)
            if devid in self._again:
                self._again.discard(devid)
                self.schedule_read(devid)


class AlarmTracker(ModuleReads[Alarm]):
    """The current alarms and alarm counts of the gateway's modules (PROTOCOL.md §3.4a).

    Counts come from pushes (`on_counts`) and from REST reads (`prime_counts`, which the
    gateway runs after each connection's parameters prime and which never overrides a
    count pushed after the read started). A changed count, or an alarm-change push,
    re-reads that module's current alarms (`ModuleReads`); `current` is what was read.
    """

    what = "alarms"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """Track modules as `ModuleReads` does; counts have their own listeners."""
        super().__init__(*args, **kwargs)
        self._pushed_at: dict[str, float] = {}
        self._count_listeners: list[Callable[[str], None]] = []

    def add_count_listener(self, listener: Callable[[str], None]) -> Callable[[], None]:
        """Call ``listener(devid)`` when a module's count changes; return the remover."""
        self._count_listeners.append(listener)
        return lambda: self._count_listeners.remove(listener)

    def count_of(self, devid: str) -> int | None:
        """Return the module's number of alarms now (None: not known yet).

        A count pushed after the read of the held list started is newer than that list
        (a new list follows within `read_interval`); otherwise the list decides.
        """
        pushed = self._pushed_at.get(devid, -math.inf)
        if devid in self.current and self._read_from.get(devid, -math.inf) >= pushed:
            return len(self.current[devid])
        if self.counts.get(devid) is not None:
            return self.counts[devid]
        return len(self.current[devid]) if devid in self.current else None

    def _set_count(self, devid: str, count: int | None) -> None:
        self.counts[devid] = count
        for listener in list(self._count_listeners):
            try:
                listener(devid)
            except Exception:
                _LOGGER.exception("A BragerOne alarm count listener failed")

    @property
    def current(self) -> dict[str, list[Alarm]]:
        """Return devid → its current alarms as last read (absent: not read yet)."""
        return self.latest

    async def _fetch(self, devid: str) -> list[Alarm]:
        return [a for a in await self.client.alarms([devid]) if a.devid == devid]

    def on_counts(self, counts: dict[str, int | None]) -> None:
        """Take pushed counts (``app:modules:alarms:quantity:change``)."""
        now = time.monotonic()
        for devid, count in counts.items():
            if devid not in self.devids:
                continue
            self._pushed_at[devid] = now
            if self.counts.get(devid, -1) != count:
                self._set_count(devid, count)
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
                self._set_count(devid, count)
                # null reads as "none reported" (§2.8a): only a count, or a module
                # whose alarms were read before, needs a read.
                if count or known:
                    self.schedule_read(devid)


class ActivityFeed(ModuleReads[Activity]):
    """The first page of each module's activity feed, newest first (§2.8a, §3.4a).

    Read once per connection (`prime`, the baseline) and again when a pushed activity
    count (``app:modules:activity:quantity:change``) changes. Which rows are new is the
    consumer's call: activity row ids grow, so it keeps the highest id it has handled.
    """

    what = "activity"

    async def _fetch(self, devid: str) -> list[Activity]:
        return [a for a in await self.client.activities([devid]) if a.devid == devid]

    def prime(self) -> None:
        """Read every module's feed (at each connection)."""
        for devid in self.devids:
            self.schedule_read(devid)

    def on_counts(self, counts: dict[str, int | None]) -> None:
        """Take pushed activity counts: a changed count re-reads that module's feed."""
        for devid, count in counts.items():
            if devid in self.devids and self.counts.get(devid, -1) != count:
                self.counts[devid] = count
                self.schedule_read(devid)


__all__ = [
    "ALARM_NAMES_VERSION",
    "ALARM_READ_INTERVAL",
    "Activity",
    "ActivityFeed",
    "Alarm",
    "AlarmNames",
    "AlarmTracker",
    "ModuleReads",
    "activities_from_wire",
    "alarms_from_wire",
    "counts_from_wire",
    "devid_of_alarm_event",
]
