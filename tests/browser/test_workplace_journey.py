"""The workplace journeys in real headless Chromium: a responsible instructor and a working-life
assessor each ask for a login link, take it and the one-time code from the mail server, and see
only their own part with its requirements; a share recipient opens a share, then finds it
revoked, and another one expired. Every page on the way passes ``check_page`` (axe-core in
Finnish, Swedish and English, ``<html lang>``, no overflow at 360 px, no JSON) and is
photographed."""

from __future__ import annotations

import re
import shutil
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from ehoks.access.actor import StudentActor, SystemActor
from ehoks.context import build_runtime
from ehoks.db import make_session_factory
from ehoks.demo.loader import DATA_DIR
from ehoks.hoks import service as hoks_service
from ehoks.kernel.clock import today_in_finland
from ehoks.registries.local import import_directory
from ehoks.sharing import service as sharing_service
from ehoks.sharing.models import Jako
from tests.browser.conftest import (
    PHONE,
    SCREENSHOTS,
    accessibility_violations,
    check_page,
    horizontal_overflow,
)
from tests.factories import hoks_body, tyopaikkajakso

OLLI = "olli@example.org"  # responsible instructor of unit A's period (tests.factories)
TIINA = "tiina@example.org"  # working-life assessor of unit B's demonstration
VEERA = "veera@example.org"  # a share's recipient
UNIT_A = "Sähkö- ja automaatiotekniikan perusosaaminen"
UNIT_B = "Sähköasennusten toteuttaminen"
REQUIREMENT_A = "noudattaa sähköturvallisuusmääräyksiä"
REQUIREMENT_B = "tekee asuntojen sähköasennuksia ja kaapelointeja"
TODAY = today_in_finland()


@pytest.fixture
def demo_registries(db, tmp_path):
    """The demo ePerusteet and Koodisto: unit names, requirements and criteria in three
    languages. Requested before ``live``, so the server starts with them."""
    root = tmp_path / "demo-registries"
    for name in ("eperusteet", "koodisto"):
        shutil.copytree(DATA_DIR / name, root / name)
    import_directory(db, root)


@pytest.fixture
def plan(db, live, world):
    """Unit A with Olli's period and a demonstration; unit B with another instructor's period
    and a demonstration that Tiina assesses (her address recorded by the provider)."""
    oppija, oo = world.add_oppija("tyopaikkapolku")
    body = hoks_body(oppija, oo)
    unit_a = body["hankittavat-ammat-tutkinnon-osat"][0]
    unit_a["tutkinnon-osa-koodi-uri"] = "tutkinnonosat_106161"
    unit_a["osaamisen-osoittaminen"][0]["sisallon-kuvaus"] = ["Näyttö A:n sisältö"]
    period_b = tyopaikkajakso("jakso-b", alku="2024-10-01")
    period_b["tyopaikalla-jarjestettava-koulutus"] |= {
        "tyopaikan-nimi": "Toinen Oy",
        "vastuullinen-tyopaikka-ohjaaja": {"nimi": "Pirjo Pomo", "sahkoposti": "pirjo@example.org"},
    }
    body["hankittavat-ammat-tutkinnon-osat"].append(
        {
            "tutkinnon-osa-koodi-uri": "tutkinnonosat_106163",
            "tutkinnon-osa-koodi-versio": 1,
            "osaamisen-hankkimistavat": [period_b],
            "osaamisen-osoittaminen": [
                {
                    "nayttoymparisto": {"nimi": "Näyttöpaikka B"},
                    "sisallon-kuvaus": ["Näyttö B:n sisältö"],
                    "alku": "2025-01-10",
                    "loppu": "2025-01-12",
                    "tyoelama-osaamisen-arvioijat": [
                        {"nimi": "Tiina Työelämä", "organisaatio": {"nimi": "Arviointi Oy"}}
                    ],
                }
            ],
        }
    )
    deps = build_runtime(live.settings, db).context()
    system = SystemActor("test")
    with make_session_factory(db).begin() as session:
        written = hoks_service.create(session, system, body, deps)
    with make_session_factory(db).begin() as session:
        _, view = hoks_service.get(session, system, written.hoks_id, deps)
        units = view["hankittavat-ammat-tutkinnon-osat"]
        naytto_b = units[1]["osaamisen-osoittaminen"][0]["module-id"]
        sharing_service.add_assessor(
            session,
            system,
            written.hoks_id,
            naytto_b,
            {"nimi": "Tiina Työelämä", "sahkoposti": TIINA},
            deps,
        )
    return {
        "hoks_id": written.hoks_id,
        "oppija": oppija,
        "period_a": units[0]["osaamisen-hankkimistavat"][0]["module-id"],
        "deps": deps,
    }


