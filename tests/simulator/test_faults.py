"""Every fault knob of the simulator acts (one test each), over real loopback sockets."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
import json
import shutil
import subprocess

import aiohttp
import pytest

from simulator import MALFORMED_KINDS, Faults, Simulator
from simulator.modules import MODULES
from tests.simulator.conftest import Recorder, api, bound_socket, login

BOILER, MIXER = MODULES[0].devid, MODULES[1].devid
CHANGE = "app:modules:parameters:change"

type Make = Callable[[], Recorder]


async def test_zombie_sockets_stay_connected_but_get_nothing(
    sim: Simulator, http: aiohttp.ClientSession, recorder_factory: Make
) -> None:
    recorder, _ = await bound_socket(http, sim, recorder_factory)
    sim.faults.zombie = True
    await sim.set(BOILER, "P4.v1", 60.0)
    await sim.emit_memory_changed(BOILER)
    await sim.set_module_online(MIXER, online=False)
    sim.faults.zombie = False
    await recorder.barrier(sim)
    assert [name for name, _ in recorder.events] == ["test:barrier"]
    assert recorder.client.connected
    assert recorder.sid in sim.sessions()
    await sim.set(BOILER, "P4.v1", 61.0)
    await recorder.wait_event(CHANGE)


async def test_ignore_binds_answers_200_and_binds_nothing(
    sim: Simulator, http: aiohttp.ClientSession, recorder_factory: Make
) -> None:
    sim.faults.ignore_binds = True
    recorder, _ = await bound_socket(http, sim, recorder_factory)  # asserts the 200
    assert sim.sessions()[recorder.sid].bound == set()
    await sim.set(BOILER, "P4.v1", 60.0)
    await recorder.barrier(sim)
    assert recorder.of(CHANGE) == []
    assert sim.stats.ignored_binds == 1


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (401, "E_UNAUTHORIZED"),
        (403, "E_FORBIDDEN"),
        (408, "E_DISPATCH_EVENT_TIMEOUT"),
        (500, "E_INTERNAL_SERVER_ERROR"),
        (502, "E_BAD_GATEWAY"),
        (503, "E_SERVICE_UNAVAILABLE"),
    ],
)
async def test_error_rules_answer_json_errors(
    sim: Simulator, http: aiohttp.ClientSession, status: int, code: str
) -> None:
    token = await login(http, sim)
    sim.faults.fail("modules/parameters", status)
    for _ in range(2):  # times=None: until cleared
        got, body = await api(
            http,
            sim,
            "POST",
            "modules/parameters",
            token=token,
            json={"modules": sim.devids},
        )
        assert got == status
        assert body["status"] == code
        assert body["message"]
    assert (await api(http, sim, "GET", "user", token=token))[0] == 200
    sim.faults.clear()
    got, _ = await api(
        http,
        sim,
        "POST",
        "modules/parameters",
        token=token,
        json={"modules": sim.devids},
    )
    assert got == 200


@pytest.mark.parametrize("status", [502, 503])
async def test_error_rules_with_html_and_times(
    sim: Simulator, http: aiohttp.ClientSession, status: int
) -> None:
    token = await login(http, sim)
    sim.faults.fail("modules", status, html=True, times=2)
    for _ in range(2):
        async with http.get(
            f"{sim.api_url}/v1/modules", headers={"Authorization": f"Bearer {token}"}
        ) as response:
            assert response.status == status
            assert response.content_type == "text/html"
            assert f"<h1>{status} " in await response.text()
    assert (await api(http, sim, "GET", "modules", token=token))[0] == 200
    assert sim.faults.errors == []


async def test_error_rule_globs_and_custom_code(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    token = await login(http, sim)
    sim.faults.fail("module/command*", 408, code="E_CUSTOM")
    for path, body in (
        (
            "module/command",
            {"devid": BOILER, "pool": "P6", "parameter": "v0", "value": 70},
        ),
        ("module/command/raw", {"devid": BOILER, "command": "MODULE_RESTART"}),
    ):
        status, answer = await api(http, sim, "POST", path, token=token, json=body)
        assert (status, answer["status"]) == (408, "E_CUSTOM")
    assert sim.get(BOILER, "P6.v0") == 73
    sim.faults.fail("auth/user", 503, times=1)
    assert (await api(http, sim, "POST", "auth/user", json={}))[0] == 503
    assert await login(http, sim)


async def test_login_dup_entry(sim: Simulator, http: aiohttp.ClientSession) -> None:
    sim.faults.login_dup_entry = 2
    credentials = {"email": sim.email, "password": sim.password}
    for _ in range(2):
        status, body = await api(http, sim, "POST", "auth/user", json=credentials)
        assert status == 500
        assert "ER_DUP_ENTRY" in body["message"]
        assert "Duplicate entry" in body["message"]
    status, _ = await api(http, sim, "POST", "auth/user", json=credentials)
    assert status == 200
    assert sim.stats.logins == 1


async def test_latency_delays_answers_on_matching_paths(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    sim.faults.latency = 1.0
    sim.faults.latency_paths = ["system/*"]
    short = aiohttp.ClientTimeout(total=0.2)
    with pytest.raises(TimeoutError):
        async with http.get(f"{sim.api_url}/v1/system/version", timeout=short):
            pass
    # other paths are not delayed
    async with http.post(
        f"{sim.api_url}/v1/auth/user",
        json={"email": sim.email, "password": sim.password},
        timeout=aiohttp.ClientTimeout(total=5),
    ) as response:
        assert response.status == 200
    sim.faults.latency = 0.0
    async with http.get(
        f"{sim.api_url}/v1/system/version", timeout=aiohttp.ClientTimeout(total=5)
    ) as response:
        assert response.status == 200


async def test_degraded_modules(sim: Simulator, http: aiohttp.ClientSession) -> None:
    token = await login(http, sim)
    sim.faults.degraded_modules = True
    _, body = await api(http, sim, "GET", "modules", token=token)
    boiler, mixer = body["data"]
    assert boiler["gateway"] == {}
    assert mixer["gateway"] is None
    for row in (boiler, mixer):
        assert row["connectedAt"] is None
        assert row["moduleAddress"] is None
        assert row["moduleInterface"] is None
        assert row["moduleVersion"] is None
        assert row["devid"]  # identity survives
    sim.faults.degraded_modules = False
    _, body = await api(http, sim, "GET", "modules", token=token)
    assert body["data"][0]["connectedAt"] > 0


async def test_bundle_broken(sim: Simulator, http: aiohttp.ClientSession) -> None:
    sim.faults.bundle = "broken"
    index = sim.bundle.index_path
    async with http.get(f"{sim.web_url}/") as response:
        assert index.lstrip("/") in await response.text()  # the page still points at it
    async with http.get(f"{sim.web_url}{index}") as response:
        assert response.status == 200
        body = await response.text()
    original = sim.bundle.files[index]
    assert body != original
    assert len(body) < len(original) + 20
    node = shutil.which("node")
    if node is not None:
        checked = subprocess.run(  # noqa: S603 - a short, bounded syntax check
            [node, "--check", "--input-type=module"],
            input=body,
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        assert checked.returncode != 0


async def test_bundle_empty(sim: Simulator, http: aiohttp.ClientSession) -> None:
    sim.faults.bundle = "empty"
    index = sim.bundle.index_path
    async with http.get(f"{sim.web_url}/") as response:
        html = await response.text()
    assert "<html" in html
    assert index.lstrip("/") not in html
    assert "/assets/" not in html
    for path in sim.bundle.files:
        if path.endswith(".js"):
            async with http.get(f"{sim.web_url}{path}") as response:
                assert response.status == 200
                assert await response.text() == ""
    sim.faults.bundle = None
    async with http.get(f"{sim.web_url}/") as response:
        assert index.lstrip("/") in await response.text()


@pytest.mark.parametrize("kind", MALFORMED_KINDS)
async def test_malformed_frames_arrive_and_the_server_survives(
    sim: Simulator, http: aiohttp.ClientSession, recorder_factory: Make, kind: str
) -> None:
    recorder, _ = await bound_socket(http, sim, recorder_factory)
    await sim.send_malformed(kind)
    await recorder.barrier(sim)
    frames = recorder.events[:-1]
    assert frames, kind
    match kind:
        case "unknown_channel":
            keys = set(frames[0][1][BOILER]["P4"])
            assert {"z5", "v", "vx1", "11"} <= keys
        case "unknown_devid":
            assert list(frames[0][1]) == ["NOSUCHDEV1"]
        case "non_numeric":
            entries = frames[0][1][BOILER]["P4"]
            assert entries["v1"]["value"] == "abc"
            assert entries["v2"]["value"] == [1, 2]
        case "oversized":
            (payload,) = [data for _, data in frames]
            assert len(payload[BOILER]["P4"]) >= 20_000
            assert len(json.dumps(payload)) > 1_000_000
        case "not_json_object":
            assert any(not isinstance(data, dict) for _, data in frames)
        case "unknown_event":
            assert {name for name, _ in frames} == {"app:modules:something:new", 99}
        case "wrong_nesting":
            assert any(isinstance(data, list) for _, data in frames)
    # the server still works for this socket
    before = len(recorder.of(CHANGE))
    await sim.set(BOILER, "P4.v1", 62.5)
    payloads = await recorder.wait_event(CHANGE, before + 1)
    entry = payloads[-1][BOILER]["P4"]["v1"]
    assert (entry["value"] if isinstance(entry, dict) else entry) == 62.5


async def test_send_malformed_rejects_unknown_kinds(sim: Simulator) -> None:
    with pytest.raises(ValueError, match="unknown malformed kind"):
        await sim.send_malformed("nope")


def test_fault_specs_from_the_command_line() -> None:
    faults = Faults()
    for spec in (
        "zombie",
        "ignore-binds",
        "degraded_modules",
        "bundle=empty",
        "latency=0.5@modules/*,user",
        "login_dup_entry=3",
        "listen_delay=1.5",
        "hide_module=MXHTQ7KD2A",
        "echo_delay=FTTCTBSLCE:2.5",
        "fail=modules/parameters:503:html:times=2",
        "fail=module/command*:408:code=E_DISPATCH_EVENT_TIMEOUT",
    ):
        faults.apply(spec)
    assert faults.zombie
    assert faults.ignore_binds
    assert faults.degraded_modules
    assert faults.bundle == "empty"
    assert (faults.latency, faults.latency_paths) == (0.5, ["modules/*", "user"])
    assert faults.latency_for("modules/parameters") == 0.5
    assert faults.latency_for("objects") == 0.0
    assert faults.login_dup_entry == 3
    assert faults.listen_delay == 1.5
    assert faults.hidden_modules == {"MXHTQ7KD2A"}
    assert faults.echo_delays == {"FTTCTBSLCE": 2.5}
    command, prime = faults.errors
    assert (prime.endpoint, prime.status, prime.html, prime.times) == (
        "modules/parameters",
        503,
        True,
        2,
    )
    assert (command.endpoint, command.code) == (
        "module/command*",
        "E_DISPATCH_EVENT_TIMEOUT",
    )
    for bad in (
        "nope",
        "bundle=weird",
        "fail=modules",
        "fail=modules:503:loud",
        "latency",
    ):
        with pytest.raises(ValueError, match="fault"):
            faults.apply(bad)
    faults.clear()
    assert faults == Faults()


async def test_faults_survive_restart(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    sim.faults.fail("user", 503)
    await sim.restart()
    token = await login(http, sim)
    assert (await api(http, sim, "GET", "user", token=token))[0] == 503
    await asyncio.sleep(0)
