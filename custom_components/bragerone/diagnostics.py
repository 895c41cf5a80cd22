"""Diagnostics of BragerOne (config entry and device), with personal data redacted.

What is shown: the entry's settings, a summary of the stored descriptors (schema
version, fingerprint, entity counts per platform per module, alarm names), each module's
listing row, current registers (the store), current alarms, alarm history (its first
page, read when the diagnostics are downloaded) and activity feed, the token's expiry
and the connection and write telemetry of the coordinator
(`BragerOneCoordinator.telemetry`).

What is redacted and why:

* e-mail, password, access and refresh tokens, the user id: credentials and account;
* the object id and the entry's unique id and title (``{server}_{object_id}``; the
  installation's name is usually the owner's family name: "Dom Kowalskich"), the custom
  API and web-app URLs (host addresses): they identify the installation and its owner;
* module ids, names and addresses of the modules listing, and gateway addresses;
* the devid: it is the module's hardware serial (the controller shows it as
  ``ID ETH: <devid>``, PROTOCOL.md §5.1), so every devid is replaced by a stable alias
  ``**REDACTED_MODULE_<n>**`` wherever it appears, in keys and inside strings (register
  maps, module lists, telemetry, unique ids), which keeps modules apart without
  revealing them;
* register values that embed a serial (P11 strings ``ID <interface>: <serial>``) keep
  their prefix only, and pool P8 (controller passwords and login codes, §5.1) is
  redacted entirely;
* who made a change in the activity feed (the user's name and id, §2.8a): they never
  leave the library's `Activity` records;
* as a last guard, any remaining occurrence of the e-mail, password or tokens inside a
  string is replaced too.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import asdict
from typing import Any, Final

from homeassistant.components.diagnostics import REDACTED, async_redact_data
from homeassistant.const import CONF_EMAIL, CONF_PASSWORD
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr

from .api import BragerOneError
from .api.alarms import Alarm
from .api.registers import redact_register
from .api.roles import candidate_composites
from .const import CONF_API_URL, CONF_CATALOGUE, CONF_OBJECT_ID, CONF_WEB_URL, DOMAIN
from .coordinator import BragerOneConfigEntry, BragerOneCoordinator

TO_REDACT_ENTRY: Final = {
    CONF_EMAIL,
    CONF_PASSWORD,
    CONF_OBJECT_ID,
    CONF_API_URL,
    CONF_WEB_URL,
    "title",
    "unique_id",
}
"""Keys of the entry record (data, options, title, unique id) shown as ``**REDACTED**``."""
TO_REDACT_MODULE: Final = {"id", "name", "address"}
"""Keys of a modules-listing row (and its gateway) shown as ``**REDACTED**``."""
TO_REDACT_TOKEN: Final = {"access_token", "refresh_token", "user_id", "object_ids"}
"""Keys of the login token shown as ``**REDACTED**``."""
MODULE_ALIAS: Final = "**REDACTED_MODULE_{n}**"
_MIN_SECRET_LENGTH: Final = 4


def module_aliases(devids: list[str]) -> dict[str, str]:
    """Return devid → ``**REDACTED_MODULE_<n>**`` (n from 1, in the given order)."""
    return {devid: MODULE_ALIAS.format(n=n) for n, devid in enumerate(devids, start=1)}


def _scrub(data: Any, replacements: Mapping[str, str]) -> Any:
    """Replace every occurrence of each secret (keys and string values, recursively)."""
    if isinstance(data, Mapping):
        return {
            _scrub(key, replacements): _scrub(value, replacements)
            for key, value in data.items()
        }
    if isinstance(data, list | tuple | set | frozenset):
        return [_scrub(item, replacements) for item in data]
    if isinstance(data, str):
        for secret, alias in replacements.items():
            data = data.replace(secret, alias)
    return data


def _replacements(entry: BragerOneConfigEntry) -> dict[str, str]:
    """Return what `_scrub` replaces: devids by alias, credentials and tokens by REDACTED."""
    coordinator = entry.runtime_data.coordinator
    devids = list(
        dict.fromkeys([*entry.data.get("modules", ()), *coordinator.catalogue.modules])
    )
    replacements = module_aliases(devids)
    token = entry.runtime_data.client.token
    secrets = [
        entry.data.get(CONF_EMAIL),
        entry.data.get(CONF_PASSWORD),
        token.access_token if token is not None else None,
        token.refresh_token if token is not None else None,
    ]
    for secret in secrets:
        if isinstance(secret, str) and len(secret) >= _MIN_SECRET_LENGTH:
            replacements[secret] = REDACTED
    # Longest first, so a devid inside a longer secret cannot split it.
    return dict(sorted(replacements.items(), key=lambda item: -len(item[0])))


def _catalogue_summary(coordinator: BragerOneCoordinator) -> dict[str, Any]:
    """Return the stored catalogue's versions, per-module entity counts and composites.

    ``composites`` maps ``"<kind>:<sub-system>"`` to ``"complete"`` or to the required
    roles that were not found (no entity is made then; DESIGN.md decision 13).
    """
    catalogue = coordinator.catalogue
    return {
        "schema_version": catalogue.schema_version,
        "roles_version": catalogue.roles_version,
        "alarm_names": {
            "version": catalogue.alarms.version,
            "codes": len(catalogue.alarms.symbols),
            "translated": len(catalogue.alarms.labels),
        },
        "fingerprint": catalogue.fingerprint,
        "languages": list(catalogue.languages),
        "default_language": catalogue.default_language,
        "built_at": catalogue.built_at,
        "modules": {
            devid: {
                "title": module.title,
                "version": module.version,
                "descriptors": len(module.descriptors),
                "platforms": dict(
                    sorted(Counter(d.platform for d in module.descriptors).items())
                ),
                # Heating composites made, and those a missing role prevented.
                "composites": {
                    f"{c.kind.value}:{c.subsystem}": list(c.missing) or "complete"
                    for c in candidate_composites(module.descriptors)
                },
            }
            for devid, module in catalogue.modules.items()
        },
    }


def _module(coordinator: BragerOneCoordinator, devid: str) -> dict[str, Any]:
    """Return one module's listing row, online state and current registers."""
    info = coordinator.module_info(devid)
    registers = coordinator.registers(devid)
    return {
        "configured": devid in coordinator.devids,
        "listed": devid in (coordinator.data or {}),
        "online": coordinator.gateway.module_online(devid),
        "listing": async_redact_data(asdict(info), TO_REDACT_MODULE)
        if info is not None
        else None,
        "registers": {
            address: redact_register(address, value)
            for address, value in sorted(registers.items())
        },
    }


