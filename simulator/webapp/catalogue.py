"""What the vendor defines: parameter maps, unit descriptors, menus and labels.

This is the seed-independent model behind the generated web-app bundle. The renderer
(`simulator.webapp.render`) spells it as obfuscated JavaScript (PROTOCOL.md §4.3 to §4.9);
the ground truth (`simulator.webapp.truth`) evaluates it in plain Python.

* `Sel` is an address selector of PROTOCOL.md §4.5 (`{group, number, use, bit?, mask?,
  convert?, times?}`).
* `Rule`/`Cond` are the computed STATUS and command rules of §4.5/§4.6.
* `Unit` is one entry of the hex-keyed units descriptor table of §4.7.
* `Param` is one parameter map (token → map) and how it is delivered (inline builder,
  literal, or a dedicated chunk).
* `Route`/`Entry` are the vue-router-like menu nodes of §4.4.

Polish labels come from the real boiler data (`simulator/data/pl_pool_labels.json`,
`pl_units.json`); the English ones are ours.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
import json
from typing import Any

from simulator.modules import DATA_DIR

type Tag = str
"""An enum member name used as a computed STATUS tag (``"WORK"``, ``"ON"``)."""


@dataclass(frozen=True, kw_only=True)
class Sel:
    """Address selector: register ``<pool>.<chan><index>`` plus bit/mask/convert/times (§4.5, §5.4)."""

    pool: str
    index: int
    chan: str = "v"
    bit: int | None = None
    mask: int | None = None
    convert: bool = False
    times: int | None = None

    @property
    def key(self) -> str:
        """The register key, e.g. ``"P4.v59"``."""
        return f"{self.pool}.{self.chan}{self.index}"


@dataclass(frozen=True)
class Regex:
    """A JavaScript regular-expression literal used by ``matches``/``notMatches``."""

    pattern: str
    flags: str = ""


@dataclass(frozen=True, kw_only=True)
class Cond:
    """One condition ``{operation, expected, value: [selectors]}`` (§4.6)."""

    op: str
    expected: int | bool | Regex | None
    value: tuple[Sel, ...]


@dataclass(frozen=True, kw_only=True)
class Command:
    """A command-rule result ``{command, value}`` (raw command name and its value)."""

    name: str
    value: Any


@dataclass(frozen=True, kw_only=True)
class Rule:
    """One rule of a rule list: ``if``/``elseif`` with conditions, or ``else``.

    `then` is a tag (enum member name), a boolean (status flags), None, or a `Command`.
    `wrap` spells the tag as ``{value: tag}``.
    """

    kind: str
    conds: tuple[Cond, ...] = ()
    then: Any = None
    wrap: bool = False


@dataclass(frozen=True, kw_only=True)
class Transform:
    """A unit's display transform (§4.7): raw register value → shown value.

    kinds: ``mul`` (x*factor, `decimals` → ``Number(…).toFixed(decimals)``), ``offset_mul``
    ((x-offset)*factor), ``offset`` (x-offset), ``time66`` (0 → off token, else
    ``HH:MM`` of (x-1)*10 minutes).
    """

    kind: str
    factor: float = 1
    offset: int = 0
    decimals: int | None = None


@dataclass(frozen=True, kw_only=True)
class Unit:
    """A units-table descriptor: label token, enum options, transforms (§4.7).

    `options` keys are raw ints or enum tags (`str`, rendered as enum symbols); values are
    i18n tokens. `enum` names the enum object used for tag keys.
    """

    code: int
    text: str | None = None
    options: tuple[tuple[int | str, str], ...] = ()
    enum: str | None = None
    transform: Transform | None = None


@dataclass(frozen=True, kw_only=True)
class Param:
    """One parameter map of the vendor catalogue.

    `value` holds plain selectors; `rules` a computed STATUS rule list (unit from `unit`);
    `flags` the ``status`` map (flag → selectors with bit, or a rule list);
    `commands` = (``any``|``all``|``when``, rules) for command rules; `limits` adds
    ``minValue``/``maxValue`` selectors of the ``n``/``x`` registers; `form` says how the
    map is delivered (``p6``, ``pool``, ``diode``, ``mixer``, ``literal``,
    ``chunk_default``, ``chunk_const``, ``chunk_table``). The label token is `name_token`,
    else ``parameters.<token>`` (whose text is a chained ``app.one.<chain>`` token when
    `chain` is set).
    """

    token: str
    label_pl: str
    label_en: str
    value: tuple[Sel, ...] = ()
    rules: tuple[Rule, ...] = ()
    unit: int | None = None
    flags: tuple[tuple[str, tuple[Sel, ...] | tuple[Rule, ...]], ...] = ()
    component: str | None = None
    commands: tuple[str, tuple[Rule, ...]] | None = None
    limits: bool = False
    form: str = "literal"
    chain: str | None = None
    name_token: str | None = None
    icon: str | None = None

    @property
    def label_token(self) -> str:
        """The i18n token of the label (``namespace.path``)."""
        return self.name_token or f"parameters.{self.token}"


@dataclass(frozen=True, kw_only=True)
class Entry:
    """A menu parameter entry ``{permissionModule, parameter: helper(KIND, token)}``."""

    token: str
    section: str
    permission: str | None = "DISPLAY_PARAMETER_LEVEL_1"


@dataclass(kw_only=True)
class Route:
    """A menu route (§4.4). `redirect` alone makes a redirect-only node."""

    path: str | None = None
    name: str | None = None
    title: str | None = None
    permission: str | None = None
    side_menu: bool | None = True
    entries: list[Entry] = field(default_factory=list)
    children: list[Route] = field(default_factory=list)
    bare_children: bool = False
    redirect: str | None = None
    icon: str = "settings"


@dataclass(frozen=True, kw_only=True)
class ModuleCatalogue:
    """The catalogue of one module kind: parameters by token, menu routes, route titles."""

    kind: str
    params: dict[str, Param]
    routes: list[Route]
    actions: tuple[str, ...] = ()


INSTALLER_ROUTES = frozenset(
    {
        "dev",
        "producer",
        "configuration",
        "schema",
        "testsOutputInput",
        "calibration",
        "lockBoard",
    }
)
"""Installer route names after ``modules.menu.`` / ``companies.modules.menu.`` (§4.10)."""

LEVEL_1 = "DISPLAY_PARAMETER_LEVEL_1"
LEVEL_MAX = "DISPLAY_PARAMETER_LEVEL_MAX"

# --------------------------------------------------------------------------- data files


@cache
def _json(name: str) -> Any:
    with (DATA_DIR / name).open(encoding="utf-8") as handle:
        return json.load(handle)


def pl_label(pool: str, index: int) -> str:
    """Polish label of a register family from the real boiler's label table."""
    labels: dict[str, dict[str, str]] = _json("pl_pool_labels.json")
    return labels[pool][str(index)].strip()


