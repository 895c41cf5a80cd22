"""Ground truth of the generated bundle: what the vendor web app shows the demo user.

Computed in plain Python from the catalogue (`simulator.webapp.catalogue`) and the
modules' initial registers, never by evaluating the generated JavaScript. Format
(``bundle.ground_truth``)::

    {"schema": 1, "seed": 0, "readable": false, "index_file": "index-<hash>.js",
     "default_language": "pl",
     "modules": {"<devid>": {
        "device_menu": 0,
        "visible": [{"token", "unique_id", "devid", "address", "bit", "platform",
                     "label": {"pl", "en"}, "unit": {"pl", "en"} | None, "unit_code",
                     "options": {"pl": [...], "en": [...]} | None,
                     "min", "max", "step", "writable", "route", "section", "value"}],
        "hidden": [{"token", "address", "reason"}],
        "actions": [{"token", "label": {"pl", "en"}, "command", "value", "route"}],
        "composites": {"<kind>:<sub-system>": {"<role>": "<token>"}}}},
     "alarm_names": {"<code>": {"symbol": "ERROR_BRAK_PALIWA",
                                "pl": "Brak paliwa" | None, "en": "No fuel" | None}},
     "alarm_views": {"currentAlarms": {"pl", "en"}, "historyAlarms": {"pl", "en"}},
     "alarm_chunk": {"form": "plain_code_keys" | "plain_symbol_keys" | "ts_enum",
                     "basename": "Alarms" | "alarms" | "alarmsNames",
                     "export": "named" | "default", "file": "<basename>-<hash>.js" | None}}

Rules (derivable from the bundle and the registers; PROTOCOL.md §4.10, §5, DESIGN.md 8):

* Visibility: a token is visible when at least one of its menu placements is: the route
  and all its ancestors are not installer routes (``reason: installer``), their
  ``permissionModule`` is granted (``permission``), they are not
  ``isVisibleOnSideMenu: false`` (``side_menu``), their paths have no ``:`` parameter
  (``path_param``); the entry's own ``permissionModule`` is granted
  (``parameter_permission``); the map's ``INVISIBLE`` flag is not true (``invisible``)
  and its ``DEVICE_AVAILABLE`` flag is not false (``device_unavailable``). A flag is a
  bit of an ``s`` word, or the result of a rule list; a missing register means
  "unknown → visible". Hidden tokens get the reason of their first placement.
  ``button`` maps (the fuel reset) are listed under ``actions``, not as entities.
* Address: first value selector with channel preference v > s > u > x > n; for computed
  STATUS rule lists the ``s`` register of the first condition selector. `unique_id` is
  ``{devid}_{pool}_{chan}{idx}``, plus ``_bit{n}`` when every selector of the value
  reads the same single bit of that register.
* Unit code: the live ``u`` register of the value's family, else the map's ``unit``.
  Unit text: the descriptor's ``text`` token resolved via i18n; empty text → None;
  enum units have no unit text.
* Platform: section ``write`` ⇒ writable. Computed STATUS with unit 9994/9996 or a plain
  single-bit selector ⇒ ``binary_sensor`` when read-only, ``switch`` when writable.
  Other computed STATUS ⇒ ``sensor`` (enum). Units with ``options``: writable with two
  options in range ⇒ ``switch``, more ⇒ ``select``, read-only ⇒ ``sensor``. Writable
  numbers ⇒ ``number``; everything else ⇒ ``sensor``. The unit-66 time-of-day only
  appears read-only (``sensor``, value ``"HH:MM"``).
* Options: the enum labels in key order; for integer keys only those within the live
  ``n``..``x`` range of the family when both registers exist.
* Switch state: a bit selector's bit; for two-option enums, raw == the higher key.
  Binary sensors: tag ``ON`` ⇒ true, any other tag ⇒ false.
* min/max/step (``number`` only, display units): transform(n), transform(x); step =
  the transform factor for xk and (x-a)xk transforms (x0.1 → 0.1, x0.5 → 0.5, x5 → 5,
  x6 → 6), 1 for an offset transform; without a transform 0.5 when any of the
  family's ``v``/``n``/``x`` registers holds a non-integer, else 1.
* Value: computed tag / composed multi-register word (§5.4) / raw register, then the
  unit transform (x0.1 with ``toFixed(1)`` → rounded float). Enum values are
  ``{"pl": label, "en": label}``; so is the unit-66 "off" label.
* Alarm names (PROTOCOL.md §2.8a, `simulator.webapp.alarms`): the code of an alarm row
  names a symbol through the ``AlarmName`` table of the chunk ``alarm_chunk.file`` (whose
  basename is ``Alarms``/``alarms``, else the first one starting with ``alarms``); its
  label is the ``errors`` pack's entry for the symbol, None when the pack has none (the
  app shows the code). The chunk also holds decoy objects (the view's component options,
  a code → priority map) that are not the table. ``alarm_views`` are the ``alarm``
  pack's view titles.
"""

