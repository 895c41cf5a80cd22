"""The log-cleanliness rule of the suite: no deprecated Home Assistant API from us.

Home Assistant reports a custom integration's use of a deprecated API through its frame
helper ("Detected that custom integration 'bragerone' ...", logged, in tests sometimes
raised) and through deprecation log records. ``tests/conftest.py`` collects such records
during every test, on both Home Assistant legs, and fails the test that caused one.
"""

from __future__ import annotations

import logging

from custom_components.bragerone.const import DOMAIN

DETECTED = f"Detected that custom integration '{DOMAIN}'"


def is_deprecation_about_us(record: logging.LogRecord) -> bool:
    """Return True for a WARNING+ record that reports our use of a deprecated API."""
    if record.levelno < logging.WARNING:
        return False
    message = record.getMessage()
    if DETECTED in message:
        return True
    ours = record.name.startswith(f"custom_components.{DOMAIN}") or DOMAIN in message
    return ours and "deprecat" in message.lower()


class DeprecationCollector(logging.Handler):
    """A root-logger handler that keeps the text of every matching record (only that)."""

    def __init__(self) -> None:
        """Collect from WARNING up."""
        super().__init__(logging.WARNING)
        self.found: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        """Keep the formatted message of a record about our deprecated API use."""
        if is_deprecation_about_us(record):
            self.found.append(f"{record.name}: {record.getMessage()}")
