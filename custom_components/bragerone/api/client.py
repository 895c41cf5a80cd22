"""REST client of the BragerOne cloud (PROTOCOL.md §1, §2).

`BragerOneClient` owns the bearer token (login, expiry with leeway, one re-login and
retry on 401, back-off on ``ER_DUP_ENTRY``) and wraps every endpoint the integration
needs. The aiohttp session is injected (closed only when the client created it) and every
call is bounded by ``asyncio.timeout``. Credentials and tokens are never logged.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from datetime import UTC, datetime
import json
import logging
import random
import time
from types import TracebackType
from typing import Any, Final, Self

import aiohttp

from ._logging import LOGGER, log_once, shorten
from .alarms import (
    Activity,
    Alarm,
    activities_from_wire,
    alarms_from_wire,
    counts_from_wire,
)
from .const import (
    BRAGERONE,
    LOGIN_DUP_BACKOFF,
    LOGIN_DUP_JITTER,
    REQUEST_TIMEOUT,
    TOKEN_LEEWAY,
)
from .exceptions import (
    ApiError,
    AuthenticationError,
    BragerOneConnectionError,
    BragerOneTimeoutError,
    InvalidResponseError,
)
from .models import (
    AuthToken,
    BragerObject,
    Module,
    Server,
    Snapshot,
    SystemVersion,
    User,
)

_OK_STATUSES: Final = frozenset({200, 201, 202, 204})
_LOGIN_REFUSED: Final = frozenset({400, 401, 403, 422})
_DUP_MARKERS: Final = ("ER_DUP_ENTRY", "Duplicate entry")
_NO_BODY: Final = object()


def _error_from_body(status: int, text: str) -> ApiError:
    """Build an `ApiError` from an error body; HTML and other text is only summarised."""
    try:
        body = json.loads(text) if text else None
    except ValueError:
        body = None
    if isinstance(body, dict):
        code = body.get("status") or body.get("code") or body.get("error")
        message = body.get("message")
        return ApiError(
            status,
            str(code) if isinstance(code, str | int) else None,
            shorten(str(message)) if message is not None else "",
        )
    if "<html" in text[:512].lower() or "<!doctype" in text[:512].lower():
        return ApiError(status, None, f"HTML error page ({len(text)} bytes)")
    return ApiError(status, None, shorten(text, 80))


def _is_dup_entry(err: ApiError) -> bool:
    """Return True for the login race answer: HTTP 500 mentioning ``ER_DUP_ENTRY`` (§2.3)."""
    text = f"{err.code or ''} {err.message}"
    return err.status == 500 and any(marker in text for marker in _DUP_MARKERS)


class BragerOneClient:
    """Talk to the BragerOne REST API with an e-mail/password account.

    Args:
        email, password:
            The account's credentials. They are sent only to ``POST /v1/auth/user``.
        server:
            Which cloud (`BRAGERONE`, `TISCONNECT` or ``Server.custom(api_url, web_url)``).
        session:
            An aiohttp session to use. When None the client creates one and closes it in
            `close` (or on leaving ``async with``); an injected session is never closed.
        request_timeout:
            Time limit in seconds of each REST call (§1.2, default 8 s).
        token_leeway:
            A token counts as expired this many seconds before its ``expiresAt`` (§2.3).
        login_backoff:
            Delays between login retries after a 500 ``ER_DUP_ENTRY`` (plus up to
            `login_jitter` random seconds each).

    Every call may raise `AuthenticationError` (login refused the credentials),
    `BragerOneConnectionError` / `BragerOneTimeoutError` (network failure or time limit),
    `ApiError` (any other HTTP error status, with `status` and the server's `code`) or
    `InvalidResponseError` (a 2xx answer whose body cannot be read).

    """

    def __init__(
        self,
        email: str,
        password: str,
        *,
        server: Server = BRAGERONE,
        session: aiohttp.ClientSession | None = None,
        request_timeout: float = REQUEST_TIMEOUT,
        token_leeway: float = TOKEN_LEEWAY,
        login_backoff: tuple[float, ...] = LOGIN_DUP_BACKOFF,
        login_jitter: float = LOGIN_DUP_JITTER,
    ) -> None:
        """Store the configuration; no network traffic happens here."""
        self._email = email
        self._password = password
        self.server = server
        self._session = session
        self._own_session = session is None
        self.request_timeout = request_timeout
        self.token_leeway = token_leeway
        self.login_backoff = login_backoff
        self.login_jitter = login_jitter
        self._token: AuthToken | None = None
        self._login_lock = asyncio.Lock()
        self.login_count = 0

    # --- lifecycle -------------------------------------------------------------------

    @property
    def session(self) -> aiohttp.ClientSession:
        """Return the aiohttp session (created on first use when none was injected)."""
        if self._session is None or (self._own_session and self._session.closed):
            self._session = aiohttp.ClientSession()
            self._own_session = True
        return self._session

    async def close(self) -> None:
        """Close the session if this client created it; an injected one is left open."""
        if self._own_session and self._session is not None and not self._session.closed:
            await self._session.close()

    async def __aenter__(self) -> Self:
        """Enter ``async with``."""
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Close an owned session when leaving ``async with``."""
        await self.close()

    def _headers(self, token: str | None = None) -> dict[str, str]:
        """Return the REST headers of §1.2 (``Origin``, ``Referer``, ``Accept``, bearer)."""
        headers = {
            "Origin": self.server.web_base,
            "Referer": f"{self.server.web_base}/",
            "Accept": "application/json",
        }
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        return headers

    # --- raw HTTP --------------------------------------------------------------------

    async def _send(
        self,
        method: str,
        path: str,
        *,
        token: str | None,
        body: Any = _NO_BODY,
        params: dict[str, str] | None = None,
        extra_headers: dict[str, str] | None = None,
    ) -> tuple[int, str]:
        """Send one request and return (status, body text); network errors are wrapped."""
        headers = self._headers(token) | (extra_headers or {})
        kwargs: dict[str, Any] = {"headers": headers, "params": params}
        if body is not _NO_BODY:
            kwargs["json"] = body
        url = f"{self.server.rest_base}{path}"
        try:
            async with asyncio.timeout(self.request_timeout):
                async with self.session.request(method, url, **kwargs) as response:
                    text = await response.text()
                    status = response.status
        except TimeoutError as err:
            msg = f"{method} {path} timed out after {self.request_timeout} s"
            raise BragerOneTimeoutError(msg) from err
        except aiohttp.ClientError as err:
            msg = f"{method} {path} failed: {type(err).__name__}"
            raise BragerOneConnectionError(msg) from err
        LOGGER.debug("%s %s -> %s", method, path, status)
        return status, text

    @staticmethod
    def _decode(status: int, text: str, path: str) -> Any:
        """Return the JSON body of a success answer (None for 204 or an empty body)."""
        if status == 204 or not text.strip():
            return None
        try:
            return json.loads(text)
        except ValueError as err:
            msg = f"{path} answered {status} with a body that is not JSON"
            raise InvalidResponseError(msg) from err

    async def request(
        self,
        method: str,
        path: str,
        *,
        body: Any = _NO_BODY,
        params: dict[str, str] | None = None,
        extra_headers: dict[str, str] | None = None,
    ) -> tuple[int, Any]:
        """Send an authenticated call; on 401 log in afresh and retry once (§2.3, §2.9).

        `path` is relative to the REST base (``/modules/parameters``). Returns the HTTP
        status (one of 200/201/202/204) and the decoded JSON body (None when empty).
        """
        token = await self.access_token()
        status, text = await self._send(
            method,
            path,
            token=token,
            body=body,
            params=params,
            extra_headers=extra_headers,
        )
        if status == 401:
            LOGGER.debug(
                "%s %s answered 401; logging in again and retrying once", method, path
            )
            self._token = None
            token = await self.access_token()
            status, text = await self._send(
                method,
                path,
                token=token,
                body=body,
                params=params,
                extra_headers=extra_headers,
            )
        if status not in _OK_STATUSES:
            err = _error_from_body(status, text)
            if err.transient:
                log_once(
                    f"api:{path}:{status}",
                    logging.WARNING,
                    "%s %s: %s",
                    method,
                    path,
                    err,
                )
            raise err
        return status, self._decode(status, text, path)

    # --- authentication --------------------------------------------------------------

    @property
    def token(self) -> AuthToken | None:
        """Return the current token (None before the first login)."""
        return self._token

    def _token_valid(self) -> bool:
        """Return True when a token is held and not within the leeway of its expiry."""
        return self._token is not None and not self._token.expired(
            datetime.now(UTC), self.token_leeway
        )

    async def access_token(self) -> str:
        """Return a usable access token, logging in when none is held or it is expiring.

        Concurrent callers share one login.
        """
        if self._token_valid() and self._token is not None:
            return self._token.access_token
        async with self._login_lock:
            if not self._token_valid() or self._token is None:
                self._token = await self.login()
            return self._token.access_token

    async def login(self) -> AuthToken:
        """Log in with ``POST /v1/auth/user`` and keep the token (§2.3).

        A 500 ``ER_DUP_ENTRY`` answer (concurrent token inserts) is retried after the
        back-off delays; the last one is raised as `ApiError`.

        Raises:
            AuthenticationError:
                The credentials were refused (400/401/403/422).

        """
        delays = (*self.login_backoff, None)
        for delay in delays:
            try:
                token = await self._login_once()
            except ApiError as err:
                if delay is None or not _is_dup_entry(err):
                    raise
                LOGGER.debug("Login hit ER_DUP_ENTRY; retrying in %.2f s", delay)
                await asyncio.sleep(delay + random.uniform(0, self.login_jitter))  # noqa: S311
                continue
            self._token = token
            return token
        msg = "unreachable"  # pragma: no cover
        raise AssertionError(msg)  # pragma: no cover

    async def _login_once(self) -> AuthToken:
        """Send one login request and read the token envelope."""
        credentials = {"email": self._email, "password": self._password}
        status, text = await self._send(
            "POST", "/auth/user", token=None, body=credentials
        )
        self.login_count += 1
        if status in _LOGIN_REFUSED:
            err = _error_from_body(status, text)
            msg = f"login refused (HTTP {status})"
            raise AuthenticationError(msg) from err
        if status not in _OK_STATUSES:
            raise _error_from_body(status, text)
        return AuthToken.from_wire(self._decode(status, text, "/auth/user"))

    async def revoke(self) -> None:
        """Revoke the token with ``POST /v1/auth/revoke``; 401/403/404 are ignored.

        The local token is dropped whatever the answer.
        """
        token, self._token = self._token, None
        if token is None:
            return
        status, text = await self._send(
            "POST", "/auth/revoke", token=token.access_token
        )
        if status not in _OK_STATUSES and status not in {401, 403, 404}:
            raise _error_from_body(status, text)

    # --- listings --------------------------------------------------------------------

    async def system_version(self) -> SystemVersion:
        """Return the cloud's version (``GET /v1/system/version``, no auth, §2.2)."""
        params = {"container": self.server.container, "platform": "0"}
        status, text = await self._send(
            "GET", "/system/version", token=None, params=params
        )
        if status not in _OK_STATUSES:
            raise _error_from_body(status, text)
        return SystemVersion.from_wire(self._decode(status, text, "/system/version"))

    async def user(self) -> User:
        """Return the logged-in account (``GET /v1/user``, §2.4)."""
        _, body = await self.request("GET", "/user")
        return User.from_wire(body)

    async def objects(self) -> list[BragerObject]:
        """Return the account's objects (installations) (``GET /v1/objects``, §2.5)."""
        _, body = await self.request("GET", "/objects")
        return BragerObject.list_from_wire(body if body is not None else [])

    async def modules(self, object_id: int) -> list[Module]:
        """Return the modules of an object (``GET /v1/modules``, §2.5).

        Degraded rows are kept (`Module.online` is then None); rows without a devid are
        skipped.
        """
        params = {"page": "1", "limit": "999", "group_id": str(object_id)}
        _, body = await self.request("GET", "/modules", params=params)
        return Module.list_from_wire(body if body is not None else [])

    # --- realtime binding and prime --------------------------------------------------

    async def bind(self, wsid: str, devids: Iterable[str]) -> int:
        """Bind a Socket.IO namespace session to modules (``POST /v1/modules/connect``, §2.6).

        `wsid` must be the *current* namespace SID of ``/ws``. Returns the HTTP status.
        """
        body = {"wsid": wsid, "modules": sorted(set(devids))}
        headers = {
            "Content-Type": "application/json;charset=UTF-8",
            "X-Requested-With": "XMLHttpRequest",
        }
        status, _ = await self.request(
            "POST", "/modules/connect", body=body, extra_headers=headers
        )
        return status

    async def prime(self, devids: Iterable[str]) -> Snapshot:
        """Return the current registers of modules (``POST /v1/modules/parameters``, §2.7)."""
        started = time.time()
        _, body = await self.request(
            "POST", "/modules/parameters", body={"modules": sorted(set(devids))}
        )
        return Snapshot.from_wire(body, started)

    async def activity(self, devids: Iterable[str]) -> Any:
        """Return ``activityQuantity`` of ``POST /v1/modules/activity/quantity`` (§2.8).

        The inner shape is undocumented; None for 204 or a missing key.
        """
        _, body = await self.request(
            "POST", "/modules/activity/quantity", body={"modules": sorted(set(devids))}
        )
        return body.get("activityQuantity") if isinstance(body, dict) else body

    # --- alarms and the activity feed (§2.8a) -------------------------------------------

    async def alarms(
        self, devids: Iterable[str], *, page: int = 1, limit: int = 20
    ) -> list[Alarm]:
        """Return the current alarms of modules (``POST /v1/modules/alarms``)."""
        return alarms_from_wire(
            await self._paged("/modules/alarms", devids, page, limit)
        )

    async def alarm_history(
        self, devids: Iterable[str], *, page: int = 1, limit: int = 20
    ) -> list[Alarm]:
        """Return ended alarms of modules, newest first (``…/alarms/history``)."""
        body = await self._paged("/modules/alarms/history", devids, page, limit)
        return alarms_from_wire(body)

    async def alarm_counts(self, devids: Iterable[str]) -> dict[str, int | None]:
        """Return devid → number of current alarms (``…/alarms/quantity``; None: unknown)."""
        _, body = await self.request(
            "POST", "/modules/alarms/quantity", body={"modules": sorted(set(devids))}
        )
        return counts_from_wire(body, "alarmsQuantity")

    async def activities(
        self, devids: Iterable[str], *, page: int = 1, limit: int = 20
    ) -> list[Activity]:
        """Return the changes made to modules, newest first (``POST /v1/modules/activity``)."""
        body = await self._paged("/modules/activity", devids, page, limit)
        return activities_from_wire(body)

    async def _paged(
        self, path: str, devids: Iterable[str], page: int, limit: int
    ) -> Any:
        """POST ``{"modules", "page", "limit"}`` to `path` and return the answer's body."""
        body = {"modules": sorted(set(devids)), "page": page, "limit": limit}
        _, answer = await self.request("POST", path, body=body)
        return answer

    # --- writes ----------------------------------------------------------------------

    async def write_parameter(
        self,
        devid: str,
        pool: str,
        parameter: str,
        value: Any,
        *,
        parameter_name: str | None = None,
        unit: int | None = None,
    ) -> Any:
        """Write a raw register value (``POST /v1/module/command``, §2.10a).

        `pool` is ``"P6"``, `parameter` the channel+index (``"v0"``), `value` the raw value
        (inverse unit transform already applied). Returns the (undocumented) answer body.
        A 2xx only means "accepted": the change is confirmed by a later push.
        """
        body: dict[str, Any] = {
            "devid": devid,
            "pool": pool,
            "parameter": parameter,
            "value": value,
        }
        if parameter_name is not None:
            body["parameterName"] = parameter_name
        if unit is not None:
            body["unit"] = unit
        _, answer = await self.request("POST", "/module/command", body=body)
        return answer

    async def send_command(self, devid: str, command: str, value: Any = None) -> Any:
        """Send a symbolic command (``POST /v1/module/command/raw``, §2.10b).

        `value` is left out of the body when None. Returns the answer body.
        """
        body: dict[str, Any] = {"devid": devid, "command": command}
        if value is not None:
            body["value"] = value
        _, answer = await self.request("POST", "/module/command/raw", body=body)
        return answer