from __future__ import annotations

import math
import re
from typing import Any

from simulator.modules import MODULES, ModuleSpec, module_by_devid
from simulator.webapp.alarms import ALARM_VIEW_TITLES, ALARMS, alarm_chunk_style
from simulator.webapp.catalogue import (
    INSTALLER_ROUTES,
    UNITS,
    Cond,
    Param,
    Regex,
    Route,
    Rule,
    Sel,
    Transform,
    Unit,
    catalogue,
    unit_text,
)

LANGUAGES = ("pl", "en")
_CHANNEL_ORDER = "vsuxn"


# --------------------------------------------------------------------------- registers


def read_register(registers: dict[str, Any], key: str) -> Any:
    """Read ``"P4.v59"`` from a register map (pool → chan+idx → value, or flat keys)."""
    if key in registers:
        return registers[key]
    pool, _, rest = key.partition(".")
    family = registers.get(pool)
    if isinstance(family, dict):
        return family.get(rest)
    return None


def _word(sel: Sel, registers: dict[str, Any]) -> Any:
    raw = read_register(registers, sel.key)
    if raw is None:
        return None
    if sel.bit is None and sel.mask is None and not sel.convert and sel.times is None:
        return raw
    try:
        word = int(raw)
    except (TypeError, ValueError):
        return None
    if sel.convert:
        word &= 0xFFFF
    if sel.bit is not None:
        word = (word >> sel.bit) & 1
    if sel.mask is not None:
        word &= sel.mask
    if sel.times is not None:
        word *= sel.times
    return word


def compose(selectors: tuple[Sel, ...], registers: dict[str, Any]) -> Any:
    """Value of a selector list (§5.4): a single plain selector is the raw register."""
    if not selectors:
        return None
    if len(selectors) == 1:
        return _word(selectors[0], registers)
    total = 0
    for sel in selectors:
        word = _word(sel, registers)
        if word is None:
            return None
        total += int(word)
    return total


def _holds(cond: Cond, registers: dict[str, Any]) -> bool:
    expected = cond.expected
    for sel in cond.value:
        value = _word(sel, registers)
        if isinstance(expected, Regex):
            if value is None:
                continue
            found = re.search(
                expected.pattern,
                str(value),
                re.IGNORECASE if "i" in expected.flags else 0,
            )
            if (cond.op == "matches") == (found is not None):
                return True
            continue
        if value is None:
            continue
        exp = int(expected) if isinstance(expected, bool) else expected
        if exp is None:  # `void 0`: a present value is never equal to undefined
            if cond.op == "notEqualTo":
                return True
            continue
        ops = {
            "equalTo": value == exp,
            "notEqualTo": value != exp,
            "greaterThan": value > exp,
            "greaterThanOrEqualTo": value >= exp,
            "lessThan": value < exp,
            "lessThanOrEqualTo": value <= exp,
        }
        if ops[cond.op]:
            return True
    return False


