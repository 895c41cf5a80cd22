r"""A tiny JavaScript emitter with seed-driven minifier/obfuscator spellings.

The generator builds JavaScript from a small tree of Python values and the node classes
below, and renders it either in the obfuscated shapes of the live vendor bundle
(PROTOCOL.md §4.9: hex numbers, ``!0``/``![]`` booleans, ``void 0x0``, ``\x20`` and
``\uNNNN`` escapes, quoted and computed keys, ``_0x…['NAME']`` member access) or, with
``readable=True``, in plain JavaScript with the same semantics.

Plain Python values map to JavaScript literals: ``bool`` → boolean, ``int``/``float`` →
number, ``str`` → string, ``None`` → ``null``, ``list``/``tuple`` → array, ``dict`` →
object with the keys rendered by `Js.key`.
"""

from __future__ import annotations

from dataclasses import dataclass
import random
import re
from typing import Any

_IDENT = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*$")
_RESERVED = frozenset(
    {
        "if",
        "else",
        "default",
        "return",
        "const",
        "new",
        "class",
        "function",
        "void",
        "in",
        "of",
    }
)


class _Undefined:
    """The JavaScript ``undefined`` value (rendered ``void 0x0`` / ``void 0``)."""

    def __repr__(self) -> str:
        return "UNDEFINED"


UNDEFINED = _Undefined()


@dataclass(frozen=True)
class Raw:
    """Already rendered JavaScript text, emitted unchanged."""

    text: str


@dataclass(frozen=True)
class Ref:
    """A reference to an identifier (already mangled by the caller)."""

    name: str


@dataclass(frozen=True)
class Member:
    """Enum member access ``obj['NAME']`` / ``obj.NAME`` (spelling chosen by the style)."""

    obj: str
    prop: str
    dotted: bool | None = None


@dataclass(frozen=True)
class Computed:
    """A computed object key ``[expr]``."""

    expr: Any


@dataclass(frozen=True)
class Spread:
    """An object or array spread ``...expr`` (used as an object key with value None)."""

    expr: Any


@dataclass(frozen=True)
class Call:
    """A call ``fn(arg, …)``; `fn` is rendered like any other value (use `Ref`/`Raw`)."""

    fn: Any
    args: tuple[Any, ...]


@dataclass(frozen=True)
class Regex:
    """A regular-expression literal ``/pattern/flags``."""

    pattern: str
    flags: str = ""


@dataclass(frozen=True)
class Obj:
    """An object literal with ordered items; keys are `str`, `int`, `Computed` or `Spread`."""

    items: tuple[tuple[Any, Any], ...]


