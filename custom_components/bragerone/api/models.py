"""Typed models of the BragerOne wire data (PROTOCOL.md §1, §2, §3.4, §5.7).

Every model is a frozen, keyword-only dataclass built by a ``from_wire`` classmethod that
accepts the envelopes and the variants the cloud is known to send. Parsing is lenient
(degraded rows, missing keys, bare lists); what cannot be read at all raises
`InvalidResponseError` (for whole responses) or is skipped and logged once (for single rows
or frame entries).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
import logging
import math
from typing import Any, NamedTuple, Self

from ._logging import log_once
from .exceptions import InvalidResponseError

META_KEYS = frozenset(
    {
        "storable",
        "createdAt",
        "previousCreatedAt",
        "updatedAt",
        "updatedAtClient",
        "expire",
        "average",
    }
)
"""Per-register metadata keys known from PROTOCOL.md §2.7 (unknown keys are kept too)."""


# --- helpers -------------------------------------------------------------------------


def _as_int(value: Any) -> int | None:
    """Return `value` as an int when it is an int (not a bool) or an integral string."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        text = value.strip()
        if _is_ascii_digits(text.removeprefix("-")):
            return _parse_digits(text)
    return None


def _is_ascii_digits(text: str) -> bool:
    """Return True for a non-empty string of ASCII digits only.

    `str.isdigit` alone also accepts superscripts (``"\u00b2"``), which `int` refuses,
    and other scripts' digits (``"\u0661"``, ``"\uff11"``), which would alias ASCII keys.
    """
    return text.isascii() and text.isdigit()


def _parse_digits(text: str) -> int | None:
    """Return `int(text)` of a checked digit string; None beyond Python's digit limit."""
    try:
        return int(text)
    except ValueError:  # more digits than sys.get_int_max_str_digits()
        return None


def _as_str(value: Any) -> str | None:
    """Return `value` when it is a non-empty string, else None."""
    return value if isinstance(value, str) and value else None


def parse_datetime(value: Any) -> datetime | None:
    """Parse an ISO-8601 string (a trailing ``Z`` allowed) into an aware UTC datetime."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def unwrap_list(payload: Any, *keys: str) -> list[Any]:
    """Return the list inside an envelope ``{key: [...]}`` or a bare list.

    Raises:
        InvalidResponseError:
            When the payload is neither a list nor a dict holding a list under one of `keys`.

    """
    if isinstance(payload, list):
        return payload
    if isinstance(payload, dict):
        for key in keys:
            inner = payload.get(key)
            if isinstance(inner, list):
                return inner
    msg = f"expected a list or an envelope with {', '.join(keys)}"
    raise InvalidResponseError(msg)


def normalise_pool(pool: Any) -> str | None:
    """Return a pool name with its ``P`` prefix (``"4"`` and ``4`` become ``"P4"``)."""
    if isinstance(pool, int) and not isinstance(pool, bool):
        return f"P{pool}"
    if not isinstance(pool, str) or not pool:
        return None
    if _is_ascii_digits(pool):
        return f"P{pool}"
    if pool[0] in "Pp" and _is_ascii_digits(pool[1:]):
        return "P" + pool[1:]
    return None


def split_channel_key(key: str) -> tuple[str, int] | None:
    """Split a channel+index key (``"v12"``) into ``("v", 12)``; None when malformed (§3.4).

    The channel is one ASCII letter and the index ASCII decimal digits.
    """
    if len(key) < 2 or not (key[0].isascii() and key[0].isalpha()):
        return None
    if not _is_ascii_digits(key[1:]):
        return None
    index = _parse_digits(key[1:])
    return None if index is None else (key[0], index)


def parse_address(address: str) -> tuple[str, str, int]:
    """Parse a register address ``"P6.v0"`` into ``("P6", "v", 0)``.

    Raises:
        ValueError:
            When the address is not ``P<pool>.<channel><index>``.

    """
    pool_part, _, key = address.partition(".")
    pool = normalise_pool(pool_part)
    split = split_channel_key(key)
    if pool is None or split is None:
        msg = f"not a register address (expected like P6.v0): {address!r}"
        raise ValueError(msg)
    return pool, split[0], split[1]


# --- servers and auth ----------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Server:
    """One cloud deployment: API/realtime host and web-app host (PROTOCOL.md §1.1).

    `api_base` is the scheme+host of the REST API and the Socket.IO endpoint (no ``/v1``);
    `web_base` is the web-app host, sent as ``Origin``/``Referer`` and used for assets.
    """

    platform: str
    api_base: str
    web_base: str
    container: str = "BragerOne"

    @property
    def rest_base(self) -> str:
        """Return the REST base URL, e.g. ``https://io.brager.pl/v1``."""
        return f"{self.api_base}/v1"

    @classmethod
    def custom(cls, api_url: str, web_url: str) -> Self:
        """Build a server from a pair of base URLs (how the simulator is reached).

        `api_url` may be given with or without the trailing ``/v1``.
        """
        api = api_url.rstrip("/")
        api = api.removesuffix("/v1")
        return cls(platform="custom", api_base=api, web_base=web_url.rstrip("/"))


