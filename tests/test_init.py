"""Setup, unload, devices, setup errors and migration of the BragerOne runtime."""

from __future__ import annotations

import asyncio
from typing import Any

from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.const import EVENT_HOMEASSISTANT_STOP
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from syrupy.assertion import SnapshotAssertion

from custom_components.bragerone import (
    async_migrate_entry,
    async_remove_config_entry_device,
    integration,
)
from custom_components.bragerone.const import CONF_CATALOGUE, CONF_LANGUAGE, DOMAIN
from custom_components.bragerone.coordinator import BragerOneCoordinator
from simulator import Simulator
from simulator.modules import MODULES, OBJECT_NAME

from .integration_fixtures import (
    BOILER,
    MIXER,
    catalogue_data,
    entry_data,
    find_device,
    make_entry,
    state_of,
    wait_for,
)


def _table(hass: HomeAssistant, entry: MockConfigEntry) -> list[dict[str, Any]]:
    """Return what a user sees of every entity of the entry, sorted by entity id."""
    devices = dr.async_get(hass)
    rows = []
    for item in er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id):
        device = devices.async_get(item.device_id or "")
        rows.append(
            {
                "entity_id": item.entity_id,
                "unique_id": item.unique_id,
                "name": item.original_name or item.translation_key,
                "unit": item.unit_of_measurement,
                "device_class": item.original_device_class,
                "state_class": (item.capabilities or {}).get("state_class"),
                "category": item.entity_category,
                "enabled": item.disabled_by is None,
                "device": device.name if device else None,
            }
        )
    return sorted(rows, key=lambda row: row["entity_id"])


async def test_setup_creates_devices_and_entities(
    hass: HomeAssistant,
    simulator: Simulator,
    runtime_entry: MockConfigEntry,
    release_snapshot: SnapshotAssertion,
) -> None:
    """Both modules get a device under the installation; entities match the snapshot."""
    assets_before = sum(simulator.stats.asset_requests.values())
    assert await hass.config_entries.async_setup(runtime_entry.entry_id)
    await hass.async_block_till_done()
    assert runtime_entry.state is ConfigEntryState.LOADED
    # Runtime builds entities from the stored catalogue only.
    assert sum(simulator.stats.asset_requests.values()) == assets_before

    registry = dr.async_get(hass)
    devices = {
        next(iter(d.identifiers))[1]: d
        for d in dr.async_entries_for_config_entry(registry, runtime_entry.entry_id)
    }
    installation = devices[f"custom_{simulator.object_id}"]
    assert installation.name == OBJECT_NAME
    assert installation.manufacturer == "Brager"
    for spec in MODULES:
        device = devices[spec.devid]
        assert (device.name, device.model, device.sw_version) == (
            spec.name,
            spec.title,
            spec.version,
        )
        assert device.manufacturer == "Brager"
        assert device.via_device_id == installation.id
    assert len(devices) == 3

    table = _table(hass, runtime_entry)
    assert table == release_snapshot
    by_id = {row["entity_id"]: row for row in table}
    assert state_of(hass, "sensor.kociol_return_temperature") == "58.5"
    assert by_id["sensor.kociol_return_temperature"]["unit"] == "°C"
    assert by_id["sensor.kociol_alarms"]["category"] == "diagnostic"
    assert by_id["binary_sensor.kociol_module_connection"]["device_class"] == (
        "connectivity"
    )
    assert by_id["binary_sensor.dom_kowalskich_cloud_connection"]["device"] == (
        OBJECT_NAME
    )
    assert by_id["sensor.kociol_controller_firmware"]["category"] == "diagnostic"
    assert state_of(hass, "binary_sensor.dom_kowalskich_cloud_connection") == "on"
    assert state_of(hass, "sensor.obiegi_grzewcze_circuit_1_valve_1_state") == "Stopped"


def _reauth_flows(hass: HomeAssistant, entry: MockConfigEntry) -> list[Any]:
    return list(entry.async_get_active_flows(hass, {SOURCE_REAUTH}))


