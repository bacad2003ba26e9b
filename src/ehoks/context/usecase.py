"""One use case's context, built once by each entrypoint — the JSON API, the HTML views, the
CLI and the job worker — and passed to the services: who acts, with which settings, clock and
registries, the audit trail, and the one transaction frame they all run in. Mail and other
jobs go to the outbox in the apply transaction (``mail.outbox.enqueue_mail``).

``Runtime`` is what a process shares (built at its composition root); ``Runtime.context``
makes a ``UseCase`` for one request, command or job.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

import anyio.to_thread
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from ehoks.access.actor import Actor
from ehoks.access.facts import StoredHoks
from ehoks.access.policy import Access
from ehoks.audit.repository import BASIS_ORGANISATION
from ehoks.audit.service import AuditRecord, append
from ehoks.audit.staging import stage
from ehoks.audit.trail import AuditTrail, as_failed
from ehoks.config import Settings
from ehoks.context.registries import RegistryMemo, Unprepared, remembering
from ehoks.db import make_session_factory, read_only_session_factory
from ehoks.errors import EhoksError, Forbidden, Unauthenticated
from ehoks.kernel.clock import Clock, SystemClock
from ehoks.logsafe import describe_error
from ehoks.registries import Registries, build_registries

log = logging.getLogger(__name__)

T = TypeVar("T")

# A write's apply phase runs again when it asked a registry something it was not prepared for
# (``context.registries``); each run learns at least one answer, so this bounds a defect, not
# a normal use case.
MAX_APPLY_RUNS = 8


class ReadAudit(Protocol):
    """Appends read events durably before the answer is sent (``audit.appender``): from a
    thread, or awaited on the event loop without holding one."""

    def append(self, records: Sequence[AuditRecord]) -> None: ...

    async def append_async(self, records: Sequence[AuditRecord]) -> None: ...

    def close(self) -> None: ...


class WriteAudit(Protocol):
    """Chains the events writes have staged (``audit.staging``; PostgreSQL)."""

    def wait_chained(self) -> None: ...


@dataclass(frozen=True)
class Runtime:
    """What every use case of one process shares, built once by its composition root."""

    settings: Settings
    registries: Registries
    write_sessions: sessionmaker[Session]
    read_sessions: sessionmaker[Session]
    # Reads' audit events, grouped with other requests' (the API); None appends them in a
    # transaction of their own (the CLI, where nothing runs alongside).
    read_audit: ReadAudit | None = None
    # Writes stage their events and this chains them, many writes' in one chain transaction
    # (PostgreSQL, the API); None appends them in the write's own transaction, under the chain
    # lock (SQLite, where writers are one at a time anyway; the CLI).
    write_audit: WriteAudit | None = None
    clock: Clock = field(default_factory=SystemClock)

    def context(self, actor: Actor | None = None, trail: AuditTrail | None = None) -> UseCase:
        """The context of one request, command or job."""
        memo = RegistryMemo()
        return UseCase(self, actor, trail, remembering(self.registries, memo), memo)


def build_runtime(
    settings: Settings,
    engine: Engine,
    *,
    registries: Registries | None = None,
    read_audit: ReadAudit | None = None,
    write_audit: WriteAudit | None = None,
    write_sessions: sessionmaker[Session] | None = None,
    clock: Clock | None = None,
) -> Runtime:
    """The runtime of a composition root (``create_app``, the CLI, a job) on ``engine``."""
    return Runtime(
        settings=settings,
        registries=registries or build_registries(settings, engine),
        write_sessions=write_sessions or make_session_factory(engine),
        read_sessions=read_only_session_factory(engine),
        read_audit=read_audit,
        write_audit=write_audit,
        clock=clock or SystemClock(),
    )


@dataclass
class UseCase:
    runtime: Runtime
    actor: Actor | None
    # The audit trail of the request (jobs and commands bring their own); None records nothing.
    trail: AuditTrail | None
    registries: Registries
    _memo: RegistryMemo = field(repr=False)

    @property
    def settings(self) -> Settings:
        return self.runtime.settings

    @property
    def clock(self) -> Clock:
        return self.runtime.clock

    # The transaction frame. Every surface runs its work through these two, so that the audit
    # flush, the auditing of failures, and commit or rollback live here only.

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only transaction (on SQLite it never waits for writers). The reads it
        recorded on the trail are then appended to the audit chain — with other requests'
        reads where the runtime groups them — before the answer is sent; if that fails, the
        request fails."""
        try:
            with self.runtime.read_sessions.begin() as session:
                yield session
        except Exception as exc:
            self._audit_failure([], exc)
            raise
        if self.trail is not None and self.trail.has_records:
            self._append_reads(self.trail.discard())

    async def read_async(self, work: Callable[[Session], T]) -> T:
        """``work`` in ``read()``'s transaction, for an ``async def`` route: in ONE threadpool
        hop, and the reads it recorded are then awaited on the event loop instead of holding
        the thread until their batch commits. The guarantee is ``read()``'s: this returns only
        once they are committed (or spooled on SQLite), and raises what failed their batch."""
        result, records = await anyio.to_thread.run_sync(self._read_taking_records, work)
        if records:
            audit = self.runtime.read_audit
            if audit is not None:
                await audit.append_async(records)
            else:
                await anyio.to_thread.run_sync(self._append_reads, records)
        return result

    def _read_taking_records(self, work: Callable[[Session], T]) -> tuple[T, list[AuditRecord]]:
        with self.read() as session:
            result = work(session)
            # Taken off the trail before the frame ends, which would otherwise append them in
            # this thread. A failure in ``work`` leaves them for the frame to audit as failed.
            records = self.trail.discard() if self.trail is not None else []
        return result, records

    def _append_reads(self, records: list[AuditRecord]) -> None:
        if self.runtime.read_audit is not None:
            self.runtime.read_audit.append(records)
        else:  # nothing runs alongside (the CLI): a transaction of their own
            with self.runtime.write_sessions.begin() as session:
                append(session, records)

    def write(self, apply: Callable[[Session], T]) -> T:
        """Run ``apply`` in one write transaction: it commits when ``apply`` returns, else
        rolls back. The audit events are written last, in the same transaction, so a change
        is never stored without its event nor an event without its change: appended to the
        chain, or staged and chained right after the commit (``audit.staging``).

        Registries answer only what the use case asked before (``context.registries``): a
        question the prepare phase missed rolls the transaction back, is answered outside it,
        and ``apply`` runs again from the start."""
        # Events recorded before the transaction (a read earlier in the use case) join it.
        earlier = self.trail.discard() if self.trail is not None else []
        for _run in range(MAX_APPLY_RUNS):
            try:
                result, staged = self._apply_once(apply, earlier)
            except Unprepared as missing:
                # Only the port and method: the arguments are OIDs (personal data).
                log.info(
                    "a write asked %s.%s unprepared; its apply phase runs again",
                    *missing.key[:2],
                )
                self._discard_attempt()
                self._fetch_outside(missing, earlier)
                continue
            except Exception as exc:
                self._audit_failure(earlier, exc)
                raise
            if staged and self.runtime.write_audit is not None:
                self._wait_chained(self.runtime.write_audit)
            return result
        raise RuntimeError(f"a write asked the registries {MAX_APPLY_RUNS} times unprepared")

    def _apply_once(
        self, apply: Callable[[Session], T], earlier: list[AuditRecord]
    ) -> tuple[T, bool]:
        """``apply``'s result, and whether audit events were staged rather than appended."""
        self._memo.sealed = True
        try:
            with self.runtime.write_sessions.begin() as session:
                result = apply(session)
                events = [*earlier, *(self.trail.pending if self.trail is not None else [])]
                staged = bool(events) and self.runtime.write_audit is not None
                if staged:
                    stage(session, events)
                else:
                    append(session, events)
                # Only now: should the audit write fail, the failure is audited with them.
                self._discard_attempt()
                return result, staged
        finally:
            self._memo.sealed = False

    @staticmethod
    def _wait_chained(write_audit: WriteAudit) -> None:
        """The change and its events are committed; wait until the events are in the chain
        too. A failure here is not the request's: its events stay staged, durable, and the
        next chain transaction or sweep moves them."""
        try:
            write_audit.wait_chained()
        except Exception as exc:
            log.warning("staged audit events wait for the next chain: %s", describe_error(exc))

    def _discard_attempt(self) -> None:
        if self.trail is not None:
            self.trail.discard()

    def _fetch_outside(self, missing: Unprepared, earlier: list[AuditRecord]) -> None:
        try:
            missing.fetch()
        except Exception as exc:  # e.g. the registry is down: 503, nothing written
            self._audit_failure(earlier, exc)
            raise

    def _audit_failure(self, earlier: list[AuditRecord], exc: Exception) -> None:
        """A denied or failed attempt on a known target is audited in its own transaction
        (the use case's own one has rolled back)."""
        trail = self.trail
        if trail is None:
            return
        attempted = [*earlier, *trail.discard()]
        target = trail.target
        if trail.actor is None or (not attempted and not target):
            return
        outcome = "denied" if isinstance(exc, Unauthenticated | Forbidden) else "failed"
        status = str(exc.status_code if isinstance(exc, EhoksError) else 500)
        if not attempted:
            trail.record(
                operation=trail.operation,
                oppija_oid=target.get("oppija_oid"),
                hoks_id=target.get("hoks_id"),
                part=target.get("part"),
            )
            attempted = trail.discard()
        try:
            with self.runtime.write_sessions.begin() as session:
                append(session, as_failed(attempted, error=status, outcome=outcome))
        except Exception as failure:  # the request fails anyway; don't hide its own error
            log.error("could not audit a failed request: %s", describe_error(failure))

    # The audit trail of personal data (DESIGN D7).

    def audit(
        self,
        operation: str,
        hoks: StoredHoks | None = None,
        access: Access | None = None,
        *,
        oppija_oid: str | None = None,
        part: str | None = None,
        changes: list[dict[str, Any]] | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        """Record a succeeded access to personal data on the trail."""
        if self.trail is None:
            return
        if access is not None and access.basis_organisaatio_oid is not None:
            details = {**(details or {}), BASIS_ORGANISATION: access.basis_organisaatio_oid}
        self.trail.record(
            operation=operation,
            legal_basis=access.basis if access else None,
            basis_ref=access.basis_ref if access else None,
            oppija_oid=hoks.oppija_oid if hoks is not None else oppija_oid,
            hoks_id=hoks.id if hoks is not None else None,
            part=part,
            changes=changes,
            details=details,
        )

    def audit_target(self, hoks: StoredHoks, part: str | None = None) -> None:
        """What the use case is about, so a denied or failed attempt is audited too."""
        if self.trail is not None:
            self.trail.target = {"hoks_id": hoks.id, "oppija_oid": hoks.oppija_oid, "part": part}
