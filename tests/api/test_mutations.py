"""Mutated bundles through the whole catalogue build (issue 4 "Done when"; DESIGN.md decision 2).

The generated bundle is saved to a directory and read back with `DirectorySource`
(the ``dump-assets`` / ``describe --assets-dir`` path); files are then truncated,
emptied, deleted, stripped of a table, renamed or damaged at random. Every build must
end in a `CatalogueError` naming a step, or in a result that is correct (the ground
truth) or at least sound (only menu tokens, JSON-safe, values computable) when the
damage changed what the bundle says. Faults served over HTTP (``sim.faults.bundle``)
are in `test_catalogue`.
"""

from __future__ import annotations

from dataclasses import dataclass
import json
from pathlib import Path
import random
import shutil

import pytest

from custom_components.bragerone.api import (
    Catalogue,
    CatalogueError,
    build_catalogue_from,
    display_value,
)
from custom_components.bragerone.api.assets import parse
from custom_components.bragerone.api.assets.discovery import DirectorySource, read_index
from custom_components.bragerone.api.catalogue import STEPS
from custom_components.bragerone.api.cli_assets import RecordingSource, file_name_of
from custom_components.bragerone.api.resolver import ResolveResult
from simulator.modules import MODULES
from simulator.webapp import Bundle, generate_bundle

from .conftest import listing_row
from .test_resolver import FLAG_REASONS, check_against_truth, flat_registers

SEED = 1
ROUNDS = 20
ROLES = ("index", "menu", "i18n", "parameter maps")
ROWS = [listing_row(m) for m in MODULES]
REGISTERS = {m.devid: flat_registers(m.devid) for m in MODULES}


@dataclass
class Dump:
    """A saved bundle, the files a build reads by role, and the healthy build."""

    root: Path
    bundle: Bundle
    roles: dict[str, list[str]]
    baseline: Catalogue

    def path(self, role: str, which: int = 0) -> Path:
        """Return the file of ``role`` (the ``which``-th, wrapping around)."""
        names = self.roles[role]
        return self.root / names[which % len(names)]


async def build(root: Path) -> Catalogue:
    """Build every simulated module from the files of ``root`` (no network)."""
    return await build_catalogue_from(
        DirectorySource(root), modules=ROWS, registers=REGISTERS, system_version="1.0.0"
    )


def save(bundle: Bundle, root: Path) -> None:
    """Write the bundle's files as ``dump-assets`` names them."""
    root.mkdir(parents=True, exist_ok=True)
    for path, body in bundle.files.items():
        (root / (file_name_of(path) if path != "/" else "index.html")).write_text(
            body, encoding="utf-8"
        )


async def dump_of(bundle: Bundle, root: Path) -> Dump:
    """Save ``bundle``, build it once, and sort the files it read by role."""
    save(bundle, root)
    source = RecordingSource(DirectorySource(root))
    baseline = await build_catalogue_from(
        source, modules=ROWS, registers=REGISTERS, system_version="1.0.0"
    )
    index_name = bundle.ground_truth["index_file"]
    assets = read_index(
        (root / index_name).read_text(encoding="utf-8"), source.url(index_name)
    )
    i18n = {file_name_of(p.url) for p in assets.i18n.values()}
    menus = {file_name_of(v.url) for vs in assets.menus.values() for v in vs}
    roles: dict[str, list[str]] = {role: [] for role in ROLES}
    for url in source.files:
        name = file_name_of(url)
        if name == index_name:
            roles["index"].append(name)
        elif name in menus:
            roles["menu"].append(name)
        elif name in i18n:
            roles["i18n"].append(name)
        elif name != "index.html":
            roles["parameter maps"].append(name)
    assert all(roles.values()), roles
    # the build reads concurrently: sort so a loop seed always damages the same files
    return Dump(root, bundle, {r: sorted(n) for r, n in roles.items()}, baseline)


@pytest.fixture
async def dump(tmp_path: Path) -> Dump:
    """Return a saved, healthy bundle of `SEED`."""
    return await dump_of(generate_bundle(SEED), tmp_path / "bundle")