def pl_unit_raw(code: int) -> Any:
    """Return the entry of the old BragerConnect units table for `code` (text or options)."""
    units: dict[str, Any] = _json("pl_units.json")
    return units.get(str(code))


# --------------------------------------------------------------------------- units

TIME66 = Transform(kind="time66")

# English texts for the unit labels and enum options we use (Polish from pl_units.json).
UNIT_TEXT_EN: dict[int, str] = {
    0: "",
    1: "°C",
    2: "s",
    3: "min",
    5: "%",
    18: "l",
    29: "h",
    30: "kWh/kg",
    31: "kW",
    32: "kg/h",
    60: "kg",
}
UNIT_TEXT_PL_EXTRA: dict[int, str] = {18: "l", 30: "kWh/kg", 32: "kg/h"}

OPTIONS_EN: dict[int, dict[int, str]] = {
    12: {
        0: "Off",
        1: "Winter",
        2: "Summer",
        3: "Automatic winter/summer",
        10: "Off",
        11: "Summer",
        12: "Winter heating only",
        13: "Winter",
        14: "Parallel pump operation",
    },
    13: {
        0: "Off",
        1: "Normal underfloor",
        2: "Weather-compensated underfloor",
        3: "Normal radiator",
        4: "Weather-compensated radiator",
        5: "Pump + circulation",
    },
    14: {0: "Off", 1: "On"},
    17: {0: "No", 1: "Yes"},
    20: {
        0: "Grate",
        1: "Feeder",
        10: "Standard",
        11: "Brager Expert",
        12: "Brager Expert Flue Gas",
    },
    38: {0: "Off", 1: "Constant", 2: "Weekly"},
    39: {
        0: "Off",
        1: "Feeder reversing",
        2: "Circulation pump",
        10: "Off",
        11: "Circulation pump",
        12: "Alarm signal",
        13: "Operating state signal",
        20: "Off",
        21: "Gas boiler activation",
        22: "Pneumatic burner cleaning",
        23: "Alarm signalling",
        24: "Fire tube cleaning",
        30: "Off",
        31: "Alarm signal",
        32: "Operating state signal",
        33: "Reserve boiler activation",
    },
    50: {0: "Off", 1: "On", 2: "Fuel loaded"},
    83: {0: "Off", 1: "Winter", 2: "Summer", 3: "Auto"},
}
LANGUAGES: tuple[tuple[str, str, str], ...] = (
    ("none", "Nie wybrany", "Not selected"),
    ("default", "Domyślny", "Default"),
    ("pl", "Polski", "Polish"),
    ("uk", "Ukraiński", "Ukrainian"),
    ("lt", "Litewski", "Lithuanian"),
    ("ru", "Rosyjski", "Russian"),
    ("lv", "Łotewski", "Latvian"),
    ("et", "Estoński", "Estonian"),
    ("de", "Niemiecki", "German"),
    ("en", "Angielski", "English"),
    ("fr", "Francuski", "French"),
    ("el", "Grecki", "Greek"),
    ("ja", "Japoński", "Japanese"),
    ("cs", "Czeski", "Czech"),
    ("pt", "Portugalski", "Portuguese"),
    ("sl", "Słoweński", "Slovenian"),
    ("nl", "Holenderski", "Dutch"),
    ("hu", "Węgierski", "Hungarian"),
    ("sk", "Słowacki", "Slovak"),
)
BOILER_STATES: tuple[tuple[str, str, str], ...] = (
    ("STOP", "Stop", "Stop"),
    ("WORK", "Praca", "Work"),
    ("FIRING_UP", "Rozpalanie", "Firing up"),
    ("SUSTAIN", "Podtrzymanie", "Sustain"),
    ("EXTINGUISHING", "Wygaszanie", "Extinguishing"),
    ("CLEANING", "Czyszczenie", "Cleaning"),
    ("ALARM", "Alarm", "Alarm"),
)
VALVE_STATES: tuple[tuple[str, str, str], ...] = (
    ("STOPPED", "Zatrzymany", "Stopped"),
    ("OPENING", "Otwieranie", "Opening"),
    ("CLOSING", "Zamykanie", "Closing"),
)
DIODE_STATES: tuple[tuple[str, str, str], ...] = (
    ("ON", "Załączony", "On"),
    ("OFF", "Wyłączony", "Off"),
)
TIME66_OFF = ("Wył.", "Off")

# Units the catalogue uses; the renderer adds unused codes from pl_units.json as well.
UNITS: dict[int, Unit] = {
    0: Unit(code=0, text="units.0"),
    1: Unit(code=1, text="units.1"),
    2: Unit(code=2, text="units.2"),
    3: Unit(code=3, text="units.3"),
    5: Unit(code=5, text="units.5"),
    10: Unit(code=10, text="units.2", transform=Transform(kind="mul", factor=6)),
    11: Unit(
        code=11,
        text="units.1",
        transform=Transform(kind="offset_mul", offset=127, factor=0.5),
    ),
    15: Unit(
        code=15, text="units.2", transform=Transform(kind="mul", factor=0.1, decimals=1)
    ),
    18: Unit(code=18, text="units.18", transform=Transform(kind="mul", factor=5)),
    27: Unit(code=27, text="units.3", transform=Transform(kind="mul", factor=0.5)),
    29: Unit(code=29, text="units.29"),
    30: Unit(
        code=30,
        text="units.30",
        transform=Transform(kind="mul", factor=0.1, decimals=1),
    ),
    32: Unit(
        code=32,
        text="units.32",
        transform=Transform(kind="mul", factor=0.1, decimals=1),
    ),
    47: Unit(code=47, text="units.5", transform=Transform(kind="offset", offset=127)),
    49: Unit(
        code=49,
        text="units.31",
        transform=Transform(kind="mul", factor=0.1, decimals=1),
    ),
    60: Unit(code=60, text="units.60"),
    66: Unit(code=66, options=((0, "units.202.0"),), transform=TIME66),
    37: Unit(
        code=37,
        options=tuple(
            (i, f"app.lang.{code}") for i, (code, _pl, _en) in enumerate(LANGUAGES)
        ),
    ),
    9994: Unit(
        code=9994,
        options=(("ON", "app.one.diodeState.on"), ("OFF", "app.one.diodeState.off")),
        enum="DiodeState",
    ),
    9996: Unit(
        code=9996,
        options=(("ON", "diodeState.ON"), ("OFF", "diodeState.OFF")),
        enum="DiodeState",
    ),
    9997: Unit(
        code=9997,
        options=tuple(
            (tag, f"app.one.valveState.{tag.lower()}") for tag, _pl, _en in VALVE_STATES
        ),
        enum="ThreeWayValveState",
    ),
    9998: Unit(
        code=9998,
        options=tuple(
            (tag, f"app.one.burnerState.{i}")
            for i, (tag, _pl, _en) in enumerate(BOILER_STATES)
        ),
        enum="BoilerState",
    ),
}
for _code in (12, 13, 14, 17, 20, 38, 39, 50, 83):
    _raw = pl_unit_raw(_code)["options"]
    UNITS[_code] = Unit(
        code=_code,
        options=tuple((int(k), f"units.{_code}.{k}") for k in sorted(_raw, key=int)),
    )


