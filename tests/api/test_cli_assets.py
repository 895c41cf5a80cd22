"""CLI ``describe`` and ``dump-assets`` against the simulator, and the offline ``describe --assets-dir``."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from custom_components.bragerone.api.cli import build_parser, run
from custom_components.bragerone.api.cli_assets import (
    MANIFEST_NAME,
    SavedBundle,
    save_assets,
)
from custom_components.bragerone.api.descriptor import ha_unit_for_text
from simulator import Simulator

from .conftest import BOILER, MIXER
from .test_cli import run_cli
from .test_resolver import LANGS

RECORD_KEYS = {
    "unique_id",
    "devid",
    "address",
    "platform",
    "label",
    "unit",
    "device_class",
    "state_class",
    "options",
    "min",
    "max",
    "step",
    "writable",
    "entity_category",
    "enabled_default",
}


def _same(ours: Any, expected: Any) -> bool:
    if isinstance(expected, float) or isinstance(ours, float):
        return isinstance(ours, int | float) and abs(ours - expected) < 1e-9
    return bool(ours == expected)


def check_records(
    records: list[dict[str, Any]], truth: dict[str, Any], language: str
) -> None:
    """Assert the describe output against the ground truth of one module in one language."""
    by_token = {r["token"]: r for r in records}
    assert len(by_token) == len(records)
    visible = {e["token"] for e in truth["visible"]}
    actions = {a["token"] for a in truth["actions"]}
    assert set(by_token) - visible <= actions
    for hidden in truth["hidden"]:
        assert hidden["token"] not in by_token or hidden["token"] in visible
    for entry in truth["visible"]:
        record = by_token[entry["token"]]
        where = (entry["token"], language)
        assert set(record) >= RECORD_KEYS, where
        for key in ("unique_id", "devid", "address", "platform", "writable"):
            assert record[key] == entry[key], (where, key)
        assert record["label"] == entry["label"][language], where
        if entry["unit"] is None:
            assert record["unit"] is None, where
        else:
            text = entry["unit"][language]
            assert record["unit"] in {text, ha_unit_for_text(text).unit}, where
        if entry["platform"] in {"select", "sensor"} and entry["options"]:
            assert record["options"] == entry["options"][language], where
        else:
            assert record["options"] is None, where
        for key in ("min", "max", "step"):
            assert _same(record[key], entry[key]), (where, key)
        value = entry["value"]
        expected = value[language] if isinstance(value, dict) else value
        assert _same(record["value"], expected), (where, record["value"], expected)
        if entry["platform"] in {"binary_sensor", "switch"} and expected is not None:
            assert isinstance(record["value"], bool), where


@pytest.mark.parametrize("language", LANGS)
async def test_describe_with_values_matches_the_ground_truth(
    sim: Simulator, language: str
) -> None:
    for devid in (BOILER, MIXER):
        result = await run_cli(
            "describe",
            "--module",
            devid,
            "--language",
            language,
            "--with-values",
            sim=sim,
        )
        assert result.code == 0, result.err
        check_records(
            json.loads(result.out),
            sim.bundle.ground_truth["modules"][devid],
            language,
        )


async def test_describe_without_values_uses_the_default_language(
    sim: Simulator,
) -> None:
    result = await run_cli("describe", "--module", MIXER, sim=sim)
    assert result.code == 0, result.err
    records = json.loads(result.out)
    assert records
    assert all("value" not in r for r in records)
    truth = sim.bundle.ground_truth
    labels = {e["token"]: e["label"] for e in truth["modules"][MIXER]["visible"]}
    default = truth["default_language"]
    assert all(r["label"] == labels[r["token"]][default] for r in records)


async def test_dump_then_offline_describe_gives_the_same_output(
    tmp_path: Path,
) -> None:
    out_dir = tmp_path / "bundle"
    async with Simulator(seed=2, host="127.0.0.1", tick_interval=None) as sim:
        online = await run_cli(
            "describe", "--module", BOILER, "--with-values", "--language", "en", sim=sim
        )
        dump = await run_cli(
            "dump-assets", "--module", BOILER, "--out", str(out_dir), sim=sim
        )
        truth = sim.bundle.ground_truth
        served = {p.rsplit("/", 1)[-1] for p in sim.bundle.files if p != "/"}
        registers = sim.registers(BOILER)
    assert online.code == 0, online.err
    assert dump.code == 0, dump.err
    summary = json.loads(dump.out)
    assert summary["entities"] == len(json.loads(online.out))
    names = {p.name for p in out_dir.iterdir()}
    assert {"index.html", "manifest.json", truth["index_file"]} <= names
    assert names - {"index.html", "manifest.json"} <= served
    assert set(summary["files"]) == names - {"manifest.json"}
    manifest = json.loads((out_dir / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["module"]["devid"] == BOILER
    assert manifest["module"]["device_menu"] == truth["modules"][BOILER]["device_menu"]
    assert manifest["module"]["permissions"]
    assert "language_variant" in manifest["module"]
    assert manifest["registers"] == registers
    assert manifest["build_error"] is None
    assert sim.password not in json.dumps(manifest)
    assert sim.email not in json.dumps(manifest)

    # the simulator is gone and no credentials are given: only the files are read
    offline = await run_cli(
        "describe",
        "--assets-dir",
        str(out_dir),
        "--with-values",
        "--language",
        "en",
    )
    assert offline.code == 0, offline.err
    assert json.loads(offline.out) == json.loads(online.out)
    check_records(json.loads(offline.out), truth["modules"][BOILER], "en")

    # a damaged saved bundle is a named catalogue error (exit 5)
    for name in names:
        if name.startswith("index-"):
            (out_dir / name).write_text("export default 1;", encoding="utf-8")
    broken = await run_cli("describe", "--assets-dir", str(out_dir))
    assert broken.code == 5
    assert "step 'index'" in broken.err or "step 'i18n'" in broken.err


async def test_catalogue_failure_exits_5_and_dump_keeps_the_files(
    sim: Simulator, tmp_path: Path
) -> None:
    sim.faults.apply("bundle=empty")
    result = await run_cli("describe", "--module", BOILER, sim=sim)
    assert result.code == 5
    assert "step 'index'" in result.err
    assert result.out == ""
    dump = await run_cli(
        "dump-assets", "--module", BOILER, "--out", str(tmp_path), sim=sim
    )
    assert dump.code == 5
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["build_error"]["step"] == "index"
    assert (tmp_path / "index.html").is_file()
    assert manifest["registers"] == sim.registers(BOILER)


async def test_exit_codes(sim: Simulator, tmp_path: Path) -> None:
    unknown = await run_cli("describe", "--module", "NOSUCHDEVID", sim=sim)
    assert unknown.code == 2
    assert "NOSUCHDEVID" in unknown.err
    neither = await run_cli("describe", sim=sim)
    assert neither.code == 2
    no_manifest = await run_cli("describe", "--assets-dir", str(tmp_path))
    assert no_manifest.code == 2
    assert "manifest.json" in no_manifest.err
    bad_language = await run_cli(
        "describe", "--module", BOILER, "--language", "de", sim=sim
    )
    assert bad_language.code == 2
    refused = await run_cli(
        "describe",
        "--module",
        BOILER,
        sim=sim,
        env={"BRAGERONE_PASSWORD": "nope-secret"},
    )
    assert refused.code == 3
    async with Simulator(tick_interval=None) as gone:
        api, web = gone.api_url, gone.web_url
    env = {"BRAGERONE_EMAIL": "a@b.c", "BRAGERONE_PASSWORD": "x"}
    unreachable = await run_cli(
        "--api-url", api, "--web-url", web, "describe", "--module", BOILER, env=env
    )
    assert unreachable.code == 4
    helped = await run_cli("describe", "--help")
    assert helped.code == 0
    assert "5 catalogue build failed" in " ".join(helped.out.split())


async def test_offline_describe_refuses_another_module(
    sim: Simulator, tmp_path: Path
) -> None:
    dump = await run_cli(
        "dump-assets", "--module", MIXER, "--out", str(tmp_path), sim=sim
    )
    assert dump.code == 0, dump.err
    other = await run_cli("describe", "--assets-dir", str(tmp_path), "--module", BOILER)
    assert other.code == 2
    same = await run_cli("describe", "--assets-dir", str(tmp_path), "--module", MIXER)
    assert same.code == 0, same.err


def test_saved_assets_prefer_the_page_and_never_write_hidden_or_manifest_names(
    tmp_path: Path,
) -> None:
    files = {
        "https://web.example/assets/index.html": "a directory listing",
        "https://web.example/": "<html>the page</html>",
        "https://web.example/assets/.env": "SECRET=1",
        "https://web.example/assets/manifest.json": '{"forged": true}',
        "https://web.example/assets/index-Ab12.js": "export default 1;",
    }
    saved = save_assets(tmp_path, files)
    assert saved == {
        "index.html": "https://web.example/",
        "index-Ab12.js": "https://web.example/assets/index-Ab12.js",
    }
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index-Ab12.js", "index.html"]
    assert (tmp_path / "index.html").read_text(encoding="utf-8") == (
        "<html>the page</html>"
    )


@pytest.mark.parametrize(
    ("manifest", "message"),
    [
        ("{not json", "has no readable manifest.json"),
        ("[]", "has no module row or registers"),
        ('{"module": {"devid": "FTTCTBSLCE"}}', "has no module row or registers"),
        ('{"module": "FTTCTBSLCE", "registers": {}}', "has no module row or registers"),
        ('{"module": {"name": "Kocioł"}, "registers": {}}', "module row has no devid"),
        ('{"module": {"devid": 17}, "registers": {}}', "module row has no devid"),
    ],
)
async def test_offline_describe_of_a_damaged_manifest_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], manifest: str, message: str
) -> None:
    (tmp_path / MANIFEST_NAME).write_text(manifest, encoding="utf-8")
    out = io.StringIO()
    args = build_parser().parse_args(["describe", "--assets-dir", str(tmp_path)])
    assert await run(args, out) == 2
    assert message in capsys.readouterr().err
    assert out.getvalue() == ""


def test_a_saved_manifest_is_read_leniently(tmp_path: Path) -> None:
    manifest = {
        "module": {
            "devid": BOILER,
            "name": "Kocioł",
            "title": 7,
            "device_menu": True,
            "language_variant": 2,
            "permissions": ["DISPLAY_MENU_DHW", 5, None],
        },
        "registers": {"P4.v1": 58.5},
        "fingerprint": "2.08|index-Ab12.js",
    }
    (tmp_path / MANIFEST_NAME).write_text(json.dumps(manifest), encoding="utf-8")
    saved = SavedBundle.read(tmp_path)
    assert saved.module.devid == BOILER
    assert saved.module.name == "Kocioł"
    assert saved.module.title is None
    assert saved.module.device_menu is None, "a bool is not a menu number"
    assert saved.module.language_variant == 2
    assert saved.module.permissions == ("DISPLAY_MENU_DHW",)
    assert saved.registers == {"P4.v1": 58.5}
    assert saved.index_file == "index-Ab12.js"
    assert saved.web_url == "https://offline.invalid"
    assert saved.system_version == ""