class Js:
    """Render values as JavaScript in one style.

    `readable` selects plain spellings; otherwise `rng` (a seeded `random.Random`) picks
    among the obfuscated spellings. The same sequence of calls with the same seed always
    yields the same text.
    """

    def __init__(self, rng: random.Random, *, readable: bool) -> None:
        """Create a style; its random choices per seed are drawn from `rng`."""
        self.rng = rng
        self.readable = readable
        self.quote = "'" if readable else rng.choice(["'", '"', "'"])
        self.key_quote_rate = 0.0 if readable else rng.choice([0.15, 0.4, 0.7])
        self.space_escape_rate = 0.0 if readable else rng.choice([0.95, 0.97, 1.0])
        self.unicode_escape_rate = 0.0 if readable else rng.choice([0.3, 0.5, 0.8])
        self.odd_base_rate = 0.0 if readable else rng.choice([0.0, 0.03, 0.06])
        self.dotted_rate = 0.0 if readable else rng.choice([0.0, 0.1, 0.25])

    # ----------------------------------------------------------------- scalars
    def num(self, value: int | float, *, key: bool = False) -> str:  # noqa: PYI041 - ints and floats spell differently
        """Render a number (hex and other bases for integers when obfuscated)."""
        if isinstance(value, float):
            return repr(value)
        if self.readable:
            return str(value)
        if value < 0:
            return "-" + self.num(-value, key=key) if not key else str(value)
        roll = self.rng.random()
        if roll < self.odd_base_rate:
            return f"0o{value:o}"
        if roll < 2 * self.odd_base_rate and value > 1:
            return f"0b{value:b}"
        if roll < 3 * self.odd_base_rate and value >= 1000 and not key:
            return f"{value:,}".replace(",", "_")
        return f"0x{value:x}"

    def boolean(self, value: bool) -> str:  # noqa: FBT001 - a literal's value
        """Render a boolean (``!0``/``!![]`` or ``!1``/``![]`` when obfuscated)."""
        if self.readable:
            return "true" if value else "false"
        if value:
            return self.rng.choice(["!0", "!![]", "!0"])
        return self.rng.choice(["!1", "![]", "!1"])

    def undefined(self) -> str:
        """Render ``undefined`` the way minifiers do."""
        return "void 0" if self.readable else "void 0x0"

    def string(
        self, text: str, *, quote: str | None = None, escape: bool = True
    ) -> str:
        """Render a string literal; obfuscated labels escape spaces and diacritics."""
        q = quote or self.quote
        out: list[str] = [q]
        spaces = (
            escape and not self.readable and self.rng.random() < self.space_escape_rate
        )
        uni = (
            escape
            and not self.readable
            and self.rng.random() < self.unicode_escape_rate
        )
        brace = uni and self.rng.random() < 0.1
        for char in text:
            code = ord(char)
            if char in {q, "\\"}:
                out.append("\\" + char)
            elif char == "\n":
                out.append("\\n")
            elif char == " " and spaces:
                out.append("\\x20")
            elif code < 0x20:
                out.append(f"\\x{code:02x}")
            elif code > 0x7E and uni:
                out.append(f"\\u{{{code:x}}}" if brace else f"\\u{code:04x}")
            else:
                out.append(char)
        out.append(q)
        return "".join(out)

    def key(self, key: Any) -> str:
        """Render an object key: identifier, quoted string, number, computed or spread."""
        if isinstance(key, Computed):
            return "[" + self.expr(key.expr) + "]"
        if isinstance(key, int) and not isinstance(key, bool):
            return self.num(key, key=True)
        text = str(key)
        if _IDENT.match(text) and (
            self.readable or self.rng.random() >= self.key_quote_rate
        ):
            return text
        return self.string(text, escape=False)

    def member(self, obj: str, prop: str, *, dotted: bool | None = None) -> str:
        """Render ``obj['prop']`` (or ``obj.prop``)."""
        use_dot = (
            dotted
            if dotted is not None
            else (self.readable or self.rng.random() < self.dotted_rate)
        )
        if use_dot and _IDENT.match(prop):
            return f"{obj}.{prop}"
        return f"{obj}[{self.string(prop, escape=False)}]"

    # ---------------------------------------------------------------- compound
    def expr(self, value: Any) -> str:
        """Render any supported value as a JavaScript expression."""
        if value is UNDEFINED:
            return self.undefined()
        if value is None:
            return "null"
        if isinstance(value, bool):
            return self.boolean(value)
        if isinstance(value, int | float):
            return self.num(value)
        if isinstance(value, str):
            return self.string(value, escape=False)
        if isinstance(value, Raw):
            return value.text
        if isinstance(value, Ref):
            return value.name
        if isinstance(value, Member):
            return self.member(value.obj, value.prop, dotted=value.dotted)
        if isinstance(value, Regex):
            return f"/{value.pattern}/{value.flags}"
        if isinstance(value, Call):
            return (
                self.expr(value.fn)
                + "("
                + ",".join(self.expr(a) for a in value.args)
                + ")"
            )
        if isinstance(value, Spread):
            return "..." + self.expr(value.expr)
        if isinstance(value, list | tuple):
            return "[" + ",".join(self.expr(v) for v in value) + "]"
        if isinstance(value, Obj):
            return self.obj(value.items)
        if isinstance(value, dict):
            return self.obj(tuple(value.items()))
        msg = f"cannot render {value!r} as JavaScript"
        raise TypeError(msg)

    def obj(self, items: tuple[tuple[Any, Any], ...] | list[tuple[Any, Any]]) -> str:
        """Render an object literal from ordered (key, value) pairs."""
        parts: list[str] = []
        for key, val in items:
            if isinstance(key, Spread):
                parts.append("..." + self.expr(key.expr))
            else:
                parts.append(self.key(key) + ":" + self.expr(val))
        return "{" + ",".join(parts) + "}"

    def label_string(self, text: str) -> str:
        """Render an i18n label (escapes applied per the style's rates)."""
        return self.string(text, escape=True)


class Names:
    """Mangled identifiers: ``_0x[0-9a-f]{4,6}`` per seed, readable names in readable mode."""

    def __init__(self, rng: random.Random, *, readable: bool) -> None:
        """Create a name pool drawing from `rng`."""
        self.rng = rng
        self.readable = readable
        self._given: dict[str, str] = {}
        self._used: set[str] = set()

    def __call__(self, logical: str) -> str:
        """Return the identifier for `logical` (stable within one bundle)."""
        if logical in self._given:
            return self._given[logical]
        if self.readable:
            name = re.sub(r"[^A-Za-z0-9_$]", "_", logical)
            if name[0].isdigit():
                name = "_" + name
        else:
            while True:
                width = self.rng.choice([4, 5, 6, 6])
                name = "_0x" + "".join(
                    self.rng.choice("0123456789abcdef") for _ in range(width)
                )
                if name not in self._used:
                    break
        self._used.add(name)
        self._given[logical] = name
        return name

    def short(self, logical: str) -> str:
        """Return a short minifier-style name (``A``, ``e``, ``kn``…) for `logical`."""
        if logical in self._given:
            return self._given[logical]
        if self.readable:
            return self(logical)
        pool = [
            c
            for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
            if c not in "deh"
        ]
        while True:
            name = self.rng.choice(pool) + (self.rng.choice(["", "", "n", "u", "t"]))
            if (
                name not in self._used
                and name not in _RESERVED
                and name not in {"in", "do", "if"}
            ):
                break
        self._used.add(name)
        self._given[logical] = name
        return name