def unit_text(token: str, language: str) -> str | None:
    """Resolve a ``units.*`` / ``app.*`` / ``diodeState.*`` token used by unit descriptors."""
    parts = token.split(".")
    if parts[0] == "units":
        code = int(parts[1])
        if len(parts) == 2:
            if language == "en":
                return UNIT_TEXT_EN.get(code)
            raw = pl_unit_raw(code)
            if isinstance(raw, str):
                return raw
            return UNIT_TEXT_PL_EXTRA.get(code)
        if code == 202:
            return TIME66_OFF[0] if language == "pl" else TIME66_OFF[1]
        key = int(parts[2])
        if language == "en":
            return OPTIONS_EN[code][key]
        return str(pl_unit_raw(code)["options"][str(key)])
    if parts[:2] == ["app", "lang"]:
        for lang_code, pl, en in LANGUAGES:
            if lang_code == parts[2]:
                return pl if language == "pl" else en
    table: dict[str, tuple[tuple[str, str, str], ...]] = {
        "diodeState": DIODE_STATES,
        "valveState": VALVE_STATES,
    }
    if parts[0] == "diodeState" or parts[:3] == ["app", "one", "diodeState"]:
        for tag, pl, en in DIODE_STATES:
            if tag.lower() == parts[-1].lower():
                return pl if language == "pl" else en
    if parts[:3] == ["app", "one", "valveState"]:
        for tag, pl, en in table["valveState"]:
            if tag.lower() == parts[-1]:
                return pl if language == "pl" else en
    if parts[:3] == ["app", "one", "burnerState"]:
        _tag, pl, en = BOILER_STATES[int(parts[3])]
        return pl if language == "pl" else en
    return None


# --------------------------------------------------------------------------- helpers


def _inv(pool: str, index: int, bit: int = 7) -> tuple[str, tuple[Sel, ...]]:
    return ("INVISIBLE", (Sel(pool=pool, index=index, chan="s", bit=bit),))


def _avail(pool: str, index: int, bit: int = 6) -> tuple[str, tuple[Sel, ...]]:
    return ("DEVICE_AVAILABLE", (Sel(pool=pool, index=index, chan="s", bit=bit),))


def p6(
    index: int,
    en: str,
    *,
    component: str | None = None,
    flags: tuple[Any, ...] | None = None,
    pl: str | None = None,
) -> Param:
    """Build a classic ``PARAM_<n>`` map on pool P6 made by the P6 builder (§4.5)."""
    return Param(
        token=f"PARAM_{index}",
        label_pl=pl or pl_label("P6", index),
        label_en=en,
        value=(Sel(pool="P6", index=index),),
        flags=flags if flags is not None else (_inv("P6", index),),
        component=component,
        limits=True,
        form="p6",
    )


def pool_param(
    pool: str,
    index: int,
    en: str,
    *,
    pl: str | None = None,
    unit: int | None = None,
    flags: tuple[Any, ...] | None = None,
    limits: bool = False,
    chain: str | None = None,
    value: tuple[Sel, ...] | None = None,
    component: str | None = None,
) -> Param:
    """Build a ``PARAM_P<pool>_<n>`` map made by the per-pool builder (§4.5)."""
    return Param(
        token=f"PARAM_{pool}_{index}",
        label_pl=pl or pl_label(pool, index),
        label_en=en,
        value=value or (Sel(pool=pool, index=index),),
        unit=unit,
        flags=flags if flags is not None else (_inv(pool, index),),
        limits=limits,
        form="pool",
        chain=chain,
        component=component,
    )


def diode(
    token: str,
    pool: str,
    index: int,
    pl: str,
    en: str,
    *,
    bit: int = 0,
    unit: int = 9994,
    form: str = "diode",
    expected: int | bool = 1,
) -> Param:
    """Build a diode-like STATUS map: ON when the bit is set (unit 9994/9996, §4.6)."""
    sel = Sel(pool=pool, index=index, chan="s", bit=bit)
    return Param(
        token=token,
        label_pl=pl,
        label_en=en,
        rules=(
            Rule(
                kind="if",
                conds=(Cond(op="equalTo", expected=expected, value=(sel,)),),
                then="ON",
            ),
            Rule(kind="else", then="OFF"),
        ),
        unit=unit,
        component="DIODE",
        form=form,
    )


def _m(pool: str, index: int, mask: int) -> tuple[Sel, ...]:
    return (Sel(pool=pool, index=index, chan="s", mask=mask),)


# --------------------------------------------------------------------------- boiler


