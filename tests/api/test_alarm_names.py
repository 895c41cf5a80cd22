"""The vendor's alarm names read from the web-app bundle (api/assets/alarm_names.py, §2.8a)."""

from __future__ import annotations

from pathlib import Path

import pytest

from custom_components.bragerone.api.alarms import AlarmNames
from custom_components.bragerone.api.assets.alarm_names import alarm_symbols
from custom_components.bragerone.api.assets.js import parse
from custom_components.bragerone.api.catalogue import Catalogue
from simulator.webapp import generate_bundle

from .test_roles import build


def save_bundle(root: Path, seed: int, *, readable: bool) -> dict[str, object]:
    """Save one simulated bundle under `root`; return its ground truth."""
    bundle = generate_bundle(seed, readable=readable)
    root.mkdir(parents=True, exist_ok=True)
    for path, text in bundle.files.items():
        name = path.rsplit("/", 1)[-1] or "index.html"
        (root / name).write_text(text, encoding="utf-8")
    return bundle.ground_truth


def names_in(truth: dict[str, object], language: str) -> dict[int, str]:
    """Return code → what the vendor's app shows: the text, else the symbol."""
    table = truth["alarm_names"]
    assert isinstance(table, dict)
    return {int(code): row[language] or row["symbol"] for code, row in table.items()}


@pytest.mark.parametrize("readable", [False, True])
@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4, 5])
async def test_every_literal_form_of_the_table_gives_the_same_names(
    tmp_path: Path, seed: int, *, readable: bool
) -> None:
    """Plain objects keyed either way and compiled TypeScript enums, among decoys, under any basename."""
    truth = save_bundle(tmp_path, seed, readable=readable)
    catalogue = await build(tmp_path)
    alarms = catalogue.alarms
    assert alarms.version == 1
    for language in ("pl", "en"):
        assert {
            code: alarms.name(code, language) for code in alarms.symbols
        } == names_in(truth, language)
    assert alarms.name(38, "en") == "No fuel"
    assert alarms.name(38, "pl") == "Brak paliwa"
    assert alarms.name(999, "en") is None  # a code the table lacks: shown by its code
    assert alarms.views == truth["alarm_views"]


def test_the_three_forms_cover_all_seeds() -> None:
    """Seeds 0-2 hold one of each literal form (the simulator's own record of it)."""
    forms = {
        generate_bundle(seed).ground_truth["alarm_chunk"]["form"] for seed in (0, 1, 2)
    }
    assert len(forms) == 3


@pytest.mark.parametrize(
    ("source", "table"),
    [
        (
            'export default {0x26:"ERROR_A",1:"ERROR_B",2:3};',
            {38: "ERROR_A", 1: "ERROR_B"},
        ),
        ("export default {ERROR_A:38,'ERROR_B':1};", {38: "ERROR_A", 1: "ERROR_B"}),
        (
            'var A;(function(e){e[e["ERROR_A"]=38]="ERROR_A";e[e.ERROR_B=1]="ERROR_B"})(A||(A={}));',
            {38: "ERROR_A", 1: "ERROR_B"},
        ),
        (
            'var A=(t=>(t[t.ERROR_A=38]="ERROR_A",t))(A||{});export{A as x};',
            {38: "ERROR_A"},
        ),
        # Decoys only: a priority map, component options, negative and fractional codes.
        ('export default {name:"AlarmsView",props:{a:1}};const p={38:2,0:1};', {}),
        ('export default {"-1":"ERROR_A","1.5":"ERROR_B",ERROR_C:-2};', {}),
        ("", {}),
    ],
)
def test_tables_and_decoys(source: str, table: dict[int, str]) -> None:
    assert alarm_symbols(parse(source)) == table


def test_a_catalogue_stored_before_alarm_names_reads_as_version_0() -> None:
    """An older record has no alarm names: codes only, until the next refresh."""
    stored = AlarmNames.from_dict(None)
    assert (stored.version, stored.name(38, "en")) == (0, None)
    odd = AlarmNames.from_dict(
        {
            "version": 1,
            "symbols": {"38": "ERROR_A", "x": "B", "2": 3},
            "labels": {"38": {"en": "No fuel", "pl": 5}},
            "views": [],
        }
    )
    assert (odd.symbols, odd.name(38, "pl"), odd.views) == (
        {38: "ERROR_A"},
        "No fuel",
        {},
    )


async def test_names_survive_the_stored_record(tmp_path: Path) -> None:
    save_bundle(tmp_path, 2, readable=False)
    catalogue = await build(tmp_path)
    again = Catalogue.from_dict(catalogue.to_dict())
    assert again.alarms == catalogue.alarms
