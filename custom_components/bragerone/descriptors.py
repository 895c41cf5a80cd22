"""Stored entity descriptors → Home Assistant entity descriptions (pure; no callables stored).

An `EntityDescriptor` (``api/descriptor.py``) keeps Home Assistant's spellings as plain
strings; here they become enum members, invalid ones are dropped (logged once), and the
vendor label in Home Assistant's language (DESIGN.md decision 7) becomes the name.
"""

from __future__ import annotations

from typing import Any, Final

from homeassistant.components.binary_sensor import (
    BinarySensorDeviceClass,
    BinarySensorEntityDescription,
)
from homeassistant.components.button import ButtonEntityDescription
from homeassistant.components.number import (
    NumberDeviceClass,
    NumberEntityDescription,
    NumberMode,
)
from homeassistant.components.select import SelectEntityDescription
from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.components.switch import SwitchEntityDescription
from homeassistant.const import EntityCategory
from homeassistant.helpers.entity import EntityDescription

from . import compat
from .api.descriptor import EntityDescriptor, pick_label
from .api.roles import has_own_device, name_within
from .const import LOGGER

_WARNED: set[tuple[str, str]] = set()


def _enum[E](
    kind: type[E], value: str | None, descriptor: EntityDescriptor
) -> E | None:
    """Return ``kind(value)``, or None (logged once per descriptor) when it is not a member."""
    if value is None:
        return None
    try:
        return kind(value)  # type: ignore[call-arg]
    except ValueError:
        if (descriptor.unique_id, value) not in _WARNED:
            _WARNED.add((descriptor.unique_id, value))
            LOGGER.debug(
                "%s: %r is not a %s", descriptor.unique_id, value, kind.__name__
            )
        return None


def _name(descriptor: EntityDescriptor, language: str | None) -> str:
    """Return the entity's name: the vendor's label, within its sub-system's device.

    On a child device (``Valve 1``) the label loses the sub-system's name
    (``"Room thermostat"``); without child devices (before 2026.9) the sub-system's
    name leads instead (``"Valve 1 Room thermostat"``), so the entity ids are the same
    on both layouts.
    """
    if not has_own_device(descriptor.subsystem):
        return descriptor.label_for(language)
    name = name_within(descriptor, language)
    if compat.HAS_CHILD_DEVICES:
        return name
    prefix = pick_label(descriptor.subsystem_label, language)
    return f"{prefix} {name}" if prefix else name


ROLE_ICON_KEYS: Final = {
    ("binary_sensor", "pump"): "pump",
    ("binary_sensor", "running"): "running",
    ("sensor", "counter"): "counter",
    ("sensor", "burner_state"): "burner_state",
    ("select", "mode"): "mode",
    ("switch", "on_off"): "on_off",
}
"""(platform, role) → the translation key whose icons icons.json gives (no name there:
the vendor's label stays the entity's name)."""


def _common(descriptor: EntityDescriptor, language: str | None) -> dict[str, Any]:
    """Return the description fields every platform shares."""
    role_key = ROLE_ICON_KEYS.get((descriptor.platform, descriptor.role or ""))
    return {
        "key": descriptor.unique_id,
        "name": _name(descriptor, language),
        "entity_category": _enum(
            EntityCategory, descriptor.entity_category, descriptor
        ),
        "entity_registry_enabled_default": descriptor.enabled_default,
        # The role's icon (icons.json) where it has one, the device class's where there
        # is one, else the vendor's widget hint.
        "translation_key": role_key,
        "icon": None if role_key or descriptor.device_class else descriptor.icon,
    }


def sensor_description(
    descriptor: EntityDescriptor, language: str | None
) -> SensorEntityDescription:
    """Return a sensor description: enum sensors get options and no unit or state class."""
    if descriptor.options or descriptor.rules:
        return SensorEntityDescription(
            **_common(descriptor, language),
            device_class=SensorDeviceClass.ENUM,
            options=list(dict.fromkeys(descriptor.option_labels(language))) or None,
        )
    return SensorEntityDescription(
        **_common(descriptor, language),
        native_unit_of_measurement=descriptor.unit_for(language),
        device_class=_enum(SensorDeviceClass, descriptor.device_class, descriptor),
        state_class=_enum(SensorStateClass, descriptor.state_class, descriptor),
    )


def binary_sensor_description(
    descriptor: EntityDescriptor, language: str | None
) -> BinarySensorEntityDescription:
    """Return a binary sensor description."""
    return BinarySensorEntityDescription(
        **_common(descriptor, language),
        device_class=_enum(
            BinarySensorDeviceClass, descriptor.device_class, descriptor
        ),
    )


def number_description(
    descriptor: EntityDescriptor, language: str | None
) -> NumberEntityDescription:
    """Return a number description with the stored limits (live limits override them at runtime)."""
    extra: dict[str, Any] = {}
    if descriptor.min is not None:
        extra["native_min_value"] = descriptor.min
    if descriptor.max is not None:
        extra["native_max_value"] = descriptor.max
    if descriptor.step:
        extra["native_step"] = descriptor.step
    return NumberEntityDescription(
        **_common(descriptor, language),
        **extra,
        native_unit_of_measurement=descriptor.unit_for(language),
        device_class=_enum(NumberDeviceClass, descriptor.device_class, descriptor),
        mode=NumberMode.BOX,
    )


def select_description(
    descriptor: EntityDescriptor, language: str | None
) -> SelectEntityDescription:
    """Return a select description with the option labels in `language`."""
    return SelectEntityDescription(
        **_common(descriptor, language),
        options=list(dict.fromkeys(descriptor.option_labels(language))),
    )


def switch_description(
    descriptor: EntityDescriptor, language: str | None
) -> SwitchEntityDescription:
    """Return a switch description."""
    return SwitchEntityDescription(**_common(descriptor, language))


def button_description(
    descriptor: EntityDescriptor, language: str | None
) -> ButtonEntityDescription:
    """Return a button description (a raw command such as the fuel reset)."""
    return ButtonEntityDescription(**_common(descriptor, language))


def description_for(
    descriptor: EntityDescriptor, language: str | None
) -> EntityDescription:
    """Return the platform's description of a descriptor (ValueError for an unknown platform)."""
    builders = {
        "sensor": sensor_description,
        "binary_sensor": binary_sensor_description,
        "number": number_description,
        "select": select_description,
        "switch": switch_description,
        "button": button_description,
    }
    try:
        builder = builders[descriptor.platform]
    except KeyError as err:
        msg = f"{descriptor.unique_id}: unknown platform {descriptor.platform!r}"
        raise ValueError(msg) from err
    return builder(descriptor, language)
