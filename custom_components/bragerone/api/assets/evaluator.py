"""Evaluate the literal subset of JavaScript over a tree-sitter tree (PROTOCOL.md §4.9).

The evaluator never executes code: it folds literals (numbers in every base, strings with
escapes, template strings, arrays, objects, spreads), resolves top-level bindings lazily,
reduces enum member accesses to their member names, and calls builder functions that are
defined in the same program by substituting arguments into a scope. Every evaluation has
a step budget and a depth limit; whatever it cannot compute becomes `Unknown` (or
`UnknownCall` for calls of unknown functions). It never raises.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Context, Decimal
import math
from typing import TYPE_CHECKING, Final

from .values import (
    UNDEFINED,
    ArrowFunction,
    EnumMember,
    JsValue,
    Regex,
    Undefined,
    Unknown,
    UnknownCall,
    number_to_string,
)

if TYPE_CHECKING:
    from tree_sitter import Node

DEFAULT_STEP_BUDGET = 200_000
"""Node visits (plus copied elements) allowed per public evaluation."""

MAX_DEPTH = 160
"""Nesting depth of evaluation (expressions and function calls) before giving up."""

MAX_STRING = 1_000_000
"""Longest string the evaluator builds (concatenation, padding, repeat)."""

MAX_SAFE_INTEGER = 2**53

_UNKNOWN_TEXT = 200
_BUDGET_EXCEEDED = "step budget exceeded"
_MALFORMED_TREE = "malformed syntax tree"

_SIMPLE_ESCAPES = {
    "n": "\n",
    "t": "\t",
    "r": "\r",
    "b": "\b",
    "f": "\f",
    "v": "\v",
    "0": "\0",
}
_LINE_TERMINATORS = {"\n", "\r", "\r\n", "\u2028", "\u2029"}
_NUMBER_CHARS = frozenset("0123456789.eE+-")
_WHITESPACE = " \t\n\r\v\f\u00a0\u2028\u2029\ufeff"


class _AbortError(Exception):
    """Ends one evaluation early; it becomes an `Unknown` with this reason."""

    def __init__(self, reason: str) -> None:
        """Carry the reason (``"step budget exceeded"``, ``"malformed syntax tree"``)."""
        super().__init__(reason)
        self.reason = reason


def _walk_children(node: Node) -> Iterator[Node]:
    """Yield the children of ``node`` that are not comments."""
    for child in node.children:
        if child.type != "comment":
            yield child


def _named(node: Node) -> list[Node]:
    """Return the named children of ``node`` that are not comments."""
    return [c for c in node.named_children if c.type != "comment"]


def _field(node: Node, name: str) -> Node:
    """Return the child in field ``name``, one the JavaScript grammar requires.

    tree-sitter fills a required field even in damaged source (a MISSING node stands in,
    and it evaluates to `Unknown`), so the lookup does not fail; if it ever did, the
    evaluation would end as ``Unknown(…, "malformed syntax tree")``.
    """
    child = node.child_by_field_name(name)
    if child is None:  # pragma: no cover - required field, see the docstring
        raise _AbortError(_MALFORMED_TREE)
    return child


def decode_escape(escape: str) -> str:
    r"""Decode one JavaScript escape sequence (``\x20``, ``\u0105``, ``\u{1F600}``, ``\n``, line continuation)."""
    body = escape[1:]
    if not body:
        return ""
    head = body[0]
    result: str
    if body in _LINE_TERMINATORS:
        result = ""
    elif head in _SIMPLE_ESCAPES and len(body) == 1:
        result = _SIMPLE_ESCAPES[head]
    elif head == "x" and len(body) == 3:
        result = _chr_hex(body[1:], body)
    elif head == "u" and body.startswith("u{") and body.endswith("}"):
        result = _chr_hex(body[2:-1], body)
    elif head == "u" and len(body) == 5:
        result = _chr_hex(body[1:], body)
    elif head.isdigit() and all(c in "01234567" for c in body):
        result = chr(int(body, 8))
    else:
        result = body
    return result


def _chr_hex(digits: str, fallback: str) -> str:
    """Return the character of a hex code point, or ``fallback`` when invalid."""
    try:
        code = int(digits, 16)
    except ValueError:
        return fallback
    if not 0 <= code <= 0x10FFFF:
        return fallback
    return chr(code)


def _join_surrogates(text: str) -> str:
    r"""Combine UTF-16 surrogate pairs (``\uD83D\uDE00``) into one character; keep lone ones."""
    if not any("\ud800" <= c <= "\udfff" for c in text):
        return text
    out: list[str] = []
    i = 0
    while i < len(text):
        c = text[i]
        if (
            "\ud800" <= c <= "\udbff"
            and i + 1 < len(text)
            and "\udc00" <= text[i + 1] <= "\udfff"
        ):
            out.append(
                chr(0x10000 + ((ord(c) - 0xD800) << 10) + (ord(text[i + 1]) - 0xDC00))
            )
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def normalize_number(value: float) -> int | float:
    """Return an `int` for integral values up to 2**53, else the float (JS numbers are doubles)."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        if -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
            return value
        try:
            return normalize_number(float(value))
        except OverflowError:
            return math.inf if value > 0 else -math.inf
    if math.isfinite(value) and value.is_integer() and abs(value) <= MAX_SAFE_INTEGER:
        return int(value)
    return value


def parse_number_literal(text: str) -> int | float | None:
    """Parse a JavaScript numeric literal (``0x9``, ``0o17``, ``0b1010``, ``1_000``, ``10n``, ``.5``, ``1e3``).

    Returns None when the literal is malformed. BigInt literals become `int` (unbounded
    up to 4000 digits); other literals follow JavaScript double semantics.
    """
    t = text.replace("_", "")
    bigint = t.endswith("n")
    if bigint:
        t = t[:-1]
    try:
        lower = t.lower()
        if lower.startswith(("0x", "0o", "0b")):
            value: int | float = int(t, 0)
        elif len(t) > 1 and t[0] == "0" and t.isdigit():
            value = int(t, 8) if all(c in "01234567" for c in t) else int(t, 10)
        elif bigint:
            if len(t) > 4000:
                return None
            value = int(t, 10)
        elif not t or not set(t) <= _NUMBER_CHARS:
            return None
        else:
            value = float(t)
    except ValueError:
        return None
    if bigint and isinstance(value, int):
        return value
    return normalize_number(value)


def js_typeof(value: JsValue) -> str:
    """Return JavaScript's ``typeof`` of a known value (``"unknown"`` for unknown ones)."""
    result: str
    if isinstance(value, Unknown | UnknownCall):
        result = "unknown"
    elif value is None or isinstance(value, list | dict | Regex):
        result = "object"
    elif isinstance(value, Undefined):
        result = "undefined"
    elif isinstance(value, bool):
        result = "boolean"
    elif isinstance(value, int | float):
        result = "number"
    elif isinstance(value, str):
        result = "string"
    else:
        result = "function"
    return result


def js_truthy(value: JsValue) -> bool | None:
    """Return JavaScript truthiness, or None when the value is unknown."""
    if isinstance(value, Unknown | UnknownCall):
        return None
    if value is None or isinstance(value, Undefined):
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return not (value == 0 or (isinstance(value, float) and math.isnan(value)))
    if isinstance(value, str):
        return value != ""
    return True


def js_to_string(value: JsValue, _depth: int = 0) -> str | None:
    """Return JavaScript's ``String(value)``, or None when the value is unknown."""
    result: str | None
    if isinstance(value, Unknown | UnknownCall) or _depth > 50:
        result = None
    elif isinstance(value, str):
        result = str(value)
    elif value is None:
        result = "null"
    elif isinstance(value, Undefined):
        result = "undefined"
    elif isinstance(value, bool):
        result = "true" if value else "false"
    elif isinstance(value, int | float):
        result = number_to_string(value)
    elif isinstance(value, Regex):
        result = str(value)
    elif isinstance(value, ArrowFunction):
        result = value.source
    elif isinstance(value, list):
        parts: list[str] = []
        for item in value:
            if item is None or isinstance(item, Undefined):
                parts.append("")
                continue
            text = js_to_string(item, _depth + 1)
            if text is None:
                return None
            parts.append(text)
        result = ",".join(parts)
    else:
        result = "[object Object]"
    return result


