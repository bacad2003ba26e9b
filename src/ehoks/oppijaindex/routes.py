"""Routes of the learner and study-right index: the original's procured-training list of a HOKS
and the ONR change notification (reference 5.1, 5.2)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from ehoks.access.policy import require_oph_privilege
from ehoks.api.deps import ServiceClient, ServiceContext
from ehoks.api.openapi import errors, ok_schema
from ehoks.api.responses import OrjsonResponse
from ehoks.context.request import State
from ehoks.hoks import service as hoks_service
from ehoks.hoks.service import upkeep
from ehoks.kernel.clock import now_utc
from ehoks.limits import DB_INT_MAX
from ehoks.oppijaindex import service as oppijaindex_service

router = APIRouter()


@router.get(
    "/hoks/{hoks_id}/hankintakoulutukset",
    summary="Study rights included in the HOKS's one (procured training)",
    tags=["hoks"],
    responses={
        **ok_schema(
            {"type": "array", "items": {"type": "string"}},
            "The included study rights' OIDs (a bare array, as the original)",
        ),
        **errors(404),
    },
)
def list_hankintakoulutukset(
    hoks_id: Annotated[int, Path(ge=1, le=DB_INT_MAX)],
    actor: ServiceClient,
    ctx: ServiceContext,
) -> OrjsonResponse:
    with ctx.read() as session:
        hoks, _ = hoks_service.get(session, actor, hoks_id, ctx)
        oids = oppijaindex_service.hankintakoulutukset(session, hoks.opiskeluoikeus_oid)
    # A bare JSON array, as the original answers (no envelope).
    return OrjsonResponse(oids)


@router.post(
    "/heratepalvelu/onrmodify",
    status_code=204,
    summary="ONR changed a learner: refresh the name, move duplicates' HOKSes to the master",
    tags=["heratepalvelu"],
    responses=errors(400),
)
def onr_modify(
    oid: Annotated[str, Query(description="The changed learner's OID")],
    actor: ServiceClient,
    state: State,
    ctx: ServiceContext,
) -> Response:
    require_oph_privilege(actor, "write")
    answers = upkeep.ask_onr(ctx.registries, oid)
    ctx.write(
        lambda session: upkeep.onr_merge(session, answers, changed_by=actor.audit_id, now=now_utc())
    )
    return Response(status_code=204)
