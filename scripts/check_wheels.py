"""Check that every runtime requirement installs on Home Assistant OS without compiling.

Home Assistant OS runs CPython (3.13 today, 3.14 from Home Assistant 2026.3) on musl and
glibc systems, on x86_64 and aarch64. A requirement is fine for a platform when it is
pure Python or has a wheel for that platform. This script resolves the closure of the
`requirements` in `manifest.json` with uv (the ordinary PyPI client), then asks uv, for
each package, interpreter and platform, whether a wheel can be installed without a
build (`--only-binary :all:`). It prints one row per gap.

Known gaps are listed in KNOWN_GAPS with how each is covered (the README repeats it).
Exit status: 0 when every gap is known (or when the package index cannot be reached:
the check is then reported as skipped), 1 when a new gap appears.

Usage: .venv/bin/python scripts/check_wheels.py
"""

from __future__ import annotations

import json
from pathlib import Path
import subprocess
import sys

ROOT = Path(__file__).resolve().parent.parent
UV = ROOT / ".tools" / "bin" / "uv"
MANIFEST = ROOT / "custom_components" / "bragerone" / "manifest.json"

PYTHONS = ("3.13", "3.14")
PLATFORMS = (
    "x86_64-manylinux_2_28",
    "aarch64-manylinux_2_28",
    "x86_64-unknown-linux-musl",
    "aarch64-unknown-linux-musl",
)
KNOWN_GAPS = {
    # tree-sitter publishes no musllinux aarch64 wheel for current releases. Home Assistant
    # builds one for integrations registered in home-assistant/wheels-custom-integrations.
    ("tree-sitter", "aarch64-unknown-linux-musl"): "wheels-custom-integrations",
}


def _uv_compile(requirements: str, *extra: str) -> subprocess.CompletedProcess[str]:
    """Run `uv pip compile` on requirement text; return the finished process."""
    return subprocess.run(
        [str(UV), "pip", "compile", "-", "-q", "--no-header", "--no-annotate", *extra],
        input=requirements,
        capture_output=True,
        text=True,
        check=False,
        timeout=180,
    )


def _closure(requirements: list[str]) -> list[str] | None:
    """Return the pinned closure (`name==version`) of the requirements, or None offline."""
    done = _uv_compile("\n".join(requirements), "--python-version", PYTHONS[0])
    if done.returncode != 0:
        print(f"resolution failed, check skipped: {done.stderr.strip()[:300]}")
        return None
    return [line.strip() for line in done.stdout.splitlines() if "==" in line]


def _installable(pins: list[str], python: str, platform: str) -> bool:
    """Return whether every pin has a wheel (or is pure Python) for the target.

    The index pages fetched by the resolution are in uv's cache, so the check runs
    offline first and falls back to the index only when the cache lacks something.
    """
    args = ("--no-deps", "--only-binary", ":all:")
    args += ("--python-version", python, "--python-platform", platform)
    text = "\n".join(pins)
    if _uv_compile(text, "--offline", *args).returncode == 0:
        return True
    return _uv_compile(text, *args).returncode == 0


def main() -> int:
    """Print the wheel gaps of the runtime requirements; return the exit status."""
    if not UV.exists():
        print("uv is not installed (run scripts/setup first); check skipped")
        return 0
    requirements = json.loads(MANIFEST.read_text(encoding="utf-8"))["requirements"]
    pins = _closure(requirements)
    if pins is None:
        return 0
    new_gaps = 0
    print(f"{'package':36} {'python':6} {'platform':28} status")
    for python in PYTHONS:
        for platform in PLATFORMS:
            if _installable(pins, python, platform):
                continue
            for pin in pins:
                if _installable([pin], python, platform):
                    continue
                name = pin.split("==", 1)[0]
                covered = KNOWN_GAPS.get((name, platform))
                status = f"no wheel; covered by {covered}" if covered else "NO WHEEL"
                new_gaps += covered is None
                print(f"{pin:36} {python:6} {platform:28} {status}")
    print(f"{len(pins)} runtime packages checked; {new_gaps} uncovered gap(s)")
    return 1 if new_gaps else 0


if __name__ == "__main__":
    sys.exit(main())