def _string_to_number(text: str) -> int | float:
    """Return JavaScript's ``Number(text)`` for a string."""
    t = text.strip(_WHITESPACE)
    if not t:
        return 0
    if t in {"Infinity", "+Infinity"}:
        return math.inf
    if t == "-Infinity":
        return -math.inf
    lower = t.lower()
    if lower.startswith(("0x", "0o", "0b")):
        parsed = (
            parse_number_literal(t) if "_" not in t and not t.endswith("n") else None
        )
        return math.nan if parsed is None else parsed
    if not set(t) <= _NUMBER_CHARS:
        return math.nan
    try:
        return normalize_number(float(t))
    except ValueError:
        return math.nan


def js_to_number(value: JsValue) -> int | float | None:
    """Return JavaScript's ``Number(value)``, or None when the value is unknown.

    The result is a double (`normalize_number`): a BigInt literal beyond the double range
    becomes ±Infinity, so arithmetic and comparisons never meet an unbounded `int`.
    """
    result: int | float | None
    if isinstance(value, Unknown | UnknownCall):
        result = None
    elif isinstance(value, bool):
        result = int(value)
    elif isinstance(value, int | float):
        result = normalize_number(value)
    elif value is None:
        result = 0
    elif isinstance(value, str):
        result = _string_to_number(value)
    elif isinstance(value, list):
        text = js_to_string(value)
        result = None if text is None else _string_to_number(text)
    else:
        result = math.nan
    return result


def _to_int32(number: float) -> int:
    """Return JavaScript's ToInt32."""
    if not math.isfinite(number):
        return 0
    n = int(number) & 0xFFFFFFFF
    return n - 0x100000000 if n >= 0x80000000 else n


_FIXED_CONTEXT: Final = Context(prec=128)


def js_to_fixed(number: float, digits: int) -> str:
    """Return JavaScript's ``number.toFixed(digits)`` (round half away from zero on the exact binary value)."""
    if not math.isfinite(number):
        return number_to_string(number)
    if abs(number) >= 1e21:
        return number_to_string(number)
    quantum = Decimal(1).scaleb(-digits)
    # Up to 21 integer digits and 100 decimals (JavaScript's limit): beyond the default
    # context's 28 digits, so quantize in a context wide enough for both.
    text = str(
        Decimal(number).quantize(
            quantum, rounding=ROUND_HALF_UP, context=_FIXED_CONTEXT
        )
    )
    # Only negative zero itself loses its sign; ``(-0.001).toFixed(2)`` is ``"-0.00"``.
    return text[1:] if number == 0 and text.startswith("-") else text


def property_key(value: JsValue) -> str:
    """Return the property name JavaScript uses for a computed key (``0x31`` → ``"49"``).

    `EnumMember` keys are kept as `EnumMember`; unknown keys become ``"[source text]"``.
    """
    if isinstance(value, str):
        return value
    if isinstance(value, Unknown):
        return f"[{value.text}]"
    if isinstance(value, UnknownCall):
        return f"[{value.callee}(…)]"
    text = js_to_string(value)
    return "" if text is None else text


def _strict_equal(left: JsValue, right: JsValue) -> bool:
    """Return JavaScript's ``left === right`` for known values."""
    if isinstance(left, bool) or isinstance(right, bool):
        return isinstance(left, bool) and isinstance(right, bool) and left == right
    if isinstance(left, int | float) and isinstance(right, int | float):
        return left == right
    if isinstance(left, str) and isinstance(right, str):
        return str(left) == str(right)
    return left is right


def _loose_equal(left: JsValue, right: JsValue) -> bool:
    """Return JavaScript's ``left == right`` for known values (common cases)."""
    left_nullish = left is None or isinstance(left, Undefined)
    right_nullish = right is None or isinstance(right, Undefined)
    if left_nullish or right_nullish:
        return left_nullish and right_nullish
    if js_typeof(left) == js_typeof(right) and not isinstance(left, bool | int | float):
        return _strict_equal(left, right)
    # Two objects have the same typeof and were compared above: at most one side is one.
    if isinstance(left, list | dict) or isinstance(right, list | dict):
        lp = js_to_string(left) if isinstance(left, list | dict) else left
        rp = js_to_string(right) if isinstance(right, list | dict) else right
        return _loose_equal(lp, rp)
    ln = js_to_number(left)
    rn = js_to_number(right)
    return ln is not None and rn is not None and ln == rn


def _compare(op: str, left: JsValue, right: JsValue) -> bool:
    """Return JavaScript's relational comparison of known values."""
    if isinstance(left, str) and isinstance(right, str):
        order = (str(left) > str(right)) - (str(left) < str(right))
    else:
        ln = js_to_number(left)
        rn = js_to_number(right)
        if ln is None or rn is None or math.isnan(ln) or math.isnan(rn):
            return False
        order = (ln > rn) - (ln < rn)
    return {"<": order < 0, ">": order > 0, "<=": order <= 0, ">=": order >= 0}[op]


def _divide(a: float, b: float) -> float:
    """Return JavaScript's ``a / b``."""
    if b == 0:
        if a == 0 or math.isnan(a):
            return math.nan
        negative = (a < 0) != (math.copysign(1.0, b) < 0)
        return -math.inf if negative else math.inf
    return a / b


def _arith(op: str, a: float, b: float) -> int | float:
    """Return a numeric binary operation with JavaScript semantics."""
    result: float
    if op == "+":
        result = a + b
    elif op == "-":
        result = a - b
    elif op == "*":
        result = a * b
    elif op == "/":
        result = _divide(float(a), float(b))
    elif op == "%":
        result = (
            math.nan
            if b == 0 or math.isinf(a)
            else (a if math.isinf(b) else math.fmod(a, b))
        )
    elif op == "**":
        result = _power(float(a), float(b))
    else:
        result = _bitwise(op, a, b)
    return normalize_number(result)


def _power(a: float, b: float) -> float:
    """Return JavaScript's ``a ** b`` (where it differs from `math.pow`: ``0 ** -1``, ``1 ** NaN``, overflow sign)."""
    if math.isnan(b) or (abs(a) == 1 and math.isinf(b)):
        return math.nan
    odd = b.is_integer() and b % 2 == 1
    if a == 0 and b < 0:
        return -math.inf if odd and math.copysign(1.0, a) < 0 else math.inf
    try:
        return math.pow(a, b)
    except OverflowError:
        return -math.inf if odd and a < 0 else math.inf
    except ValueError:
        return math.nan  # a negative base with a fractional exponent


def _bitwise(op: str, a: float, b: float) -> int:
    """Return a JavaScript bitwise operation."""
    x = _to_int32(a)
    y = _to_int32(b)
    shift = y & 31
    if op == "&":
        return x & y
    if op == "|":
        return x | y
    if op == "^":
        return x ^ y
    if op == "<<":
        return _to_int32(x << shift)
    if op == ">>":
        return x >> shift
    return (x & 0xFFFFFFFF) >> shift


def _to_primitive(value: JsValue) -> JsValue:
    """Return JavaScript's ToPrimitive for ``+`` (objects become strings)."""
    if isinstance(value, list | dict | Regex | ArrowFunction):
        text = js_to_string(value)
        return Unknown("", "unknown operand") if text is None else text
    return value


@dataclass(slots=True)
class Scope:
    """Variables of one function call or block; the program's top level sits above the outermost scope."""

    names: dict[str, JsValue]
    parent: Scope | None = None

    def lookup(self, name: str) -> tuple[bool, JsValue]:
        """Return (found, value) searching this scope and its parents."""
        scope: Scope | None = self
        while scope is not None:
            if name in scope.names:
                return True, scope.names[name]
            scope = scope.parent
        return False, UNDEFINED

    def assign(self, name: str, value: JsValue) -> bool:
        """Set an existing variable in the nearest scope that has it; False when none has it."""
        scope: Scope | None = self
        while scope is not None:
            if name in scope.names:
                scope.names[name] = value
                return True
            scope = scope.parent
        return False


