"""The config flow against the simulator over loopback (issue 5, Contract B)."""

from __future__ import annotations

from typing import Any
from unittest.mock import AsyncMock, patch

from homeassistant.config_entries import SOURCE_USER, ConfigEntryState
from homeassistant.const import CONF_EMAIL, CONF_PASSWORD
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest
from pytest_homeassistant_custom_component.common import (  # type: ignore[import-untyped]
    MockConfigEntry,
)

from custom_components.bragerone.api import BragerOneClient
from custom_components.bragerone.api.catalogue import Catalogue, CatalogueError
from custom_components.bragerone.const import (
    CONF_API_URL,
    CONF_CATALOGUE,
    CONF_CUSTOM_SERVER,
    CONF_LANGUAGE,
    CONF_MODULES,
    CONF_OBJECT_ID,
    CONF_SERVER,
    CONF_WEB_URL,
    DOMAIN,
    SERVER_BRAGERONE,
    SERVER_CUSTOM,
    SERVER_TISCONNECT,
)
from custom_components.bragerone.flow_helpers import (
    STEP_REASONS,
    bundle_language,
    failure_reason,
    login_from_input,
)
from simulator import Simulator, rest as simulator_rest

KOCIOL = "FTTCTBSLCE"
MIX = "MXHTQ7KD2A"


async def _start(hass: HomeAssistant) -> Any:
    return await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )


async def _to_modules(hass: HomeAssistant, login_data: dict[str, Any]) -> Any:
    """Start the flow and log in; return the modules form."""
    result = await _start(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], login_data
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "modules"
    return result


async def _through_progress(hass: HomeAssistant, result: Any) -> Any:
    """Wait for the catalogue build and return the step that follows it."""
    assert result["type"] is FlowResultType.SHOW_PROGRESS
    assert result["progress_action"] == "build"
    await hass.async_block_till_done()
    return await hass.config_entries.flow.async_configure(result["flow_id"])


async def _corrected(
    hass: HomeAssistant, result: Any, login_data: dict[str, Any]
) -> None:
    """From a form showing an error, submit the right login and finish: an entry is made."""
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], login_data
    )
    assert result["step_id"] == "modules"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_MODULES: [KOCIOL]}
    )
    result = await _through_progress(hass, result)
    assert result["type"] is FlowResultType.CREATE_ENTRY


def _schema(result: Any) -> dict[Any, Any]:
    """Return the markers → selectors of a form."""
    schema: dict[Any, Any] = result["data_schema"].schema
    return schema


def _placeholders(result: Any) -> dict[str, str]:
    placeholders: dict[str, str] = result["description_placeholders"]
    return placeholders


def _options(result: Any) -> dict[str, str]:
    """Return value → label of the modules multi-select."""
    selector = result["data_schema"].schema[CONF_MODULES]
    return {o["value"]: o["label"] for o in selector.config["options"]}


def _default(result: Any, key: str) -> Any:
    """Return the default of a form field (``result`` may also be a form section)."""
    schema = result.schema if hasattr(result, "options") else result["data_schema"]
    for marker in schema.schema:
        if marker == key:
            return marker.default()
    raise KeyError(key)


async def test_user_flow_creates_the_entry(
    hass: HomeAssistant,
    simulator: Simulator,
    login_data: dict[str, Any],
    mock_setup_entry: AsyncMock,
) -> None:
    """Log in, keep both modules, build the catalogue: the entry follows Contract B."""
    result = await _start(hass)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], login_data
    )
    assert result["step_id"] == "modules"
    assert result["description_placeholders"] == {"installation": "Dom Kowalskich"}
    assert _options(result) == {
        KOCIOL: "Kocioł · HT DasPell GL 37kW · online",
        MIX: "Obiegi grzewcze · HT MIX-2 · online",
    }
    assert _default(result, CONF_MODULES) == [KOCIOL, MIX]
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_MODULES: [KOCIOL, MIX]}
    )
    assert result["description_placeholders"] == {"modules": "2"}
    result = await _through_progress(hass, result)

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Dom Kowalskich"
    entry = result["result"]
    assert entry.unique_id == f"{SERVER_CUSTOM}_{simulator.object_id}"
    data = dict(result["data"])
    catalogue = Catalogue.from_dict(data.pop(CONF_CATALOGUE))
    assert data == {
        **login_from_input(login_data),
        CONF_OBJECT_ID: simulator.object_id,
        CONF_MODULES: [KOCIOL, MIX],
        CONF_LANGUAGE: "en",
    }
    assert list(catalogue.modules) == [KOCIOL, MIX]
    assert all(module.descriptors for module in catalogue.modules.values())
    assert catalogue.modules[KOCIOL].title == "HT DasPell GL 37kW"
    assert catalogue.fingerprint
    assert {"pl", "en"} <= set(catalogue.languages)
    assert entry.state is ConfigEntryState.LOADED
    assert len(mock_setup_entry.mock_calls) == 1


