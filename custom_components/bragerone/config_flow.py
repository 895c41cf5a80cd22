"""Config and options flows of BragerOne (issue 5; DESIGN.md decision 2; Contract B).

Config flow: ``user`` (server and account) → ``installation`` (only when the account has
several objects) → ``modules`` (which of the object's modules to add) → ``build`` (a
progress step that builds the catalogue of entity descriptors from the vendor's web
app) → the entry. Also ``reauth`` (+ ``reauth_confirm``) and ``reconfigure``.

Options flow: ``modules`` (change the module set; the catalogue is rebuilt for it) and
``refresh`` (rebuild the descriptors from the vendor's web app, preview what would be
added and lost, apply only after an explicit confirm). A build that fails ends the flow
with a message naming the failing step and leaves the entry as it was.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from homeassistant.config_entries import (
    ConfigEntry,
    ConfigFlow,
    ConfigFlowResult,
    OptionsFlow,
)
from homeassistant.const import CONF_EMAIL, CONF_PASSWORD
from homeassistant.core import callback
from homeassistant.data_entry_flow import AbortFlow
from homeassistant.helpers.selector import (
    BooleanSelector,
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
)
import voluptuous as vol

from .api import BragerObject, BragerOneClient, Module
from .api.catalogue import Catalogue, RefreshPreview, build_catalogue
from .const import (
    CONF_API_URL,
    CONF_CATALOGUE,
    CONF_LANGUAGE,
    CONF_MODULES,
    CONF_OBJECT_ID,
    CONF_SERVER,
    CONF_WEB_URL,
    DOMAIN,
    SERVER_CUSTOM,
)
from .flow_helpers import (
    BUILD_LANGUAGES,
    LOGIN_KEYS,
    CatalogueBuild,
    bundle_language,
    chosen,
    entry_data,
    failure_reason,
    login_from_input,
    login_of,
    make_client,
    modules_schema,
    password_selector,
    stored_catalogue,
    user_schema,
)

LOSS_WARNING_RATIO: Final = 0.5
"""A refresh losing more than this share of the stored entities needs an extra confirm."""
CONF_CONFIRM_LOSS: Final = "confirm_loss"


# --- the config flow -------------------------------------------------------------------


class BragerOneConfigFlow(ConfigFlow, domain=DOMAIN):
    """Add a BragerOne installation (Contract B: VERSION 1, MINOR_VERSION 1)."""

    VERSION = 1
    MINOR_VERSION = 1

    _client: BragerOneClient
    _object: BragerObject

    def __init__(self) -> None:
        """Start with nothing known."""
        self._login: dict[str, Any] = {}
        self._objects: list[BragerObject] = []
        self._modules: list[Module] = []
        self._devids: list[str] = []
        self._build = CatalogueBuild()

    @staticmethod
    @callback
    def async_get_options_flow(
        config_entry: ConfigEntry,  # noqa: ARG004 - Home Assistant's signature
    ) -> BragerOneOptionsFlow:
        """Return the options flow (modules, refresh from the web app)."""
        return BragerOneOptionsFlow()

    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the server and the account, and log in."""
        errors: dict[str, str] = {}
        if user_input is not None:
            errors = await self._async_log_in(user_input)
            if not errors and len(self._objects) > 1:
                return await self.async_step_installation()
            if not errors:
                errors = await self._async_list_modules(self._objects[0])
            if not errors:
                return await self.async_step_modules()
        return self.async_show_form(
            step_id="user",
            data_schema=user_schema(login_from_input(user_input) if user_input else {}),
            errors=errors,
        )

    async def async_step_installation(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Pick one of the account's installations (objects)."""
        errors: dict[str, str] = {}
        if user_input is not None:
            # the selector only accepts the listed ids
            by_id = {str(obj.id): obj for obj in self._objects}
            errors = await self._async_list_modules(
                by_id[str(user_input[CONF_OBJECT_ID])]
            )
            if not errors:
                return await self.async_step_modules()
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
            errors=errors,
        )

    async def async_step_modules(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Choose the object's modules to add (all preselected; at least one).

        Submitting starts the catalogue build; this step then shows its progress (the
        flow manager calls it again when the build task is done).
        """
        if self._build.started:
            return self._async_progress()
        errors: dict[str, str] = {}
        if user_input is not None:
            self._devids = chosen(self._modules, user_input)
            if self._devids:
                return self._async_progress()
            errors[CONF_MODULES] = "modules_required"
        return self.async_show_form(
            step_id="modules",
            data_schema=await modules_schema(
                self.hass, self._modules, [m.devid for m in self._modules]
            ),
            description_placeholders={"installation": self._object.name},
            errors=errors,
        )

    def _async_progress(self) -> ConfigFlowResult:
        """Show the build's progress; when it is done, go on to the entry or the failure."""
        return self._build.progress(
            self,
            self._async_build_catalogue,
            modules=len(self._devids),
            next_step="finish",
        )

    async def async_step_build_failed(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """End the flow with the reason the catalogue could not be built."""
        return self._build.abort(self)

    async def async_step_finish(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Create the entry (Contract B) named after the installation."""
        catalogue = self._build.catalogue
        return self.async_create_entry(
            title=self._object.name,
            data=entry_data(
                self._login,
                object_id=self._object.id,
                devids=self._devids,
                language=bundle_language(self.hass.config.language, catalogue),
                catalogue=catalogue,
            ),
        )

    async def async_step_reauth(
        self, entry_data: Mapping[str, Any]
    ) -> ConfigFlowResult:
        """Start reauthentication (the cloud refused the stored password)."""
        return await self.async_step_reauth_confirm()

    async def async_step_reauth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the account's new password and check it."""
        entry = self._get_reauth_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            password = user_input[CONF_PASSWORD]
            errors = await self._async_log_in(
                {**login_of(entry), CONF_PASSWORD: password}
            )
            if not errors:
                self._abort_if_other_installation(entry)
                return self.async_update_reload_and_abort(
                    entry, data_updates={CONF_PASSWORD: password}
                )
        return self.async_show_form(
            step_id="reauth_confirm",
            data_schema=vol.Schema({vol.Required(CONF_PASSWORD): password_selector()}),
            description_placeholders={
                CONF_EMAIL: entry.data[CONF_EMAIL],
                "installation": entry.title,
            },
            errors=errors,
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change the server or the account of the entry (same installation only)."""
        entry = self._get_reconfigure_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            errors = await self._async_log_in(user_input)
            if not errors:
                self._abort_if_other_installation(entry)
                object_id = entry.data[CONF_OBJECT_ID]
                await self.async_set_unique_id(
                    f"{self._login[CONF_SERVER]}_{object_id}"
                )
                self._abort_if_unique_id_mismatch(reason="wrong_installation")
                data = {k: v for k, v in entry.data.items() if k not in LOGIN_KEYS}
                return self.async_update_reload_and_abort(
                    entry, data={**self._login, **data}
                )
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=user_schema(
                login_from_input(user_input) if user_input else login_of(entry)
            ),
            description_placeholders={"installation": entry.title},
            errors=errors,
        )

    async def _async_log_in(self, user_input: Mapping[str, Any]) -> dict[str, str]:
        """Log in and list the objects; return the form errors (empty on success)."""
        login = login_from_input(user_input)
        if login[CONF_SERVER] == SERVER_CUSTOM and not (
            login.get(CONF_API_URL) and login.get(CONF_WEB_URL)
        ):
            return {"base": "custom_urls_required"}
        client = make_client(self.hass, login)
        try:
            await client.login()
            self._objects = await client.objects()
        except Exception as err:  # noqa: BLE001 - unexpected errors show as "unknown"
            return {"base": failure_reason(err)}
        if not self._objects:
            return {"base": "no_installations"}
        self._login = login
        self._client = client
        return {}

    async def _async_list_modules(self, obj: BragerObject) -> dict[str, str]:
        """Take one installation (unique per server and object) and list its modules.

        Returns the form errors (empty on success): a failed listing is shown on the
        form the user submitted, to retry. Aborts when the installation is configured
        already or has no module.
        """
        await self.async_set_unique_id(f"{self._login[CONF_SERVER]}_{obj.id}")
        self._abort_if_unique_id_configured()
        self._object = obj
        try:
            self._modules = await self._client.modules(obj.id)
        except Exception as err:  # noqa: BLE001 - unexpected errors show as "unknown"
            return {"base": failure_reason(err)}
        if not self._modules:
            reason = "no_modules"
            raise AbortFlow(reason)
        return {}

    async def _async_build_catalogue(self) -> Catalogue:
        """Build the catalogue of the chosen modules (the progress task)."""
        return await build_catalogue(
            self._client,
            object_id=self._object.id,
            devids=self._devids,
            languages=BUILD_LANGUAGES,
            modules=self._modules,
        )

    def _abort_if_other_installation(self, entry: ConfigEntry) -> None:
        """Abort when the account just logged in to does not hold the entry's object."""
        if entry.data[CONF_OBJECT_ID] not in {obj.id for obj in self._objects}:
            reason = "wrong_installation"
            raise AbortFlow(reason)


# --- the options flow ------------------------------------------------------------------


class BragerOneOptionsFlow(OptionsFlow):
    """Change the modules of an entry, or refresh its descriptors from the web app."""

    _preview: RefreshPreview

    def __init__(self) -> None:
        """Start with nothing known."""
        self._client: BragerOneClient | None = None
        self._modules: list[Module] = []
        self._devids: list[str] = []
        self._build = CatalogueBuild()

    async def async_step_init(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Offer the two options."""
        return self.async_show_menu(step_id="init", menu_options=["modules", "refresh"])

    async def async_step_modules(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Choose the modules; a changed set rebuilds the catalogue (progress shown here)."""
        if self._build.started:
            return self._async_progress("apply")
        data = self.config_entry.data
        current = set(data[CONF_MODULES])
        errors: dict[str, str] = {}
        if user_input is None:
            try:
                self._modules = await self._client_of(data).modules(
                    data[CONF_OBJECT_ID]
                )
            except Exception as err:  # noqa: BLE001 - unexpected errors show as "unknown"
                return self.async_abort(
                    reason=failure_reason(err),
                    description_placeholders={"error": str(err)},
                )
        else:
            self._devids = chosen(self._modules, user_input)
            if set(self._devids) == current:
                return self.async_create_entry(data=dict(self.config_entry.options))
            if self._devids:
                return self._async_progress("apply")
            errors[CONF_MODULES] = "modules_required"
        selected = [m.devid for m in self._modules if m.devid in current]
        return self.async_show_form(
            step_id="modules",
            data_schema=await modules_schema(self.hass, self._modules, selected),
            description_placeholders={"installation": self.config_entry.title},
            errors=errors,
        )

    async def async_step_refresh(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Rebuild the descriptors of the entry's modules (progress), then preview them."""
        self._devids = list(self.config_entry.data[CONF_MODULES])
        return self._async_progress("preview")

    def _async_progress(self, next_step: str) -> ConfigFlowResult:
        """Show the build's progress; when it is done, go on to ``next_step`` or the failure."""
        return self._build.progress(
            self,
            self._async_build_catalogue,
            modules=len(self._devids),
            next_step=next_step,
        )

    async def async_step_build_failed(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """End the flow with the reason; the stored descriptors stay as they were."""
        return self._build.abort(self)

    async def async_step_preview(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Compare the rebuilt catalogue with the stored one and ask for a confirm."""
        data = self.config_entry.data
        self._preview = RefreshPreview.of(
            stored_catalogue(data), self._build.catalogue, data[CONF_LANGUAGE]
        )
        if self._preview.loss_ratio > LOSS_WARNING_RATIO:
            return await self.async_step_refresh_warning()
        return await self.async_step_refresh_confirm()

    async def async_step_refresh_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show what the refresh adds and loses; submitting applies it."""
        if user_input is not None:
            return await self.async_step_apply()
        return self.async_show_form(
            step_id="refresh_confirm",
            data_schema=vol.Schema({}),
            description_placeholders=self._preview.placeholders,
        )

    async def async_step_refresh_warning(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Like `async_step_refresh_confirm`, but losing most entities must be ticked."""
        errors: dict[str, str] = {}
        if user_input is not None:
            if user_input.get(CONF_CONFIRM_LOSS):
                return await self.async_step_apply()
            errors[CONF_CONFIRM_LOSS] = "confirm_loss_required"
        return self.async_show_form(
            step_id="refresh_warning",
            data_schema=vol.Schema(
                {vol.Required(CONF_CONFIRM_LOSS, default=False): BooleanSelector()}
            ),
            description_placeholders=self._preview.placeholders,
            errors=errors,
        )

    async def async_step_apply(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Store the new modules and catalogue, reload the entry, and finish."""
        entry = self.config_entry
        catalogue = self._build.catalogue
        self.hass.config_entries.async_update_entry(
            entry,
            data={
                **entry.data,
                CONF_MODULES: list(self._devids),
                CONF_LANGUAGE: bundle_language(self.hass.config.language, catalogue),
                CONF_CATALOGUE: catalogue.to_dict(),
            },
        )
        self.hass.config_entries.async_schedule_reload(entry.entry_id)
        return self.async_create_entry(data=dict(entry.options))

    def _client_of(self, data: Mapping[str, Any]) -> BragerOneClient:
        """Return this flow's client (created on first use; it logs in by itself)."""
        if self._client is None:
            self._client = make_client(self.hass, data)
        return self._client

    async def _async_build_catalogue(self) -> Catalogue:
        """Build the catalogue of the chosen modules (the progress task)."""
        data = self.config_entry.data
        return await build_catalogue(
            self._client_of(data),
            object_id=data[CONF_OBJECT_ID],
            devids=self._devids,
            languages=BUILD_LANGUAGES,
            modules=self._modules or None,
        )
