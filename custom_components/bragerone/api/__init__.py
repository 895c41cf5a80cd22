"""BragerOne cloud client: REST, Socket.IO realtime, gateway and parameter store.

This package never imports Home Assistant; it could be published on PyPI unchanged.
Protocol facts are in PROTOCOL.md (§1 to §3, §5.7, §5.8, §7).
"""

from __future__ import annotations

from .client import BragerOneClient
from .const import BRAGERONE, SERVERS, TISCONNECT
from .exceptions import (
    ApiError,
    AuthenticationError,
    BragerOneConnectionError,
    BragerOneError,
    BragerOneTimeoutError,
    InvalidResponseError,
)
from .gateway import Gateway, GatewayStats
from .models import (
    AuthToken,
    BragerObject,
    Module,
    ModuleGateway,
    ModuleStatus,
    ParamKey,
    ParamUpdate,
    Server,
    Snapshot,
    SystemVersion,
    User,
    parse_address,
)
from .realtime import RealtimeClient, RealtimeHandler
from .store import ParamState, ParamStore

__all__ = [
    "BRAGERONE",
    "SERVERS",
    "TISCONNECT",
    "ApiError",
    "AuthToken",
    "AuthenticationError",
    "BragerObject",
    "BragerOneClient",
    "BragerOneConnectionError",
    "BragerOneError",
    "BragerOneTimeoutError",
    "Gateway",
    "GatewayStats",
    "InvalidResponseError",
    "Module",
    "ModuleGateway",
    "ModuleStatus",
    "ParamKey",
    "ParamState",
    "ParamStore",
    "ParamUpdate",
    "RealtimeClient",
    "RealtimeHandler",
    "Server",
    "Snapshot",
    "SystemVersion",
    "User",
    "parse_address",
]
