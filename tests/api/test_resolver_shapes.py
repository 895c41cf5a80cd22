"""Resolver shapes the generated bundle does not produce (PROTOCOL.md §4.10, §5; DESIGN.md 2, 6, 8).

Hand-made parameter maps, units and i18n tables: menu titles in every accepted form,
live unit codes and limits that are junk, static limits, degenerate transforms, diodes
on computed STATUS rules, write routes that cannot be written, menu tokens that repeat
or collide, and what `compare` / `option_key_of` tell a caller.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from custom_components.bragerone.api.assets.parameters import (
    Condition,
    ParameterMap,
    Rule,
    Selector,
)
from custom_components.bragerone.api.assets.transforms import Transform
from custom_components.bragerone.api.assets.units import UnitDescriptor
from custom_components.bragerone.api.descriptor import (
    EntityDescriptor,
    Option,
    display_value,
)
from custom_components.bragerone.api.resolver import (
    ResolveResult,
    Skipped,
    compare,
    option_key_of,
    resolve_label,
    resolve_module,
    route_title,
)

DEVID = "FTTCTBSLCE"
TEXTS: dict[tuple[str, str], str] = {
    ("units.1", "pl"): "°C",
    ("units.1", "en"): "°C",
    ("units.49", "en"): "kW",
    ("units.40.off", "en"): "Off",
    ("units.40.on", "en"): "On",
    ("units.41.low", "en"): "Low",
    ("units.41.high", "en"): "High",
    ("routes.boiler", "pl"): "Kocioł",
    ("routes.boiler", "en"): "Boiler",
    ("menu.MAINMENU_SERWIS", "en"): "Service",
    ("parameters.PARAM_P4_1", "en"): "Boiler temperature",
}
UNITS: dict[int, UnitDescriptor] = {
    1: UnitDescriptor(code=1, text_token="units.1"),
    40: UnitDescriptor(
        code=40, options=(("OFF", "units.40.off"), ("ON", "units.40.on"))
    ),
    41: UnitDescriptor(
        code=41, options=(("LOW", "units.41.low"), ("HIGH", "units.41.high"))
    ),
    49: UnitDescriptor(code=49, text_token="units.49"),
    50: UnitDescriptor(
        code=50,
        text_token="units.1",
        transform=Transform(kind="arithmetic", ops=(("mul", 0),)),
    ),
    51: UnitDescriptor(
        code=51,
        text_token="units.1",
        transform=Transform(kind="arithmetic", ops=(("mul", 0.5),)),
    ),
}


@dataclass(frozen=True)
class MenuParameter:
    """Stand-in for ``assets.menu.MenuParameter`` (same fields)."""

    token: str
    section: str = "read"
    route: str | None = None
    titles: Any = ()


def translate(token: str, language: str) -> str | None:
    """Return the text of ``token`` from `TEXTS`."""
    return TEXTS.get((token, language))


def value_map(token: str, index: int, **kwargs: Any) -> ParameterMap:
    """Return a map reading ``P4.v<index>``."""
    return ParameterMap(token=token, value=(Selector("P4", index),), **kwargs)


def resolve(
    maps: list[ParameterMap],
    menu: list[MenuParameter] | None = None,
    registers: dict[str, Any] | None = None,
) -> ResolveResult:
    """Resolve ``maps`` (menu: each token once, read section, unless given)."""
    return resolve_module(
        devid=DEVID,
        menu_parameters=menu or [MenuParameter(m.token) for m in maps],
        parameter_maps={m.token: m for m in maps},
        units=UNITS,
        translate=translate,
        registers=registers or {},
    )


def only(result: ResolveResult, token: str) -> EntityDescriptor:
    """Return the one descriptor of ``token``."""
    found = [d for d in result.descriptors if d.token == token]
    assert len(found) == 1, result
    return found[0]


# --------------------------------------------------------------------------- labels


def test_an_empty_label_token_has_no_text() -> None:
    assert resolve_label(None, "en", translate) is None
    assert resolve_label("", "en", translate) is None


def test_route_titles_try_routes_and_menu_prefixes_then_keep_the_token() -> None:
    assert route_title("boiler", "pl", translate) == "Kocioł"
    assert route_title("routes.boiler", "en", translate) == "Boiler"
    assert route_title("MAINMENU_SERWIS", "en", translate) == "Service"
    assert route_title("MAINMENU_NIEZNANE", "en", translate) == "MAINMENU_NIEZNANE"


@pytest.mark.parametrize(
    ("titles", "expected"),
    [
        (
            ("routes.boiler", "MAINMENU_NIEZNANE"),
            {
                "pl": ["Kocioł", "MAINMENU_NIEZNANE"],
                "en": ["Boiler", "MAINMENU_NIEZNANE"],
            },
        ),
        (
            {"pl": ("Kocioł", "Ustawienia"), "en": "not a list"},
            {"pl": ["Kocioł", "Ustawienia"]},
        ),
        (
            ({"pl": "Kocioł", "en": "Boiler"}, {"pl": "Ustawienia"}),
            {"pl": ["Kocioł", "Ustawienia"], "en": ["Boiler", "Ustawienia"]},
        ),
        (None, {}),
        ("routes.boiler", {}),
    ],
)
def test_menu_path_accepts_every_title_form(
    titles: Any, expected: dict[str, list[str]]
) -> None:
    result = resolve(
        [value_map("PARAM_P4_1", 1, unit=1)],
        [MenuParameter("PARAM_P4_1", titles=titles)],
        {"P4.v1": 20},
    )
    assert only(result, "PARAM_P4_1").menu_path == expected


# --------------------------------------------------------------------------- live registers


@pytest.mark.parametrize(
    ("live_unit", "code", "unit"),
    [
        (49, 49, "kW"),
        ("49", 49, "kW"),
        ("49.5", 1, "°C"),
        ("abc", 1, "°C"),
        (True, 1, "°C"),
        ("1e400", 1, "°C"),
        (10**400, 1, "°C"),
    ],
)
def test_only_an_integral_live_unit_overrides_the_maps_unit(
    live_unit: object, code: int, unit: str
) -> None:
    result = resolve(
        [value_map("PARAM_P4_1", 1, unit=1)],
        registers={"P4.v1": 20, "P4.u1": live_unit},
    )
    descriptor = only(result, "PARAM_P4_1")
    assert descriptor.unit_code == code
    assert descriptor.unit == unit


@pytest.mark.parametrize(
    ("registers", "low", "high"),
    [
        ({}, 5, 80),
        ({"P4.n2": 10}, 10, 80),
        ({"P4.n2": "12", "P4.x2": "70.5"}, 12, 70.5),
        ({"P4.n2": "nan", "P4.x2": 10**400}, 5, 80),
        ({"P4.n2": False, "P4.x2": "inf"}, 5, 80),
    ],
)
def test_static_limits_fill_in_for_missing_or_junk_live_limits(
    registers: dict[str, Any], low: float, high: float
) -> None:
    pmap = value_map("PARAM_P4_2", 2, unit=1, limits=(5, 80))
    result = resolve(
        [pmap], [MenuParameter("PARAM_P4_2", "write")], {"P4.v2": 20, **registers}
    )
    descriptor = only(result, "PARAM_P4_2")
    assert descriptor.platform == "number"
    assert (descriptor.min, descriptor.max) == (low, high)


def test_a_transform_gives_the_step_and_scales_the_limits() -> None:
    pmap = value_map("PARAM_P4_3", 3, unit=51, limits=(0, 100))
    result = resolve([pmap], [MenuParameter("PARAM_P4_3", "write")], {"P4.v3": 40})
    descriptor = only(result, "PARAM_P4_3")
    assert (descriptor.min, descriptor.max, descriptor.step) == (0, 50, 0.5)
    assert display_value(descriptor, {"P4.v3": 41}) == 20.5


def test_a_transform_without_slope_falls_back_to_step_one() -> None:
    pmap = value_map("PARAM_P4_3", 3, unit=50)
    result = resolve([pmap], [MenuParameter("PARAM_P4_3", "write")], {"P4.v3": 40})
    assert only(result, "PARAM_P4_3").step == 1


def test_a_writable_map_without_selectors_is_a_number_without_write_route() -> None:
    result = resolve(
        [ParameterMap(token="PARAM_P4_7")], [MenuParameter("PARAM_P4_7", "write")]
    )
    descriptor = only(result, "PARAM_P4_7")
    assert descriptor.address == "P4.v7"
    assert descriptor.platform == "number"
    assert descriptor.step == 1
    assert (descriptor.min, descriptor.max) == (None, None)
    assert descriptor.writable
    assert descriptor.write is None


# --------------------------------------------------------------------------- platforms and writes


def _status_map(token: str, unit: int) -> ParameterMap:
    """Return a computed STATUS map: ``P5.s3 == 1`` → first option, else the second."""
    keys = [key for key, _token in UNITS[unit].options]
    condition = Condition("equalTo", 1, (Selector("P5", 3, "s"),))
    return ParameterMap(
        token=token,
        unit=unit,
        rules=(Rule("if", (condition,), keys[1]), Rule("else", (), keys[0])),
    )


def test_a_two_state_status_with_an_on_tag_is_a_diode() -> None:
    read = resolve([_status_map("STATUS_P5_3", 40)], registers={"P5.s3": 1})
    diode = only(read, "STATUS_P5_3")
    assert diode.platform == "binary_sensor"
    assert diode.address == "P5.s3"
    assert display_value(diode, {"P5.s3": 1}) is True
    assert display_value(diode, {"P5.s3": 0}) is False

    written = resolve(
        [_status_map("STATUS_P5_3", 40)],
        [MenuParameter("STATUS_P5_3", "write")],
        {"P5.s3": 1},
    )
    switch = only(written, "STATUS_P5_3")
    assert switch.platform == "switch"
    assert switch.write is None  # no command rules: nothing to send


def test_a_two_state_status_without_an_on_tag_is_an_enum_sensor() -> None:
    result = resolve([_status_map("STATUS_P5_3", 41)], registers={"P5.s3": 1})
    descriptor = only(result, "STATUS_P5_3")
    assert descriptor.platform == "sensor"
    assert descriptor.device_class == "enum"
    assert display_value(descriptor, {"P5.s3": 1}, "en") == "High"
    assert display_value(descriptor, {"P5.s3": 0}, "en") == "Low"


def test_write_routes_name_only_what_the_map_has() -> None:
    plain = value_map("PARAM_P4_9", 9)
    status = ParameterMap(token="PARAM_S", value=(Selector("P5", 4, "s"),))
    result = resolve(
        [plain, status],
        [MenuParameter("PARAM_P4_9", "write"), MenuParameter("PARAM_S", "write")],
        {"P4.v9": 5, "P5.s4": 2},
    )
    assert only(result, "PARAM_P4_9").write == {
        "kind": "parameter",
        "pool": "P4",
        "parameter": "v9",
    }
    status_descriptor = only(result, "PARAM_S")
    assert status_descriptor.address == "P5.s4"
    assert status_descriptor.writable
    assert status_descriptor.write is None  # only v registers take parameter writes


# --------------------------------------------------------------------------- menu tokens


def test_the_first_placement_of_a_token_decides_its_section() -> None:
    result = resolve(
        [value_map("PARAM_P4_1", 1, unit=1)],
        [
            MenuParameter("PARAM_P4_1", "read", "modules.menu.info"),
            MenuParameter("PARAM_P4_1", "write", "modules.menu.settings"),
        ],
        {"P4.v1": 20},
    )
    descriptor = only(result, "PARAM_P4_1")
    assert (descriptor.section, descriptor.route) == ("read", "modules.menu.info")
    assert not descriptor.writable
    assert descriptor.platform == "sensor"


def test_widgets_and_colliding_addresses_are_skipped_with_a_reason() -> None:
    result = resolve(
        [
            value_map("PARAM_P4_1", 1, unit=1),
            value_map("PARAM_ALIAS", 1, unit=1),
            ParameterMap(token="PASSWORD_INSTALATORA", component="PasswordInput"),
        ],
        registers={"P4.v1": 20},
    )
    assert [d.token for d in result.descriptors] == ["PARAM_P4_1"]
    assert result.skipped == (
        Skipped("PARAM_ALIAS", "duplicate_address"),
        Skipped("PASSWORD_INSTALATORA", "not_entity"),
    )
    assert only(result, "PARAM_P4_1").label == {"en": "Boiler temperature"}


# --------------------------------------------------------------------------- compare and options


def _descriptor(uid: str) -> EntityDescriptor:
    return EntityDescriptor(
        unique_id=uid, devid=DEVID, token=uid, platform="sensor", address="P4.v1"
    )


def test_loss_ratio_is_the_share_of_stored_entities_a_build_would_remove() -> None:
    old = [_descriptor(uid) for uid in ("a", "b", "c", "d")]
    diff = compare(old, [*old[1:], _descriptor("e")])
    assert diff.lost == ("a",)
    assert diff.kept == ("b", "c", "d")
    assert diff.loss_ratio == 0.25
    assert compare([], old).loss_ratio == 0.0
    assert compare(old, []).loss_ratio == 1.0


def test_option_key_of_accepts_a_label_in_any_language_or_the_key() -> None:
    descriptor = EntityDescriptor(
        unique_id="u",
        devid=DEVID,
        token="PARAM_46",
        platform="select",
        address="P6.v46",
        options=(
            Option(0, {"pl": "Wyłączony", "en": "Off"}),
            Option(2, {"pl": "Lato", "en": "Summer"}),
        ),
    )
    assert option_key_of(descriptor, "Summer") == 2
    assert option_key_of(descriptor, "Wyłączony") == 0
    assert option_key_of(descriptor, "2") == 2
    assert option_key_of(descriptor, "Winter") is None
