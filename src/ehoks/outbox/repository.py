"""The outbox's statements: add, claim with a lease, finish, and the operators' list and retry.

The claim is the one statement that must be right under concurrency. On PostgreSQL it picks due
rows with ``FOR UPDATE SKIP LOCKED`` (a row another worker is claiming is skipped, not waited
for) and marks them running with this worker's lease token in the same statement. SQLite has one
writer at a time: the session's transaction begins ``IMMEDIATE`` (``ehoks.db``), so the
conditional ``UPDATE … WHERE id IN (due rows)`` runs alone and two workers can never take the
same row. Every later write of a claimed row names the lease token, so a worker whose lease ran
out (and whose job another worker took over) changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import CursorResult, and_, delete, func, insert, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from ehoks.outbox.models import DEAD, DONE, PENDING, RUNNING, OutboxJob

LAST_ERROR_LENGTH = 500  # the column's width


@dataclass(frozen=True)
class ClaimedJob:
    id: int
    kind: str
    payload: dict[str, Any]
    attempts: int
    """Including this one."""
    lease_token: str


class OutboxRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(
        self,
        kind: str,
        payload: dict[str, Any],
        *,
        now: datetime,
        not_before: datetime,
        dedupe_key: str | None,
    ) -> int | None:
        """Insert a pending job; ``None`` when ``dedupe_key`` is already taken."""
        values = {
            "kind": kind,
            "payload": payload,
            "state": PENDING,
            "attempts": 0,
            "not_before": not_before,
            "dedupe_key": dedupe_key,
            "created_at": now,
        }
        if dedupe_key is None:
            statement: Any = insert(OutboxJob).values(values)
        else:
            dialect_insert = pg_insert if self._postgresql else sqlite_insert
            statement = (
                dialect_insert(OutboxJob)
                .values(values)
                .on_conflict_do_nothing(index_elements=["dedupe_key"])
            )
        return self.session.execute(statement.returning(OutboxJob.id)).scalar_one_or_none()

    def claim(
        self, *, now: datetime, limit: int, lease_token: str, lease_until: datetime
    ) -> list[ClaimedJob]:
        """Take up to ``limit`` due jobs (pending and due, or running with an expired lease),
        oldest first, counting an attempt on each."""
        due = or_(
            and_(OutboxJob.state == PENDING, OutboxJob.not_before <= now),
            and_(OutboxJob.state == RUNNING, OutboxJob.lease_until < now),
        )
        oldest_first = (OutboxJob.not_before, OutboxJob.id)
        candidates = select(OutboxJob.id).where(due).order_by(*oldest_first).limit(limit)
        if self._postgresql:
            candidates = candidates.with_for_update(skip_locked=True)
        statement = (
            update(OutboxJob)
            .where(OutboxJob.id.in_(candidates.scalar_subquery()))
            .values(
                state=RUNNING,
                lease_token=lease_token,
                lease_until=lease_until,
                attempts=OutboxJob.attempts + 1,
            )
            .returning(OutboxJob.id, OutboxJob.kind, OutboxJob.payload, OutboxJob.attempts)
            .execution_options(synchronize_session=False)
        )
        rows = self.session.execute(statement).all()
        return sorted(
            (ClaimedJob(row.id, row.kind, row.payload, row.attempts, lease_token) for row in rows),
            key=lambda job: job.id,
        )

    def finish(self, job: ClaimedJob, *, now: datetime) -> bool:
        """Mark ``job`` done and erase its payload; ``False`` when its lease was lost."""
        return self._leased_update(
            job,
            state=DONE,
            payload={},
            lease_token=None,
            lease_until=None,
            finished_at=now,
        )

    def retry_later(self, job: ClaimedJob, *, error: str, not_before: datetime) -> bool:
        return self._leased_update(
            job,
            state=PENDING,
            not_before=not_before,
            lease_token=None,
            lease_until=None,
            last_error=error[:LAST_ERROR_LENGTH],
        )

    def bury(self, job: ClaimedJob, *, error: str, now: datetime) -> bool:
        """Mark ``job`` dead with the reason; the payload stays for a retry."""
        return self._leased_update(
            job,
            state=DEAD,
            lease_token=None,
            lease_until=None,
            last_error=error[:LAST_ERROR_LENGTH],
            finished_at=now,
        )

    def release(self, job: ClaimedJob) -> bool:
        """Hand back a claimed job not started (the worker is stopping): due again at once,
        and the attempt it was counted is taken back."""
        return self._leased_update(
            job,
            state=PENDING,
            lease_token=None,
            lease_until=None,
            attempts=OutboxJob.attempts - 1,
        )

    def _leased_update(self, job: ClaimedJob, **values: Any) -> bool:
        statement = (
            update(OutboxJob)
            .where(
                OutboxJob.id == job.id,
                OutboxJob.state == RUNNING,
                OutboxJob.lease_token == job.lease_token,
            )
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        result = self.session.execute(statement)
        assert isinstance(result, CursorResult)
        return result.rowcount == 1

    # The operators' side.

    def get(self, job_id: int) -> OutboxJob | None:
        return self.session.get(OutboxJob, job_id)

    def listing(self, *, states: Sequence[str], limit: int) -> list[OutboxJob]:
        query = select(OutboxJob).order_by(OutboxJob.id.desc()).limit(limit)
        if states:
            query = query.where(OutboxJob.state.in_(states))
        return list(self.session.scalars(query))

    def counts(self) -> dict[str, int]:
        rows = self.session.execute(
            select(OutboxJob.state, func.count()).group_by(OutboxJob.state)
        ).all()
        return {state: count for state, count in rows}  # noqa: C416 (rows are not pairs to mypy)

    def revive(self, *, now: datetime, job_id: int | None) -> int:
        """Make dead jobs (one, or all when ``job_id`` is None) pending and due now, with their
        attempts counted from zero; returns how many."""
        condition = OutboxJob.state == DEAD
        if job_id is not None:
            condition = and_(condition, OutboxJob.id == job_id)
        result = self.session.execute(
            update(OutboxJob)
            .where(condition)
            .values(state=PENDING, attempts=0, not_before=now, finished_at=None)
            .execution_options(synchronize_session=False)
        )
        assert isinstance(result, CursorResult)
        return result.rowcount

    def purge(self, *, finished_before: datetime) -> int:
        """Delete done and dead jobs finished before the given time; returns how many."""
        result = self.session.execute(
            delete(OutboxJob)
            .where(OutboxJob.state.in_((DONE, DEAD)), OutboxJob.finished_at < finished_before)
            .execution_options(synchronize_session=False)
        )
        assert isinstance(result, CursorResult)
        return result.rowcount

    @property
    def _postgresql(self) -> bool:
        return self.session.get_bind().dialect.name == "postgresql"


def lease_end(now: datetime, seconds: int) -> datetime:
    return now + timedelta(seconds=seconds)