@dataclass(frozen=True, kw_only=True)
class AuthToken:
    """A bearer token from ``POST /v1/auth/user`` (PROTOCOL.md §2.3).

    `expires_at` is None when the server gave no (readable) ``expiresAt``; such a token is
    used until the server refuses it. `refresh_token` is kept but never used: there is no
    refresh grant.
    """

    access_token: str = field(repr=False)
    refresh_token: str | None = field(default=None, repr=False)
    token_type: str = "bearer"  # noqa: S105 - a token type, not a secret
    expires_at: datetime | None = None
    user_id: int | None = None
    object_ids: tuple[int, ...] = ()

    @classmethod
    def from_wire(cls, payload: Any) -> Self:
        """Read the login envelope; ``token`` is accepted when ``accessToken`` is missing.

        Raises:
            InvalidResponseError:
                When the envelope holds no access token.

        """
        if not isinstance(payload, dict):
            msg = "login answer is not an object"
            raise InvalidResponseError(msg)
        token = _as_str(payload.get("accessToken")) or _as_str(payload.get("token"))
        if token is None:
            msg = "login answer holds no access token"
            raise InvalidResponseError(msg)
        user = payload.get("user")
        objects = payload.get("objects")
        object_ids = (
            tuple(
                oid
                for row in objects
                if isinstance(row, dict) and (oid := _as_int(row.get("id"))) is not None
            )
            if isinstance(objects, list)
            else ()
        )
        return cls(
            access_token=token,
            refresh_token=_as_str(payload.get("refreshToken")),
            token_type=_as_str(payload.get("type")) or "bearer",
            expires_at=parse_datetime(payload.get("expiresAt")),
            user_id=_as_int(user.get("id")) if isinstance(user, dict) else None,
            object_ids=object_ids,
        )

    def expired(self, now: datetime, leeway: float) -> bool:
        """Return True when the token expires within `leeway` seconds of `now`."""
        if self.expires_at is None:
            return False
        return (self.expires_at - now).total_seconds() <= leeway


@dataclass(frozen=True, kw_only=True)
class SystemVersion:
    """``GET /v1/system/version`` (PROTOCOL.md §2.2): the cloud's build string."""

    version: str
    dev_mode: bool = False

    @classmethod
    def from_wire(cls, payload: Any) -> Self:
        """Read ``{"version": {"version", "devMode"}}`` or the bare inner object."""
        inner = payload.get("version") if isinstance(payload, dict) else None
        if isinstance(inner, dict):
            payload = inner
        version = payload.get("version") if isinstance(payload, dict) else None
        if not isinstance(version, str):
            msg = "system version answer has no version string"
            raise InvalidResponseError(msg)
        return cls(version=version, dev_mode=payload.get("devMode") is True)