async def test_polish_home_assistant_gets_polish_labels_and_language(
    hass: HomeAssistant,
    simulator: Simulator,
    login_data: dict[str, Any],
    mock_setup_entry: AsyncMock,
) -> None:
    """HA in Polish: online state in Polish, an offline module says so, entry language pl."""
    hass.config.language = "pl"
    await simulator.set_module_online(MIX, online=False)
    result = await _to_modules(hass, login_data)
    assert _options(result) == {
        KOCIOL: "Kocioł · HT DasPell GL 37kW · w sieci",
        MIX: "Obiegi grzewcze · HT MIX-2 · poza siecią",
    }
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_MODULES: [KOCIOL]}
    )
    result = await _through_progress(hass, result)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][CONF_LANGUAGE] == "pl"
    assert result["data"][CONF_MODULES] == [KOCIOL]
    assert list(result["data"][CONF_CATALOGUE]["modules"]) == [KOCIOL]


async def test_degraded_listing_shows_an_unknown_state(
    hass: HomeAssistant, simulator: Simulator, login_data: dict[str, Any]
) -> None:
    """Rows without ``connectedAt`` are neither online nor offline (PROTOCOL.md §2.5)."""
    simulator.faults.degraded_modules = True
    result = await _to_modules(hass, login_data)
    assert all(
        label.endswith(" · state unknown") for label in _options(result).values()
    )


async def test_at_least_one_module_is_required(
    hass: HomeAssistant, simulator: Simulator, login_data: dict[str, Any]
) -> None:
    """Unticking every module keeps the form with an error on the field."""
    result = await _to_modules(hass, login_data)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_MODULES: []}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "modules"
    assert result["errors"] == {CONF_MODULES: "modules_required"}


async def test_broken_web_app_ends_in_the_failing_step(
    hass: HomeAssistant, simulator: Simulator, login_data: dict[str, Any]
) -> None:
    """A garbled bundle aborts with the reason naming the failing step; no entry."""
    result = await _to_modules(hass, login_data)
    simulator.faults.bundle = "broken"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_MODULES: [KOCIOL, MIX]}
    )
    result = await _through_progress(hass, result)
    assert result["type"] is FlowResultType.ABORT
    # the reason names the step the message starts with (which step the garbled
    # bundle trips first is the catalogue build's business)
    step = result["description_placeholders"]["error"].split(":", 1)[0]
    assert result["reason"] == STEP_REASONS[step]
    assert not hass.config_entries.async_entries(DOMAIN)


async def test_unexpected_error_during_the_build_is_unknown(
    hass: HomeAssistant, simulator: Simulator, login_data: dict[str, Any]
) -> None:
    """An unexpected exception in the build aborts with "unknown" and its message."""
    result = await _to_modules(hass, login_data)
    with patch.object(BragerOneClient, "prime", side_effect=RuntimeError("boom")):
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {CONF_MODULES: [KOCIOL]}
        )
        result = await _through_progress(hass, result)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "unknown"
    assert result["description_placeholders"] == {"error": "boom"}


async def test_custom_urls_wait_in_a_collapsed_section(hass: HomeAssistant) -> None:
    """Every user sees server, e-mail and password; the two URLs are folded away."""
    result = await _start(hass)
    schema = _schema(result)
    assert {str(key) for key in schema} == {
        CONF_SERVER,
        CONF_EMAIL,
        CONF_PASSWORD,
        CONF_CUSTOM_SERVER,
    }
    assert schema[CONF_SERVER].config["options"] == [
        SERVER_BRAGERONE,
        SERVER_TISCONNECT,
        SERVER_CUSTOM,
    ]
    custom = schema[CONF_CUSTOM_SERVER]
    assert custom.options["collapsed"] is True
    assert {str(key) for key in custom.schema.schema} == {CONF_API_URL, CONF_WEB_URL}


