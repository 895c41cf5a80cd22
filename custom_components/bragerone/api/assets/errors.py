"""Errors of the web-app asset reader (PROTOCOL.md §4), under the client's root `BragerOneError`.

Hierarchy::

    BragerOneError
    └── AssetError            something about the vendor's web-app assets is unusable
        ├── JsParseError      a source is not parseable JavaScript at all
        └── TransformError    a stored transform is malformed or a value cannot be inverted

Everything short of "not parseable at all" degrades to `Unknown` values instead of raising.
"""

from __future__ import annotations

from custom_components.bragerone.api.exceptions import BragerOneError


class AssetError(BragerOneError):
    """Root of the errors about the vendor's web-app assets."""


class JsParseError(AssetError):
    """The source cannot be parsed at all.

    Raised by `parse` when the input is not text or bytes, is not UTF-8 (bytes with
    invalid sequences are tolerated; a `str` with lone surrogates is not), is larger than
    the size limit, or the parser produced no tree. Syntax errors inside an otherwise
    readable source are not raised: they become `Unknown` values.
    """


class TransformError(AssetError, ValueError):
    """A transform record is malformed, or a display value cannot be turned back into a raw value."""
