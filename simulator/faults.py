"""Fault knobs of the simulator and the malformed frames it can send.

`Faults` is a mutable dataclass: tests flip its attributes while the simulator runs,
and the CLI sets them with ``--fault NAME[=VALUE]`` (see `Faults.apply`). The failures
imitate what the real cloud does (PROTOCOL.md §2.3, §2.7, §2.9, §3.6, §7).
"""

from __future__ import annotations

from dataclasses import dataclass, field
import fnmatch
from typing import Any, Literal

type BundleFault = Literal["broken", "empty"] | None

STATUS_CODES: dict[int, str] = {
    400: "E_BAD_REQUEST",
    401: "E_UNAUTHORIZED",
    403: "E_FORBIDDEN",
    404: "E_NOT_FOUND",
    408: "E_DISPATCH_EVENT_TIMEOUT",
    429: "E_TOO_MANY_REQUESTS",
    500: "E_INTERNAL_SERVER_ERROR",
    502: "E_BAD_GATEWAY",
    503: "E_SERVICE_UNAVAILABLE",
    504: "E_GATEWAY_TIMEOUT",
}
"""Default ``status`` field of a JSON error body per HTTP status."""

STATUS_TEXT: dict[int, str] = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    408: "Request Timeout",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Temporarily Unavailable",
    504: "Gateway Time-out",
}


@dataclass(kw_only=True)
class ErrorRule:
    """Answer requests whose path matches `endpoint` with an error.

    `endpoint` is a glob over the path below ``/v1`` without query (``"modules"``,
    ``"module/command*"``). `code` overrides the JSON ``status`` field; `html` gives the
    gateway's HTML page instead of JSON (PROTOCOL.md §2.9: 502/503/504). `times` is how
    many more matching requests fail (None = until cleared).
    """

    endpoint: str
    status: int
    code: str | None = None
    html: bool = False
    times: int | None = None

    def matches(self, path: str) -> bool:
        """Return whether the rule applies to `path` (below ``/v1``, no leading slash)."""
        return fnmatch.fnmatchcase(path.strip("/"), self.endpoint.strip("/"))