async def test_urls_sent_at_the_top_level_are_understood(
    hass: HomeAssistant,
    simulator: Simulator,
    login_data: dict[str, Any],
    mock_setup_entry: AsyncMock,
) -> None:
    """A client that sends the URLs outside the section (older forms) still logs in."""
    flat = login_from_input(login_data)
    result = await _start(hass)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], flat)
    assert result["step_id"] == "modules"
    assert simulator.stats.logins == 1


async def test_wrong_password_is_invalid_auth(
    hass: HomeAssistant,
    simulator: Simulator,
    login_data: dict[str, Any],
    mock_setup_entry: AsyncMock,
) -> None:
    """A refused login shows invalid_auth and keeps the form; the right one goes on."""
    result = await _start(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {**login_data, CONF_PASSWORD: "wrong"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    assert result["errors"] == {"base": "invalid_auth"}
    await _corrected(hass, result, login_data)


async def test_unreachable_cloud_is_cannot_connect(
    hass: HomeAssistant,
    simulator: Simulator,
    login_data: dict[str, Any],
    mock_setup_entry: AsyncMock,
) -> None:
    """A cloud answering 503 shows cannot_connect; the retry then goes on."""
    simulator.faults.fail("auth/user", 503, html=True, times=1)
    result = await _start(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], login_data
    )
    assert result["errors"] == {"base": "cannot_connect"}
    await _corrected(hass, result, login_data)


async def test_unexpected_error_at_login_is_unknown(
    hass: HomeAssistant,
    simulator: Simulator,
    login_data: dict[str, Any],
    mock_setup_entry: AsyncMock,
) -> None:
    """An unexpected exception while logging in shows "unknown" on the form."""
    result = await _start(hass)
    with patch.object(BragerOneClient, "objects", side_effect=RuntimeError("boom")):
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], login_data
        )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "unknown"}
    await _corrected(hass, result, login_data)


async def test_failing_module_listing_is_a_form_error(
    hass: HomeAssistant,
    simulator: Simulator,
    login_data: dict[str, Any],
    mock_setup_entry: AsyncMock,
) -> None:
    """A modules listing answering 503 right after the login shows cannot_connect.

    The form stays, with what the user typed; submitting again goes on to an entry.
    """
    simulator.faults.fail("modules", 503, html=True, times=1)
    result = await _start(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], login_data
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    assert result["errors"] == {"base": "cannot_connect"}
    assert _default(result, CONF_EMAIL) == simulator.email
    await _corrected(hass, result, login_data)


async def test_failing_module_listing_on_the_installation_step(
    hass: HomeAssistant,
    simulator: Simulator,
    login_data: dict[str, Any],
    mock_setup_entry: AsyncMock,
) -> None:
    """With several installations a failed listing is shown on the installation form."""
    simulator.extra_objects.append({"id": 9000, "name": "Domek letniskowy"})
    result = await _start(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], login_data
    )
    simulator.faults.fail("modules", 503, html=True, times=1)
    pick = {CONF_OBJECT_ID: str(simulator.object_id)}
    result = await hass.config_entries.flow.async_configure(result["flow_id"], pick)
    assert result["step_id"] == "installation"
    assert result["errors"] == {"base": "cannot_connect"}
    result = await hass.config_entries.flow.async_configure(result["flow_id"], pick)
    assert result["step_id"] == "modules"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_MODULES: [KOCIOL]}
    )
    result = await _through_progress(hass, result)
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_custom_server_needs_both_urls(
    hass: HomeAssistant,
    simulator: Simulator,
    login_data: dict[str, Any],
    mock_setup_entry: AsyncMock,
) -> None:
    """Choosing the custom server without URLs is refused before any request."""
    result = await _start(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {**login_data, CONF_CUSTOM_SERVER: {CONF_API_URL: simulator.api_url}},
    )
    assert result["errors"] == {"base": "custom_urls_required"}
    assert simulator.stats.logins == 0
    await _corrected(hass, result, login_data)