@dataclass(slots=True)
class _Return:
    """Completion of a ``return`` (or of an unsupported statement, with an `Unknown` value)."""

    value: JsValue


class Evaluator:
    """The literal-subset evaluator of one program.

    It is created by `Program`; use `Program.evaluate` rather than this class directly.
    ``source`` is the program's UTF-8 bytes, ``resolve_global`` looks up a top-level
    binding (returning ``(found, value)``).
    """

    def __init__(
        self,
        source: bytes,
        resolve_global: Callable[[str, int], tuple[bool, JsValue]],
        *,
        step_budget: int = DEFAULT_STEP_BUDGET,
    ) -> None:
        """Bind the evaluator to the program's source and its top-level lookup."""
        self._source = source
        self._resolve_global = resolve_global
        self._step_budget = step_budget
        self._steps = 0
        """Budget left in the evaluation in progress."""
        self._active = False
        """True while an evaluation runs (nested entry points share its budget)."""

    # -- public entry points -------------------------------------------------------------

    def text(self, node: Node) -> str:
        """Return the source text of ``node`` (invalid UTF-8 replaced)."""
        return self._source[node.start_byte : node.end_byte].decode(
            "utf-8", errors="replace"
        )

    def evaluate(
        self, node: Node, scope: Scope | None = None, *, budget: int | None = None
    ) -> JsValue:
        """Evaluate ``node`` (an expression) to a value; never raises.

        A nested call (from a lazily resolved top-level binding) shares the budget of the
        outermost evaluation.
        """
        return self._guarded(lambda: self._eval(node, scope, 0), node, budget)

    def call_function(self, fn: ArrowFunction, args: tuple[JsValue, ...]) -> JsValue:
        """Evaluate ``fn`` applied to ``args``; never raises."""
        return self._guarded(lambda: self._invoke(fn, list(args), 0), fn.node, None)

    def key_name(self, key_node: Node) -> str:
        """Return the property name of an object key node (computed keys evaluated); never raises."""
        result = self._guarded(lambda: self._key(key_node, None, 0), key_node, None)
        return result if isinstance(result, str) else property_key(result)

    def string_value(self, node: Node) -> str:
        """Return the decoded value of a string literal node (all escapes decoded)."""
        return self._decode_quoted(node, None)

    def literal_string(self, node: Node) -> str | None:
        """Return the decoded value of a string or substitution-free template node, else None."""
        if node.type == "string":
            return self.string_value(node)
        if node.type == "template_string" and not any(
            c.type == "template_substitution" for c in node.children
        ):
            return self._decode_quoted(node, None, template=True)
        return None

    def bind_pattern(
        self, pattern: Node, value: JsValue, scope: Scope, depth: int
    ) -> None:
        """Bind a destructuring pattern into ``scope`` (defaults evaluated); never raises."""

        def work() -> JsValue:
            self._bind(pattern, value, scope, depth)
            return UNDEFINED

        self._guarded(work, pattern, None)

    def _guarded(
        self, work: Callable[[], JsValue], node: Node, budget: int | None
    ) -> JsValue:
        """Run ``work`` under a budget, turning exhaustion and deep recursion into `Unknown`."""
        if self._active:
            return work()
        self._steps = self._step_budget if budget is None else budget
        self._active = True
        try:
            return work()
        except _AbortError as abort:
            return Unknown(self._short(node), abort.reason)
        except RecursionError:
            return Unknown(self._short(node), "too deeply nested")
        finally:
            self._active = False

    # -- helpers ---------------------------------------------------------------------------

    def _short(self, node: Node) -> str:
        """Return the source text of ``node`` shortened for an `Unknown`."""
        end = min(node.end_byte, node.start_byte + _UNKNOWN_TEXT * 4)
        return self._source[node.start_byte : end].decode("utf-8", errors="replace")[
            :_UNKNOWN_TEXT
        ]

    def _unknown(self, node: Node, reason: str) -> Unknown:
        """Return an `Unknown` for ``node``."""
        return Unknown(self._short(node), reason)

    def _spend(self, steps: int = 1) -> None:
        """Consume budget of the evaluation in progress; raise when it is spent."""
        self._steps -= steps
        if self._steps < 0:
            raise _AbortError(_BUDGET_EXCEEDED)

    def _lookup(
        self, name: str, scope: Scope | None, depth: int
    ) -> tuple[bool, bool, JsValue]:
        """Return (found, local, value) for an identifier."""
        if scope is not None:
            found, value = scope.lookup(name)
            if found:
                return True, True, value
        found, value = self._resolve_global(name, depth)
        return found, False, value

    def evaluate_nested(self, node: Node, depth: int) -> JsValue:
        """Evaluate a top-level binding's value from inside an evaluation at ``depth``."""
        return self._guarded(lambda: self._eval(node, None, depth + 1), node, None)

    # -- expressions -----------------------------------------------------------------------

    def _eval(self, node: Node, scope: Scope | None, depth: int) -> JsValue:
        """Evaluate one expression node."""
        self._spend()
        if depth > MAX_DEPTH:
            return self._unknown(node, "too deeply nested")
        if node.is_error or node.is_missing:
            return self._unknown(node, "syntax error")
        kind = node.type
        d = depth + 1
        result: JsValue
        if kind == "number":
            parsed = parse_number_literal(self.text(node))
            result = (
                self._unknown(node, "malformed number") if parsed is None else parsed
            )
        elif kind == "string":
            result = self.string_value(node)
        elif kind == "template_string":
            result = self._eval_template(node, scope, d)
        elif kind == "true":
            result = True
        elif kind == "false":
            result = False
        elif kind == "null":
            result = None
        elif kind == "undefined":
            result = UNDEFINED
        elif kind == "identifier":
            result = self._eval_identifier(node, scope, d)
        elif kind == "parenthesized_expression":
            inner = _named(node)
            result = (
                self._eval(inner[-1], scope, d)
                if inner
                else self._unknown(node, "empty parentheses")
            )
        elif kind == "sequence_expression":
            result = UNDEFINED
            for part in _named(node):
                result = self._eval(part, scope, d)
        elif kind == "array":
            result = self._eval_array(node, scope, d)
        elif kind == "object":
            result = self._eval_object(node, scope, d)
        elif kind == "unary_expression":
            result = self._eval_unary(node, scope, d)
        elif kind == "binary_expression":
            result = self._eval_binary(node, scope, d)
        elif kind == "ternary_expression":
            result = self._eval_ternary(node, scope, d)
        elif kind in {"member_expression", "subscript_expression"}:
            result = self._eval_member(node, scope, d)
        elif kind == "call_expression":
            result = self._eval_call(node, scope, d)
        elif kind in {
            "arrow_function",
            "function_expression",
            "function",
            "function_declaration",
        }:
            result = self._make_function(node, scope)
        elif kind == "regex":
            pattern = node.child_by_field_name("pattern")
            flags = node.child_by_field_name("flags")
            result = Regex(
                self.text(pattern) if pattern is not None else "",
                self.text(flags) if flags is not None else "",
            )
        elif kind in {"assignment_expression", "augmented_assignment_expression"}:
            result = self._eval_assignment(node, scope, d)
        else:
            result = self._unknown(node, f"unsupported expression ({kind})")
        return result

    def _eval_template(self, node: Node, scope: Scope | None, depth: int) -> JsValue:
        """Evaluate a template string with substitutions."""
        parts: list[str] = []
        failed: list[JsValue] = []

        def substitute(sub: Node) -> str:
            inner = _named(sub)
            value = self._eval(inner[0], scope, depth) if inner else UNDEFINED
            text = js_to_string(value)
            if text is None:
                failed.append(value)
                return ""
            return text

        parts.append(self._decode_quoted(node, substitute, template=True))
        if failed:
            return self._unknown(node, "unknown template substitution")
        text = "".join(parts)
        return (
            text if len(text) <= MAX_STRING else self._unknown(node, "string too long")
        )

    def _decode_quoted(
        self,
        node: Node,
        substitute: Callable[[Node], str] | None,
        *,
        template: bool = False,
    ) -> str:
        """Return the content between the quotes of a string or template node."""
        # The grammar brackets the content with quote tokens (MISSING ones when unterminated).
        children = node.children
        pos = children[0].end_byte
        end = children[-1].start_byte
        out: list[str] = []
        for child in children[1:-1]:
            if child.type == "escape_sequence":
                out.append(self._raw(pos, child.start_byte, template=template))
                out.append(decode_escape(self.text(child)))
                pos = child.end_byte
            elif child.type == "template_substitution" and substitute is not None:
                out.append(self._raw(pos, child.start_byte, template=template))
                out.append(substitute(child))
                pos = child.end_byte
        out.append(self._raw(pos, end, template=template))
        return _join_surrogates("".join(out))

    def _raw(self, start: int, end: int, *, template: bool) -> str:
        """Return literal source text between two offsets (template CRLF → LF)."""
        if end <= start:
            return ""
        text = self._source[start:end].decode("utf-8", errors="replace")
        return text.replace("\r\n", "\n").replace("\r", "\n") if template else text

    def _eval_identifier(self, node: Node, scope: Scope | None, depth: int) -> JsValue:
        """Resolve an identifier: local scopes, then top-level bindings, then globals."""
        name = self.text(node)
        found, _, value = self._lookup(name, scope, depth)
        if found:
            return value
        if name == "undefined":
            return UNDEFINED
        if name == "NaN":
            return math.nan
        if name == "Infinity":
            return math.inf
        return Unknown(name, "unbound identifier")

    def _eval_array(self, node: Node, scope: Scope | None, depth: int) -> JsValue:
        """Evaluate an array literal (holes become `UNDEFINED`, spreads are expanded)."""
        items: list[JsValue] = []
        pending_element = False
        for child in _walk_children(node):
            kind = child.type
            if kind == "[":
                continue
            if kind in {",", "]"}:
                if kind == "," and not pending_element:
                    items.append(UNDEFINED)
                pending_element = False
                continue
            pending_element = True
            if kind == "spread_element":
                inner = _named(child)
                spread = self._eval(inner[0], scope, depth) if inner else UNDEFINED
                expanded = self._spread_items(spread)
                if expanded is None:
                    items.append(self._unknown(child, "unknown spread"))
                else:
                    self._spend(len(expanded))
                    items.extend(expanded)
            else:
                items.append(self._eval(child, scope, depth))
        return items

    def _spread_items(self, value: JsValue) -> list[JsValue] | None:
        """Return the items of an array spread, or None when they are unknown (or not iterable)."""
        if isinstance(value, list):
            return list(value)
        if isinstance(value, str):
            return list(str(value))
        return None

    def _eval_object(self, node: Node, scope: Scope | None, depth: int) -> JsValue:
        """Evaluate an object literal (quoted, numeric and computed keys, spreads, shorthands, methods).

        A spread of an unknown value is skipped (its keys cannot be known); an object with
        a syntax error inside its braces is `Unknown` as a whole.
        """
        result: dict[str, JsValue] = {}
        children = _named(node)
        if any(child.is_error or child.is_missing for child in children):
            # A damaged literal may have lost properties: never hand out a silently smaller object.
            return self._unknown(node, "syntax error")
        for child in children:
            kind = child.type
            if kind == "pair":
                key = self._key(_field(child, "key"), scope, depth)
                result[key] = self._eval(_field(child, "value"), scope, depth)
            elif kind == "shorthand_property_identifier":
                result[self.text(child)] = self._eval_identifier(child, scope, depth)
            elif kind == "spread_element":
                inner = _named(child)
                spread = self._eval(inner[0], scope, depth) if inner else UNDEFINED
                if isinstance(spread, dict):
                    self._spend(len(spread))
                    result.update(spread)
                elif isinstance(spread, list | str):
                    self._spend(len(spread))
                    for index, item in enumerate(spread):
                        result[str(index)] = item
            else:  # method_definition, the last kind of property the grammar has
                key = self._key(_field(child, "name"), scope, depth)
                accessor = any(c.type in {"get", "set"} for c in child.children)
                result[key] = (
                    self._unknown(child, "accessor")
                    if accessor
                    else self._make_function(child, scope)
                )
        return result

    def _key(self, node: Node, scope: Scope | None, depth: int) -> str:
        """Return the property name of a key node (``0x31`` → ``"49"``, computed keys evaluated)."""
        kind = node.type
        if kind == "string":
            return self.string_value(node)
        if kind == "number":
            parsed = parse_number_literal(self.text(node))
            return self.text(node) if parsed is None else number_to_string(parsed)
        if kind == "computed_property_name":
            inner = _named(node)
            value = self._eval(inner[0], scope, depth) if inner else UNDEFINED
            return property_key(value)
        return self.text(node)  # property_identifier, private_property_identifier

    def _eval_unary(self, node: Node, scope: Scope | None, depth: int) -> JsValue:
        """Evaluate ``! - + ~ typeof void`` (``!0``, ``![]``, ``void 0x0``, ``-0x7f``)."""
        op = _field(node, "operator").type
        arg_node = _field(node, "argument")
        if op == "void":
            return UNDEFINED
        value = self._eval(arg_node, scope, depth)
        result: JsValue
        if op == "!":
            truth = js_truthy(value)
            result = (
                self._unknown(node, "unknown operand") if truth is None else not truth
            )
        elif op == "typeof":
            kind = js_typeof(value)
            result = (
                self._unknown(node, "unknown operand") if kind == "unknown" else kind
            )
        elif op in {"-", "+", "~"}:
            number = js_to_number(value)
            if number is None:
                result = self._unknown(node, "unknown operand")
            elif op == "-":
                result = normalize_number(-number)
            elif op == "+":
                result = number
            else:
                result = ~_to_int32(number)
        else:
            result = self._unknown(node, f"unsupported operator {op}")
        return result

    def _eval_binary(self, node: Node, scope: Scope | None, depth: int) -> JsValue:
        """Evaluate arithmetic, string ``+``, comparisons and ``?? || &&``."""
        op = _field(node, "operator").type
        left_node = _field(node, "left")
        right_node = _field(node, "right")
        left = self._eval(left_node, scope, depth)
        if op in {"&&", "||", "??"}:
            if op == "??":
                if isinstance(left, Unknown | UnknownCall):
                    return self._unknown(node, "unknown operand")
                return (
                    self._eval(right_node, scope, depth)
                    if left is None or isinstance(left, Undefined)
                    else left
                )
            truth = js_truthy(left)
            if truth is None:
                return self._unknown(node, "unknown operand")
            take_right = truth if op == "&&" else not truth
            return self._eval(right_node, scope, depth) if take_right else left
        right = self._eval(right_node, scope, depth)
        if isinstance(left, Unknown | UnknownCall) or isinstance(
            right, Unknown | UnknownCall
        ):
            return self._unknown(node, "unknown operand")
        return self._binary_value(node, op, left, right)

    def _binary_value(
        self, node: Node, op: str, left: JsValue, right: JsValue
    ) -> JsValue:
        """Apply a binary operator to two known values."""
        result: JsValue
        if op == "===":
            result = _strict_equal(left, right)
        elif op == "!==":
            result = not _strict_equal(left, right)
        elif op == "==":
            result = _loose_equal(left, right)
        elif op == "!=":
            result = not _loose_equal(left, right)
        elif op in {"<", ">", "<=", ">="}:
            result = _compare(op, left, right)
        elif op == "+":
            lp = _to_primitive(left)
            rp = _to_primitive(right)
            if isinstance(lp, str) or isinstance(rp, str):
                ls = js_to_string(lp)
                rs = js_to_string(rp)
                if ls is None or rs is None:
                    result = self._unknown(node, "unknown operand")
                elif len(ls) + len(rs) > MAX_STRING:
                    result = self._unknown(node, "string too long")
                else:
                    self._spend((len(ls) + len(rs)) // 1000)
                    result = ls + rs
            else:
                result = self._numeric(node, op, lp, rp)
        elif op in {"-", "*", "/", "%", "**", "&", "|", "^", "<<", ">>", ">>>"}:
            result = self._numeric(node, op, left, right)
        else:
            result = self._unknown(node, f"unsupported operator {op}")
        return result

    def _numeric(self, node: Node, op: str, left: JsValue, right: JsValue) -> JsValue:
        """Apply a numeric operator with JavaScript conversions."""
        a = js_to_number(left)
        b = js_to_number(right)
        if a is None or b is None:
            return self._unknown(node, "unknown operand")
        return _arith(op, a, b)

    def _eval_ternary(self, node: Node, scope: Scope | None, depth: int) -> JsValue:
        """Evaluate ``test ? a : b`` when the test is known."""
        cond = _field(node, "condition")
        then = _field(node, "consequence")
        other = _field(node, "alternative")
        truth = js_truthy(self._eval(cond, scope, depth))
        if truth is None:
            return self._unknown(node, "unknown condition")
        return self._eval(then if truth else other, scope, depth)

    def _member_name(
        self, node: Node, scope: Scope | None, depth: int
    ) -> str | int | float | Unknown | UnknownCall:
        """Return the property name of a member or subscript expression."""
        if node.type == "member_expression":
            return self.text(_field(node, "property"))
        value = self._eval(_field(node, "index"), scope, depth)
        if isinstance(value, Unknown | UnknownCall | str):
            return value
        if isinstance(value, int | float) and not isinstance(value, bool):
            return value
        return property_key(value)

    def _eval_member(self, node: Node, scope: Scope | None, depth: int) -> JsValue:
        """Evaluate ``obj.name`` / ``obj['name']``; on an unknown enum object give `EnumMember`."""
        obj_node = _field(node, "object")
        name = self._member_name(node, scope, depth)
        if isinstance(name, Unknown | UnknownCall):
            return self._unknown(node, "unknown property name")
        optional = any(c.type == "optional_chain" for c in node.children)
        obj_local = False
        if obj_node.type == "identifier":
            found, obj_local, obj = self._lookup(self.text(obj_node), scope, depth)
            if not found:
                obj = self._eval_identifier(obj_node, scope, depth)
        else:
            obj = self._eval(obj_node, scope, depth)
        if optional and (obj is None or isinstance(obj, Undefined)):
            return UNDEFINED
        value = self._get_property(obj, name)
        if value is not None and not isinstance(value, Unknown):
            return value
        if value is None:
            return None
        if (
            obj_node.type == "identifier"
            and not obj_local
            and isinstance(name, str)
            and isinstance(obj, Unknown | UnknownCall | ArrowFunction | Undefined)
        ):
            return EnumMember(name, self.text(obj_node))
        return self._unknown(node, value.reason)

    def _get_property(self, obj: JsValue, name: str | float) -> JsValue:
        """Return ``obj[name]`` for known objects; `Unknown` when not computable."""
        if isinstance(obj, dict):
            key = name if isinstance(name, str) else number_to_string(name)
            return obj.get(key, UNDEFINED)
        if isinstance(obj, list | str):
            if name == "length":
                return len(obj)
            index = _as_index(name)
            if index is None:
                return (
                    UNDEFINED
                    if isinstance(name, int | float) or str(name).lstrip("-").isdigit()
                    else Unknown("", "method value")
                )
            return obj[index] if index < len(obj) else UNDEFINED
        if isinstance(obj, Unknown | UnknownCall):
            return Unknown("", "unknown object")
        if obj is None or isinstance(obj, Undefined):
            return Unknown("", "property of null or undefined")
        return Unknown("", "unsupported property")

    def _eval_assignment(self, node: Node, scope: Scope | None, depth: int) -> JsValue:
        """Evaluate ``a = v`` / ``o.k = v`` / ``a += v`` on local variables and local objects."""
        left = _field(node, "left")
        right = _field(node, "right")
        if node.type == "augmented_assignment_expression":
            op = _field(node, "operator").type[:-1]
            current = self._eval(left, scope, depth)
            known = not isinstance(current, Unknown | UnknownCall)
            if op in {"&&", "||", "??"} and known:
                # ``a ||= v`` is ``a || (a = v)``: nothing is assigned when ``a`` decides.
                truth = js_truthy(current)
                keep = {
                    "&&": not truth,
                    "||": truth,
                    "??": not (current is None or isinstance(current, Undefined)),
                }[op]
                if keep:
                    return current
                value = self._eval(right, scope, depth)
            else:
                value = self._eval(right, scope, depth)
                value = (
                    self._binary_value(node, op, current, value)
                    if known and not isinstance(value, Unknown | UnknownCall)
                    else self._unknown(node, "unknown operand")
                )
        else:
            value = self._eval(right, scope, depth)
        if left.type == "identifier" and scope is not None:
            scope.assign(self.text(left), value)
        elif left.type in {"member_expression", "subscript_expression"}:
            obj = self._eval(_field(left, "object"), scope, depth)
            name = self._member_name(left, scope, depth)
            if isinstance(obj, dict) and not isinstance(name, Unknown | UnknownCall):
                key = name if isinstance(name, str) else property_key(name)
                obj[key] = value
        return value

    # -- calls -----------------------------------------------------------------------------

    def _eval_args(self, node: Node, scope: Scope | None, depth: int) -> list[JsValue]:
        """Evaluate call arguments (or a tagged template), expanding spreads."""
        args: list[JsValue] = []
        if node.type == "template_string":
            return [self._eval(node, scope, depth)]
        for child in _named(node):
            if child.type == "spread_element":
                inner = _named(child)
                spread = self._eval(inner[0], scope, depth) if inner else UNDEFINED
                items = self._spread_items(spread)
                if items is None:
                    args.append(self._unknown(child, "unknown spread"))
                else:
                    self._spend(len(items))
                    args.extend(items)
            else:
                args.append(self._eval(child, scope, depth))
        return args

    def _eval_call(self, node: Node, scope: Scope | None, depth: int) -> JsValue:
        """Evaluate a call: program functions, known built-ins, else `UnknownCall`."""
        fn_node = _field(node, "function")
        args = self._eval_args(_field(node, "arguments"), scope, depth)
        callee = self._short(fn_node)
        optional = any(c.type == "optional_chain" for c in node.children)
        kind = fn_node.type
        if kind == "import":
            return UnknownCall("import", tuple(args))
        if kind in {"member_expression", "subscript_expression"}:
            return self._eval_method_call(node, fn_node, args, scope, depth)
        if kind == "identifier":
            name = self.text(fn_node)
            found, _, value = self._lookup(name, scope, depth)
            if found and isinstance(value, ArrowFunction):
                return self._invoke(value, args, depth + 4)
            if not found:
                builtin = _global_function(name, args)
                if builtin is not None:
                    return self._checked(node, builtin)
            if optional and found and (value is None or isinstance(value, Undefined)):
                return UNDEFINED
            return UnknownCall(callee, tuple(args))
        value = self._eval(fn_node, scope, depth)
        if isinstance(value, ArrowFunction):
            return self._invoke(value, args, depth + 4)
        return UnknownCall(callee, tuple(args))

    def _eval_method_call(
        self,
        node: Node,
        fn_node: Node,
        args: list[JsValue],
        scope: Scope | None,
        depth: int,
    ) -> JsValue:
        """Evaluate ``obj.method(args)`` / ``obj['method'](args)``."""
        callee = self._short(fn_node)
        obj_node = _field(fn_node, "object")
        name = self._member_name(fn_node, scope, depth)
        if not isinstance(name, str):
            return UnknownCall(callee, tuple(args))
        if obj_node.type == "identifier":
            obj_name = self.text(obj_node)
            found, _, obj = self._lookup(obj_name, scope, depth)
            if not found:
                builtin = _static_method(obj_name, name, args)
                if builtin is not None:
                    return self._checked(node, builtin)
                return UnknownCall(callee, tuple(args))
        else:
            obj = self._eval(obj_node, scope, depth)
        if isinstance(obj, dict):
            method = obj.get(name)
            if isinstance(method, ArrowFunction):
                return self._invoke(method, args, depth + 4)
            return UnknownCall(callee, tuple(args))
        if isinstance(obj, list):
            return self._array_method(node, obj, name, args, depth)
        if isinstance(obj, str):
            return self._checked(node, _string_method(str(obj), name, args))
        if isinstance(obj, int | float) and not isinstance(obj, bool):
            return self._checked(node, _number_method(obj, name, args))
        if isinstance(obj, ArrowFunction) and name == "call":
            return self._invoke(obj, args[1:], depth + 4)
        return UnknownCall(callee, tuple(args))

    def _checked(self, node: Node, value: JsValue | None) -> JsValue:
        """Return a built-in's result, `Unknown` when it could not be computed."""
        if value is None:
            return self._unknown(node, "unsupported call")
        if isinstance(value, str) and len(value) > MAX_STRING:
            return self._unknown(node, "string too long")
        return value

    def _array_method(
        self,
        node: Node,
        items: list[JsValue],
        name: str,
        args: list[JsValue],
        depth: int,
    ) -> JsValue:
        """Evaluate the array methods the bundle uses (``map`` above all, PROTOCOL.md §4.4)."""
        fn = args[0] if args else UNDEFINED
        if name in {"map", "filter", "find", "some", "every", "forEach", "flatMap"}:
            if not isinstance(fn, ArrowFunction):
                return self._unknown(node, "unknown callback")
            results: list[JsValue] = []
            for index, item in enumerate(items):
                results.append(self._invoke(fn, [item, index, items], depth + 4))
            return self._collect(node, name, items, results)
        if name == "join":
            sep = (
                js_to_string(args[0])
                if args and not isinstance(args[0], Undefined)
                else ","
            )
            text = js_to_string(items)
            if sep is None or text is None:
                return self._unknown(node, "unknown operand")
            parts = [
                ""
                if item is None or isinstance(item, Undefined)
                else (js_to_string(item) or "")
                for item in items
            ]
            return self._checked(node, sep.join(parts))
        if name == "concat":
            out = list(items)
            for arg in args:
                if isinstance(arg, list):
                    out.extend(arg)
                else:
                    out.append(arg)
            self._spend(len(out))
            return out
        if name == "includes":
            target = args[0] if args else UNDEFINED
            return any(_strict_equal(item, target) for item in items)
        if name == "indexOf":
            target = args[0] if args else UNDEFINED
            return next(
                (i for i, item in enumerate(items) if _strict_equal(item, target)), -1
            )
        if name == "slice":
            bounds = _slice_bounds(len(items), args)
            if bounds is None:
                return self._unknown(node, "unknown operand")
            return list(items[bounds[0] : bounds[1]])
        if name == "flat":
            flat: list[JsValue] = []
            for item in items:
                if isinstance(item, list):
                    flat.extend(item)
                else:
                    flat.append(item)
            return flat
        return UnknownCall(f"[…]['{name}']", tuple(args))

    def _collect(
        self, node: Node, name: str, items: list[JsValue], results: list[JsValue]
    ) -> JsValue:
        """Combine callback results of ``map``/``filter``/``find``/``some``/``every``."""
        if name == "map":
            return results
        if name == "forEach":
            return UNDEFINED
        if name == "flatMap":
            flat: list[JsValue] = []
            for result in results:
                if isinstance(result, list):
                    flat.extend(result)
                else:
                    flat.append(result)
            return flat
        truths = [js_truthy(r) for r in results]
        if any(t is None for t in truths):
            return self._unknown(node, "unknown callback result")
        if name == "filter":
            return [item for item, t in zip(items, truths, strict=True) if t]
        if name == "find":
            return next(
                (item for item, t in zip(items, truths, strict=True) if t), UNDEFINED
            )
        if name == "some":
            return any(truths)
        return all(truths)

    def _make_function(self, node: Node, scope: Scope | None) -> ArrowFunction:
        """Return the `ArrowFunction` value of a function node with its closure scope."""
        return ArrowFunction(
            params=tuple(self.text(p) for p in _parameters(node)),
            source=self.text(node),
            body=_field(node, "body"),
            node=node,
            scope=scope,
            caller=self,
        )

    def _invoke(self, fn: ArrowFunction, args: list[JsValue], depth: int) -> JsValue:
        """Call a program function by binding its parameters and evaluating its body."""
        self._spend()
        if depth > MAX_DEPTH:
            return Unknown(fn.source[:_UNKNOWN_TEXT], "too deeply nested")
        node = fn.node
        if any(c.type in {"async", "*"} for c in node.children):
            return Unknown(fn.source[:_UNKNOWN_TEXT], "async or generator function")
        parent = fn.scope if isinstance(fn.scope, Scope) else None
        local = Scope({}, parent)
        for index, param in enumerate(_parameters(node)):
            if param.type == "rest_pattern":
                self._bind(param, list(args[index:]), local, depth)
                break
            self._bind(
                param, args[index] if index < len(args) else UNDEFINED, local, depth
            )
        body = fn.body
        if body.type == "statement_block":
            completion = self._exec_block(body, local, depth + 1)
            return completion.value if completion is not None else UNDEFINED
        return self._eval(body, local, depth + 1)

    def _bind(self, pattern: Node, value: JsValue, scope: Scope, depth: int) -> None:
        """Bind a parameter or declaration pattern (identifiers, defaults, object/array patterns, rests)."""
        self._spend()
        kind = pattern.type
        if kind in {"identifier", "shorthand_property_identifier_pattern"}:
            scope.names[self.text(pattern)] = value
        elif kind in {"assignment_pattern", "object_assignment_pattern"}:
            if isinstance(value, Undefined):
                value = self._eval(_field(pattern, "right"), scope, depth + 1)
            self._bind(_field(pattern, "left"), value, scope, depth)
        elif kind == "object_pattern":
            used: set[str] = set()
            for child in _named(pattern):
                ckind = child.type
                if ckind == "shorthand_property_identifier_pattern":
                    name = self.text(child)
                    used.add(name)
                    scope.names[name] = self._pattern_property(value, name)
                elif ckind == "object_assignment_pattern":
                    name = self.text(_field(child, "left"))
                    used.add(name)
                    self._bind(child, self._pattern_property(value, name), scope, depth)
                elif ckind == "pair_pattern":
                    key = self._key(_field(child, "key"), scope, depth + 1)
                    used.add(key)
                    self._bind(
                        _field(child, "value"),
                        self._pattern_property(value, key),
                        scope,
                        depth,
                    )
                elif ckind == "rest_pattern":
                    rest: JsValue
                    if isinstance(value, dict):
                        rest = {k: v for k, v in value.items() if k not in used}
                    elif isinstance(value, Unknown | UnknownCall):
                        rest = value
                    else:
                        rest = {}
                    self._bind(child, rest, scope, depth)
        elif kind == "array_pattern":
            self._bind_array(pattern, value, scope, depth)
        elif kind == "rest_pattern":
            for inner in _named(pattern):  # exactly one: the pattern after ``...``
                self._bind(inner, value, scope, depth)
        else:
            for name_node in _named(pattern):
                if name_node.type == "identifier":
                    scope.names[self.text(name_node)] = Unknown(
                        self.text(pattern), "unsupported pattern"
                    )

    def _bind_array(
        self, pattern: Node, value: JsValue, scope: Scope, depth: int
    ) -> None:
        """Bind an array pattern ``[a, , b = 1, ...rest]``."""
        items: list[JsValue] | None
        if isinstance(value, list):
            items = value
        elif isinstance(value, str):
            items = list(str(value))
        else:
            items = None
        index = 0
        pending = False
        for child in _walk_children(pattern):
            kind = child.type
            if kind == "[":
                continue
            if kind in {",", "]"}:
                if kind == "," and not pending:
                    index += 1
                pending = False
                continue
            pending = True
            if kind == "rest_pattern":
                rest: JsValue = list(items[index:]) if items is not None else value
                self._bind(child, rest, scope, depth)
                break
            item: JsValue
            if items is not None:
                item = items[index] if index < len(items) else UNDEFINED
            else:
                item = (
                    value
                    if isinstance(value, Unknown | UnknownCall)
                    else Unknown("", "not iterable")
                )
            self._bind(child, item, scope, depth)
            index += 1

    def _pattern_property(self, value: JsValue, name: str) -> JsValue:
        """Return ``value[name]`` for destructuring (unknown stays unknown)."""
        if isinstance(value, Unknown | UnknownCall):
            return value
        return self._get_property(value, name)

    # -- statements ------------------------------------------------------------------------

    def _exec_block(self, block: Node, scope: Scope, depth: int) -> _Return | None:
        """Execute a statement block; return the ``return`` completion, or None when it falls through."""
        local = Scope({}, scope)
        statements = _named(block)
        for statement in statements:
            if statement.type == "function_declaration":
                name = self.text(_field(statement, "name"))
                local.names[name] = self._make_function(statement, local)
        for statement in statements:
            completion = self._exec(statement, local, depth)
            if completion is not None:
                return completion
        return None

    def _exec(self, statement: Node, scope: Scope, depth: int) -> _Return | None:
        """Execute one statement: declarations, ``if``/``else``, ``return``, blocks, expression statements."""
        self._spend()
        if depth > MAX_DEPTH:
            return _Return(self._unknown(statement, "too deeply nested"))
        kind = statement.type
        if statement.is_error or statement.is_missing:
            return _Return(self._unknown(statement, "syntax error"))
        if kind in {"lexical_declaration", "variable_declaration"}:
            for declarator in _named(statement):
                if declarator.type != "variable_declarator":
                    continue
                value_node = declarator.child_by_field_name("value")  # optional
                value = (
                    self._eval(value_node, scope, depth + 1)
                    if value_node is not None
                    else UNDEFINED
                )
                self._bind(_field(declarator, "name"), value, scope, depth + 1)
            return None
        if kind == "return_statement":
            inner = _named(statement)
            return _Return(
                self._eval(inner[0], scope, depth + 1) if inner else UNDEFINED
            )
        if kind == "if_statement":
            return self._exec_if(statement, scope, depth)
        if kind == "statement_block":
            return self._exec_block(statement, scope, depth + 1)
        if kind == "expression_statement":
            # One expression (the grammar requires it), possibly followed by ERROR nodes.
            for expression in _named(statement)[:1]:
                self._eval(expression, scope, depth + 1)
            return None
        if kind in {"empty_statement", "function_declaration"}:
            return None
        return _Return(self._unknown(statement, f"unsupported statement ({kind})"))

    def _exec_if(self, statement: Node, scope: Scope, depth: int) -> _Return | None:
        """Execute ``if (test) a else b``; an unknown test makes the result unknown."""
        other = statement.child_by_field_name("alternative")  # optional
        truth = js_truthy(self._eval(_field(statement, "condition"), scope, depth + 1))
        if truth is None:
            return _Return(self._unknown(statement, "unknown condition"))
        if truth:
            return self._exec(_field(statement, "consequence"), scope, depth + 1)
        if other is None:
            return None
        branch = _named(other)
        return self._exec(branch[0], scope, depth + 1) if branch else None


def _parameters(fn: Node) -> list[Node]:
    """Return the parameter nodes of a function node (``x => …`` has a single one)."""
    single = fn.child_by_field_name("parameter")
    if single is not None:
        return [single]
    formal = fn.child_by_field_name("parameters")
    return _named(formal) if formal is not None else []


def _as_index(name: str | float) -> int | None:
    """Return an array index for a property name, or None."""
    if isinstance(name, int):
        return name if name >= 0 else None
    if isinstance(name, float):
        return int(name) if name.is_integer() and name >= 0 else None
    # ASCII only: ``"²".isdigit()`` is true but it is no index (and ``int()`` rejects it).
    return int(name) if name.isascii() and name.isdigit() and len(name) < 16 else None


def _slice_bounds(length: int, args: list[JsValue]) -> tuple[int, int] | None:
    """Return Python slice bounds of JavaScript ``slice(start, end)``."""
    bounds: list[int] = []
    for position, default in ((0, 0), (1, length)):
        if position >= len(args) or isinstance(args[position], Undefined):
            bounds.append(default)
            continue
        number = js_to_number(args[position])
        if number is None:
            return None
        if math.isnan(number):
            number = 0
        n = (
            int(max(min(number, length), -length - 1))
            if math.isfinite(number)
            else (length if number > 0 else 0)
        )
        bounds.append(max(length + n, 0) if n < 0 else min(n, length))
    return bounds[0], bounds[1]


def _int_arg(args: list[JsValue], position: int, default: int) -> int | None:
    """Return an integer argument (JavaScript ToIntegerOrInfinity, clamped), or None when unknown."""
    if position >= len(args) or isinstance(args[position], Undefined):
        return default
    number = js_to_number(args[position])
    if number is None:
        return None
    if math.isnan(number):
        return 0
    limit = MAX_STRING + 1
    if not math.isfinite(number):
        return limit if number > 0 else -limit
    return int(max(min(number, limit), -limit))


def _str_arg(args: list[JsValue], position: int, default: str) -> str | None:
    """Return a string argument, or None when unknown."""
    if position >= len(args) or isinstance(args[position], Undefined):
        return default
    return js_to_string(args[position])


def _pad(text: str, args: list[JsValue], *, start: bool) -> str | None:
    """Return ``padStart``/``padEnd``."""
    width = _int_arg(args, 0, 0)
    fill = _str_arg(args, 1, " ")
    if width is None or fill is None:
        return None
    if width <= len(text) or not fill:
        return text
    if width > MAX_STRING:
        return None
    need = width - len(text)
    padding = (fill * (need // len(fill) + 1))[:need]
    return padding + text if start else text + padding


def _string_method(text: str, name: str, args: list[JsValue]) -> JsValue | None:
    """Return the result of a string method, or None when unsupported or unknown."""
    result: JsValue | None = None
    if name in {
        "toString",
        "valueOf",
        "trim",
        "toUpperCase",
        "toLowerCase",
        "trimStart",
        "trimEnd",
    }:
        result = {
            "toString": text,
            "valueOf": text,
            "trim": text.strip(_WHITESPACE),
            "trimStart": text.lstrip(_WHITESPACE),
            "trimEnd": text.rstrip(_WHITESPACE),
            "toUpperCase": text.upper(),
            "toLowerCase": text.lower(),
        }[name]
    elif name in {"padStart", "padEnd"}:
        result = _pad(text, args, start=name == "padStart")
    elif name == "slice":
        bounds = _slice_bounds(len(text), args)
        result = None if bounds is None else text[bounds[0] : bounds[1]]
    elif name == "substring":
        a = _int_arg(args, 0, 0)
        b = _int_arg(args, 1, len(text))
        if a is not None and b is not None:
            a, b = max(0, min(a, len(text))), max(0, min(b, len(text)))
            result = text[min(a, b) : max(a, b)]
    elif name == "substr":
        a = _int_arg(args, 0, 0)
        n = _int_arg(args, 1, len(text))
        if a is not None and n is not None:
            a = max(len(text) + a, 0) if a < 0 else a
            result = text[a : a + max(n, 0)]
    elif name in {"charAt", "at"}:
        i = _int_arg(args, 0, 0)
        if i is not None:
            if name == "at" and i < 0:
                i += len(text)
            result = (
                text[i]
                if 0 <= i < len(text)
                else ("" if name == "charAt" else UNDEFINED)
            )
    elif name in {"includes", "startsWith", "endsWith", "indexOf"}:
        needle = _str_arg(args, 0, "undefined")
        if needle is not None:
            result = {
                "includes": needle in text,
                "startsWith": text.startswith(needle),
                "endsWith": text.endswith(needle),
                "indexOf": text.find(needle),
            }[name]
    elif name == "concat":
        parts = [js_to_string(a) for a in args]
        result = (
            None
            if any(p is None for p in parts)
            else text + "".join(p or "" for p in parts)
        )
    elif name == "repeat":
        count = _int_arg(args, 0, 0)
        if count is not None and count >= 0 and len(text) * count <= MAX_STRING:
            result = text * count
    elif name == "split":
        sep = args[0] if args else UNDEFINED
        if isinstance(sep, Undefined):
            result = [text]
        elif isinstance(sep, str):
            result = list(text) if sep == "" else list(text.split(str(sep)))
    elif (
        name in {"replace", "replaceAll"}
        and len(args) >= 2
        and isinstance(args[0], str)
    ):
        new = args[1]
        if isinstance(new, str) and "$" not in new:
            result = text.replace(
                str(args[0]), str(new), 1 if name == "replace" else -1
            )
    return result


def _number_method(number: float, name: str, args: list[JsValue]) -> JsValue | None:
    """Return the result of a number method (``toFixed``, ``toString``), or None."""
    if name == "toFixed":
        digits = _int_arg(args, 0, 0)
        if digits is None or not 0 <= digits <= 100:
            return None
        return js_to_fixed(float(normalize_number(number)), digits)
    if name in {"toString", "valueOf"}:
        radix = _int_arg(args, 0, 10)
        if name == "valueOf":
            return number
        if radix == 10:
            return number_to_string(number)
        if radix is not None and 2 <= radix <= 36 and isinstance(number, int):
            return _int_to_radix(number, radix)
    return None


def _int_to_radix(number: int, radix: int) -> str:
    """Format an integer in base ``radix`` (lower-case digits)."""
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    if number == 0:
        return "0"
    sign = "-" if number < 0 else ""
    n = abs(number)
    out: list[str] = []
    while n:
        n, r = divmod(n, radix)
        out.append(digits[r])
    return sign + "".join(reversed(out))


def _math(name: str, args: list[JsValue]) -> JsValue | None:
    """Return ``Math.<name>(args)`` for the rounding and min/max functions."""
    numbers = [js_to_number(a) for a in args]
    if any(n is None for n in numbers):
        return None
    values = [float(n) for n in numbers if n is not None]
    x = values[0] if values else math.nan
    result: float | None = None
    if name in {"round", "floor", "ceil", "trunc"} and not math.isfinite(x):
        result = x
    elif name == "round":
        result = math.floor(x + 0.5)
    elif name == "floor":
        result = math.floor(x)
    elif name == "ceil":
        result = math.ceil(x)
    elif name == "trunc":
        result = math.trunc(x)
    elif name == "abs":
        result = abs(x)
    elif name == "sign":
        result = x if x == 0 or math.isnan(x) else math.copysign(1.0, x)
    elif name == "min":
        result = (
            math.nan
            if any(math.isnan(v) for v in values)
            else min(values, default=math.inf)
        )
    elif name == "max":
        result = (
            math.nan
            if any(math.isnan(v) for v in values)
            else max(values, default=-math.inf)
        )
    elif name == "pow" and len(values) >= 2:
        result = _arith("**", values[0], values[1])
    elif name == "sqrt":
        result = math.sqrt(x) if x >= 0 else math.nan
    return None if result is None else normalize_number(result)


def _global_function(name: str, args: list[JsValue]) -> JsValue | None:
    """Return the result of a global built-in (``Number``, ``String``, ``parseInt``, …), or None."""
    first = args[0] if args else UNDEFINED
    result: JsValue | None = None
    if name == "Number":
        result = 0 if not args else js_to_number(first)
    elif name == "String":
        result = "" if not args else js_to_string(first)
    elif name == "Boolean":
        result = js_truthy(first)
    elif name == "parseFloat":
        text = js_to_string(first)
        result = None if text is None else _parse_float_prefix(text)
    elif name == "parseInt":
        text = js_to_string(first)
        radix = _int_arg(args, 1, 0)
        result = (
            None if text is None or radix is None else _parse_int_prefix(text, radix)
        )
    elif name in {"isNaN", "isFinite"}:
        number = js_to_number(first)
        if number is not None:
            result = math.isnan(number) if name == "isNaN" else math.isfinite(number)
    return result


def _static_method(obj: str, name: str, args: list[JsValue]) -> JsValue | None:
    """Return the result of ``Math.*``, ``Number.*``, ``Object.*``, ``String.*``, ``Array.*``, or None."""
    result: JsValue | None = None
    if obj == "Math":
        result = _math(name, args)
    elif obj == "Number" and name in {"parseFloat", "parseInt", "isNaN", "isFinite"}:
        result = _global_function(name, args)
    elif obj == "Number" and name == "isInteger":
        first = args[0] if args else UNDEFINED
        number = (
            normalize_number(first)
            if isinstance(first, int | float) and not isinstance(first, bool)
            else math.nan
        )
        result = math.isfinite(number) and float(number).is_integer()
    elif obj == "Object":
        result = _object_method(name, args)
    elif obj == "Array" and name == "isArray":
        result = bool(args) and isinstance(args[0], list)
    elif obj == "String" and name == "fromCharCode":
        codes = [js_to_number(a) for a in args]
        if all(c is not None and math.isfinite(c) for c in codes):
            result = "".join(chr(int(c) & 0xFFFF) for c in codes if c is not None)
    return result


def _object_method(name: str, args: list[JsValue]) -> JsValue | None:
    """Return ``Object.assign/keys/values/entries/fromEntries/freeze`` results, or None."""
    first = args[0] if args else UNDEFINED
    result: JsValue | None = None
    if name == "assign" and isinstance(first, dict):
        for source in args[1:]:
            if isinstance(source, dict):
                first.update(source)
            elif not (source is None or isinstance(source, Undefined)):
                return None
        result = first
    elif name in {"freeze", "seal"}:
        result = first
    elif name in {"keys", "values", "entries"} and isinstance(first, dict):
        if name == "keys":
            result = list(first.keys())
        elif name == "values":
            result = list(first.values())
        else:
            result = [[k, v] for k, v in first.items()]
    elif name == "fromEntries" and isinstance(first, list):
        out: dict[str, JsValue] = {}
        for entry in first:
            if not isinstance(entry, list) or len(entry) < 2:
                return None
            out[property_key(entry[0])] = entry[1]
        result = out
    return result


def _parse_float_prefix(text: str) -> int | float:
    """Return JavaScript's ``parseFloat`` (longest numeric prefix)."""
    t = text.lstrip(_WHITESPACE)
    for prefix, value in (
        ("Infinity", math.inf),
        ("+Infinity", math.inf),
        ("-Infinity", -math.inf),
    ):
        if t.startswith(prefix):
            return value
    best: int | float = math.nan
    for end in range(min(len(t), 400), 0, -1):
        chunk = t[:end]
        if not set(chunk) <= _NUMBER_CHARS:
            continue
        try:
            best = normalize_number(float(chunk))
        except ValueError:
            continue
        break
    return best


def _parse_int_prefix(text: str, radix: int) -> int | float:
    """Return JavaScript's ``parseInt`` (longest prefix of digits in ``radix``)."""
    t = text.strip(_WHITESPACE)
    sign = 1
    if t[:1] in {"+", "-"}:
        sign = -1 if t[0] == "-" else 1
        t = t[1:]
    if radix in {0, 16} and t[:2].lower() == "0x":
        t = t[2:]
        radix = 16
    radix = radix or 10
    if not 2 <= radix <= 36:
        return math.nan
    lower = "0123456789abcdefghijklmnopqrstuvwxyz"[:radix]
    # Exact ASCII digits: the Kelvin sign "\u212a" lower-cases to "k" but int() rejects it.
    digits = frozenset(lower + lower.upper())
    end = 0
    while end < len(t) and end < 400 and t[end] in digits:
        end += 1
    if end == 0:
        return math.nan
    return normalize_number(sign * int(t[:end], radix))
