"""EntityDescriptor at runtime: labels, stored records, shown values, writes and commands.

`display_value`, `live_limits`, `raw_from_display` and `command_for` are pure functions
of a descriptor and the module's registers (PROTOCOL.md §4.10, §5, §2.10; DESIGN.md
decisions 7 and 10); they are fed the registers the cloud can send, junk included.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from custom_components.bragerone.api.assets.parameters import (
    Command,
    Condition,
    Rule,
    Selector,
)
from custom_components.bragerone.api.assets.transforms import Transform
from custom_components.bragerone.api.descriptor import (
    DescriptorValueError,
    EntityDescriptor,
    HaUnit,
    Option,
    command_for,
    display_value,
    ha_unit_for_text,
    live_limits,
    pick_label,
    raw_from_display,
)

DEVID = "FTTCTBSLCE"
TENTHS = Transform(kind="arithmetic", ops=(("mul", 0.1),))
TIME = Transform(kind="time_of_day_10min", off_token="units.202.0")
ON_OFF = (Option("OFF", {"en": "Off"}), Option("ON", {"en": "On"}))


def descriptor(**kwargs: Any) -> EntityDescriptor:
    """Return a descriptor of ``P4.v1`` with the given fields."""
    fields: dict[str, Any] = {
        "unique_id": f"{DEVID}_P4_v1",
        "devid": DEVID,
        "token": "PARAM_P4_1",
        "platform": "sensor",
        "address": "P4.v1",
        "value": (Selector("P4", 1),),
    }
    fields.update(kwargs)
    return EntityDescriptor(**fields)


def status_rules(then_on: Any, then_else: Any) -> tuple[Rule, ...]:
    """Return ``if P5.s3 == 1: then_on else: then_else``."""
    condition = Condition("equalTo", 1, (Selector("P5", 3, "s"),))
    return (Rule("if", (condition,), then_on), Rule("else", (), then_else))


# --------------------------------------------------------------------------- labels


def test_labels_fall_back_to_english_polish_then_any_language() -> None:
    assert pick_label({"pl": "Kocioł", "en": "Boiler"}, "pl") == "Kocioł"
    assert pick_label({"pl": "Kocioł", "en": "Boiler"}, "de") == "Boiler"
    assert pick_label({"pl": "Kocioł", "en": ""}, None) == "Kocioł"
    assert pick_label({"de": "", "cs": "Kotel"}, "de") == "Kotel"
    assert pick_label({"de": ""}, "de") is None
    assert pick_label({}, "en") is None


def test_entity_texts_fall_back_to_the_token_key_and_vendor_unit() -> None:
    entity = descriptor(
        label={},
        options=(Option(3, {}), Option(4, {"cs": "Zima"})),
        unit_text={"pl": "obr/min", "de": "U/min"},
    )
    assert entity.label_for("en") == "PARAM_P4_1"
    assert entity.option_labels("en") == ["3", "Zima"]
    assert entity.unit_for("de") == "U/min"
    assert entity.unit_for("en") == "obr/min"
    assert descriptor(unit="°C", unit_text={"en": "C"}).unit_for("en") == "°C"
    assert descriptor().unit_for("en") is None


# --------------------------------------------------------------------------- stored records


def test_a_command_switch_survives_json_and_still_picks_its_commands() -> None:
    rules = status_rules(
        Command("BOILER_ON_OFF", value=False), Command("BOILER_ON_OFF", value=True)
    )
    switch = descriptor(
        platform="switch",
        rules=status_rules("ON", "OFF"),
        value=(),
        write={"kind": "command", "mode": "any", "rules": rules},
        transform=TIME,
        inverse=TENTHS,
        options=ON_OFF,
    )
    again = EntityDescriptor.from_dict(json.loads(json.dumps(switch.to_dict())))
    assert again == switch
    on = command_for(again, {"P5.s3": 0}, desired=True)
    assert on == Command("BOILER_ON_OFF", value=True)


@pytest.mark.parametrize(
    ("record", "message"),
    [
        (["not", "a", "mapping"], "must be a mapping"),
        (
            {"unique_id": "u", "devid": DEVID, "token": "T", "platform": "sensor"},
            "'address'",
        ),
        (
            {
                "unique_id": "u",
                "devid": DEVID,
                "token": "T",
                "platform": "sensor",
                "address": "P4.v1",
                "value": [{"pool": "P4"}],
            },
            "malformed descriptor record u",
        ),
    ],
)
def test_unusable_records_raise_descriptor_value_error(
    record: Any, message: str
) -> None:
    with pytest.raises(DescriptorValueError, match=message):
        EntityDescriptor.from_dict(record)


def test_a_minimal_record_takes_the_defaults() -> None:
    record = {
        "unique_id": "u",
        "devid": DEVID,
        "token": "PARAM_P4_1",
        "platform": "number",
        "address": "P4.v1",
        "write": {"kind": "parameter", "pool": "P4", "parameter": "v1"},
    }
    loaded = EntityDescriptor.from_dict(record)
    assert loaded == EntityDescriptor(
        unique_id="u",
        devid=DEVID,
        token="PARAM_P4_1",
        platform="number",
        address="P4.v1",
        write={"kind": "parameter", "pool": "P4", "parameter": "v1"},
    )
    assert loaded.enabled_default
    assert loaded.to_dict()["write"] == record["write"]


def test_a_record_with_a_broken_transform_loads_without_it() -> None:
    record = descriptor(transform=TENTHS, inverse=TENTHS).to_dict()
    record["transform"] = {"kind": "cubic", "ops": []}
    record["inverse"] = "x * 10"
    loaded = EntityDescriptor.from_dict(record)
    assert loaded.transform is None
    assert loaded.inverse is None
    assert display_value(loaded, {"P4.v1": 215}) == 215


# --------------------------------------------------------------------------- shown values


def test_computed_status_values() -> None:
    diode = descriptor(
        platform="binary_sensor", value=(), rules=status_rules("ON", None)
    )
    assert display_value(diode, {}) is None  # nothing to compute from
    assert display_value(diode, {"P5.s3": 1}) is True
    assert display_value(diode, {"P5.s3": 0}) is None  # the rule list ends in null
    enum = descriptor(
        value=(), rules=status_rules("[kn.HEATING]", None), options=ON_OFF
    )
    assert display_value(enum, {"P5.s3": 1}) == "[kn.HEATING]"  # no option: the tag
    assert display_value(enum, {"P5.s3": 0}) is None


def test_missing_registers_show_nothing_and_bits_show_booleans() -> None:
    assert display_value(descriptor(), {}) is None
    bit = descriptor(platform="binary_sensor", value=(Selector("P4", 1, bit=3),), bit=3)
    assert display_value(bit, {"P4.v1": 0b1000}) is True
    assert display_value(bit, {"P4.v1": 0b0111}) is False


def test_enum_values_match_keys_case_insensitively_or_show_nothing() -> None:
    tags = descriptor(options=(Option("AUTO", {"en": "Automatic"}),))
    assert display_value(tags, {"P4.v1": "auto"}, "en") == "Automatic"
    numbers = descriptor(options=(Option(0, {"en": "Off"}), Option(2, {})))
    assert display_value(numbers, {"P4.v1": 2}, "en") == "2"
    assert display_value(numbers, {"P4.v1": 7}, "en") is None
    switch = descriptor(platform="switch", options=ON_OFF)
    assert display_value(switch, {"P4.v1": "ON"}) is True
    assert display_value(switch, {"P4.v1": "OFF"}) is False
    assert display_value(switch, {"P4.v1": "BLINK"}) is None


@pytest.mark.parametrize(
    ("transform", "raw", "shown"),
    [
        (TENTHS, 215, 21.5),
        (TENTHS, "215", "215"),  # a text register is shown as sent
        (TENTHS, 10**400, None),  # a JSON integer beyond the float range
        (TIME, 7, "01:00"),
        (TIME, 0, "Wył."),
        (TIME, 2.5, None),  # not a 10-minute step
        (TIME, -1, None),
        (Transform(kind="time_of_day_10min"), 0, None),  # "off" without a token
    ],
)
def test_transformed_values(transform: Transform, raw: Any, shown: Any) -> None:
    entity = descriptor(
        transform=transform, token_labels={"units.202.0": {"pl": "Wył."}}
    )
    assert display_value(entity, {"P4.v1": raw}, "pl") == shown


# --------------------------------------------------------------------------- limits


@pytest.mark.parametrize(
    ("registers", "limits"),
    [
        ({}, (0.5, 9.5)),
        ({"P4.n1": 20, "P4.x1": 800}, (2, 80)),
        ({"P4.n1": True, "P4.x1": "800"}, (0.5, 9.5)),
        ({"P4.n1": 10**400, "P4.x1": float("nan")}, (0.5, 9.5)),
    ],
)
def test_live_limits_are_transformed_registers_else_the_stored_ones(
    registers: dict[str, Any], limits: tuple[float, float]
) -> None:
    entity = descriptor(
        platform="number",
        transform=TENTHS,
        min_address="P4.n1",
        max_address="P4.x1",
        min=0.5,
        max=9.5,
    )
    assert live_limits(entity, registers) == limits


def test_untransformed_live_limits_are_the_registers() -> None:
    entity = descriptor(min_address="P4.n1", max_address="P4.x1", min=0, max=90)
    assert live_limits(entity, {"P4.n1": 30.5}) == (30.5, 90)
    assert live_limits(descriptor(min=1, max=2), {"P4.n1": 30}) == (1, 2)


def test_live_limits_that_are_no_number_once_shown_keep_the_stored_ones() -> None:
    entity = descriptor(transform=TIME, min_address="P4.n1", max_address="P4.x1", max=5)
    assert live_limits(entity, {"P4.n1": 1, "P4.x1": 2.5}) == (None, 5)


# --------------------------------------------------------------------------- writes


def test_options_take_a_label_a_key_or_a_state() -> None:
    select = descriptor(
        platform="select",
        options=(Option(0, {"en": "Off"}), Option(1, {"en": "On"}), Option(2, {})),
    )
    assert raw_from_display(select, "On") == 1
    assert raw_from_display(select, "2") == 2
    with pytest.raises(DescriptorValueError, match="not one of the options"):
        raw_from_display(select, "Auto")
    with pytest.raises(DescriptorValueError, match="not a two-state"):
        raw_from_display(select, value=True)
    switch = descriptor(platform="switch", options=ON_OFF)
    assert raw_from_display(switch, value=True) == "ON"


@pytest.mark.parametrize(
    "entity",
    [
        descriptor(platform="switch", bit=3),
        descriptor(platform="binary_sensor", value=(), rules=status_rules("ON", "OFF")),
    ],
)
def test_status_bits_and_rules_have_no_register_write(entity: EntityDescriptor) -> None:
    with pytest.raises(DescriptorValueError, match="command rules"):
        raw_from_display(entity, 1)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (None, "not a number"),
        (True, "not a number"),
        ([40], "not a number"),
        ("forty", "not a number"),
        ("inf", "not finite"),
        (float("nan"), "not finite"),
        (10**400, "not finite"),
    ],
)
def test_non_numbers_are_refused(value: Any, message: str) -> None:
    with pytest.raises(DescriptorValueError, match=message):
        raw_from_display(descriptor(platform="number"), value)


def test_untransformed_numbers_without_limits_or_step_pass_through() -> None:
    entity = descriptor(platform="number")
    assert raw_from_display(entity, "41") == 41
    assert raw_from_display(entity, 40.5) == 40.5
    assert (
        raw_from_display(
            descriptor(platform="number", transform=Transform(kind="arithmetic")), 7.0
        )
        == 7
    )


def test_numbers_outside_the_live_limits_are_refused() -> None:
    entity = descriptor(
        platform="number", min_address="P4.n1", max_address="P4.x1", min=0, max=90
    )
    assert raw_from_display(entity, 90) == 90
    with pytest.raises(DescriptorValueError, match=r"outside 0\.\.90"):
        raw_from_display(entity, 91)
    with pytest.raises(DescriptorValueError, match=r"outside 30\.\.60"):
        raw_from_display(entity, 70, {"P4.n1": 30, "P4.x1": 60})
    with pytest.raises(DescriptorValueError, match="outside"):
        raw_from_display(entity, -0.5)


def test_the_step_grid_starts_at_zero_without_a_minimum() -> None:
    entity = descriptor(platform="number", step=5, max=100)
    assert raw_from_display(entity, 35) == 35
    with pytest.raises(DescriptorValueError, match="multiple of 5 from 0"):
        raw_from_display(entity, 37)


def test_time_of_day_writes_invert_hh_mm() -> None:
    entity = descriptor(platform="number", transform=TIME)
    assert raw_from_display(entity, "01:00") == 7
    assert raw_from_display(entity, "units.202.0") == 0
    with pytest.raises(DescriptorValueError, match="not a time of day"):
        raw_from_display(entity, "25:00")


@pytest.mark.parametrize(
    ("inverse", "raw"),
    [
        (None, 333),  # the algebraic inverse of x * 0.1
        (Transform(kind="arithmetic", ops=(("mul", 10),)), 333),  # valuePrepare
        (Transform(kind="arithmetic", ops=(("div", 0),)), 333),  # broken valuePrepare
        (TIME, 333),  # not an arithmetic valuePrepare
    ],
)
def test_writes_use_value_prepare_else_the_algebraic_inverse(
    inverse: Transform | None, raw: int
) -> None:
    entity = descriptor(platform="number", transform=TENTHS, inverse=inverse)
    assert raw_from_display(entity, 33.3) == raw


def test_a_transform_that_cannot_be_inverted_is_a_descriptor_error() -> None:
    entity = descriptor(
        platform="number", transform=Transform(kind="arithmetic", ops=(("mul", 0),))
    )
    with pytest.raises(DescriptorValueError, match="multiplication by zero"):
        raw_from_display(entity, 0)


# --------------------------------------------------------------------------- commands


def test_commands_follow_the_wanted_value_else_the_current_state() -> None:
    rules = status_rules(
        Command("BOILER_ON_OFF", value=False), Command("BOILER_ON_OFF", value=True)
    )
    switch = descriptor(
        platform="switch", write={"kind": "command", "mode": "any", "rules": rules}
    )
    assert command_for(switch, {}, desired=False) == Command(
        "BOILER_ON_OFF", value=False
    )
    # 0 is not False: no command carries it, so the current state decides
    assert command_for(switch, {"P5.s3": 0}, desired=0) == Command(
        "BOILER_ON_OFF", value=True
    )
    assert command_for(switch, {"P5.s3": 1}) == Command("BOILER_ON_OFF", value=False)
    tags = descriptor(write={"kind": "command", "rules": status_rules("ON", "OFF")})
    assert command_for(tags, {"P5.s3": 1}) is None  # the rule chose no command
    assert command_for(descriptor(), {"P5.s3": 1}, desired=True) is None


# --------------------------------------------------------------------------- units


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("°C", HaUnit("°C", "temperature")),
        ("  KWH ", HaUnit("kWh", "energy", "total_increasing")),
        ("Moc [kW]", HaUnit("kW", "power")),
        ("Moc [nieznana]", HaUnit()),
        ("Wartość * 0.01 = °C", HaUnit("°C", "temperature")),
        ("Wartość * 0.01 = stopnie", HaUnit()),
        ("cykle", HaUnit(None, None, "total_increasing")),
        ("", HaUnit()),
        (None, HaUnit()),
    ],
)
def test_vendor_unit_texts_map_to_home_assistant_units(
    text: str | None, unit: HaUnit
) -> None:
    assert ha_unit_for_text(text) == unit
