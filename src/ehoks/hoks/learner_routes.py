"""``GET /ehoks-virkailija-backend/api/v1/hoks/oppija/{oppija-oid}``: one learner's HOKSes that
the calling student information system may read, from every provider (an addition beside the
compatible routes, ``ehoks.hoks.service.learner``).

Its own router, mounted before the compatible ``/hoks/{hoks-id}…`` routes so that no pattern
of theirs can ever shadow the literal ``/hoks/oppija/…``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path

from ehoks.api.deps import ServiceClientCall
from ehoks.api.responses import OrjsonResponse, envelope
from ehoks.context import UseCase
from ehoks.hoks.service import learner

router = APIRouter()

_NAMES = {"type": "object", "additionalProperties": {"type": "string"}}
_ROW: dict[str, Any] = {
    "type": "object",
    "properties": {
        "id": {"type": "integer", "description": "HOKS id in eHOKS"},
        "eid": {"type": "string"},
        "oppija-oid": {"type": "string"},
        "opiskeluoikeus-oid": {"type": "string", "description": "The HOKS's study right"},
        "oppilaitos-oid": {"type": ["string", "null"]},
        "oppilaitos-nimi": {**_NAMES, "description": "fi/sv/en names (Organisaatiopalvelu)"},
        "koulutuksen-jarjestaja-oid": {"type": ["string", "null"]},
        "koulutuksen-jarjestaja-nimi": _NAMES,
        "tutkinto-nimi": _NAMES,
        "opiskeluoikeus-tila": {
            "type": ["string", "null"],
            "description": "Koski's state code (koskiopiskeluoikeudentila) of the study right",
        },
        "opiskeluoikeus-paattynyt": {
            "type": ["boolean", "null"],
            "description": "The study right has ended (null: Koski does not know it)",
        },
        "opiskeluoikeus-alkamispaiva": {"type": ["string", "null"], "format": "date"},
        "ensikertainen-hyvaksyminen": {"type": ["string", "null"], "format": "date"},
        "osaamisen-saavuttamisen-pvm": {"type": ["string", "null"], "format": "date"},
        "luotu": {"type": "string", "format": "date-time"},
        "paivitetty": {"type": "string", "format": "date-time"},
        "peruste": {
            "type": "string",
            "enum": ["provider", "procured-training", "current-provider"],
            "description": "Why the caller may read it: its own organisation's plan, procured "
            "training it delivers, or the learner studies at the caller's organisation (law "
            "531/2017 § 109 a ¶1; read only — writes stay with the plan's own provider)",
        },
        "peruste-opiskeluoikeus-oid": {
            "type": ["string", "null"],
            "description": "With current-provider: the learner's study right at the caller's "
            "organisation that grounds the access",
        },
    },
}


@router.get(
    "/hoks/oppija/{oppija_oid}",
    summary="The learner's HOKSes the caller may read, from every provider",
    description=(
        "Newest first (by the study right's start, then the first approval). Lists the "
        "caller's own organisation's plans, those it delivers procured training for, and — "
        "while the learner holds a study right in Koski at the caller's organisation (or one "
        "below it) that has not ended, one that starts later included — every other "
        "non-deleted plan of the learner, read-only (law 531/2017 § 109 a ¶1). Each listed "
        "HOKS is an audited read. 401 when the caller may read none of the learner's plans "
        "and the learner is not its student; 400 for an invalid OID."
    ),
    tags=["hoks"],
    responses={
        200: {
            "description": "The readable HOKSes",
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "meta": {"type": "object"},
                            "data": {"type": "array", "items": _ROW},
                        },
                    }
                }
            },
        }
    },
)
async def list_learner_hokses(
    oppija_oid: Annotated[str, Path(max_length=64, description="The learner's OppijaOID")],
    caller: ServiceClientCall,
) -> OrjsonResponse:
    def use_case(ctx: UseCase) -> list[dict[str, Any]]:
        with ctx.read() as session:
            plans = learner.readable_plans(session, caller.actor, oppija_oid, ctx)
        return learner.list_view(plans, ctx)  # names from Organisaatio: after the transaction

    return envelope(await caller.run(use_case))