@dataclass(kw_only=True)
class Faults:
    """Mutable fault knobs; every knob defaults to "healthy".

    * `zombie`: Socket.IO sockets stay connected but receive no events (§3.6, #321).
    * `ignore_binds`: ``modules/connect`` answers 200 but binds nothing (§2.6).
    * `errors`: `ErrorRule` list, see `fail`.
    * `login_dup_entry`: the next N logins answer 500 ``ER_DUP_ENTRY`` (§2.3).
    * `latency`: seconds added to every REST answer; `latency_paths` limits it to
      path globs below ``/v1``.
    * `degraded_modules`: the modules listing returns degraded rows (§2.5, §7.3).
    * `bundle`: ``"broken"`` (truncated, garbled JS) or ``"empty"`` (empty JS bodies,
      HTML without the index reference) on the web host.
    * `hidden_modules`: devids the modules listing leaves out while the modules keep
      working (a partial answer of the cloud, or a module on its way out).
    * `listen_delay`: seconds before a listen emit takes effect, so a REST prime can be
      answered before the socket listens (the ordering caveat of §3.1): a change made in
      between is never pushed to that socket.
    * `echo_delays`: devid → seconds a command to that module takes before the module
      applies it and the change is pushed (the server's `write_delay` otherwise): a
      slow controller next to a quick one.

    Start-time knobs, applied once when the simulator first starts (for demos):

    * `start_fuel`: the fuel level (``P4.v8``) every boiler starts with; a low level runs
      out while the plant burns and raises the no-fuel alarm 38 (None = as captured).
    * `start_alarms`: ``(code, devid)`` alarms to raise; devid None is the first module.
    """

    zombie: bool = False
    ignore_binds: bool = False
    errors: list[ErrorRule] = field(default_factory=list)
    login_dup_entry: int = 0
    latency: float = 0.0
    latency_paths: list[str] = field(default_factory=list)
    degraded_modules: bool = False
    bundle: BundleFault = None
    listen_delay: float = 0.0
    hidden_modules: set[str] = field(default_factory=set)
    echo_delays: dict[str, float] = field(default_factory=dict)
    start_fuel: int | None = None
    start_alarms: list[tuple[int, str | None]] = field(default_factory=list)

    def fail(
        self,
        endpoint: str,
        status: int,
        *,
        code: str | None = None,
        html: bool = False,
        times: int | None = None,
    ) -> ErrorRule:
        """Add an error rule (see `ErrorRule`) and return it; newest rules win."""
        rule = ErrorRule(
            endpoint=endpoint, status=status, code=code, html=html, times=times
        )
        self.errors.insert(0, rule)
        return rule

    def clear(self) -> None:
        """Reset every knob to healthy (errors, latency, zombie, bundle...)."""
        self.zombie = False
        self.ignore_binds = False
        self.errors.clear()
        self.login_dup_entry = 0
        self.latency = 0.0
        self.latency_paths.clear()
        self.degraded_modules = False
        self.bundle = None
        self.listen_delay = 0.0
        self.hidden_modules.clear()
        self.echo_delays.clear()
        self.start_fuel = None
        self.start_alarms.clear()

    def take_error(self, path: str) -> ErrorRule | None:
        """Return the rule that fails this request (consuming one of its `times`)."""
        for rule in list(self.errors):
            if not rule.matches(path):
                continue
            if rule.times is not None:
                rule.times -= 1
                if rule.times <= 0:
                    self.errors.remove(rule)
            return rule
        return None

    def latency_for(self, path: str) -> float:
        """Return the latency (seconds) to add to a request for `path`."""
        if self.latency <= 0:
            return 0.0
        if not self.latency_paths:
            return self.latency
        clean = path.strip("/")
        if any(
            fnmatch.fnmatchcase(clean, glob.strip("/")) for glob in self.latency_paths
        ):
            return self.latency
        return 0.0

    def apply(self, spec: str) -> None:
        """Set a knob from a CLI spec; raise ValueError for an unknown or bad spec.

        Forms: ``zombie``, ``ignore_binds``, ``degraded_modules``, ``bundle=broken``,
        ``bundle=empty``, ``latency=0.5``, ``latency=0.5@modules/*``,
        ``listen_delay=1.5``, ``hide_module=DEVID``, ``echo_delay=DEVID:2.0``, ``login_dup_entry=2``, ``fail=ENDPOINT:STATUS[:html][:times=N][:code=CODE]``
        (e.g. ``fail=modules/parameters:503:html``), ``alarm=CODE[@DEVID]`` (e.g.
        ``alarm=38@FTTCTBSLCE``; repeatable) and ``fuel=N`` (0 ≤ N ≤ 100).
        """
        name, _, value = spec.partition("=")
        name = name.strip().replace("-", "_")
        if name in {"zombie", "ignore_binds", "degraded_modules"} and not value:
            setattr(self, name, True)
        elif name == "bundle" and value in {"broken", "empty"}:
            self.bundle = "broken" if value == "broken" else "empty"
        elif name == "latency" and value:
            seconds, _, paths = value.partition("@")
            self.latency = float(seconds)
            if paths:
                self.latency_paths = paths.split(",")
        elif name == "listen_delay" and value:
            self.listen_delay = float(value)
        elif name == "hide_module" and value:
            self.hidden_modules.add(value)
        elif name == "echo_delay" and ":" in value:
            devid, _, seconds = value.partition(":")
            self.echo_delays[devid] = float(seconds)
        elif name == "login_dup_entry" and value:
            self.login_dup_entry = int(value)
        elif name == "fail" and value:
            self._apply_fail(value)
        elif name == "alarm" and value:
            self.start_alarms.append(_parse_alarm(value))
        elif name == "fuel" and value:
            self.start_fuel = _parse_fuel(value)
        else:
            msg = f"unknown fault {spec!r}"
            raise ValueError(msg)

    def _apply_fail(self, value: str) -> None:
        """Parse ``ENDPOINT:STATUS[:html][:times=N][:code=CODE]`` into `fail`."""
        endpoint, *parts = value.split(":")
        if not parts:
            msg = f"fault fail={value!r} needs ENDPOINT:STATUS"
            raise ValueError(msg)
        status = int(parts[0])
        html = False
        times: int | None = None
        code: str | None = None
        for part in parts[1:]:
            if part == "html":
                html = True
            elif part.startswith("times="):
                times = int(part.removeprefix("times="))
            elif part.startswith("code="):
                code = part.removeprefix("code=")
            else:
                msg = f"unknown option {part!r} in fault fail={value!r}"
                raise ValueError(msg)
        self.fail(endpoint, status, code=code, html=html, times=times)


def _parse_alarm(value: str) -> tuple[int, str | None]:
    """Parse ``CODE[@DEVID]`` of the ``alarm`` knob; raise ValueError when malformed."""
    code, at, devid = value.partition("@")
    if not code.strip().isdecimal() or (at and not devid.strip()):
        msg = f"fault alarm={value!r} needs CODE[@DEVID] with a non-negative CODE"
        raise ValueError(msg)
    return int(code), devid.strip() or None


def _parse_fuel(value: str) -> int:
    """Parse the level ``N`` of the ``fuel`` knob; raise ValueError unless 0 ≤ N ≤ 100."""
    text = value.strip()
    if not text.isdecimal() or int(text) > 100:
        msg = f"fault fuel={value!r} needs a level from 0 to 100"
        raise ValueError(msg)
    return int(text)


def error_body(
    status: int, code: str | None = None, message: str | None = None
) -> dict[str, str]:
    """Return the JSON error body ``{"status": code, "message": text}`` (PROTOCOL.md §2.9)."""
    return {
        "status": code or STATUS_CODES.get(status, f"E_HTTP_{status}"),
        "message": message or STATUS_TEXT.get(status, "Error"),
    }


