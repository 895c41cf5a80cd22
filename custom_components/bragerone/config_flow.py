"""Config flow for BragerOne: log in, then pick the installation (object)."""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import ConfigFlow, ConfigFlowResult
from homeassistant.const import CONF_EMAIL, CONF_PASSWORD
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.selector import (
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
import voluptuous as vol

from .api import AuthenticationError, BragerObject, BragerOneClient, BragerOneError
from .const import (
    CONF_API_URL,
    CONF_OBJECT_ID,
    CONF_SERVER,
    CONF_WEB_URL,
    DOMAIN,
    LOGGER,
    SERVER_BRAGERONE,
    SERVER_CUSTOM,
    SERVER_TISCONNECT,
)
from .integration import server_from_data


def _user_schema(advanced: bool, defaults: dict[str, Any]) -> vol.Schema:  # noqa: FBT001
    """Return the login form; advanced mode adds the custom server and its two URLs."""
    servers = [SERVER_BRAGERONE, SERVER_TISCONNECT]
    if advanced:
        servers.append(SERVER_CUSTOM)
    fields: dict[Any, Any] = {
        vol.Required(
            CONF_SERVER, default=defaults.get(CONF_SERVER, SERVER_BRAGERONE)
        ): SelectSelector(
            SelectSelectorConfig(
                options=servers,
                translation_key=CONF_SERVER,
                mode=SelectSelectorMode.LIST,
            )
        ),
        vol.Required(CONF_EMAIL, default=defaults.get(CONF_EMAIL, "")): TextSelector(
            TextSelectorConfig(type=TextSelectorType.EMAIL, autocomplete="username")
        ),
        vol.Required(CONF_PASSWORD): TextSelector(
            TextSelectorConfig(
                type=TextSelectorType.PASSWORD, autocomplete="current-password"
            )
        ),
    }
    if advanced:
        url = TextSelector(TextSelectorConfig(type=TextSelectorType.URL))
        fields[vol.Optional(CONF_API_URL, default=defaults.get(CONF_API_URL, ""))] = url
        fields[vol.Optional(CONF_WEB_URL, default=defaults.get(CONF_WEB_URL, ""))] = url
    return vol.Schema(fields)


class BragerOneConfigFlow(ConfigFlow, domain=DOMAIN):
    """Add a BragerOne installation."""

    VERSION = 1
    MINOR_VERSION = 1

    def __init__(self) -> None:
        """Start with nothing known."""
        self._login: dict[str, Any] = {}
        self._objects: list[BragerObject] = []

    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the server and the account, and log in."""
        errors: dict[str, str] = {}
        if user_input is not None:
            login = {k: v for k, v in user_input.items() if v != ""}
            if login[CONF_SERVER] == SERVER_CUSTOM and not (
                login.get(CONF_API_URL) and login.get(CONF_WEB_URL)
            ):
                errors["base"] = "custom_urls_required"
            else:
                errors = await self._async_log_in(login)
            if not errors:
                self._login = login
                if len(self._objects) == 1:
                    return await self._async_create(self._objects[0])
                return await self.async_step_installation()
        return self.async_show_form(
            step_id="user",
            data_schema=_user_schema(self.show_advanced_options, user_input or {}),
            errors=errors,
        )

    async def async_step_installation(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Pick one of the account's installations (objects)."""
        if user_input is not None:
            chosen = int(user_input[CONF_OBJECT_ID])
            for obj in self._objects:
                if obj.id == chosen:
                    return await self._async_create(obj)
        options = [
            SelectOptionDict(value=str(obj.id), label=obj.name) for obj in self._objects
        ]
        return self.async_show_form(
            step_id="installation",
            data_schema=vol.Schema(
                {
                    vol.Required(CONF_OBJECT_ID): SelectSelector(
                        SelectSelectorConfig(options=options)
                    )
                }
            ),
        )

    async def _async_log_in(self, login: dict[str, Any]) -> dict[str, str]:
        """Log in and list the objects; return the form errors (empty on success)."""
        client = BragerOneClient(
            login[CONF_EMAIL],
            login[CONF_PASSWORD],
            server=server_from_data(login),
            session=async_get_clientsession(self.hass),
        )
        try:
            await client.login()
            self._objects = await client.objects()
        except AuthenticationError:
            return {"base": "invalid_auth"}
        except BragerOneError as err:
            LOGGER.debug("Cannot reach the cloud: %s", err)
            return {"base": "cannot_connect"}
        except Exception:  # noqa: BLE001 - shown to the user as "unknown"
            LOGGER.exception("Unexpected error while logging in")
            return {"base": "unknown"}
        if not self._objects:
            return {"base": "no_installations"}
        return {}

    async def _async_create(self, obj: BragerObject) -> ConfigFlowResult:
        """Create the entry for one installation (unique per server and object)."""
        await self.async_set_unique_id(f"{self._login[CONF_SERVER]}_{obj.id}")
        self._abort_if_unique_id_configured()
        return self.async_create_entry(
            title=obj.name, data={**self._login, CONF_OBJECT_ID: obj.id}
        )
