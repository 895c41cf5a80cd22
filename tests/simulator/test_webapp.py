"""The simulator's generated web-app bundle: valid JavaScript, stable, and true to its ground truth."""

from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser
import json
from pathlib import Path
import shutil
import subprocess
from typing import Any

import pytest
import tree_sitter as ts
import tree_sitter_javascript as tsj

from simulator.modules import MODULES, module_by_devid
from simulator.webapp import Bundle, display_value, generate_bundle
from simulator.webapp.catalogue import catalogue
from simulator.webapp.render import Renderer

NODE = shutil.which("node") or "/usr/bin/node"
SEEDS = range(6)
HASH_CHARS = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
PLATFORMS = {"sensor", "number", "select", "switch", "binary_sensor"}
REASONS = {
    "permission",
    "installer",
    "side_menu",
    "path_param",
    "invisible",
    "device_unavailable",
    "parameter_permission",
}

_EVAL_SCRIPT = """
const files = JSON.parse(process.argv[2]);
const out = {};
for (const file of files) {
  const mod = await import(file);
  out[file] = mod.default;
}
process.stdout.write(JSON.stringify(out, (k, v) => typeof v === 'function' ? '[function]' : v));
"""

pytestmark = pytest.mark.skipif(
    not Path(NODE).exists(), reason="node is needed to check the JavaScript"
)


def _write(bundle: Bundle, root: Path) -> dict[str, Path]:
    paths: dict[str, Path] = {}
    for url, body in bundle.files.items():
        target = root / ("index.html" if url == "/" else url.lstrip("/"))
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(body, encoding="utf-8")
        paths[url] = target
    return paths


