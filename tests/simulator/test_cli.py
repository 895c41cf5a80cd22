"""``python -m simulator`` as a subprocess: JSON line first, then it serves until SIGTERM."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
import contextlib
import json
from pathlib import Path
import signal
import sys
from typing import Any

import aiohttp
import pytest

from simulator.modules import DEMO_EMAIL, MODULES, OBJECT_ID

ROOT = Path(__file__).resolve().parents[2]


@contextlib.asynccontextmanager
async def simulator_process(
    *args: str,
) -> AsyncIterator[tuple[asyncio.subprocess.Process, dict[str, Any]]]:
    """Start ``python -m simulator --port 0 ...``; yield it and its first-line JSON."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "simulator",
        "--port",
        "0",
        *args,
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        async with asyncio.timeout(30):
            line = await process.stdout.readline()
        yield process, json.loads(line)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


async def test_cli_prints_json_and_serves_until_sigterm() -> None:
    async with simulator_process("--tick", "0.1", "--write-delay", "0") as (
        process,
        info,
    ):
        assert info["email"] == DEMO_EMAIL
        assert set(info) == {
            "api_url",
            "web_url",
            "email",
            "password",
            "object_id",
            "modules",
        }
        assert info["object_id"] == OBJECT_ID
        assert info["modules"] == [m.devid for m in MODULES]
        assert info["api_url"].startswith("http://127.0.0.1:")
        assert not info["api_url"].endswith(":8400")
        async with aiohttp.ClientSession() as http:
            async with http.get(
                f"{info['api_url']}/v1/system/version?container=BragerOne&platform=0"
            ) as response:
                assert response.status == 200
                assert (await response.json())["version"]["devMode"] is False
            async with http.post(
                f"{info['api_url']}/v1/auth/user",
                json={"email": info["email"], "password": info["password"]},
            ) as response:
                assert response.status == 200
            async with http.get(f"{info['web_url']}/") as response:
                assert response.status == 200
        process.send_signal(signal.SIGTERM)
        assert process.stdout is not None
        async with asyncio.timeout(30):
            rest = (await process.stdout.read()).decode()
            assert await process.wait() == 0
        assert info["api_url"] in rest
        assert "advanced" in rest


async def test_cli_applies_faults() -> None:
    async with simulator_process(
        "--tick", "0", "--fault", "fail=system/version:503:html"
    ) as (process, info):
        async with (
            aiohttp.ClientSession() as http,
            http.get(f"{info['api_url']}/v1/system/version") as response,
        ):
            assert response.status == 503
            assert response.content_type == "text/html"
        process.send_signal(signal.SIGINT)
        async with asyncio.timeout(30):
            assert await process.wait() == 0


@pytest.mark.parametrize("fault", ["nope", "fail=modules"])
async def test_cli_rejects_unknown_faults(fault: str) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "simulator",
        "--port",
        "0",
        "--fault",
        fault,
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    async with asyncio.timeout(30):
        out, err = await process.communicate()
    assert process.returncode == 2
    assert out == b""
    assert b"fault" in err