def _alarm_record(alarm: Alarm) -> dict[str, Any]:
    return {
        "code": alarm.code,
        "started": alarm.started.isoformat() if alarm.started else None,
        "ended": alarm.ended.isoformat() if alarm.ended else None,
    }


async def _alarms(coordinator: BragerOneCoordinator, devid: str) -> dict[str, Any]:
    """Return the module's current alarms (as last read), alarm history and activity feed.

    The history's first page is read now; a failed read is reported, not raised. The
    activity rows carry no user (who made a change is personal data, §2.8a).
    """
    gateway = coordinator.gateway
    try:
        history: Any = [
            _alarm_record(a)
            for a in await coordinator.client.alarm_history([devid])
            if a.devid == devid
        ]
    except BragerOneError as err:
        history = {"error": str(err)}
    return {
        "count": gateway.alarms.counts.get(devid),
        "current": [_alarm_record(a) for a in gateway.alarms.current.get(devid, [])],
        "history": history,
        "activity": [
            {
                "id": row.id,
                "token": row.token,
                "address": row.address,
                "previous": row.previous,
                "value": row.value,
                "state": row.state,
                "created": row.created.isoformat() if row.created else None,
            }
            for row in gateway.activity.latest.get(devid, [])
        ],
    }


def _token(entry: BragerOneConfigEntry) -> dict[str, Any] | None:
    """Return the login token with its secrets redacted (None before the first login)."""
    token = entry.runtime_data.client.token
    if token is None:
        return None
    record = asdict(token)
    record["expires_at"] = (
        token.expires_at.isoformat() if token.expires_at is not None else None
    )
    return async_redact_data(record, TO_REDACT_TOKEN)


def _entry_record(entry: BragerOneConfigEntry) -> dict[str, Any]:
    """Return the entry's settings (the stored catalogue summarised elsewhere)."""
    return async_redact_data(
        {
            "title": entry.title,
            "unique_id": entry.unique_id,
            "version": entry.version,
            "minor_version": entry.minor_version,
            "data": {k: v for k, v in entry.data.items() if k != CONF_CATALOGUE},
            "options": dict(entry.options),
        },
        TO_REDACT_ENTRY,
    )


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: BragerOneConfigEntry
) -> dict[str, Any]:
    """Return the diagnostics of a loaded entry (personal data redacted, see the module doc)."""
    coordinator = entry.runtime_data.coordinator
    return _scrub(  # type: ignore[no-any-return]
        {
            "entry": _entry_record(entry),
            "catalogue": _catalogue_summary(coordinator),
            "modules": {
                devid: {
                    **_module(coordinator, devid),
                    "alarms": await _alarms(coordinator, devid),
                }
                for devid in coordinator.catalogue.modules
            },
            "token": _token(entry),
            "telemetry": coordinator.telemetry(),
        },
        _replacements(entry),
    )


async def async_get_device_diagnostics(
    hass: HomeAssistant, entry: BragerOneConfigEntry, device: dr.DeviceEntry
) -> dict[str, Any]:
    """Return the diagnostics of one module device (the installation gets the entry's)."""
    coordinator = entry.runtime_data.coordinator
    devid = next(
        (
            identifier
            for domain, identifier in device.identifiers
            if domain == DOMAIN and identifier in coordinator.catalogue.modules
        ),
        None,
    )
    if devid is None:
        return await async_get_config_entry_diagnostics(hass, entry)
    summary = _catalogue_summary(coordinator)
    return _scrub(  # type: ignore[no-any-return]
        {
            "device": {
                "name": REDACTED,
                "model": device.model,
                "sw_version": device.sw_version,
            },
            "catalogue": {
                **{k: v for k, v in summary.items() if k != "modules"},
                "module": summary["modules"][devid],
            },
            "module": {
                **_module(coordinator, devid),
                "alarms": await _alarms(coordinator, devid),
            },
            "telemetry": coordinator.telemetry(),
        },
        _replacements(entry),
    )
