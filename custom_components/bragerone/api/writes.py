"""Confirmed writes to a module (PROTOCOL.md §2.10, DESIGN.md decision 10).

A write is validated and converted before anything is sent (`Writer.prepare` for a
shown value, `Writer.prepare_raw` for a raw register value), then `Writer.send` sends it
through the module's serialised, paced queue and waits until the store holds the pushed
echo. Errors are typed, so a consumer can tell the user what was wrong:

* refused before sending (`InvalidWriteError` and its subclasses): `NotWritableError`,
  `UnknownOptionError`, `OutOfRangeError`, `OffStepError`, `InvalidValueError`;
* refused by the cloud: `ApiError` (or `AuthenticationError`), from the client;
* sent, but no echo within the time limit: `WriteNotConfirmedError`.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
import math
import time
from typing import Any, Literal, Self

from .alarms import Activity
from .client import BragerOneClient
from .const import WRITE_CONFIRM_TIMEOUT, WRITE_PACING
from .descriptor import (
    EntityDescriptor,
    command_for,
    display_value,
    finite_number,
    live_limits,
    offered_options,
    raw_from_display,
)
from .exceptions import BragerOneError
from .models import ParamKey
from .registers import limit_addresses, route_key, watched_keys
from .store import ParamStore

SENT_KEPT = 64
"""How many of our accepted writes `Writer.made_here` remembers."""
SENT_WINDOW = 300.0
"""Seconds between our write and its activity row's ``created_at`` that still match (clock skew, slow modules)."""


class InvalidWriteError(BragerOneError):
    """A write refused before anything was sent.

    `descriptor` is the entity's (None for a raw register without one), `value` what
    was asked for.
    """

    def __init__(
        self, message: str, *, descriptor: EntityDescriptor | None, value: Any
    ) -> None:
        """Keep what the write was about."""
        super().__init__(message)
        self.descriptor = descriptor
        self.value = value


class NotWritableError(InvalidWriteError):
    """The entity has no write route (or no command for the wanted value)."""


class UnknownOptionError(InvalidWriteError):
    """The value is none of the entity's options (`descriptor.option_labels` has them)."""


class OutOfRangeError(InvalidWriteError):
    """The value lies outside the live limits `low`..`high` (display or raw units)."""

    def __init__(
        self,
        message: str,
        *,
        descriptor: EntityDescriptor | None,
        value: Any,
        low: float | None,
        high: float | None,
    ) -> None:
        """Keep the limits the value broke."""
        super().__init__(message, descriptor=descriptor, value=value)
        self.low = low
        self.high = high


class OffStepError(InvalidWriteError):
    """The value is not a whole number of `step`s from the minimum."""

    def __init__(
        self, message: str, *, descriptor: EntityDescriptor, value: Any, step: float
    ) -> None:
        """Keep the step."""
        super().__init__(message, descriptor=descriptor, value=value)
        self.step = step


class InvalidValueError(InvalidWriteError):
    """The value cannot be converted to a register value (not a number, a bad transform)."""


class WriteNotConfirmedError(BragerOneError):
    """The write was sent but its echo did not arrive within `timeout` seconds."""

    def __init__(self, write: Write, timeout: float) -> None:
        """Keep the write and the time limit."""
        super().__init__(f"{write.label}: no echo within {timeout:g} s")
        self.write = write
        self.timeout = timeout


@dataclass(frozen=True, kw_only=True, slots=True)
class WriteRoute:
    """How a descriptor is written (PROTOCOL.md §2.10).

    ``parameter``: ``POST /v1/module/command`` with `pool` (``"P6"``), `parameter`
    (``"v0"``), and the optional `parameter_name` and `unit` the web app sends along.
    ``command``: ``POST /v1/module/command/raw`` with the command the descriptor's rules
    pick (`command_for`).
    """

    kind: Literal["parameter", "command"]
    pool: str | None = None
    parameter: str | None = None
    parameter_name: str | None = None
    unit: int | None = None

    @classmethod
    def of(cls, descriptor: EntityDescriptor) -> Self | None:
        """Return the descriptor's route, or None when it has none."""
        write = descriptor.write or {}
        if write.get("kind") == "command":
            return cls(kind="command")
        if write.get("kind") != "parameter" or route_key(descriptor) is None:
            return None
        unit = write.get("unit")
        return cls(
            kind="parameter",
            pool=str(write["pool"]),
            parameter=str(write["parameter"]),
            parameter_name=write.get("parameter_name"),
            unit=unit if isinstance(unit, int) else None,
        )


