"""The simulator's REST API under ``/v1`` (PROTOCOL.md §1 to §2).

Every authenticated endpoint wants ``Authorization: Bearer <accessToken>``; without a
valid token it answers 401 with a JSON body. Errors are JSON
``{"status": "E_...", "message": "..."}`` unless a fault asks for the gateway's HTML
page (§2.9). Shapes vary per seed where the protocol says the client must cope with
several variants (objects envelope, permissions list, modules envelope, prime entry
forms, activity answer).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
import json
import logging
import math
from typing import TYPE_CHECKING, Any
import zlib

from aiohttp import web

from simulator.faults import error_body, gateway_html
from simulator.modules import OBJECT_ID, OBJECT_NAME, ModuleSpec
from simulator.plant import split_address
from simulator.realtime import bearer_token

if TYPE_CHECKING:
    from simulator.server import Simulator

_LOGGER = logging.getLogger(__name__)

API_PREFIX = "/v1"

USER_ID = 731
USER_NAME = "Jan Kowalski"
"""The demo account: its writes (``module/command*``) are this user's activity rows."""

OTHER_USER_ID = 862
OTHER_USER_NAME = "Anna Kowalska"
"""A second account of the installation, writing through the vendor app
(`Simulator.write_as_other_user`)."""

META_ONLY_EXTRAS: tuple[str, ...] = ("P4.v97", "P4.v98", "P6.v199")
"""Registers that exist in the cloud without a value yet: primed as meta-only entries."""


class HttpError(Exception):
    """An error answer: HTTP `status` with a JSON body (or HTML when `html`)."""

    def __init__(
        self,
        status: int,
        code: str | None = None,
        message: str | None = None,
        *,
        html: bool = False,
    ) -> None:
        """Store the answer's status, ``status`` code field, message and body kind."""
        super().__init__(message or code or str(status))
        self.status = status
        self.code = code
        self.message = message
        self.html = html

    def response(self) -> web.Response:
        """Return the aiohttp response of this error."""
        if self.html:
            return web.Response(
                status=self.status,
                text=gateway_html(self.status),
                content_type="text/html",
            )
        return web.json_response(
            error_body(self.status, self.code, self.message), status=self.status
        )


def iso(timestamp: float) -> str:
    """Return epoch seconds as ISO-8601 UTC with milliseconds and ``Z`` (§2.3, §5.7)."""
    text = datetime.fromtimestamp(timestamp, UTC).isoformat(timespec="milliseconds")
    return text.replace("+00:00", "Z")


def _hash(*parts: object) -> int:
    """Return a stable 32-bit hash of `parts` (the per-seed shape choices)."""
    return zlib.crc32("|".join(str(p) for p in parts).encode())


def entry_is_scalar(seed: int, devid: str, address: str) -> bool:
    """Return whether register `address` of `devid` travels as a bare scalar (§2.7).

    About a quarter of the registers do, chosen per seed; the rest are objects with
    ``value`` and metadata.
    """
    return _hash(seed, devid, address) % 4 == 0


def snapshot_entry(sim: Simulator, devid: str, address: str) -> Any:
    """Return the prime entry of one register: a bare scalar or ``{"value", meta...}``."""
    value = sim.plant.get(devid, address)
    if entry_is_scalar(sim.seed, devid, address):
        return value
    salt = _hash("meta", sim.seed, devid, address)
    entry: dict[str, Any] = {
        "value": value,
        "storable": salt % 2,
        "createdAt": sim.plant.created_at(devid, address),
        "updatedAt": sim.plant.updated_at(devid, address),
    }
    if salt % 5 == 0 and isinstance(value, int | float):
        entry["average"] = value
    if salt % 7 == 0:
        entry["expire"] = 300
    return entry


def change_entry(sim: Simulator, devid: str, address: str, value: Any) -> Any:
    """Return the change-event entry: ``{"value", "updatedAt"}`` or a bare scalar (§3.4)."""
    if entry_is_scalar(sim.seed, devid, address):
        return value
    return {"value": value, "updatedAt": sim.plant.updated_at(devid, address)}


