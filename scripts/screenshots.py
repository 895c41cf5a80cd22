"""Walk the config flow in the real Home Assistant frontend and save screenshots.

``scripts/screenshots`` calls this after installing Debian's chromium and the pinned
playwright (``requirements_browser.txt``). It starts the simulator and a real Home
Assistant exactly as ``scripts/demo`` does (the newest release, through scripts/py314),
logs in through the login page, adds BragerOne through the "Add integration" dialog
(choosing the custom server and opening its collapsed URL section), and saves a PNG of
every step, the integrations page with the brand icon, the boiler's device page (with
its child devices), a temperature's history, the generated Overview (its first screen,
arranged by `demo.arrange_home` as a new owner does: a "Boiler room" area and the
heating entities as favorites; and that area's view) and a heating dashboard
(thermostat cards and the water heater) to ``docs/screenshots/`` (the README shows
them). On the Overview it taps every card header toggle, switch and tile icon and fails
when the boiler's start register changed: no dashboard tap may stop the boiler. The browser and
this driver run on the machine itself (Debian's chromium, playwright in .venv-min).
"""

from __future__ import annotations

import argparse
import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
import sys
import tempfile
from typing import Any

from playwright.async_api import Error as PlaywrightError, Page, async_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))

from demo import (
    CONFIGURATION,
    DOMAIN,
    PASSWORD,
    ROOT,
    USER,
    HomeAssistant,
    Registry,
    arrange_home,
    truth_entry,
)

from simulator import Simulator

OUT = ROOT / "docs" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


async def shot(page: Page, name: str) -> None:
    """Save a screenshot of the page (after the frontend settles)."""
    await page.wait_for_timeout(1200)
    path = OUT / f"{name}.png"
    await page.screenshot(path=str(path))
    print(f"saved {path.relative_to(ROOT)}")


async def fill(page: Page, label: str, value: str) -> None:
    """Fill the text field with this accessible name."""
    await page.get_by_role("textbox", name=label).first.fill(value)


async def walk(page: Page, ha: HomeAssistant, sim: Simulator) -> None:
    """Log in, add the integration through the UI, and photograph what a user sees."""
    await page.goto(ha.url)
    await page.get_by_role("textbox", name="Username").fill(USER)
    await page.get_by_role("textbox", name="Password").fill(PASSWORD)
    await page.get_by_role("button", name="Log in").click()
    await page.wait_for_url(lambda url: "/auth/" not in url, timeout=30_000)
    await page.wait_for_load_state("networkidle")
    await page.goto(f"{ha.url}/config/integrations/dashboard/add?domain={DOMAIN}")
    await page.get_by_role("button", name="OK").click()
    await page.get_by_text("Custom URLs").first.wait_for()
    await shot(page, "1-login")
    await page.get_by_text("Custom URLs").first.click()
    await fill(page, "E-mail", sim.email)
    await fill(page, "Password", sim.password)
    await page.get_by_text("Custom server").first.click()  # the collapsed section
    await fill(page, "API URL", sim.api_url)
    await fill(page, "Web app URL", sim.web_url)
    # A taller page, so that the opened section shows too.
    await page.set_viewport_size({"width": 1280, "height": 1100})
    await shot(page, "2-login-filled")
    await page.set_viewport_size({"width": 1280, "height": 800})
    await page.get_by_role("button", name="Submit").click()
    await page.get_by_text("Modules").first.wait_for(timeout=30_000)
    await shot(page, "3-modules")
    await page.get_by_role("button", name="Submit").click()
    # The last step names the new devices and assigns areas ("Skip and finish").
    await page.get_by_text("Name and assign").first.wait_for(timeout=60_000)
    await shot(page, "4-success")
    await page.get_by_role("button", name="Skip and finish").click()

    await page.goto(f"{ha.url}/config/integrations/dashboard")
    await page.get_by_text("BragerOne").first.wait_for()
    await shot(page, "0-integrations")

    registry = await Registry.read(ha)
    boiler = registry.devices[sim.devids[0]]
    await page.set_viewport_size({"width": 1280, "height": 1000})
    await page.goto(f"{ha.url}/config/devices/device/{boiler['id']}")
    await page.get_by_text(boiler["name"]).first.wait_for()
    await shot(page, "5-boiler-device")
    await page.set_viewport_size({"width": 1280, "height": 800})
    reading = truth_entry(sim, sim.devids[0], "sensor", 1)
    entity_id = registry.entities[reading["unique_id"]]["entity_id"]
    start = datetime.now(UTC) - timedelta(minutes=2)
    for step in range(8):  # a little history to draw
        await sim.set(sim.devids[0], reading["address"], 58 + step * 1.5)
        await asyncio.sleep(2)
    await asyncio.sleep(6)  # the recorder commits every few seconds
    end = datetime.now(UTC) + timedelta(seconds=30)
    await page.goto(
        f"{ha.url}/history?entity_id={entity_id}"
        f"&start_date={start:%Y-%m-%dT%H:%M:%S.000Z}&end_date={end:%Y-%m-%dT%H:%M:%S.000Z}"
    )
    await page.wait_for_load_state("networkidle")
    await page.wait_for_timeout(4000)  # the chart draws after the data arrives
    await shot(page, "6-history")
    await overview_and_dashboard(page, ha, sim, registry)


START_ADDRESS = "P5.s0"
"""The boiler's start/stop status register; bit 0 is set while the boiler is started."""