async def test_unload_leaves_no_task_socket_or_listener(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """Unloading stops the gateway, closes the socket and removes every listener."""
    coordinator: BragerOneCoordinator = init_integration.runtime_data.coordinator
    stop_listeners = hass.bus.async_listeners().get(EVENT_HOMEASSISTANT_STOP, 0)
    assert simulator.sessions()
    assert await hass.config_entries.async_unload(init_integration.entry_id)
    await hass.async_block_till_done()
    assert init_integration.state is ConfigEntryState.NOT_LOADED
    assert not coordinator.gateway.running
    assert not coordinator.session_up
    await wait_for(lambda: not simulator.sessions())
    assert hass.bus.async_listeners().get(EVENT_HOMEASSISTANT_STOP, 0) == (
        stop_listeners - 1
    )
    names = {t.get_name() for t in asyncio.all_tasks() if not t.done()}
    assert not {n for n in names if n.startswith("bragerone")}
    assert state_of(hass, "sensor.kociol_return_temperature") == "unavailable"


async def test_home_assistant_stop_stops_the_gateway(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """The stop event closes the realtime session."""
    coordinator: BragerOneCoordinator = init_integration.runtime_data.coordinator
    hass.bus.async_fire(EVENT_HOMEASSISTANT_STOP)
    await hass.async_block_till_done()
    await wait_for(lambda: not coordinator.gateway.running)
    await wait_for(lambda: not simulator.sessions())


async def test_refused_login_starts_reauth(
    hass: HomeAssistant, simulator: Simulator, runtime_entry: MockConfigEntry
) -> None:
    """A changed password at setup ends in SETUP_ERROR and a reauth flow."""
    simulator.change_password("changed-elsewhere")
    assert not await hass.config_entries.async_setup(runtime_entry.entry_id)
    await hass.async_block_till_done()
    assert runtime_entry.state is ConfigEntryState.SETUP_ERROR
    assert _reauth_flows(hass, runtime_entry)


async def test_unreachable_cloud_retries_later(
    hass: HomeAssistant, simulator: Simulator, runtime_entry: MockConfigEntry
) -> None:
    """A cloud that does not answer is ConfigEntryNotReady."""
    await simulator.stop()
    assert not await hass.config_entries.async_setup(runtime_entry.entry_id)
    assert runtime_entry.state is ConfigEntryState.SETUP_RETRY
    assert not _reauth_flows(hass, runtime_entry)


async def test_listing_failure_retries_later(
    hass: HomeAssistant, simulator: Simulator, runtime_entry: MockConfigEntry
) -> None:
    """A failing modules listing at setup is ConfigEntryNotReady too."""
    simulator.faults.fail("modules", 500)
    assert not await hass.config_entries.async_setup(runtime_entry.entry_id)
    assert runtime_entry.state is ConfigEntryState.SETUP_RETRY


async def test_unusable_catalogue_is_a_setup_error(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """A stored catalogue of another schema version cannot be used."""
    catalogue = await catalogue_data(simulator)
    catalogue["schema_version"] = 999
    entry = make_entry(simulator, catalogue)
    entry.add_to_hass(hass)
    logins = simulator.stats.logins
    assert not await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.SETUP_ERROR
    assert simulator.stats.logins == logins  # refused before touching the cloud


async def test_module_removed_from_entry_loses_its_device(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """After the options drop a module, a reload removes its device and entities."""
    entry = init_integration
    assert find_device(hass, MIXER) is not None
    hass.config_entries.async_update_entry(
        entry, data=entry_data(simulator, entry.data[CONF_CATALOGUE], [BOILER])
    )
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert find_device(hass, MIXER) is None
    assert find_device(hass, BOILER) is not None
    assert hass.states.get("sensor.obiegi_grzewcze_circuit_1_temperature") is None
    assert state_of(hass, "sensor.kociol_return_temperature") == "58.5"


async def test_module_missing_from_the_listing_at_setup_keeps_its_device(
    hass: HomeAssistant, simulator: Simulator, runtime_entry: MockConfigEntry
) -> None:
    """A listing that leaves a configured module out at setup deletes nothing."""
    simulator.faults.hidden_modules.add(MIXER)
    assert await hass.config_entries.async_setup(runtime_entry.entry_id)
    await hass.async_block_till_done()
    assert find_device(hass, MIXER) is not None
    assert hass.states.get("sensor.obiegi_grzewcze_circuit_1_temperature") is not None
    assert state_of(hass, "sensor.kociol_return_temperature") == "58.5"


async def test_remove_config_entry_device(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Only stale module devices can be deleted by the user."""
    entry = init_integration
    registry = dr.async_get(hass)
    installation = find_device(hass, f"custom_{entry.data['object_id']}")
    boiler = find_device(hass, BOILER)
    stale = registry.async_get_or_create(
        config_entry_id=entry.entry_id, identifiers={(DOMAIN, "OLDMODULE1")}
    )
    assert installation is not None
    assert boiler is not None
    assert not await async_remove_config_entry_device(hass, entry, installation)
    assert not await async_remove_config_entry_device(hass, entry, boiler)
    assert await async_remove_config_entry_device(hass, entry, stale)
    assert await hass.config_entries.async_unload(entry.entry_id)
    assert not await async_remove_config_entry_device(hass, entry, boiler)
    assert await async_remove_config_entry_device(hass, entry, stale)


async def test_migrate_older_minor_version(
    hass: HomeAssistant, simulator: Simulator, fast_writes: None
) -> None:
    """A 1.0 entry gains the language and is set up as 1.1."""
    data = entry_data(simulator, await catalogue_data(simulator))
    del data[CONF_LANGUAGE]
    entry = MockConfigEntry(
        domain=DOMAIN, data=data, title=OBJECT_NAME, version=1, minor_version=0
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert (entry.version, entry.minor_version) == (1, 1)
    assert entry.data[CONF_LANGUAGE] == hass.config.language
    assert entry.state is ConfigEntryState.LOADED
    assert await hass.config_entries.async_unload(entry.entry_id)


async def test_newer_major_version_is_refused(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """An entry written by a newer release is not downgraded."""
    entry = make_entry(simulator, await catalogue_data(simulator), version=2)
    entry.add_to_hass(hass)
    assert not await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.MIGRATION_ERROR


async def test_setup_does_not_wait_forever_for_the_session(
    hass: HomeAssistant,
    simulator: Simulator,
    runtime_entry: MockConfigEntry,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Setup goes on when the first session is slow; entities follow when it comes up."""
    monkeypatch.setattr(integration, "FIRST_SESSION_TIMEOUT", 0.0)
    assert await hass.config_entries.async_setup(runtime_entry.entry_id)
    assert "not up yet" in caplog.text
    await wait_for(lambda: state_of(hass, "sensor.kociol_return_temperature") == "58.5")


async def test_listing_without_our_modules_detaches_nothing(
    hass: HomeAssistant, socket_enabled: None, fast_writes: None
) -> None:
    """A listing naming none of the configured modules is not taken as "all removed"."""
    async with Simulator(write_delay=0.05) as full:
        catalogue = await catalogue_data(full)
    async with Simulator(write_delay=0.05, modules=MODULES[1:]) as simulator:
        entry = make_entry(simulator, catalogue, [BOILER])
        entry.add_to_hass(hass)
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
        assert find_device(hass, BOILER) is not None
        assert await hass.config_entries.async_unload(entry.entry_id)


async def test_migration_entry_point_directly(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """The entry point itself refuses newer majors and leaves current entries alone."""
    catalogue = await catalogue_data(simulator)
    newer = make_entry(simulator, catalogue, version=2)
    current = make_entry(simulator, catalogue)
    assert not await async_migrate_entry(hass, newer)
    assert await async_migrate_entry(hass, current)
    assert current.minor_version == 1
