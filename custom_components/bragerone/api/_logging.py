"""Logging helpers: log a recurring problem once, never dump whole bodies."""

from __future__ import annotations

import logging
from typing import Any

LOGGER = logging.getLogger(__package__)

_MAX_REMEMBERED = 512
_seen: set[str] = set()


def log_once(key: str, level: int, msg: str, *args: Any) -> None:
    """Log `msg` the first time `key` is seen, and stay quiet for it afterwards.

    The memory is bounded (at most 512 keys); when full it is cleared, so a problem that
    keeps happening is reported again now and then instead of never.
    """
    if key in _seen:
        return
    if len(_seen) >= _MAX_REMEMBERED:
        _seen.clear()
    _seen.add(key)
    LOGGER.log(level, msg, *args)


def shorten(text: str, limit: int = 120) -> str:
    """Return `text` cut to `limit` characters on one line (for error bodies in logs)."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def reset_log_once() -> None:
    """Forget which problems were logged (tests; a new session may want fresh reports)."""
    _seen.clear()
