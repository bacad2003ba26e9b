"""What the student's pages share: one HOKS of the logged-in student as its presentation model,
the list rows of their plans, and the parts of a plan by ``module-id`` (for shares, consents
and the readers' list)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import Path, Request

from ehoks.access.actor import StudentActor
from ehoks.context import UseCase
from ehoks.context.request import AppState
from ehoks.enrichment.service import enrich
from ehoks.errors import RegistryUnavailable
from ehoks.kernel.clock import today_in_finland
from ehoks.oppija import service
from ehoks.oppija.service import OwnPlan
from ehoks.registries.ports import Registries
from ehoks.web.hoksview import (
    Demonstration,
    HoksView,
    Opinto,
    Period,
    PriorUnit,
    Unit,
    build,
    opinto_from_index,
    opinto_from_koski,
)
from ehoks.web.render import language_of

Eid = Annotated[str, Path(max_length=64, description="The HOKS's external id (eid)")]
PLANS = "/ehoks/suunnittelu"


def plan_path(eid: str, tail: str = "") -> str:
    return f"{PLANS}/{eid}{tail}"


# One plan, as its pages show it.


@dataclass(frozen=True)
class PlanPage:
    plan: OwnPlan
    view: HoksView

    @property
    def eid(self) -> str:
        return self.plan.eid


def load_plan(
    request: Request, state: AppState, ctx: UseCase, actor: StudentActor, eid: str
) -> PlanPage:
    """The student's HOKS ``eid`` (an audited read; 404 or 403 as ``own_plan``), enriched in
    the page's language after the read transaction has ended (registry calls hold none open)."""
    with ctx.read() as session:
        plan = service.own_plan(session, actor, eid, ctx)
    return PlanPage(plan, view_of(request, state.runtime.registries, plan))


def view_of(request: Request, registries: Registries, plan: OwnPlan) -> HoksView:
    enriched = enrich(plan.document, registries, kieli=language_of(request))
    opinto = opinto_of(registries, plan)
    return build(plan.document, enriched, today=today_in_finland(), opiskeluoikeus=opinto)


def opinto_of(registries: Registries, plan: OwnPlan) -> Opinto | None:
    """The study right as Koski has it now (state, actual end, tutkintonimike, partial
    qualification), the school named by Organisaatiopalvelu. When Koski does not know it or
    is unavailable, the learner index's row marked as not checked, so that the page still
    shows what is known and says that the state could not be checked.

    Called after the read transaction has ended (``load_plan``, ``plans``): a registry call
    holds no database transaction open. The qualification's total scope stays unknown: the
    ePerusteet port's ``Peruste`` carries no total (its structure's minimum), so there is
    nothing to ask it for."""
    row = plan.opiskeluoikeus
    oid = row.oid if row is not None else plan.document.get("opiskeluoikeus-oid")
    if not isinstance(oid, str) or not oid:
        return None
    try:
        found = registries.koski.get_opiskeluoikeus(oid)
    except RegistryUnavailable:
        found = None
    if found is not None:
        return opinto_from_koski(
            found, oppilaitos_nimi=school_names(registries, found.oppilaitos_oid)
        )
    if row is None:
        return Opinto(oid=oid, tila_tarkistamatta=True)
    return opinto_from_index(
        row,
        oppilaitos_nimi=school_names(registries, row.oppilaitos_oid),
        tila_tarkistamatta=True,
    )


def school_names(registries: Registries, oid: str | None) -> dict[str, str]:
    """The organisation's names by language; none when it is unknown or the registry is down
    (the page then leaves the school out rather than fail)."""
    if not oid:
        return {}
    try:
        organisaatio = registries.organisaatio.get_organisaatio(oid)
    except RegistryUnavailable:
        return {}
    return dict(organisaatio.nimi) if organisaatio is not None else {}


def hoks_context(page: PlanPage, actor: StudentActor, tab: str, **extra: Any) -> dict[str, Any]:
    return {"view": page.view, "eid": page.eid, "tab": tab, "student_name": actor.name, **extra}


# The list of plans.

Ended = Literal["achieved", "study-right"]