@dataclass(frozen=True, kw_only=True)
class User:
    """The logged-in account (``GET /v1/user``, PROTOCOL.md §2.4)."""

    id: int | None
    name: str | None = None
    email: str | None = None
    language: str | None = None

    @classmethod
    def from_wire(cls, payload: Any) -> Self:
        """Read ``{"user": {...}}`` or the bare user object."""
        inner = payload.get("user", payload) if isinstance(payload, dict) else None
        if not isinstance(inner, dict):
            msg = "user answer is not an object"
            raise InvalidResponseError(msg)
        return cls(
            id=_as_int(inner.get("id")),
            name=_as_str(inner.get("name")),
            email=_as_str(inner.get("email")),
            language=_as_str(inner.get("language")),
        )


# --- objects and modules -------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class BragerObject:
    """An object (installation) of the account (PROTOCOL.md §2.5)."""

    id: int
    name: str
    address_country: str | None = None
    address_city: str | None = None
    address_post_code: str | None = None
    address_street: str | None = None
    address_house_number: str | None = None

    @classmethod
    def from_wire(cls, row: Any) -> Self | None:
        """Read one object row; None (logged once) when it has no integer ``id``."""
        object_id = _as_int(row.get("id")) if isinstance(row, dict) else None
        if not isinstance(row, dict) or object_id is None:
            log_once("object-row", logging.DEBUG, "Skipping an object row without id")
            return None
        return cls(
            id=object_id,
            name=_as_str(row.get("name")) or str(object_id),
            address_country=_as_str(row.get("addressCountry")),
            address_city=_as_str(row.get("addressCity")),
            address_post_code=_as_str(row.get("addressPostCode")),
            address_street=_as_str(row.get("addressStreet")),
            address_house_number=_as_str(row.get("addressHouseNumber")),
        )

    @classmethod
    def list_from_wire(cls, payload: Any) -> list[Self]:
        """Read ``{"data": [...]}``, ``{"objects": [...]}`` or a bare list of objects."""
        rows = unwrap_list(payload, "data", "objects")
        return [obj for row in rows if (obj := cls.from_wire(row)) is not None]


@dataclass(frozen=True, kw_only=True)
class ModuleGateway:
    """The communication gateway of a module: ``{"address", "interface", "version"}``."""

    address: str | None = None
    interface: str | None = None
    version: str | None = None

    @classmethod
    def from_wire(cls, data: Any) -> Self | None:
        """Read a gateway object; None for ``{}``, null or other shapes (degraded rows)."""
        if not isinstance(data, dict) or not data:
            return None
        return cls(
            address=_as_str(data.get("address")),
            interface=_as_str(data.get("interface")),
            version=_as_str(data.get("version")),
        )


@dataclass(frozen=True, kw_only=True)
class Module:
    """A controller module from ``GET /v1/modules`` (PROTOCOL.md §2.5).

    `connected_at` is epoch seconds, 0 when the module is offline, and None when the row
    did not say (a degraded row, #319). `online` follows the web app: non-zero
    ``connectedAt`` means online; a degraded row gives None ("unknown"), never False, so a
    broken listing is not mistaken for "all offline".
    """

    devid: str
    id: int | None = None
    name: str | None = None
    title: str | None = None
    version: str | None = None
    address: str | None = None
    interface: str | None = None
    gateway: ModuleGateway | None = None
    device_menu: int | None = None
    language_variant: int | None = None
    permissions: tuple[str, ...] = ()
    connected_at: int | None = None
    alarms: int | None = None

    @property
    def online(self) -> bool | None:
        """Return True/False from ``connectedAt``; None when the row did not carry it."""
        return None if self.connected_at is None else self.connected_at != 0

    @property
    def degraded(self) -> bool:
        """Return True when the row lacks ``connectedAt`` or its gateway (#319)."""
        return self.connected_at is None or self.gateway is None

    @property
    def label(self) -> str:
        """Return the user's name of the module, else its title, else its devid."""
        return self.name or self.title or self.devid

    @classmethod
    def from_wire(cls, row: Any) -> Self | None:
        """Read one module row; None (logged once) when it has no ``devid``."""
        devid = _as_str(row.get("devid")) if isinstance(row, dict) else None
        if not isinstance(row, dict) or devid is None:
            log_once("module-row", logging.DEBUG, "Skipping a module row without devid")
            return None
        permissions = row.get("permissions")
        return cls(
            devid=devid,
            id=_as_int(row.get("id")),
            name=_as_str(row.get("name")),
            title=_as_str(row.get("moduleTitle")),
            version=_as_str(row.get("moduleVersion")),
            address=_as_str(row.get("moduleAddress")),
            interface=_as_str(row.get("moduleInterface")),
            gateway=ModuleGateway.from_wire(row.get("gateway")),
            device_menu=_as_int(row.get("deviceMenu")),
            language_variant=_as_int(row.get("deviceLanguageVariant")),
            permissions=tuple(p for p in permissions if isinstance(p, str))
            if isinstance(permissions, list)
            else (),
            connected_at=_as_int(row.get("connectedAt")),
            alarms=_as_int(row.get("moduleAlarms")),
        )

    @classmethod
    def list_from_wire(cls, payload: Any) -> list[Self]:
        """Read ``{"data": [...]}`` or a bare list of module rows, skipping unreadable rows."""
        rows = unwrap_list(payload, "data", "modules")
        return [module for row in rows if (module := cls.from_wire(row)) is not None]


