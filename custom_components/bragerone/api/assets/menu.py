"""Read a module's menu chunk and list what the vendor web UI shows this user (PROTOCOL.md §4.4, §4.10).

``parse_menu(source)`` evaluates the chunk's default export (``export default [routes]``,
``export { x as default }``, or the route list nested under ``routes`` / ``deviceMenu``
/ ``menu`` / ``items``). ``visible_parameters(routes, permissions)`` walks the
vue-router-like routes and returns one `MenuParameter` per token the web UI shows, in
menu order, after the "web UI only" filter of §4.10 and the permission gating of §4.4.

Spellings handled (§4.4, §4.9): ``permissionModule`` as an enum member
(``_0x52['DISPLAY_MENU_DHW']``, ``A.DISPLAY_MENU_DHW``) or a string (``"A.DISPLAY_…"``);
``parameter`` as a helper call ``helper(KIND['READ'], 'PARAM_P30_2')`` (the token is the
last argument), a plain string, or an object with a ``token``; whole sections written
as ``['PARAM_45', …]['map'](x => ({…}))`` (evaluated by the literal-subset evaluator);
``parameters`` on the route or under ``meta``; ``children`` as a bare identifier (no
children); redirect-only nodes (skipped).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
import logging
from typing import Final

from .discovery import STEP_MENU, DiscoveryError
from .errors import JsParseError
from .js import parse
from .values import EnumMember, JsValue, Undefined, Unknown, UnknownCall

_LOGGER = logging.getLogger(__name__)

SECTIONS: Final = ("read", "write", "status", "special")
"""Menu sections (§4.4): display-only, user-editable, status indicators, special widgets."""

MENU_WRAPPERS: Final = ("routes", "deviceMenu", "menu", "items")
"""Keys under which a menu chunk may nest its route list (§4.4)."""

INSTALLER_ROUTES: Final = frozenset(
    {
        "dev",
        "producer",
        "configuration",
        "schema",
        "testsOutputInput",
        "calibration",
        "lockBoard",
    }
)
"""Installer route names after ``modules.menu.`` (or ``companies.modules.menu.``), hidden from users (§4.10)."""

_KINDS: Final = frozenset({"READ", "WRITE", "STATUS", "SPECIAL"})
_ROUTE_PREFIXES: Final = ("companies.modules.menu.", "modules.menu.")
_MAX_DEPTH: Final = 32


class MenuError(DiscoveryError):
    """The menu chunk has no route list (step ``"menu"``)."""

    def __init__(self, message: str, *, url: str | None = None) -> None:
        """Create the error (step ``"menu"``)."""
        super().__init__(STEP_MENU, message, url=url)


@dataclass(frozen=True, slots=True)
class MenuParameter:
    """One parameter the vendor web UI shows this user (PROTOCOL.md §4.4, §4.10).

    Attributes:
        token:
            The parameter token (``PARAM_P4_1``, ``PARAM_66``, ``STATUS_P5_0``,
            ``URUCHOMIENIE_KOTLA``).
        section:
            ``"read"``, ``"write"``, ``"status"`` or ``"special"``.
        route:
            The route's name (``"modules.menu.boiler"``), else its path.
        titles:
            The ``displayName`` tokens of the route and its ancestors, top route first
            (``("MAINMENU_USTAWIENIA_KOTLA",)``); a route without one contributes its name.

    """

    token: str
    section: str
    route: str
    titles: tuple[str, ...]


def parse_menu(source: str | bytes, *, url: str | None = None) -> list[JsValue]:
    """Parse a menu chunk and return its route list (PROTOCOL.md §4.4).

    Raises:
        MenuError:
            The chunk cannot be parsed, or its default export is neither a route list nor
            an object with one under ``routes``/``deviceMenu``/``menu``/``items``.

    """
    try:
        program = parse(source)
    except JsParseError as err:
        msg = f"menu chunk cannot be parsed: {err}"
        raise MenuError(msg, url=url) from err
    exported = program.default_export()
    routes = menu_routes(exported)
    if routes is None:
        shown = exported.reason if isinstance(exported, Unknown) else type(exported)
        msg = f"menu chunk exports no route list ({shown})"
        raise MenuError(msg, url=url)
    return routes


def menu_routes(value: JsValue) -> list[JsValue] | None:
    """Return the route list of a menu default export: the list itself or one nested under a wrapper key."""
    if isinstance(value, list):
        return value
    if isinstance(value, dict):
        for key in MENU_WRAPPERS:
            inner = value.get(key)
            if isinstance(inner, list):
                return inner
            if isinstance(inner, dict):
                nested = menu_routes(inner)
                if nested is not None:
                    return nested
    return None


def normalize_permission(value: object) -> str | None:
    """Return the plain permission name of any spelling, None when there is none (§4.4).

    ``EnumMember('DISPLAY_MENU_DHW')`` → ``DISPLAY_MENU_DHW``; strings
    ``"_0x52['DISPLAY_MENU_DHW']"``, ``"A.DISPLAY_MENU_DHW"`` and ``"e.DISPLAY_MENU_DHW"``
    → ``DISPLAY_MENU_DHW``; `Unknown` values are read from their source text the same
    way. Empty, ``undefined`` and ``null`` give None.
    """
    text: str
    if isinstance(value, str):
        text = str(value)
    elif isinstance(value, Unknown):
        text = value.text
    else:
        return None
    text = text.strip()
    if text.endswith("]") and "[" in text:
        text = text[text.rfind("[") + 1 : -1].strip().strip("'\"`")
    elif "." in text:
        text = text.rsplit(".", 1)[-1]
    return text.strip() or None


def normalize_permissions(permissions: Iterable[object]) -> frozenset[str]:
    """Return the set of normalised permission names (see `normalize_permission`)."""
    out: set[str] = set()
    for permission in permissions:
        name = normalize_permission(permission)
        if name is not None:
            out.add(name)
    return frozenset(out)


def entry_token(value: JsValue) -> str | None:
    """Return the token of a menu entry's ``parameter`` value (§4.4).

    A helper call gives its last argument (not a lone ``READ``/``WRITE``/… kind); a string is the token; an object (an
    evaluated helper such as ``(k, t) => ({kind: k, token: t})``) gives its ``token``,
    ``parameter``, ``name`` or ``id`` string.
    """
    if isinstance(value, UnknownCall):
        last = value.last_arg
        if isinstance(last, EnumMember) and last.upper() in _KINDS:
            return None  # helper(KIND) without a token
        return entry_token(last)
    if isinstance(value, str):
        text = str(value).strip()
        return text or None
    if isinstance(value, dict):
        for key in ("token", "parameter", "name", "id"):
            found = value.get(key)
            if isinstance(found, str | UnknownCall | dict):
                token = entry_token(found)
                if token is not None:
                    return token
    return None


def is_installer_route(name: str) -> bool:
    """Return True for installer routes ``modules.menu.<dev|producer|…>`` (also under ``companies.``)."""
    for prefix in _ROUTE_PREFIXES:
        if name.startswith(prefix):
            short = name[len(prefix) :].split(".", 1)[0]
            return short in INSTALLER_ROUTES
    return False


def _field(route: dict[str, JsValue], key: str) -> JsValue:
    """Return ``route[key]``, else ``route.meta[key]``."""
    if key in route:
        return route[key]
    meta = route.get("meta")
    return meta.get(key) if isinstance(meta, dict) else None


def _text(value: JsValue) -> str | None:
    return str(value) if isinstance(value, str) and value else None


def _present(permission: JsValue) -> bool:
    """Return True when a ``permissionModule`` value is given (not absent, null, undefined or a boolean)."""
    return permission is not None and not isinstance(permission, bool | Undefined)


def _route_hidden(route: dict[str, JsValue], granted: frozenset[str]) -> str | None:
    """Return why the web UI hides this route (installer, permission, side_menu, path_param) or None."""
    name = _text(route.get("name")) or ""
    if is_installer_route(name):
        return "installer"
    permission = _field(route, "permissionModule")
    if _present(permission):
        normalized = normalize_permission(permission)
        if normalized is None or normalized not in granted:
            return "permission"
    if _field(route, "isVisibleOnSideMenu") is False:
        return "side_menu"
    path = _text(route.get("path")) or ""
    if ":" in path:
        return "path_param"
    return None


def _sections(route: dict[str, JsValue]) -> Iterator[tuple[str, JsValue]]:
    """Yield (section, entry) of the route's ``parameters`` (on the route, then under ``meta``)."""
    holders: list[JsValue] = [route.get("parameters")]
    meta = route.get("meta")
    if isinstance(meta, dict):
        holders.append(meta.get("parameters"))
    for holder in holders:
        if not isinstance(holder, dict):
            continue
        for section, entries in holder.items():
            if section not in SECTIONS:
                continue
            if isinstance(entries, list):
                for entry in entries:
                    yield section, entry
            elif entries is not None and not isinstance(entries, list):
                _LOGGER.debug(
                    "menu section %s of %s is not a list: %r",
                    section,
                    route.get("name"),
                    type(entries).__name__,
                )


