"""Compatibility with the oldest Home Assistant release the integration supports.

The integration is written for the newest Home Assistant (2026.10+). Its device registry
made a device belong to one config entry: it looks devices up per entry
(``async_get_device_by_identifier``), names the owner ``DeviceEntry.config_entry_id`` and
links a device to its parent with ``via_device_id``; the older lookup
``async_get_device``, ``DeviceEntry.config_entries`` and ``via_device=`` are deprecated
there (removed in 2027.8 / 2027.10). The minimum release in ``hacs.json`` (2025.4) has
only the older forms. This module is the one place that bridges the two, by feature
detection rather than version numbers; everything else calls these helpers. It goes away
when the minimum reaches a release with the newer registry.

Child devices (``ChildDeviceInfo``, Home Assistant 2026.9+) put a module's sub-systems
(hot water, each heating circuit, burner, buffer, fuel) below the module's device; on an
older release `sub_device_info` falls back to the module's own device (a flat layout).
"""

from __future__ import annotations

import inspect
from typing import Any

from homeassistant.helpers import device_registry as dr

try:  # Home Assistant 2025.5+ defines it in the constants module
    from homeassistant.components.water_heater.const import (  # type: ignore[attr-defined,unused-ignore]
        WaterHeaterEntityFeature,
    )
except ImportError:  # pragma: no cover - 2025.4 defines it in the package only
    from homeassistant.components.water_heater import (  # type: ignore[attr-defined,no-redef,unused-ignore]
        WaterHeaterEntityFeature,
    )

HAS_CHILD_DEVICES: bool = hasattr(dr, "ChildDeviceInfo")
"""True on a Home Assistant with child devices (2026.9+)."""

_HAS_VIA_DEVICE_ID = (
    "via_device_id"
    in inspect.signature(dr.DeviceRegistry.async_get_or_create).parameters
)


def device_owner(device: object) -> str | None:
    """Return the id of the config entry that owns a device entry (None: an orphan).

    On 2025.4 a device may belong to several entries; its primary entry is the owner.
    """
    attribute = (
        "config_entry_id"
        if hasattr(device, "config_entry_id")
        else "primary_config_entry"
    )
    owner = getattr(device, attribute, None)
    return owner if isinstance(owner, str) else None


def get_device(
    registry: dr.DeviceRegistry, identifier: tuple[str, str], config_entry_id: str
) -> dr.DeviceEntry | None:
    """Return the device with ``identifier`` owned by the config entry, or None."""
    by_identifier = getattr(registry, "async_get_device_by_identifier", None)
    if by_identifier is not None:
        found: dr.DeviceEntry | None = by_identifier(identifier, config_entry_id)
        return found
    device = registry.async_get_device(identifiers={identifier})
    if device is None or config_entry_id not in device.config_entries:
        return None
    return device


def get_or_create_device(
    registry: dr.DeviceRegistry,
    *,
    config_entry_id: str,
    via: dr.DeviceEntry | None = None,
    **info: Any,
) -> dr.DeviceEntry:
    """Create or update a device of the config entry, below the ``via`` device if given.

    ``info`` holds the other keyword arguments of ``DeviceRegistry.async_get_or_create``
    (identifiers, name, manufacturer, model, sw_version, entry_type, ...).
    """
    if via is not None:
        if _HAS_VIA_DEVICE_ID:
            info["via_device_id"] = via.id
        else:
            info["via_device"] = next(iter(sorted(via.identifiers)))
    return registry.async_get_or_create(config_entry_id=config_entry_id, **info)


def sub_device_info(
    *,
    identifier: tuple[str, str],
    parent_identifier: tuple[str, str],
    parent_device_id: str | None,
    name: str | None,
) -> dr.DeviceInfo:
    """Return the device info of a sub-system: a child of the module's device, or the module's.

    `parent_device_id` is the module device's registry id (None when unknown: the
    module's device is used). Typed as ``DeviceInfo`` (what 2025.4 knows); on 2026.9+ it
    is a ``ChildDeviceInfo``, which entities may return from ``device_info``.
    """
    if HAS_CHILD_DEVICES and parent_device_id is not None:
        child: dict[str, Any] = {
            "identifiers": {identifier},
            "parent_device_id": parent_device_id,
            "name": name,
        }
        return child  # type: ignore[return-value]
    return dr.DeviceInfo(identifiers={parent_identifier})


__all__ = [
    "HAS_CHILD_DEVICES",
    "WaterHeaterEntityFeature",
    "device_owner",
    "get_device",
    "get_or_create_device",
    "sub_device_info",
]
