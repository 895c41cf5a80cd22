"""Roles of parameters and the heating composites they make (DESIGN.md decisions 13 and 14).

At catalogue build (`assign_roles`, config time only) every descriptor of a module gets:

* a **sub-system**: the vendor's menu panel it sits in, classified from the panel's route
  name and its translated titles (hot water, heating circuits, burner, buffer, fuel,
  corrections, settings, information, or the boiler itself); inside a panel, labels
  naming a numbered circuit (``"Valve 1 …"``, ``"Obieg 2 …"``, ``"Circuit 1 …"``) form
  one sub-system per number (``circuit_1``), wherever the panel is;
* a **role** within it, from its platform, section, unit, writability and label:
  current and target temperature, mode, on/off, pump, burner state, running, opening,
  problem, counter;
* the **entity category**, **enabled default**, **device class** and **state class**
  that follow: installer and service settings are ``config``, technical read-outs
  ``diagnostic``, no writable switch stays a primary control (a dashboard header toggle
  must not stop the boiler or a pump), what a composite covers starts disabled, pumps,
  blowers and feeders are ``running``, lids and doors ``opening``, alarms ``problem``,
  counters ``total_increasing``, fast-toggling blowers and feeders start disabled.

The classification reads structure and the vendor's own words in every language the
catalogue holds (PROTOCOL.md §4.4 routes and titles, §4.8 labels), never the tokens: a
controller with other tokens and route names is classified the same way. The word
lists below are the small reviewed table the brief allows; they refine, the structure
decides.

At runtime `find_composites` turns stored roles into `Composite` records (a water
heater per hot-water sub-system, a thermostat per circuit and one for the boiler); a
sub-system lacking a required role gets none, and `candidate_composites` says which
(the diagnostics show it).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Final
import unicodedata

from .descriptor import EntityDescriptor, pick_label

ROLES_VERSION: Final = 1
"""Stored with a catalogue (``roles_version``); an older catalogue has no roles yet."""


class Role(StrEnum):
    """What a parameter is for its sub-system."""

    CURRENT_TEMPERATURE = "current_temperature"
    TARGET_TEMPERATURE = "target_temperature"
    MODE = "mode"
    ON_OFF = "on_off"
    PUMP = "pump"
    BURNER_STATE = "burner_state"
    RUNNING = "running"
    OPENING = "opening"
    PROBLEM = "problem"
    COUNTER = "counter"


class Panel(StrEnum):
    """The kind of a vendor menu panel."""

    BOILER = "boiler"
    HOT_WATER = "hot_water"
    CIRCUIT = "circuit"
    BURNER = "burner"
    BUFFER = "buffer"
    FUEL = "fuel"
    CORRECTIONS = "corrections"
    SETTINGS = "settings"
    INFORMATION = "information"
    OTHER = "other"


_CIRCUIT_WORDS: Final = (
    "circuit*",
    "obieg*",
    "valve*",
    "zawor*",
    "mixer*",
    "mieszacz*",
    "okruh*",
    "heizkreis*",
    "mischer*",
)
# Word stems (lower case, without diacritics; "*" marks a prefix) in the languages the
# vendor ships (Polish, English) and those of the other markets (cs, sk, de, hu).
_PANEL_WORDS: Final[tuple[tuple[Panel, tuple[str, ...]], ...]] = (
    (Panel.CORRECTIONS, ("correction*", "korekt*", "kalibr*", "calibrat*")),
    (
        Panel.HOT_WATER,
        ("dhw", "cwu", "tuv", "hot", "warmwasser*", "melegviz*", "wod*"),
    ),
    (Panel.BUFFER, ("buffer*", "bufor*", "puffer*", "akumul*")),
    (Panel.FUEL, ("fuel*", "paliw*", "pelet*", "pellet*", "brennstoff*", "zasobnik*")),
    (Panel.BURNER, ("burner*", "palnik*", "horak*", "brenner*", "ego*", "rozpal*")),
    (Panel.CIRCUIT, _CIRCUIT_WORDS),
    (Panel.BOILER, ("boiler*", "kociol", "kotl*", "kotel", "kessel*", "kazan*")),
    (Panel.INFORMATION, ("info*", "informac*", "about")),
    (Panel.SETTINGS, ("settings", "setting", "ustawienia", "config*", "service*")),
)
_CHILD_PANELS: Final = frozenset(
    {Panel.HOT_WATER, Panel.BURNER, Panel.BUFFER, Panel.FUEL}
)
"""Panels that become a child device of the module (numbered circuits always do)."""
_SET_WORDS: Final = ("set", "setpoint*", "target", "zadan*", "nastaw*", "soll*")
_EXCLUDED_TARGET: Final = (
    "hyster*",
    "histerez*",
    "correct*",
    "korekt*",
    "max*",
    "min*",
    "maks*",
    "activat*",
    "deactivat*",
    "zalacz*",
    "wylacz*",
    "increase*",
    "podwyz*",
    "reduct*",
    "obniz*",
    "amplitud*",
    "range",
    "return",
    "powrot*",
    "summer",
    "lato",
    "night*",
    "noc*",
    "offset*",
)
_EXCLUDED_CURRENT: Final = (
    "return",
    "powrot*",
    "outdoor",
    "outside",
    "zewn*",
    "feeder*",
    "podajnik*",
    "burner*",
    "palnik*",
    "flue",
    "spalin*",
    "exhaust",
    "room",
    "pokoj*",
)
_BOILER_WORDS: Final = ("boiler*", "kociol", "kotl*", "kotel", "kessel*", "kazan*")
_HOT_WATER_WORDS: Final = ("dhw", "cwu", "tuv", "water", "wod*", "warmwasser*")
_MODE_WORDS: Final = ("mode", "tryb*", "betriebsart*", "rezim*", "mod*")
_START_WORDS: Final = ("start*", "uruchom*", "stop", "on/off", "praca", "betrieb")
_PUMP_WORDS: Final = ("pump*", "pomp*", "pumpe*", "cerpadl*", "szivattyu*")
_FAST_WORDS: Final = (
    "blower*",
    "dmuchaw*",
    "fan",
    "wentylator*",
    "feeder*",
    "podajnik*",
)
_RUNNING_WORDS: Final = (*_PUMP_WORDS, *_FAST_WORDS, "ventilator*", "geblase*")
_OPENING_WORDS: Final = ("lid", "door*", "pokryw*", "drzwi*", "klap*", "otwar*", "open")
_PROBLEM_WORDS: Final = ("alarm*", "error*", "blad*", "awari*", "fault*", "storung*")
_COUNTER_WORDS: Final = ("counter*", "licznik*", "zahler*", "pocitadl*", "szamlalo*")
_RUN_TIME_WORDS: Final = ("run", "czas", "pracy", "consumption", "zuzyc*", "laufzeit*")
_COUNTER_UNITS: Final = frozenset({"h", "kg", "kWh", "MWh"})
_OFF_WORDS: Final = ("off", "wyl*", "wylaczon*", "aus", "vyp*", "ki", "stop")
_SCHEDULE_WORDS: Final = (
    "schedule*",
    "harmonogram*",
    "weekly",
    "tygodn*",
    "program*",
    "zeitprogramm*",
    "rozvrh*",
    "utemez*",
)
_IDLE_WORDS: Final = (
    *_OFF_WORDS,
    "alarm*",
    "clean*",
    "czyszcz*",
    "extingu*",
    "wygas*",
    "standby",
    "postoj*",
)


def _words(text: str) -> list[str]:
    """Return the lower-case words of `text` without diacritics (``Zawór 1`` → zawor, 1)."""
    flat = unicodedata.normalize("NFKD", text.replace("ł", "l").replace("Ł", "L"))
    plain = "".join(c for c in flat if not unicodedata.combining(c)).lower()
    out: list[str] = []
    word = ""
    for char in plain:
        if char.isalnum() or char == "/":
            word += char
        elif word:
            out.append(word)
            word = ""
    if word:
        out.append(word)
    return out


def _match(word: str, stems: Iterable[str]) -> bool:
    return any(
        word.startswith(stem[:-1]) if stem.endswith("*") else word == stem
        for stem in stems
    )


def _has(texts: Iterable[str], stems: Sequence[str]) -> bool:
    """Return True when a word of any text matches one of `stems`."""
    return any(_match(w, stems) for text in texts for w in _words(text))


def _labels(descriptor: EntityDescriptor) -> list[str]:
    """Return the descriptor's labels, English first (the word lists are widest there)."""
    return sorted(
        (t for t in descriptor.label.values() if t),
        key=lambda t: t != descriptor.label.get("en"),
    )


