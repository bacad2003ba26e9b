from __future__ import annotations

import typer
from rich import print as rprint

from ehoks.cli.context import cli_context
from ehoks.demo.loader import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, load_demo
from ehoks.errors import EhoksError

app = typer.Typer(help="Demo data.", no_args_is_help=True)


@app.command("load")
def load(ctx: typer.Context) -> None:
    """Load demo organisations, students, study rights, a demo client and a dozen HOKSes."""
    context = cli_context(ctx)
    try:
        summary = load_demo(context.settings, context.engine)
    except EhoksError as exc:
        typer.echo(f"error: {exc.detail}", err=True)
        raise typer.Exit(2) from exc
    rprint(f"registries: {summary.registry}")
    rprint(f"HOKS: {summary.hoks_created} created, {summary.hoks_existing} already there")
    rprint(f"demo client: client_id={DEMO_CLIENT_ID} client_secret={DEMO_CLIENT_SECRET}")
