from __future__ import annotations

import typer

from ehoks.auth import revocation
from ehoks.cli.context import cli_context
from ehoks.db import transaction
from ehoks.errors import EhoksError
from ehoks.kernel.clock import now_utc

app = typer.Typer(
    help="People's access here (officials, students, e-mail users), whatever CAS says.",
    no_args_is_help=True,
)


@app.command("disable")
def disable(
    ctx: typer.Context,
    subject: str = typer.Argument(..., help="The person's OID, or a verified e-mail address"),
    reason: str = typer.Option("", help="Why (kept with the record, at most 200 characters)"),
) -> None:
    """Withdraw a person's access at once: their sessions end now and they cannot log in
    until enabled again."""
    context = cli_context(ctx)
    try:
        with transaction(context.session_factory) as session:
            ended = revocation.disable(session, subject, now=now_utc(), reason=reason or None)
    except EhoksError as exc:
        typer.echo(f"error: {exc.detail}", err=True)
        raise typer.Exit(2) from exc
    typer.echo(f"{subject} disabled; {ended} session(s) ended")


@app.command("enable")
def enable(
    ctx: typer.Context,
    subject: str = typer.Argument(..., help="The person's OID, or an e-mail address"),
) -> None:
    """Let a disabled person log in again."""
    context = cli_context(ctx)
    try:
        with transaction(context.session_factory) as session:
            revocation.enable(session, subject)
    except EhoksError as exc:
        typer.echo(f"error: {exc.detail}", err=True)
        raise typer.Exit(2) from exc
    typer.echo(f"{subject} enabled")


@app.command("list-disabled")
def list_disabled(ctx: typer.Context) -> None:
    """The people whose access is withdrawn."""
    context = cli_context(ctx)
    with transaction(context.session_factory) as session:
        for row in revocation.list_disabled(session):
            typer.echo(f"{row.subject}\t{row.disabled_at:%Y-%m-%d %H:%M}\t{row.reason or ''}")
