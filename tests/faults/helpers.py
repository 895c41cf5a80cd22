"""Helpers of the fault suite and the security checks: timings, comparisons, log checks.

The central check is `mismatches`: every BragerOne entity's Home Assistant state is
compared with what the simulator says. The expected value is the simulator's own ground
truth (`simulator.webapp.display_value`, the generator's independent model of the web
app) over the simulator's registers, never the integration's code; it must equal the
entity's shown value. The expected state string is Home Assistant's own conversion of
the entity's current state (`Entity._stringify_state` over the platform's `state` and
`available`), so formatting is never written twice. A state machine entry that differs
(stale), an entity left unavailable, or a watched register of the store that differs
from the simulator's (lost) is a mismatch.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
import logging
import math
from typing import Any

from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import async_get_platforms
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.bragerone.api.const import RuntimeTimings
from custom_components.bragerone.api.registers import watched_keys
from custom_components.bragerone.const import DOMAIN
from custom_components.bragerone.coordinator import BragerOneCoordinator
from custom_components.bragerone.entity import BragerOneParameterEntity
from simulator import Simulator
from simulator.webapp import display_value as truth_value
from tests.integration_fixtures import wait_for

FAST_TIMINGS = RuntimeTimings(
    request_timeout=1.0,
    connect_timeout=2.0,
    disconnect_timeout=1.0,
    backoff_initial=0.05,
    backoff_max=0.4,
    supervisor_interval=0.2,
    silence_timeout=60.0,
    poll_interval=0.5,
    settle_delay=None,
)
"""Short limits and back-off for the fault suite; silence re-primes only where asked and
no settling prime (a re-prime heals everything, so it must not hide a lost change)."""

CLOUD = "binary_sensor.dom_kowalskich_cloud_connection"
"""The entry's cloud-connection entity."""
SETPOINT = "number.obiegi_grzewcze_circuit_1_setpoint"
"""A writable number of the mixer module."""

RECOVERY_TIMEOUT = 10.0
"""Seconds within which every entity must match the simulator after a fault ends."""

OUR_LOGGER = "custom_components.bragerone"
SERVER_SIDE_LOGGERS = ("simulator", "aiohttp.server", "aiohttp.web", "aiohttp.access")
"""Loggers of the simulated cloud's side (a request it could not finish is its problem)."""


def coordinator_of(entry: MockConfigEntry) -> BragerOneCoordinator:
    """Return the coordinator of a loaded entry."""
    coordinator: BragerOneCoordinator = entry.runtime_data.coordinator
    return coordinator


def entities_of(hass: HomeAssistant, entry: MockConfigEntry) -> dict[str, Entity]:
    """Return the live entity objects of an entry by entity id."""
    return {
        entity_id: entity
        for platform in async_get_platforms(hass, DOMAIN)
        if platform.config_entry is not None
        and platform.config_entry.entry_id == entry.entry_id
        for entity_id, entity in platform.entities.items()
    }


def same_shown(ours: Any, expected: Any) -> bool:
    """Return True when a shown value equals the ground truth (floats to 1e-9)."""
    if isinstance(expected, float) or isinstance(ours, float):
        return (
            isinstance(ours, int | float)
            and isinstance(expected, int | float)
            and math.isclose(ours, expected, abs_tol=1e-9)
        )
    return bool(ours == expected)


def register_mismatches(
    hass: HomeAssistant, entry: MockConfigEntry, simulator: Simulator
) -> list[str]:
    """Return the cheap differences: session, module online states and watched registers."""
    coordinator = coordinator_of(entry)
    found: list[str] = []
    if not coordinator.session_up:
        found.append("the cloud session is down")
    found.extend(
        f"{devid}: online state differs"
        for devid in coordinator.devids
        if coordinator.module_online(devid) != simulator.plant.is_online(devid)
    )
    theirs = {devid: simulator.registers(devid) for devid in coordinator.devids}
    for entity in entities_of(hass, entry).values():
        if isinstance(entity, BragerOneParameterEntity):
            for key in watched_keys(entity.descriptor):
                ours = coordinator.store.get(key)
                if ours != theirs[key.devid].get(key.address):
                    found.append(f"{entity.entity_id}: {key.address} is {ours!r}")
    return found


