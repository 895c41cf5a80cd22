"""Shared fixtures.

Home Assistant's loader imports `custom_components` from the test harness's own
configuration folder unless this project's package was imported first, so import it here
(ENVIRONMENT.md §5, the import-order trap).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
import dataclasses
import logging
from pathlib import Path
from typing import Any
from unittest.mock import AsyncMock, PropertyMock, patch

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import CONF_EMAIL, CONF_PASSWORD, MAJOR_VERSION, MINOR_VERSION
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.syrupy import HomeAssistantSnapshotExtension
from syrupy.assertion import SnapshotAssertion
from syrupy.location import PyTestLocation

import custom_components.bragerone  # noqa: F401  (see the module docstring)
from custom_components.bragerone.const import (
    CONF_API_URL,
    CONF_CUSTOM_SERVER,
    CONF_SERVER,
    CONF_WEB_URL,
    DOMAIN,
    SERVER_CUSTOM,
)
from simulator import Simulator

from .log_checks import DeprecationCollector


class ReleaseSnapshots(HomeAssistantSnapshotExtension):
    """Home Assistant's snapshot format, one folder per Home Assistant release."""

    @classmethod
    def dirname(cls, *, test_location: PyTestLocation) -> str:
        """Return ``snapshots/ha-<major>.<minor>`` next to the test file."""
        release = f"ha-{MAJOR_VERSION}.{MINOR_VERSION}"
        return str(Path(test_location.filepath).parent / "snapshots" / release)


@pytest.fixture
def release_snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """Return the snapshot assertion writing to this release's folder."""
    return snapshot.use_extension(ReleaseSnapshots)


@pytest.fixture(autouse=True)
def _custom_integrations(request: pytest.FixtureRequest) -> None:
    """Let Home Assistant load custom integrations in every test that uses `hass`."""
    if "hass" in request.fixturenames:
        request.getfixturevalue("enable_custom_integrations")


@pytest.fixture(autouse=True)
def deprecation_collector() -> Iterator[DeprecationCollector]:
    """Fail a test in which Home Assistant reports our use of a deprecated API.

    A test that provokes such a report on purpose takes this fixture and empties
    ``found`` after checking it.
    """
    collector = DeprecationCollector()
    root = logging.getLogger()
    root.addHandler(collector)
    try:
        yield collector
    finally:
        root.removeHandler(collector)
    assert not collector.found, "deprecated Home Assistant API used:\n" + "\n".join(
        collector.found
    )


@pytest.fixture
async def simulator(socket_enabled: None) -> AsyncIterator[Simulator]:
    """Run the simulator on 127.0.0.1 (frozen plant, short write delay)."""
    async with Simulator(write_delay=0.05, tick_interval=None) as sim:
        yield sim


@pytest.fixture
def login_data(simulator: Simulator) -> dict[str, Any]:
    """Return the config-flow login form for the simulator, as the frontend sends it.

    The custom URLs sit in the form's ``custom_server`` section.
    """
    return {
        CONF_SERVER: SERVER_CUSTOM,
        CONF_EMAIL: simulator.email,
        CONF_PASSWORD: simulator.password,
        CONF_CUSTOM_SERVER: {
            CONF_API_URL: simulator.api_url,
            CONF_WEB_URL: simulator.web_url,
        },
    }


@pytest.fixture
async def mock_setup_entry(hass: HomeAssistant) -> AsyncIterator[AsyncMock]:
    """Keep the runtime out of these tests: entry setup and unload just succeed.

    Entries are unloaded before the patch ends (Home Assistant's own teardown comes
    later and would call the real unload).
    """
    with (
        patch(
            "custom_components.bragerone.integration.async_setup_entry",
            return_value=True,
        ) as setup,
        patch(
            "custom_components.bragerone.integration.async_unload_entry",
            return_value=True,
        ),
    ):
        yield setup
        await hass.async_block_till_done()
        for entry in hass.config_entries.async_entries(DOMAIN):
            await hass.config_entries.async_unload(entry.entry_id)


# --- runtime fixtures (issue 5 runtime; helpers in tests/integration_fixtures.py) -----


@pytest.fixture(autouse=True)
def _no_settle_prime(monkeypatch: pytest.MonkeyPatch) -> None:
    """Leave the settling prime out of new coordinators (a test of it turns it back on).

    It would add a prime at an arbitrary moment to tests that count primes, and heal a
    lost push that a test means to see.
    """
    from custom_components.bragerone import coordinator  # noqa: PLC0415

    monkeypatch.setattr(
        coordinator,
        "TIMINGS",
        dataclasses.replace(coordinator.TIMINGS, settle_delay=None),
    )


@pytest.fixture
def fast_writes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Shorten write pacing and the echo time-out (the simulator echoes after 0.05 s)."""
    from custom_components.bragerone import coordinator  # noqa: PLC0415

    monkeypatch.setattr(
        coordinator,
        "TIMINGS",
        dataclasses.replace(coordinator.TIMINGS, write_pacing=0.0, write_timeout=2.0),
    )


@pytest.fixture
def all_entities_enabled() -> Iterator[None]:
    """Enable the entities that are disabled by default (covered and installer settings).

    The runtime tests write to parameters a thermostat also covers (disabled by default
    in a real installation); `tests/test_heating.py` checks the defaults themselves.
    """
    with patch(
        "homeassistant.helpers.entity.Entity.entity_registry_enabled_default",
        new_callable=PropertyMock,
        return_value=True,
    ):
        yield


@pytest.fixture
async def runtime_entry(
    hass: Any, simulator: Simulator, fast_writes: None, all_entities_enabled: None
) -> AsyncIterator[Any]:
    """Add (not set up) a config entry for both simulated modules (every entity enabled)."""
    from .integration_fixtures import catalogue_data, make_entry  # noqa: PLC0415

    entry = make_entry(simulator, await catalogue_data(simulator))
    entry.add_to_hass(hass)
    yield entry
    if entry.state is ConfigEntryState.LOADED:
        await hass.config_entries.async_unload(entry.entry_id)


@pytest.fixture
async def init_integration(hass: Any, runtime_entry: Any) -> Any:
    """Set up the entry against the simulator, settled, and return it (unloaded at teardown)."""
    from .integration_fixtures import settled  # noqa: PLC0415

    assert await hass.config_entries.async_setup(runtime_entry.entry_id)
    await hass.async_block_till_done()
    await settled(hass, runtime_entry)
    return runtime_entry
