"""The herätepalvelu's contact-data clean-up routes (reference 5.2), kept for the callers that
still schedule the clean-up through them; ``ehoks jobs contact-cleanup`` runs the same work."""

from __future__ import annotations

from fastapi import APIRouter

from ehoks.access.policy import require_oph_privilege
from ehoks.api import openapi_bodies as bodies
from ehoks.api.deps import ServiceClientCall
from ehoks.api.openapi import ok
from ehoks.api.responses import OrjsonResponse, envelope
from ehoks.context import UseCase
from ehoks.hoks import cleanup
from ehoks.kernel.clock import now_utc, today_in_finland

router = APIRouter()


@router.delete(
    "/heratepalvelu/tyopaikkaohjaajan-yhteystiedot",
    summary="Clear workplace instructors' contact data of periods ended over 3 months ago",
    description=(
        "Clears `vastuullinen-tyopaikka-ohjaaja.sahkoposti` and `.puhelinnumero` on up to 100 "
        "workplace periods whose `loppu` is more than three calendar months ago. "
        "`hankkimistapa-ids` are the cleared periods' `module-id`s (the original returned "
        "numeric ids, which this service does not have)."
    ),
    tags=["heratepalvelu"],
    responses=ok(bodies.ClearedHankkimistavat),
)
async def delete_tyopaikkaohjaajan_yhteystiedot(caller: ServiceClientCall) -> OrjsonResponse:
    def use_case(ctx: UseCase) -> list[str]:
        require_oph_privilege(caller.actor, "delete")
        return cleanup.clear_instructor_contacts(ctx, today=today_in_finland())

    return envelope({"hankkimistapa-ids": await caller.run(use_case)})


@router.delete(
    "/heratepalvelu/opiskelijan-yhteystiedot",
    summary="Clear students' contact data of HOKSes finished over 3 months ago",
    description=(
        "Takes up to 100 finished HOKSes not written for three months that still hold the "
        "student's `sahkoposti` or `puhelinnumero`; clears both where the study right ended in "
        "Koski more than three months ago, and gives the rest a new `updated_at`. "
        "`hoks-ids` are the cleared HOKSes."
    ),
    tags=["heratepalvelu"],
    responses=ok(bodies.ClearedHokses),
)
async def delete_opiskelijan_yhteystiedot(caller: ServiceClientCall) -> OrjsonResponse:
    def use_case(ctx: UseCase) -> list[int]:
        require_oph_privilege(caller.actor, "delete")
        return cleanup.clear_student_contacts(ctx, today=today_in_finland(), now=now_utc())

    return envelope({"hoks-ids": await caller.run(use_case)})
