"""Runtime data, the typed config entry and the push coordinator of BragerOne (DESIGN.md decisions 9-11).

The coordinator owns the client and the `Gateway` (store, writer, the one modules-listing
reader). Entities watch their own registers in the store; the coordinator's data is the
last listing's rows of the configured modules, and session and module connectivity
changes reach every entity through its listeners. Writes: `helpers` and `Gateway.write`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any, Final

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryAuthFailed
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed
from homeassistant.util import dt as dt_util

from . import compat, issues
from .api import AuthenticationError, BragerOneClient, BragerOneError, Gateway, Module
from .api.catalogue import Catalogue
from .api.const import RuntimeTimings
from .api.descriptor import EntityDescriptor, display_value
from .api.registers import ModuleRegisters
from .const import (
    CONF_LANGUAGE,
    CONF_MODULES,
    CONF_OBJECT_ID,
    CONF_SERVER,
    DOMAIN,
    LOGGER,
)

MISSING_LISTINGS: Final = 3
"""Consecutive trusted listings a module must be missing from before its device goes."""
MISSING_TIME: Final = timedelta(minutes=10)
"""How long a module must have been missing from the listings before its device goes."""

TIMINGS = RuntimeTimings()
"""The timings a new coordinator uses when none are given (tests and benchmarks replace it)."""


@dataclass(kw_only=True)
class BragerOneRuntimeData:
    """What a loaded entry keeps: the client, the coordinator and the stored catalogue."""

    client: BragerOneClient
    coordinator: BragerOneCoordinator
    catalogue: Catalogue


type BragerOneConfigEntry = ConfigEntry[BragerOneRuntimeData]


def installation_identifier(data: Mapping[str, Any]) -> str:
    """Return the installation device's identifier, ``{server}_{object_id}``."""
    return f"{data[CONF_SERVER]}_{data[CONF_OBJECT_ID]}"


