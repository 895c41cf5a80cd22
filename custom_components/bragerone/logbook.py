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
    """Describe alarm starts and ends as the vendor names them: "<entity> started: No fuel (code 38)"."""

    @callback
    def describe(event: Event) -> dict[str, Any]:
        data = event.data
        entity_id = data.get("entity_id")
        state = hass.states.get(entity_id) if isinstance(entity_id, str) else None
        alarm = f"code {data.get('code')}"
        if data.get("name"):
            alarm = f"{data['name']} ({alarm})"
        verb = "started" if data.get("type") == ALARM_STARTED else "ended"
        return {
            LOGBOOK_ENTRY_NAME: state.name if state is not None else "BragerOne alarm",
            LOGBOOK_ENTRY_MESSAGE: f"{verb}: {alarm}",
            LOGBOOK_ENTRY_ENTITY_ID: entity_id,
        }

    async_describe_event(DOMAIN, EVENT_ALARM, describe)
