"""Constants of the BragerOne integration."""

from __future__ import annotations

import logging
from typing import Final

DOMAIN: Final = "bragerone"
LOGGER: Final = logging.getLogger(__package__)

CONF_SERVER: Final = "server"
CONF_API_URL: Final = "api_url"
CONF_WEB_URL: Final = "web_url"
# The collapsed config-flow section that holds the two custom URLs.
CONF_CUSTOM_SERVER: Final = "custom_server"
CONF_OBJECT_ID: Final = "object_id"
CONF_MODULES: Final = "modules"
CONF_LANGUAGE: Final = "language"
CONF_CATALOGUE: Final = "catalogue"

SERVER_BRAGERONE: Final = "bragerone"
SERVER_TISCONNECT: Final = "tisconnect"
SERVER_CUSTOM: Final = "custom"
"""A custom pair of API and web-app URLs (the collapsed section; how the simulator is reached)."""
