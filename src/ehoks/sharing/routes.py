"""Routes of sharing and consent: three routers the composition root mounts.

* ``oppija_router`` (prefix ``/ehoks-oppija-backend/api/v1``): the student's share and consent
  API (the original's ``/oppija/jaot``, reference 5.11, with the owner check of D9) and the
  recipient's JSON view.
* ``virkailija_router`` (prefix ``/ehoks-virkailija-backend/api/v1``): providers record the
  e-mail addresses of working-life assessors. Mount it before the HOKS router, whose
  ``POST /hoks/{id}/osat/{module-id}/{kokoelma}`` would otherwise take ``…/arvioijat``.

The recipient's page ``/ehoks/jako/{id}`` is on the HTML surface (``ehoks.web.routes.jako``).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi import Path as PathParam
from fastapi.responses import Response
from sqlalchemy.orm import Session

from ehoks.access.actor import EmailActor
from ehoks.api import openapi_bodies as bodies
from ehoks.api.deps import JsonBody, ServiceClientCall
from ehoks.api.openapi import errors, json_body, ok
from ehoks.api.params import HoksId
from ehoks.api.responses import OrjsonResponse, envelope, no_content
from ehoks.auth.people import EmailUser, EmailUserContext, Student, StudentContext
from ehoks.context import UseCase
from ehoks.context.request import State
from ehoks.kernel.clock import today_in_finland
from ehoks.limits import DB_INT_MAX
from ehoks.sharing import schemas, service
from ehoks.sharing.prepare import prepare

oppija_router = APIRouter(tags=["jaot"])
virkailija_router = APIRouter(tags=["hoks parts"])

JakoId = Annotated[str, PathParam(max_length=64, description="Share or consent id (UUID)")]
ModuleId = Annotated[str, PathParam(max_length=64, description="The part's module-id (UUID)")]
JAKOLINKIT = "/oppija/jaot/jakolinkit"
SUOSTUMUKSET = "/oppija/jaot/suostumukset"
ARVIOIJAT = "/hoks/{hoks_id}/osat/{module_id}/arvioijat"
LOCATION = {"Location": {"description": "The new consent's address", "schema": {"type": "string"}}}
# A share or consent mails its recipient a login link.
MAIL_ERRORS = errors(400, 404, 503)
NO_JAKO = (404, bodies.MessageBody)


# Student: shares and consents.


@oppija_router.post(
    JAKOLINKIT,
    summary="Share one part of one's own HOKS",
    openapi_extra=json_body("ShareCreate"),
    responses={**ok(bodies.JakolinkkiCreated), **MAIL_ERRORS},
)
def create_share(
    request: Request, body: JsonBody, actor: Student, ctx: StudentContext
) -> OrjsonResponse:
    prepare(ctx, body=body)
    jako = ctx.write(lambda session: service.create_share(session, actor, body, ctx))
    data = {"uri": f"{request.url.path}/{jako.id}", **schemas.share_out(jako, today_in_finland())}
    return envelope(data, meta={"uuid": jako.id})


@oppija_router.patch(
    f"{JAKOLINKIT}/{{jako_id}}",
    summary="Move the window of one's share",
    openapi_extra=json_body("ShareUpdate"),
    responses={**ok(bodies.JakolinkkiEnvelope), **errors(400, NO_JAKO)},
)
def update_share(
    jako_id: JakoId, body: JsonBody, actor: Student, ctx: StudentContext
) -> OrjsonResponse:
    prepare(ctx, jako_id=jako_id)
    jako = ctx.write(lambda session: service.update_share(session, actor, jako_id, body, ctx))
    return envelope(schemas.share_out(jako, today_in_finland()))


@oppija_router.delete(
    f"{JAKOLINKIT}/{{jako_id}}",
    summary="Revoke one's share",
    responses={**ok(bodies.JakolinkkiEnvelope), **errors(NO_JAKO)},
)
def revoke_share(jako_id: JakoId, actor: Student, ctx: StudentContext) -> OrjsonResponse:
    prepare(ctx, jako_id=jako_id)
    jako = ctx.write(
        lambda session: service.revoke(session, actor, jako_id, schemas.JAKOLINKKI, ctx)
    )
    return envelope(schemas.share_out(jako, today_in_finland()))


@oppija_router.get(
    "/oppija/jaot/moduulit/{module_id}",
    summary="One's share links of a part",
    responses={**ok(bodies.Jakolinkit), **errors(404)},
)
def shares_of_module(module_id: ModuleId, actor: Student, ctx: StudentContext) -> OrjsonResponse:
    with ctx.read() as session:
        found = service.list_for_module(session, actor, module_id, ctx)
    return envelope(found)


@oppija_router.get(
    "/oppija/hoksit/{hoks_ref}/jaot",
    summary="Shares and consents of a HOKS",
    responses={**ok(bodies.HoksinJaotEnvelope), **errors(404)},
)
def shares_of_hoks(
    hoks_ref: Annotated[str, PathParam(max_length=64, description="HOKS eid (or id)")],
    actor: Student,
    ctx: StudentContext,
) -> OrjsonResponse:
    with ctx.read() as session:
        found = service.list_for_hoks(session, actor, hoks_ref, ctx)
    return envelope(found)


@oppija_router.post(
    SUOSTUMUKSET,
    status_code=201,
    summary="Consent to disclose (parts of) a HOKS",
    openapi_extra=json_body("ConsentCreate"),
    responses={**ok(bodies.SuostumusCreated, 201, "Recorded", LOCATION), **MAIL_ERRORS},
)
def create_consent(
    request: Request, body: JsonBody, actor: Student, ctx: StudentContext
) -> OrjsonResponse:
    prepare(ctx, body=body)
    jako = ctx.write(lambda session: service.create_consent(session, actor, body, ctx))
    uri = f"{request.url.path}/{jako.id}"
    return envelope(
        {"uri": uri, **schemas.consent_out(jako, today_in_finland())},
        meta={"uuid": jako.id},
        status_code=201,
        headers={"Location": uri},
    )


@oppija_router.delete(
    f"{SUOSTUMUKSET}/{{jako_id}}",
    summary="Revoke one's consent",
    responses={**ok(bodies.SuostumusEnvelope), **errors(NO_JAKO)},
)
def revoke_consent(jako_id: JakoId, actor: Student, ctx: StudentContext) -> OrjsonResponse:
    prepare(ctx, jako_id=jako_id)
    jako = ctx.write(
        lambda session: service.revoke(session, actor, jako_id, schemas.SUOSTUMUS, ctx)
    )
    return envelope(schemas.consent_out(jako, today_in_finland()))


# Recipient (logged in by e-mail).


@oppija_router.get(
    f"{JAKOLINKIT}/{{jako_id}}",
    summary="What a share shows its recipient",
    responses={**ok(bodies.OpenedJakolinkkiEnvelope), **errors(NO_JAKO, 410, 423)},
)
def open_share(
    jako_id: JakoId, actor: EmailUser, state: State, ctx: EmailUserContext
) -> OrjsonResponse:
    return _open(jako_id, actor, state, ctx, schemas.JAKOLINKKI)


@oppija_router.get(
    f"{SUOSTUMUKSET}/{{jako_id}}",
    summary="What a consent shows its recipient",
    responses={**ok(bodies.OpenedSuostumusEnvelope), **errors(NO_JAKO, 410, 423)},
)
def open_consent(
    jako_id: JakoId, actor: EmailUser, state: State, ctx: EmailUserContext
) -> OrjsonResponse:
    return _open(jako_id, actor, state, ctx, schemas.SUOSTUMUS)


def _open(jako_id: str, actor: EmailActor, state: State, ctx: UseCase, laji: str) -> OrjsonResponse:
    with ctx.read() as session:
        opened = service.open_jako(session, actor, jako_id, ctx, laji=laji)
    return envelope(opened.data)


# Provider: assessors' e-mail addresses.


@virkailija_router.get(
    ARVIOIJAT,
    summary="Assessors' e-mail addresses of a demonstration",
    responses={**ok(bodies.Arvioijat), **errors(404)},
)
async def list_assessors(
    hoks_id: HoksId, module_id: ModuleId, caller: ServiceClientCall
) -> OrjsonResponse:
    rows = await caller.read(
        lambda session: service.list_assessors(
            session, caller.actor, hoks_id, module_id, caller.ctx
        )
    )
    return envelope([schemas.assessor_out(row) for row in rows])


@virkailija_router.post(
    ARVIOIJAT,
    summary="Record a working-life assessor's e-mail address",
    openapi_extra=json_body("AssessorContact"),
    responses={
        **ok(bodies.ArvioijaEnvelope, 200, "Already recorded: the existing record"),
        **ok(bodies.ArvioijaEnvelope, 201, "Recorded"),
        **errors(400, 404),
    },
)
async def add_assessor(
    hoks_id: HoksId,
    module_id: ModuleId,
    body: JsonBody,
    caller: ServiceClientCall,
) -> OrjsonResponse:
    def use_case(ctx: UseCase) -> tuple[dict[str, Any], bool]:
        def apply(session: Session) -> tuple[dict[str, Any], bool]:
            row, created = service.add_assessor(
                session, caller.actor, hoks_id, module_id, body, ctx
            )
            return schemas.assessor_out(row), created

        prepare(ctx, hoks_id=hoks_id)
        return ctx.write(apply)

    out, created = await caller.run(use_case)
    return envelope(out, meta={"id": out["id"]}, status_code=201 if created else 200)


@virkailija_router.delete(
    f"{ARVIOIJAT}/{{arvioija_id}}",
    status_code=204,
    summary="Remove an assessor's address",
    responses=errors(404),
)
async def remove_assessor(
    hoks_id: HoksId,
    module_id: ModuleId,
    arvioija_id: Annotated[int, PathParam(ge=1, le=DB_INT_MAX, description="The address's id")],
    caller: ServiceClientCall,
) -> Response:
    def use_case(ctx: UseCase) -> None:
        prepare(ctx, hoks_id=hoks_id)
        ctx.write(
            lambda session: service.remove_assessor(
                session, caller.actor, hoks_id, module_id, arvioija_id, ctx
            )
        )

    await caller.run(use_case)
    return no_content()
