"""Spell the catalogue as the vendor's obfuscated Vite bundle (PROTOCOL.md §4.1 to §4.9).

One `Renderer` per (seed, readable) produces every file of the bundle: the HTML page,
``index-<hash>.js`` (language config, units table, enums, inline parameter builders and
call tables, lazy-import tables), a menu chunk per ``deviceMenu`` (plus a decoy variant
for the variant spelling), dedicated parameter-map chunks, the i18n chunks and the
*Alarms* view's chunk with the ``AlarmName`` table (PROTOCOL.md §2.8a,
`simulator.webapp.alarms`).

The alarm additions draw on random sources of their own, so the rest of a seed's bundle
is spelled exactly as without them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
import copy
from dataclasses import dataclass
import random
import re
from typing import Any

from simulator.modules import MODULES
from simulator.webapp.alarms import (
    ALARM_NAMESPACES,
    alarm_chunk_src,
    alarm_chunk_style,
    alarm_packs,
)
from simulator.webapp.catalogue import (
    BOILER_STATES,
    DIODE_STATES,
    LANGUAGES,
    OPTIONS_EN,
    ROUTE_TITLES,
    TIME66_OFF,
    UNIT_TEXT_EN,
    UNIT_TEXT_PL_EXTRA,
    UNITS,
    VALVE_STATES,
    Command,
    Cond,
    Entry,
    Param,
    Regex,
    Route,
    Rule,
    Sel,
    Transform,
    Unit,
    _json,
    catalogue,
)
from simulator.webapp.js import (
    UNDEFINED,
    Computed,
    Js,
    Member,
    Names,
    Obj,
    Raw,
    Ref,
    Regex as JsRegex,
)

_HASH_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
_TABLE_SIZE = 12
_ENUMS: dict[str, tuple[str, ...]] = {
    "ParameterStatus": ("INVISIBLE", "ENABLED", "DEVICE_AVAILABLE"),
    "ClauseOperation": (
        "equalTo",
        "notEqualTo",
        "greaterThan",
        "greaterThanOrEqualTo",
        "lessThan",
        "lessThanOrEqualTo",
        "matches",
        "notMatches",
    ),
    "DiodeState": tuple(t for t, _p, _e in DIODE_STATES),
    "BoilerState": tuple(t for t, _p, _e in BOILER_STATES),
    "ThreeWayValveState": tuple(t for t, _p, _e in VALVE_STATES),
    "ParameterKind": ("READ", "WRITE", "STATUS", "SPECIAL"),
    "IconsList": ("INFO", "SETTINGS", "TEMPERATURE", "PUMP"),
}
_SECTION_KIND = {
    "read": "READ",
    "write": "WRITE",
    "status": "STATUS",
    "special": "SPECIAL",
}


@dataclass(frozen=True)
class Files:
    """File names (no directory) of one bundle."""

    index: str
    css: str
    view: str
    menus: dict[
        int, list[tuple[str, str, bool]]
    ]  # deviceMenu -> [(router path, file, is_real)]
    params: dict[str, str]  # token -> chunk file
    i18n: dict[tuple[str, str], str]  # (lang, namespace) -> file
    alarms: str  # the Alarms view's chunk with the AlarmName table


class Renderer:
    """Render all files of one bundle for (`seed`, `readable`)."""

    def __init__(self, seed: int, *, readable: bool) -> None:
        """Prepare the seeded style, names and file names."""
        self.seed = seed
        self.readable = readable
        self.rng = random.Random(f"brager-webapp:{seed}:{readable}")
        self.js = Js(random.Random(f"style:{seed}:{readable}"), readable=readable)
        self.names = Names(random.Random(f"names:{seed}"), readable=readable)
        self._hashes: set[str] = set()
        # the alarm view's files draw on their own randomness (same style, same names
        # pool shape), so that adding them leaves every other spelling of the seed as is
        self.alarm_style = alarm_chunk_style(seed)
        self._alarm_rng = random.Random(f"brager-webapp-alarms:{seed}:{readable}")
        self._alarm_js = copy.copy(self.js)
        self._alarm_js.rng = random.Random(f"alarm-style:{seed}:{readable}")
        self._alarm_names = Names(
            random.Random(f"alarm-names:{seed}"), readable=readable
        )
        self._enum_names: dict[str, str] = {}
        for enum in (*_ENUMS, "Permission"):
            self._enum_names[enum] = self._enum_var(enum)
        self._menu_alias: dict[str, str] = {}
        self.helper = (
            self.names.short("preloadHelper") if not readable else "__vitePreload"
        )
        self.files = self._plan_files()
        self.exports = self._plan_exports()

    # ------------------------------------------------------------------ names
    def _enum_var(self, enum: str) -> str:
        if self.readable:
            return enum
        roll = self.rng.random()
        if roll < 0.25:
            return enum  # readable leftover (ClauseOperation['equalTo'])
        if roll < 0.4:
            return self.names.short(enum)  # kn.ON style
        return self.names(enum)

    @contextmanager
    def _alarm_randomness(self) -> Iterator[None]:
        """Render with the alarm view's own random sources (see the module docstring)."""
        saved = self.rng, self.js, self.names
        self.rng, self.js, self.names = (
            self._alarm_rng,
            self._alarm_js,
            self._alarm_names,
        )
        try:
            yield
        finally:
            self.rng, self.js, self.names = saved

    def _alarm_files(self) -> set[str]:
        """Return the files of the alarm view: its chunk and its i18n chunks."""
        f = self.files
        return {f.alarms} | {
            file for (_lang, ns), file in f.i18n.items() if ns in ALARM_NAMESPACES
        }

    def _randomness_for(self, file: str) -> AbstractContextManager[None]:
        """Return the alarm view's random sources for its files, else the bundle's own."""
        return (
            self._alarm_randomness() if file in self._alarm_files() else nullcontext()
        )

    def _hash(self, rng: random.Random | None = None) -> str:
        rng = rng or self.rng
        while True:
            chars = [rng.choice(_HASH_CHARS) for _ in range(8)]
            roll = rng.random()
            if roll < 0.15:
                chars[-1] = "-"
            elif roll < 0.35:
                chars[rng.randrange(1, 7)] = "-"
            text = "".join(chars)
            if text not in self._hashes:
                self._hashes.add(text)
                return text

    def _plan_files(self) -> Files:
        index = f"index-{self._hash()}.js"
        css = f"index-{self._hash()}.css"
        view = f"ModuleView-{self._hash()}.js"
        spellings = self.rng.sample(["relative", "src", "variant"], k=2)
        menus: dict[int, list[tuple[str, str, bool]]] = {}
        for module, spelling in zip(MODULES, spellings, strict=False):
            n = module.device_menu
            if spelling == "relative":
                menus[n] = [
                    (
                        f"../config/router/deviceMenu/{n}/module.menu.ts",
                        f"module.menu-{self._hash()}.js",
                        True,
                    )
                ]
            elif spelling == "src":
                menus[n] = [
                    (
                        f"/src/config/router/deviceMenu/{n}/module.menu.ts",
                        f"module.menu-{self._hash()}.js",
                        True,
                    )
                ]
            else:
                decoy = self.rng.choice(["lite", "tis", "legacy"])
                menus[n] = [
                    (
                        f"/src/config/router/deviceMenu/{n}/{decoy}.ts",
                        f"{decoy}-{self._hash()}.js",
                        False,
                    ),
                    (
                        f"/src/config/router/deviceMenu/{n}/0.ts",
                        f"0-{self._hash()}.js",
                        True,
                    ),
                ]
        params = {
            tok: f"{tok}-{self._hash()}.js"
            for tok in ("PARAM_66", "STATUS_P5_0", "STATUS_P5_10")
        }
        i18n: dict[tuple[str, str], str] = {}
        for lang in ("pl", "en"):
            for ns in self.namespaces():
                rng = self._alarm_rng if ns in ALARM_NAMESPACES else None
                i18n[(lang, ns)] = f"{ns}-{self._hash(rng)}.js"
        alarms = f"{self.alarm_style.basename}-{self._hash(self._alarm_rng)}.js"
        return Files(
            index=index,
            css=css,
            view=view,
            menus=menus,
            params=params,
            i18n=i18n,
            alarms=alarms,
        )

    def _plan_exports(self) -> dict[str, str]:
        logical = [
            "helper",
            "param",
            "ParameterKind",
            "Permission",
            "diode",
            "ParameterStatus",
            "ClauseOperation",
            "DiodeState",
            "BoilerState",
            "convert",
        ]
        letters = list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
        self.rng.shuffle(letters)
        out = {
            name: (name if self.readable else letters[i])
            for i, name in enumerate(logical)
        }
        out["helper"] = "_" if not self.readable else "helper"
        return out

    @staticmethod
    def namespaces() -> list[str]:
        """i18n namespaces the index imports (§4.8)."""
        titles = sorted(ROUTE_TITLES)
        return [
            "parameters",
            "units",
            "app",
            "routes",
            "module",
            "diodeState",
            *titles,
            *ALARM_NAMESPACES,
        ]

    # ------------------------------------------------------------------ small spellers
    def enum(self, enum: str, member: str) -> Member:
        """Enum member access on the (mangled or leftover) enum variable."""
        return Member(self._enum_names[enum], member)

    def sel(self, sel: Sel) -> Obj:
        """Render an address selector object (§4.5)."""
        items: list[tuple[Any, Any]] = [
            ("group", sel.pool),
            ("number", sel.index),
            ("use", sel.chan),
        ]
        if sel.bit is not None:
            items.append(("bit", sel.bit))
        if sel.mask is not None:
            items.append(("mask", sel.mask))
        if sel.convert:
            items.append(("convert", Ref(self.names("convertWord"))))
        if sel.times is not None:
            items.append(("times", sel.times))
        return Obj(tuple(items))

    def tag(self, enum: str, tag: str | None) -> Any:
        """Render a computed STATUS tag (enum member access)."""
        if tag is None:
            return None
        return self.enum(enum, tag)

    def cond(self, cond: Cond) -> Obj:
        """One rule condition (§4.6)."""
        op: Any = (
            cond.op
            if self.rng.random() < 0.3
            else self.enum("ClauseOperation", cond.op)
        )
        expected: Any = cond.expected
        if isinstance(expected, Regex):
            expected = JsRegex(expected.pattern, expected.flags)
        elif expected is None:
            expected = UNDEFINED
        return Obj(
            (
                ("operation", op),
                ("expected", expected),
                ("value", [self.sel(s) for s in cond.value]),
            )
        )

    def then_value(self, value: Any, enum: str | None, *, wrap: bool) -> Any:
        """Render the ``then`` part of a rule: tag, boolean, null or command object."""
        if isinstance(value, Command):
            return Obj((("command", value.name), ("value", value.value)))
        if isinstance(value, str) and enum is not None:
            tag = self.tag(enum, value)
            return Obj((("value", tag),)) if wrap else tag
        return value

    def rules(self, rules: tuple[Rule, ...], enum: str | None) -> list[Obj]:
        """Render a rule list ``[{if:[…],then:…},{elseif:[…],then:…},{else:…}]``."""
        out: list[Obj] = []
        for rule in rules:
            then = self.then_value(rule.then, enum, wrap=rule.wrap)
            if rule.kind == "else":
                out.append(Obj((("else", then),)))
            else:
                out.append(
                    Obj(
                        (
                            (rule.kind, [self.cond(c) for c in rule.conds]),
                            ("then", then),
                        )
                    )
                )
        return out

    def status(self, flags: tuple[tuple[str, Any], ...]) -> Obj:
        """Render the ``status`` flag map with computed/enum/plain keys."""
        items: list[tuple[Any, Any]] = []
        for name, spec in flags:
            roll = self.rng.random()
            key: Any = (
                Computed(self.enum("ParameterStatus", name))
                if roll < 0.7 or self.readable
                else name
            )
            if spec and isinstance(spec[0], Rule):
                items.append((key, self.rules(spec, None)))
            else:
                items.append((key, [self.sel(s) for s in spec]))
        return Obj(tuple(items))

    def unit_enum(self, code: int | None) -> str | None:
        """Return the enum behind a virtual STATUS unit's tags."""
        if code is None:
            return None
        unit = UNITS.get(code)
        return unit.enum if unit else None

    # ------------------------------------------------------------------ parameter maps
    def literal_map(self, param: Param) -> Obj:
        """Render a parameter map written out as a literal object."""
        items: list[tuple[Any, Any]] = []
        if self.rng.random() < 0.5:
            items.append(("id", 20240000000000 + self.rng.randrange(10**9)))
        items.append(("name", param.label_token))
        enum = self.unit_enum(param.unit)
        if param.unit is not None:
            items.append(
                (
                    self.rng.choice(["unit", "unit", "units"])
                    if not self.readable
                    else "unit",
                    param.unit,
                )
            )
        if param.rules:
            items.append(("value", self.rules(param.rules, enum)))
        elif param.value:
            items.append(("value", [self.sel(s) for s in param.value]))
        if param.flags:
            items.append(("status", self.status(param.flags)))
        comp_key = (
            "useComponent"
            if self.readable or self.rng.random() < 0.6
            else "componentType"
        )
        items.append((comp_key, param.component or UNDEFINED))
        if param.commands:
            key, rules = param.commands
            items.append((key, self.rules(rules, None)))
        return Obj(tuple(items))

    def builder_call(self, param: Param) -> Any:
        """Render a builder call producing `param` (the dominant live form, §4.5)."""
        args: list[tuple[Any, Any]] = []
        if param.form == "p6":
            args.append(("id", 20240408100000 + param.value[0].index))
            args.append(("number", param.value[0].index))
            if param.component or self.rng.random() < 0.2:
                args.append(("useComponent", param.component or UNDEFINED))
            default = (
                (
                    "INVISIBLE",
                    (Sel(pool="P6", index=param.value[0].index, chan="s", bit=7),),
                ),
            )
            if param.flags != default or self.rng.random() < 0.15:
                args.append(("status", self.status(param.flags)))
            return Ref(
                self.names("basicParameterBuilder_P6") + "(" + self.js.obj(args) + ")"
            )
        if param.form == "pool":
            sel = param.value[0]
            args.append(("id", 20240408110000 + sel.index))
            args.append(("number", sel.index))
            if param.unit is not None:
                args.append(("unit", param.unit))
            if (
                len(param.value) > 1
                or param.value[0].chan != "v"
                or param.value[0].bit is not None
            ):
                args.append(("value", [self.sel(s) for s in param.value]))
            default = (
                ("INVISIBLE", (Sel(pool=sel.pool, index=sel.index, chan="s", bit=7),)),
            )
            if param.flags != default:
                args.append(("status", self.status(param.flags)))
            if param.component:
                args.append(("useComponent", param.component))
            return Ref(
                self.names(f"basicParameterBuilder_{sel.pool}")
                + "("
                + self.js.obj(args)
                + ")"
            )
        if param.form in {"diode", "chunk_table"}:
            first = param.rules[0].conds[0]
            sel = first.value[0]
            args.append(("number", sel.index))
            if sel.bit:
                args.append(("bit", sel.bit))
            if param.unit != 9994:
                args.append(("unit", param.unit))
            if first.expected != 1 or isinstance(first.expected, bool):
                args.append(("expected", first.expected))
            if not param.token.startswith("STATUS_P5_"):
                args.append(("name", param.label_token))
            return Ref(self.names("statusDiodeBuilder") + "(" + self.js.obj(args) + ")")
        if param.form == "mixer":
            sel = param.value[0]
            if sel.pool != "P6" or self.rng.random() < 0.3:
                args.append(("group", sel.pool))
            args.append(("number", sel.index))
            args.append(("name", param.label_token))
            if param.limits:
                args.append(("limits", True))
            if param.flags:
                args.append(("status", self.status(param.flags)))
            if param.component:
                args.append(("useComponent", param.component))
            return Ref(
                self.names("mixerParameterBuilder") + "(" + self.js.obj(args) + ")"
            )
        return self.literal_map(param)

    # ------------------------------------------------------------------ builders
    def _k(self, key: str) -> str:
        return self.js.key(key)

    def _sel_src(self, group: str, number: str, use: str, extra: str = "") -> str:
        return (
            "{"
            f"{self._k('group')}:{group},{self._k('number')}:{number},{self._k('use')}:{self.js.string(use)}{extra}"
            "}"
        )

    def _name_expr(self, given: str, prefix: str, number: str) -> str:
        style = (
            "template"
            if self.readable
            else self.rng.choice(["nullish", "ternary", "template"])
        )
        if style == "template":
            return f"{given}??`{prefix}${{{number}}}`"
        if style == "ternary":
            return f"{given}==={self.js.undefined()}?{self.js.string(prefix)}+{number}:{given}"
        return f"{given}??{self.js.string(prefix)}+{number}"

    def builders_src(self) -> list[str]:
        """Source of the builder factories (destructured defaults, spreads, `??`)."""
        n = self.names
        out: list[str] = []
        inv = "[" + self.js.expr(self.enum("ParameterStatus", "INVISIBLE")) + "]"
        # P6 classic builder
        b = n("basicParameterBuilder_P6")
        i, num, nm, ic, uc, st, rest, g = (
            n(f"p6_{x}")
            for x in ("id", "number", "name", "icon", "use", "status", "rest", "group")
        )
        bit7 = "," + self._k("bit") + ":" + self.js.num(7)
        if self.readable or self.rng.random() < 0.5:
            status_default = "{" + f"{inv}:[{self._sel_src(g, num, 's', bit7)}]" + "}"
            status_param, status_expr = f"status:{st}", f"{st}??{status_default}"
        else:
            status_default = (
                f"{{{inv}:[{self._sel_src(self.js.string('P6'), num, 's', bit7)}]}}"
            )
            status_param, status_expr = f"status:{st}={status_default}", st
        out.append(
            f"const {b}=({{id:{i}={self.js.num(0)},number:{num},name:{nm},icon:{ic}={self.js.expr(self.enum('IconsList', 'SETTINGS'))},"
            f"useComponent:{uc}={self.js.undefined()},{status_param},...{rest}}})=>{{const {g}={self.js.string('P6')};"
            f"return{{...{rest},{self._k('id')}:{i},{self._k('icon')}:{ic},{self._k('name')}:{self._name_expr(nm, 'parameters.PARAM_', num)},"
            f"{self._k('value')}:[{self._sel_src(g, num, 'v')}],{self._k('minValue')}:[{self._sel_src(g, num, 'n')}],"
            f"{self._k('maxValue')}:[{self._sel_src(g, num, 'x')}],{self._k('status')}:{status_expr},{self._k('useComponent')}:{uc}}};}};"
        )
        # per-pool builders
        for pool in ("P4", "P5", "P7", "P10", "P11"):
            b = n(f"basicParameterBuilder_{pool}")
            i, num, nm, un, val, st, uc, rest, tok = (
                n(f"{pool}_{x}")
                for x in (
                    "id",
                    "number",
                    "name",
                    "unit",
                    "value",
                    "status",
                    "use",
                    "rest",
                    "token",
                )
            )
            pool_s = self.js.string(pool)
            limits = ""
            if pool == "P10":
                limits = f"{self._k('minValue')}:[{self._sel_src(pool_s, num, 'n')}],{self._k('maxValue')}:[{self._sel_src(pool_s, num, 'x')}],"
            status_default = (
                "{"
                f"{inv}:[{self._sel_src(pool_s, num, 's', ',' + self._k('bit') + ':' + self.js.num(7))}]"
                "}"
            )
            out.append(
                f"const {b}=({{id:{i},number:{num},name:{nm}={self.js.undefined()},unit:{un},value:{val},status:{st},"
                f"useComponent:{uc}={self.js.undefined()},...{rest}}})=>{{const {tok}=`parameters.PARAM_{pool}_${{{num}}}`;"
                f"return{{{self._k('id')}:{i},{self._k('icon')}:{self.js.expr(self.enum('IconsList', 'INFO'))},{self._k('name')}:{nm}??{tok},"
                f"{self._k('value')}:{val}??[{self._sel_src(pool_s, num, 'v')}],{limits}...({un}==={self.js.undefined()}?{{}}:{{{self._k('unit')}:{un}}}),"
                f"{self._k('status')}:{st}??{status_default},{self._k('useComponent')}:{uc},...{rest}}};}};"
            )
        # diode STATUS builder (expression body)
        b = n("statusDiodeBuilder")
        num, bit, nm, un, exp, rest = (
            n(f"d_{x}") for x in ("number", "bit", "name", "unit", "expected", "rest")
        )
        op = self.js.expr(self.enum("ClauseOperation", "equalTo"))
        out.append(
            f"const {b}=({{number:{num},bit:{bit}={self.js.num(0)},name:{nm},unit:{un}={self.js.num(9994)},expected:{exp}={self.js.num(1)},...{rest}}})=>({{"
            f"{self._k('name')}:{self._name_expr(nm, 'parameters.STATUS_P5_', num)},{self._k('unit')}:{un},{self._k('useComponent')}:{self.js.string('DIODE')},"
            f"{self._k('value')}:[{{if:[{{{self._k('operation')}:{op},{self._k('expected')}:{exp},{self._k('value')}:[{self._sel_src(self.js.string('P5'), num, 's', ',' + self._k('bit') + ':' + bit)}]}}],"
            f"then:{self.js.expr(self.enum('DiodeState', 'ON'))}}},{{else:{self.js.expr(self.enum('DiodeState', 'OFF'))}}}],...{rest}}});"
        )
        # mixer builder
        b = n("mixerParameterBuilder")
        grp, num, nm, use, lim, st, rest = (
            n(f"m_{x}")
            for x in ("group", "number", "name", "use", "limits", "status", "rest")
        )
        out.append(
            f"const {b}=({{group:{grp}={self.js.string('P6')},number:{num},name:{nm},use:{use}={self.js.string('v')},limits:{lim}={self.js.boolean(value=False)},status:{st}={{}},...{rest}}})=>({{"
            f"{self._k('name')}:{nm},{self._k('value')}:[{{{self._k('group')}:{grp},{self._k('number')}:{num},{self._k('use')}:{use}}}],"
            f"...({lim}?{{{self._k('minValue')}:[{self._sel_src(grp, num, 'n')}],{self._k('maxValue')}:[{self._sel_src(grp, num, 'x')}]}}:{{}}),"
            f"{self._k('status')}:{st},...{rest}}});"
        )
        return out

    # ------------------------------------------------------------------ index
    def enums_src(self) -> list[str]:
        """TS-compiled enums (IIFE form) or frozen object literals."""
        out: list[str] = []
        members = dict(_ENUMS)
        perms = sorted({p for m in MODULES for p in self._all_permissions(m.kind)})
        members["Permission"] = tuple(perms)
        for enum, names in members.items():
            var = self._enum_names[enum]
            values = {m: (m.lower() if enum == "ParameterKind" else m) for m in names}
            if self.readable or self.rng.random() < 0.5:
                arg = self.names(f"{enum}_arg")
                body = ";".join(
                    f"{self.js.member(arg, m)}={self.js.string(v)}"
                    for m, v in values.items()
                )
                out.append(
                    f"var {var};(function({arg}){{{body};}})({var}||({var}={{}}));"
                )
            else:
                out.append(f"const {var}={self.js.obj(tuple(values.items()))};")
        return out

    @staticmethod
    def _all_permissions(kind: str) -> set[str]:
        perms: set[str] = set()

        def walk(route: Route) -> None:
            if route.permission:
                perms.add(route.permission)
            perms.update(e.permission for e in route.entries if e.permission)
            for child in route.children:
                walk(child)

        for route in catalogue(kind).routes:
            walk(route)
        return perms

    def unit_descriptor(self, unit: Unit) -> Obj:
        """One units-table descriptor (§4.7)."""
        items: list[tuple[Any, Any]] = []
        if unit.text:
            items.append(("text", unit.text))
        if unit.options:
            opts: list[tuple[Any, Any]] = []
            as_string = self.rng.random() < 0.4 and not self.readable
            for key, token in unit.options:
                if isinstance(key, int):
                    opts.append((key, token))
                elif as_string:
                    opts.append((f"{unit.enum}['{key}']", token))
                else:
                    opts.append((Computed(self.enum(str(unit.enum), key)), token))
            items.append(("options", Obj(tuple(opts))))
        if unit.transform is not None:
            value, prepare = self.transform_src(unit.transform)
            items.append(("value", Raw(value)))
            items.append(("valuePrepare", Raw(prepare)))
        if unit.code in {9994, 9996}:
            items.append(("colors", Obj((("ON", "#3cb371"), ("OFF", "#9e9e9e")))))
        return Obj(tuple(items))

    def transform_src(self, t: Transform) -> tuple[str, str]:
        """Arrow-function source of a display transform and its inverse (live spellings)."""
        x = "value" if self.readable else self.names(f"tx_{self.rng.random()}")
        num = self.js.num
        if t.kind == "mul":
            factor = (
                num(int(t.factor)) if float(t.factor).is_integer() else repr(t.factor)
            )
            if t.decimals is not None:
                value = f"{x}=>Number({x}*{factor})[{self.js.string('toFixed')}]({num(t.decimals)})"
            else:
                value = f"{x}=>{x}*{factor}"
            inverse = round(1 / t.factor, 6)
            inv_src = (
                num(int(inverse)) if float(inverse).is_integer() else repr(inverse)
            )
            prepare = f"{x}=>{x}*{inv_src}" if t.factor < 1 else f"{x}=>{x}/{factor}"
            return value, prepare
        if t.kind == "offset_mul":
            return (
                f"{x}=>({x}-{num(t.offset)})*{t.factor!r}",
                f"{x}=>{x}/{t.factor!r}+{num(t.offset)}",
            )
        if t.kind == "offset":
            return f"{x}=>{x}-{num(t.offset)}", f"{x}=>{x}+{num(t.offset)}"
        m = "minutes" if self.readable else self.names(f"tm_{self.rng.random()}")
        floor = self.js.member(
            "Math", "floor", dotted=False if not self.readable else None
        )
        pad = self.js.string("padStart")
        zero = self.js.string("0")
        value = (
            f"function({x}){{if({x}==={num(0)})return {self.js.string('units.202.0')};const {m}=({x}-{num(1)})*{num(10)};"
            f"return String({floor}({m}/{num(60)}))[{pad}]({num(2)},{zero})+{self.js.string(':')}+String({m}%{num(60)})[{pad}]({num(2)},{zero});}}"
        )
        h = "hours" if self.readable else self.names(f"tp_{self.rng.random()}")
        prepare = (
            f"{x}=>{{if(!{x})return {num(0)};const [{h},{m}]={x}[{self.js.string('split')}]({self.js.string(':')})[{self.js.string('map')}](Number);"
            f"return ({h}*{num(60)}+{m})/{num(10)}+{num(1)};}}"
        )
        return value, prepare

    def units_table(self) -> Obj:
        """Render the hex-keyed units descriptor table, with unused codes from the old table."""
        units: dict[int, Unit] = dict(UNITS)
        raw_all: dict[str, Any] = _json("pl_units.json")
        for code_s, raw in raw_all.items():
            code = int(code_s)
            if code in units:
                continue
            if isinstance(raw, str) and raw:
                units[code] = Unit(code=code, text=f"units.{code}")
            elif isinstance(raw, dict) and "options" in raw:
                units[code] = Unit(
                    code=code,
                    options=tuple(
                        (int(k), f"units.{code}.{k}")
                        for k in sorted(raw["options"], key=int)
                    ),
                )
        units[52] = Unit(
            code=52,
            text="units.1",
            transform=Transform(kind="mul", factor=0.1, decimals=1),
        )
        order = sorted(units)
        return Obj(tuple((code, self.unit_descriptor(units[code])) for code in order))

    def language_config(self) -> Obj:
        """Render the language config object (§4.8)."""
        variants: dict[str, dict[str, str]] = {}
        for module in MODULES:
            if module.language_variant:
                variants.setdefault(str(module.device_menu), {})[
                    str(module.language_variant)
                ] = "PL_5_RTP_TIS"
        pl = Obj(
            (
                ("id", "PL"),
                ("flag", "pl"),
                (
                    "variants",
                    Obj(tuple((k, Obj(tuple(v.items()))) for k, v in variants.items())),
                ),
            )
        )
        en = Obj((("id", "EN"), ("flag", "en")))
        return Obj((("translations", [pl, en]), ("defaultTranslation", "pl")))

    def _loader(self, file: str, *, deps: list[int]) -> str:
        dep_src = (
            "__vite__mapDeps([" + ",".join(self.js.num(d) for d in deps) + "])"
            if deps
            else "[]"
        )
        quote = self.js.quote
        return f"()=>{self.helper}(()=>import({quote}./{file}{quote}),{dep_src})"

    def all_assets(self) -> list[str]:
        """Every chunk file name (the ``__vite__mapDeps`` list)."""
        f = self.files
        names = [f.view, f.css]
        for variants in f.menus.values():
            names.extend(file for _p, file, _r in variants)
        names.extend(f.params.values())
        names.extend(f.i18n.values())
        names.append(f.alarms)
        return names

    def index_src(self) -> str:
        """Render the whole ``index-<hash>.js`` module."""
        js, n, f = self.js, self.names, self.files
        assets = self.all_assets()
        dep = {name: i for i, name in enumerate(assets)}
        parts: list[str] = []
        preload: list[str] = []
        for asset in assets:
            with self._randomness_for(asset):
                preload.append(self.js.string("assets/" + asset, quote='"'))
        parts.append(
            "const __vite__mapDeps=(i,m=__vite__mapDeps,d=(m.f||(m.f=["
            + ",".join(preload)
            + "])))=>i.map(i=>d[i]);"
        )
        a, b = n("helper_loader"), n("helper_deps")
        parts.append(f"const {self.helper}=function({a},{b}){{return {a}();}};")
        k, t = n("param_kind"), n("param_token")
        parts.append(
            f"const {n('menuParameter')}=({k},{t})=>({{{self._k('kind')}:{k},{self._k('token')}:{t}}});"
        )
        w = n("convert_arg")
        parts.append(f"const {n('convertWord')}={w}=>{w}&{js.num(0xFFFF)};")
        parts.extend(self.enums_src())
        parts.append(f"const {n('languageConfig')}={js.expr(self.language_config())};")
        parts.append(f"const {n('unitsDescriptors')}={js.expr(self.units_table())};")
        parts.extend(self.builders_src())
        parts.extend(self.param_tables())
        # the lazy-import tables follow
        menu_items = []
        for variants in f.menus.values():
            for path, file, _real in variants:
                menu_items.append(
                    js.string(path, quote='"')
                    + ":"
                    + self._loader(file, deps=[dep[f.view]])
                )
        parts.append(
            f"const {n('deviceMenus')}=Object.assign({{{','.join(menu_items)}}});"
        )
        i18n_items = []
        ev = n("i18n_module")
        for (lang, ns), file in f.i18n.items():
            with self._randomness_for(file):
                key = self.js.string(
                    f"../../resources/languages/{lang}/{ns}.json", quote='"'
                )
                default = self.js.member(ev, "default")
                i18n_items.append(
                    f"{key}:{self._loader(file, deps=[])}.then({ev}=>{default})"
                )
        parts.append(
            f"const {n('languageFiles')}=Object.assign({{{','.join(i18n_items)}}});"
        )
        param_items = []
        for token, file in f.params.items():
            section = "write" if token.startswith("PARAM") else "status"
            param_items.append(
                js.string(f"/src/config/parameters/{section}/{token}.ts", quote='"')
                + ":"
                + self._loader(file, deps=[])
            )
        parts.append(f"const {n('parameterChunks')}={{{','.join(param_items)}}};")
        app = n("mountApp")
        parts.append(
            f"function {app}(){{const {a}=document[{js.string('querySelector')}]({js.string('#app')});return {a}&&{n('languageConfig')}[{js.string('defaultTranslation')}];}}"
        )
        alarm_views = self.alarm_views_src(parts, dep)
        parts.append(alarm_views[0])
        exports = self.exports
        mapping = {
            "helper": self.helper,
            "param": n("menuParameter"),
            "ParameterKind": self._enum_names["ParameterKind"],
            "Permission": self._enum_names["Permission"],
            "diode": n("statusDiodeBuilder"),
            "ParameterStatus": self._enum_names["ParameterStatus"],
            "ClauseOperation": self._enum_names["ClauseOperation"],
            "DiodeState": self._enum_names["DiodeState"],
            "BoilerState": self._enum_names["BoilerState"],
            "convert": n("convertWord"),
        }
        extra = [
            n("deviceMenus"),
            n("languageFiles"),
            n("parameterChunks"),
            n("unitsDescriptors"),
            app,
            alarm_views[1],
        ]
        export_list = [f"{local} as {exports[name]}" for name, local in mapping.items()]
        export_list.extend(extra)
        parts.append("export{" + ",".join(export_list) + "};")
        return "\n".join(parts) + "\n"

    def alarm_views_src(self, parts: list[str], dep: dict[str, int]) -> tuple[str, str]:
        """Return (statement, local name) of the lazy view table importing the Alarms chunk.

        ``const V=Object.assign({"../views/modules/AlarmsView.vue":()=>helper(()=>
        import("./<alarms chunk>"),__vite__mapDeps([…]))});`` — the name avoids every
        identifier already in `parts` (the index so far).
        """
        taken = set(re.findall(r"[A-Za-z_$][A-Za-z0-9_$]*", "\n".join(parts)))
        f = self.files
        with self._alarm_randomness():
            suffix = 0
            local = self.names("alarmViews")
            while local in taken:
                suffix += 1
                local = self.names(f"alarmViews{suffix}")
            key = self.js.string("../views/modules/AlarmsView.vue", quote='"')
            loader = self._loader(f.alarms, deps=[dep[f.alarms], dep[f.css]])
        return f"const {local}=Object.assign({{{key}:{loader}}});", local

    def alarm_chunk(self) -> str:
        """Render the Alarms view's chunk with the ``AlarmName`` table (PROTOCOL.md §2.8a)."""
        with self._alarm_randomness():
            if self.readable:
                letters = ("AlarmName", "alarmsView", "alarmPriority")
            else:
                pool = list("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
                picked = self.rng.sample(pool, k=3)
                letters = (picked[0], picked[1], picked[2])
            return alarm_chunk_src(self.alarm_style, self.js, self.names, letters)

    def param_tables(self) -> list[str]:
        """Inline builder-call tables ``const T={PARAM_0:builder({…}),…}`` (§4.5)."""
        inline: list[Param] = []
        for module in MODULES:
            for param in catalogue(module.kind).params.values():
                if param.form.startswith("chunk_"):
                    continue
                inline.append(param)
        out: list[str] = []
        for start in range(0, len(inline), _TABLE_SIZE):
            chunk = inline[start : start + _TABLE_SIZE]
            items = tuple((p.token, self.builder_call(p)) for p in chunk)
            out.append(
                f"const {self.names(f'parameterTable_{start}')}={self.js.obj(items)};"
            )
        return out

    # ------------------------------------------------------------------ chunks
    def _import_line(self, wanted: dict[str, str]) -> str:
        parts = [f"{self.exports[name]} as {alias}" for name, alias in wanted.items()]
        q = self.js.quote
        return (
            "import{"
            + ",".join(parts)
            + "}from"
            + q
            + "./"
            + self.files.index
            + q
            + ";"
        )

    def param_chunk(self, token: str) -> str:
        """Render a dedicated parameter-map chunk (``export default`` / ``export {x as default}`` / table)."""
        boiler = catalogue("boiler").params
        param = boiler[token]
        aliases = {
            "ParameterStatus": self._enum_names["ParameterStatus"],
            "ClauseOperation": self._enum_names["ClauseOperation"],
            "DiodeState": self._enum_names["DiodeState"],
            "BoilerState": self._enum_names["BoilerState"],
        }
        if param.form == "chunk_table":
            aliases["diode"] = self.names("statusDiodeBuilder")
            extra_call = Ref(
                self.names("statusDiodeBuilder")
                + "("
                + self.js.obj((("number", 16),))
                + ")"
            )
            body = self.js.obj(
                ((token, self.builder_call(param)), ("STATUS_P5_16", extra_call))
            )
            return self._import_line(aliases) + f"export default {body};\n"
        obj = self.js.expr(self.literal_map(param))
        if param.form == "chunk_const":
            var = self.names(f"chunk_{token}")
            return (
                self._import_line(aliases)
                + f"const {var}={obj};export{{{var} as default}};\n"
            )
        return self._import_line(aliases) + f"export default {obj};\n"

    def entry(self, entry: Entry, perm_style: str) -> Obj:
        """Render a menu parameter entry ``{permissionModule, parameter: helper(KIND, token)}``."""
        items: list[tuple[Any, Any]] = []
        if entry.permission is not None:
            items.append(("permissionModule", self._perm(entry.permission, perm_style)))
        kind = self.js.member(
            self._menu_alias["ParameterKind"], _SECTION_KIND[entry.section]
        )
        items.append(
            (
                "parameter",
                Raw(
                    f"{self._menu_alias['param']}({kind},{self.js.string(entry.token)})"
                ),
            )
        )
        return Obj(tuple(items))

    def _perm(self, permission: str, style: str) -> Raw:
        if style == "short":
            return Raw(
                self.js.member(
                    self._menu_alias["PermissionShort"], permission, dotted=True
                )
            )
        return Raw(self.js.member(self._menu_alias["Permission"], permission))

    def section(self, entries: list[Entry], *, use_map: bool, perm_style: str) -> Raw:
        """Render a menu section array; with `use_map` as ``[tokens]['map'](x => ({…}))``."""
        if not use_map or not entries:
            return Raw(self.js.expr([self.entry(e, perm_style) for e in entries]))
        groups: list[tuple[str | None, str, list[str]]] = []
        for e in entries:
            if groups and groups[-1][0] == e.permission and groups[-1][1] == e.section:
                groups[-1][2].append(e.token)
            else:
                groups.append((e.permission, e.section, [e.token]))
        srcs: list[str] = []
        for perm, sec, tokens in groups:
            x = "token" if self.readable else self.names(f"map_{self.rng.random()}")
            kind = self.js.member(self._menu_alias["ParameterKind"], _SECTION_KIND[sec])
            items = []
            if perm is not None:
                items.append(
                    f"{self._k('permissionModule')}:{self._perm(perm, perm_style).text}"
                )
            items.append(
                f"{self._k('parameter')}:{self._menu_alias['param']}({kind},{x})"
            )
            arr = self.js.expr(list(tokens))
            srcs.append(f"{arr}[{self.js.string('map')}]({x}=>({{{','.join(items)}}}))")
        if len(srcs) == 1:
            return Raw(srcs[0])
        return Raw("[" + ",".join("..." + s for s in srcs) + "]")

    def route(self, route: Route, *, use_map: bool, empty_ref: str) -> Obj:
        """Render a vue-router-like route object (§4.4)."""
        if route.redirect is not None and route.name is None:
            return Obj((("redirect", Obj((("name", route.redirect),))),))
        perm_style = "short" if self.rng.random() < 0.3 else "enum"
        sections: dict[str, list[Entry]] = {
            "read": [],
            "write": [],
            "status": [],
            "special": [],
        }
        for entry in route.entries:
            sections[entry.section].append(entry)
        params = Obj(
            tuple(
                (
                    name,
                    self.section(
                        es, use_map=use_map and name != "status", perm_style=perm_style
                    ),
                )
                for name, es in sections.items()
            )
        )
        meta: list[tuple[Any, Any]] = [
            ("displayName", route.title),
            ("icon", route.icon),
        ]
        if route.permission is not None:
            meta.append(("permissionModule", self._perm(route.permission, perm_style)))
        if route.side_menu is not None:
            meta.append(("isVisibleOnSideMenu", route.side_menu))
        on_meta = self.rng.random() < 0.6
        if on_meta and route.entries:
            meta.append(("parameters", params))
        items: list[tuple[Any, Any]] = [
            ("path", route.path),
            ("name", route.name),
            ("component", Ref(self._menu_alias["view"])),
            ("meta", Obj(tuple(meta))),
        ]
        if not on_meta and route.entries:
            items.append(("parameters", params))
        if route.bare_children:
            items.append(("children", Ref(empty_ref)))
        elif route.children:
            items.append(
                (
                    "children",
                    [
                        self.route(c, use_map=use_map, empty_ref=empty_ref)
                        for c in route.children
                    ],
                )
            )
        elif self.rng.random() < 0.5:
            items.append(("children", []))
        return Obj(tuple(items))

    def menu_chunk(self, kind: str, *, decoy: bool = False) -> str:
        """Render a ``module.menu`` chunk: ``export default [routes]`` (or nested under ``routes``)."""
        n = self.names
        perm_alias = n(f"{kind}_perm")
        short_alias = (
            n.short(f"{kind}_perm_short")
            if not self.readable
            else f"{kind}PermissionShort"
        )
        self._menu_alias = {
            "param": n(f"{kind}_param"),
            "ParameterKind": n(f"{kind}_kind"),
            "Permission": perm_alias,
            "PermissionShort": short_alias,
            "view": n(f"{kind}_view"),
        }
        routes = catalogue(kind).routes
        if decoy:
            routes = [r for r in routes if r.name == "modules.menu.info"] or routes[:1]
            routes = [
                Route(
                    path="overview",
                    name="modules.menu.overview",
                    title="MAINMENU_INFORMACJE",
                    entries=[e for r in routes for e in r.entries]
                    + [e for r in routes for c in r.children for e in c.entries],
                )
            ]
        use_map = kind == "mixer" or self.rng.random() < 0.2
        empty = n(f"{kind}_empty")
        body = self.js.expr(
            [self.route(r, use_map=use_map, empty_ref=empty) for r in routes]
        )
        head = self._import_line(
            {
                "helper": n(f"{kind}_helper"),
                "param": self._menu_alias["param"],
                "ParameterKind": self._menu_alias["ParameterKind"],
                "Permission": perm_alias,
            }
        )
        head = head.replace(
            "}from", f",{self.exports['Permission']} as {short_alias}}}from"
        )
        q = self.js.quote
        lines = [
            head,
            f"const {self._menu_alias['view']}=()=>{n(f'{kind}_helper')}(()=>import({q}./{self.files.view}{q}),[]);",
            f"const {empty}=[];",
        ]
        var = n(f"{kind}_routes")
        style = (
            "plain"
            if self.readable
            else self.rng.choice(["plain", "nested", "export_as"])
        )
        if style == "nested":
            wrapper = self.rng.choice(["routes", "deviceMenu", "menu", "items"])
            lines.append(
                f"const {var}={body};export default{{{self._k(wrapper)}:{var}}};"
            )
        elif style == "export_as":
            lines.append(f"const {var}={body};export{{{var} as default}};")
        else:
            lines.append(f"export default {body};")
        return "\n".join(lines) + "\n"

    # ------------------------------------------------------------------ i18n
    def i18n_packs(self, lang: str) -> dict[str, Any]:
        """Namespace → content (dict or a single string) for one language."""
        en = lang == "en"
        parameters: dict[str, str] = {}
        app_one: dict[str, Any] = {"parameters": {}, "boilerStatus": {}}
        for module in MODULES:
            for param in catalogue(module.kind).params.values():
                label = param.label_en if en else param.label_pl
                if param.name_token and param.name_token.startswith("app.one."):
                    path = param.name_token.split(".")[2:]
                    node = app_one
                    for part in path[:-1]:
                        node = node.setdefault(part, {})
                    node[path[-1]] = label
                    continue
                if param.chain:
                    parameters[param.token] = f"app.one.{param.chain}"
                    app_one[param.chain] = label
                else:
                    parameters[param.token] = label
        parameters["STATUS_P5_16"] = "P5.s16"
        app_one["burnerState"] = {
            str(i): (e if en else p) for i, (_t, p, e) in enumerate(BOILER_STATES)
        }
        app_one["diodeState"] = {
            t.lower(): (e if en else p) for t, p, e in DIODE_STATES
        }
        app_one["valveState"] = {
            t.lower(): (e if en else p) for t, p, e in VALVE_STATES
        }
        app = {
            "one": app_one,
            "lang": {code: (e if en else p) for code, p, e in LANGUAGES},
        }
        units: dict[str, Any] = {}
        raw_all: dict[str, Any] = _json("pl_units.json")
        if en:
            for code, text in UNIT_TEXT_EN.items():
                units[str(code)] = text
            for code, options in OPTIONS_EN.items():
                units[str(code)] = {str(k): v for k, v in options.items()}
        else:
            for code_s, raw in raw_all.items():
                if isinstance(raw, str):
                    units[code_s] = raw
                elif isinstance(raw, dict) and "options" in raw:
                    units[code_s] = dict(raw["options"])
            for code, text in UNIT_TEXT_PL_EXTRA.items():
                units[str(code)] = text
        units["202"] = {"0": TIME66_OFF[1] if en else TIME66_OFF[0]}
        routes_pack: dict[str, Any] = {}
        for module in MODULES:
            for route in catalogue(module.kind).routes:
                for r in [route, *route.children]:
                    if r.name and r.title:
                        short = r.name.removeprefix("companies.").removeprefix(
                            "modules.menu."
                        )
                        routes_pack.setdefault("modules", {}).setdefault("menu", {})[
                            short
                        ] = ROUTE_TITLES[r.title][1 if en else 0]
        module_pack = {
            "serverConnection": "Server connection" if en else "Połączenie z serwerem",
            "noConnection": "No connection" if en else "Brak połączenia",
            "authorizationStatus": "Authorization status"
            if en
            else "Status autoryzacji",
            "connection": {
                "status": "Connection status" if en else "Status połączenia",
                "connected": "Connected" if en else "Połączony",
                "notConnected": "Not connected" if en else "Niepołączony",
                "index": "Connection" if en else "Połączenie",
            },
        }
        packs: dict[str, Any] = {
            "parameters": parameters,
            "units": units,
            "app": app,
            "routes": routes_pack,
            "module": module_pack,
            "diodeState": {t: (e if en else p) for t, p, e in DIODE_STATES},
        }
        for title, (pl, en_title) in ROUTE_TITLES.items():
            packs[title] = en_title if en else pl
        packs.update(alarm_packs(lang))
        return packs

    def i18n_value(self, value: Any) -> str:
        """Render an i18n value: nested objects with quoted keys, escaped labels."""
        if isinstance(value, dict):
            q = self.js.quote
            return (
                "{"
                + ",".join(
                    f"{self.js.string(str(k), quote=q, escape=False)}:{self.i18n_value(v)}"
                    for k, v in value.items()
                )
                + "}"
            )
        return self.js.label_string(str(value))

    def i18n_chunk(self, content: Any) -> str:
        """One i18n chunk (``export default`` or ``const a = …; export {a as default}``)."""
        body = self.i18n_value(content)
        if self.readable or self.rng.random() < 0.6:
            return f"export default {body};\n"
        var = self.names.short(f"i18n_{self.rng.random()}")
        return f"const {var}={body};export{{{var} as default}};\n"

    # ------------------------------------------------------------------ all
    def html(self) -> str:
        """Render the HTML page referencing the index (§4.1)."""
        return (
            '<!DOCTYPE html>\n<html lang="pl">\n  <head>\n    <meta charset="UTF-8" />\n'
            '    <link rel="icon" href="/favicon.ico" />\n'
            '    <meta name="viewport" content="width=device-width, initial-scale=1.0" />\n'
            "    <title>BragerOne</title>\n"
            f'    <script type="module" crossorigin src="/assets/{self.files.index}"></script>\n'
            f'    <link rel="stylesheet" crossorigin href="/assets/{self.files.css}">\n'
            '  </head>\n  <body>\n    <div id="app"></div>\n  </body>\n</html>\n'
        )

    def render(self) -> dict[str, str]:
        """Every file of the bundle: URL path → body."""
        f = self.files
        files: dict[str, str] = {"/": self.html()}
        files[f"/assets/{f.index}"] = self.index_src()
        files[f"/assets/{f.css}"] = (
            "#app{min-height:100vh}body{margin:0;font-family:sans-serif}\n"
        )
        files[f"/assets/{f.view}"] = (
            "export default{name:" + self.js.string("ModuleView") + "};\n"
        )
        kinds = {m.device_menu: m.kind for m in MODULES}
        for menu, variants in f.menus.items():
            for _path, file, real in variants:
                files[f"/assets/{file}"] = self.menu_chunk(kinds[menu], decoy=not real)
        for token, file in f.params.items():
            files[f"/assets/{file}"] = self.param_chunk(token)
        for lang in ("pl", "en"):
            packs = self.i18n_packs(lang)
            for ns in self.namespaces():
                if ns in ALARM_NAMESPACES:
                    continue
                files[f"/assets/{f.i18n[(lang, ns)]}"] = self.i18n_chunk(packs[ns])
        with self._alarm_randomness():
            for lang in ("pl", "en"):
                packs = alarm_packs(lang)
                for ns in ALARM_NAMESPACES:
                    file = f.i18n[(lang, ns)]
                    files[f"/assets/{file}"] = self.i18n_chunk(packs[ns])
        files[f"/assets/{f.alarms}"] = self.alarm_chunk()
        return files
