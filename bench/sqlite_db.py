"""The benchmark on the embedded default, a SQLite file: the same interface as
``service.Database`` (recreate, query, drop) and the raw baseline of the same documents with the
standard library's ``sqlite3``, in WAL mode with ``synchronous=NORMAL`` as ``ehoks.db`` sets it."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

from raw_baseline import Row, percentiles, run_together

TABLE = "bench_raw_hoks"
DDL = f"""
DROP TABLE IF EXISTS {TABLE};
CREATE TABLE {TABLE} (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    eid varchar(36) NOT NULL UNIQUE,
    oppija_oid varchar(64) NOT NULL,
    opiskeluoikeus_oid varchar(64) NOT NULL UNIQUE,
    oppilaitos_oid varchar(64),
    document JSON NOT NULL,
    version integer NOT NULL DEFAULT 1,
    created_at timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX ix_{TABLE}_oppija ON {TABLE} (oppija_oid);
CREATE INDEX ix_{TABLE}_oppilaitos ON {TABLE} (oppilaitos_oid);
CREATE INDEX ix_{TABLE}_updated ON {TABLE} (updated_at);
"""
INSERT = (
    f"INSERT INTO {TABLE} (eid, oppija_oid, opiskeluoikeus_oid, oppilaitos_oid, document)"
    " VALUES (?, ?, ?, ?, ?) RETURNING id"
)


class SqliteDatabase:
    """The benchmark's own SQLite file (and its WAL, shared-memory and audit-spool files)."""

    is_sqlite = True

    def __init__(self, url: str) -> None:
        path = url.split("///", 1)[1] if "///" in url else ""
        if not path or path == ":memory:":
            raise SystemExit("a SQLite benchmark needs a file: sqlite:////tmp/ehoks-bench.sqlite3")
        self.path = Path(path)
        self.name = self.path.name

    @property
    def sqlalchemy_url(self) -> str:
        return f"sqlite:///{self.path}"

    @property
    def conninfo(self) -> str:
        return str(self.path)

    def _files(self) -> list[Path]:
        suffixes = ("", "-wal", "-shm", "-audit-spool", "-audit-spool-wal", "-audit-spool-shm")
        return [Path(f"{self.path}{suffix}") for suffix in suffixes]

    def recreate(self) -> None:
        self.drop()
        self.path.parent.mkdir(parents=True, exist_ok=True)

    def drop(self) -> None:
        for file in self._files():
            file.unlink(missing_ok=True)

    def query(self, statement: str) -> list[tuple[Any, ...]]:
        with sqlite3.connect(self.path) as connection:
            return connection.execute(statement).fetchall()

    def sessions(self) -> int:
        return 0  # no server, no connections to count

    def server_version(self) -> str:
        return f"SQLite {sqlite3.sqlite_version}"

    def settings(self) -> dict[str, str]:
        return {"journal_mode": "wal", "synchronous": "NORMAL"}


def _connect(path: str) -> sqlite3.Connection:
    connection = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    return connection


def _reset(path: str) -> None:
    connection = _connect(path)
    connection.executescript(DDL)
    connection.close()


def parallel(path: str, rows: list[Row], threads: int) -> dict[str, Any]:
    """``rows`` from ``threads`` connections, one IMMEDIATE transaction per row (SQLite has one
    writer at a time, so the threads queue on its lock as the server's writers do)."""
    _reset(path)
    connections = [_connect(path) for _ in range(threads)]
    latencies: list[list[float]] = [[] for _ in range(threads)]
    errors: list[str] = []

    def work(index: int) -> None:
        connection, mine = connections[index], latencies[index]
        try:
            for row in rows[index::threads]:
                began = time.perf_counter()
                connection.execute("BEGIN IMMEDIATE")
                connection.execute(INSERT, row).fetchone()
                connection.execute("COMMIT")
                mine.append(time.perf_counter() - began)
        except sqlite3.Error as exc:  # reported, not expected
            errors.append(str(exc))

    elapsed = run_together(work, threads)
    for connection in connections:
        connection.close()
    done = sum(len(x) for x in latencies)
    return {
        "rows": done,
        "seconds": round(elapsed, 3),
        "per_second": round(done / elapsed, 1),
        "latency_ms": percentiles([x for per in latencies for x in per]),
        "errors": errors,
    }


def executemany(path: str, rows: list[Row]) -> dict[str, Any]:
    _reset(path)
    connection = _connect(path)
    began = time.perf_counter()
    connection.execute("BEGIN IMMEDIATE")
    connection.executemany(INSERT.removesuffix(" RETURNING id"), rows)
    connection.execute("COMMIT")
    elapsed = time.perf_counter() - began
    connection.close()
    return {
        "rows": len(rows),
        "seconds": round(elapsed, 3),
        "per_second": round(len(rows) / elapsed, 1),
    }


def drop(path: str) -> None:
    connection = _connect(path)
    connection.execute(f"DROP TABLE IF EXISTS {TABLE}")
    connection.close()