def panel_kind(descriptor: EntityDescriptor) -> Panel:
    """Classify the menu panel of a descriptor from its route name and titles (any language)."""
    route = (descriptor.route or "").rsplit(".", 1)[-1]
    texts = [
        route.replace("_", " "),
        *(title for path in descriptor.menu_path.values() for title in path[-1:]),
    ]
    for kind, stems in _PANEL_WORDS:
        if _has(texts, stems):
            return kind
    return Panel.OTHER


def circuit_of(descriptor: EntityDescriptor) -> tuple[int, dict[str, str]] | None:
    """Return (number, name per language) of the numbered circuit a label names, else None.

    ``"Valve 1 mode"`` → ``(1, {"en": "Valve 1", …})``: a circuit word followed by a
    number, in any of the descriptor's languages.
    """
    number: int | None = None
    names: dict[str, str] = {}
    for language, label in descriptor.label.items():
        tokens = label.split()
        for i, token in enumerate(tokens[:-1]):
            word, following = _words(token), _words(tokens[i + 1])
            if not (
                word
                and following
                and _match(word[-1], _CIRCUIT_WORDS)
                and following[0].isdigit()
            ):
                continue
            found = int(following[0])
            number = found if number is None else number
            if found == number:
                names[language] = f"{token.strip('(:,;-')} {found}"
            break
    return None if number is None else (number, names)


