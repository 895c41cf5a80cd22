"""Unit display transforms as data (PROTOCOL.md §4.7, §5.2).

The units table of the bundle carries transforms as arrow functions
(``_0x4fdb4d=>Number(_0x4fdb4d*0.1)['toFixed'](0x1)``). `transform_from_function`
recognises the supported grammar and returns a `Transform`: a frozen, JSON-serialisable
record of the arithmetic (never code), with `Transform.apply` (raw register → shown value)
and `Transform.invert` (shown value → raw register, the algebraic inverse).

Recognised:

* arithmetic chains on the parameter with numeric constants: ``x*k``, ``k*x``, ``x/k``,
  ``x+a``, ``a+x``, ``x-a``, ``a-x``, ``-x``, ``(x±a)*k``, ``(x±a)/k`` and compositions,
  optionally wrapped in ``Number(…)``, ``parseFloat(…)``, ``+…``, ``….toFixed(n)`` /
  ``…['toFixed'](n)``, ``Math.round/floor/ceil/trunc(…)`` / ``Math['round'](…)``;
* the unit-66 time-of-day formatter (kind ``time_of_day_10min``): 0 → an "off" token,
  otherwise minutes = (v - 1) * 10 shown as ``HH:MM``. It is recognised by evaluating the
  function with the literal-subset evaluator on sample values (1 → ``00:00``,
  7 → ``01:00``, 144 → ``23:50``), whatever its spelling.
"""

from __future__ import annotations

from dataclasses import dataclass
import datetime as dt
from decimal import Decimal
import math
from typing import Any, Final

from tree_sitter import Node

from .errors import JsParseError, TransformError
from .evaluator import js_to_fixed
from .values import ArrowFunction, JsValue, UnknownCall

KIND_ARITHMETIC: Final = "arithmetic"
KIND_TIME_OF_DAY_10MIN: Final = "time_of_day_10min"

_BINARY_OPS: Final = frozenset({"add", "sub", "mul", "div"})
_ROUNDING_OPS: Final = frozenset({"round", "floor", "ceil", "trunc"})
_UNARY_OPS: Final = frozenset({"neg"}) | _ROUNDING_OPS
_ALL_OPS: Final = _BINARY_OPS | _UNARY_OPS | {"fixed"}
_MINUTES_PER_DAY: Final = 24 * 60
_STEP_MINUTES: Final = 10

type Number = int | float
type Op = tuple[str, Number]


def _normalize(value: float) -> Number:
    """Return an int for integral floats (JS numbers are doubles), else the float."""
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    return value


def _as_number(value: object) -> float:
    """Return a finite-or-not float from a number or numeric string; raise `TransformError` otherwise."""
    if isinstance(value, bool):
        msg = f"not a number: {value!r}"
        raise TransformError(msg)
    if isinstance(value, int | Decimal):
        try:
            return float(value)
        except OverflowError as err:  # JSON integers have no size limit
            msg = f"number out of range: {value!r:.40}"
            raise TransformError(msg) from err
    if isinstance(value, float):
        return value
    if isinstance(value, str):
        try:
            return float(value.strip().replace(",", "."))
        except ValueError as err:
            msg = f"not a number: {value!r}"
            raise TransformError(msg) from err
    msg = f"not a number: {value!r}"
    raise TransformError(msg)


def _round_half_up(value: float, digits: int = 0) -> float:
    """Round like JavaScript's ``toFixed`` (half away from zero on the exact binary value)."""
    return float(js_to_fixed(value, digits)) if math.isfinite(value) else value


