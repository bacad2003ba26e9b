"""The ``ehoks`` command: every subcommand has help, and the commands do what they say."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from ehoks.access.models import ServiceClient
from ehoks.cli import app
from ehoks.db import make_session_factory
from ehoks.hoks.models import Hoks
from tests.factories import OPH

runner = CliRunner()


@pytest.fixture
def env(database_url, db, monkeypatch):
    monkeypatch.setenv("EHOKS_DATABASE_URL", database_url)
    monkeypatch.setenv("EHOKS_ENVIRONMENT", "test")
    return db


@pytest.mark.parametrize(
    "command",
    [
        [],
        ["db", "upgrade"],
        ["serve"],
        ["demo", "load"],
        ["registry", "import"],
        ["clients", "create"],
        ["audit", "verify"],
        ["jobs", "contact-cleanup"],
        ["jobs", "purge-sessions"],
    ],
)
def test_every_command_has_help(command):
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output


def test_db_upgrade_is_repeatable(env):
    result = runner.invoke(app, ["db", "upgrade"])
    assert result.exit_code == 0, result.output


def test_purge_forgets_only_expired_idempotency_keys(env):
    from datetime import UTC, datetime, timedelta

    from ehoks.hoks.models import IdempotencyKey

    now = datetime.now(UTC)
    with make_session_factory(env).begin() as session:
        for key, age in (("old", 48), ("new", 1)):
            session.add(
                IdempotencyKey(
                    client_id="c",
                    key=key,
                    request_hash="h",
                    status_code=200,
                    response={"id": 1, "version": 1},
                    created_at=now - timedelta(hours=age),
                )
            )
    result = runner.invoke(app, ["db", "purge-idempotency-keys"])
    assert result.exit_code == 0, result.output
    assert "removed 1" in result.output
    with make_session_factory(env).begin() as session:
        assert [k.key for k in session.scalars(select(IdempotencyKey))] == ["new"]


def test_clients_create_prints_credentials_once_as_json(env):
    result = runner.invoke(
        app,
        [
            "clients",
            "create",
            "--name",
            "Primus",
            "--organisation",
            OPH,
            "--role",
            "crud",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    credentials = json.loads(result.output)
    with make_session_factory(env).begin() as session:
        stored = session.get(ServiceClient, credentials["client_id"])
        assert stored is not None
        assert stored.role == "CRUD"
        assert credentials["client_secret"] not in stored.secret_hash


@pytest.mark.parametrize(("organisation", "role"), [("not-an-oid", "CRUD"), (OPH, "ADMIN")])
def test_clients_create_refuses_bad_input_and_stores_nothing(env, organisation, role):
    result = runner.invoke(
        app, ["clients", "create", "--name", "x", "--organisation", organisation, "--role", role]
    )
    assert result.exit_code == 2
    assert "error" in result.output
    with make_session_factory(env).begin() as session:
        assert session.scalar(select(func.count()).select_from(ServiceClient)) == 0


def test_disabled_client_gets_no_more_tokens(env, client):
    created = runner.invoke(
        app,
        [
            "clients",
            "create",
            "--name",
            "Old SIS",
            "--organisation",
            OPH,
            "--role",
            "READ",
            "--json",
        ],
    )
    credentials = json.loads(created.output)
    form = {"grant_type": "client_credentials", **credentials}
    assert client.post("/oauth2/token", data=form).status_code == 200
    listed = runner.invoke(app, ["clients", "list"])
    assert credentials["client_id"] in listed.output
    assert credentials["client_secret"] not in listed.output
    assert runner.invoke(app, ["clients", "disable", credentials["client_id"]]).exit_code == 0
    assert client.post("/oauth2/token", data=form).status_code == 401
    assert runner.invoke(app, ["clients", "disable", "nobody"]).exit_code == 2


def test_demo_load_is_idempotent(env):
    first = runner.invoke(app, ["demo", "load"])
    assert first.exit_code == 0, first.output
    assert "13 created" in first.output
    second = runner.invoke(app, ["demo", "load"])
    assert second.exit_code == 0, second.output
    assert "0 created, 13 already there" in second.output
    with make_session_factory(env).begin() as session:
        assert session.scalar(select(func.count()).select_from(Hoks)) == 13


def test_purge_sessions_removes_only_expired_sessions(env):
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import text

    from ehoks.access.actor import EmailActor
    from ehoks.auth import sessions
    from ehoks.settings.auth import SessionSettings

    now = datetime.now(UTC)
    with make_session_factory(env).begin() as session:
        for address, age in (("old@example.org", timedelta(hours=9)), ("new@example.org", None)):
            sessions.create(
                session,
                EmailActor(address),
                settings=SessionSettings(),
                now=now - age if age else now,
            )
    result = runner.invoke(app, ["jobs", "purge-sessions"])
    assert result.exit_code == 0, result.output
    assert "removed 1 expired session" in result.output
    with env.connect() as conn:
        left = conn.execute(text("SELECT subject FROM user_session")).scalars().all()
    assert left == ["new@example.org"]
