"""``ehoks registry import|export``: load and dump the local registry (Koski, ONR, Organisaatio)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from ehoks.cli.context import cli_context
from ehoks.errors import EhoksError
from ehoks.registries.local import (
    ExportSummary,
    ImportSummary,
    export_directory,
    import_directory,
)

app = typer.Typer(
    help="The local registry: Koski study rights, ONR persons and organisations kept in the "
    "database and loaded from JSON files in the real services' response shapes.",
    no_args_is_help=True,
)

Directory = Annotated[
    Path,
    typer.Argument(
        help="Directory with koski/, onr/ and organisaatio/ subdirectories of *.json files.",
        file_okay=False,
    ),
]


def _fail(error: EhoksError) -> typer.Exit:
    # Plain echo: rich would wrap a long file path in the middle, making it hard to copy.
    typer.echo(f"Error: {error.detail}", err=True)
    return typer.Exit(code=1)


def _table(summary: ImportSummary | ExportSummary) -> Table:
    table = Table()
    table.add_column("registry")
    table.add_column("records", justify="right")
    table.add_row("Koski learners", str(summary.koski_oppijat))
    table.add_row("Koski study rights", str(summary.koski_opiskeluoikeudet))
    table.add_row("ONR persons", str(summary.onr_henkilot))
    table.add_row("Organisations", str(summary.organisaatiot))
    return table


@app.command("import")
def import_(ctx: typer.Context, directory: Directory) -> None:
    """Import (upsert) every record in DIRECTORY, all in one transaction: all or nothing."""
    context = cli_context(ctx)
    try:
        summary = import_directory(context.session_factory, directory)
    except EhoksError as error:
        raise _fail(error) from error
    console = Console()
    console.print(f"Imported {summary.files} files from {directory}", highlight=False)
    console.print(_table(summary))
    console.print(f"{summary.created} new, {summary.updated} updated.")


@app.command("export")
def export(ctx: typer.Context, directory: Directory) -> None:
    """Write the local registry to DIRECTORY in the shapes ``import`` reads."""
    context = cli_context(ctx)
    try:
        summary = export_directory(context.engine, directory)
    except EhoksError as error:
        raise _fail(error) from error
    console = Console()
    console.print(f"Exported {summary.files} files to {directory}", highlight=False)
    console.print(_table(summary))
