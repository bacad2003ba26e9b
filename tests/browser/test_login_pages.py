"""The login and share pages in real headless Chromium: a workplace instructor's whole e-mail
login, a share recipient's page, and an automated accessibility check (axe-core, WCAG 2.1 A/AA)
on every page on the way."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest

from ehoks.access.actor import SystemActor
from ehoks.context import build_runtime
from ehoks.db import make_session_factory
from ehoks.hoks import service as hoks_service
from ehoks.sharing.models import Jako
from tests.browser.conftest import accessibility_violations
from tests.factories import hoks_body

OLLI = "olli@example.org"  # instructor in tests.factories.tyopaikkajakso
VEERA = "veera@example.org"


@pytest.fixture
def plan(db, live, world):
    oppija, oo = world.add_oppija("selain")
    deps = build_runtime(live.settings, db).context()
    with make_session_factory(db).begin() as session:
        written = hoks_service.create(session, SystemActor("test"), hoks_body(oppija, oo), deps)
    with make_session_factory(db).begin() as session:
        hoks, view = hoks_service.get(session, SystemActor("test"), written.hoks_id, deps)
        period = view["hankittavat-ammat-tutkinnon-osat"][0]["osaamisen-hankkimistavat"][0]
        now = datetime.now(UTC)
        session.add(
            Jako(
                id="00000000-0000-4000-8000-0000000000aa",
                laji="jakolinkki",
                hoks_id=hoks.id,
                oppija_oid=oppija,
                module_ids=[period["module-id"]],
                kohde_tyyppi="osaamisenhankkiminen",
                vastaanottaja_nimi="Veera Vastaanottaja",
                vastaanottaja_sahkoposti=VEERA,
                voimassaolo_alku=date.today(),
                voimassaolo_loppu=date.today() + timedelta(days=10),
                created_at=now,
                updated_at=now,
            )
        )
    return {"hoks_id": written.hoks_id, "jako": "00000000-0000-4000-8000-0000000000aa"}


def _check(page) -> None:
    assert accessibility_violations(page) == []


def _log_in_by_email(page, smtp_server, address: str) -> None:
    """From the mailed link to a session: send a code, type it in."""
    link = smtp_server.link_to(address)
    page.goto(link)
    _check(page)
    page.get_by_role("button", name="Lähetä koodi").click()
    page.wait_for_url(re.compile(r".*/koodi$"))
    _check(page)
    page.get_by_label("Koodi").fill(smtp_server.code_to(address))
    page.get_by_role("button", name="Kirjaudu").click()


def test_instructor_logs_in_with_link_and_code_and_sees_their_period(page, live, plan, smtp_server):
    page.goto(f"{live.url}/ehoks/tyopaikka")
    _check(page)
    page.get_by_label("Sähköpostiosoite").fill(OLLI)
    page.get_by_role("button", name="Lähetä kirjautumislinkki").click()
    page.get_by_role("heading", name="Tarkista sähköpostisi").wait_for()
    _check(page)
    _log_in_by_email(page, smtp_server, OLLI)
    page.wait_for_url(f"{live.url}/ehoks/tyopaikka/osat")
    assert "Esimerkki Oy" in page.content()
    assert "opiskelija@example.org" not in page.content()
    _check(page)
    cookies = {c["name"]: c for c in page.context.cookies()}
    session_cookie = cookies["__Host-ehoks-session"]
    assert session_cookie["httpOnly"]
    assert session_cookie["secure"]
    page.get_by_role("button", name="Kirjaudu ulos").click()
    page.wait_for_url(f"{live.url}/")  # the landing page, in development
    assert "__Host-ehoks-session" not in {c["name"] for c in page.context.cookies()}


def test_recipient_opens_the_share_after_logging_in(page, live, plan, smtp_server):
    page.goto(f"{live.url}/ehoks/jako/{plan['jako']}")
    _check(page)
    assert "Esimerkki Oy" not in page.content()  # nothing shown before login
    page.get_by_role("button", name="Lähetä uusi kirjautumislinkki").click()
    page.wait_for_load_state()
    _check(page)
    _log_in_by_email(page, smtp_server, VEERA)
    page.wait_for_url(f"{live.url}/ehoks/jako/{plan['jako']}")
    assert "Esimerkki Oy" in page.content()
    _check(page)


def test_login_and_development_pages_are_accessible(page, live, plan):
    for path in ("/ehoks/kirjaudu", "/ehoks/kirjaudu/kehitys"):
        page.goto(f"{live.url}{path}")
        _check(page)
    instructors = page.locator('optgroup[label="Työpaikkaohjaajat"] option', has_text=OLLI)
    assert instructors.count() == 1
    page.get_by_label("Henkilö").select_option("virkailija:oph")
    page.get_by_role("button", name="Kirjaudu").click()
    # Officials land on their start page; with no organisation chosen yet, the picker.
    page.wait_for_url(f"{live.url}/ehoks-virkailija-ui/organisaatio")
    assert "Pääkäyttäjä" in page.content()
    _check(page)
