"""The audit events of one request, collected while it runs and appended when it commits.

The request's entrypoint makes one ``AuditTrail``, sets ``actor`` once the caller is known, and
lets routes and services ``record(...)`` what they did. Then:

* on success: ``trail.flush(session)`` as the last statement of the write transaction, so the
  events commit (or roll back) together with the change they describe;
* on failure: the transaction rolls back, ``trail.discard()`` returns what was recorded, and
  ``as_failed(...)`` turns it into failure events to append in a transaction of their own.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from ehoks.audit.service import AuditableActor, AuditRecord, append, record_for
from ehoks.kernel.clock import now_utc


class AuditTrail:
    def __init__(
        self,
        request_id: str,
        *,
        operation: str = "read",
        clock: Callable[[], datetime] = now_utc,
    ) -> None:
        self.request_id = request_id
        # None until authentication has said who is calling.
        self.actor: AuditableActor | None = None
        # What the request does and what it is about (``hoks_id``, ``oppija_oid``, ``part``),
        # set as soon as they are known, so that a request failing before it recorded anything
        # can still be audited as a failed attempt on that target.
        self.operation = operation
        self.target: dict[str, Any] = {}
        self._clock = clock
        self._pending: list[AuditRecord] = []

    def record(
        self,
        *,
        operation: str,
        outcome: str = "succeeded",
        legal_basis: str | None = None,
        basis_ref: str | None = None,
        oppija_oid: str | None = None,
        hoks_id: int | None = None,
        part: str | None = None,
        changes: list[dict[str, Any]] | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        """Collect an event of the current actor; it joins the chain on ``flush``."""
        if self.actor is None:
            raise RuntimeError("no actor on the audit trail: record after authentication")
        self._pending.append(
            record_for(
                self.actor,
                operation=operation,
                outcome=outcome,
                occurred_at=self._clock(),
                legal_basis=legal_basis,
                basis_ref=basis_ref,
                oppija_oid=oppija_oid,
                hoks_id=hoks_id,
                part=part,
                request_id=self.request_id,
                changes=changes,
                details=details,
            )
        )

    @property
    def pending(self) -> list[AuditRecord]:
        """A copy: changing it does not change the trail."""
        return list(self._pending)

    @property
    def has_records(self) -> bool:
        return bool(self._pending)

    def flush(self, session: Session) -> None:
        """Append the pending events inside ``session``'s transaction (make it the last
        statement: see ``audit.service.append``). They stay pending if the append fails, so
        the caller can still ``discard()`` them after the rollback."""
        append(session, self._pending)
        self._pending.clear()

    def discard(self) -> list[AuditRecord]:
        """Forget the pending events (their transaction rolled back) and return them."""
        discarded, self._pending = self._pending, []
        return discarded


def as_failed(
    records: Iterable[AuditRecord],
    *,
    error: str | None = None,
    outcome: str = "failed",
    occurred_at: datetime | None = None,
) -> list[AuditRecord]:
    """Copies of ``records`` that say the operation did not happen (``outcome`` "failed" or
    "denied"), with ``error`` in ``details["error"]``. Their ``changes`` are dropped: nothing
    changed, and the attempted values need not be kept."""
    failed = []
    for record in records:
        details = dict(record.details or {})
        if error is not None:
            details["error"] = error
        failed.append(
            dataclasses.replace(
                record,
                outcome=outcome,
                changes=None,
                details=details or None,
                occurred_at=occurred_at or record.occurred_at,
            )
        )
    return failed
