"""The simulator's REST API and web host, over real HTTP on 127.0.0.1."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import aiohttp
import pytest

from simulator import Simulator
from simulator.modules import MODULES, OBJECT_ID
from tests.simulator.conftest import api, auth, login, wait_until

BOILER, MIXER = MODULES[0].devid, MODULES[1].devid

AUTHENTICATED = [
    ("GET", "user"),
    ("GET", "user/permissions"),
    ("GET", "objects"),
    ("GET", f"objects/{OBJECT_ID}"),
    ("GET", f"objects/{OBJECT_ID}/permissions"),
    ("GET", f"modules?page=1&limit=999&group_id={OBJECT_ID}"),
    ("GET", f"modules/{BOILER}/card"),
    ("POST", "modules/connect"),
    ("POST", "modules/parameters"),
    ("POST", "modules/activity/quantity"),
    ("POST", "module/command"),
    ("POST", "module/command/raw"),
    ("POST", "auth/revoke"),
]

MODULE_FIELDS = {
    "devid",
    "id",
    "name",
    "moduleTitle",
    "moduleVersion",
    "moduleAddress",
    "moduleInterface",
    "gateway",
    "deviceMenu",
    "deviceLanguageVariant",
    "permissions",
    "parameterSchemas",
    "devices",
    "services",
    "moduleServices",
    "acceptedAt",
    "connectedAt",
    "isAcceptedAt",
    "isConnectedAt",
    "moduleAlarms",
}


def unwrap(body: Any, *keys: str) -> list[Any]:
    """Return the list inside whichever envelope the seed chose."""
    if isinstance(body, list):
        return body
    for key in keys:
        if key in body:
            value = body[key]
            assert isinstance(value, list)
            return value
    pytest.fail(f"no list under {keys} in {body!r}")


async def test_system_version_needs_no_token(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    status, body = await api(
        http, sim, "GET", "system/version?container=BragerOne&platform=0"
    )
    assert status == 200
    assert body["version"]["devMode"] is False
    assert body["version"]["version"].startswith("1.0.")
    assert body["version"]["version"][4:].isdigit()


async def test_login_envelope(sim: Simulator, http: aiohttp.ClientSession) -> None:
    status, body = await api(
        http,
        sim,
        "POST",
        "auth/user",
        json={"email": sim.email, "password": sim.password},
    )
    assert status == 200
    assert body["type"] == "bearer"
    assert body["accessToken"]
    assert body["refreshToken"]
    assert body["expiresAt"].endswith("Z")
    expires = datetime.fromisoformat(body["expiresAt"])
    assert expires > datetime.now(UTC)
    assert body["user"]["email"] == sim.email
    assert body["objects"][0]["id"] == OBJECT_ID
    assert sim.stats.logins == 1


@pytest.mark.parametrize(
    "credentials",
    [
        {"email": "demo@example.com", "password": "wrong"},
        {"email": "nobody@example.com", "password": "demo-password"},
        {"email": "demo@example.com"},
    ],
)
async def test_login_refused_with_json_401(
    sim: Simulator, http: aiohttp.ClientSession, credentials: dict[str, str]
) -> None:
    status, body = await api(http, sim, "POST", "auth/user", json=credentials)
    assert status == 401
    assert body["status"] == "E_INVALID_CREDENTIALS"
    assert body["message"]


async def test_login_with_non_json_body_is_400(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    async with http.post(f"{sim.api_url}/v1/auth/user", data=b"{not json") as response:
        assert response.status == 400
        assert (await response.json())["status"] == "E_INVALID_BODY"


@pytest.mark.parametrize(("method", "path"), AUTHENTICATED)
async def test_authenticated_endpoints_refuse_missing_and_wrong_tokens(
    sim: Simulator, http: aiohttp.ClientSession, method: str, path: str
) -> None:
    for token in (None, "not-a-token"):
        status, body = await api(http, sim, method, path, token=token, json={})
        assert status == 401, (path, token)
        assert body["status"] == "E_UNAUTHORIZED"


async def test_revoked_tokens_are_refused(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    first = await login(http, sim)
    second = await login(http, sim)
    assert (await api(http, sim, "GET", "user", token=first))[0] == 200
    status, _ = await api(http, sim, "POST", "auth/revoke", token=first)
    assert status == 200
    assert (await api(http, sim, "GET", "user", token=first))[0] == 401
    assert (await api(http, sim, "GET", "user", token=second))[0] == 200
    sim.revoke_tokens()
    assert (await api(http, sim, "GET", "user", token=second))[0] == 401
    third = await login(http, sim)
    assert (await api(http, sim, "GET", "user", token=third))[0] == 200


async def test_expired_tokens_are_refused(http: aiohttp.ClientSession) -> None:
    async with Simulator(token_lifetime=0.0) as sim:
        token = await login(http, sim)
        status, body = await api(http, sim, "GET", "user", token=token)
        assert status == 401
        assert body["status"] == "E_UNAUTHORIZED"


async def test_change_password_refuses_the_old_one(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    old = sim.password
    sim.change_password("new-secret")
    status, _ = await api(
        http, sim, "POST", "auth/user", json={"email": sim.email, "password": old}
    )
    assert status == 401
    status, _ = await api(
        http,
        sim,
        "POST",
        "auth/user",
        json={"email": sim.email, "password": "new-secret"},
    )
    assert status == 200


async def test_user_has_every_field(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    token = await login(http, sim)
    status, body = await api(http, sim, "GET", "user", token=token)
    assert status == 200
    assert set(body["user"]) == {
        "id",
        "name",
        "email",
        "language",
        "allow_email_type_informations",
        "allow_email_type_alarms",
        "allow_email_type_marketing",
        "allow_email_type_warnings",
        "activated_at",
        "show_rate_us_modal",
    }


@pytest.mark.parametrize("seed", [0, 1])
async def test_permissions_in_both_envelopes(
    http: aiohttp.ClientSession, seed: int
) -> None:
    async with Simulator(seed=seed) as sim:
        token = await login(http, sim)
        for path in ("user/permissions", f"objects/{OBJECT_ID}/permissions"):
            status, body = await api(http, sim, "GET", path, token=token)
            assert status == 200
            assert isinstance(body, list if seed % 2 else dict)
            names = unwrap(body, "permissions")
            assert "DISPLAY_MENU_DHW" in names
            assert "DISPLAY_PARAMETER_LEVEL_MAX" not in names


@pytest.mark.parametrize(("seed", "envelope"), [(0, "data"), (1, "objects"), (2, None)])
async def test_objects_envelope_varies_per_seed(
    http: aiohttp.ClientSession, seed: int, envelope: str | None
) -> None:
    async with Simulator(seed=seed) as sim:
        token = await login(http, sim)
        status, body = await api(http, sim, "GET", "objects", token=token)
        assert status == 200
        if envelope is None:
            assert isinstance(body, list)
        else:
            assert list(body) == [envelope]
        (row,) = unwrap(body, "data", "objects")
        assert row["id"] == OBJECT_ID
        assert set(row) >= {"name", "addressCountry", "addressCity", "addressPostCode"}


async def test_object_and_unknown_object(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    token = await login(http, sim)
    status, body = await api(http, sim, "GET", f"objects/{OBJECT_ID}", token=token)
    assert status == 200
    assert body["object"]["id"] == OBJECT_ID
    assert body["status"] == "SUCCESS"
    for other in ("1", "abc"):
        status, body = await api(http, sim, "GET", f"objects/{other}", token=token)
        assert status == 404
        assert body["status"] == "E_OBJECT_NOT_FOUND"


@pytest.mark.parametrize("seed", [0, 2])
async def test_modules_listing_has_every_field(
    http: aiohttp.ClientSession, seed: int
) -> None:
    async with Simulator(seed=seed) as sim:
        token = await login(http, sim)
        status, body = await api(
            http,
            sim,
            "GET",
            f"modules?page=1&limit=999&group_id={OBJECT_ID}",
            token=token,
        )
        assert status == 200
        assert isinstance(body, list if seed == 2 else dict)
        rows = unwrap(body, "data")
        assert [row["devid"] for row in rows] == sim.devids
        for row, spec in zip(rows, MODULES, strict=True):
            assert set(row) == MODULE_FIELDS
            assert row["connectedAt"] > 1_600_000_000
            assert row["deviceMenu"] == spec.device_menu
            assert row["moduleTitle"] == spec.title
            assert set(row["gateway"]) == {"address", "interface", "version"}
            assert row["permissions"] == list(spec.permissions)
        status, body = await api(http, sim, "GET", "modules?group_id=1", token=token)
        assert unwrap(body, "data") == []


async def test_offline_module_has_zero_connected_at(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    token = await login(http, sim)
    await sim.set_module_online(MIXER, online=False)
    _, body = await api(http, sim, "GET", "modules", token=token)
    rows = {row["devid"]: row for row in unwrap(body, "data")}
    assert rows[MIXER]["connectedAt"] == 0
    assert rows[MIXER]["isConnectedAt"] is None
    assert rows[BOILER]["connectedAt"] > 0


async def test_module_card_carries_personal_data(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    token = await login(http, sim)
    status, body = await api(http, sim, "GET", f"modules/{BOILER}/card", token=token)
    assert status == 200
    assert body["moduleId"] == MODULES[0].db_id
    assert body["clientFullName"]
    assert body["clientPhoneNumber"].startswith("+48")
    for devid in (MIXER, "NOSUCHDEV1"):
        status, _ = await api(http, sim, "GET", f"modules/{devid}/card", token=token)
        assert status == 404


async def test_prime_snapshot_mixes_entry_forms(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    token = await login(http, sim)
    status, body = await api(
        http,
        sim,
        "POST",
        "modules/parameters",
        token=token,
        json={"modules": [BOILER, MIXER, "NOSUCHDEV1"]},
    )
    assert status == 200
    assert set(body) == {BOILER, MIXER}
    forms: set[str] = set()
    for devid, pools in body.items():
        registers = sim.registers(devid)
        for pool, entries in pools.items():
            assert pool.startswith("P")
            for key, entry in entries.items():
                address = f"{pool}.{key}"
                if isinstance(entry, dict) and "value" not in entry:
                    forms.add("meta-only")
                    assert address not in registers
                    continue
                value = entry["value"] if isinstance(entry, dict) else entry
                forms.add("object" if isinstance(entry, dict) else "scalar")
                assert value == registers[address]
                if isinstance(entry, dict):
                    assert isinstance(entry["updatedAt"], int)
                    assert isinstance(entry["createdAt"], int)
                    assert entry["storable"] in {0, 1}
    assert forms == {"object", "scalar", "meta-only"}
    # the two modules share pool and index numbers but not values
    assert body[BOILER]["P4"].keys() & body[MIXER]["P4"].keys()
    assert sim.stats.primes == 1


async def test_prime_needs_a_modules_list(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    token = await login(http, sim)
    status, body = await api(
        http, sim, "POST", "modules/parameters", token=token, json={}
    )
    assert status == 400
    assert body["status"] == "E_VALIDATION"


@pytest.mark.parametrize("seed", [0, 1])
async def test_activity_quantity(http: aiohttp.ClientSession, seed: int) -> None:
    async with Simulator(seed=seed) as sim:
        token = await login(http, sim)
        status, body = await api(
            http,
            sim,
            "POST",
            "modules/activity/quantity",
            token=token,
            json={"modules": sim.devids},
        )
        if seed % 2:
            assert status == 204
            assert body is None
        else:
            assert status == 200
            assert set(body["activityQuantity"]) == set(sim.devids)


async def test_connect_requires_a_sid(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    token = await login(http, sim)
    status, body = await api(
        http, sim, "POST", "modules/connect", token=token, json={"modules": sim.devids}
    )
    assert status == 400
    assert body["status"] == "E_VALIDATION"


async def test_connect_with_unknown_sid_answers_200_but_binds_nothing(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    token = await login(http, sim)
    status, _ = await api(
        http,
        sim,
        "POST",
        "modules/connect",
        token=token,
        json={"wsid": "stale", "modules": sim.devids},
    )
    assert status == 200
    assert sim.stats.binds == 0
    assert sim.stats.ignored_binds == 1


async def command(
    http: aiohttp.ClientSession,
    sim: Simulator,
    token: str,
    value: Any,
    *,
    address: str = "P6.v0",
    devid: str = BOILER,
) -> tuple[int, Any]:
    pool, parameter = address.split(".")
    return await api(
        http,
        sim,
        "POST",
        "module/command",
        token=token,
        json={"devid": devid, "pool": pool, "parameter": parameter, "value": value},
    )


@pytest.mark.parametrize(
    ("value", "stored"),
    [(70, 70), (70.5, 70.5), (71.0, 71), ("72", 72), ("72.5", 72.5), (True, None)],
)
async def test_command_accepts_numbers_bools_and_numeric_strings(
    sim: Simulator, http: aiohttp.ClientSession, value: Any, stored: Any
) -> None:
    token = await login(http, sim)
    address = "P6.v2" if isinstance(value, bool) else "P6.v0"  # P6.v2 has range 0..1
    status, body = await command(http, sim, token, value, address=address)
    assert status == 200, body
    assert isinstance(body["taskId"], int)
    # applied after write_delay; the push is tested in test_realtime
    expected = 1 if isinstance(value, bool) else stored
    await wait_until(lambda: sim.get(BOILER, address) == expected)
    assert sim.stats.commands[-1]["value"] == value


@pytest.mark.parametrize("value", [59, 88, "100", -1])
async def test_command_out_of_range_is_refused(
    sim: Simulator, http: aiohttp.ClientSession, value: Any
) -> None:
    token = await login(http, sim)  # P6.v0: n0 = 60, x0 = 87
    status, body = await command(http, sim, token, value)
    assert status == 400
    assert body["status"] == "E_VALUE_OUT_OF_RANGE"
    assert sim.get(BOILER, "P6.v0") == 73
    assert sim.stats.writes == 0


@pytest.mark.parametrize("value", ["abc", [1, 2], None, "NaN", {"v": 1}])
async def test_command_non_numeric_is_refused(
    sim: Simulator, http: aiohttp.ClientSession, value: Any
) -> None:
    token = await login(http, sim)
    status, body = await command(http, sim, token, value)
    assert status == 400
    assert body["status"] == "E_INVALID_VALUE"


async def test_command_unknown_register_and_module(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    token = await login(http, sim)
    status, body = await command(http, sim, token, 1, address="P6.v999")
    assert status == 404
    assert body["status"] == "E_PARAMETER_NOT_FOUND"
    status, body = await command(http, sim, token, 1, devid="NOSUCHDEV1")
    assert status == 404
    assert body["status"] == "E_MODULE_NOT_FOUND"
    status, body = await command(http, sim, token, 1, address="P5.s0")
    assert status == 400
    assert body["status"] == "E_PARAMETER_NOT_WRITABLE"


async def test_command_range_is_per_module(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    token = await login(http, sim)
    # 30 is out of the boiler's P6.v0 range (60..87) but inside the mixer's (20..80)
    assert (await command(http, sim, token, 30))[0] == 400
    assert (await command(http, sim, token, 30, devid=MIXER))[0] == 200


async def test_command_to_offline_module_times_out(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    token = await login(http, sim)
    await sim.set_module_online(BOILER, online=False)
    status, body = await command(http, sim, token, 70)
    assert status == 408
    assert body["status"] == "E_DISPATCH_EVENT_TIMEOUT"
    status, body = await api(
        http,
        sim,
        "POST",
        "module/command/raw",
        token=token,
        json={"devid": BOILER, "command": "MODULE_RESTART"},
    )
    assert status == 408
    await sim.set_module_online(BOILER, online=True)
    assert (await command(http, sim, token, 70))[0] == 200


async def test_raw_commands(sim: Simulator, http: aiohttp.ClientSession) -> None:
    token = await login(http, sim)
    assert sim.get(BOILER, "P5.s0") & 1 == 1

    async def raw(body: dict[str, Any]) -> tuple[int, Any]:
        return await api(
            http, sim, "POST", "module/command/raw", token=token, json=body
        )

    status, body = await raw(
        {"devid": BOILER, "command": "BOILER_ON_OFF", "value": False}
    )
    assert status == 200
    assert isinstance(body["taskId"], int)
    status, _ = await raw(
        {"devid": BOILER, "command": "BOILER_FUEL_RESET_HT", "value": 1}
    )
    assert status == 200
    status, _ = await raw(
        {"devid": BOILER, "command": "MODULE_RESTART", "value": "ONLINE"}
    )
    assert status == 200
    await wait_until(
        lambda: sim.get(BOILER, "P5.s0") & 1 == 0 and sim.get(BOILER, "P4.v8") == 100
    )
    assert sim.stats.raw_commands == 3


@pytest.mark.parametrize(
    "body",
    [
        {"devid": BOILER, "command": "WRITE", "value": 1},
        {"devid": BOILER, "command": "CIRCUIT_PUMP_TEST", "value": 1},
        {"devid": BOILER},
    ],
)
async def test_raw_unknown_command(
    sim: Simulator, http: aiohttp.ClientSession, body: dict[str, Any]
) -> None:
    token = await login(http, sim)
    status, answer = await api(
        http, sim, "POST", "module/command/raw", token=token, json=body
    )
    assert status == 400
    assert answer["status"] == "E_UNKNOWN_COMMAND"


async def test_singular_and_plural_paths_are_not_interchangeable(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    token = await login(http, sim)
    for path in ("modules/command", "module/parameters", "module/connect"):
        status, body = await api(http, sim, "POST", path, token=token, json={})
        assert status in {404, 405}, path
        assert body["status"].startswith("E_")


# -- web host --------------------------------------------------------------------------


async def test_web_host_serves_the_bundle(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    bundle = sim.bundle
    async with http.get(f"{sim.web_url}/") as response:
        assert response.status == 200
        assert response.content_type == "text/html"
        html = await response.text()
    assert bundle.index_path.lstrip("/") in html
    for path, text in bundle.files.items():
        async with http.get(f"{sim.web_url}{path}") as response:
            assert response.status == 200
            assert await response.text() == text
            if path.endswith(".js"):
                assert response.content_type == "application/javascript"
    assert sim.stats.asset_requests[bundle.index_path] == 1
    assert sim.stats.asset_requests["/"] == 2
    async with http.get(f"{sim.web_url}/assets/index-NOPE.js") as response:
        assert response.status == 404


async def test_web_host_etag_and_304(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    url = f"{sim.web_url}{sim.bundle.index_path}"
    async with http.get(url) as response:
        etag = response.headers["ETag"]
        assert await response.text()
    async with http.get(url, headers={"If-None-Match": etag}) as response:
        assert response.status == 304
        assert await response.read() == b""
    async with http.get(url, headers={"If-None-Match": '"other"'}) as response:
        assert response.status == 200
    # assets need no token and send no auth challenge
    async with http.get(url, headers=auth("whatever")) as response:
        assert response.status == 200
    assert sim.stats.asset_requests[sim.bundle.index_path] == 4
