"""The students' (oppija) API, mounted at ``/ehoks-oppija-backend/api/v1`` (reference 5.10).

Every route needs a student's browser session (401 without one; an official's or an e-mail
user's session gets 403). The original's ``caller-id`` header is not required: the session
cookie identifies the caller.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from ehoks.api import openapi_bodies as bodies
from ehoks.api.openapi import errors, hoks_list, ok
from ehoks.api.responses import OrjsonResponse, envelope
from ehoks.auth.people import Student, StudentContext
from ehoks.limits import DB_BIGINT_MAX
from ehoks.oppija import service

router = APIRouter(prefix="/oppija", tags=["oppija"])

OppijaOid = Annotated[str, Path(description="The learner's OppijaOID: the session's own")]


@router.get("/session", summary="The logged-in student", responses=ok(bodies.OppijaSession))
def get_session(actor: Student) -> OrjsonResponse:
    return envelope(service.session_view(actor))


@router.get(
    "/oppijat/{oid}/hoks",
    summary="Every HOKS of the student, from every provider",
    responses={**hoks_list("HOKSOppijalle"), **errors((404, bodies.MessageBody))},
)
def list_own_hokses(actor: Student, ctx: StudentContext, oid: OppijaOid) -> OrjsonResponse:
    with ctx.read() as session:
        views = service.own_hokses(session, actor, oid, ctx)
    return envelope(views)


@router.get(
    "/oppijat/{oid}/lukijat",
    summary="Who has read the student's HOKSes, newest first",
    responses=ok(bodies.Lukijat),
)
def list_readers(
    actor: Student,
    oid: OppijaOid,
    ctx: StudentContext,
    before_seq: Annotated[int | None, Query(alias="before-seq", ge=1, le=DB_BIGINT_MAX)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> OrjsonResponse:
    with ctx.read() as session:
        page = service.readers(
            session,
            actor,
            oid,
            ctx,
            limit=limit,
            before_seq=before_seq,
        )
    return envelope(page.entries, meta={"next-before-seq": page.next_before_seq})
