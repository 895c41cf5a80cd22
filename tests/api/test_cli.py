"""The command-line tool, run as ``python -m custom_components.bragerone.api``."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
import io
import json
import os
from pathlib import Path
import signal
import sys

import pytest

from custom_components.bragerone.api import (
    ApiError,
    BragerOneConnectionError,
    Gateway,
)
from custom_components.bragerone.api.cli import (
    ENV_EMAIL,
    ENV_PASSWORD,
    _object_choice,
    _server,
    _wait_up,
    build_parser,
    run,
)
from custom_components.bragerone.api.const import BRAGERONE, TISCONNECT
from simulator import Simulator

from .conftest import BOILER, MIXER, wait_for

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Result:
    """What a CLI run left behind."""

    code: int
    out: str
    err: str


async def start_cli(
    *args: str,
    sim: Simulator | None = None,
    env: dict[str, str] | None = None,
) -> asyncio.subprocess.Process:
    """Start the CLI in a subprocess (the simulator keeps serving in this loop)."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("BRAGERONE_")}
    if sim is not None:
        environ |= {"BRAGERONE_EMAIL": sim.email, "BRAGERONE_PASSWORD": sim.password}
        args = ("--api-url", sim.api_url, "--web-url", sim.web_url, *args)
    environ |= env or {}
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "custom_components.bragerone.api",
        *args,
        cwd=ROOT,
        env=environ,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def run_cli(
    *args: str,
    sim: Simulator | None = None,
    env: dict[str, str] | None = None,
) -> Result:
    """Run the CLI in a subprocess and wait for it."""
    process = await start_cli(*args, sim=sim, env=env)
    async with asyncio.timeout(30):
        out, err = await process.communicate()
    assert process.returncode is not None
    return Result(process.returncode, out.decode(), err.decode())


async def test_prime_prints_the_module_registers(sim: Simulator) -> None:
    result = await run_cli("prime", "--module", MIXER, sim=sim)
    assert result.code == 0, result.err
    assert json.loads(result.out) == sim.registers(MIXER)


async def test_modules_lists_the_only_object(sim: Simulator) -> None:
    result = await run_cli("modules", sim=sim)
    assert result.code == 0, result.err
    rows = json.loads(result.out)
    assert [row["devid"] for row in rows] == [BOILER, MIXER]
    assert rows[0] == {
        "devid": BOILER,
        "name": "Kocioł",
        "title": "HT DasPell GL 37kW",
        "version": "2.08",
        "online": True,
    }
    assert sim.password not in result.out + result.err


async def test_modules_with_explicit_object(sim: Simulator) -> None:
    await sim.set_module_online(MIXER, online=False)
    result = await run_cli("modules", "--object", str(sim.object_id), sim=sim)
    assert result.code == 0, result.err
    assert [row["online"] for row in json.loads(result.out)] == [True, False]


async def test_prime_prints_the_registers(sim: Simulator) -> None:
    result = await run_cli("prime", "--module", BOILER, sim=sim)
    assert result.code == 0, result.err
    assert json.loads(result.out) == sim.registers(BOILER)


async def test_watch_prints_one_line_per_change(sim: Simulator) -> None:
    watch = asyncio.create_task(
        run_cli("watch", "--module", BOILER, "--seconds", "2", sim=sim)
    )
    await wait_for(
        lambda: any(BOILER in s.listening for s in sim.sessions().values()), timeout=15
    )
    await asyncio.sleep(0.2)  # let the CLI finish its prime before the change
    await sim.set_many(BOILER, {"P4.v1": 59.0, "P4.v2": 47.5})
    result = await watch
    assert result.code == 0, result.err
    assert result.out.splitlines() == [
        f"{BOILER} P4.v1 = 59.0",
        f"{BOILER} P4.v2 = 47.5",
    ]


async def test_set_returns_once_the_module_confirmed(sim: Simulator) -> None:
    """``set`` waits for the pushed echo: when it returns, the module has the value."""
    target = sim.get(BOILER, "P6.n0")
    assert sim.get(BOILER, "P6.v0") != target
    result = await run_cli(
        "set", "--module", BOILER, "--address", "P6.v0", "--value", str(target), sim=sim
    )
    assert result.code == 0, result.err
    assert sim.get(BOILER, "P6.v0") == target
    assert json.loads(result.out) == {
        "ok": True,
        "module": BOILER,
        "address": "P6.v0",
        "value": target,
    }