def gateway_html(status: int) -> str:
    """Return an HTML error page as a reverse proxy in front of the API sends it."""
    title = f"{status} {STATUS_TEXT.get(status, 'Error')}"
    return (
        "<html>\r\n<head><title>"
        f"{title}</title></head>\r\n<body>\r\n<center><h1>{title}</h1></center>\r\n"
        "<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
    )


MALFORMED_KINDS: tuple[str, ...] = (
    "wrong_nesting",
    "unknown_channel",
    "unknown_devid",
    "non_numeric",
    "oversized",
    "not_json_object",
    "unknown_event",
    "bad_status",
    "bad_memory_event",
)
"""Kinds accepted by ``Simulator.send_malformed``."""

CHANGE_EVENT = "app:modules:parameters:change"
STATUS_EVENT = "app:module:connection:status:changed"
MEMORY_EVENT = 22
OVERSIZED_ENTRIES = 25_000


def malformed_frames(kind: str, devid: str, *, now: int) -> list[tuple[str | int, Any]]:
    """Return the ``(event, payload)`` frames of one malformed kind for module `devid`.

    Raise ValueError for a kind not in `MALFORMED_KINDS`. The frames imitate what a
    broken or future server could send (PROTOCOL.md §3.4 shapes, bent):

    * ``wrong_nesting``: lists and scalars where dicts are due, at every level;
    * ``unknown_channel``: keys ``z5``, ``v``, ``vx1``, ``11``, ``""`` under a real pool;
    * ``unknown_devid``: a well-formed change for a devid nobody has;
    * ``non_numeric``: ``"abc"``, ``[1, 2]``, ``"NaN"``, ``"Infinity"``, ``{}`` values
      for numeric registers;
    * ``oversized``: one change event with 25 000 entries (> 1 MB of JSON);
    * ``not_json_object``: bare string, number, null and list payloads;
    * ``unknown_event``: events nobody listens to (a string and the number 99);
    * ``bad_status``: connection-status events with wrong types;
    * ``bad_memory_event``: event 22 without a usable devid.
    """
    match kind:
        case "wrong_nesting":
            return [
                (CHANGE_EVENT, [{devid: {"P4": {"v1": 1}}}]),
                (CHANGE_EVENT, {devid: [1, 2, 3]}),
                (CHANGE_EVENT, {devid: "P4"}),
                (CHANGE_EVENT, {devid: {"P4": [{"v1": 1}]}}),
                (CHANGE_EVENT, {devid: {"P4": 58.5}}),
                (CHANGE_EVENT, {devid: {"P4": {"v1": [{"value": 1}]}}}),
            ]
        case "unknown_channel":
            return [
                (
                    CHANGE_EVENT,
                    {
                        devid: {
                            "P4": {
                                "z5": {"value": 1, "updatedAt": now},
                                "v": {"value": 2},
                                "vx1": 3,
                                "11": {"value": 4},
                                "": 5,
                            },
                            "4": {"v1": {"value": 6}},
                            "PX": {"v1": 7},
                        }
                    },
                )
            ]
        case "unknown_devid":
            return [
                (
                    CHANGE_EVENT,
                    {"NOSUCHDEV1": {"P4": {"v1": {"value": 12.5, "updatedAt": now}}}},
                )
            ]
        case "non_numeric":
            return [
                (
                    CHANGE_EVENT,
                    {
                        devid: {
                            "P4": {
                                "v1": {"value": "abc", "updatedAt": now},
                                "v2": {"value": [1, 2]},
                                "v0": {"value": "NaN"},
                                "v5": "Infinity",
                                "v3": {"value": {}},
                            }
                        }
                    },
                )
            ]
        case "oversized":
            pool = {
                f"v{1000 + index}": {"value": index + 0.5, "updatedAt": now}
                for index in range(OVERSIZED_ENTRIES)
            }
            return [(CHANGE_EVENT, {devid: {"P4": pool}})]
        case "not_json_object":
            return [
                (CHANGE_EVENT, "garbage"),
                (CHANGE_EVENT, 42),
                (CHANGE_EVENT, None),
                (CHANGE_EVENT, [devid, "P4", "v1", 1]),
                (STATUS_EVENT, "offline"),
                (MEMORY_EVENT, "FTTC"),
            ]
        case "unknown_event":
            return [
                ("app:modules:something:new", {devid: {"P4": {"v1": 1}}}),
                (99, {"devid": devid}),
            ]
        case "bad_status":
            return [
                (STATUS_EVENT, {devid: {"connectedAt": "yesterday", "gateway": [1]}}),
                (STATUS_EVENT, {devid: 5}),
                (STATUS_EVENT, {devid: {"connectedAt": None, "gateway": "x"}}),
            ]
        case "bad_memory_event":
            return [
                (MEMORY_EVENT, {}),
                (MEMORY_EVENT, {"devid": 17}),
                (MEMORY_EVENT, {"devid": "NOSUCHDEV1"}),
            ]
    msg = f"unknown malformed kind {kind!r}; one of {MALFORMED_KINDS}"
    raise ValueError(msg)
