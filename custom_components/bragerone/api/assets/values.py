"""Plain Python values produced by evaluating the literal subset of the vendor's JavaScript.

Mapping of JavaScript values (PROTOCOL.md §4.9):

==========================  ===============================================================
JavaScript                  Python
==========================  ===============================================================
number (any base), BigInt   `int` when integral (up to 2**53), else `float` (NaN, ±inf kept)
string, template string     `str`
``_0xabc['NAME']``, ``X.N``  `EnumMember` (a `str` subclass holding the member name)
``!0`` / ``!1``             `bool`
``null``                    `None`
``undefined``, ``void 0``   `UNDEFINED` (the single `Undefined` instance)
array (holes → undefined)   `list`
object                      `dict` with `str` keys (numeric keys in decimal: ``0x31`` → ``"49"``)
regex literal               `Regex`
uncalled function           `ArrowFunction`
call of something unknown   `UnknownCall` (keeps its evaluated arguments)
anything else               `Unknown` (keeps the source text and a reason)
==========================  ===============================================================

Nothing here executes code; the values are data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
import math
from typing import TYPE_CHECKING, Any, Final, Protocol, Self, cast

if TYPE_CHECKING:
    from tree_sitter import Node


class Undefined:
    """JavaScript ``undefined`` (``void 0``, ``void 0x0``, a missing property, an array hole).

    There is exactly one instance, `UNDEFINED`; compare with ``is``.
    """

    __slots__ = ()
    _instance: Undefined | None = None

    def __new__(cls) -> Self:
        """Return the single instance."""
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cast("Self", cls._instance)

    def __repr__(self) -> str:
        """Return ``UNDEFINED``."""
        return "UNDEFINED"

    def __bool__(self) -> bool:
        """Return False: undefined is falsy."""
        return False

    def __reduce__(self) -> str:
        """Pickle and copy as the singleton."""
        return "UNDEFINED"


UNDEFINED: Final = Undefined()


class EnumMember(str):
    """The member name of an enum access such as ``_0x521864['DISPLAY_MENU_DHW']`` or ``kn.ON``.

    It is a `str` equal to the member name (``"DISPLAY_MENU_DHW"``, ``"ON"``,
    ``"equalTo"`` for ``ClauseOperation['equalTo']``), so callers can use it as a plain
    token; ``isinstance(value, EnumMember)`` tells it came from a member access, and
    `owner` keeps the object's source text (``"_0x521864"``, ``"kn"``) for diagnostics.
    PROTOCOL.md §4.4, §4.6, §4.9.
    """

    __slots__ = ("owner",)
    owner: str

    def __new__(cls, name: str, owner: str = "") -> Self:
        """Create the member ``name`` of the enum spelled ``owner`` in the source."""
        member = super().__new__(cls, name)
        member.owner = owner
        return member

    def __repr__(self) -> str:
        """Return ``EnumMember('NAME', owner='_0x1')``."""
        return f"EnumMember({str(self)!r}, owner={self.owner!r})"

    def __reduce__(self) -> tuple[type[EnumMember], tuple[str, str]]:
        """Pickle and copy with the owner."""
        return (EnumMember, (str(self), self.owner))


@dataclass(frozen=True, slots=True)
class Regex:
    """A regular-expression literal ``/pattern/flags`` kept as data (never compiled here).

    Used by STATUS conditions with ``matches``/``notMatches`` (PROTOCOL.md §4.6).
    """

    pattern: str
    flags: str = ""

    def __str__(self) -> str:
        """Return the JavaScript spelling ``/pattern/flags``."""
        return f"/{self.pattern}/{self.flags}"


@dataclass(frozen=True, slots=True)
class Unknown:
    """A value the literal-subset evaluator cannot compute.

    Attributes:
        text:
            The source text of the expression (shortened to 200 characters).
        reason:
            Why it is unknown, e.g. ``"unbound identifier"``, ``"syntax error"``,
            ``"unsupported expression"``, ``"step budget exceeded"``.

    """

    text: str
    reason: str = ""

    def __bool__(self) -> bool:
        """Return False so that ``if value:`` never mistakes an unknown for data."""
        return False


@dataclass(frozen=True, slots=True)
class UnknownCall:
    """A call of a function that is not defined in the program (a minified helper).

    The menu's ``_0x3e8c51(_0x1cc358['READ'], 'PARAM_P30_2')`` becomes
    ``UnknownCall("_0x3e8c51", (EnumMember("READ"), "PARAM_P30_2"))``: the token is
    `last_arg` (PROTOCOL.md §4.4).

    Attributes:
        callee:
            Source text of the called expression (``"_0x3e8c51"``, ``"x['then']"``).
        args:
            The evaluated arguments, spreads expanded.

    """

    callee: str
    args: tuple[JsValue, ...] = ()

    @property
    def last_arg(self) -> JsValue:
        """Return the last argument, or `UNDEFINED` when there is none."""
        return self.args[-1] if self.args else UNDEFINED

    def __bool__(self) -> bool:
        """Return False: the result of the call is not known."""
        return False


class FunctionCaller(Protocol):
    """What an `ArrowFunction` needs to be called: the evaluator of its program."""

    def call_function(self, fn: ArrowFunction, args: tuple[JsValue, ...]) -> JsValue:
        """Evaluate ``fn`` applied to ``args`` (literal subset, bounded)."""

    def evaluate(self, node: Node, scope: Any = None) -> JsValue:
        """Evaluate an expression node of the function's program in ``scope``."""


