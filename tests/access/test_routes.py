"""Token endpoint and the authentication gate of the service API."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

import jwt

from ehoks.access import service as access_service
from ehoks.db import make_session_factory
from tests.conftest import API
from tests.factories import OPH


def _new_client(db, role="CRUD", organisaatio=OPH):
    with make_session_factory(db).begin() as session:
        return access_service.create_client(
            session, name="SIS", organisaatio_oid=organisaatio, role=role
        )


class TestTokenEndpoint:
    def test_issues_a_bearer_token_for_form_credentials(self, client, db):
        new = _new_client(db)
        response = client.post(
            "/oauth2/token",
            data={
                "grant_type": "client_credentials",
                "client_id": new.client_id,
                "client_secret": new.client_secret,
            },
        )
        assert response.status_code == 200
        body = response.json()
        assert body["token_type"] == "Bearer"
        assert body["expires_in"] == 900
        assert response.headers["cache-control"] == "no-store"

    def test_accepts_http_basic_credentials(self, client, db):
        new = _new_client(db)
        basic = base64.b64encode(f"{new.client_id}:{new.client_secret}".encode()).decode()
        response = client.post(
            "/oauth2/token",
            data={"grant_type": "client_credentials"},
            headers={"Authorization": f"Basic {basic}"},
        )
        assert response.status_code == 200

    def test_refuses_a_wrong_secret(self, client, db):
        new = _new_client(db)
        response = client.post(
            "/oauth2/token",
            data={
                "grant_type": "client_credentials",
                "client_id": new.client_id,
                "client_secret": "wrong",
            },
        )
        assert response.status_code == 401
        assert response.json()["error"] == "invalid_client"

    def test_refuses_an_unknown_client(self, client):
        response = client.post(
            "/oauth2/token",
            data={"grant_type": "client_credentials", "client_id": "nobody", "client_secret": "x"},
        )
        assert response.status_code == 401

    def test_refuses_other_grant_types(self, client, db):
        new = _new_client(db)
        response = client.post(
            "/oauth2/token",
            data={
                "grant_type": "password",
                "client_id": new.client_id,
                "client_secret": new.client_secret,
            },
        )
        assert response.status_code == 400
        assert response.json()["error"] == "unsupported_grant_type"

    def test_stores_only_a_hash_of_the_secret(self, db):
        from ehoks.access.repository import ServiceClientRepository

        new = _new_client(db)
        with make_session_factory(db).begin() as session:
            stored = ServiceClientRepository(session).get(new.client_id)
            assert stored is not None
            assert new.client_secret not in stored.secret_hash


class TestGate:
    def test_missing_caller_id_is_400_naming_the_header(self, client, clients):
        headers = clients.headers(OPH)
        del headers["Caller-Id"]
        response = client.get(f"{API}/hoks/1", headers=headers)
        assert response.status_code == 400
        assert response.json()["errors"] == {"caller-id": "missing-required-key"}

    def test_missing_token_is_401(self, client):
        response = client.get(f"{API}/hoks/1", headers={"Caller-Id": "x"})
        assert response.status_code == 401
        assert "Bearer" in response.headers["www-authenticate"]

    def test_garbage_token_is_401(self, client):
        response = client.get(
            f"{API}/hoks/1", headers={"Caller-Id": "x", "Authorization": "Bearer abc.def.ghi"}
        )
        assert response.status_code == 401

    def test_expired_token_is_401(self, client, settings):
        past = datetime.now(UTC) - timedelta(hours=1)
        token = jwt.encode(
            {
                "iss": "ehoks",
                "aud": "ehoks-service-api",
                "sub": "x",
                "org": OPH,
                "role": "CRUD",
                "iat": int(past.timestamp()),
                "exp": int(past.timestamp()) + 60,
            },
            settings.token_secret.get_secret_value(),
            algorithm="HS256",
        )
        response = client.get(
            f"{API}/hoks/1", headers={"Caller-Id": "x", "Authorization": f"Bearer {token}"}
        )
        assert response.status_code == 401
        assert response.json()["error"] == "Access token has expired"

    def test_token_signed_with_another_key_is_401(self, client):
        future = datetime.now(UTC) + timedelta(hours=1)
        token = jwt.encode(
            {
                "iss": "ehoks",
                "aud": "ehoks-service-api",
                "sub": "x",
                "org": OPH,
                "role": "CRUD",
                "exp": int(future.timestamp()),
            },
            "another-key-that-is-long-enough-for-hs256",
            algorithm="HS256",
        )
        response = client.get(
            f"{API}/hoks/1", headers={"Caller-Id": "x", "Authorization": f"Bearer {token}"}
        )
        assert response.status_code == 401

    def test_healthcheck_needs_nothing(self, client):
        response = client.get(f"{API}/healthcheck")
        assert response.status_code == 200
        assert response.json() == {}

    def test_unknown_route_is_404_route_not_found(self, client):
        response = client.get("/ehoks-virkailija-backend/api/v1/nothing-here")
        assert response.status_code == 404
        assert response.json() == {"reason": "Route not found"}

    def test_docs_are_served_without_a_cdn(self, client):
        page = client.get("/ehoks-virkailija-backend/doc")
        assert page.status_code == 200
        assert "cdn" not in page.text.lower()
        assert (
            client.get("/ehoks-virkailija-backend/doc/static/swagger-ui-bundle.js").status_code
            == 200
        )
        spec = client.get("/ehoks-virkailija-backend/doc/openapi.json").json()
        assert "/ehoks-virkailija-backend/api/v1/hoks" in spec["paths"]
