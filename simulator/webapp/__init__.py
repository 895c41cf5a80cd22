"""The simulator's generated BragerOne web-app bundle (PROTOCOL.md §4, DESIGN.md "The simulator").

``generate_bundle(seed, readable)`` returns every file the simulated web host serves
(HTML page, ``/assets/index-<hash>.js``, menu, parameter-map and i18n chunks, the
*Alarms* view's chunk with the ``AlarmName`` table) in the obfuscated shapes of the live
vendor bundle, plus the ground truth of what the vendor web app shows the demo user
(`simulator.webapp.truth` documents its format and rules). The alarm table itself
(codes, symbols, labels, `NO_FUEL`) lives in `simulator.webapp.alarms`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from simulator.webapp.alarms import ALARM_NAMES, NO_FUEL
from simulator.webapp.render import Renderer
from simulator.webapp.truth import display_value, ground_truth

__all__ = ["ALARM_NAMES", "NO_FUEL", "Bundle", "display_value", "generate_bundle"]


@dataclass(frozen=True, kw_only=True)
class Bundle:
    """A generated web-app bundle.

    `files` maps a URL path on the web host to its body (``"/"`` is the HTML page, the
    JavaScript lives under ``"/assets/"``); `index_path` is ``"/assets/index-<hash>.js"``;
    `ground_truth` is the JSON-safe document of `simulator.webapp.truth`.
    """

    files: dict[str, str]
    index_path: str
    ground_truth: dict[str, Any] = field(default_factory=dict)


def generate_bundle(seed: int = 0, readable: bool = False) -> Bundle:  # noqa: FBT001, FBT002 - the agreed contract
    """Generate the bundle for `seed`; deterministic for a given (seed, readable).

    Identifiers, helper names, file hashes, quoting, number bases and several structural
    choices (menu import spellings, ``parameters`` on ``meta`` or the route, nesting of
    the menu export, chunk export forms) derive from the seed; ``readable=True`` emits the
    same structures with readable names, decimal numbers and plain strings.
    """
    renderer = Renderer(seed, readable=readable)
    files = renderer.render()
    index_file = renderer.files.index
    return Bundle(
        files=files,
        index_path=f"/assets/{index_file}",
        ground_truth=ground_truth(
            seed=seed,
            readable=readable,
            index_file=index_file,
            alarm_file=renderer.files.alarms,
        ),
    )
