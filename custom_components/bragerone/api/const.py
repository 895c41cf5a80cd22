"""Constants of the BragerOne client: servers, protocol names and default timings.

Every timing here is only a default: the client, the realtime client and the gateway take
them as constructor parameters (tests make them short).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Final

from .models import Server

# --- Servers (PROTOCOL.md §1.1) -------------------------------------------------------

BRAGERONE: Final = Server(
    platform="bragerone",
    api_base="https://io.brager.pl",
    web_base="https://one.brager.pl",
    container="BragerOne",
)
"""The BragerOne cloud (default)."""

TISCONNECT: Final = Server(
    platform="tisconnect",
    api_base="https://io.tisconnect.info",
    web_base="https://www.tisconnect.info",
    container="TisConnect",
)
"""The TiSConnect twin of BragerOne: same paths and payloads, other hosts."""

SERVERS: Final[dict[str, Server]] = {
    BRAGERONE.platform: BRAGERONE,
    TISCONNECT.platform: TISCONNECT,
}
"""Known servers by platform id."""

# --- Client identity (PROTOCOL.md §1.2, §1.3) -----------------------------------------

APP_VERSION: Final = "1.1.78"
"""Web-app version string sent as ``x-appversion`` in the Socket.IO handshake."""

ACCEPT_LANGUAGE: Final = "pl-PL,pl;q=0.9"
"""``Accept-Language`` of the Socket.IO handshake, as the web app sends it."""

# --- Realtime (PROTOCOL.md §3) ---------------------------------------------------------

WS_NAMESPACE: Final = "/ws"
SOCKETIO_PATH: Final = "socket.io"

EVENT_PARAMETERS_CHANGE: Final = "app:modules:parameters:change"
EVENT_PARAMETERS_CHANGE_ALIASES: Final = frozenset(
    {
        EVENT_PARAMETERS_CHANGE,
        "modules:parameters:change",
        "parameters:change",
        "snapshot",
    }
)
EVENT_MODULE_STATUS: Final = "app:module:connection:status:changed"
EVENT_MODULE_MEMORY_UPDATED: Final = "22"
EVENT_TASKS: Final = frozenset(
    {
        "app:module:task:created",
        "app:module:task:status:changed",
        "app:module:task:completed",
        "60",
        "61",
        "63",
    }
)
EVENT_LISTEN_PARAMETERS: Final = "app:modules:parameters:listen"
EVENT_LISTEN_ACTIVITY: Final = "app:modules:activity:quantity:listen"
EVENT_LISTEN_ALARMS: Final = "app:modules:alarms:quantity:listen"
"""Listen for alarm counts (§3.4a), emitted like the others on every (re)connect."""
EVENT_ALARMS_QUANTITY: Final = "app:modules:alarms:quantity:change"
EVENT_ACTIVITY_QUANTITY: Final = "app:modules:activity:quantity:change"
EVENT_ALARMS_CHANGED: Final = frozenset(
    {"app:module:alarms:change", "app:module:alarms:received"}
)
"""Pushes without rows that ask for the alarm lists to be read again (§3.4a)."""

# --- Default timings (seconds) ---------------------------------------------------------

REQUEST_TIMEOUT: Final = 8.0
"""Time limit of one REST call (PROTOCOL.md §1.2)."""

TOKEN_LEEWAY: Final = 90.0
"""A token is treated as expired this long before its ``expiresAt`` (§2.3)."""

LOGIN_DUP_BACKOFF: Final = (0.2, 0.4, 0.8)
"""Delays between login retries after a 500 ``ER_DUP_ENTRY`` (§2.3)."""

LOGIN_DUP_JITTER: Final = 0.15
"""Up to this much random delay is added to each ``ER_DUP_ENTRY`` back-off step."""

CONNECT_TIMEOUT: Final = 20.0
"""Time limit of one Socket.IO connect attempt, token included (§3.1, §3.6)."""

DISCONNECT_TIMEOUT: Final = 5.0
"""Time limit of a socket teardown; a hung teardown abandons the client object (§3.6)."""

BIND_GRACE: Final = 0.1
"""Pause between the namespace ``connect`` and the binding call (§3.1 step 2)."""

RECONNECT_BACKOFF_INITIAL: Final = 1.0
RECONNECT_BACKOFF_MAX: Final = 300.0

SUPERVISOR_INTERVAL: Final = 15.0
"""How often the gateway checks that the socket still claims to be up (§3.5)."""

SILENCE_TIMEOUT: Final = 180.0
"""No parameter event for this long while a module is online re-primes (§3.6)."""

ZOMBIE_STALE_PRIMES: Final = 2
"""This many consecutive silence re-primes that found missed changes force a new socket."""

SETTLE_DELAY: Final = 2.0
"""Seconds after a (re)connect's prime before a second, settling prime (§3.1 ordering caveat).

Listening is a socket emit and the prime a REST call: the server may answer the prime
before it handles the listen, and a change in between would never be pushed. The
settling prime picks such a change up; values pushed meanwhile are never overwritten
(DESIGN.md decision 4)."""

WRITE_PACING: Final = 1.0
"""Least seconds between two writes to one module."""

WRITE_CONFIRM_TIMEOUT: Final = 30.0
"""Seconds a write waits for its pushed echo by default (DESIGN.md decision 10)."""

MODULES_POLL_INTERVAL: Final = 60.0
"""Interval of the slow modules-listing poll that refreshes module online state (§3.1)."""


@dataclass(frozen=True, kw_only=True)
class RuntimeTimings:
    """Time limits and intervals (seconds) of a client and its gateway.

    The defaults are the constants above; see `Gateway` for what each one bounds.
    `request_timeout` limits each REST call (`BragerOneClient.request_timeout`),
    `write_timeout` how long a write waits for its echo (`Writer.send`).
    """

    request_timeout: float = REQUEST_TIMEOUT
    connect_timeout: float = CONNECT_TIMEOUT
    disconnect_timeout: float = DISCONNECT_TIMEOUT
    backoff_initial: float = RECONNECT_BACKOFF_INITIAL
    backoff_max: float = RECONNECT_BACKOFF_MAX
    supervisor_interval: float = SUPERVISOR_INTERVAL
    silence_timeout: float = SILENCE_TIMEOUT
    poll_interval: float = MODULES_POLL_INTERVAL
    settle_delay: float | None = SETTLE_DELAY
    write_pacing: float = WRITE_PACING
    write_timeout: float = WRITE_CONFIRM_TIMEOUT

    def gateway_options(self) -> dict[str, Any]:
        """Return the `Gateway` keyword arguments (all but the two request limits)."""
        options = asdict(self)
        options.pop("request_timeout")
        options.pop("write_timeout")
        return options
