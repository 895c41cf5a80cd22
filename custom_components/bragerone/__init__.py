"""The BragerOne integration: Brager boiler controllers in the BragerOne cloud.

The package's `api` subpackage is the BragerOne client, which never imports Home
Assistant and runs on its own (``python -m custom_components.bragerone.api``). Python
imports this file before any subpackage, so it must not import Home Assistant either:
the integration's entry points live in `integration` and are looked up lazily here
(PEP 562) when Home Assistant's loader asks for them.
"""

from __future__ import annotations

from typing import Any

_ENTRY_POINTS = frozenset(
    {
        "CONFIG_SCHEMA",
        "async_setup",
        "async_setup_entry",
        "async_unload_entry",
        "async_migrate_entry",
        "async_remove_config_entry_device",
        "async_remove_entry",
    }
)


def __getattr__(name: str) -> Any:
    """Return an entry point of the integration, importing Home Assistant on first use."""
    if name in _ENTRY_POINTS:
        from . import integration  # noqa: PLC0415 - deliberately lazy, see above

        return getattr(integration, name)
    msg = f"module {__name__!r} has no attribute {name!r}"
    raise AttributeError(msg)
