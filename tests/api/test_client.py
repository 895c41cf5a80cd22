"""REST client against the simulator: auth, listings, prime, writes and errors."""

from __future__ import annotations

import asyncio
import logging

import aiohttp
import pytest

from custom_components.bragerone.api import (
    ApiError,
    AuthenticationError,
    BragerOneClient,
    BragerOneConnectionError,
    BragerOneTimeoutError,
    InvalidResponseError,
    Server,
)
from simulator import Simulator

from .conftest import BOILER, MIXER, server_of, wait_for


async def test_login_gives_a_token_and_reads_the_account(
    sim: Simulator, client: BragerOneClient
) -> None:
    token = await client.login()
    assert token.expires_at is not None
    assert sim.object_id in token.object_ids
    user = await client.user()
    assert user.email == sim.email
    assert sim.stats.logins == 1


async def test_expired_token_logs_in_again(
    sim: Simulator, session: aiohttp.ClientSession
) -> None:
    # Tokens live 60 s on the server; with a 90 s leeway each is "expiring" at once.
    sim.token_lifetime = 60.0
    client = BragerOneClient(
        sim.email,
        sim.password,
        server=server_of(sim),
        session=session,
        token_leeway=90.0,
    )
    await client.objects()
    await client.objects()
    assert sim.stats.logins == 2
    client.token_leeway = 0.0
    await client.objects()
    assert sim.stats.logins == 2


async def test_revoked_token_is_replaced_once_on_401(
    sim: Simulator, client: BragerOneClient
) -> None:
    await client.objects()
    sim.revoke_tokens()
    objects = await client.objects()
    assert [obj.id for obj in objects] == [sim.object_id]
    assert sim.stats.logins == 2


async def test_401_after_fresh_login_is_not_retried_forever(
    sim: Simulator, client: BragerOneClient
) -> None:
    await client.login()
    sim.faults.fail("objects", 401)
    with pytest.raises(ApiError) as info:
        await client.objects()
    assert info.value.status == 401
    assert sim.stats.requests["objects"] == 2
    assert sim.stats.logins == 2


async def test_dup_entry_login_is_retried_with_back_off(
    sim: Simulator, client: BragerOneClient
) -> None:
    sim.faults.login_dup_entry = 2
    await client.login()
    assert sim.stats.logins == 1
    assert client.login_count == 3


async def test_dup_entry_that_persists_is_an_api_error(
    sim: Simulator, client: BragerOneClient
) -> None:
    sim.faults.login_dup_entry = 10
    with pytest.raises(ApiError) as info:
        await client.login()
    assert info.value.status == 500
    assert client.login_count == 4


async def test_wrong_password_is_an_authentication_error(
    sim: Simulator, client: BragerOneClient
) -> None:
    sim.change_password("another-secret")
    with pytest.raises(AuthenticationError):
        await client.objects()
    assert sim.stats.failed_logins == 1


