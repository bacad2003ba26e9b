"""The access log keeps what the reference lists and masks login secrets."""

from __future__ import annotations

import logging

import orjson
from sqlalchemy import text

from ehoks.api.access_log import redact_path, redact_query
from tests.conftest import API
from tests.factories import OPH, hoks_body


def test_login_secrets_are_masked():
    assert redact_path("/ehoks/sahkoposti/abcDEF123/koodi") == "/ehoks/sahkoposti/…/koodi"
    assert redact_path(f"{API}/hoks/1") == f"{API}/hoks/1"
    masked = redact_query("ticket=ST-1-secret&x=1&state=s&code=c")
    assert "secret" not in masked
    assert "x=1" in masked
    assert "state=%E2%80%A6" in masked


def test_one_line_per_request_with_the_request_id_of_the_audit_event(
    client, clients, world, db, caplog
):
    oppija, oo = world.add_oppija("log")
    headers = clients.headers(OPH)
    hoks_id = client.post(f"{API}/hoks", json=hoks_body(oppija, oo), headers=headers).json()[
        "meta"
    ]["id"]
    with caplog.at_level(logging.INFO, logger="ehoks.access"):
        response = client.get(
            f"{API}/hoks/{hoks_id}?ticket=ST-secret", headers={**headers, "X-Request-Id": "r-1"}
        )
    assert response.headers["x-request-id"] == "r-1"
    lines = [orjson.loads(r.getMessage()) for r in caplog.records if r.name == "ehoks.access"]
    assert lines[-1]["response-code"] == 200
    assert lines[-1]["request-id"] == "r-1"
    assert "ST-secret" not in caplog.text
    assert "Bearer" not in caplog.text
    with db.connect() as conn:
        ids = conn.execute(
            text("SELECT request_id FROM audit_event WHERE operation = 'read'")
        ).scalars()
        assert "r-1" in list(ids)
