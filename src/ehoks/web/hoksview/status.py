"""A unit's status and the plan's progress (reference ``ehoks-ui.md`` 3.2, ``getTila.ts`` and
``DegreeProgress.tsx``).

The status is date-based, not based on assessment data:

* *planned*: no learning period or demonstration has a start and an end date;
* *scheduled*: dates exist, but no demonstration has them, or a demonstration started or ends
  less than 14 days before today (or later);
* *ready*: the earliest demonstration start and the latest demonstration end are both 14 days
  or more before today;
* a TUVA module is *ready* from its end date on, otherwise *scheduled*.

The 14-day boundary follows the original's code: it compares the demonstration dates (midnight)
with the moment 14 days ago, so a demonstration that ended exactly 14 days ago counts as done.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from ehoks.web.hoksview.model import (
    STATUSES,
    Demonstration,
    Period,
    ScopeUnit,
    Status,
    StatusReason,
    Unit,
)
from ehoks.web.hoksview.plan import Progress, StatusProgress

READY_AFTER = timedelta(days=14)


def unit_status(
    periods: Sequence[Period], demonstrations: Sequence[Demonstration], today: date
) -> tuple[Status, StatusReason]:
    starts = [d.alku for d in demonstrations] + [p.alku for p in periods]
    ends = [d.loppu for d in demonstrations] + [p.loppu for p in periods]
    if _min(starts) is None or _max(ends) is None:
        return "planned", "no-dates"
    first_demo = _min(d.alku for d in demonstrations)
    last_demo = _max(d.loppu for d in demonstrations)
    if first_demo is None or last_demo is None:
        return "scheduled", "no-demonstration"
    cutoff = today - READY_AFTER
    if first_demo <= cutoff and last_demo <= cutoff:
        return "ready", "demonstrations-done"
    return "scheduled", "demonstration-recent"


def tuva_status(loppu: date | None, today: date) -> tuple[Status, StatusReason]:
    if loppu is not None and loppu <= today:
        return "ready", "tuva-ended"
    return "scheduled", "tuva-not-ended"


def progress(units: Sequence[Unit]) -> Progress:
    total = len(units)
    parts = {status: _status_progress(status, units, total) for status in STATUSES}
    return Progress(
        total=total,
        total_osp=sum((p.osp for p in parts.values()), Decimal(0)),
        total_weeks=sum((p.weeks for p in parts.values()), Decimal(0)),
        planned=parts["planned"],
        scheduled=parts["scheduled"],
        ready=parts["ready"],
    )


def _status_progress(status: Status, units: Sequence[Unit], total: int) -> StatusProgress:
    these = tuple(u for u in units if u.status == status)
    return StatusProgress(
        status=status,
        count=len(these),
        percent=_percent(len(these), total),
        osp=_scope(these, "osp"),
        weeks=_scope(these, "weeks"),
        unknown_scope=sum(1 for u in these if u.scope is None),
        units=these,
    )


def _scope(units: Iterable[Unit], unit: ScopeUnit) -> Decimal:
    return sum((u.scope for u in units if u.scope is not None and u.scope_unit == unit), Decimal(0))


def _percent(count: int, total: int) -> int:
    if total == 0:
        return 0
    return int((Decimal(100 * count) / total).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _min(values: Iterable[date | None]) -> date | None:
    present = [v for v in values if v is not None]
    return min(present) if present else None


def _max(values: Iterable[date | None]) -> date | None:
    present = [v for v in values if v is not None]
    return max(present) if present else None