@dataclass(frozen=True, eq=False, slots=True)
class ArrowFunction:
    """A function value that was not called: an arrow function, function expression or declaration.

    Unit transforms (PROTOCOL.md §4.7) come out as these; `transform_from_function` turns
    them into data. Equality is identity.

    Attributes:
        params:
            Parameter names; a destructuring or defaulted parameter is given by its source text.
        source:
            The function's whole source text.
        body:
            The body node (an expression, or a ``statement_block``).
        node:
            The function node itself.

    """

    params: tuple[str, ...]
    source: str
    body: Node = field(repr=False)
    node: Node = field(repr=False)
    scope: Any = field(default=None, repr=False)
    caller: FunctionCaller | None = field(default=None, repr=False)

    def call(self, *args: JsValue) -> JsValue:
        """Evaluate the function on ``args`` with the literal-subset evaluator (never raises)."""
        if self.caller is None:
            return Unknown(self.source[:200], "function without evaluator")
        return self.caller.call_function(self, args)


type JsValue = (
    bool
    | int
    | float
    | str
    | Undefined
    | Regex
    | Unknown
    | UnknownCall
    | ArrowFunction
    | list[JsValue]
    | dict[str, JsValue]
    | None
)
"""Any value the evaluator produces (see the module docstring for the mapping)."""


def is_known(value: JsValue) -> bool:
    """Return False for `Unknown` and `UnknownCall` values, True for data (even ``undefined``)."""
    return not isinstance(value, Unknown | UnknownCall)


def contains_unknown(value: JsValue, *, _depth: int = 0) -> bool:
    """Return True when ``value`` or anything nested in it is `Unknown` or `UnknownCall`."""
    if _depth > 200:
        return True
    if isinstance(value, Unknown | UnknownCall):
        return True
    if isinstance(value, list):
        return any(contains_unknown(item, _depth=_depth + 1) for item in value)
    if isinstance(value, dict):
        return any(contains_unknown(item, _depth=_depth + 1) for item in value.values())
    return False


def to_plain(value: JsValue, *, _depth: int = 0) -> Any:
    """Convert a value to JSON-safe plain data (for diagnostics and tests).

    ``undefined`` → ``None``, `EnumMember` → its name, `Regex` → ``"/p/f"``,
    `ArrowFunction` → its source, `Unknown` → ``{"unknown": text}``,
    `UnknownCall` → ``{"call": callee, "args": [...]}``; NaN and infinities become ``None``.
    """
    result: Any
    if _depth > 200 or value is None or isinstance(value, Undefined):
        result = None
    elif isinstance(value, bool | int):
        result = value
    elif isinstance(value, float):
        result = value if math.isfinite(value) else None
    elif isinstance(value, str | Regex):
        result = str(value)
    elif isinstance(value, ArrowFunction):
        result = value.source
    elif isinstance(value, Unknown):
        result = {"unknown": value.text}
    elif isinstance(value, UnknownCall):
        result = {
            "call": value.callee,
            "args": [to_plain(a, _depth=_depth + 1) for a in value.args],
        }
    elif isinstance(value, list):
        result = [to_plain(item, _depth=_depth + 1) for item in value]
    else:
        result = {str(k): to_plain(v, _depth=_depth + 1) for k, v in value.items()}
    return result


def number_to_string(number: float) -> str:
    """Format a number as JavaScript's ``String(number)`` does (``1e21`` → ``"1e+21"``, ``0.5`` → ``"0.5"``)."""
    if isinstance(number, bool):
        return "true" if number else "false"
    if isinstance(number, int):
        return str(number)
    if math.isnan(number):
        return "NaN"
    if math.isinf(number):
        return "Infinity" if number > 0 else "-Infinity"
    if number == 0:
        return "0"
    sign = "-" if number < 0 else ""
    _, digit_tuple, exponent = Decimal(repr(abs(number))).normalize().as_tuple()
    digits = "".join(str(d) for d in digit_tuple)
    k = len(digits)
    n = int(exponent) + k
    if k <= n <= 21:
        text = digits + "0" * (n - k)
    elif 0 < n <= 21:
        text = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        text = "0." + "0" * (-n) + digits
    else:
        e = n - 1
        mantissa = digits if k == 1 else digits[0] + "." + digits[1:]
        text = f"{mantissa}e{'+' if e >= 0 else '-'}{abs(e)}"
    return sign + text