async def test_credentials_and_tokens_never_reach_the_log(
    sim: Simulator, client: BragerOneClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    sim.faults.login_dup_entry = 1
    token = await client.login()
    await client.modules(sim.object_id)
    assert caplog.records
    assert sim.password not in caplog.text
    assert token.access_token not in caplog.text
    assert token.access_token not in repr(token)


async def test_objects_and_modules(sim: Simulator, client: BragerOneClient) -> None:
    objects = await client.objects()
    assert [obj.id for obj in objects] == [sim.object_id]
    modules = await client.modules(sim.object_id)
    by_devid = {m.devid: m for m in modules}
    assert set(by_devid) == {BOILER, MIXER}
    boiler = by_devid[BOILER]
    assert boiler.title == "HT DasPell GL 37kW"
    assert boiler.online is True
    assert boiler.gateway is not None
    assert boiler.gateway.version == "V2.08"
    assert "DISPLAY_MENU_DHW" in boiler.permissions
    assert boiler.device_menu == 0
    assert by_devid[MIXER].device_menu == 153


async def test_offline_module_is_offline(
    sim: Simulator, client: BragerOneClient
) -> None:
    await sim.set_module_online(MIXER, online=False)
    modules = {m.devid: m for m in await client.modules(sim.object_id)}
    assert modules[MIXER].online is False
    assert modules[BOILER].online is True


async def test_degraded_rows_are_kept_and_never_read_as_offline(
    sim: Simulator, client: BragerOneClient
) -> None:
    sim.faults.degraded_modules = True
    modules = await client.modules(sim.object_id)
    assert {m.devid for m in modules} == {BOILER, MIXER}
    for module in modules:
        assert module.degraded
        assert module.online is None
        assert module.gateway is None
        assert module.version is None


async def test_bare_list_listing_is_read(session: aiohttp.ClientSession) -> None:
    # Seed 2 makes the simulator answer the modules listing as a bare list.
    async with Simulator(seed=2, tick_interval=None) as other:
        client = BragerOneClient(
            other.email, other.password, server=server_of(other), session=session
        )
        modules = await client.modules(other.object_id)
    assert {m.devid for m in modules} == {BOILER, MIXER}


async def test_prime_reads_every_entry_form(
    sim: Simulator, client: BragerOneClient
) -> None:
    snapshot = await client.prime([BOILER, MIXER])
    assert snapshot.values(BOILER) == sim.registers(BOILER)
    assert snapshot.values(MIXER) == sim.registers(MIXER)
    boiler = [u for u in snapshot.updates if u.devid == BOILER]
    assert any(u.meta and u.value is not None for u in boiler), (
        "object entries with meta"
    )
    assert any(not u.meta and u.value is not None for u in boiler), (
        "bare scalar entries"
    )
    meta_only = [u for u in boiler if u.value is None]
    assert meta_only, "the simulator sends meta-only entries"
    assert all(u.meta for u in meta_only)
    assert all(u.address not in sim.registers(BOILER) for u in meta_only)


async def test_prime_keeps_half_degrees_and_signed_words(
    sim: Simulator, client: BragerOneClient
) -> None:
    await sim.set_many(BOILER, {"P4.v1": 40.5, "P4.v59": -27473})
    values = (await client.prime([BOILER])).values(BOILER)
    assert values["P4.v1"] == 40.5
    assert isinstance(values["P4.v1"], float)
    assert values["P4.v59"] == -27473


async def test_activity_quantity(sim: Simulator, client: BragerOneClient) -> None:
    quantity = await client.activity([BOILER])
    assert isinstance(quantity, dict)
    assert BOILER in quantity


async def test_system_version(sim: Simulator, client: BragerOneClient) -> None:
    version = await client.system_version()
    assert version.version == sim.api_version


async def test_parameter_write_is_applied(
    sim: Simulator, client: BragerOneClient
) -> None:
    low, high = sim.get(BOILER, "P6.n0"), sim.get(BOILER, "P6.x0")
    target = low if sim.get(BOILER, "P6.v0") != low else high
    await client.write_parameter(
        BOILER, "P6", "v0", target, parameter_name="parameters.PARAM_0", unit=1
    )
    await wait_for(lambda: sim.get(BOILER, "P6.v0") == target)
    assert sim.stats.commands[-1] == {
        "devid": BOILER,
        "pool": "P6",
        "parameter": "v0",
        "value": target,
        "parameterName": "parameters.PARAM_0",
        "unit": 1,
    }


async def test_raw_command_is_applied(sim: Simulator, client: BragerOneClient) -> None:
    await sim.set(BOILER, "P4.v8", 12)
    await client.send_command(BOILER, "BOILER_FUEL_RESET_HT", 1)
    await wait_for(lambda: sim.get(BOILER, "P4.v8") == 100)
    assert sim.stats.commands[-1] == {
        "devid": BOILER,
        "command": "BOILER_FUEL_RESET_HT",
        "value": 1,
    }


async def test_out_of_range_write_is_an_api_error(
    sim: Simulator, client: BragerOneClient
) -> None:
    high = sim.get(BOILER, "P6.x0")
    before = sim.get(BOILER, "P6.v0")
    with pytest.raises(ApiError) as info:
        await client.write_parameter(BOILER, "P6", "v0", high + 10)
    assert info.value.status == 400
    assert info.value.code == "E_VALUE_OUT_OF_RANGE"
    assert not info.value.transient
    assert sim.get(BOILER, "P6.v0") == before


async def test_write_to_offline_module_is_a_transient_dispatch_timeout(
    sim: Simulator, client: BragerOneClient
) -> None:
    await sim.set_module_online(BOILER, online=False)
    with pytest.raises(ApiError) as info:
        await client.send_command(BOILER, "MODULE_RESTART")
    assert info.value.status == 408
    assert info.value.code == "E_DISPATCH_EVENT_TIMEOUT"
    assert info.value.transient


async def test_html_error_page_is_summarised(
    sim: Simulator, client: BragerOneClient, caplog: pytest.LogCaptureFixture
) -> None:
    sim.faults.fail("modules", 503, html=True)
    with pytest.raises(ApiError) as info:
        await client.modules(sim.object_id)
    assert info.value.status == 503
    assert info.value.code is None
    assert "<html" not in str(info.value)
    assert "<html" not in caplog.text
    assert "HTML error page" in str(info.value)


async def test_slow_server_is_a_timeout(
    sim: Simulator, session: aiohttp.ClientSession
) -> None:
    client = BragerOneClient(
        sim.email,
        sim.password,
        server=server_of(sim),
        session=session,
        request_timeout=0.2,
    )
    sim.faults.latency = 1.0
    with pytest.raises(BragerOneTimeoutError):
        await client.login()


async def test_closed_port_is_a_connection_error(
    session: aiohttp.ClientSession,
) -> None:
    async with Simulator(tick_interval=None) as gone:
        server = server_of(gone)
    client = BragerOneClient("a@b.c", "x", server=server, session=session)
    with pytest.raises(BragerOneConnectionError):
        await client.login()


async def test_revoke_drops_the_token(sim: Simulator, client: BragerOneClient) -> None:
    token = await client.login()
    await client.revoke()
    assert client.token is None
    assert sim.authenticate(token.access_token) is None
    await client.revoke()  # nothing to revoke: no error


async def test_injected_session_is_left_open(
    sim: Simulator, session: aiohttp.ClientSession
) -> None:
    async with BragerOneClient(
        sim.email, sim.password, server=server_of(sim), session=session
    ) as client:
        await client.login()
    assert not session.closed


async def test_own_session_is_closed(sim: Simulator) -> None:
    async with BragerOneClient(
        sim.email, sim.password, server=server_of(sim)
    ) as client:
        await client.login()
        own = client.session
    assert own.closed


def test_custom_server_accepts_the_v1_suffix() -> None:
    server = Server.custom("http://127.0.0.1:1234/v1/", "http://127.0.0.1:999/")
    assert server.api_base == "http://127.0.0.1:1234"
    assert server.rest_base == "http://127.0.0.1:1234/v1"
    assert server.web_base == "http://127.0.0.1:999"


async def test_concurrent_callers_share_one_login(
    sim: Simulator, client: BragerOneClient
) -> None:
    tokens = await asyncio.gather(*(client.access_token() for _ in range(5)))
    assert len(set(tokens)) == 1
    assert sim.stats.logins == 1
    assert sim.authenticate(tokens[0]) == sim.email


async def test_failed_revoke_is_raised_but_the_token_is_dropped(
    sim: Simulator, client: BragerOneClient
) -> None:
    token = await client.login()
    sim.faults.fail("auth/revoke", 500, times=1)
    with pytest.raises(ApiError) as info:
        await client.revoke()
    assert info.value.status == 500
    assert client.token is None
    assert sim.authenticate(token.access_token) == sim.email, "the server kept it"


@pytest.mark.parametrize("status", [401, 403, 404])
async def test_revoke_of_a_token_the_server_no_longer_knows_is_quiet(
    sim: Simulator, client: BragerOneClient, status: int
) -> None:
    await client.login()
    sim.faults.fail("auth/revoke", status, times=1)
    await client.revoke()
    assert client.token is None


async def test_system_version_error_is_an_api_error(
    sim: Simulator, client: BragerOneClient
) -> None:
    sim.faults.fail("system/version", 502, html=True, times=1)
    with pytest.raises(ApiError) as info:
        await client.system_version()
    assert info.value.status == 502
    assert info.value.transient
    assert (await client.system_version()).version == sim.api_version


async def test_empty_204_answer_is_none(session: aiohttp.ClientSession) -> None:
    # Odd seeds make the simulator answer the activity call with an empty 204.
    async with Simulator(seed=1, tick_interval=None) as other:
        client = BragerOneClient(
            other.email, other.password, server=server_of(other), session=session
        )
        assert await client.activity([BOILER]) is None
        assert other.stats.requests["modules/activity/quantity"] == 1


async def test_api_url_of_the_web_host_gives_readable_errors(
    sim: Simulator, session: aiohttp.ClientSession
) -> None:
    """A user who gives the web-app address as API URL gets the server's short text."""
    client = BragerOneClient(
        sim.email,
        sim.password,
        server=Server.custom(sim.web_url, sim.web_url),
        session=session,
    )
    with pytest.raises(ApiError) as info:
        await client.system_version()
    assert (info.value.status, info.value.code) == (404, None)
    assert "Not Found" in str(info.value)
    with pytest.raises(ApiError) as login:
        await client.login()
    assert login.value.status == 405
    assert "Method Not Allowed" in str(login.value)
    assert sim.stats.logins == 0


async def test_a_success_answer_that_is_not_json_is_an_invalid_response(
    captive_portal: str, session: aiohttp.ClientSession
) -> None:
    client = BragerOneClient(
        "a@b.c",
        "secret",
        server=Server.custom(captive_portal, captive_portal),
        session=session,
    )
    with pytest.raises(InvalidResponseError, match="not JSON"):
        await client.system_version()
    with pytest.raises(InvalidResponseError, match="/auth/user answered 200"):
        await client.login()
    assert client.token is None
