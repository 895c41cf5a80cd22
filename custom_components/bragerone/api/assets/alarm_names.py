"""The vendor's alarm-name table, read from its web-app chunk (PROTOCOL.md §2.8a).

An alarm row's ``id`` is a type code; the bundle's ``AlarmName`` table maps it to a
symbol (``38 → "ERROR_BRAK_PALIWA"``) whose text is in the i18n namespace ``errors``. The
table sits in the asset whose basename is ``Alarms`` or ``alarms``, else the first one
whose basename starts with ``alarms``. No real chunk was captured, so its literal form is
unknown [code-only]; all three plausible forms are read through the JavaScript parser:

* a plain object keyed by code: ``{0:"ERROR_TEMPERATURA_KOTLA",38:"ERROR_BRAK_PALIWA"}``;
* a plain object keyed by symbol: ``{ERROR_BRAK_PALIWA:38}``;
* a compiled TypeScript enum, ``(function(e){e[e.ERROR_X=38]="ERROR_X"})(E||(E={}))`` or
  ``var E=(e=>(e[e.ERROR_X=38]="ERROR_X",e))(E||{})``, read by calling the function on a
  fresh object with the literal-subset evaluator.

The chunk may hold other objects (component options, a priority map): the table is the
candidate with the most ``ERROR_*`` symbols, then the most entries.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from .discovery import AssetIndex, guess_basename
from .js import Program
from .values import JsValue

ALARMS_BASENAMES: Final = ("Alarms", "alarms")
"""Basenames of the chunk holding the table, in order of preference (§2.8a)."""
ALARMS_BASENAME_PREFIX: Final = "alarms"
"""Otherwise the first chunk whose basename starts with this (§2.8a)."""
ERROR_PREFIX: Final = "ERROR_"

_SYMBOL_CHARS: Final = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")


def find_alarm_chunk(index: AssetIndex) -> str | None:
    """Return the URL of the chunk holding the ``AlarmName`` table, None when the bundle has none."""
    for basename in ALARMS_BASENAMES:
        url = index.find(basename)
        if url is not None:
            return url
    for name, url in index.files.items():
        if guess_basename(name).startswith(ALARMS_BASENAME_PREFIX):
            return url
    return None


def _is_symbol(value: object) -> bool:
    """Return True for an enum member name such as ``ERROR_BRAK_PALIWA``."""
    return (
        isinstance(value, str)
        and len(value) >= 2
        and "A" <= value[0] <= "Z"
        and set(value) <= _SYMBOL_CHARS
    )


def _code(value: object) -> int | None:
    """Return a non-negative integer code from a number or a decimal property name."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, float) and value.is_integer() and value >= 0:
        return int(value)
    if isinstance(value, str) and value.isdigit() and value.isascii():
        return int(value)
    return None


def table_from_value(value: JsValue) -> dict[int, str]:
    """Return code → symbol from an evaluated object in any of the three forms.

    Entries keyed by code with a symbol value and entries keyed by symbol with a code
    value both count (a TypeScript enum has both directions, which agree). An object
    of which fewer than half the entries read this way is not an alarm table: ``{}``.
    """
    if not isinstance(value, Mapping) or not value:
        return {}
    table: dict[int, str] = {}
    for key, item in value.items():
        code = _code(key)
        if code is not None and _is_symbol(item):
            table.setdefault(code, str(item))
            continue
        code = _code(item)
        if code is not None and _is_symbol(key):
            table.setdefault(code, key)
    readable = sum(
        1
        for key, item in value.items()
        if (_code(key) is not None and _is_symbol(item))
        or (_code(item) is not None and _is_symbol(key))
    )
    return table if readable * 2 >= len(value) else {}


def alarm_symbols(program: Program) -> dict[int, str]:
    """Return the ``AlarmName`` table of a parsed alarms chunk: code → symbol.

    Every object literal and every immediately invoked function (called on a fresh
    object) is a candidate; the one with the most ``ERROR_*`` symbols, then the most
    entries, wins. ``{}`` when the chunk has no table.
    """
    candidates: list[dict[int, str]] = [
        table_from_value(obj.value) for obj in program.objects()
    ]
    for function in program.invoked_functions():
        target: dict[str, JsValue] = {}
        result = function.call(target)
        candidates.append(table_from_value(target))
        candidates.append(table_from_value(result))

    def score(table: dict[int, str]) -> tuple[int, int]:
        errors = sum(1 for symbol in table.values() if symbol.startswith(ERROR_PREFIX))
        return errors, len(table)

    best = max(candidates, key=score, default={})
    return dict(sorted(best.items()))
