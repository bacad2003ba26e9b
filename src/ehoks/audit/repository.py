"""Every query on the audit table. The chain logic (hashing, checking) is in ``audit.service``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import (
    JSON,
    Row,
    Table,
    and_,
    bindparam,
    delete,
    func,
    insert,
    not_,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session

from ehoks.audit.models import AuditEvent, AuditStaged

# The ``details`` key naming the organisation whose relation to the learner grounds an access
# (the oppilaitos of the study right of a ``current-provider`` read).
BASIS_ORGANISATION = "peruste-organisaatio-oid"

_TABLE = cast(Table, AuditEvent.__table__)
_STAGED = cast(Table, AuditStaged.__table__)
AnyRow = Row[*tuple[Any, ...]]

# Key of the transaction-level advisory lock that serialises appends on PostgreSQL: a fixed
# 64-bit constant (the bytes of "ehoks-au") so every process takes the same lock.
CHAIN_LOCK_KEY = 0x65686F6B732D6175

# The columns' own JSON type stores Python None as the JSON value null; an absent document is
# an SQL NULL here, so ``details IS NULL`` means what it says.
_JSON_OR_NULL = JSON(none_as_null=True).with_variant(JSONB(none_as_null=True), "postgresql")
_INSERT = insert(_TABLE).values(
    details=bindparam("p_details", type_=_JSON_OR_NULL),
    changes=bindparam("p_changes", type_=_JSON_OR_NULL),
)

SYSTEM_ACTOR_KIND = "jarjestelma"
STUDENT_ACTOR_KIND = "oppija"


class AuditRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def lock_chain(self) -> None:
        """Serialise appenders on PostgreSQL until the transaction ends. SQLite needs nothing:
        its write transactions begin IMMEDIATE (``ehoks.db``), which is already one writer."""
        if self.session.get_bind().dialect.name == "postgresql":
            self.session.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK_KEY}
            )

    def head(self) -> tuple[int, str] | None:
        row = self.session.execute(
            select(_TABLE.c.seq, _TABLE.c.hash).order_by(_TABLE.c.seq.desc()).limit(1)
        ).first()
        return None if row is None else (int(row.seq), str(row.hash))

    def insert(self, rows: Sequence[dict[str, Any]]) -> None:
        """Rows keyed by column name; one statement (executemany) for all of them."""
        parameters = [
            {
                **{k: v for k, v in row.items() if k not in ("details", "changes")},
                "p_details": row["details"],
                "p_changes": row["changes"],
            }
            for row in rows
        ]
        self.session.execute(_INSERT, parameters)

    # Staged events of writes (``audit.staging``)

    def stage(self, documents: Sequence[dict[str, Any]]) -> None:
        """One statement (executemany) for all of them."""
        self.session.execute(insert(_STAGED), [{"record": document} for document in documents])

    def staged(self, limit: int) -> Sequence[AnyRow]:
        """The oldest ``limit`` staged events (id, record), in staging order."""
        return self.session.execute(
            select(_STAGED.c.id, _STAGED.c.record).order_by(_STAGED.c.id).limit(limit)
        ).all()

    def any_staged(self) -> bool:
        return self.session.execute(select(_STAGED.c.id).limit(1)).first() is not None

    def count_staged(self) -> int:
        return int(self.session.execute(select(func.count()).select_from(_STAGED)).scalar_one())

    def unstage(self, ids: Sequence[int]) -> None:
        self.session.execute(delete(_STAGED).where(_STAGED.c.id.in_(ids)))

    def events_after(self, after_seq: int, limit: int, columns: Sequence[str]) -> Sequence[AnyRow]:
        """``columns`` of the events after ``after_seq``, in seq order: keyset pagination, so
        memory stays constant for any table size."""
        return self.session.execute(
            select(*(_TABLE.c[name] for name in columns))
            .where(_TABLE.c.seq > after_seq)
            .order_by(_TABLE.c.seq)
            .limit(limit)
        ).all()

    def links_after(self, after_seq: int, limit: int) -> Sequence[AnyRow]:
        """Only the chain columns, which read even when another column holds garbage."""
        return self.session.execute(
            select(_TABLE.c.seq, _TABLE.c.prev_hash, _TABLE.c.hash)
            .where(_TABLE.c.seq > after_seq)
            .order_by(_TABLE.c.seq)
            .limit(limit)
        ).all()

    def event(self, seq: int, columns: Sequence[str]) -> AnyRow | None:
        return self.session.execute(
            select(*(_TABLE.c[name] for name in columns)).where(_TABLE.c.seq == seq)
        ).first()

    def reads_of_learner(
        self, oppija_oid: str, *, limit: int, before_seq: int | None
    ) -> Sequence[AnyRow]:
        """Successful reads of the learner's data by anyone but the learner and the service."""
        conditions = [
            _TABLE.c.oppija_oid == oppija_oid,
            _TABLE.c.operation == "read",
            _TABLE.c.outcome == "succeeded",
            _TABLE.c.actor_kind != SYSTEM_ACTOR_KIND,
            not_(
                and_(
                    _TABLE.c.actor_kind == STUDENT_ACTOR_KIND,
                    _TABLE.c.actor_id == oppija_oid,
                )
            ),
        ]
        if before_seq is not None:
            conditions.append(_TABLE.c.seq < before_seq)
        return self.session.execute(
            select(
                _TABLE.c.seq,
                _TABLE.c.occurred_at,
                _TABLE.c.actor_kind,
                # Only the display name and the grounding organisation leave the database,
                # never the rest of ``details``.
                _TABLE.c.details["actor_name"].as_string().label("actor_name"),
                _TABLE.c.actor_role,
                _TABLE.c.legal_basis,
                _TABLE.c.basis_ref,
                _TABLE.c.details[BASIS_ORGANISATION].as_string().label("basis_organisaatio_oid"),
                _TABLE.c.hoks_id,
                _TABLE.c.part,
            )
            .where(*conditions)
            .order_by(_TABLE.c.seq.desc())
            .limit(limit)
        ).all()
