"""Resolve a module's menu parameters into entity descriptors (PROTOCOL.md §4.10, §5; DESIGN.md 2, 6, 7, 8).

`resolve_module` is a pure function of parsed inputs (no network, no parsing): the menu
parameters the vendor web app shows this user (already gated by permissions and menu
visibility), the parameter maps, the units table, a ``translate(token, language)``
function over the i18n packs, and the module's live registers (a flat
``{"P4.v1": value}`` snapshot from a prime). It returns one `EntityDescriptor` per
visible token and the reasons the others were skipped, and fails loudly when nothing
resolves (DESIGN.md decision 2). `compare` tells what a new build would add and lose.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
import logging
from typing import Any, Final, Protocol

from .assets.errors import AssetError
from .assets.parameters import (
    Command,
    ParameterMap,
    ParameterMapLookup,
    Selector,
    compose,
    read_register,
)
from .assets.transforms import KIND_TIME_OF_DAY_10MIN, Transform
from .assets.units import UnitDescriptor, normalize_option_key, unit_for
from .descriptor import (
    ICONS,
    EntityDescriptor,
    HaUnit,
    Option,
    finite_number,
    ha_unit_for_text,
    pick_label,
)

_LOGGER = logging.getLogger(__name__)

type Translate = Callable[[str, str], str | None]
"""``translate(token, language)`` → the i18n text of ``namespace.path`` tokens, or None."""

DEFAULT_LANGUAGES: Final = ("pl", "en")
DIODE_UNITS: Final = frozenset({9994, 9996})
"""Virtual STATUS unit codes of two-state diodes (PROTOCOL.md §5.3)."""
NOT_ENTITY_COMPONENTS: Final = ("password", "menu", "view", "separator", "title")
BUTTON_COMPONENTS: Final = ("button", "action")
_MAX_HOPS: Final = 4


class MenuParameterLike(Protocol):
    """What the resolver needs of a menu parameter (``assets.menu.MenuParameter`` satisfies it).

    ``titles`` are the ancestor route titles: a sequence of texts, a mapping language →
    sequence of texts, or a sequence of per-level mappings language → text.
    """

    @property
    def token(self) -> str:
        """The parameter token (``PARAM_P4_59``)."""

    @property
    def section(self) -> str:
        """The menu section: ``read``, ``write``, ``status`` or ``special``."""

    @property
    def route(self) -> str | None:
        """The route name (``modules.menu.boiler``)."""

    @property
    def titles(self) -> Any:
        """The ancestor route titles (see the class docstring)."""


class ResolveError(AssetError):
    """A catalogue build produced nothing usable; `step` names the step that came up empty."""

    def __init__(self, message: str, *, step: str) -> None:
        """Create the error for ``step`` (``"menu"``, ``"parameter maps"``, ``"units"``, ``"entities"``)."""
        super().__init__(f"{step}: {message}")
        self.step = step


@dataclass(frozen=True, slots=True)
class Skipped:
    """A menu token that yields no entity, and why.

    Reasons: ``no_map`` (no parameter map found), ``invisible`` / ``device_unavailable``
    (status flags, §4.10), ``composite`` (``value2``..``value4``), ``not_entity`` (a
    password/menu/view/separator/title widget), ``no_address`` (no register to read),
    ``duplicate_address`` (another token already yields that unique id).
    """

    token: str
    reason: str


@dataclass(frozen=True, slots=True)
class ResolveResult:
    """The descriptors of one module and the skipped tokens."""

    descriptors: tuple[EntityDescriptor, ...]
    skipped: tuple[Skipped, ...] = ()


# --------------------------------------------------------------------------- i18n


def resolve_label(token: str | None, language: str, translate: Translate) -> str | None:
    """Return the text of an i18n token, following tokens that translate to tokens (up to 4 hops, §4.10)."""
    if not token:
        return None
    text = translate(token, language)
    hops = 0
    while isinstance(text, str) and hops < _MAX_HOPS:
        following = (
            translate(text, language) if "." in text and " " not in text else None
        )
        if not isinstance(following, str) or following == text:
            break
        text = following
        hops += 1
    return text if isinstance(text, str) else None


def _labels(
    token: str | None, languages: Sequence[str], translate: Translate
) -> dict[str, str]:
    out: dict[str, str] = {}
    for language in languages:
        text = resolve_label(token, language, translate)
        if text:
            out[language] = text
    return out


def route_title(title: str, language: str, translate: Translate) -> str:
    """Return the text of a route title token (§4.10), else the token itself.

    Tried in order: the token itself (a ``MAINMENU_*`` single-string pack, or a full
    ``routes.…`` token), ``routes.<token without "routes.">``, ``menu.<token>``.
    """
    bare = title.removeprefix("routes.")
    for candidate in dict.fromkeys((title, f"routes.{bare}", f"menu.{title}")):
        text = resolve_label(candidate, language, translate)
        if text:
            return text
    return title


def _menu_path(
    titles: Any, languages: Sequence[str], translate: Translate
) -> dict[str, list[str]]:
    """Normalise the menu parameter's titles into ``{language: [title text, …]}``.

    Accepts title tokens (``("MAINMENU_USTAWIENIA_KOTLA",)``, resolved with `route_title`),
    a mapping language → texts, or per-level mappings language → text.
    """
    if isinstance(titles, Mapping):
        return {
            str(lang): [str(t) for t in seq]
            for lang, seq in titles.items()
            if isinstance(seq, Sequence) and not isinstance(seq, str)
        }
    if not isinstance(titles, Sequence) or isinstance(titles, str):
        return {}
    if titles and all(isinstance(t, Mapping) for t in titles):
        return {
            language: [
                pick_label({str(k): str(v) for k, v in level.items()}, language) or ""
                for level in titles
            ]
            for language in languages
        }
    return {
        language: [route_title(str(t), language, translate) for t in titles]
        for language in languages
    }


# --------------------------------------------------------------------------- shapes


def _number(value: Any) -> float | None:
    """Return a finite number of a register value (numeric strings too), else None."""
    if isinstance(value, str):
        try:
            parsed = float(value)
        except ValueError:
            return None
        value = int(parsed) if parsed.is_integer() else parsed
    return finite_number(value)


def _unit_code(pmap: ParameterMap, registers: Mapping[str, Any]) -> int | None:
    """Return the live ``u`` of the value's family, else the map's unit (§4.10)."""
    if pmap.value and not pmap.rules:
        live = _number(read_register(registers, pmap.value[0].family_key("u")))
        if live is not None and float(live).is_integer():
            return int(live)
    return pmap.unit


def _options_in_range(
    pmap: ParameterMap, unit: UnitDescriptor | None, registers: Mapping[str, Any]
) -> list[tuple[int | str, str]]:
    """Return the enum options, integer keys limited to the live ``n``..``x`` range when both exist."""
    if unit is None or not unit.is_enum:
        return []
    if pmap.rules:
        return list(unit.options)
    low, high = _limit_raw(pmap, registers)
    return [
        (key, token)
        for key, token in unit.options
        if not (
            isinstance(key, int)
            and low is not None
            and high is not None
            and not low <= key <= high
        )
    ]


def _limit_selectors(pmap: ParameterMap) -> tuple[Selector | None, Selector | None]:
    family = pmap.value[0] if pmap.value else None
    low = pmap.min_value[0] if pmap.min_value else None
    high = pmap.max_value[0] if pmap.max_value else None
    if family is not None:
        low = low or Selector(family.pool, family.index, "n")
        high = high or Selector(family.pool, family.index, "x")
    return low, high


def _limit_raw(
    pmap: ParameterMap, registers: Mapping[str, Any]
) -> tuple[float | None, float | None]:
    low_sel, high_sel = _limit_selectors(pmap)
    low = _number(low_sel.word(registers)) if low_sel else None
    high = _number(high_sel.word(registers)) if high_sel else None
    if pmap.limits is not None:
        low = pmap.limits[0] if low is None else low
        high = pmap.limits[1] if high is None else high
    return low, high


def _apply(transform: Transform | None, raw: float | None) -> float | None:
    if raw is None or transform is None:
        return raw
    shown = transform.apply(raw)  # raw is a number: apply raises only for non-numbers
    return shown if isinstance(shown, int | float) else None


def _step(
    pmap: ParameterMap, transform: Transform | None, registers: Mapping[str, Any]
) -> float:
    """Return the step in display units: the transform's slope, else 0.5 for half-degree families, else 1."""
    if transform is not None and transform.kind != KIND_TIME_OF_DAY_10MIN:
        zero, one = _apply(transform, 0), _apply(transform, 1)
        slope = 0.0 if zero is None or one is None else round(abs(one - zero), 6)
        if slope > 0:
            return int(slope) if float(slope).is_integer() else slope
        return 1
    if pmap.value:
        family = pmap.value[0]
        for chan in "vnx":
            raw = read_register(registers, family.family_key(chan))
            if isinstance(raw, float) and not raw.is_integer():
                return 0.5
    return 1