def _pick(
    candidates: Sequence[EntityDescriptor],
    *,
    prefer: Sequence[str] = (),
    also: Sequence[str] = (),
    exclude: Sequence[str] = (),
) -> EntityDescriptor | None:
    """Return the best candidate: not excluded, then most preferred words, menu order."""
    kept = [d for d in candidates if not _has(_labels(d), exclude)]
    if not kept:
        return None

    def score(descriptor: EntityDescriptor) -> int:
        labels = _labels(descriptor)
        return 2 * _has(labels, prefer) + _has(labels, also) if prefer or also else 0

    best = max(score(d) for d in kept)
    return next(d for d in kept if score(d) == best)


def _is_temperature(descriptor: EntityDescriptor) -> bool:
    return descriptor.device_class == "temperature" or descriptor.unit == "°C"


def _group_roles(
    kind: Panel, subsystem: str, members: Sequence[EntityDescriptor]
) -> dict[str, Role]:
    """Return unique id → role for the members of one sub-system."""
    roles: dict[str, Role] = {}
    keywords: Sequence[str] = ()
    if kind is Panel.BOILER:
        keywords = _BOILER_WORDS
    elif kind is Panel.HOT_WATER:
        keywords = _HOT_WATER_WORDS
    readings = [
        d
        for d in members
        if d.platform == "sensor" and not d.writable and _is_temperature(d)
    ]
    targets = [d for d in members if d.platform == "number" and _is_temperature(d)]
    if (
        subsystem == "boiler"
        or kind is Panel.HOT_WATER
        or subsystem.startswith("circuit_")
    ):
        current = _pick(readings, prefer=keywords, exclude=_EXCLUDED_CURRENT)
        target = _pick(
            targets, prefer=_SET_WORDS, also=keywords, exclude=_EXCLUDED_TARGET
        )
        if current is not None:
            roles[current.unique_id] = Role.CURRENT_TEMPERATURE
        if target is not None:
            roles[target.unique_id] = Role.TARGET_TEMPERATURE
        modes = [
            d
            for d in members
            if d.platform == "select" and _has(_labels(d), _MODE_WORDS)
        ]
        mode = _pick(modes, prefer=keywords, exclude=("summer*", "lato*", "season*"))
        if mode is not None:
            roles[mode.unique_id] = Role.MODE
    if subsystem == "boiler":
        switches = [d for d in members if d.platform == "switch"]
        start = _pick(switches, prefer=_START_WORDS)
        if start is not None and _has(_labels(start), _START_WORDS):
            roles[start.unique_id] = Role.ON_OFF
        states = [
            d
            for d in members
            if d.platform == "sensor" and d.section == "status" and d.options
        ]
        state = _pick(states, prefer=(*_BOILER_WORDS, "status", "stan*"))
        if state is not None:
            roles[state.unique_id] = Role.BURNER_STATE
    for descriptor in members:
        if descriptor.unique_id in roles:
            continue
        labels = _labels(descriptor)
        if descriptor.platform == "binary_sensor":
            if _has(labels, _PUMP_WORDS):
                roles[descriptor.unique_id] = Role.PUMP
            elif _has(labels, _RUNNING_WORDS):
                roles[descriptor.unique_id] = Role.RUNNING
            elif _has(labels, _OPENING_WORDS):
                roles[descriptor.unique_id] = Role.OPENING
            elif _has(labels, _PROBLEM_WORDS):
                roles[descriptor.unique_id] = Role.PROBLEM
        elif (
            descriptor.platform == "sensor"
            and not descriptor.options
            and not descriptor.writable
            and descriptor.section == "read"
            and not _is_temperature(descriptor)
            and (
                (
                    _has(labels, _COUNTER_WORDS)
                    and descriptor.unit in {None, *_COUNTER_UNITS}
                )
                or (descriptor.unit in _COUNTER_UNITS and _has(labels, _RUN_TIME_WORDS))
            )
        ):
            roles[descriptor.unique_id] = Role.COUNTER
    return roles


