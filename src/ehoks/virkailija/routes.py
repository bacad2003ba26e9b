"""The officials' (virkailija) HOKS API, mounted at ``/ehoks-virkailija-backend/api/v1``
(reference 5.4, 5.5 and the undo/hard delete of 5.8).

Every route needs an official's browser session (401 without one; a student's or an e-mail
user's session gets 403), and a state-changing one its CSRF token in ``X-CSRF-Token``. The
original's ``caller-id`` header is not required here: the session cookie already identifies
the caller, and these routes serve our own views. What each official may see or change is
decided per HOKS by the access policy (``virkailija.service``).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Path, Query, Request
from fastapi.responses import Response

from ehoks.access.actor import OfficialActor
from ehoks.api import openapi_bodies as bodies
from ehoks.api.deps import JsonBody
from ehoks.api.openapi import ETAG, WRITTEN, errors, hoks_list, hoks_ok, json_body, ok
from ehoks.api.params import HoksId, check_page_size
from ehoks.api.responses import OrjsonResponse, envelope, no_content
from ehoks.auth.people import Official, OfficialContext
from ehoks.context import UseCase
from ehoks.context.request import AppState, State
from ehoks.hoks.service import etag, prepare_write
from ehoks.limits import DB_INT_MAX
from ehoks.virkailija import search, service
from ehoks.virkailija.terms import Locale, OrderBy

router = APIRouter(prefix="/virkailija", tags=["virkailija"])

OppijaOid = Annotated[str, Path(description="The learner's OppijaOID")]
IfMatch = Annotated[
    str | None,
    Header(description='Current HOKS version as returned in ETag, e.g. "3"; 412 if it changed'),
]


@router.get(
    "/session",
    summary="The logged-in official and their organisation privileges",
    responses=ok(bodies.VirkailijaSessionEnvelope),
)
def get_session(actor: Official, state: State, ctx: OfficialContext) -> OrjsonResponse:
    with ctx.read() as session:
        children = search.child_organisations(
            session,
            state.runtime.registries.organisaatio,
            [g.organisaatio_oid for g in actor.grants],
        )
    return envelope(service.session_view(actor, children))


@router.get(
    "/oppijat",
    summary="Search the learners with a HOKS in an oppilaitos",
    responses={**ok(bodies.OppijaSearch), **errors(400)},
)
def search_oppijat(
    actor: Official,
    state: State,
    oppilaitos_oid: Annotated[str, Query(alias="oppilaitos-oid")],
    ctx: OfficialContext,
    nimi: Annotated[str | None, Query(max_length=200)] = None,
    tutkinto: Annotated[str | None, Query(max_length=200)] = None,
    osaamisala: Annotated[str | None, Query(max_length=200)] = None,
    hoks_id: Annotated[int | None, Query(alias="hoks-id", ge=1, le=DB_INT_MAX)] = None,
    order_by_column: Annotated[OrderBy, Query(alias="order-by-column")] = "nimi",
    desc: bool = False,
    item_count: Annotated[int, Query(alias="item-count", ge=1)] = 10,
    page: Annotated[int, Query(ge=0, le=DB_INT_MAX)] = 0,
    locale: Locale = "fi",
) -> OrjsonResponse:
    check_page_size(item_count, "item-count", state.settings.limits)
    with ctx.read() as session:
        result = service.search_oppijat(
            session,
            actor,
            ctx,
            oppilaitos_oid=oppilaitos_oid,
            nimi=nimi,
            tutkinto=tutkinto,
            osaamisala=osaamisala,
            hoks_id=hoks_id,
            locale=locale,
            order_by=order_by_column,
            desc=desc,
            item_count=item_count,
            page=page,
        )
    return envelope(result.rows, meta={"total-count": result.total})


@router.get(
    "/oppijat/{oppija_oid}/hoksit",
    summary="The learner's HOKSes the official may read",
    responses=hoks_list("HOKSLukuoikeudella"),
)
def list_hoksit(actor: Official, ctx: OfficialContext, oppija_oid: OppijaOid) -> OrjsonResponse:
    with ctx.read() as session:
        rows = service.list_hoksit(session, actor, oppija_oid, ctx)
    return envelope(rows)


@router.post(
    "/oppijat/{oppija_oid}/hoksit",
    summary="Enter a HOKS by hand",
    description="The body is a HOKS as `POST /hoks` takes it; a workplace period's "
    "`yksiloiva-tunniste` may be left out (it is then generated).",
    openapi_extra=json_body("HOKSLuonti"),
    responses={**ok(bodies.HoksCreated, headers=ETAG), **errors(400)},
)
def create_hoks(
    request: Request,
    actor: Official,
    oppija_oid: OppijaOid,
    body: JsonBody,
    ctx: OfficialContext,
) -> OrjsonResponse:
    prepared = service.prepare_create(actor, oppija_oid, body, ctx)
    written = ctx.write(lambda session: service.apply_create(session, actor, prepared, ctx))
    return envelope(
        {"uri": f"{request.url.path}/{written.hoks_id}"},
        meta={"id": written.hoks_id},
        headers={"ETag": etag(written.version)},
    )


@router.get(
    "/oppijat/{oppija_oid}/hoksit/{hoks_id}",
    summary="Read a HOKS",
    responses={**hoks_ok("HOKS"), **errors(404)},
)
def get_hoks(
    actor: Official, ctx: OfficialContext, oppija_oid: OppijaOid, hoks_id: HoksId
) -> OrjsonResponse:
    with ctx.read() as session:
        hoks, view = service.get_hoks(session, actor, oppija_oid, hoks_id, ctx)
    return envelope(view, headers={"ETag": etag(hoks.version)})


@router.put(
    "/oppijat/{oppija_oid}/hoksit/{hoks_id}",
    status_code=204,
    summary="Replace a HOKS",
    openapi_extra=json_body("HOKSKorvaus"),
    responses={**WRITTEN, **errors(400, 404, 412)},
)
def replace_hoks(
    actor: Official,
    oppija_oid: OppijaOid,
    hoks_id: HoksId,
    body: JsonBody,
    state: State,
    ctx: OfficialContext,
    if_match: IfMatch = None,
) -> Response:
    return _update(actor, oppija_oid, hoks_id, body, state, ctx, "put", if_match)


@router.patch(
    "/oppijat/{oppija_oid}/hoksit/{hoks_id}",
    status_code=204,
    summary="Update top-level fields",
    openapi_extra=json_body("HOKSPaivitys"),
    responses={**WRITTEN, **errors(400, 404, 412)},
)
def patch_hoks(
    actor: Official,
    oppija_oid: OppijaOid,
    hoks_id: HoksId,
    body: JsonBody,
    state: State,
    ctx: OfficialContext,
    if_match: IfMatch = None,
) -> Response:
    return _update(actor, oppija_oid, hoks_id, body, state, ctx, "patch", if_match)


def _update(
    actor: OfficialActor,
    oppija_oid: str,
    hoks_id: int,
    body: Any,
    state: AppState,
    ctx: UseCase,
    method: Literal["put", "patch"],
    if_match: str | None,
) -> Response:
    prepare_write(ctx, hoks_id, body)
    written = ctx.write(
        lambda session: service.update_hoks(
            session,
            actor,
            oppija_oid,
            hoks_id,
            body,
            ctx,
            method=method,
            if_match=if_match,
        )
    )
    return no_content({"ETag": etag(written.version)})


@router.patch(
    "/oppijat/{oppija_oid}/hoksit/{hoks_id}/shallow-delete",
    summary="Soft-delete a HOKS (needs the HOKS_DELETE role)",
    responses={**ok(bodies.ShallowDeleted), **errors(400, 404)},
)
def shallow_delete(
    actor: Official, ctx: OfficialContext, oppija_oid: OppijaOid, hoks_id: HoksId
) -> OrjsonResponse:
    # The original's required body key ``oppilaitos-oid`` was never used; no body is read.
    prepare_write(ctx, hoks_id)
    ctx.write(lambda session: service.shallow_delete(session, actor, oppija_oid, hoks_id, ctx))
    # No envelope, as the original.
    return OrjsonResponse({"success": hoks_id})


@router.patch(
    "/hoks/{hoks_id}/undo-shallow-delete",
    summary="Undo a soft delete (OPH super user)",
    responses={**ok(bodies.EmptyEnvelope), **errors(404)},
)
def undo_shallow_delete(actor: Official, ctx: OfficialContext, hoks_id: HoksId) -> OrjsonResponse:
    prepare_write(ctx, hoks_id)
    ctx.write(lambda session: service.undo_shallow_delete(session, actor, hoks_id, ctx))
    return envelope({})


@router.delete(
    "/hoks/{hoks_id}",
    summary="Delete a HOKS for good (OPH super user)",
    responses={**ok(bodies.EmptyEnvelope), **errors(404)},
)
def hard_delete(actor: Official, ctx: OfficialContext, hoks_id: HoksId) -> OrjsonResponse:
    prepare_write(ctx, hoks_id)
    ctx.write(lambda session: service.hard_delete(session, actor, hoks_id, ctx))
    return envelope({})
