"""Resolver against the generated bundle's ground truth (PROTOCOL.md §4.10, §5; DESIGN.md 2, 6, 8).

The menu input is taken from the ground truth (what the vendor menu shows this user:
the visible entries plus the ones hidden by status flags); everything else (maps, units,
labels, values) comes from parsing the generated bundle with our own reader.
"""

from __future__ import annotations

from collections.abc import Mapping
import contextlib
from dataclasses import dataclass
from functools import cache
import json
import random
from typing import Any

import pytest

from custom_components.bragerone.api.assets import AssetError, parse
from custom_components.bragerone.api.assets.discovery import read_index
from custom_components.bragerone.api.assets.menu import parse_menu, visible_parameters
from custom_components.bragerone.api.assets.parameters import (
    ParameterMap,
    ParameterMapLookup,
    Selector,
)
from custom_components.bragerone.api.assets.units import (
    UnitDescriptor,
    UnitsTableNotFoundError,
    find_units_table,
)
from custom_components.bragerone.api.descriptor import (
    DescriptorValueError,
    EntityDescriptor,
    command_for,
    display_value,
    raw_from_display,
)
from custom_components.bragerone.api.resolver import (
    ResolveError,
    ResolveResult,
    compare,
    resolve_label,
    resolve_module,
)
from simulator.modules import MODULES, module_by_devid
from simulator.webapp import Bundle, generate_bundle

CASES = [(seed, False) for seed in range(6)] + [(0, True)]
LANGS = ("pl", "en")
FLAG_REASONS = {"invisible", "device_unavailable"}


@dataclass(frozen=True)
class MenuParameter:
    """Stand-in for ``assets.menu.MenuParameter`` (same fields)."""

    token: str
    section: str
    route: str | None
    titles: tuple[str, ...] = ()


@dataclass
class Parsed:
    bundle: Bundle
    lookup: ParameterMapLookup
    units: dict[int, UnitDescriptor]
    packs: dict[str, dict[str, Any]]

    def translate(self, token: str, language: str) -> str | None:
        namespace, _, path = token.partition(".")
        pack = self.packs.get(language, {}).get(namespace.lower())
        if pack is None:
            return None
        node: Any = pack
        if path:
            for part in path.split("."):
                if not isinstance(node, Mapping) or part not in node:
                    return None
                node = node[part]
        return node if isinstance(node, str) else None


@cache
def parsed(seed: int, *, readable: bool) -> Parsed:
    bundle = generate_bundle(seed, readable=readable)
    index = parse(bundle.files[bundle.index_path])
    files = {p.rsplit("/", 1)[-1]: src for p, src in bundle.files.items()}
    packs: dict[str, dict[str, Any]] = {}
    for key, spec in index.import_table(lambda k: "/languages/" in k).items():
        lang, namespace = key.rsplit("/", 2)[-2:]
        source = files.get(spec.rsplit("/", 1)[-1])
        if source is None:
            continue
        packs.setdefault(lang, {})[namespace.removesuffix(".json").lower()] = parse(
            source
        ).default_export()
    chunks = {}
    for key, spec in index.import_table(lambda k: "/parameters/" in k).items():
        token = key.rsplit("/", 1)[-1].split(".", 1)[0]  # ".../write/PARAM_66.ts"
        chunks[token] = parse(files[spec.rsplit("/", 1)[-1]])
    return Parsed(
        bundle, ParameterMapLookup(index, chunks), find_units_table(index), packs
    )


def flat_registers(devid: str) -> dict[str, Any]:
    nested = module_by_devid(devid).initial_registers()
    return {
        f"{pool}.{key}": value
        for pool, family in nested.items()
        for key, value in family.items()
    }


