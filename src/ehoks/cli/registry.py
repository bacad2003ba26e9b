"""``ehoks registry …``: load and dump the local registry (Koski, ONR, Organisaatio, Koodisto,
ePerusteet), refresh the learner and study-right index, merge ONR duplicates."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from ehoks.cli.context import cli_context
from ehoks.errors import EhoksError
from ehoks.hoks.service import upkeep
from ehoks.kernel.clock import now_utc
from ehoks.registries.local import (
    ExportSummary,
    ImportSummary,
    export_directory,
    import_directory,
)

app = typer.Typer(
    help="The local registry: Koski study rights, ONR persons, organisations, Koodisto codes and "
    "ePerusteet qualifications kept in the database and loaded from JSON files in the real "
    "services' response shapes.",
    no_args_is_help=True,
)

Directory = Annotated[
    Path,
    typer.Argument(
        help="Directory with koski/, onr/, organisaatio/, koodisto/ and eperusteet/ "
        "subdirectories of *.json files.",
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
    table.add_row("Koodisto code versions", str(summary.koodisto_koodit))
    table.add_row("ePerusteet perusteet", str(summary.eperusteet_perusteet))
    table.add_row("ePerusteet units", str(summary.eperusteet_tutkinnon_osat))
    table.add_row("ePerusteet TUVA parts", str(summary.eperusteet_koulutuksen_osat))
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


@app.command("refresh-index")
def refresh_index(
    ctx: typer.Context,
    oppija: Annotated[str | None, typer.Option(help="Only this learner's study rights")] = None,
) -> None:
    """Re-read learners and study rights of every HOKS from the registries into the index,
    and flag study rights that Koski no longer knows."""
    runtime = cli_context(ctx).runtime
    summary = upkeep.refresh_index(runtime.context(), now=now_utc(), oppija_oid=oppija)
    typer.echo(f"indexed {summary.indexed} study rights")
    for oid in summary.koski404:
        typer.echo(f"not in Koski: {oid}")
    for oid in summary.failed:
        typer.echo(f"skipped (learner unknown to ONR): {oid}")


@app.command("onr-merge")
def onr_merge(
    ctx: typer.Context,
    oid: Annotated[str, typer.Argument(help="The master learner OID in ONR")],
) -> None:
    """Move the HOKSes and index rows of OID's duplicates (ONR slaves) to OID, in one
    transaction."""
    use_case = cli_context(ctx).runtime.context()
    try:
        answers = upkeep.ask_onr(use_case.registries, oid)
        summary = use_case.write(
            lambda session: upkeep.onr_merge(
                session, answers, changed_by="system:cli", now=now_utc()
            )
        )
    except EhoksError as error:
        raise _fail(error) from error
    typer.echo(
        f"{oid}: duplicates {', '.join(summary.slaves) or 'none'}; "
        f"moved HOKS {', '.join(map(str, summary.moved_hoks_ids)) or 'none'}"
    )
