"""The official's reading pages: a learner's HOKSes (in force, ended and, for super users,
deleted), one HOKS in the student page's components under the official's headings (basic data
with identifiers and source, prior competence, the study plan, the timeline), its print version
and PDF, and the original app's addresses redirected here.

Every HOKS shown is an audited read decided by the access policy (``ehoks.virkailija.plans``).
The version history and the soft delete have their own modules
(``virkailija_hoks_history``, ``virkailija_hoks_delete``)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from ehoks.api.params import HoksId
from ehoks.auth.people import Official, OfficialContext
from ehoks.context.request import State
from ehoks.kernel.clock import now_utc, today_in_finland
from ehoks.tyopaikka import linkit
from ehoks.virkailija import plans
from ehoks.web.pdf import render_pdf
from ehoks.web.render import language_of, page, render
from ehoks.web.routes.jatko_linkit import link_rows
from ehoks.web.routes.oppija_common import plan_rows
from ehoks.web.routes.virkailija_common import APP, official_context
from ehoks.web.routes.virkailija_hoks_common import (
    OppijaOid,
    as_own_plan,
    edit_path,
    hoks_context,
    hoks_path,
    load_hoks,
    student_path,
)
from ehoks.web.routes.virkailija_jatko import start_offer

router = APIRouter(include_in_schema=False)

Org = Annotated[str, Path(max_length=64, description="The organisation chosen in the original")]
Eid = Annotated[str, Path(max_length=64, description="The HOKS's external id (eid)")]


# The learner.


@router.get(APP + "/oppija/{oppija_oid}", response_class=HTMLResponse)
def learner(
    request: Request, oppija_oid: OppijaOid, actor: Official, ctx: OfficialContext, state: State
) -> HTMLResponse:
    """The learner's name and oppijanumero and their HOKSes the official may read: the
    organisation's own in force and of ended studies (split as the student's own list), then
    under their own heading the plans other providers made, read because the learner studies
    at the official's organisation (§ 109 a ¶1), and deleted ones for super users."""
    with ctx.read() as session:
        found = plans.learner_plans(session, actor, oppija_oid, ctx)
    live = [p for p in found.plans if p.deleted_at is None and not p.other_provider]
    others = [p for p in found.plans if p.deleted_at is None and p.other_provider]
    deleted = [p for p in found.plans if p.deleted_at is not None]
    today = today_in_finland()
    registries = state.runtime.registries
    rows = plan_rows(registries, [as_own_plan(p) for p in live], today)
    other_rows = plan_rows(registries, [as_own_plan(p) for p in others], today)
    deleted_rows = plan_rows(registries, [as_own_plan(p) for p in deleted], today)
    by_id = {p.hoks_id: p for p in found.plans}
    context = official_context(
        request,
        state,
        actor,
        section="opiskelijat",
        oppija_oid=oppija_oid,
        nimi=found.nimi,
        active=[r for r in rows if r.ended is None],
        ended=[r for r in rows if r.ended is not None],
        others=other_rows,
        deleted=deleted_rows,
        plans=by_id,
        links={
            p.hoks_id: {
                "hoks": hoks_path(oppija_oid, p.hoks_id),
                "edit": edit_path(oppija_oid, p.hoks_id)
                if p.actions.update and p.manuaalisyotto
                else None,
            }
            for p in found.plans
        },
    )
    return page(request, "virkailija/hoks/oppija.html", context)


# The original app's addresses (reference ehoks-ui.md 2.3).


@router.get(APP + "/koulutuksenjarjestaja/{org}/oppija/{oppija_oid}")
def learner_by_old_address(org: Org, oppija_oid: OppijaOid, actor: Official) -> Response:
    return RedirectResponse(student_path(oppija_oid), status_code=302)


OldTab = Literal["osaaminen", "opiskelusuunnitelma"]


@router.get(APP + "/koulutuksenjarjestaja/{org}/oppija/{oppija_oid}/{eid}")
@router.get(APP + "/koulutuksenjarjestaja/{org}/oppija/{oppija_oid}/{eid}/{old_tab}")
def hoks_by_old_address(
    org: Org,
    oppija_oid: OppijaOid,
    eid: Eid,
    actor: Official,
    ctx: OfficialContext,
    old_tab: OldTab | None = None,
) -> Response:
    """The original addressed a HOKS by its eid; the HOKS page itself decides access."""
    with ctx.read() as session:
        hoks_id = plans.hoks_id_of(session, eid)
    tail = {"osaaminen": "/osaaminen", "opiskelusuunnitelma": "/opiskelusuunnitelma"}
    return RedirectResponse(
        hoks_path(oppija_oid, hoks_id, tail.get(old_tab or "", "")), status_code=302
    )


# One HOKS.