def menu_of(truth: dict[str, Any]) -> list[MenuParameter]:
    out = [
        MenuParameter(e["token"], e["section"], e["route"], (e["route"],))
        for e in truth["visible"]
    ]
    out += [
        MenuParameter(h["token"], "read", None)
        for h in truth["hidden"]
        if h["reason"] in FLAG_REASONS
    ]
    out += [MenuParameter(a["token"], "write", a["route"]) for a in truth["actions"]]
    return out


def resolve(
    seed: int, devid: str, *, readable: bool
) -> tuple[Parsed, dict[str, Any], ResolveResult]:
    p = parsed(seed, readable=readable)
    truth = p.bundle.ground_truth["modules"][devid]
    return (
        p,
        truth,
        resolve_module(
            devid=devid,
            menu_parameters=menu_of(truth),
            parameter_maps=p.lookup,
            units=p.units,
            translate=p.translate,
            registers=flat_registers(devid),
        ),
    )


def _same(ours: Any, expected: Any) -> bool:
    if isinstance(expected, float) or isinstance(ours, float):
        return (
            isinstance(ours, int | float)
            and isinstance(expected, int | float)
            and abs(ours - expected) < 1e-9
        )
    return bool(ours == expected)


def check_against_truth(
    result: ResolveResult, truth: dict[str, Any], devid: str
) -> None:
    """Assert that every visible ground-truth entry has one matching descriptor and nothing else."""
    by_token = {d.token: d for d in result.descriptors}
    assert len(by_token) == len(result.descriptors)
    registers = flat_registers(devid)
    for entry in truth["visible"]:
        token = entry["token"]
        assert token in by_token, (
            token,
            [s for s in result.skipped if s.token == token],
        )
        d = by_token[token]
        where = f"{devid} {token}"
        assert d.unique_id == entry["unique_id"], where
        assert d.address == entry["address"], where
        assert d.bit == entry["bit"], where
        assert d.platform == entry["platform"], where
        assert d.label == entry["label"], where
        assert d.writable == entry["writable"], where
        assert (d.route, d.section) == (entry["route"], entry["section"]), where
        assert d.unit_code == entry["unit_code"], where
        if entry["unit"] is not None:
            assert d.unit_text == entry["unit"], where
        else:
            assert d.unit_text is None or not all(
                d.unit_text.get(lang) for lang in LANGS
            ), where
        if entry["platform"] in {"select", "sensor"}:
            ours = (
                {lang: d.option_labels(lang) for lang in LANGS} if d.options else None
            )
            assert ours == entry["options"], where
        for key in ("min", "max", "step"):
            assert _same(getattr(d, key), entry[key]), (where, key)
        for lang in LANGS:
            value = entry["value"]
            expected = value[lang] if isinstance(value, dict) else value
            shown = display_value(d, registers, lang)
            assert _same(shown, expected), (where, lang, shown, expected)
    visible = {e["token"] for e in truth["visible"]}
    for hidden in truth["hidden"]:
        assert hidden["token"] not in by_token or hidden["token"] in visible, hidden
    extra = set(by_token) - visible
    assert extra <= {a["token"] for a in truth["actions"]}
    assert all(by_token[t].platform == "button" for t in extra)


@pytest.mark.parametrize(("seed", "readable"), CASES)
def test_every_visible_entry_matches_ground_truth(seed: int, readable: bool) -> None:
    modules = generate_bundle(seed, readable=readable).ground_truth["modules"]
    for devid in modules:
        _p, truth, result = resolve(seed, devid, readable=readable)
        check_against_truth(result, truth, devid)


