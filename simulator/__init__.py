"""A local BragerOne cloud: REST, Socket.IO and the web-app bundle (see DESIGN.md).

``from simulator import Simulator, Faults`` is the handle tests use::

    async with Simulator(seed=0, write_delay=0.05) as sim:
        sim.api_url, sim.web_url, sim.email, sim.password, sim.devids
        await sim.set(sim.devids[0], "P4.v1", 59.0)

``python -m simulator`` runs it standalone.
"""

from __future__ import annotations

from simulator.faults import MALFORMED_KINDS, ErrorRule, Faults
from simulator.plant import Plant
from simulator.server import Simulator, Stats

__all__ = ["MALFORMED_KINDS", "ErrorRule", "Faults", "Plant", "Simulator", "Stats"]
