"""The read-audit spool's own small database (``audit.spool``), and the mark in the main
database of how far it has been moved into the chain."""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Connection,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    delete,
    insert,
    select,
)
from sqlalchemy.orm import Session

from ehoks.audit.models import AuditSpoolMark

SPOOL_METADATA = MetaData()
SPOOLED = Table(
    "spooled",
    SPOOL_METADATA,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("records", LargeBinary, nullable=False),
    # AUTOINCREMENT: an id is never reused, so the mark cannot skip a later batch.
    sqlite_autoincrement=True,
)
SPOOL_META = Table("spool_meta", SPOOL_METADATA, Column("spool_id", String(36), primary_key=True))


class SpoolRepository:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def spool_id(self) -> str | None:
        return self.connection.execute(select(SPOOL_META.c.spool_id)).scalar()

    def set_spool_id(self, spool_id: str) -> None:
        self.connection.execute(insert(SPOOL_META).values(spool_id=spool_id))

    def add(self, payload: bytes) -> None:
        self.connection.execute(insert(SPOOLED).values(records=payload))

    def after(self, last_id: int, limit: int) -> list[tuple[int, bytes]]:
        rows = self.connection.execute(
            select(SPOOLED.c.id, SPOOLED.c.records)
            .where(SPOOLED.c.id > last_id)
            .order_by(SPOOLED.c.id)
            .limit(limit)
        )
        return [(int(row.id), bytes(row.records)) for row in rows]

    def forget(self, up_to: int) -> None:
        self.connection.execute(delete(SPOOLED).where(SPOOLED.c.id <= up_to))


class SpoolMarkRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def last_id(self, spool_id: str) -> int:
        row = self.session.get(AuditSpoolMark, spool_id)
        return 0 if row is None else row.last_id

    def set_last_id(self, spool_id: str, last_id: int) -> None:
        row = self.session.get(AuditSpoolMark, spool_id)
        if row is None:
            self.session.add(AuditSpoolMark(spool_id=spool_id, last_id=last_id))
        else:
            row.last_id = last_id
        self.session.flush()
