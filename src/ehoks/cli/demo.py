from __future__ import annotations

import time
from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich import print as rprint

from ehoks.cli.context import cli_context
from ehoks.demo.generate import DEMO_TODAY, generate_population
from ehoks.demo.loader import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DemoSummary, load_demo
from ehoks.errors import EhoksError

app = typer.Typer(help="Demo data.", no_args_is_help=True)


def _print_loaded(summary: DemoSummary) -> None:
    rprint(f"registries: {summary.registry}")
    rprint(f"HOKS: {summary.hoks_created} created, {summary.hoks_existing} already there")
    rprint(f"demo client: client_id={DEMO_CLIENT_ID} client_secret={DEMO_CLIENT_SECRET}")


@app.command("load")
def load(ctx: typer.Context) -> None:
    """Load demo organisations, students, study rights, a demo client and a dozen HOKSes."""
    context = cli_context(ctx)
    try:
        summary = load_demo(context.settings, context.engine)
    except EhoksError as exc:
        typer.echo(f"error: {exc.detail}", err=True)
        raise typer.Exit(2) from exc
    _print_loaded(summary)


def _date(value: str) -> date:
    return datetime.strptime(value, "%Y-%m-%d").date()  # noqa: DTZ007 - a date, not a time


@app.command("generate")
def generate(
    ctx: typer.Context,
    students: Annotated[int, typer.Option(min=1, help="How many learners to generate.")],
    seed: Annotated[int, typer.Option(help="The same seed gives the same files.")] = 1,
    out: Annotated[
        Path,
        typer.Option(file_okay=False, help="Directory to write (must hold no data files yet)."),
    ] = Path("var/demo-population"),
    today: Annotated[
        str,
        typer.Option(
            help="Reference date (YYYY-MM-DD): study rights start in the two years before it."
        ),
    ] = DEMO_TODAY.isoformat(),
    load_into_database: Annotated[
        bool,
        typer.Option(
            "--load", help="Then import the directory and create the HOKSes, as `demo load` does."
        ),
    ] = False,
) -> None:
    """Write a synthetic population (all five registries and one HOKS per study right) as a
    registry directory; `ehoks registry import` or `--load` loads it."""
    try:
        reference = _date(today)
    except ValueError as exc:
        raise typer.BadParameter(f"not a date: {today!r}", param_hint="--today") from exc
    started = time.perf_counter()
    try:
        summary = generate_population(out, students=students, seed=seed, today=reference)
    except EhoksError as exc:
        typer.echo(f"error: {exc.detail}", err=True)
        raise typer.Exit(2) from exc
    # Plain echo: rich would wrap a long directory path in the middle.
    typer.echo(
        f"wrote {summary.files} files to {summary.directory} in "
        f"{time.perf_counter() - started:.1f} s: {summary.students} learners, "
        f"{summary.opiskeluoikeudet} study rights, {summary.hoks} HOKS documents, "
        f"{summary.organisaatiot} organisations"
    )
    if load_into_database:
        context = cli_context(ctx)
        try:
            _print_loaded(load_demo(context.settings, context.engine, summary.directory))
        except EhoksError as exc:
            typer.echo(f"error: {exc.detail}", err=True)
            raise typer.Exit(2) from exc
