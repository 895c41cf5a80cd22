"""Shared fixtures.

Home Assistant's loader imports `custom_components` from the test harness's own
configuration folder unless this project's package was imported first, so import it here
(ENVIRONMENT.md §5, the import-order trap).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from homeassistant.const import CONF_EMAIL, CONF_PASSWORD
import pytest

import custom_components.bragerone  # noqa: F401  (see the module docstring)
from custom_components.bragerone.const import (
    CONF_API_URL,
    CONF_SERVER,
    CONF_WEB_URL,
    SERVER_CUSTOM,
)
from simulator import Simulator


@pytest.fixture(autouse=True)
def _custom_integrations(request: pytest.FixtureRequest) -> None:
    """Let Home Assistant load custom integrations in every test that uses `hass`."""
    if "hass" in request.fixturenames:
        request.getfixturevalue("enable_custom_integrations")


@pytest.fixture
async def simulator(socket_enabled: None) -> AsyncIterator[Simulator]:
    """Run the simulator on 127.0.0.1 (frozen plant, short write delay)."""
    async with Simulator(write_delay=0.05, tick_interval=None) as sim:
        yield sim


@pytest.fixture
def login_data(simulator: Simulator) -> dict[str, Any]:
    """Return the config-flow login form for the simulator (advanced mode)."""
    return {
        CONF_SERVER: SERVER_CUSTOM,
        CONF_EMAIL: simulator.email,
        CONF_PASSWORD: simulator.password,
        CONF_API_URL: simulator.api_url,
        CONF_WEB_URL: simulator.web_url,
    }
