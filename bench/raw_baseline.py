"""The raw baseline: the same documents inserted straight into a scratch table shaped like
``hoks`` with plain psycopg, to see what the database alone can do on this machine.

``parallel`` compares like with like: M threads, each with its own connection, one transaction
(autocommit INSERT ... RETURNING id) per row. ``executemany`` is one connection inserting every
row in one transaction (psycopg pipelines it), the database's upper bound.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

import psycopg

TABLE = "bench_raw_hoks"

DDL = f"""
DROP TABLE IF EXISTS {TABLE};
CREATE TABLE {TABLE} (
    id serial PRIMARY KEY,
    eid varchar(36) NOT NULL UNIQUE,
    oppija_oid varchar(64) NOT NULL,
    opiskeluoikeus_oid varchar(64) NOT NULL UNIQUE,
    oppilaitos_oid varchar(64),
    document jsonb NOT NULL,
    version integer NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ON {TABLE} (oppija_oid);
CREATE INDEX ON {TABLE} (oppilaitos_oid);
CREATE INDEX ON {TABLE} (updated_at);
"""

INSERT = (
    f"INSERT INTO {TABLE} (eid, oppija_oid, opiskeluoikeus_oid, oppilaitos_oid, document)"
    " VALUES (%s, %s, %s, %s, %s::jsonb) RETURNING id"
)

Row = tuple[str, str, str, str, str]


def rows_of(bodies: list[bytes], oids: list[tuple[str, str]], oppilaitos: str) -> list[Row]:
    return [
        (str(uuid.uuid4()), oppija, oo, oppilaitos, body.decode())
        for body, (oppija, oo) in zip(bodies, oids, strict=True)
    ]


def _reset(conninfo: str) -> None:
    with psycopg.connect(conninfo, autocommit=True) as connection:
        connection.execute(DDL)


def parallel(conninfo: str, rows: list[Row], threads: int) -> dict[str, Any]:
    """Insert ``rows`` from ``threads`` connections, one transaction per row."""
    _reset(conninfo)
    connections = [psycopg.connect(conninfo, autocommit=True) for _ in range(threads)]
    latencies: list[list[float]] = [[] for _ in range(threads)]
    errors: list[str] = []

    def work(index: int) -> None:
        connection = connections[index]
        mine = latencies[index]
        try:
            for row in rows[index::threads]:
                began = time.perf_counter()
                connection.execute(INSERT, row).fetchone()
                mine.append(time.perf_counter() - began)
        except psycopg.Error as exc:  # pragma: no cover - reported, not expected
            errors.append(str(exc))

    elapsed = run_together(work, threads)
    for connection in connections:
        connection.close()
    return {
        "rows": sum(len(x) for x in latencies),
        "seconds": round(elapsed, 3),
        "per_second": round(sum(len(x) for x in latencies) / elapsed, 1),
        "latency_ms": percentiles([x for per in latencies for x in per]),
        "errors": errors,
    }


def executemany(conninfo: str, rows: list[Row]) -> dict[str, Any]:
    """Insert ``rows`` in one transaction from one connection."""
    _reset(conninfo)
    statement = INSERT.removesuffix(" RETURNING id")
    with psycopg.connect(conninfo) as connection:
        began = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.executemany(statement, rows)
        connection.commit()
        elapsed = time.perf_counter() - began
    return {
        "rows": len(rows),
        "seconds": round(elapsed, 3),
        "per_second": round(len(rows) / elapsed, 1),
    }


def run_together(work: Callable[[int], None], threads: int) -> float:
    """``work(0)`` … ``work(threads - 1)``, each in a thread of its own, released together;
    the seconds from their release to the last one's end."""
    gate = threading.Barrier(threads + 1)

    def run(index: int) -> None:
        gate.wait()
        work(index)

    workers = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    gate.wait()
    began = time.perf_counter()
    for worker in workers:
        worker.join()
    return time.perf_counter() - began


def percentiles(samples: list[float]) -> dict[str, float]:
    if not samples:
        return {}
    ordered = sorted(samples)

    def at(p: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000, 2)

    return {
        "p50": at(50),
        "p95": at(95),
        "p99": at(99),
        "max": round(ordered[-1] * 1000, 2),
        "mean": round(sum(ordered) / len(ordered) * 1000, 2),
    }


def drop(conninfo: str) -> None:
    with psycopg.connect(conninfo, autocommit=True) as connection:
        connection.execute(f"DROP TABLE IF EXISTS {TABLE}")