def _evaluate(paths: list[Path], tmp_path: Path) -> dict[str, Any]:
    script = tmp_path / "evaluate.mjs"
    script.write_text(_EVAL_SCRIPT, encoding="utf-8")
    result = subprocess.run(  # noqa: S603 - fixed program and arguments
        [NODE, str(script), json.dumps([p.as_uri() for p in paths])],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    raw = json.loads(result.stdout)
    by_uri = {p.as_uri(): p for p in paths}
    return {by_uri[uri].name: value for uri, value in raw.items()}


def _parser() -> ts.Parser:
    return ts.Parser(ts.Language(tsj.language()))


def _strings(source: str) -> list[str]:
    """Every string literal's raw text (without quotes) in a JS source, via tree-sitter."""
    tree = _parser().parse(source.encode())
    found: list[str] = []
    stack = [tree.root_node]
    while stack:
        node = stack.pop()
        if node.type == "string":
            found.append((node.text or b"").decode()[1:-1])
        stack.extend(node.children)
    return found


@pytest.fixture(scope="module")
def bundle() -> Bundle:
    return generate_bundle(0)


@pytest.mark.parametrize(
    ("seed", "readable"), [*((s, False) for s in SEEDS), (0, True), (3, True)]
)
def test_every_chunk_is_valid_javascript(
    seed: int, readable: bool, tmp_path: Path
) -> None:
    bundle = generate_bundle(seed, readable=readable)
    js_files = [url for url in bundle.files if url.endswith(".js")]
    assert len(js_files) > 20
    for url in js_files:
        target = tmp_path / (Path(url).stem + ".mjs")
        target.write_text(bundle.files[url], encoding="utf-8")
        result = subprocess.run(  # noqa: S603 - fixed program, our own temp file
            [NODE, "--check", str(target)],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        assert result.returncode == 0, f"{url}: {result.stderr}"


def test_generation_is_deterministic() -> None:
    first, second = generate_bundle(3), generate_bundle(3)
    assert first.files == second.files
    assert first.ground_truth == second.ground_truth
    assert (
        generate_bundle(3, readable=True).files
        == generate_bundle(3, readable=True).files
    )


def test_seeds_change_file_names_but_not_the_catalogue() -> None:
    indexes = {generate_bundle(seed).index_path for seed in SEEDS}
    assert len(indexes) == len(SEEDS)
    a, b = generate_bundle(0), generate_bundle(1)
    assert a.files[a.index_path] != b.files[b.index_path]
    assert not (set(a.files) - {"/"}) & set(b.files)
    assert (
        a.ground_truth["modules"] == b.ground_truth["modules"]
    )  # same catalogue, other spelling


def _identifiers(source: str) -> set[str]:
    tree = _parser().parse(source.encode())
    found: set[str] = set()
    stack = [tree.root_node]
    while stack:
        node = stack.pop()
        if node.type in {"identifier", "shorthand_property_identifier_pattern"}:
            found.add((node.text or b"").decode())
        stack.extend(node.children)
    return found


def test_seeds_change_identifiers_and_menu_import_spellings() -> None:
    spellings: set[str] = set()
    identifiers: list[set[str]] = []
    for seed in SEEDS:
        bundle = generate_bundle(seed)
        index = bundle.files[bundle.index_path]
        identifiers.append({i for i in _identifiers(index) if i.startswith("_0x")})
        keys = [s for s in _strings(index) if "config/router/deviceMenu/" in s]
        per_module: dict[str, set[str]] = {}
        for key in keys:
            menu = key.split("deviceMenu/")[1].split("/")[0]
            if key.startswith("../"):
                spelling = "relative"
            elif key.endswith("module.menu.ts"):
                spelling = "src"
            else:
                spelling = "variant"
            per_module.setdefault(menu, set()).add(spelling)
            spellings.add(spelling)
        assert set(per_module) == {"0", "153"}
        assert per_module["0"] != per_module["153"]
    assert spellings == {"relative", "src", "variant"}
    assert all(len(ids) > 50 for ids in identifiers)
    assert len(identifiers[0] & identifiers[1]) < len(identifiers[0]) // 10


def test_file_names_use_the_vite_hash_charset_with_hyphens() -> None:
    hyphenated = 0
    for seed in SEEDS:
        for url in generate_bundle(seed).files:
            if url == "/":
                continue
            name = url.removeprefix("/assets/").rsplit(".", 1)[0]
            digest = name[-8:]
            assert set(digest) <= HASH_CHARS, url
            hyphenated += "-" in digest
    assert hyphenated > 10


def test_html_references_the_index(bundle: Bundle) -> None:
    sources: list[str] = []

    class Scripts(HTMLParser):
        def handle_starttag(
            self, tag: str, attrs: list[tuple[str, str | None]]
        ) -> None:
            if tag == "script":
                sources.extend(v for k, v in attrs if k == "src" and v)

    Scripts().feed(bundle.files["/"])
    assert sources == [bundle.index_path]
    assert bundle.index_path.startswith("/assets/index-")
    assert bundle.ground_truth["index_file"] == bundle.index_path.removeprefix(
        "/assets/"
    )


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_every_file_the_index_names_exists_and_every_asset_is_named(seed: int) -> None:
    bundle = generate_bundle(seed)
    strings = _strings(bundle.files[bundle.index_path])
    named = {
        s.rsplit("/", 1)[-1]
        for s in strings
        if s.endswith((".js", ".css")) and "-" in s.rsplit("/", 1)[-1]
    }
    served = {
        url.removeprefix("/assets/")
        for url in bundle.files
        if url.startswith("/assets/")
    }
    assert named <= served
    assert served - {bundle.index_path.removeprefix("/assets/")} <= named
    # imports inside chunks point at served files too
    for url, body in bundle.files.items():
        if url.endswith(".js") and url != bundle.index_path:
            for s in _strings(body):
                if s.startswith("./") and s.endswith(".js"):
                    assert s.removeprefix("./") in served, (url, s)


@pytest.mark.parametrize("readable", [False, True])
def test_the_units_table_is_the_largest_top_level_const_object(readable: bool) -> None:
    bundle = generate_bundle(2, readable=readable)
    tree = _parser().parse(bundle.files[bundle.index_path].encode())
    sizes: list[tuple[int, str]] = []
    for node in tree.root_node.children:
        if node.type != "lexical_declaration":
            continue
        for decl in node.children:
            value = (
                decl.child_by_field_name("value")
                if decl.type == "variable_declarator"
                else None
            )
            if value is not None and value.type == "object":
                sizes.append(
                    (value.end_byte - value.start_byte, (value.text or b"").decode())
                )
    largest = max(sizes)[1]
    assert "units.31" in largest
    assert "toFixed" in largest
    assert "padStart" in largest


def test_readable_mode_has_no_obfuscated_names() -> None:
    bundle = generate_bundle(0, readable=True)
    assert all(
        "_0x" not in body and "\\x20" not in body for body in bundle.files.values()
    )
    obfuscated = generate_bundle(0)
    assert "_0x" in obfuscated.files[obfuscated.index_path]


def test_i18n_and_menu_chunks_evaluate_to_the_catalogue(tmp_path: Path) -> None:
    for seed, readable in ((0, False), (1, False), (4, False), (0, True)):
        bundle = generate_bundle(seed, readable=readable)
        root = tmp_path / f"{seed}{readable}"
        paths = _write(bundle, root)
        renderer = Renderer(seed, readable=readable)
        js = [
            p
            for url, p in paths.items()
            if url.endswith(".js") and url != bundle.index_path
        ]
        values = _evaluate(js, tmp_path)
        # i18n chunks: exactly the packs, escapes decoded
        for (lang, ns), file in renderer.files.i18n.items():
            assert values[file] == renderer.i18n_packs(lang)[ns], (lang, ns)
        # menu chunks: the routes' tokens, sections and permission names
        for module in MODULES:
            real = [
                file
                for _p, file, is_real in renderer.files.menus[module.device_menu]
                if is_real
            ]
            menu = values[real[0]]
            if isinstance(menu, dict):
                (menu,) = menu.values()
            assert _menu_tokens(menu) == _catalogue_tokens(module.kind)
        # dedicated parameter chunks
        assert (
            values[renderer.files.params["PARAM_66"]]["name"] == "parameters.PARAM_66"
        )
        status = values[renderer.files.params["STATUS_P5_0"]]
        assert status.get("unit", status.get("units")) == 9998
        assert set(values[renderer.files.params["STATUS_P5_10"]]) == {
            "STATUS_P5_10",
            "STATUS_P5_16",
        }


def _menu_tokens(routes: list[dict[str, Any]]) -> set[tuple[str, str, str | None]]:
    out: set[tuple[str, str, str | None]] = set()
    for route in routes:
        params = (
            route.get("parameters") or route.get("meta", {}).get("parameters") or {}
        )
        for section, entries in params.items():
            for entry in entries:
                out.add(
                    (
                        entry["parameter"]["token"],
                        section,
                        entry.get("permissionModule"),
                    )
                )
        children = route.get("children")
        if isinstance(children, list):
            out |= _menu_tokens(children)
    return out


def _catalogue_tokens(kind: str) -> set[tuple[str, str, str | None]]:
    out: set[tuple[str, str, str | None]] = set()

    def walk(route: Any) -> None:
        out.update((e.token, e.section, e.permission) for e in route.entries)
        if not route.bare_children:
            for child in route.children:
                walk(child)

    for route in catalogue(kind).routes:
        walk(route)
    return out


def test_i18n_labels_carry_live_escapes(bundle: Bundle) -> None:
    renderer = Renderer(0, readable=False)
    body = bundle.files[f"/assets/{renderer.files.i18n[('pl', 'parameters')]}"]
    assert body.count("\\x20") > 100
    assert "\\u0" in body or "\\u{" in body
    titles = [
        bundle.files[f"/assets/{f}"]
        for (lang, ns), f in renderer.files.i18n.items()
        if ns.startswith("MAINMENU_") and lang == "pl"
    ]
    assert all("default" in t for t in titles)


def test_ground_truth_matches_the_registers(bundle: Bundle) -> None:
    truth = bundle.ground_truth
    assert truth["schema"] == 1
    assert truth["default_language"] == "pl"
    json.dumps(truth)  # JSON-safe
    platforms: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    unique_ids: list[str] = []
    for devid, module_truth in truth["modules"].items():
        module = module_by_devid(devid)
        registers = module.initial_registers()
        assert module_truth["device_menu"] == module.device_menu
        for entry in module_truth["visible"]:
            pool, _, key = entry["address"].partition(".")
            assert key in registers[pool], entry["address"]
            assert entry["unique_id"].startswith(f"{devid}_{pool}_{key}")
            unique_ids.append(entry["unique_id"])
            platforms[entry["platform"]] += 1
            for lang in ("pl", "en"):
                shown = display_value(entry, registers, lang)
                expected = (
                    entry["value"][lang]
                    if isinstance(entry["value"], dict)
                    else entry["value"]
                )
                assert shown == expected, (entry["token"], lang)
            if entry["platform"] == "number":
                assert (
                    entry["min"]
                    <= display_value(entry, registers, "pl")
                    <= entry["max"]
                )
                assert entry["step"] in {0.1, 0.5, 1, 5, 6}
            if entry["platform"] == "select":
                assert entry["value"]["en"] in entry["options"]["en"]
            assert entry["writable"] == (
                entry["platform"] in {"number", "select", "switch"}
            )
        tokens = {e["token"] for e in module_truth["visible"]}
        for hidden in module_truth["hidden"]:
            assert hidden["token"] not in tokens
            reasons[hidden["reason"]] += 1
    assert len(unique_ids) == len(set(unique_ids))
    assert set(platforms) == PLATFORMS
    assert set(reasons) == REASONS
    assert min(reasons.values()) >= 2
    boiler = truth["modules"]["FTTCTBSLCE"]
    assert 100 <= len(boiler["visible"]) + len(boiler["hidden"]) <= 135
    by_token = {e["token"]: e for e in boiler["visible"]}
    assert by_token["PARAM_P4_59"]["value"] == 38063  # PROTOCOL.md §5.4
    assert by_token["PARAM_P4_0"]["value"] == 65.5
    assert by_token["PARAM_P4_14"]["value"] == 17.4
    assert by_token["STATUS_P5_0"]["value"] == {"pl": "Praca", "en": "Work"}
    assert by_token["URUCHOMIENIE_KOTLA"]["platform"] == "switch"
    assert boiler["actions"][0]["command"] == "BOILER_FUEL_RESET_HT"
    mixer = {e["token"]: e for e in truth["modules"]["MXHTQ7KD2A"]["visible"]}
    assert mixer["POCZATEK_OBNIZENIA_NOCNEGO"]["value"] == "07:00"
    assert mixer["OBIEG2_NASTAWA"]["step"] == 0.5
    assert mixer["CZAS_PRACY_ZAWORU"]["value"] == 120


def test_display_value_follows_register_changes(bundle: Bundle) -> None:
    boiler = module_by_devid("FTTCTBSLCE")
    registers = boiler.initial_registers()
    entries = {
        e["token"]: e for e in bundle.ground_truth["modules"]["FTTCTBSLCE"]["visible"]
    }
    registers["P5"]["s0"] = 0  # BOILER_ON_OFF false clears bit 0
    assert display_value(entries["URUCHOMIENIE_KOTLA"], registers, "en") is False
    assert display_value(entries["STATUS_P5_0"], registers, "en") == "Stop"
    registers["P4"]["v59"], registers["P4"]["v60"] = 5, 1
    assert display_value(entries["PARAM_P4_59"], registers, "pl") == 65541
    registers["P6"]["v46"] = 1
    assert display_value(entries["PARAM_46"], registers, "en") == "Winter"
    mixer = module_by_devid("MXHTQ7KD2A")
    mixer_registers = mixer.initial_registers()
    night = next(
        e
        for e in bundle.ground_truth["modules"]["MXHTQ7KD2A"]["visible"]
        if e["token"] == "POCZATEK_OBNIZENIA_NOCNEGO"
    )
    mixer_registers["P6"]["v12"] = 0
    assert display_value(night, mixer_registers, "pl") == "Wył."
    mixer_registers["P6"]["v12"] = 144
    assert display_value(night, mixer_registers, "en") == "23:50"
