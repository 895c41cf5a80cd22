"""Alarms in Home Assistant: a problem sensor, start and end events, the logbook."""

from __future__ import annotations

import asyncio
from typing import Any

from homeassistant.core import Event, HomeAssistant, callback
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.bragerone import logbook
from custom_components.bragerone.event import EVENT_ALARM
from simulator import Simulator

from .integration_fixtures import BOILER, MIXER, state_of, wait_for

PROBLEM = "binary_sensor.kociol_alarm_status"
EVENTS = "event.kociol_alarm"
COUNT = "sensor.kociol_alarms"
NO_FUEL = 38
FUEL_LEVEL = "P4.v8"


def describe(hass: HomeAssistant, data: dict[str, Any]) -> dict[str, Any]:
    """Return the logbook entry the integration describes for one alarm bus event."""
    described: dict[str, Any] = {}

    def register(domain: str, event: str, describe: Any) -> None:
        assert domain == "bragerone"
        described[event] = describe

    logbook.async_describe_events(hass, register)
    return described[EVENT_ALARM](Event(EVENT_ALARM, data))  # type: ignore[no-any-return]


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


async def test_fuel_running_out_starts_one_alarm_and_refilling_ends_it(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """No fuel: within 2 s the problem sensor is on and one named start fired; refilled: one end."""
    recorded = AlarmEvents(hass)
    assert state_of(hass, PROBLEM) == "off"  # the listing counts no alarm
    await wait_for(lambda: simulator.alarm_listeners(BOILER))
    await simulator.set(BOILER, FUEL_LEVEL, 0)  # the plant raises its no-fuel alarm
    async with asyncio.timeout(2.0):
        await wait_for(lambda: state_of(hass, PROBLEM) == "on")
        await wait_for(lambda: recorded.types() == [("alarm_started", NO_FUEL)])
    (started,) = recorded.events
    assert started["name"] == "No fuel"
    assert describe(hass, started)["message"] == f"started: No fuel (code {NO_FUEL})"
    state = hass.states.get(EVENTS)
    assert state is not None
    assert state.attributes["event_type"] == "alarm_started"
    assert (state.attributes["code"], state.attributes["name"]) == (NO_FUEL, "No fuel")
    assert state.attributes["started"]
    count = hass.states.get(COUNT)
    assert count is not None
    assert count.state == "1"
    assert count.attributes["active_alarms"] == [
        {"code": NO_FUEL, "name": "No fuel", "since": started["started"]}
    ]
    # a reconnect reads the counts and the alarms again: nothing fires again
    gateway = init_integration.runtime_data.coordinator.gateway
    connects = gateway.stats.connects
    gateway.request_reconnect()
    await wait_for(lambda: gateway.stats.connects > connects and gateway.session_up)
    await wait_for(lambda: simulator.alarm_listeners(BOILER))
    await hass.async_block_till_done()
    assert recorded.types() == [("alarm_started", NO_FUEL)]
    await simulator.set(BOILER, FUEL_LEVEL, 80)  # refilled
    await wait_for(lambda: state_of(hass, PROBLEM) == "off", 2.0)
    await wait_for(
        lambda: (
            recorded.types() == [("alarm_started", NO_FUEL), ("alarm_ended", NO_FUEL)]
        ),
        2.0,
    )
    assert recorded.events[-1]["ended"]
    assert recorded.events[-1]["started"] == started["started"]
    assert state_of(hass, COUNT) == "0"
    assert state_of(hass, "binary_sensor.obiegi_grzewcze_alarm_status") == "off"
    recorded.stop()


async def test_an_alarm_code_without_a_name_is_reported_with_its_code(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """A code the vendor's table lacks still starts an alarm, named by nothing but its code."""
    recorded = AlarmEvents(hass)
    await wait_for(lambda: simulator.alarm_listeners(BOILER))
    await simulator.raise_alarm(BOILER, 999)
    await wait_for(lambda: recorded.types() == [("alarm_started", 999)], 2.0)
    assert recorded.events[0]["name"] is None
    assert state_of(hass, PROBLEM) == "on"
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
    tracker = init_integration.runtime_data.coordinator.gateway.alarms  # the new one
    await wait_for(lambda: [a.code for a in tracker.current.get(MIXER, [])] == [7])
    await hass.async_block_till_done()  # the new event entity has seen the list
    assert state_of(hass, "binary_sensor.obiegi_grzewcze_alarm_status") == "on"
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
    entry = describe(hass, recorded.events[0])
    assert entry["message"] == f"started: No fuel (code {NO_FUEL})"
    assert entry["name"] == "Kocioł Alarm"
    assert entry["entity_id"] == EVENTS
    recorded.stop()


async def test_a_failing_alarm_read_blocks_nothing(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The alarm list cannot be read: the pushed count still says "problem", values keep flowing."""
    simulator.faults.fail("modules/alarms", 500)
    recorded = AlarmEvents(hass)
    await wait_for(lambda: simulator.alarm_listeners(BOILER))
    await simulator.raise_alarm(BOILER, NO_FUEL)
    await wait_for(lambda: state_of(hass, PROBLEM) == "on", 2.0)
    await wait_for(lambda: "Reading the alarms of" in caplog.text, 3.0)
    await simulator.set(BOILER, "P4.v1", 61.5)
    await wait_for(lambda: state_of(hass, "sensor.kociol_return_temperature") == "61.5")
    assert recorded.events == []  # no list, no occurrence to announce
    assert state_of(hass, EVENTS) == "unknown"
    assert caplog.text.count("Reading the alarms of") == 1  # logged once
    recorded.stop()
