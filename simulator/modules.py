"""The simulated installation: one object (installation) with its controller modules.

This is the one place that says which modules exist, what the modules listing says about
them (PROTOCOL.md §2.5) and which registers they start with. The plant
(`simulator.plant`), the REST/Socket.IO server (`simulator.server`) and the web-app
bundle generator (`simulator.webapp`) all read it.

Registers are keyed like the wire keys of PROTOCOL.md §2.7 and §5.1: a pool (`"P4"`)
and a channel+index key (`"v1"`, `"s40"`, `"u13"`, `"n0"`, `"x0"`, `"a4"`...).
"""

from __future__ import annotations

from dataclasses import dataclass, field
import json
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).parent / "data"

OBJECT_ID = 4821
OBJECT_NAME = "Dom Kowalskich"
DEMO_EMAIL = "demo@example.com"
DEMO_PASSWORD = "demo-password"  # the simulator's published demo login

type RegisterMap = dict[str, dict[str, Any]]
"""Registers of one module: pool (``"P4"``) -> channel+index (``"v1"``) -> value."""


@dataclass(frozen=True, kw_only=True)
class RawCommandSpec:
    """A symbolic module command accepted by ``POST /v1/module/command/raw`` (PROTOCOL.md §2.10b).

    When `register` is set, the command changes that register: with `bit` set, bit `bit`
    of the word becomes 1 for a truthy value and 0 otherwise; without `bit`, the register
    becomes `set_value` (or the command's value when `set_value` is None). The change is
    pushed like any other. Commands without `register` only produce task events.
    """

    name: str
    register: str | None = None
    bit: int | None = None
    set_value: Any = None


@dataclass(frozen=True, kw_only=True)
class ModuleSpec:
    """One controller module of the simulated installation.

    `kind` selects the module's parameter catalogue in the web-app generator
    (``"boiler"`` or ``"mixer"``); `device_menu` selects its menu chunk (PROTOCOL.md §4.3);
    `permissions` is the per-module permission list of the modules listing, used for menu
    gating (§4.4). The demo user lacks ``DISPLAY_PARAMETER_LEVEL_MAX``,
    ``DISPLAY_MENU_SERVICE`` and ``DISPLAY_MENU_THERMOSTATS``.
    """

    devid: str
    db_id: int
    kind: str
    name: str
    title: str
    version: str
    device_menu: int
    language_variant: int
    permissions: tuple[str, ...]
    gateway_version: str
    registers_file: str
    extra_registers: RegisterMap = field(default_factory=dict)
    raw_commands: tuple[RawCommandSpec, ...] = ()

    def initial_registers(self) -> RegisterMap:
        """Return a fresh copy of the module's registers at simulator start."""
        with (DATA_DIR / self.registers_file).open(encoding="utf-8") as handle:
            registers: RegisterMap = json.load(handle)
        for pool, entries in self.extra_registers.items():
            registers.setdefault(pool, {}).update(entries)
        return registers


_USER_PERMISSIONS = (
    "DISPLAY_MENU_OBJECTS",
    "DISPLAY_MENU_BOILER",
    "DISPLAY_MENU_DHW",
    "DISPLAY_MENU_CIRCUITS",
    "DISPLAY_MENU_BURNER",
    "DISPLAY_MENU_ALERTS",
    "DISPLAY_MENU_STATISTICS",
    "DISPLAY_PARAMETER_LEVEL_1",
    "DISPLAY_PARAMETER_LEVEL_2",
    "SUBMISSION_CREATE",
)

MODULES: tuple[ModuleSpec, ...] = (
    ModuleSpec(
        devid="FTTCTBSLCE",
        db_id=1187,
        kind="boiler",
        name="Kocioł",
        title="HT DasPell GL 37kW",
        version="2.08",
        device_menu=0,
        language_variant=0,
        permissions=_USER_PERMISSIONS,
        gateway_version="V2.08",
        registers_file="parametry.json",
        # The two-word feeder run-time counter of PROTOCOL.md §5.4 (captured on BragerOne:
        # -27473 / 0 is shown as 38063 by the web app), and the total fuel consumption
        # counter in kg (unit 60; P4 index 61 of the real boiler's label table).
        extra_registers={
            "P4": {
                "v59": -27473,
                "u59": 29,
                "s59": 0,
                "v60": 0,
                "s60": 0,
                "v61": 1234,
                "u61": 60,
                "s61": 0,
            }
        },
        raw_commands=(
            # Boiler start/stop: bit 0 of P5.s0 is "boiler enabled"; the web app's command
            # rules send BOILER_ON_OFF with true/false depending on that bit.
            RawCommandSpec(name="BOILER_ON_OFF", register="P5.s0", bit=0),
            # Fuel loaded: the fuel level P4.v8 goes back to 100 %.
            RawCommandSpec(
                name="BOILER_FUEL_RESET_HT", register="P4.v8", set_value=100
            ),
            RawCommandSpec(name="MODULE_RESTART"),
        ),
    ),
    ModuleSpec(
        devid="MXHTQ7KD2A",
        db_id=1204,
        kind="mixer",
        name="Obiegi grzewcze",
        title="HT MIX-2",
        version="1.14",
        device_menu=153,
        language_variant=1201,
        permissions=_USER_PERMISSIONS,
        gateway_version="V1.14",
        registers_file="mixer_registers.json",
        raw_commands=(
            # Circuit 1 pump test: bit 4 of P5.s0 is "pump test running".
            RawCommandSpec(name="CIRCUIT_PUMP_TEST", register="P5.s0", bit=4),
            RawCommandSpec(name="MODULE_RESTART"),
        ),
    ),
)


def module_by_devid(devid: str) -> ModuleSpec:
    """Return the module with this devid; raise KeyError when there is none."""
    for module in MODULES:
        if module.devid == devid:
            return module
    raise KeyError(devid)
