"""``GET /hoks/{hoks-id}/jatkoluonnos``: the draft of a learner's next plan from an earlier one,
beside the compatible routes (an addition, DESIGN D1). Nothing is stored."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from ehoks.api import openapi_bodies as bodies
from ehoks.api.deps import ServiceClientCall
from ehoks.api.openapi import COMPONENTS, errors, hoks_ok
from ehoks.api.params import HoksId
from ehoks.api.responses import OrjsonResponse, envelope
from ehoks.context import UseCase
from ehoks.jatko import service as jatko

router = APIRouter()


def _ref_meta() -> dict[str, str]:
    return {"$ref": COMPONENTS + bodies.JatkoluonnosMeta.__name__}


DESCRIPTION = """\
A HOKS creation body for the learner's new study right, built from the earlier plan
`hoks-id`: `POST /hoks` accepts it as it is once `ensikertainen-hyvaksyminen` is set
(send `?jatkaa-hoksia={hoks-id}` with it to record which plan the new one continues).
Nothing is stored. The caller must be allowed to read the earlier plan and to write on the
new study right.

Carried: the earlier prior competence as it is; units Koski records as passed on the earlier
study right as prior competence recognised through a demonstration
(`osaamisentodentamisenprosessi_0003`, the earlier demonstrations as its details, the
earlier provider as its provider); every other unit, common unit with its sub-areas and local
unit as a unit to acquire without the earlier learning periods, demonstrations, teaching
hours and responsible organisation; supporting studies, learning support, the goal and the
learner's contact data; `osaamisen-hankkimisen-tarve` from what remains. When the new study
right's qualification differs, units ePerusteet does not place in it are left out.

`meta.siirretyt` says where each carried item came from (`kohde` in the draft, `lahde` in the
earlier plan or `koski`, `tapa`: `sellaisenaan`, `suoritettu-koskessa` or `hankittavana`);
`meta.pois` lists every item left out with its reason (`syy`, `selite`). The mapping field by
field: docs/continuation.md.

Errors: 404 unknown HOKS; 401 no right to read the plan or to write on the study right;
400 a missing or malformed `opiskeluoikeus-oid`, a study right Koski does not know, another
learner's study right, the plan's own study right, or one that cannot get a HOKS (its type,
included in another, ended, already has a HOKS); 503 a registry down.
"""


@router.get(
    "/hoks/{hoks_id}/jatkoluonnos",
    summary="Draft a new HOKS for the learner's new study right from an earlier plan",
    description=DESCRIPTION,
    tags=["hoks"],
    responses={
        **hoks_ok("HOKSLuonnos", meta=_ref_meta(), etag=False),
        **errors(404),
    },
)
async def continuation_draft(
    hoks_id: HoksId,
    opiskeluoikeus_oid: Annotated[
        str,
        Query(
            alias="opiskeluoikeus-oid",
            max_length=64,
            description="The learner's new study right in Koski",
        ),
    ],
    caller: ServiceClientCall,
) -> OrjsonResponse:
    def use_case(ctx: UseCase) -> jatko.Luonnos:
        with ctx.read() as session:
            prepared = jatko.prepare(session, caller.actor, hoks_id, opiskeluoikeus_oid, ctx)
        return jatko.build(prepared, ctx)  # asks the registries: after the transaction

    draft = await caller.run(use_case)
    return envelope(draft.body, meta=draft.meta)
