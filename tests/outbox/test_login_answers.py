"""The workplace e-mail login answers a known and an unknown address alike: the same page, the
same statements in the request, and no mail server contacted during it (the mail, or for an
unknown address a ``noop`` job, goes to the outbox). Time is not asserted here (the project
measures speed with benchmarks, never in tests); docs/security.md, "Mail", gives the figures."""

from __future__ import annotations

import re
import smtplib

from sqlalchemy import event, select

from ehoks.auth.email_login import DECOY_ADDRESS
from ehoks.auth.models import EmailChallenge
from ehoks.db import make_session_factory
from ehoks.outbox.models import OutboxJob
from tests.web.test_tyopaikka_pages import (  # noqa: F401 (fixtures by name)
    OLLI,
    app,
    csrf,
    plan,
    settings,
    web,
)

pytest_plugins = ["tests.fakes.smtp"]
UNKNOWN = "ei.tunneta@example.org"


def _ask(client, db, address):
    token = csrf(client)
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db, "before_cursor_execute", record)
    try:
        answer = client.post("/ehoks/tyopaikka", data={"sahkoposti": address, "csrf_token": token})
    finally:
        event.remove(db, "before_cursor_execute", record)
    return answer, statements


def test_a_known_and_an_unknown_address_get_the_same_answer_from_the_same_work(
    web,  # noqa: F811 (fixture)
    db,
    plan,  # noqa: F811 (fixture)
    smtp_server,
    monkeypatch,
):
    connections = []
    original = smtplib.SMTP.__init__

    def counting(self, *args, **kwargs):
        connections.append(args)
        original(self, *args, **kwargs)

    monkeypatch.setattr(smtplib.SMTP, "__init__", counting)

    known, known_statements = _ask(web, db, OLLI)
    unknown, unknown_statements = _ask(web, db, UNKNOWN)

    assert connections == []  # no SMTP during either request
    assert (known.status_code, unknown.status_code) == (200, 200)
    assert _page(known.text) == _page(unknown.text)
    assert known_statements == unknown_statements
    assert any(s.startswith("INSERT INTO outbox") for s in known_statements)
    assert any(s.startswith("INSERT INTO email_challenge") for s in known_statements)

    with make_session_factory(db)() as session:
        kinds = [job.kind for job in session.scalars(select(OutboxJob).order_by(OutboxJob.id))]
        addresses = sorted(session.scalars(select(EmailChallenge.sahkoposti)))
    assert kinds == ["mail", "noop"]
    # The unknown address is kept nowhere; its decoy challenge can log no one in.
    assert addresses == sorted([OLLI, DECOY_ADDRESS])
    # The worker then mails the known address only.
    assert [m["To"] for m in smtp_server.messages] == [OLLI]
    assert len(connections) == 1


def test_a_repeated_request_within_the_resend_interval_does_the_same_work(
    web,  # noqa: F811 (fixture)
    db,
    plan,  # noqa: F811 (fixture)
    smtp_server,
):
    first, first_statements = _ask(web, db, OLLI)
    again, again_statements = _ask(web, db, OLLI)

    assert _page(first.text) == _page(again.text)
    assert first_statements == again_statements
    assert len(smtp_server.to(OLLI)) == 1


def _page(html: str) -> str:
    # The form's CSRF token is the session's and the same in both; nothing else may differ.
    return re.sub(r'name="csrf_token" value="[^"]+"', "", html)
