"""The simulated web-app bundle carries the vendor's ``AlarmName`` table and alarm i18n packs.

PROTOCOL.md §2.8a: an alarm row's ``id`` is a type code; the bundle names it through an
``AlarmName`` table in the chunk whose basename is ``Alarms``/``alarms`` (else the first
starting with ``alarms``), written per seed as ``{38:"ERROR_X"}``, ``{ERROR_X:38}`` or a
compiled TypeScript enum; the label is the ``errors`` namespace's entry for the symbol.
"""

from __future__ import annotations

from functools import cache
import json
from pathlib import Path
import shutil
import subprocess
from typing import Any

import pytest

from custom_components.bragerone.api.assets.discovery import AssetIndex
from custom_components.bragerone.api.assets.js import Program, parse
from simulator.webapp import ALARM_NAMES, NO_FUEL, Bundle, generate_bundle
from simulator.webapp.alarms import (
    ALARM_BASENAMES,
    ALARM_FORMS,
    ALARMS,
    BOILER_OVERHEAT,
    UNTRANSLATED_ALARM,
    alarm_chunk_style,
    alarm_packs,
)
from simulator.webapp.render import Renderer

SEEDS = range(6)
CASES = [(seed, readable) for seed in SEEDS for readable in (False, True)]
INDEX_URL = "https://one.brager.pl/assets/index.js"
NODE = shutil.which("node")

_EXPORTS_SCRIPT = """
const mod = await import(process.argv[2]);
process.stdout.write(JSON.stringify(Object.fromEntries(Object.entries(mod))));
"""


@cache
def _bundle(seed: int, *, readable: bool = False) -> Bundle:
    return generate_bundle(seed, readable=readable)


def _chunk(bundle: Bundle) -> tuple[str, str]:
    """Return (file name, source) of the bundle's AlarmName chunk."""
    file = bundle.ground_truth["alarm_chunk"]["file"]
    return file, bundle.files[f"/assets/{file}"]


def _index(bundle: Bundle) -> Program:
    return parse(bundle.files[bundle.index_path])


def _find_alarm_chunk(index: Program) -> str | None:
    """The documented lookup: basename ``Alarms``/``alarms``, else the first ``alarms…``."""
    assets = AssetIndex.from_program(index, INDEX_URL)
    for basename in ("Alarms", "alarms"):
        url = assets.find(basename)
        if url is not None:
            return url
    for basename, url in assets.basenames().items():
        if basename.startswith("alarms"):
            return url
    return None


def _expected_table(form: str) -> dict[str, Any]:
    """The table as JSON sees it, per literal form."""
    by_code: dict[str, Any] = {
        str(code): symbol for code, symbol in ALARM_NAMES.items()
    }
    by_symbol: dict[str, Any] = {symbol: code for code, symbol in ALARM_NAMES.items()}
    if form == "plain_code_keys":
        return by_code
    if form == "plain_symbol_keys":
        return by_symbol
    return by_code | by_symbol


# --------------------------------------------------------------------------- the table


def test_the_table_has_the_live_codes_and_an_untranslated_name() -> None:
    assert NO_FUEL == 38
    assert ALARM_NAMES[NO_FUEL] == "ERROR_BRAK_PALIWA"
    assert ALARM_NAMES[BOILER_OVERHEAT] == "ERROR_TEMPERATURA_KOTLA"
    assert len(ALARMS) >= 10
    codes = sorted(ALARM_NAMES)
    assert codes != list(range(codes[0], codes[0] + len(codes)))  # non-contiguous
    assert len(set(ALARM_NAMES.values())) == len(ALARM_NAMES)
    assert all(symbol.startswith("ERROR_") for symbol in ALARM_NAMES.values())
    untranslated = ALARM_NAMES[UNTRANSLATED_ALARM]
    for language in ("pl", "en"):
        errors = alarm_packs(language)["errors"]
        assert untranslated not in errors
        assert set(errors) == set(ALARM_NAMES.values()) - {untranslated}
    assert alarm_packs("pl")["errors"]["ERROR_BRAK_PALIWA"] == "Brak paliwa"
    assert alarm_packs("en")["errors"]["ERROR_BRAK_PALIWA"] == "No fuel"
    assert (
        alarm_packs("pl")["errors"]["ERROR_TEMPERATURA_KOTLA"]
        == "Przekroczona temperatura kotła"
    )
    assert (
        alarm_packs("en")["errors"]["ERROR_TEMPERATURA_KOTLA"]
        == "Boiler temperature exceeded"
    )


