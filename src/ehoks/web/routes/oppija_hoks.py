"""The student's plans: the list of all their HOKSes and one HOKS's pages (the three tabs of the
original app at its addresses, the timeline and the print version). Every HOKS shown is an
audited read through the access policy (``ehoks.oppija.service``)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from ehoks.auth.people import Student, StudentContext
from ehoks.context.request import State
from ehoks.kernel.clock import today_in_finland
from ehoks.oppija import service
from ehoks.web.render import page
from ehoks.web.routes.jatko_linkit import link_rows
from ehoks.web.routes.oppija_common import (
    PLANS,
    Eid,
    hoks_context,
    load_plan,
    plan_path,
    plan_rows,
)

router = APIRouter(include_in_schema=False)


@router.get(PLANS, response_class=HTMLResponse)
def plans(request: Request, actor: Student, ctx: StudentContext, state: State) -> HTMLResponse:
    """Every plan of the student, in force and ended, from every provider, newest first; with
    none, a page that says what a HOKS is and who makes it."""
    with ctx.read() as session:
        own = service.own_plans(session, actor, ctx)
    rows = plan_rows(state.runtime.registries, own, today_in_finland())
    context = {
        "active": [r for r in rows if r.ended is None],
        "ended": [r for r in rows if r.ended is not None],
    }
    return page(request, "oppija/suunnitelmat.html", context)


@router.get(PLANS + "/{eid}", response_class=HTMLResponse)
def goal(
    request: Request, eid: Eid, actor: Student, state: State, ctx: StudentContext
) -> HTMLResponse:
    """Tab 1, "Oma tavoitteeni": the goal and basic data."""
    plan = load_plan(request, state, ctx, actor, eid)
    links = link_rows(
        request, state, ctx, actor, plan.plan.hoks_id, lambda link: plan_path(link.eid)
    )
    context = hoks_context(plan, actor, "tavoitteet", jatko_links=links)
    return page(request, "oppija/tavoitteet.html", context)


@router.get(PLANS + "/{eid}/osaamiseni", response_class=HTMLResponse)
def prior(
    request: Request, eid: Eid, actor: Student, state: State, ctx: StudentContext
) -> HTMLResponse:
    """Tab 2, "Aiempi osaamiseni": prior competence."""
    plan = load_plan(request, state, ctx, actor, eid)
    return page(request, "oppija/osaamiseni.html", hoks_context(plan, actor, "osaamiseni"))


@router.get(PLANS + "/{eid}/opiskelusuunnitelmani", response_class=HTMLResponse)
def study_plan(
    request: Request, eid: Eid, actor: Student, state: State, ctx: StudentContext
) -> HTMLResponse:
    """Tab 3, "Osaamisen hankkiminen": progress, the units by status, support."""
    plan = load_plan(request, state, ctx, actor, eid)
    return page(
        request, "oppija/opiskelusuunnitelma.html", hoks_context(plan, actor, "suunnitelma")
    )


@router.get(PLANS + "/{eid}/aikajana", response_class=HTMLResponse)
def timeline(
    request: Request, eid: Eid, actor: Student, state: State, ctx: StudentContext
) -> HTMLResponse:
    plan = load_plan(request, state, ctx, actor, eid)
    unit_link = plan_path(eid, "/opiskelusuunnitelmani")
    context = hoks_context(plan, actor, "aikajana", unit_link=unit_link)
    return page(request, "oppija/aikajana.html", context)


@router.get(PLANS + "/{eid}/tulosta", response_class=HTMLResponse)
def print_version(
    request: Request, eid: Eid, actor: Student, state: State, ctx: StudentContext
) -> HTMLResponse:
    """The whole plan on one page with everything open: the printable layout itself."""
    plan = load_plan(request, state, ctx, actor, eid)
    return page(request, "oppija/tulosta.html", hoks_context(plan, actor, "tulosta"))
