"""Broken, truncated, garbled and hostile sources never raise anything but `JsParseError`."""

from __future__ import annotations

from pathlib import Path
import random
import shutil
import subprocess

from hypothesis import HealthCheck, given, settings, strategies as st
import pytest

from custom_components.bragerone.api.assets import (
    JsParseError,
    Program,
    Unknown,
    contains_unknown,
    js as js_module,
    parse,
    to_plain,
    transform_from_value,
)
from custom_components.bragerone.api.assets.errors import AssetError
from custom_components.bragerone.api.exceptions import BragerOneError

FIXTURES = Path(__file__).parent / "js_fixtures"
VALID_FIXTURES = sorted(p.name for p in FIXTURES.glob("*.js") if p.name != "broken.js")


def exercise(program: Program) -> None:
    """Run every query and evaluate everything; must not raise."""
    to_plain(program.default_export())
    program.default_export_node()
    program.js_file_names()
    program.import_table()
    program.dynamic_imports()
    program.error_ranges()
    for pair in program.upper_snake_pairs():
        to_plain(pair.value)
    for name, value in program.top_level_bindings().items():
        assert isinstance(name, str)
        to_plain(value)
        transform_from_value(value)
    for obj in program.objects()[:50]:
        obj.keys()
        to_plain(obj.value)
    program.largest_object(lambda obj: "value" in obj, top_level=True)


def test_error_type_is_under_the_client_root() -> None:
    assert issubclass(JsParseError, AssetError)
    assert issubclass(JsParseError, BragerOneError)


def test_broken_fixture_degrades_to_unknown() -> None:
    program = parse((FIXTURES / "broken.js").read_text())
    assert program.has_errors
    assert program.error_ranges()
    assert program.binding("good") == {
        "PARAM_66": {
            "name": "parameters.PARAM_66",
            "value": [{"group": "P6", "number": 66, "use": "v"}],
        }
    }
    assert contains_unknown(program.binding("bad")) or isinstance(
        program.binding("bad"), Unknown
    )
    assert isinstance(program.default_export(), Unknown)
    pairs = {pair.key: pair.value for pair in program.upper_snake_pairs()}
    assert pairs["PARAM_66"] == {
        "name": "parameters.PARAM_66",
        "value": [{"group": "P6", "number": 66, "use": "v"}],
    }
    exercise(program)


@pytest.mark.parametrize("name", [*VALID_FIXTURES, "broken.js"])
def test_every_truncation_of_every_fixture(name: str) -> None:
    source = (FIXTURES / name).read_bytes()
    for end in range(0, len(source), max(1, len(source) // 60)):
        exercise(parse(source[:end]))


@pytest.mark.parametrize("name", VALID_FIXTURES)
def test_garbled_fixtures(name: str) -> None:
    source = bytearray((FIXTURES / name).read_bytes())
    rng = random.Random(name)  # noqa: S311  (reproducible garbling, not security)
    for _ in range(15):
        garbled = bytearray(source)
        for _ in range(8):
            position = rng.randrange(len(garbled))
            garbled[position] = rng.choice(b"{}[]()'\"`,;:=>!?.\\\x00\xff\xc3 x0")
        exercise(parse(bytes(garbled)))


@pytest.mark.parametrize(
    "bad",
    [123, None, ["const a = 1"], "\ud800 lone surrogate"],
)
def test_unparseable_input_raises_documented_error(bad: object) -> None:
    with pytest.raises(JsParseError):
        parse(bad)  # type: ignore[arg-type]


def test_oversized_input_raises_documented_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(js_module, "MAX_SOURCE_BYTES", 100)
    with pytest.raises(JsParseError):
        parse("x" * 101)
    parse("x" * 100)


def test_invalid_utf8_bytes_are_tolerated() -> None:
    program = parse(b"export default {'a': '\xff\xfe', b: 0x1};")
    assert program.default_export() == {"a": "\ufffd\ufffd", "b": 1}


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        # Exponential growth through spreads: the step budget stops it.
        (
            "const a0=[1,1];"
            + "".join(f"const a{i}=[...a{i - 1},...a{i - 1}];" for i in range(1, 40))
            + "export default a39;",
            "step budget exceeded",
        ),
        # Unbounded recursion of a program function.
        ("const f = x => f(x + 1); export default f(0);", "too deeply nested"),
        # Mutual recursion through a function declaration.
        (
            "function g(n) { return h(n); } function h(n) { return g(n); } export default g(1);",
            "too deeply nested",
        ),
        # Deep nesting of expressions.
        ("export default " + "(" * 3000 + "1" + ")" * 3000 + ";", "too deeply nested"),
        ("export default " + "[" * 3000 + "]" * 3000 + ";", "too deeply nested"),
        ("export default " + "- " * 3000 + "1;", "unknown operand"),
    ],
    ids=[
        "spread-doubling",
        "recursion",
        "mutual-recursion",
        "parentheses",
        "arrays",
        "negations",
    ],
)
def test_hostile_sources_become_unknown(source: str, reason: str) -> None:
    program = parse(source)
    value = program.default_export()
    found: list[Unknown] = []

    def collect(item: object, depth: int = 0) -> None:
        if depth > 400:
            return
        if isinstance(item, Unknown):
            found.append(item)
        elif isinstance(item, list):
            for sub in item:
                collect(sub, depth + 1)

    collect(value)
    assert found
    assert found[0].reason == reason


