"""Parse the vendor's web-app JavaScript with tree-sitter and query it (PROTOCOL.md §4).

`parse` turns a source (the ``index-<hash>.js`` bundle, a menu chunk, an i18n chunk, a
parameter-map chunk) into a `Program`: the tree-sitter tree plus the source bytes, with
queries the asset catalogue needs and the literal-subset evaluator of
`custom_components.bragerone.api.assets.evaluator`. Code is never executed and never
matched with regular expressions.

Typical use::

    program = parse(index_source)
    files = program.js_file_names()                 # §4.2 asset index
    menus = program.import_table()                  # §4.3 / §4.8 lazy-import tables
    units = program.largest_object(looks_like_units, top_level=True)   # §4.7
    for pair in program.upper_snake_pairs():        # §4.5 lookup step 2
        descriptor = pair.value
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from operator import attrgetter
import threading
from typing import Any, Final

from tree_sitter import Language, Node, Parser, Query, QueryCursor, Tree
import tree_sitter_javascript

from .errors import JsParseError
from .evaluator import DEFAULT_STEP_BUDGET, Evaluator, Scope
from .values import UNDEFINED, ArrowFunction, JsValue, Unknown, UnknownCall

MAX_SOURCE_BYTES: Final = 32 * 1024 * 1024
"""Largest source `parse` accepts (the live index is about 1-2 MB)."""

_START_BYTE: Final = attrgetter("start_byte")
_LOCK = threading.Lock()
_STATE: dict[str, Any] = {}

_QUERIES: Final = {
    # One traversal collects everything the catalogue queries need (PROTOCOL.md §4.2-§4.8).
    "index": """
        [(string) (template_string)] @string
        (pair key: [(property_identifier) (string)] @key)
        (call_expression function: (import) arguments: (arguments . (string) @import))
    """,
    "objects": "(object) @object",
    # Immediately invoked functions: ``(e=>(…))(x)``, ``(function(e){…})(x)``.
    "invocations": "(call_expression function: (parenthesized_expression) @callee)",
    "errors": "(ERROR) @e",
}

_UPPER_SNAKE_CHARS: Final = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
_WHITESPACE_CHARS: Final = frozenset(" \t\r\n\v\f")
_DECLARATIONS: Final = frozenset({"lexical_declaration", "variable_declaration"})
_FUNCTIONS: Final = frozenset(
    {"arrow_function", "function_expression", "function", "function_declaration"}
)


def _language() -> Language:
    """Return the JavaScript language (created once; creating it is not free)."""
    language = _STATE.get("language")
    if language is None:
        language = Language(tree_sitter_javascript.language())
        _STATE["language"] = language
    return language


def _query(name: str) -> Query:
    """Return a compiled query by name (compiled once)."""
    key = f"query:{name}"
    query = _STATE.get(key)
    if query is None:
        with _LOCK:
            query = Query(_language(), _QUERIES[name])
            _STATE[key] = query
    return query


def _captures(name: str, node: Node) -> list[Node]:
    """Return the nodes captured by a query under ``node``, in document order."""
    found = QueryCursor(_query(name)).captures(node)
    return _in_document_order([n for group in found.values() for n in group])


def _in_document_order(nodes: Iterable[Node]) -> list[Node]:
    """Return nodes sorted by position (query captures of several patterns come grouped by pattern)."""
    return sorted(nodes, key=_START_BYTE)


def parse(source: str | bytes) -> Program:
    """Parse JavaScript source into a `Program`.

    Args:
        source:
            The module text, as `str` or UTF-8 `bytes`. Syntax errors are tolerated: the
            tree contains ERROR nodes, which evaluate to `Unknown`.

    Returns:
        The parsed `Program`.

    Raises:
        JsParseError:
            The input is not `str`/`bytes`, a `str` that cannot be encoded as UTF-8, larger
            than `MAX_SOURCE_BYTES`, or tree-sitter failed to parse it.

    """
    raw: object = source
    if isinstance(raw, str):
        try:
            data = raw.encode("utf-8")
        except UnicodeEncodeError as err:
            msg = "JavaScript source is not valid Unicode text"
            raise JsParseError(msg) from err
    elif isinstance(raw, bytes | bytearray | memoryview):
        data = bytes(raw)
    else:
        msg = f"JavaScript source must be str or bytes, not {type(raw).__name__}"
        raise JsParseError(msg)
    if len(data) > MAX_SOURCE_BYTES:
        msg = f"JavaScript source of {len(data)} bytes exceeds the limit of {MAX_SOURCE_BYTES}"
        raise JsParseError(msg)
    try:
        with _LOCK:
            parser = _STATE.get("parser")
            if parser is None:
                parser = Parser(_language())
                _STATE["parser"] = parser
            tree = parser.parse(data)
    except (ValueError, RuntimeError) as err:
        msg = "tree-sitter could not parse the JavaScript source"
        raise JsParseError(msg) from err
    return Program(data, tree)


@dataclass(frozen=True, slots=True)
class StringLiteral:
    """A string literal of the program: its decoded ``value`` and its tree-sitter ``node``."""

    value: str
    node: Node = field(repr=False)


@dataclass(slots=True)
class KeyedExpression:
    """A ``KEY: <expr>`` pair found in the program; the value is evaluated on first access."""

    key: str
    node: Node = field(repr=False)
    program: Program = field(repr=False)
    _value: JsValue = field(default=None, repr=False)
    _evaluated: bool = field(default=False, repr=False)

    @property
    def value(self) -> JsValue:
        """Return the evaluated value (computed once)."""
        if not self._evaluated:
            self._value = self.program.evaluate(self.node)
            self._evaluated = True
        return self._value


@dataclass(slots=True)
class ObjectLiteral:
    """An object literal of the program, cheap to inspect before evaluating.

    `keys` and `size` do not evaluate property values; `value` and `get` do.
    """

    node: Node = field(repr=False)
    program: Program = field(repr=False)
    _keys: list[str] | None = field(default=None, repr=False)

    @property
    def size(self) -> int:
        """Return the size of the literal's source in bytes."""
        return self.node.end_byte - self.node.start_byte

    @property
    def start_byte(self) -> int:
        """Return the byte offset of the literal in the source."""
        return self.node.start_byte

    @property
    def text(self) -> str:
        """Return the literal's source text."""
        return self.program.text(self.node)

    def entries(self) -> list[tuple[str, Node]]:
        """Return ``(key, value node)`` for each property (shorthands give the identifier node)."""
        out: list[tuple[str, Node]] = []
        for child in self.node.named_children:
            if child.type == "pair":
                key_node = child.child_by_field_name("key")
                value_node = child.child_by_field_name("value")
                if key_node is not None and value_node is not None:
                    out.append((self.program.property_name(key_node), value_node))
            elif child.type == "shorthand_property_identifier":
                out.append((self.program.text(child), child))
            elif child.type == "method_definition":
                name = child.child_by_field_name("name")
                if name is not None:
                    out.append((self.program.property_name(name), child))
        return out

    def keys(self) -> list[str]:
        """Return the property names (``0x31`` → ``"49"``; computed keys evaluated; spreads omitted)."""
        if self._keys is None:
            self._keys = [key for key, _ in self.entries()]
        return self._keys

    def __contains__(self, key: object) -> bool:
        """Return True when the object has a property named ``key``."""
        return key in self.keys()

    def value_node(self, key: str) -> Node | None:
        """Return the value node of property ``key`` (the last one if repeated), or None."""
        found: Node | None = None
        for name, node in self.entries():
            if name == key:
                found = node
        return found

    def get(self, key: str) -> JsValue:
        """Return the evaluated value of property ``key`` (`UNDEFINED` when absent)."""
        node = self.value_node(key)
        return UNDEFINED if node is None else self.program.evaluate(node)

    @property
    def value(self) -> JsValue:
        """Return the whole object evaluated to a `dict`."""
        return self.program.evaluate(self.node)


