"""Writes' audit events by group commit (``audit.staging``): a write stages its events in its own
transaction without the chain lock; a chain transaction moves them, many writes' at once; an
answered write's events are in the chain; nothing staged is lost or chained twice."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import Engine, func, select, text
from typer.testing import CliRunner

from ehoks.audit import staging
from ehoks.audit.appender import BatchAppender
from ehoks.audit.models import AuditEvent, AuditStaged
from ehoks.audit.service import AuditRecord, verify
from ehoks.cli import app as cli_app
from ehoks.db import make_session_factory, read_only_session_factory
from tests.conftest import API
from tests.factories import OPH, hoks_body


def _event(i: int, **fields: object) -> AuditRecord:
    values: dict[str, object] = {
        "actor_kind": "palvelu",
        "actor_id": "client-1",
        "operation": "create",
        "legal_basis": "provider",
        "hoks_id": i,
        "occurred_at": datetime(2026, 12, 6, 18, 30, i % 60, 123456, tzinfo=UTC),
        **fields,
    }
    return AuditRecord(**values)  # type: ignore[arg-type]


def _count(db: Engine, table: type[AuditEvent] | type[AuditStaged]) -> int:
    with db.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def _verified(db: Engine) -> int:
    with read_only_session_factory(db)() as session:
        report = verify(session)
    assert report.ok, report.problems
    return report.checked


def test_a_record_survives_staging_unchanged():
    record = _event(
        7,
        actor_role="CRUD",
        basis_ref="x",
        oppija_oid="1.2.246.562.24.10000000001",
        part="hankittavat-ammat-tutkinnon-osat",
        request_id="r-1",
        details={"actor_name": "Äimä Öljy", "n": 1.5, "list": [1, "kaksi"]},
        changes=[{"op": "add", "path": "/a", "value": None}],
        occurred_at=datetime(2026, 12, 6, 20, 0, 0, 1, tzinfo=timezone(timedelta(hours=2))),
    )
    assert staging.record_from(staging.record_document(record)) == record


def test_staged_events_reach_the_chain_as_recorded(db):
    sessions = make_session_factory(db)
    records = [_event(i, details={"i": i, "f": 2.5}, request_id=f"r-{i}") for i in range(5)]
    with sessions.begin() as session:
        staging.stage(session, records)
    assert _count(db, AuditStaged) == 5
    assert _count(db, AuditEvent) == 0
    assert staging.chain_all(sessions) == 5
    assert _count(db, AuditStaged) == 0
    with read_only_session_factory(db)() as session:
        events = session.scalars(select(AuditEvent).order_by(AuditEvent.seq)).all()
        stored = [
            (e.seq, e.occurred_at, e.request_id, e.hoks_id, e.operation, e.details) for e in events
        ]
    assert stored == [
        (i + 1, r.occurred_at, r.request_id, r.hoks_id, r.operation, r.details)
        for i, r in enumerate(records)
    ]
    assert _verified(db) == 5


def test_a_rolled_back_write_stages_nothing(db):
    sessions = make_session_factory(db)

    def failing_write() -> None:
        with sessions.begin() as session:
            staging.stage(session, [_event(1)])
            raise RuntimeError("the write failed")

    with pytest.raises(RuntimeError):
        failing_write()
    assert _count(db, AuditStaged) == 0
    assert staging.chain_all(sessions) == 0
    assert _count(db, AuditEvent) == 0


def test_a_backlog_is_chained_in_bounded_transactions(db, monkeypatch):
    monkeypatch.setattr(staging, "MAX_CHAINED", 7)
    sessions = make_session_factory(db)
    with sessions.begin() as session:
        staging.stage(session, [_event(i) for i in range(30)])
    with sessions.begin() as session:
        assert staging.chain(session) == 7
    assert _count(db, AuditStaged) == 23
    assert staging.chain_all(sessions) == 23
    assert _verified(db) == 30


def test_concurrent_writers_and_readers_keep_one_chain(db):
    """Writers stage and wait; readers append; the appender chains both in shared
    transactions, and every writer's events are in the chain when its wait returns."""
    if db.dialect.name != "postgresql":
        pytest.skip("staging serves PostgreSQL (SQLite writers are one at a time)")
    sessions = make_session_factory(db)
    appender = BatchAppender(sessions, chains_staged=True)
    gate = threading.Barrier(8)
    failures: list[BaseException] = []

    def writer(n: int) -> None:
        gate.wait()
        for i in range(20):
            hoks_id = n * 1000 + i
            with sessions.begin() as session:
                staging.stage(session, [_event(hoks_id), _event(hoks_id, operation="update")])
            appender.wait_chained()
            with db.connect() as conn:
                seen = conn.execute(
                    text("SELECT count(*) FROM audit_event WHERE hoks_id = :h"), {"h": hoks_id}
                ).scalar()
            if seen != 2:
                failures.append(AssertionError(f"{hoks_id}: {seen} chained"))

    def reader(n: int) -> None:
        gate.wait()
        for i in range(20):
            appender.append([_event(n * 1000 + i, operation="read")])

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(5)] + [
        threading.Thread(target=reader, args=(n,)) for n in range(5, 8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    appender.close()
    assert failures == []
    assert _count(db, AuditStaged) == 0
    assert _verified(db) == 5 * 20 * 2 + 3 * 20


def test_events_left_staged_are_chained_by_the_next_batch_and_by_the_sweep(db):
    """A process that stopped between its write's commit and the chain transaction leaves its
    events staged: durable, and chained by whichever chain transaction comes next."""
    if db.dialect.name != "postgresql":
        pytest.skip("staging serves PostgreSQL (SQLite writers are one at a time)")
    sessions = make_session_factory(db)
    with sessions.begin() as session:
        staging.stage(session, [_event(1), _event(2)])
    appender = BatchAppender(sessions, chains_staged=True)
    appender.append([_event(3, operation="read")])
    assert _count(db, AuditStaged) == 0
    assert _verified(db) == 3
    with sessions.begin() as session:
        staging.stage(session, [_event(4)])
    appender.close()  # the last sweep
    assert _count(db, AuditStaged) == 0
    assert _verified(db) == 4


def test_the_api_stages_a_writes_event_and_answers_once_it_is_chained(client, clients, world, db):
    headers = clients.headers(OPH)
    learner = world.add_oppija("staged")
    response = client.post(f"{API}/hoks", json=hoks_body(*learner), headers=headers)
    assert response.status_code == 200, response.text
    hoks_id = response.json()["meta"]["id"]
    with db.connect() as conn:
        rows = conn.execute(
            text("SELECT operation, outcome FROM audit_event WHERE hoks_id = :h"), {"h": hoks_id}
        ).all()
    assert [tuple(row) for row in rows] == [("create", "succeeded")]
    assert _count(db, AuditStaged) == 0
    _verified(db)


def test_a_failed_chain_transaction_does_not_fail_the_committed_write(
    client, clients, world, db, app, monkeypatch
):
    """The write is committed with its staged event before the chain transaction; should that
    fail, the answer is still the write's, and the event is chained by the next one."""
    if db.dialect.name != "postgresql":
        pytest.skip("staging serves PostgreSQL (SQLite writers are one at a time)")
    headers = clients.headers(OPH)
    learner = world.add_oppija("chain-fails")
    real_chain = staging.chain

    def broken(session, records=()):
        raise RuntimeError("the chain transaction failed")

    monkeypatch.setattr(staging, "chain", broken)
    response = client.post(f"{API}/hoks", json=hoks_body(*learner), headers=headers)
    assert response.status_code == 200, response.text
    assert _count(db, AuditStaged) == 1
    monkeypatch.setattr(staging, "chain", real_chain)
    assert staging.chain_all(make_session_factory(db)) == 1
    assert _count(db, AuditStaged) == 0
    _verified(db)


def test_audit_verify_and_head_chain_what_is_staged_first(database_url, db, monkeypatch):
    monkeypatch.setenv("EHOKS_DATABASE_URL", database_url)
    monkeypatch.setenv("EHOKS_ENVIRONMENT", "test")
    sessions = make_session_factory(db)
    with sessions.begin() as session:
        staging.stage(session, [_event(1), _event(2)])
    result = CliRunner().invoke(cli_app, ["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "intact: 2 events checked" in result.stdout
    assert _count(db, AuditStaged) == 0
    with sessions.begin() as session:
        staging.stage(session, [_event(3)])
    head = CliRunner().invoke(cli_app, ["audit", "head"])
    assert head.exit_code == 0, head.output
    assert head.stdout.strip().startswith("3:")