def _entry(entry: JsValue) -> tuple[str | None, str | None, bool]:
    """Return (token, normalised permission, has permission) of one section entry."""
    if isinstance(entry, dict):
        permission = entry.get("permissionModule")
        return (
            entry_token(entry.get("parameter")),
            normalize_permission(permission),
            _present(permission),
        )
    return entry_token(entry), None, False


def visible_parameters(
    menu: JsValue, permissions: Iterable[object]
) -> list[MenuParameter]:
    """Return the parameters the vendor web UI shows a user with ``permissions`` (§4.4, §4.10).

    Args:
        menu:
            The route list of `parse_menu` (a wrapper object with ``routes``/…/``items``
            is accepted too).
        permissions:
            The module's ``permissions`` (any spelling; normalised).

    Rules ("web UI only"):

    * a route is left out, with all its descendants, when it is an installer route
      (`INSTALLER_ROUTES`), its ``permissionModule`` is not granted, it has
      ``isVisibleOnSideMenu: false``, or its path has a ``:`` parameter;
    * an entry is left out when its own ``permissionModule`` is not granted (entries
      without one are kept);
    * redirect-only nodes and values that are not route objects are skipped; a
      ``children`` that is not a list (a bare identifier) means no children.

    A token listed in several visible places appears once: the first occurrence in menu
    order wins (its route and titles), except that a ``write`` occurrence anywhere beats
    an earlier ``read`` one (the entry then takes the ``write`` section and route).

    """
    routes = menu if isinstance(menu, list) else menu_routes(menu)
    if routes is None:
        return []
    granted = normalize_permissions(permissions)
    found: dict[str, MenuParameter] = {}

    def walk(node: JsValue, titles: tuple[str, ...], depth: int) -> None:
        if not isinstance(node, dict) or depth > _MAX_DEPTH:
            return
        name = _text(node.get("name"))
        path = _text(node.get("path"))
        if name is None and path is None:
            return  # redirect-only (or nameless) node
        if _route_hidden(node, granted) is not None:
            return
        title = _text(_field(node, "displayName")) or name or path or ""
        here = (*titles, title)
        route_name = name or path or ""
        for section, entry in _sections(node):
            token, permission, has_permission = _entry(entry)
            if token is None:
                continue
            if has_permission and (permission is None or permission not in granted):
                continue
            _keep(found, MenuParameter(token, section, route_name, here))
        children = node.get("children")
        if isinstance(children, list):
            for child in children:
                walk(child, here, depth + 1)

    for route in routes:
        walk(route, (), 0)
    return list(found.values())


def _keep(found: dict[str, MenuParameter], item: MenuParameter) -> None:
    """Record ``item`` unless its token is known; ``write`` replaces an earlier ``read``."""
    known = found.get(item.token)
    if known is None or (known.section == "read" and item.section == "write"):
        found[item.token] = item


__all__ = [
    "INSTALLER_ROUTES",
    "MENU_WRAPPERS",
    "SECTIONS",
    "MenuError",
    "MenuParameter",
    "entry_token",
    "is_installer_route",
    "menu_routes",
    "normalize_permission",
    "normalize_permissions",
    "parse_menu",
    "visible_parameters",
]