@router.get(APP + "/oppija/{oppija_oid}/hoks/{hoks_id}", response_class=HTMLResponse)
def basics(
    request: Request,
    oppija_oid: OppijaOid,
    hoks_id: HoksId,
    actor: Official,
    state: State,
    ctx: OfficialContext,
) -> HTMLResponse:
    """Tab 1, "Opiskelijan tavoite ja perustiedot": the goal, the qualification and its study
    right's state in Koski, the person, identifiers, the source, and delete or restore."""
    loaded = load_hoks(request, state, ctx, actor, oppija_oid, hoks_id)
    restored = request.query_params.get("palautettu") == "1"
    links = link_rows(
        request,
        state,
        ctx,
        actor,
        hoks_id,
        lambda link: hoks_path(link.oppija_oid, link.hoks_id),
    )
    start = start_offer(ctx, actor, loaded.plan)
    context = hoks_context(
        request,
        state,
        actor,
        loaded,
        "perustiedot",
        restored=restored,
        jatko_links=links,
        jatko_start=start,
    )
    return page(request, "virkailija/hoks/perustiedot.html", context)


@router.get(APP + "/oppija/{oppija_oid}/hoks/{hoks_id}/osaaminen", response_class=HTMLResponse)
def prior(
    request: Request,
    oppija_oid: OppijaOid,
    hoks_id: HoksId,
    actor: Official,
    state: State,
    ctx: OfficialContext,
) -> HTMLResponse:
    """Tab 2, "Aiempi osaaminen"."""
    loaded = load_hoks(request, state, ctx, actor, oppija_oid, hoks_id)
    context = hoks_context(request, state, actor, loaded, "osaaminen")
    return page(request, "virkailija/hoks/osaaminen.html", context)


@router.get(
    APP + "/oppija/{oppija_oid}/hoks/{hoks_id}/opiskelusuunnitelma", response_class=HTMLResponse
)
def study_plan(
    request: Request,
    oppija_oid: OppijaOid,
    hoks_id: HoksId,
    actor: Official,
    state: State,
    ctx: OfficialContext,
) -> HTMLResponse:
    """Tab 3, "Opiskelusuunnitelma": progress, the units by status, support; for an official
    who may change the HOKS also whom a login link can be mailed to (instructors, assessors)
    and when one last was (``virkailija_hoks_linkit``)."""
    loaded = load_hoks(request, state, ctx, actor, oppija_oid, hoks_id)
    recipients = None
    if loaded.plan.actions.update:
        with ctx.read() as session:
            recipients = linkit.recipients(session, hoks_id)
    context = hoks_context(
        request,
        state,
        actor,
        loaded,
        "suunnitelma",
        recipients=recipients,
        link_sent=request.query_params.get("linkki") in ("ohjaaja", "arvioija"),
    )
    return page(request, "virkailija/hoks/opiskelusuunnitelma.html", context)


@router.get(APP + "/oppija/{oppija_oid}/hoks/{hoks_id}/aikajana", response_class=HTMLResponse)
def timeline(
    request: Request,
    oppija_oid: OppijaOid,
    hoks_id: HoksId,
    actor: Official,
    state: State,
    ctx: OfficialContext,
) -> HTMLResponse:
    loaded = load_hoks(request, state, ctx, actor, oppija_oid, hoks_id)
    context = hoks_context(request, state, actor, loaded, "aikajana")
    return page(request, "virkailija/hoks/aikajana.html", context)


@router.get(APP + "/oppija/{oppija_oid}/hoks/{hoks_id}/tulosta", response_class=HTMLResponse)
def print_version(
    request: Request,
    oppija_oid: OppijaOid,
    hoks_id: HoksId,
    actor: Official,
    state: State,
    ctx: OfficialContext,
) -> HTMLResponse:
    """The whole HOKS on one page with everything open."""
    loaded = load_hoks(request, state, ctx, actor, oppija_oid, hoks_id)
    context = hoks_context(request, state, actor, loaded, "tulosta")
    return page(request, "virkailija/hoks/tulosta.html", context)


@router.get(APP + "/oppija/{oppija_oid}/hoks/{hoks_id}/pdf")
async def hoks_pdf(
    request: Request,
    oppija_oid: OppijaOid,
    hoks_id: HoksId,
    actor: Official,
    state: State,
    ctx: OfficialContext,
) -> Response:
    """The print version's content as a tagged PDF (``ehoks.web.pdf``), an audited read."""
    loaded = await run_in_threadpool(load_hoks, request, state, ctx, actor, oppija_oid, hoks_id)
    context = hoks_context(request, state, actor, loaded, "tulosta", generated=now_utc())
    html = render(request, "virkailija/hoks/pdf.html", context)
    # Laying out a long plan takes a CPU-bound moment: off the event loop.
    pdf = await run_in_threadpool(render_pdf, html)
    filename = f"hoks-{language_of(request)}-{loaded.plan.hoks_id}.pdf"
    return Response(
        pdf,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )
