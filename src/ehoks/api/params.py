"""Path and query parameters within what the database can hold (``ehoks.limits``).

An id beyond PostgreSQL's ``integer`` (or SQLite's 64 bits), an instant whose UTC conversion
overflows, a NUL in a string: each would reach the database and fail there with a 500, and
differently on the two databases. Here each is a 400 naming the parameter, before any query.
"""

from __future__ import annotations

from datetime import datetime

from fastapi import Request
from pydantic import AfterValidator

from ehoks.errors import ValidationFailed
from ehoks.limits import (
    TEXT_MAX,
    UTC_RANGE_MESSAGE,
    LimitSettings,
    control_character,
    control_message,
    converts_to_utc,
    too_long_message,
)


def _instant_in_range(value: datetime | None) -> datetime | None:
    # A filter may reach far (``updated-after=2999-01-01``); only an instant without a UTC
    # time is refused, as no database comparison could take it.
    if value is not None and not converts_to_utc(value):
        raise ValueError(UTC_RANGE_MESSAGE)
    return value


InstantInRange = AfterValidator(_instant_in_range)
"""For an instant parameter: ``Annotated[datetime | None, Query(…), InstantInRange]``."""


def parameter_error(name: str, message: str, where: str) -> ValidationFailed:
    """A 400 in the shape FastAPI's own parameter errors get (``api/errors.py``)."""
    return ValidationFailed(
        {name: message}, problems=[{"path": name, "message": message}], where=where
    )


async def refuse_control_characters(request: Request) -> None:
    """No path or query parameter holds a control character or is longer than any text."""
    for where, items in (
        ("route-params", request.path_params.items()),
        ("query-params", request.query_params.multi_items()),
    ):
        for name, value in items:
            if not isinstance(value, str):
                continue
            if len(value) > TEXT_MAX:
                raise parameter_error(name[:80], too_long_message(TEXT_MAX), where)
            character = control_character(value)
            if character is not None:
                raise parameter_error(name[:80], control_message(character), where)


def check_page_size(value: int, name: str, limits: LimitSettings) -> int:
    """``value`` if it is a page size this service serves (1 … ``max_page_size``), else 400."""
    if not 1 <= value <= limits.max_page_size:
        message = f"out of range (from 1 to {limits.max_page_size})"
        raise parameter_error(name, message, "query-params")
    return value