@dataclass(slots=True)
class _Binding:
    """A top-level name: its declarator value node, or a destructuring pattern over one."""

    name: str
    value: Node | None
    pattern: Node | None = None
    unknown_reason: str = ""


class _LazyBindings(Mapping[str, JsValue]):
    """Top-level name → value, each evaluated on first access."""

    def __init__(self, program: Program) -> None:
        """Wrap the program's binding table."""
        self._program = program

    def __getitem__(self, name: str) -> JsValue:
        """Return the value of the top-level binding ``name``."""
        if name not in self._program.binding_names():
            raise KeyError(name)
        return self._program.binding(name)

    def __iter__(self) -> Iterator[str]:
        """Iterate over the names in source order."""
        return iter(self._program.binding_names())

    def __len__(self) -> int:
        """Return the number of top-level bindings."""
        return len(self._program.binding_names())


class Program:
    """A parsed JavaScript module: the tree-sitter tree, the source bytes and queries over them.

    Every query is lazy and cached; nothing is evaluated before it is asked for. Values
    returned by `evaluate` and the query results are fresh copies that callers may
    modify. A program is not thread-safe (its evaluator keeps per-evaluation state);
    `parse` itself may be called from several threads.
    """

    def __init__(
        self, source: bytes, tree: Tree, *, step_budget: int = DEFAULT_STEP_BUDGET
    ) -> None:
        """Wrap a tree-sitter ``tree`` of ``source`` (use `parse` instead of calling this)."""
        self.source: Final = source
        self.tree: Final = tree
        self.root: Final = tree.root_node
        self._evaluator = Evaluator(
            source, self._resolve_global, step_budget=step_budget
        )
        self._bindings: dict[str, _Binding] | None = None
        self._cache: dict[str, JsValue] = {}
        self._in_progress: set[str] = set()
        self._index: dict[str, list[Node]] | None = None
        self._strings: list[StringLiteral] | None = None
        self._objects: list[ObjectLiteral] | None = None

    # -- basics ----------------------------------------------------------------------------

    @property
    def has_errors(self) -> bool:
        """Return True when the source has syntax errors (ERROR or MISSING nodes)."""
        return self.root.has_error

    def error_ranges(self) -> list[tuple[int, int]]:
        """Return the byte ranges of ERROR nodes (for diagnostics)."""
        return [(n.start_byte, n.end_byte) for n in _captures("errors", self.root)]

    def text(self, node: Node) -> str:
        """Return the source text of ``node``."""
        return self._evaluator.text(node)

    def evaluate(self, node: Node, *, budget: int | None = None) -> JsValue:
        """Evaluate an expression node of this program to a plain value; never raises.

        Args:
            node:
                An expression node of this program's tree.
            budget:
                Step budget (node visits) for this evaluation; exhausting it gives `Unknown`.

        """
        return _fresh_copy(
            self._evaluator.evaluate(node, budget=budget),
            lambda: self.text(node)[:200],
        )

    def property_name(self, key_node: Node) -> str:
        """Return the property name of an object key node (``0x31`` → ``"49"``, ``'a'`` → ``"a"``)."""
        return self._evaluator.key_name(key_node)

    # -- top-level bindings ----------------------------------------------------------------

    def _binding_table(self) -> dict[str, _Binding]:
        """Collect top-level ``const``/``let``/``var``/``function``/``class`` bindings once."""
        if self._bindings is None:
            table: dict[str, _Binding] = {}
            for statement in _top_level_statements(self.root):
                for binding in self._declared(statement):
                    table[binding.name] = binding
            self._bindings = table
        return self._bindings

    def _declared(self, statement: Node) -> Iterator[_Binding]:
        """Yield the bindings one top-level statement declares."""
        kind = statement.type
        if kind == "export_statement":
            declaration = statement.child_by_field_name("declaration")
            if declaration is not None:
                yield from self._declared(declaration)
            return
        if kind in _DECLARATIONS:
            for declarator in statement.named_children:
                if declarator.type != "variable_declarator":
                    continue
                name = declarator.child_by_field_name("name")
                value = declarator.child_by_field_name("value")
                if name is None:
                    continue
                if name.type == "identifier":
                    yield _Binding(self.text(name), value)
                else:
                    for identifier in _pattern_identifiers(name):
                        yield _Binding(self.text(identifier), value, pattern=name)
        elif kind == "function_declaration":
            name = statement.child_by_field_name("name")
            if name is not None:
                yield _Binding(self.text(name), statement)
        elif kind in {"class_declaration", "generator_function_declaration"}:
            name = statement.child_by_field_name("name")
            if name is not None:
                yield _Binding(self.text(name), statement, unknown_reason=kind)

    def binding_names(self) -> list[str]:
        """Return the names bound at the top level, in source order."""
        return list(self._binding_table())

    def binding_node(self, name: str) -> Node | None:
        """Return the value node of top-level binding ``name`` (None when absent or uninitialised)."""
        binding = self._binding_table().get(name)
        return None if binding is None else binding.value

    def binding(self, name: str) -> JsValue:
        """Return the evaluated value of top-level binding ``name``.

        Unknown names give ``Unknown(name, "unbound identifier")``; never raises.
        """
        found, value = self._resolve_global(name, 0)
        if not found:
            return Unknown(name, "unbound identifier")
        return _fresh_copy(value, lambda: name)

    def top_level_bindings(self) -> Mapping[str, JsValue]:
        """Return a mapping of top-level names to values, each evaluated lazily on access."""
        return _LazyBindings(self)

    def _resolve_global(self, name: str, depth: int) -> tuple[bool, JsValue]:
        """Resolve a top-level name for the evaluator (lazy, cached, cycle-safe)."""
        if name in self._cache:
            return True, self._cache[name]
        binding = self._binding_table().get(name)
        if binding is None:
            return False, UNDEFINED
        if name in self._in_progress:
            return True, Unknown(name, "cyclic reference")
        self._in_progress.add(name)
        try:
            value = self._compute_binding(binding, depth)
        finally:
            self._in_progress.discard(name)
        self._cache[name] = value
        return True, value

    def _compute_binding(self, binding: _Binding, depth: int) -> JsValue:
        """Evaluate one top-level binding."""
        if binding.unknown_reason:
            node = binding.value
            return Unknown(
                binding.name if node is None else self.text(node)[:200],
                binding.unknown_reason,
            )
        if binding.value is None:
            return UNDEFINED
        value = self._evaluator.evaluate_nested(binding.value, depth)
        if binding.pattern is None:
            return value
        scope = Scope({})
        self._evaluator.bind_pattern(binding.pattern, value, scope, depth)
        return scope.names.get(binding.name, UNDEFINED)

    # -- exports ---------------------------------------------------------------------------

    def default_export_node(self) -> Node | None:
        """Return the node of the default export (``export default <expr>`` or the value bound by ``export { a as default }``)."""
        found: Node | None = None
        for statement in _top_level_statements(self.root):
            if statement.type != "export_statement":
                continue
            if any(c.type == "default" for c in statement.children):
                found = statement.child_by_field_name(
                    "value"
                ) or statement.child_by_field_name("declaration")
                continue
            name = _default_specifier(statement, self.text)
            if name is not None:
                found = self.binding_node(name)
        return found

    def default_export(self) -> JsValue:
        """Return the evaluated default export.

        Forms: ``export default <expr>``, ``const a = …; export { a as default }``.
        Without a default export the result is ``Unknown("", "no default export")``.
        """
        node: Node | None = None
        name: str | None = None
        problem: Unknown | None = Unknown("", "no default export")
        for statement in _top_level_statements(self.root):
            if statement.type != "export_statement":
                continue
            if any(c.type == "default" for c in statement.children):
                node = statement.child_by_field_name(
                    "value"
                ) or statement.child_by_field_name("declaration")
                name = None
                problem = (
                    None
                    if node is not None
                    else Unknown(self.text(statement)[:200], "empty default export")
                )
                continue
            exported = _default_specifier(statement, self.text)
            if exported is not None:
                node = None
                name = exported
                problem = (
                    None
                    if statement.child_by_field_name("source") is None
                    else Unknown(exported, "re-export")
                )
        if problem is not None:
            return problem
        if node is not None:
            return self.evaluate(node)
        return (
            self.binding(name) if name is not None else Unknown("", "no default export")
        )

    # -- queries ---------------------------------------------------------------------------

    def _nodes(self, capture: str) -> list[Node]:
        """Return the nodes of one capture of the index query (one traversal, cached)."""
        if self._index is None:
            found = QueryCursor(_query("index")).captures(self.root)
            self._index = {
                name: _in_document_order(nodes) for name, nodes in found.items()
            }
        return self._index.get(capture, [])

    def strings(self) -> list[StringLiteral]:
        """Return every string literal (and substitution-free template string) in document order."""
        if self._strings is None:
            out: list[StringLiteral] = []
            for node in self._nodes("string"):
                value = self._evaluator.literal_string(node)  # None: template with ${…}
                if value is not None:
                    out.append(StringLiteral(value, node))
            self._strings = out
        return list(self._strings)

    def js_file_names(self) -> list[str]:
        """Return every string that looks like a hashed chunk name ``<path>-<hash>.js``, in document order.

        The test is structural, not a pattern over the code: the decoded string ends in
        ``.js``, has no whitespace, and its last path segment contains a ``-``
        (``./module.menu-AbC1.js``, ``assets/info-Bpu026-3.js``). Splitting off the hash
        is left to the caller, which knows the namespaces (PROTOCOL.md §4.2).
        """
        out: list[str] = []
        source = self.source
        for node in self._nodes("string"):
            end = node.end_byte
            if source[end - 4 : end - 1] != b".js":
                continue
            value = self._evaluator.literal_string(node)
            if (
                value is None
                or len(value) > 512
                or not value.endswith(".js")
                or _WHITESPACE_CHARS & set(value)
            ):
                continue
            segment = value.rsplit("/", 1)[-1]
            if "-" in segment[:-3] and not segment.startswith("-"):
                out.append(value)
        return out

    def objects(
        self, *, min_size: int = 0, start: int = 0, end: int | None = None
    ) -> list[ObjectLiteral]:
        """Return object literals (nested ones included) in document order, filtered by size and byte range."""
        if self._objects is None:
            self._objects = [
                ObjectLiteral(node, self) for node in _captures("objects", self.root)
            ]
        return [
            obj
            for obj in self._objects
            if obj.size >= min_size
            and obj.start_byte >= start
            and (end is None or obj.start_byte < end)
        ]

    def top_level_objects(self) -> list[ObjectLiteral]:
        """Return the object literals bound directly to top-level names (``const X = {…}``)."""
        out: list[ObjectLiteral] = []
        for binding in self._binding_table().values():
            node = binding.value
            if binding.pattern is None and node is not None:
                inner = _unwrap_parentheses(node)
                if inner.type == "object":
                    out.append(ObjectLiteral(inner, self))
        return out

    def largest_object(
        self,
        predicate: Callable[[ObjectLiteral], bool] | None = None,
        *,
        top_level: bool = False,
        min_size: int = 0,
        with_key: str | None = None,
    ) -> ObjectLiteral | None:
        """Return the largest object literal (by source size) for which ``predicate`` holds.

        Args:
            predicate:
                Called on candidates from the largest down until it returns True; use the
                cheap `ObjectLiteral.keys` to decide (units table: numeric keys whose values
                have ``text``/``options``; language config: a ``translations`` key).
            top_level:
                Only consider objects bound directly to top-level names.
            min_size:
                Ignore literals smaller than this many bytes.
            with_key:
                Only consider objects with a literal property of this name (fast
                pre-filter, e.g. ``"translations"`` for the language config).

        """
        candidates: Iterable[ObjectLiteral]
        if with_key is not None:
            candidates = self.objects_with_key(with_key)
            if top_level:
                roots = {obj.node.id for obj in self.top_level_objects()}
                candidates = [obj for obj in candidates if obj.node.id in roots]
        elif top_level:
            candidates = self.top_level_objects()
        else:
            candidates = self.objects(min_size=min_size)
        ordered = sorted(
            (c for c in candidates if c.size >= min_size),
            key=lambda o: o.size,
            reverse=True,
        )
        for candidate in ordered:
            if predicate is None or predicate(candidate):
                return candidate
        return None

    def objects_with_key(self, key: str) -> list[ObjectLiteral]:
        """Return the object literals having a property literally named ``key`` (identifier or quoted), in document order."""
        wanted = key.encode("utf-8")
        source = self.source
        out: list[ObjectLiteral] = []
        seen: set[int] = set()
        for key_node in self._nodes("key"):
            quoted = key_node.type == "string"
            raw = source[key_node.start_byte + quoted : key_node.end_byte - quoted]
            if raw != wanted and not (
                quoted and b"\\" in raw and self.property_name(key_node) == key
            ):
                continue
            pair = key_node.parent
            obj = pair.parent if pair is not None else None
            if obj is not None and obj.type == "object" and obj.id not in seen:
                seen.add(obj.id)
                out.append(ObjectLiteral(obj, self))
        return out

    def upper_snake_pairs(self) -> list[KeyedExpression]:
        """Return every ``UPPER_SNAKE_KEY: <expr>`` property anywhere in the program, in document order.

        Keys are identifiers or quoted strings made of ``A-Z``, ``0-9`` and ``_``,
        starting with a letter and at least two characters long (``PARAM_66``,
        ``STATUS_P5_10``, ``URUCHOMIENIE_KOTLA``). Values are evaluated on access; this
        is how builder-call tables are found (PROTOCOL.md §4.5, lookup step 2).
        """
        out: list[KeyedExpression] = []
        source = self.source
        for key_node in self._nodes("key"):
            quoted = key_node.type == "string"
            first = source[
                key_node.start_byte + quoted : key_node.start_byte + quoted + 1
            ]
            if not b"A" <= first <= b"Z":
                continue
            raw = self.text(key_node)
            if key_node.type == "string":
                raw = raw[1:-1]
            if (
                len(raw) < 2
                or not ("A" <= raw[0] <= "Z")
                or not set(raw) <= _UPPER_SNAKE_CHARS
            ):
                continue
            pair = key_node.parent
            value = pair.child_by_field_name("value") if pair is not None else None
            if value is not None:
                out.append(KeyedExpression(raw, value, self))
        return out

    def invoked_functions(self) -> list[ArrowFunction]:
        """Return the functions called where they are written (``(e=>…)(x)``), in document order.

        A compiled TypeScript enum is one (``(function(e){e[e.A=0]="A"})(E||(E={}))``,
        ``var E=(e=>(e[e.A=0]="A",e))(E||{})``): call it on a fresh object to read the
        enum. Each value is callable with `ArrowFunction.call`.
        """
        out: list[ArrowFunction] = []
        for node in _captures("invocations", self.root):
            inner = _unwrap_parentheses(node)
            if inner.type in _FUNCTIONS:
                value = self._evaluator.evaluate(inner)
                if isinstance(value, ArrowFunction):
                    out.append(value)
        return out

    def dynamic_imports(self) -> list[str]:
        """Return the specifiers of every ``import("<literal>")`` call, in document order."""
        return [self._evaluator.string_value(node) for node in self._nodes("import")]

    def import_table(
        self, key_filter: Callable[[str], bool] | None = None
    ) -> dict[str, str]:
        """Return lazy-import tables: string key → specifier of the ``import()`` inside its arrow value.

        Matches entries such as
        ``"../config/router/deviceMenu/153/module.menu.ts": () => d(() => import("./module.menu-AbC.js"), deps)``
        and ``"../../resources/languages/pl/app.json": () => d(() => import("./app-x.js"), deps).then(e => e.default)``
        (PROTOCOL.md §4.3, §4.8) whatever the helper is called. The specifier is returned as
        written (``"./module.menu-AbC.js"``), to be resolved against the index URL. When
        a key repeats, the last entry wins.

        Args:
            key_filter:
                Keep only keys for which it returns True.

        """
        table: dict[str, str] = {}
        for spec_node in self._nodes("import"):
            key = self._enclosing_import_key(spec_node)
            if key is None or (key_filter is not None and not key_filter(key)):
                continue
            table[key] = self._evaluator.string_value(spec_node)
        return table

    def _enclosing_import_key(self, spec_node: Node) -> str | None:
        """Return the string key of the pair whose function value contains ``spec_node``."""
        node = spec_node
        in_function = False
        for _ in range(64):
            parent = node.parent
            if parent is None or parent.type in {"object", "program"}:
                return None
            if node.type in _FUNCTIONS:
                in_function = True
            if parent.type == "pair":
                key_node = parent.child_by_field_name("key")
                if (
                    not in_function
                    or parent.child_by_field_name("value") != node
                    or key_node is None
                    or key_node.type != "string"
                ):
                    return None
                return self._evaluator.string_value(key_node)
            node = parent
        return None