def _is_diode(code: int | None, unit: UnitDescriptor | None) -> bool:
    if code in DIODE_UNITS:
        return True
    if unit is None or len(unit.options) != 2:
        return False
    keys = {str(k).upper() for k, _ in unit.options}
    return "ON" in keys


def _classify(
    pmap: ParameterMap,
    *,
    writable: bool,
    bit: int | None,
    code: int | None,
    unit: UnitDescriptor | None,
    options: list[tuple[int | str, str]],
    registers: Mapping[str, Any],
) -> str:
    """Return the platform (DESIGN.md decision 8)."""
    if pmap.rules:
        if _is_diode(code, unit):
            return "switch" if writable else "binary_sensor"
        return "sensor"
    if bit is not None:
        return "switch" if writable else "binary_sensor"
    if options:
        if not writable:
            return "sensor"
        return "switch" if len(options) == 2 else "select"
    time_of_day = (
        unit is not None
        and unit.transform is not None
        and unit.transform.kind == KIND_TIME_OF_DAY_10MIN
    )
    if (
        writable
        and not time_of_day
        and not isinstance(compose(pmap.value, registers), str)
    ):
        return "number"
    return "sensor"


def _unique_id(devid: str, address: str, bit: int | None) -> str:
    pool, _, rest = address.partition(".")
    return f"{devid}_{pool}_{rest}" + (f"_bit{bit}" if bit is not None else "")


