"""Register conventions: module views of the store, watched keys, raw-register rules.

What a consumer needs to read and address a module's registers without knowing the
store's layout: a read-through view by address (with the SPA's ``connectedAt`` getter
that STATUS rules read, PROTOCOL.md §4.6), the registers a descriptor depends on, the
descriptor that owns a register's write route, the ``n``/``x`` limit registers of a value
register (the family convention of PROTOCOL.md §5.1), address ordering, and which
registers may leave the integration (diagnostics, ``get_parameters``) unredacted.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Final

from .descriptor import EntityDescriptor
from .models import ParamKey
from .store import ParamStore

CONNECTED_AT_GETTER: Final = "modulesMap.{devid}.connectedAt"
"""The SPA store path that computed STATUS rules read (PROTOCOL.md §4.6)."""

SECRET_POOLS: Final = frozenset({"P8"})
"""Pools whose values are controller passwords and login codes (PROTOCOL.md §5.1)."""
REDACTED: Final = "**REDACTED**"
"""What a redacted value shows (the same marker as Home Assistant's diagnostics)."""


class ModuleRegisters(Mapping[str, Any]):
    """A read-only view of one module's registers in a `ParamStore`, by address.

    ``view["P4.v1"]`` reads the store (registers without a value are absent); `extra`
    adds computed keys (the SPA ``connectedAt`` getter). Lookups cost O(1) whatever the
    number of registers; iterating walks the store.
    """

    __slots__ = ("_devid", "_extra", "_store")

    def __init__(self, store: ParamStore, devid: str, extra: Mapping[str, Any]) -> None:
        """Wrap the registers of `devid` in `store`."""
        self._store = store
        self._devid = devid
        self._extra = extra

    def __getitem__(self, address: str) -> Any:
        """Return the value of a register (``"P4.v1"``) or extra key; KeyError when absent."""
        if address in self._extra:
            return self._extra[address]
        try:
            key = ParamKey.parse(self._devid, address)
        except ValueError:
            raise KeyError(address) from None
        value = self._store.get(key)
        if value is None:
            raise KeyError(address)
        return value

    def __iter__(self) -> Iterator[str]:
        """Iterate the extra keys, then the addresses of registers with a value."""
        yield from self._extra
        yield from self._store.module_values(self._devid)

    def __len__(self) -> int:
        """Return the number of keys."""
        return len(self._extra) + len(self._store.module_values(self._devid))


def connected_at_getter(
    devid: str, *, online: bool | None, connected_at: int | None
) -> dict[str, int]:
    """Return the SPA ``connectedAt`` getter of a module: 0 offline, else its stamp (or 1)."""
    value = 0 if online is False else (connected_at or 1)
    return {CONNECTED_AT_GETTER.replace("{devid}", devid): value}


def watched_keys(descriptor: EntityDescriptor) -> frozenset[ParamKey]:
    """Return the registers an entity depends on: value selectors, rule conditions, u/n/x/s."""
    addresses = {selector.key for selector in descriptor.value}
    addresses.update(
        selector.key
        for rule in descriptor.rules
        for condition in rule.conditions
        for selector in condition.selectors
    )
    addresses.update(
        a
        for a in (
            descriptor.address,
            descriptor.unit_address,
            descriptor.min_address,
            descriptor.max_address,
            descriptor.status_address,
        )
        if a
    )
    keys: set[ParamKey] = set()
    for address in addresses:
        try:
            keys.add(ParamKey.parse(descriptor.devid, address))
        except ValueError:
            continue  # a command pseudo-address (``command_…``) has no register
    return frozenset(keys)


def route_key(descriptor: EntityDescriptor) -> ParamKey | None:
    """Return the register a descriptor's parameter write route writes, or None."""
    write = descriptor.write or {}
    if write.get("kind") != "parameter":
        return None
    try:
        return ParamKey.parse(
            descriptor.devid, f"{write.get('pool')}.{write.get('parameter')}"
        )
    except ValueError:
        return None


def route_owner(
    descriptors: Iterable[EntityDescriptor], key: ParamKey
) -> EntityDescriptor | None:
    """Return the descriptor whose parameter write route is `key`, or None."""
    return next((d for d in descriptors if route_key(d) == key), None)


def limit_addresses(
    key: ParamKey, owner: EntityDescriptor | None = None
) -> tuple[str | None, str | None]:
    """Return the ``n``/``x`` registers that limit a value register.

    The owner's family addresses when a descriptor owns the register, else the family
    convention ``P<pool>.n<index>`` / ``P<pool>.x<index>`` for a ``v`` register
    (PROTOCOL.md §5.1); (None, None) for other channels.
    """
    if owner is not None:
        return owner.min_address, owner.max_address
    if key.chan == "v":
        return f"{key.pool}.n{key.idx}", f"{key.pool}.x{key.idx}"
    return None, None


def address_sort_key(address: str) -> tuple[int, str, int]:
    """Order addresses by pool number, channel and index (``P4.v2`` before ``P4.v10``).

    Raises:
        ValueError: `address` is not ``P<pool>.<channel><index>``.

    """
    key = ParamKey.parse("", address)
    return (int(key.pool[1:]), key.chan, key.idx)


def redact_register(address: str, value: Any) -> Any:
    """Return a register value safe to share: pool P8 redacted, ``ID …: <serial>`` cut.

    P8 holds controller passwords and login codes (PROTOCOL.md §5.1); text values of the
    form ``ID <kind>: <serial>`` keep their prefix only. Everything else is returned as
    is. The marker is Home Assistant's diagnostics one, ``**REDACTED**``.
    """
    try:
        pool = ParamKey.parse("", address).pool
    except ValueError:
        pool = None
    if pool in SECRET_POOLS:
        return REDACTED
    if isinstance(value, str) and value.startswith("ID ") and ":" in value:
        return f"{value.partition(':')[0]}: {REDACTED}"
    return value
