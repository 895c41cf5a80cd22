"""Offline stand-ins for hassfest and the HACS action (ENVIRONMENT.md §6).

Neither validator runs without GitHub, so these tests check the rules they apply to a
custom integration: manifest schema and key order, version, requirements that fit Home
Assistant's package constraints, hacs.json keys, translations and services.
"""

from __future__ import annotations

import json
from pathlib import Path

from awesomeversion import AwesomeVersion
import homeassistant
from homeassistant import loader
from homeassistant.const import __version__ as ha_version
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from packaging.requirements import Requirement
from PIL import Image
import pytest
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
import yaml

from custom_components.bragerone.const import DOMAIN

ROOT = Path(__file__).resolve().parent.parent
INTEGRATION = ROOT / "custom_components" / DOMAIN
MANIFEST = json.loads((INTEGRATION / "manifest.json").read_text(encoding="utf-8"))

MANIFEST_KEYS = {
    "domain", "name", "codeowners", "documentation", "iot_class", "version",
    "config_flow", "dependencies", "after_dependencies", "requirements", "loggers",
    "integration_type", "issue_tracker", "single_config_entry", "quality_scale",
    "import_executor", "disabled", "bluetooth", "dhcp", "homekit", "mqtt", "ssdp",
    "usb", "zeroconf",
}  # fmt: skip
HACS_KEYS = {
    "name", "content_in_root", "country", "filename", "hacs", "hide_default_branch",
    "homeassistant", "persistent_directory", "render_readme", "zip_release",
}  # fmt: skip


def test_manifest_schema_and_order() -> None:
    """Only known keys; domain, name, then alphabetical; the values hassfest requires."""
    keys = list(MANIFEST)
    assert set(keys) <= MANIFEST_KEYS, set(keys) - MANIFEST_KEYS
    assert keys[:2] == ["domain", "name"]
    assert keys[2:] == sorted(keys[2:])
    assert MANIFEST["domain"] == INTEGRATION.name == DOMAIN
    assert MANIFEST["iot_class"] == "cloud_push"
    assert MANIFEST["integration_type"] == "hub"
    assert isinstance(MANIFEST["codeowners"], list)
    assert MANIFEST["codeowners"]
    assert MANIFEST["documentation"].startswith("https://")
    assert MANIFEST["issue_tracker"].startswith("https://")
    assert AwesomeVersion(MANIFEST["version"]).strategy != "unknown"
    assert MANIFEST["config_flow"] is (INTEGRATION / "config_flow.py").exists()


def test_domain_does_not_shadow_a_core_integration() -> None:
    """A custom integration must not reuse the domain of a built-in one."""
    core = Path(homeassistant.__file__).parent / "components" / DOMAIN
    assert not core.exists()


def test_requirements_fit_home_assistant_constraints() -> None:
    """Requirements are ranges, and each admits the version Home Assistant pins."""
    constraints_file = Path(homeassistant.__file__).parent / "package_constraints.txt"
    pinned: dict[str, str] = {}
    for line in constraints_file.read_text(encoding="utf-8").splitlines():
        if "==" in line and not line.startswith("#"):
            name, version = line.split("==", 1)
            pinned[name.strip().lower()] = version.strip()
    for text in MANIFEST["requirements"]:
        requirement = Requirement(text)
        assert requirement.specifier, f"{text} must be a range"
        assert not any(spec.operator == "==" for spec in requirement.specifier), text
        if (version := pinned.get(requirement.name.lower())) is not None:
            assert requirement.specifier.contains(version), (text, version)


def test_hacs_json() -> None:
    """hacs.json has a name, only known keys, and a minimum version we test."""
    hacs = json.loads((ROOT / "hacs.json").read_text(encoding="utf-8"))
    assert hacs["name"]
    assert set(hacs) <= HACS_KEYS, set(hacs) - HACS_KEYS
    assert AwesomeVersion(hacs["homeassistant"]) <= AwesomeVersion(ha_version)
    # The declared minimum is the release the minimum leg tests (its lock).
    lock = (ROOT / "requirements_test_min.txt").read_text(encoding="utf-8")
    assert f"\nhomeassistant=={hacs['homeassistant']}\n" in lock
    folders = [
        path.name
        for path in (ROOT / "custom_components").iterdir()
        if path.is_dir() and not path.name.startswith("__")
    ]
    assert folders == [DOMAIN]
    assert (ROOT / "README.md").exists()


def test_translations_match_strings() -> None:
    """translations/en.json is strings.json (custom integrations load the former)."""
    strings = json.loads((INTEGRATION / "strings.json").read_text(encoding="utf-8"))
    english = json.loads(
        (INTEGRATION / "translations" / "en.json").read_text(encoding="utf-8")
    )
    assert strings == english


