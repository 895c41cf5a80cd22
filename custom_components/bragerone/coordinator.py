"""Runtime data, the typed config entry and the push coordinator of BragerOne (DESIGN.md decisions 9-11).

The coordinator owns the client, the realtime `Gateway` and its `ParamStore`. Register
values reach entities by push: each entity watches its own registers in the store
(`ParamStore.watch`). The coordinator's own update is a slow poll of the modules
listing (names, versions, alarm counts, modules dropped from the account); session and
module connectivity changes from the gateway are fanned out to every entity through the
coordinator's listeners, so availability follows them at once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass
from datetime import timedelta
import math
import time
from typing import Any, Final

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import (
    ConfigEntryAuthFailed,
    HomeAssistantError,
    ServiceValidationError,
)
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed

from . import compat, issues
from .api import (
    ApiError,
    AuthenticationError,
    BragerOneClient,
    BragerOneError,
    Gateway,
    Module,
    ParamKey,
    ParamStore,
)
from .api.catalogue import Catalogue
from .api.const import (
    CONNECT_TIMEOUT,
    DISCONNECT_TIMEOUT,
    MODULES_POLL_INTERVAL,
    RECONNECT_BACKOFF_INITIAL,
    RECONNECT_BACKOFF_MAX,
    REQUEST_TIMEOUT,
    SETTLE_DELAY,
    SILENCE_TIMEOUT,
    SUPERVISOR_INTERVAL,
)
from .api.descriptor import (
    EntityDescriptor,
    command_for,
    display_value,
    live_limits,
    raw_from_display,
)
from .const import CONF_MODULES, CONF_OBJECT_ID, CONF_SERVER, DOMAIN, LOGGER

LISTING_INTERVAL: Final = timedelta(minutes=5)
"""How often the modules listing is read (names, versions, alarm counts, dropped modules)."""
WRITE_CONFIRM_TIMEOUT: Final = 30.0
"""Seconds a write waits for its pushed echo before it is rolled back (DESIGN.md decision 10)."""
WRITE_PACING: Final = 1.0
"""Least seconds between two writes to one module."""
CONNECTED_AT_GETTER: Final = "modulesMap.{devid}.connectedAt"
"""The SPA store path that computed STATUS rules read (PROTOCOL.md §4.6)."""


@dataclass(frozen=True, kw_only=True)
class RuntimeTimings:
    """Time limits and intervals (seconds) of an entry's client and gateway.

    The defaults are the library's (`api.const`); see `Gateway` for what each one
    bounds. `request_timeout` limits each REST call of the runtime (the setup login
    keeps the client's default).
    """

    request_timeout: float = REQUEST_TIMEOUT
    connect_timeout: float = CONNECT_TIMEOUT
    disconnect_timeout: float = DISCONNECT_TIMEOUT
    backoff_initial: float = RECONNECT_BACKOFF_INITIAL
    backoff_max: float = RECONNECT_BACKOFF_MAX
    supervisor_interval: float = SUPERVISOR_INTERVAL
    silence_timeout: float = SILENCE_TIMEOUT
    poll_interval: float = MODULES_POLL_INTERVAL
    settle_delay: float | None = SETTLE_DELAY


TIMINGS = RuntimeTimings()
"""The timings a new coordinator uses when none are given (tests and benchmarks replace it)."""


@dataclass(kw_only=True)
class BragerOneRuntimeData:
    """What a loaded entry keeps: the client, the coordinator and the stored catalogue."""

    client: BragerOneClient
    coordinator: BragerOneCoordinator
    catalogue: Catalogue


type BragerOneConfigEntry = ConfigEntry[BragerOneRuntimeData]


@dataclass(kw_only=True)
class WriteStats:
    """Counters of entity writes (for diagnostics)."""

    sent: int = 0
    confirmed: int = 0
    rolled_back: int = 0
    refused: int = 0


@dataclass(frozen=True, kw_only=True)
class PreparedWrite:
    """A validated write: what to send and how its pushed echo is recognised."""

    descriptor: EntityDescriptor
    keys: frozenset[ParamKey]
    confirmed: Callable[[], bool]
    send: Callable[[], Awaitable[Any]]


class ModuleRegisters(Mapping[str, Any]):
    """A read-only view of one module's registers in a `ParamStore`, by address.

    ``view["P4.v1"]`` reads the store (registers without a value are absent); `extra`
    adds computed keys (the SPA ``connectedAt`` getter). Lookups cost O(1) whatever the
    number of registers; iterating walks the store.
    """

    __slots__ = ("_devid", "_extra", "_store")

    def __init__(self, store: ParamStore, devid: str, extra: Mapping[str, Any]) -> None:
        """Wrap the registers of `devid` in `store`."""
        self._store = store
        self._devid = devid
        self._extra = extra

    def __getitem__(self, address: str) -> Any:
        """Return the value of a register (``"P4.v1"``) or extra key; KeyError when absent."""
        if address in self._extra:
            return self._extra[address]
        try:
            key = ParamKey.parse(self._devid, address)
        except ValueError:
            raise KeyError(address) from None
        value = self._store.get(key)
        if value is None:
            raise KeyError(address)
        return value

    def __iter__(self) -> Iterator[str]:
        """Iterate the extra keys, then the addresses of registers with a value."""
        yield from self._extra
        yield from self._store.module_values(self._devid)

    def __len__(self) -> int:
        """Return the number of keys."""
        return len(self._extra) + len(self._store.module_values(self._devid))


def installation_identifier(data: Mapping[str, Any]) -> str:
    """Return the installation device's identifier, ``{server}_{object_id}``."""
    return f"{data[CONF_SERVER]}_{data[CONF_OBJECT_ID]}"


def watched_keys(descriptor: EntityDescriptor) -> frozenset[ParamKey]:
    """Return the registers an entity depends on: value selectors, rule conditions, u/n/x/s."""
    addresses = {selector.key for selector in descriptor.value}
    addresses.update(
        selector.key
        for rule in descriptor.rules
        for condition in rule.conditions
        for selector in condition.selectors
    )
    addresses.update(
        a
        for a in (
            descriptor.address,
            descriptor.unit_address,
            descriptor.min_address,
            descriptor.max_address,
            descriptor.status_address,
        )
        if a
    )
    keys: set[ParamKey] = set()
    for address in addresses:
        try:
            keys.add(ParamKey.parse(descriptor.devid, address))
        except ValueError:
            continue  # a command pseudo-address (``command_…``) has no register
    return frozenset(keys)


def _off_step(value: float, base: float, step: float) -> bool:
    """Return True when `value` is not a whole number of `step`s away from `base`."""
    steps = (value - base) / step
    return abs(steps - round(steps)) > 1e-6


def _same_value(current: Any, wanted: Any) -> bool:
    """Return True when a stored register equals a written raw value (numbers compared as floats)."""
    if current is None:
        return False
    try:
        return math.isclose(float(current), float(wanted), abs_tol=1e-6)
    except (TypeError, ValueError):
        return str(current) == str(wanted)


class BragerOneCoordinator(DataUpdateCoordinator[dict[str, Module]]):
    """Own the client, gateway and store of one entry; its data is the modules listing by devid."""

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
        REST time limit and the gateway's time limits, back-off and liveness intervals.
        """
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=f"{DOMAIN} {entry.title}",
            update_interval=LISTING_INTERVAL,
        )
        self.client = client
        self.catalogue = catalogue
        self.object_id = int(entry.data[CONF_OBJECT_ID])
        self.devids: tuple[str, ...] = tuple(
            d for d in entry.data[CONF_MODULES] if d in catalogue.modules
        )
        self.timings = timings if timings is not None else TIMINGS
        client.request_timeout = self.timings.request_timeout
        self.store = ParamStore()
        self.gateway = Gateway(
            client,
            object_id=self.object_id,
            devids=self.devids,
            store=self.store,
            connect_timeout=self.timings.connect_timeout,
            disconnect_timeout=self.timings.disconnect_timeout,
            backoff_initial=self.timings.backoff_initial,
            backoff_max=self.timings.backoff_max,
            supervisor_interval=self.timings.supervisor_interval,
            silence_timeout=self.timings.silence_timeout,
            poll_interval=self.timings.poll_interval,
            settle_delay=self.timings.settle_delay,
        )
        self.language = hass.config.language
        self.write_timeout = WRITE_CONFIRM_TIMEOUT
        self.write_pacing = WRITE_PACING
        self.write_stats = WriteStats()
        self._locks: dict[str, asyncio.Lock] = {}
        self._last_write: dict[str, float] = {}
        self._stopped = asyncio.Event()
        self._stopping = False
        self._session_was_up = False
        self._unsubscribe: list[Callable[[], None]] = [
            self.gateway.add_session_listener(self._on_session),
            self.gateway.add_module_listener(self._on_module),
            self.gateway.add_auth_failure_listener(self._on_auth_failure),
        ]

    # --- state --------------------------------------------------------------------------

    @property
    def session_up(self) -> bool:
        """Return True while the cloud session (socket bound and listening) is up."""
        return self.gateway.session_up

    def module_online(self, devid: str) -> bool:
        """Return False only when the module is known to be offline (unknown counts as online)."""
        return self.gateway.module_online(devid) is not False

    @property
    def present_devids(self) -> tuple[str, ...]:
        """Return the configured modules the last listing still has (all while it names none)."""
        listed = self.data or {}
        return tuple(d for d in self.devids if not listed or d in listed)

    def module_info(self, devid: str) -> Module | None:
        """Return the module's row of the last modules listing, or None."""
        return (self.data or {}).get(devid)

    def registers(self, devid: str) -> dict[str, Any]:
        """Return the current registers of a module, ``{"P4.v1": 58.5, …}``."""
        return self.store.module_values(devid)

    def rule_registers(self, devid: str) -> Mapping[str, Any]:
        """Return `registers` plus the SPA ``connectedAt`` getter that STATUS rules read (§4.6).

        A read-through view of the store (`ModuleRegisters`), not a copy: entities read
        it on every state write, and a module may hold thousands of registers.
        """
        info = self.module_info(devid)
        online = self.gateway.module_online(devid)
        connected = info.connected_at if info is not None else None
        getter = {
            CONNECTED_AT_GETTER.replace("{devid}", devid): (
                0 if online is False else (connected or 1)
            )
        }
        return ModuleRegisters(self.store, devid, getter)

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
            "writes": asdict(self.write_stats),
        }

    # --- lifecycle ----------------------------------------------------------------------

    async def async_run(self) -> None:
        """Run the gateway until `async_shutdown` (the entry's background task)."""
        await self.gateway.start()
        try:
            await self._stopped.wait()
        finally:
            await self.gateway.stop()

    async def async_shutdown(self) -> None:
        """Stop the gateway and the listing poll; safe to call more than once."""
        self._stopping = True
        self._stopped.set()
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe.clear()
        await self.gateway.stop()
        await super().async_shutdown()

    async def _async_update_data(self) -> dict[str, Module]:
        """Read the modules listing; detach devices of modules the account no longer has.

        Modules of the installation that the entry does not follow raise the
        ``new_modules`` repair issue (`issues.async_new_modules`).
        """
        try:
            modules = await self.client.modules(self.object_id)
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
        rows = {m.devid: m for m in modules if m.devid in self.devids}
        configured = set(self.config_entry.data[CONF_MODULES])
        issues.async_new_modules(
            self.hass,
            self.config_entry.entry_id,
            self.config_entry.title,
            [m for m in modules if m.devid not in configured],
        )
        if rows:
            self._detach_devices(set(self.devids) - set(rows))
        else:
            LOGGER.debug("The modules listing names none of the configured modules")
        return rows

    def _detach_devices(self, devids: Iterable[str]) -> None:
        """Remove this entry from the devices of modules dropped from the account."""
        registry = dr.async_get(self.hass)
        for devid in devids:
            device = compat.get_device(
                registry, (DOMAIN, devid), self.config_entry.entry_id
            )
            if device is not None:
                LOGGER.info("Module %s is no longer in the account; removing it", devid)
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

    # --- writes -------------------------------------------------------------------------

    def validate(self, descriptor: EntityDescriptor, value: Any) -> int | float | str:
        """Return the raw register value for a shown value, or raise a translated ServiceValidationError."""
        registers = self.registers(descriptor.devid)
        placeholders = {
            "entity": descriptor.label_for(self.language),
            "value": str(value),
        }
        if descriptor.options:
            if not isinstance(value, bool) and value not in descriptor.option_labels(
                self.language
            ):
                raise ServiceValidationError(
                    translation_domain=DOMAIN,
                    translation_key="invalid_option",
                    translation_placeholders={
                        **placeholders,
                        "options": ", ".join(descriptor.option_labels(self.language)),
                    },
                )
        elif isinstance(value, int | float) and not isinstance(value, bool):
            low, high = live_limits(descriptor, registers)
            if (low is not None and value < low) or (high is not None and value > high):
                raise ServiceValidationError(
                    translation_domain=DOMAIN,
                    translation_key="value_out_of_range",
                    translation_placeholders={
                        **placeholders,
                        "min": str(low),
                        "max": str(high),
                    },
                )
            step = descriptor.step
            if step and _off_step(value, low or 0, step):
                raise ServiceValidationError(
                    translation_domain=DOMAIN,
                    translation_key="value_off_step",
                    translation_placeholders={**placeholders, "step": str(step)},
                )
        try:
            return raw_from_display(descriptor, value, registers)
        except BragerOneError as err:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="invalid_value",
                translation_placeholders={**placeholders, "error": str(err)},
            ) from err

    def prepare_write(self, descriptor: EntityDescriptor, value: Any) -> PreparedWrite:
        """Validate a shown value and return what to send and how to recognise its echo.

        Parameter routes are validated and inverse-transformed (`validate`), command
        routes pick the command whose value matches (`command_for`). Nothing is sent.

        Raises:
            ServiceValidationError: The value is invalid or the entity is not writable.

        """
        write = descriptor.write or {}
        devid = descriptor.devid
        if write.get("kind") == "parameter":
            raw = self.validate(descriptor, value)
            key = ParamKey.parse(devid, f"{write['pool']}.{write['parameter']}")
            return PreparedWrite(
                descriptor=descriptor,
                keys=frozenset({key}),
                confirmed=lambda: _same_value(self.store.get(key), raw),
                send=self._sender(
                    devid,
                    pool=str(write["pool"]),
                    parameter=str(write["parameter"]),
                    raw=raw,
                    parameter_name=write.get("parameter_name"),
                    unit=write.get("unit"),
                ),
            )
        command = (
            command_for(descriptor, self.rule_registers(devid), value)
            if write.get("kind") == "command"
            else None
        )
        if command is None:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="not_writable",
                translation_placeholders={
                    "entity": descriptor.label_for(self.language)
                },
            )
        return PreparedWrite(
            descriptor=descriptor,
            keys=watched_keys(descriptor),
            confirmed=lambda: bool(self.value_of(descriptor) == value),
            send=self._sender(devid, command=command.command, value=command.value),
        )

    async def async_write(self, descriptor: EntityDescriptor, value: Any) -> None:
        """Write a shown value and wait for its pushed echo (DESIGN.md decision 10).

        Raises ServiceValidationError for invalid values (nothing is sent) and a
        translated HomeAssistantError when the cloud refuses the write or no echo comes
        within `write_timeout`.
        """
        await self.async_send_prepared(self.prepare_write(descriptor, value))

    async def async_send_command(
        self, devid: str, command: str, value: Any = None
    ) -> None:
        """Send a raw module command through the module's queue (no echo to wait for)."""
        await self._queued(devid, self._sender(devid, command=command, value=value))

    def _sender(self, devid: str, **kwargs: Any) -> Callable[[], Awaitable[Any]]:
        """Return a coroutine factory that sends one write or command."""
        if "command" in kwargs:
            return lambda: self.client.send_command(
                devid, kwargs["command"], kwargs["value"]
            )
        return lambda: self.client.write_parameter(
            devid,
            kwargs["pool"],
            kwargs["parameter"],
            kwargs["raw"],
            parameter_name=kwargs["parameter_name"],
            unit=kwargs["unit"],
        )

    async def _queued(self, devid: str, send: Callable[[], Awaitable[Any]]) -> None:
        """Send through the module's serialised, paced queue; map client errors."""
        lock = self._locks.setdefault(devid, asyncio.Lock())
        async with lock:
            wait = (
                self._last_write.get(devid, -math.inf)
                + self.write_pacing
                - time.monotonic()
            )
            if wait > 0:
                await asyncio.sleep(wait)
            try:
                await send()
            except AuthenticationError as err:
                self.write_stats.refused += 1
                self.config_entry.async_start_reauth(self.hass)
                raise HomeAssistantError(
                    translation_domain=DOMAIN, translation_key="auth_failed"
                ) from err
            except ApiError as err:
                self.write_stats.refused += 1
                raise HomeAssistantError(
                    translation_domain=DOMAIN,
                    translation_key="write_refused",
                    translation_placeholders={"error": str(err)},
                ) from err
            except BragerOneError as err:
                self.write_stats.refused += 1
                raise HomeAssistantError(
                    translation_domain=DOMAIN,
                    translation_key="write_failed",
                    translation_placeholders={"error": str(err)},
                ) from err
            finally:
                self._last_write[devid] = time.monotonic()
            self.write_stats.sent += 1

    async def async_send_prepared(self, write: PreparedWrite) -> None:
        """Send a prepared write, then wait for its echo or roll back (translated errors)."""
        descriptor, confirmed = write.descriptor, write.confirmed
        echo: asyncio.Future[None] = self.hass.loop.create_future()

        def on_change(_updates: list[Any]) -> None:
            if not echo.done() and confirmed():
                echo.set_result(None)

        unwatch = self.store.watch(on_change, write.keys)
        try:
            await self._queued(descriptor.devid, write.send)
            if not echo.done() and confirmed():
                echo.set_result(None)
            try:
                async with asyncio.timeout(self.write_timeout):
                    await echo
            except TimeoutError as err:
                self.write_stats.rolled_back += 1
                raise HomeAssistantError(
                    translation_domain=DOMAIN,
                    translation_key="write_not_confirmed",
                    translation_placeholders={
                        "entity": descriptor.label_for(self.language),
                        "timeout": f"{self.write_timeout:g}",
                    },
                ) from err
        finally:
            unwatch()
        self.write_stats.confirmed += 1

    async def async_refresh_now(self, devid: str | None = None) -> None:
        """Re-prime one module (or all) now; raise a translated HomeAssistantError on failure."""
        try:
            await self.gateway.prime(None if devid is None else (devid,))
        except BragerOneError as err:
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="refresh_failed",
                translation_placeholders={"error": str(err)},
            ) from err