async def test_set_without_an_echo_fails_with_exit_1(sim: Simulator) -> None:
    """A write the module never echoes is reported, not taken for done."""
    sim.faults.zombie = True
    result = await run_cli(
        "set",
        "--module",
        BOILER,
        "--address",
        "P6.v0",
        "--value",
        str(sim.get(BOILER, "P6.n0")),
        "--confirm-timeout",
        "0.5",
        sim=sim,
    )
    assert result.code == 1
    assert "no echo within 0.5 s" in result.err
    assert not result.out


async def test_set_out_of_range_is_refused_with_exit_2(sim: Simulator) -> None:
    high = sim.get(BOILER, "P6.x0")
    result = await run_cli(
        "set",
        "--module",
        BOILER,
        "--address",
        "P6.v0",
        "--value",
        str(high + 5),
        sim=sim,
    )
    assert result.code == 2
    assert f"outside {sim.get(BOILER, 'P6.n0')}..{high}" in result.err
    assert sim.stats.writes == 0  # refused before sending


async def test_set_with_a_bad_address_is_exit_2(sim: Simulator) -> None:
    result = await run_cli(
        "set", "--module", BOILER, "--address", "six", "--value", "1", sim=sim
    )
    assert result.code == 2
    assert sim.stats.writes == 0


async def test_command_sends_a_raw_command(sim: Simulator) -> None:
    await sim.set(BOILER, "P4.v8", 5)
    result = await run_cli(
        "command",
        "--module",
        BOILER,
        "--name",
        "BOILER_FUEL_RESET_HT",
        "--value",
        "1",
        sim=sim,
    )
    assert result.code == 0, result.err
    await wait_for(lambda: sim.get(BOILER, "P4.v8") == 100)
    assert sim.stats.commands[-1]["value"] == 1


async def test_wrong_password_exits_3(sim: Simulator) -> None:
    result = await run_cli(
        "modules", sim=sim, env={"BRAGERONE_PASSWORD": "nope-secret"}
    )
    assert result.code == 3
    assert "nope-secret" not in result.out + result.err


async def test_unreachable_server_exits_4() -> None:
    async with Simulator(tick_interval=None) as gone:
        api, web = gone.api_url, gone.web_url
    env = {"BRAGERONE_EMAIL": "a@b.c", "BRAGERONE_PASSWORD": "x"}
    result = await run_cli("--api-url", api, "--web-url", web, "modules", env=env)
    assert result.code == 4


async def test_server_error_page_exits_4(sim: Simulator) -> None:
    sim.faults.fail("modules", 503, html=True)
    result = await run_cli("modules", "--object", str(sim.object_id), sim=sim)
    assert result.code == 4
    assert "<html" not in result.err


async def test_bad_arguments_exit_2(sim: Simulator) -> None:
    missing_env = await run_cli(
        "--api-url", sim.api_url, "--web-url", sim.web_url, "modules"
    )
    assert missing_env.code == 2
    assert "BRAGERONE_EMAIL" in missing_env.err
    half_server = await run_cli("--api-url", sim.api_url, "modules")
    assert half_server.code == 2
    no_command = await run_cli(sim=sim)
    assert no_command.code == 2
    unknown_server = await run_cli("--server", "elsewhere", "modules")
    assert unknown_server.code == 2


# --- in this process (quick; the simulator serves on the same loop) ------------------

type InProcessRunner = Callable[..., Awaitable[Result]]


