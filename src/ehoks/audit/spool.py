"""A spool for the audit events of reads on SQLite, so that a read never waits for a writer.

SQLite has one write lock per database. A read's audit event must be committed before the read
is answered (DESIGN D7), and appending it to the chain needs that lock; while a long write
holds it, every read would wait (and give 503 after the busy timeout). So when the lock is not
free within a moment, the read appender commits the events to this spool instead: a second
SQLite file beside the database (``<database>-audit-spool``), whose own lock only appenders
take, for a few milliseconds each. The events are durable there before the read is answered,
and the appender moves them into the chain as soon as the main lock is free.

Moving is crash-safe without a transaction across the two files: the chain's transaction also
writes, in ``audit_spool_mark``, the id of the last spooled batch it moved; the spool forgets
them afterwards, and anything at or below the mark is never moved again. The spool names itself
with a random id, so a deleted and recreated spool starts a new mark.

PostgreSQL needs none of this: its appends take an advisory lock that only other appends
hold, and writers lock rows, not the database.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import orjson
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from ehoks.audit.service import AuditRecord, append
from ehoks.audit.spool_repository import SPOOL_METADATA, SpoolMarkRepository, SpoolRepository
from ehoks.db import make_engine
from ehoks.kernel.ids import new_uuid

SUFFIX = "-audit-spool"


def spool_path(engine: Engine) -> Path | None:
    """Where the spool of a SQLite file database lives; None for PostgreSQL or memory."""
    if engine.dialect.name != "sqlite":
        return None
    database = engine.url.database
    if not database or database == ":memory:":
        return None
    return Path(f"{database}{SUFFIX}")


class AuditSpool:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._opened: tuple[Engine, str] | None = None
        self._open_lock = threading.Lock()

    def exists(self) -> bool:
        return self.path.exists()

    @property
    def _engine(self) -> Engine:
        return self._open()[0]

    @property
    def spool_id(self) -> str:
        return self._open()[1]

    def _open(self) -> tuple[Engine, str]:
        # Opened on first use, so an application that never meets a busy writer makes no file.
        with self._open_lock:
            if self._opened is None:
                engine = make_engine(f"sqlite:///{self.path}")
                # A scratch file of this module, not part of the database schema (which only
                # migrations change): created here, beside the database.
                SPOOL_METADATA.create_all(engine)
                with engine.begin() as connection:
                    repository = SpoolRepository(connection)
                    spool_id = repository.spool_id()
                    if spool_id is None:
                        spool_id = new_uuid()
                        repository.set_spool_id(spool_id)
                self._opened = (engine, spool_id)
            return self._opened

    def put(self, records: Sequence[AuditRecord]) -> None:
        """Commit ``records`` to the spool (durable when this returns)."""
        payload = orjson.dumps([dataclasses.asdict(record) for record in records])
        with self._engine.begin() as connection:
            SpoolRepository(connection).add(payload)

    def move(self, session: Session, limit: int) -> tuple[int, int]:
        """In the chain's write transaction ``session`` (which holds the write lock, so two
        processes never move the same batch): append up to ``limit`` spooled batches and
        advance the mark. Returns the mark (for ``forget`` after the commit) and how many
        batches were moved."""
        marks = SpoolMarkRepository(session)
        mark = marks.last_id(self.spool_id)
        with self._engine.connect() as connection:
            batches = SpoolRepository(connection).after(mark, limit)
        if not batches:
            return mark, 0
        mark = batches[-1][0]
        marks.set_last_id(self.spool_id, mark)
        append(session, [_record(item) for _, payload in batches for item in orjson.loads(payload)])
        return mark, len(batches)

    def forget(self, up_to: int) -> None:
        with self._engine.begin() as connection:
            SpoolRepository(connection).forget(up_to)

    def close(self) -> None:
        with self._open_lock:
            opened, self._opened = self._opened, None
        if opened is not None:
            opened[0].dispose()


def _record(data: dict[str, object]) -> AuditRecord:
    occurred_at = data.pop("occurred_at")
    assert isinstance(occurred_at, str)
    return AuditRecord(occurred_at=datetime.fromisoformat(occurred_at), **data)  # type: ignore[arg-type]