def _subsystem_of(
    descriptor: EntityDescriptor, kind: Panel
) -> tuple[str | None, dict[str, str]]:
    """Return the sub-system id and its name per language (None: the module itself)."""
    circuit = circuit_of(descriptor)
    if circuit is not None:
        number, names = circuit
        return f"circuit_{number}", names
    titles = {
        language: path[-1] for language, path in descriptor.menu_path.items() if path
    }
    if kind is Panel.BOILER:
        return "boiler", titles
    if kind in _CHILD_PANELS:
        return kind.value, titles
    return None, {}


def has_own_device(subsystem: str | None) -> bool:
    """Return True for a sub-system shown as a child device of its module (not the boiler)."""
    return subsystem is not None and subsystem != "boiler"


def name_within(descriptor: EntityDescriptor, language: str | None) -> str:
    """Return the descriptor's label without its sub-system's name in front.

    On the ``Valve 1`` device, ``"Valve 1 room thermostat"`` reads ``"Room thermostat"``
    (Home Assistant shows the device's name before it).
    """
    label = descriptor.label_for(language)
    prefix = pick_label(descriptor.subsystem_label, language)
    if prefix and label.lower().startswith(prefix.lower() + " "):
        rest = label[len(prefix) + 1 :].lstrip(" :-")
        if rest:
            return rest[:1].upper() + rest[1:]
    return label


def assign_roles(
    descriptors: Sequence[EntityDescriptor],
) -> tuple[EntityDescriptor, ...]:
    """Return the module's descriptors with sub-system, role, category and classes set.

    Runs at catalogue build on one module's descriptors (menu order); see the module
    docstring for the rules. Never raises; a descriptor that fits no rule keeps what the
    resolver gave it.
    """
    kinds = {d.unique_id: panel_kind(d) for d in descriptors}
    groups: dict[str, list[EntityDescriptor]] = {}
    placed: dict[str, tuple[str | None, dict[str, str]]] = {}
    for descriptor in descriptors:
        subsystem, label = _subsystem_of(descriptor, kinds[descriptor.unique_id])
        placed[descriptor.unique_id] = (subsystem, label)
        if subsystem is not None:
            groups.setdefault(subsystem, []).append(descriptor)
    roles: dict[str, Role] = {}
    for subsystem, members in groups.items():
        kind = kinds[members[0].unique_id]
        roles |= _group_roles(kind, subsystem, members)
    # The module's own parameters get the roles that need no sub-system.
    roles |= _group_roles(
        Panel.OTHER, "", [d for d in descriptors if placed[d.unique_id][0] is None]
    )
    labels = {
        subsystem: _subsystem_label(members, roles)
        for subsystem, members in groups.items()
    }
    composite = {
        uid
        for c in find_composites(
            [replace(d, role=roles.get(d.unique_id)) for d in descriptors],
            subsystems={d.unique_id: placed[d.unique_id][0] for d in descriptors},
        )
        for uid in c.members.values()
    }
    out: list[EntityDescriptor] = []
    for descriptor in descriptors:
        subsystem, _ = placed[descriptor.unique_id]
        role = roles.get(descriptor.unique_id)
        out.append(
            _classified(
                descriptor,
                kind=kinds[descriptor.unique_id],
                subsystem=subsystem,
                subsystem_label=labels.get(subsystem, {}) if subsystem else {},
                role=role,
                covered=descriptor.unique_id in composite,
            )
        )
    return tuple(out)