@dataclass(frozen=True)
class PlanRow:
    eid: str
    hoks_id: int
    tutkinto: Mapping[str, str]
    oppilaitos: Mapping[str, str]
    alku: date | None
    loppu: date | None
    loppu_arvioitu: bool
    ensikertainen_hyvaksyminen: date | None
    osaamisen_saavuttamisen_pvm: date | None
    ended: Ended | None
    """Why the plan counts as ended: the agreed competence was achieved, or the study right
    has ended (by Koski's state, or by its end date when the state is not known); ``None``
    while it is in force."""
    tila: str | None = None
    """Koski's state code of the study right; ``None`` when not known."""
    tila_nimi: Mapping[str, str] = field(default_factory=dict)
    tila_paattynyt: bool = False
    """Koski's state says the study right has ended (valmistunut, eronnut …)."""
    osittainen: bool = False
    tila_tarkistamatta: bool = False
    """Koski could not be asked for the study right's current state (see ``opinto_of``)."""

    @property
    def sort_key(self) -> tuple[date, date, int]:
        return (
            self.alku or date.min,
            self.ensikertainen_hyvaksyminen or date.min,
            self.hoks_id,
        )


def plan_rows(registries: Registries, plans: Iterable[OwnPlan], today: date) -> list[PlanRow]:
    """Newest first (by the study right's start, then the first approval)."""
    rows = [_row(registries, plan, today) for plan in plans]
    return sorted(rows, key=lambda r: r.sort_key, reverse=True)


def _row(registries: Registries, plan: OwnPlan, today: date) -> PlanRow:
    opinto = opinto_of(registries, plan)
    achieved = _day(plan.document.get("osaamisen-saavuttamisen-pvm"))
    loppu = opinto.loppu if opinto else None
    ended: Ended | None = None
    if achieved is not None and achieved <= today:
        ended = "achieved"
    elif _study_right_ended(opinto, today):
        ended = "study-right"
    return PlanRow(
        eid=plan.eid,
        hoks_id=plan.hoks_id,
        tutkinto=opinto.tutkinto_nimi if opinto else {},
        oppilaitos=opinto.oppilaitos_nimi if opinto else {},
        alku=opinto.alku if opinto else None,
        loppu=loppu,
        loppu_arvioitu=opinto.loppu_arvioitu if opinto else False,
        ensikertainen_hyvaksyminen=_day(plan.document.get("ensikertainen-hyvaksyminen")),
        osaamisen_saavuttamisen_pvm=achieved,
        ended=ended,
        tila=opinto.tila if opinto else None,
        tila_nimi=opinto.tila_nimi if opinto else {},
        tila_paattynyt=bool(opinto and opinto.paattynyt),
        osittainen=opinto.osittainen if opinto else False,
        tila_tarkistamatta=opinto.tila_tarkistamatta if opinto else False,
    )


def _study_right_ended(opinto: Opinto | None, today: date) -> bool:
    """By Koski's state when it is known (a study right present past its estimated end is
    still in force); else, from the learner index, by its (estimated) end date."""
    if opinto is None:
        return False
    if opinto.paattynyt is not None:
        return opinto.paattynyt
    return opinto.loppu is not None and opinto.loppu < today


def _day(value: Any) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


# The parts of a plan by module-id.

PartKind = Literal["period", "demonstration", "unit", "prior"]


@dataclass(frozen=True)
class PartInfo:
    kind: PartKind
    unit: Unit | PriorUnit
    period: Period | None = None
    demonstration: Demonstration | None = None

    @property
    def shareable(self) -> bool:
        """A learning period or demonstration of a unit to acquire (what a share link may
        name; TUVA modules have neither)."""
        return self.kind in ("period", "demonstration")

    @property
    def module_id(self) -> str | None:
        part = self.period or self.demonstration or self.unit
        return part.module_id

    @property
    def alku(self) -> date | None:
        part = self.period or self.demonstration
        return part.alku if part else None

    @property
    def loppu(self) -> date | None:
        part = self.period or self.demonstration
        return part.loppu if part else None

    @property
    def place(self) -> str | None:
        if self.period is not None:
            return self.period.workplace_name
        if self.demonstration is not None and self.demonstration.environment is not None:
            return self.demonstration.environment.nimi
        return None

    @property
    def share_kind(self) -> str:
        """The share API's ``shared-module-tyyppi``."""
        return "osaamisenhankkiminen" if self.kind == "period" else "osaamisenosoittaminen"


def parts_of(view: HoksView) -> dict[str, PartInfo]:
    found: dict[str, PartInfo] = {}
    for unit in view.units:
        if unit.module_id:
            found[unit.module_id] = PartInfo("unit", unit)
        for p in unit.periods:
            if p.module_id:
                found[p.module_id] = PartInfo("period", unit, period=p)
        for d in unit.demonstrations:
            if d.module_id:
                found[d.module_id] = PartInfo("demonstration", unit, demonstration=d)
    for prior in view.prior:
        if prior.module_id:
            found[prior.module_id] = PartInfo("prior", prior)
    return found
