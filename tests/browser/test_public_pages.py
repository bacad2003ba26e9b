"""The pages everyone reaches — landing, statements, logins, error pages and the development
mail catcher — in real Chromium: 0 axe violations in fi, sv and en, no overflow at 360 px."""

from __future__ import annotations

from pathlib import Path

import pytest

from ehoks.access.actor import SystemActor
from ehoks.config import Settings
from ehoks.context import build_runtime
from ehoks.db import make_session_factory
from ehoks.devmail.store import save_mail
from ehoks.hoks import service as hoks_service
from ehoks.main import create_app
from ehoks.settings.mail import MailCatcherSettings
from tests.browser.conftest import LiveServer, _free_port, check_page
from tests.factories import hoks_body

MAIL = (
    b"From: eHOKS <noreply@ehoks.invalid>\r\nTo: olli@example.org\r\n"
    b"Subject: Kirjautumislinkki\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
    b"Avaa linkki: http://localhost:8000/ehoks/sahkoposti/abc123\r\n"
)


@pytest.mark.parametrize(
    ("path", "shot", "status"),
    [
        ("/", "etusivu", 200),
        ("/ehoks/saavutettavuusseloste", "saavutettavuusseloste", 200),
        ("/ehoks/tietosuoja", "tietosuoja", 200),
        ("/ehoks/kirjaudu", "kirjaudu", 200),
        ("/ehoks/kirjaudu/kehitys", "kehityskirjautuminen", 200),
        ("/ehoks/ei-tallaista-sivua", "virhe-404", 404),
        ("/ehoks/suunnittelu", "virhe-401", 401),
    ],
)
def test_public_pages_are_accessible_in_every_language(page, live, path, shot, status):
    response = page.goto(f"{live.url}{path}")
    assert response.status == status
    check_page(page, shot=shot)


def test_a_deep_link_without_a_session_logs_in_and_comes_back(page, live, world, db):
    oppija, oo = world.add_oppija("paluu")
    deps = build_runtime(live.settings, db).context()
    with make_session_factory(db).begin() as session:
        hoks_service.create(session, SystemActor("test"), hoks_body(oppija, oo), deps)
    page.goto(f"{live.url}/ehoks/suunnittelu?lang=sv")
    page.get_by_role("link", name="Utvecklarinloggning").click()
    page.get_by_label("Person").select_option(f"oppija:{oppija}")
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(f"{live.url}/ehoks/suunnittelu")
    assert page.evaluate("() => document.documentElement.lang") == "sv"


@pytest.fixture
def live_with_catcher(db, database_url, world, tmp_path: Path):
    port = _free_port()
    settings = Settings(
        environment="test",
        database_url=database_url,
        public_url=f"http://localhost:{port}",
        dev_login=True,
        mail_catcher=MailCatcherSettings(enabled=True, port=_free_port(), directory=tmp_path),
    )
    save_mail(tmp_path, MAIL, keep=10)
    with LiveServer(create_app(settings, engine=db), port) as server:
        yield server


def test_the_development_mail_pages_show_the_mail_with_its_link(page, live_with_catcher):
    page.goto(f"{live_with_catcher.url}/ehoks/kehitys/posti")
    check_page(page, shot="kehitys-posti")
    page.get_by_role("link", name="Kirjautumislinkki").click()
    page.get_by_role("link", name="http://localhost:8000/ehoks/sahkoposti/abc123").first.wait_for()
    check_page(page, shot="kehitys-viesti")
