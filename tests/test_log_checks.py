"""The suite's deprecation guard catches what Home Assistant reports, and nothing else."""

from __future__ import annotations

import logging

from homeassistant.core import HomeAssistant
from homeassistant.helpers.frame import ReportBehavior, report_usage
from homeassistant.loader import async_get_integration
import pytest

from custom_components.bragerone.const import DOMAIN

from .log_checks import DeprecationCollector, is_deprecation_about_us


def _record(name: str, level: int, message: str) -> logging.LogRecord:
    return logging.LogRecord(name, level, __file__, 1, message, None, None)


@pytest.mark.parametrize(
    ("name", "level", "message", "expected"),
    [
        (
            "homeassistant.helpers.frame",
            logging.WARNING,
            "Detected that custom integration 'bragerone' calls `x`, which is deprecated",
            True,
        ),
        (
            "homeassistant.helpers.device_registry",
            logging.WARNING,
            "bragerone uses a deprecated argument via_device",
            True,
        ),
        (
            "custom_components.bragerone.coordinator",
            logging.ERROR,
            "Deprecated option in the stored entry",
            True,
        ),
        (
            "homeassistant.helpers.frame",
            logging.WARNING,
            "Detected that custom integration 'other' calls `x`, which is deprecated",
            False,
        ),
        (
            "custom_components.bragerone.coordinator",
            logging.WARNING,
            "Connection to the BragerOne cloud lost; retrying",
            False,
        ),
        (
            "custom_components.bragerone",
            logging.INFO,
            "deprecated but only at INFO",
            False,
        ),
    ],
)
def test_deprecation_records_are_recognised(
    name: str, level: int, message: str, *, expected: bool
) -> None:
    assert is_deprecation_about_us(_record(name, level, message)) is expected


async def test_home_assistants_own_report_is_collected(
    hass: HomeAssistant, deprecation_collector: DeprecationCollector
) -> None:
    """A real report_usage naming the integration reaches the suite's collector."""
    await async_get_integration(hass, DOMAIN)
    report_usage(
        "uses a deprecated test API",
        core_behavior=ReportBehavior.LOG,
        integration_domain=DOMAIN,
    )
    assert len(deprecation_collector.found) == 1
    assert (
        "Detected that custom integration 'bragerone'" in deprecation_collector.found[0]
    )
    deprecation_collector.found.clear()
