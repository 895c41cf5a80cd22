"""Actions of BragerOne: set a parameter, send a raw command, re-prime and read registers.

Registered once in `async_setup` (Home Assistant's ``action-setup`` rule), so they exist
even while no entry is loaded; each call then finds the module's loaded entry through
the device registry. Fields are checked here and refused with a translated
`ServiceValidationError`; writes go through the library's write path (validation,
per-module queue, echo confirmation), exactly like entity writes (DESIGN.md decision 10),
and its errors are translated in one place (`helpers.translated_errors`). The two
actions that change the controller, ``set_parameter`` and ``send_command``, are for
administrators only.
"""

from __future__ import annotations

from dataclasses import dataclass
import json
import math
from typing import Any, Final

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv, device_registry as dr
from homeassistant.helpers.service import async_register_admin_service
import voluptuous as vol

from . import compat
from .api import ParamKey
from .api.assets.transforms import KIND_TIME_OF_DAY_10MIN
from .api.registers import address_sort_key, route_owner
from .const import DOMAIN
from .coordinator import BragerOneConfigEntry, BragerOneCoordinator
from .helpers import async_command, async_refresh, async_write, async_write_raw

SERVICE_SET_PARAMETER: Final = "set_parameter"
SERVICE_SEND_COMMAND: Final = "send_command"
SERVICE_REFRESH: Final = "refresh"
SERVICE_GET_PARAMETERS: Final = "get_parameters"

ATTR_DEVICE_ID: Final = "device_id"
ATTR_ADDRESS: Final = "address"
ATTR_VALUE: Final = "value"
ATTR_RAW_VALUE: Final = "raw_value"
ATTR_COMMAND: Final = "command"

_SCALAR = vol.Any(bool, int, float, str)
"""A field value before its own check (types refused here get the translated errors)."""

SET_PARAMETER_SCHEMA: Final = vol.Schema(
    {
        vol.Required(ATTR_DEVICE_ID): cv.string,
        vol.Required(ATTR_ADDRESS): cv.string,
        vol.Optional(ATTR_VALUE): _SCALAR,
        vol.Optional(ATTR_RAW_VALUE): _SCALAR,
    }
)
SEND_COMMAND_SCHEMA: Final = vol.Schema(
    {
        vol.Required(ATTR_DEVICE_ID): cv.string,
        vol.Required(ATTR_COMMAND): cv.string,
        vol.Optional(ATTR_VALUE): _SCALAR,
    }
)
REFRESH_SCHEMA: Final = vol.Schema({vol.Optional(ATTR_DEVICE_ID): cv.string})
GET_PARAMETERS_SCHEMA: Final = vol.Schema({vol.Required(ATTR_DEVICE_ID): cv.string})


@dataclass(frozen=True, kw_only=True)
class ModuleTarget:
    """The module a call is about: its devid and the coordinator of its loaded entry."""

    devid: str
    coordinator: BragerOneCoordinator


def _invalid(*, key: str, **placeholders: Any) -> ServiceValidationError:
    """Return a translated ServiceValidationError."""
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders={k: str(v) for k, v in placeholders.items()},
    )


def _loaded_entries(hass: HomeAssistant) -> list[BragerOneConfigEntry]:
    """Return the loaded BragerOne entries."""
    return [
        entry
        for entry in hass.config_entries.async_entries(DOMAIN)
        if entry.state is ConfigEntryState.LOADED
    ]


def _module_target(hass: HomeAssistant, device_id: str) -> ModuleTarget:
    """Return the module behind a device id.

    Raises:
        ServiceValidationError: ``device_not_found`` (no such device),
            ``device_not_module`` (not a module device of this integration, e.g. the
            installation or another integration's device), ``entry_not_loaded``.

    """
    device = dr.async_get(hass).async_get(device_id)
    if device is None:
        raise _invalid(key="device_not_found", device_id=device_id)
    devids = {i[1] for i in device.identifiers if i[0] == DOMAIN}
    owner = compat.device_owner(device)
    entry = hass.config_entries.async_get_entry(owner) if owner else None
    if not devids or entry is None or entry.domain != DOMAIN:
        raise _invalid(key="device_not_module", device=device.name or device_id)
    if entry.state is not ConfigEntryState.LOADED:
        raise _invalid(key="entry_not_loaded", device=device.name or device_id)
    typed: BragerOneConfigEntry = entry
    coordinator = typed.runtime_data.coordinator
    for devid in devids:
        if devid in coordinator.devids:
            return ModuleTarget(devid=devid, coordinator=coordinator)
    raise _invalid(key="device_not_module", device=device.name or device_id)


def _register_key(devid: str, address: str) -> ParamKey:
    """Parse ``P<pool>.<channel><index>`` (translated ``invalid_address`` when it is not)."""
    try:
        return ParamKey.parse(devid, address.strip())
    except ValueError as err:
        raise _invalid(key="invalid_address", address=address) from err


def _known(target: ModuleTarget, key: ParamKey) -> bool:
    """Return True when the register has a value or any stored descriptor reads it."""
    if key.address in target.coordinator.registers(target.devid):
        return True
    module = target.coordinator.catalogue.modules[target.devid]
    return any(d.address == key.address for d in module.descriptors)


