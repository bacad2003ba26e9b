"""Read-only queries of the lean read path (issue 12, item 5): ``GET /hoks/{hoks-id}`` in one
statement. Writes and every other read stay in ``hoks.repository``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, Text, and_, bindparam, cast, literal_column, select, true
from sqlalchemy.orm import Session

from ehoks.access.repository import client_is_active
from ehoks.hoks.models import Hoks


@dataclass(frozen=True)
class HoksForRead:
    """The columns of a non-deleted HOKS that the access decision (``access.facts.StoredHoks``)
    and the read view need; the document as its stored JSON text, parsed only if the answer
    carries it (not for a 304)."""

    id: int
    eid: str
    oppija_oid: str
    opiskeluoikeus_oid: str
    oppilaitos_oid: str | None
    manuaalisyotto: bool
    version: int
    document_json: str
    read_shaped: bool = False
    """Whether ``document_json`` is its own read view already (``Hoks.read_shaped``)."""
    deleted_at: datetime | None = None


@dataclass(frozen=True)
class ReadRow:
    client_active: bool
    hoks: HoksForRead | None
    """None when there is no such HOKS or it is deleted."""


def _statement(*, check_client: bool) -> Select[Any]:
    # The table's columns, not the mapped class's attributes: a Core statement skips the ORM's
    # execution path (~60 µs a read), and nothing here needs an entity.
    hoks = Hoks.__table__.c
    one = select(literal_column("1").label("one")).subquery("one")
    flag = client_is_active(bindparam("client_id")) if check_client else true()
    return select(
        flag.label("client_active"),
        hoks.id,
        hoks.eid,
        hoks.oppija_oid,
        hoks.opiskeluoikeus_oid,
        hoks.oppilaitos_oid,
        hoks.manuaalisyotto,
        hoks.version,
        # Text on both engines (JSONB's text on PostgreSQL), so the driver does not parse it.
        cast(hoks.document, Text).label("document_json"),
        hoks.read_shaped,
    ).select_from(
        one.outerjoin(
            Hoks.__table__, and_(hoks.id == bindparam("hoks_id"), hoks.deleted_at.is_(None))
        )
    )


# Built once: building this statement and its cache key on every request cost more CPU than
# executing it (~0.4 ms of ~0.8 ms, docs/performance.md).
_WITH_CLIENT = _statement(check_client=True)
_WITHOUT_CLIENT = _statement(check_client=False)


def hoks_with_client(session: Session, hoks_id: int, *, client_id: str | None) -> ReadRow:
    """The HOKS (unless deleted) and whether ``client_id`` is an active service client, in one
    statement: the HOKS row LEFT JOINed to a one-row select, so a missing HOKS still answers
    whether the client is active. ``client_id`` None (a caller that is no service client
    of ours) is taken as active."""
    if client_id is None:
        result = session.execute(_WITHOUT_CLIENT, {"hoks_id": hoks_id})
    else:
        result = session.execute(_WITH_CLIENT, {"hoks_id": hoks_id, "client_id": client_id})
    row = result.one()
    if row.id is None:
        return ReadRow(bool(row.client_active), None)
    hoks = HoksForRead(
        id=row.id,
        eid=row.eid,
        oppija_oid=row.oppija_oid,
        opiskeluoikeus_oid=row.opiskeluoikeus_oid,
        oppilaitos_oid=row.oppilaitos_oid,
        manuaalisyotto=row.manuaalisyotto,
        version=row.version,
        document_json=row.document_json,
        read_shaped=bool(row.read_shaped),
    )
    return ReadRow(bool(row.client_active), hoks)
