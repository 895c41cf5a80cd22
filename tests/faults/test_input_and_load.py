"""The fault suite, part two: slow answers, bad input, module changes, load, options, shutdown.

Same shape as `test_outages.py`: set up, check every entity against the simulator,
apply the fault, change registers while it lasts, lift it, and check that every entity
matches again within `RECOVERY_TIMEOUT`, with a clean log.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
import copy
import dataclasses
import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from homeassistant.components.number import (
    ATTR_VALUE,
    DOMAIN as NUMBER_DOMAIN,
    SERVICE_SET_VALUE,
)
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import ATTR_ENTITY_ID, STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import HomeAssistantError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.bragerone import coordinator as coordinator_module
from custom_components.bragerone.const import CONF_CATALOGUE
from custom_components.bragerone.entity import BragerOneParameterEntity
from custom_components.bragerone.flow_helpers import STEP_REASONS
from simulator import Simulator
from simulator.faults import MALFORMED_KINDS
from tests.integration_fixtures import BOILER, MIXER, state_of, wait_for

from .helpers import (
    CLOUD,
    FAST_TIMINGS,
    SETPOINT,
    Mutator,
    StateRecorder,
    assert_clean_log,
    coordinator_of,
    differing_registers,
    entities_of,
    entities_reading,
    parameter_entity_ids,
    wait_until_listening,
    wait_until_matching,
)

SLOW = 1.5
"""Seconds the simulator takes to answer in the slow test (the client allows 1 s)."""
FLOOD_CHANGES = 3000
FLOOD_SECONDS = 1.5
SHUTDOWN_LIMIT = 10.0
STRINGS = Path(__file__).parents[2] / "custom_components" / "bragerone" / "strings.json"


def _module_entities(
    hass: HomeAssistant, entry: MockConfigEntry, devid: str
) -> set[str]:
    return {
        entity_id
        for entity_id, entity in entities_of(hass, entry).items()
        if isinstance(entity, BragerOneParameterEntity) and entity.devid == devid
    }


async def test_answers_slower_than_the_client_allows(
    hass: HomeAssistant,
    simulator: Simulator,
    entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Every REST answer too slow: reconnects fail and writes error out; then it heals."""
    mutator = Mutator(entry, simulator)
    before = state_of(hass, SETPOINT)
    written = simulator.get(MIXER, "P6.v0")
    simulator.faults.latency = SLOW
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            NUMBER_DOMAIN,
            SERVICE_SET_VALUE,
            {ATTR_ENTITY_ID: SETPOINT, ATTR_VALUE: float(written) + 1},
            blocking=True,
        )
    assert err.value.translation_key == "write_failed"
    assert str(err.value).startswith("The change could not be sent")
    assert state_of(hass, SETPOINT) == before  # rolled back

    recorder = StateRecorder(hass, parameter_entity_ids(hass, entry))
    await simulator.drop_sockets()
    await mutator.step(push=False)
    await wait_for(lambda: coordinator_of(entry).gateway.stats.connect_failures >= 1)
    assert state_of(hass, CLOUD) == "off"
    simulator.faults.latency = 0.0
    await wait_until_matching(hass, entry, simulator)
    recorder.stop()
    assert recorder.went_unavailable() == recorder.watched
    assert_clean_log(caplog)


@pytest.mark.parametrize("kind", MALFORMED_KINDS)
async def test_malformed_frames(
    hass: HomeAssistant,
    simulator: Simulator,
    entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
    kind: str,
) -> None:
    """Malformed frames are skipped: nothing corrupted, no traceback, socket kept.

    Text or NaN for a numeric register (``non_numeric``) is stored as sent (registers may
    hold text), but its entities show no value (unknown: the module is reachable) until
    the next real one.
    """
    gateway = coordinator_of(entry).gateway
    recorder = StateRecorder(hass, parameter_entity_ids(hass, entry))
    mutator = Mutator(entry, simulator)
    primes, connects = gateway.stats.primes, gateway.stats.connects
    await mutator.step()
    await simulator.send_malformed(kind)
    changed = await mutator.step()  # frames arrive in order: this one comes last
    await wait_for(
        lambda: all(
            simulator.get(devid, address)
            == coordinator_of(entry).registers(devid).get(address)
            for devid, values in changed.items()
            for address in values
        )
    )
    # Only well-formed text values for known registers may remain: such an entity
    # shows nothing (unknown), never a wrong value nor a traceback.
    garbled = differing_registers(entry, simulator)
    if kind == "non_numeric":
        assert entities_reading(hass, entry, garbled)
    else:
        assert not garbled
    for entity_id in entities_reading(hass, entry, garbled):
        assert state_of(hass, entity_id) == STATE_UNKNOWN
    for devid, addresses in garbled.items():  # the next real change repairs them
        await simulator.push_changes(
            devid, {a: simulator.get(devid, a) for a in addresses}
        )
    await wait_until_matching(hass, entry, simulator, timeout=5)
    # Matching was not bought by a re-prime or a new socket.
    assert (gateway.stats.primes, gateway.stats.connects) == (primes, connects)
    assert "NOSUCHDEV1" not in coordinator_of(entry).store.flatten()
    recorder.stop()
    assert not recorder.went_unavailable()
    assert_clean_log(caplog)


