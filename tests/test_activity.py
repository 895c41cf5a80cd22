"""The activity feed in Home Assistant: one event per change made to a controller, by anyone."""

from __future__ import annotations

import json
from typing import Any

from homeassistant.components.climate import (
    ATTR_HVAC_MODE,
    DOMAIN as CLIMATE_DOMAIN,
    SERVICE_SET_HVAC_MODE,
    HVACMode,
)
from homeassistant.components.number import (
    ATTR_VALUE,
    DOMAIN as NUMBER_DOMAIN,
    SERVICE_SET_VALUE,
)
from homeassistant.const import ATTR_ENTITY_ID, MATCH_ALL
from homeassistant.core import Event, HomeAssistant, callback
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from simulator import Simulator
from simulator.rest import OTHER_USER_NAME, USER_NAME

from .integration_fixtures import BOILER, MIXER, wait_for

ACTIVITY = "event.obiegi_grzewcze_activity"
BOILER_ACTIVITY = "event.kociol_activity"
BOILER_THERMOSTAT = "climate.kociol_boiler"
SETPOINT = "number.obiegi_grzewcze_circuit_1_setpoint"


class BusEvents:
    """Record every event on the bus (to search them for personal data)."""

    def __init__(self, hass: HomeAssistant, entity_id: str = ACTIVITY) -> None:
        self.entity_id = entity_id
        self.events: list[Event] = []

        @callback
        def record(event: Event) -> None:
            self.events.append(event)

        self.stop = hass.bus.async_listen(MATCH_ALL, record)

    def changes(self) -> list[dict[str, Any]]:
        """Return the data of the activity entity's ``parameter_changed`` events, in order.

        An event entity's state is the time it last fired: a state restored after a
        reload repeats an earlier time and is not a new event.
        """
        fired: dict[str, dict[str, Any]] = {}
        for event in self.events:
            new = event.data.get("new_state")
            if (
                event.event_type == "state_changed"
                and event.data.get("entity_id") == self.entity_id
                and new is not None
                and new.attributes.get("event_type") == "parameter_changed"
            ):
                fired.setdefault(new.state, dict(new.attributes))
        return list(fired.values())


async def _ready(simulator: Simulator, entry: MockConfigEntry) -> None:
    """Wait until the gateway listens for activity and read its baseline."""
    feed = entry.runtime_data.coordinator.gateway.activity
    feed.read_interval = 0.0
    await wait_for(lambda: simulator.activity_listeners(MIXER))
    await wait_for(lambda: MIXER in feed.latest)


async def test_a_change_from_the_vendor_app_fires_one_event_without_a_name(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    simulator: Simulator,
    init_integration: MockConfigEntry,
) -> None:
    """Another user's setpoint change: one parameter_changed, decoded, from the vendor app, nobody named."""
    bus = BusEvents(hass)
    await _ready(simulator, init_integration)
    before = simulator.get(MIXER, "P6.v0")
    await simulator.write_as_other_user(MIXER, "P6.v0", 52)
    await wait_for(bus.changes, 3.0)
    await hass.async_block_till_done()
    (change,) = bus.changes()
    assert {
        k: change[k]
        for k in change
        if k not in {"friendly_name", "event_types", "changed_at", "last_activity_id"}
    } == {
        "event_type": "parameter_changed",
        "parameter": "Circuit 1 setpoint",
        "entity_id": SETPOINT,
        "old_value": before,
        "new_value": 52,
        "unit": "°C",
        "state": "success",
        "source": "vendor_app",
    }
    assert change["changed_at"]
    diagnostics = await get_diagnostics_for_config_entry(
        hass, hass_client, init_integration
    )
    bus.stop()
    everything = json.dumps(
        {
            "states": [s.as_dict() for s in hass.states.async_all()],
            "events": [e.as_dict() for e in bus.events],
            "diagnostics": diagnostics,
        },
        default=str,
    )
    for personal in (
        OTHER_USER_NAME,
        *OTHER_USER_NAME.split(),
        USER_NAME,
    ):
        assert personal not in everything
    assert "parameters.OBIEG1_NASTAWA" in everything  # the row is in the diagnostics


async def test_our_own_change_is_told_apart_and_nothing_fires_twice(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """A setpoint set in Home Assistant is source home_assistant; a reconnect and a reload fire nothing more."""
    bus = BusEvents(hass)
    await _ready(simulator, init_integration)
    await hass.services.async_call(
        NUMBER_DOMAIN,
        SERVICE_SET_VALUE,
        {ATTR_ENTITY_ID: SETPOINT, ATTR_VALUE: 47},
        blocking=True,
    )
    await wait_for(bus.changes, 3.0)
    (change,) = bus.changes()
    assert (change["source"], change["new_value"]) == ("home_assistant", 47)
    gateway = init_integration.runtime_data.coordinator.gateway
    connects = gateway.stats.connects
    gateway.request_reconnect()
    await wait_for(lambda: gateway.stats.connects > connects and gateway.session_up)
    await wait_for(
        lambda: MIXER in gateway.activity.latest and simulator.activity_listeners(MIXER)
    )
    assert await hass.config_entries.async_reload(init_integration.entry_id)
    await hass.async_block_till_done()
    await _ready(simulator, init_integration)
    await hass.async_block_till_done()
    assert len(bus.changes()) == 1
    await simulator.write_as_other_user(MIXER, "P6.v0", 44)
    await wait_for(lambda: len(bus.changes()) == 2, 3.0)
    assert bus.changes()[-1]["source"] == "vendor_app"
    bus.stop()


async def test_stopping_the_boiler_from_its_thermostat_is_ours(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """A module command (start/stop) is matched by its register although the row names no channel."""
    bus = BusEvents(hass, BOILER_ACTIVITY)
    feed = init_integration.runtime_data.coordinator.gateway.activity
    feed.read_interval = 0.0
    await wait_for(lambda: simulator.activity_listeners(BOILER))
    await wait_for(lambda: BOILER in feed.latest)
    await hass.services.async_call(
        CLIMATE_DOMAIN,
        SERVICE_SET_HVAC_MODE,
        {ATTR_ENTITY_ID: BOILER_THERMOSTAT, ATTR_HVAC_MODE: HVACMode.OFF},
        blocking=True,
    )
    await wait_for(bus.changes, 3.0)
    (change,) = bus.changes()
    assert change["source"] == "home_assistant"
    assert change["state"] == "success"
    bus.stop()
