"""A read never waits for a writer. On SQLite the one write lock would make a read's audit
append wait behind any writer (503 after the busy timeout); its events go to the spool beside
the database instead (``audit.spool``) and join the chain once the lock is free. On PostgreSQL
writers lock rows, not the reads' audit append; the same test guards against that changing."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select, text

from ehoks.access.actor import OfficialActor, grants_from_roles
from ehoks.audit.appender import BatchAppender
from ehoks.audit.models import AuditEvent
from ehoks.audit.service import AuditRecord, verify
from ehoks.audit.spool import AuditSpool, spool_path
from ehoks.auth.models import UserSession
from ehoks.db import impatient_session_factory, make_session_factory, read_only_session_factory
from tests.conftest import API
from tests.factories import OPH, hoks_body
from tests.sessions import BASE_URL, login

# Generous: far below the 30 s a read waited behind a writer before, far above any real read.
ANSWER_WITHIN = 15.0


@contextmanager
def writer_holding_the_lock(db: Engine, hoks_id: int) -> Iterator[None]:
    """A write transaction that has changed the HOKS row and not committed: on SQLite it holds
    the database's write lock (BEGIN IMMEDIATE), on PostgreSQL the row's lock."""
    holding, release = threading.Event(), threading.Event()
    failure: list[BaseException] = []

    def write() -> None:
        try:
            with make_session_factory(db).begin() as session:
                session.execute(
                    text("UPDATE hoks SET updated_at = updated_at WHERE id = :id"), {"id": hoks_id}
                )
                holding.set()
                release.wait(60)
                session.rollback()
        except BaseException as exc:  # reported by the test
            failure.append(exc)
            holding.set()

    thread = threading.Thread(target=write)
    thread.start()
    assert holding.wait(10)
    try:
        yield
    finally:
        release.set()
        thread.join(30)
    assert not failure, failure


def _in_thread(call: Any) -> Any:
    """``call()`` in another thread; its result, or a failure if it took over ANSWER_WITHIN."""
    result: list[Any] = []
    thread = threading.Thread(target=lambda: result.append(call()))
    thread.start()
    thread.join(ANSWER_WITHIN)
    assert result, f"no answer within {ANSWER_WITHIN} s while a writer held the lock"
    return result[0]


def _reads_of(db: Engine, hoks_id: int) -> int:
    # A deferred (reading) transaction: an engine's default one takes SQLite's write lock.
    with db.execution_options(sqlite_begin="DEFERRED").connect() as conn:
        return int(
            conn.execute(
                select(func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.hoks_id == hoks_id, AuditEvent.operation == "read")
            ).scalar_one()
        )


def test_a_read_answers_while_a_writer_holds_the_lock_and_is_audited_after(
    client, clients, world, db
):
    headers = clients.headers(OPH)
    oppija, oo = world.add_oppija("lukija")
    hoks_id = client.post(f"{API}/hoks", json=hoks_body(oppija, oo), headers=headers).json()[
        "meta"
    ]["id"]

    with writer_holding_the_lock(db, hoks_id):
        response = _in_thread(lambda: client.get(f"{API}/hoks/{hoks_id}", headers=headers))
        assert response.status_code == 200
        assert response.json()["data"]["oppija-oid"] == oppija

    # The read's event is durable (in the chain, or in the spool until the lock was free) and
    # reaches the chain once the writer is gone.
    deadline = time.monotonic() + ANSWER_WITHIN
    while _reads_of(db, hoks_id) < 1 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _reads_of(db, hoks_id) == 1
    with read_only_session_factory(db)() as session:
        report = verify(session)
    assert report.ok, report.problems


def test_a_session_read_does_not_wait_to_note_its_last_seen_time(app, db, settings, world):
    web = TestClient(app, base_url=BASE_URL)
    official = OfficialActor("1.2.246.562.24.10000000011", "V", grants_from_roles([]))
    login(web, db, settings, official)
    with make_session_factory(db).begin() as session:
        row = session.scalars(select(UserSession)).one()
        row.last_seen_at = datetime.now(UTC) - timedelta(minutes=5)  # due for a touch
    with writer_holding_the_lock(db, 0):
        response = _in_thread(lambda: web.get(f"{API}/virkailija/session/kayttaja"))
    assert response.status_code == 200


def _record(i: int) -> AuditRecord:
    return AuditRecord(
        actor_kind="virkailija",
        actor_id="1.2.246.562.24.10000000011",
        operation="read",
        legal_basis="provider",
        hoks_id=i,
        details={"n": i},
        occurred_at=datetime.now(UTC),
    )


@pytest.fixture
def spool(db, tmp_path):
    if db.dialect.name != "sqlite":
        pytest.skip("the spool serves SQLite only (PostgreSQL appends never wait for writers)")
    found = AuditSpool(spool_path(db) or tmp_path / "spool")
    yield found
    found.close()


def test_the_appender_spools_behind_a_writer_and_moves_the_events_after(db, spool):
    appender = BatchAppender(impatient_session_factory(db), spool=spool)
    with writer_holding_the_lock(db, 0):
        _in_thread(lambda: appender.append([_record(1), _record(2)]))
        assert _reads_of(db, 1) == 0  # in the spool: the chain is locked
    deadline = time.monotonic() + ANSWER_WITHIN
    while _reads_of(db, 2) < 1 and time.monotonic() < deadline:
        time.sleep(0.1)
    appender.close()
    assert (_reads_of(db, 1), _reads_of(db, 2)) == (1, 1)
    with read_only_session_factory(db)() as session:
        assert verify(session).ok


def test_a_crash_between_moving_and_forgetting_appends_nothing_twice(db, spool):
    spool.put([_record(7)])
    sessions = make_session_factory(db)
    with sessions.begin() as session:
        mark, moved = spool.move(session, 10)
    assert moved == 1
    # ... the process dies here, before spool.forget(mark) ...
    with sessions.begin() as session:
        assert spool.move(session, 10) == (mark, 0)
    spool.forget(mark)
    assert _reads_of(db, 7) == 1
