"""What the official's HOKS pages share (no routes of its own): their addresses, one HOKS loaded
as its presentation model, and the context of its frame (``virkailija/hoks/hoks_page.html``).

A HOKS is read through ``ehoks.virkailija.plans`` (the access policy decides, every read is
audited) in a read transaction; enrichment and the study right's lookup in Koski happen after
it has ended, so no registry call holds a transaction open."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Path, Request

from ehoks.access.actor import OfficialActor
from ehoks.context import UseCase
from ehoks.context.request import AppState
from ehoks.oppija.service import OwnPlan
from ehoks.virkailija import plans
from ehoks.virkailija.plans import OfficialPlan
from ehoks.web.hoksview import HoksView
from ehoks.web.routes.oppija_common import view_of
from ehoks.web.routes.virkailija_common import APP, official_context

OppijaOid = Annotated[str, Path(max_length=64, description="The learner's oppija OID")]

STUDENTS = f"{APP}/"


def student_path(oppija_oid: str) -> str:
    return f"{APP}/oppija/{oppija_oid}"


def hoks_path(oppija_oid: str, hoks_id: int, tail: str = "") -> str:
    return f"{APP}/oppija/{oppija_oid}/hoks/{hoks_id}{tail}"


def edit_path(oppija_oid: str, hoks_id: int) -> str:
    """The edit form (built by the form pages), as the original's address."""
    return f"{APP}/hoks/{oppija_oid}/{hoks_id}"


def as_own_plan(plan: OfficialPlan) -> OwnPlan:
    """The shape the student's pages' helpers (``plan_rows``, ``view_of``) read."""
    return OwnPlan(plan.hoks_id, plan.eid, plan.document, plan.opiskeluoikeus)


@dataclass(frozen=True)
class HoksPage:
    plan: OfficialPlan
    view: HoksView


def load_hoks(
    request: Request,
    state: AppState,
    ctx: UseCase,
    actor: OfficialActor,
    oppija_oid: str,
    hoks_id: int,
) -> HoksPage:
    with ctx.read() as session:
        plan = plans.official_plan(session, actor, oppija_oid, hoks_id, ctx)
    return HoksPage(plan, view_of(request, state.runtime.registries, as_own_plan(plan)))


def hoks_context(
    request: Request,
    state: AppState,
    actor: OfficialActor,
    page: HoksPage,
    tab: str,
    **extra: Any,
) -> dict[str, Any]:
    """The frame's context. ``reader`` "official" makes the shared ``hoks/`` macros speak of
    the student rather than to them and show the units' status."""
    plan = page.plan
    return official_context(
        request,
        state,
        actor,
        section="opiskelijat",
        plan=plan,
        view=page.view,
        tab=tab,
        student_name=plan.oppija_nimi,
        base=hoks_path(plan.oppija_oid, plan.hoks_id),
        student_path=student_path(plan.oppija_oid),
        edit_path=edit_path(plan.oppija_oid, plan.hoks_id),
        reader="official",
        **extra,
    )