async def test_account_without_installations(
    hass: HomeAssistant,
    simulator: Simulator,
    login_data: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
    mock_setup_entry: AsyncMock,
) -> None:
    """An objects listing without a usable object shows no_installations."""
    result = await _start(hass)
    with monkeypatch.context() as patched:
        patched.setattr(simulator_rest, "object_row", lambda: {"name": "no id"})
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], login_data
        )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "no_installations"}
    # the installation is shared with the account: the next try finds it
    await _corrected(hass, result, login_data)


async def test_second_flow_for_the_same_installation_aborts(
    hass: HomeAssistant,
    simulator: Simulator,
    login_data: dict[str, Any],
    mock_setup_entry: AsyncMock,
) -> None:
    """The same server and object cannot be added twice (checked before the build)."""
    result = await _to_modules(hass, login_data)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_MODULES: [KOCIOL]}
    )
    result = await _through_progress(hass, result)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    result = await _start(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], login_data
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def test_several_installations_ask_which_one(
    hass: HomeAssistant, simulator: Simulator, login_data: dict[str, Any]
) -> None:
    """An account with two objects gets the installation step; one without modules aborts."""
    simulator.extra_objects.append({"id": 9000, "name": "Domek letniskowy"})
    result = await _start(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], login_data
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "installation"
    options = _schema(result)[CONF_OBJECT_ID].config["options"]
    assert [o["label"] for o in options] == ["Dom Kowalskich", "Domek letniskowy"]
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_OBJECT_ID: "9000"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "no_modules"


async def test_installation_step_leads_to_the_modules(
    hass: HomeAssistant, simulator: Simulator, login_data: dict[str, Any]
) -> None:
    """Picking the installation with modules goes on to the modules step."""
    simulator.extra_objects.append({"id": 9000, "name": "Domek letniskowy"})
    result = await _start(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], login_data
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_OBJECT_ID: str(simulator.object_id)}
    )
    assert result["step_id"] == "modules"
    assert result["description_placeholders"] == {"installation": "Dom Kowalskich"}


# --- reauth and reconfigure ------------------------------------------------------------


def _entry(
    hass: HomeAssistant, login_data: dict[str, Any], **changes: Any
) -> MockConfigEntry:
    """Add an entry for the simulator's installation (catalogue not needed here)."""
    data = {
        **login_from_input(login_data),
        CONF_OBJECT_ID: 4821,
        CONF_MODULES: [KOCIOL, MIX],
        CONF_LANGUAGE: "en",
        CONF_CATALOGUE: {"schema_version": 1, "modules": {}, "languages": []},
        **changes,
    }
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Dom Kowalskich",
        unique_id=f"{data[CONF_SERVER]}_{data[CONF_OBJECT_ID]}",
        data=data,
        version=1,
        minor_version=1,
    )
    entry.add_to_hass(hass)
    return entry


async def test_reauth_with_the_new_password(
    hass: HomeAssistant,
    simulator: Simulator,
    login_data: dict[str, Any],
    mock_setup_entry: AsyncMock,
) -> None:
    """A changed password: the old one is refused, the new one is stored and reloads."""
    entry = _entry(hass, login_data)
    await hass.config_entries.async_setup(entry.entry_id)
    simulator.change_password("nowe-haslo")
    result = await entry.start_reauth_flow(hass)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reauth_confirm"
    assert result["description_placeholders"].items() >= {
        (CONF_EMAIL, simulator.email),
        ("installation", "Dom Kowalskich"),
    }
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PASSWORD: login_data[CONF_PASSWORD]}
    )
    assert result["errors"] == {"base": "invalid_auth"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PASSWORD: "nowe-haslo"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert entry.data[CONF_PASSWORD] == "nowe-haslo"
    assert entry.data[CONF_CATALOGUE]["schema_version"] == 1
    await hass.async_block_till_done()
    assert len(mock_setup_entry.mock_calls) == 2


async def test_reauth_for_an_installation_the_account_lacks(
    hass: HomeAssistant, simulator: Simulator, login_data: dict[str, Any]
) -> None:
    """Reauth with an account that no longer holds the object aborts."""
    entry = _entry(hass, login_data, **{CONF_OBJECT_ID: 777})
    result = await entry.start_reauth_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PASSWORD: login_data[CONF_PASSWORD]}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "wrong_installation"
    assert entry.data[CONF_OBJECT_ID] == 777


