"""Disabling a service client ends its tokens at once (not when they expire), in every process;
client secrets are checked fast when they cannot be guessed and slowly when they might be."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from ehoks.access import service as access_service
from ehoks.access.models import ServiceClient
from ehoks.cli import app as cli
from ehoks.db import make_session_factory
from ehoks.hoks.models import Hoks
from ehoks.main import create_app
from tests.conftest import API
from tests.factories import OPH, hoks_body


def _token(client: TestClient, client_id: str, secret: str) -> dict[str, str]:
    response = client.post(
        "/oauth2/token",
        data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret},
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}", "Caller-Id": "t"}


@pytest.fixture
def registered(db):
    with make_session_factory(db).begin() as session:
        return access_service.create_client(session, name="SIS", organisaatio_oid=OPH, role="CRUD")


def test_a_disabled_clients_token_is_refused_on_the_next_request(
    client, db, world, registered, database_url, monkeypatch
):
    headers = _token(client, registered.client_id, registered.client_secret)
    oppija, oo = world.add_oppija("revoked")
    created = client.post(f"{API}/hoks", json=hoks_body(oppija, oo), headers=headers)
    assert created.status_code == 200
    hoks_id = created.json()["meta"]["id"]
    assert client.get(f"{API}/hoks/{hoks_id}", headers=headers).status_code == 200

    # Disabled from the command line, as an operator would.
    monkeypatch.setenv("EHOKS_DATABASE_URL", database_url)
    monkeypatch.setenv("EHOKS_ENVIRONMENT", "test")
    result = CliRunner().invoke(cli, ["clients", "disable", registered.client_id])
    assert result.exit_code == 0, result.output

    # The token is still well within its 15 minutes, and is refused at once.
    for method, body in (("GET", None), ("PATCH", {"id": hoks_id, "sahkoposti": "x@example.org"})):
        refused = client.request(method, f"{API}/hoks/{hoks_id}", json=body, headers=headers)
        assert refused.status_code == 401
        assert refused.json() == {"error": "The client of this access token is disabled"}
    # Nothing of the refused PATCH was stored.
    with make_session_factory(db).begin() as session:
        assert session.get(Hoks, hoks_id).version == 1
    # And no new token.
    again = client.post(
        "/oauth2/token",
        data={
            "grant_type": "client_credentials",
            "client_id": registered.client_id,
            "client_secret": registered.client_secret,
        },
    )
    assert again.status_code == 401


def test_disabling_reaches_every_process_at_once(db, settings, world, registered):
    # Two instances of the service on one database: no process keeps a stale answer.
    with (
        TestClient(create_app(settings, engine=db)) as first,
        TestClient(create_app(settings, engine=db)) as second,
    ):
        headers = _token(first, registered.client_id, registered.client_secret)
        assert second.get(f"{API}/hoks/1", headers=headers).status_code == 404
        with make_session_factory(db).begin() as session:
            access_service.disable_client(session, registered.client_id)
        for app_client in (first, second):
            assert app_client.get(f"{API}/hoks/1", headers=headers).status_code == 401


def test_a_token_of_a_removed_client_is_refused(client, db, registered):
    headers = _token(client, registered.client_id, registered.client_secret)
    with make_session_factory(db).begin() as session:
        session.delete(session.get(ServiceClient, registered.client_id))
    assert client.get(f"{API}/hoks/1", headers=headers).status_code == 401


def test_generated_secrets_are_checked_fast_and_hand_set_ones_slowly(db):
    with make_session_factory(db).begin() as session:
        generated = access_service.create_client(
            session, name="a", organisaatio_oid=OPH, role="READ"
        )
        access_service.create_client(
            session,
            name="b",
            organisaatio_oid=OPH,
            role="READ",
            client_id="hand-set",
            client_secret="a-guessable-secret",
        )
        fast = session.get(ServiceClient, generated.client_id).secret_hash
        slow = session.get(ServiceClient, "hand-set").secret_hash
    # 256 random bits cannot be searched, so a salted SHA-256 is enough (and costs
    # microseconds instead of ~100 ms of CPU per token request).
    assert fast.startswith("sha256$")
    assert generated.client_secret not in fast
    assert slow.startswith("$argon2id$")
    assert access_service.verify_secret(fast, generated.client_secret)
    assert not access_service.verify_secret(fast, generated.client_secret + "x")
    assert access_service.verify_secret(slow, "a-guessable-secret")
    assert not access_service.verify_secret(slow, "a-guessable-secreT")
    # Two clients with one secret do not share a hash (salted).
    assert access_service.hash_secret(generated.client_secret) != fast