def add_share(db, plan, **window) -> str:
    jako_id = str(uuid.uuid4())
    now = datetime.now(UTC)
    with make_session_factory(db).begin() as session:
        session.add(
            Jako(
                id=jako_id,
                laji="jakolinkki",
                hoks_id=plan["hoks_id"],
                oppija_oid=plan["oppija"],
                module_ids=[plan["period_a"]],
                kohde_tyyppi="osaamisenhankkiminen",
                vastaanottaja_nimi="Veera Vastaanottaja",
                vastaanottaja_sahkoposti=VEERA,
                voimassaolo_alku=window.get("alku", TODAY - timedelta(days=1)),
                voimassaolo_loppu=window.get("loppu", TODAY + timedelta(days=30)),
                created_at=now,
                updated_at=now,
            )
        )
    return jako_id


def check_here(page, shot: str) -> None:
    """The page as a form's answer left it (it has no address of its own to reload in other
    languages): axe, no overflow at 360 px, screenshots."""
    assert accessibility_violations(page) == []
    viewport = page.viewport_size
    page.set_viewport_size(PHONE)
    assert horizontal_overflow(page) == 0
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{shot}-360.png"), full_page=True)
    page.set_viewport_size(viewport)
    page.screenshot(path=str(SCREENSHOTS / f"{shot}-desktop.png"), full_page=True)


def log_in_by_email(page, live, smtp_server, address: str, *, shots: str | None = None) -> str:
    """From asking for a link to the logged-in landing page, in Finnish; returns the link."""
    page.goto(f"{live.url}/ehoks/tyopaikka?lang=fi")
    if shots:
        check_page(page, shot=f"{shots}-pyynto")
    page.get_by_label("Sähköpostiosoite").fill(address)
    page.get_by_role("button", name="Lähetä kirjautumislinkki").click()
    page.get_by_role("heading", name="Tarkista sähköpostisi").wait_for()
    if shots:
        # Switching language keeps the answer (and sends nothing again).
        page.get_by_role("link", name="På svenska").click()
        page.get_by_role("heading", name="Kontrollera din e-post").wait_for()
        check_page(page, languages=("sv", "fi", "en"), shot=f"{shots}-lahetetty")
        page.goto(f"{live.url}/ehoks/tyopaikka/lahetetty?lang=fi")
    link = smtp_server.link_to(address)
    page.goto(link)
    if shots:
        check_page(page, shot=f"{shots}-linkki")
    page.get_by_role("button", name="Lähetä koodi").click()
    page.wait_for_url(re.compile(r".*/koodi$"))
    if shots:
        check_page(page, shot=f"{shots}-koodi")
        code = smtp_server.code_to(address)
        page.get_by_label("Koodi").fill("000000" if code != "000000" else "111111")
        page.get_by_role("button", name="Kirjaudu").click()
        page.get_by_text("Koodi ei ole oikein").first.wait_for()
        check_here(page, f"{shots}-vaara-koodi")
    page.get_by_label("Koodi").fill(smtp_server.code_to(address))
    page.get_by_role("button", name="Kirjaudu").click()
    return link


