"""Command-line tool: see what a BragerOne controller sends (``python -m …bragerone.api``).

Credentials come from the environment (``BRAGERONE_EMAIL``, ``BRAGERONE_PASSWORD``), never
from the command line, and are never printed. The server is ``--server bragerone|tisconnect``
or a custom pair ``--api-url URL --web-url URL`` (the simulator).

Commands: ``modules``, ``prime``, ``watch``, ``set``, ``command``, ``alarms``,
``activity``. More can be added by
another module with `register_command` (e.g. ``describe``, ``dump-assets``); list the
module in `EXTENSION_MODULES` so that `main` imports it.

Exit codes: 0 success, 1 other failure (e.g. a server error not covered below, or a
write the module did not confirm in time), 2 bad arguments (also a value refused before
sending, or a server refusal of the arguments: 400/404/422), 3 authentication
refused, 4 connection failure (network, time-outs, 408/429/5xx), 5 the catalogue build
failed (``describe``, ``dump-assets``; see `cli_assets`).
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable, Sequence
import contextlib
from dataclasses import dataclass
from datetime import datetime
import importlib
import json
import logging
import os
import sys
from typing import Any, Final, TextIO

import aiohttp

from .client import BragerOneClient
from .const import SERVERS, WRITE_CONFIRM_TIMEOUT
from .exceptions import (
    ApiError,
    AuthenticationError,
    BragerOneConnectionError,
    BragerOneError,
)
from .gateway import Gateway
from .models import BragerObject, ParamUpdate, Server, parse_address
from .writes import InvalidWriteError

EXIT_OK: Final = 0
EXIT_FAILURE: Final = 1
EXIT_USAGE: Final = 2
EXIT_AUTH: Final = 3
EXIT_CONNECTION: Final = 4

ENV_EMAIL: Final = "BRAGERONE_EMAIL"
ENV_PASSWORD: Final = "BRAGERONE_PASSWORD"  # noqa: S105 - the variable's name

EXTENSION_MODULES: tuple[str, ...] = ("custom_components.bragerone.api.cli_assets",)
"""Modules (dotted names) imported by `main` so that they can `register_command`."""


class UsageError(Exception):
    """The arguments are wrong (exit code 2); the message is shown to the user."""


@dataclass(kw_only=True)
class CliContext:
    """What a command gets: the logged-in client, the parsed arguments and stdout."""

    client: BragerOneClient
    args: argparse.Namespace
    out: TextIO

    def emit_json(self, data: Any) -> None:
        """Print `data` as indented JSON."""
        self.out.write(
            json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n"
        )
        self.out.flush()

    def emit_line(self, line: str) -> None:
        """Print one line and flush (so pipes see it at once)."""
        self.out.write(line + "\n")
        self.out.flush()

    async def object_id(self) -> int:
        """Return ``--object``, or the only object of the account.

        Raises:
            UsageError:
                No ``--object`` and the account has zero or several objects (listed).

        """
        chosen: int | None = getattr(self.args, "object", None)
        if chosen is not None:
            return chosen
        objects = await self.client.objects()
        if len(objects) == 1:
            return objects[0].id
        raise UsageError(_object_choice(objects))


def _object_choice(objects: list[BragerObject]) -> str:
    """Return the message asking the user to pick an object with ``--object``."""
    if not objects:
        return "the account has no objects"
    listed = ", ".join(f"{obj.id} ({obj.name})" for obj in objects)
    return f"the account has several objects; pick one with --object: {listed}"


type CommandRunner = Callable[[CliContext], Awaitable[int]]
type OfflineRunner = Callable[[argparse.Namespace, TextIO], Awaitable[int | None]]


@dataclass(frozen=True, kw_only=True)
class Command:
    """A subcommand: its name, help, argument setup and coroutine (returning an exit code).

    `run_offline`, when set, is awaited first, before credentials are read or anything
    is sent; it returns an exit code when it handled the command without the cloud,
    or None to go on with `run` (logged in).
    """

    name: str
    help: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: CommandRunner
    run_offline: OfflineRunner | None = None


_COMMANDS: dict[str, Command] = {}


def register_command(command: Command) -> None:
    """Add (or replace) a subcommand."""
    _COMMANDS[command.name] = command


# --- built-in commands ---------------------------------------------------------------


def _add_object(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--object", type=int, help="object (installation) id")


def _add_module(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--module", required=True, metavar="DEVID", help="module devid")


async def _cmd_modules(ctx: CliContext) -> int:
    """Print the modules of an object as JSON (devid, name, title, version, online)."""
    modules = await ctx.client.modules(await ctx.object_id())
    ctx.emit_json(
        [
            {
                "devid": m.devid,
                "name": m.name,
                "title": m.title,
                "version": m.version,
                "online": m.online,
            }
            for m in modules
        ]
    )
    return EXIT_OK


async def _cmd_prime(ctx: CliContext) -> int:
    """Print ``{"P4.v1": 58.5, …}`` of one module."""
    snapshot = await ctx.client.prime([ctx.args.module])
    values = snapshot.values(ctx.args.module)
    ctx.emit_json(dict(sorted(values.items())))
    return EXIT_OK


def _format_value(value: Any) -> str:
    """Format a register value for the watch output (JSON literal)."""
    return json.dumps(value, ensure_ascii=False)


async def _wait_up(gateway: Gateway) -> None:
    """Wait for the gateway's session; raise its last error when it does not come up."""
    try:
        async with asyncio.timeout(gateway.realtime.connect_timeout * 2):
            await gateway.wait_session_up()
    except TimeoutError as err:
        if gateway.last_error is not None:
            raise gateway.last_error from err
        msg = "the realtime session did not come up"
        raise BragerOneConnectionError(msg) from err