def differing_registers(
    entry: MockConfigEntry, simulator: Simulator
) -> dict[str, set[str]]:
    """Return, per module, the registers whose stored value differs from the simulator's."""
    coordinator = coordinator_of(entry)
    result: dict[str, set[str]] = {}
    for devid in coordinator.devids:
        ours = coordinator.registers(devid)
        for address, value in simulator.registers(devid).items():
            if address in ours and ours[address] != value:
                result.setdefault(devid, set()).add(address)
    return result


def entities_reading(
    hass: HomeAssistant, entry: MockConfigEntry, registers: dict[str, set[str]]
) -> set[str]:
    """Return the parameter entities that watch any of the given registers."""
    return {
        entity_id
        for entity_id, entity in entities_of(hass, entry).items()
        if isinstance(entity, BragerOneParameterEntity)
        and any(
            key.address in registers.get(key.devid, ())
            for key in watched_keys(entity.descriptor)
        )
    }


def mismatches(
    hass: HomeAssistant, entry: MockConfigEntry, simulator: Simulator
) -> list[str]:
    """Return every difference between the entry's entities and the simulator (empty: all match)."""
    found = register_mismatches(hass, entry, simulator)
    coordinator = coordinator_of(entry)
    entities = entities_of(hass, entry)
    registers = {devid: simulator.registers(devid) for devid in coordinator.devids}
    enabled = [
        item.entity_id
        for item in er.async_entries_for_config_entry(
            er.async_get(hass), entry.entry_id
        )
        if item.disabled_by is None
    ]
    if not enabled:
        found.append("no entity")
    for entity_id in enabled:
        state = hass.states.get(entity_id)
        entity = entities.get(entity_id)
        if state is None or entity is None:
            found.append(f"{entity_id}: no state")
            continue
        if (
            isinstance(entity, BragerOneParameterEntity)
            and entity.descriptor.platform != "button"
        ):
            descriptor = entity.descriptor
            wanted = truth_value(
                {
                    "devid": descriptor.devid,
                    "token": descriptor.token,
                    "platform": descriptor.platform,
                },
                registers[descriptor.devid],
                coordinator.language,
            )
            if not same_shown(entity.shown_value, wanted):
                found.append(
                    f"{entity_id}: shows {entity.shown_value!r}, not {wanted!r}"
                )
        # Home Assistant's own conversion of the entity's current state to a string.
        expected = entity._stringify_state(entity.available)
        if state.state != expected:
            found.append(f"{entity_id}: state {state.state!r}, not {expected!r}")
        for name, value in (entity.capability_attributes or {}).items():
            if state.attributes.get(name) != value:
                found.append(f"{entity_id}: attribute {name} is stale")
    return found


async def wait_until_matching(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: Simulator,
    timeout: float = RECOVERY_TIMEOUT,
) -> None:
    """Wait (bounded) until every entity matches the simulator; fail listing what differs."""
    try:
        async with asyncio.timeout(timeout):
            while register_mismatches(hass, entry, simulator) or mismatches(
                hass, entry, simulator
            ):
                await asyncio.sleep(0.05)
    except TimeoutError:
        found = mismatches(hass, entry, simulator)
        msg = f"{len(found)} differences remain: {found[:12]}"
        raise AssertionError(msg) from None


async def wait_until_listening(entry: MockConfigEntry, simulator: Simulator) -> None:
    """Wait until the session is up and the simulator has our socket bound and listening.

    The listen events go over the socket and the prime over REST: a change between the
    prime and the moment the cloud handles the listen reaches neither (PROTOCOL.md §3.1
    assumes the listen is handled first). Tests that push right after a reconnect wait
    for both ends first.
    """
    coordinator = coordinator_of(entry)
    await wait_for(
        lambda: (
            coordinator.session_up
            and any(
                coordinator.gateway.bound_sid == sid
                and set(coordinator.devids) <= session.bound & session.listening
                for sid, session in simulator.sessions().items()
            )
        )
    )


