"""The simulated boiler's fuel consumption counter in kg: a growing weight sensor.

The boiler's fuel panel shows ``PARAM_P4_61`` ("Licznik: konsumpcja paliwa całkowita",
unit code 60 = kg, register ``P4.v61``); the catalogue built from the simulated bundle
makes it a ``total_increasing`` weight counter, and the plant adds 1 kg per feeding step.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from custom_components.bragerone.api import EntityDescriptor
from simulator import Plant
from simulator.plant import FUEL_CONSUMPTION, FUEL_LEVEL
from simulator.webapp import generate_bundle

from .conftest import BOILER
from .test_roles import build, save

TOKEN = "PARAM_P4_61"


def _consumption(descriptors: list[EntityDescriptor]) -> EntityDescriptor:
    (found,) = [d for d in descriptors if d.devid == BOILER and d.token == TOKEN]
    return found


def test_the_ground_truth_lists_the_counter_on_the_fuel_panel() -> None:
    truth = generate_bundle(0).ground_truth["modules"][BOILER]
    (entry,) = [e for e in truth["visible"] if e["token"] == TOKEN]
    assert entry["address"] == FUEL_CONSUMPTION == "P4.v61"
    assert entry["unique_id"] == f"{BOILER}_P4_v61"
    assert entry["platform"] == "sensor"
    assert entry["writable"] is False
    assert entry["section"] == "read"
    assert entry["route"] == "modules.menu.fuel"
    assert entry["unit"] == {"pl": "kg", "en": "kg"}
    assert entry["unit_code"] == 60
    assert entry["label"] == {
        "pl": "Licznik: konsumpcja paliwa całkowita",
        "en": "Counter: total fuel consumption",
    }
    assert entry["value"] == 1234
    assert all(h["token"] != TOKEN for h in truth["hidden"])


@pytest.mark.parametrize("readable", [False, True])
async def test_fuel_consumption_in_kg_is_a_growing_weight(
    tmp_path: Path, *, readable: bool
) -> None:
    """Built from the simulated bundle, the kg counter is a total_increasing weight."""
    save(tmp_path, readable=readable)
    catalogue = await build(tmp_path)
    consumption = _consumption(list(catalogue.descriptors()))
    assert consumption.unique_id == f"{BOILER}_P4_v61"
    assert consumption.address == "P4.v61"
    assert consumption.platform == "sensor"
    assert not consumption.writable
    assert consumption.section == "read"
    assert consumption.unit == "kg"
    assert consumption.role == "counter"
    assert consumption.state_class == "total_increasing"
    assert consumption.device_class == "weight"
    assert consumption.subsystem == "fuel"
    assert consumption.label["en"] == "Counter: total fuel consumption"
    # A counter the user wants on the energy/statistics pages: not a diagnostic.
    assert consumption.entity_category is None
    # The fuel panel's other counter keeps its role (hours: no device class).
    by_token = {d.token: d for d in catalogue.descriptors() if d.devid == BOILER}
    feeder = by_token["PARAM_P4_59"]
    assert (feeder.role, feeder.state_class) == ("counter", "total_increasing")
    assert feeder.device_class != "weight"


def test_the_counter_rises_one_kg_per_feeding_step() -> None:
    """Every step that burns 1 % of fuel adds 1 kg; the counter never falls."""
    plant = Plant(seed=1, clock=lambda: 1_750_000_000)
    consumed = [plant.get(BOILER, FUEL_CONSUMPTION)]
    level = [plant.get(BOILER, FUEL_LEVEL)]
    assert consumed[0] == 1234
    for _ in range(40):
        plant.step()
        consumed.append(plant.get(BOILER, FUEL_CONSUMPTION))
        level.append(plant.get(BOILER, FUEL_LEVEL))
    assert consumed[-1] > consumed[0]
    assert all(b >= a for a, b in itertools.pairwise(consumed))
    for (c0, c1), (l0, l1) in zip(
        itertools.pairwise(consumed), itertools.pairwise(level), strict=True
    ):
        assert c1 - c0 == l0 - l1  # fed steps: +1 kg and -1 %; others: unchanged
    assert consumed[-1] - consumed[0] == level[0] - level[-1]


def test_a_stopped_or_empty_boiler_consumes_nothing() -> None:
    plant = Plant(seed=1)
    plant.set_many(BOILER, {"P5.s0": plant.get(BOILER, "P5.s0") & ~1})
    for _ in range(20):
        plant.step()
    assert plant.get(BOILER, FUEL_CONSUMPTION) == 1234
    # Enabled again but out of fuel: the burner stays off, nothing is burnt.
    plant.set_many(BOILER, {"P5.s0": plant.get(BOILER, "P5.s0") | 1, FUEL_LEVEL: 0})
    for _ in range(20):
        plant.step()
    assert plant.get(BOILER, FUEL_CONSUMPTION) == 1234
    # Refilled: it burns and counts again.
    plant.set_many(BOILER, {FUEL_LEVEL: 100})
    for _ in range(20):
        plant.step()
    assert plant.get(BOILER, FUEL_CONSUMPTION) > 1234


def test_the_pushed_changes_carry_the_counter() -> None:
    """A step that feeds pushes the new counter value with the fuel level."""
    plant = Plant(seed=1, clock=lambda: 1_750_000_000)
    pushed: list[dict[str, object]] = []
    for _ in range(40):
        changes = plant.step().get(BOILER, {})
        if FUEL_LEVEL in changes:
            pushed.append(changes)
    assert pushed
    assert all(FUEL_CONSUMPTION in changes for changes in pushed)
