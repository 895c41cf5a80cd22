"""Repair issues: an unusable stored catalogue, and modules the entry does not follow.

Each issue is followed the way a user would: it appears in the issue registry with its
translated placeholders, the step it names (an options flow) is taken, and the issue is
gone once the entry is set up again.
"""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import issue_registry as ir
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.bragerone.const import CONF_MODULES, DOMAIN
from simulator import Simulator
from simulator.modules import OBJECT_NAME

from .integration_fixtures import BOILER, MIXER, catalogue_data, make_entry, wait_for


def _issue(
    hass: HomeAssistant, kind: str, entry: MockConfigEntry
) -> ir.IssueEntry | None:
    return ir.async_get(hass).async_get_issue(DOMAIN, f"{kind}_{entry.entry_id}")


async def _boiler_only(hass: HomeAssistant, simulator: Simulator) -> MockConfigEntry:
    """Set up an entry that follows the boiler but not the mixer of the installation."""
    entry = make_entry(simulator, await catalogue_data(simulator), [BOILER])
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


async def _options(hass: HomeAssistant, entry: MockConfigEntry, option: str) -> Any:
    """Open the options, pick `option`, and return the step after the catalogue build."""
    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": option}
    )
    if option == "modules":
        result = await hass.config_entries.options.async_configure(
            result["flow_id"], {CONF_MODULES: [BOILER, MIXER]}
        )
    assert result["type"] is FlowResultType.SHOW_PROGRESS
    await hass.async_block_till_done()
    return await hass.config_entries.options.async_configure(result["flow_id"])


async def _reloaded(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Wait until the reload an options flow scheduled has set the entry up again."""
    await hass.async_block_till_done()
    await wait_for(lambda: entry.state is ConfigEntryState.LOADED)


async def test_unusable_catalogue_raises_an_issue_that_the_refresh_fixes(
    hass: HomeAssistant, simulator: Simulator, fast_writes: None
) -> None:
    """The issue names the installation and the error; the options refresh fixes it."""
    catalogue = await catalogue_data(simulator)
    catalogue["schema_version"] = 999
    entry = make_entry(simulator, catalogue)
    entry.add_to_hass(hass)
    assert not await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.SETUP_ERROR
    issue = _issue(hass, "catalogue_invalid", entry)
    assert issue is not None
    assert issue.severity is ir.IssueSeverity.ERROR
    assert issue.translation_placeholders is not None
    assert issue.translation_placeholders["installation"] == OBJECT_NAME
    assert "999" in issue.translation_placeholders["error"]

    result = await _options(hass, entry, "refresh")
    assert result["step_id"] == "refresh_confirm"
    result = await hass.config_entries.options.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await _reloaded(hass, entry)
    assert _issue(hass, "catalogue_invalid", entry) is None
    assert await hass.config_entries.async_unload(entry.entry_id)


async def test_module_not_followed_raises_an_issue_until_it_is_added(
    hass: HomeAssistant, simulator: Simulator, fast_writes: None
) -> None:
    """A module of the installation left out of the entry is named in an issue."""
    entry = await _boiler_only(hass, simulator)
    issue = _issue(hass, "new_modules", entry)
    assert issue is not None
    assert issue.severity is ir.IssueSeverity.WARNING
    assert issue.translation_placeholders == {
        "installation": OBJECT_NAME,
        "modules": "Obiegi grzewcze (HT MIX-2)",
    }

    result = await _options(hass, entry, "modules")
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await _reloaded(hass, entry)
    assert entry.data[CONF_MODULES] == [BOILER, MIXER]
    assert _issue(hass, "new_modules", entry) is None
    assert await hass.config_entries.async_unload(entry.entry_id)


async def test_removing_the_entry_removes_its_issues(
    hass: HomeAssistant, simulator: Simulator, fast_writes: None
) -> None:
    """No issue outlives its entry."""
    entry = await _boiler_only(hass, simulator)
    assert _issue(hass, "new_modules", entry) is not None
    assert await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()
    assert _issue(hass, "new_modules", entry) is None