def _boiler_params() -> dict[str, Param]:
    params: list[Param] = []
    add = params.append
    s0b0 = (Sel(pool="P5", index=0, chan="s", bit=0),)
    # P4 readings
    for idx, en, chain in (
        (0, "Boiler temperature", "boilerTemperature"),
        (1, "Return temperature", None),
        (2, "DHW temperature", None),
        (3, "Feeder/burner temperature", None),
        (4, "Outdoor temperature", None),
        (5, "Valve 1 temperature", None),
        (8, "Fuel level", None),
        (13, "Flame brightness", None),
        (14, "Boiler power", "boilerPower"),
        (15, "Blower output", None),
        (39, "Counter: maximum power", None),
        (40, "Counter: medium power", None),
        (41, "Counter: minimum power", None),
        (42, "Counter: burner idle", None),
        (43, "Counter: number of ignitions", None),
    ):
        add(pool_param("P4", idx, en, chain=chain))
    add(
        pool_param(
            "P4",
            16,
            "Oxygen content in flue gas",
            pl="Zawartość tlenu w spalinach",
            flags=(
                (
                    "DEVICE_AVAILABLE",
                    (
                        Rule(
                            kind="if",
                            conds=(
                                Cond(
                                    op="notMatches",
                                    expected=Regex("lambda", "i"),
                                    value=(Sel(pool="P11", index=1),),
                                ),
                            ),
                            then=False,
                        ),
                        Rule(kind="else", then=True),
                    ),
                ),
            ),
        )
    )
    add(
        pool_param(
            "P4",
            59,
            "Feeder run time",
            pl="Czas pracy podajnika",
            value=(
                Sel(pool="P4", index=59, convert=True),
                Sel(pool="P4", index=60, convert=True, times=0x10000),
            ),
        )
    )
    # The total fuel consumption counter, in kg (unit 60); label from the real boiler's
    # table ("Licznik: konsumpcja paliwa całkowita"). The plant adds 1 kg per feeding step.
    add(pool_param("P4", 61, "Counter: total fuel consumption", unit=60))
    # P5 states
    s5 = 5
    add(
        Param(
            token="STATUS_P5_0",
            label_pl="Status kotła",
            label_en="Boiler status",
            name_token="app.one.boilerStatus.name",
            unit=9998,
            rules=(
                Rule(
                    kind="if",
                    conds=(Cond(op="equalTo", expected=0, value=s0b0),),
                    then="STOP",
                ),
                Rule(
                    kind="elseif",
                    conds=(
                        Cond(
                            op="notEqualTo",
                            expected=0,
                            value=(Sel(pool="P5", index=4, chan="s", bit=7),),
                        ),
                    ),
                    then="ALARM",
                    wrap=True,
                ),
                Rule(
                    kind="elseif",
                    conds=(
                        Cond(op="equalTo", expected=0x100, value=_m("P5", s5, 0xF00)),
                    ),
                    then="FIRING_UP",
                ),
                Rule(
                    kind="elseif",
                    conds=(
                        Cond(
                            op="greaterThanOrEqualTo",
                            expected=0x200,
                            value=_m("P5", s5, 0xF00),
                        ),
                        Cond(op="lessThan", expected=0x400, value=_m("P5", s5, 0xF00)),
                    ),
                    then="WORK",
                    wrap=True,
                ),
                Rule(
                    kind="elseif",
                    conds=(
                        Cond(op="equalTo", expected=0x400, value=_m("P5", s5, 0xF00)),
                    ),
                    then="SUSTAIN",
                ),
                Rule(
                    kind="elseif",
                    conds=(
                        Cond(
                            op="greaterThan", expected=0x400, value=_m("P5", s5, 0xF00)
                        ),
                        Cond(
                            op="lessThanOrEqualTo",
                            expected=0x600,
                            value=_m("P5", s5, 0xF00),
                        ),
                    ),
                    then="EXTINGUISHING",
                ),
                Rule(kind="else", then="CLEANING"),
            ),
            form="chunk_const",
        )
    )
    add(
        Param(
            token="STATUS_P5_5",
            label_pl=pl_label("P5", 5),
            label_en="Burner",
            unit=9998,
            rules=(
                Rule(
                    kind="if",
                    conds=(Cond(op="equalTo", expected=0, value=_m("P5", s5, 0xF000)),),
                    then="STOP",
                ),
                Rule(
                    kind="elseif",
                    conds=(
                        Cond(op="equalTo", expected=0x1000, value=_m("P5", s5, 0xF000)),
                    ),
                    then="FIRING_UP",
                    wrap=True,
                ),
                Rule(
                    kind="elseif",
                    conds=(
                        Cond(op="equalTo", expected=0x2000, value=_m("P5", s5, 0xF000)),
                    ),
                    then="WORK",
                    wrap=True,
                ),
                Rule(kind="else", then=None),
            ),
            flags=(_inv("P5", 5, 15),),
        )
    )
    add(
        diode(
            "STATUS_P5_10",
            "P5",
            10,
            pl_label("P5", 10),
            "Blower",
            unit=9996,
            form="chunk_table",
        )
    )
    add(diode("STATUS_P5_11", "P5", 11, pl_label("P5", 11), "Boiler pump"))
    add(
        diode(
            "STATUS_P5_12", "P5", 12, pl_label("P5", 12), "Return pump", expected=True
        )
    )
    add(diode("STATUS_P5_19", "P5", 19, "Pompa CWU", "DHW pump", unit=9996))
    add(diode("STATUS_P5_21", "P5", 21, pl_label("P5", 21), "Valve 1 pump"))
    add(diode("STATUS_P5_23", "P5", 23, pl_label("P5", 23), "Buffer pump", unit=9996))
    add(
        Param(
            token="STATUS_P5_20",
            label_pl=pl_label("P5", 20),
            label_en="Valve 1",
            unit=9997,
            rules=(
                Rule(
                    kind="if",
                    conds=(Cond(op="equalTo", expected=1, value=_m("P5", 20, 0x3)),),
                    then="OPENING",
                ),
                Rule(
                    kind="elseif",
                    conds=(Cond(op="equalTo", expected=2, value=_m("P5", 20, 0x3)),),
                    then="CLOSING",
                    wrap=True,
                ),
                Rule(kind="else", then="STOPPED"),
            ),
        )
    )
    add(
        pool_param(
            "P5",
            4,
            "Remote start",
            pl="Zdalne załączenie",
            value=(Sel(pool="P5", index=4, chan="s", bit=2),),
            unit=9994,
            component="DIODE",
            flags=(),
        )
    )
    add(
        pool_param(
            "P5",
            3,
            "Hopper lid open",
            pl="Otwarta klapa zasobnika",
            value=(Sel(pool="P5", index=3, chan="s", bit=2),),
            unit=9994,
            component="DIODE",
            flags=(),
        )
    )
    add(
        pool_param(
            "P5",
            14,
            "Burner alarm",
            pl="Alarm palnika",
            value=(Sel(pool="P5", index=14, chan="s", bit=0),),
            unit=9994,
            component="DIODE",
            flags=(),
        )
    )
    add(
        Param(
            token="URUCHOMIENIE_KOTLA",
            label_pl="Uruchomienie kotła",
            label_en="Boiler start",
            name_token="app.one.parameters.URUCHOMIENIE_KOTLA",
            value=s0b0,
            component="SWITCH",
            commands=(
                "any",
                (
                    Rule(
                        kind="if",
                        conds=(Cond(op="equalTo", expected=1, value=s0b0),),
                        then=Command(name="BOILER_ON_OFF", value=False),
                    ),
                    Rule(kind="else", then=Command(name="BOILER_ON_OFF", value=True)),
                ),
            ),
            flags=(("ENABLED", s0b0),),
        )
    )
    add(
        Param(
            token="PARAM_66",
            label_pl=pl_label("P6", 66),
            label_en="Set fuel level to 100%",
            component="button",
            commands=(
                "all",
                (
                    Rule(
                        kind="if",
                        conds=(
                            Cond(
                                op="lessThan",
                                expected=100,
                                value=(Sel(pool="P4", index=8),),
                            ),
                        ),
                        then=Command(name="BOILER_FUEL_RESET_HT", value=1),
                    ),
                    Rule(
                        kind="else", then=Command(name="BOILER_FUEL_RESET_HT", value=1)
                    ),
                ),
            ),
            flags=(
                (
                    "INVISIBLE",
                    (
                        Rule(
                            kind="if",
                            conds=(
                                Cond(
                                    op="equalTo",
                                    expected=0,
                                    value=(Sel(pool="P4", index=8, chan="s", bit=3),),
                                ),
                            ),
                            then=False,
                        ),
                        Rule(kind="else", then=True),
                    ),
                ),
            ),
            form="chunk_default",
        )
    )
    # P6 settings
    switch, select, slider = "SWITCH", "select", "slider"
    for idx, en, comp in (
        (0, "Boiler set temperature", slider),
        (1, "Return set temperature", slider),
        (7, "Pump activation temperature", None),
        (9, "Boiler hysteresis", None),
        (12, "Maximum boiler temperature", slider),
        (45, "Sound signal", switch),
        (189, "Language", select),
        (216, "Universal output mode", select),
        (46, "DHW mode", select),
        (47, "DHW priority", switch),
        (48, "Boiler setpoint increase from DHW", None),
        (51, "DHW set temperature", slider),
        (173, "DHW activation temperature (summer)", None),
        (174, "DHW deactivation temperature (summer)", None),
        (190, "DHW disinfection", switch),
        (217, "Circulation pump run time", None),
        (218, "Circulation pump pause", None),
        (219, "Circulation schedule", select),
        (239, "DHW pump before buffer", None),
        (273, "Minimum DHW temperature for circulation", None),
        (277, "DHW hysteresis", None),
        (52, "Valve 1 mode", select),
        (53, "Valve 1 setpoint (normal mode)", slider),
        (57, "Valve 1 working range above setpoint (amplitude)", None),
        (58, "Valve 1 standstill above setpoint (hysteresis)", None),
        (59, "Valve 1 full opening time", None),
        (60, "Valve 1 measurement delay", None),
        (61, "Valve 1 room thermostat", switch),
        (62, "Valve 1 setpoint reduction by thermostat", None),
        (63, "Valve 1 pump off by thermostat", None),
        (67, "Buffer mode", switch),
        (68, "Buffer hysteresis", None),
        (69, "Buffer set temperature", None),
        (240, "Pump activation temperature from buffer", None),
        (304, "Stop boiler when buffer is full", None),
        (64, "Fuel hopper capacity", None),
        (171, "Fuel calorific value", None),
        (34, "Fuel level sensor", select),
        (4, "Time between purges", None),
        (3, "Purge time", None),
        (135, "Ignition threshold dead time", None),
        (136, "Fuel feed time during ignition", None),
        (137, "Flame detection threshold", None),
        (138, "Blower output during ignition", None),
        (140, "Blower output after ignition", None),
        (141, "Blowing time after ignition", None),
        (142, "Heater warm-up time", None),
        (143, "Run time at minimum power", None),
        (145, "Blower output during cleaning", None),
        (146, "Cleaning time before ignition", None),
        (147, "Cleaning time after extinguishing", None),
        (150, "Blower output at maximum power", None),
        (154, "Blower output at minimum power", None),
        (155, "Burner cleaning period", None),
        (156, "Flame loss detection time", None),
        (157, "Run time in sustain mode", None),
        (159, "Blower output in sustain mode", None),
        (160, "Maximum extinguishing time", None),
        (161, "Minimum extinguishing time", None),
        (163, "Flame loss detection threshold", None),
        (168, "Burner actuator pause during operation", None),
        (36, "Boiler temperature correction", None),
        (43, "Outdoor temperature correction", None),
        (44, "Buffer temperature correction", None),
        # hidden by routes or entry permissions
        (139, "Maximum ignition time", None),
        (144, "Burner actuator time in cleaning/extinguishing", None),
        (148, "Burner feeder run time extension", None),
        (149, "Feeder cycle time", None),
        (166, "Burner actuator pause in cleaning/extinguishing", None),
        (289, "Fire tube cleaning time", None),
        (32, "Room thermostat (CH)", switch),
        (270, "Wood chip boiler", switch),
        (301, "Reset service counters", None),
        (302, "Clear alarm history", None),
        (195, "Oxygen correction", switch),
        (198, "Oxygen sensor calibration", None),
        (37, "Return temperature correction", None),
        (38, "DHW temperature correction", None),
        (192, "Oxygen level at maximum power", None),
        (193, "Oxygen level at medium power", None),
        (170, "Boiler hysteresis (grate)", None),
        (276, "Minimum boiler setpoint", None),
        (54, "Valve 1 setpoint at +10 °C outdoor", None),
        (56, "Valve 1 setpoint at -10 °C outdoor", None),
        (73, "Minimum power hysteresis", None),
        (275, "Burner power in sustain mode", None),
    ):
        flags: tuple[Any, ...] | None = None
        if idx in {0, 7, 12, 150}:  # status words 64/67: both flags, both fine
            flags = (_inv("P6", idx, 5), _avail("P6", idx, 6))
        add(p6(idx, en, component=comp, flags=flags))
    # hidden by their own status words
    add(p6(13, "Boiler operating mode", flags=(_inv("P6", 13, 0),)))
    add(p6(23, "Blower output (grate)", flags=(_inv("P6", 23), _avail("P6", 23, 6))))
    add(p6(129, "Boiler setpoint after DHW increase", flags=(_avail("P6", 129, 6),)))
    # P10 burner
    for idx, en in (
        (2, "Maximum burner power"),
        (4, "Minimum burner power"),
        (5, "Feeder output"),
    ):
        add(
            pool_param(
                "P10", idx, en, limits=True, component="slider" if idx == 2 else None
            )
        )
    # P11 strings
    add(
        pool_param(
            "P11", 1, "Controller firmware", pl="Wersja oprogramowania sterownika"
        )
    )
    add(
        pool_param(
            "P11",
            4,
            "Boiler model",
            pl="Model kotła",
            flags=(
                _inv("P11", 4),
                (
                    "DEVICE_AVAILABLE",
                    (
                        Rule(
                            kind="if",
                            conds=(
                                Cond(
                                    op="matches",
                                    expected=Regex("daspell", "i"),
                                    value=(Sel(pool="P11", index=4),),
                                ),
                            ),
                            then=True,
                        ),
                        Rule(kind="else", then=False),
                    ),
                ),
            ),
        )
    )
    add(
        pool_param(
            "P11",
            5,
            "Internet module version",
            pl="Wersja modułu internetowego",
            flags=(
                (
                    "DEVICE_AVAILABLE",
                    (
                        Rule(
                            kind="if",
                            conds=(
                                Cond(
                                    op="notEqualTo",
                                    expected=None,
                                    value=(Sel(pool="P11", index=5),),
                                ),
                            ),
                            then=True,
                        ),
                        Rule(kind="else", then=False),
                    ),
                ),
            ),
        )
    )
    add(pool_param("P11", 6, "Module identifier", pl="Identyfikator modułu"))
    # P7 misc
    add(pool_param("P7", 7, "Door sensor", pl="Czujnik otwarcia drzwi", unit=17))
    add(pool_param("P7", 8, "Operation permitted", pl="Zezwolenie na pracę", unit=17))
    add(
        pool_param(
            "P7",
            10,
            "Flow sensor",
            pl="Czujnik przepływu",
            unit=17,
            flags=(_inv("P7", 10, 0),),
        )
    )
    return {p.token: p for p in params}


