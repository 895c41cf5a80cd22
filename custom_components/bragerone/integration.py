"""Home Assistant entry points of BragerOne: setup, unload (imported lazily by __init__)."""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_EMAIL, CONF_PASSWORD
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryAuthFailed, ConfigEntryNotReady
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.aiohttp_client import async_get_clientsession

from .api import AuthenticationError, BragerOneClient, BragerOneError, Server
from .api.const import SERVERS
from .const import CONF_API_URL, CONF_SERVER, CONF_WEB_URL, DOMAIN, SERVER_CUSTOM

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)

type BragerOneConfigEntry = ConfigEntry[BragerOneClient]


def server_from_data(data: dict[str, str]) -> Server:
    """Return the cloud an entry (or a config-flow form) points at."""
    if data[CONF_SERVER] == SERVER_CUSTOM:
        return Server.custom(data[CONF_API_URL], data[CONF_WEB_URL])
    return SERVERS[data[CONF_SERVER]]


async def async_setup_entry(hass: HomeAssistant, entry: BragerOneConfigEntry) -> bool:
    """Log in to the cloud; a refused login starts reauth, a failed one retries later."""
    client = BragerOneClient(
        entry.data[CONF_EMAIL],
        entry.data[CONF_PASSWORD],
        server=server_from_data(dict(entry.data)),
        session=async_get_clientsession(hass),
    )
    try:
        await client.login()
    except AuthenticationError as err:
        raise ConfigEntryAuthFailed(
            translation_domain=DOMAIN, translation_key="auth_failed"
        ) from err
    except BragerOneError as err:
        raise ConfigEntryNotReady(
            translation_domain=DOMAIN,
            translation_key="cannot_connect",
            translation_placeholders={"error": str(err)},
        ) from err
    entry.runtime_data = client
    return True


async def async_unload_entry(hass: HomeAssistant, entry: BragerOneConfigEntry) -> bool:
    """Unload an entry (no platforms yet)."""
    return True