def _top_level_statements(root: Node) -> Iterator[Node]:
    """Yield top-level statements, looking inside top-level ERROR nodes of a damaged source."""
    stack = list(reversed(root.named_children))
    while stack:
        node = stack.pop()
        if node.type == "ERROR":
            stack.extend(reversed(node.named_children))
        else:
            yield node


def _default_specifier(statement: Node, text: Callable[[Node], str]) -> str | None:
    """Return the local name exported as ``default`` by ``export { a as default }``, or None."""
    for clause in statement.named_children:
        if clause.type != "export_clause":
            continue
        for specifier in clause.named_children:
            if specifier.type != "export_specifier":
                continue
            name = specifier.child_by_field_name("name")
            alias = specifier.child_by_field_name("alias")
            exported = alias if alias is not None else name
            if (
                name is not None
                and exported is not None
                and text(exported) == "default"
            ):
                return text(name)
    return None


def _pattern_identifiers(pattern: Node) -> Iterator[Node]:
    """Yield the identifiers a destructuring pattern binds (not keys, not default values)."""
    stack = [pattern]
    while stack:
        node = stack.pop()
        kind = node.type
        if kind in {"identifier", "shorthand_property_identifier_pattern"}:
            yield node
        elif kind == "pair_pattern":
            value = node.child_by_field_name("value")
            if value is not None:
                stack.append(value)
        elif kind in {"assignment_pattern", "object_assignment_pattern"}:
            left = node.child_by_field_name("left")
            if left is not None:
                stack.append(left)
        elif kind in {"object_pattern", "array_pattern", "rest_pattern"}:
            stack.extend(reversed(node.named_children))


