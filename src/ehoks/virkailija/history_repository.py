"""Queries of the official's HOKS pages: a learner's HOKSes (soft-deleted ones too, for super
users), one HOKS with its study right and learner from the index in one statement, the latest
history row, and the names of the people and systems that wrote a HOKS."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, literal, select, union_all
from sqlalchemy.orm import Session

from ehoks.access.models import ServiceClient
from ehoks.audit.models import AuditEvent
from ehoks.hoks.models import Hoks, HoksVersion
from ehoks.oppijaindex.models import IndexOpiskeluoikeus, IndexOppija

# A service client's actor id (``ServiceClientActor.audit_id``).
CLIENT_PREFIX = "client:"
# The kind of a writer record read from the service client register, not the audit trail.
REGISTERED = "registered-client"
# Audit operations that are not writes: their events never name a writer.
_NOT_WRITES = ("read", "search", "read-audit-log")


@dataclass(frozen=True)
class HoksRow:
    """A HOKS row with what the index knows of its study right and learner."""

    hoks: Hoks
    opiskeluoikeus: IndexOpiskeluoikeus | None
    oppija_nimi: str | None


@dataclass(frozen=True)
class VersionSummary:
    """A stored earlier version: when it was current, and the write that ended it (``operation``
    by ``changed_by``)."""

    version: int
    valid_from: datetime
    valid_to: datetime
    operation: str
    changed_by: str | None
    deleted_at: datetime | None


@dataclass(frozen=True)
class WriterRecord:
    """How the audit trail names one writer (an actor id of ``hoks.created_by`` and the like)."""

    actor_id: str
    actor_kind: str
    name: str | None


class HistoryRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def hoks(self, hoks_id: int) -> HoksRow | None:
        """The HOKS, soft-deleted or not, with its index rows (one statement)."""
        row = self.session.execute(
            select(Hoks, IndexOpiskeluoikeus, IndexOppija.nimi)
            .outerjoin(IndexOpiskeluoikeus, IndexOpiskeluoikeus.oid == Hoks.opiskeluoikeus_oid)
            .outerjoin(IndexOppija, IndexOppija.oid == Hoks.oppija_oid)
            .where(Hoks.id == hoks_id)
        ).first()
        if row is None:
            return None
        return HoksRow(row[0], row[1], row[2])

    def hokses_of(self, oppija_oid: str, *, include_deleted: bool) -> Sequence[HoksRow]:
        """The learner's HOKSes in id order with their index rows (one statement)."""
        statement = (
            select(Hoks, IndexOpiskeluoikeus, IndexOppija.nimi)
            .outerjoin(IndexOpiskeluoikeus, IndexOpiskeluoikeus.oid == Hoks.opiskeluoikeus_oid)
            .outerjoin(IndexOppija, IndexOppija.oid == Hoks.oppija_oid)
            .where(Hoks.oppija_oid == oppija_oid)
            .order_by(Hoks.id)
        )
        if not include_deleted:
            statement = statement.where(Hoks.deleted_at.is_(None))
        return [HoksRow(row[0], row[1], row[2]) for row in self.session.execute(statement)]

    def latest_operation(self, hoks_id: int) -> str | None:
        """The operation stored on the newest earlier version: it made the current one."""
        found: str | None = self.session.scalar(
            select(HoksVersion.operation)
            .where(HoksVersion.hoks_id == hoks_id)
            .order_by(HoksVersion.version.desc())
            .limit(1)
        )
        return found

    def version_summaries(self, hoks_id: int) -> list[VersionSummary]:
        """Every stored earlier version, oldest first, without its document."""
        rows = self.session.execute(
            select(
                HoksVersion.version,
                HoksVersion.valid_from,
                HoksVersion.valid_to,
                HoksVersion.operation,
                HoksVersion.changed_by,
                HoksVersion.deleted_at,
            )
            .where(HoksVersion.hoks_id == hoks_id)
            .order_by(HoksVersion.version)
        ).all()
        return [VersionSummary(*row) for row in rows]

    def version_document(self, hoks_id: int, version: int) -> dict[str, Any] | None:
        document: dict[str, Any] | None = self.session.scalar(
            select(HoksVersion.document).where(
                HoksVersion.hoks_id == hoks_id, HoksVersion.version == version
            )
        )
        return document

    def writers(self, hoks_id: int, actor_ids: Collection[str]) -> list[WriterRecord]:
        """The kind and display name the audit trail recorded for each of ``actor_ids`` when
        they wrote this HOKS (the HOKS's own events, so the index on ``hoks_id`` serves it),
        and the registered name of each service client among them (kind ``REGISTERED``), for
        writes that left no event: one statement."""
        if not actor_ids:
            return []
        name = AuditEvent.details["actor_name"].as_string()
        statement: Any = (
            select(AuditEvent.actor_id, AuditEvent.actor_kind, func.max(name))
            .where(
                AuditEvent.hoks_id == hoks_id,
                AuditEvent.actor_id.in_(sorted(actor_ids)),
                AuditEvent.outcome == "succeeded",
                AuditEvent.operation.not_in(_NOT_WRITES),
            )
            .group_by(AuditEvent.actor_id, AuditEvent.actor_kind)
        )
        clients = sorted(
            i.removeprefix(CLIENT_PREFIX) for i in actor_ids if i.startswith(CLIENT_PREFIX)
        )
        if clients:
            registered = select(
                literal(CLIENT_PREFIX) + ServiceClient.client_id,
                literal(REGISTERED),
                ServiceClient.name,
            ).where(ServiceClient.client_id.in_(clients))
            statement = union_all(statement, registered)
        return [WriterRecord(row[0], row[1], row[2]) for row in self.session.execute(statement)]