def temperature_registers(entry: MockConfigEntry) -> dict[str, list[str]]:
    """Return, per module, the value registers of its temperature sensors (enabled ones)."""
    result: dict[str, list[str]] = {}
    for descriptor in entry.runtime_data.catalogue.descriptors():
        if (
            descriptor.platform == "sensor"
            and descriptor.unit == "°C"
            and descriptor.enabled_default
            and descriptor.devid in coordinator_of(entry).devids
        ):
            addresses = result.setdefault(descriptor.devid, [])
            if descriptor.address not in addresses:
                addresses.append(descriptor.address)
    return result


class Mutator:
    """Change registers of the simulated plant, a new value each round (pushed when bound)."""

    def __init__(
        self, entry: MockConfigEntry, simulator: Simulator, per_module: int = 4
    ) -> None:
        """Pick up to `per_module` temperature registers per module."""
        self.simulator = simulator
        self.addresses = {
            devid: addresses[:per_module]
            for devid, addresses in temperature_registers(entry).items()
        }
        self.rounds = 0
        assert self.addresses, "no temperature sensor to change"

    async def step(
        self, *, push: bool = True, devids: Iterable[str] | None = None
    ) -> dict[str, dict[str, float]]:
        """Change every picked register (of `devids`, default all) once; return what was set.

        With `push` False only the plant changes (as while our socket is away or the
        module offline): the integration can learn the values from a prime only.
        """
        self.rounds += 1
        changes: dict[str, dict[str, float]] = {}
        only = None if devids is None else set(devids)
        for devid, addresses in self.addresses.items():
            if only is not None and devid not in only:
                continue
            values = {
                address: round(float(self.simulator.get(devid, address) or 0) + 0.5, 1)
                for address in addresses
            }
            if push:
                await self.simulator.set_many(devid, values)
            else:
                self.simulator.plant.set_many(devid, values)
            changes[devid] = values
        return changes


class StateRecorder:
    """Record ``(entity_id, state)`` of every state change of the entry's entities."""

    def __init__(self, hass: HomeAssistant, entity_ids: Iterable[str]) -> None:
        """Start recording."""
        self.watched = set(entity_ids)
        self.seen: list[tuple[str, str]] = []

        @callback
        def record(event: Event[EventStateChangedData]) -> None:
            new = event.data["new_state"]
            if event.data["entity_id"] in self.watched and new is not None:
                self.seen.append((event.data["entity_id"], new.state))

        self._remove = hass.bus.async_listen("state_changed", record)

    def went_unavailable(self) -> set[str]:
        """Return the entity ids that were unavailable at some point."""
        return {
            entity_id for entity_id, state in self.seen if state == STATE_UNAVAILABLE
        }

    def stop(self) -> None:
        """Stop recording."""
        self._remove()


def parameter_entity_ids(hass: HomeAssistant, entry: MockConfigEntry) -> list[str]:
    """Return the entity ids of the entry's enabled parameter entities (buttons too)."""
    return [
        entity_id
        for entity_id, entity in entities_of(hass, entry).items()
        if isinstance(entity, BragerOneParameterEntity)
    ]


def assert_clean_log(
    caplog: pytest.LogCaptureFixture, *, allowed_errors: Iterable[str] = ()
) -> None:
    """Fail on any traceback in the log, and on ERROR records of ours not allowed by text."""
    allowed = tuple(allowed_errors)
    for record in caplog.records:
        if record.name.startswith(SERVER_SIDE_LOGGERS):
            continue  # the simulated cloud's own server, not Home Assistant
        message = record.getMessage()
        assert not record.exc_info, f"traceback logged: {record.name}: {message}"
        assert "Traceback" not in message, f"traceback logged: {message}"
        if record.levelno >= logging.ERROR and record.name.startswith(OUR_LOGGER):
            assert any(text in message for text in allowed), f"error logged: {message}"