def nest(entries: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Nest ``{"P4.v1": entry}`` as ``{"P4": {"v1": entry}}``."""
    out: dict[str, dict[str, Any]] = {}
    for address, entry in entries.items():
        pool, key = split_address(address)
        out.setdefault(pool, {})[key] = entry
    return out


def object_row() -> dict[str, Any]:
    """Return the simulated installation as an object row (§2.5)."""
    return {
        "id": OBJECT_ID,
        "name": OBJECT_NAME,
        "addressCountry": "PL",
        "addressCity": "Kraków",
        "addressPostCode": "30-418",
        "addressStreet": "ul. Zakopiańska",
        "addressHouseNumber": "62",
    }


def user_row(email: str, created: float) -> dict[str, Any]:
    """Return the ``GET /v1/user`` user object with every field of §2.4."""
    return {
        "id": USER_ID,
        "name": USER_NAME,
        "email": email,
        "language": "pl",
        "allow_email_type_informations": True,
        "allow_email_type_alarms": True,
        "allow_email_type_marketing": False,
        "allow_email_type_warnings": True,
        "activated_at": iso(created),
        "show_rate_us_modal": False,
    }


def module_card(spec: ModuleSpec, created: float) -> dict[str, Any]:
    """Return the installer card of a module (§2.5; personal data on purpose)."""
    return {
        "id": 90_000 + spec.db_id,
        "moduleId": spec.db_id,
        "clientFullName": USER_NAME,
        "clientPhoneNumber": "+48 601 234 567",
        "clientAddressStreetAndNumber": "ul. Zakopiańska 62",
        "clientAddressPostalCode": "30-418",
        "clientAddressCity": "Kraków",
        "createdAt": iso(created),
        "updatedAt": iso(created + 86_400),
    }


def parse_command_value(raw: Any) -> int | float:
    """Return a write value as a number: bool -> 0/1, numeric strings parsed (§2.10a).

    Raise ValueError for anything else (non-numeric strings, NaN, infinities, lists).
    """
    if isinstance(raw, bool):
        return int(raw)
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float):
        number = raw
    elif isinstance(raw, str):
        text = raw.strip()
        try:
            return int(text)
        except ValueError:
            number = float(text)
    else:
        msg = f"not a number: {raw!r}"
        raise TypeError(msg)
    if not math.isfinite(number):
        msg = f"not a finite number: {raw!r}"
        raise ValueError(msg)
    return int(number) if number.is_integer() else number


def _truthy(value: Any) -> bool:
    """Return the truth of a raw-command value (``true``, ``1``, ``"ON"``, ``"1"``...)."""
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "on", "online", "yes"}
    return bool(value)


class RestApi:
    """The ``/v1`` routes and the middleware that applies faults, latency and errors."""

    def __init__(self, sim: Simulator) -> None:
        """Serve the REST API of `sim`."""
        self.sim = sim

    def routes(self) -> list[web.RouteDef]:
        """Return the route table (note plural ``modules/`` vs singular ``module/``)."""
        p = API_PREFIX
        return [
            web.get(f"{p}/system/version", self.system_version),
            web.post(f"{p}/auth/user", self.login),
            web.post(f"{p}/auth/revoke", self.revoke),
            web.get(f"{p}/user", self.user),
            web.get(f"{p}/user/permissions", self.user_permissions),
            web.get(f"{p}/objects", self.objects),
            web.get(f"{p}/objects/{{object_id}}", self.object),
            web.get(f"{p}/objects/{{object_id}}/permissions", self.object_permissions),
            web.get(f"{p}/modules", self.modules),
            web.get(f"{p}/modules/{{devid}}/card", self.card),
            web.post(f"{p}/modules/connect", self.connect),
            web.post(f"{p}/modules/parameters", self.parameters),
            web.post(f"{p}/modules/activity/quantity", self.activity),
            web.post(f"{p}/modules/activity", self.activity_feed),
            web.post(f"{p}/modules/alarms", self.alarms),
            web.post(f"{p}/modules/alarms/history", self.alarm_history),
            web.post(f"{p}/modules/alarms/quantity", self.alarm_quantity),
            web.post(f"{p}/module/command", self.command),
            web.post(f"{p}/module/command/raw", self.command_raw),
        ]

    @web.middleware
    async def middleware(
        self,
        request: web.Request,
        handler: Callable[[web.Request], Awaitable[web.StreamResponse]],
    ) -> web.StreamResponse:
        """Count, delay and fail ``/v1`` requests as the fault knobs say."""
        if not request.path.startswith(f"{API_PREFIX}/"):
            return await handler(request)
        path = request.path.removeprefix(f"{API_PREFIX}/")
        faults = self.sim.faults
        self.sim.stats.requests[path] += 1
        delay = faults.latency_for(path)
        if delay > 0:
            await asyncio.sleep(delay)
        rule = faults.take_error(path)
        if rule is not None:
            return HttpError(rule.status, rule.code, html=rule.html).response()
        try:
            return await handler(request)
        except HttpError as err:
            return err.response()
        except web.HTTPException as err:
            if err.status >= 400:
                return HttpError(err.status).response()
            raise

    # -- helpers ---------------------------------------------------------------------

    def _user(self, request: web.Request) -> str:
        """Return the e-mail of the bearer; raise 401 when missing, unknown or expired."""
        token = bearer_token(request.headers.get("Authorization"))
        user = self.sim.authenticate(token)
        if user is None:
            raise HttpError(401, "E_UNAUTHORIZED", "Invalid or expired token")
        return user

    @staticmethod
    async def _body(request: web.Request) -> dict[str, Any]:
        """Return the JSON object body; raise 400 for anything else."""
        try:
            body = await request.json(loads=json.loads)
        except (ValueError, UnicodeDecodeError) as err:
            raise HttpError(400, "E_INVALID_BODY", "Body is not JSON") from err
        if not isinstance(body, dict):
            raise HttpError(400, "E_INVALID_BODY", "Body must be a JSON object")
        return body

    def _devids(self, body: dict[str, Any]) -> list[str]:
        """Return the known devids of ``body["modules"]`` (unknown ones ignored)."""
        modules = body.get("modules")
        if not isinstance(modules, list):
            raise HttpError(400, "E_VALIDATION", "modules must be a list of devids")
        known = set(self.sim.devids)
        return [d for d in dict.fromkeys(modules) if isinstance(d, str) and d in known]

    def _spec(self, devid: Any) -> ModuleSpec:
        """Return the module spec of `devid`; raise 404 when unknown."""
        for spec in self.sim.modules:
            if spec.devid == devid:
                return spec
        raise HttpError(404, "E_MODULE_NOT_FOUND", f"Unknown module {devid!r}")

    def _object_id(self, request: web.Request) -> int:
        """Return the path's object id; raise 404 unless it is our installation."""
        raw = request.match_info["object_id"]
        if not raw.isdigit() or int(raw) != OBJECT_ID:
            raise HttpError(404, "E_OBJECT_NOT_FOUND", f"Unknown object {raw!r}")
        return OBJECT_ID

    def _permissions(self) -> Any:
        """Return the permission list in the seed's envelope (§2.4)."""
        names = sorted({p for spec in self.sim.modules for p in spec.permissions})
        return names if self.sim.seed % 2 else {"permissions": names}

    # -- endpoints -------------------------------------------------------------------

    async def system_version(self, _request: web.Request) -> web.Response:
        """``GET system/version`` (§2.2): ``{"version": {"version", "devMode"}}``."""
        return web.json_response(
            {"version": {"version": self.sim.api_version, "devMode": False}}
        )

    async def login(self, request: web.Request) -> web.Response:
        """``POST auth/user`` (§2.3): the token envelope, 401 or 500 ``ER_DUP_ENTRY``."""
        body = await self._body(request)
        faults = self.sim.faults
        if faults.login_dup_entry > 0:
            faults.login_dup_entry -= 1
            return web.json_response(
                {
                    "status": "E_INTERNAL_SERVER_ERROR",
                    "message": "ER_DUP_ENTRY: Duplicate entry '731-1' for key 'tokens_user_id_unique'",
                },
                status=500,
            )
        if (
            body.get("email") != self.sim.email
            or body.get("password") != self.sim.password
        ):
            self.sim.stats.failed_logins += 1
            raise HttpError(401, "E_INVALID_CREDENTIALS", "Invalid e-mail or password")
        self.sim.stats.logins += 1
        token, refresh, expires = self.sim.issue_token(self.sim.email)
        return web.json_response(
            {
                "accessToken": token,
                "refreshToken": refresh,
                "type": "bearer",
                "expiresAt": iso(expires),
                "user": user_row(self.sim.email, self.sim.created),
                "objects": [object_row()],
            }
        )

    async def revoke(self, request: web.Request) -> web.Response:
        """``POST auth/revoke`` (§2.3): invalidate the bearer token."""
        self._user(request)
        token = bearer_token(request.headers.get("Authorization"))
        if token is not None:
            self.sim.revoke_token(token)
        return web.json_response({"status": "SUCCESS"})

    async def user(self, request: web.Request) -> web.Response:
        """``GET user`` (§2.4): ``{"user": {...}}``."""
        user = self._user(request)
        return web.json_response({"user": user_row(user, self.sim.created)})

    async def user_permissions(self, request: web.Request) -> web.Response:
        """``GET user/permissions`` (§2.4): ``{"permissions": [...]}`` or a bare list."""
        self._user(request)
        return web.json_response(self._permissions())

    async def objects(self, request: web.Request) -> web.Response:
        """``GET objects`` (§2.1): ``{"data": [...]}``, ``{"objects": [...]}`` or a list."""
        self._user(request)
        rows = [object_row(), *self.sim.extra_objects]
        variant = self.sim.seed % 3
        if variant == 0:
            return web.json_response({"data": rows})
        if variant == 1:
            return web.json_response({"objects": rows})
        return web.json_response(rows)

    async def object(self, request: web.Request) -> web.Response:
        """``GET objects/{id}`` (§2.5): ``{"object": {...}, "status": "SUCCESS"}``."""
        self._user(request)
        self._object_id(request)
        return web.json_response({"object": object_row(), "status": "SUCCESS"})

    async def object_permissions(self, request: web.Request) -> web.Response:
        """``GET objects/{id}/permissions`` (§2.4)."""
        self._user(request)
        self._object_id(request)
        return web.json_response(self._permissions())

    async def modules(self, request: web.Request) -> web.Response:
        """``GET modules?page=1&limit=999&group_id=<id>`` (§2.5), degraded on demand."""
        self._user(request)
        group = request.query.get("group_id")
        rows: list[dict[str, Any]] = []
        if group is None or group == str(OBJECT_ID):
            rows = [
                self._module_row(index, spec)
                for index, spec in enumerate(self.sim.modules)
                if spec.devid not in self.sim.faults.hidden_modules
            ]
        if (self.sim.seed // 2) % 2:
            return web.json_response(rows)
        return web.json_response({"data": rows})

    def _module_row(self, index: int, spec: ModuleSpec) -> dict[str, Any]:
        """Return one modules-listing row with every field of the §2.5 table."""
        plant = self.sim.plant
        created = self.sim.created
        connected_at: int | None = plant.connected_at(spec.devid)
        gateway: dict[str, Any] | None = {
            "address": f"10.20.{index}.{17 + index}",
            "interface": "eth0" if index % 2 else None,
            "version": spec.gateway_version,
        }
        row: dict[str, Any] = {
            "id": spec.db_id,
            "devid": spec.devid,
            "name": spec.name,
            "moduleTitle": spec.title,
            "moduleVersion": spec.version,
            "moduleAddress": f"192.168.1.{40 + index}" if index % 2 else None,
            "moduleInterface": "WIFI" if index % 2 else None,
            "gateway": gateway,
            "deviceMenu": spec.device_menu,
            "deviceLanguageVariant": spec.language_variant,
            "permissions": list(spec.permissions),
            "parameterSchemas": [],
            "devices": [],
            "services": [],
            "moduleServices": [],
            "acceptedAt": int(created),
            "connectedAt": connected_at,
            "isAcceptedAt": iso(created),
            "isConnectedAt": iso(connected_at) if connected_at else None,
            "moduleAlarms": len(self.sim.alarm_log.active([spec.devid])),
        }
        if self.sim.faults.degraded_modules:
            row.update(
                gateway={} if index % 2 == 0 else None,
                connectedAt=None,
                isConnectedAt=None,
                moduleAddress=None,
                moduleInterface=None,
                moduleVersion=None,
            )
        return row

    async def card(self, request: web.Request) -> web.Response:
        """``GET modules/{devid}/card`` (§2.5): the card of the first module, else 404."""
        self._user(request)
        spec = self._spec(request.match_info["devid"])
        if spec is not self.sim.modules[0]:
            raise HttpError(404, "E_CARD_NOT_FOUND", "This module has no card")
        return web.json_response(module_card(spec, self.sim.created))

    async def connect(self, request: web.Request) -> web.Response:
        """``POST modules/connect`` (§2.6): bind a namespace SID; 200 even when it binds nothing."""
        user = self._user(request)
        body = await self._body(request)
        sid = body.get("wsid", body.get("sid"))
        if not isinstance(sid, str) or not sid:
            raise HttpError(400, "E_VALIDATION", "wsid is required")
        devids = self._devids(body) if "modules" in body else list(self.sim.devids)
        group = body.get("group_id")
        bound = False
        if self.sim.faults.ignore_binds:
            _LOGGER.debug("fault ignore_binds: not binding %s", sid)
        elif group is not None and str(group) != str(OBJECT_ID):
            _LOGGER.debug("bind of %s for foreign group %r ignored", sid, group)
        else:
            bound = self.sim.bind(sid, devids, user=user)
        if bound:
            self.sim.stats.binds += 1
        else:
            self.sim.stats.ignored_binds += 1
        return web.json_response({"status": "SUCCESS"})

    async def parameters(self, request: web.Request) -> web.Response:
        """``POST modules/parameters`` (§2.7): devid -> pool -> key -> entry."""
        self._user(request)
        devids = self._devids(await self._body(request))
        self.sim.stats.primes += 1
        snapshot: dict[str, Any] = {}
        for devid in devids:
            entries = {
                address: snapshot_entry(self.sim, devid, address)
                for address in self.sim.plant.registers(devid)
            }
            for address in META_ONLY_EXTRAS:
                if not self.sim.plant.has(devid, address):
                    entries[address] = {
                        "storable": 1,
                        "createdAt": int(self.sim.created),
                    }
            snapshot[devid] = nest(entries)
        return web.json_response(snapshot)

    async def activity(self, request: web.Request) -> web.Response:
        """``POST modules/activity/quantity`` (§2.8): activity rows per devid, or 204 per seed."""
        self._user(request)
        devids = self._devids(await self._body(request))
        if not devids or self.sim.seed % 2:
            return web.Response(status=204)
        log = self.sim.alarm_log
        return web.json_response(
            {"activityQuantity": {devid: log.activity_count(devid) for devid in devids}}
        )

    async def alarms(self, request: web.Request) -> web.Response:
        """``POST modules/alarms`` (§2.8a): the active alarms of the modules."""
        self._user(request)
        devids = self._devids(await self._body(request))
        return web.json_response(self.sim.alarm_log.current_answer(devids))

    async def alarm_history(self, request: web.Request) -> web.Response:
        """``POST modules/alarms/history`` (§2.8a): ended alarms, newest first."""
        self._user(request)
        devids = self._devids(await self._body(request))
        return web.json_response(self.sim.alarm_log.history_answer(devids))

    async def alarm_quantity(self, request: web.Request) -> web.Response:
        """``POST modules/alarms/quantity`` (§2.8a): active alarms per module."""
        self._user(request)
        devids = self._devids(await self._body(request))
        return web.json_response(self.sim.alarm_log.quantity_answer(devids))

    async def activity_feed(self, request: web.Request) -> web.Response:
        """``POST modules/activity`` (§2.8a): the writes made to the modules, newest first."""
        self._user(request)
        body = await self._body(request)
        limit = body.get("limit")
        size = limit if isinstance(limit, int) and 0 < limit <= 100 else 20
        return web.json_response(
            self.sim.alarm_log.activity_answer(self._devids(body), size)
        )

    async def command(self, request: web.Request) -> web.Response:
        """``POST module/command`` (§2.10a): validate, answer a task id, apply later.

        The applied write is the demo user's activity row (`Simulator.schedule_task`).
        """
        self._user(request)
        body = await self._body(request)
        spec = self._spec(body.get("devid"))
        pool = body.get("pool")
        parameter = body.get("parameter")
        if isinstance(pool, int) or (isinstance(pool, str) and pool.isdigit()):
            pool = f"P{pool}"
        if not isinstance(pool, str) or not isinstance(parameter, str):
            raise HttpError(400, "E_VALIDATION", "pool and parameter are required")
        address = f"{pool}.{parameter}"
        plant = self.sim.plant
        if not plant.has(spec.devid, address):
            raise HttpError(
                404, "E_PARAMETER_NOT_FOUND", f"Unknown parameter {address}"
            )
        if not parameter.startswith("v"):
            raise HttpError(400, "E_PARAMETER_NOT_WRITABLE", f"{address} is read-only")
        if "value" not in body:
            raise HttpError(400, "E_VALIDATION", "value is required")
        try:
            value = parse_command_value(body["value"])
        except (TypeError, ValueError) as err:
            raise HttpError(400, "E_INVALID_VALUE", str(err)) from err
        index = parameter[1:]
        low = plant.registers(spec.devid).get(f"{pool}.n{index}")
        high = plant.registers(spec.devid).get(f"{pool}.x{index}")
        if (isinstance(low, int | float) and value < low) or (
            isinstance(high, int | float) and value > high
        ):
            raise HttpError(
                400,
                "E_VALUE_OUT_OF_RANGE",
                f"{address}={value} outside [{low}, {high}]",
            )
        if not plant.is_online(spec.devid):
            raise HttpError(
                408, "E_DISPATCH_EVENT_TIMEOUT", "Module did not answer in time"
            )
        self.sim.stats.writes += 1
        self.sim.stats.commands.append(dict(body))
        task_id = self.sim.schedule_task(
            spec.devid,
            lambda: {address: value},
            {
                "command": "PARAMETER_WRITE",
                "pool": pool,
                "parameter": parameter,
                "value": value,
            },
            user={"id": USER_ID, "name": USER_NAME},
        )
        return web.json_response({"taskId": task_id, "status": "CREATED"})

    async def command_raw(self, request: web.Request) -> web.Response:
        """``POST module/command/raw`` (§2.10b): a symbolic command of the module.

        A command that changes a register leaves the demo user's activity row, named
        after the parameter whose command rules send it.
        """
        self._user(request)
        body = await self._body(request)
        spec = self._spec(body.get("devid"))
        name = body.get("command")
        command = next((c for c in spec.raw_commands if c.name == name), None)
        if command is None:
            raise HttpError(400, "E_UNKNOWN_COMMAND", f"Unknown command {name!r}")
        if not self.sim.plant.is_online(spec.devid):
            raise HttpError(
                408, "E_DISPATCH_EVENT_TIMEOUT", "Module did not answer in time"
            )
        value = body.get("value")
        plant = self.sim.plant
        devid = spec.devid

        def effect() -> dict[str, Any]:
            register = command.register
            if register is None:
                return {}
            if command.bit is not None:
                current = (
                    plant.get(devid, register) if plant.has(devid, register) else 0
                )
                word = int(current) if isinstance(current, int | float) else 0
                mask = 1 << command.bit
                return {register: (word | mask) if _truthy(value) else (word & ~mask)}
            return {
                register: command.set_value if command.set_value is not None else value
            }

        self.sim.stats.raw_commands += 1
        self.sim.stats.commands.append(dict(body))
        task_id = self.sim.schedule_task(
            devid,
            effect,
            {"command": command.name, "value": value},
            user={"id": USER_ID, "name": USER_NAME},
            command=command.name,
        )
        return web.json_response({"taskId": task_id, "status": "CREATED"})