def evaluate_rules(rules: tuple[Rule, ...], registers: dict[str, Any]) -> Any:
    """First rule whose conditions all hold wins; returns its ``then`` (None if none)."""
    for rule in rules:
        if rule.kind == "else" or all(_holds(c, registers) for c in rule.conds):
            return rule.then
    return None


def flag_value(
    spec: tuple[Sel, ...] | tuple[Rule, ...], registers: dict[str, Any]
) -> bool | None:
    """Evaluate a status flag: truthy bit of a selector, or a rule list's result; None = unknown."""
    if spec and isinstance(spec[0], Rule):
        result = evaluate_rules(
            tuple(r for r in spec if isinstance(r, Rule)), registers
        )
        return None if result is None else bool(result)
    values = [_word(s, registers) for s in spec if isinstance(s, Sel)]
    known = [v for v in values if v is not None]
    if not known:
        return None
    return any(bool(v) for v in known)


def hidden_by_flags(param: Param, registers: dict[str, Any]) -> str | None:
    """``invisible`` / ``device_unavailable`` when the map's status flags hide it."""
    for name, spec in param.flags:
        value = flag_value(spec, registers)
        if name == "INVISIBLE" and value is True:
            return "invisible"
        if name == "DEVICE_AVAILABLE" and value is False:
            return "device_unavailable"
    return None


# --------------------------------------------------------------------------- shapes


def _all_selectors(param: Param) -> list[Sel]:
    if param.rules:
        return [s for r in param.rules for c in r.conds for s in c.value]
    return list(param.value)


def address_of(param: Param) -> tuple[str | None, int | None]:
    """Return the canonical register key and the single bit (if the value is one bit)."""
    sels = _all_selectors(param)
    if not sels:
        return None, None
    if param.rules:
        first = sels[0]
        key = f"{first.pool}.s{first.index}"
    else:
        best = min(param.value, key=lambda s: _CHANNEL_ORDER.index(s.chan))
        key = best.key
    bits = {(s.key, s.bit) for s in sels}
    bit = None
    if len(bits) == 1:
        only_key, only_bit = next(iter(bits))
        if (
            only_bit is not None
            and only_key == key
            and all(s.mask is None for s in sels)
        ):
            bit = only_bit
    return key, bit


def unit_code_of(param: Param, registers: dict[str, Any]) -> int | None:
    """Live ``u`` of the value's family, else the map's ``unit`` (§4.10)."""
    if param.value and not param.rules:
        sel = param.value[0]
        live = read_register(registers, f"{sel.pool}.u{sel.index}")
        if live is not None:
            try:
                return int(live)
            except (TypeError, ValueError):
                pass
    return param.unit


def _limits(param: Param, registers: dict[str, Any]) -> tuple[Any, Any]:
    if not param.value:
        return None, None
    sel = param.value[0]
    return (
        read_register(registers, f"{sel.pool}.n{sel.index}"),
        read_register(registers, f"{sel.pool}.x{sel.index}"),
    )


def options_in_range(
    param: Param, unit: Unit | None, registers: dict[str, Any]
) -> list[tuple[int | str, str]]:
    """Return the unit's options, integer keys limited to the family's ``n``..``x`` range."""
    if unit is None or not unit.options or unit.transform is not None:
        return []
    low, high = _limits(param, registers)
    out: list[tuple[int | str, str]] = []
    for key, token in unit.options:
        if (
            isinstance(key, int)
            and isinstance(low, int | float)
            and isinstance(high, int | float)
            and not low <= key <= high
        ):
            continue
        out.append((key, token))
    return out


def enum_table(unit: Unit | None) -> list[tuple[int | str, str]]:
    """Return a unit's whole option table (empty for a unit that is not an enum)."""
    if unit is None or not unit.options or unit.transform is not None:
        return []
    return list(unit.options)


