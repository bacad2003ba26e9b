"""``ehoks outbox``: what the job worker has to do, did and could not do."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

import orjson
import typer

from ehoks.cli.context import cli_context
from ehoks.db import transaction
from ehoks.kernel.clock import now_utc
from ehoks.outbox.models import STATES, OutboxJob
from ehoks.outbox.repository import OutboxRepository

app = typer.Typer(help="The outbox of jobs (mail) and its dead letters.", no_args_is_help=True)


@app.command("list")
def list_jobs(
    ctx: typer.Context,
    state: Annotated[
        list[str] | None,
        typer.Option(help=f"Only jobs in this state ({', '.join(STATES)}); repeatable."),
    ] = None,
    limit: Annotated[int, typer.Option(min=1, help="Newest jobs shown.")] = 50,
) -> None:
    """The newest jobs, newest first, and how many there are in each state. No payloads: they
    hold recipients and login secrets (``ehoks outbox show ID --payload``)."""
    states = state or []
    unknown = [s for s in states if s not in STATES]
    if unknown:
        raise typer.BadParameter(
            f"{unknown[0]!r} is none of {', '.join(STATES)}", param_hint="--state"
        )
    context = cli_context(ctx)
    with transaction(context.session_factory) as session:
        repository = OutboxRepository(session)
        counts = repository.counts()
        jobs = repository.listing(states=states, limit=limit)
        lines = [_line(job) for job in jobs]
    typer.echo("  ".join(f"{s}: {counts.get(s, 0)}" for s in STATES))
    for line in lines:
        typer.echo(line)


@app.command("show")
def show(
    ctx: typer.Context,
    job_id: Annotated[int, typer.Argument(metavar="ID")],
    payload: Annotated[
        bool, typer.Option("--payload", help="Print the payload too (recipient, login secrets).")
    ] = False,
) -> None:
    """One job; its payload only with ``--payload``."""
    context = cli_context(ctx)
    with transaction(context.session_factory) as session:
        job = OutboxRepository(session).get(job_id)
        if job is None:
            typer.echo(f"error: no job {job_id}", err=True)
            raise typer.Exit(1)
        typer.echo(_line(job))
        typer.echo(f"created {job.created_at.isoformat()}")
        if job.finished_at is not None:
            typer.echo(f"finished {job.finished_at.isoformat()}")
        if job.lease_until is not None:
            typer.echo(f"leased until {job.lease_until.isoformat()} by {job.lease_token}")
        if payload:
            typer.echo(orjson.dumps(job.payload, option=orjson.OPT_INDENT_2).decode())
        else:
            typer.echo(f"payload fields: {', '.join(sorted(job.payload)) or '(erased)'}")


@app.command("retry")
def retry(
    ctx: typer.Context,
    job_id: Annotated[int | None, typer.Argument(metavar="[ID]")] = None,
    all_dead: Annotated[bool, typer.Option("--all-dead", help="Retry every dead job.")] = False,
) -> None:
    """Make a dead job (or every one) pending again, due now, with its attempts from zero."""
    if (job_id is None) == (not all_dead):
        raise typer.BadParameter("give either a job ID or --all-dead")
    context = cli_context(ctx)
    with transaction(context.session_factory) as session:
        revived = OutboxRepository(session).revive(now=now_utc(), job_id=job_id)
    if job_id is not None and revived == 0:
        typer.echo(f"error: job {job_id} is not dead (or does not exist)", err=True)
        raise typer.Exit(1)
    typer.echo(f"{revived} job(s) pending again")


@app.command("purge")
def purge(
    ctx: typer.Context,
    days: Annotated[
        int | None,
        typer.Option(min=0, help="Keep this many days [EHOKS_OUTBOX__KEEP_DONE_DAYS]."),
    ] = None,
) -> None:
    """Delete done and dead jobs finished over ``days`` ago (run daily)."""
    context = cli_context(ctx)
    keep = context.settings.outbox.keep_done_days if days is None else days
    with transaction(context.session_factory) as session:
        purged = OutboxRepository(session).purge(finished_before=now_utc() - timedelta(days=keep))
    typer.echo(f"{purged} finished job(s) deleted")


def _line(job: OutboxJob) -> str:
    error = f"  {job.last_error}" if job.last_error else ""
    return (
        f"{job.id}  {job.kind}  {job.state}  attempts {job.attempts}  "
        f"due {job.not_before.isoformat(timespec='seconds')}{error}"
    )