def test_every_three_consecutive_seeds_cover_the_three_forms() -> None:
    forms = [alarm_chunk_style(seed).form for seed in range(9)]
    for start in range(7):
        assert set(forms[start : start + 3]) == set(ALARM_FORMS), start
    assert {_bundle(s).ground_truth["alarm_chunk"]["form"] for s in (0, 1, 2)} == {
        "plain_code_keys",
        "plain_symbol_keys",
        "ts_enum",
    }
    basenames = {_bundle(s).ground_truth["alarm_chunk"]["basename"] for s in SEEDS}
    assert basenames == set(ALARM_BASENAMES)
    assert any(b.startswith("alarms") and b != "alarms" for b in basenames)
    # each form both with and without quoted keys / bracket members
    for form in ALARM_FORMS:
        quoting = {
            alarm_chunk_style(s).quoted_keys
            for s in SEEDS
            if alarm_chunk_style(s).form == form
        }
        assert quoting == {False, True}, form


# --------------------------------------------------------------------------- the chunk


@pytest.mark.parametrize(("seed", "readable"), CASES)
def test_the_chunk_is_served_preloaded_and_lazily_imported(
    seed: int, readable: bool
) -> None:
    bundle = _bundle(seed, readable=readable)
    truth = bundle.ground_truth["alarm_chunk"]
    file, source = _chunk(bundle)
    assert file.startswith(f"{truth['basename']}-")
    assert file.endswith(".js")
    assert source
    assert file in Renderer(seed, readable=readable).all_assets()
    index = _index(bundle)
    assert not index.has_errors
    assert f"assets/{file}" in [s.value for s in index.strings()]  # __vite__mapDeps
    views = index.import_table(lambda key: "AlarmsView" in key)
    assert list(views.values()) == [f"./{file}"]
    assert _find_alarm_chunk(index) == f"https://one.brager.pl/assets/{file}"


@pytest.mark.parametrize(("seed", "readable"), CASES)
def test_the_chunk_parses_and_spells_its_form(seed: int, readable: bool) -> None:
    bundle = _bundle(seed, readable=readable)
    style = alarm_chunk_style(seed)
    _file, source = _chunk(bundle)
    program = parse(source)
    assert not program.has_errors
    assert '"AlarmsView"' in source or "'AlarmsView'" in source  # the decoy component
    if readable:
        assert "_0x" not in source
    if style.form == "ts_enum":
        if readable:
            assert (
                'AlarmName[AlarmName["ERROR_BRAK_PALIWA"]=38]="ERROR_BRAK_PALIWA"'
                in (source)
            )
            assert "})(AlarmName||(AlarmName={}));" in source
        else:
            member = (
                "['ERROR_BRAK_PALIWA']"
                if style.bracket_members
                else ".ERROR_BRAK_PALIWA"
            )
            member_dq = member.replace("'", '"')
            assert f"{member}=0x26]" in source or f"{member_dq}=0x26]" in source
            assert "||{});" in source
        return
    # plain objects: the library's evaluator reads the table among the decoys
    values = list(program.top_level_bindings().values())
    expected = _expected_table(style.form)
    assert values.count(expected) == 1
    decoys = [v for v in values if v != expected]
    assert any(isinstance(v, dict) and v.get("name") == "AlarmsView" for v in decoys)
    assert any(
        isinstance(v, dict) and str(NO_FUEL) in v and isinstance(v[str(NO_FUEL)], int)
        for v in decoys
    )


