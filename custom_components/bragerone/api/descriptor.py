"""The stored entity descriptor: everything an entity needs at runtime, as versioned JSON.

DESIGN.md "Data flow": the catalogue build (config time) turns the vendor's web-app
assets into one `EntityDescriptor` per entity; the integration stores them in the config
entry and never parses assets at runtime. `display_value` and `raw_from_display` are the
cheap runtime halves (PROTOCOL.md §5): register words → shown value, and shown value →
raw register value (inverse unit transform, range check).

This module never imports Home Assistant: platforms, units, device and state classes
are plain strings with Home Assistant's spelling.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
import math
from typing import Any, Final

from .assets.errors import TransformError
from .assets.parameters import (
    Command,
    Rule,
    Selector,
    compose,
    evaluate_rules,
    read_register,
    rules_have_data,
)
from .assets.transforms import KIND_TIME_OF_DAY_10MIN, Transform
from .assets.units import normalize_option_key
from .exceptions import BragerOneError

SCHEMA_VERSION: Final = 1
"""Version of the `EntityDescriptor.to_dict` format; bump on incompatible changes."""

PLATFORMS: Final = frozenset(
    {"sensor", "binary_sensor", "number", "select", "switch", "button"}
)
LANGUAGE_FALLBACK: Final = ("en", "pl")
"""Label fallback order after the requested language (DESIGN.md decision 7)."""


class DescriptorValueError(BragerOneError, ValueError):
    """A shown value cannot be turned into a raw register value (out of range, not an option, wrong type)."""


@dataclass(frozen=True, slots=True)
class Option:
    """One enum option: the raw key (int, or tag name such as ``"ON"``) and its label per language."""

    key: int | str
    label: dict[str, str]

    def to_dict(self) -> dict[str, Any]:
        """Return ``{"key": …, "label": {lang: text}}``."""
        return {"key": self.key, "label": dict(self.label)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Option:
        """Rebuild from `to_dict` output."""
        key = data.get("key")
        return cls(
            key=key if isinstance(key, int | str) else str(key),
            label={str(k): str(v) for k, v in dict(data.get("label") or {}).items()},
        )


def pick_label(labels: Mapping[str, str], language: str | None) -> str | None:
    """Return the label in ``language``, else English, else Polish, else any (DESIGN.md decision 7)."""
    for lang in (language, *LANGUAGE_FALLBACK):
        if lang is not None and labels.get(lang):
            return labels[lang]
    for text in labels.values():
        if text:
            return text
    return None


def finite_number(value: Any) -> int | float | None:
    """Return ``value`` when it is a number a float can hold: not a bool, NaN, infinity or an int beyond the float range."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        return value if math.isfinite(value) else None
    except OverflowError:  # an int too large for a float (JSON allows any length)
        return None


def _transform_from(data: Any) -> Transform | None:
    if data is None:
        return None
    try:
        return Transform.from_dict(data)
    except TransformError:
        return None


