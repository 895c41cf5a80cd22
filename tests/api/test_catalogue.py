"""The catalogue build over real loopback HTTP against the simulator (issue 4; DESIGN.md decision 2).

Discovery, menus gated by each module's permissions, i18n packs, units, parameter
maps and the resolver run end to end through `build_catalogue`; every module's
descriptors are checked against the generator's ground truth with the resolver
tests' own checker.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
import json
import logging
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from custom_components.bragerone.api import (
    SCHEMA_VERSION,
    BragerOneClient,
    Catalogue,
    CatalogueError,
    EntityDescriptor,
    Module,
    ModuleCatalogue,
    build_catalogue,
    build_catalogue_from,
    compare_catalogues,
    display_value,
)
from custom_components.bragerone.api.assets.discovery import DirectorySource
from custom_components.bragerone.api.catalogue import load_assets, resolve_catalogue
from custom_components.bragerone.api.resolver import ResolveResult
from simulator import Simulator
from simulator.modules import module_by_devid
from simulator.webapp import generate_bundle

from .conftest import BOILER, MIXER, listing_row, server_of
from .test_resolver import CASES, LANGS, check_against_truth, flat_registers


def client_for(sim: Simulator, session: aiohttp.ClientSession) -> BragerOneClient:
    """Return a client of the simulator's demo account."""
    return BragerOneClient(
        sim.email, sim.password, server=server_of(sim), session=session
    )


def check_catalogue(catalogue: Catalogue, sim: Simulator) -> None:
    """Assert that every module matches the ground truth (visible, hidden, labels, values)."""
    truth = sim.bundle.ground_truth
    assert list(catalogue.modules) == sim.devids
    for devid, module in catalogue.modules.items():
        assert module.devid == devid
        assert sim.registers(devid) == flat_registers(devid)  # what the truth assumes
        check_against_truth(
            ResolveResult(module.descriptors), truth["modules"][devid], devid
        )
        assert all(d.devid == devid for d in module.descriptors)


@pytest.mark.parametrize(("seed", "readable"), CASES)
async def test_build_matches_the_ground_truth_over_http(
    seed: int, readable: bool, session: aiohttp.ClientSession
) -> None:
    async with Simulator(
        seed=seed, readable=readable, host="127.0.0.1", tick_interval=None
    ) as sim:
        catalogue = await build_catalogue(
            client_for(sim, session), object_id=sim.object_id, devids=sim.devids
        )
        truth = sim.bundle.ground_truth
        check_catalogue(catalogue, sim)
        assert catalogue.fingerprint == f"{sim.api_version}|{truth['index_file']}"
        assert catalogue.schema_version == SCHEMA_VERSION
        assert catalogue.languages == LANGS
        assert catalogue.default_language == truth["default_language"]
        assert datetime.fromisoformat(catalogue.built_at).utcoffset() is not None
        boiler = catalogue.modules[BOILER]
        assert (boiler.name, boiler.title, boiler.version) == (
            "Kocioł",
            "HT DasPell GL 37kW",
            "2.08",
        )
        # each asset is fetched at most once in a build (ETag cache, one I18n)
        assert max(sim.stats.asset_requests.values()) == 1
        assert sim.stats.primes == 1


