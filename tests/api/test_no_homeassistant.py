"""The client library never imports Home Assistant (it could be published on PyPI)."""

from __future__ import annotations

import json
from pathlib import Path
import subprocess
import sys

ROOT = Path(__file__).resolve().parents[2]

# The import goes through the integration package's own __init__, which looks up
# its Home Assistant entry points lazily; so this is exactly what a user of the CLI loads.
PROBE = """
import importlib, json, pkgutil, sys
import custom_components.bragerone.api as api
names = [api.__name__]
for info in pkgutil.walk_packages(api.__path__, api.__name__ + "."):
    if not info.name.endswith("__main__"):
        importlib.import_module(info.name)
        names.append(info.name)
loaded = sorted(m for m in sys.modules if m == "homeassistant" or m.startswith("homeassistant."))
print(json.dumps({"imported": names, "homeassistant": loaded}))
"""


def test_importing_the_client_loads_no_homeassistant_module() -> None:
    done = subprocess.run(  # noqa: S603 - our own interpreter and probe
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    report = json.loads(done.stdout)
    assert "custom_components.bragerone.api.gateway" in report["imported"]
    assert "custom_components.bragerone.api.cli" in report["imported"]
    assert report["homeassistant"] == []
