"""Parameter maps of the web app: lookup, normalised records and STATUS rule evaluation.

PROTOCOL.md §4.5 (delivery forms, lookup order, fields), §4.6 (computed STATUS rule
lists), §5.4 (multi-register composition), §5.6 (status bits and masks).

A parameter map tells, for one menu token (``PARAM_66``, ``PARAM_P4_59``,
``STATUS_P5_0``, ``URUCHOMIENIE_KOTLA``), which registers hold its value, its unit code,
its status flags (``INVISIBLE``, ``DEVICE_AVAILABLE``), its widget and its command
rules. `ParameterMapLookup` finds maps in dedicated chunks and in the builder-call
tables of the index; `parameter_map_from_value` normalises one evaluated map into a
`ParameterMap`. Every record here is frozen and converts to JSON-safe dicts.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
import logging
import math
import re
from typing import TYPE_CHECKING, Any, Final

from .units import normalize_option_key
from .values import (
    UNDEFINED,
    ArrowFunction,
    JsValue,
    Regex,
    Undefined,
    Unknown,
    UnknownCall,
)

if TYPE_CHECKING:
    from tree_sitter import Node

    from .js import KeyedExpression, Program

_LOGGER = logging.getLogger(__name__)

CHANNEL_PREFERENCE: Final = "vsuxn"
"""Channel order for the register address of a map (§4.10): value, status, unit, max, min."""

OPERATIONS: Final = frozenset(
    {
        "equalTo",
        "notEqualTo",
        "greaterThan",
        "greaterThanOrEqualTo",
        "lessThan",
        "lessThanOrEqualTo",
        "matches",
        "notMatches",
    }
)
FLAG_INVISIBLE: Final = "INVISIBLE"
FLAG_DEVICE_AVAILABLE: Final = "DEVICE_AVAILABLE"
COMMAND_MODES: Final = ("any", "all", "when")
_TYPICAL_KEYS: Final = frozenset(
    {"name", "group", "pool", "use", "value", "unit", "units", "unit_name", "status"}
    | {"componentType", "useComponent", "any", "all", "when", "command"}
)
_RULE_KINDS: Final = ("if", "elseif", "else")
_UNDEFINED_JSON: Final = {"$undefined": True}


# --------------------------------------------------------------------------- registers


def read_register(registers: Mapping[str, Any], key: str) -> Any:
    """Return register ``"P4.v59"`` from flat keys, or from a pool → ``"v59"`` mapping; None when absent."""
    if key in registers:
        return registers[key]
    pool, _, rest = key.partition(".")
    family = registers.get(pool)
    if isinstance(family, Mapping):
        return family.get(rest)
    return None


def _as_int(value: Any) -> int | None:
    """Return an int of a number or numeric string (16-bit words may arrive as strings), else None."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if math.isfinite(value) else None
    if isinstance(value, str):
        try:
            return int(float(value.strip()))
        except ValueError:
            return None
    return None


