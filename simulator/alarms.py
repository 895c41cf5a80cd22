"""The simulated controllers' alarms and activity feed (PROTOCOL.md §2.8a).

`AlarmLog` keeps alarm occurrences (raised and ended by the plant or a test) and the
activity rows of every parameter write, and renders the REST answers in the shapes the
cloud uses: the row lists bare or under ``{"data": …}`` (chosen per web-app seed), alarm
counts as numbers, text or ``null``, and activity rows with the user's name (personal
data the integration must not pass on).

An activity row is named by the i18n label token the vendor's parameter map gives the
written register (`parameter_name_token`), as the web app's *Activity* view shows it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
import itertools
import time
from typing import Any

from simulator.modules import ModuleSpec
from simulator.webapp.catalogue import Command, catalogue

NO_FUEL_ALARM = 38
"""Alarm code *ERROR_BRAK_PALIWA* ("no fuel", PROTOCOL.md §2.8a)."""


def _iso(timestamp: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S.000000Z", time.gmtime(timestamp))


@cache
def _label_tokens(kind: str) -> tuple[dict[str, str], dict[str, str]]:
    """Return the label tokens of a module kind's catalogue by register and by raw command.

    A register (``"P6.v0"``) maps to the parameter whose value selectors read it (first
    selectors first, so ``P4.v59`` and its high word ``P4.v60`` both name
    ``PARAM_P4_59``); a raw command (``"BOILER_FUEL_RESET_HT"``) maps to the parameter
    whose command rules send it. A kind without a catalogue maps nothing.
    """
    try:
        params = list(catalogue(kind).params.values())
    except KeyError:
        return {}, {}
    by_register: dict[str, str] = {}
    by_command: dict[str, str] = {}
    for position in (0, 1):
        for param in params:
            label = param.name_token or f"parameters.{param.token}"
            selectors = param.value[:1] if position == 0 else param.value[1:]
            for selector in selectors:
                by_register.setdefault(selector.key, label)
            if position == 0 and param.commands is not None:
                for rule in param.commands[1]:
                    if isinstance(rule.then, Command):
                        by_command.setdefault(rule.then.name, label)
    return by_register, by_command


def parameter_name_token(kind: str, address: str, command: str | None = None) -> str:
    """Return the i18n name token of an activity row writing `address` of a `kind` module.

    The token is the label token of the vendor's parameter map (``name_token`` when the
    map has one, else ``parameters.<TOKEN>``): of the map whose command rules send the
    raw `command` when one is given (``BOILER_FUEL_RESET_HT`` → ``parameters.PARAM_66``),
    else of the map whose value register is `address` (``P6.v0`` →
    ``parameters.PARAM_0``, ``P5.s0`` → ``app.one.parameters.URUCHOMIENIE_KOTLA``). An
    address no map reads falls back to the builders' spelling: ``parameters.PARAM_<n>``
    on pool P6, ``parameters.PARAM_<pool>_<n>`` on the others.
    """
    by_register, by_command = _label_tokens(kind)
    if command is not None and command in by_command:
        return by_command[command]
    if address in by_register:
        return by_register[address]
    pool, _, key = address.partition(".")
    index = key[1:]
    if pool == "P6":
        return f"parameters.PARAM_{index}"
    return f"parameters.PARAM_{pool}_{index}"


@dataclass
class AlarmLog:
    """Alarm rows and activity rows of one simulated account."""

    seed: int = 0
    alarms: list[dict[str, Any]] = field(default_factory=list)
    activities: list[dict[str, Any]] = field(default_factory=list)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(610_000))

    def raise_alarm(
        self, devid: str, code: int, at: float | None = None
    ) -> dict[str, Any]:
        """Start an occurrence of alarm `code` on `devid` (no-op when it is active) and return it."""
        for row in self.alarms:
            if (
                row["devid"] == devid
                and row["id"] == code
                and row["finished_at"] is None
            ):
                return row
        row = {
            "id": code,
            "devid": devid,
            "created_at": _iso(time.time() if at is None else at),
            "finished_at": None,
        }
        self.alarms.append(row)
        return row

    def end_alarm(self, devid: str, code: int, at: float | None = None) -> bool:
        """End the active occurrence of `code` on `devid`; return whether one was active."""
        for row in self.alarms:
            if (
                row["devid"] == devid
                and row["id"] == code
                and row["finished_at"] is None
            ):
                row["finished_at"] = _iso(time.time() if at is None else at)
                return True
        return False

    def active(self, devids: list[str]) -> list[dict[str, Any]]:
        """Return the active rows of `devids`."""
        return [
            r for r in self.alarms if r["devid"] in devids and r["finished_at"] is None
        ]

    def ended(self, devids: list[str]) -> list[dict[str, Any]]:
        """Return the ended rows of `devids`, newest first."""
        rows = [r for r in self.alarms if r["devid"] in devids and r["finished_at"]]
        return sorted(rows, key=lambda r: str(r["finished_at"]), reverse=True)

    def record_write(
        self,
        spec: ModuleSpec,
        *,
        address: str,
        value: Any,
        previous: Any,
        unit: int | None,
        user: dict[str, Any],
        command: str | None = None,
    ) -> dict[str, Any]:
        """Add the activity row of a write of register `address` by `user` and return it.

        `user` is ``{"id", "name"}``; `value` and `previous` are the raw register values
        after and before; `command` names the raw command that made the write, if any
        (it picks the row's name token, see `parameter_name_token`).
        """
        pool, _, key = address.partition(".")
        index = key[1:]
        row = {
            "id": next(self._ids),
            "module": {"devid": spec.devid, "id": spec.db_id},
            "module_id": spec.db_id,
            "name": parameter_name_token(spec.kind, address, command),
            "unit": unit,
            "value": value,
            "prevValue": previous,
            "prev_value": {pool: {index: {"v": previous, "u": unit}}},
            "state": "success",
            "created_at": time.strftime(
                "%Y-%m-%dT%H:%M:%S.000+00:00", time.gmtime(time.time())
            ),
            "user": dict(user),
            "user_id": user["id"],
        }
        if self.seed % 2 == 0:
            row["devid"] = spec.devid  # sometimes only under "module" (§2.8a)
        self.activities.append(row)
        return row

    def activity_count(self, devid: str) -> int:
        """Return how many activity rows module `devid` has."""
        return sum(1 for row in self.activities if row["module"]["devid"] == devid)

    # -- the REST answers ----------------------------------------------------------------

    def _listing(self, key: str, rows: list[dict[str, Any]], *, paginated: bool) -> Any:
        """Return `rows` in one of the shapes of §2.8a (per seed)."""
        if (self.seed // 4) % 2:
            return rows  # bare
        return {"status": True, key: {"data": rows} if paginated else rows}

    def current_answer(self, devids: list[str]) -> Any:
        """``POST modules/alarms``: ``{"status": true, "alarms": [ROW, …]}`` (or bare)."""
        return self._listing("alarms", self.active(devids), paginated=False)

    def history_answer(self, devids: list[str]) -> Any:
        """``POST modules/alarms/history``: ``{"status": true, "alarms": {"data": […]}}``."""
        return self._listing("alarms", self.ended(devids), paginated=True)

    def quantity_answer(self, devids: list[str]) -> dict[str, Any]:
        """``POST modules/alarms/quantity``: counts as numbers, text (odd seeds) or null."""
        counts: dict[str, Any] = {}
        for devid in devids:
            count = len(self.active([devid]))
            if self.seed % 2:
                counts[devid] = str(count)
            else:
                counts[devid] = count or None
        return {"alarmsQuantity": counts}

    def activity_answer(self, devids: list[str], limit: int) -> Any:
        """``POST modules/activity``: newest first, at most `limit` rows."""
        rows = [r for r in reversed(self.activities) if r["module"]["devid"] in devids][
            :limit
        ]
        return self._listing("activities", rows, paginated=True)
