"""The vendor's web-app assets: a tree-sitter JavaScript reader and literal-subset evaluator.

PROTOCOL.md §4. `parse` a bundle or chunk into a `Program`, query it (default export,
top-level bindings, strings and hashed file names, import tables, ``UPPER_SNAKE`` pairs,
object literals) and evaluate expressions to plain values (`JsValue`). Unit transforms
become data with `transform_from_function`. Nothing here executes code or imports
Home Assistant.
"""

from __future__ import annotations

from .errors import AssetError, JsParseError, TransformError
from .js import (
    MAX_SOURCE_BYTES,
    KeyedExpression,
    ObjectLiteral,
    Program,
    StringLiteral,
    parse,
)
from .transforms import (
    KIND_ARITHMETIC,
    KIND_TIME_OF_DAY_10MIN,
    Transform,
    transform_from_function,
    transform_from_source,
    transform_from_value,
)
from .values import (
    UNDEFINED,
    ArrowFunction,
    EnumMember,
    JsValue,
    Regex,
    Undefined,
    Unknown,
    UnknownCall,
    contains_unknown,
    is_known,
    to_plain,
)

__all__ = [
    "KIND_ARITHMETIC",
    "KIND_TIME_OF_DAY_10MIN",
    "MAX_SOURCE_BYTES",
    "UNDEFINED",
    "ArrowFunction",
    "AssetError",
    "EnumMember",
    "JsParseError",
    "JsValue",
    "KeyedExpression",
    "ObjectLiteral",
    "Program",
    "Regex",
    "StringLiteral",
    "Transform",
    "TransformError",
    "Undefined",
    "Unknown",
    "UnknownCall",
    "contains_unknown",
    "is_known",
    "parse",
    "to_plain",
    "transform_from_function",
    "transform_from_source",
    "transform_from_value",
]

# Discovery, menu and i18n (PROTOCOL.md §4.1-§4.4, §4.8, §4.10).
from .discovery import (
    AssetFetcher,
    AssetFetchError,
    DiscoveryError,
    WebAppAssets,
    discover,
    read_index,
)
from .i18n import I18n, I18nError
from .menu import MenuError, MenuParameter, parse_menu, visible_parameters

__all__ += [
    "AssetFetchError",
    "AssetFetcher",
    "DiscoveryError",
    "I18n",
    "I18nError",
    "MenuError",
    "MenuParameter",
    "WebAppAssets",
    "discover",
    "parse_menu",
    "read_index",
    "visible_parameters",
]
