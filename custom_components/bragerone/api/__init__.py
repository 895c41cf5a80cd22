"""BragerOne cloud client: REST, Socket.IO realtime, gateway, parameter store and catalogue.

This package never imports Home Assistant; it could be published on PyPI unchanged.
Protocol facts are in PROTOCOL.md (§1 to §3, §5.7, §5.8, §7); the catalogue build
(web-app assets → entity descriptors) follows §4 and §5.
"""

from __future__ import annotations

from .catalogue import (
    Catalogue,
    CatalogueError,
    ModuleCatalogue,
    build_catalogue,
    build_catalogue_from,
    compare_catalogues,
)
from .client import BragerOneClient
from .const import BRAGERONE, SERVERS, TISCONNECT
from .descriptor import (
    SCHEMA_VERSION,
    DescriptorValueError,
    EntityDescriptor,
    Option,
    command_for,
    display_value,
    live_limits,
    pick_label,
    raw_from_display,
)
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
from .resolver import (
    Comparison,
    ResolveError,
    ResolveResult,
    Skipped,
    compare,
    resolve_module,
)
from .store import ParamState, ParamStore

__all__ = [
    "BRAGERONE",
    "SCHEMA_VERSION",
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
    "Catalogue",
    "CatalogueError",
    "Comparison",
    "DescriptorValueError",
    "EntityDescriptor",
    "Gateway",
    "GatewayStats",
    "InvalidResponseError",
    "Module",
    "ModuleCatalogue",
    "ModuleGateway",
    "ModuleStatus",
    "Option",
    "ParamKey",
    "ParamState",
    "ParamStore",
    "ParamUpdate",
    "RealtimeClient",
    "RealtimeHandler",
    "ResolveError",
    "ResolveResult",
    "Server",
    "Skipped",
    "Snapshot",
    "SystemVersion",
    "User",
    "build_catalogue",
    "build_catalogue_from",
    "command_for",
    "compare",
    "compare_catalogues",
    "display_value",
    "live_limits",
    "parse_address",
    "pick_label",
    "raw_from_display",
    "resolve_module",
]