async def _cmd_watch(ctx: CliContext) -> int:
    """Print one line per changed register, ``DEVID P4.v1 = 58.5``, until time is up."""
    devid: str = ctx.args.module
    gateway = Gateway(ctx.client, object_id=await ctx.object_id(), devids=[devid])
    primed = asyncio.Event()

    def on_change(updates: list[ParamUpdate]) -> None:
        if primed.is_set():
            for update in updates:
                ctx.emit_line(
                    f"{update.devid} {update.address} = {_format_value(update.value)}"
                )

    gateway.store.watch(on_change)
    await gateway.start()
    try:
        await _wait_up(gateway)
        primed.set()
        if ctx.args.seconds is None:
            await asyncio.Event().wait()
        else:
            await asyncio.sleep(ctx.args.seconds)
    finally:
        await gateway.stop()
    return EXIT_OK


def _parse_value(text: str) -> Any:
    """Read a value as a JSON literal (``76``, ``40.5``, ``true``); else keep the string."""
    try:
        return json.loads(text)
    except ValueError:
        return text


async def _cmd_set(ctx: CliContext) -> int:
    """Write a raw register value and wait for its echo: ``--address P6.v0 --value 76``.

    Goes through `Gateway.write_raw`, as Home Assistant's raw action does: paced per
    module, confirmed by the pushed change (PROTOCOL.md §2.7, §3.4). Prints
    ``{"ok": true, "module", "address", "value"}`` once the module confirmed it.
    """
    devid: str = ctx.args.module
    try:
        parse_address(ctx.args.address)
    except ValueError as err:
        raise UsageError(str(err)) from err
    value = _parse_value(ctx.args.value)
    gateway = Gateway(ctx.client, object_id=await ctx.object_id(), devids=[devid])
    await gateway.start()
    try:
        await _wait_up(gateway)
        await gateway.write_raw(
            devid, ctx.args.address, value, timeout=ctx.args.confirm_timeout
        )
    finally:
        await gateway.stop()
    ctx.emit_json(
        {"ok": True, "module": devid, "address": ctx.args.address, "value": value}
    )
    return EXIT_OK


async def _cmd_command(ctx: CliContext) -> int:
    """Send a symbolic command: ``--name BOILER_FUEL_RESET_HT [--value 1]``."""
    value = None if ctx.args.value is None else _parse_value(ctx.args.value)
    answer = await ctx.client.send_command(ctx.args.module, ctx.args.name, value)
    ctx.emit_json({"ok": True, "answer": answer})
    return EXIT_OK


