from __future__ import annotations

import json

import typer
from rich import print as rprint

from ehoks.access import service as access_service
from ehoks.cli.context import cli_context
from ehoks.db import transaction
from ehoks.errors import EhoksError

app = typer.Typer(help="Service clients (student information systems).", no_args_is_help=True)


@app.command("create")
def create(
    ctx: typer.Context,
    name: str = typer.Option(..., help="The system's name, e.g. 'Primus / Keuda'"),
    organisation: str = typer.Option(..., help="Organisation OID the role applies to"),
    role: str = typer.Option(
        ...,
        help="CRUD or READ (covers the organisation and all below it), or VIPUNEN (the "
        "anonymised statistics feed; on the OPH organisation only)",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the credentials as JSON"),
) -> None:
    """Register a client. The secret is printed once and stored only as a hash."""
    context = cli_context(ctx)
    try:
        with transaction(context.session_factory) as session:
            new = access_service.create_client(
                session, name=name, organisaatio_oid=organisation, role=role
            )
    except EhoksError as exc:
        typer.echo(f"error: {exc.detail}", err=True)
        raise typer.Exit(2) from exc
    if as_json:
        typer.echo(json.dumps({"client_id": new.client_id, "client_secret": new.client_secret}))
        return
    rprint(f"client_id:     {new.client_id}")
    rprint(f"client_secret: {new.client_secret}")
    rprint("[yellow]Store the secret now: it cannot be shown again.[/yellow]")


@app.command("list")
def list_clients(ctx: typer.Context) -> None:
    """List the registered clients (never their secrets)."""
    context = cli_context(ctx)
    with transaction(context.session_factory) as session:
        for client in access_service.list_clients(session):
            state = f"disabled {client.disabled_at:%Y-%m-%d}" if client.disabled_at else "active"
            typer.echo(
                f"{client.client_id}\t{client.role}\t{client.organisaatio_oid}\t{state}\t"
                f"{client.name}"
            )


@app.command("disable")
def disable(
    ctx: typer.Context, client_id: str = typer.Argument(..., help="The client's id")
) -> None:
    """Disable a client at once: no new tokens, and its tokens are refused from the next
    request on."""
    context = cli_context(ctx)
    try:
        with transaction(context.session_factory) as session:
            access_service.disable_client(session, client_id)
    except EhoksError as exc:
        typer.echo(f"error: {exc.detail}", err=True)
        raise typer.Exit(2) from exc
    typer.echo(f"{client_id} disabled")
