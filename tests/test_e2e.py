"""The end-to-end check: a real Home Assistant process with the integration on the simulator.

Runs ``scripts/demo --check`` (see scripts/demo.py for what it asserts). Marked ``e2e``:
``scripts/test -m "not e2e"`` skips it locally; CI runs it with everything else.
"""

from __future__ import annotations

from pathlib import Path
import subprocess
import sys

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.e2e
def test_demo_check_passes() -> None:
    """Home Assistant shows both modules live, writes are confirmed, offline is honest."""
    done = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, str(ROOT / "scripts" / "demo.py"), "--check", "--port", "0"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "all checks passed" in done.stdout