async def test_reconfigure_changes_the_account(
    hass: HomeAssistant,
    simulator: Simulator,
    login_data: dict[str, Any],
    mock_setup_entry: AsyncMock,
) -> None:
    """Reconfigure: errors on the form, then new credentials stored, the rest kept."""
    entry = _entry(hass, login_data)
    await hass.config_entries.async_setup(entry.entry_id)
    result = await entry.start_reconfigure_flow(hass)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reconfigure"
    # a custom-server entry shows its URLs in an expanded section
    custom = _schema(result)[CONF_CUSTOM_SERVER]
    assert custom.options["collapsed"] is False
    assert _default(custom, CONF_API_URL) == simulator.api_url
    assert _default(result, CONF_EMAIL) == simulator.email
    simulator.change_password("nowe-haslo")
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], login_data
    )
    assert result["errors"] == {"base": "invalid_auth"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {**login_data, CONF_PASSWORD: "nowe-haslo"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert entry.data == {
        **login_from_input(login_data),
        CONF_PASSWORD: "nowe-haslo",
        CONF_OBJECT_ID: 4821,
        CONF_MODULES: [KOCIOL, MIX],
        CONF_LANGUAGE: "en",
        CONF_CATALOGUE: {"schema_version": 1, "modules": {}, "languages": []},
    }
    await hass.async_block_till_done()
    assert len(mock_setup_entry.mock_calls) == 2


async def test_reconfigure_to_another_server_aborts(
    hass: HomeAssistant, simulator: Simulator, login_data: dict[str, Any]
) -> None:
    """Pointing a BragerOne entry at another server is another installation: abort."""
    entry = _entry(
        hass,
        {
            CONF_SERVER: SERVER_BRAGERONE,
            CONF_EMAIL: simulator.email,
            CONF_PASSWORD: simulator.password,
        },
    )
    result = await entry.start_reconfigure_flow(hass)
    assert _default(result, CONF_SERVER) == SERVER_BRAGERONE
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], login_data
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "wrong_installation"
    assert entry.data[CONF_SERVER] == SERVER_BRAGERONE


# --- helpers ---------------------------------------------------------------------------


def _catalogue(languages: tuple[str, ...], default: str = "pl") -> Catalogue:
    return Catalogue(
        schema_version=1,
        fingerprint="1.0|index-x.js",
        languages=languages,
        default_language=default,
        built_at="2026-01-01T00:00:00+00:00",
    )


@pytest.mark.parametrize(
    ("hass_language", "languages", "expected"),
    [
        ("pl", ("pl", "en"), "pl"),
        ("en-GB", ("pl", "en"), "en"),
        ("de", ("pl", "en"), "en"),
        ("de", ("pl",), "pl"),
        ("de", ("cs",), "cs"),
    ],
)
def test_bundle_language(
    hass_language: str, languages: tuple[str, ...], expected: str
) -> None:
    """HA's language, else English, else Polish, else the bundle's default."""
    assert bundle_language(hass_language, _catalogue(languages, "cs")) == expected


def test_failure_reasons() -> None:
    """Every catalogue step has its own translated reason; an unknown step a generic one."""
    for step, reason in STEP_REASONS.items():
        assert failure_reason(CatalogueError(step, "x")) == reason
    assert failure_reason(CatalogueError("later step", "x")) == "catalogue_failed"


def test_login_from_input_keeps_urls_only_for_the_custom_server() -> None:
    """Empty fields go; URLs typed for BragerOne or TiSConnect are not stored."""
    form = {
        CONF_SERVER: SERVER_BRAGERONE,
        CONF_EMAIL: "a@b.pl",
        CONF_PASSWORD: "x",
        CONF_API_URL: "http://127.0.0.1:1",
        CONF_WEB_URL: "",
    }
    assert login_from_input(form) == {
        CONF_SERVER: SERVER_BRAGERONE,
        CONF_EMAIL: "a@b.pl",
        CONF_PASSWORD: "x",
    }
    custom = {**form, CONF_SERVER: SERVER_CUSTOM}
    assert login_from_input(custom) == {
        CONF_SERVER: SERVER_CUSTOM,
        CONF_EMAIL: "a@b.pl",
        CONF_PASSWORD: "x",
        CONF_API_URL: "http://127.0.0.1:1",
    }