def apply_transform(transform: Transform | None, raw: Any) -> Any:
    """Apply a unit display transform (§4.7) to a numeric raw value."""
    if transform is None or raw is None or isinstance(raw, str | bool):
        return raw
    if transform.kind == "mul":
        value = raw * transform.factor
        if transform.decimals is not None:
            return round(value, transform.decimals)
        return round(value, 6) if isinstance(value, float) else value
    if transform.kind == "offset_mul":
        return round((raw - transform.offset) * transform.factor, 6)
    if transform.kind == "offset":
        return raw - transform.offset
    if transform.kind == "time66":
        if raw == 0:
            return None
        minutes = (int(raw) - 1) * 10
        return f"{minutes // 60:02d}:{minutes % 60:02d}"
    msg = f"unknown transform {transform.kind}"
    raise ValueError(msg)


def _step(param: Param, unit: Unit | None, registers: dict[str, Any]) -> float:
    transform = unit.transform if unit else None
    if transform is not None:
        if transform.kind in {"mul", "offset_mul"}:
            return transform.factor
        return 1
    sel = param.value[0]
    for chan in "vnx":
        raw = read_register(registers, f"{sel.pool}.{chan}{sel.index}")
        if isinstance(raw, float) and not raw.is_integer():
            return 0.5
    return 1


def classify(param: Param, section: str, registers: dict[str, Any]) -> str:
    """Return the Home Assistant platform of a visible parameter (see the module docstring)."""
    writable = section == "write"
    code = unit_code_of(param, registers)
    unit = UNITS.get(code) if code is not None else None
    if param.rules:
        if code in {9994, 9996}:
            return "switch" if writable else "binary_sensor"
        return "sensor"
    _key, bit = address_of(param)
    if bit is not None:
        return "switch" if writable else "binary_sensor"
    options = options_in_range(param, unit, registers)
    if options:
        if not writable:
            return "sensor"
        return "switch" if len(options) == 2 else "select"
    if writable and not isinstance(compose(param.value, registers), str):
        return "number"
    return "sensor"


def _label(token: str, language: str) -> str | None:
    return unit_text(token, language)


def display_for(
    param: Param, platform: str, registers: dict[str, Any], language: str
) -> Any:
    """Return the displayed value of `param` as `platform` in `language` (None when unknown)."""
    code = unit_code_of(param, registers)
    unit = UNITS.get(code) if code is not None else None
    if param.rules:
        tag = evaluate_rules(param.rules, registers)
        if platform in {"binary_sensor", "switch"}:
            return None if tag is None else tag == "ON"
        if tag is None or unit is None:
            return None
        for key, token in unit.options:
            if key == tag:
                return _label(token, language)
        return None
    raw = compose(param.value, registers)
    if raw is None:
        return None
    _key, bit = address_of(param)
    if bit is not None:
        return bool(raw)
    options = options_in_range(param, unit, registers)
    if options:
        if platform == "switch":
            keys = [k for k, _t in options]
            if raw == keys[1]:
                return True
            return False if raw == keys[0] else None
        for key, token in enum_table(unit):  # named even outside the live range
            if key == raw:
                return _label(token, language)
        return None
    transform = unit.transform if unit else None
    if transform is not None and transform.kind == "time66":
        shown = apply_transform(transform, raw)
        return shown if shown is not None else _label("units.202.0", language)
    value = apply_transform(transform, raw)
    if isinstance(value, float) and value.is_integer() and transform is not None:
        return value
    return value


def display_value(
    entry: dict[str, Any], registers: dict[str, Any], language: str
) -> Any:
    """Recompute a visible ground-truth entry's displayed value from `registers`.

    `entry` is an item of ``ground_truth["modules"][devid]["visible"]``; `registers` the
    module's register map (pool → chan+idx → value, as `ModuleSpec.initial_registers`
    returns, or flat ``"P4.v1"`` keys); `language` ``"pl"`` or ``"en"``. Returns a
    number, string, bool, the enum label in `language`, or None when the backing
    registers are missing.
    """
    module = module_by_devid(str(entry["devid"]))
    param = catalogue(module.kind).params[str(entry["token"])]
    return display_for(param, str(entry["platform"]), registers, language)


# --------------------------------------------------------------------------- walking


