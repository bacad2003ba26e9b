"""Disabling a person (``ehoks users disable``): their sessions end on the next request and
they cannot log in again until enabled, whatever CAS still says."""

from __future__ import annotations

from datetime import UTC, datetime

from typer.testing import CliRunner

from ehoks.access.actor import OfficialActor
from ehoks.auth import revocation, sessions
from ehoks.cli import app as cli
from ehoks.db import make_session_factory
from tests.auth.test_login_routes import (  # noqa: F401 (fixtures are found by name)
    OFFICIAL_OID,
    _cas_official_login,
    make_client,
    web,
)
from tests.conftest import API

ME = f"{API}/virkailija/session/kayttaja"


def test_a_disabled_officials_sessions_end_at_once_and_login_is_refused(
    make_client,  # noqa: F811
    cas_server,
    world,
    db,
    database_url,
    monkeypatch,
):
    laptop, phone = make_client(), make_client()
    roles = [f"ROLE_APP_EHOKS_CRUD_{world.oppilaitos_1}"]
    for browser in (laptop, phone):
        assert _cas_official_login(browser, cas_server, roles).status_code == 303
        assert browser.get(ME).status_code == 200

    monkeypatch.setenv("EHOKS_DATABASE_URL", database_url)
    monkeypatch.setenv("EHOKS_ENVIRONMENT", "test")
    result = CliRunner().invoke(cli, ["users", "disable", OFFICIAL_OID, "--reason", "left"])
    assert result.exit_code == 0, result.output
    assert "2 session(s) ended" in result.output

    for browser in (laptop, phone):
        assert browser.get(ME).status_code == 401
        assert browser.get("/ehoks-virkailija-ui/").status_code == 401
    # CAS still vouches for the official; we do not.
    again = _cas_official_login(laptop, cas_server, roles)
    assert again.status_code == 403
    assert "__Host-ehoks-session" not in again.headers.get("set-cookie", "")

    result = CliRunner().invoke(cli, ["users", "list-disabled"])
    assert OFFICIAL_OID in result.output
    assert "left" in result.output
    assert CliRunner().invoke(cli, ["users", "enable", OFFICIAL_OID]).exit_code == 0
    assert _cas_official_login(laptop, cas_server, roles).status_code == 303
    assert laptop.get(ME).status_code == 200


def test_a_session_made_after_the_disable_is_refused_too(web, db, settings):  # noqa: F811
    # A login racing with the disable: its session row appears after the disable deleted the
    # person's sessions; loading it still checks the person.
    official = OfficialActor(OFFICIAL_OID, "Virkailija", ())
    now = datetime.now(UTC)
    with make_session_factory(db).begin() as session:
        revocation.disable(session, OFFICIAL_OID, now=now)
        new = sessions.create(session, official, settings=settings.session, now=now)
    web.cookies.set(sessions.COOKIE_NAME, new.token)
    assert web.get(ME).status_code == 401


def test_e_mail_subjects_are_matched_whatever_their_case(db):
    now = datetime.now(UTC)
    with make_session_factory(db).begin() as session:
        revocation.disable(session, " Olli@Example.org ", now=now)
        assert revocation.is_disabled(session, "olli@example.org")