def _e(section: str, *tokens: str, permission: str | None = LEVEL_1) -> list[Entry]:
    return [Entry(token=t, section=section, permission=permission) for t in tokens]


def _p6s(section: str, *indices: int, permission: str | None = LEVEL_1) -> list[Entry]:
    return _e(section, *(f"PARAM_{i}" for i in indices), permission=permission)


def _boiler_routes() -> list[Route]:
    boiler = Route(
        path="boiler",
        name="modules.menu.boiler",
        title="MAINMENU_USTAWIENIA_KOTLA",
        permission="DISPLAY_MENU_BOILER",
        icon="boiler",
        entries=[
            *_e("read", "PARAM_P4_0", "PARAM_P4_1", "PARAM_P4_3", "PARAM_P4_4"),
            *_e("write", "URUCHOMIENIE_KOTLA"),
            *_p6s("write", 0, 1, 7, 9, 12, 13),
            *_e(
                "status",
                "STATUS_P5_0",
                "STATUS_P5_5",
                "STATUS_P5_10",
                "STATUS_P5_11",
                "STATUS_P5_12",
                permission=None,
            ),
            *_e("status", "PARAM_P5_4", "PARAM_P5_3", "PARAM_P5_14"),
        ],
        children=[
            Route(
                path="details",
                name="modules.menu.boilerDetails",
                title="MAINMENU_SZCZEGOLY_KOTLA",
                side_menu=False,
                entries=_p6s("write", 170, 276),
            ),
        ],
    )
    dhw = Route(
        path="dhw",
        name="modules.menu.dhw",
        title="MAINMENU_USTAWIENIA_CWU",
        permission="DISPLAY_MENU_DHW",
        icon="dhw",
        entries=[
            *_e("read", "PARAM_P4_2"),
            *_p6s(
                "write",
                51,
                46,
                47,
                48,
                173,
                174,
                190,
                217,
                218,
                219,
                239,
                273,
                277,
                129,
            ),
            *_e("status", "STATUS_P5_19", permission=None),
        ],
    )
    circuits = Route(
        path="circuits",
        name="modules.menu.circuits",
        title="MAINMENU_OBIEGI_GRZEWCZE",
        permission="DISPLAY_MENU_CIRCUITS",
        entries=[
            *_e("read", "PARAM_P4_5"),
            *_p6s("write", 52, 53, 57, 58, 59, 60, 61, 62, 63),
            *_e("status", "STATUS_P5_20", "STATUS_P5_21"),
        ],
        children=[
            Route(redirect="modules.menu.circuits"),
            Route(
                path="valve/:id",
                name="modules.menu.valve",
                title="MAINMENU_ZAWOR",
                entries=_p6s("write", 54, 56),
            ),
        ],
    )
    burner = Route(
        path="burner",
        name="modules.menu.burner",
        title="MAINMENU_USTAWIENIA_PALNIKA",
        permission="DISPLAY_MENU_BURNER",
        icon="burner",
        entries=[
            *_e("read", "PARAM_P4_13", "PARAM_P4_14", "PARAM_P4_15", "PARAM_P4_16"),
            *_e("write", "PARAM_P10_2", "PARAM_P10_4", "PARAM_P10_5"),
            *_p6s(
                "write",
                4,
                3,
                135,
                136,
                137,
                138,
                140,
                141,
                142,
                143,
                145,
                146,
                147,
                150,
                154,
                155,
                156,
                157,
                159,
                160,
                161,
                163,
                168,
                23,
            ),
            *_p6s("write", 73, 275, permission=LEVEL_MAX),
        ],
    )
    buffer = Route(
        path="buffer",
        name="modules.menu.buffer",
        title="MAINMENU_BUFOR",
        permission="DISPLAY_MENU_BOILER",
        entries=[*_p6s("write", 67, 68, 69, 240, 304), *_e("status", "STATUS_P5_23")],
    )
    fuel = Route(
        path="fuel",
        name="modules.menu.fuel",
        title="MAINMENU_PALIWO",
        permission="DISPLAY_MENU_BOILER",
        entries=[
            *_e("read", "PARAM_P4_8", "PARAM_P4_59", "PARAM_P4_61"),
            *_p6s("write", 64, 171, 34),
            *_e("special", "PARAM_66"),
        ],
    )
    corrections = Route(
        path="sensors-corrections",
        name="modules.menu.sensorsCorrections",
        title="MAINMENU_KOREKTY_CZUJNIKOW",
        permission="DISPLAY_MENU_BOILER",
        entries=_p6s("write", 36, 43, 44),
    )
    settings = Route(
        path="settings",
        name="modules.menu.settings",
        title="MAINMENU_USTAWIENIA",
        entries=_p6s("write", 45, 189, 216),
        bare_children=True,
    )
    info = Route(
        path="info",
        name="modules.menu.info",
        title="MAINMENU_INFORMACJE",
        entries=[
            *_e(
                "read",
                "PARAM_P11_1",
                "PARAM_P11_4",
                "PARAM_P11_5",
                "PARAM_P11_6",
                "PARAM_P7_7",
                "PARAM_P7_8",
                "PARAM_P7_10",
            ),
            *_e(
                "read",
                "PARAM_P4_39",
                "PARAM_P4_40",
                "PARAM_P4_41",
                "PARAM_P4_42",
                "PARAM_P4_43",
            ),
            *_e("status", "STATUS_P5_0", permission=None),
        ],
    )
    service = Route(
        path="service",
        name="modules.menu.service",
        title="MENUSERWIS_USTAWIENIA_ROZPALANIA",
        permission="DISPLAY_MENU_SERVICE",
        entries=_p6s("write", 139, 144, 148, 149, 166, 289),
    )
    thermostats = Route(
        path="thermostats",
        name="modules.menu.thermostats",
        title="MAINMENU_MENU_TERMOSTATU",
        permission="DISPLAY_MENU_THERMOSTATS",
        entries=_p6s("write", 32, 270),
    )
    installer = [
        Route(
            path="dev",
            name="modules.menu.dev",
            title="MAINMENU_SERWIS",
            entries=_p6s("write", 301, 302),
        ),
        Route(
            path="producer",
            name="companies.modules.menu.producer",
            title="MAINMENU_PRODUCENT",
            entries=_p6s("write", 195, 198),
        ),
        Route(
            path="calibration",
            name="modules.menu.calibration",
            title="MAINMENU_KALIBRACJA",
            entries=_p6s("write", 37, 38),
        ),
        Route(
            path="configuration",
            name="companies.modules.menu.configuration",
            title="MAINMENU_KONFIGURACJA",
            entries=_p6s("write", 192, 193),
        ),
        Route(
            path="schema",
            name="modules.menu.schema",
            title="MAINMENU_SCHEMAT",
            side_menu=False,
        ),
        Route(
            path="lock-board", name="modules.menu.lockBoard", title="MAINMENU_BLOKADA"
        ),
    ]
    return [
        boiler,
        dhw,
        circuits,
        burner,
        buffer,
        fuel,
        corrections,
        settings,
        info,
        service,
        thermostats,
        *installer,
    ]


