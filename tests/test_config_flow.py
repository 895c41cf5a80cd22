"""The config flow against the simulator over loopback."""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import SOURCE_USER
from homeassistant.const import CONF_EMAIL, CONF_PASSWORD
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType

from custom_components.bragerone.const import (
    CONF_API_URL,
    CONF_OBJECT_ID,
    CONF_SERVER,
    CONF_WEB_URL,
    DOMAIN,
    SERVER_CUSTOM,
)
from simulator import Simulator


async def _start(hass: HomeAssistant, *, advanced: bool = True) -> Any:
    return await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER, "show_advanced_options": advanced}
    )


async def test_user_flow_creates_the_entry(
    hass: HomeAssistant, simulator: Simulator, login_data: dict[str, Any]
) -> None:
    """Logging in with one installation creates the entry named after it."""
    result = await _start(hass)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    assert {str(key) for key in result["data_schema"].schema} >= {
        CONF_API_URL,
        CONF_WEB_URL,
    }
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], login_data
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Dom Kowalskich"
    assert result["data"] == {**login_data, CONF_OBJECT_ID: simulator.object_id}
    assert result["result"].unique_id == f"{SERVER_CUSTOM}_{simulator.object_id}"


async def test_custom_server_only_in_advanced_mode(hass: HomeAssistant) -> None:
    """Without advanced mode the form has no URL fields and no custom server."""
    result = await _start(hass, advanced=False)
    keys = {str(key) for key in result["data_schema"].schema}
    assert keys == {CONF_SERVER, CONF_EMAIL, CONF_PASSWORD}


async def test_wrong_password_is_invalid_auth(
    hass: HomeAssistant, simulator: Simulator, login_data: dict[str, Any]
) -> None:
    """A refused login shows invalid_auth and keeps the form."""
    result = await _start(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {**login_data, CONF_PASSWORD: "wrong"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "invalid_auth"}


async def test_unreachable_cloud_is_cannot_connect(
    hass: HomeAssistant, simulator: Simulator, login_data: dict[str, Any]
) -> None:
    """A cloud answering 503 shows cannot_connect; the retry then succeeds."""
    simulator.faults.fail("auth/user", 503, html=True, times=1)
    result = await _start(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], login_data
    )
    assert result["errors"] == {"base": "cannot_connect"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], login_data
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_custom_server_needs_both_urls(
    hass: HomeAssistant, simulator: Simulator, login_data: dict[str, Any]
) -> None:
    """Choosing the custom server without URLs is refused before any request."""
    result = await _start(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {**login_data, CONF_WEB_URL: ""}
    )
    assert result["errors"] == {"base": "custom_urls_required"}
    assert simulator.stats.logins == 0


async def test_second_flow_for_the_same_installation_aborts(
    hass: HomeAssistant, simulator: Simulator, login_data: dict[str, Any]
) -> None:
    """The same server and object cannot be added twice."""
    for expected in (FlowResultType.CREATE_ENTRY, FlowResultType.ABORT):
        result = await _start(hass)
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], login_data
        )
        assert result["type"] is expected
    assert result["reason"] == "already_configured"


async def test_several_installations_ask_which_one(
    hass: HomeAssistant, simulator: Simulator, login_data: dict[str, Any]
) -> None:
    """An account with two objects gets the installation step."""
    simulator.extra_objects.append({"id": 9000, "name": "Domek letniskowy"})
    result = await _start(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], login_data
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "installation"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_OBJECT_ID: "9000"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Domek letniskowy"