def _family_address(pmap: ParameterMap, chan: str) -> str | None:
    if pmap.value:
        return pmap.value[0].family_key(chan)
    return None


def _write_route(
    pmap: ParameterMap, address: str, code: int | None
) -> dict[str, Any] | None:
    if pmap.command_rules:
        return {
            "kind": "command",
            "mode": pmap.command_mode,
            "rules": pmap.command_rules,
        }
    if not pmap.value or pmap.rules:
        return None
    pool, _, parameter = address.partition(".")
    if not parameter.startswith("v"):
        return None
    route: dict[str, Any] = {"kind": "parameter", "pool": pool, "parameter": parameter}
    if pmap.name:
        route["parameter_name"] = pmap.name
    if code is not None:
        route["unit"] = code
    return route


# --------------------------------------------------------------------------- build


@dataclass(frozen=True, slots=True)
class _Context:
    devid: str
    units: Mapping[int, UnitDescriptor]
    translate: Translate
    registers: Mapping[str, Any]
    languages: tuple[str, ...]


def _button(
    pmap: ParameterMap, entry: MenuParameterLike, ctx: _Context
) -> EntityDescriptor:
    commands = [r.then for r in pmap.command_rules if isinstance(r.then, Command)]
    name = commands[0].command if commands else pmap.token
    label = _labels(
        pmap.name or f"parameters.{pmap.token}", ctx.languages, ctx.translate
    )
    address, _bit = pmap.address()
    return EntityDescriptor(
        unique_id=f"{ctx.devid}_command_{name}",
        devid=ctx.devid,
        token=pmap.token,
        platform="button",
        address=address or "",
        label=label,
        menu_path=_menu_path(entry.titles, ctx.languages, ctx.translate),
        route=entry.route,
        section=entry.section,
        writable=True,
        write=_write_route(pmap, address or "", None),
        icon=ICONS.get(pmap.icon or ""),
        component=pmap.component,
    )


