r"""The vendor's alarm names: the ``AlarmName`` table and its i18n packs (PROTOCOL.md §2.8a).

An alarm row of the cloud (``{"id": 38, "devid": …}``) carries only the alarm's type
code. The web app names it through an ``AlarmName`` table in the chunk of its *Alarms*
view (code → symbol, ``38 → ERROR_BRAK_PALIWA``) and the i18n namespace ``errors``
(symbol → label); the namespace ``alarm`` holds the view's own titles.

* `ALARMS` is the table of a Brager pellet boiler (non-contiguous codes); one symbol,
  `UNTRANSLATED_ALARM`'s, has no label in the ``errors`` pack, so the app can only show
  its code. `ALARM_NAMES` maps code → symbol; `NO_FUEL` (38) and `BOILER_OVERHEAT` (0)
  name the two codes the simulator and the tests use.
* `alarm_chunk_style` fixes, per seed, the chunk's basename and the literal form of the
  table; seeds ``3k``, ``3k+1`` and ``3k+2`` cover the three forms.
* `alarm_chunk_src` renders the chunk (table plus decoys) in the bundle's style.

Polish labels follow the vendor's wording; the English ones are ours.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final, Literal

from simulator.webapp.js import Js, Names, Obj, Ref

type AlarmForm = Literal["plain_code_keys", "plain_symbol_keys", "ts_enum"]
"""Literal form of the table: ``{38:"ERROR_X"}``, ``{ERROR_X:38}`` or a compiled TS enum."""


@dataclass(frozen=True, kw_only=True)
class AlarmSpec:
    """One alarm type: its code (the row's ``id``), symbol and labels (None: untranslated)."""

    code: int
    symbol: str
    pl: str | None
    en: str | None
    priority: int = 1


ALARMS: Final[tuple[AlarmSpec, ...]] = (
    AlarmSpec(
        code=0,
        symbol="ERROR_TEMPERATURA_KOTLA",
        pl="Przekroczona temperatura kotła",
        en="Boiler temperature exceeded",
        priority=3,
    ),
    AlarmSpec(
        code=1,
        symbol="ERROR_CZUJNIK_KOTLA",
        pl="Uszkodzony czujnik temperatury kotła",
        en="Boiler temperature sensor damaged",
        priority=2,
    ),
    AlarmSpec(
        code=3,
        symbol="ERROR_CZUJNIK_CWU",
        pl="Uszkodzony czujnik temperatury CWU",
        en="DHW temperature sensor damaged",
    ),
    AlarmSpec(
        code=5,
        symbol="ERROR_CZUJNIK_SPALIN",
        pl="Uszkodzony czujnik temperatury spalin",
        en="Flue gas temperature sensor damaged",
    ),
    AlarmSpec(
        code=7,
        symbol="ERROR_TEMPERATURA_SPALIN",
        pl="Przekroczona temperatura spalin",
        en="Flue gas temperature exceeded",
        priority=3,
    ),
    AlarmSpec(
        code=12,
        symbol="ERROR_TEMPERATURA_PODAJNIKA",
        pl="Przekroczona temperatura podajnika",
        en="Feeder temperature exceeded",
        priority=3,
    ),
    AlarmSpec(
        code=17,
        symbol="ERROR_ZADZIALAL_STB",
        pl="Zadziałał termostat bezpieczeństwa STB",
        en="STB safety thermostat tripped",
        priority=3,
    ),
    AlarmSpec(
        code=23,
        symbol="ERROR_OTWARTA_KLAPA",
        pl="Otwarta klapa zasobnika",
        en="Hopper lid open",
    ),
    AlarmSpec(
        code=31,
        symbol="ERROR_NIEUDANE_ROZPALANIE",
        pl="Nieudana próba rozpalenia",
        en="Ignition failed",
        priority=2,
    ),
    AlarmSpec(
        code=38,
        symbol="ERROR_BRAK_PALIWA",
        pl="Brak paliwa",
        en="No fuel",
        priority=2,
    ),
    AlarmSpec(
        code=41,
        symbol="ERROR_AWARIA_PALNIKA",
        pl="Awaria palnika",
        en="Burner failure",
        priority=3,
    ),
    AlarmSpec(
        code=64,
        symbol="ERROR_KOMUNIKACJA_MODULU_LAMBDA",
        pl=None,
        en=None,
    ),
)
"""Alarm types of the simulated pellet boiler, in code order."""

ALARM_NAMES: Final[dict[int, str]] = {alarm.code: alarm.symbol for alarm in ALARMS}
"""Code → symbol: what the bundle's ``AlarmName`` table says."""

BOILER_OVERHEAT: Final = 0
"""``ERROR_TEMPERATURA_KOTLA``: boiler temperature exceeded."""

NO_FUEL: Final = 38
"""``ERROR_BRAK_PALIWA``: no fuel (the code seen on the live reference boiler)."""

UNTRANSLATED_ALARM: Final = 64
"""A code whose symbol has no label in the ``errors`` pack (the app shows the code)."""

ALARM_VIEW_TITLES: Final[dict[str, tuple[str, str]]] = {
    "currentAlarms": ("Aktualne", "Current"),
    "historyAlarms": ("Historia", "History"),
}
"""The ``alarm`` namespace: key → (pl, en)."""

ALARM_NAMESPACES: Final = ("errors", "alarm")
"""i18n namespaces of the alarm view (rendered like the other namespaces)."""

ALARM_FORMS: Final[tuple[AlarmForm, ...]] = (
    "plain_code_keys",
    "plain_symbol_keys",
    "ts_enum",
)
ALARM_BASENAMES: Final = ("Alarms", "alarms", "alarmsNames")
"""Chunk basenames: the library takes ``Alarms``/``alarms``, else the first ``alarms…``."""


def alarm_packs(language: str) -> dict[str, dict[str, str]]:
    """Return the ``errors`` and ``alarm`` i18n packs for ``"pl"`` or ``"en"``."""
    en = language == "en"
    errors: dict[str, str] = {}
    for alarm in ALARMS:
        label = alarm.en if en else alarm.pl
        if label is not None:
            errors[alarm.symbol] = label
    titles = {key: (e if en else p) for key, (p, e) in ALARM_VIEW_TITLES.items()}
    return {"errors": errors, "alarm": titles}


@dataclass(frozen=True, kw_only=True)
class AlarmChunkStyle:
    """How one seed spells the ``AlarmName`` chunk.

    `form` is the table's literal form; `basename` the chunk's file basename;
    `export` ``"named"`` (``export{T as A, View as default}``) or ``"default"``
    (``export default T``); `quoted_keys` quotes the table's keys (``"38":…`` /
    ``"ERROR_X":…``); `bracket_members` spells the esbuild enum's members
    ``t["ERROR_X"]`` rather than ``t.ERROR_X``; `decoys_first` puts the decoy objects
    before the table.
    """

    form: AlarmForm
    basename: str
    export: Literal["named", "default"]
    quoted_keys: bool
    bracket_members: bool
    decoys_first: bool


def alarm_chunk_style(seed: int) -> AlarmChunkStyle:
    """Return the chunk's spelling for `seed` (the same for readable and obfuscated).

    The form cycles with ``seed % 3`` and the basename with ``(seed + seed // 3) % 3``,
    so seeds 0 to 5 meet every form and every basename; the quoting alternates every
    three seeds, so each form appears both with and without quoted keys.
    """
    return AlarmChunkStyle(
        form=ALARM_FORMS[seed % 3],
        basename=ALARM_BASENAMES[(seed + seed // 3) % 3],
        export="default" if (seed // 2) % 2 else "named",
        quoted_keys=(seed // 3) % 2 == 1,
        bracket_members=(seed // 3) % 2 == 1,
        decoys_first=seed % 2 == 1,
    )


_DECOY_PRIORITY_CODES: Final = (NO_FUEL, BOILER_OVERHEAT, 41, 23, 7)
"""Codes of the decoy priority map, in its order (not the table's)."""


def _table_src(style: AlarmChunkStyle, js: Js, names: Names) -> tuple[str, str]:
    """Return (statement, local name) of the ``AlarmName`` table."""
    ordered = list(ALARMS)
    if style.form == "plain_code_keys":
        var = names("AlarmName")
        items = ",".join(
            (
                js.string(str(alarm.code), escape=False)
                if style.quoted_keys
                else js.num(alarm.code, key=True)
            )
            + ":"
            + js.string(alarm.symbol, escape=False)
            for alarm in ordered
        )
        return f"const {var}={{{items}}};", var
    if style.form == "plain_symbol_keys":
        var = names("AlarmName")
        items = ",".join(
            (
                js.string(alarm.symbol, escape=False)
                if style.quoted_keys
                else alarm.symbol
            )
            + ":"
            + js.num(alarm.code)
            for alarm in ordered
        )
        return f"const {var}={{{items}}};", var
    if js.readable:
        # tsc: var AlarmName;(function(AlarmName){AlarmName[AlarmName["X"]=38]="X";…})(…);
        var = names("AlarmName")
        body = "".join(
            f'{var}[{var}["{alarm.symbol}"]={alarm.code}]="{alarm.symbol}";'
            for alarm in ordered
        )
        return f"var {var};(function({var}){{{body}}})({var}||({var}={{}}));", var
    # esbuild: var e=(t=>(t[t.X=0x26]="X",…,t))(e||{});
    var, arg = names.short("AlarmName"), names.short("AlarmName_arg")
    members = ",".join(
        f"{arg}[{js.member(arg, alarm.symbol, dotted=not style.bracket_members)}"
        f"={js.num(alarm.code)}]={js.string(alarm.symbol, escape=False)}"
        for alarm in ordered
    )
    return f"var {var}=({arg}=>({members},{arg}))({var}||{{}});", var


def _decoys_src(js: Js, names: Names) -> tuple[list[str], str, str]:
    """Return (statements, view local, priority local): objects that are not the table."""
    view, priority = names("alarmsView"), names("alarmPriority")
    props: dict[str, Any] = {
        "devid": Obj((("type", Ref("String")), ("required", True))),
        "limit": Obj((("type", Ref("Number")), ("default", 20))),
    }
    options = Obj(
        (
            ("name", "AlarmsView"),
            ("props", Obj(tuple(props.items()))),
            ("emits", ["refresh", "acknowledge"]),
        )
    )
    # code → priority: numeric keys like the table's, but numbers as values
    priorities = {alarm.code: alarm.priority for alarm in ALARMS}
    ranks = Obj(tuple((code, priorities[code]) for code in _DECOY_PRIORITY_CODES))
    return (
        [f"const {view}={js.expr(options)};", f"const {priority}={js.expr(ranks)};"],
        view,
        priority,
    )


def alarm_chunk_src(
    style: AlarmChunkStyle, js: Js, names: Names, export_letters: tuple[str, str, str]
) -> str:
    """Render the ``AlarmName`` chunk: the table, two decoy objects and the exports.

    `export_letters` are the exported names of (table, view, priority); with
    ``style.export == "default"`` the table is the default export and the view keeps its
    letter, otherwise the view is the default export.
    """
    table, table_var = _table_src(style, js, names)
    decoys, view, priority = _decoys_src(js, names)
    body = [*decoys, table] if style.decoys_first else [table, *decoys]
    table_as, view_as, priority_as = export_letters
    if style.export == "default":
        body.append(
            f"export{{{_spec(view, view_as)},{_spec(priority, priority_as)}}};"
            f"export default {table_var};"
        )
    else:
        body.append(
            f"export{{{_spec(table_var, table_as)},{view} as default,"
            f"{_spec(priority, priority_as)}}};"
        )
    return "\n".join(body) + "\n"


def _spec(local: str, exported: str) -> str:
    """One export specifier (``a as B``, or ``a`` when the names agree)."""
    return local if local == exported else f"{local} as {exported}"


__all__ = [
    "ALARMS",
    "ALARM_BASENAMES",
    "ALARM_FORMS",
    "ALARM_NAMES",
    "ALARM_NAMESPACES",
    "ALARM_VIEW_TITLES",
    "BOILER_OVERHEAT",
    "NO_FUEL",
    "UNTRANSLATED_ALARM",
    "AlarmChunkStyle",
    "AlarmForm",
    "AlarmSpec",
    "alarm_chunk_src",
    "alarm_chunk_style",
    "alarm_packs",
]
