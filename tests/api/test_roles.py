"""Roles from the vendor's structure, and the heating composites they make (api/roles.py)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
import re

from custom_components.bragerone.api import EntityDescriptor
from custom_components.bragerone.api.assets.discovery import DirectorySource
from custom_components.bragerone.api.catalogue import Catalogue, build_catalogue_from
from custom_components.bragerone.api.roles import (
    assign_roles,
    candidate_composites,
    circuit_of,
    find_composites,
    name_within,
)
from simulator.webapp import generate_bundle

from .conftest import BOILER, MIXER
from .test_catalogue import row_of
from .test_resolver import flat_registers

TRUTH = generate_bundle(0).ground_truth["modules"]


def expected(renames: dict[str, str] | None = None) -> dict[str, dict[str, str]]:
    """Return the simulator's ground truth: ``"<devid> <kind>:<sub-system>"`` → role → token."""
    renames = renames or {}
    return {
        f"{devid} {key}": {role: renames.get(t, t) for role, t in roles.items()}
        for devid, module in TRUTH.items()
        for key, roles in module["composites"].items()
    }


def save(root: Path, *, readable: bool, renames: dict[str, str] | None = None) -> None:
    """Save the seed-0 bundle with whole-word `renames` applied to file texts and names."""
    bundle = generate_bundle(0, readable=readable)
    root.mkdir(parents=True, exist_ok=True)
    pattern = (
        re.compile(
            r"(?<![\w])("
            + "|".join(re.escape(old) for old in sorted(renames, key=len, reverse=True))
            + r")(?![\w])"
        )
        if renames
        else None
    )
    for path, text in bundle.files.items():
        name = path.rsplit("/", 1)[-1] or "index.html"
        body = text
        if pattern is not None:  # parameter-map chunks are named after their token
            body = pattern.sub(lambda m: renames[m[1]], body)
            name = pattern.sub(lambda m: renames[m[1]], name)
        (root / name).write_text(body, encoding="utf-8")


async def build(root: Path) -> Catalogue:
    return await build_catalogue_from(
        DirectorySource(root),
        modules=[row_of(BOILER), row_of(MIXER)],
        registers={BOILER: flat_registers(BOILER), MIXER: flat_registers(MIXER)},
        system_version="1.0",
    )


def composites_of(catalogue: Catalogue) -> dict[str, dict[str, str]]:
    """Return ``"<devid> <kind>:<sub-system>"`` → role → the member's token."""
    descriptors = {d.unique_id: d for d in catalogue.descriptors()}
    return {
        f"{c.devid} {c.kind.value}:{c.subsystem}": {
            role: descriptors[uid].token for role, uid in c.members.items()
        }
        for c in find_composites(descriptors.values())
    }


async def test_the_simulated_modules_get_their_heating_composites(
    tmp_path: Path,
) -> None:
    """Boiler, hot water and the valve circuit on the boiler; two circuits on the mixer."""
    save(tmp_path, readable=False)
    catalogue = await build(tmp_path)
    assert composites_of(catalogue) == expected()
    by_label = {d.label["en"]: d for d in catalogue.descriptors()}
    assert by_label["Maximum burner power"].entity_category == "config"
    assert by_label["Maximum burner power"].subsystem == "burner"
    assert by_label["Controller firmware"].entity_category == "diagnostic"
    assert all(
        d.entity_category == "config"
        for d in catalogue.descriptors()
        if d.platform == "switch"
    )
    assert by_label["Hopper lid open"].device_class == "opening"
    assert by_label["Burner alarm"].device_class == "problem"
    assert by_label["Blower"].enabled_default is False
    assert by_label["Counter: number of ignitions"].state_class == "total_increasing"
    assert by_label["Valve 1 mode"].subsystem_label == {
        "en": "Valve 1",
        "pl": "Zawór 1",
    }
    assert catalogue.roles_version == 1
    assert Catalogue.from_dict(catalogue.to_dict()) == catalogue


async def test_renamed_routes_and_tokens_give_the_same_roles(tmp_path: Path) -> None:
    """Another deploy with other route names and parameter tokens: the same composites.

    Only the vendor's words (titles, labels) and the structure (section, unit,
    writability, options) decide; tokens and route names are free to change.
    """
    save(tmp_path / "plain", readable=True)
    plain = await build(tmp_path / "plain")
    # ``PARAM_P4_12``- and ``PARAM_51``-shaped tokens are built from numbers in the
    # bundle (PROTOCOL.md §4.5, §4.10); a controller keeps that convention, so only the
    # named tokens (``URUCHOMIENIE_KOTLA``, ``OBIEG1_TRYB``, …) are renamed.
    conventional = re.compile(r"(PARAM|STATUS)_(P\d+_)?\d+")
    tokens = {
        d.token for d in plain.descriptors() if not conventional.fullmatch(d.token)
    }
    routes = {d.route for d in plain.descriptors() if d.route}
    renames = {token: f"X{i}_{token[::-1]}" for i, token in enumerate(sorted(tokens))}
    renames |= {
        route: f"modules.menu.panel{i}" for i, route in enumerate(sorted(routes))
    }
    save(tmp_path / "renamed", readable=True, renames=renames)
    renamed = await build(tmp_path / "renamed")
    assert len(tokens) > 20
    assert {d.token for d in renamed.descriptors()}.isdisjoint(tokens)
    assert {d.route for d in renamed.descriptors()}.isdisjoint(routes)
    assert composites_of(renamed) == expected(renames)


def _descriptor(**changes: object) -> EntityDescriptor:
    base = EntityDescriptor(
        unique_id="X_P4_v0", devid="X", token="T", platform="sensor", address="P4.v0"
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_circuit_names_and_names_within_the_circuit() -> None:
    """A numbered circuit is found in any language; its name leaves the entity's name."""
    valve = _descriptor(
        label={"en": "Valve 1 room thermostat", "pl": "Termostat pokojowy zaworu 1"},
        subsystem="circuit_1",
        subsystem_label={"en": "Valve 1", "pl": "Zawór 1"},
    )
    assert circuit_of(valve) == (1, {"en": "Valve 1", "pl": "zaworu 1"})
    assert name_within(valve, "en") == "Room thermostat"
    assert name_within(valve, "pl") == "Termostat pokojowy zaworu 1"
    assert circuit_of(_descriptor(label={"en": "Boiler temperature"})) is None


def test_a_sub_system_without_its_roles_makes_no_composite() -> None:
    """A hot-water panel with a reading but no setpoint: no water heater, and why."""
    reading = _descriptor(
        label={"en": "DHW temperature"},
        unit="°C",
        device_class="temperature",
        role="current_temperature",
        subsystem="hot_water",
    )
    (candidate,) = candidate_composites([reading])
    assert candidate.missing == ("target_temperature",)
    assert find_composites([reading]) == []


def test_fuel_consumed_in_kg_is_a_growing_weight() -> None:
    """A read-only consumption in kg is a weight counter (total_increasing)."""
    (consumption,) = assign_roles(
        [
            _descriptor(
                label={"en": "Fuel consumption", "pl": "Zużycie paliwa"},
                unit="kg",
                section="read",
                route="modules.menu.fuel",
                menu_path={"en": ["Fuel"], "pl": ["Paliwo"]},
            )
        ]
    )
    assert (consumption.role, consumption.subsystem) == ("counter", "fuel")
    assert consumption.device_class == "weight"
    assert consumption.state_class == "total_increasing"
