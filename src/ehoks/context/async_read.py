"""The use case's read frame for an ``async def`` route (issue 12, item 5).

``UseCase.read`` is synchronous: a sync route pays a threadpool hop for it, and the read audit's
group commit then holds that thread until the batch is committed. ``read_async`` runs the same
frame — the same session factory, the same auditing of a denied or failed read — in ONE
threadpool hop, and awaits the reads' audit events on the event loop instead
(``audit.appender.BatchAppender.append_async``). The guarantee is unchanged: it returns only
once the events are committed (or spooled on SQLite), and raises what failed their batch.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol, TypeVar, runtime_checkable

import anyio.to_thread
from sqlalchemy.orm import Session

from ehoks.audit.service import AuditRecord, append
from ehoks.context.usecase import UseCase

T = TypeVar("T")


@runtime_checkable
class AsyncReadAudit(Protocol):
    """A read audit (``usecase.ReadAudit``) that a coroutine can await without a thread."""

    async def append_async(self, records: Sequence[AuditRecord]) -> None: ...


async def read_async(ctx: UseCase, work: Callable[[Session], T]) -> T:
    """``work`` in ``ctx.read()``'s transaction, in one threadpool hop; then the reads it
    recorded on the trail, appended to the audit chain before this returns."""
    result, records = await anyio.to_thread.run_sync(_read, ctx, work)
    if records:
        await _append(ctx, records)
    return result


def _read(ctx: UseCase, work: Callable[[Session], T]) -> tuple[T, list[AuditRecord]]:
    with ctx.read() as session:
        result = work(session)
        # Taken off the trail before the frame ends, which would otherwise append them here,
        # holding this thread until their batch commits; the event loop awaits them instead.
        # A failure in ``work`` leaves them on the trail for the frame to audit as failed.
        records = ctx.trail.discard() if ctx.trail is not None else []
    return result, records


async def _append(ctx: UseCase, records: list[AuditRecord]) -> None:
    audit = ctx.runtime.read_audit
    if isinstance(audit, AsyncReadAudit):
        await audit.append_async(records)
    elif audit is not None:
        await anyio.to_thread.run_sync(audit.append, records)
    else:  # as ``UseCase.read`` without a group commit: a transaction of their own
        await anyio.to_thread.run_sync(_append_alone, ctx, records)


def _append_alone(ctx: UseCase, records: list[AuditRecord]) -> None:
    with ctx.runtime.write_sessions.begin() as session:
        append(session, records)
