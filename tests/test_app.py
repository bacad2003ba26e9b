"""The OpenAPI document and the published JSON Schemas."""

from __future__ import annotations

import json
import re

from tests.conftest import API


def test_every_schema_reference_of_the_openapi_document_resolves(client):
    document = client.get("/ehoks-virkailija-backend/doc/openapi.json").json()
    references = set(re.findall(r"#/components/schemas/([^\"]+)", json.dumps(document)))
    assert references
    assert references <= set(document["components"]["schemas"])
    create = document["paths"][f"{API}/hoks"]["post"]["requestBody"]["content"]["application/json"]
    assert create["schema"] == {"$ref": "#/components/schemas/HOKSLuonti"}
    assert create["example"]["opiskeluoikeus-oid"]


def test_json_schemas_are_published_per_variant(client):
    for name in (
        "HOKS",
        "HOKSLuonti",
        "HOKSKorvaus",
        "HOKSPaivitys",
        "HOKSVipunen",
        "osaamisen-hankkimistapa",
    ):
        response = client.get(f"{API}/schemas/{name}")
        assert response.status_code == 200, name
        assert response.json()["type"] == "object"
    assert client.get(f"{API}/schemas/HOKSLuonti").json()["additionalProperties"] is False
    missing = client.get(f"{API}/schemas/nope")
    assert missing.status_code == 404
