"""Routes of the learner and study-right index: the original's procured-training list of a HOKS
and the ONR change notification (reference 5.1, 5.2)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response
from sqlalchemy.orm import Session

from ehoks.access.policy import require_oph_privilege
from ehoks.api.deps import ServiceClientCall
from ehoks.api.openapi import errors, ok_schema
from ehoks.api.responses import OrjsonResponse
from ehoks.context import UseCase
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
async def list_hankintakoulutukset(
    hoks_id: Annotated[int, Path(ge=1, le=DB_INT_MAX)], caller: ServiceClientCall
) -> OrjsonResponse:
    def read(session: Session) -> list[str]:
        hoks, _ = hoks_service.get(session, caller.actor, hoks_id, caller.ctx)
        return oppijaindex_service.hankintakoulutukset(session, hoks.opiskeluoikeus_oid)

    # A bare JSON array, as the original answers (no envelope).
    return OrjsonResponse(await caller.read(read))


@router.post(
    "/heratepalvelu/onrmodify",
    status_code=204,
    summary="ONR changed a learner: refresh the name, move duplicates' HOKSes to the master",
    tags=["heratepalvelu"],
    responses=errors(400),
)
async def onr_modify(
    oid: Annotated[str, Query(description="The changed learner's OID")],
    caller: ServiceClientCall,
) -> Response:
    actor = caller.actor

    def use_case(ctx: UseCase) -> None:
        require_oph_privilege(actor, "write")
        answers = upkeep.ask_onr(ctx.registries, oid)  # prepare: ONR, outside the transaction
        ctx.write(
            lambda session: upkeep.onr_merge(
                session, answers, changed_by=actor.audit_id, now=now_utc()
            )
        )

    await caller.run(use_case)
    return Response(status_code=204)
