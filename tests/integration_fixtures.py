"""Helpers for the runtime tests: a stored catalogue, a config entry and waiting for states.

The catalogue is built once per simulator seed with the real `build_catalogue` over the
simulator's web app (as the config flow does) and reused, so each test's runtime starts
from `entry.data["catalogue"]` without fetching assets itself.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
import copy
from typing import Any

from homeassistant.const import CONF_EMAIL, CONF_PASSWORD
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.helpers import device_registry as dr
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.bragerone import compat
from custom_components.bragerone.api import BragerOneClient, Server
from custom_components.bragerone.api.catalogue import build_catalogue
from custom_components.bragerone.const import (
    CONF_API_URL,
    CONF_CATALOGUE,
    CONF_LANGUAGE,
    CONF_MODULES,
    CONF_OBJECT_ID,
    CONF_SERVER,
    CONF_WEB_URL,
    DOMAIN,
    SERVER_CUSTOM,
)
from simulator import Simulator
from simulator.modules import OBJECT_NAME

BOILER = "FTTCTBSLCE"
MIXER = "MXHTQ7KD2A"

_CATALOGUES: dict[int, dict[str, Any]] = {}


def find_device(hass: HomeAssistant, identifier: str) -> dr.DeviceEntry | None:
    """Return the integration's device with this identifier, whichever entry owns it."""
    registry = dr.async_get(hass)
    for entry in hass.config_entries.async_entries(DOMAIN):
        device = compat.get_device(registry, (DOMAIN, identifier), entry.entry_id)
        if device is not None:
            return device
    return None


async def catalogue_data(simulator: Simulator) -> dict[str, Any]:
    """Return the stored catalogue of both simulated modules (built once per seed)."""
    cached = _CATALOGUES.get(simulator.seed)
    if cached is None:
        server = Server.custom(simulator.api_url, simulator.web_url)
        async with BragerOneClient(
            simulator.email, simulator.password, server=server
        ) as client:
            catalogue = await build_catalogue(
                client, object_id=simulator.object_id, devids=simulator.devids
            )
        cached = _CATALOGUES[simulator.seed] = catalogue.to_dict()
    return copy.deepcopy(cached)


def entry_data(
    simulator: Simulator,
    catalogue: dict[str, Any],
    modules: Iterable[str] | None = None,
) -> dict[str, Any]:
    """Return the data of a config entry for the simulator (Contract B)."""
    return {
        CONF_SERVER: SERVER_CUSTOM,
        CONF_API_URL: simulator.api_url,
        CONF_WEB_URL: simulator.web_url,
        CONF_EMAIL: simulator.email,
        CONF_PASSWORD: simulator.password,
        CONF_OBJECT_ID: simulator.object_id,
        CONF_MODULES: list(modules if modules is not None else simulator.devids),
        CONF_LANGUAGE: "en",
        CONF_CATALOGUE: catalogue,
    }


def make_entry(
    simulator: Simulator,
    catalogue: dict[str, Any],
    modules: Iterable[str] | None = None,
    **kwargs: Any,
) -> MockConfigEntry:
    """Return a MockConfigEntry like the config flow creates (version 1.1)."""
    options: dict[str, Any] = {
        "version": 1,
        "minor_version": 1,
        "title": OBJECT_NAME,
        "unique_id": f"{SERVER_CUSTOM}_{simulator.object_id}",
    }
    options.update(kwargs)
    return MockConfigEntry(
        domain=DOMAIN, data=entry_data(simulator, catalogue, modules), **options
    )


async def wait_for(
    condition: Callable[[], bool], timeout: float = 10.0, interval: float = 0.02
) -> None:
    """Wait until `condition()` holds (bounded); fail with AssertionError on time-out."""
    try:
        async with asyncio.timeout(timeout):
            while not condition():
                await asyncio.sleep(interval)
    except TimeoutError:
        msg = "condition not met in time"
        raise AssertionError(msg) from None


async def settled(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Wait for the reads that follow the first prime (alarm counts, activity baselines).

    The activity entities write their state once when their module's baseline is read;
    tests that count state changes start after that.
    """
    gateway = entry.runtime_data.coordinator.gateway
    await wait_for(lambda: set(gateway.activity.latest) == set(gateway.devids))
    await gateway.alarms.wait_idle(5.0)
    await hass.async_block_till_done()


def state_of(hass: HomeAssistant, entity_id: str) -> str | None:
    """Return the state string of an entity, or None when it has no state."""
    state = hass.states.get(entity_id)
    return None if state is None else state.state


class StateChanges:
    """Record the ``state_changed`` events (entity ids, and with their states) while active."""

    def __init__(self, hass: HomeAssistant) -> None:
        """Start listening."""
        self.entity_ids: list[str] = []
        self.states: list[tuple[str, str | None]] = []

        @callback
        def record(event: Event[EventStateChangedData]) -> None:
            self.entity_ids.append(event.data["entity_id"])
            new = event.data["new_state"]
            self.states.append((event.data["entity_id"], new and new.state))

        self._remove = hass.bus.async_listen("state_changed", record)

    def stop(self) -> list[str]:
        """Stop listening and return what was recorded."""
        self._remove()
        return self.entity_ids
