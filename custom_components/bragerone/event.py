"""Alarm and activity events of BragerOne modules (PROTOCOL.md §2.8a, §3.4a).

Two ``event`` entities per module:

* *Alarm* fires ``alarm_started`` when the controller reports an alarm occurrence and
  ``alarm_ended`` when it is gone, with ``code``, ``name`` (the vendor's alarm name in
  the entry's language; None for a code the vendor's table lacks, or before the
  catalogue held the names), ``started`` and ``ended``. An occurrence is its code and
  start time: a reconnect, a re-read or a restart of Home Assistant never fires it twice
  (the announced occurrences are kept in the entity's state and restored). Each event
  is also fired on the bus as ``bragerone_alarm`` for the logbook (``logbook.py``).
* *Activity* fires ``parameter_changed`` once for each new row of the module's activity
  feed (a change made to the controller, by anyone): ``parameter`` (the vendor's label),
  ``entity_id`` (its entity here, if any), ``old_value`` and ``new_value`` decoded like
  the entity's state, ``unit``, ``state`` (the vendor's outcome, ``"success"``),
  ``source`` (``"home_assistant"`` for a write this integration sent, else
  ``"vendor_app"``) and ``changed_at``. Who made a change is personal data and is never
  passed on. The highest row id handled is kept in the entity's state and restored, so
  nothing fires twice; the first read of a new entity only sets it.
"""

from __future__ import annotations

from typing import Any

from homeassistant.components.event import EventEntity, EventEntityDescription
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.util import dt as dt_util

from .api.alarms import Activity, Alarm
from .api.descriptor import EntityDescriptor, display_value
from .const import DOMAIN
from .coordinator import BragerOneConfigEntry, BragerOneCoordinator
from .entity import BragerOneAlarmsEntity, BragerOneModuleEntity

PARALLEL_UPDATES = 0

EVENT_ALARM = f"{DOMAIN}_alarm"
"""The bus event of every alarm start and end (described in the logbook)."""
ALARM_STARTED = "alarm_started"
ALARM_ENDED = "alarm_ended"
PARAMETER_CHANGED = "parameter_changed"
SOURCE_HOME_ASSISTANT = "home_assistant"
SOURCE_VENDOR_APP = "vendor_app"

ALARM_EVENT = EventEntityDescription(
    key="alarm_event",
    translation_key="alarm",
    event_types=[ALARM_STARTED, ALARM_ENDED],
)
ACTIVITY_EVENT = EventEntityDescription(
    key="activity_event",
    translation_key="activity",
    event_types=[PARAMETER_CHANGED],
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: BragerOneConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add an alarm and an activity event entity per module."""
    coordinator = entry.runtime_data.coordinator
    async_add_entities(
        entity
        for devid in coordinator.devids
        for entity in (
            BragerOneAlarmEvent(coordinator, devid),
            BragerOneActivityEvent(coordinator, devid),
        )
    )


def _stamp(alarm: Alarm) -> str | None:
    return None if alarm.started is None else alarm.started.isoformat()


class BragerOneAlarmEvent(BragerOneAlarmsEntity, EventEntity):
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
            "name": self.alarm_name(code),
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


class BragerOneActivityEvent(BragerOneModuleEntity, EventEntity):
    """Fires once for each change made to the module's controller (its activity feed)."""

    entity_description: EventEntityDescription

    module_description = ACTIVITY_EVENT

    def __init__(self, coordinator: BragerOneCoordinator, devid: str) -> None:
        """Attach the entity to its module; the last handled row is not known yet."""
        super().__init__(coordinator, devid)
        self._last_id: int | None = None
        descriptors = coordinator.catalogue.modules[devid].descriptors
        # A register may back several entities (a bit each): the whole-word one first.
        self._by_address: dict[str, EntityDescriptor] = {}
        self._by_token: dict[str, EntityDescriptor] = {}
        for descriptor in sorted(descriptors, key=lambda d: d.bit is not None):
            self._by_address.setdefault(descriptor.address, descriptor)
            self._by_token.setdefault(descriptor.token, descriptor)

    async def async_added_to_hass(self) -> None:
        """Restore the last handled row, then follow the module's activity feed."""
        await super().async_added_to_hass()
        last = await self.async_get_last_state()
        restored = last.attributes.get("last_activity_id") if last else None
        if isinstance(restored, int) and not isinstance(restored, bool):
            self._last_id = restored
        feed = self.coordinator.gateway.activity
        self.async_on_remove(feed.add_listener(self._on_activity))
        if self.module_devid in feed.latest:
            self._on_activity(self.module_devid, feed.latest[self.module_devid])

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        """Return the id of the last activity row handled (restored after a restart)."""
        return {"last_activity_id": self._last_id}

    @callback
    def _on_activity(self, devid: str, rows: list[Activity]) -> None:
        """Fire the rows newer than the last handled one, oldest first."""
        if devid != self.module_devid or (not rows and self._last_id is not None):
            return
        newest = max((row.id for row in rows), default=0)
        if self._last_id is None or newest < self._last_id:
            # A new entity: the feed so far is history. A feed whose newest row is older
            # than the last one handled was cleared: start again from it.
            self._last_id = newest
            self.async_write_ha_state()
            return
        fresh = sorted(
            (row for row in rows if row.id > self._last_id), key=lambda r: r.id
        )
        if not fresh:
            return
        for row in fresh:
            self._trigger_event(PARAMETER_CHANGED, self._describe(row))
        self._last_id = newest
        self.async_write_ha_state()

    def _descriptor_of(self, row: Activity) -> EntityDescriptor | None:
        """Return the descriptor of the changed register, else of the row's i18n token."""
        if row.address is not None and row.address in self._by_address:
            return self._by_address[row.address]
        token = (row.token or "").rsplit(".", 1)[-1]
        return self._by_token.get(token)

    def _decoded(self, descriptor: EntityDescriptor, raw: Any) -> Any:
        """Return a raw register value as the entity would show it (None: no value)."""
        if raw is None:
            return None
        registers = {
            **self.coordinator.rule_registers(descriptor.devid),
            descriptor.address: raw,
        }
        return display_value(descriptor, registers, self.coordinator.language)

    def _describe(self, row: Activity) -> dict[str, Any]:
        """Return the event data of one row (never who made the change)."""
        language = self.coordinator.language
        descriptor = self._descriptor_of(row)
        if descriptor is None:
            parameter, entity_id, unit = row.token, None, None
            old, new = row.previous, row.value
        else:
            parameter = descriptor.label_for(language)
            entity_id = er.async_get(self.hass).async_get_entity_id(
                descriptor.platform, DOMAIN, descriptor.unique_id
            )
            unit = descriptor.unit or descriptor.unit_for(language)
            old = self._decoded(descriptor, row.previous)
            new = self._decoded(descriptor, row.value)
        return {
            "parameter": parameter,
            "entity_id": entity_id,
            "old_value": old,
            "new_value": new,
            "unit": unit,
            "state": row.state,
            "source": SOURCE_HOME_ASSISTANT
            if self.coordinator.gateway.writer.made_here(row)
            else SOURCE_VENDOR_APP,
            "changed_at": row.created.isoformat() if row.created else None,
        }
