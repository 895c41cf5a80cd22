"""The units descriptor table of the web-app index (PROTOCOL.md §4.7, §5.3, §5.5).

The index bundle carries one object literal keyed by numeric unit codes (hex in the live
build: ``0x31`` = 49) whose values describe a unit: ``text`` (i18n token of the label),
``options`` (enum table, raw value or enum symbol → i18n token), ``value`` (display
transform as an arrow function) and ``valuePrepare`` (its inverse). `find_units_table`
finds it structurally (the largest top-level object whose values look like descriptors)
and `units_from_value` turns an evaluated table into `UnitDescriptor` records.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from .errors import AssetError
from .transforms import Transform, transform_from_value
from .values import JsValue

if TYPE_CHECKING:
    from .js import ObjectLiteral, Program

_DESCRIPTOR_KEYS: Final = frozenset({"text", "options", "value", "valuePrepare"})
_MIN_CODES: Final = 2

type OptionKey = int | str


class UnitsTableNotFoundError(AssetError):
    """The index has no object literal that looks like the units descriptor table (§4.7)."""


def normalize_option_key(key: object) -> OptionKey:
    """Return an option key in the form used for comparisons (PROTOCOL.md §4.6, §5.5).

    Integers and integral numeric strings (``"0x1a"``, ``"12"``, ``12.0``) become `int`;
    enum symbols become their member name: ``EnumMember('ON')`` → ``"ON"``,
    ``"BoilerState['STOP']"`` → ``"STOP"``, ``"[kn.ON]"`` → ``"ON"``, ``"e.ON"`` → ``"ON"``.
    Other strings are returned stripped.
    """
    if isinstance(key, bool):
        return int(key)
    if isinstance(key, int):
        return key
    if isinstance(key, float) and key.is_integer():
        return int(key)
    text = str(key).strip()
    number = _parse_int(text)
    if number is not None:
        return number
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1].strip()
    if text.endswith(("']", '"]')):
        start = text.rfind("[")
        if start > 0:
            return text[start + 2 : -2]
    owner, dot, member = text.rpartition(".")
    if dot and owner and member and _is_identifier(owner) and _is_identifier(member):
        return member
    return text


def _is_identifier(text: str) -> bool:
    """Return True for a JavaScript-like identifier (``kn``, ``_0x1a``, ``BoilerState``)."""
    return (
        bool(text) and not text[0].isdigit() and text.replace("$", "_").isidentifier()
    )


def _parse_int(text: str) -> int | None:
    """Return the integer of a decimal, hex, octal or binary literal string, else None."""
    body = text.removeprefix("-")
    sign = -1 if body != text else 1
    try:
        if body[:2].lower() in {"0x", "0o", "0b"}:
            return sign * int(body, 0)
        if body.isdigit():
            return sign * int(body)
    except ValueError:
        return None
    return None


@dataclass(frozen=True, slots=True, kw_only=True)
class UnitDescriptor:
    """One entry of the units descriptor table (PROTOCOL.md §4.7).

    Attributes:
        code:
            The unit code (decimal).
        text_token:
            The i18n token of the unit label (``"units.31"``); ``units.<code>`` when the
            entry has no ``text``; None for enum units with options only.
        options:
            The enum table in source order: ``(key, i18n token)`` with keys normalised by
            `normalize_option_key` (ints, or enum member names such as ``"ON"``). Keys may
            be non-contiguous (§5.5).
        transform:
            The display transform (raw → shown) of ``value``, None when absent or unsupported.
        inverse:
            The transform of ``valuePrepare`` (shown → raw), None when absent or unsupported;
            callers fall back to the algebraic inverse of `transform`.
        colors:
            Colour hints by option key, if any (UI only).

    """

    code: int
    text_token: str | None = None
    options: tuple[tuple[OptionKey, str], ...] = ()
    transform: Transform | None = None
    inverse: Transform | None = None
    colors: tuple[tuple[str, str], ...] = ()

    @property
    def is_enum(self) -> bool:
        """Return True when the unit has options and no display transform."""
        return bool(self.options) and self.transform is None

    def option_token(self, key: object) -> str | None:
        """Return the i18n token of option ``key`` (compared normalised), or None."""
        wanted = normalize_option_key(key)
        for option_key, token in self.options:
            if option_key == wanted:
                return token
        if isinstance(wanted, str):
            lowered = wanted.lower()
            for option_key, token in self.options:
                if isinstance(option_key, str) and option_key.lower() == lowered:
                    return token
        return None


def unit_descriptor_from_value(code: int, value: JsValue) -> UnitDescriptor | None:
    """Return the descriptor of one evaluated table entry, None when it is not an object."""
    if not isinstance(value, dict):
        return None
    text = value.get("text")
    text_token = text if isinstance(text, str) and text else None
    options: list[tuple[OptionKey, str]] = []
    raw_options = value.get("options")
    if isinstance(raw_options, dict):
        for key, token in raw_options.items():
            if isinstance(token, str):
                options.append((normalize_option_key(key), token))
    if text_token is None and not options:
        text_token = f"units.{code}"
    colors: list[tuple[str, str]] = []
    raw_colors = value.get("colors")
    if isinstance(raw_colors, dict):
        colors = [
            (str(normalize_option_key(k)), c)
            for k, c in raw_colors.items()
            if isinstance(c, str)
        ]
    return UnitDescriptor(
        code=code,
        text_token=text_token,
        options=tuple(options),
        transform=transform_from_value(value.get("value")),
        inverse=transform_from_value(value.get("valuePrepare")),
        colors=tuple(colors),
    )


def units_from_value(table: JsValue) -> dict[int, UnitDescriptor]:
    """Turn an evaluated units table (code string → descriptor object) into records keyed by code.

    Entries whose key is not an integer or whose value is not an object are skipped.
    """
    out: dict[int, UnitDescriptor] = {}
    if not isinstance(table, dict):
        return out
    for key, value in table.items():
        code = normalize_option_key(key)
        if not isinstance(code, int):
            continue
        descriptor = unit_descriptor_from_value(code, value)
        if descriptor is not None:
            out[code] = descriptor
    return out


def looks_like_units_table(obj: ObjectLiteral) -> bool:
    """Return True when most keys are integer codes and most values are descriptor objects.

    Cheap: inspects keys and value node types without evaluating anything.
    """
    entries = obj.entries()
    if len(entries) < _MIN_CODES:
        return False
    numeric = 0
    descriptors = 0
    for key, node in entries:
        if isinstance(normalize_option_key(key), int):
            numeric += 1
        if node.type == "object":
            keys = set()
            for child in node.named_children:
                if child.type == "pair":
                    # The grammar gives every pair exactly one ``key``.
                    for key_node in child.children_by_field_name("key"):
                        keys.add(obj.program.property_name(key_node))
            if keys & _DESCRIPTOR_KEYS:
                descriptors += 1
    return numeric * 4 >= len(entries) * 3 and descriptors * 2 >= len(entries)


def find_units_table(index: Program) -> dict[int, UnitDescriptor]:
    """Find and read the units descriptor table of the index bundle (PROTOCOL.md §4.7).

    The largest top-level object literal passing `looks_like_units_table` is taken; when
    none is bound at the top level, the largest such literal anywhere.

    Raises:
        UnitsTableNotFoundError:
            No candidate, or the candidate yields no descriptor.

    """
    candidate = index.largest_object(looks_like_units_table, top_level=True)
    if candidate is None:
        candidate = index.largest_object(looks_like_units_table, min_size=64)
    if candidate is None:
        msg = "units table: no object keyed by unit codes found in the index"
        raise UnitsTableNotFoundError(msg)
    units = units_from_value(candidate.value)
    if not units:
        msg = "units table: the candidate object has no readable unit descriptors"
        raise UnitsTableNotFoundError(msg)
    return units


def unit_for(
    units: Mapping[int, UnitDescriptor], code: int | None
) -> UnitDescriptor | None:
    """Return the descriptor of ``code``; a code without an entry gets a bare ``units.<code>`` text."""
    if code is None:
        return None
    found = units.get(code)
    if found is not None:
        return found
    return UnitDescriptor(code=code, text_token=f"units.{code}")
