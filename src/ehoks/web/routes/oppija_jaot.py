"""The student's shares (jakolinkki: one learning period or demonstration, to a named person)
and consents (suostumus: the whole plan or chosen parts, to a named party for a purpose) on the
plan's pages: the list, one share or consent with its link, and revoking one after a
confirmation page. Making one is ``oppija_jaot_uusi``. Every act goes through
``ehoks.sharing.service`` (the owner check, the audit, the recipient's mail)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, RedirectResponse

from ehoks.access.actor import StudentActor
from ehoks.auth.people import Student, StudentContext
from ehoks.context import UseCase
from ehoks.context.request import AppState, State
from ehoks.hoks.errors import PartNotFound
from ehoks.sharing import schemas
from ehoks.sharing import service as sharing
from ehoks.sharing.errors import JakoNotFound
from ehoks.sharing.prepare import prepare as prepare_sharing
from ehoks.web.render import page
from ehoks.web.routes.oppija_common import (
    PLANS,
    Eid,
    PartInfo,
    PlanPage,
    hoks_context,
    load_plan,
    parts_of,
    plan_path,
)

router = APIRouter(include_in_schema=False)

JakoId = Annotated[str, PathParam(max_length=64, description="Share or consent id (UUID)")]
Kind = Literal["jaot", "suostumukset"]
LAJI: dict[str, str] = {"jaot": schemas.JAKOLINKKI, "suostumukset": schemas.SUOSTUMUS}


@dataclass(frozen=True)
class JakoRow:
    """One share or consent as the student's pages show it."""

    id: str
    kind: Kind
    tila: str
    """voimassa | tuleva | paattynyt | peruttu (``schemas.tila``)."""
    alku: date
    loppu: date
    vastaanottaja: dict[str, Any]
    part: PartInfo | None
    """A share's part (``None`` when the plan no longer has it)."""
    parts: tuple[PartInfo, ...]
    """A consent's chosen parts (empty: the whole plan, or parts no longer there)."""
    whole: bool
    missing: int
    """A consent's parts that the plan no longer has."""
    tarkoitus: str | None
    luotu: str | None

    @property
    def revocable(self) -> bool:
        return self.tila in ("voimassa", "tuleva")


def _rows(found: dict[str, list[dict[str, Any]]], parts: dict[str, PartInfo]) -> list[JakoRow]:
    rows = []
    for item in found["jakolinkit"]:
        shared = item.get("shared-module-uuid")
        rows.append(
            JakoRow(
                id=item["share-id"],
                kind="jaot",
                tila=item["tila"],
                alku=date.fromisoformat(item["voimassaolo-alku"]),
                loppu=date.fromisoformat(item["voimassaolo-loppu"]),
                vastaanottaja=item["vastaanottaja"],
                part=parts.get(shared) if isinstance(shared, str) else None,
                parts=(),
                whole=False,
                missing=0,
                tarkoitus=None,
                luotu=item.get("luotu"),
            )
        )
    for item in found["suostumukset"]:
        chosen = [parts[m] for m in item["module-ids"] if m in parts]
        rows.append(
            JakoRow(
                id=item["suostumus-id"],
                kind="suostumukset",
                tila=item["tila"],
                alku=date.fromisoformat(item["voimassaolo-alku"]),
                loppu=date.fromisoformat(item["voimassaolo-loppu"]),
                vastaanottaja=item["vastaanottaja"],
                part=None,
                parts=tuple(chosen),
                whole=bool(item["koko-hoks"]),
                missing=len(item["module-ids"]) - len(chosen),
                tarkoitus=item.get("tarkoitus"),
                luotu=item.get("luotu"),
            )
        )
    return sorted(rows, key=lambda r: r.luotu or "", reverse=True)


def load_shares(
    request: Request, state: AppState, ctx: UseCase, actor: StudentActor, eid: str
) -> tuple[PlanPage, list[JakoRow]]:
    """The plan and its shares and consents (both audited reads)."""
    plan = load_plan(request, state, ctx, actor, eid)
    with ctx.read() as session:
        found = sharing.list_for_hoks(session, actor, eid, ctx)
    return plan, _rows(found, parts_of(plan.view))


def shareable_part(plan: PlanPage, osa: str | None) -> PartInfo:
    part = parts_of(plan.view).get(osa or "")
    if part is None or not part.shareable:
        raise PartNotFound(osa or "")
    return part


# The list.