@dataclass(frozen=True, kw_only=True)
class Write:
    """A validated write: what to send, and how its pushed echo is recognised.

    `label` names it in messages, `keys` are the registers whose change may carry the
    echo, `confirmed` tells whether the store holds it, `send` sends it once.
    """

    devid: str
    label: str
    descriptor: EntityDescriptor | None
    keys: frozenset[ParamKey]
    confirmed: Callable[[], bool]
    send: Callable[[], Awaitable[Any]]
    raw: Any = None
    """The raw register value sent (None for a module command)."""


@dataclass(frozen=True, kw_only=True)
class SentWrite:
    """A write the cloud accepted from us: which registers (pool, index), what raw value (None for a command), when (epoch s)."""

    devid: str
    registers: frozenset[tuple[str, int]]
    raw: Any
    at: float


@dataclass(kw_only=True)
class WriteStats:
    """Counters of writes (for diagnostics)."""

    sent: int = 0
    confirmed: int = 0
    not_confirmed: int = 0
    refused: int = 0


def same_value(current: Any, wanted: Any) -> bool:
    """Return True when a stored register equals a written raw value (numbers as floats)."""
    if current is None:
        return False
    try:
        return math.isclose(float(current), float(wanted), abs_tol=1e-6)
    except (TypeError, ValueError):
        return str(current) == str(wanted)


def _off_step(value: float, base: float, step: float) -> bool:
    """Return True when `value` is not a whole number of `step`s away from `base`."""
    steps = (value - base) / step
    return abs(steps - round(steps)) > 1e-6