def _key_paths(tree: object, prefix: str = "") -> set[str]:
    """Return the dotted paths of every leaf of a nested dict."""
    if not isinstance(tree, dict):
        return {prefix}
    paths: set[str] = set()
    for key, value in tree.items():
        paths |= _key_paths(value, f"{prefix}.{key}" if prefix else key)
    return paths


@pytest.mark.parametrize(
    "path", sorted((INTEGRATION / "translations").glob("*.json")), ids=lambda p: p.name
)
def test_every_translation_has_every_key(path: Path) -> None:
    """Each language translates exactly the keys of strings.json."""
    strings = json.loads((INTEGRATION / "strings.json").read_text(encoding="utf-8"))
    other = json.loads(path.read_text(encoding="utf-8"))
    assert _key_paths(other) == _key_paths(strings)


@pytest.mark.parametrize(
    "path",
    [
        INTEGRATION / "strings.json",
        *sorted((INTEGRATION / "translations").glob("*.json")),
    ],
    ids=lambda p: p.name,
)
def test_translation_shapes(path: Path) -> None:
    """The sections Home Assistant reads by a fixed leaf have that leaf (hassfest's rules).

    An exception without ``message`` or an issue without ``title`` and ``description``
    is shown as its bare key.
    """
    strings = json.loads(path.read_text(encoding="utf-8"))
    for key, exception in strings.get("exceptions", {}).items():
        assert isinstance(exception, dict), key
        assert set(exception) == {"message"}, key
        assert isinstance(exception["message"], str), key
    for key, issue in strings.get("issues", {}).items():
        assert {"title", "description"} <= set(issue), key
    for key, service in strings.get("services", {}).items():
        assert {"name", "description"} <= set(service), key
        for field, text in service.get("fields", {}).items():
            assert set(text) == {"name", "description"}, (key, field)
    for platform in strings.get("entity", {}).values():
        for key, entity in platform.items():
            assert "name" in entity, key


def test_icons_json_is_valid() -> None:
    """icons.json, when present, is a JSON object with an icon for every action."""
    icons = INTEGRATION / "icons.json"
    if icons.exists():
        content = json.loads(icons.read_text(encoding="utf-8"))
        assert isinstance(content, dict)
        if "services" in content:
            services = yaml.safe_load(
                (INTEGRATION / "services.yaml").read_text(encoding="utf-8")
            )
            assert set(content["services"]) == set(services)
            assert all(
                icon["service"].startswith("mdi:")
                for icon in content["services"].values()
            )


async def test_integration_loads_and_services_match(hass: HomeAssistant) -> None:
    """Home Assistant loads the integration; services.yaml lists exactly what it registers."""
    integration = await loader.async_get_integration(hass, DOMAIN)
    assert integration.version == AwesomeVersion(MANIFEST["version"])
    component = integration.get_component()
    if hasattr(component, "async_setup"):
        assert hasattr(component, "CONFIG_SCHEMA")
    assert await async_setup_component(hass, DOMAIN, {})
    await hass.async_block_till_done()
    registered = set(hass.services.async_services_for_domain(DOMAIN))
    services_yaml = INTEGRATION / "services.yaml"
    described: set[str] = set()
    if services_yaml.exists():
        described = set(yaml.safe_load(services_yaml.read_text(encoding="utf-8")) or {})
    assert registered == described


@pytest.mark.parametrize(
    ("name", "size"),
    [
        ("icon.png", (256, 256)),
        ("icon@2x.png", (512, 512)),
        ("logo.png", (512, 256)),
        ("logo@2x.png", (1024, 512)),
    ],
)
@pytest.mark.parametrize("prefix", ["", "dark_"])
def test_brand_images(prefix: str, name: str, size: tuple[int, int]) -> None:
    """brand/ holds every image Home Assistant serves, at home-assistant/brands' sizes.

    Transparent PNGs, trimmed: the drawing touches two opposite edges.
    """
    path = INTEGRATION / "brand" / f"{prefix}{name}"
    with Image.open(path) as image:
        assert image.format == "PNG"
        assert image.size == size
        assert image.mode == "RGBA"
        alpha = image.getchannel("A")
        assert alpha.getextrema()[0] == 0  # a transparent background
        left, top, right, bottom = alpha.getbbox() or (0, 0, 0, 0)
        assert (left, right) == (0, size[0]) or (top, bottom) == (0, size[1])


async def test_home_assistant_serves_our_brand(
    hass: HomeAssistant, hass_client: ClientSessionGenerator
) -> None:
    """On releases with the brands integration, the icon comes from brand/ (not a CDN)."""
    if not (Path(homeassistant.__file__).parent / "components" / "brands").is_dir():
        pytest.skip("this Home Assistant has no brands integration (before 2026.x)")
    assert await async_setup_component(hass, "brands", {})
    client = await hass_client()
    response = await client.get(f"/api/brands/integration/{DOMAIN}/icon.png")
    assert response.status == 200
    assert await response.read() == (INTEGRATION / "brand" / "icon.png").read_bytes()