@dataclass(frozen=True, slots=True, kw_only=True)
class Transform:
    """A unit's display transform as data.

    Attributes:
        kind:
            ``"arithmetic"`` or ``"time_of_day_10min"``.
        ops:
            For ``arithmetic``: the operations applied in order to the raw value, each
            ``(name, operand)`` with name in ``add sub mul div neg fixed round floor ceil trunc``
            (``fixed`` = ``toFixed(operand)``; unary ops carry 0). ``(x-0x7f)*0.5`` is
            ``(("sub", 127), ("mul", 0.5))``. Empty means identity.
        off_token:
            For ``time_of_day_10min``: what raw 0 shows (the i18n token of "off",
            e.g. ``"units.202.0"``), or None.

    """

    kind: str
    ops: tuple[Op, ...] = ()
    off_token: str | None = None

    def __post_init__(self) -> None:
        """Validate the record; raise `TransformError` when it is malformed."""
        if self.kind not in {KIND_ARITHMETIC, KIND_TIME_OF_DAY_10MIN}:
            msg = f"unknown transform kind {self.kind!r}"
            raise TransformError(msg)
        for op in self.ops:
            if not isinstance(op, tuple) or len(op) != 2 or op[0] not in _ALL_OPS:
                msg = f"malformed transform operation {op!r}"
                raise TransformError(msg)
            operand = op[1]
            if (
                isinstance(operand, bool)
                or not isinstance(operand, int | float)
                or not math.isfinite(operand)
            ):
                msg = f"malformed transform operand {op!r}"
                raise TransformError(msg)
            if op[0] == "fixed" and (
                not float(operand).is_integer() or not 0 <= operand <= 100
            ):
                msg = f"toFixed digits out of range in {op!r}"
                raise TransformError(msg)

    # -- serialisation ---------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-safe dict (``{"kind": "arithmetic", "ops": [["mul", 0.1], ["fixed", 1]]}``)."""
        data: dict[str, Any] = {"kind": self.kind}
        if self.kind == KIND_ARITHMETIC:
            data["ops"] = [[name, operand] for name, operand in self.ops]
        else:
            data["off_token"] = self.off_token
        return data

    @classmethod
    def from_dict(cls, data: object) -> Transform:
        """Rebuild a transform from `to_dict` output; raise `TransformError` when malformed."""
        if not isinstance(data, dict):
            msg = f"transform record must be a dict, not {type(data).__name__}"
            raise TransformError(msg)
        kind = data.get("kind")
        if not isinstance(kind, str):
            msg = "transform record without a kind"
            raise TransformError(msg)
        raw_ops = data.get("ops", [])
        if not isinstance(raw_ops, list | tuple):
            msg = "transform ops must be a list"
            raise TransformError(msg)
        ops: list[Op] = []
        for item in raw_ops:
            if (
                not isinstance(item, list | tuple)
                or len(item) != 2
                or not isinstance(item[0], str)
            ):
                msg = f"malformed transform operation {item!r}"
                raise TransformError(msg)
            operand = item[1]
            if isinstance(operand, bool) or not isinstance(operand, int | float):
                msg = f"malformed transform operand {item!r}"
                raise TransformError(msg)
            ops.append((item[0], operand))
        off_token = data.get("off_token")
        if off_token is not None and not isinstance(off_token, str):
            msg = "off_token must be a string"
            raise TransformError(msg)
        return cls(kind=kind, ops=tuple(ops), off_token=off_token)

    # -- properties ------------------------------------------------------------------------

    @property
    def is_identity(self) -> bool:
        """Return True for an arithmetic transform without operations (``x => x``)."""
        return self.kind == KIND_ARITHMETIC and not self.ops

    @property
    def decimals(self) -> int | None:
        """Return the decimals of the shown value (``toFixed(n)`` → n, ``Math.round`` → 0), else None."""
        if self.kind != KIND_ARITHMETIC:
            return None
        for name, operand in reversed(self.ops):
            if name == "fixed":
                return int(operand)
            if name in _ROUNDING_OPS:
                return 0
            if name != "neg":
                return None
        return None

    def describe(self) -> str:
        """Return a readable formula, e.g. ``"(x - 127) * 0.5"`` or ``"time of day, 10 min steps"``."""
        if self.kind == KIND_TIME_OF_DAY_10MIN:
            return f"time of day, {_STEP_MINUTES} min steps (0 = {self.off_token})"
        text = "x"
        symbols = {"add": "+", "sub": "-", "mul": "*", "div": "/"}
        for name, operand in self.ops:
            if name in symbols:
                left = f"({text})" if name in {"mul", "div"} and " " in text else text
                text = f"{left} {symbols[name]} {operand}"
            elif name == "neg":
                text = f"-({text})"
            elif name == "fixed":
                text = f"toFixed({text}, {int(operand)})"
            else:
                text = f"{name}({text})"
        return text

    # -- application -----------------------------------------------------------------------

    def apply(self, raw: object) -> Number | str | None:
        """Return the shown value of a raw register value.

        Arithmetic transforms return a number (``toFixed`` rounds half away from zero as
        JavaScript does; the result is a number, not a string); the time-of-day
        transform returns ``"HH:MM"`` or the off token.

        Raises:
            TransformError:
                The raw value is not a number (or numeric string), or not a valid time step.

        """
        if self.kind == KIND_TIME_OF_DAY_10MIN:
            return self._apply_time(raw)
        value = _as_number(raw)
        for name, operand in self.ops:
            value = _apply_op(name, operand, value)
        return _normalize(value)

    def _apply_time(self, raw: object) -> str | None:
        """Format a unit-66 raw value (0 → off token, v → (v - 1) * 10 minutes as HH:MM)."""
        number = _as_number(raw)
        if not number.is_integer() or number < 0:
            msg = f"not a time step: {raw!r}"
            raise TransformError(msg)
        step = int(number)
        if step == 0:
            return self.off_token
        minutes = (step - 1) * _STEP_MINUTES
        return f"{minutes // 60:02d}:{minutes % 60:02d}"

    def invert(self, display: object, *, integral: bool = True) -> Number:
        """Return the raw register value for a shown value (the algebraic inverse).

        Rounding steps (``toFixed``, ``Math.round``…) are not inverted; with ``integral``
        (registers are 16-bit words) the result is rounded half away from zero to an
        `int`. The time-of-day transform accepts ``"HH:MM"``, ``datetime.time``, the off
        token or None (→ 0) and rounds to the nearest 10-minute step.

        Raises:
            TransformError:
                The shown value cannot be read, or the transform is not invertible
                (multiplication by zero).

        """
        if self.kind == KIND_TIME_OF_DAY_10MIN:
            return self._invert_time(display)
        value = _as_number(display)
        for name, operand in reversed(self.ops):
            value = _invert_op(name, operand, value)
        if integral:
            if not math.isfinite(value):
                msg = f"no finite raw value for {display!r}"
                raise TransformError(msg)
            return int(_round_half_up(value))
        return _normalize(value)

    def _invert_time(self, display: object) -> int:
        """Return the unit-66 raw step of a time of day."""
        if display is None or (
            self.off_token is not None and display == self.off_token
        ):
            return 0
        if isinstance(display, dt.time):
            minutes = display.hour * 60 + display.minute + display.second / 60
        elif isinstance(display, str) and display.count(":") in {1, 2}:
            parts = display.strip().split(":")
            try:
                hours, mins = int(parts[0]), int(parts[1])
            except ValueError as err:
                msg = f"not a time of day: {display!r}"
                raise TransformError(msg) from err
            if not (0 <= hours < 24 and 0 <= mins < 60):
                msg = f"not a time of day: {display!r}"
                raise TransformError(msg)
            minutes = hours * 60 + mins
        else:
            msg = f"not a time of day: {display!r}"
            raise TransformError(msg)
        step = int(_round_half_up(minutes / _STEP_MINUTES))
        return min(step, _MINUTES_PER_DAY // _STEP_MINUTES - 1) + 1


def _apply_op(name: str, operand: Number, value: float) -> float:
    """Apply one operation with JavaScript double semantics."""
    result: float
    if name == "add":
        result = value + operand
    elif name == "sub":
        result = value - operand
    elif name == "mul":
        result = value * operand
    elif name == "div":
        if operand == 0:
            result = (
                math.nan
                if value == 0 or math.isnan(value)
                else math.copysign(math.inf, value)
            )
        else:
            result = value / operand
    elif name == "neg":
        result = -value
    elif name == "fixed":
        result = _round_half_up(value, int(operand))
    elif not math.isfinite(value):
        result = value
    elif name == "round":
        result = float(math.floor(value + 0.5))
    elif name == "floor":
        result = float(math.floor(value))
    elif name == "ceil":
        result = float(math.ceil(value))
    else:
        result = float(math.trunc(value))
    return result


def _invert_op(name: str, operand: Number, value: float) -> float:
    """Undo one operation (rounding operations are skipped)."""
    result = value
    if name == "add":
        result = value - operand
    elif name == "sub":
        result = value + operand
    elif name == "mul":
        if operand == 0:
            msg = "a multiplication by zero cannot be inverted"
            raise TransformError(msg)
        result = value / operand
    elif name == "div":
        result = value * operand
    elif name == "neg":
        result = -value
    return result


# -- recognition ---------------------------------------------------------------------------


def _is_js_identifier(text: str) -> bool:
    """Return True for a plain JavaScript identifier (``x``, ``_0x1a``, ``$``, ``a$b``)."""
    return (
        bool(text) and not text[0].isdigit() and text.replace("$", "_").isidentifier()
    )


def transform_from_function(fn: ArrowFunction) -> Transform | None:
    """Recognise a unit transform function; return None when it is not of a supported shape.

    Args:
        fn:
            The `ArrowFunction` value of a units-table ``value``/``valuePrepare`` entry
            (PROTOCOL.md §4.7). Its parameter must be a plain identifier (``$`` allowed).

    """
    name = fn.params[0].strip("() ") if len(fn.params) == 1 else ""
    if not _is_js_identifier(name):
        return None
    expression = _return_expression(fn.body)
    if expression is not None:
        recognised = _Recogniser(fn, name).chain(expression)
        if recognised is not None:
            ops, _ = recognised
            return Transform(kind=KIND_ARITHMETIC, ops=tuple(ops))
    return _time_of_day(fn)


def transform_from_value(value: JsValue) -> Transform | None:
    """Return the transform of an evaluated units-table entry, or None when it is not a recognised function."""
    return transform_from_function(value) if isinstance(value, ArrowFunction) else None


def transform_from_source(source: str) -> Transform | None:
    """Parse a function's source text (``"x=>x*0x6"``) and recognise it; None when unsupported or unparseable."""
    from .js import parse  # noqa: PLC0415  (js imports nothing from here; avoids a cycle at import time)

    try:
        program = parse(f"({source})")
    except JsParseError:
        return None
    statements = [
        n for n in program.root.named_children if n.type == "expression_statement"
    ]
    if len(statements) != 1 or program.has_errors:
        return None
    inner = statements[0].named_children
    return transform_from_value(program.evaluate(inner[0])) if inner else None


def _return_expression(body: Node) -> Node | None:
    """Return the expression of an expression body or of a body that is a single ``return``."""
    if body.type != "statement_block":
        return body
    statements = [s for s in body.named_children if s.type != "comment"]
    if len(statements) == 1 and statements[0].type == "return_statement":
        inner = [n for n in statements[0].named_children if n.type != "comment"]
        return inner[0] if inner else None
    return None


class _Recogniser:
    """Turn an arithmetic expression on one parameter into a list of operations."""

    def __init__(self, fn: ArrowFunction, name: str) -> None:
        """Recognise expressions over parameter ``name`` of ``fn``."""
        self._fn = fn
        self._name = name

    def _text(self, node: Node) -> str:
        """Return the source text of a node."""
        return (node.text or b"").decode("utf-8", errors="replace")

    def _uses_param(self, node: Node) -> bool:
        """Return True when the parameter occurs in ``node``."""
        stack = [node]
        seen = 0
        while stack and seen < 10_000:
            seen += 1
            current = stack.pop()
            if current.type == "identifier" and self._text(current) == self._name:
                return True
            stack.extend(current.children)
        return False

    def _constant(self, node: Node) -> float | None:
        """Return the numeric value of a constant sub-expression, else None."""
        caller = self._fn.caller
        if caller is None or self._uses_param(node):
            return None
        value = caller.evaluate(node, self._fn.scope)
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            return None
        return value

    def chain(self, node: Node) -> tuple[list[Op], bool] | None:
        """Return (operations, yields_string) for ``node``, or None when unsupported."""
        kind = node.type
        if kind == "parenthesized_expression":
            inner = [c for c in node.named_children if c.type != "comment"]
            return self.chain(inner[-1]) if len(inner) == 1 else None
        if kind == "identifier":
            return ([], False) if self._text(node) == self._name else None
        if kind == "unary_expression":
            op = node.child_by_field_name("operator")
            arg = node.child_by_field_name("argument")
            if op is None or arg is None or op.type not in {"-", "+"}:
                return None
            inner_chain = self.chain(arg)
            if inner_chain is None:
                return None
            ops, _ = inner_chain
            return ([*ops, ("neg", 0)] if op.type == "-" else ops), False
        if kind == "binary_expression":
            return self._binary(node)
        if kind == "call_expression":
            return self._call(node)
        return None

    def _binary(self, node: Node) -> tuple[list[Op], bool] | None:
        """Recognise ``E op k`` / ``k op E``."""
        op_node = node.child_by_field_name("operator")
        left = node.child_by_field_name("left")
        right = node.child_by_field_name("right")
        op = op_node.type if op_node is not None else ""
        names = {"+": "add", "-": "sub", "*": "mul", "/": "div"}
        if op not in names or left is None or right is None:
            return None
        if self._uses_param(left):
            const = self._constant(right)
            inner = self.chain(left)
            if const is None or inner is None or (inner[1] and op == "+"):
                return None
            return [*inner[0], (names[op], _normalize(const))], False
        const = self._constant(left)
        inner = self.chain(right)
        if const is None or inner is None or (inner[1] and op == "+") or op == "/":
            return None
        if op == "-":
            return [*inner[0], ("neg", 0), ("add", _normalize(const))], False
        return [*inner[0], (names[op], _normalize(const))], False

    def _call(self, node: Node) -> tuple[list[Op], bool] | None:
        """Recognise ``Number(E)``, ``parseFloat(E)``, ``E.toFixed(n)``, ``Math.round(E)`` and friends."""
        fn = node.child_by_field_name("function")
        args_node = node.child_by_field_name("arguments")
        if fn is None or args_node is None or args_node.type != "arguments":
            return None
        args = [c for c in args_node.named_children if c.type != "comment"]
        if fn.type == "identifier":
            if self._text(fn) in {"Number", "parseFloat"} and len(args) == 1:
                inner = self.chain(args[0])
                return None if inner is None else (inner[0], False)
            return None
        if fn.type not in {"member_expression", "subscript_expression"}:
            return None
        obj = fn.child_by_field_name("object")
        method = self._method_name(fn)
        if obj is None or method is None:
            return None
        if (
            obj.type == "identifier"
            and self._text(obj) == "Math"
            and method in _ROUNDING_OPS
            and len(args) == 1
        ):
            inner = self.chain(args[0])
            return None if inner is None else ([*inner[0], (method, 0)], False)
        if method == "toFixed" and len(args) <= 1:
            digits = self._constant(args[0]) if args else 0
            inner = self.chain(obj)
            if (
                digits is None
                or inner is None
                or not float(digits).is_integer()
                or not 0 <= digits <= 100
            ):
                return None
            return [*inner[0], ("fixed", int(digits))], True
        return None

    def _method_name(self, fn: Node) -> str | None:
        """Return the method name of ``obj.name`` / ``obj['name']``."""
        if fn.type == "member_expression":
            prop = fn.child_by_field_name("property")
            return None if prop is None else self._text(prop)
        index = fn.child_by_field_name("index")
        if index is None or index.type != "string":
            return None
        caller = self._fn.caller
        value = caller.evaluate(index, None) if caller is not None else None
        return value if isinstance(value, str) else None


_TIME_SAMPLES: Final = (
    (1, "00:00"),
    (2, "00:10"),
    (7, "01:00"),
    (72, "11:50"),
    (144, "23:50"),
)


def _time_of_day(fn: ArrowFunction) -> Transform | None:
    """Recognise the unit-66 formatter by evaluating it on sample steps (literal subset only)."""
    for step, expected in _TIME_SAMPLES:
        if fn.call(step) != expected:
            return None
    off = fn.call(0)
    if isinstance(off, UnknownCall) and isinstance(off.last_arg, str):
        off = off.last_arg
    if not isinstance(off, str) or (len(off) == 5 and off[2] == ":"):
        return None
    return Transform(kind=KIND_TIME_OF_DAY_10MIN, off_token=str(off))
