"""Group commit of reads' audit events: every caller's events are committed before it returns,
concurrent callers share transactions, the chain stays whole, and a failed batch fails its
callers."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine, text

from ehoks.audit.appender import BatchAppender
from ehoks.audit.service import AuditRecord, verify
from ehoks.db import make_session_factory, read_only_session_factory


def _event(i: int) -> AuditRecord:
    return AuditRecord(
        actor_kind="virkailija",
        actor_id="1.2.246.562.24.1",
        operation="read",
        legal_basis="provider",
        hoks_id=i,
        occurred_at=datetime.now(UTC),
    )


def test_concurrent_reads_share_transactions_and_keep_one_chain(db):
    appender = BatchAppender(make_session_factory(db))
    gate = threading.Barrier(8)

    def work(n: int) -> None:
        gate.wait()
        for i in range(25):
            appender.append([_event(n * 100 + i)])
            # Committed before append returned: another connection sees it at once.
            with db.connect() as conn:
                seen = conn.execute(
                    text("SELECT count(*) FROM audit_event WHERE hoks_id = :h"),
                    {"h": n * 100 + i},
                ).scalar()
            assert seen == 1

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    appender.close()
    with read_only_session_factory(db)() as session:
        report = verify(session)
    assert report.ok, report.problems
    assert report.checked == 200


def test_a_failed_batch_fails_its_callers(tmp_path):
    broken = create_engine(f"sqlite:///{tmp_path / 'no-tables.sqlite3'}")
    appender = BatchAppender(make_session_factory(broken))
    with pytest.raises(Exception, match="no such table"):
        appender.append([_event(1)])
    appender.close()