def entities(catalogue: Catalogue) -> dict[str, list[dict[str, object]]]:
    """Return the descriptors of a build as JSON (build time and fingerprint left out)."""
    return {
        devid: [d.to_dict() for d in module.descriptors]
        for devid, module in catalogue.modules.items()
    }


def check_sound(catalogue: Catalogue, dump: Dump) -> None:
    """Assert what holds for any build of a damaged bundle: menu tokens only, JSON-safe, values computable.

    A token outside the ground truth is sound only if the damaged menu names it: damage
    that keeps the syntax valid (a permission name garbled, the head of one token cut
    onto the tail of another) can show a parameter the healthy menu hides.
    """
    bundle = dump.bundle
    menus = "".join(
        (dump.root / n).read_text(encoding="utf-8", errors="replace")
        for n in dump.roles["menu"]
        if (dump.root / n).exists()
    )
    again = Catalogue.from_dict(json.loads(json.dumps(catalogue.to_dict())))
    assert again == catalogue
    for devid, module in catalogue.modules.items():
        truth = bundle.ground_truth["modules"][devid]
        # what the menu shows; damage that keeps the syntax valid (a digit, a letter)
        # may change a status flag, so flag-hidden tokens may show up
        shown = (
            {e["token"] for e in truth["visible"]}
            | {a["token"] for a in truth["actions"]}
            | {h["token"] for h in truth["hidden"] if h["reason"] in FLAG_REASONS}
        )
        assert module.descriptors
        unshown = {d.token for d in module.descriptors} - shown
        assert all(token in menus for token in unshown), unshown
        unique_ids = [d.unique_id for d in module.descriptors]
        assert len(set(unique_ids)) == len(unique_ids)
        for descriptor in module.descriptors:
            for language in catalogue.languages:
                display_value(descriptor, REGISTERS[devid], language)


def check_truth(catalogue: Catalogue, bundle: Bundle) -> None:
    """Assert the build equals the ground truth for every module."""
    for devid, module in catalogue.modules.items():
        check_against_truth(
            ResolveResult(module.descriptors),
            bundle.ground_truth["modules"][devid],
            devid,
        )


async def test_a_saved_bundle_builds_the_ground_truth(dump: Dump) -> None:
    check_truth(dump.baseline, dump.bundle)
    assert set(dump.baseline.modules) == {m.devid for m in MODULES}
    assert dump.baseline.fingerprint == (
        f"1.0.0|{dump.bundle.ground_truth['index_file']}"
    )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("damage", ["missing", "empty", "truncated", "garbled"])
