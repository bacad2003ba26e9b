""" "Who has seen my plan": the reads of the student's data by anyone else, from the audit trail
(DESIGN D7), newest first and paged, in words a student understands: when, who (by name where
the trail has one, otherwise by what they are to the student), which plan and part, and why
they were allowed to (the legal basis)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from ehoks.auth.people import Student, StudentContext
from ehoks.context.request import State
from ehoks.hoks.parts import find
from ehoks.kernel.clock import today_in_finland
from ehoks.limits import DB_BIGINT_MAX
from ehoks.oppija import service
from ehoks.oppija.service import OwnPlan
from ehoks.web.render import page
from ehoks.web.routes.oppija_common import PlanRow, plan_rows

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 20
# The part kinds a read can name, as the page words them.
PART_KINDS = {
    "osaamisen-hankkimistapa": "period",
    "osaamisen-osoittaminen": "demonstration",
}


@dataclass(frozen=True)
class Reader:
    """One read: ``who`` is the kind of reader (official, system, instructor, assessor,
    recipient, consent, student-proxy, unknown), ``bases`` the legal bases as the policy
    names them."""

    aika: datetime
    who: str
    name: str | None
    role: str | None
    bases: tuple[str, ...]
    plan: PlanRow | None
    part_kind: str | None
    part_place: str | None
    organisation: Mapping[str, str] | None = None
    """The provider whose relation to the student grounds the read (``current-provider``: the
    oppilaitos where the student studies), by its names."""


def _who(kind: str, role: str | None, bases: tuple[str, ...]) -> str:
    if kind == "virkailija":
        return "superuser" if role == "oph-super-user" else "official"
    if kind == "palvelukayttaja":
        return "system"
    if kind == "sahkoposti":
        for basis in ("instructor", "assessor", "share", "consent"):
            if basis in bases:
                return basis
        return "email"
    if kind == "oppija":
        return "proxy"
    return "unknown"


def _part(plan: OwnPlan | None, module_id: str | None) -> tuple[str | None, str | None]:
    """What kind of part was read and where it is (a workplace's or demonstration's name)."""
    if plan is None or not module_id:
        return None, None
    ref = find(plan.document, module_id)
    if ref is None:
        return "gone", None
    kind = PART_KINDS.get(ref.kind, "unit")
    place: Any = None
    if kind == "period":
        place = (ref.part.get("tyopaikalla-jarjestettava-koulutus") or {}).get("tyopaikan-nimi")
    elif kind == "demonstration":
        place = (ref.part.get("nayttoymparisto") or {}).get("nimi")
    return kind, place if isinstance(place, str) else None


def _organisation_names(
    state: State, entries: list[dict[str, Any]]
) -> dict[str, Mapping[str, str]]:
    """The names of the organisations that ground the reads (asked once each)."""
    names: dict[str, Mapping[str, str]] = {}
    for oid in {e["peruste-organisaatio-oid"] for e in entries if e["peruste-organisaatio-oid"]}:
        found = state.runtime.registries.organisaatio.get_organisaatio(oid)
        if found is not None and found.nimi:
            names[oid] = found.nimi
    return names


@router.get("/ehoks/lukijat", response_class=HTMLResponse)
def readers(
    request: Request,
    actor: Student,
    state: State,
    ctx: StudentContext,
    ennen: Annotated[int | None, Query(ge=1, le=DB_BIGINT_MAX)] = None,
) -> HTMLResponse:
    with ctx.read() as session:
        plans = service.own_plans(session, actor, ctx)
        assert actor.oppija_oid is not None  # own_plans refuses a session without one
        found = service.readers(
            session, actor, actor.oppija_oid, ctx, limit=PAGE_SIZE, before_seq=ennen
        )
    organisations = _organisation_names(state, found.entries)
    by_id = {plan.hoks_id: plan for plan in plans}
    rows = {
        row.hoks_id: row for row in plan_rows(state.runtime.registries, plans, today_in_finland())
    }
    entries = []
    for entry in found.entries:
        bases = tuple(b for b in (entry["peruste"] or "").split(",") if b)
        hoks_id = entry["hoks-id"]
        part_kind, part_place = _part(by_id.get(hoks_id), entry["osa"])
        entries.append(
            Reader(
                aika=datetime.fromisoformat(entry["aika"]),
                who=_who(entry["lukija-tyyppi"], entry["lukija-rooli"], bases),
                name=entry["lukija-nimi"],
                role=entry["lukija-rooli"],
                bases=bases,
                plan=rows.get(hoks_id),
                part_kind=part_kind,
                part_place=part_place,
                organisation=organisations.get(entry["peruste-organisaatio-oid"] or ""),
            )
        )
    context = {
        "entries": entries,
        "older": found.next_before_seq,
        "paged": ennen is not None,
        "several_plans": len(plans) > 1,
    }
    return page(request, "oppija/lukijat.html", context)
