"""i18n packs at their edges (PROTOCOL.md §4.8, §4.10), read from the simulator's web host."""

from __future__ import annotations

import logging

import aiohttp
import pytest

from custom_components.bragerone.api.assets.discovery import AssetFetcher, discover
from custom_components.bragerone.api.assets.i18n import I18n, lookup
from simulator import Simulator


async def test_languages_and_single_language_lookups(
    sim: Simulator, session: aiohttp.ClientSession
) -> None:
    fetcher = AssetFetcher(session, sim.web_url)
    i18n = I18n(fetcher, await discover(fetcher))
    assert set(i18n.languages) == {"pl", "en"}
    assert await i18n.translate_in("MAINMENU_TESTY", "en") == "Output and input tests"
    # translate_in never falls back to another language
    assert await i18n.translate_in("parameters.NO_SUCH_TOKEN", "en") is None
    assert await i18n.translate_in("MAINMENU_TESTY", "de") is None


async def test_packs_emptied_by_a_new_deploy_are_absent_and_logged(
    sim: Simulator, session: aiohttp.ClientSession, caplog: pytest.LogCaptureFixture
) -> None:
    fetcher = AssetFetcher(session, sim.web_url)
    i18n = I18n(fetcher, await discover(fetcher))
    sim.faults.bundle = "empty"  # the chunks are served, but empty
    with caplog.at_level(logging.WARNING, "custom_components.bragerone.api.assets"):
        assert await i18n.translate("MAINMENU_TESTY", "en") is None
    assert "i18n pack en/mainmenu_testy is unusable" in caplog.text
    assert "no object or string" in caplog.text


def test_a_label_has_no_deeper_path() -> None:
    assert lookup({"a": "label"}, "a.b") is None
    assert lookup({"a": ["label"]}, "a.0") is None
    assert lookup({"a": {"b": 2}}, "a.b.c") is None
