"""``ehoks outbox`` lists jobs without their payloads, shows one (its payload only when asked)
and retries dead ones; ``ehoks worker --once`` delivers what is due."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update
from typer.testing import CliRunner

from ehoks.cli import app
from ehoks.kernel.clock import now_utc
from ehoks.mail.outbox import enqueue_mail
from ehoks.mail.sender import OutgoingMail
from ehoks.outbox.models import OutboxJob

pytest_plugins = ["tests.fakes.smtp"]

runner = CliRunner()
SECRET = "https://ehoks.example.fi/ehoks/sahkoposti/salainen-token"


@pytest.fixture
def env(database_url, db, monkeypatch, smtp_server):
    monkeypatch.setenv("EHOKS_DATABASE_URL", database_url)
    monkeypatch.setenv("EHOKS_ENVIRONMENT", "test")
    monkeypatch.setenv("EHOKS_SMTP__HOST", smtp_server.host)
    monkeypatch.setenv("EHOKS_SMTP__PORT", str(smtp_server.port))
    return db


def _dead_job(session_factory) -> int:
    with session_factory.begin() as session:
        job_id = enqueue_mail(
            session, OutgoingMail(to="olli@example.fi", subject="eHOKS", text=f"Linkki: {SECRET}")
        )
        session.execute(
            update(OutboxJob)
            .where(OutboxJob.id == job_id)
            .values(state="dead", attempts=8, last_error="MailUnavailable: could not connect")
        )
    assert job_id is not None
    return job_id


@pytest.mark.parametrize(
    "command",
    [
        ["worker"],
        ["outbox"],
        ["outbox", "list"],
        ["outbox", "show"],
        ["outbox", "retry"],
        ["outbox", "purge"],
    ],
)
def test_every_command_has_help(command):
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output


def test_list_and_show_name_no_recipient_nor_secret_unless_asked(env, session_factory):
    job_id = _dead_job(session_factory)

    listed = runner.invoke(app, ["outbox", "list", "--state", "dead"])
    assert listed.exit_code == 0, listed.output
    assert "dead: 1" in listed.output
    assert f"{job_id}  mail  dead  attempts 8" in listed.output
    assert "MailUnavailable: could not connect" in listed.output

    shown = runner.invoke(app, ["outbox", "show", str(job_id)])
    assert shown.exit_code == 0, shown.output
    assert "payload fields: html, subject, text, to" in shown.output
    for output in (listed.output, shown.output):
        assert "olli@example.fi" not in output
        assert SECRET not in output

    asked = runner.invoke(app, ["outbox", "show", str(job_id), "--payload"])
    assert SECRET in asked.output


def test_retry_makes_a_dead_job_pending_and_the_worker_delivers_it(
    env, session_factory, smtp_server
):
    job_id = _dead_job(session_factory)

    retried = runner.invoke(app, ["outbox", "retry", str(job_id)])
    assert retried.exit_code == 0, retried.output
    assert "1 job(s) pending again" in retried.output
    again = runner.invoke(app, ["outbox", "retry", str(job_id)])
    assert again.exit_code == 1
    assert "is not dead" in again.output

    delivered = runner.invoke(app, ["worker", "--once"])
    assert delivered.exit_code == 0, delivered.output
    assert "1 job(s) attempted" in delivered.output
    assert [m["To"] for m in smtp_server.messages] == ["olli@example.fi"]


def test_retry_all_dead(env, session_factory):
    _dead_job(session_factory)
    _dead_job(session_factory)
    result = runner.invoke(app, ["outbox", "retry", "--all-dead"])
    assert result.exit_code == 0, result.output
    assert "2 job(s) pending again" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["outbox", "retry"], "give either a job ID or --all-dead"),
        (["outbox", "retry", "1", "--all-dead"], "give either a job ID or --all-dead"),
        (["outbox", "list", "--state", "valmis"], "'valmis' is none of pending, running"),
    ],
)
def test_bad_arguments_are_named(env, args, message):
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())


def test_purge_deletes_only_jobs_finished_long_enough_ago(env, session_factory):
    old, recent = _dead_job(session_factory), _dead_job(session_factory)
    with session_factory.begin() as session:
        session.execute(
            update(OutboxJob)
            .where(OutboxJob.id == old)
            .values(finished_at=now_utc() - timedelta(days=8))
        )
        session.execute(
            update(OutboxJob).where(OutboxJob.id == recent).values(finished_at=now_utc())
        )
        pending = enqueue_mail(session, OutgoingMail(to="p@example.fi", subject="s", text="t"))

    result = runner.invoke(app, ["outbox", "purge"])
    assert result.exit_code == 0, result.output
    assert "1 finished job(s) deleted" in result.output
    with session_factory() as session:
        assert sorted(session.scalars(select(OutboxJob.id))) == sorted([recent, pending])
