"""Security headers on every answer, the JSON API's included; the API documentation keeps
the script policy it needs; static files may be cached, nothing else."""

from __future__ import annotations

from tests.conftest import API
from tests.factories import OPH, hoks_body

COMMON = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
}


def _has_common(headers) -> None:  # type: ignore[no-untyped-def]
    for name, value in COMMON.items():
        assert headers[name] == value, name


def test_a_json_answer_with_personal_data_carries_the_headers(client, clients, world):
    headers = clients.headers(OPH)
    oppija, oo = world.add_oppija("headers")
    created = client.post(f"{API}/hoks", json=hoks_body(oppija, oo), headers=headers)
    response = client.get(f"{API}/hoks/{created.json()['meta']['id']}", headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    _has_common(response.headers)
    assert response.headers["cache-control"] == "no-store"
    csp = response.headers["content-security-policy"]
    assert "default-src 'none'" in csp
    assert "frame-ancestors 'none'" in csp


def test_errors_and_the_token_answer_carry_them_too(client):
    for response in (
        client.get(f"{API}/hoks/1"),  # 400: no Caller-Id
        client.get("/ehoks-oppija-backend/api/v1/ei-tallaista"),  # 404
        client.post("/oauth2/token", data={"grant_type": "password"}),  # 400
    ):
        _has_common(response.headers)
        assert response.headers["cache-control"] == "no-store"


def test_pages_keep_their_policy_and_the_api_documentation_its_scripts(client):
    page = client.get("/")
    _has_common(page.headers)
    assert "script-src 'self'" in page.headers["content-security-policy"]
    docs = client.get("/ehoks-virkailija-backend/doc")
    assert docs.status_code == 200
    _has_common(docs.headers)
    # Swagger UI runs an inline script: no content security policy that would stop it.
    assert "content-security-policy" not in docs.headers
    spec = client.get("/ehoks-virkailija-backend/doc/openapi.json")
    _has_common(spec.headers)


def test_static_files_may_be_cached(client):
    for path in (
        "/ehoks/static/ehoks.css",
        "/ehoks-virkailija-backend/doc/static/swagger-ui.css",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        _has_common(response.headers)
        assert "no-store" not in response.headers.get("cache-control", "")
