"""``GET /hoks/{hoks-id}`` on the lean path (issue 12, item 5): an ``async def`` route with one
threadpool hop and one statement, which still answers as before — 400, 401 (a disabled client
too, before anything about the HOKS), 404 before any privilege check, the policy's denial (401
as the original's) and a CAS user who is no service's 403, ETag and 304, the same body — and
still answers only once the read's audit event is committed."""

from __future__ import annotations

import asyncio
import inspect
import json
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import anyio.to_thread
import orjson
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, func, select, update
from sqlalchemy.exc import OperationalError

from ehoks.access import service as access_service
from ehoks.access.errors import NO_ACCESS_MESSAGE
from ehoks.audit import appender as appender_module
from ehoks.audit import staging
from ehoks.audit.appender import BatchAppender
from ehoks.audit.models import AuditEvent
from ehoks.audit.service import AuditRecord, verify
from ehoks.config import Settings
from ehoks.db import make_session_factory
from ehoks.hoks import routes
from ehoks.hoks.models import Hoks
from ehoks.hoks.schemas import is_read_shaped
from ehoks.hoks.service.common import full_view
from ehoks.main import create_app
from tests.conftest import API
from tests.factories import OPH, hoks_body

# Fixtures, found by name.
from tests.fakes.fixtures import cas_server, fake_cas_session  # noqa: F401

PUBLIC = "https://testserver"
CALLBACK = f"{PUBLIC}/ehoks-virkailija-backend/cas-security-check"


@pytest.fixture
def admin(clients):
    return clients.headers(OPH)


@pytest.fixture
def hoks_id(client, admin, world):
    oppija, oo = world.add_oppija("fast")
    created = client.post(f"{API}/hoks", json=hoks_body(oppija, oo), headers=admin)
    assert created.status_code == 200, created.text
    return created.json()["meta"]["id"]


def _events(db, request_id):
    with make_session_factory(db)() as session:
        return list(
            session.execute(
                select(
                    AuditEvent.operation,
                    AuditEvent.outcome,
                    AuditEvent.hoks_id,
                    AuditEvent.legal_basis,
                    AuditEvent.details,
                ).where(AuditEvent.request_id == request_id)
            )
        )


def test_the_route_is_async():
    # An ``async def`` route: FastAPI runs it on the event loop, no threadpool hop of its own.
    assert inspect.iscoroutinefunction(routes.get_hoks)


def test_the_answer_is_the_stored_view_in_the_envelope_with_its_etag(client, admin, db, hoks_id):
    response = client.get(f"{API}/hoks/{hoks_id}", headers=admin)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    with make_session_factory(db)() as session:
        stored = session.get(Hoks, hoks_id)
        assert stored is not None
        expected = orjson.dumps({"meta": {}, "data": full_view(stored)})
        assert response.headers["etag"] == f'"{stored.version}"'
    # What the ORM path's envelope made of the same row: the same members in the same order
    # (a document stored in its read shape is sent as PostgreSQL prints it, spaces and all).
    assert _members(response.content) == _members(expected)


def _members(body: bytes) -> Any:
    """The JSON value with every object as its list of (key, value) pairs, in order."""
    return json.loads(body, object_pairs_hook=list)


def _read_shaped(db, hoks_id: int) -> bool:
    with make_session_factory(db)() as session:
        stored = session.get(Hoks, hoks_id)
        assert stored is not None
        return stored.read_shaped


def _expected(db, hoks_id: int) -> bytes:
    with make_session_factory(db)() as session:
        stored = session.get(Hoks, hoks_id)
        assert stored is not None
        return orjson.dumps({"meta": {}, "data": full_view(stored)})


def test_a_document_stored_in_its_read_shape_is_sent_as_stored(client, admin, db, hoks_id):
    assert _read_shaped(db, hoks_id)
    sent = client.get(f"{API}/hoks/{hoks_id}", headers=admin).content
    assert _members(sent) == _members(_expected(db, hoks_id))
    # The same answer as for a row whose shape is not known (written before migration 0015).
    with make_session_factory(db).begin() as session:
        session.execute(update(Hoks).where(Hoks.id == hoks_id).values(read_shaped=False))
    reshaped = client.get(f"{API}/hoks/{hoks_id}", headers=admin).content
    assert _members(reshaped) == _members(sent)


def test_a_document_not_in_its_read_shape_is_reshaped(client, admin, db, hoks_id):
    """A document with a null in it (none of the API's writes stores one today, but a row
    may hold one) is not its own view: the answer leaves the null out, as the view does."""
    with make_session_factory(db).begin() as session:
        stored = session.get(Hoks, hoks_id)
        assert stored is not None
        document = {**stored.document, "sahkoposti": None}
        assert not is_read_shaped(document)
        session.execute(
            update(Hoks).where(Hoks.id == hoks_id).values(document=document, read_shaped=False)
        )
    sent = client.get(f"{API}/hoks/{hoks_id}", headers=admin)
    assert sent.status_code == 200
    assert "sahkoposti" not in sent.json()["data"]
    assert _members(sent.content) == _members(_expected(db, hoks_id))


