from __future__ import annotations

import errno
import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from types import FrameType

import typer
import uvicorn

from ehoks.cli.context import cli_context
from ehoks.cli.worker import worker_thread
from ehoks.config import Settings
from ehoks.devmail import PAGE_PATH


def serve(
    ctx: typer.Context,
    host: str = typer.Option("127.0.0.1", help="Interface to listen on"),
    port: int = typer.Option(8000, help="TCP port"),
    workers: int = typer.Option(1, min=1, help="Worker processes"),
    with_worker: bool = typer.Option(
        False, "--with-worker", help="Run the outbox's job worker (mail) in this process too."
    ),
) -> None:
    """Serve the API (uvicorn). Docs at /ehoks-virkailija-backend/doc.

    Runs the development mail catcher too when EHOKS_MAIL_CATCHER__ENABLED is true. With
    --with-worker a job worker runs in this process while it serves (as `ehoks worker` does on
    its own), stopping with the server after the job in hand.
    """
    settings = cli_context(ctx).settings
    served = settings.served_on(host, port)
    if served.public_url != settings.public_url:
        # The workers build their settings from the environment (ehoks.asgi:create).
        os.environ["EHOKS_PUBLIC_URL"] = served.public_url
    if settings.is_sqlite and workers > 1:
        typer.echo("note: several workers share one SQLite file; writes are serialised", err=True)
    context = cli_context(ctx)
    jobs = worker_thread(served, context.runtime) if with_worker else nullcontext()
    with _mail_catcher(served), jobs, _signal_exits() if with_worker else nullcontext():
        uvicorn.run(
            "ehoks.asgi:create",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level="info",
            access_log=False,
        )


@contextmanager
def _signal_exits() -> Iterator[None]:
    """SIGINT and SIGTERM end the process by an exception, so that the worker thread finishes
    its job on the way out. uvicorn handles the signal while serving and, once shut down,
    raises it again under the handler found at start: SIGTERM's default would kill the process
    there, with the worker's job half done."""

    def leave(signum: int, _frame: FrameType | None) -> None:
        raise SystemExit(128 + signum)

    previous = {signum: signal.signal(signum, leave) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


@contextmanager
def _mail_catcher(settings: Settings) -> Iterator[None]:
    """The development mail catcher, running in a thread of this process while serving."""
    catcher_settings = settings.mail_catcher
    if not catcher_settings.enabled:
        yield
        return
    from ehoks.devmail.server import MailCatcher  # aiosmtpd only when the catcher is on

    catcher = MailCatcher.from_settings(catcher_settings)
    address = f"{catcher_settings.host}:{catcher_settings.port}"
    page = f"{settings.public_url}{PAGE_PATH}"
    try:
        catcher.start()
    except OSError as error:
        if error.errno != errno.EADDRINUSE:
            typer.echo(f"error: the mail catcher cannot listen on {address}: {error}", err=True)
            raise typer.Exit(1) from error
        typer.echo(
            f"Mail catcher: {address} is already in use (another `ehoks serve`?); mail goes to "
            f"whatever listens there. Caught mail is read at {page}",
            err=True,
        )
        yield
        return
    typer.echo(
        f"Mail catcher: all mail goes to smtp://{address} and is kept in "
        f"{catcher_settings.directory}/; read it at {page}"
    )
    try:
        yield
    finally:
        catcher.stop()
