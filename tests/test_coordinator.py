"""The push coordinator: pushed changes, availability, reconnects, re-login and reauth."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
import logging

from homeassistant.components.homeassistant import (
    DOMAIN as HA_DOMAIN,
    SERVICE_UPDATE_ENTITY,
)
from homeassistant.config_entries import SOURCE_REAUTH
from homeassistant.const import ATTR_ENTITY_ID, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.bragerone.api import BragerOneError
from custom_components.bragerone.coordinator import BragerOneCoordinator
from custom_components.bragerone.helpers import async_refresh
from simulator import Simulator

from .integration_fixtures import (
    BOILER,
    MIXER,
    StateChanges,
    find_device,
    state_of,
    wait_for,
)

RETURN_TEMPERATURE = "sensor.kociol_return_temperature"
BOILER_TEMPERATURE = "sensor.kociol_boiler_temperature"
DHW_TEMPERATURE = "sensor.kociol_dhw_settings_dhw_temperature"
MIXER_TEMPERATURE = "sensor.obiegi_grzewcze_circuit_1_temperature"
CLOUD = "binary_sensor.dom_kowalskich_cloud_connection"
BOILER_THERMOSTAT = "climate.kociol_boiler"
WATER_HEATER = "water_heater.kociol_dhw_settings"
MIXER_LINK = "binary_sensor.obiegi_grzewcze_module_connection"


def _coordinator(entry: MockConfigEntry) -> BragerOneCoordinator:
    coordinator: BragerOneCoordinator = entry.runtime_data.coordinator
    return coordinator


class Clock:
    """Home Assistant's wall clock under the test's control.

    Only `dt_util.utcnow` moves: freezegun would also freeze `time.monotonic`, which
    the gateway's silence watchdog and back-off run on.
    """

    def __init__(self) -> None:
        self.now = dt_util.utcnow()

    def __call__(self) -> datetime:
        return self.now

    def tick(self, delta: timedelta) -> None:
        self.now += delta


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """Replace `dt_util.utcnow` with a clock the test moves by hand."""
    fake = Clock()
    monkeypatch.setattr(dt_util, "utcnow", fake)
    return fake


async def test_push_updates_only_the_entities_whose_registers_changed(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """One pushed register changes one entity; two registers change two entities."""
    changes = StateChanges(hass)
    await simulator.set(BOILER, "P4.v1", 60.5)
    await wait_for(lambda: state_of(hass, RETURN_TEMPERATURE) == "60.5")
    await hass.async_block_till_done()
    assert changes.stop() == [RETURN_TEMPERATURE]

    changes = StateChanges(hass)
    await simulator.set_many(BOILER, {"P4.v0": 70.0, "P4.v2": 47.5})
    await wait_for(lambda: state_of(hass, DHW_TEMPERATURE) == "47.5")
    await wait_for(lambda: state_of(hass, BOILER_TEMPERATURE) == "70.0")
    await hass.async_block_till_done()
    # and the heating entities that show them: the boiler's and the water heater
    assert sorted(changes.stop()) == sorted(
        [BOILER_TEMPERATURE, DHW_TEMPERATURE, BOILER_THERMOSTAT, WATER_HEATER]
    )


async def test_module_offline_and_back(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A module going offline makes its entities unavailable, and only its own."""
    caplog.set_level(logging.INFO)
    await simulator.set_module_online(MIXER, False)  # noqa: FBT003
    await wait_for(lambda: state_of(hass, MIXER_TEMPERATURE) == STATE_UNAVAILABLE)
    assert state_of(hass, MIXER_LINK) == "off"
    assert state_of(hass, RETURN_TEMPERATURE) == "58.5"
    assert state_of(hass, CLOUD) == "on"
    assert not _coordinator(init_integration).module_online(MIXER)

    await simulator.set_module_online(MIXER, True)  # noqa: FBT003
    await wait_for(lambda: state_of(hass, MIXER_TEMPERATURE) == "41.5")
    assert state_of(hass, MIXER_LINK) == "on"
    assert caplog.text.count(f"Module {MIXER} is offline") == 1
    assert caplog.text.count(f"Module {MIXER} is online") == 1