def _unwrap_parentheses(node: Node) -> Node:
    """Return the expression inside any parentheses."""
    while node.type == "parenthesized_expression" and node.named_children:
        node = node.named_children[-1]
    return node


def _fresh_copy(value: JsValue, text: Callable[[], str]) -> JsValue:
    """Return `_fresh` of ``value``; a value nested deeper than Python's stack allows is `Unknown`.

    The evaluator bounds nesting per evaluation, but cached top-level bindings let a chain
    of ``const aN = [aN-1]`` grow without bound across evaluations.
    """
    try:
        return _fresh(value, {})
    except RecursionError:
        return Unknown(text(), "too deeply nested")


def _fresh(value: JsValue, memo: dict[int, JsValue]) -> JsValue:
    """Return a copy of the lists and dicts in ``value`` (shared structure and cycles preserved)."""
    if isinstance(value, list):
        cached = memo.get(id(value))
        if cached is not None:
            return cached
        items: list[JsValue] = []
        memo[id(value)] = items
        items.extend(_fresh(item, memo) for item in value)
        return items
    if isinstance(value, dict):
        cached = memo.get(id(value))
        if cached is not None:
            return cached
        mapping: dict[str, JsValue] = {}
        memo[id(value)] = mapping
        for key, item in value.items():
            mapping[key] = _fresh(item, memo)
        return mapping
    if isinstance(value, UnknownCall) and value.args:
        return UnknownCall(value.callee, tuple(_fresh(a, memo) for a in value.args))
    return value