# --------------------------------------------------------------------------- mixer


def _mixer_params() -> dict[str, Param]:
    def mp(
        token: str,
        pool: str,
        index: int,
        pl: str,
        en: str,
        *,
        unit: int | None = None,
        limits: bool = False,
        flags: tuple[Any, ...] = (),
        component: str | None = None,
    ) -> Param:
        return Param(
            token=token,
            label_pl=pl,
            label_en=en,
            value=(Sel(pool=pool, index=index),),
            unit=unit,
            limits=limits,
            flags=flags,
            component=component,
            form="mixer",
        )

    s0b4 = (Sel(pool="P5", index=0, chan="s", bit=4),)
    params = [
        mp(
            "OBIEG1_TEMPERATURA",
            "P4",
            0,
            "Temperatura obiegu 1",
            "Circuit 1 temperature",
        ),
        mp(
            "OBIEG2_TEMPERATURA",
            "P4",
            1,
            "Temperatura obiegu 2",
            "Circuit 2 temperature",
        ),
        mp(
            "TEMPERATURA_POKOJOWA",
            "P4",
            2,
            "Temperatura pokojowa",
            "Room temperature",
            flags=(_avail("P5", 2, 1),),
        ),
        mp(
            "TEMPERATURA_ZEWNETRZNA_MIX",
            "P4",
            3,
            "Temperatura zewnętrzna",
            "Outdoor temperature",
            flags=(_avail("P5", 2, 0),),
        ),
        mp("ZAWOR1_OTWARCIE", "P4", 4, "Otwarcie zaworu 1", "Valve 1 opening"),
        mp("ZAWOR2_OTWARCIE", "P4", 5, "Otwarcie zaworu 2", "Valve 2 opening"),
        diode(
            "STATUS_OBIEG1_POMPA",
            "P5",
            0,
            "Pompa obiegu 1",
            "Circuit 1 pump",
            bit=0,
            unit=9996,
            form="literal",
        ),
        diode(
            "STATUS_OBIEG2_POMPA",
            "P5",
            0,
            "Pompa obiegu 2",
            "Circuit 2 pump",
            bit=2,
            form="literal",
        ),
        Param(
            token="STATUS_ZAWOR1",
            label_pl="Stan zaworu 1",
            label_en="Valve 1 state",
            unit=9997,
            rules=(
                Rule(
                    kind="if",
                    conds=(Cond(op="equalTo", expected=1, value=_m("P5", 1, 0x3)),),
                    then="OPENING",
                    wrap=True,
                ),
                Rule(
                    kind="elseif",
                    conds=(Cond(op="equalTo", expected=2, value=_m("P5", 1, 0x3)),),
                    then="CLOSING",
                ),
                Rule(kind="else", then="STOPPED", wrap=True),
            ),
        ),
        Param(
            token="TEST_POMPY_OBIEGU",
            label_pl="Test pompy obiegu 1",
            label_en="Circuit 1 pump test",
            name_token="app.one.parameters.TEST_POMPY_OBIEGU",
            value=s0b4,
            component="SWITCH",
            commands=(
                "when",
                (
                    Rule(
                        kind="if",
                        conds=(Cond(op="equalTo", expected=True, value=s0b4),),
                        then=Command(name="CIRCUIT_PUMP_TEST", value=False),
                    ),
                    Rule(
                        kind="else", then=Command(name="CIRCUIT_PUMP_TEST", value=True)
                    ),
                ),
            ),
        ),
        mp(
            "OBIEG1_NASTAWA",
            "P6",
            0,
            "Nastawa obiegu 1",
            "Circuit 1 setpoint",
            limits=True,
            component="slider",
            flags=(_inv("P6", 0, 0),),
        ),
        mp(
            "OBIEG2_NASTAWA",
            "P6",
            1,
            "Nastawa obiegu 2",
            "Circuit 2 setpoint",
            limits=True,
            component="slider",
        ),
        mp(
            "OBIEG1_TRYB",
            "P6",
            2,
            "Tryb pracy obiegu 1",
            "Circuit 1 mode",
            limits=True,
            component="select",
        ),
        mp(
            "OBIEG2_TRYB",
            "P6",
            3,
            "Tryb pracy obiegu 2",
            "Circuit 2 mode",
            limits=True,
            component="select",
        ),
        mp(
            "OBIEG1_POMPA",
            "P6",
            4,
            "Pompa obiegu 1",
            "Circuit 1 pump",
            limits=True,
            component="SWITCH",
        ),
        mp(
            "OBIEG2_POMPA",
            "P6",
            5,
            "Pompa obiegu 2",
            "Circuit 2 pump",
            limits=True,
            component="SWITCH",
        ),
        mp(
            "KOREKTA_CZUJNIKA_OBIEGU",
            "P6",
            7,
            "Korekta czujnika obiegu 1",
            "Circuit 1 sensor correction",
            limits=True,
        ),
        mp(
            "TRYB_LATO_ZIMA",
            "P6",
            8,
            "Tryb lato/zima",
            "Summer/winter mode",
            limits=True,
            component="select",
        ),
        mp(
            "HISTEREZA_OBIEGU",
            "P6",
            9,
            "Histereza obiegu",
            "Circuit hysteresis",
            limits=True,
        ),
        mp(
            "CZAS_PRACY_ZAWORU",
            "P6",
            10,
            "Czas pracy zaworu",
            "Valve run time",
            limits=True,
        ),
        mp(
            "POCZATEK_OBNIZENIA_NOCNEGO",
            "P6",
            12,
            "Początek obniżenia nocnego",
            "Night setback start",
            limits=True,
            flags=(_inv("P6", 12, 0),),
        ),
        mp(
            "KONIEC_OBNIZENIA_NOCNEGO",
            "P6",
            13,
            "Koniec obniżenia nocnego",
            "Night setback end",
            limits=True,
            flags=(_inv("P6", 13, 0),),
        ),
        mp("MODUL_WERSJA", "P11", 1, "Wersja oprogramowania modułu", "Module firmware"),
        mp("MODUL_ID", "P11", 6, "Identyfikator modułu", "Module identifier"),
    ]
    return {p.token: p for p in params}