@pytest.mark.parametrize(("seed", "readable"), CASES)
def test_full_chain_with_the_menu_reader(seed: int, readable: bool) -> None:
    """Discovery's menu reader gates the menu; the resolver turns it into the ground truth."""
    p = parsed(seed, readable=readable)
    bundle = p.bundle
    assets = read_index(
        bundle.files[bundle.index_path], "http://127.0.0.1:1" + bundle.index_path
    )
    for module in MODULES:
        menu_url = assets.menu_url(module.device_menu)
        menu = parse_menu(bundle.files["/" + menu_url.split("/", 3)[3]])
        result = resolve_module(
            devid=module.devid,
            menu_parameters=visible_parameters(menu, module.permissions),
            parameter_maps=p.lookup,
            units=p.units,
            translate=p.translate,
            registers=flat_registers(module.devid),
        )
        check_against_truth(
            result, bundle.ground_truth["modules"][module.devid], module.devid
        )
        for d in result.descriptors:
            for lang in LANGS:
                path = d.menu_path[lang]
                assert path, d.token
                assert all(" " in t or not t.isupper() for t in path), (d.token, path)


def test_descriptors_round_trip_through_json() -> None:
    _p, _truth, result = resolve(1, "FTTCTBSLCE", readable=False)
    registers = flat_registers("FTTCTBSLCE")
    for d in result.descriptors:
        data = json.loads(json.dumps(d.to_dict()))
        data["from_the_future"] = {"ignored": True}
        again = EntityDescriptor.from_dict(data)
        assert again == d
        assert display_value(again, registers, "en") == display_value(
            d, registers, "en"
        )


def test_half_degree_number_keeps_floats_on_display_and_write() -> None:
    _p, _truth, result = resolve(0, "MXHTQ7KD2A", readable=False)
    d = next(x for x in result.descriptors if x.token == "OBIEG2_NASTAWA")
    assert d.platform == "number"
    assert d.step == 0.5
    assert display_value(d, {"P6.v1": 40.5}) == 40.5
    assert raw_from_display(d, 40.5) == 40.5
    assert d.max is not None
    with pytest.raises(DescriptorValueError):
        raw_from_display(d, d.max + 1)
    with pytest.raises(DescriptorValueError):
        raw_from_display(d, 40.25)  # not on the 0.5 grid


def test_writes_apply_the_inverse_unit_transform() -> None:
    _p, _truth, result = resolve(2, "FTTCTBSLCE", readable=False)
    by_token = {d.token: d for d in result.descriptors}
    power = by_token["PARAM_P10_2"]  # kW, x0.1 with toFixed(1)
    assert power.write == {
        "kind": "parameter",
        "pool": "P10",
        "parameter": "v2",
        "parameter_name": "parameters.PARAM_P10_2",
        "unit": 49,
    }
    assert raw_from_display(power, 33.3) == 333
    correction = by_token["PARAM_36"]  # (x - 127) * 0.5
    assert raw_from_display(correction, -2.5) == 122
    assert raw_from_display(by_token["PARAM_64"], 300) == 60  # x5
    select = by_token["PARAM_46"]
    assert raw_from_display(select, "Lato") == raw_from_display(select, "Summer") == 2
    with pytest.raises(DescriptorValueError):
        raw_from_display(select, "nope")
    switch = by_token["PARAM_47"]  # two-state enum as a switch
    assert raw_from_display(switch, value=False) == 0
    assert raw_from_display(switch, value=True) == 1


def test_command_switch_carries_its_rules() -> None:
    _p, _truth, result = resolve(3, "FTTCTBSLCE", readable=False)
    start = next(d for d in result.descriptors if d.token == "URUCHOMIENIE_KOTLA")
    assert start.platform == "switch"
    assert start.write is not None
    assert start.write["kind"] == "command"
    stop, run = command_for(start, {"P5.s0": 1}), command_for(start, {"P5.s0": 0})
    wanted = command_for(start, {}, desired=True)
    assert stop is not None
    assert run is not None
    assert wanted is not None
    assert stop.value is False
    assert run.value is True
    assert wanted.command == "BOILER_ON_OFF"