class Writer:
    """Validates, paces, sends and confirms the writes of one installation.

    `registers(devid)` returns the module's registers as STATUS rules read them (a
    `Gateway.rule_registers` view). Writes to one module are serialised and at least
    `pacing` seconds apart; writes to different modules do not wait for each other.
    """

    def __init__(
        self,
        client: BragerOneClient,
        store: ParamStore,
        registers: Callable[[str], Mapping[str, Any]],
        *,
        pacing: float = WRITE_PACING,
    ) -> None:
        """Write through `client`; recognise echoes in `store`."""
        self.client = client
        self.store = store
        self.registers = registers
        self.pacing = pacing
        self.stats = WriteStats()
        self._locks: dict[str, asyncio.Lock] = {}
        self._last: dict[str, float] = {}
        self.sent: deque[SentWrite] = deque(maxlen=SENT_KEPT)
        """The last writes the cloud accepted from us, oldest first (`made_here`)."""

    # --- validation ---------------------------------------------------------------------

    def prepare(
        self, descriptor: EntityDescriptor, value: Any, language: str | None = None
    ) -> Write:
        """Validate a shown value and return its write; nothing is sent.

        `value` is an option label (in any language) or key for enums, True/False for
        two-state switches and command routes, a number (or ``"HH:MM"`` for a time of
        day) otherwise. `language` picks the label in messages.

        Raises:
            InvalidWriteError: One of its subclasses; nothing was sent.

        """
        label = descriptor.label_for(language)
        route = WriteRoute.of(descriptor)
        devid = descriptor.devid
        if route is not None and route.kind == "parameter":
            raw = self._raw_for(descriptor, value)
            key = ParamKey(devid, *_split(f"{route.pool}.{route.parameter}"))
            return Write(
                devid=devid,
                label=label,
                descriptor=descriptor,
                keys=frozenset({key}),
                raw=raw,
                confirmed=lambda: same_value(self.store.get(key), raw),
                send=lambda: self.client.write_parameter(
                    devid,
                    str(route.pool),
                    str(route.parameter),
                    raw,
                    parameter_name=route.parameter_name,
                    unit=route.unit,
                ),
            )
        command = (
            command_for(descriptor, self.registers(devid), value)
            if route is not None
            else None
        )
        if command is None:
            msg = f"{label} is not writable"
            raise NotWritableError(msg, descriptor=descriptor, value=value)
        return Write(
            devid=devid,
            label=label,
            descriptor=descriptor,
            keys=watched_keys(descriptor),
            confirmed=lambda: bool(
                display_value(descriptor, self.registers(devid), language) == value
            ),
            send=lambda: self.client.send_command(
                devid, command.command, command.value
            ),
        )

    def _raw_for(self, descriptor: EntityDescriptor, value: Any) -> int | float | str:
        """Check a shown value against options, limits and step; return the raw value."""
        if descriptor.options:
            labels = {
                label
                for option in descriptor.options
                for label in option.label.values()
            }
            keys = {str(option.key) for option in descriptor.options}
            if (
                not isinstance(value, bool)
                and value not in labels
                and str(value) not in keys
            ):
                msg = f"{descriptor.unique_id}: {value!r} is not one of the options"
                raise UnknownOptionError(msg, descriptor=descriptor, value=value)
        elif isinstance(value, int | float) and not isinstance(value, bool):
            low, high = live_limits(descriptor, self.registers(descriptor.devid))
            if (low is not None and value < low) or (high is not None and value > high):
                msg = f"{descriptor.unique_id}: {value!r} is outside {low}..{high}"
                raise OutOfRangeError(
                    msg, descriptor=descriptor, value=value, low=low, high=high
                )
            step = descriptor.step
            if step and _off_step(value, low or 0, step):
                msg = f"{descriptor.unique_id}: {value!r} is off the step {step}"
                raise OffStepError(msg, descriptor=descriptor, value=value, step=step)
        registers = self.registers(descriptor.devid)
        try:
            raw = raw_from_display(descriptor, value, registers)
        except BragerOneError as err:
            raise InvalidValueError(
                str(err), descriptor=descriptor, value=value
            ) from err
        if descriptor.platform == "select" and raw not in {
            option.key for option in offered_options(descriptor, registers)
        }:
            msg = f"{descriptor.unique_id}: {value!r} is outside the live limits"
            raise UnknownOptionError(msg, descriptor=descriptor, value=value)
        return raw

    def prepare_raw(
        self,
        devid: str,
        key: ParamKey,
        raw: Any,
        owner: EntityDescriptor | None = None,
    ) -> Write:
        """Validate a raw register value against its live raw limits; return its write.

        `owner` is the descriptor whose route writes `key` (`registers.route_owner`), if
        any: its limit registers and route details are used, else the family convention
        (`registers.limit_addresses`). No transform is applied.

        Raises:
            InvalidValueError: `raw` is not a finite number.
            OutOfRangeError: `raw` lies outside the live raw ``n``/``x`` registers.

        """
        number = None if isinstance(raw, bool) else finite_number(_number_or_none(raw))
        if number is None:
            msg = f"{key.address}: {raw!r} is not a number"
            raise InvalidValueError(msg, descriptor=owner, value=raw)
        value = int(number) if float(number).is_integer() else number
        registers = self.registers(devid)
        low_address, high_address = limit_addresses(key, owner)
        low = finite_number(registers.get(low_address)) if low_address else None
        high = finite_number(registers.get(high_address)) if high_address else None
        if (low is not None and value < low) or (high is not None and value > high):
            msg = f"{key.address}: {value!r} is outside {low}..{high}"
            raise OutOfRangeError(
                msg, descriptor=owner, value=value, low=low, high=high
            )
        route = WriteRoute.of(owner) if owner is not None else None

        def confirmed() -> bool:
            current = self.store.get(key)
            return not isinstance(current, bool) and same_value(current, value)

        return Write(
            devid=devid,
            label=key.address,
            descriptor=owner,
            keys=frozenset({key}),
            raw=value,
            confirmed=confirmed,
            send=lambda: self.client.write_parameter(
                devid,
                key.pool,
                f"{key.chan}{key.idx}",
                value,
                parameter_name=route.parameter_name if route else None,
                unit=route.unit if route else None,
            ),
        )

    # --- sending ------------------------------------------------------------------------

    async def send(
        self,
        write: Write,
        *,
        timeout: float = WRITE_CONFIRM_TIMEOUT,  # noqa: ASYNC109 - the echo's time limit
    ) -> None:
        """Send a write through its module's queue and wait for the pushed echo.

        Raises:
            WriteNotConfirmedError: No echo within `timeout` seconds.
            AuthenticationError, ApiError, BragerOneError: From the client; nothing
                was written.

        """
        echo: asyncio.Future[None] = asyncio.get_running_loop().create_future()

        def on_change(_updates: list[Any]) -> None:
            if not echo.done() and write.confirmed():
                echo.set_result(None)

        unwatch = self.store.watch(on_change, write.keys)
        try:
            await self._queued(write.devid, write.send)
            self.sent.append(
                SentWrite(
                    devid=write.devid,
                    registers=frozenset((key.pool, key.idx) for key in write.keys),
                    raw=write.raw,
                    at=time.time(),
                )
            )
            if not echo.done() and write.confirmed():
                echo.set_result(None)
            try:
                async with asyncio.timeout(timeout):
                    await echo
            except TimeoutError as err:
                self.stats.not_confirmed += 1
                raise WriteNotConfirmedError(write, timeout) from err
        finally:
            unwatch()
        self.stats.confirmed += 1

    def made_here(self, activity: Activity) -> bool:
        """Return True when an activity row (§2.8a) is one of our own writes.

        A row matches a write we sent to the same module, to the row's register (pool
        and index: a row does not name the channel; for a command, any register the
        write watches) and, when both are known, with the same raw value, at most
        `SENT_WINDOW` seconds apart. Each write matches one row at most, so a change
        made in the vendor's app right after ours is still theirs.
        """
        register = None
        if activity.address is not None:
            key = ParamKey.parse(activity.devid, activity.address)
            register = (key.pool, key.idx)
        for sent in self.sent:
            if (
                sent.devid != activity.devid
                or (register is not None and register not in sent.registers)
                or (
                    sent.raw is not None
                    and activity.value is not None
                    and not same_value(activity.value, sent.raw)
                )
                or (
                    activity.created is not None
                    and abs(activity.created.timestamp() - sent.at) > SENT_WINDOW
                )
            ):
                continue
            self.sent.remove(sent)
            return True
        return False

    async def command(self, devid: str, command: str, value: Any = None) -> None:
        """Send a raw module command through the module's queue (no echo to wait for)."""
        await self._queued(
            devid, lambda: self.client.send_command(devid, command, value)
        )

    async def _queued(self, devid: str, send: Callable[[], Awaitable[Any]]) -> None:
        """Send once, serialised per module and `pacing` seconds after the last send."""
        lock = self._locks.setdefault(devid, asyncio.Lock())
        async with lock:
            wait = self._last.get(devid, -math.inf) + self.pacing - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            try:
                await send()
            except BragerOneError:
                self.stats.refused += 1
                raise
            finally:
                self._last[devid] = time.monotonic()
            self.stats.sent += 1


def _split(address: str) -> tuple[str, str, int]:
    """Return (pool, channel, index) of an address the route checks already parsed."""
    key = ParamKey.parse("", address)
    return key.pool, key.chan, key.idx


def _number_or_none(value: Any) -> Any:
    """Return `value` as a number when it is one or a numeric text, else None."""
    if isinstance(value, int | float):
        return value
    try:
        return float(value)
    except (TypeError, ValueError):
        return None