def _mixer_routes() -> list[Route]:
    circuits = Route(
        path="circuits",
        name="modules.menu.circuits",
        title="MAINMENU_OBIEGI_GRZEWCZE",
        permission="DISPLAY_MENU_CIRCUITS",
        entries=[
            *_e(
                "read",
                "OBIEG1_TEMPERATURA",
                "OBIEG2_TEMPERATURA",
                "TEMPERATURA_POKOJOWA",
                "TEMPERATURA_ZEWNETRZNA_MIX",
            ),
            *_e(
                "write",
                "OBIEG1_NASTAWA",
                "OBIEG2_NASTAWA",
                "OBIEG1_TRYB",
                "OBIEG2_TRYB",
                "OBIEG1_POMPA",
                "OBIEG2_POMPA",
                "TEST_POMPY_OBIEGU",
            ),
            *_e(
                "status", "STATUS_OBIEG1_POMPA", "STATUS_OBIEG2_POMPA", "STATUS_ZAWOR1"
            ),
        ],
    )
    settings = Route(
        path="settings",
        name="modules.menu.settings",
        title="MAINMENU_USTAWIENIA_OBIEGOW",
        entries=[
            *_e(
                "write",
                "KOREKTA_CZUJNIKA_OBIEGU",
                "TRYB_LATO_ZIMA",
                "CZAS_PRACY_ZAWORU",
            ),
            *_e("write", "HISTEREZA_OBIEGU", permission=LEVEL_MAX),
            *_e("read", "POCZATEK_OBNIZENIA_NOCNEGO", "KONIEC_OBNIZENIA_NOCNEGO"),
        ],
    )
    info = Route(
        path="info",
        name="modules.menu.info",
        title="MAINMENU_INFORMACJE",
        entries=_e("read", "ZAWOR1_OTWARCIE", "ZAWOR2_OTWARCIE", "MODUL_WERSJA"),
        children=[
            Route(
                path="dev",
                name="companies.modules.menu.dev",
                title="MAINMENU_SERWIS",
                entries=_e("read", "MODUL_ID"),
            )
        ],
    )
    tests = Route(
        path="tests",
        name="modules.menu.testsOutputInput",
        title="MAINMENU_TESTY",
        entries=_e("write", "OBIEG1_POMPA"),
    )
    return [circuits, settings, info, tests]


