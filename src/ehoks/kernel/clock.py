"""The clock and Finnish time.

Every "now" and "today" of the service comes from here. Timestamps are stored in UTC; date rules
of the HOKS (a demonstration's window, an end of access, a feedback date) count in Finnish time,
because that is the calendar the law and the students live by. Code that is handed a ``Clock``
(a use case's context) asks it; tests pass a ``FixedClock`` instead of patching the module.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Protocol
from zoneinfo import ZoneInfo

HELSINKI = ZoneInfo("Europe/Helsinki")


def now_utc() -> datetime:
    """The current instant, timezone-aware in UTC."""
    return datetime.now(UTC)


def today_in_finland() -> date:
    """Today's date in Finland (the calendar day may differ from UTC's around midnight)."""
    return datetime.now(HELSINKI).date()


def finnish_date(instant: datetime) -> date:
    """The Finnish calendar date of an instant (a naive instant is taken as UTC)."""
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=UTC)
    return instant.astimezone(HELSINKI).date()


def in_finnish_time(instant: datetime) -> datetime:
    """An instant shown on the Finnish wall clock (a naive instant is taken as UTC)."""
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=UTC)
    return instant.astimezone(HELSINKI)


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant in UTC."""
        ...

    def today(self) -> date:
        """Today in Finland."""
        ...


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        return now_utc()

    def today(self) -> date:
        return today_in_finland()


@dataclass
class FixedClock:
    """A clock that stands still until moved (tests, replays)."""

    instant: datetime

    def now(self) -> datetime:
        return self.instant

    def today(self) -> date:
        return finnish_date(self.instant)


SYSTEM_CLOCK: Clock = SystemClock()