def test_flags_hide_and_missing_registers_show() -> None:
    p, truth, _result = resolve(4, "FTTCTBSLCE", readable=False)
    hidden = [h["token"] for h in truth["hidden"] if h["reason"] in FLAG_REASONS]
    assert hidden
    menu = [MenuParameter(t, "read", None) for t in hidden]
    with pytest.raises(ResolveError) as caught:
        resolve_module(
            devid="FTTCTBSLCE",
            menu_parameters=menu,
            parameter_maps=p.lookup,
            units=p.units,
            translate=p.translate,
            registers=flat_registers("FTTCTBSLCE"),
        )
    assert caught.value.step == "entities"
    # without registers every flag is unknown, so everything is visible
    result = resolve_module(
        devid="FTTCTBSLCE",
        menu_parameters=menu,
        parameter_maps=p.lookup,
        units=p.units,
        translate=p.translate,
        registers={},
    )
    assert {d.token for d in result.descriptors} == set(hidden)


def test_fail_loudly_names_the_step() -> None:
    p = parsed(5, readable=False)
    kwargs: dict[str, Any] = {
        "devid": "FTTCTBSLCE",
        "parameter_maps": p.lookup,
        "units": p.units,
        "translate": p.translate,
        "registers": {},
    }
    with pytest.raises(ResolveError, match="menu"):
        resolve_module(menu_parameters=[], **kwargs)
    with pytest.raises(ResolveError) as caught:
        resolve_module(
            menu_parameters=[MenuParameter("NO_SUCH_TOKEN", "read", None)], **kwargs
        )
    assert caught.value.step == "parameter maps"
    with pytest.raises(ResolveError, match="units"):
        resolve_module(
            menu_parameters=[MenuParameter("PARAM_0", "write", None)],
            **{**kwargs, "units": {}},
        )


def test_compare_reports_what_a_new_build_would_lose() -> None:
    _p, _truth, result = resolve(0, "FTTCTBSLCE", readable=False)
    old = list(result.descriptors)
    extra = EntityDescriptor(
        unique_id="FTTCTBSLCE_P9_v1",
        devid="FTTCTBSLCE",
        token="X",
        platform="sensor",
        address="P9.v1",
    )
    new = [*old[5:], extra]
    diff = compare(old, new)
    assert diff.shrinks
    assert diff.lost == tuple(sorted(d.unique_id for d in old[:5]))
    assert diff.added == ("FTTCTBSLCE_P9_v1",)
    assert not compare(old, old).shrinks


def test_label_tokens_are_followed() -> None:
    table = {("a.b", "en"): "c.d", ("c.d", "en"): "Final", ("x.y", "en"): "Plain. Text"}

    def translate(token: str, language: str) -> str | None:
        return table.get((token, language))

    assert resolve_label("a.b", "en", translate) == "Final"
    assert resolve_label("x.y", "en", translate) == "Plain. Text"
    assert resolve_label("missing.token", "en", translate) is None


def test_unused_helpers_are_consistent() -> None:
    # a map without selectors derives its address from the token
    assert ParameterMap(token="PARAM_P4_12").address() == ("P4.v12", None)
    assert ParameterMap(token="STATUS_P5_7").address() == ("P5.s7", None)
    assert Selector("P4", 1).key == "P4.v1"


def build_from_sources(
    index_source: str, chunk_sources: dict[str, str], p: Parsed, devid: str
) -> tuple[EntityDescriptor, ...]:
    """Parse, find and resolve from (possibly damaged) sources; raises only AssetError."""
    index = parse(index_source)
    chunks = {token: parse(src) for token, src in chunk_sources.items()}
    truth = p.bundle.ground_truth["modules"][devid]
    result = resolve_module(
        devid=devid,
        menu_parameters=menu_of(truth),
        parameter_maps=ParameterMapLookup(index, chunks),
        units=find_units_table(index),
        translate=p.translate,
        registers=flat_registers(devid),
    )
    return result.descriptors