def _route_reason(route: Route, permissions: tuple[str, ...]) -> str | None:
    name = route.name or ""
    short = name.removeprefix("companies.").removeprefix("modules.menu.")
    if (
        name.startswith(("modules.menu.", "companies.modules.menu."))
        and short in INSTALLER_ROUTES
    ):
        return "installer"
    if route.permission is not None and route.permission not in permissions:
        return "permission"
    if route.side_menu is False:
        return "side_menu"
    if route.path and ":" in route.path:
        return "path_param"
    return None


def placements(
    routes: list[Route], permissions: tuple[str, ...]
) -> list[tuple[str, str, str, str | None]]:
    """Every (token, route name, section, hidden reason or None) in menu order."""
    out: list[tuple[str, str, str, str | None]] = []

    def walk(route: Route, inherited: str | None) -> None:
        if route.redirect is not None and route.name is None:
            return
        reason = inherited or _route_reason(route, permissions)
        for entry in route.entries:
            entry_reason = reason
            if (
                entry_reason is None
                and entry.permission is not None
                and entry.permission not in permissions
            ):
                entry_reason = "parameter_permission"
            out.append((entry.token, route.name or "", entry.section, entry_reason))
        if not route.bare_children:
            for child in route.children:
                walk(child, reason)

    for route in routes:
        walk(route, None)
    return out


def _number(value: Any) -> Any:
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return value
    return value


COMPOSITES: dict[str, dict[str, dict[str, str]]] = {
    "boiler": {
        "boiler:boiler": {
            "current_temperature": "PARAM_P4_0",
            "target_temperature": "PARAM_0",
            "on_off": "URUCHOMIENIE_KOTLA",
            "burner_state": "STATUS_P5_0",
            "pump": "STATUS_P5_11",
        },
        "water_heater:hot_water": {
            "current_temperature": "PARAM_P4_2",
            "target_temperature": "PARAM_51",
            "mode": "PARAM_46",
            "pump": "STATUS_P5_19",
        },
        "circuit:circuit_1": {
            "current_temperature": "PARAM_P4_5",
            "target_temperature": "PARAM_53",
            "mode": "PARAM_52",
            "pump": "STATUS_P5_21",
        },
    },
    "mixer": {
        f"circuit:circuit_{n}": {
            "current_temperature": f"OBIEG{n}_TEMPERATURA",
            "target_temperature": f"OBIEG{n}_NASTAWA",
            "mode": f"OBIEG{n}_TRYB",
            "pump": f"STATUS_OBIEG{n}_POMPA",
        }
        for n in (1, 2)
    },
}
"""The heating entities each kind of module makes (DESIGN.md decision 13): composite
``"<kind>:<sub-system>"`` → role → the menu token that plays it. Written by hand from the
catalogue (what a home owner would call the boiler's set temperature, the hot-water
mode, …), so the integration's role finding is checked against an independent answer."""


def module_truth(module: ModuleSpec) -> dict[str, Any]:
    """Ground truth of one module (visible entries, hidden tokens, actions)."""
    cat = catalogue(module.kind)
    registers: dict[str, Any] = module.initial_registers()
    visible: list[dict[str, Any]] = []
    hidden: dict[str, str] = {}
    actions: list[dict[str, Any]] = []
    seen: set[str] = set()
    for token, route, section, placement_reason in placements(
        cat.routes, module.permissions
    ):
        if token in seen:
            continue
        param = cat.params[token]
        if param.component == "button":
            if placement_reason is None:
                seen.add(token)
                rule = param.commands[1][-1] if param.commands else None
                command = rule.then if rule else None
                actions.append(
                    {
                        "token": token,
                        "label": {"pl": param.label_pl, "en": param.label_en},
                        "command": getattr(command, "name", None),
                        "value": getattr(command, "value", None),
                        "route": route,
                    }
                )
            continue
        reason = placement_reason or hidden_by_flags(param, registers)
        if reason is not None:
            hidden.setdefault(token, reason)
            continue
        seen.add(token)
        hidden.pop(token, None)
        visible.append(_visible_entry(module, param, route, section, registers))
    hidden_list = [
        {"token": token, "address": address_of(cat.params[token])[0], "reason": reason}
        for token, reason in hidden.items()
        if token not in seen
    ]
    return {
        "device_menu": module.device_menu,
        "visible": visible,
        "hidden": hidden_list,
        "actions": actions,
        "composites": COMPOSITES.get(module.kind, {}),
    }