@pytest.mark.skipif(NODE is None, reason="node is needed to run the chunk")
@pytest.mark.parametrize(("seed", "readable"), CASES)
def test_the_chunk_exports_the_table(seed: int, readable: bool, tmp_path: Path) -> None:
    bundle = _bundle(seed, readable=readable)
    style = alarm_chunk_style(seed)
    _file, source = _chunk(bundle)
    module = tmp_path / "alarms.mjs"
    module.write_text(source, encoding="utf-8")
    script = tmp_path / "exports.mjs"
    script.write_text(_EXPORTS_SCRIPT, encoding="utf-8")
    result = subprocess.run(  # noqa: S603 - fixed program, our own temp files
        [str(NODE), str(script), module.as_uri()],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    exports: dict[str, Any] = json.loads(result.stdout)
    expected = _expected_table(style.form)
    holders = [name for name, value in exports.items() if value == expected]
    assert len(holders) == 1
    if style.export == "default":
        assert holders == ["default"]
    else:
        assert holders[0] != "default"
        assert exports["default"]["name"] == "AlarmsView"
    priority = [
        v
        for v in exports.values()
        if isinstance(v, dict) and v != expected and str(NO_FUEL) in v
    ]
    assert priority
    assert all(isinstance(x, int) for x in priority[0].values())


# --------------------------------------------------------------------------- i18n, truth


@pytest.mark.parametrize(("seed", "readable"), CASES)
def test_the_errors_and_alarm_packs_are_imported_in_both_languages(
    seed: int, readable: bool
) -> None:
    bundle = _bundle(seed, readable=readable)
    assert {"errors", "alarm"} <= set(Renderer.namespaces())
    index = _index(bundle)
    table = index.import_table(lambda key: "languages/" in key)
    truth = bundle.ground_truth
    for language in ("pl", "en"):
        packs: dict[str, Any] = {}
        for namespace in ("errors", "alarm"):
            spec = table[f"../../resources/languages/{language}/{namespace}.json"]
            file = spec.removeprefix("./")
            assert file.startswith(f"{namespace}-")
            program = parse(bundle.files[f"/assets/{file}"])
            assert not program.has_errors
            packs[namespace] = program.default_export()
        assert packs == alarm_packs(language)
        errors = packs["errors"]
        for code, name in truth["alarm_names"].items():
            assert errors.get(name["symbol"]) == name[language], code
        for key, titles in truth["alarm_views"].items():
            assert packs["alarm"][key] == titles[language]


def test_the_ground_truth_names_the_alarms() -> None:
    truth = _bundle(0).ground_truth
    json.dumps(truth)
    names = truth["alarm_names"]
    assert names["38"] == {
        "symbol": "ERROR_BRAK_PALIWA",
        "pl": "Brak paliwa",
        "en": "No fuel",
    }
    assert names["0"] == {
        "symbol": "ERROR_TEMPERATURA_KOTLA",
        "pl": "Przekroczona temperatura kotła",
        "en": "Boiler temperature exceeded",
    }
    assert names[str(UNTRANSLATED_ALARM)]["pl"] is None
    assert names[str(UNTRANSLATED_ALARM)]["en"] is None
    assert {int(code): n["symbol"] for code, n in names.items()} == ALARM_NAMES
    assert truth["alarm_views"] == {
        "currentAlarms": {"pl": "Aktualne", "en": "Current"},
        "historyAlarms": {"pl": "Historia", "en": "History"},
    }
    chunk = truth["alarm_chunk"]
    assert chunk["form"] in ALARM_FORMS
    assert chunk["basename"] in ALARM_BASENAMES
    assert chunk["export"] in {"named", "default"}
    assert f"/assets/{chunk['file']}" in _bundle(0).files
