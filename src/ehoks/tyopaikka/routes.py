"""The workplace actor's own parts as JSON. The e-mail login pages and the parts as a page are
on the HTML surface (``ehoks.web.routes.tyopaikka``)."""

from __future__ import annotations

from fastapi import APIRouter

from ehoks.api import openapi_bodies as bodies
from ehoks.api.openapi import ok
from ehoks.api.responses import OrjsonResponse, envelope
from ehoks.auth.people import EmailUser, EmailUserContext
from ehoks.tyopaikka import service

router = APIRouter(tags=["tyopaikka"])


@router.get(
    "/ehoks-oppija-backend/api/v1/tyopaikka/hoksit",
    summary="My parts (JSON)",
    responses=ok(bodies.TyopaikanHoksit),
)
def my_parts(actor: EmailUser, ctx: EmailUserContext) -> OrjsonResponse:
    with ctx.read() as session:
        hoksit = service.my_parts(session, actor, ctx)
    return envelope(hoksit)