def sources(seed: int) -> tuple[str, dict[str, str]]:
    p = parsed(seed, readable=False)
    files = {path.rsplit("/", 1)[-1]: src for path, src in p.bundle.files.items()}
    index_source = p.bundle.files[p.bundle.index_path]
    index = parse(index_source)
    chunks = {
        key.rsplit("/", 1)[-1].split(".", 1)[0]: files[spec.rsplit("/", 1)[-1]]
        for key, spec in index.import_table(lambda k: "/parameters/" in k).items()
    }
    return index_source, chunks


def test_renamed_identifiers_give_the_same_descriptors() -> None:
    p = parsed(1, readable=False)
    index_source, chunks = sources(1)
    original = build_from_sources(index_source, chunks, p, "FTTCTBSLCE")
    renamed = build_from_sources(
        index_source.replace("_0x", "_q0"),
        {t: s.replace("_0x", "_q0") for t, s in chunks.items()},
        p,
        "FTTCTBSLCE",
    )
    assert renamed == original


@pytest.mark.parametrize("fraction", [0.05, 0.3, 0.5, 0.7, 0.95])
def test_truncated_index_ends_in_an_asset_error_or_a_result(fraction: float) -> None:
    p = parsed(2, readable=False)
    index_source, chunks = sources(2)
    cut = index_source[: int(len(index_source) * fraction)]
    try:
        descriptors = build_from_sources(cut, chunks, p, "FTTCTBSLCE")
    except AssetError:
        return
    visible = {
        e["token"] for e in p.bundle.ground_truth["modules"]["FTTCTBSLCE"]["visible"]
    }
    assert {d.token for d in descriptors} <= visible | {"PARAM_66"}


@pytest.mark.parametrize("damage_seed", range(8))
def test_random_byte_damage_never_escapes_as_an_unhandled_exception(
    damage_seed: int,
) -> None:
    p = parsed(3, readable=False)
    index_source, chunks = sources(3)
    rng = random.Random(damage_seed)  # noqa: S311 - reproducible damage, not crypto
    data = bytearray(index_source.encode())
    for _ in range(40):
        data[rng.randrange(len(data))] = rng.choice(b"{}[]()'\",:;=>!0x.\\ ")
    damaged_chunks = {t: s[: rng.randrange(len(s))] for t, s in chunks.items()}
    with contextlib.suppress(AssetError):
        build_from_sources(
            data.decode(errors="replace"), damaged_chunks, p, "MXHTQ7KD2A"
        )


def test_missing_units_table_is_a_named_error() -> None:
    p = parsed(4, readable=False)
    index_source, chunks = sources(4)
    index = parse(index_source)
    table = max(
        (o for o in index.top_level_objects() if "49" in o), key=lambda o: o.size
    )
    without = (
        index_source[: table.node.start_byte]
        + "{}"
        + index_source[table.node.end_byte :]
    )
    with pytest.raises(UnitsTableNotFoundError):
        build_from_sources(without, chunks, p, "FTTCTBSLCE")


def test_time_of_day_off_and_missing_registers() -> None:
    p, _truth, result = resolve(5, "MXHTQ7KD2A", readable=False)
    start = next(
        d for d in result.descriptors if d.token == "POCZATEK_OBNIZENIA_NOCNEGO"
    )
    assert start.platform == "sensor"
    assert start.unit is None
    assert start.state_class is None
    assert display_value(start, {"P6.v12": 7}) == "01:00"
    for lang in LANGS:
        assert display_value(start, {"P6.v12": 0}, lang) == p.translate(
            "units.202.0", lang
        )
    for d in result.descriptors:
        assert display_value(d, {}) is None, d.token


def test_status_enum_without_a_matching_rule_shows_nothing() -> None:
    _p, _truth, result = resolve(0, "FTTCTBSLCE", readable=False)
    burner = next(d for d in result.descriptors if d.token == "STATUS_P5_5")
    assert burner.device_class == "enum"
    assert (
        display_value(burner, {"P5.s5": 0x3000}) is None
    )  # the rule list ends in `else: null`
    assert display_value(burner, {"P5.s5": 0x1000}, "en") == "Firing up"
