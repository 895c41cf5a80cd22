"""Every platform's entities (registry entries and states) and the diagnostics, as snapshots.

Home Assistant's registry entries and state attributes gain fields between releases, so
each tested release keeps its own snapshot folder (``snapshots/ha-<year>.<month>``).
After a deliberate change: ``scripts/test newest tests/test_snapshots.py
--snapshot-update`` (and the same with ``minimum``), then read the diff.
"""

from __future__ import annotations

from unittest.mock import patch

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    snapshot_platform,
)
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from syrupy.assertion import SnapshotAssertion
from syrupy.filters import props

from custom_components.bragerone.integration import PLATFORMS
from simulator import Simulator

from .integration_fixtures import settled


@pytest.mark.usefixtures("simulator")
@pytest.mark.parametrize("platform", PLATFORMS)
async def test_platform_snapshot(
    hass: HomeAssistant,
    runtime_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    release_snapshot: SnapshotAssertion,
    platform: Platform,
) -> None:
    """Each platform's registry entries and states, as the primed simulator gives them."""
    with patch("custom_components.bragerone.integration.PLATFORMS", [platform]):
        assert await hass.config_entries.async_setup(runtime_entry.entry_id)
        await settled(hass, runtime_entry)
        await snapshot_platform(
            hass, entity_registry, release_snapshot, runtime_entry.entry_id
        )
        assert await hass.config_entries.async_unload(runtime_entry.entry_id)


async def test_diagnostics_snapshot(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    release_snapshot: SnapshotAssertion,
) -> None:
    """The entry's diagnostics (redacted), without the figures that depend on the clock."""
    await settled(hass, init_integration)
    diagnostics = await get_diagnostics_for_config_entry(
        hass, hass_client, init_integration
    )
    assert diagnostics == release_snapshot(
        exclude=props("built_at", "connected_at", "expires_at", "last_event_age")
    )
