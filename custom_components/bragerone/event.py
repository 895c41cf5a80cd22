"""Alarm events of BragerOne modules (PROTOCOL.md §2.8a, §3.4a).

One ``event`` entity per module, *Alarm*, fires ``alarm_started`` when the controller
reports an alarm occurrence and ``alarm_ended`` when it is gone, with ``code``, ``name``
(the vendor's alarm name; None until the catalogue holds the alarm names), ``started`` and
``ended``. An occurrence is its code and start time: a reconnect, a re-read or a restart
of Home Assistant never fires it twice (the announced occurrences are kept in the
entity's state and restored). Each event is also fired on the bus as
``bragerone_alarm`` for the logbook (``logbook.py``).
"""

from __future__ import annotations

from typing import Any

from homeassistant.components.event import EventEntity, EventEntityDescription
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.util import dt as dt_util

from .api.alarms import Alarm
from .const import DOMAIN
from .coordinator import BragerOneConfigEntry, BragerOneCoordinator
from .entity import BragerOneModuleEntity

PARALLEL_UPDATES = 0

EVENT_ALARM = f"{DOMAIN}_alarm"
"""The bus event of every alarm start and end (described in the logbook)."""
ALARM_STARTED = "alarm_started"
ALARM_ENDED = "alarm_ended"

ALARM_EVENT = EventEntityDescription(
    key="alarm_event",
    translation_key="alarm",
    event_types=[ALARM_STARTED, ALARM_ENDED],
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: BragerOneConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add one alarm event entity per module."""
    coordinator = entry.runtime_data.coordinator
    async_add_entities(
        BragerOneAlarmEvent(coordinator, devid) for devid in coordinator.devids
    )


def _stamp(alarm: Alarm) -> str | None:
    return None if alarm.started is None else alarm.started.isoformat()


class BragerOneAlarmEvent(BragerOneModuleEntity, EventEntity):
    """Fires once per alarm occurrence of the module: its start and its end."""

    entity_description: EventEntityDescription

    module_description = ALARM_EVENT

    def __init__(self, coordinator: BragerOneCoordinator, devid: str) -> None:
        """Attach the entity to its module; nothing is announced yet."""
        super().__init__(coordinator, devid)
        self._announced: dict[tuple[int, str | None], Alarm | None] = {}

    async def async_added_to_hass(self) -> None:
        """Restore the announced occurrences, then follow the module's alarms."""
        await super().async_added_to_hass()
        last = await self.async_get_last_state()
        for row in (last.attributes.get("active_alarms") if last else None) or []:
            if isinstance(row, dict) and isinstance(row.get("code"), int):
                self._announced[(row["code"], row.get("started"))] = None
        tracker = self.coordinator.gateway.alarms
        self.async_on_remove(tracker.add_listener(self._on_alarms))
        if self.module_devid in tracker.current:
            self._on_alarms(self.module_devid, tracker.current[self.module_devid])

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        """Return the occurrences announced as started and not yet ended."""
        return {
            "active_alarms": [
                {"code": code, "started": started}
                for code, started in sorted(self._announced, key=str)
            ]
        }

    @callback
    def _on_alarms(self, devid: str, alarms: list[Alarm]) -> None:
        """Fire the starts and ends between the announced and the current occurrences."""
        if devid != self.module_devid:
            return
        current = {(a.code, _stamp(a)): a for a in alarms}
        started = [key for key in current if key not in self._announced]
        ended = [key for key in self._announced if key not in current]
        if not started and not ended:
            return
        now = dt_util.utcnow().isoformat()
        for code, since in ended:
            self._fire(ALARM_ENDED, code, since, now)
        for key in started:
            self._fire(ALARM_STARTED, key[0], key[1], None)
        self._announced = dict(current)
        self.async_write_ha_state()

    def _fire(
        self, event_type: str, code: int, started: str | None, ended: str | None
    ) -> None:
        data = {
            "code": code,
            # The vendor's alarm names (the bundle's AlarmName table) are not in the
            # catalogue yet: the code identifies the alarm.
            "name": None,
            "started": started,
            "ended": ended,
        }
        self._trigger_event(event_type, data)
        self.hass.bus.async_fire(
            EVENT_ALARM,
            {
                "entity_id": self.entity_id,
                "device_id": self.device_entry.id if self.device_entry else None,
                "type": event_type,
                **data,
            },
        )