def _describe(
    pmap: ParameterMap,
    entry: MenuParameterLike,
    address: str,
    bit: int | None,
    ctx: _Context,
) -> EntityDescriptor:
    registers = ctx.registers
    writable = entry.section == "write"
    code = _unit_code(pmap, registers)
    unit = unit_for(ctx.units, code)
    options = _options_in_range(pmap, unit, registers)
    platform = _classify(
        pmap,
        writable=writable,
        bit=bit,
        code=code,
        unit=unit,
        options=options,
        registers=registers,
    )
    option_records: tuple[Option, ...] = ()
    if platform in {"select", "sensor", "switch"} and options and bit is None:
        # A switch is the two options within the live range; a select or a read-only
        # enum keeps the unit's whole table: the controller may report a value outside
        # today's n..x, and a select cuts its choices to the live limits at runtime.
        table = options if platform == "switch" else list(unit.options) if unit else []
        option_records = tuple(
            Option(key, _labels(token, ctx.languages, ctx.translate) or {"": token})
            for key, token in table
        )
    unit_text: dict[str, str] | None = None
    if unit is not None and not unit.options and unit.text_token:
        unit_text = _labels(unit.text_token, ctx.languages, ctx.translate) or None
    transform = unit.transform if unit is not None else None
    token_labels: dict[str, dict[str, str]] = {}
    if transform is not None and transform.off_token:
        token_labels[transform.off_token] = _labels(
            transform.off_token, ctx.languages, ctx.translate
        )
    raw = None if pmap.rules else compose(pmap.value, registers)
    textual = isinstance(raw, str) or (
        transform is not None and transform.kind == KIND_TIME_OF_DAY_10MIN
    )
    ha = HaUnit(None, None, None)
    numeric = (
        platform in {"sensor", "number"}
        and not option_records
        and not pmap.rules
        and not textual
    )
    if numeric:
        symbol = None
        if unit_text:
            symbol = unit_text.get("en") or next(iter(unit_text.values()))
        ha = ha_unit_for_text(symbol)
        if len(pmap.value) > 1:  # a multi-register word is a counter (§5.4)
            ha = HaUnit(ha.unit, ha.device_class, "total_increasing")
    device_class = ha.device_class
    state_class = ha.state_class if platform == "sensor" else None
    if platform == "sensor" and option_records:
        device_class, state_class = "enum", None
    low = high = step = None
    if platform == "select":  # raw keys: the stored fallback of the live limits
        low, high = _limit_raw(pmap, registers)
    if platform == "number":
        low_raw, high_raw = _limit_raw(pmap, registers)
        low, high = _apply(transform, low_raw), _apply(transform, high_raw)
        step = _step(pmap, transform, registers)
    low_sel, high_sel = _limit_selectors(pmap)
    label = _labels(
        pmap.name or f"parameters.{pmap.token}", ctx.languages, ctx.translate
    )
    diagnostic = platform == "sensor" and isinstance(raw, str)
    # The controller's own display language (unit 37, options ``app.lang.*``) is a
    # setting nobody changes from Home Assistant: keep it, but disabled, as config.
    ui_language = bool(options) and all(
        token.startswith("app.lang.") for _key, token in options
    )
    icon: str | None = None
    if device_class is None:
        icon = ICONS.get(pmap.component.upper()) if pmap.component else None
        icon = icon or (ICONS.get(pmap.icon) if pmap.icon else None)
    return EntityDescriptor(
        unique_id=_unique_id(ctx.devid, address, bit),
        devid=ctx.devid,
        token=pmap.token,
        platform=platform,
        address=address,
        bit=bit,
        value=pmap.value,
        rules=pmap.rules,
        unit_address=_family_address(pmap, "u"),
        min_address=low_sel.key if low_sel else None,
        max_address=high_sel.key if high_sel else None,
        status_address=_family_address(pmap, "s") or (address if pmap.rules else None),
        unit_code=code,
        unit_text=unit_text,
        unit=ha.unit,
        device_class=device_class,
        state_class=state_class,
        label=label,
        menu_path=_menu_path(entry.titles, ctx.languages, ctx.translate),
        route=entry.route,
        section=entry.section,
        options=option_records,
        token_labels=token_labels,
        min=low,
        max=high,
        step=step,
        transform=transform,
        inverse=unit.inverse if unit is not None else None,
        writable=writable,
        write=_write_route(pmap, address, code) if writable else None,
        entity_category="diagnostic"
        if diagnostic
        else "config"
        if ui_language
        else None,
        enabled_default=not (diagnostic or ui_language),
        icon=icon,
        component=pmap.component,
    )