@dataclass(frozen=True, kw_only=True)
class ModuleStatus:
    """One entry of ``app:module:connection:status:changed`` (PROTOCOL.md §3.4).

    `connected_at` is None when the event did not carry it (gateway-only update); then the
    module's online state is unchanged.
    """

    devid: str
    connected_at: int | None = None
    gateway: ModuleGateway | None = None

    @property
    def online(self) -> bool | None:
        """Return the online state the event states, or None when it states none."""
        return None if self.connected_at is None else self.connected_at != 0

    @classmethod
    def list_from_wire(cls, payload: Any) -> list[Self]:
        """Read ``{devid: {"connectedAt", "gateway"}}`` (also a single ``{"devid": …}``)."""
        if not isinstance(payload, dict):
            return []
        if isinstance(payload.get("devid"), str):
            payload = {payload["devid"]: payload}
        result: list[Self] = []
        for devid, entry in payload.items():
            if not isinstance(devid, str) or not isinstance(entry, dict):
                continue
            result.append(
                cls(
                    devid=devid,
                    connected_at=_as_int(entry.get("connectedAt"))
                    if "connectedAt" in entry
                    else None,
                    gateway=ModuleGateway.from_wire(entry.get("gateway")),
                )
            )
        return result


# --- registers -----------------------------------------------------------------------


class ParamKey(NamedTuple):
    """The identity of one register: (devid, pool, channel, index) (DESIGN.md decision 3)."""

    devid: str
    pool: str
    chan: str
    idx: int

    @property
    def address(self) -> str:
        """Return the register address within its module, e.g. ``P4.v1``."""
        return f"{self.pool}.{self.chan}{self.idx}"

    @classmethod
    def parse(cls, devid: str, address: str) -> ParamKey:
        """Build a key from a devid and an address like ``P4.v1`` (ValueError if malformed)."""
        pool, chan, idx = parse_address(address)
        return ParamKey(devid, pool, chan, idx)


@dataclass(frozen=True, kw_only=True)
class ParamUpdate:
    """One register entry of a prime snapshot or a change event (PROTOCOL.md §2.7, §3.4).

    `value` is None for a meta-only entry (``{"storable": 1}``): it updates metadata and
    never clears the stored value. `meta` holds every other key of the entry
    (``updatedAt``, ``storable``…; units undocumented, §5.7). `ts` is the local wall time
    (epoch seconds) at which the entry was received.
    """

    devid: str
    pool: str
    chan: str
    idx: int
    value: Any
    meta: Mapping[str, Any] = field(default_factory=dict)
    ts: float = 0.0

    @property
    def key(self) -> ParamKey:
        """Return the store key (devid, pool, chan, idx)."""
        return ParamKey(self.devid, self.pool, self.chan, self.idx)

    @property
    def address(self) -> str:
        """Return the register address within its module, e.g. ``P4.v1``."""
        return f"{self.pool}.{self.chan}{self.idx}"

    @property
    def updated_at(self) -> float | None:
        """Return the entry's ``updatedAt`` when it is a finite number, else None."""
        return stamp_of(self.meta)