@pytest.fixture
def run_here(
    sim: Simulator, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> InProcessRunner:
    """Return a runner of CLI commands in this process against the simulator."""
    monkeypatch.setenv(ENV_EMAIL, sim.email)
    monkeypatch.setenv(ENV_PASSWORD, sim.password)

    async def runner(*argv: str) -> Result:
        capsys.readouterr()
        args = build_parser().parse_args(
            ["--api-url", sim.api_url, "--web-url", sim.web_url, *argv]
        )
        out = io.StringIO()
        code = await run(args, out)
        return Result(code, out.getvalue(), capsys.readouterr().err)

    return runner


async def test_several_objects_need_an_explicit_object(
    sim: Simulator, run_here: InProcessRunner
) -> None:
    sim.extra_objects.append({"id": 4242, "name": "Domek letni"})
    result = await run_here("modules")
    assert result.code == 2
    assert result.out == ""
    assert "pick one with --object" in result.err
    assert f"{sim.object_id} (" in result.err
    assert "4242 (Domek letni)" in result.err
    chosen = await run_here("modules", "--object", str(sim.object_id))
    assert chosen.code == 0, chosen.err
    assert [row["devid"] for row in json.loads(chosen.out)] == [BOILER, MIXER]


def test_an_account_without_objects_is_explained() -> None:
    assert _object_choice([]) == "the account has no objects"


async def test_a_command_value_that_is_not_json_is_sent_as_text(
    sim: Simulator, run_here: InProcessRunner
) -> None:
    await sim.set(MIXER, "P5.s0", 0)
    result = await run_here(
        "command", "--module", MIXER, "--name", "CIRCUIT_PUMP_TEST", "--value", "on"
    )
    assert result.code == 0, result.err
    assert json.loads(result.out)["ok"] is True
    assert sim.stats.commands[-1] == {
        "devid": MIXER,
        "command": "CIRCUIT_PUMP_TEST",
        "value": "on",
    }
    await wait_for(lambda: sim.get(MIXER, "P5.s0") == 1 << 4)


async def test_a_server_error_outside_the_known_classes_exits_1(
    sim: Simulator, run_here: InProcessRunner
) -> None:
    sim.faults.fail("modules", 403)
    result = await run_here("modules", "--object", str(sim.object_id))
    assert result.code == 1
    assert "403" in result.err
    assert result.out == ""


async def test_an_unreadable_answer_exits_1(
    captive_portal: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv(ENV_EMAIL, "a@b.c")
    monkeypatch.setenv(ENV_PASSWORD, "secret")
    args = build_parser().parse_args(
        ["--api-url", captive_portal, "--web-url", captive_portal, "modules"]
    )
    out = io.StringIO()
    assert await run(args, out) == 1
    assert "not JSON" in capsys.readouterr().err
    assert out.getvalue() == ""


def test_the_server_defaults_to_bragerone_and_can_be_named() -> None:
    parser = build_parser()
    assert _server(parser.parse_args(["modules"])) == BRAGERONE
    assert _server(parser.parse_args(["--server", "tisconnect", "modules"])) == (
        TISCONNECT
    )


async def test_waiting_for_a_session_that_never_binds_raises_the_bind_error(
    sim: Simulator, make_gateway: Callable[..., Awaitable[Gateway]]
) -> None:
    sim.faults.fail("modules/connect", 400)
    gateway = await make_gateway(connect_timeout=0.3)
    with pytest.raises(ApiError) as info:
        await _wait_up(gateway)
    assert info.value.status == 400


async def test_waiting_for_a_session_that_never_primes_is_a_connection_error(
    sim: Simulator, make_gateway: Callable[..., Awaitable[Gateway]]
) -> None:
    sim.faults.fail("modules/parameters", 400)
    gateway = await make_gateway(connect_timeout=0.3)
    with pytest.raises(BragerOneConnectionError, match="did not come up"):
        await _wait_up(gateway)
    assert gateway.stats.binds >= 1


async def test_watch_without_a_time_limit_runs_until_interrupted(
    sim: Simulator,
) -> None:
    process = await start_cli("watch", "--module", MIXER, sim=sim)
    assert process.stdout is not None
    await wait_for(
        lambda: any(MIXER in s.listening for s in sim.sessions().values()), timeout=15
    )
    await asyncio.sleep(0.2)  # let the CLI finish its prime before the change
    await sim.set(MIXER, "P4.v1", 23.5)
    async with asyncio.timeout(10):
        line = await process.stdout.readline()
    assert line.decode().strip() == f"{MIXER} P4.v1 = 23.5"
    process.send_signal(signal.SIGINT)
    async with asyncio.timeout(15):
        _, err = await process.communicate()
    assert process.returncode == 0, err.decode()
    assert "Traceback" not in err.decode()
    await wait_for(lambda: not sim.sessions())


async def test_alarms_and_activity_print_what_the_controller_reports(
    sim: Simulator,
) -> None:
    """Current and ended alarms by code; changes with raw values and nobody's name."""
    sim.alarm_log.raise_alarm(BOILER, 38)
    sim.alarm_log.raise_alarm(BOILER, 7)
    sim.alarm_log.end_alarm(BOILER, 7)
    await sim.write_as_other_user(BOILER, "P6.v0", 70)
    current = await run_cli("alarms", "--module", BOILER, sim=sim)
    assert current.code == 0, current.err
    ((alarm),) = json.loads(current.out)
    assert (alarm["code"], alarm["ended"]) == (38, None)
    ended = await run_cli("alarms", "--module", BOILER, "--history", sim=sim)
    assert [a["code"] for a in json.loads(ended.out)] == [7]
    activity = await run_cli("activity", "--module", BOILER, sim=sim)
    assert activity.code == 0, activity.err
    (row,) = json.loads(activity.out)
    assert (row["address"], row["value"], row["state"]) == ("P6.v0", 70, "success")
    assert "user" not in activity.out
    assert "Kowalsk" not in activity.out