async def test_a_damaged_file_names_its_step(
    dump: Dump, role: str, damage: str
) -> None:
    for which in range(2):
        target = dump.path(role, which)
        original = target.read_bytes()
        if damage == "missing":
            target.unlink()
        elif damage == "empty":
            target.write_bytes(b"")
        elif damage == "truncated":
            target.write_bytes(original[: len(original) * 2 // 3])
        else:
            middle = len(original) // 2
            target.write_bytes(original[:middle] + b"}{)(;,'\"" + original[middle:])
        with pytest.raises(CatalogueError) as caught:
            await build(dump.root)
        expected = {role}
        if role == "index" and damage == "truncated":
            expected.add("i18n")  # the language import table sits in the lost tail
        assert caught.value.step in expected, (target.name, caught.value)
        target.write_bytes(original)
    assert entities(await build(dump.root)) == entities(dump.baseline)


def _without_object(source: bytes, key_part: str) -> bytes:
    """Return the index with the object literal holding a key containing ``key_part`` replaced by ``{}``."""
    program = parse(source)
    key = next(iter(program.import_table(lambda k: key_part in k)))
    table = max(program.objects_with_key(key), key=lambda o: o.size)
    return source[: table.node.start_byte] + b"{}" + source[table.node.end_byte :]


def _without_units(source: bytes) -> bytes:
    program = parse(source)
    table = max(
        (o for o in program.top_level_objects() if "49" in o), key=lambda o: o.size
    )
    return source[: table.node.start_byte] + b"{}" + source[table.node.end_byte :]


@pytest.mark.parametrize(
    ("table", "step"),
    [("units", "units"), ("languages/", "i18n"), ("deviceMenu/", "menu")],
)
async def test_a_missing_table_names_its_step(
    dump: Dump, table: str, step: str
) -> None:
    index = dump.path("index")
    source = index.read_bytes()
    damaged = (
        _without_units(source) if table == "units" else _without_object(source, table)
    )
    assert damaged != source
    index.write_bytes(damaged)
    with pytest.raises(CatalogueError) as caught:
        await build(dump.root)
    assert caught.value.step == step
    assert str(caught.value).startswith(f"{step}: ")


async def test_a_menu_without_parameters_and_unknown_maps(dump: Dump) -> None:
    for name in dump.roles["menu"]:
        (dump.root / name).write_text("export default [];", encoding="utf-8")
    with pytest.raises(CatalogueError) as caught:
        await build(dump.root)
    assert caught.value.step == "menu"
    shutil.rmtree(dump.root)
    save(dump.bundle, dump.root)
    # a menu whose tokens no asset defines
    fake = (
        "export default [{name: 'modules.menu.x', path: 'x', displayName: 'X', "
        "parameters: {read: ['NO_SUCH_TOKEN_1', 'NO_SUCH_TOKEN_2']}}];"
    )
    for name in dump.roles["menu"]:
        (dump.root / name).write_text(fake, encoding="utf-8")
    with pytest.raises(CatalogueError) as caught:
        await build(dump.root)
    assert caught.value.step == "parameter maps"
    assert caught.value.devid in {m.devid for m in MODULES}


async def test_renamed_identifiers_build_the_same_entities(dump: Dump) -> None:
    renamed_files = set()
    for path in dump.root.iterdir():
        text = path.read_text(encoding="utf-8")
        if "_0x" in text:
            renamed_files.add(path.name)
            path.write_text(text.replace("_0x", "_q0"), encoding="utf-8")
    assert {*dump.roles["index"], *dump.roles["parameter maps"]} <= renamed_files
    renamed = await build(dump.root)
    assert entities(renamed) == entities(dump.baseline)


_NOISE = b"{}[]()'\",:;=>!0x.\\` \x00\xff"


def _mutate(data: bytes, rng: random.Random) -> bytes | None:
    """Return ``data`` damaged one of several ways (None: delete the file)."""
    kind = rng.choice(["bytes", "truncate", "delete", "splice", "insert"])
    if kind == "delete" or not data:
        return None
    if kind == "truncate":
        return data[: rng.randrange(len(data))]
    if kind == "splice":
        a, b = sorted(rng.randrange(len(data)) for _ in range(2))
        return data[:a] + data[b:]
    if kind == "insert":
        at = rng.randrange(len(data))
        return data[:at] + bytes(rng.choice(_NOISE) for _ in range(8)) + data[at:]
    damaged = bytearray(data)
    for _ in range(rng.randint(1, 12)):
        damaged[rng.randrange(len(damaged))] = rng.choice(_NOISE)
    return bytes(damaged)


@pytest.mark.parametrize("loop_seed", range(3))
async def test_random_damage_ends_in_a_named_error_or_a_sound_build(
    dump: Dump, loop_seed: int
) -> None:
    rng = random.Random(loop_seed)  # noqa: S311 - reproducible damage, not crypto
    outcomes: dict[str, int] = {}
    for _ in range(ROUNDS):
        victims = {
            rng.choice(dump.roles[rng.choice(ROLES)]) for _ in range(rng.randint(1, 2))
        }
        originals = {n: (dump.root / n).read_bytes() for n in victims}
        for name, data in originals.items():
            damaged = _mutate(data, rng)
            if damaged is None:
                (dump.root / name).unlink()
            else:
                (dump.root / name).write_bytes(damaged)
        try:
            result = await build(dump.root)
        except CatalogueError as err:
            outcome = err.step
        else:
            check_sound(result, dump)
            outcome = "built"
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
        for name, data in originals.items():
            (dump.root / name).write_bytes(data)
    assert sum(outcomes.values()) == ROUNDS
    assert set(outcomes) <= {*STEPS, "built"}
    assert len(outcomes) >= 3, outcomes  # several steps were reached
    assert entities(await build(dump.root)) == entities(dump.baseline)
