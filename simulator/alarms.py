"""The simulated controllers' alarms and activity feed (PROTOCOL.md §2.8a).

`AlarmLog` keeps alarm occurrences (raised and ended by the plant or a test) and the
activity rows of every parameter write, and renders the REST answers in the shapes the
cloud uses: the row lists bare or under ``{"data": …}`` (chosen per web-app seed), alarm
counts as numbers, text or ``null``, and activity rows with the user's name (personal
data the integration must not pass on).
"""

from __future__ import annotations

from dataclasses import dataclass, field
import itertools
import time
from typing import Any

from simulator.modules import ModuleSpec


def _iso(timestamp: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S.000000Z", time.gmtime(timestamp))


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
        pool: str,
        index: str,
        value: Any,
        previous: Any,
        unit: int | None,
        user: dict[str, Any],
    ) -> dict[str, Any]:
        """Add the activity row of a parameter write by `user` (``{"id", "name"}``)."""
        row = {
            "id": next(self._ids),
            "module": {"devid": spec.devid, "id": spec.db_id},
            "module_id": spec.db_id,
            "name": f"parameters.PARAM_{pool}_{index}",
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
