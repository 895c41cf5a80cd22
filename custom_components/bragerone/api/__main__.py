"""Run the BragerOne command-line tool: ``python -m custom_components.bragerone.api``."""

from __future__ import annotations

from .cli import main

raise SystemExit(main())