def test_every_write_of_the_document_keeps_its_shape_known(client, admin, db, hoks_id):
    body = client.get(f"{API}/hoks/{hoks_id}", headers=admin).json()["data"]
    for key in ("eid", "manuaalisyotto"):
        body.pop(key, None)
    replaced = client.put(f"{API}/hoks/{hoks_id}", json=body, headers=admin)
    assert replaced.status_code == 204, replaced.text
    with make_session_factory(db)() as session:
        stored = session.get(Hoks, hoks_id)
        assert stored is not None
        assert stored.read_shaped == is_read_shaped(stored.document)
    sent = client.get(f"{API}/hoks/{hoks_id}", headers=admin).content
    assert _members(sent) == _members(_expected(db, hoks_id))


def test_one_threadpool_hop(client, admin, hoks_id, monkeypatch):
    hops = []
    real = anyio.to_thread.run_sync

    async def counting(func, *args, **kwargs):
        hops.append(getattr(func, "__name__", repr(func)))
        return await real(func, *args, **kwargs)

    monkeypatch.setattr(anyio.to_thread, "run_sync", counting)
    assert client.get(f"{API}/hoks/{hoks_id}", headers=admin).status_code == 200
    assert len(hops) == 1, hops


def test_if_none_match_answers_304_with_the_etag(client, admin, hoks_id):
    etag = client.get(f"{API}/hoks/{hoks_id}", headers=admin).headers["etag"]
    unchanged = client.get(f"{API}/hoks/{hoks_id}", headers={**admin, "If-None-Match": etag})
    assert unchanged.status_code == 304
    assert unchanged.headers["etag"] == etag
    assert unchanged.content == b""
    other = client.get(f"{API}/hoks/{hoks_id}", headers={**admin, "If-None-Match": '"99"'})
    assert other.status_code == 200
    assert other.json()["data"]["id"] == hoks_id


def test_a_missing_caller_id_is_400_before_authentication(client, hoks_id):
    response = client.get(f"{API}/hoks/{hoks_id}", headers={"Authorization": "Bearer x"})
    assert response.status_code == 400
    assert "caller-id" in response.json()["errors"]


def test_a_bad_token_is_401(client, hoks_id):
    for authorization in ("Bearer not-a-token", "Basic x", None):
        headers = {"Caller-Id": "t"}
        if authorization:
            headers["Authorization"] = authorization
        response = client.get(f"{API}/hoks/{hoks_id}", headers=headers)
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == 'Bearer realm="ehoks"'


def test_a_disabled_client_is_401_before_anything_about_the_hoks(
    client, clients, admin, db, hoks_id
):
    with make_session_factory(db).begin() as session:
        access_service.disable_client(session, clients.last_client_id)
    # The HOKS exists, is missing, or the client could not read it anyway: 401 each time.
    for target in (hoks_id, hoks_id + 1000):
        response = client.get(
            f"{API}/hoks/{target}", headers={**admin, "X-Request-Id": f"disabled-{target}"}
        )
        assert response.status_code == 401
        assert response.json() == {"error": "The client of this access token is disabled"}
        # Refused before the read named a target: nothing audited, as before.
        assert _events(db, f"disabled-{target}") == []


def test_a_missing_or_deleted_hoks_is_404_before_any_privilege_check(
    client, clients, world, db, hoks_id
):
    stranger = clients.headers(world.koulutustoimija_3)
    missing = client.get(f"{API}/hoks/{hoks_id + 1000}", headers=stranger)
    assert missing.status_code == 404
    assert missing.json() == {"error": "HOKS not found"}
    with make_session_factory(db).begin() as session:
        session.execute(update(Hoks).where(Hoks.id == hoks_id).values(deleted_at=datetime.now(UTC)))
    for headers in (stranger, clients.headers(OPH)):
        deleted = client.get(f"{API}/hoks/{hoks_id}", headers=headers)
        assert deleted.status_code == 404
        assert deleted.json() == {"error": "HOKS not found"}


def test_no_privilege_is_the_originals_401_and_the_denied_attempt_is_audited(
    client, clients, world, db, hoks_id
):
    # Denied by the access policy: the original answers 401 here, not 403 (DESIGN D20).
    stranger = clients.headers(world.koulutustoimija_3)
    response = client.get(f"{API}/hoks/{hoks_id}", headers={**stranger, "X-Request-Id": "denied"})
    assert response.status_code == 401, response.text
    assert response.json() == {"error": NO_ACCESS_MESSAGE}
    [(operation, outcome, audited_id, _basis, details)] = _events(db, "denied")
    assert (operation, outcome, audited_id) == ("read", "denied", hoks_id)
    assert details["error"] == "401"


