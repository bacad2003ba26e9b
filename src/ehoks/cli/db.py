from __future__ import annotations

from datetime import timedelta

import typer
from rich import print as rprint

from ehoks.cli.context import cli_context
from ehoks.db import transaction
from ehoks.hoks.service import upkeep
from ehoks.kernel.clock import now_utc
from ehoks.migrate import upgrade as run_upgrade

app = typer.Typer(help="Database schema.", no_args_is_help=True)


@app.command("purge-idempotency-keys")
def purge_idempotency_keys(ctx: typer.Context) -> None:
    """Forget Idempotency-Keys older than EHOKS_IDEMPOTENCY_TTL_HOURS (run daily)."""
    context = cli_context(ctx)
    cutoff = now_utc() - timedelta(hours=context.settings.idempotency_ttl_hours)
    with transaction(context.session_factory) as session:
        removed = upkeep.purge_idempotency_keys(session, cutoff)
    rprint(f"removed {removed} idempotency keys older than {cutoff:%Y-%m-%d %H:%M} UTC")


@app.command("upgrade")
def upgrade(ctx: typer.Context, revision: str = typer.Argument("head")) -> None:
    """Apply the migrations up to REVISION (default: the newest)."""
    context = cli_context(ctx)
    run_upgrade(context.engine, revision)
    rprint(f"[green]database at {revision}[/green]: {context.engine.url.render_as_string()}")
