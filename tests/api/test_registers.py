"""Register conventions: the module view with the connectedAt getter, and redaction."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from custom_components.bragerone.api import Gateway
from custom_components.bragerone.api.descriptor import EntityDescriptor
from custom_components.bragerone.api.registers import (
    CONNECTED_AT_GETTER,
    REDACTED,
    redact_register,
    watched_keys,
)
from custom_components.bragerone.api.writes import same_value
from simulator import Simulator

from .conftest import BOILER, wait_for

type GatewayFactory = Callable[..., Awaitable[Gateway]]


async def test_module_view_reads_the_live_store_with_the_connected_at_getter(
    sim: Simulator, make_gateway: GatewayFactory
) -> None:
    """The view shows every primed register plus the getter, and sees later pushes."""
    gateway = await make_gateway()
    async with asyncio.timeout(5):
        await gateway.wait_session_up()
    view = gateway.rule_registers(BOILER)
    getter = CONNECTED_AT_GETTER.replace("{devid}", BOILER)
    assert {k: v for k, v in view.items() if k != getter} == sim.registers(BOILER)
    assert view[getter] == sim.plant.connected_at(BOILER)
    assert "P4" not in view
    assert view.get("P4.v99999") is None
    await sim.set(BOILER, "P4.v1", 49.5)
    await wait_for(lambda: view.get("P4.v1") == 49.5)  # the same view sees the push
    await sim.set_module_online(BOILER, online=False)
    await wait_for(lambda: gateway.rule_registers(BOILER)[getter] == 0)


@pytest.mark.parametrize(
    ("address", "value", "shown"),
    [
        ("P11.v6", "ID ETH: FTTCTBSLCE", f"ID ETH: {REDACTED}"),
        ("P11.v7", "ID WIFI:ABC123", f"ID WIFI: {REDACTED}"),
        ("P11.v5", "HT Connect V2.08", "HT Connect V2.08"),
        ("P8.v0", 1234, REDACTED),
        ("P8.s0", 0, REDACTED),
        ("P4.v1", 58.5, 58.5),
        ("not an address", "ID X: 1", f"ID X: {REDACTED}"),
    ],
)
def test_redact_register(address: str, value: Any, shown: Any) -> None:
    """Serial-bearing strings keep their prefix only; pool P8 is hidden entirely."""
    assert redact_register(address, value) == shown


def test_watched_keys_skip_command_pseudo_addresses() -> None:
    """A command-only entity watches its limit register, not its pseudo-address."""
    descriptor = EntityDescriptor(
        unique_id="DEV_command_RESET",
        devid="DEV",
        token="RESET",
        platform="button",
        address="command_RESET",
        min_address="P4.n1",
    )
    assert {key.address for key in watched_keys(descriptor)} == {"P4.n1"}


def test_echo_comparison() -> None:
    """Echoes compare numerically, texts as text."""
    assert same_value(40, 40.0)
    assert same_value("40", 40)
    assert not same_value(None, 40)
    assert same_value("07:00", "07:00")
    assert not same_value("07:00", "07:10")