@dataclass(frozen=True, slots=True)
class Selector:
    """An address selector ``{group, number, use, bit?, mask?, convert?, times?}`` (§4.5).

    Attributes:
        pool: The pool with its ``P`` (``"P4"``).
        index: The register index.
        chan: The channel letter (``v`` value, ``s`` status, ``u`` unit, ``n`` min, ``x`` max).
        bit: One bit of the word (``(word >> bit) & 1``), or None.
        mask: A mask ANDed with the word, or None.
        convert: Treat the word as unsigned 16-bit (``& 0xFFFF``) before use (§5.4).
        times: Multiplier of the word in a composition (§5.4), or None (= 1).

    """

    pool: str
    index: int
    chan: str = "v"
    bit: int | None = None
    mask: int | None = None
    convert: bool = False
    times: int | float | None = None

    @property
    def key(self) -> str:
        """Return the register key, e.g. ``"P4.v59"``."""
        return f"{self.pool}.{self.chan}{self.index}"

    @property
    def plain(self) -> bool:
        """Return True when the selector reads the register unchanged."""
        return (
            self.bit is None
            and self.mask is None
            and not self.convert
            and self.times is None
        )

    def family_key(self, chan: str) -> str:
        """Return the key of another channel of the same family (``"P4.u59"``)."""
        return f"{self.pool}.{chan}{self.index}"

    def word(self, registers: Mapping[str, Any]) -> Any:
        """Return the selected value: the raw register for a plain selector, else the int word after convert, bit, mask and times; None when unreadable."""
        raw = read_register(registers, self.key)
        if raw is None or self.plain:
            return raw
        word = _as_int(raw)
        if word is None:
            return None
        if self.convert:
            word &= 0xFFFF
        if self.bit is not None:
            word = (word >> self.bit) & 1
        if self.mask is not None:
            word &= self.mask
        if self.times is not None:
            scaled = word * self.times
            return (
                int(scaled)
                if isinstance(scaled, float) and scaled.is_integer()
                else scaled
            )
        return word

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-safe dict; optional fields only when set."""
        data: dict[str, Any] = {
            "pool": self.pool,
            "index": self.index,
            "chan": self.chan,
        }
        if self.bit is not None:
            data["bit"] = self.bit
        if self.mask is not None:
            data["mask"] = self.mask
        if self.convert:
            data["convert"] = True
        if self.times is not None:
            data["times"] = self.times
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Selector:
        """Rebuild from `to_dict` output (unknown keys ignored)."""
        times = data.get("times")
        return cls(
            pool=str(data["pool"]),
            index=int(data["index"]),
            chan=str(data.get("chan", "v")),
            bit=None if data.get("bit") is None else int(data["bit"]),
            mask=None if data.get("mask") is None else int(data["mask"]),
            convert=bool(data.get("convert", False)),
            times=times if isinstance(times, int | float) else None,
        )


def compose(selectors: tuple[Selector, ...], registers: Mapping[str, Any]) -> Any:
    """Return the value of a selector list (§5.4).

    A single selector gives its `Selector.word` (a plain one keeps floats and strings);
    several are summed as ints (each after ``convert``/``times``). None when any word is
    missing or not numeric. Example: ``P4.v59 = -27473``, ``P4.v60 = 0`` with
    ``convert`` and ``times: 65536`` on the second → ``38063``.
    """
    if not selectors:
        return None
    if len(selectors) == 1:
        return selectors[0].word(registers)
    total: int | float = 0
    for selector in selectors:
        word = selector.word(registers)
        number = (
            word
            if isinstance(word, int | float) and not isinstance(word, bool)
            else _as_int(word)
        )
        if number is None:
            return None
        total += number
    return total


# --------------------------------------------------------------------------- rules


@dataclass(frozen=True, slots=True)
class Command:
    """A raw command chosen by a command rule: ``{command, value}`` (§2.10 b, §4.5)."""

    command: str
    value: Any = None

    def to_dict(self) -> dict[str, Any]:
        """Return ``{"command": …, "value": …}``."""
        return {"command": self.command, "value": self.value}


@dataclass(frozen=True, slots=True)
class Condition:
    """One condition of a rule: ``{operation, expected, value: [selectors] | {storeGetter}}`` (§4.6).

    `expected` is a number, string, bool, None, `UNDEFINED` (``void 0``) or a `Regex`
    (for ``matches``/``notMatches``). `store_getter` is a path into SPA runtime state
    (``modulesMap.{devid}.connectedAt``), read from the registers mapping with
    ``{devid}`` substituted.
    """

    operation: str
    expected: Any
    selectors: tuple[Selector, ...] = ()
    store_getter: str | None = None

    def _values(self, registers: Mapping[str, Any], devid: str) -> Iterator[Any]:
        """Yield the candidate values of the condition (any may satisfy it)."""
        if self.store_getter is not None:
            yield registers.get(self.store_getter.replace("{devid}", devid))
        for selector in self.selectors:
            yield selector.word(registers)

    def holds(self, registers: Mapping[str, Any], devid: str = "") -> bool:
        """Return True when any selected value satisfies the operation."""
        return any(
            _compare(self.operation, value, self.expected)
            for value in self._values(registers, devid)
        )

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-safe dict (``void 0`` → ``{"$undefined": true}``, regex → ``{"$regex", "flags"}``)."""
        data: dict[str, Any] = {
            "operation": self.operation,
            "expected": _expected_to_json(self.expected),
            "value": [s.to_dict() for s in self.selectors],
        }
        if self.store_getter is not None:
            data["store_getter"] = self.store_getter
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Condition:
        """Rebuild from `to_dict` output."""
        getter = data.get("store_getter")
        return cls(
            operation=str(data.get("operation", "equalTo")),
            expected=_expected_from_json(data.get("expected")),
            selectors=tuple(Selector.from_dict(s) for s in data.get("value", ())),
            store_getter=getter if isinstance(getter, str) else None,
        )


