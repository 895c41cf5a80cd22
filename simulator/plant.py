"""The simulated boiler plant: registers per devid and the step that keeps them alive.

Registers are addressed as ``"<pool>.<channel><index>"`` (``"P4.v1"``), the register
key of PROTOCOL.md §5.1, and kept per devid (two modules share pool and index numbers,
§5.8). Each register carries ``createdAt``/``updatedAt`` epoch seconds (§5.7).

A step (`Plant.step`) is what the simulator's ticker runs:

* boiler and mixer temperatures drift in 0.5 steps towards their setpoints and then
  wander by ±0.5 around them;
* the P4 counters with unit code 29 rise, including the two-word feeder run-time
  counter ``P4.v59``/``P4.v60`` of §5.4 (``v59`` is kept as a signed 16-bit word, the
  carry goes into ``v60``);
* the burner cycle (fan: bit 0 of ``P5.s10``; feeding: bit 0 of the burner word
  ``P5.s5``) follows a
  deterministic seeded cycle while the boiler is enabled (bit 0 of ``P5.s0``);
* the fuel level ``P4.v8`` falls by 1 % per feeding step and the total fuel
  consumption counter ``P4.v61`` (unit code 60, kg) rises by 1 kg, so it only ever
  grows; a boiler out of fuel (level 0) stops its burner and cools down as a disabled
  one does until it is refilled (the server raises the no-fuel alarm meanwhile).

Offline modules do not change. All randomness comes from ``random.Random(seed)``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
import math
import random
import time
from typing import Any

from simulator.modules import MODULES, ModuleSpec

COUNTER_UNIT = 29
"""Unit code of the P4 hour counters (PROTOCOL.md §5.3, "29 h")."""

TWO_WORD_LOW = "P4.v59"
TWO_WORD_HIGH = "P4.v60"

AMBIENT = 20.0
"""Temperature a disabled boiler cools down to (°C)."""

_DRIFT_PAIRS: dict[str, tuple[tuple[str, str], ...]] = {
    # reading -> setpoint (PROTOCOL.md §5.1 pool roles; labels in data/pl_pool_labels.json)
    "boiler": (("P4.v0", "P6.v0"), ("P4.v1", "P6.v1")),
    "mixer": (("P4.v0", "P6.v0"), ("P4.v1", "P6.v1")),
}

_BURNER_PHASES: tuple[tuple[str, int, int], ...] = (
    # (phase, fan bit, feeder bit)
    ("feeding", 1, 1),
    ("burning", 1, 0),
    ("pause", 0, 0),
)

FAN_STATUS = "P5.s10"
FEEDER_STATUS = "P5.s5"
"""Burner word (label "Palnik"); its bit 0 is "feeding" here. The dump has no P5.s13."""
BOILER_STATUS = "P5.s0"
FUEL_LEVEL = "P4.v8"
FUEL_CONSUMPTION = "P4.v61"
"""Total fuel consumption counter (kg, unit code 60): +1 kg per feeding step."""


def split_address(address: str) -> tuple[str, str]:
    """Split ``"P4.v1"`` into pool ``"P4"`` and key ``"v1"``; raise ValueError otherwise."""
    pool, sep, key = address.partition(".")
    if not sep or not pool.startswith("P") or len(key) < 2:
        msg = f"not a register address: {address!r}"
        raise ValueError(msg)
    return pool, key


def _to_signed16(word: int) -> int:
    """Return the signed 16-bit reading of the low 16 bits of `word`."""
    word &= 0xFFFF
    return word - 0x10000 if word >= 0x8000 else word


@dataclass
class ModuleState:
    """The live state of one module: registers, their timestamps and its online flag."""

    spec: ModuleSpec
    registers: dict[str, Any]
    created_at: dict[str, int]
    updated_at: dict[str, int]
    online: bool = True
    connected_at: int = 0
    burner_phase: int = 0
    phase_left: int = 1
    tick_count: int = 0
    meta_only: dict[str, dict[str, Any]] = field(default_factory=dict)


class Plant:
    """The registers of every simulated module and the step that makes them change.

    Values are plain JSON scalars (int, float, str). Timestamps are epoch seconds (int).
    Mutations return the changed registers as ``{address: value}`` so that the server
    can push them (PROTOCOL.md §3.4 ``app:modules:parameters:change``).
    """

    def __init__(
        self,
        *,
        seed: int = 0,
        modules: Iterable[ModuleSpec] = MODULES,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """Load every module's initial registers (`ModuleSpec.initial_registers`)."""
        self._rng = random.Random(seed)
        self._clock = clock
        now = int(clock())
        self._modules: dict[str, ModuleState] = {}
        for spec in modules:
            flat: dict[str, Any] = {}
            for pool, entries in spec.initial_registers().items():
                for key, value in entries.items():
                    flat[f"{pool}.{key}"] = value
            # Registers were "created" when the module was accepted, a while ago.
            created = dict.fromkeys(flat, now - 86_400 * 30)
            updated = {address: now - self._rng.randint(60, 86_400) for address in flat}
            self._modules[spec.devid] = ModuleState(
                spec=spec,
                registers=flat,
                created_at=created,
                updated_at=updated,
                connected_at=now - 3_600,
                phase_left=self._rng.randint(1, 3),
            )

    @property
    def devids(self) -> list[str]:
        """Return the devids in module order."""
        return list(self._modules)

    def module(self, devid: str) -> ModuleState:
        """Return the state of module `devid`; raise KeyError when unknown."""
        return self._modules[devid]

    def now(self) -> int:
        """Return the plant clock in epoch seconds."""
        return int(self._clock())

    def registers(self, devid: str) -> dict[str, Any]:
        """Return a copy of the current values of `devid`: ``{"P4.v1": 58.5, ...}``."""
        return dict(self._modules[devid].registers)

    def get(self, devid: str, address: str) -> Any:
        """Return the value of one register; raise KeyError when unknown."""
        return self._modules[devid].registers[address]

    def has(self, devid: str, address: str) -> bool:
        """Return whether module `devid` has register `address`."""
        state = self._modules.get(devid)
        return state is not None and address in state.registers

    def updated_at(self, devid: str, address: str) -> int:
        """Return the ``updatedAt`` epoch seconds of a register."""
        return self._modules[devid].updated_at[address]

    def created_at(self, devid: str, address: str) -> int:
        """Return the ``createdAt`` epoch seconds of a register."""
        return self._modules[devid].created_at[address]

    def is_online(self, devid: str) -> bool:
        """Return whether the module is connected to the cloud."""
        return self._modules[devid].online

    def connected_at(self, devid: str) -> int:
        """Return ``connectedAt`` (epoch seconds; 0 while offline, PROTOCOL.md §2.5)."""
        state = self._modules[devid]
        return state.connected_at if state.online else 0

    def set_online(self, devid: str, *, online: bool) -> bool:
        """Set the module's online flag; return True when it changed."""
        state = self._modules[devid]
        if state.online == online:
            return False
        state.online = online
        if online:
            state.connected_at = self.now()
        return True

    def set_many(self, devid: str, values: Mapping[str, Any]) -> dict[str, Any]:
        """Write registers of `devid` (creating unknown ones) and stamp ``updatedAt``.

        Every given register is returned (and later pushed), changed or not, as a real
        controller echoes every write. Raises KeyError for an unknown devid and
        ValueError for a malformed address.
        """
        state = self._modules[devid]
        now = self.now()
        written: dict[str, Any] = {}
        for address, value in values.items():
            split_address(address)
            if address not in state.registers:
                state.created_at[address] = now
            state.registers[address] = value
            state.updated_at[address] = now
            written[address] = value
        return written

    def step(self) -> dict[str, dict[str, Any]]:
        """Advance the plant by one step; return ``{devid: {address: value}}`` of changes.

        Only online modules change; modules without changes are left out.
        """
        changes: dict[str, dict[str, Any]] = {}
        for devid, state in self._modules.items():
            if not state.online:
                continue
            state.tick_count += 1
            new_values: dict[str, Any] = {}
            self._drift(state, new_values)
            if state.spec.kind == "boiler":
                self._burner(state, new_values)
                self._counters(state, new_values)
            changed = {
                address: value
                for address, value in new_values.items()
                if state.registers.get(address) != value
            }
            if changed:
                changes[devid] = self.set_many(devid, changed)
        return changes

    # -- the pieces of a step -------------------------------------------------------

    def _drift(self, state: ModuleState, out: dict[str, Any]) -> None:
        """Move each reading 0.5 towards its setpoint, or wander ±0.5 once there."""
        regs = state.registers
        enabled = bool(_as_int(regs.get(BOILER_STATUS, 1)) & 1) and not _out_of_fuel(
            regs
        )
        for reading, setpoint in _DRIFT_PAIRS.get(state.spec.kind, ()):
            current = regs.get(reading)
            target = regs.get(setpoint)
            if not isinstance(current, int | float) or not isinstance(
                target, int | float
            ):
                continue
            goal = (
                AMBIENT
                if state.spec.kind == "boiler" and not enabled
                else float(target)
            )
            delta = goal - float(current)
            if abs(delta) >= 0.5:
                value = float(current) + math.copysign(0.5, delta)
            else:
                value = float(current) + self._rng.choice((-0.5, 0.0, 0.5))
            out[reading] = _tidy(round(value * 2) / 2)

    def _burner(self, state: ModuleState, out: dict[str, Any]) -> None:
        """Run the burner cycle on the fan and feeder status bits; burn fuel."""
        regs = state.registers
        enabled = bool(_as_int(regs.get(BOILER_STATUS, 0)) & 1) and not _out_of_fuel(
            regs
        )
        if enabled:
            state.phase_left -= 1
            if state.phase_left <= 0:
                state.burner_phase = (state.burner_phase + 1) % len(_BURNER_PHASES)
                state.phase_left = self._rng.randint(1, 3)
            phase, fan, feeder = _BURNER_PHASES[state.burner_phase]
        else:
            phase, fan, feeder = "off", 0, 0
        for address, bit in ((FAN_STATUS, fan), (FEEDER_STATUS, feeder)):
            if address in regs:
                word = _as_int(regs[address])
                out[address] = (word | 1) if bit else (word & ~1)
        if phase == "feeding":
            if _is_number(regs.get(FUEL_LEVEL)):
                out[FUEL_LEVEL] = max(0, _as_int(regs[FUEL_LEVEL]) - 1)
            if _is_number(regs.get(FUEL_CONSUMPTION)):
                out[FUEL_CONSUMPTION] = _as_int(regs[FUEL_CONSUMPTION]) + 1

    def _counters(self, state: ModuleState, out: dict[str, Any]) -> None:
        """Raise one unit-29 counter and the two-word feeder counter (PROTOCOL.md §5.4)."""
        regs = state.registers
        simple = sorted(
            (
                f"P4.v{address[4:]}"
                for address, unit in regs.items()
                if address.startswith("P4.u") and unit == COUNTER_UNIT
            ),
            key=lambda a: int(a[4:]),
        )
        simple = [a for a in simple if a != TWO_WORD_LOW and _is_number(regs.get(a))]
        if simple:
            chosen = self._rng.choice(simple)
            out[chosen] = _as_int(regs[chosen]) + 1
        if TWO_WORD_LOW in regs and TWO_WORD_HIGH in regs:
            total = (_as_int(regs[TWO_WORD_LOW]) & 0xFFFF) + _as_int(
                regs[TWO_WORD_HIGH]
            ) * 0x10000
            total += self._rng.randint(1, 3)
            out[TWO_WORD_LOW] = _to_signed16(total)
            out[TWO_WORD_HIGH] = total >> 16


def _out_of_fuel(registers: Mapping[str, Any]) -> bool:
    """Return whether a boiler's fuel level is a number at or below 0."""
    level = registers.get(FUEL_LEVEL)
    return isinstance(level, int | float) and not isinstance(level, bool) and level <= 0


def _is_number(value: Any) -> bool:
    """Return whether `value` is an int or float (not a bool)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def _as_int(value: Any) -> int:
    """Return `value` as int (0 for anything non-numeric)."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and math.isfinite(value):
        return int(value)
    return 0


def _tidy(value: float) -> int | float:
    """Return whole floats as int (``73.0`` -> ``73``), keep half degrees as float."""
    return int(value) if value.is_integer() else value
