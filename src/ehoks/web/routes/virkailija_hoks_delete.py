"""Soft delete of a HOKS and its undo, each behind a confirmation page (no script confirm):
delete for officials with ``hoks_delete`` on the HOKS's oppilaitos, undo for OPH super users on
a deleted HOKS's page (reference ehoks-ui.md 7.6, 7.9).

The pages offer an action only when the server would allow it, and the POST is decided again
by the access policy (``virkailija.service.shallow_delete`` / ``undo_shallow_delete``), which
also audits it. A study right that Koski reports ended blocks the delete, as in the original."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ehoks.access.errors import NotPermitted
from ehoks.api.params import HoksId
from ehoks.auth.people import Official, OfficialContext
from ehoks.context.request import State
from ehoks.hoks import service as hoks_service
from ehoks.virkailija import plans
from ehoks.virkailija import service as virkailija_service
from ehoks.virkailija.service import (
    NO_DELETE_PRIVILEGE,
    NoHoksWithId,
    OpiskeluoikeusNoLongerActive,
)
from ehoks.web.render import page
from ehoks.web.routes.virkailija_common import APP, official_context
from ehoks.web.routes.virkailija_hoks_common import (
    HoksPage,
    OppijaOid,
    hoks_context,
    hoks_path,
    load_hoks,
    student_path,
)

router = APIRouter(include_in_schema=False)

HOKS = APP + "/oppija/{oppija_oid}/hoks/{hoks_id}"


def _confirmation(
    request: Request,
    state: State,
    actor: Official,
    loaded: HoksPage,
    *,
    failed: bool = False,
    status_code: int = 200,
) -> HTMLResponse:
    opinto = loaded.view.opinto
    context = hoks_context(
        request,
        state,
        actor,
        loaded,
        "perustiedot",
        # Koski says the study right has ended: the server would refuse.
        blocked=bool(opinto and opinto.paattynyt),
        failed=failed,
    )
    return page(request, "virkailija/hoks/poista.html", context, status_code=status_code)


@router.get(HOKS + "/poista", response_class=HTMLResponse)
def confirm_delete(
    request: Request,
    oppija_oid: OppijaOid,
    hoks_id: HoksId,
    actor: Official,
    state: State,
    ctx: OfficialContext,
) -> HTMLResponse:
    """ "Haluatko varmasti poistaa HOKSin?": what is about to go, and the button."""
    loaded = load_hoks(request, state, ctx, actor, oppija_oid, hoks_id)
    if not loaded.plan.actions.delete:
        raise NotPermitted(NO_DELETE_PRIVILEGE)
    return _confirmation(request, state, actor, loaded)


@router.post(HOKS + "/poista")
def delete(
    request: Request,
    oppija_oid: OppijaOid,
    hoks_id: HoksId,
    actor: Official,
    state: State,
    ctx: OfficialContext,
) -> Response:
    try:
        hoks_service.prepare_write(ctx, hoks_id)
        ctx.write(
            lambda session: virkailija_service.shallow_delete(
                session, actor, oppija_oid, hoks_id, ctx
            )
        )
    except OpiskeluoikeusNoLongerActive as exc:
        # Nothing was deleted (the transaction rolled back and the attempt was audited):
        # the confirmation again, saying why.
        loaded = load_hoks(request, state, ctx, actor, oppija_oid, hoks_id)
        return _confirmation(
            request, state, actor, loaded, failed=True, status_code=exc.status_code
        )
    return RedirectResponse(hoks_path(oppija_oid, hoks_id, "/poistettu"), status_code=303)


@router.get(HOKS + "/poistettu", response_class=HTMLResponse)
def deleted(
    request: Request, oppija_oid: OppijaOid, hoks_id: HoksId, actor: Official, state: State
) -> HTMLResponse:
    """After the delete: only what the address says (the HOKS itself is no longer readable but
    to super users, who get a link to it to restore it)."""
    context = official_context(
        request,
        state,
        actor,
        section="opiskelijat",
        hoks_id=hoks_id,
        hoks_link=hoks_path(oppija_oid, hoks_id),
        student_path=student_path(oppija_oid),
    )
    return page(request, "virkailija/hoks/poistettu.html", context)


@router.get(HOKS + "/palauta", response_class=HTMLResponse)
def confirm_restore(
    request: Request,
    oppija_oid: OppijaOid,
    hoks_id: HoksId,
    actor: Official,
    state: State,
    ctx: OfficialContext,
) -> HTMLResponse:
    loaded = load_hoks(request, state, ctx, actor, oppija_oid, hoks_id)
    actions = loaded.plan.actions
    if not actions.superuser:
        raise NotPermitted()
    if not actions.undo:
        raise NoHoksWithId()
    context = hoks_context(request, state, actor, loaded, "perustiedot")
    return page(request, "virkailija/hoks/palauta.html", context)


@router.post(HOKS + "/palauta")
def restore(
    oppija_oid: OppijaOid,
    hoks_id: HoksId,
    actor: Official,
    ctx: OfficialContext,
) -> Response:
    hoks_service.prepare_write(ctx, hoks_id)
    ctx.write(lambda session: plans.restore(session, actor, oppija_oid, hoks_id, ctx))
    return RedirectResponse(hoks_path(oppija_oid, hoks_id, "?palautettu=1"), status_code=303)
