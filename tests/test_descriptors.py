"""Stored descriptors → Home Assistant entity descriptions (pure conversions)."""

from __future__ import annotations

from homeassistant.components.sensor import SensorDeviceClass
from homeassistant.const import EntityCategory
import pytest

from custom_components.bragerone.api.descriptor import EntityDescriptor, Option
from custom_components.bragerone.descriptors import (
    description_for,
    number_description,
    sensor_description,
)


def _descriptor(**kwargs: object) -> EntityDescriptor:
    base: dict[str, object] = {
        "unique_id": "DEV_P4_v1",
        "devid": "DEV",
        "token": "PARAM_1",
        "platform": "sensor",
        "address": "P4.v1",
        "label": {"pl": "Temperatura", "en": "Temperature"},
    }
    base.update(kwargs)
    return EntityDescriptor(**base)  # type: ignore[arg-type]


def test_unknown_classes_are_dropped() -> None:
    """Strings Home Assistant does not know become None instead of failing setup."""
    description = sensor_description(
        _descriptor(
            device_class="warp_drive", state_class="sometimes", entity_category="odd"
        ),
        "en",
    )
    assert description.device_class is None
    assert description.state_class is None
    assert description.entity_category is None
    assert description.name == "Temperature"


def test_labels_fall_back_to_english_then_polish() -> None:
    """A language the vendor lacks falls back (DESIGN.md decision 7)."""
    assert description_for(_descriptor(), "de").name == "Temperature"
    assert description_for(_descriptor(platform="button"), "pl").name == "Temperatura"
    assert description_for(_descriptor(label={"pl": "Temp"}), "de").name == "Temp"


def test_enum_sensor_has_options_and_no_unit() -> None:
    """Enum sensors carry options and never a unit or state class."""
    description = sensor_description(
        _descriptor(
            unit="°C",
            state_class="measurement",
            entity_category="diagnostic",
            options=(
                Option(0, {"en": "Off", "pl": "Wył."}),
                Option(1, {"en": "On", "pl": "Wł."}),
            ),
        ),
        "pl",
    )
    assert description.device_class is SensorDeviceClass.ENUM
    assert description.options == ["Wył.", "Wł."]
    assert description.native_unit_of_measurement is None
    assert description.state_class is None
    assert description.entity_category is EntityCategory.DIAGNOSTIC


def test_number_without_limits_keeps_home_assistant_defaults() -> None:
    """Missing limits and step leave Home Assistant's defaults."""
    description = number_description(_descriptor(platform="number"), "en")
    assert description.native_min_value is None
    assert description.native_step is None


def test_unknown_platform_is_an_error() -> None:
    """A descriptor for a platform this release lacks is refused."""
    with pytest.raises(ValueError, match="unknown platform"):
        description_for(_descriptor(platform="climate"), "en")