def _subsystem_label(
    members: Sequence[EntityDescriptor], roles: Mapping[str, Role]
) -> dict[str, str]:
    """Return the sub-system's name per language.

    A numbered circuit is named as its labels name it, preferring a label that starts
    with it (the nominative: ``"Zawór 1"``, not ``"zaworu 1"``) and the current
    reading's; any other sub-system takes its panel's title.
    """
    names: dict[str, tuple[int, str]] = {}
    for descriptor in members:
        circuit = circuit_of(descriptor)
        if circuit is None:
            continue
        for language, name in circuit[1].items():
            label = descriptor.label.get(language, "")
            rank = (0 if label.startswith(name) else 2) + (
                0 if roles.get(descriptor.unique_id) is Role.CURRENT_TEMPERATURE else 1
            )
            if language not in names or rank < names[language][0]:
                names[language] = (rank, name[:1].upper() + name[1:])
    if names:
        return {language: name for language, (_, name) in names.items()}
    return {
        language: path[-1] for language, path in members[0].menu_path.items() if path
    }


def _classified(
    descriptor: EntityDescriptor,
    *,
    kind: Panel,
    subsystem: str | None,
    subsystem_label: dict[str, str],
    role: Role | None,
    covered: bool,
) -> EntityDescriptor:
    """Apply the category, enabled default and classes that follow from the role."""
    category = descriptor.entity_category
    enabled = descriptor.enabled_default
    device_class = descriptor.device_class
    state_class = descriptor.state_class
    labels = _labels(descriptor)
    if descriptor.platform == "switch":
        category = "config"  # nothing that can stop the boiler or a pump is primary
    elif descriptor.writable and descriptor.platform in {"number", "select"}:
        primary = role in {Role.TARGET_TEMPERATURE, Role.MODE} or (
            kind in {Panel.BUFFER, Panel.HOT_WATER}
            and descriptor.platform == "number"
            and _has(labels, _SET_WORDS)
            and not _has(labels, _EXCLUDED_TARGET)
        )
        if not primary:
            category = category or "config"
    elif kind is Panel.INFORMATION and descriptor.platform == "sensor":
        category = category or "diagnostic"
    if covered and role in {Role.TARGET_TEMPERATURE, Role.MODE, Role.ON_OFF}:
        enabled = False
    if descriptor.platform == "binary_sensor":
        if role in {Role.PUMP, Role.RUNNING}:
            device_class = "running"
        elif role is Role.OPENING:
            device_class = "opening"
        elif role is Role.PROBLEM:
            device_class = "problem"
        if _has(labels, _FAST_WORDS):
            enabled = False  # toggles many times a minute: a logbook flood
    if role is Role.COUNTER:
        state_class = "total_increasing"
        if descriptor.unit == "kg":
            device_class = "weight"
    return replace(
        descriptor,
        role=None if role is None else role.value,
        subsystem=subsystem,
        subsystem_label=dict(subsystem_label),
        entity_category=category,
        enabled_default=enabled,
        device_class=device_class,
        state_class=state_class,
    )


# --------------------------------------------------------------------------- composites


class CompositeKind(StrEnum):
    """The Home Assistant entity a composite becomes."""

    WATER_HEATER = "water_heater"
    CIRCUIT = "circuit"
    BOILER = "boiler"


