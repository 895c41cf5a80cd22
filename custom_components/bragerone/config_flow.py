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

import asyncio
from collections.abc import Callable, Coroutine, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from homeassistant.config_entries import (
    ConfigEntry,
    ConfigFlow,
    ConfigFlowResult,
    OptionsFlow,
)
from homeassistant.const import CONF_EMAIL, CONF_PASSWORD
from homeassistant.core import HomeAssistant, callback
from homeassistant.data_entry_flow import AbortFlow, FlowHandler, section
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.selector import (
    BooleanSelector,
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
from homeassistant.helpers.translation import async_get_translations
import voluptuous as vol

from .api import AuthenticationError, BragerObject, BragerOneClient, Module
from .api.catalogue import (
    Catalogue,
    CatalogueError,
    build_catalogue,
    compare_catalogues,
)
from .api.descriptor import SCHEMA_VERSION, EntityDescriptor, pick_label
from .api.exceptions import BragerOneError
from .const import (
    CONF_API_URL,
    CONF_CATALOGUE,
    CONF_CUSTOM_SERVER,
    CONF_LANGUAGE,
    CONF_MODULES,
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

BUILD_LANGUAGES: Final = ("pl", "en")
"""The label languages a catalogue is built with (the vendor ships Polish and English)."""
LOSS_WARNING_RATIO: Final = 0.5
"""A refresh losing more than this share of the stored entities needs an extra confirm."""
PREVIEW_NAMES: Final = 10
"""Entity names listed per module and direction in the refresh preview."""
CONF_CONFIRM_LOSS: Final = "confirm_loss"
LOGIN_KEYS: Final = (CONF_SERVER, CONF_API_URL, CONF_WEB_URL, CONF_EMAIL, CONF_PASSWORD)
STEP_REASONS: Final = {
    "index": "catalogue_index",
    "menu": "catalogue_menu",
    "units": "catalogue_units",
    "i18n": "catalogue_i18n",
    "parameter maps": "catalogue_parameter_maps",
    "entities": "catalogue_entities",
}
"""`CatalogueError.step` → the translated abort reason naming that step."""
MODULE_STATES: Final = ("online", "offline", "unknown")

type BuildFactory = Callable[[], Coroutine[Any, Any, Catalogue]]


# --- helpers shared by the flows -------------------------------------------------------


def failure_reason(err: BaseException) -> str:
    """Return the translation key (form error or abort reason) for a failed call.

    `CatalogueError` → ``catalogue_<step>`` (``catalogue_failed`` for an unknown step),
    `AuthenticationError` → ``invalid_auth``, any other client error →
    ``cannot_connect``, anything else → ``unknown`` (logged with its traceback).
    """
    if isinstance(err, CatalogueError):
        return STEP_REASONS.get(err.step, "catalogue_failed")
    if isinstance(err, AuthenticationError):
        return "invalid_auth"
    if isinstance(err, BragerOneError):
        LOGGER.debug("BragerOne cloud call failed: %s", err)
        return "cannot_connect"
    LOGGER.error("Unexpected error in the BragerOne flow", exc_info=err)
    return "unknown"


def bundle_language(hass_language: str, catalogue: Catalogue) -> str:
    """Return Home Assistant's language normalised to one the catalogue has labels in.

    ``"pl"``/``"pl-PL"`` → ``"pl"`` when Polish labels exist; any other language →
    English when present, else Polish, else the bundle's default (DESIGN.md decision 7).
    """
    base = hass_language.split("-", 1)[0].lower()
    for language in (base, "en", "pl"):
        if language in catalogue.languages:
            return language
    return catalogue.default_language


def login_from_input(user_input: Mapping[str, Any]) -> dict[str, Any]:
    """Return the login part of a form: empty fields dropped, URLs kept only for "custom".

    The URLs come from the collapsed ``custom_server`` section; a client that sends them
    at the top level (as forms did before the section) is understood too.
    """
    fields = {
        key: value for key, value in user_input.items() if key != CONF_CUSTOM_SERVER
    }
    fields.update(user_input.get(CONF_CUSTOM_SERVER) or {})
    login = {key: fields[key] for key in LOGIN_KEYS if fields.get(key, "") != ""}
    if login[CONF_SERVER] != SERVER_CUSTOM:
        login.pop(CONF_API_URL, None)
        login.pop(CONF_WEB_URL, None)
    return login


def make_client(hass: HomeAssistant, data: Mapping[str, Any]) -> BragerOneClient:
    """Return a client for the server and account in ``data`` on HA's shared session."""
    return BragerOneClient(
        data[CONF_EMAIL],
        data[CONF_PASSWORD],
        server=server_from_data(dict(data)),
        session=async_get_clientsession(hass),
    )


def _user_schema(defaults: Mapping[str, Any]) -> vol.Schema:
    """Return the login form: server, account, and a collapsed section with custom URLs.

    The section is expanded only when the defaults already use the custom server
    (reconfiguring such an entry). Extra keys are allowed so that clients sending the
    URLs at the top level still validate; :func:`login_from_input` keeps known keys only.
    """
    url = TextSelector(TextSelectorConfig(type=TextSelectorType.URL))
    custom_urls = vol.Schema(
        {
            vol.Optional(CONF_API_URL, default=defaults.get(CONF_API_URL, "")): url,
            vol.Optional(CONF_WEB_URL, default=defaults.get(CONF_WEB_URL, "")): url,
        }
    )
    fields: dict[Any, Any] = {
        vol.Required(
            CONF_SERVER, default=defaults.get(CONF_SERVER, SERVER_BRAGERONE)
        ): SelectSelector(
            SelectSelectorConfig(
                options=[SERVER_BRAGERONE, SERVER_TISCONNECT, SERVER_CUSTOM],
                translation_key=CONF_SERVER,
                mode=SelectSelectorMode.LIST,
            )
        ),
        vol.Required(CONF_EMAIL, default=defaults.get(CONF_EMAIL, "")): TextSelector(
            TextSelectorConfig(type=TextSelectorType.EMAIL, autocomplete="username")
        ),
        vol.Required(CONF_PASSWORD): _password_selector(),
        vol.Optional(CONF_CUSTOM_SERVER): section(
            custom_urls,
            {"collapsed": defaults.get(CONF_SERVER) != SERVER_CUSTOM},
        ),
    }
    return vol.Schema(fields, extra=vol.ALLOW_EXTRA)


def _password_selector() -> TextSelector:
    return TextSelector(
        TextSelectorConfig(
            type=TextSelectorType.PASSWORD, autocomplete="current-password"
        )
    )


async def _module_state_words(hass: HomeAssistant) -> dict[str, str]:
    """Return "online"/"offline"/"unknown" in HA's language (``selector.module_state``)."""
    strings = await async_get_translations(
        hass, hass.config.language, "selector", [DOMAIN]
    )
    prefix = f"component.{DOMAIN}.selector.module_state.options."
    return {state: strings.get(prefix + state, state) for state in MODULE_STATES}


def _module_label(module: Module, words: Mapping[str, str]) -> str:
    """Return ``"<name> · <model> · <online|offline>"`` for the module multi-select."""
    state = {True: "online", False: "offline", None: "unknown"}[module.online]
    parts = [module.name or module.devid, module.title, words[state]]
    return " · ".join(part for part in parts if part)


async def _modules_schema(
    hass: HomeAssistant, modules: Iterable[Module], selected: list[str]
) -> vol.Schema:
    """Return the module multi-select (name, model and online state per option)."""
    words = await _module_state_words(hass)
    options = [
        SelectOptionDict(value=module.devid, label=_module_label(module, words))
        for module in modules
    ]
    return vol.Schema(
        {
            vol.Required(CONF_MODULES, default=selected): SelectSelector(
                SelectSelectorConfig(
                    options=options, multiple=True, mode=SelectSelectorMode.LIST
                )
            )
        }
    )


def _chosen(modules: Iterable[Module], user_input: Mapping[str, Any]) -> list[str]:
    """Return the listed devids the user ticked, in the listing's order."""
    ticked = set(user_input.get(CONF_MODULES, ()))
    return [module.devid for module in modules if module.devid in ticked]


def entry_data(
    login: Mapping[str, Any],
    *,
    object_id: int,
    devids: Iterable[str],
    language: str,
    catalogue: Catalogue,
) -> dict[str, Any]:
    """Return ``entry.data`` as Contract B describes it (credentials, object, catalogue)."""
    return {
        **{key: login[key] for key in LOGIN_KEYS if key in login},
        CONF_OBJECT_ID: object_id,
        CONF_MODULES: list(devids),
        CONF_LANGUAGE: language,
        CONF_CATALOGUE: catalogue.to_dict(),
    }


class CatalogueBuild:
    """A catalogue build run as a flow's progress task (started once, read when done).

    After `finish` returned True, `catalogue` holds the result; after it returned False,
    `reason` and `error` say why (see `failure_reason`).
    """

    catalogue: Catalogue

    def __init__(self) -> None:
        """Start with no task."""
        self._task: asyncio.Task[Catalogue] | None = None
        self.reason = "unknown"
        self.error = ""

    @property
    def started(self) -> bool:
        """Return True from the start of a build until `finish` has read it."""
        return self._task is not None

    def task(self, hass: HomeAssistant, build: BuildFactory) -> asyncio.Task[Catalogue]:
        """Return the running build, starting ``build()`` as a task on the first call."""
        if self._task is None:
            self._task = hass.async_create_task(
                build(), f"{DOMAIN} catalogue build", eager_start=False
            )
        return self._task

    def finish(self, task: asyncio.Task[Catalogue]) -> bool:
        """Take the finished task's result; return whether the build succeeded."""
        self._task = None
        try:
            self.catalogue = task.result()
        except Exception as err:  # noqa: BLE001 - every failure ends the flow with its reason
            self.reason = failure_reason(err)
            self.error = str(err) or type(err).__name__
            return False
        return True

    @property
    def placeholders(self) -> dict[str, str]:
        """Return the abort message's placeholders (``error``)."""
        return {"error": self.error}

    def progress(
        self,
        flow: FlowHandler[Any, ConfigFlowResult, Any],
        build: BuildFactory,
        *,
        modules: int,
        next_step: str,
    ) -> ConfigFlowResult:
        """Return `flow`'s progress step: the running build, then ``next_step`` or ``build_failed``."""
        task = self.task(flow.hass, build)
        if not task.done():
            return flow.async_show_progress(
                progress_action="build",
                progress_task=task,
                description_placeholders={"modules": str(modules)},
            )
        if self.finish(task):
            return flow.async_show_progress_done(next_step_id=next_step)
        return flow.async_show_progress_done(next_step_id="build_failed")

    def abort(self, flow: FlowHandler[Any, ConfigFlowResult, Any]) -> ConfigFlowResult:
        """End `flow` with the reason the build failed."""
        return flow.async_abort(
            reason=self.reason, description_placeholders=self.placeholders
        )


# --- the refresh preview ---------------------------------------------------------------


def _names(
    unique_ids: Iterable[str],
    descriptors: Mapping[str, EntityDescriptor],
    language: str,
) -> str:
    """Return up to `PREVIEW_NAMES` vendor labels, then ``…`` with how many more."""
    ids = list(unique_ids)
    names = [
        pick_label(descriptors[uid].label, language) or uid
        for uid in ids[:PREVIEW_NAMES]
    ]
    if len(ids) > PREVIEW_NAMES:
        names.append(f"… (+{len(ids) - PREVIEW_NAMES})")
    return ", ".join(names)


@dataclass(frozen=True, kw_only=True)
class RefreshPreview:
    """What applying a rebuilt catalogue would change, per module and in total.

    `lines` is Markdown: per module ``**name** (model): +added -lost`` followed by the
    added (``+``) and lost (``-``) entity names in the entry's language.
    """

    lines: tuple[str, ...]
    added: int
    lost: int
    stored: int

    @property
    def loss_ratio(self) -> float:
        """Return the share of the stored entities the rebuild would lose (0.0 if none stored)."""
        return self.lost / self.stored if self.stored else 0.0

    @classmethod
    def of(cls, old: Catalogue, new: Catalogue, language: str) -> RefreshPreview:
        """Compare the stored catalogue with a rebuilt one (`compare_catalogues`)."""
        lines: list[str] = []
        added = lost = stored = 0
        for devid, diff in compare_catalogues(old, new).items():
            before = old.modules[devid].descriptors if devid in old.modules else ()
            after = new.modules[devid].descriptors if devid in new.modules else ()
            module = new.modules.get(devid) or old.modules[devid]
            added += len(diff.added)
            lost += len(diff.lost)
            stored += len(before)
            lines.append(
                f"**{module.name}** ({module.title}): "
                f"+{len(diff.added)} -{len(diff.lost)}"
            )
            if diff.added:
                named = _names(diff.added, {d.unique_id: d for d in after}, language)
                lines.append(f"  + {named}")
            if diff.lost:
                named = _names(diff.lost, {d.unique_id: d for d in before}, language)
                lines.append(f"  - {named}")
        return cls(lines=tuple(lines), added=added, lost=lost, stored=stored)

    @property
    def placeholders(self) -> dict[str, str]:
        """Return the confirm form's placeholders: changes, added, lost, stored."""
        return {
            "changes": "\n".join(self.lines),
            "added": str(self.added),
            "lost": str(self.lost),
            "stored": str(self.stored),
        }


def _stored_catalogue(data: Mapping[str, Any]) -> Catalogue:
    """Return the entry's catalogue; an unreadable one (logged) counts as empty."""
    try:
        return Catalogue.from_dict(data.get(CONF_CATALOGUE))
    except CatalogueError as err:
        LOGGER.warning(
            "The stored catalogue is unreadable (%s); comparing with none", err
        )
        return Catalogue(
            schema_version=SCHEMA_VERSION,
            fingerprint="",
            languages=(),
            default_language="",
            built_at="",
        )


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
            if not errors:
                if len(self._objects) == 1:
                    return await self._async_pick(self._objects[0])
                return await self.async_step_installation()
        return self.async_show_form(
            step_id="user",
            data_schema=_user_schema(
                login_from_input(user_input) if user_input else {}
            ),
            errors=errors,
        )

    async def async_step_installation(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Pick one of the account's installations (objects)."""
        if user_input is not None:
            # the selector only accepts the listed ids
            by_id = {str(obj.id): obj for obj in self._objects}
            return await self._async_pick(by_id[str(user_input[CONF_OBJECT_ID])])
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
            self._devids = _chosen(self._modules, user_input)
            if self._devids:
                return self._async_progress()
            errors[CONF_MODULES] = "modules_required"
        return self.async_show_form(
            step_id="modules",
            data_schema=await _modules_schema(
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
                {**_login_of(entry), CONF_PASSWORD: password}
            )
            if not errors:
                self._abort_if_other_installation(entry)
                return self.async_update_reload_and_abort(
                    entry, data_updates={CONF_PASSWORD: password}
                )
        return self.async_show_form(
            step_id="reauth_confirm",
            data_schema=vol.Schema({vol.Required(CONF_PASSWORD): _password_selector()}),
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
            data_schema=_user_schema(
                login_from_input(user_input) if user_input else _login_of(entry)
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

    async def _async_pick(self, obj: BragerObject) -> ConfigFlowResult:
        """Take one installation (unique per server and object) and list its modules."""
        await self.async_set_unique_id(f"{self._login[CONF_SERVER]}_{obj.id}")
        self._abort_if_unique_id_configured()
        self._object = obj
        try:
            self._modules = await self._client.modules(obj.id)
        except Exception as err:  # noqa: BLE001 - unexpected errors show as "unknown"
            return self.async_abort(
                reason=failure_reason(err), description_placeholders={"error": str(err)}
            )
        if not self._modules:
            return self.async_abort(reason="no_modules")
        return await self.async_step_modules()

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


def _login_of(entry: ConfigEntry) -> dict[str, Any]:
    """Return the server and account part of an entry's data."""
    return {key: entry.data[key] for key in LOGIN_KEYS if key in entry.data}


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
            self._devids = _chosen(self._modules, user_input)
            if set(self._devids) == current:
                return self.async_create_entry(data=dict(self.config_entry.options))
            if self._devids:
                return self._async_progress("apply")
            errors[CONF_MODULES] = "modules_required"
        selected = [m.devid for m in self._modules if m.devid in current]
        return self.async_show_form(
            step_id="modules",
            data_schema=await _modules_schema(self.hass, self._modules, selected),
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
            _stored_catalogue(data), self._build.catalogue, data[CONF_LANGUAGE]
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