def resolve_module(
    *,
    devid: str,
    menu_parameters: Iterable[MenuParameterLike],
    parameter_maps: Mapping[str, ParameterMap] | ParameterMapLookup,
    units: Mapping[int, UnitDescriptor],
    translate: Translate,
    registers: Mapping[str, Any],
    languages: Sequence[str] = DEFAULT_LANGUAGES,
) -> ResolveResult:
    """Resolve one module's visible menu parameters into entity descriptors (PROTOCOL.md §4.10).

    Args:
        devid: The module's device id.
        menu_parameters: What the vendor menu shows this user, in menu order (already
            gated by permissions, installer routes, side-menu and path rules). The first
            placement of a token decides its section and route.
        parameter_maps: Maps by token, or a `ParameterMapLookup` to ask.
        units: The units table (`find_units_table`).
        translate: ``translate(token, language)`` over the i18n packs.
        registers: The module's registers from a prime (flat ``{"P4.v1": value}``).
        languages: Languages of labels, option labels and unit texts.

    Returns:
        One descriptor per visible token (hidden by ``INVISIBLE``/``DEVICE_AVAILABLE``,
        composite, widget-only or unresolved tokens are listed in ``skipped``).

    Raises:
        ResolveError: No menu parameters (step ``menu``), empty units table (``units``),
            no parameter map resolved (``parameter maps``), or no entity left (``entities``).

    """
    entries = list(menu_parameters)
    if not entries:
        msg = f"module {devid}: the menu lists no parameters"
        raise ResolveError(msg, step="menu")
    if not units:
        msg = "the units table is empty"
        raise ResolveError(msg, step="units")
    ctx = _Context(devid, units, translate, registers, tuple(languages))
    lookup: Callable[[str], ParameterMap | None] = (
        parameter_maps.lookup
        if isinstance(parameter_maps, ParameterMapLookup)
        else parameter_maps.get
    )
    descriptors: list[EntityDescriptor] = []
    skipped: list[Skipped] = []
    seen: set[str] = set()
    unique_ids: set[str] = set()
    maps_found = 0
    for entry in entries:
        token = entry.token
        if token in seen:
            continue
        seen.add(token)
        pmap = lookup(token)
        if pmap is None:
            skipped.append(Skipped(token, "no_map"))
            continue
        maps_found += 1
        component = (pmap.component or "").lower()
        if any(word in component for word in NOT_ENTITY_COMPONENTS):
            skipped.append(Skipped(token, "not_entity"))
            continue
        reason = pmap.hidden_reason(registers, devid)
        if reason is not None:
            skipped.append(Skipped(token, reason))
            continue
        if any(word in component for word in BUTTON_COMPONENTS):
            descriptor = _button(pmap, entry, ctx)
        else:
            address, bit = pmap.address()
            if address is None:
                skipped.append(Skipped(token, "no_address"))
                continue
            descriptor = _describe(pmap, entry, address, bit, ctx)
        if descriptor.unique_id in unique_ids:
            skipped.append(Skipped(token, "duplicate_address"))
            continue
        unique_ids.add(descriptor.unique_id)
        descriptors.append(descriptor)
    if maps_found == 0:
        msg = f"module {devid}: none of {len(seen)} menu tokens has a parameter map"
        raise ResolveError(msg, step="parameter maps")
    if not descriptors:
        msg = f"module {devid}: every one of {len(seen)} menu tokens was skipped"
        raise ResolveError(msg, step="entities")
    return ResolveResult(tuple(descriptors), tuple(skipped))


# --------------------------------------------------------------------------- compare


@dataclass(frozen=True, slots=True)
class Comparison:
    """What a new build changes against stored descriptors (by unique id).

    Attributes:
        added: Unique ids only in the new build.
        lost: Unique ids only in the stored descriptors (what the new build would remove).
        changed: Unique ids in both whose platform or address differ.
        kept: Unique ids in both.

    """

    added: tuple[str, ...]
    lost: tuple[str, ...]
    changed: tuple[str, ...]
    kept: tuple[str, ...] = ()

    @property
    def shrinks(self) -> bool:
        """Return True when the new build would lose entities (DESIGN.md decision 2)."""
        return bool(self.lost)

    @property
    def loss_ratio(self) -> float:
        """Return the fraction of the stored entities the new build would lose (0.0 when nothing was stored)."""
        stored = len(self.lost) + len(self.kept)
        return len(self.lost) / stored if stored else 0.0


def compare(
    old: Iterable[EntityDescriptor], new: Iterable[EntityDescriptor]
) -> Comparison:
    """Compare stored descriptors with a new build: unique ids added, lost, and with another platform or address."""
    before = {d.unique_id: d for d in old}
    after = {d.unique_id: d for d in new}
    changed = tuple(
        uid
        for uid in before.keys() & after.keys()
        if (before[uid].platform, before[uid].address)
        != (after[uid].platform, after[uid].address)
    )
    return Comparison(
        added=tuple(sorted(after.keys() - before.keys())),
        lost=tuple(sorted(before.keys() - after.keys())),
        changed=tuple(sorted(changed)),
        kept=tuple(sorted(before.keys() & after.keys())),
    )


def option_key_of(descriptor: EntityDescriptor, label: str) -> int | str | None:
    """Return the option key whose label (any language) or key equals ``label``, else None."""
    wanted = normalize_option_key(label)
    for option in descriptor.options:
        if option.key == wanted or label in option.label.values():
            return option.key
    return None
