"""Fixtures of the fault suite: short timings, logs from INFO up, a matching loaded entry."""

from __future__ import annotations

import logging

from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.bragerone import coordinator as coordinator_module
from custom_components.bragerone.api._logging import reset_log_once
from simulator import Simulator

from .helpers import FAST_TIMINGS, wait_until_listening, wait_until_matching


@pytest.fixture(autouse=True)
def fast_timings(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Use short time limits and back-off; log everything of ours from INFO up."""
    monkeypatch.setattr(coordinator_module, "TIMINGS", FAST_TIMINGS)
    caplog.set_level(logging.INFO, logger="custom_components.bragerone")
    reset_log_once()


@pytest.fixture
async def entry(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> MockConfigEntry:
    """Return the loaded entry once every entity matches and pushes reach it."""
    await wait_until_matching(hass, init_integration, simulator)
    await wait_until_listening(init_integration, simulator)
    return init_integration
