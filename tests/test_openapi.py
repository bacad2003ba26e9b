"""The OpenAPI document describes the API as it is: security on every operation, a body for
every status, the right schema for each part route. (tests/fuzz checks the answers against it.)"""

from __future__ import annotations

import json
from typing import Any

import pytest

from ehoks.hoks.schemas import PART_KINDS
from ehoks.hoks.schemas.generate import model_for
from ehoks.main import OPENAPI_URL
from tests.conftest import API

HOKS = f"{API}/hoks/{{hoks_id}}"
OPPIJA = "/ehoks-oppija-backend/api/v1"


@pytest.fixture
def document(client) -> dict[str, Any]:
    response = client.get(OPENAPI_URL)
    assert response.status_code == 200
    return response.json()


def _operations(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            yield f"{method.upper()} {path}", operation


def _refs(node):
    if isinstance(node, dict):
        if "$ref" in node:
            yield node["$ref"]
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def _ref_names(schema):
    return sorted(ref.rsplit("/", 1)[1] for ref in _refs(schema))


def test_the_security_schemes_are_those_the_api_accepts(document):
    schemes = document["components"]["securitySchemes"]
    assert schemes["oauth2"]["flows"] == {
        "clientCredentials": {"tokenUrl": "/oauth2/token", "scopes": {}}
    }
    assert schemes["casTicket"] == {**schemes["casTicket"], "in": "header", "name": "ticket"}
    assert schemes["callerId"] == {**schemes["callerId"], "in": "header", "name": "Caller-Id"}
    assert schemes["session"]["in"] == "cookie"
    assert schemes["csrf"]["name"] == "X-CSRF-Token"


def test_every_operation_names_its_security(document):
    service = [{"oauth2": [], "callerId": []}, {"casTicket": [], "callerId": []}]
    by_operation = dict(_operations(document))
    assert all("security" in op for op in by_operation.values()), "an operation without security"
    assert by_operation[f"GET {HOKS}"]["security"] == service
    assert by_operation[f"POST {API}/hoks"]["security"] == service
    assert by_operation[f"GET {API}/virkailija/oppijat"]["security"] == [{"session": []}]
    assert by_operation[f"POST {OPPIJA}/oppija/jaot/jakolinkit"]["security"] == [
        {"session": [], "csrf": []}
    ]
    assert by_operation["POST /oauth2/token"]["security"] == []
    assert by_operation[f"GET {API}/healthcheck"]["security"] == []
    # Every scheme an operation names exists, and every scheme is used.
    used = {name for op in by_operation.values() for r in op["security"] for name in r}
    assert used == set(document["components"]["securitySchemes"])


def test_every_answer_has_its_body_described(document):
    undescribed = []
    for name, operation in _operations(document):
        assert "422" not in operation["responses"] or name == f"POST {API}/hoks", name
        for status, response in operation["responses"].items():
            for media_type, content in response.get("content", {}).items():
                schema = content.get("schema", {})
                if media_type == "application/json" and (
                    not schema or schema == {"type": "string"}
                ):
                    undescribed.append(f"{name} {status}")
    assert undescribed == []


def test_service_operations_document_their_refusals(document):
    for name, operation in _operations(document):
        security = {n for r in operation["security"] for n in r}
        responses = operation["responses"]
        if "oauth2" in security:
            assert {"400", "401", "403", "503"} <= set(responses), name
            assert _ref_names(responses["400"]) == ["ErrorBody", "RequestValidationBody"] or (
                "RequestParsingBody" in _ref_names(responses["400"])
            ), name
            assert "Retry-After" in responses["503"]["headers"]
        if "session" in security and name != f"GET {API}/virkailija/session/kayttaja":
            assert {"401", "403"} <= set(responses), name
    kayttaja = dict(_operations(document))[f"GET {API}/virkailija/session/kayttaja"]
    assert _ref_names(kayttaja["responses"]["401"]) == ["InfoBody"]


def _body_refs(operation):
    return _ref_names(operation["requestBody"]["content"]["application/json"]["schema"])


def _write_names(kinds):
    return sorted(model_for(PART_KINDS[k].entity, "write").__name__ for k in kinds)


def test_part_routes_have_the_part_schemas_not_the_hoks_ones(document):
    # The old document matched operation ids by prefix: PUT …/osat/{module_id} got the HOKS's
    # PUT schema and GET …/osat/{module_id} the whole HOKS.
    ops = dict(_operations(document))
    assert _body_refs(ops[f"PUT {HOKS}"]) == ["HOKSKorvaus"]
    assert _body_refs(ops[f"PATCH {HOKS}"]) == ["HOKSPaivitys"]
    assert _body_refs(ops[f"POST {API}/hoks"]) == ["HOKSLuonti"]
    assert _body_refs(ops[f"PUT {HOKS}/osat/{{module_id}}"]) == _write_names(PART_KINDS)
    root = _body_refs(ops[f"POST {HOKS}/osat/{{kokoelma}}"])
    sub = _body_refs(ops[f"POST {HOKS}/osat/{{module_id}}/{{kokoelma}}"])
    assert "HankittavaAmmatillinenTutkinnonOsaKirjoitus" in root
    assert "OsaamisenHankkimistapaKirjoitus" not in root
    assert "OsaamisenHankkimistapaKirjoitus" in sub
    assert "HankittavaAmmatillinenTutkinnonOsaKirjoitus" not in sub
    part = ops[f"GET {HOKS}/osat/{{module_id}}"]["responses"]["200"]
    data = part["content"]["application/json"]["schema"]["properties"]["data"]
    assert "HOKS" not in _ref_names(data)
    assert "OsaamisenHankkimistapa" in _ref_names(data)
    hoks = ops[f"GET {HOKS}"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert _ref_names(hoks["properties"]["data"]) == ["HOKS"]
    collections = [
        p for p in ops[f"POST {HOKS}/osat/{{kokoelma}}"]["parameters"] if p["name"] == "kokoelma"
    ]
    assert "hankittavat-ammat-tutkinnon-osat" in collections[0]["schema"]["enum"]


def test_every_json_body_route_declares_its_body(document):
    generic = [
        name
        for name, operation in _operations(document)
        if "requestBody" in operation
        and operation["requestBody"]["content"].get("application/json", {}).get("schema")
        == {"type": "object"}
    ]
    assert generic == []


def test_every_reference_resolves(document):
    schemas = document["components"]["schemas"]
    missing = {ref for ref in _refs(document) if ref.rsplit("/", 1)[1] not in schemas}
    assert missing == set()
    json.dumps(document)  # serialisable as served
