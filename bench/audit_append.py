"""Benchmark of the audit chain on SQLite and PostgreSQL: appends per second with one event per
transaction (1 and 4 threads), next to the same row inserted without the chain (no lock, no head
read, no hash), and verify throughput in events per second. Prints figures; asserts nothing.

    .venv/bin/python bench/audit_append.py [--appends 2000] [--verify-events 50000]

Only the benchmark's own databases are touched: a SQLite file in a temporary directory and the
PostgreSQL database ``--database-name`` (dropped and recreated, dropped again at the end).
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from ehoks.access.actor import OfficialActor
from ehoks.audit.appender import BatchAppender
from ehoks.audit.repository import AuditRepository
from ehoks.audit.service import AuditRecord, append, event_hash, record_for, verify
from ehoks.db import make_engine, make_session_factory, read_only_session_factory
from ehoks.migrate import upgrade
from raw_baseline import percentiles, run_together

OFFICIAL = OfficialActor(oid="1.2.246.562.24.00000000001", name="Virkailija Vilma", grants=())


def read_event(i: int) -> AuditRecord:
    """A typical event: an official reading one learner's HOKS."""
    return record_for(
        OFFICIAL,
        operation="read",
        occurred_at=datetime.now(UTC),
        legal_basis="provider",
        oppija_oid=f"1.2.246.562.24.{10000000000 + i % 5000}",
        hoks_id=i % 5000,
        request_id=uuid.uuid4().hex,
    )


def timed_appends(factory: sessionmaker[Session], total: int, threads: int) -> dict[str, Any]:
    """``total`` single-event transactions spread over ``threads`` threads."""
    latencies: list[list[float]] = [[] for _ in range(threads)]

    def work(index: int) -> None:
        mine = latencies[index]
        for i in range(index, total, threads):
            began = time.perf_counter()
            with factory.begin() as session:
                append(session, [read_event(i)])
            mine.append(time.perf_counter() - began)

    elapsed = run_together(work, threads)
    return {
        "per_second": total / elapsed,
        "latency_ms": percentiles([x for per in latencies for x in per]),
    }


def timed_group_appends(factory: sessionmaker[Session], total: int, threads: int) -> dict[str, Any]:
    """Reads' path: each thread hands one event at a time to the group-commit appender and
    waits until it is committed."""
    appender = BatchAppender(factory)
    latencies: list[list[float]] = [[] for _ in range(threads)]

    def work(n: int) -> None:
        mine = latencies[n]
        for i in range(n, total, threads):
            began = time.perf_counter()
            appender.append([read_event(i)])
            mine.append(time.perf_counter() - began)

    elapsed = run_together(work, threads)
    appender.close()
    return {
        "per_second": total / elapsed,
        "latency_ms": percentiles([x for per in latencies for x in per]),
    }


def timed_plain_inserts(factory: sessionmaker[Session], total: int) -> dict[str, Any]:
    """The same rows, one per transaction, with made-up links: what the chain adds is the lock,
    the head query and the hash."""
    latencies = []
    began_all = time.perf_counter()
    for i in range(total):
        record = read_event(i)
        row = {name: getattr(record, name) for name in record.__dataclass_fields__}
        row.update(seq=1_000_000_000 + i, prev_hash="0" * 64, hash=uuid.uuid4().hex * 2)
        began = time.perf_counter()
        with factory.begin() as session:
            AuditRepository(session).insert([row])
        latencies.append(time.perf_counter() - began)
    elapsed = time.perf_counter() - began_all
    return {"per_second": total / elapsed, "latency_ms": percentiles(latencies)}


def fill(factory: sessionmaker[Session], events: int, batch: int = 1000) -> None:
    with factory() as session:
        done = AuditRepository(session).head()
    count = done[0] if done else 0
    while count < events:
        size = min(batch, events - count)
        with factory.begin() as session:
            append(session, [read_event(count + i) for i in range(size)])
        count += size


def timed_verify(engine: Engine) -> dict[str, Any]:
    with read_only_session_factory(engine)() as session:
        began = time.perf_counter()
        report = verify(session)
        elapsed = time.perf_counter() - began
    assert report.ok, report.problems[:5]
    return {"events": report.checked, "seconds": elapsed, "per_second": report.checked / elapsed}


def timed_hashing(events: int = 20000) -> float:
    """Hashes per second in Python alone, the floor of verify's cost per event."""
    record = read_event(0)
    row = {name: getattr(record, name) for name in record.__dataclass_fields__}
    row["seq"] = 1
    began = time.perf_counter()
    for _ in range(events):
        event_hash("0" * 64, row)
    return events / (time.perf_counter() - began)


def empty(engine: Engine) -> None:
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("TRUNCATE audit_event"))  # row triggers do not fire
        else:
            connection.execute(text("DELETE FROM audit_event"))


def run(engine: Engine, args: argparse.Namespace) -> dict[str, Any]:
    upgrade(engine)
    factory = make_session_factory(engine)
    figures: dict[str, Any] = {"plain_insert_1_thread": timed_plain_inserts(factory, args.appends)}
    empty(engine)
    for _ in range(2):  # warm-up: connections, statement caches
        timed_appends(factory, 50, 1)
    empty(engine)
    figures["append_1_thread"] = timed_appends(factory, args.appends, 1)
    figures["append_4_threads"] = timed_appends(factory, args.appends, 4)
    figures["group_4_threads"] = timed_group_appends(factory, args.appends, 4)
    figures["group_16_threads"] = timed_group_appends(factory, args.appends, 16)
    fill(factory, args.verify_events)
    figures["verify"] = timed_verify(engine)
    return figures


def report(name: str, figures: dict[str, Any]) -> None:
    plain = figures["plain_insert_1_thread"]["per_second"]
    print(f"\n{name}")
    keys = ("plain_insert_1_thread", "append_1_thread", "append_4_threads")
    for key in (*keys, "group_4_threads", "group_16_threads"):
        entry = figures[key]
        lat = entry["latency_ms"]
        print(
            f"  {key:<22} {entry['per_second']:>8.0f}/s  ({entry['per_second'] / plain:.2f}x plain)"
            f"  p50 {lat['p50']} ms  p99 {lat['p99']} ms"
        )
    v = figures["verify"]
    print(f"  verify                 {v['per_second']:>8.0f} events/s ({v['events']} events)")


def postgres_engine(admin_url: str, name: str) -> tuple[Engine, Any]:
    admin = make_url(admin_url)
    server = create_engine(admin, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = admin.set(database=name).render_as_string(hide_password=False)
    return make_engine(url, pool_size=8), server


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres",
        help="PostgreSQL server (its database is only used to create the bench one)",
    )
    parser.add_argument("--database-name", default="ehoks_bench_audit", help="recreated")
    parser.add_argument("--appends", type=int, default=2000, help="events per append run")
    parser.add_argument("--verify-events", type=int, default=50000, help="chain length verified")
    parser.add_argument("--skip-postgres", action="store_true")
    args = parser.parse_args()

    print(f"Python hashing alone: {timed_hashing():.0f} events/s")
    work = Path(tempfile.mkdtemp(prefix="ehoks-bench-audit-"))
    try:
        sqlite = make_engine(f"sqlite:///{work / 'audit.sqlite3'}")
        report("SQLite (WAL, synchronous=NORMAL)", run(sqlite, args))
        sqlite.dispose()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if not args.skip_postgres:
        engine, server = postgres_engine(args.database_url, args.database_name)
        try:
            report("PostgreSQL", run(engine, args))
        finally:
            engine.dispose()
            with server.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{args.database_name}"'))
            server.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
