"""The original's per-part routes (``/hoks/{id}/<part>/…``), retired there: 410 for a retired
part, 404 for anything else (reference 5.1). A router of their own, included after every other
router of the API, so that their patterns take nothing the others serve."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from ehoks.api.deps import ServiceClient
from ehoks.api.params import HoksId
from ehoks.api.responses import OrjsonResponse
from ehoks.errors import Gone

router = APIRouter()

LEGACY_PARTS = (
    "aiemmin-hankittu-ammat-tutkinnon-osa",
    "aiemmin-hankittu-paikallinen-tutkinnon-osa",
    "aiemmin-hankittu-yhteinen-tutkinnon-osa",
    "hankittava-ammat-tutkinnon-osa",
    "hankittava-paikallinen-tutkinnon-osa",
    "hankittava-yhteinen-tutkinnon-osa",
    "opiskeluvalmiuksia-tukevat-opinnot",
)


# The original's per-part routes are retired there and answer 410 (reference 5.1).


@router.get("/hoks/{hoks_id}/{legacy_part}/{part_id}", include_in_schema=False)
@router.patch("/hoks/{hoks_id}/{legacy_part}/{part_id}", include_in_schema=False)
async def retired_part_route(
    hoks_id: HoksId, legacy_part: str, part_id: str, actor: ServiceClient
) -> Response:
    return _retired(legacy_part)


@router.post("/hoks/{hoks_id}/{legacy_part}", include_in_schema=False)
async def retired_part_create_route(
    hoks_id: HoksId, legacy_part: str, actor: ServiceClient
) -> Response:
    return _retired(legacy_part)


def _retired(legacy_part: str) -> Response:
    if legacy_part in LEGACY_PARTS:
        raise Gone("Route is deprected.")
    return OrjsonResponse({"reason": "Route not found"}, 404)