async def test_cloud_drop_and_return(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Dropped sockets make the whole entry unavailable until the session is back."""
    coordinator = _coordinator(init_integration)
    await simulator.drop_sockets()
    await wait_for(lambda: state_of(hass, CLOUD) == "off")
    assert state_of(hass, RETURN_TEMPERATURE) == STATE_UNAVAILABLE
    assert state_of(hass, MIXER_TEMPERATURE) == STATE_UNAVAILABLE
    assert state_of(hass, MIXER_LINK) == STATE_UNAVAILABLE

    await wait_for(lambda: state_of(hass, CLOUD) == "on")
    await wait_for(lambda: state_of(hass, RETURN_TEMPERATURE) == "58.5")
    assert state_of(hass, MIXER_TEMPERATURE) == "41.5"
    assert coordinator.gateway.stats.reconnects >= 1
    assert caplog.text.count("Connection to the BragerOne cloud lost") == 1
    assert caplog.text.count("Connection to the BragerOne cloud is back") == 1


async def test_server_restart_is_healed_by_a_silent_login(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """A restart forgets every token; the gateway logs in again without reauth."""
    logins = simulator.stats.logins
    await simulator.restart()
    await wait_for(lambda: state_of(hass, CLOUD) == "off")
    await wait_for(lambda: state_of(hass, CLOUD) == "on")
    await simulator.set(BOILER, "P4.v1", 59.0)
    await wait_for(lambda: state_of(hass, RETURN_TEMPERATURE) == "59.0")
    assert simulator.stats.logins > logins
    assert not list(init_integration.async_get_active_flows(hass, {SOURCE_REAUTH}))


async def test_revoked_token_is_healed_by_a_silent_login(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """A revoked token fails REST calls with 401; the client logs in again and retries."""
    logins = simulator.stats.logins
    simulator.revoke_tokens()
    await async_refresh(_coordinator(init_integration), BOILER)
    assert simulator.stats.logins == logins + 1
    await simulator.drop_sockets()
    await wait_for(lambda: state_of(hass, CLOUD) == "off")
    await wait_for(lambda: state_of(hass, CLOUD) == "on")
    assert not list(init_integration.async_get_active_flows(hass, {SOURCE_REAUTH}))


async def test_changed_password_starts_reauth(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """When the push loop's login is refused, reauth starts and the gateway stops retrying."""
    coordinator = _coordinator(init_integration)
    simulator.change_password("changed-elsewhere")
    simulator.revoke_tokens()
    await simulator.drop_sockets()
    await wait_for(
        lambda: bool(
            list(init_integration.async_get_active_flows(hass, {SOURCE_REAUTH}))
        )
    )
    await wait_for(lambda: not coordinator.gateway.running)
    assert state_of(hass, CLOUD) == "off"


async def test_listing_poll_updates_module_info(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """The listing poll reads names and versions; a failed poll keeps data and states."""
    coordinator = _coordinator(init_integration)
    info = coordinator.module_info(BOILER)
    assert info is not None
    assert info.title == "HT DasPell GL 37kW"
    simulator.faults.fail("modules", 503, times=1)
    with pytest.raises(BragerOneError):
        await coordinator.gateway.refresh_listing()
    await hass.async_block_till_done()
    assert coordinator.module_info(BOILER) == info
    assert state_of(hass, RETURN_TEMPERATURE) == "58.5"
    simulator.rename_module(BOILER, "Kocioł w piwnicy")
    await coordinator.gateway.refresh_listing()
    await hass.async_block_till_done()
    renamed = coordinator.module_info(BOILER)
    assert renamed is not None
    assert renamed.label == "Kocioł w piwnicy"


async def test_update_entity_reads_the_modules_registers_again(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """``homeassistant.update_entity`` re-reads its module: a missed push shows up."""
    assert await async_setup_component(hass, HA_DOMAIN, {})
    simulator.faults.zombie = True
    await simulator.set(BOILER, "P4.v1", 62.5)
    await simulator.set(MIXER, "P4.v0", 33.5)
    primes = simulator.stats.primes
    await hass.services.async_call(
        HA_DOMAIN,
        SERVICE_UPDATE_ENTITY,
        {ATTR_ENTITY_ID: RETURN_TEMPERATURE},
        blocking=True,
    )
    assert simulator.stats.primes == primes + 1
    assert state_of(hass, RETURN_TEMPERATURE) == "62.5"
    assert state_of(hass, MIXER_TEMPERATURE) != "33.5"  # only the boiler was read


async def test_refused_listing_login_raises_reauth(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """A listing poll whose login is refused starts reauth."""
    coordinator = _coordinator(init_integration)
    simulator.change_password("changed-elsewhere")
    simulator.revoke_tokens()
    await coordinator.async_refresh()
    await hass.async_block_till_done()
    assert list(init_integration.async_get_active_flows(hass, {SOURCE_REAUTH}))


async def test_refresh_now_and_telemetry(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """Re-priming reads the registers again; telemetry counts it."""
    coordinator = _coordinator(init_integration)
    primes = coordinator.gateway.stats.primes
    await async_refresh(coordinator)
    assert coordinator.gateway.stats.primes == primes + 1
    assert coordinator.registers(BOILER)["P4.v1"] == 58.5
    telemetry = coordinator.telemetry()
    assert telemetry["session_up"] is True
    assert telemetry["gateway"]["primes"] == primes + 1
    assert telemetry["writes"] == {
        "sent": 0,
        "confirmed": 0,
        "not_confirmed": 0,
        "refused": 0,
    }
    simulator.faults.fail("modules/parameters", 400)
    with pytest.raises(HomeAssistantError) as err:
        await async_refresh(coordinator, BOILER)
    assert err.value.translation_key == "refresh_failed"


async def test_expired_token_is_renewed_silently(
    hass: HomeAssistant, simulator: Simulator, runtime_entry: MockConfigEntry
) -> None:
    """A token about to expire is replaced by a fresh login before the next call."""
    simulator.token_lifetime = 91.0  # the client renews 90 s before expiry
    assert await hass.config_entries.async_setup(runtime_entry.entry_id)
    await hass.async_block_till_done()
    coordinator = _coordinator(runtime_entry)
    await wait_for(
        lambda: (
            coordinator.client.token is not None
            and coordinator.client.token.expired(datetime.now(UTC), 90.0)
        )
    )
    logins = simulator.stats.logins
    await async_refresh(coordinator)
    assert simulator.stats.logins == logins + 1
    assert not list(runtime_entry.async_get_active_flows(hass, {SOURCE_REAUTH}))
    assert state_of(hass, RETURN_TEMPERATURE) == "58.5"


async def test_a_module_goes_only_after_three_listings_over_ten_minutes(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    clock: Clock,
) -> None:
    """A partial listing, even a reload during one, keeps the device and the user's names.

    Only three consecutive trusted listings over at least ten minutes remove it, through
    the registry (so its entities go with it).
    """
    registry = er.async_get(hass)
    registry.async_update_entity(MIXER_TEMPERATURE, name="Radiators")
    simulator.faults.hidden_modules.add(MIXER)
    for _ in range(2):
        await _coordinator(init_integration).gateway.refresh_listing()
        clock.tick(timedelta(minutes=6))
    assert await hass.config_entries.async_reload(init_integration.entry_id)
    await hass.async_block_till_done()
    # the reloaded gateway reads the listing once when it connects: listing one of three
    await wait_for(lambda: _coordinator(init_integration).session_up)
    assert find_device(hass, MIXER) is not None
    entity = registry.async_get(MIXER_TEMPERATURE)
    assert entity is not None
    assert entity.name == "Radiators"
    # counting started again at the reload: a second listing, even late, is not enough
    gateway = _coordinator(init_integration).gateway
    clock.tick(timedelta(minutes=11))
    await gateway.refresh_listing()
    assert find_device(hass, MIXER) is not None
    await gateway.refresh_listing()
    await hass.async_block_till_done()
    assert find_device(hass, MIXER) is None
    assert registry.async_get(MIXER_TEMPERATURE) is None
    assert hass.states.get(MIXER_TEMPERATURE) is None
    assert state_of(hass, RETURN_TEMPERATURE) == "58.5"


async def test_degraded_listings_and_returning_modules_remove_nothing(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    clock: Clock,
) -> None:
    """Listings the client marks degraded never count; a module that returns resets."""
    gateway = _coordinator(init_integration).gateway
    simulator.faults.hidden_modules.add(MIXER)
    simulator.faults.degraded_modules = True
    for _ in range(4):
        await gateway.refresh_listing()
        clock.tick(timedelta(minutes=6))
    assert find_device(hass, MIXER) is not None
    simulator.faults.degraded_modules = False
    for hidden in (True, True, False, True, True):
        if hidden:
            simulator.faults.hidden_modules.add(MIXER)
        else:
            simulator.faults.hidden_modules.clear()
        await gateway.refresh_listing()
        clock.tick(timedelta(minutes=6))
    assert find_device(hass, MIXER) is not None
