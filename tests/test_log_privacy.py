"""No personal data in the logs: the scanner that checks every test's log lines
(``tests/log_scan.py``) finds what it should, and the paths that used to log personal data —
a database error quoting values, the access log of a learner's URL, a search by name — log
none."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from ehoks.hoks.service import reading
from ehoks.logsafe import describe_error, redact
from tests.conftest import API
from tests.factories import OPH
from tests.log_scan import Scanner, demo_identities

AINO = "Aino Virtanen"
AINO_OID = "1.2.246.562.24.62866246017"
AINO_EMAIL = "aino.virtanen@example.fi"
PERSONAL = f"{AINO} {AINO_EMAIL} {AINO_OID}"


def test_the_scanner_finds_oids_addresses_and_the_demo_learners():
    scanner = Scanner(demo_identities())
    assert AINO in demo_identities()
    assert set(scanner.findings(f"x {PERSONAL} y")) == {AINO, AINO_EMAIL, AINO_OID}
    assert scanner.findings("GET /hoks/12 200 1.2.246.562.10.00000000001") == []
    assert scanner.findings(redact(f"/oppijat/{AINO_OID}?s={AINO_EMAIL}")) == []


# A statement each database refuses, with personal data in its parameters: PostgreSQL's
# message quotes the value ('invalid input syntax for type integer: "Aino …"').
FAILING = {
    "postgresql": text("SELECT CAST(:v AS INTEGER)"),
    "sqlite": text("INSERT INTO service_client (client_id) VALUES (:v)"),
}


def _failing_statement(session):  # type: ignore[no-untyped-def]
    session.execute(FAILING[session.get_bind().dialect.name], {"v": PERSONAL})


def test_a_database_error_is_logged_without_its_values(app, clients, monkeypatch, caplog):
    headers = clients.headers(OPH)
    client = TestClient(app, raise_server_exceptions=False)

    def broken_get(session, actor, hoks_id, deps, *, client_id):  # type: ignore[no-untyped-def]
        _failing_statement(session)

    # The read of GET /hoks/{hoks-id} (hoks.service.reading, the route's one statement).
    monkeypatch.setattr(reading, "get_checking_client", broken_get)
    with caplog.at_level(logging.INFO):
        response = client.get(f"{API}/hoks/1", headers=headers)
    assert response.status_code == 500
    assert PERSONAL not in response.text
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "unexpected error: " in logged
    assert "Error" in logged  # the type names (and on PostgreSQL the SQLSTATE) locate it
    assert Scanner(demo_identities()).findings(logged) == []


def test_engines_hide_parameters_and_describe_error_drops_the_message(db):
    with db.connect() as conn, pytest.raises(DBAPIError) as raised:
        conn.execute(FAILING[db.dialect.name], {"v": PERSONAL})
    error = raised.value
    assert "parameters hidden" in str(error)
    if db.dialect.name == "postgresql":
        # The database's own message quotes the value: only describe_error is safe to log.
        assert AINO in str(error)
        assert "SQLSTATE 22P02" in describe_error(error)
    assert AINO not in describe_error(error)
    assert AINO_OID not in describe_error(error)


def test_the_access_log_masks_learners_and_search_terms(client, clients, caplog):
    headers = clients.headers(OPH)
    with caplog.at_level(logging.INFO, logger="ehoks.access"):
        client.get(f"{API}/hoks/opiskeluoikeus/1.2.246.562.15.1?x={AINO_EMAIL}", headers=headers)
        client.get(f"/ehoks-virkailija-ui/oppija/{AINO_OID}/hoks/1")
        client.get("/ehoks-virkailija-ui/", params={"nimi": AINO, "oppilaitos": OPH})
    lines = [r.getMessage() for r in caplog.records if r.name == "ehoks.access"][-3:]
    assert all('"path":"/ehoks-' in line for line in lines)
    assert Scanner(demo_identities()).findings("\n".join(lines)) == []
    assert "1.2.246.562.24.…" in lines[1]
    assert OPH in lines[2]  # organisations are not personal data: kept for debugging
