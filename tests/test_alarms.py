"""Alarms in Home Assistant: a problem sensor, start and end events, the logbook."""

from __future__ import annotations

from typing import Any

from homeassistant.core import Event, HomeAssistant, callback
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.bragerone import logbook
from custom_components.bragerone.event import EVENT_ALARM
from simulator import Simulator

from .integration_fixtures import BOILER, MIXER, state_of, wait_for

PROBLEM = "binary_sensor.kociol_alarm"
EVENTS = "event.kociol_alarm"
NO_FUEL = 38


class AlarmEvents:
    """Record the ``bragerone_alarm`` bus events."""

    def __init__(self, hass: HomeAssistant) -> None:
        self.events: list[dict[str, Any]] = []

        @callback
        def record(event: Event) -> None:
            self.events.append(dict(event.data))

        self.stop = hass.bus.async_listen(EVENT_ALARM, record)

    def types(self) -> list[tuple[str, int]]:
        return [(e["type"], e["code"]) for e in self.events]


async def test_an_alarm_starts_and_ends_once(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """The problem sensor follows the alarm; one start and one end, never repeated."""
    recorded = AlarmEvents(hass)
    tracker = init_integration.runtime_data.coordinator.gateway.alarms
    tracker.read_interval = 0.0
    assert state_of(hass, PROBLEM) == "off"  # the listing counts no alarm
    await wait_for(lambda: simulator.alarm_listeners(BOILER))
    await simulator.raise_alarm(BOILER, NO_FUEL)
    await wait_for(lambda: state_of(hass, PROBLEM) == "on", 2.0)
    await wait_for(lambda: recorded.types() == [("alarm_started", NO_FUEL)], 2.0)
    state = hass.states.get(EVENTS)
    assert state is not None
    assert state.attributes["event_type"] == "alarm_started"
    assert state.attributes["code"] == NO_FUEL
    assert state.attributes["started"]
    # a reconnect reads the counts and the alarms again: nothing fires again
    gateway = init_integration.runtime_data.coordinator.gateway
    connects = gateway.stats.connects
    gateway.request_reconnect()
    await wait_for(lambda: gateway.stats.connects > connects and gateway.session_up)
    await wait_for(lambda: simulator.alarm_listeners(BOILER))
    await hass.async_block_till_done()
    assert recorded.types() == [("alarm_started", NO_FUEL)]
    await simulator.end_alarm(BOILER, NO_FUEL)
    await wait_for(lambda: state_of(hass, PROBLEM) == "off", 2.0)
    await wait_for(
        lambda: (
            recorded.types() == [("alarm_started", NO_FUEL), ("alarm_ended", NO_FUEL)]
        ),
        2.0,
    )
    assert recorded.events[-1]["ended"]
    assert state_of(hass, "binary_sensor.obiegi_grzewcze_alarm") == "off"
    recorded.stop()


async def test_a_restart_does_not_announce_an_alarm_again(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """After a reload (as after a restart) an alarm that is still active fires nothing."""
    recorded = AlarmEvents(hass)
    init_integration.runtime_data.coordinator.gateway.alarms.read_interval = 0.0
    await wait_for(lambda: simulator.alarm_listeners(MIXER))
    await simulator.raise_alarm(MIXER, 7)
    await wait_for(lambda: recorded.types() == [("alarm_started", 7)], 2.0)
    assert await hass.config_entries.async_reload(init_integration.entry_id)
    await hass.async_block_till_done()
    await wait_for(
        lambda: state_of(hass, "binary_sensor.obiegi_grzewcze_alarm") == "on"
    )
    assert recorded.types() == [("alarm_started", 7)]
    recorded.stop()


async def test_the_logbook_tells_the_alarm(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """The logbook describes a start with the alarm's code, on the event entity."""
    recorded = AlarmEvents(hass)
    init_integration.runtime_data.coordinator.gateway.alarms.read_interval = 0.0
    await wait_for(lambda: simulator.alarm_listeners(BOILER))
    await simulator.raise_alarm(BOILER, NO_FUEL)
    await wait_for(lambda: recorded.events, 2.0)
    described: dict[str, Any] = {}

    def register(domain: str, event: str, describe: Any) -> None:
        assert domain == "bragerone"
        described[event] = describe

    logbook.async_describe_events(hass, register)
    entry = described[EVENT_ALARM](Event(EVENT_ALARM, recorded.events[0]))
    assert entry["message"] == f"started alarm {NO_FUEL}"
    assert entry["entity_id"] == EVENTS
    recorded.stop()