def _stamp(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


async def _cmd_alarms(ctx: CliContext) -> int:
    """Print a module's current alarms (``--history``: the ended ones) as JSON (§2.8a)."""
    devid: str = ctx.args.module
    read = ctx.client.alarm_history if ctx.args.history else ctx.client.alarms
    alarms = await read([devid], limit=ctx.args.limit)
    ctx.emit_json(
        [
            {"code": a.code, "started": _stamp(a.started), "ended": _stamp(a.ended)}
            for a in alarms
            if a.devid == devid
        ]
    )
    return EXIT_OK


async def _cmd_activity(ctx: CliContext) -> int:
    """Print a module's recent changes as JSON, newest first, without who made them (§2.8a)."""
    devid: str = ctx.args.module
    rows = await ctx.client.activities([devid], limit=ctx.args.limit)
    ctx.emit_json(
        [
            {
                "id": r.id,
                "parameter": r.token,
                "address": r.address,
                "previous": r.previous,
                "value": r.value,
                "unit": r.unit,
                "state": r.state,
                "created": _stamp(r.created),
            }
            for r in rows
            if r.devid == devid
        ]
    )
    return EXIT_OK


def _args_alarms(parser: argparse.ArgumentParser) -> None:
    _add_module(parser)
    parser.add_argument(
        "--history", action="store_true", help="the ended alarms instead"
    )
    parser.add_argument("--limit", type=int, default=20, help="rows (default 20)")


def _args_activity(parser: argparse.ArgumentParser) -> None:
    _add_module(parser)
    parser.add_argument("--limit", type=int, default=20, help="rows (default 20)")


def _args_watch(parser: argparse.ArgumentParser) -> None:
    _add_module(parser)
    _add_object(parser)
    parser.add_argument("--seconds", type=float, help="stop after this many seconds")


def _args_set(parser: argparse.ArgumentParser) -> None:
    _add_module(parser)
    _add_object(parser)
    parser.add_argument("--address", required=True, help="register address, e.g. P6.v0")
    parser.add_argument(
        "--value", required=True, help="raw value (JSON literal or text)"
    )
    parser.add_argument(
        "--confirm-timeout",
        type=float,
        default=WRITE_CONFIRM_TIMEOUT,
        help=f"seconds to wait for the module's echo (default {WRITE_CONFIRM_TIMEOUT:g})",
    )


def _args_command(parser: argparse.ArgumentParser) -> None:
    _add_module(parser)
    parser.add_argument(
        "--name", required=True, help="command name, e.g. MODULE_RESTART"
    )
    parser.add_argument("--value", help="command value (JSON literal or text)")


for _command in (
    Command(
        name="modules",
        help="list the modules of an object",
        add_arguments=_add_object,
        run=_cmd_modules,
    ),
    Command(
        name="prime",
        help="print the registers of a module",
        add_arguments=_add_module,
        run=_cmd_prime,
    ),
    Command(
        name="watch",
        help="print register changes as they arrive",
        add_arguments=_args_watch,
        run=_cmd_watch,
    ),
    Command(
        name="set",
        help="write a raw register value and wait for its echo",
        add_arguments=_args_set,
        run=_cmd_set,
    ),
    Command(
        name="command",
        help="send a symbolic module command",
        add_arguments=_args_command,
        run=_cmd_command,
    ),
    Command(
        name="alarms",
        help="print a module's current (or ended) alarms",
        add_arguments=_args_alarms,
        run=_cmd_alarms,
    ),
    Command(
        name="activity",
        help="print a module's recent changes (without who made them)",
        add_arguments=_args_activity,
        run=_cmd_activity,
    ),
):
    register_command(_command)


# --- plumbing ------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser with every registered command."""
    parser = argparse.ArgumentParser(
        prog="python -m custom_components.bragerone.api",
        description=f"BragerOne client. Credentials from ${ENV_EMAIL} and ${ENV_PASSWORD}.",
        epilog=(
            "exit codes: 0 success, 1 other failure, 2 bad arguments, 3 authentication "
            "refused, 4 connection failure, 5 catalogue build failed (describe, dump-assets)"
        ),
    )
    parser.add_argument(
        "--server", choices=sorted(SERVERS), help="cloud (default bragerone)"
    )
    parser.add_argument("--api-url", help="custom API base URL (with --web-url)")
    parser.add_argument("--web-url", help="custom web-app base URL (with --api-url)")
    parser.add_argument(
        "--timeout", type=float, default=8.0, help="REST time limit (s)"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in _COMMANDS.values():
        command.add_arguments(commands.add_parser(command.name, help=command.help))
    return parser


def _server(args: argparse.Namespace) -> Server:
    """Return the server chosen by ``--server`` or ``--api-url``/``--web-url``."""
    if args.api_url or args.web_url:
        if args.server or not (args.api_url and args.web_url):
            msg = "give --api-url and --web-url together, and not with --server"
            raise UsageError(msg)
        return Server.custom(args.api_url, args.web_url)
    return SERVERS[args.server or "bragerone"]


def _credentials() -> tuple[str, str]:
    """Return e-mail and password from the environment."""
    email, password = os.environ.get(ENV_EMAIL), os.environ.get(ENV_PASSWORD)
    if not email or not password:
        msg = f"set {ENV_EMAIL} and {ENV_PASSWORD} in the environment"
        raise UsageError(msg)
    return email, password


def _exit_code(err: BragerOneError) -> int:
    """Map a client error to the CLI's exit code."""
    if isinstance(err, InvalidWriteError):
        return EXIT_USAGE
    if isinstance(err, AuthenticationError):
        return EXIT_AUTH
    if isinstance(err, BragerOneConnectionError):
        return EXIT_CONNECTION
    if isinstance(err, ApiError):
        if err.transient:
            return EXIT_CONNECTION
        if err.status in {400, 404, 422}:
            return EXIT_USAGE
    return EXIT_FAILURE


async def run(args: argparse.Namespace, out: TextIO) -> int:
    """Run the parsed command; return the exit code (errors go to stderr)."""
    command = _COMMANDS[args.command]
    try:
        if command.run_offline is not None:
            code = await command.run_offline(args, out)
            if code is not None:
                return code
        server = _server(args)
        email, password = _credentials()
        async with aiohttp.ClientSession() as session:
            client = BragerOneClient(
                email,
                password,
                server=server,
                session=session,
                request_timeout=args.timeout,
            )
            await client.access_token()
            return await command.run(CliContext(client=client, args=args, out=out))
    except UsageError as err:
        sys.stderr.write(f"error: {err}\n")
        return EXIT_USAGE
    except BragerOneError as err:
        sys.stderr.write(f"error: {err}\n")
        return _exit_code(err)


def main(argv: Sequence[str] | None = None) -> int:
    """Parse `argv`, run the command and return the exit code (argparse errors exit 2)."""
    for name in EXTENSION_MODULES:
        importlib.import_module(name)
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    with contextlib.suppress(KeyboardInterrupt):
        return asyncio.run(run(args, sys.stdout))
    return EXIT_OK
