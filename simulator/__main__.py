"""Run the simulator standalone: ``python -m simulator [--port 8400] [--fault NAME ...]``.

The first line on stdout is one JSON object ``{"api_url", "web_url", "email",
"password", "object_id", "modules"}``; a human-readable summary follows. The process
serves until SIGINT or SIGTERM and then exits 0.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import signal
import sys

from simulator.faults import Faults
from simulator.modules import MODULES
from simulator.server import Simulator


def build_parser() -> argparse.ArgumentParser:
    """Return the command-line parser."""
    parser = argparse.ArgumentParser(
        prog="python -m simulator",
        description="A local BragerOne cloud (REST, Socket.IO, web-app bundle) for trying the integration without hardware.",
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)"
    )
    parser.add_argument(
        "--port",
        type=int,
        default=8400,
        help="API port; 0 picks a free one (default 8400)",
    )
    parser.add_argument(
        "--web-port",
        type=int,
        default=0,
        help="web-app port; 0 picks a free one (default 0)",
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=0,
        help="seed of the plant and of the wire-shape variants",
    )
    parser.add_argument(
        "--readable",
        action="store_true",
        help="serve a readable (not obfuscated) bundle",
    )
    parser.add_argument(
        "--tick",
        type=float,
        default=2.0,
        help="seconds between plant steps; 0 freezes the plant",
    )
    parser.add_argument(
        "--write-delay",
        type=float,
        default=0.3,
        help="seconds before a write is applied and pushed",
    )
    parser.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="NAME",
        help=(
            "switch a fault on: zombie, ignore_binds, degraded_modules, bundle=broken|empty, "
            "latency=SECONDS[@GLOB,...], listen_delay=SECONDS, hide_module=DEVID, "
            "echo_delay=DEVID:SECONDS, login_dup_entry=N, "
            "fail=ENDPOINT:STATUS[:html][:times=N][:code=CODE]; for demos: "
            "alarm=CODE[@DEVID] raises alarm CODE on DEVID (default the first module) at "
            "start, fuel=N starts the boilers with N%% fuel (fuel=3 runs out within a "
            "minute of burning and raises the no-fuel alarm 38)"
        ),
    )
    return parser


def summary(sim: Simulator) -> str:
    """Return the human-readable how-to printed after the JSON line."""
    modules = "\n".join(
        f"    {spec.devid}  {spec.title} ({spec.name})" for spec in sim.modules
    )
    return f"""
BragerOne simulator running.
  API (REST /v1, Socket.IO /socket.io namespace /ws): {sim.api_url}
  Web app (one.brager.pl twin):                       {sim.web_url}
  Log in with: {sim.email} / {sim.password}
  Installation (object) {sim.object_id} with modules:
{modules}

Home Assistant: add the BragerOne integration, tick "advanced" and enter
  API URL {sim.api_url} and web-app URL {sim.web_url}, then the login above.
Command-line client: pass the same two URLs as the custom API and web-app URLs.
Press Ctrl+C to stop."""


async def run(args: argparse.Namespace, faults: Faults) -> int:
    """Start the simulator, print its address, serve until a signal, stop."""
    sim = Simulator(
        seed=args.seed,
        host=args.host,
        api_port=args.port,
        web_port=args.web_port,
        readable=args.readable,
        write_delay=args.write_delay,
        tick_interval=args.tick if args.tick > 0 else None,
    )
    sim.faults = faults
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    await sim.start()
    try:
        line = {
            "api_url": sim.api_url,
            "web_url": sim.web_url,
            "email": sim.email,
            "password": sim.password,
            "object_id": sim.object_id,
            "modules": sim.devids,
        }
        print(json.dumps(line), flush=True)
        print(summary(sim), flush=True)
        await stop.wait()
    finally:
        await sim.stop()
    return 0


def main(argv: list[str] | None = None) -> int:
    """Parse `argv` and run; return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    faults = Faults()
    for spec in args.fault:
        try:
            faults.apply(spec)
        except ValueError as err:
            parser.error(str(err))
    known = {spec.devid for spec in MODULES}
    for code, devid in faults.start_alarms:
        if devid is not None and devid not in known:
            parser.error(f"fault alarm={code}@{devid}: no module {devid!r}")
    with contextlib.suppress(KeyboardInterrupt):
        return asyncio.run(run(args, faults))
    return 0


if __name__ == "__main__":
    sys.exit(main())