def test_an_instructor_sees_only_their_period(demo_registries, live, plan, page, smtp_server):
    link = log_in_by_email(page, live, smtp_server, OLLI, shots="tyopaikka-ohjaaja")
    page.wait_for_url(f"{live.url}/ehoks/tyopaikka/osat")
    text = page.inner_text("main")
    assert "vastuullinen työpaikkaohjaaja" in text
    assert UNIT_A in text
    assert REQUIREMENT_A in text
    assert "Esimerkki Oy" in text
    for other in (UNIT_B, "Toinen Oy", "Näyttö A:n sisältö", "Näyttö B:n sisältö"):
        assert other not in text
    check_page(page, shot="tyopaikka-ohjaaja-osat")
    # The link has done its work: opened again, it says so and what to do.
    page.goto(link)
    page.get_by_role("heading", name="Kirjautumislinkki on jo käytetty").wait_for()
    check_page(page, shot="tyopaikka-linkki-kaytetty")


def test_an_assessor_sees_only_their_demonstration(demo_registries, live, plan, page, smtp_server):
    log_in_by_email(page, live, smtp_server, TIINA)
    page.wait_for_url(f"{live.url}/ehoks/tyopaikka/osat")
    text = page.inner_text("main")
    assert "työelämän arvioija" in text
    assert UNIT_B in text
    assert REQUIREMENT_B in text
    assert "Näyttö B:n sisältö" in text
    for other in (UNIT_A, "Toinen Oy", "Esimerkki Oy", "Näyttö A:n sisältö"):
        assert other not in text
    check_page(page, shot="tyopaikka-arvioija-osat")


def test_a_recipient_opens_a_share_then_finds_it_revoked_and_another_expired(
    demo_registries, live, plan, page, smtp_server, db
):
    jako = add_share(db, plan)
    # The original workplace app's address of a share still leads to it.
    page.goto(f"{live.url}/ehoks-tyopaikantoimija-ui/{jako}")
    page.wait_for_url(f"{live.url}/ehoks/jako/{jako}")
    assert "Esimerkki Oy" not in page.inner_text("main")
    check_page(page, shot="tyopaikka-jako-kirjautuminen")
    page.get_by_role("button", name="Lähetä uusi kirjautumislinkki").click()
    page.wait_for_url(f"{live.url}/ehoks/jako/{jako}/kirjautumislinkki")
    check_page(page, shot="tyopaikka-jako-linkki-lahetetty")
    page.goto(smtp_server.link_to(VEERA))
    page.get_by_role("button", name="Lähetä koodi").click()
    page.wait_for_url(re.compile(r".*/koodi$"))
    page.get_by_label("Koodi").fill(smtp_server.code_to(VEERA))
    page.get_by_role("button", name="Kirjaudu").click()
    page.wait_for_url(f"{live.url}/ehoks/jako/{jako}")
    text = page.inner_text("main")
    assert "Työpaikalla oppimisen tiedot on jaettu sinulle" in text
    assert UNIT_A in text
    assert REQUIREMENT_A in text
    assert "Olli Ohjaaja" in text
    assert UNIT_B not in text
    check_page(page, shot="tyopaikka-jako")

    with make_session_factory(db).begin() as session:
        owner = StudentActor(plan["oppija"], "Testi")
        sharing_service.revoke(session, owner, jako, "jakolinkki", plan["deps"])
    page.reload()
    page.get_by_role("heading", name="Jako on peruttu").wait_for()
    assert "Esimerkki Oy" not in page.inner_text("main")
    check_page(page, shot="tyopaikka-jako-peruttu")

    ended = add_share(db, plan, alku=TODAY - timedelta(days=20), loppu=TODAY - timedelta(days=1))
    page.goto(f"{live.url}/ehoks/jako/{ended}")
    page.get_by_role("heading", name="Jako on päättynyt").wait_for()
    check_page(page, shot="tyopaikka-jako-paattynyt")

    later = add_share(db, plan, alku=TODAY + timedelta(days=3))
    page.goto(f"{live.url}/ehoks/jako/{later}")
    page.get_by_role("heading", name="Jako ei ole vielä voimassa").wait_for()
    check_page(page, shot="tyopaikka-jako-ei-viela")

    # With no share in force, the workplace page says so and why.
    page.goto(f"{live.url}/ehoks/tyopaikka/osat")
    assert "Sinulle ei ole tällä hetkellä näytettäviä tietoja." in page.inner_text("main")
    check_page(page, shot="tyopaikka-osat-tyhja")
