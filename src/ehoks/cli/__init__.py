"""The ``ehoks`` command."""

from __future__ import annotations

import typer

from ehoks.cli import audit, clients, db, demo, jobs, outbox, registry, serve, users, worker
from ehoks.cli.context import CliContext
from ehoks.config import load_settings

app = typer.Typer(
    help="eHOKS: the national HOKS data store and its service API.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(db.app, name="db")
app.add_typer(demo.app, name="demo")
app.add_typer(registry.app, name="registry")
app.add_typer(clients.app, name="clients")
app.add_typer(users.app, name="users")
app.add_typer(audit.app, name="audit")
app.add_typer(jobs.app, name="jobs")
app.add_typer(outbox.app, name="outbox")
app.command("serve")(serve.serve)
app.command("worker")(worker.worker)


@app.callback()
def _root(ctx: typer.Context) -> None:
    """Settings come from EHOKS_* environment variables (see .env.example)."""
    ctx.obj = CliContext(settings=load_settings())


def main() -> None:
    app()
