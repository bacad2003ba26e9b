"""The OpenAPI document: FastAPI's description of the routes, made true to what they answer.

Routes declare their own success bodies and the errors peculiar to them with the helpers below
(``ok``, ``hoks_ok``, ``errors``, ``json_body``). ``build_openapi`` then adds what follows from
a route's dependencies, so no route can forget it: the security requirement and the 400/401/403
of a service client or a login session, the 400 of FastAPI's parameter checks (the original's
shape, not FastAPI's 422), the 400 of a body that is not JSON, and the 503 of an unavailable
database. ``tests/test_openapi.py`` checks the document; ``tests/fuzz`` checks every answer
against it.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from typing import Any

from fastapi import FastAPI, routing
from fastapi.dependencies.models import Dependant
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from ehoks.api import deps
from ehoks.api import openapi_bodies as bodies
from ehoks.api.openapi_examples import DESCRIPTION, EXAMPLE_HOKS
from ehoks.auth import people
from ehoks.context import request as shared
from ehoks.hoks.parts import CHILDREN, ROOT, ROOT_COLLECTIONS
from ehoks.hoks.schemas import PART_KINDS, openapi_models
from ehoks.hoks.schemas.generate import model_for
from ehoks.sharing import schemas as sharing_schemas

__all__ = [
    "EXAMPLE_HOKS",
    "build_openapi",
    "describe_hoks_api",
    "errors",
    "hoks_ok",
    "json_body",
    "ok",
    "ok_schema",
    "part_body",
]

TOKEN_URL = "/oauth2/token"
COMPONENTS = "#/components/schemas/"

# The security schemes. A service client sends a bearer token from /oauth2/token or, as in the
# original, a CAS service ticket in the ``ticket`` header; either way with ``Caller-Id``.
SECURITY_SCHEMES: dict[str, dict[str, Any]] = {
    "oauth2": {
        "type": "oauth2",
        "description": "A service client's id and secret (`ehoks clients create`) for a bearer "
        "token of 15 minutes",
        "flows": {"clientCredentials": {"tokenUrl": TOKEN_URL, "scopes": {}}},
    },
    "casTicket": {
        "type": "apiKey",
        "in": "header",
        "name": "ticket",
        "description": "A CAS service ticket of a PALVELU user, validated with CAS on every "
        "request (the original eHOKS's authentication)",
    },
    "callerId": {
        "type": "apiKey",
        "in": "header",
        "name": "Caller-Id",
        "description": "The calling system's name; required with either credential (400 without)",
    },
    "session": {
        "type": "apiKey",
        "in": "cookie",
        "name": "__Host-ehoks-session",
        "description": "The login session of an official, a student or a workplace actor "
        "(log in at /ehoks/kirjaudu)",
    },
    "csrf": {
        "type": "apiKey",
        "in": "header",
        "name": "X-CSRF-Token",
        "description": "The session's CSRF token (`csrf-token` of "
        "GET …/virkailija/session/kayttaja), required on every state-changing call",
    },
}
SERVICE_SECURITY: list[dict[str, list[str]]] = [
    {"oauth2": [], "callerId": []},
    {"casTicket": [], "callerId": []},
]

# Error bodies by status, as api/errors.py renders the error hierarchy.
ERROR_BODIES: dict[int, tuple[str, tuple[type[BaseModel], ...]]] = {
    400: (
        "Refused input: the parameter, header or field and the rule it broke",
        (bodies.ErrorBody,),
    ),
    401: ("Not authenticated, or no privilege on the HOKS's organisation", (bodies.ErrorBody,)),
    403: ("Authenticated, but not allowed to do this", (bodies.ErrorBody,)),
    404: ("Not found", (bodies.ErrorBody,)),
    409: ("Conflicts with the current state", (bodies.ErrorBody,)),
    410: ("Gone: retired, expired or revoked", (bodies.MessageBody,)),
    412: ("`If-Match` names an older version: nothing was written", (bodies.ErrorBody,)),
    413: (
        "The body is larger than `EHOKS_LIMITS__MAX_BODY_BYTES`: nothing was read or saved",
        (bodies.ErrorBody,),
    ),
    415: ("The body is not `application/json`", (bodies.ErrorBody,)),
    422: ("The same `Idempotency-Key` with another body", (bodies.ErrorBody,)),
    423: ("Not valid yet", (bodies.MessageBody,)),
    429: ("Too many requests: try again after `Retry-After` seconds", (bodies.ErrorBody,)),
    503: (
        "A database or a national registry is unavailable: nothing was saved; retry after "
        "`Retry-After` seconds",
        (bodies.ErrorBody,),
    ),
}
RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait", "schema": {"type": "string"}}}
ETAG = {"ETag": {"description": 'The HOKS version, e.g. "3"', "schema": {"type": "string"}}}
WRITTEN: dict[int | str, dict[str, Any]] = {
    204: {"description": "Written; the new version in `ETag`", "headers": ETAG}
}

# The Vipunen feed's page (GET /hoks/paged).
VIPUNEN_PAGE = {
    "type": "object",
    "required": ["meta", "data"],
    "properties": {
        "meta": {"type": "object"},
        "data": {
            "type": "object",
            "required": ["last-id", "failed-ids", "result"],
            "properties": {
                "last-id": {"type": "integer"},
                "failed-ids": {"type": "array", "items": {"type": "integer"}},
                "result": {"type": "array", "items": {"$ref": "#/components/schemas/HOKSVipunen"}},
            },
        },
    },
}


def describe_hoks_api() -> str:
    return DESCRIPTION.strip()


# Helpers for the route declarations.


def _ref(name: str) -> dict[str, str]:
    return {"$ref": COMPONENTS + name}


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def ok(
    model: type[BaseModel],
    status: int = 200,
    description: str = "Success",
    headers: dict[str, Any] | None = None,
) -> dict[int | str, dict[str, Any]]:
    """The success body of a route, a model of ``api/openapi_bodies.py``."""
    response: dict[str, Any] = {"description": description, "content": _json(_ref(model.__name__))}
    if headers:
        response["headers"] = headers
    return {status: response}


def ok_schema(
    schema: dict[str, Any], description: str = "Success", status: int = 200
) -> dict[int | str, dict[str, Any]]:
    """A success body given as a JSON schema."""
    return {status: {"description": description, "content": _json(schema)}}


def hoks_ok(
    data: str | list[str], *, meta: dict[str, Any] | None = None, etag: bool = True
) -> dict[int | str, dict[str, Any]]:
    """``{"meta": …, "data": <a HOKS schema>}``; ``data`` names one schema or several
    (anyOf), ``hoks_list`` for an array of them."""
    names = [data] if isinstance(data, str) else data
    schema = _ref(names[0]) if len(names) == 1 else {"anyOf": [_ref(n) for n in names]}
    envelope = {
        "type": "object",
        "required": ["meta", "data"],
        "properties": {"meta": meta or {"type": "object"}, "data": schema},
    }
    response: dict[str, Any] = {"description": "Success", "content": _json(envelope)}
    if etag:
        response["headers"] = ETAG
    return {200: response}


def hoks_list(name: str) -> dict[int | str, dict[str, Any]]:
    envelope = {
        "type": "object",
        "required": ["meta", "data"],
        "properties": {
            "meta": {"type": "object"},
            "data": {"type": "array", "items": _ref(name)},
        },
    }
    return {200: {"description": "Success", "content": _json(envelope)}}


def errors(*specs: int | tuple[int, type[BaseModel]]) -> dict[int | str, dict[str, Any]]:
    """Error answers of a route: a status (its usual body, ``ERROR_BODIES``) or a status with
    the body model it carries there."""
    declared: dict[int | str, dict[str, Any]] = {}
    for spec in specs:
        if isinstance(spec, int):
            status, models = spec, ERROR_BODIES[spec][1]
        else:
            status, models = spec[0], (spec[1],)
        _merge_error(declared, status, [model.__name__ for model in models])
    return declared


def json_body(schema: str | dict[str, Any], example: Any = None) -> dict[str, Any]:
    """``openapi_extra`` of a route that reads its JSON body itself (``JsonBody``):
    ``schema`` names a component (a HOKS variant or a request model) or is a schema."""
    content: dict[str, Any] = {"schema": _ref(schema) if isinstance(schema, str) else schema}
    if example is not None:
        content["example"] = example
    return {"requestBody": {"required": True, "content": {"application/json": content}}}


def part_body(where: str) -> dict[str, Any]:
    """The body of a part write: one part of the kinds that can be ``where`` ("root": the
    HOKS's nine collections; "sub": under another part; "any")."""
    return json_body({"anyOf": [_ref(n) for n in _part_schema_names(where, "write")]})


def part_kinds(where: str) -> list[str]:
    if where == "root":
        return sorted({kind for _, kind in CHILDREN[ROOT]})
    if where == "sub":
        return sorted({kind for p, kids in CHILDREN.items() if p != ROOT for _, kind in kids})
    return sorted(PART_KINDS)


def _part_schema_names(where: str, variant: str) -> list[str]:
    return [
        model_for(PART_KINDS[k].entity, variant).__name__  # type: ignore[index, arg-type]
        for k in part_kinds(where)
    ]


def part_read_names() -> list[str]:
    return _part_schema_names("any", "read")


def collections(where: str) -> list[str]:
    if where == "root":
        return sorted(ROOT_COLLECTIONS)
    return sorted({key for p, kids in CHILDREN.items() if p != ROOT for key, _ in kids})


def _merge_error(responses: dict[Any, dict[str, Any]], status: int | str, names: list[str]) -> None:
    if int(status) == 400:
        # Any BadRequest of the hierarchy (a rule of the domain) answers {"error": …}.
        names = [*names, bodies.ErrorBody.__name__]
    response = responses.setdefault(str(status), {"description": ERROR_BODIES[int(status)][0]})
    schema = (
        response.setdefault("content", {})
        .setdefault("application/json", {})
        .setdefault("schema", {"anyOf": []})
    )
    options = schema.setdefault("anyOf", [])
    for name in names:
        if _ref(name) not in options:
            options.append(_ref(name))
    if int(status) in (429, 503):
        response.setdefault("headers", {}).update(RETRY_AFTER)


# The document.


REQUEST_MODELS: tuple[type[BaseModel], ...] = (
    sharing_schemas.ShareCreate,
    sharing_schemas.ShareUpdate,
    sharing_schemas.ConsentCreate,
    sharing_schemas.AssessorContact,
)


def build_openapi(app: FastAPI) -> dict[str, Any]:
    if app.openapi_schema:
        return app.openapi_schema
    document = get_openapi(
        title=app.title, version=app.version, description=app.description, routes=app.routes
    )
    components = document.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    schemas.update(_model_schemas())
    components["securitySchemes"] = SECURITY_SCHEMES
    # Included routers are not flattened into app.routes; walk them as FastAPI itself does.
    for context in routing.iter_route_contexts(app.routes):
        route = context.original_route
        if isinstance(route, APIRoute) and context.include_in_schema:
            path_item = document["paths"][context.path_format]
            for method in (context.methods or set()) - {"HEAD"}:
                _complete(path_item[method.lower()], route, method)
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    app.openapi_schema = document
    return document


def _model_schemas() -> dict[str, Any]:
    """The HOKS variants, the request models and every body of ``openapi_bodies``."""
    models: list[type[BaseModel]] = list(openapi_models().values())
    models += [model_for(PART_KINDS[k].entity, "read") for k in PART_KINDS]
    models += REQUEST_MODELS
    models += [
        cls
        for _, cls in inspect.getmembers(bodies, inspect.isclass)
        if issubclass(cls, BaseModel)
        and cls.__module__ == bodies.__name__
        and not cls.__name__.startswith("_")
    ]
    _, definitions = models_json_schema(
        [(model, "validation") for model in models],
        by_alias=True,
        ref_template=COMPONENTS + "{model}",
    )
    found: dict[str, Any] = definitions.get("$defs", {})
    found.update(_derived_hoks_schemas(found["HOKS"]))
    # The continuation draft (``/hoks/{id}/jatkoluonnos``): a creation body still waiting for
    # its first approval date, which the official or the system sets before POST.
    luonti = found["HOKSLuonti"]
    found["HOKSLuonnos"] = {
        **luonti,
        "title": "HOKSLuonnos",
        "description": "A HOKS creation body without its first approval date",
        "required": [k for k in luonti.get("required", []) if k != "ensikertainen-hyvaksyminen"],
    }
    return found


def _derived_hoks_schemas(hoks: dict[str, Any]) -> dict[str, Any]:
    """HOKSPerustiedot: a HOKS's top-level fields (the collections left out), as the study
    right's and the officials' lists answer them; HOKSOppijalle: a HOKS without its numeric
    ``id``, as students get it."""

    def without(keys: set[str], title: str, description: str) -> dict[str, Any]:
        derived = {**hoks, "title": title, "description": description}
        derived["properties"] = {k: v for k, v in hoks["properties"].items() if k not in keys}
        derived["required"] = [k for k in hoks.get("required", []) if k not in keys]
        return derived

    perustiedot = without(
        set(ROOT_COLLECTIONS), "HOKSPerustiedot", "A HOKS's top-level fields only"
    )
    listed = {
        **perustiedot,
        "title": "HOKSLukuoikeudella",
        "description": "A HOKS's top-level fields and why the official may read it",
        "properties": {**perustiedot["properties"], "lukuoikeus": _ref("Lukuoikeus")},
    }
    return {
        "HOKSPerustiedot": perustiedot,
        "HOKSLukuoikeudella": listed,
        "HOKSOppijalle": without({"id"}, "HOKSOppijalle", "A HOKS as its student reads it"),
    }


def _calls(dependant: Dependant) -> Iterator[Callable[..., Any]]:
    for dependency in dependant.dependencies:
        if dependency.call is not None:
            yield dependency.call
        yield from _calls(dependency)


# A service client's request: the client checked up front, or by the route's read itself.
SERVICE_DEPENDENCIES = {deps._service_client, deps._service_call}
SESSION_DEPENDENCIES = {people._logged_in, people._student, people._official, people._email_user}


def _complete(operation: dict[str, Any], route: APIRoute, method: str) -> None:
    calls = set(_calls(route.dependant))
    responses = operation.setdefault("responses", {})
    if "422" not in _declared(route):
        # FastAPI's own 422: our parameter errors are 400 in the original's shape (below).
        responses.pop("422", None)
    if calls & SERVICE_DEPENDENCIES:
        operation["security"] = SERVICE_SECURITY
        _merge_error(responses, 400, [bodies.RequestValidationBody.__name__])
        _merge_error(responses, 401, [bodies.ErrorBody.__name__])
        _merge_error(responses, 403, [bodies.ErrorBody.__name__])
        # CAS unreachable while checking a ticket.
        _merge_error(responses, 503, [bodies.ErrorBody.__name__])
    elif calls & SESSION_DEPENDENCIES:
        changes = method not in ("GET", "HEAD", "OPTIONS")
        operation["security"] = [{"session": [], "csrf": []} if changes else {"session": []}]
        _merge_error(responses, 401, [bodies.ErrorBody.__name__])
        _merge_error(responses, 403, [bodies.ErrorBody.__name__])
    elif people.current_session in calls:
        operation["security"] = [{"session": []}, {}]
    else:
        operation["security"] = []
    if shared.app_state in calls:
        _merge_error(responses, 503, [bodies.ErrorBody.__name__])
    if operation.get("parameters"):
        _merge_error(responses, 400, [bodies.RequestValidationBody.__name__])
    if deps._json_body in calls:
        _merge_error(
            responses,
            400,
            [bodies.RequestValidationBody.__name__, bodies.RequestParsingBody.__name__],
        )
        operation.setdefault("requestBody", json_body({"type": "object"})["requestBody"])
        _merge_error(responses, 415, [bodies.ErrorBody.__name__])
    if "requestBody" in operation:
        # The body limit is counted while any body is read (api/body_limit.py).
        _merge_error(responses, 413, [bodies.ErrorBody.__name__])


def _declared(route: APIRoute) -> set[str]:
    return {str(status) for status in route.responses}
