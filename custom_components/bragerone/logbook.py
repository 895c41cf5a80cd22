"""Logbook descriptions of BragerOne alarm events (``bragerone_alarm``, see ``event.py``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from homeassistant.components.logbook.const import (
    LOGBOOK_ENTRY_ENTITY_ID,
    LOGBOOK_ENTRY_MESSAGE,
    LOGBOOK_ENTRY_NAME,
)
from homeassistant.core import Event, HomeAssistant, callback

from .const import DOMAIN
from .event import ALARM_STARTED, EVENT_ALARM


@callback
def async_describe_events(
    hass: HomeAssistant,
    async_describe_event: Callable[[str, str, Callable[[Event], dict[str, Any]]], None],
) -> None:
    """Describe alarm starts and ends: "started alarm 38 (no fuel)"."""

    @callback
    def describe(event: Event) -> dict[str, Any]:
        data = event.data
        alarm = f"{data.get('code')}"
        if data.get("name"):
            alarm += f" ({data['name']})"
        verb = "started" if data.get("type") == ALARM_STARTED else "ended"
        return {
            LOGBOOK_ENTRY_NAME: "BragerOne",
            LOGBOOK_ENTRY_MESSAGE: f"{verb} alarm {alarm}",
            LOGBOOK_ENTRY_ENTITY_ID: data.get("entity_id"),
        }

    async_describe_event(DOMAIN, EVENT_ALARM, describe)