@router.get(PLANS + "/{eid}/jaot", response_class=HTMLResponse)
def shares(
    request: Request,
    eid: Eid,
    actor: Student,
    state: State,
    ctx: StudentContext,
    peruttu: Annotated[str | None, Query(max_length=20)] = None,
) -> HTMLResponse:
    plan, rows = load_shares(request, state, ctx, actor, eid)
    shareable = [p for p in parts_of(plan.view).values() if p.shareable]
    context = hoks_context(
        plan,
        actor,
        "jaot",
        shares=[r for r in rows if r.kind == "jaot"],
        consents=[r for r in rows if r.kind == "suostumukset"],
        shareable=shareable,
        revoked=peruttu in LAJI,
    )
    return page(request, "oppija/jaot.html", context)


# One share or consent, and revoking it.


def _one(
    request: Request,
    state: AppState,
    ctx: UseCase,
    actor: StudentActor,
    eid: str,
    kind: Kind,
    jako_id: str,
) -> tuple[PlanPage, JakoRow]:
    plan, rows = load_shares(request, state, ctx, actor, eid)
    row = next((r for r in rows if r.id == jako_id and r.kind == kind), None)
    if row is None:
        raise JakoNotFound(LAJI[kind])
    return plan, row


def _link(state: AppState, jako_id: str) -> str:
    """The address the recipient opens (after logging in with the e-mailed link)."""
    return f"{state.settings.public_url}/ehoks/jako/{jako_id}"


def _one_page(
    request: Request,
    state: AppState,
    ctx: UseCase,
    actor: StudentActor,
    eid: str,
    kind: Kind,
    jako_id: str,
    created: bool,
) -> HTMLResponse:
    plan, row = _one(request, state, ctx, actor, eid, kind, jako_id)
    context = hoks_context(plan, actor, "jaot", row=row, link=_link(state, row.id), created=created)
    return page(request, "oppija/jako.html", context)


def _confirm_page(
    request: Request,
    state: AppState,
    ctx: UseCase,
    actor: StudentActor,
    eid: str,
    kind: Kind,
    jako_id: str,
) -> HTMLResponse:
    plan, row = _one(request, state, ctx, actor, eid, kind, jako_id)
    return page(request, "oppija/peru.html", hoks_context(plan, actor, "jaot", row=row))


def _revoke(
    state: AppState, ctx: UseCase, actor: StudentActor, eid: str, kind: Kind, jako_id: str
) -> RedirectResponse:
    """Revoke at once (revoking again changes nothing); then the list says it was done."""
    prepare_sharing(ctx, jako_id=jako_id)
    ctx.write(lambda session: sharing.revoke(session, actor, jako_id, LAJI[kind], ctx))
    return RedirectResponse(plan_path(eid, f"/jaot?peruttu={kind}"), 303)


Created = Annotated[str | None, Query(alias="luotu", max_length=5)]


@router.get(PLANS + "/{eid}/jaot/{jako_id}", response_class=HTMLResponse)
def share(
    request: Request,
    eid: Eid,
    jako_id: JakoId,
    actor: Student,
    state: State,
    ctx: StudentContext,
    luotu: Created = None,
) -> HTMLResponse:
    return _one_page(request, state, ctx, actor, eid, "jaot", jako_id, luotu is not None)


@router.get(PLANS + "/{eid}/suostumukset/{jako_id}", response_class=HTMLResponse)
def consent(
    request: Request,
    eid: Eid,
    jako_id: JakoId,
    actor: Student,
    state: State,
    ctx: StudentContext,
    luotu: Created = None,
) -> HTMLResponse:
    return _one_page(request, state, ctx, actor, eid, "suostumukset", jako_id, luotu is not None)


@router.get(PLANS + "/{eid}/jaot/{jako_id}/peru", response_class=HTMLResponse)
def confirm_share_revoke(
    request: Request, eid: Eid, jako_id: JakoId, actor: Student, state: State, ctx: StudentContext
) -> HTMLResponse:
    return _confirm_page(request, state, ctx, actor, eid, "jaot", jako_id)


@router.get(PLANS + "/{eid}/suostumukset/{jako_id}/peru", response_class=HTMLResponse)
def confirm_consent_revoke(
    request: Request, eid: Eid, jako_id: JakoId, actor: Student, state: State, ctx: StudentContext
) -> HTMLResponse:
    return _confirm_page(request, state, ctx, actor, eid, "suostumukset", jako_id)


@router.post(PLANS + "/{eid}/jaot/{jako_id}/peru")
def revoke_share(
    eid: Eid, jako_id: JakoId, actor: Student, state: State, ctx: StudentContext
) -> RedirectResponse:
    return _revoke(state, ctx, actor, eid, "jaot", jako_id)


@router.post(PLANS + "/{eid}/suostumukset/{jako_id}/peru")
def revoke_consent(
    eid: Eid, jako_id: JakoId, actor: Student, state: State, ctx: StudentContext
) -> RedirectResponse:
    return _revoke(state, ctx, actor, eid, "suostumukset", jako_id)
