"""The queries of the contact-data clean-up (``hoks.cleanup``): which learning periods and which
HOKSes still hold personal contact data past their retention time."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from ehoks.hoks.models import Hoks, HoksTyopaikkajakso, HoksVersion


@dataclass(frozen=True)
class InstructorCandidate:
    hoks_id: int
    module_id: str
    opiskeluoikeus_oid: str


@dataclass(frozen=True)
class StudentCandidate:
    hoks_id: int
    opiskeluoikeus_oid: str
    osaamisen_saavuttamisen_pvm: date | None
    version: int


def _document_text(key: str) -> ColumnElement[str | None]:
    # JSON null and an absent key both read as SQL NULL on SQLite and PostgreSQL alike.
    text: ColumnElement[str | None] = Hoks.document[key].as_string()
    return text


def _quiet_since(since: datetime, ignored_operation: str) -> ColumnElement[bool]:
    """No write at or after ``since`` other than ``ignored_operation``. Every write after the
    create leaves a history row whose ``valid_to`` is the write's time and whose ``operation``
    names it, so the writes are the create and those rows. The ``updated_at`` test alone
    answers for nearly every HOKS; the history is read only for ones written recently."""
    later_write = (
        select(HoksVersion.id)
        .where(
            HoksVersion.hoks_id == Hoks.id,
            HoksVersion.valid_to >= since,
            HoksVersion.operation != ignored_operation,
        )
        .exists()
    )
    return or_(Hoks.updated_at < since, and_(Hoks.created_at < since, ~later_write))


class ContactCleanupRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def instructor_contact_candidates(
        self, *, ended_before: date, limit: int
    ) -> list[InstructorCandidate]:
        """Workplace periods that ended before ``ended_before`` and still name the instructor's
        e-mail or phone, oldest first. Soft-deleted HOKSes are included: their contact data
        must go as well (the original does not look at deletion here either)."""
        rows = self.session.execute(
            select(
                HoksTyopaikkajakso.hoks_id,
                HoksTyopaikkajakso.module_id,
                Hoks.opiskeluoikeus_oid,
            )
            .join(Hoks, Hoks.id == HoksTyopaikkajakso.hoks_id)
            .where(
                HoksTyopaikkajakso.loppu < ended_before,
                or_(
                    HoksTyopaikkajakso.ohjaaja_sahkoposti.is_not(None),
                    HoksTyopaikkajakso.ohjaaja_puhelinnumero.is_not(None),
                ),
            )
            .order_by(HoksTyopaikkajakso.loppu, HoksTyopaikkajakso.id)
            .limit(limit)
        )
        return [InstructorCandidate(row[0], row[1], row[2]) for row in rows]

    def student_contact_candidates(
        self,
        *,
        quiet_since: datetime,
        ignored_operation: str,
        finished_before: date,
        after_id: int,
        exclude: Collection[int],
        limit: int,
    ) -> list[StudentCandidate]:
        """Non-deleted HOKSes in id order after ``after_id`` that still hold the student's
        e-mail or phone, have not been written since ``quiet_since`` by anything but
        ``ignored_operation``, and either reached their goal (``osaamisen-saavuttamisen-pvm``)
        before ``finished_before`` or have no such date. The caller still has to check the
        learning periods of the undated ones."""
        statement = (
            select(Hoks.id, Hoks.opiskeluoikeus_oid, Hoks.osaamisen_saavuttamisen_pvm, Hoks.version)
            .where(
                Hoks.deleted_at.is_(None),
                _quiet_since(quiet_since, ignored_operation),
                Hoks.id > after_id,
                or_(
                    _document_text("sahkoposti").is_not(None),
                    _document_text("puhelinnumero").is_not(None),
                ),
                or_(
                    Hoks.osaamisen_saavuttamisen_pvm.is_(None),
                    Hoks.osaamisen_saavuttamisen_pvm < finished_before,
                ),
            )
            .order_by(Hoks.id)
            .limit(limit)
        )
        if exclude:
            statement = statement.where(Hoks.id.not_in(list(exclude)))
        return [
            StudentCandidate(row[0], row[1], row[2], row[3])
            for row in self.session.execute(statement)
        ]

    def documents(self, hoks_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
        if not hoks_ids:
            return {}
        rows = self.session.execute(
            select(Hoks.id, Hoks.document).where(Hoks.id.in_(list(hoks_ids)))
        )
        return {row[0]: row[1] for row in rows}

    def history(self, hoks_id: int) -> Sequence[HoksVersion]:
        """The HOKS's earlier versions, the one written in this transaction included."""
        return self.session.scalars(
            select(HoksVersion).where(HoksVersion.hoks_id == hoks_id).order_by(HoksVersion.version)
        ).all()

    def lock(self, hoks_id: int) -> Hoks | None:
        """The HOKS (soft-deleted included) as it is now, locked for the rest of the transaction
        on PostgreSQL. Re-read even if the session holds it, so the caller can re-check the
        rules against what a concurrent writer may have committed meanwhile."""
        return self.session.scalars(
            select(Hoks)
            .where(Hoks.id == hoks_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).first()