class BragerOneCoordinator(DataUpdateCoordinator[dict[str, Module]]):
    """Own the client and gateway of one entry; its data is the listing rows by devid."""

    config_entry: BragerOneConfigEntry

    def __init__(
        self,
        hass: HomeAssistant,
        entry: BragerOneConfigEntry,
        client: BragerOneClient,
        catalogue: Catalogue,
        timings: RuntimeTimings | None = None,
    ) -> None:
        """Prepare the gateway for the entry's modules; nothing connects before `async_run`.

        `timings` (default: the module's `TIMINGS` at construction) set the client's
        REST time limit and the gateway's.
        """
        super().__init__(
            hass, LOGGER, config_entry=entry, name=f"{DOMAIN} {entry.title}"
        )
        self.client = client
        self.catalogue = catalogue
        self.devids: tuple[str, ...] = tuple(
            d for d in entry.data[CONF_MODULES] if d in catalogue.modules
        )
        self.timings = timings if timings is not None else TIMINGS
        client.request_timeout = self.timings.request_timeout
        self.gateway = Gateway(
            client,
            object_id=int(entry.data[CONF_OBJECT_ID]),
            devids=self.devids,
            **self.timings.gateway_options(),
        )
        self.store = self.gateway.store
        # States and option labels in the language the descriptors were built for,
        # whatever Home Assistant's language is now (a rebuild changes it).
        self.language: str = entry.data.get(CONF_LANGUAGE) or hass.config.language
        self.write_timeout = self.timings.write_timeout
        self.device_ids: dict[str, str] = {}  # devid → device id (`sync_devices`)
        self._missing: dict[str, tuple[int, datetime]] = {}
        self._counting = False
        self._stopped = asyncio.Event()
        self._stopping = False
        self._session_was_up = False
        self._unsubscribe: list[Callable[[], None]] = [
            self.gateway.add_session_listener(self._on_session),
            self.gateway.add_module_listener(self._on_module),
            self.gateway.add_auth_failure_listener(self._on_auth_failure),
            self.gateway.add_listing_listener(self._on_listing),
        ]

    # --- state --------------------------------------------------------------------------

    @property
    def session_up(self) -> bool:
        """Return True while the cloud session (socket bound and listening) is up."""
        return self.gateway.session_up

    def module_online(self, devid: str) -> bool:
        """Return False only when the module is known to be offline (unknown counts as online)."""
        return self.gateway.module_online(devid) is not False

    def module_info(self, devid: str) -> Module | None:
        """Return the module's row of the last modules listing, or None."""
        return (self.data or {}).get(devid)

    def registers(self, devid: str) -> dict[str, Any]:
        """Return the current registers of a module, ``{"P4.v1": 58.5, …}``."""
        return self.store.module_values(devid)

    def rule_registers(self, devid: str) -> ModuleRegisters:
        """Return the registers as STATUS rules read them (`Gateway.rule_registers`)."""
        return self.gateway.rule_registers(devid)

    def value_of(self, descriptor: EntityDescriptor) -> Any:
        """Return the shown value of a descriptor now (None when its registers have none)."""
        return display_value(
            descriptor, self.rule_registers(descriptor.devid), self.language
        )

    def telemetry(self) -> dict[str, Any]:
        """Return connection and write counters for diagnostics."""
        stats = asdict(self.gateway.stats)
        stats.pop("last_event_monotonic", None)
        return {
            "session_up": self.session_up,
            "modules_online": self.gateway.modules_online,
            "last_event_age": self.gateway.last_event_age,
            "logins": self.client.login_count,
            "gateway": stats,
            "writes": asdict(self.gateway.writer.stats),
        }

    # --- lifecycle ----------------------------------------------------------------------

    async def async_run(self) -> None:
        """Run the gateway until `async_shutdown` (the entry's background task)."""
        self._counting = True
        await self.gateway.start()
        try:
            await self._stopped.wait()
        finally:
            await self.gateway.stop()

    async def async_shutdown(self) -> None:
        """Stop the gateway; safe to call more than once."""
        self._stopping = True
        self._stopped.set()
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe.clear()
        await self.gateway.stop()
        await super().async_shutdown()

    async def _async_update_data(self) -> dict[str, Module]:
        """Read the modules listing (at setup; the gateway reads it from then on)."""
        try:
            modules = await self.gateway.refresh_listing()
        except AuthenticationError as err:
            raise ConfigEntryAuthFailed(
                translation_domain=DOMAIN, translation_key="auth_failed"
            ) from err
        except BragerOneError as err:
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="listing_failed",
                translation_placeholders={"error": str(err)},
            ) from err
        return {m.devid: m for m in modules if m.devid in self.devids}

    def _on_listing(self, modules: list[Module], degraded: bool) -> None:  # noqa: FBT001
        """Take a listing read by the gateway: rows, the new-modules issue, gone modules."""
        configured = set(self.config_entry.data[CONF_MODULES])
        issues.async_new_modules(
            self.hass,
            self.config_entry.entry_id,
            self.config_entry.title,
            [m for m in modules if m.devid not in configured],
        )
        rows = {m.devid: m for m in modules if m.devid in self.devids}
        if self._counting:
            self.async_set_updated_data(rows or self.data or {})
            if not degraded:
                self._count_missing(set(rows))

    def _count_missing(self, listed: set[str]) -> None:
        """Remove the device of a module missing from enough trusted listings for long enough.

        A partial answer of the cloud must not delete a device with the user's names,
        areas and automations: a module goes only after `MISSING_LISTINGS` consecutive
        trusted listings over at least `MISSING_TIME`, and only through the registry's
        own removal (the user sees it go).
        """
        now = dt_util.utcnow()
        for devid in self.devids:
            if devid in listed:
                self._missing.pop(devid, None)
                continue
            count, since = self._missing.get(devid, (0, now))
            self._missing[devid] = (count + 1, since)
            if count + 1 >= MISSING_LISTINGS and now - since >= MISSING_TIME:
                LOGGER.info("Module %s is no longer in the account; removing it", devid)
                self._remove_device(devid)

    def _remove_device(self, devid: str) -> None:
        registry = dr.async_get(self.hass)
        found = compat.get_device(registry, (DOMAIN, devid), self.config_entry.entry_id)
        if found is not None:
            registry.async_remove_device(found.id)

    def sync_devices(self) -> None:
        """Create or update the installation and module devices; remove unconfigured ones.

        Runs at setup: a configured module keeps its device even when the listing of the
        moment leaves it out (see `_count_missing` for when it goes).
        """
        entry = self.config_entry
        registry = dr.async_get(self.hass)
        installation = installation_identifier(entry.data)
        parent = compat.get_or_create_device(
            registry,
            config_entry_id=entry.entry_id,
            identifiers={(DOMAIN, installation)},
            name=entry.title,
            manufacturer="Brager",
            model="BragerOne installation",
            entry_type=dr.DeviceEntryType.SERVICE,
        )
        for devid in self.devids:
            module = self.catalogue.modules[devid]
            info = self.module_info(devid)
            device = compat.get_or_create_device(
                registry,
                config_entry_id=entry.entry_id,
                via=parent,
                identifiers={(DOMAIN, devid)},
                name=info.label if info is not None else module.name or module.title,
                manufacturer="Brager",
                model=(info.title if info is not None else None) or module.title,
                sw_version=(info.version if info is not None else None)
                or module.version,
            )
            self.device_ids[devid] = device.id
        keep = {installation, *self.devids}  # (child devices go with their module)
        for device in dr.async_entries_for_config_entry(registry, entry.entry_id):
            if not any(i[0] == DOMAIN and i[1] in keep for i in device.identifiers):
                registry.async_remove_device(device.id)

    # --- gateway listeners --------------------------------------------------------------

    def _on_session(self, up: bool) -> None:  # noqa: FBT001 - the gateway's listener signature
        """Log the loss and return of the cloud session once each; refresh availability."""
        if up and self._session_was_up:
            LOGGER.info("Connection to the BragerOne cloud is back")
        elif not up and not self._stopping:
            LOGGER.warning("Connection to the BragerOne cloud lost; retrying")
        self._session_was_up = self._session_was_up or up
        self.async_update_listeners()

    def _on_module(self, devid: str, online: bool) -> None:  # noqa: FBT001
        """Log a module going offline and coming back once each; refresh availability."""
        if online:
            LOGGER.info("Module %s is online", devid)
        else:
            LOGGER.warning("Module %s is offline", devid)
        self.async_update_listeners()

    def _on_auth_failure(self, err: AuthenticationError) -> None:
        """Stop reconnecting with refused credentials and ask the user for new ones."""
        # Home Assistant shows the re-authentication to the user; the log only notes it.
        LOGGER.info("BragerOne refused the login (%s); starting re-authentication", err)
        self._stopped.set()
        self.config_entry.async_start_reauth(self.hass)
