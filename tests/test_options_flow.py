"""The options flow against the simulator: modules, and the refresh with its preview."""

from __future__ import annotations

import copy
from typing import Any
from unittest.mock import AsyncMock

from homeassistant.config_entries import SOURCE_USER, ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest

from custom_components.bragerone.api.catalogue import PREVIEW_NAMES, Catalogue
from custom_components.bragerone.api.descriptor import EntityDescriptor, pick_label
from custom_components.bragerone.config_flow import CONF_CONFIRM_LOSS
from custom_components.bragerone.const import (
    CONF_CATALOGUE,
    CONF_LANGUAGE,
    CONF_MODULES,
    DOMAIN,
)
from custom_components.bragerone.flow_helpers import STEP_REASONS
from simulator import Simulator

KOCIOL = "FTTCTBSLCE"
MIX = "MXHTQ7KD2A"


@pytest.fixture
async def entry(
    hass: HomeAssistant,
    simulator: Simulator,
    login_data: dict[str, Any],
    mock_setup_entry: AsyncMock,
) -> ConfigEntry:
    """Add the simulator's installation with both modules through the config flow."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], login_data
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_MODULES: [KOCIOL, MIX]}
    )
    assert result["type"] is FlowResultType.SHOW_PROGRESS
    await hass.async_block_till_done()
    result = await hass.config_entries.flow.async_configure(result["flow_id"])
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    created: ConfigEntry = result["result"]
    return created


async def _through_progress(hass: HomeAssistant, result: Any) -> Any:
    """Wait for the catalogue build and return the step that follows it."""
    assert result["type"] is FlowResultType.SHOW_PROGRESS
    assert result["progress_action"] == "build"
    await hass.async_block_till_done()
    return await hass.config_entries.options.async_configure(result["flow_id"])


async def _choose(hass: HomeAssistant, entry: ConfigEntry, option: str) -> Any:
    """Open the options and pick one menu entry."""
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["type"] is FlowResultType.MENU
    assert result["menu_options"] == ["modules", "refresh"]
    return await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": option}
    )


def _stored(entry: ConfigEntry) -> Catalogue:
    return Catalogue.from_dict(entry.data[CONF_CATALOGUE])


def _store(hass: HomeAssistant, entry: ConfigEntry, catalogue: dict[str, Any]) -> None:
    hass.config_entries.async_update_entry(
        entry, data={**entry.data, CONF_CATALOGUE: catalogue}
    )


def _ghosts(devid: str, count: int) -> list[dict[str, Any]]:
    """Descriptors of entities the web app no longer has (what a refresh would lose)."""
    return [
        EntityDescriptor(
            unique_id=f"{devid}_P4_v9{n:02d}",
            devid=devid,
            token=f"PARAM_GHOST_{n}",
            platform="sensor",
            address=f"P4.v9{n:02d}",
            label={"en": f"Ghost {n}", "pl": f"Duch {n}"},
        ).to_dict()
        for n in range(count)
    ]


async def test_module_subset_rebuilds_the_catalogue(
    hass: HomeAssistant, entry: ConfigEntry, mock_setup_entry: AsyncMock
) -> None:
    """Dropping a module rebuilds the catalogue for the rest and reloads the entry."""
    result = await _choose(hass, entry, "modules")
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "modules"
    assert result["description_placeholders"] == {"installation": "Dom Kowalskich"}
    selector = result["data_schema"].schema[CONF_MODULES]
    assert [o["label"] for o in selector.config["options"]] == [
        "Kocioł · HT DasPell GL 37kW · online",
        "Obiegi grzewcze · HT MIX-2 · online",
    ]
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_MODULES: [MIX]}
    )
    assert result["description_placeholders"] == {"modules": "1"}
    result = await _through_progress(hass, result)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert entry.data[CONF_MODULES] == [MIX]
    assert list(_stored(entry).modules) == [MIX]
    assert _stored(entry).modules[MIX].descriptors
    assert len(mock_setup_entry.mock_calls) == 2


async def test_unchanged_modules_change_nothing(
    hass: HomeAssistant, entry: ConfigEntry, mock_setup_entry: AsyncMock
) -> None:
    """Submitting the same modules ends at once: no build, no reload."""
    before = copy.deepcopy(dict(entry.data))
    result = await _choose(hass, entry, "modules")
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_MODULES: [MIX, KOCIOL]}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert dict(entry.data) == before
    assert len(mock_setup_entry.mock_calls) == 1


async def test_no_module_is_refused(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """At least one module must stay ticked."""
    result = await _choose(hass, entry, "modules")
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_MODULES: []}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_MODULES: "modules_required"}


async def test_module_listing_failure_aborts(
    hass: HomeAssistant, entry: ConfigEntry, simulator: Simulator
) -> None:
    """A cloud answering 503 to the listing ends the options with cannot_connect."""
    simulator.faults.fail("modules", 503, html=True)
    result = await _choose(hass, entry, "modules")
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "cannot_connect"
    assert result["description_placeholders"]["error"]


async def test_refresh_with_nothing_new(
    hass: HomeAssistant, entry: ConfigEntry, mock_setup_entry: AsyncMock
) -> None:
    """The same bundle rebuilt: the preview says nothing is added or lost; confirm applies."""
    stored = _stored(entry)
    total = len(stored.descriptors())
    result = await _choose(hass, entry, "refresh")
    result = await _through_progress(hass, result)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "refresh_confirm"
    assert result["description_placeholders"] == {
        "changes": "**Kocioł** (HT DasPell GL 37kW): +0 -0\n"
        "**Obiegi grzewcze** (HT MIX-2): +0 -0",
        "added": "0",
        "lost": "0",
        "stored": str(total),
    }
    result = await hass.config_entries.options.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert _stored(entry).descriptors() == stored.descriptors()
    assert len(mock_setup_entry.mock_calls) == 2


async def test_refresh_preview_names_what_is_added_and_lost(
    hass: HomeAssistant, entry: ConfigEntry, mock_setup_entry: AsyncMock
) -> None:
    """Entities missing from the stored catalogue are added, stale ones lost, by name."""
    hass.config.language = "pl"
    catalogue = copy.deepcopy(entry.data[CONF_CATALOGUE])
    kociol = catalogue["modules"][KOCIOL]
    missing = [EntityDescriptor.from_dict(d) for d in kociol["descriptors"][:2]]
    kociol["descriptors"] = kociol["descriptors"][2:] + _ghosts(KOCIOL, 3)
    _store(hass, entry, catalogue)
    stored = len(_stored(entry).descriptors())

    result = await _choose(hass, entry, "refresh")
    result = await _through_progress(hass, result)
    assert result["step_id"] == "refresh_confirm"
    placeholders = result["description_placeholders"]
    assert placeholders["added"] == "2"
    assert placeholders["lost"] == "3"
    assert placeholders["stored"] == str(stored)
    lines = placeholders["changes"].splitlines()
    assert lines[0] == "**Kocioł** (HT DasPell GL 37kW): +2 -3"
    # by unique id, named in the entry's language (en) whatever HA's language is now
    names = [
        pick_label(d.label, "en") for d in sorted(missing, key=lambda d: d.unique_id)
    ]
    assert lines[1] == "  + " + ", ".join(str(name) for name in names)
    assert lines[2] == "  - Ghost 0, Ghost 1, Ghost 2"
    assert lines[3] == "**Obiegi grzewcze** (HT MIX-2): +0 -0"

    result = await hass.config_entries.options.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    uids = {d.unique_id for d in _stored(entry).descriptors()}
    assert {d.unique_id for d in missing} <= uids
    assert not any("_P4_v9" in uid for uid in uids)
    assert entry.data[CONF_LANGUAGE] == "pl"


async def test_refresh_losing_most_entities_needs_a_tick(
    hass: HomeAssistant, entry: ConfigEntry, mock_setup_entry: AsyncMock
) -> None:
    """Losing more than half of the stored entities is a warning that must be confirmed."""
    catalogue = copy.deepcopy(entry.data[CONF_CATALOGUE])
    real = len(_stored(entry).descriptors())
    catalogue["modules"][MIX]["descriptors"] += _ghosts(MIX, real + 1)
    _store(hass, entry, catalogue)

    result = await _choose(hass, entry, "refresh")
    result = await _through_progress(hass, result)
    assert result["step_id"] == "refresh_warning"
    assert result["description_placeholders"]["lost"] == str(real + 1)
    assert (
        f"… (+{real + 1 - PREVIEW_NAMES})"
        in result["description_placeholders"]["changes"]
    )
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_CONFIRM_LOSS: False}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_CONFIRM_LOSS: "confirm_loss_required"}
    assert len(_stored(entry).descriptors()) == 2 * real + 1
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_CONFIRM_LOSS: True}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert len(_stored(entry).descriptors()) == real
    await hass.async_block_till_done()
    assert len(mock_setup_entry.mock_calls) == 2


async def test_refresh_failure_keeps_the_stored_descriptors(
    hass: HomeAssistant,
    entry: ConfigEntry,
    simulator: Simulator,
    mock_setup_entry: AsyncMock,
) -> None:
    """A web app serving empty files: abort naming the step; the entry stays as it was."""
    before = copy.deepcopy(dict(entry.data))
    simulator.faults.bundle = "empty"
    result = await _choose(hass, entry, "refresh")
    result = await _through_progress(hass, result)
    assert result["type"] is FlowResultType.ABORT
    step = result["description_placeholders"]["error"].split(":", 1)[0]
    assert result["reason"] == STEP_REASONS[step]
    await hass.async_block_till_done()
    assert dict(entry.data) == before
    assert len(mock_setup_entry.mock_calls) == 1


async def test_refresh_over_an_unreadable_catalogue(
    hass: HomeAssistant, entry: ConfigEntry, caplog: pytest.LogCaptureFixture
) -> None:
    """A stored catalogue that cannot be read counts as empty: everything is added."""
    total = len(_stored(entry).descriptors())
    _store(hass, entry, {"schema_version": 99})
    result = await _choose(hass, entry, "refresh")
    result = await _through_progress(hass, result)
    assert result["step_id"] == "refresh_confirm"
    assert result["description_placeholders"]["added"] == str(total)
    assert result["description_placeholders"]["stored"] == "0"
    assert "stored catalogue is unreadable" in caplog.text