def _number(value: Any, address: str) -> int | float:
    """Return a field value as a finite number (translated ``not_a_number`` otherwise)."""
    number: float
    if isinstance(value, bool):
        raise _invalid(key="not_a_number", value=value, address=address)
    if isinstance(value, int):
        return value
    try:
        number = float(value)
    except (TypeError, ValueError) as err:
        raise _invalid(key="not_a_number", value=value, address=address) from err
    if not math.isfinite(number):
        raise _invalid(key="not_a_number", value=value, address=address)
    return int(number) if number.is_integer() else number


async def _set_parameter(hass: HomeAssistant, call: ServiceCall) -> None:
    """Write a register of a module: a shown ``value`` or a ``raw_value``, confirmed by echo."""
    target = _module_target(hass, call.data[ATTR_DEVICE_ID])
    key = _register_key(target.devid, call.data[ATTR_ADDRESS])
    has_value, has_raw = ATTR_VALUE in call.data, ATTR_RAW_VALUE in call.data
    if has_value == has_raw:
        raise _invalid(key="value_xor_raw_value")
    coordinator = target.coordinator
    owner = route_owner(coordinator.catalogue.modules[target.devid].descriptors, key)
    if owner is None and not _known(target, key):
        raise _invalid(key="unknown_register", address=key.address)
    if has_raw:
        raw = _number(call.data[ATTR_RAW_VALUE], key.address)
        await async_write_raw(coordinator, target.devid, key.address, raw, owner)
        return
    if owner is None:
        raise _invalid(key="no_descriptor", address=key.address)
    shown = call.data[ATTR_VALUE]
    time_of_day = (
        owner.transform is not None and owner.transform.kind == KIND_TIME_OF_DAY_10MIN
    )
    if not owner.options and not time_of_day:  # a time of day is shown as "06:30"
        shown = _number(shown, key.address)
    await async_write(coordinator, owner, shown)


async def _send_command(hass: HomeAssistant, call: ServiceCall) -> None:
    """Send a raw module command (``POST /v1/module/command/raw``, PROTOCOL.md §2.10b).

    A text value is read as a JSON literal when it is one (``true``, ``1``, ``40.5``),
    as the UI's text field sends every value as text.
    """
    target = _module_target(hass, call.data[ATTR_DEVICE_ID])
    command = call.data[ATTR_COMMAND].strip()
    if not command or not all(
        c.isascii() and (c.isalnum() or c == "_") for c in command
    ):
        raise _invalid(key="invalid_command", command=call.data[ATTR_COMMAND])
    value = call.data.get(ATTR_VALUE)
    if isinstance(value, str):
        try:
            parsed = json.loads(value)
        except ValueError:
            parsed = value
        value = parsed if isinstance(parsed, bool | int | float | str) else value
    await async_command(target.coordinator, target.devid, command, value)


async def _refresh(hass: HomeAssistant, call: ServiceCall) -> None:
    """Re-prime one module now, or every module of every loaded entry."""
    if (device_id := call.data.get(ATTR_DEVICE_ID)) is not None:
        target = _module_target(hass, device_id)
        await async_refresh(target.coordinator, target.devid)
        return
    entries = _loaded_entries(hass)
    if not entries:
        raise _invalid(key="no_loaded_entry")
    for entry in entries:
        await async_refresh(entry.runtime_data.coordinator)


async def _get_parameters(hass: HomeAssistant, call: ServiceCall) -> ServiceResponse:
    """Return ``{"devid": …, "registers": {"P4.v1": 58.5, …}}`` of a module, sorted."""
    target = _module_target(hass, call.data[ATTR_DEVICE_ID])
    registers = target.coordinator.registers(target.devid)
    return {
        "devid": target.devid,
        "registers": dict(
            sorted(registers.items(), key=lambda item: address_sort_key(item[0]))
        ),
    }


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the integration's actions (once, from `async_setup`)."""

    async def set_parameter(call: ServiceCall) -> None:
        await _set_parameter(hass, call)

    async def send_command(call: ServiceCall) -> None:
        await _send_command(hass, call)

    async def refresh(call: ServiceCall) -> None:
        await _refresh(hass, call)

    async def get_parameters(call: ServiceCall) -> ServiceResponse:
        return await _get_parameters(hass, call)

    async_register_admin_service(
        hass, DOMAIN, SERVICE_SET_PARAMETER, set_parameter, schema=SET_PARAMETER_SCHEMA
    )
    async_register_admin_service(
        hass, DOMAIN, SERVICE_SEND_COMMAND, send_command, schema=SEND_COMMAND_SCHEMA
    )
    hass.services.async_register(
        DOMAIN, SERVICE_REFRESH, refresh, schema=REFRESH_SCHEMA
    )
    hass.services.async_register(
        DOMAIN,
        SERVICE_GET_PARAMETERS,
        get_parameters,
        schema=GET_PARAMETERS_SCHEMA,
        supports_response=SupportsResponse.ONLY,
    )