_REQUIRED: Final[Mapping[CompositeKind, tuple[Role, ...]]] = {
    CompositeKind.WATER_HEATER: (Role.CURRENT_TEMPERATURE, Role.TARGET_TEMPERATURE),
    CompositeKind.CIRCUIT: (Role.CURRENT_TEMPERATURE, Role.TARGET_TEMPERATURE),
    CompositeKind.BOILER: (Role.CURRENT_TEMPERATURE, Role.TARGET_TEMPERATURE),
}
_OPTIONAL: Final[Mapping[CompositeKind, tuple[Role, ...]]] = {
    CompositeKind.WATER_HEATER: (Role.MODE, Role.PUMP),
    CompositeKind.CIRCUIT: (Role.MODE, Role.PUMP),
    CompositeKind.BOILER: (Role.ON_OFF, Role.BURNER_STATE, Role.PUMP),
}


@dataclass(frozen=True, kw_only=True)
class Composite:
    """A heating entity made of several parameters of one sub-system.

    `members` maps a role to the unique id of the descriptor that has it; `missing`
    lists the required roles not found (a composite with any missing is not created).
    """

    kind: CompositeKind
    devid: str
    subsystem: str
    label: dict[str, str]
    members: dict[str, str] = field(default_factory=dict)
    missing: tuple[str, ...] = ()

    @property
    def unique_id(self) -> str:
        """Return ``{devid}_{subsystem}_{kind}`` (stable across rebuilds)."""
        return f"{self.devid}_{self.subsystem}_{self.kind.value}"

    @property
    def complete(self) -> bool:
        """Return True when every required role resolved."""
        return not self.missing


def _composite_kind(subsystem: str) -> CompositeKind | None:
    if subsystem == "boiler":
        return CompositeKind.BOILER
    if subsystem == Panel.HOT_WATER.value:
        return CompositeKind.WATER_HEATER
    if subsystem.startswith("circuit_"):
        return CompositeKind.CIRCUIT
    return None


def candidate_composites(
    descriptors: Iterable[EntityDescriptor],
    *,
    subsystems: Mapping[str, str | None] | None = None,
) -> list[Composite]:
    """Return every composite the sub-systems could make, complete or not (menu order)."""
    by_subsystem: dict[tuple[str, str], list[EntityDescriptor]] = {}
    for descriptor in descriptors:
        subsystem = (
            subsystems.get(descriptor.unique_id)
            if subsystems is not None
            else descriptor.subsystem
        )
        if subsystem is not None:
            by_subsystem.setdefault((descriptor.devid, subsystem), []).append(
                descriptor
            )
    out: list[Composite] = []
    for (devid, subsystem), members in by_subsystem.items():
        kind = _composite_kind(subsystem)
        if kind is None:
            continue
        has: dict[str, str] = {}
        for descriptor in members:
            if descriptor.role is not None:
                has.setdefault(descriptor.role, descriptor.unique_id)
        wanted = (*_REQUIRED[kind], *_OPTIONAL[kind])
        out.append(
            Composite(
                kind=kind,
                devid=devid,
                subsystem=subsystem,
                label=dict(members[0].subsystem_label),
                members={
                    role.value: has[role.value] for role in wanted if role.value in has
                },
                missing=tuple(r.value for r in _REQUIRED[kind] if r.value not in has),
            )
        )
    return out


def find_composites(
    descriptors: Iterable[EntityDescriptor],
    *,
    subsystems: Mapping[str, str | None] | None = None,
) -> list[Composite]:
    """Return the complete composites of stored descriptors (runtime reads no asset)."""
    return [
        c
        for c in candidate_composites(descriptors, subsystems=subsystems)
        if c.complete
    ]


def is_off_option(labels: Iterable[str]) -> bool:
    """Return True when an option's labels (any language) say "off"."""
    return _has(labels, _OFF_WORDS)


def is_schedule_option(labels: Iterable[str]) -> bool:
    """Return True when a mode option's labels (any language) say it follows a schedule."""
    return _has(labels, _SCHEDULE_WORDS)


def is_idle_state(labels: Iterable[str]) -> bool:
    """Return True when a burner state's labels say it does not heat (stop, alarm, cleaning…)."""
    return _has(labels, _IDLE_WORDS)


__all__ = [
    "ROLES_VERSION",
    "Composite",
    "CompositeKind",
    "Panel",
    "Role",
    "assign_roles",
    "candidate_composites",
    "circuit_of",
    "find_composites",
    "has_own_device",
    "is_idle_state",
    "is_off_option",
    "is_schedule_option",
    "name_within",
    "panel_kind",
]
