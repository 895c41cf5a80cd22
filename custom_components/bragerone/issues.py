"""Repair issues of BragerOne (Home Assistant's issue registry).

Three issues, all with instructions rather than a fix flow, because the fix is a step the
options flow already offers:

* ``catalogue_invalid``: the entry's stored descriptors cannot be read (a damaged entry,
  or one written by a newer version of the integration). Fixed by the options step
  "Refresh from the vendor's web app"; removed at the next successful setup.
* ``roles_outdated``: the stored catalogue predates roles (``roles_version``) or the
  vendor's alarm names (``alarms.version``), so the entry has no water heater or
  thermostats yet, its parameters are not organised, or its alarms show codes only.
  Fixed by the same "Refresh from the vendor's web app"; removed at the next setup
  with a current catalogue.
* ``new_modules``: the modules listing of the installation names modules the entry does
  not follow (a module added to the account after the entry was made). Fixed by ticking
  them in the options step "Modules"; removed when no such module is left, or with the
  entry. A user who leaves a module out on purpose ignores the issue in the repairs UI.

The module is not called ``repairs.py``: that name is Home Assistant's platform for fix
flows, which these issues do not have.
"""

from __future__ import annotations

from collections.abc import Iterable

from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir

from .api import Module
from .const import DOMAIN

CATALOGUE_INVALID = "catalogue_invalid"
NEW_MODULES = "new_modules"
ROLES_OUTDATED = "roles_outdated"


def _issue_id(kind: str, entry_id: str) -> str:
    return f"{kind}_{entry_id}"


def _set_warning(
    hass: HomeAssistant, kind: str, entry_id: str, placeholders: dict[str, str] | None
) -> None:
    """Raise (or update) the warning `kind` of an entry; None placeholders remove it."""
    issue_id = _issue_id(kind, entry_id)
    if placeholders is None:
        ir.async_delete_issue(hass, DOMAIN, issue_id)
        return
    ir.async_create_issue(
        hass,
        DOMAIN,
        issue_id,
        is_fixable=False,
        severity=ir.IssueSeverity.WARNING,
        translation_key=kind,
        translation_placeholders=placeholders,
    )


def async_catalogue_invalid(
    hass: HomeAssistant, entry_id: str, title: str, error: str
) -> None:
    """Raise (or update) the issue of an entry whose stored descriptors are unusable."""
    ir.async_create_issue(
        hass,
        DOMAIN,
        _issue_id(CATALOGUE_INVALID, entry_id),
        is_fixable=False,
        severity=ir.IssueSeverity.ERROR,
        translation_key=CATALOGUE_INVALID,
        translation_placeholders={"installation": title, "error": error},
    )


def async_roles_outdated(
    hass: HomeAssistant, entry_id: str, title: str, *, outdated: bool
) -> None:
    """Raise the issue of an entry whose catalogue lacks roles or alarm names, or remove it."""
    _set_warning(
        hass, ROLES_OUTDATED, entry_id, {"installation": title} if outdated else None
    )


def async_new_modules(
    hass: HomeAssistant, entry_id: str, title: str, modules: Iterable[Module]
) -> None:
    """Raise, update or remove the issue of modules the entry does not follow.

    `modules` are the listing's rows that are not configured; none removes the issue.
    """
    names = sorted(
        f"{m.label} ({m.title})" if m.title and m.title != m.label else m.label
        for m in modules
    )
    _set_warning(
        hass,
        NEW_MODULES,
        entry_id,
        {"installation": title, "modules": ", ".join(names)} if names else None,
    )


def async_clear(hass: HomeAssistant, entry_id: str, *, removed: bool = False) -> None:
    """Remove the entry's catalogue issue (setup worked), and with `removed` all of them."""
    ir.async_delete_issue(hass, DOMAIN, _issue_id(CATALOGUE_INVALID, entry_id))
    if removed:
        ir.async_delete_issue(hass, DOMAIN, _issue_id(NEW_MODULES, entry_id))
        ir.async_delete_issue(hass, DOMAIN, _issue_id(ROLES_OUTDATED, entry_id))
