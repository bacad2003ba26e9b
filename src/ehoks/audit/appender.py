"""Group commit for the audit events of reads.

Every audited transaction takes the one chain lock from its append to its commit, which caps
one chain at a few hundred appends a second (docs/performance.md). A read has nothing of its own
to commit with its event, so reads hand their events to this appender, whose thread appends
everything queued meanwhile in one transaction. Each caller still waits until its events are
committed and gets the failure if the batch failed, so a read is never answered without its
audit event. Writes keep appending in their own transaction (the change and its event commit
together). One appender per process; its thread starts on first use.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy.orm import Session, sessionmaker

from ehoks.audit.service import AuditRecord, append

log = logging.getLogger(__name__)

# Bounded so that one transaction stays short even when thousands of reads queue at once.
MAX_BATCH_EVENTS = 500


@dataclass
class _Pending:
    records: Sequence[AuditRecord]
    done: threading.Event = field(default_factory=threading.Event)
    error: BaseException | None = None


class BatchAppender:
    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._sessions = session_factory
        self._queue: queue.SimpleQueue[_Pending | None] = queue.SimpleQueue()
        self._start_lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def append(self, records: Sequence[AuditRecord]) -> None:
        """Append ``records`` to the chain; returns once they are committed, or raises what
        made their batch fail."""
        if not records:
            return
        self._ensure_thread()
        pending = _Pending(records)
        self._queue.put(pending)
        pending.done.wait()
        if pending.error is not None:
            raise pending.error

    def close(self) -> None:
        with self._start_lock:
            thread, self._thread = self._thread, None
        if thread is not None:
            self._queue.put(None)
            thread.join(timeout=10)

    def _ensure_thread(self) -> None:
        with self._start_lock:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="ehoks-audit-appender", daemon=True
                )
                self._thread.start()

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            batch, stop = self._gather(first)
            self._append(batch)
            if stop:
                return

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
        try:
            with self._sessions.begin() as session:
                append(session, [record for pending in batch for record in pending.records])
        except BaseException as exc:  # every waiting request must hear of it
            log.warning("audit batch of %d request(s) failed: %s", len(batch), exc)
            for pending in batch:
                pending.error = exc
        finally:
            for pending in batch:
                pending.done.set()
