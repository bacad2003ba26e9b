"""The worker: claims due jobs with a lease and runs each kind's handler, outside any
transaction.

Delivery is at least once. A job is done only after its handler returned and the "done" write
(naming the lease) committed; a worker that dies in between leaves the job running until its
lease ends, and then another worker does it again. For mail that means a duplicate is possible
only when a worker dies (or stalls past ``lease_seconds``) right after the SMTP server took a
mail, which SMTP cannot rule out anyway (docs/architecture.md, "Jobs and the outbox").
"""

from __future__ import annotations

import logging
import random
import threading
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from ehoks.kernel.clock import now_utc
from ehoks.logsafe import describe_error
from ehoks.outbox.repository import ClaimedJob, OutboxRepository, lease_end
from ehoks.outbox.service import backoff
from ehoks.settings.outbox import OutboxSettings

log = logging.getLogger(__name__)

C = TypeVar("C")
C_contra = TypeVar("C_contra", contravariant=True)

Handler = Callable[[C_contra, dict[str, Any]], None]
"""Does one job from the job's use-case context and its payload; returning means done. Raises
``JobFailed`` with words fit for the table (or anything else, described by
``ehoks.logsafe.describe_error``). A handler that needs nothing of the context takes
``object``."""


class JobFailed(Exception):
    """A handler's failure whose message is safe to store and log (no personal data).
    ``permanent``: retrying cannot help, so the job is dead at once."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent


@dataclass
class Worker(Generic[C]):
    """One worker. Many may run at once, in one process or on many machines, against one
    database: the claim gives each job to one of them."""

    session_factory: sessionmaker[Session]
    handlers: Mapping[str, Handler[C]]
    settings: OutboxSettings
    context: Callable[[str], C]
    """Builds a job's use-case context from its kind (``ehoks.cli.worker.build_worker``: a
    ``context.UseCase``), once per job, as an entrypoint does for each request or command."""
    clock: Callable[[], datetime] = now_utc
    rng: random.Random = field(default_factory=random.Random)
    name: str = field(default_factory=lambda: uuid.uuid4().hex)
    """Part of every lease token, so the table shows which worker holds a job."""

    def run(self, stop: threading.Event) -> None:
        """Work until ``stop`` is set; the job in hand is finished first, the rest of its
        batch handed back."""
        log.info("outbox worker %s started", self.name[:8])
        attempted = 0
        while not stop.is_set():
            try:
                batch = self.run_once(stop)
            except SQLAlchemyError as error:
                # The database is away (a restart, a failover): the worker outlives it and
                # looks again; its claimed jobs come back to some worker when their lease ends.
                log.error("outbox worker %s: %s", self.name[:8], describe_error(error))
                batch = 0
            attempted += batch
            if batch == 0:
                stop.wait(self.settings.poll_interval_seconds)
        log.info("outbox worker %s stopped after %d job(s)", self.name[:8], attempted)

    def drain(self, stop: threading.Event | None = None) -> int:
        """Work until no job is due (or ``stop``); returns how many jobs were attempted."""
        total = 0
        while stop is None or not stop.is_set():
            done = self.run_once(stop)
            if done == 0:
                break
            total += done
        return total

    def run_once(self, stop: threading.Event | None = None) -> int:
        """Claim one batch and work it; returns how many jobs were attempted."""
        jobs = self._claim()
        attempted = 0
        for index, job in enumerate(jobs):
            if stop is not None and stop.is_set():
                self._release(jobs[index:])
                break
            self._work(job)
            attempted += 1
        return attempted

    def _claim(self) -> list[ClaimedJob]:
        now = self.clock()
        token = f"{self.name[:24]}-{uuid.uuid4().hex}"
        with self.session_factory.begin() as session:
            return OutboxRepository(session).claim(
                now=now,
                limit=self.settings.batch_size,
                lease_token=token,
                lease_until=lease_end(now, self.settings.lease_seconds),
            )

    def _work(self, job: ClaimedJob) -> None:
        handler = self.handlers.get(job.kind)
        if handler is None:
            self._failed(job, JobFailed(f"no handler for the kind {job.kind!r}", permanent=True))
            return
        if job.attempts > self.settings.max_attempts:
            # Claimed again after its lease ran out on the last attempt: its worker died or
            # stalled on it, and so may the next one.
            self._failed(
                job, JobFailed("the lease ran out during the last attempt", permanent=True)
            )
            return
        try:
            handler(self.context(job.kind), job.payload)  # no transaction is open here
        except Exception as error:  # any failure of a job is recorded, never fatal to the worker
            self._failed(job, error)
            return
        with self.session_factory.begin() as session:
            kept = OutboxRepository(session).finish(job, now=self.clock())
        if not kept:
            log.warning("outbox job %d (%s) was done after its lease ran out", job.id, job.kind)

    def _failed(self, job: ClaimedJob, error: Exception) -> None:
        if isinstance(error, JobFailed):
            reason, permanent = error.message, error.permanent
        else:
            reason, permanent = describe_error(error), False
        now = self.clock()
        with self.session_factory.begin() as session:
            repository = OutboxRepository(session)
            if permanent or job.attempts >= self.settings.max_attempts:
                repository.bury(job, error=reason, now=now)
                log.error(
                    "outbox job %d (%s) is dead after %d attempt(s): %s",
                    job.id,
                    job.kind,
                    job.attempts,
                    reason,
                )
                return
            wait = backoff(job.attempts, self.settings, self.rng)
            repository.retry_later(job, error=reason, not_before=now + wait)
        log.warning(
            "outbox job %d (%s) failed attempt %d, next in %.0f s: %s",
            job.id,
            job.kind,
            job.attempts,
            wait.total_seconds(),
            reason,
        )

    def _release(self, jobs: list[ClaimedJob]) -> None:
        with self.session_factory.begin() as session:
            repository = OutboxRepository(session)
            for job in jobs:
                repository.release(job)