def _write_to_json(write: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if write is None:
        return None
    out = dict(write)
    rules = out.get("rules")
    if isinstance(rules, tuple | list):
        out["rules"] = [r.to_dict() if isinstance(r, Rule) else r for r in rules]
    return out


def _write_from_json(data: Any) -> dict[str, Any] | None:
    if not isinstance(data, Mapping):
        return None
    out = dict(data)
    rules = out.get("rules")
    if isinstance(rules, list):
        out["rules"] = tuple(Rule.from_dict(r) for r in rules if isinstance(r, Mapping))
    return out


@dataclass(frozen=True, kw_only=True)
class EntityDescriptor:
    """One Home Assistant entity of a BragerOne module, resolved from the vendor's assets.

    JSON-safe through `to_dict`/`from_dict` (`from_dict` ignores unknown keys). Not
    hashable (it holds dicts); compare with ``==``.

    Attributes:
        unique_id: ``{devid}_{pool}_{chan}{idx}`` plus ``_bit{n}`` for single-bit values (DESIGN.md decision 6).
        devid: The module's device id.
        token: The vendor's menu token (``PARAM_P4_59``).
        platform: ``sensor``, ``binary_sensor``, ``number``, ``select``, ``switch`` or ``button`` (DESIGN.md decision 8).
        address: The value register (``"P4.v59"``); ``bit`` the single bit it reads, if any.
        value: The value selectors (composition, bit, mask, convert, times; §5.4).
        rules: The computed STATUS rule list (§4.6), when the value is a tag.
        unit_address, min_address, max_address, status_address: The family's ``u``/``n``/``x``/``s`` registers.
        unit_code: The unit code used (live ``u`` at build time, else the map's).
        unit_text: The vendor's unit label per language (``{"pl": "kW", "en": "kW"}``), None when none.
        unit, device_class, state_class: Home Assistant unit of measurement, device class and state class.
        label: The vendor's label per language.
        menu_path: Ancestor menu titles per language.
        route, section: The menu route name and section (``read``/``write``/``status``/``special``).
        options: Enum options in the vendor's order (for ``select``, enum ``sensor`` and two-state switches).
        token_labels: Labels of i18n tokens a transform may show (the time-of-day "off").
        min, max, step: Limits in display units at build time (``number`` only).
        transform, inverse: The unit's display transform and the ``valuePrepare`` inverse, as data.
        writable: The menu offers it for editing.
        write: The write route: ``{"kind": "parameter", "pool", "parameter", "parameter_name", "unit"}`` or
            ``{"kind": "command", "mode", "rules"}`` (PROTOCOL.md §2.10).
        entity_category: ``None``, ``"config"`` or ``"diagnostic"``.
        enabled_default: Whether the entity is enabled when first created.
        icon: An ``mdi:`` icon hint, or None.
        component: The vendor widget (``useComponent``), for diagnostics.
        role: What the parameter is for its sub-system (`roles.Role`: current or target
            temperature, mode, on/off, pump, …), None when it has no role (`roles.assign_roles`).
        subsystem: The sub-system it belongs to (``"boiler"``, ``"hot_water"``,
            ``"circuit_1"``, ``"burner"``, ``"buffer"``, ``"fuel"``), None for the module itself.
        subsystem_label: The sub-system's name per language (the vendor's panel title,
            or ``"Valve 1"`` for a numbered circuit).

    """

    unique_id: str
    devid: str
    token: str
    platform: str
    address: str
    bit: int | None = None
    value: tuple[Selector, ...] = ()
    rules: tuple[Rule, ...] = ()
    unit_address: str | None = None
    min_address: str | None = None
    max_address: str | None = None
    status_address: str | None = None
    unit_code: int | None = None
    unit_text: dict[str, str] | None = None
    unit: str | None = None
    device_class: str | None = None
    state_class: str | None = None
    label: dict[str, str] = field(default_factory=dict)
    menu_path: dict[str, list[str]] = field(default_factory=dict)
    route: str | None = None
    section: str | None = None
    options: tuple[Option, ...] = ()
    token_labels: dict[str, dict[str, str]] = field(default_factory=dict)
    min: float | None = None
    max: float | None = None
    step: float | None = None
    transform: Transform | None = None
    inverse: Transform | None = None
    writable: bool = False
    write: dict[str, Any] | None = None
    entity_category: str | None = None
    enabled_default: bool = True
    icon: str | None = None
    component: str | None = None
    role: str | None = None
    subsystem: str | None = None
    subsystem_label: dict[str, str] = field(default_factory=dict)

    def label_for(self, language: str | None) -> str:
        """Return the label in ``language`` with fallbacks; the token when there is none."""
        return pick_label(self.label, language) or self.token

    def option_labels(self, language: str | None) -> list[str]:
        """Return the option labels in ``language`` (with fallbacks), in option order."""
        return [pick_label(o.label, language) or str(o.key) for o in self.options]

    def unit_for(self, language: str | None) -> str | None:
        """Return the Home Assistant unit, else the vendor's unit text in ``language``."""
        if self.unit is not None:
            return self.unit
        return pick_label(self.unit_text, language) if self.unit_text else None

    # -- serialisation ------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON-safe record (with ``schema_version``)."""
        return {
            "schema_version": SCHEMA_VERSION,
            "unique_id": self.unique_id,
            "devid": self.devid,
            "token": self.token,
            "platform": self.platform,
            "address": self.address,
            "bit": self.bit,
            "value": [s.to_dict() for s in self.value],
            "rules": [r.to_dict() for r in self.rules],
            "unit_address": self.unit_address,
            "min_address": self.min_address,
            "max_address": self.max_address,
            "status_address": self.status_address,
            "unit_code": self.unit_code,
            "unit_text": None if self.unit_text is None else dict(self.unit_text),
            "unit": self.unit,
            "device_class": self.device_class,
            "state_class": self.state_class,
            "label": dict(self.label),
            "menu_path": {k: list(v) for k, v in self.menu_path.items()},
            "route": self.route,
            "section": self.section,
            "options": [o.to_dict() for o in self.options],
            "token_labels": {k: dict(v) for k, v in self.token_labels.items()},
            "min": self.min,
            "max": self.max,
            "step": self.step,
            "transform": None if self.transform is None else self.transform.to_dict(),
            "inverse": None if self.inverse is None else self.inverse.to_dict(),
            "writable": self.writable,
            "write": _write_to_json(self.write),
            "entity_category": self.entity_category,
            "enabled_default": self.enabled_default,
            "icon": self.icon,
            "component": self.component,
            "role": self.role,
            "subsystem": self.subsystem,
            "subsystem_label": dict(self.subsystem_label),
        }

    @classmethod
    def from_dict(cls, data: object) -> EntityDescriptor:
        """Rebuild from `to_dict` output; unknown keys are ignored, missing optional keys take defaults.

        Raises:
            DescriptorValueError: A required key (``unique_id``, ``devid``, ``token``,
                ``platform``, ``address``) is missing, the record is not a mapping, or a
                nested part (selectors, rules, options) is malformed.

        """
        if not isinstance(data, Mapping):
            msg = "descriptor record must be a mapping"
            raise DescriptorValueError(msg)
        try:
            required = {
                k: str(data[k])
                for k in ("unique_id", "devid", "token", "platform", "address")
            }
        except KeyError as err:
            msg = f"descriptor record without {err.args[0]!r}"
            raise DescriptorValueError(msg) from err

        try:
            return cls._build(data, required)
        except (KeyError, TypeError, ValueError, AttributeError) as err:
            msg = f"malformed descriptor record {required['unique_id']}: {err}"
            raise DescriptorValueError(msg) from err

    @classmethod
    def _build(
        cls, data: Mapping[Any, Any], required: dict[str, str]
    ) -> EntityDescriptor:
        """Build from a checked record (may raise on malformed nested parts)."""

        def opt_str(key: str) -> str | None:
            value = data.get(key)
            return None if value is None else str(value)

        def opt_num(key: str) -> float | None:
            value = data.get(key)
            return (
                value
                if isinstance(value, int | float) and not isinstance(value, bool)
                else None
            )

        def str_dict(value: Any) -> dict[str, str]:
            return (
                {str(k): str(v) for k, v in value.items()}
                if isinstance(value, Mapping)
                else {}
            )

        unit_code = data.get("unit_code")
        bit = data.get("bit")
        unit_text = data.get("unit_text")
        return cls(
            **required,
            bit=bit if isinstance(bit, int) else None,
            value=tuple(Selector.from_dict(s) for s in data.get("value") or ()),
            rules=tuple(Rule.from_dict(r) for r in data.get("rules") or ()),
            unit_address=opt_str("unit_address"),
            min_address=opt_str("min_address"),
            max_address=opt_str("max_address"),
            status_address=opt_str("status_address"),
            unit_code=unit_code if isinstance(unit_code, int) else None,
            unit_text=str_dict(unit_text) if isinstance(unit_text, Mapping) else None,
            unit=opt_str("unit"),
            device_class=opt_str("device_class"),
            state_class=opt_str("state_class"),
            label=str_dict(data.get("label")),
            menu_path={
                str(k): [str(t) for t in v]
                for k, v in dict(data.get("menu_path") or {}).items()
                if isinstance(v, list | tuple)
            },
            route=opt_str("route"),
            section=opt_str("section"),
            options=tuple(
                Option.from_dict(o)
                for o in data.get("options") or ()
                if isinstance(o, Mapping)
            ),
            token_labels={
                str(k): str_dict(v)
                for k, v in dict(data.get("token_labels") or {}).items()
            },
            min=opt_num("min"),
            max=opt_num("max"),
            step=opt_num("step"),
            transform=_transform_from(data.get("transform")),
            inverse=_transform_from(data.get("inverse")),
            writable=bool(data.get("writable", False)),
            write=_write_from_json(data.get("write")),
            entity_category=opt_str("entity_category"),
            enabled_default=bool(data.get("enabled_default", True)),
            icon=opt_str("icon"),
            component=opt_str("component"),
            role=opt_str("role"),
            subsystem=opt_str("subsystem"),
            subsystem_label=str_dict(data.get("subsystem_label")),
        )


# --------------------------------------------------------------------------- runtime


def _option_label(
    descriptor: EntityDescriptor, key: Any, language: str | None
) -> str | None:
    wanted = normalize_option_key(key)
    for option in descriptor.options:
        if option.key == wanted or (
            isinstance(option.key, str)
            and isinstance(wanted, str)
            and option.key.lower() == wanted.lower()
        ):
            return pick_label(option.label, language) or str(option.key)
    return None


def _is_on_tag(tag: Any) -> bool:
    return isinstance(tag, str) and str(normalize_option_key(tag)).upper() == "ON"


def display_value(
    descriptor: EntityDescriptor,
    registers: Mapping[str, Any],
    language: str | None = None,
) -> Any:
    """Return the shown value of an entity from the module's registers (PROTOCOL.md §4.10, §5).

    Args:
        descriptor: The entity.
        registers: Flat register values (``{"P4.v59": -27473, …}``) of the module.
        language: Language of enum labels (fallbacks as `pick_label`).

    Returns:
        A number (transforms applied, half-degree floats kept), a string (text
        registers, ``"HH:MM"``), the option label for enums and computed STATUS tags,
        True/False for binary sensors and switches, or None when the backing registers
        are missing or the value matches no option.

    """
    if descriptor.rules:
        if not rules_have_data(descriptor.rules, registers):
            return None
        matched, tag = evaluate_rules(descriptor.rules, registers, descriptor.devid)
        if descriptor.platform in {"binary_sensor", "switch"}:
            return None if not matched or tag is None else _is_on_tag(tag)
        if tag is None:
            return None
        return _option_label(descriptor, tag, language) or str(tag)
    raw = compose(descriptor.value, registers)
    if raw is None:
        return None
    if descriptor.bit is not None:
        return bool(raw)
    if descriptor.options:
        if descriptor.platform == "switch" and len(descriptor.options) == 2:
            off, on = descriptor.options[0].key, descriptor.options[1].key
            key = normalize_option_key(raw)
            return True if key == on else False if key == off else None
        return _option_label(descriptor, raw, language)
    transform = descriptor.transform
    if transform is None or isinstance(raw, str | bool):
        return raw
    try:
        shown = transform.apply(raw)
    except TransformError:  # not a number, or an int beyond the float range
        return None
    if isinstance(shown, str) and shown in descriptor.token_labels:
        return pick_label(descriptor.token_labels[shown], language) or shown
    return shown


def live_limits(
    descriptor: EntityDescriptor, registers: Mapping[str, Any]
) -> tuple[float | None, float | None]:
    """Return the current min and max in display units from the ``n``/``x`` registers, else the stored ones."""
    out: list[float | None] = []
    for address, stored in (
        (descriptor.min_address, descriptor.min),
        (descriptor.max_address, descriptor.max),
    ):
        raw = finite_number(read_register(registers, address)) if address else None
        value: float | None = stored
        if raw is not None:
            shown: Any = raw
            if descriptor.transform is not None:
                try:
                    shown = descriptor.transform.apply(raw)
                except TransformError:
                    shown = None
            if isinstance(shown, int | float):
                value = shown
        out.append(value)
    return out[0], out[1]


def offered_options(
    descriptor: EntityDescriptor, registers: Mapping[str, Any]
) -> tuple[Option, ...]:
    """Return the options a user may choose now: integer keys within the live ``n``..``x``.

    The descriptor keeps the unit's whole option table (a read-only value outside the
    live range is still named, PROTOCOL.md §4.10); the controller accepts writes only
    within its live limits, so a select offers those. Text keys are always offered; with
    a limit missing the table is not cut on that side.
    """
    low, high = live_limits(descriptor, registers)
    return tuple(
        option
        for option in descriptor.options
        if not isinstance(option.key, int)
        or (
            (low is None or option.key >= low - 1e-9)
            and (high is None or option.key <= high + 1e-9)
        )
    )


def raw_from_display(
    descriptor: EntityDescriptor,
    value: Any,
    registers: Mapping[str, Any] | None = None,
) -> int | float | str:
    """Return the raw register value to write for a shown value (DESIGN.md decision 10).

    * ``select`` / enum: an option label (any language) or key → the option's key.
    * ``switch`` on a two-state enum: True → the second (higher) key, False → the first.
    * ``number``: range- and step-checked against the live limits (``registers``) or the
      stored ones, then the inverse unit transform (``valuePrepare`` when known, else the
      algebraic inverse); registers are 16-bit words, so transformed values are rounded
      to int, while untransformed half-degree floats are kept (§7.10: 40.5 stays 40.5).

    Raises:
        DescriptorValueError: Not a valid option, out of range, not a number, or not
            writable through a register (bit switches and commands use `command_for`).

    """
    if descriptor.options:
        if isinstance(value, bool):
            if len(descriptor.options) != 2:
                msg = f"{descriptor.unique_id}: not a two-state option set"
                raise DescriptorValueError(msg)
            return descriptor.options[1 if value else 0].key
        wanted = normalize_option_key(value)
        for option in descriptor.options:
            if option.key == wanted or value in option.label.values():
                return option.key
        msg = f"{descriptor.unique_id}: {value!r} is not one of the options"
        raise DescriptorValueError(msg)
    if descriptor.bit is not None or descriptor.rules:
        msg = f"{descriptor.unique_id}: a status bit has no register write; use its command rules"
        raise DescriptorValueError(msg)
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        msg = f"{descriptor.unique_id}: {value!r} is not a number"
        raise DescriptorValueError(msg)
    transform = descriptor.transform
    if transform is not None and transform.kind == KIND_TIME_OF_DAY_10MIN:
        try:
            return transform.invert(value)
        except TransformError as err:
            raise DescriptorValueError(str(err)) from err
    try:
        number = float(value) if isinstance(value, str) else value
    except ValueError as err:
        msg = f"{descriptor.unique_id}: {value!r} is not a number"
        raise DescriptorValueError(msg) from err
    if finite_number(number) is None:
        msg = f"{descriptor.unique_id}: {value!r} is not finite"
        raise DescriptorValueError(msg)
    low, high = live_limits(descriptor, registers or {})
    tolerance = 1e-9
    if (low is not None and number < low - tolerance) or (
        high is not None and number > high + tolerance
    ):
        msg = f"{descriptor.unique_id}: {value!r} is outside {low}..{high}"
        raise DescriptorValueError(msg)
    step = descriptor.step
    if step and step > 0:
        base = low if low is not None else 0
        steps = (number - base) / step
        if abs(steps - round(steps)) > 1e-6:
            msg = f"{descriptor.unique_id}: {value!r} is not a multiple of {step} from {base}"
            raise DescriptorValueError(msg)
    if transform is None or transform.is_identity:
        return int(number) if float(number).is_integer() else number
    try:
        if (
            descriptor.inverse is not None
            and descriptor.inverse.kind != KIND_TIME_OF_DAY_10MIN
        ):
            raw = finite_number(descriptor.inverse.apply(number))
            if raw is not None:  # else (a division by zero) the algebraic inverse
                return round(raw)
        return transform.invert(number)
    except TransformError as err:
        raise DescriptorValueError(str(err)) from err


def command_for(
    descriptor: EntityDescriptor,
    registers: Mapping[str, Any],
    desired: Any = None,
) -> Command | None:
    """Return the raw command to send for a command-route entity (PROTOCOL.md §2.10 b).

    With ``desired`` (e.g. True to switch on), the first rule whose command value equals
    it; otherwise (or when none does) the command of the first rule whose conditions
    hold on the current registers. None when the entity has no command rules.
    """
    write = descriptor.write or {}
    rules = write.get("rules") or ()
    commands = [
        r.then for r in rules if isinstance(r, Rule) and isinstance(r.then, Command)
    ]
    if desired is not None:
        for command in commands:
            if command.value == desired and type(command.value) is type(desired):
                return command
    matched, then = evaluate_rules(
        (r for r in rules if isinstance(r, Rule)), registers, descriptor.devid
    )
    return then if matched and isinstance(then, Command) else None


# --------------------------------------------------------------------------- units


@dataclass(frozen=True, slots=True)
class HaUnit:
    """Home Assistant unit, device class and state class for a vendor unit (plain strings)."""

    unit: str | None = None
    device_class: str | None = None
    state_class: str | None = "measurement"


_MEASUREMENT: Final = "measurement"
_TOTAL_INCREASING: Final = "total_increasing"
UNIT_TEXTS: Final[dict[str, HaUnit]] = {
    "°c": HaUnit("°C", "temperature"),
    "c": HaUnit("°C", "temperature"),
    "°f": HaUnit("°F", "temperature"),
    "k": HaUnit("K", "temperature"),
    "%": HaUnit("%", None),
    "s": HaUnit("s", "duration"),
    "sek": HaUnit("s", "duration"),
    "ms": HaUnit("ms", "duration"),
    "min": HaUnit("min", "duration"),
    "h": HaUnit("h", "duration", _TOTAL_INCREASING),
    "godz": HaUnit("h", "duration", _TOTAL_INCREASING),
    "d": HaUnit("d", "duration"),
    "w": HaUnit("W", "power"),
    "kw": HaUnit("kW", "power"),
    "wh": HaUnit("Wh", "energy", _TOTAL_INCREASING),
    "kwh": HaUnit("kWh", "energy", _TOTAL_INCREASING),
    "mwh": HaUnit("MWh", "energy", _TOTAL_INCREASING),
    "kg": HaUnit("kg", "weight"),
    "g": HaUnit("g", "weight"),
    "t": HaUnit("t", "weight"),
    "kg/h": HaUnit("kg/h", None),
    "kwh/kg": HaUnit("kWh/kg", None),
    "l": HaUnit("L", "volume_storage"),
    "m³": HaUnit("m³", "volume_storage"),
    "l/min": HaUnit("L/min", "volume_flow_rate"),
    "l/h": HaUnit("L/h", "volume_flow_rate"),
    "m³/h": HaUnit("m³/h", "volume_flow_rate"),
    "rpm": HaUnit("rpm", None),
    "obr/min": HaUnit("rpm", None),
    "hpa": HaUnit("hPa", "pressure"),
    "pa": HaUnit("Pa", "pressure"),
    "kpa": HaUnit("kPa", "pressure"),
    "bar": HaUnit("bar", "pressure"),
    "v": HaUnit("V", "voltage"),
    "a": HaUnit("A", "current"),
    "ma": HaUnit("mA", "current"),
    "hz": HaUnit("Hz", "frequency"),
    "lx": HaUnit("lx", "illuminance"),
    "ppm": HaUnit("ppm", None),
    "cykle": HaUnit(None, None, _TOTAL_INCREASING),
    "cycles": HaUnit(None, None, _TOTAL_INCREASING),
    "bieg": HaUnit(None, None),
    "gear": HaUnit(None, None),
}
"""Vendor unit texts (lower-case, either language) → Home Assistant unit/device class/state class."""


def ha_unit_for_text(text: str | None) -> HaUnit:
    """Map a vendor unit text to Home Assistant's unit, device class and state class.

    Known symbols are looked up in `UNIT_TEXTS` (case-insensitive). A text like
    ``"Moc [W]"`` uses its bracketed symbol; one like ``"Wartość * 0.01 = °C"`` (a
    scaling note of the old table) the symbol after ``=`` when that is known. Anything
    else (empty, notes) gives no unit with a ``measurement`` state class.
    """
    if not text:
        return HaUnit()
    cleaned = text.strip()
    found = UNIT_TEXTS.get(cleaned.lower())
    if found is not None:
        return found
    if cleaned.endswith("]") and "[" in cleaned:
        inner = cleaned[cleaned.rfind("[") + 1 : -1].strip()
        found = UNIT_TEXTS.get(inner.lower())
        if found is not None:
            return found
    if "=" in cleaned:
        tail = cleaned.rsplit("=", 1)[1].strip()
        found = UNIT_TEXTS.get(tail.lower())
        if found is not None:
            return found
    return HaUnit()


ICONS: Final[dict[str, str]] = {
    "TEMPERATURE": "mdi:thermometer",
    "PUMP": "mdi:pump",
    "SETTINGS": "mdi:cog",
    "INFO": "mdi:information-outline",
    "DIODE": "mdi:led-on",
    "FUEL": "mdi:fire",
    "BURNER": "mdi:fire",
    "VALVE": "mdi:valve",
}
"""SPA icon names and widgets → ``mdi:`` icon hints."""