async def overview_and_dashboard(
    page: Page, ha: HomeAssistant, sim: Simulator, registry: Registry
) -> None:
    """Photograph the generated Overview and a heating dashboard; try every header toggle.

    Home Assistant's generated Overview puts a toggle in the header of a card whose
    entities can be switched; clicking every one must leave the boiler running (no
    primary switch can stop it). Raises ``RuntimeError`` when the boiler stopped.
    """
    boiler = sim.devids[0]
    started = int(sim.get(boiler, START_ADDRESS)) & 1
    await arrange_home(ha)
    await page.set_viewport_size({"width": 1280, "height": 900})
    await page.goto(ha.url)
    await page.wait_for_load_state("networkidle")
    await page.wait_for_timeout(4000)
    await shot(page, "7-overview")
    clicked = await click_header_toggles(page)
    # One tap further, the area's view: its climate section and every device's cards.
    await page.get_by_text("Boiler room", exact=True).first.click(force=True)
    await page.wait_for_load_state("networkidle")
    await page.wait_for_timeout(3000)
    await shot(page, "7-overview-area")
    clicked += await click_header_toggles(page)
    await page.wait_for_timeout(3000)
    if int(sim.get(boiler, START_ADDRESS)) & 1 != started:
        msg = f"a header toggle of the Overview changed the boiler's start ({clicked} toggles)"
        raise RuntimeError(msg)
    print(
        f"Overview: {clicked} toggles and tile icons clicked; the boiler kept running"
    )

    entity = {uid: e["entity_id"] for uid, e in registry.entities.items()}
    composites = sorted(
        (uid for uid in entity if uid.endswith(("_circuit", "_boiler"))),
        key=lambda uid: (not uid.endswith("_boiler_boiler"), uid),
    )
    cards: list[dict[str, Any]] = [
        {"type": "thermostat", "entity": entity[uid]} for uid in composites
    ]
    cards.extend(
        {
            "type": "tile",
            "entity": entity[uid],
            "name": "Hot water",
            "features": [{"type": "target-temperature"}],
        }
        for uid in entity
        if uid.endswith("_water_heater")
    )
    cards.append(
        {
            "type": "entities",
            "title": "Fuel and alarms",
            "entities": [
                entity[f"{boiler}_P4_v8"],  # the simulated boiler's fuel level
                entity[f"{boiler}_alarm"],
                {"entity": entity[f"{boiler}_alarm_event"], "name": "Last alarm"},
                entity[f"{boiler}_connectivity"],
            ],
        }
    )
    await ha.websocket(
        {
            "type": "lovelace/dashboards/create",
            "url_path": "bragerone-heating",
            "title": "Heating",
            "mode": "storage",
        },
        {
            "type": "lovelace/config/save",
            "url_path": "bragerone-heating",
            "config": {"views": [{"title": "Boiler", "cards": cards}]},
        },
    )
    await page.goto(f"{ha.url}/bragerone-heating/0")
    await page.wait_for_load_state("networkidle")
    await page.wait_for_timeout(3000)
    await shot(page, "8-dashboard")


async def click_header_toggles(page: Page) -> int:
    """Click every card header toggle, switch and tile icon of the shown view; return how many.

    A tile card's icon toggles its entity when tapped (the tile's default icon action
    for switchable domains); where it has no action of its own the tile's container
    takes the tap, so the click goes to the icon's place as a finger would (``force``).
    """
    toggles = page.locator(
        "hui-entities-toggle, .card-header ha-entity-toggle, ha-switch, .header-toggle,"
        " hui-tile-card ha-tile-icon"
    )
    clicked = 0
    for index in range(await toggles.count()):
        try:
            await toggles.nth(index).click(timeout=5000, force=True)
        except PlaywrightError:
            continue  # hidden (a collapsed card): no user can tap it either
        clicked += 1
        await page.keyboard.press("Escape")  # a tile icon may open its dialog
        await page.wait_for_timeout(300)
    return clicked


async def run(args: argparse.Namespace) -> int:
    """Start the simulator and Home Assistant, then drive the browser."""
    OUT.mkdir(parents=True, exist_ok=True)
    config_dir = Path(tempfile.mkdtemp(prefix="bragerone-shots-"))
    (config_dir / "configuration.yaml").write_text(
        CONFIGURATION.format(language="en"), encoding="utf-8"
    )
    (config_dir / "custom_components").mkdir()
    (config_dir / "custom_components" / DOMAIN).symlink_to(
        ROOT / "custom_components" / DOMAIN
    )
    async with Simulator(write_delay=0.3, tick_interval=2.0) as sim:
        ha = HomeAssistant(port=args.port, config_dir=config_dir)
        try:
            await ha.start()
            await ha.onboard()
            async with async_playwright() as playwright:
                browser = await playwright.chromium.launch(
                    executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
                )
                page = await browser.new_page(viewport={"width": 1280, "height": 800})
                try:
                    await walk(page, ha, sim)
                except Exception:
                    await page.screenshot(path=str(OUT / "failure.png"))
                    raise
                finally:
                    await browser.close()
        finally:
            await ha.stop()
    return 0


def main() -> int:
    """Parse the arguments and run."""
    parser = argparse.ArgumentParser(prog="scripts/screenshots", description=__doc__)
    parser.add_argument("--port", type=int, default=8126, help="Home Assistant port")
    args: Any = parser.parse_args()
    return asyncio.run(run(args))


if __name__ == "__main__":
    sys.exit(main())