def _expected_to_json(expected: Any) -> Any:
    if expected is UNDEFINED:
        return dict(_UNDEFINED_JSON)
    if isinstance(expected, Regex):
        return {"$regex": expected.pattern, "flags": expected.flags}
    return expected


def _expected_from_json(value: Any) -> Any:
    if isinstance(value, Mapping):
        if value.get("$undefined"):
            return UNDEFINED
        if "$regex" in value:
            return Regex(str(value["$regex"]), str(value.get("flags", "")))
    return value


def _number(value: Any) -> int | float | None:
    """Return a number of a number or numeric string (callers have turned bools into ints)."""
    if isinstance(value, int | float):
        return value
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def _compare(operation: str, value: Any, expected: Any) -> bool:
    """Evaluate one operation of §4.6 on a present value; a missing value never satisfies it."""
    if value is None:
        return False
    if isinstance(expected, Regex):
        if operation not in {"matches", "notMatches"}:
            return False
        try:
            found = re.search(
                expected.pattern,
                str(value),
                re.IGNORECASE if "i" in expected.flags else 0,
            )
        except re.error:
            return False
        return (found is not None) == (operation == "matches")
    if expected is UNDEFINED or isinstance(expected, Undefined):
        return operation == "notEqualTo"
    if isinstance(expected, bool):
        expected = int(expected)
    if isinstance(value, bool):
        value = int(value)
    if operation in {"equalTo", "notEqualTo"}:
        left, right = _number(value), _number(expected)
        equal = (
            left == right
            if left is not None and right is not None
            else value == expected
        )
        return equal == (operation == "equalTo")
    left, right = _number(value), _number(expected)
    if left is None or right is None:
        return False
    if operation == "greaterThan":
        return left > right
    if operation == "greaterThanOrEqualTo":
        return left >= right
    if operation == "lessThan":
        return left < right
    if operation == "lessThanOrEqualTo":
        return left <= right
    return False


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule of a rule list: ``{if|elseif: [conditions], then}`` or ``{else: result}`` (§4.6).

    `then` is a tag (plain `str`, enum members reduced to their name), a bool, None, or
    a `Command`.
    """

    kind: str
    conditions: tuple[Condition, ...] = ()
    then: Any = None

    def matches(self, registers: Mapping[str, Any], devid: str = "") -> bool:
        """Return True for ``else`` or when every condition holds."""
        if self.kind == "else":
            return True
        return bool(self.conditions) and all(
            c.holds(registers, devid) for c in self.conditions
        )

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-safe dict."""
        then = self.then.to_dict() if isinstance(self.then, Command) else self.then
        return {
            "kind": self.kind,
            "conditions": [c.to_dict() for c in self.conditions],
            "then": then,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Rule:
        """Rebuild from `to_dict` output."""
        then = data.get("then")
        if isinstance(then, Mapping) and "command" in then:
            then = Command(str(then["command"]), then.get("value"))
        return cls(
            kind=str(data.get("kind", "if")),
            conditions=tuple(
                Condition.from_dict(c) for c in data.get("conditions", ())
            ),
            then=then,
        )


def evaluate_rules(
    rules: Iterable[Rule], registers: Mapping[str, Any], devid: str = ""
) -> tuple[bool, Any]:
    """Return ``(matched, then)`` of the first rule whose conditions all hold (§4.6); ``(False, None)`` when none does."""
    for rule in rules:
        if rule.matches(registers, devid):
            return True, rule.then
    return False, None


def rules_have_data(rules: Iterable[Rule], registers: Mapping[str, Any]) -> bool:
    """Return False when every register the rules read is missing (their result would be a guess)."""
    keys = [s.key for r in rules for c in r.conditions for s in c.selectors]
    return not keys or any(read_register(registers, k) is not None for k in keys)


@dataclass(frozen=True, slots=True)
class Flag:
    """A status flag of a map (``INVISIBLE``, ``DEVICE_AVAILABLE``, ``ENABLED``…): selectors or rules."""

    name: str
    selectors: tuple[Selector, ...] = ()
    rules: tuple[Rule, ...] = ()

    def value(self, registers: Mapping[str, Any], devid: str = "") -> bool | None:
        """Return the flag: any truthy selected word, or the truthiness of the rule result.

        None means unknown (§4.10 "missing backing value → visible"): every selected
        register is missing, or no rule matched.
        """
        if self.rules:
            keys = [
                s.key for r in self.rules for c in r.conditions for s in c.selectors
            ]
            if keys and all(read_register(registers, k) is None for k in keys):
                return None
            matched, result = evaluate_rules(self.rules, registers, devid)
            if not matched or result is None:
                return None
            return bool(result)
        known = [
            w for w in (s.word(registers) for s in self.selectors) if w is not None
        ]
        if not known:
            return None
        return any(bool(w) for w in known)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-safe dict."""
        return {
            "name": self.name,
            "selectors": [s.to_dict() for s in self.selectors],
            "rules": [r.to_dict() for r in self.rules],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Flag:
        """Rebuild from `to_dict` output."""
        return cls(
            name=str(data.get("name", "")),
            selectors=tuple(Selector.from_dict(s) for s in data.get("selectors", ())),
            rules=tuple(Rule.from_dict(r) for r in data.get("rules", ())),
        )


# --------------------------------------------------------------------------- maps


@dataclass(frozen=True, slots=True, kw_only=True)
class ParameterMap:
    """A normalised parameter map (§4.5).

    Attributes:
        token: The menu token (``PARAM_P4_59``).
        name: The i18n token of the label (``parameters.PARAM_P4_59``), None when absent.
        value: The value selectors (empty for STATUS rule lists).
        rules: The computed STATUS rule list (§4.6), empty otherwise.
        unit: The map's unit code (``unit``/``units``/``unit_name``), None when absent.
        flags: Status flags in source order.
        component: ``useComponent``/``componentType`` (``"SWITCH"``, ``"slider"``, ``"button"``…).
        icon: The SPA icon name (``"INFO"``), None when absent.
        command_mode: ``"any"``, ``"all"`` or ``"when"`` when the map has command rules.
        command_rules: The command rules (each ``then`` a `Command`).
        command: Selectors of a command register (rare).
        min_value: Selectors of the live minimum (``n``).
        max_value: Selectors of the live maximum (``x``).
        limits: Static ``(min, max)`` when the map carries them (rare).
        composite: The map has ``value2``..``value4`` (a composite widget; hidden, §4.10).

    """

    token: str
    name: str | None = None
    value: tuple[Selector, ...] = ()
    rules: tuple[Rule, ...] = ()
    unit: int | None = None
    flags: tuple[Flag, ...] = ()
    component: str | None = None
    icon: str | None = None
    command_mode: str | None = None
    command_rules: tuple[Rule, ...] = ()
    command: tuple[Selector, ...] = ()
    min_value: tuple[Selector, ...] = ()
    max_value: tuple[Selector, ...] = ()
    limits: tuple[float | None, float | None] | None = None
    composite: bool = False

    # -- shape -------------------------------------------------------------------------------

    def all_selectors(self) -> list[Selector]:
        """Return the value selectors, or every condition selector of the STATUS rules."""
        if self.rules:
            return [s for r in self.rules for c in r.conditions for s in c.selectors]
        return list(self.value)

    def address(self) -> tuple[str | None, int | None]:
        """Return the canonical register key and the single bit the value reads, if any (§4.10).

        The first value selector by channel preference v > s > u > x > n; for STATUS rule
        lists the ``s`` register of the first condition selector; without selectors the
        key derived from the token (``PARAM_P4_12`` → ``P4.v12``, ``STATUS_P5_7`` →
        ``P5.s7``, ``PARAM_12`` → ``P6.v12``). The bit is set when every selector reads
        the same single bit of that register without a mask.
        """
        selectors = self.all_selectors()
        if not selectors:
            return _address_from_token(self.token), None
        if self.rules:
            first = selectors[0]
            key = first.family_key("s")
        else:
            best = min(
                self.value,
                key=lambda s: CHANNEL_PREFERENCE.find(s.chan) % len(CHANNEL_PREFERENCE),
            )
            key = best.key
        if self.token.startswith("STATUS_P"):
            pool, _, rest = key.partition(".")
            key = f"{pool}.s{rest[1:]}"
        bits = {(s.key, s.bit) for s in selectors}
        bit: int | None = None
        if len(bits) == 1:
            only_key, only_bit = next(iter(bits))
            if (
                only_bit is not None
                and only_key == key
                and all(s.mask is None for s in selectors)
            ):
                bit = only_bit
        return key, bit

    def flag(self, name: str) -> Flag | None:
        """Return the flag called ``name``, or None."""
        for flag in self.flags:
            if flag.name == name:
                return flag
        return None

    def hidden_reason(
        self, registers: Mapping[str, Any], devid: str = ""
    ) -> str | None:
        """Return why the SPA hides the map (``composite``, ``invisible``, ``device_unavailable``) or None (§4.10).

        Missing backing registers mean "unknown → visible".
        """
        if self.composite:
            return "composite"
        for flag in self.flags:
            value = flag.value(registers, devid)
            if flag.name == FLAG_INVISIBLE and value is True:
                return "invisible"
            if flag.name == FLAG_DEVICE_AVAILABLE and value is False:
                return "device_unavailable"
        return None

    def status_tag(self, registers: Mapping[str, Any], devid: str = "") -> Any:
        """Return the computed STATUS tag (None when no rule matched or no rules)."""
        return evaluate_rules(self.rules, registers, devid)[1]


def _address_from_token(token: str) -> str | None:
    """Derive a register key from a token: ``PARAM_P4_12`` → ``P4.v12``, ``STATUS_P5_7`` → ``P5.s7``, ``PARAM_12`` → ``P6.v12``."""
    parts = token.split("_")
    if len(parts) == 3 and parts[0] in {"PARAM", "STATUS"} and parts[1][:1] == "P":
        pool, index = parts[1], parts[2]
        if pool[1:].isdigit() and index.isdigit():
            chan = "s" if parts[0] == "STATUS" else "v"
            return f"{pool}.{chan}{int(index)}"
    if len(parts) == 2 and parts[0] == "PARAM" and parts[1].isdigit():
        return f"P6.v{int(parts[1])}"
    return None


# --------------------------------------------------------------------------- normalising


def _plain_str(value: JsValue) -> str | None:
    """Return a plain `str` (enum members reduced to their name), or None."""
    if isinstance(value, str):
        return str(value)
    return None


def _int(value: JsValue) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        normalized = normalize_option_key(value)
        return normalized if isinstance(normalized, int) else None
    return None


def _truthy_marker(value: JsValue) -> bool:
    """Return True for a present ``convert`` marker (a helper function, its minified name, true)."""
    if value is None or isinstance(value, Undefined):
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value != 0
    if isinstance(value, str):
        return bool(value)
    return isinstance(value, ArrowFunction | Unknown | UnknownCall | dict | list)


def selector_from_value(value: JsValue) -> Selector | None:
    """Normalise one evaluated selector object; None when it has no pool or index."""
    if not isinstance(value, dict):
        return None
    group = value.get("group", value.get("pool"))
    index = _int(value.get("number", value.get("index")))
    if index is None:
        return None
    pool: str | None = None
    if isinstance(group, str) and group:
        pool = group if group[0] in "Pp" else f"P{group}"
        pool = "P" + pool[1:]
    elif isinstance(group, int) and not isinstance(group, bool):
        pool = f"P{group}"
    if pool is None or not pool[1:].isdigit():
        return None
    use = value.get("use", value.get("chan", "v"))
    chan = str(use)[:1] if isinstance(use, str) and use else "v"
    times_value = value.get("times")
    times = (
        times_value
        if isinstance(times_value, int | float) and not isinstance(times_value, bool)
        else None
    )
    if times == 1:
        times = None
    return Selector(
        pool=pool,
        index=index,
        chan=chan,
        bit=_int(value.get("bit")),
        mask=_int(value.get("mask")),
        convert=_truthy_marker(value.get("convert")),
        times=times,
    )


def _selectors(value: JsValue) -> tuple[Selector, ...]:
    """Return the selectors of a selector or list of selectors (others skipped)."""
    items = value if isinstance(value, list) else [value]
    out = [s for s in (selector_from_value(item) for item in items) if s is not None]
    return tuple(out)


def _is_rule_list(value: JsValue) -> bool:
    """Return True for a list containing ``{if|elseif|else: …}`` objects."""
    return isinstance(value, list) and any(
        isinstance(item, dict) and any(k in item for k in _RULE_KINDS) for item in value
    )


def _then_value(value: JsValue) -> Any:
    """Normalise a rule result: ``{command, value}`` → `Command`, ``{value: tag}`` → tag, enums → names."""
    if isinstance(value, dict):
        if "command" in value:
            command = value.get("command")
            payload = value.get("value")
            return Command(
                str(normalize_option_key(command)) if isinstance(command, str) else "",
                _plain_data(payload),
            )
        if "value" in value:
            return _then_value(value["value"])
        return None
    return _plain_data(value)


def _plain_data(value: JsValue) -> Any:
    """Return JSON-safe data for a tag or command value (undefined → None, enum → name)."""
    if value is None or isinstance(value, Undefined | Unknown | UnknownCall):
        return None
    if isinstance(value, str):
        return str(value)
    if isinstance(value, bool | int | float):
        return value
    return None


def _condition_from_value(value: JsValue) -> Condition | None:
    if not isinstance(value, dict):
        return None
    operation = value.get("operation", "equalTo")
    op = normalize_option_key(operation) if isinstance(operation, str) else "equalTo"
    if not isinstance(op, str) or op not in OPERATIONS:
        return None
    expected: Any = value.get("expected", UNDEFINED)
    if isinstance(expected, Undefined):
        expected = UNDEFINED
    elif not isinstance(expected, Regex):
        expected = _plain_data(expected)
    target = value.get("value")
    getter: str | None = None
    if isinstance(target, dict) and isinstance(target.get("storeGetter"), str):
        getter = str(target["storeGetter"])
        selectors: tuple[Selector, ...] = ()
    else:
        selectors = _selectors(target)
    if not selectors and getter is None:
        return None
    return Condition(op, expected, selectors, getter)


def rules_from_value(value: JsValue) -> tuple[Rule, ...]:
    """Normalise a rule list (or a single ``{if, then, else}`` object) into `Rule` records."""
    items: list[JsValue]
    if isinstance(value, dict):
        items = [{"if": value.get("if"), "then": value.get("then")}]
        if "else" in value:
            items.append({"else": value.get("else")})
    elif isinstance(value, list):
        items = value
    else:
        return ()
    rules: list[Rule] = []
    for item in items:
        if not isinstance(item, dict):
            continue
        if "else" in item and "if" not in item and "elseif" not in item:
            rules.append(Rule("else", (), _then_value(item["else"])))
            continue
        kind = "if" if "if" in item else "elseif" if "elseif" in item else None
        if kind is None:
            continue
        raw = item.get(kind)
        raw_conditions = raw if isinstance(raw, list) else [raw]
        conditions = tuple(
            c
            for c in (_condition_from_value(r) for r in raw_conditions)
            if c is not None
        )
        if not conditions:
            continue
        rules.append(Rule(kind, conditions, _then_value(item.get("then"))))
        if "else" in item:
            rules.append(Rule("else", (), _then_value(item["else"])))
    return tuple(rules)


def _flags_from_value(value: JsValue) -> tuple[Flag, ...]:
    if not isinstance(value, dict):
        return ()
    flags: list[Flag] = []
    for raw_name, spec in value.items():
        name = str(normalize_option_key(raw_name)).upper()
        if _is_rule_list(spec) or (isinstance(spec, dict) and "if" in spec):
            rules = rules_from_value(spec)
            if rules:
                flags.append(Flag(name, (), rules))
            continue
        selectors = _selectors(spec)
        if selectors:
            flags.append(Flag(name, selectors, ()))
    return tuple(flags)


def _limits_from_value(value: JsValue) -> tuple[float | None, float | None] | None:
    if isinstance(value, dict):
        low = value.get("min", value.get("minValue"))
        high = value.get("max", value.get("maxValue"))
    elif isinstance(value, list) and len(value) == 2:
        low, high = value
    else:
        return None
    low_n = low if isinstance(low, int | float) and not isinstance(low, bool) else None
    high_n = (
        high if isinstance(high, int | float) and not isinstance(high, bool) else None
    )
    if low_n is None and high_n is None:
        return None
    return (low_n, high_n)


def looks_like_parameter_map(value: JsValue) -> bool:
    """Return True when an evaluated object has typical parameter-map keys (§4.5 acceptance)."""
    return isinstance(value, dict) and bool(_TYPICAL_KEYS & value.keys())


def parameter_map_from_value(token: str, value: JsValue) -> ParameterMap | None:
    """Normalise one evaluated parameter map; None when ``value`` is not a map.

    Accepts every spelling of §4.5: ``unit``/``units``/``unit_name``, ``useComponent``/
    ``componentType``, ``minValue``/``min``, ``maxValue``/``max``, computed flag keys,
    rule lists under ``value`` or ``any``, command rules under ``any``/``all``/``when``.
    """
    if not looks_like_parameter_map(value) or not isinstance(value, dict):
        return None
    name = _plain_str(value.get("name"))
    unit: int | None = None
    for key in ("unit", "units", "unit_name"):
        unit = _int(value.get(key))
        if unit is not None:
            break
    raw_value = value.get("value")
    rules: tuple[Rule, ...] = ()
    selectors: tuple[Selector, ...] = ()
    if _is_rule_list(raw_value):
        rules = rules_from_value(raw_value)
    else:
        selectors = _selectors(raw_value) if raw_value is not None else ()
        if not selectors and "group" in value:
            selectors = _selectors(value)
    command_mode: str | None = None
    command_rules: tuple[Rule, ...] = ()
    for mode in COMMAND_MODES:
        candidate = value.get(mode)
        if not _is_rule_list(candidate):
            continue
        parsed = rules_from_value(candidate)
        if any(isinstance(r.then, Command) for r in parsed):
            command_mode, command_rules = mode, parsed
            break
        if not rules and not selectors:
            rules = parsed
    component = value.get("useComponent", value.get("componentType"))
    icon = value.get("icon")
    return ParameterMap(
        token=token,
        name=name,
        value=selectors,
        rules=rules,
        unit=unit,
        flags=_flags_from_value(value.get("status")),
        component=str(component) if isinstance(component, str) and component else None,
        icon=str(icon) if isinstance(icon, str) and icon else None,
        command_mode=command_mode,
        command_rules=command_rules,
        command=_selectors(value.get("command"))
        if not isinstance(value.get("command"), str)
        else (),
        min_value=_selectors(value.get("minValue", value.get("min"))),
        max_value=_selectors(value.get("maxValue", value.get("max"))),
        limits=_limits_from_value(
            value.get("limits", value.get("range", value.get("minmax")))
        ),
        composite=any(
            value.get(k) not in (None, UNDEFINED)
            for k in ("value2", "value3", "value4")
        ),
    )


# --------------------------------------------------------------------------- lookup


def _import_bindings(program: Program) -> dict[str, str]:
    """Return ``local name → imported name`` of the program's ``import {a as b} from …`` statements."""
    out: dict[str, str] = {}
    for statement in program.root.named_children:
        if statement.type != "import_statement":
            continue
        for node in _descendants(statement, "import_specifier"):
            alias = node.child_by_field_name("alias")
            # The grammar gives every specifier exactly one ``name``.
            for name in node.children_by_field_name("name"):
                local = alias if alias is not None else name
                out[program.text(local)] = program.text(name)
    return out


def _export_bindings(program: Program) -> dict[str, str]:
    """Return ``exported name → local name`` of the program's ``export {a as b}`` clauses."""
    out: dict[str, str] = {}
    for statement in program.root.named_children:
        if statement.type != "export_statement":
            continue
        for node in _descendants(statement, "export_specifier"):
            alias = node.child_by_field_name("alias")
            # The grammar gives every specifier exactly one ``name``.
            for name in node.children_by_field_name("name"):
                exported = alias if alias is not None else name
                out[program.text(exported)] = program.text(name)
    return out


def _descendants(node: Node, node_type: str) -> Iterator[Node]:
    """Yield the descendants of ``node`` of one type (bounded breadth-first walk)."""
    queue = list(node.named_children)
    seen = 0
    while queue and seen < 10_000:
        current = queue.pop(0)
        seen += 1
        if current.type == node_type:
            yield current
        queue.extend(current.named_children)


class ParameterMapLookup:
    """Find parameter maps for tokens in parsed assets (PROTOCOL.md §4.5 lookup order).

    Args:
        index:
            The parsed ``index-<hash>.js``.
        chunks:
            Parsed dedicated chunks by basename (``{"PARAM_66": Program, "STATUS_P5_10": …}``),
            already fetched by the caller (no network here).

    Lookup for a token, first hit wins: (1) the dedicated chunk whose basename is the
    token: its default export (or its largest object); if that object has a key equal to
    the token, that value; (2) every ``UPPER_SNAKE: <expr>`` pair of the index and of the
    chunks whose value evaluates to a map (builder-call tables); (3) any property literally
    named like the token (tokens that are not ``UPPER_SNAKE``, e.g. ``boilerStatus``).
    Calls of builders that a chunk imports from the index are evaluated with the
    index's function. Unresolved tokens give None. The reference's heuristics over
    "large objects with typical words" are not used: they guess, and a wrong map is
    worse than none.

    """

    def __init__(
        self, index: Program, chunks: Mapping[str, Program] | None = None
    ) -> None:
        """Index the pairs of the index and the chunks (values are evaluated on demand)."""
        self.index = index
        self.chunks: dict[str, Program] = dict(chunks or {})
        self._exports: dict[str, str] | None = None
        self._pairs: dict[str, list[tuple[KeyedExpression, Program]]] | None = None
        self._cache: dict[str, ParameterMap | None] = {}
        self._imports: dict[int, dict[str, str]] = {}

    def _pair_table(self) -> dict[str, list[tuple[KeyedExpression, Program]]]:
        if self._pairs is None:
            table: dict[str, list[tuple[KeyedExpression, Program]]] = {}
            for program in (self.index, *self.chunks.values()):
                for pair in program.upper_snake_pairs():
                    table.setdefault(pair.key, []).append((pair, program))
            self._pairs = table
        return self._pairs

    def _resolve_calls(
        self, value: JsValue, program: Program, depth: int = 0
    ) -> JsValue:
        """Replace calls of builders imported from the index by their evaluated results."""
        if depth > 32 or program is self.index:
            return value
        if isinstance(value, list):
            return [self._resolve_calls(v, program, depth + 1) for v in value]
        if isinstance(value, dict):
            return {
                k: self._resolve_calls(v, program, depth + 1) for k, v in value.items()
            }
        if isinstance(value, UnknownCall):
            if id(program) not in self._imports:
                self._imports[id(program)] = _import_bindings(program)
            imported = self._imports[id(program)].get(value.callee)
            if imported is None:
                return value
            if self._exports is None:
                self._exports = _export_bindings(self.index)
            local = self._exports.get(imported, imported)
            function = self.index.binding(local)
            if isinstance(function, ArrowFunction):
                args = tuple(
                    self._resolve_calls(a, program, depth + 1) for a in value.args
                )
                return function.call(*args)
        return value

    def _from_chunk(self, token: str, program: Program) -> JsValue:
        value = program.default_export()
        if not isinstance(value, dict):
            obj = program.largest_object()
            value = obj.value if obj is not None else UNDEFINED
        if isinstance(value, dict) and token in value:
            value = value[token]
        return self._resolve_calls(value, program)

    def lookup(self, token: str) -> ParameterMap | None:
        """Return the normalised map of ``token``, or None when no asset defines it."""
        if token in self._cache:
            return self._cache[token]
        found: ParameterMap | None = None
        chunk = self.chunks.get(token)
        if chunk is not None:
            found = parameter_map_from_value(token, self._from_chunk(token, chunk))
        if found is None:
            for pair, program in self._pair_table().get(token, []):
                value = self._resolve_calls(pair.value, program)
                found = parameter_map_from_value(token, value)
                if found is not None:
                    break
        if found is None:
            found = self._by_key(token)
        if found is None:
            _LOGGER.debug("no parameter map for %s", token)
        self._cache[token] = found
        return found

    def _by_key(self, token: str) -> ParameterMap | None:
        """Find ``token: <map>`` as a literal property anywhere (non-``UPPER_SNAKE`` tokens, §4.5 step 5)."""
        for program in (self.index, *self.chunks.values()):
            for obj in program.objects_with_key(token):
                node = obj.value_node(token)
                if node is None:
                    continue
                value = self._resolve_calls(program.evaluate(node), program)
                found = parameter_map_from_value(token, value)
                if found is not None:
                    return found
        return None

    def lookup_all(self, tokens: Iterable[str]) -> dict[str, ParameterMap]:
        """Return the maps of ``tokens`` that resolve (unresolved ones are omitted)."""
        out: dict[str, ParameterMap] = {}
        for token in tokens:
            found = self.lookup(token)
            if found is not None:
                out[token] = found
        return out
