"""The plan-level parts of the presentation model: the study right, learning support, progress,
the timeline and the whole plan (``HoksView``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Literal

from ehoks.enrichment.schemas import Kieli, Label, Notice
from ehoks.registries.koski.schemas import ENDED_TILAT
from ehoks.web.hoksview.model import Period, PriorUnit, Status, Unit

EventKind = Literal["period", "workplace-period", "interruption", "demonstration", "tuva"]
When = Literal["past", "ongoing", "upcoming", "undated"]


@dataclass(frozen=True)
class Opinto:
    """The study right the HOKS belongs to, as far as the caller knows it (Koski or the learner
    index): names as ``{"fi": …, "sv": …, "en": …}``. See ``opinto_from_koski`` and
    ``opinto_from_index`` (which leaves Koski's details empty)."""

    oid: str | None = None
    tutkinto_nimi: Mapping[str, str] = field(default_factory=dict)
    osaamisala_nimi: Mapping[str, str] = field(default_factory=dict)
    oppilaitos_nimi: Mapping[str, str] = field(default_factory=dict)
    oppilaitos_oid: str | None = None
    alku: date | None = None
    loppu: date | None = None
    loppu_arvioitu: bool = False
    """``loppu`` is the estimated end (arvioitu päättymispäivä), not an actual one."""
    tila: str | None = None
    """Koski's state code, e.g. ``lasna``, ``valmistunut``; ``None`` when not known."""
    tyyppi: str | None = None
    """Koski's type code, ``ammatillinenkoulutus`` or ``tuva``; ``None`` when not known."""
    tila_nimi: Mapping[str, str] = field(default_factory=dict)
    """Koski's own name of ``tila``, for a state the templates do not name themselves."""
    tutkintonimike_nimi: Mapping[str, str] = field(default_factory=dict)
    """The first tutkintonimike (qualification title); empty when not known."""
    osittainen: bool = False
    """A study right for a part of a qualification: its name is shown with ", osittainen"."""
    diaarinumero: str | None = None
    """The diary number of the qualification's peruste."""
    laajuus: Decimal | None = None
    """The qualification's total scope in osp, when ePerusteet gives it; ``None`` when not
    known."""
    tila_tarkistamatta: bool = False
    """The caller asked Koski for the study right's current state and did not get it (Koski
    did not know the study right, or was unavailable), so this comes from the learner index:
    the pages say that the state could not be checked."""

    @property
    def paattynyt(self) -> bool | None:
        """Whether Koski's state says the study right has ended; ``None`` when the state is
        not known."""
        return None if self.tila is None else self.tila in ENDED_TILAT


# The other parts of a plan.


@dataclass(frozen=True)
class Support:
    """A learning-support entry (oppimisen tuki)."""

    module_id: str | None
    tyyppi: Label | None
    unit_group: Label | None
    """Whether given for vocational or common units (tutkinnon osan ryhmä)."""
    alku: date | None
    loppu: date | None
    alku_from_study_right: bool
    """``alku`` is the study right's start (the entry has none of its own)."""
    loppu_from_study_right: bool


@dataclass(frozen=True)
class SupportingStudy:
    """Opiskeluvalmiuksia tukevat opinnot."""

    module_id: str | None
    nimi: str | None
    kuvaus: str | None
    alku: date | None
    loppu: date | None


# Progress.


@dataclass(frozen=True)
class StatusProgress:
    status: Status
    count: int
    percent: int
    """Of all units to acquire, rounded half up as the original (the three may not sum to 100)."""
    osp: Decimal
    """Competence points of the units in this status whose scope is known in osp."""
    weeks: Decimal
    """TUVA weeks of the TUVA modules in this status."""
    unknown_scope: int
    """Units in this status whose scope is not known."""
    units: tuple[Unit, ...]


@dataclass(frozen=True)
class Progress:
    total: int
    total_osp: Decimal
    """Competence points of all units to acquire whose scope is known."""
    total_weeks: Decimal
    planned: StatusProgress
    scheduled: StatusProgress
    ready: StatusProgress

    @property
    def by_status(self) -> tuple[StatusProgress, ...]:
        return (self.planned, self.scheduled, self.ready)


# Timeline.


@dataclass(frozen=True)
class Event:
    """One dated thing of the plan: a learning period, an interruption, a demonstration or a
    TUVA module."""

    kind: EventKind
    start: date | None
    end: date | None
    unit_title: Label
    unit_module_id: str | None
    place: str | None
    """The workplace's name (periods, interruptions) or the demonstration environment's."""
    module_id: str | None
    """The period's (also for its interruptions), the demonstration's or the TUVA module's."""
    hankkimistapa: Label | None = None
    """For periods: the acquisition type."""

    def when(self, today: date) -> When:
        if self.start is None:
            return "undated"
        if self.start > today:
            return "upcoming"
        if self.end is None or self.end >= today:
            return "ongoing"
        return "past"


@dataclass(frozen=True)
class Timeline:
    events: tuple[Event, ...]
    """Sorted by start (undated last), then end."""
    today: date

    def _where(self, when: When, today: date | None) -> tuple[Event, ...]:
        day = today or self.today
        return tuple(e for e in self.events if e.when(day) == when)

    def ongoing(self, today: date | None = None) -> tuple[Event, ...]:
        return self._where("ongoing", today)

    def upcoming(self, today: date | None = None) -> tuple[Event, ...]:
        return self._where("upcoming", today)

    def past(self, today: date | None = None) -> tuple[Event, ...]:
        return self._where("past", today)

    def next_up(self, today: date | None = None) -> Event | None:
        """The first event that starts after ``today`` (default: the model's day)."""
        upcoming = self.upcoming(today)
        return upcoming[0] if upcoming else None

    @property
    def next(self) -> Event | None:
        return self.next_up()


# The whole plan.


@dataclass(frozen=True)
class HoksView:
    kieli: Kieli
    today: date
    id: int | None
    eid: str | None
    oppija_oid: str | None
    opiskeluoikeus_oid: str | None
    tuva_opiskeluoikeus_oid: str | None
    is_tuva: bool
    manuaalisyotto: bool
    versio: int | None
    ensikertainen_hyvaksyminen: date | None
    hyvaksytty: date | None
    """Finnish date of the approval timestamp."""
    paivitetty: date | None
    """Finnish date of the last-updated timestamp."""
    osaamisen_saavuttamisen_pvm: date | None
    osaamisen_hankkimisen_tarve: bool | None
    urasuunnitelma: Label | None
    sahkoposti: str | None
    puhelinnumero: str | None
    opinto: Opinto | None
    tutkinto: Label | None
    """The qualification's name from ``opinto`` in the reader's language (code: the study
    right's OID)."""
    osaamisala: Label | None
    oppilaitos: Label | None
    prior: tuple[PriorUnit, ...]
    units: tuple[Unit, ...]
    progress: Progress
    oppimisen_tuki: tuple[Support, ...]
    tukevat_opinnot: tuple[SupportingStudy, ...]
    timeline: Timeline
    notices: tuple[Notice, ...]
    """Everything enrichment could not name or describe, once each (for a summary line)."""

    @property
    def workplace_periods(self) -> tuple[tuple[Unit, Period], ...]:
        return tuple((u, p) for u in self.units for p in u.periods if p.workplace)
