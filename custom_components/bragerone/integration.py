"""Home Assistant entry points of BragerOne: setup, unload, migrate, device removal.

Imported lazily by ``__init__`` (which stays Home-Assistant-free). Errors map here only
at setup (DESIGN.md decision 11): a refused login is `ConfigEntryAuthFailed`, an
unreachable cloud `ConfigEntryNotReady`. Entities come from the catalogue stored in the
entry; runtime never fetches web-app assets.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any, Final

from homeassistant.config_entries import ConfigEntry, ConfigEntryState
from homeassistant.const import (
    CONF_EMAIL,
    CONF_PASSWORD,
    EVENT_HOMEASSISTANT_STOP,
    Platform,
)
from homeassistant.core import Event, HomeAssistant
from homeassistant.exceptions import (
    ConfigEntryAuthFailed,
    ConfigEntryError,
    ConfigEntryNotReady,
)
from homeassistant.helpers import config_validation as cv, device_registry as dr
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.typing import ConfigType

from . import issues
from .api import AuthenticationError, BragerOneClient, BragerOneError, Server
from .api.alarms import ALARM_NAMES_VERSION
from .api.catalogue import Catalogue, CatalogueError
from .api.const import SERVERS
from .api.roles import ROLES_VERSION
from .const import (
    CONF_API_URL,
    CONF_CATALOGUE,
    CONF_LANGUAGE,
    CONF_MODULES,
    CONF_SERVER,
    CONF_WEB_URL,
    DOMAIN,
    LOGGER,
    SERVER_CUSTOM,
)
from .coordinator import (
    BragerOneConfigEntry,
    BragerOneCoordinator,
    BragerOneRuntimeData,
    installation_identifier,
)
from .services import async_setup_services

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)

PLATFORMS: Final = [
    Platform.BINARY_SENSOR,
    Platform.BUTTON,
    Platform.CLIMATE,
    Platform.EVENT,
    Platform.NUMBER,
    Platform.SELECT,
    Platform.SENSOR,
    Platform.SWITCH,
    Platform.WATER_HEATER,
]
ENTRY_VERSION: Final = 1
ENTRY_MINOR_VERSION: Final = 1
FIRST_SESSION_TIMEOUT: Final = 8.0
"""Seconds setup waits for the first realtime session, so entities start with values."""

__all__ = [
    "CONFIG_SCHEMA",
    "BragerOneConfigEntry",
    "async_migrate_entry",
    "async_remove_config_entry_device",
    "async_remove_entry",
    "async_setup",
    "async_setup_entry",
    "async_unload_entry",
    "server_from_data",
]


def server_from_data(data: Mapping[str, Any]) -> Server:
    """Return the cloud an entry (or a config-flow form) points at."""
    if data[CONF_SERVER] == SERVER_CUSTOM:
        return Server.custom(data[CONF_API_URL], data[CONF_WEB_URL])
    return SERVERS[data[CONF_SERVER]]


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the integration's actions (once per Home Assistant run, ``action-setup``)."""
    async_setup_services(hass)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: BragerOneConfigEntry) -> bool:
    """Log in, start the push gateway in the background and forward the platforms."""
    try:
        catalogue = Catalogue.from_dict(entry.data[CONF_CATALOGUE])
    except (CatalogueError, KeyError) as err:
        issues.async_catalogue_invalid(hass, entry.entry_id, entry.title, str(err))
        raise ConfigEntryError(
            translation_domain=DOMAIN,
            translation_key="catalogue_invalid",
            translation_placeholders={"error": str(err)},
        ) from err
    client = BragerOneClient(
        entry.data[CONF_EMAIL],
        entry.data[CONF_PASSWORD],
        server=server_from_data(entry.data),
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
    coordinator = BragerOneCoordinator(hass, entry, client, catalogue)
    await coordinator.async_config_entry_first_refresh()
    issues.async_clear(hass, entry.entry_id)
    issues.async_roles_outdated(
        hass,
        entry.entry_id,
        entry.title,
        outdated=catalogue.roles_version < ROLES_VERSION
        or catalogue.alarms.version < ALARM_NAMES_VERSION,
    )
    coordinator.sync_devices()
    entry.runtime_data = BragerOneRuntimeData(
        client=client, coordinator=coordinator, catalogue=catalogue
    )
    entry.async_create_background_task(
        hass, coordinator.async_run(), f"{DOMAIN} gateway {entry.title}"
    )

    async def _on_stop(_event: Event) -> None:
        await coordinator.async_shutdown()

    entry.async_on_unload(
        hass.bus.async_listen_once(EVENT_HOMEASSISTANT_STOP, _on_stop)
    )
    try:
        async with asyncio.timeout(FIRST_SESSION_TIMEOUT):
            await coordinator.gateway.wait_session_up()
    except TimeoutError:
        LOGGER.warning("The BragerOne realtime session is not up yet; retrying")
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    return True


async def async_unload_entry(hass: HomeAssistant, entry: BragerOneConfigEntry) -> bool:
    """Unload the platforms and stop the gateway (socket closed, tasks cancelled)."""
    unloaded = await hass.config_entries.async_unload_platforms(entry, PLATFORMS)
    if unloaded:
        await entry.runtime_data.coordinator.async_shutdown()
    return unloaded


async def async_remove_entry(hass: HomeAssistant, entry: BragerOneConfigEntry) -> None:
    """Remove the repair issues of a deleted entry."""
    issues.async_clear(hass, entry.entry_id, removed=True)


async def async_remove_config_entry_device(
    hass: HomeAssistant, entry: BragerOneConfigEntry, device: dr.DeviceEntry
) -> bool:
    """Let the user delete a stale module device; refuse the installation and live modules."""
    configured = set(entry.data.get(CONF_MODULES, ()))
    # Without a loaded entry the listing is unknown: treat configured modules as present.
    listed = (
        set(entry.runtime_data.coordinator.data or {})
        if entry.state is ConfigEntryState.LOADED
        else configured
    )
    for domain, identifier in device.identifiers:
        if domain != DOMAIN:
            continue
        if identifier == installation_identifier(entry.data):
            return False
        if identifier in configured and identifier in listed:
            return False
    return True


async def async_migrate_entry(hass: HomeAssistant, entry: ConfigEntry) -> bool:
    """Migrate an entry to version 1.1; refuse entries of a newer major version."""
    if entry.version > ENTRY_VERSION:
        LOGGER.error(
            "Cannot downgrade a BragerOne entry from version %s.%s",
            entry.version,
            entry.minor_version,
        )
        return False
    if entry.minor_version < ENTRY_MINOR_VERSION:
        data = dict(entry.data)
        # 1.0 entries did not record the language the catalogue was built for.
        data.setdefault(CONF_LANGUAGE, hass.config.language)
        hass.config_entries.async_update_entry(
            entry, data=data, version=ENTRY_VERSION, minor_version=ENTRY_MINOR_VERSION
        )
        LOGGER.debug("Migrated BragerOne entry to version 1.%s", ENTRY_MINOR_VERSION)
    return True