def test_string_growth_is_bounded() -> None:
    source = "const s0='xxxxxxxxxxxxxxxx';" + "".join(
        f"const s{i}=s{i - 1}+s{i - 1};" for i in range(1, 40)
    )
    program = parse(source + "export default s39;")
    value = program.default_export()
    assert isinstance(value, Unknown)
    big = parse("export default 'ab'.repeat(1e9);").default_export()
    assert isinstance(big, Unknown)
    padded = parse("export default 'a'.padStart(Infinity);").default_export()
    assert isinstance(padded, Unknown)


def test_cyclic_object_from_a_builder_is_copied_safely() -> None:
    program = parse(
        "const f = () => { const r = {}; r.self = r; return r; }; export default f();"
    )
    value = program.default_export()
    assert isinstance(value, dict)
    assert value["self"] is value
    to_plain(value)


def test_budget_parameter() -> None:
    program = parse("export default [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];")
    node = program.default_export_node()
    assert node is not None
    assert isinstance(program.evaluate(node, budget=3), Unknown)
    assert program.evaluate(node) == list(range(1, 11))


@given(st.text(max_size=400))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_arbitrary_text_never_raises(text: str) -> None:
    try:
        program = parse(text)
    except JsParseError:
        return
    exercise(program)


@given(st.binary(max_size=400))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_arbitrary_bytes_never_raise(data: bytes) -> None:
    exercise(parse(data))


JS_TOKENS = st.sampled_from(
    [
        "const ",
        "let ",
        "var ",
        "export ",
        "default ",
        "function ",
        "return ",
        "if",
        "else ",
        "=>",
        "(",
        ")",
        "{",
        "}",
        "[",
        "]",
        ",",
        ";",
        ":",
        "=",
        "...",
        "?",
        "??",
        "||",
        "&&",
        "!",
        "+",
        "-",
        "*",
        "/",
        "%",
        "void ",
        "0x1f",
        "0o7",
        "1_0",
        "10n",
        ".5",
        "'s\\x20'",
        '"\\u0105"',
        "`t${",
        "}`",
        "a",
        "b",
        "_0x1",
        "PARAM_1",
        "['map']",
        ".x",
        "['NAME']",
        "import(",
        "'./m-x.js'",
        "/re/g",
        "null",
        "true",
        "!0",
        "![]",
        "\n",
        " ",
    ]
)


@given(st.lists(JS_TOKENS, max_size=80).map("".join))
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_js_like_token_soup_never_raises(source: str) -> None:
    exercise(parse(source))


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
@pytest.mark.parametrize("name", [*VALID_FIXTURES, "broken.js"])
def test_fixtures_are_real_javascript(name: str, tmp_path: Path) -> None:
    """Our hand-written fixtures are valid ES modules (and the broken one is not)."""
    module = tmp_path / (Path(name).stem + ".mjs")
    module.write_bytes((FIXTURES / name).read_bytes())
    node = shutil.which("node")
    assert node is not None
    result = subprocess.run(  # noqa: S603  (our own fixture file, fixed argv)
        [node, "--check", str(module)], capture_output=True, check=False, timeout=60
    )
    assert (result.returncode == 0) == (name != "broken.js"), result.stderr.decode()
