from __future__ import annotations

import typer
import uvicorn

from ehoks.cli.context import cli_context


def serve(
    ctx: typer.Context,
    host: str = typer.Option("127.0.0.1", help="Interface to listen on"),
    port: int = typer.Option(8000, help="TCP port"),
    workers: int = typer.Option(1, min=1, help="Worker processes"),
) -> None:
    """Serve the API (uvicorn). Docs at /ehoks-virkailija-backend/doc."""
    settings = cli_context(ctx).settings
    if settings.is_sqlite and workers > 1:
        typer.echo("note: several workers share one SQLite file; writes are serialised", err=True)
    uvicorn.run(
        "ehoks.asgi:create",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
        access_log=False,
    )
