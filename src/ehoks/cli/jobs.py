"""Scheduled maintenance jobs (run from cron or a systemd timer; see docs/operations.md)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich import print as rprint

from ehoks.audit.trail import AuditTrail
from ehoks.auth import email_login, sessions
from ehoks.cli.context import cli_context
from ehoks.context import Runtime, UseCase
from ehoks.db import transaction
from ehoks.hoks import cleanup
from ehoks.kernel.clock import now_utc, today_in_finland
from ehoks.kernel.ids import new_uuid
from ehoks.ratelimit.service import RateLimiter
from ehoks.registries.http import close_registries

app = typer.Typer(help="Scheduled maintenance jobs.", no_args_is_help=True)


@app.command("contact-cleanup")
def contact_cleanup(
    ctx: typer.Context,
    limit: Annotated[
        int,
        typer.Option(min=1, help="Periods or HOKSes per batch; each batch is one transaction."),
    ] = cleanup.DEFAULT_LIMIT,
    until_done: Annotated[
        bool,
        typer.Option("--until-done", help="Run batches until nothing is left to clear."),
    ] = False,
) -> None:
    """Clear personal contact data past its retention time (reference 5.2): workplace
    instructors' e-mail and phone of periods ended over 3 months ago, and students' e-mail and
    phone of HOKSes finished, and study rights ended, over 3 months ago.

    Exits with 1 when Koski could not be asked about some HOKSes (they are left as they are
    and tried again on the next run)."""
    runtime = cli_context(ctx).runtime
    try:
        instructors = 0
        while True:
            # One batch per transaction, so a long run never holds its locks for long and an
            # interrupted run keeps what it finished.
            periods = cleanup.clear_instructor_contacts(
                _context(runtime), today=today_in_finland(), limit=limit
            )
            instructors += len(periods)
            if not until_done or len(periods) < limit:
                break

        cleared = touched = 0
        failed: set[int] = set()
        while True:
            batch = cleanup.run_student_cleanup(
                _context(runtime),
                today=today_in_finland(),
                now=now_utc(),
                limit=limit,
                # Without this a batch full of HOKSes Koski cannot answer for would be
                # selected again and again.
                exclude=failed,
            )
            cleared += len(batch.cleared)
            touched += len(batch.touched)
            failed.update(batch.koski_failed)
            if not until_done or batch.selected < limit:
                break
    finally:
        close_registries(runtime.registries)

    rprint(f"workplace instructors' contact data cleared on {instructors} period(s)")
    rprint(
        f"students' contact data cleared on {cleared} HOKS(es); {touched} finished HOKS(es) "
        "wait 3 months more (study right not ended over 3 months ago in Koski)"
    )
    if failed:
        ids = ", ".join(str(i) for i in sorted(failed))
        typer.echo(
            f"error: Koski did not answer for {len(failed)} HOKS(es), left unchanged: {ids}",
            err=True,
        )
        raise typer.Exit(1)


def _context(runtime: Runtime) -> UseCase:
    """The context of one batch, with its audit trail: its events commit with the batch
    (DESIGN D7)."""
    trail = AuditTrail(f"job:contact-cleanup:{new_uuid()}"[:64], operation="delete")
    trail.actor = cleanup.ACTOR
    return runtime.context(cleanup.ACTOR, trail)


@app.command("purge-sessions")
def purge_sessions(ctx: typer.Context) -> None:
    """Delete expired sessions, abandoned OpenID logins, expired e-mail login links and the
    rate-limit counters of ended windows (run daily). Expired ones already let no one in; this
    only keeps the tables small."""
    context = cli_context(ctx)
    now = now_utc()
    with transaction(context.session_factory) as session:
        ended = sessions.purge_expired(session, settings=context.settings.session, now=now)
        links = email_login.purge_expired(session, now=now)
        counters = RateLimiter(context.session_factory).purge(session)
    rprint(
        f"removed {ended} expired session(s), {links} expired login link(s) and {counters} "
        "rate-limit counter(s)"
    )
