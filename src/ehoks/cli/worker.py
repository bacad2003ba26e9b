"""``ehoks worker``: deliver the outbox's jobs (docs/operations.md, "The job worker")."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Annotated

import typer

from ehoks.access.actor import SystemActor
from ehoks.cli.context import cli_context
from ehoks.config import Settings
from ehoks.context import Runtime, UseCase
from ehoks.logsafe import configure_logging
from ehoks.mail.outbox import mail_handlers
from ehoks.mail.sender import SmtpMailer
from ehoks.outbox.worker import Worker


def build_worker(settings: Settings, runtime: Runtime) -> Worker[UseCase]:
    """The worker with every kind's handler: the composition root of jobs. Each job gets a
    use-case context of its own, acting as the system under the job's kind (its audit trail,
    should a handler touch personal data, is the handler's to bring)."""

    def job_context(kind: str) -> UseCase:
        return runtime.context(SystemActor(f"outbox:{kind}"))

    return Worker(
        runtime.write_sessions,
        mail_handlers(SmtpMailer(settings.smtp)),
        settings.outbox,
        context=job_context,
        clock=runtime.clock.now,
    )


def worker(
    ctx: typer.Context,
    poll_interval: Annotated[
        float | None,
        typer.Option(min=0.01, help="Seconds between looks when idle [EHOKS_OUTBOX__POLL_…]."),
    ] = None,
    batch_size: Annotated[
        int | None,
        typer.Option(min=1, max=1000, help="Jobs claimed per look [EHOKS_OUTBOX__BATCH_SIZE]."),
    ] = None,
    once: Annotated[
        bool, typer.Option("--once", help="Deliver every job due now, then exit.")
    ] = False,
) -> None:
    """Deliver the outbox's jobs (mail) until SIGTERM or SIGINT; the job in hand is finished
    first. Any number of workers may run against one database, on any machines."""
    context = cli_context(ctx)
    configure_logging()
    overrides: dict[str, float | int] = {}
    if poll_interval is not None:
        overrides["poll_interval_seconds"] = poll_interval
    if batch_size is not None:
        overrides["batch_size"] = batch_size
    settings = context.settings.model_copy(
        update={"outbox": context.settings.outbox.model_copy(update=overrides)}
    )
    job_worker = build_worker(settings, context.runtime)
    stop = threading.Event()
    with _stop_on_signals(stop):
        if once:
            attempted = job_worker.drain(stop)
            typer.echo(f"{attempted} job(s) attempted")
        else:
            job_worker.run(stop)


@contextmanager
def _stop_on_signals(stop: threading.Event) -> Iterator[None]:
    def request_stop(signum: int, _frame: FrameType | None) -> None:
        stop.set()

    previous = {
        signum: signal.signal(signum, request_stop) for signum in (signal.SIGTERM, signal.SIGINT)
    }
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


@contextmanager
def worker_thread(settings: Settings, runtime: Runtime) -> Iterator[None]:
    """A worker in a thread of this process while the block runs (``ehoks serve
    --with-worker``); on leaving, it finishes the job in hand and stops."""
    configure_logging()  # before the server's own, so the worker's lines are seen from the start
    stop = threading.Event()
    thread = threading.Thread(
        target=build_worker(settings, runtime).run,
        args=(stop,),
        name="outbox-worker",
        daemon=True,
    )
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