def _visible_entry(
    module: ModuleSpec,
    param: Param,
    route: str,
    section: str,
    registers: dict[str, Any],
) -> dict[str, Any]:
    platform = classify(param, section, registers)
    key, bit = address_of(param)
    assert key is not None  # noqa: S101 - every visible map has a value selector
    pool, _, rest = key.partition(".")
    unique_id = f"{module.devid}_{pool}_{rest}" + (
        f"_bit{bit}" if bit is not None else ""
    )
    code = unit_code_of(param, registers)
    unit = UNITS.get(code) if code is not None else None
    unit_label: dict[str, str] | None = None
    if unit is not None and unit.text and not unit.options:
        texts = {lang: unit_text(unit.text, lang) for lang in LANGUAGES}
        if all(texts.values()):
            unit_label = {lang: str(text) for lang, text in texts.items()}
    options: dict[str, list[str]] | None = None
    if platform in {"select", "sensor"}:
        # The whole table: a select cuts its choices to the live n..x only at runtime.
        opts = enum_table(unit) if options_in_range(param, unit, registers) else []
        if param.rules and unit is not None:
            opts = list(unit.options)
        if opts:
            options = {
                lang: [str(unit_text(tok, lang)) for _k, tok in opts]
                for lang in LANGUAGES
            }
    low = high = step = None
    if platform == "select":
        low, high = _limits(param, registers)
    if platform == "number":
        transform = unit.transform if unit else None
        n, x = _limits(param, registers)
        low, high = apply_transform(transform, n), apply_transform(transform, x)
        step = _step(param, unit, registers)
    values = {lang: display_for(param, platform, registers, lang) for lang in LANGUAGES}
    value: Any = values["pl"]
    if options is not None or values["pl"] != values["en"]:
        value = values
    return {
        "token": param.token,
        "unique_id": unique_id,
        "devid": module.devid,
        "address": key,
        "bit": bit,
        "platform": platform,
        "label": {"pl": param.label_pl, "en": param.label_en},
        "unit": unit_label,
        "unit_code": code,
        "options": options,
        "min": _number(low),
        "max": _number(high),
        "step": step,
        "writable": section == "write",
        "route": route,
        "section": section,
        "value": value,
    }


def alarm_truth(seed: int, alarm_file: str | None = None) -> dict[str, Any]:
    """Return the ``alarm_names``, ``alarm_views`` and ``alarm_chunk`` parts of the truth."""
    style = alarm_chunk_style(seed)
    return {
        "alarm_names": {
            str(alarm.code): {"symbol": alarm.symbol, "pl": alarm.pl, "en": alarm.en}
            for alarm in ALARMS
        },
        "alarm_views": {
            key: {"pl": pl, "en": en} for key, (pl, en) in ALARM_VIEW_TITLES.items()
        },
        "alarm_chunk": {
            "form": style.form,
            "basename": style.basename,
            "export": style.export,
            "file": alarm_file,
        },
    }


def ground_truth(
    *, seed: int, readable: bool, index_file: str, alarm_file: str | None = None
) -> dict[str, Any]:
    """Build the whole ground-truth document (format in the module docstring).

    `alarm_file` is the name of the chunk with the ``AlarmName`` table (None when the
    caller does not know it; `simulator.webapp.generate_bundle` always passes it).
    """
    return {
        "schema": 1,
        "seed": seed,
        "readable": readable,
        "index_file": index_file,
        "default_language": "pl",
        "modules": {module.devid: module_truth(module) for module in MODULES},
        **alarm_truth(seed, alarm_file),
    }