async def test_degraded_module_rows(
    hass: HomeAssistant,
    simulator: Simulator,
    entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A listing without connectedAt and gateway keeps module states and values."""
    coordinator = coordinator_of(entry)
    mutator = Mutator(entry, simulator)
    simulator.faults.degraded_modules = True
    await coordinator.async_refresh()
    assert coordinator.last_update_success
    await simulator.drop_sockets()
    await mutator.step(push=False)
    await wait_until_matching(hass, entry, simulator)
    assert coordinator.gateway.modules_online == {BOILER: True, MIXER: True}
    await wait_until_listening(entry, simulator)
    await mutator.step()
    await wait_until_matching(hass, entry, simulator)
    simulator.faults.degraded_modules = False
    await coordinator.async_refresh()
    await wait_until_matching(hass, entry, simulator)
    assert_clean_log(caplog)


async def test_module_offline_and_back(
    hass: HomeAssistant,
    simulator: Simulator,
    entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Only the offline module's entities are unavailable; its changes come back with it."""
    mixer = _module_entities(hass, entry, MIXER)
    recorder = StateRecorder(hass, parameter_entity_ids(hass, entry))
    mutator = Mutator(entry, simulator)
    await simulator.set_module_online(MIXER, False)  # noqa: FBT003
    await wait_for(lambda: {state_of(hass, e) for e in mixer} == {STATE_UNAVAILABLE})
    await mutator.step(push=False, devids=[MIXER])
    await simulator.set(BOILER, "P4.v1", 61.5)
    await wait_for(lambda: state_of(hass, "sensor.kociol_return_temperature") == "61.5")
    await simulator.set_module_online(MIXER, True)  # noqa: FBT003
    await wait_until_matching(hass, entry, simulator)
    recorder.stop()
    assert recorder.went_unavailable() == mixer
    assert caplog.text.count(f"Module {MIXER} is offline") == 1
    assert_clean_log(caplog)


def _flood_registers(
    entry: MockConfigEntry, simulator: Simulator
) -> dict[str, list[str]]:
    """Return the value registers of plain numeric sensors (no options, no rules), per module."""
    result: dict[str, list[str]] = {}
    for descriptor in entry.runtime_data.catalogue.descriptors():
        value = simulator.registers(descriptor.devid).get(descriptor.address)
        if (
            descriptor.platform == "sensor"
            and not descriptor.options
            and not descriptor.rules
            and descriptor.address.startswith("P4.v")
            and isinstance(value, int | float)
            and not isinstance(value, bool)
        ):
            addresses = result.setdefault(descriptor.devid, [])
            if descriptor.address not in addresses:
                addresses.append(descriptor.address)
    return result


async def test_flood_of_changes(
    hass: HomeAssistant,
    simulator: Simulator,
    entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """3000 register changes within about 1.5 s: afterwards every state equals the registers."""
    registers = _flood_registers(entry, simulator)
    per_round = sum(len(a) for a in registers.values())
    assert per_round >= 5
    rounds = -(-FLOOD_CHANGES // per_round)
    pause = FLOOD_SECONDS / rounds
    gateway = coordinator_of(entry).gateway
    events, connects = gateway.stats.events, gateway.stats.connects
    sent = 0
    for number in range(rounds):
        for devid, addresses in registers.items():
            values: dict[str, Any] = {}
            for address in addresses:
                old = simulator.get(devid, address)
                values[address] = (
                    round(old + 0.5, 1) if isinstance(old, float) else old + 1
                )
            await simulator.set_many(devid, values)
            sent += len(values)
        if number % 4 == 3:
            await asyncio.sleep(pause * 4)
    assert sent >= FLOOD_CHANGES
    await wait_until_matching(hass, entry, simulator)
    assert gateway.stats.events > events
    assert gateway.stats.connects == connects
    assert_clean_log(caplog)


@pytest.mark.parametrize("bundle", ["broken", "empty"])
async def test_broken_web_app_during_an_options_refresh(
    hass: HomeAssistant,
    simulator: Simulator,
    entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
    bundle: str,
) -> None:
    """The refresh aborts naming the failed step; stored descriptors and entities stay."""
    stored = copy.deepcopy(entry.data[CONF_CATALOGUE])
    coordinator = coordinator_of(entry)
    mutator = Mutator(entry, simulator)
    simulator.faults.bundle = "broken" if bundle == "broken" else "empty"
    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": "refresh"}
    )
    assert result["type"] is FlowResultType.SHOW_PROGRESS
    await mutator.step()
    await hass.async_block_till_done()
    result = await hass.config_entries.options.async_configure(result["flow_id"])
    assert result["type"] is FlowResultType.ABORT
    error = result["description_placeholders"]["error"]
    step = error.split(":", 1)[0]
    assert result["reason"] == STEP_REASONS[step]
    assert error.removeprefix(step + ":").strip()
    strings = json.loads(STRINGS.read_text(encoding="utf-8"))
    assert "{error}" in strings["options"]["abort"][result["reason"]]
    assert entry.data[CONF_CATALOGUE] == stored
    assert entry.state is ConfigEntryState.LOADED
    assert coordinator_of(entry) is coordinator  # not reloaded
    simulator.faults.bundle = None
    await wait_until_matching(hass, entry, simulator)
    assert_clean_log(caplog)


class _Blackhole:
    """A TCP server that accepts connections and never answers (a hung cloud)."""

    def __init__(self) -> None:
        self.accepted = 0
        self._writers: list[asyncio.StreamWriter] = []
        self._server: asyncio.Server | None = None

    async def start(self, host: str, port: int) -> None:
        async def swallow(
            reader: asyncio.StreamReader, writer: asyncio.StreamWriter
        ) -> None:
            self.accepted += 1
            self._writers.append(writer)
            await reader.read()  # until the client gives up

        self._server = await asyncio.start_server(
            swallow, host, port, reuse_address=True
        )

    async def stop(self) -> None:
        for writer in self._writers:
            writer.close()
        if self._server is not None:
            self._server.close()
            self._server.close_clients()
            await self._server.wait_closed()


@pytest.fixture
async def blackhole() -> AsyncIterator[_Blackhole]:
    """Yield a black-hole server (started by the test), closed at the end."""
    hole = _Blackhole()
    yield hole
    await hole.stop()


async def _stop_home_assistant(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    await hass.async_stop()


async def _unload_entry(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    assert await hass.config_entries.async_unload(entry.entry_id)


@pytest.mark.parametrize(
    "shutdown", [_stop_home_assistant, _unload_entry], ids=["stop", "unload"]
)
async def test_shutdown_during_a_hanging_reconnect(
    hass: HomeAssistant,
    simulator: Simulator,
    runtime_entry: MockConfigEntry,
    *,
    monkeypatch: pytest.MonkeyPatch,
    blackhole: _Blackhole,
    caplog: pytest.LogCaptureFixture,
    shutdown: Callable[[HomeAssistant, MockConfigEntry], Any],
) -> None:
    """The cloud hangs mid-reconnect (long time limits): stopping is prompt all the same."""
    slow = dataclasses.replace(FAST_TIMINGS, request_timeout=60.0, connect_timeout=60.0)
    monkeypatch.setattr(coordinator_module, "TIMINGS", slow)
    assert await hass.config_entries.async_setup(runtime_entry.entry_id)
    await hass.async_block_till_done()
    coordinator = coordinator_of(runtime_entry)
    await wait_for(lambda: coordinator.session_up)
    address = urlsplit(simulator.api_url)
    await simulator.stop()
    await blackhole.start(str(address.hostname), int(address.port or 0))
    await wait_for(lambda: blackhole.accepted >= 1)  # a reconnect now hangs
    assert not coordinator.session_up
    async with asyncio.timeout(SHUTDOWN_LIMIT):
        await shutdown(hass, runtime_entry)
    assert not coordinator.gateway.running
    names = {t.get_name() for t in asyncio.all_tasks() if not t.done()}
    assert not {n for n in names if n.startswith("bragerone")}
    assert_clean_log(caplog)