def test_a_cas_service_user_reads_and_any_other_user_is_403(
    cas_server,  # noqa: F811
    database_url,
    db,
    world,
):
    oppija, oo = world.add_oppija("fast-cas")
    settings = Settings(
        environment="test",
        database_url=database_url,
        public_url=PUBLIC,
        cas=cas_server.settings(service_ticket_service=CALLBACK),
    )
    cas_server.add_virkailija(
        "sis",
        oid="1.2.246.562.24.10000000037",
        roles=[f"ROLE_APP_EHOKS_CRUD_{world.koulutustoimija_1}"],
        kayttaja_tyyppi="PALVELU",
    )
    cas_server.add_virkailija(
        "human", oid="1.2.246.562.24.10000000011", roles=[f"ROLE_APP_EHOKS_CRUD_{OPH}"]
    )
    with TestClient(create_app(settings, engine=db), base_url=PUBLIC) as api:

        def ticket(user):
            return {"ticket": cas_server.issue_ticket(user, CALLBACK), "Caller-Id": "t"}

        created = api.post(f"{API}/hoks", json=hoks_body(oppija, oo), headers=ticket("sis"))
        assert created.status_code == 200, created.text
        hoks_id = created.json()["meta"]["id"]
        read = api.get(f"{API}/hoks/{hoks_id}", headers={**ticket("sis"), "X-Request-Id": "cas"})
        assert read.status_code == 200, read.text
        assert read.json()["data"]["id"] == hoks_id
        assert [event[:3] for event in _events(db, "cas")] == [("read", "succeeded", hoks_id)]
        refused = api.get(f"{API}/hoks/{hoks_id}", headers=ticket("human"))
        assert refused.status_code == 403
        assert refused.json() == {"error": "User type 'PALVELU' is required"}


def test_the_read_is_audited_before_the_answer(client, admin, db, hoks_id):
    response = client.get(f"{API}/hoks/{hoks_id}", headers={**admin, "X-Request-Id": "fast-read"})
    assert response.status_code == 200
    # Committed when the answer came: another connection sees it at once.
    assert [event[:4] for event in _events(db, "fast-read")] == [
        ("read", "succeeded", hoks_id, "provider")
    ]
    unchanged = client.get(
        f"{API}/hoks/{hoks_id}",
        headers={**admin, "If-None-Match": response.headers["etag"], "X-Request-Id": "fast-304"},
    )
    assert unchanged.status_code == 304
    # A 304 is a read as well.
    assert [event[:2] for event in _events(db, "fast-304")] == [("read", "succeeded")]


@pytest.mark.parametrize(
    ("failure", "status"),
    [
        (OperationalError("INSERT INTO audit_event", {}, Exception("disk full")), 503),
        (RuntimeError("the chain broke"), 500),
    ],
)
def test_a_failed_audit_append_fails_the_read(
    client, admin, db, hoks_id, monkeypatch, failure, status
):
    def failing(session, records):
        raise failure

    monkeypatch.setattr(appender_module, "append", failing)
    # On PostgreSQL the appender's batch also chains writes' staged events (audit.staging).
    monkeypatch.setattr(staging, "append_locked", failing)
    # The 500 is the application's answer; the test client would re-raise the error instead.
    monkeypatch.setattr(client._transport, "raise_server_exceptions", False)
    response = client.get(f"{API}/hoks/{hoks_id}", headers={**admin, "X-Request-Id": "lost"})
    assert response.status_code == status
    assert "etag" not in response.headers
    assert _events(db, "lost") == []
    # The appender keeps serving: the next read's event is appended.
    monkeypatch.undo()
    again = client.get(f"{API}/hoks/{hoks_id}", headers={**admin, "X-Request-Id": "after"})
    assert again.status_code == 200
    assert [event[:2] for event in _events(db, "after")] == [("read", "succeeded")]


def test_concurrent_reads_are_each_audited_and_keep_one_chain(client, admin, db, hoks_id):
    # Requests on one event loop await their events together: the appender groups them.
    def read(n: int) -> int:
        headers = {**admin, "X-Request-Id": f"many-{n}"}
        return client.get(f"{API}/hoks/{hoks_id}", headers=headers).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(read, range(40))) == [200] * 40
    for n in range(40):
        assert [event[:2] for event in _events(db, f"many-{n}")] == [("read", "succeeded")]
    with make_session_factory(db)() as session:
        report = verify(session)
    assert report.ok, report.problems


def _record() -> AuditRecord:
    return AuditRecord(
        actor_kind="virkailija", actor_id="1.2.246.562.24.1", operation="read",
        occurred_at=datetime.now(UTC),
    )  # fmt: skip


def test_append_async_returns_once_committed_and_raises_a_failed_batch(db, tmp_path):
    appender = BatchAppender(make_session_factory(db))

    async def appended() -> int:
        await asyncio.gather(*(appender.append_async([_record()]) for _ in range(20)))
        await appender.append_async([])  # nothing to append: returns at once
        with db.connect() as conn:
            return conn.execute(select(func.count()).select_from(AuditEvent)).scalar_one()

    assert asyncio.run(appended()) == 20
    appender.close()

    broken = BatchAppender(make_session_factory(create_engine(f"sqlite:///{tmp_path / 'x.db'}")))
    with pytest.raises(OperationalError, match="no such table"):
        asyncio.run(broken.append_async([_record()]))
    broken.close()
