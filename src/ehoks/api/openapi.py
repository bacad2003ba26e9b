"""The human part of the OpenAPI description."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic.json_schema import models_json_schema

from ehoks.hoks.schemas import openapi_models

DESCRIPTION = """
The eHOKS service API for student information systems (SIS), compatible with the original
eHOKS v1 API under `/ehoks-virkailija-backend/api/v1/hoks`: same paths, kebab-case Finnish
JSON keys, `{"meta": …, "data": …}` envelope, status codes and Finnish rule messages.

**Authentication.** Get a token with your client id and secret at `POST /oauth2/token`
(`grant_type=client_credentials`) and send it as `Authorization: Bearer <token>`. Every request
also carries a `Caller-Id` header naming your system.

**Additions beside the compatible routes** (they change none of them):

* *Piecewise writing.* Add a part with `POST /hoks/{id}/osat/{collection}` (one of the nine root
  collections, e.g. `hankittavat-ammat-tutkinnon-osat`) or
  `POST /hoks/{id}/osat/{module-id}/{collection}` (under another part, e.g.
  `osaamisen-hankkimistavat`); read, replace or remove any part with
  `GET|PUT|DELETE /hoks/{id}/osat/{module-id}`. Every such write validates the whole resulting
  HOKS.
* *Stable part identities.* Every part has a `module-id` that survives a PUT when the part is
  still there (sent back, or matched by `yksiloiva-tunniste` or its code).
* *Optimistic concurrency.* Responses carry the HOKS version as `ETag`; send it back in
  `If-Match` on any write and get `412` if somebody changed the HOKS in between.
* *Idempotent create.* `POST /hoks` with an `Idempotency-Key` header returns the first result
  when retried and never creates a second HOKS.
* *History.* `GET /hoks/{id}/versiot` lists the versions; `GET /hoks/{id}/versiot/{n}` reads one.
"""


def describe_hoks_api() -> str:
    return DESCRIPTION.strip()


# Request and response bodies of the HOKS routes are parsed by ehoks.hoks.schemas (one schema per
# method, errors mirroring the input), not by FastAPI, so the OpenAPI document gets them here.

EXAMPLE_HOKS: dict[str, Any] = {
    "oppija-oid": "1.2.246.562.24.12312312319",
    "opiskeluoikeus-oid": "1.2.246.562.15.41024330544",
    "ensikertainen-hyvaksyminen": "2025-08-15",
    "osaamisen-hankkimisen-tarve": True,
    "sahkoposti": "opiskelija@example.org",
    "hankittavat-ammat-tutkinnon-osat": [
        {
            "tutkinnon-osa-koodi-uri": "tutkinnonosat_300268",
            "tutkinnon-osa-koodi-versio": 1,
            "osaamisen-hankkimistavat": [
                {
                    "alku": "2025-09-01",
                    "loppu": "2025-12-19",
                    "yksiloiva-tunniste": "jakso-1",
                    "osaamisen-hankkimistapa-koodi-uri": "osaamisenhankkimistapa_koulutussopimus",
                    "osaamisen-hankkimistapa-koodi-versio": 1,
                    "osa-aikaisuustieto": 100,
                    "tyopaikalla-jarjestettava-koulutus": {
                        "tyopaikan-nimi": "Esimerkki Oy",
                        "tyopaikan-y-tunnus": "1234567-1",
                        "vastuullinen-tyopaikka-ohjaaja": {
                            "nimi": "Olli Ohjaaja",
                            "sahkoposti": "olli.ohjaaja@example.org",
                        },
                        "keskeiset-tyotehtavat": ["Asiakaspalvelu"],
                    },
                }
            ],
        }
    ],
}

EXAMPLE_PART: dict[str, Any] = EXAMPLE_HOKS["hankittavat-ammat-tutkinnon-osat"][0][
    "osaamisen-hankkimistavat"
][0]

# operationId → (request schema, example) and operationId → response data schema
REQUEST_BODIES: dict[str, tuple[str, dict[str, Any]]] = {
    "create_hoks": ("HOKSLuonti", EXAMPLE_HOKS),
    "validate_hoks": ("HOKSLuonti", EXAMPLE_HOKS),
    "replace_hoks": ("HOKSKorvaus", {"id": 1, **EXAMPLE_HOKS}),
    "patch_hoks": ("HOKSPaivitys", {"id": 1, "sahkoposti": "uusi@example.org"}),
    "add_hoks_subpart": ("osaamisen-hankkimistapa", EXAMPLE_PART),
    "add_hoks_part": (
        "hankittava-ammat-tutkinnon-osa",
        EXAMPLE_HOKS["hankittavat-ammat-tutkinnon-osat"][0],
    ),
    "replace_hoks_part": ("osaamisen-hankkimistapa", EXAMPLE_PART),
}
RESPONSE_DATA: dict[str, str] = {"get_hoks": "HOKS", "get_hoks_version": "HOKS"}


def build_openapi(app: FastAPI) -> dict[str, Any]:
    """FastAPI's document plus the HOKS schemas of every method variant and part kind."""
    if app.openapi_schema:
        return app.openapi_schema
    document = get_openapi(
        title=app.title, version=app.version, description=app.description, routes=app.routes
    )
    models = openapi_models()
    _, definitions = models_json_schema(
        [(model, "validation") for model in models.values()],
        by_alias=True,
        ref_template="#/components/schemas/{model}",
    )
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas.update(definitions.get("$defs", {}))
    refs = {
        name: {"$ref": f"#/components/schemas/{model.__name__}"} for name, model in models.items()
    }
    for path_item in document["paths"].values():
        for operation in path_item.values():
            operation_id = str(operation.get("operationId", ""))
            name = next((k for k in REQUEST_BODIES if operation_id.startswith(f"{k}_")), None)
            if name is not None:
                schema_name, example = REQUEST_BODIES[name]
                operation["requestBody"] = {
                    "required": True,
                    "content": {
                        "application/json": {"schema": refs[schema_name], "example": example}
                    },
                }
            name = next((k for k in RESPONSE_DATA if operation_id.startswith(f"{k}_")), None)
            if name is not None:
                envelope = {
                    "type": "object",
                    "properties": {"meta": {"type": "object"}, "data": refs[RESPONSE_DATA[name]]},
                }
                operation["responses"]["200"]["content"] = {
                    "application/json": {"schema": envelope}
                }
    app.openapi_schema = document
    return document
