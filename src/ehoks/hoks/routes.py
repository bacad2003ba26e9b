"""The eHOKS-compatible service API under ``/ehoks-virkailija-backend/api/v1`` (reference 5.1,
5.3) and our additions beside it: part-level writes, versions, ETag/If-Match, Idempotency-Key."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Header, Path, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from ehoks.access.actor import OrganisationActor
from ehoks.api import openapi_bodies as bodies
from ehoks.api.deps import JsonBody, ServiceCall, ServiceClientCall
from ehoks.api.openapi import (
    ETAG,
    EXAMPLE_HOKS,
    VIPUNEN_PAGE,
    WRITTEN,
    collections,
    errors,
    hoks_ok,
    json_body,
    ok,
    ok_schema,
    part_body,
    part_read_names,
)
from ehoks.api.params import HoksId, InstantInRange, check_page_size
from ehoks.api.responses import OrjsonResponse, encoded, envelope, no_content
from ehoks.context import UseCase
from ehoks.context.request import State, Trail
from ehoks.hoks import service as hoks_service
from ehoks.hoks.errors import SchemaNotFound
from ehoks.hoks.schemas import json_schemas
from ehoks.hoks.service import etag, reading
from ehoks.jatko import service as jatko_service
from ehoks.limits import DB_INT_MAX

router = APIRouter()

T = TypeVar("T")

Version = Annotated[int, Path(ge=1, le=DB_INT_MAX, description="A version number of the HOKS")]
Kokoelma = Annotated[
    str,
    Path(description="The collection to add to", json_schema_extra={"enum": collections("root")}),
]
SubKokoelma = Annotated[
    str,
    Path(
        description="The collection of the parent part to add to",
        json_schema_extra={"enum": collections("sub")},
    ),
]
ModuleId = Annotated[str, Path(description="The part's module-id (UUID)")]
IfMatch = Annotated[
    str | None,
    Header(description='Current HOKS version as returned in ETag, e.g. "3"; 412 if it changed'),
]


def _etag_headers(version: int) -> dict[str, str]:
    return {"ETag": etag(version)}


async def _change(
    caller: ServiceCall, hoks_id: int, apply: Callable[[Session, UseCase], T], body: Any = None
) -> T:
    """A write on a stored HOKS in one threadpool hop: the client check, the prepare phase
    (the registries asked outside any transaction; ``body`` when it may change the learner),
    then ``apply`` in the write transaction."""

    def use_case(ctx: UseCase) -> T:
        hoks_service.prepare_write(ctx, hoks_id, body)
        return ctx.write(lambda session: apply(session, ctx))

    return await caller.run(use_case)


CREATED_PART_HEADERS = {
    **ETAG,
    "Location": {"description": "The new part's address", "schema": {"type": "string"}},
}


@router.post(
    "/hoks",
    summary="Create a HOKS",
    tags=["hoks"],
    openapi_extra=json_body("HOKSLuonti", EXAMPLE_HOKS),
    responses={
        **ok(
            bodies.HoksCreated,
            headers={
                **ETAG,
                "Idempotent-Replayed": {
                    "description": "`true` when a retry returned the first result",
                    "schema": {"type": "string"},
                },
            },
        ),
        **errors(422),
    },
)
async def create_hoks(
    request: Request,
    body: JsonBody,
    caller: ServiceClientCall,
    idempotency_key: Annotated[
        str | None,
        Header(
            max_length=255,
            description="Makes a retried create return the first result instead of a second HOKS",
        ),
    ] = None,
    jatkaa_hoksia: Annotated[
        int | None,
        Query(
            alias="jatkaa-hoksia",
            ge=1,
            le=2**31 - 1,
            description="Our addition: the id of the same learner's earlier HOKS this one "
            "continues (see GET /hoks/{hoks-id}/jatkoluonnos). Recorded beside the HOKS, not in "
            "it; the caller must be allowed to read that plan, else nothing is created.",
        ),
    ] = None,
) -> OrjsonResponse:
    # One threadpool hop for the whole use case: the client check, the prepare phase, the
    # write and its audit (issue 12, item 5; docs/performance.md).
    written = await caller.run(
        lambda ctx: _create(ctx, caller.actor, body, idempotency_key, jatkaa_hoksia)
    )
    headers = _etag_headers(written.version)
    if written.replayed:
        headers["Idempotent-Replayed"] = "true"
    return envelope(
        {"uri": f"{request.url.path}/{written.hoks_id}"},
        meta={"id": written.hoks_id},
        headers=headers,
    )


def _create(
    ctx: UseCase,
    actor: OrganisationActor,
    body: Any,
    idempotency_key: str | None,
    jatkaa_hoksia: int | None,
) -> hoks_service.Written:
    prepared = hoks_service.prepare_create(actor, body, ctx)
    if jatkaa_hoksia is not None:
        jatko_service.prepare_record(ctx, jatkaa_hoksia, prepared.document["oppija-oid"])

    def apply(session: Session) -> hoks_service.Written:
        written = hoks_service.apply_create(
            session,
            actor,
            prepared,
            ctx,
            idempotency_key=idempotency_key,
            client_id=actor.audit_id,
        )
        if jatkaa_hoksia is not None and not written.replayed:
            jatko_service.record(session, actor, written.hoks_id, jatkaa_hoksia, ctx)
        return written

    return ctx.write(apply)


@router.get(
    "/hoks/paged",
    summary="Anonymised HOKS feed for Vipunen",
    tags=["hoks"],
    responses=ok_schema(VIPUNEN_PAGE),
)
async def list_hoks_paged(
    caller: ServiceClientCall,
    state: State,
    trail: Trail,
    amount: Annotated[
        int, Query(description="Page size, at most EHOKS_LIMITS__MAX_PAGE_SIZE")
    ] = 500,
    from_id: Annotated[int, Query(alias="from-id", ge=0, le=DB_INT_MAX)] = 0,
    updated_after: Annotated[datetime | None, Query(alias="updated-after"), InstantInRange] = None,
) -> OrjsonResponse:
    check_page_size(amount, "amount", state.settings.limits)

    def read(session: Session) -> dict[str, Any]:
        page = hoks_service.paged(
            session, caller.actor, from_id=from_id, amount=amount, updated_after=updated_after
        )
        trail.record(
            operation="read",
            legal_basis="statistics",
            details={"feed": "vipunen", "from-id": from_id, "count": len(page["result"])},
        )
        return page

    return envelope(await caller.read(read))


@router.get(
    "/hoks/opiskeluoikeus/{opiskeluoikeus_oid}",
    summary="Top-level fields of the HOKS of a study right",
    tags=["hoks"],
    responses={**hoks_ok("HOKSPerustiedot", etag=False), **errors(404)},
)
async def get_hoks_by_opiskeluoikeus(
    opiskeluoikeus_oid: str, caller: ServiceClientCall
) -> OrjsonResponse:
    data = await caller.read(
        lambda session: hoks_service.get_by_opiskeluoikeus(
            session, caller.actor, opiskeluoikeus_oid, caller.ctx
        )
    )
    return envelope(data)


@router.get(
    "/hoks/{hoks_id}",
    summary="Read a HOKS",
    tags=["hoks"],
    responses={
        **hoks_ok("HOKS"),
        304: {"description": "Unchanged since the `If-None-Match` version", "headers": ETAG},
        **errors(404),
    },
)
async def get_hoks(
    hoks_id: HoksId,
    caller: ServiceClientCall,
    if_none_match: Annotated[str | None, Header()] = None,
) -> Response:
    # The lean path (issue 12, item 5): one threadpool hop, one statement that also checks
    # the client, the audit event awaited on the event loop (docs/performance.md).
    # The client is checked in that one statement, hence ``ctx.read_async``, not ``caller.read``.
    hoks = await caller.ctx.read_async(
        lambda session: reading.get_checking_client(
            session, caller.actor, hoks_id, caller.ctx, client_id=caller.unchecked_client_id
        ),
    )
    headers = _etag_headers(hoks.version)
    if if_none_match is not None and etag(hoks.version) in if_none_match:
        return Response(status_code=304, headers=headers)
    return encoded(reading.body_of(hoks), headers)


@router.put(
    "/hoks/{hoks_id}",
    status_code=204,
    summary="Replace a HOKS",
    tags=["hoks"],
    openapi_extra=json_body("HOKSKorvaus", {"id": 1, **EXAMPLE_HOKS}),
    responses={**WRITTEN, **errors(404, 412)},
)
async def replace_hoks(
    hoks_id: HoksId,
    body: JsonBody,
    caller: ServiceClientCall,
    if_match: IfMatch = None,
) -> Response:
    written = await _change(
        caller,
        hoks_id,
        lambda session, ctx: hoks_service.replace(
            session, caller.actor, hoks_id, body, ctx, if_match=if_match
        ),
        body,
    )
    return no_content(_etag_headers(written.version))


@router.patch(
    "/hoks/{hoks_id}",
    status_code=204,
    summary="Update top-level fields",
    tags=["hoks"],
    openapi_extra=json_body("HOKSPaivitys", {"id": 1, "sahkoposti": "uusi@example.org"}),
    responses={**WRITTEN, **errors(404, 412)},
)
async def patch_hoks(
    hoks_id: HoksId,
    body: JsonBody,
    caller: ServiceClientCall,
    if_match: IfMatch = None,
) -> Response:
    written = await _change(
        caller,
        hoks_id,
        lambda session, ctx: hoks_service.patch(
            session, caller.actor, hoks_id, body, ctx, if_match=if_match
        ),
        body,
    )
    return no_content(_etag_headers(written.version))


@router.post(
    "/validointi",
    summary="Validate a HOKS without saving",
    tags=["hoks"],
    openapi_extra=json_body("HOKSLuonti", EXAMPLE_HOKS),
    responses=ok(bodies.EmptyEnvelope, description="Valid; nothing was stored"),
)
async def validate_hoks(body: JsonBody, caller: ServiceClientCall) -> OrjsonResponse:
    await caller.run(lambda ctx: hoks_service.validate_only(caller.actor, body, ctx))
    return envelope({})


# Part-level writes (our addition; the original retired its per-part routes, see below).


@router.get(
    "/hoks/{hoks_id}/osat/{module_id}",
    summary="Read one part",
    tags=["hoks parts"],
    responses={
        **hoks_ok(part_read_names(), meta={"$ref": "#/components/schemas/PartMeta"}),
        **errors(404),
    },
)
async def get_hoks_part(
    hoks_id: HoksId, module_id: ModuleId, caller: ServiceClientCall
) -> OrjsonResponse:
    view = await caller.read(
        lambda session: hoks_service.get_part(session, caller.actor, hoks_id, module_id, caller.ctx)
    )
    return envelope(
        view.part,
        meta={
            "tyyppi": view.kind,
            "hoks-id": hoks_id,
            "parent-module-id": view.parent_module_id,
            "kokoelma": view.collection_key,
        },
        headers=_etag_headers(view.hoks.version),
    )


@router.put(
    "/hoks/{hoks_id}/osat/{module_id}",
    status_code=204,
    summary="Replace one part (keeps its module-id)",
    tags=["hoks parts"],
    openapi_extra=part_body("any"),
    responses={**WRITTEN, **errors(404, 412)},
)
async def replace_hoks_part(
    hoks_id: HoksId,
    module_id: ModuleId,
    body: JsonBody,
    caller: ServiceClientCall,
    if_match: IfMatch = None,
) -> Response:
    written = await _change(
        caller,
        hoks_id,
        lambda session, ctx: hoks_service.replace_part(
            session, caller.actor, hoks_id, module_id, body, ctx, if_match=if_match
        ),
    )
    return no_content(_etag_headers(written.version))


@router.delete(
    "/hoks/{hoks_id}/osat/{module_id}",
    status_code=204,
    summary="Remove one part and everything under it",
    tags=["hoks parts"],
    responses={**WRITTEN, **errors(404, 412)},
)
async def delete_hoks_part(
    hoks_id: HoksId,
    module_id: ModuleId,
    caller: ServiceClientCall,
    if_match: IfMatch = None,
) -> Response:
    written = await _change(
        caller,
        hoks_id,
        lambda session, ctx: hoks_service.delete_part(
            session, caller.actor, hoks_id, module_id, ctx, if_match=if_match
        ),
    )
    return no_content(_etag_headers(written.version))


@router.post(
    "/hoks/{hoks_id}/osat/{module_id}/{kokoelma}",
    status_code=201,
    summary="Add a part under another part",
    tags=["hoks parts"],
    openapi_extra=part_body("sub"),
    responses={
        **ok(bodies.PartCreated, 201, "Added", headers=CREATED_PART_HEADERS),
        **errors(404, 412),
    },
)
async def add_hoks_subpart(
    request: Request,
    hoks_id: HoksId,
    module_id: ModuleId,
    kokoelma: SubKokoelma,
    body: JsonBody,
    caller: ServiceClientCall,
    if_match: IfMatch = None,
) -> OrjsonResponse:
    return await _added(request, hoks_id, module_id, kokoelma, body, caller, if_match)


@router.post(
    "/hoks/{hoks_id}/osat/{kokoelma}",
    status_code=201,
    summary="Add a part to one of the HOKS's nine collections",
    tags=["hoks parts"],
    openapi_extra=part_body("root"),
    responses={
        **ok(bodies.PartCreated, 201, "Added", headers=CREATED_PART_HEADERS),
        **errors(404, 412),
    },
)
async def add_hoks_part(
    request: Request,
    hoks_id: HoksId,
    kokoelma: Kokoelma,
    body: JsonBody,
    caller: ServiceClientCall,
    if_match: IfMatch = None,
) -> OrjsonResponse:
    return await _added(request, hoks_id, None, kokoelma, body, caller, if_match)


async def _added(
    request: Request,
    hoks_id: int,
    parent_module_id: str | None,
    kokoelma: str,
    body: Any,
    caller: ServiceCall,
    if_match: str | None,
) -> OrjsonResponse:
    written, module_id = await _change(
        caller,
        hoks_id,
        lambda session, ctx: hoks_service.add_part(
            session, caller.actor, hoks_id, parent_module_id, kokoelma, body, ctx, if_match=if_match
        ),
    )
    base = request.url.path.split("/hoks/")[0]
    uri = f"{base}/hoks/{hoks_id}/osat/{module_id}"
    headers = {**_etag_headers(written.version), "Location": uri}
    return envelope({"uri": uri}, meta={"module-id": module_id}, status_code=201, headers=headers)


@router.get(
    "/hoks/{hoks_id}/versiot",
    summary="Version history of a HOKS",
    tags=["hoks"],
    responses={**ok(bodies.Versiot), **errors(404)},
)
async def list_hoks_versions(hoks_id: HoksId, caller: ServiceClientCall) -> OrjsonResponse:
    versions = await caller.read(
        lambda session: hoks_service.list_versions(session, caller.actor, hoks_id, caller.ctx)
    )
    return envelope(versions)


@router.get(
    "/hoks/{hoks_id}/versiot/{version}",
    summary="A HOKS as it was at a version",
    tags=["hoks"],
    responses={**hoks_ok("HOKS", etag=False), **errors(404)},
)
async def get_hoks_version(
    hoks_id: HoksId, version: Version, caller: ServiceClientCall
) -> OrjsonResponse:
    data = await caller.read(
        lambda session: hoks_service.get_version(
            session, caller.actor, hoks_id, version, caller.ctx
        )
    )
    return envelope(data)


@router.get(
    "/schemas/{name}",
    summary="JSON Schema of a HOKS variant or part kind",
    description="Names: HOKS (read), HOKSVipunen, HOKSLuonti (POST), HOKSKorvaus (PUT), "
    "HOKSPaivitys (PATCH), and one per part kind, e.g. osaamisen-hankkimistapa.",
    tags=["schemas"],
    responses={**ok_schema({"type": "object"}, "A JSON Schema (draft 2020-12)"), **errors(404)},
)
def get_json_schema(name: str) -> OrjsonResponse:
    schemas = json_schemas()
    if name not in schemas:
        raise SchemaNotFound(name, sorted(schemas))
    return OrjsonResponse(schemas[name])