async def test_catalogue_survives_json_and_compares_per_module(
    sim: Simulator, session: aiohttp.ClientSession
) -> None:
    catalogue = await build_catalogue(
        client_for(sim, session), object_id=sim.object_id, devids=sim.devids
    )
    stored = Catalogue.from_dict(json.loads(json.dumps(catalogue.to_dict())))
    assert stored == catalogue
    registers = flat_registers(BOILER)
    for before, after in zip(
        catalogue.modules[BOILER].descriptors,
        stored.modules[BOILER].descriptors,
        strict=True,
    ):
        assert display_value(after, registers, "en") == display_value(
            before, registers, "en"
        )
    assert all(
        not c.added and not c.lost
        for c in compare_catalogues(stored, catalogue).values()
    )

    boiler = catalogue.modules[BOILER]
    smaller = Catalogue(
        schema_version=catalogue.schema_version,
        fingerprint="1.0.0|index-new.js",
        languages=catalogue.languages,
        default_language=catalogue.default_language,
        built_at=catalogue.built_at,
        modules={
            BOILER: ModuleCatalogue(
                devid=BOILER,
                name=boiler.name,
                title=boiler.title,
                version=boiler.version,
                descriptors=boiler.descriptors[3:],
            )
        },
    )
    diff = compare_catalogues(catalogue, smaller)
    assert set(diff) == {BOILER, MIXER}
    assert diff[BOILER].lost == tuple(
        sorted(d.unique_id for d in boiler.descriptors[:3])
    )
    assert diff[BOILER].shrinks
    assert not diff[BOILER].added
    assert len(diff[MIXER].lost) == len(catalogue.modules[MIXER].descriptors)
    grown = compare_catalogues(smaller, catalogue)
    assert grown[MIXER].added
    assert not grown[BOILER].shrinks


async def test_given_rows_one_module_and_one_language(
    sim: Simulator, session: aiohttp.ClientSession
) -> None:
    client = client_for(sim, session)
    rows = await client.modules(sim.object_id)
    listed = sim.stats.requests["modules"]
    catalogue = await build_catalogue(
        client,
        object_id=sim.object_id,
        devids=[MIXER],
        languages=("en", "de"),
        modules=rows,
    )
    assert sim.stats.requests["modules"] == listed  # the given rows were used
    assert list(catalogue.modules) == [MIXER]
    assert catalogue.languages == ("en",)
    truth = sim.bundle.ground_truth["modules"][MIXER]
    by_token = {d.token: d for d in catalogue.modules[MIXER].descriptors}
    for entry in truth["visible"]:
        assert by_token[entry["token"]].label == {"en": entry["label"]["en"]}
        # the Polish label falls back to English
        assert by_token[entry["token"]].label_for("pl") == entry["label"]["en"]


@pytest.mark.parametrize(
    ("devids", "languages", "step"),
    [
        (["NOSUCHDEVID"], ("pl", "en"), "menu"),
        ([], ("pl", "en"), "entities"),
        ([BOILER], ("de", "fr"), "i18n"),
    ],
)
async def test_bad_requests_name_the_step(
    sim: Simulator,
    session: aiohttp.ClientSession,
    devids: list[str],
    languages: tuple[str, ...],
    step: str,
) -> None:
    with pytest.raises(CatalogueError) as caught:
        await build_catalogue(
            client_for(sim, session),
            object_id=sim.object_id,
            devids=devids,
            languages=languages,
        )
    assert caught.value.step == step
    assert str(caught.value).startswith(f"{step}: ")


@pytest.mark.parametrize(
    ("fault", "steps"), [("empty", {"index"}), ("broken", {"index", "i18n"})]
)
async def test_bundle_faults_end_in_a_named_step(
    sim: Simulator, session: aiohttp.ClientSession, fault: str, steps: set[str]
) -> None:
    sim.faults.apply(f"bundle={fault}")
    with pytest.raises(CatalogueError) as caught:
        await build_catalogue(
            client_for(sim, session), object_id=sim.object_id, devids=sim.devids
        )
    assert caught.value.step in steps


def _record(catalogue: Catalogue) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(json.dumps(catalogue.to_dict()))
    return data