def stamp_of(meta: Mapping[str, Any]) -> float | None:
    """Return ``meta["updatedAt"]`` as a float when it is a finite number, else None.

    Units are undocumented (PROTOCOL.md §5.7); booleans, strings, NaN, infinities and
    integers too large for a float are not stamps.
    """
    stamp = meta.get("updatedAt")
    if isinstance(stamp, bool) or not isinstance(stamp, int | float):
        return None
    try:
        value = float(stamp)
    except OverflowError:
        return None
    return value if math.isfinite(value) else None


def _entry_update(
    devid: str, pool: str, key: str, entry: Any, ts: float
) -> ParamUpdate | None:
    """Turn one ``key: entry`` pair into an update; None when the key is malformed."""
    split = split_channel_key(key)
    if split is None:
        log_once(
            "bad-key",
            logging.DEBUG,
            "Skipping register key %r (and later bad keys)",
            key[:40],
        )
        return None
    if isinstance(entry, dict):
        value = entry.get("value")
        meta = {k: v for k, v in entry.items() if k != "value"}
    elif entry is None or isinstance(entry, list):
        log_once(
            "bad-entry",
            logging.DEBUG,
            "Skipping entry of %s.%s (and later bad entries)",
            pool,
            key,
        )
        return None
    else:
        value, meta = entry, {}
    if isinstance(value, dict | list):
        log_once(
            "bad-value",
            logging.DEBUG,
            "Skipping value of %s.%s (and later bad values)",
            pool,
            key,
        )
        return None
    return ParamUpdate(
        devid=devid,
        pool=pool,
        chan=split[0],
        idx=split[1],
        value=value,
        meta=meta,
        ts=ts,
    )


def iter_updates(payload: Any, ts: float) -> Iterator[ParamUpdate]:
    """Flatten ``{devid: {pool: {"v1": entry}}}`` into updates (PROTOCOL.md §2.7, §3.4).

    An entry is an object with an optional ``value`` plus metadata, or a bare scalar.
    Malformed levels (non-dict pools, keys like ``"x"`` or ``"vv"``) are skipped and
    logged once per kind at debug level (not once per key: the server chooses the keys).
    """
    if not isinstance(payload, dict):
        log_once(
            "bad-frame",
            logging.DEBUG,
            "Skipping a parameter frame that is not an object",
        )
        return
    for devid, pools in payload.items():
        if not isinstance(devid, str) or not isinstance(pools, dict):
            log_once(
                "bad-module",
                logging.DEBUG,
                "Skipping module entry %r (and later bad ones)",
                str(devid)[:40],
            )
            continue
        for pool_name, entries in pools.items():
            pool = normalise_pool(pool_name)
            if pool is None or not isinstance(entries, dict):
                log_once(
                    "bad-pool",
                    logging.DEBUG,
                    "Skipping pool %r (and later bad pools)",
                    str(pool_name)[:40],
                )
                continue
            for key, entry in entries.items():
                update = _entry_update(devid, pool, str(key), entry, ts)
                if update is not None:
                    yield update


@dataclass(frozen=True, kw_only=True)
class Snapshot:
    """The answer of ``POST /v1/modules/parameters`` ("prime"), flattened (§2.7)."""

    updates: tuple[ParamUpdate, ...] = ()

    @classmethod
    def from_wire(cls, payload: Any, ts: float) -> Self:
        """Flatten a prime answer; None/empty (HTTP 204) gives an empty snapshot."""
        if payload is None or payload == "":
            return cls()
        if not isinstance(payload, dict):
            msg = "prime answer is not an object"
            raise InvalidResponseError(msg)
        return cls(updates=tuple(iter_updates(payload, ts)))

    def values(self, devid: str) -> dict[str, Any]:
        """Return ``{"P4.v1": 58.5, …}`` for one module (meta-only entries left out)."""
        return {
            u.address: u.value
            for u in self.updates
            if u.devid == devid and u.value is not None
        }

    @property
    def devids(self) -> set[str]:
        """Return the modules present in the snapshot."""
        return {u.devid for u in self.updates}
