"""Group commit for the audit events of reads.

Every audited transaction takes the one chain lock from its append to its commit, which caps
one chain at a few hundred appends a second (docs/performance.md). A read has nothing of its own
to commit with its event, so reads hand their events to this appender, whose thread appends
everything queued meanwhile in one transaction. Each caller still waits until its events are
committed and gets the failure if the batch failed, so a read is never answered without its
audit event. One appender per process; its thread starts on first use.

On PostgreSQL the same transaction also chains what writes have staged (``audit.staging``):
a write commits its change and its events together without the chain lock, then waits here
(``wait_chained``) until a chain transaction has moved them, many writes' at a time. The
thread also sweeps every ``SWEEP_SECONDS`` for events staged by a process that stopped before
they were chained.

On SQLite the appender is given a spool (``audit.spool``): when a writer holds the database's
write lock for more than a moment, the batch is committed to the spool instead, the readers are
answered, and the spooled events join the chain as soon as the lock is free (retried every
``RETRY_SECONDS`` and after every batch). A read therefore never waits for a writer.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import queue
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from ehoks.audit import staging
from ehoks.audit.service import AuditRecord, append
from ehoks.audit.spool import AuditSpool
from ehoks.db import is_lock_timeout
from ehoks.logsafe import describe_error

log = logging.getLogger(__name__)

# Bounded so that one transaction stays short even when thousands of reads queue at once.
MAX_BATCH_EVENTS = 500
# Spooled batches moved into the chain per transaction.
MAX_MOVED_BATCHES = 200
RETRY_SECONDS = 0.5
# How often an idle appender that chains staged events looks for some left behind.
SWEEP_SECONDS = 5.0


@dataclass
class _Pending:
    records: Sequence[AuditRecord]
    done: threading.Event = field(default_factory=threading.Event)
    error: BaseException | None = None


class _LoopEvent(threading.Event):
    """A pending batch's ``done`` that also wakes a coroutine awaiting it (``append_async``):
    the appender's thread sets it as for any caller, and the event loop hears of it."""

    def __init__(self, loop: asyncio.AbstractEventLoop, future: asyncio.Future[None]) -> None:
        super().__init__()
        self._loop = loop
        self._future = future

    def set(self) -> None:
        super().set()
        # RuntimeError: the loop has closed, so nobody awaits the answer any more.
        with contextlib.suppress(RuntimeError):
            self._loop.call_soon_threadsafe(_wake, self._future)


def _wake(future: asyncio.Future[None]) -> None:
    if not future.done():  # cancelled when the request was
        future.set_result(None)