async def test_garbage_records_are_a_catalogue_error(
    sim: Simulator, session: aiohttp.ClientSession
) -> None:
    good = _record(
        await build_catalogue(
            client_for(sim, session), object_id=sim.object_id, devids=[MIXER]
        )
    )
    descriptor = good["modules"][MIXER]["descriptors"][0]
    assert EntityDescriptor.from_dict(descriptor).devid == MIXER
    garbage: list[Any] = [
        None,
        [],
        "catalogue",
        {**good, "schema_version": SCHEMA_VERSION + 1},
        {**good, "modules": []},
        {**good, "languages": "pl"},
        {**good, "modules": {MIXER: {"devid": MIXER}}},
        {**good, "modules": {MIXER: {"devid": BOILER, "descriptors": []}}},
        {**good, "modules": {MIXER: {"devid": MIXER, "descriptors": [{"x": 1}]}}},
        {
            **good,
            "modules": {
                MIXER: {"devid": MIXER, "descriptors": [{**descriptor, "value": 7}]}
            },
        },
        {**good, "modules": {MIXER: ["not", "a", "record"]}},
    ]
    for data in garbage:
        with pytest.raises(CatalogueError) as caught:
            Catalogue.from_dict(data)
        assert caught.value.step == "entities"


# --------------------------------------------------------------------------- offline builds


def save_bundle(root: Path, renames: dict[str, str] | None = None) -> None:
    """Save the seed-0 bundle into ``root`` as ``dump-assets`` does, renaming files (and their references)."""
    renames = renames or {}
    bundle = generate_bundle(0)
    root.mkdir(parents=True, exist_ok=True)
    for path, body in bundle.files.items():
        name = path.rsplit("/", 1)[-1] or "index.html"
        text = body
        for old, new in renames.items():
            text = text.replace(old, new)
        (root / renames.get(name, name)).write_text(text, encoding="utf-8")


def row_of(simulated: str, **changes: Any) -> Module:
    """Return the listing row of a simulated module, with ``changes``."""
    return replace(listing_row(module_by_devid(simulated)), **changes)


async def test_an_offline_build_of_no_module_names_the_entities_step(
    tmp_path: Path,
) -> None:
    with pytest.raises(CatalogueError) as caught:
        await build_catalogue_from(
            DirectorySource(tmp_path), modules=[], registers={}, system_version="1.0"
        )
    assert caught.value.step == "entities"
    assert str(caught.value) == "entities: no module to build"


async def test_a_device_menu_without_any_chunk_names_the_menu_step(
    tmp_path: Path,
) -> None:
    bundle = generate_bundle(0)
    fallbacks = [
        path.rsplit("/", 1)[-1]
        for path in bundle.files
        if path.startswith(("/assets/0-", "/assets/module.menu-"))
    ]
    assert len(fallbacks) == 2
    save_bundle(tmp_path, {name: f"renamed{name}" for name in fallbacks})
    rows = [row_of(BOILER), row_of(MIXER, devid="NEWMODULE", device_menu=999)]
    with pytest.raises(CatalogueError) as caught:
        await build_catalogue_from(
            DirectorySource(tmp_path),
            modules=rows,
            registers={BOILER: flat_registers(BOILER)},
            system_version="1.0",
        )
    assert caught.value.step == "menu"
    assert caught.value.devid == "NEWMODULE"
    assert "deviceMenu 999" in str(caught.value)


async def test_skipped_menu_tokens_are_reported_only_when_there_are_some(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="custom_components.bragerone.api.catalogue")
    save_bundle(tmp_path)
    loaded = await load_assets(DirectorySource(tmp_path), modules=[row_of(MIXER)])
    registers = {MIXER: flat_registers(MIXER)}
    full = resolve_catalogue(loaded, registers=registers, system_version="1.0")
    hidden = [
        h["token"]
        for h in generate_bundle(0).ground_truth["modules"][MIXER]["hidden"]
        if h["reason"] in {"invisible", "device_unavailable"}
    ]
    report = [m for m in caplog.messages if "yield no entity" in m]
    assert len(report) == 1
    assert all(token in report[0] for token in hidden)

    caplog.clear()
    shown = {d.token for d in full.modules[MIXER].descriptors}
    item = loaded.modules[MIXER]
    visible_only = replace(
        loaded,
        modules={
            MIXER: replace(item, menu=tuple(p for p in item.menu if p.token in shown))
        },
    )
    again = resolve_catalogue(visible_only, registers=registers, system_version="1.0")
    assert again.descriptors() == list(full.modules[MIXER].descriptors)
    assert not [m for m in caplog.messages if "yield no entity" in m]
