"""``ehoks audit``: check the audit chain and print its head for an external anchor."""

from __future__ import annotations

import re

import typer
from sqlalchemy.orm import Session, sessionmaker

from ehoks.audit import service as audit_service
from ehoks.audit import staging
from ehoks.cli.context import cli_context
from ehoks.db import read_only_session_factory

app = typer.Typer(help="The audit trail (hash-chained, append-only).", no_args_is_help=True)

_ANCHOR = re.compile(r"^(\d+):([0-9a-f]{64})$")


def _chain_staged(sessions: sessionmaker[Session]) -> None:
    """Writes' events staged but not yet chained (their process stopped before the chain
    transaction) join the chain first, so the check and the head cover every committed one."""
    chained = staging.chain_all(sessions)
    if chained:
        typer.echo(f"chained {chained} staged audit events first", err=True)


def _parse_anchor(value: str | None) -> tuple[int, str] | None:
    if value is None:
        return None
    match = _ANCHOR.match(value.strip().lower())
    if match is None:
        raise typer.BadParameter("expected SEQ:HASH, e.g. 1234:<64 hex digits>")
    return int(match.group(1)), match.group(2)


def _format(head: tuple[int, str] | None) -> str:
    seq, digest = head or (0, audit_service.GENESIS_HASH)
    return f"{seq}:{digest}"


@app.command("verify")
def verify(
    ctx: typer.Context,
    expect_head: str | None = typer.Option(
        None,
        "--expect-head",
        metavar="SEQ:HASH",
        help="A head printed earlier by 'ehoks audit head'; also detects a cut-off tail.",
    ),
) -> None:
    """Recompute the whole chain. Exit 0 when intact, 1 with each problem otherwise."""
    anchor = _parse_anchor(expect_head)
    context = cli_context(ctx)
    _chain_staged(context.runtime.write_sessions)
    # A read-only transaction: on SQLite it does not hold up the service's writers.
    with read_only_session_factory(context.engine)() as session:
        report = audit_service.verify(session, expect_head=anchor)
    if report.ok:
        typer.echo(f"intact: {report.checked} events checked, head {_format(report.head)}")
        return
    for problem in report.problems:
        typer.echo(problem)
    typer.echo(
        f"BROKEN: {len(report.problems)} problems in {report.checked} events checked, "
        f"head {_format(report.head)}",
        err=True,
    )
    raise typer.Exit(1)


@app.command("head")
def head(ctx: typer.Context) -> None:
    """Print SEQ:HASH of the newest event (0:000… for an empty trail). Keep it somewhere
    outside the database, e.g. a daily log, and give it to 'verify --expect-head' later."""
    context = cli_context(ctx)
    _chain_staged(context.runtime.write_sessions)
    with read_only_session_factory(context.engine)() as session:
        typer.echo(_format(audit_service.head(session)))
