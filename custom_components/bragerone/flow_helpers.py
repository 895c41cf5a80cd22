"""What the config and options flows of BragerOne share (forms, login, the build task).

Kept apart from `config_flow` so that the flows read as steps: the login form and its
reading (`user_schema`, `login_from_input`), the module multi-select, the entry's data
(Contract B), the failure → translation-key mapping and the catalogue build run as a
progress task (`CatalogueBuild`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Iterable, Mapping
from typing import Any, Final

from homeassistant.config_entries import ConfigEntry, ConfigFlowResult
from homeassistant.const import CONF_EMAIL, CONF_PASSWORD
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowHandler, section
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
from homeassistant.helpers.translation import async_get_translations
import voluptuous as vol

from .api import AuthenticationError, BragerOneClient, Module
from .api.catalogue import Catalogue, CatalogueError
from .api.descriptor import SCHEMA_VERSION
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


def user_schema(defaults: Mapping[str, Any]) -> vol.Schema:
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
        vol.Required(CONF_PASSWORD): password_selector(),
        vol.Optional(CONF_CUSTOM_SERVER): section(
            custom_urls,
            {"collapsed": defaults.get(CONF_SERVER) != SERVER_CUSTOM},
        ),
    }
    return vol.Schema(fields, extra=vol.ALLOW_EXTRA)


def password_selector() -> TextSelector:
    """Return the password field (masked, filled by password managers)."""
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


async def modules_schema(
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


def chosen(modules: Iterable[Module], user_input: Mapping[str, Any]) -> list[str]:
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


def stored_catalogue(data: Mapping[str, Any]) -> Catalogue:
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


def login_of(entry: ConfigEntry) -> dict[str, Any]:
    """Return the server and account part of an entry's data."""
    return {key: entry.data[key] for key in LOGIN_KEYS if key in entry.data}
