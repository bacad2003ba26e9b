from __future__ import annotations

import typer
from rich import print as rprint

from ehoks.cli.context import cli_context
from ehoks.migrate import upgrade as run_upgrade

app = typer.Typer(help="Database schema.", no_args_is_help=True)


@app.command("upgrade")
def upgrade(ctx: typer.Context, revision: str = typer.Argument("head")) -> None:
    """Apply the migrations up to REVISION (default: the newest)."""
    context = cli_context(ctx)
    run_upgrade(context.engine, revision)
    rprint(f"[green]database at {revision}[/green]: {context.engine.url.render_as_string()}")