@cache
def catalogue(kind: str) -> ModuleCatalogue:
    """Return the vendor catalogue of a module kind (``"boiler"`` or ``"mixer"``)."""
    if kind == "boiler":
        return ModuleCatalogue(
            kind=kind,
            params=_boiler_params(),
            routes=_boiler_routes(),
            actions=("PARAM_66",),
        )
    if kind == "mixer":
        return ModuleCatalogue(
            kind=kind, params=_mixer_params(), routes=_mixer_routes()
        )
    raise KeyError(kind)


ROUTE_TITLES: dict[str, tuple[str, str]] = {
    "MAINMENU_USTAWIENIA_KOTLA": ("Ustawienia kotła", "Boiler settings"),
    "MAINMENU_SZCZEGOLY_KOTLA": ("Szczegóły kotła", "Boiler details"),
    "MAINMENU_USTAWIENIA_CWU": ("Ustawienia CWU", "DHW settings"),
    "MAINMENU_OBIEGI_GRZEWCZE": ("Obiegi grzewcze", "Heating circuits"),
    "MAINMENU_ZAWOR": ("Zawór", "Valve"),
    "MAINMENU_USTAWIENIA_PALNIKA": ("Ustawienia palnika", "Burner settings"),
    "MAINMENU_BUFOR": ("Bufor", "Buffer"),
    "MAINMENU_PALIWO": ("Paliwo", "Fuel"),
    "MAINMENU_KOREKTY_CZUJNIKOW": ("Korekty czujników", "Sensor corrections"),
    "MAINMENU_USTAWIENIA": ("Ustawienia", "Settings"),
    "MAINMENU_INFORMACJE": ("Informacje", "Information"),
    "MENUSERWIS_USTAWIENIA_ROZPALANIA": ("Ustawienia rozpalania", "Ignition settings"),
    "MAINMENU_MENU_TERMOSTATU": ("Menu termostatów", "Thermostat menu"),
    "MAINMENU_SERWIS": ("Serwis", "Service"),
    "MAINMENU_PRODUCENT": ("Producent", "Manufacturer"),
    "MAINMENU_KALIBRACJA": ("Kalibracja", "Calibration"),
    "MAINMENU_KONFIGURACJA": ("Konfiguracja", "Configuration"),
    "MAINMENU_SCHEMAT": ("Schemat", "Diagram"),
    "MAINMENU_BLOKADA": ("Blokada płyty", "Board lock"),
    "MAINMENU_USTAWIENIA_OBIEGOW": ("Ustawienia obiegów", "Circuit settings"),
    "MAINMENU_TESTY": ("Testy wyjść i wejść", "Output and input tests"),
}
"""Titles of the ``MAINMENU_*``/``MENUSERWIS_*`` single-string packs (§4.8)."""