class BatchAppender:
    def __init__(
        self,
        session_factory: sessionmaker[Session],
        *,
        spool: AuditSpool | None = None,
        chains_staged: bool = False,
    ) -> None:
        """``session_factory``: write sessions for the chain. With a ``spool`` they must give
        way quickly (``db.impatient_session_factory``), since a lock timeout is what sends a
        batch to the spool. ``chains_staged``: every batch also chains the writes' staged
        events (PostgreSQL; not with a spool)."""
        if chains_staged and spool is not None:
            raise ValueError("staged events are chained on PostgreSQL, spools are for SQLite")
        self._sessions = session_factory
        self._spool = spool
        self.chains_staged = chains_staged
        self._queue: queue.SimpleQueue[_Pending | None] = queue.SimpleQueue()
        self._start_lock = threading.Lock()
        self._thread: threading.Thread | None = None
        # Whether the spool may hold events not yet in the chain (so the thread retries).
        self._spooled = spool is not None and spool.exists()
        # Until when the write lock is taken to be busy (the last try found it held): batches
        # go straight to the spool meanwhile, so only the first read behind a long writer
        # waits the impatient sessions' moment.
        self._busy_until = 0.0

    def append(self, records: Sequence[AuditRecord]) -> None:
        """Append ``records`` to the chain (or, on SQLite behind a writer, the spool); returns
        once they are committed, or raises what made their batch fail."""
        if not records:
            return
        self._ensure_thread()
        pending = _Pending(records)
        self._queue.put(pending)
        pending.done.wait()
        if pending.error is not None:
            raise pending.error

    def wait_chained(self) -> None:
        """Return once every event staged before the call is in the chain (a write's, after
        its commit), or raise what made the chain transaction fail."""
        self._ensure_thread()
        pending = _Pending(())
        self._queue.put(pending)
        pending.done.wait()
        if pending.error is not None:
            raise pending.error

    async def append_async(self, records: Sequence[AuditRecord]) -> None:
        """``append`` for a coroutine: the same batches and the same guarantee (returns once
        the records are committed, or raises what made their batch fail), awaited on the event
        loop instead of holding a thread while the batch commits."""
        if not records:
            return
        self._ensure_thread()
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        pending = _Pending(records, done=_LoopEvent(loop, future))
        self._queue.put(pending)
        await future
        if pending.error is not None:
            raise pending.error

    def close(self) -> None:
        with self._start_lock:
            thread, self._thread = self._thread, None
        if thread is not None:
            self._queue.put(None)
            thread.join(timeout=10)
        if self.chains_staged:
            self._sweep()
        if self._spool is not None:
            if self._spooled:
                self._move_spooled()
            self._spool.close()

    def _ensure_thread(self) -> None:
        with self._start_lock:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="ehoks-audit-appender", daemon=True
                )
                self._thread.start()

    def _run(self) -> None:
        while True:
            try:
                first = self._queue.get(timeout=self._idle_timeout())
            except queue.Empty:
                if self.chains_staged:
                    self._sweep()
                else:
                    self._move_spooled()
                continue
            if first is None:
                return
            batch, stop = self._gather(first)
            self._append(batch)
            if self._spooled and time.monotonic() >= self._busy_until:
                self._move_spooled()
            if stop:
                return

    def _idle_timeout(self) -> float | None:
        if self.chains_staged:
            return SWEEP_SECONDS
        return RETRY_SECONDS if self._spooled else None

    def _gather(self, first: _Pending) -> tuple[list[_Pending], bool]:
        batch = [first]
        events = len(first.records)
        while events < MAX_BATCH_EVENTS:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            if item is None:
                return batch, True
            batch.append(item)
            events += len(item.records)
        return batch, False

    def _append(self, batch: list[_Pending]) -> None:
        records = [record for pending in batch for record in pending.records]
        try:
            if self._spool is not None and time.monotonic() < self._busy_until:
                self._spool.put(records)
                self._spooled = True
                return
            try:
                if self.chains_staged:
                    self._chain(records)
                else:
                    with self._sessions.begin() as session:
                        append(session, records)
            except OperationalError as exc:
                if self._spool is None or not is_lock_timeout(exc):
                    raise
                self._busy_until = time.monotonic() + RETRY_SECONDS
                self._spool.put(records)
                self._spooled = True
        except BaseException as exc:  # every waiting request must hear of it
            log.warning("audit batch of %d request(s) failed: %s", len(batch), describe_error(exc))
            for pending in batch:
                pending.error = exc
        finally:
            for pending in batch:
                pending.done.set()

    def _chain(self, records: list[AuditRecord]) -> None:
        """The reads' ``records`` and everything staged, in as few chain transactions as the
        backlog needs (usually one)."""
        with self._sessions.begin() as session:
            moved = staging.chain(session, records)
        if moved == staging.MAX_CHAINED:
            staging.chain_all(self._sessions)

    def _sweep(self) -> None:
        """Chain events left staged (their writer stopped before they were chained)."""
        try:
            with self._sessions.begin() as session:
                if not staging.any_staged(session):
                    return
            self._chain([])
        except Exception as exc:  # tried again at the next batch or sweep
            log.warning("could not chain staged audit events: %s", describe_error(exc))

    def _move_spooled(self) -> None:
        """Move what the spool holds into the chain, while the write lock is free."""
        spool = self._spool
        if spool is None:
            return
        try:
            while True:
                with self._sessions.begin() as session:
                    mark, moved = spool.move(session, MAX_MOVED_BATCHES)
                spool.forget(mark)
                if moved < MAX_MOVED_BATCHES:
                    self._spooled = False
                    return
        except OperationalError as exc:
            if is_lock_timeout(exc):
                self._busy_until = time.monotonic() + RETRY_SECONDS
            else:
                log.warning("could not move spooled audit events: %s", describe_error(exc))
        except Exception as exc:  # kept in the spool; tried again
            log.warning("could not move spooled audit events: %s", describe_error(exc))
