"""Writes, commands and re-reads from Home Assistant, with the library's errors translated.

The one place where the library's errors become Home Assistant's: `translated_errors`
wraps every write, command and refresh (`async_write`, `async_write_raw`,
`async_command`, `async_refresh`). A value refused before
sending becomes a `ServiceValidationError` (the user's input was wrong), a cloud refusal,
a missing echo or a failed request a `HomeAssistantError`, a refused login starts the
re-authentication. Every message has a translation in ``exceptions`` of strings.json.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from homeassistant.exceptions import HomeAssistantError, ServiceValidationError

from .api import ApiError, AuthenticationError, BragerOneError
from .api.descriptor import EntityDescriptor, offered_options, pick_label
from .api.writes import (
    InvalidValueError,
    InvalidWriteError,
    NotWritableError,
    OffStepError,
    OutOfRangeError,
    UnknownOptionError,
    WriteNotConfirmedError,
)
from .const import DOMAIN

if TYPE_CHECKING:
    from .coordinator import BragerOneCoordinator


def _text(value: Any) -> str:
    """Return a number without a needless ``.0``; anything else as text."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _invalid(
    err: InvalidWriteError,
    coordinator: BragerOneCoordinator,
    address: str | None,
) -> ServiceValidationError:
    """Return the translated error of a value refused before sending."""
    descriptor = err.descriptor
    language = coordinator.language
    entity = descriptor.label_for(language) if descriptor is not None else address or ""
    placeholders = {"entity": entity, "value": _text(err.value)}
    if isinstance(err, OutOfRangeError) and address is not None:
        key = "raw_value_out_of_range"
        placeholders |= {
            "address": address or "",
            "min": _text(err.low),
            "max": _text(err.high),
        }
    elif isinstance(err, OutOfRangeError):
        key = "value_out_of_range"
        placeholders |= {"min": _text(err.low), "max": _text(err.high)}
    elif isinstance(err, OffStepError):
        key = "value_off_step"
        placeholders["step"] = _text(err.step)
    elif isinstance(err, UnknownOptionError) and descriptor is not None:
        key = "invalid_option"
        offered = offered_options(descriptor, coordinator.registers(descriptor.devid))
        placeholders["options"] = ", ".join(
            pick_label(option.label, language) or str(option.key) for option in offered
        )
    elif isinstance(err, NotWritableError):
        key = "not_writable"
    elif isinstance(err, InvalidValueError) and address is not None:
        key = "not_a_number"
        placeholders["address"] = address or ""
    else:
        key = "invalid_value"
        placeholders["error"] = str(err)
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders=placeholders,
    )


@contextmanager
def translated_errors(
    coordinator: BragerOneCoordinator,
    descriptor: EntityDescriptor | None,
    *,
    address: str | None = None,
    refresh: bool = False,
) -> Iterator[None]:
    """Turn the library errors raised inside into translated Home Assistant errors.

    `descriptor` (or `address` for a raw register) names what was written; `refresh`
    marks a re-prime, whose failures have their own message.
    """
    language = coordinator.language
    try:
        yield
    except InvalidWriteError as err:
        raise _invalid(err, coordinator, address) from err
    except WriteNotConfirmedError as err:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="write_not_confirmed",
            translation_placeholders={
                "entity": descriptor.label_for(language)
                if descriptor is not None
                else err.write.label,
                "timeout": f"{err.timeout:g}",
            },
        ) from err
    except AuthenticationError as err:
        coordinator.config_entry.async_start_reauth(coordinator.hass)
        raise HomeAssistantError(
            translation_domain=DOMAIN, translation_key="auth_failed"
        ) from err
    except BragerOneError as err:
        key = (
            "refresh_failed"
            if refresh
            else "write_refused"
            if isinstance(err, ApiError)
            else "write_failed"
        )
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key=key,
            translation_placeholders={"error": str(err)},
        ) from err


async def async_write(
    coordinator: BragerOneCoordinator, descriptor: EntityDescriptor, value: Any
) -> None:
    """Write a shown value and wait for its pushed echo (`Gateway.write`)."""
    with translated_errors(coordinator, descriptor):
        await coordinator.gateway.write(
            descriptor,
            value,
            language=coordinator.language,
            timeout=coordinator.write_timeout,
        )


async def async_write_raw(
    coordinator: BragerOneCoordinator,
    devid: str,
    address: str,
    raw: Any,
    owner: EntityDescriptor | None,
) -> None:
    """Write a raw register value and wait for its echo (`Gateway.write_raw`)."""
    with translated_errors(coordinator, owner, address=address):
        await coordinator.gateway.write_raw(
            devid, address, raw, owner=owner, timeout=coordinator.write_timeout
        )


async def async_command(
    coordinator: BragerOneCoordinator, devid: str, command: str, value: Any = None
) -> None:
    """Send a raw module command through the module's queue (no echo to wait for)."""
    with translated_errors(coordinator, None):
        await coordinator.gateway.writer.command(devid, command, value)


async def async_refresh(
    coordinator: BragerOneCoordinator, devid: str | None = None
) -> None:
    """Re-prime one module (or all) now."""
    with translated_errors(coordinator, None, refresh=True):
        await coordinator.gateway.prime(None if devid is None else (devid,))
