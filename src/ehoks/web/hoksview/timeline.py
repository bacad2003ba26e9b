"""Every dated thing of the plan on one line: learning periods, their interruptions,
demonstrations and TUVA modules of the units to acquire, sorted by start."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date

from ehoks.web.hoksview.model import Unit
from ehoks.web.hoksview.plan import Event, EventKind, Timeline

_KIND_ORDER: dict[EventKind, int] = {
    "tuva": 0,
    "period": 1,
    "workplace-period": 1,
    "interruption": 2,
    "demonstration": 3,
}


def timeline(units: Sequence[Unit], today: date) -> Timeline:
    events = sorted(
        (event for unit in units for event in _events(unit)),
        key=lambda e: (
            e.start is None,
            e.start or date.min,
            e.end is None,
            e.end or date.min,
            _KIND_ORDER[e.kind],
        ),
    )
    return Timeline(events=tuple(events), today=today)


def _events(unit: Unit) -> Iterator[Event]:
    if unit.kind == "tuva":
        yield Event(
            kind="tuva",
            start=unit.alku,
            end=unit.loppu,
            unit_title=unit.title,
            unit_module_id=unit.module_id,
            place=None,
            module_id=unit.module_id,
        )
    for period in unit.periods:
        yield Event(
            kind="workplace-period" if period.workplace else "period",
            start=period.alku,
            end=period.loppu,
            unit_title=unit.title,
            unit_module_id=unit.module_id,
            place=period.workplace_name,
            module_id=period.module_id,
            hankkimistapa=period.hankkimistapa,
        )
        for interruption in period.interruptions:
            yield Event(
                kind="interruption",
                start=interruption.alku,
                end=interruption.loppu,
                unit_title=unit.title,
                unit_module_id=unit.module_id,
                place=period.workplace_name,
                module_id=period.module_id,
            )
    for demonstration in unit.demonstrations:
        yield Event(
            kind="demonstration",
            start=demonstration.alku,
            end=demonstration.loppu,
            unit_title=unit.title,
            unit_module_id=unit.module_id,
            place=demonstration.environment.nimi if demonstration.environment else None,
            module_id=demonstration.module_id,
        )
