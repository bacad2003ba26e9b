"""A student's journey in real headless Chromium: the development login, the list of plans, every
tab of a plan, the timeline, the print version, sharing a learning period through the form
(a mistake first), the share in the list, revoking it after a confirmation page, and switching
the language midway. Every page is checked with axe-core in Finnish, Swedish and English, at
360 px and for raw JSON (``check_page``), and screenshotted as ``oppija-…``."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import accessibility_violations, check_page
from tests.web.test_oppija_pages import (
    UNIT_NAMES,
    RichPlan,
    load_demo_registries,
    make_rich_plan,
)

RECIPIENT = "veera@example.org"


@pytest.fixture
def plan(db, live, world) -> RichPlan:
    load_demo_registries(db)
    return make_rich_plan(db, live.settings, world)


def _log_in_as_student(page, live, plan: RichPlan) -> None:
    page.goto(f"{live.url}/ehoks/kirjaudu/kehitys")
    page.get_by_label("Henkilö").select_option(f"oppija:{plan.oppija}")
    page.get_by_role("button", name="Kirjaudu").click()
    page.wait_for_url(f"{live.url}/ehoks/suunnittelu")


def test_a_student_reads_prints_shares_and_revokes(page, live, plan, smtp_server):
    base = f"{live.url}/ehoks/suunnittelu/{plan.eid}"
    _log_in_as_student(page, live, plan)
    page.get_by_role("heading", name="Omat suunnitelmani", level=1).wait_for()
    check_page(page, shot="oppija-suunnitelmat")

    page.get_by_role("link", name=re.compile("Avaa suunnitelma")).click()
    page.wait_for_url(base)
    page.get_by_role("heading", name="Tavoitteeni ja perustietoni").wait_for()
    assert "Työelämään siirtyminen" in page.content()
    check_page(page, shot="oppija-tavoitteet")

    tabs = page.get_by_role("navigation", name="Suunnitelman osiot")
    tabs.get_by_role("link", name="Aiempi osaamiseni").click()
    page.wait_for_url(f"{base}/osaamiseni")
    assert (
        page.get_by_role("link", name="Aiempi osaamiseni").get_attribute("aria-current") == "page"
    )
    page.get_by_text("Osaaminen tunnistettu suoraan.").wait_for()
    check_page(page, shot="oppija-osaamiseni")

    tabs.get_by_role("link", name="Osaamisen hankkiminen").click()
    page.wait_for_url(f"{base}/opiskelusuunnitelmani")
    page.get_by_role("heading", name="Opintojen eteneminen").wait_for()
    # Requirements open without script: a native <details>.
    card = page.locator(f"#osa-{plan.unit('hankittavat-ammat-tutkinnon-osat', 1)['module-id']}")
    card.get_by_text("Ammattitaitovaatimukset ja arviointikriteerit").click()
    card.get_by_text("Arviointikriteerit", exact=True).wait_for()
    check_page(page, shot="oppija-opiskelusuunnitelma")

    # The language switched midway keeps the page.
    page.get_by_role("link", name="På svenska").click()
    page.wait_for_url(re.compile(r".*/opiskelusuunnitelmani\?lang=sv$"))
    assert page.evaluate("() => document.documentElement.lang") == "sv"
    page.get_by_role("heading", name="Studiernas framskridande").wait_for()
    assert UNIT_NAMES["sv"] in page.content()
    page.get_by_role("link", name="Suomeksi").click()
    page.wait_for_url(re.compile(r".*/opiskelusuunnitelmani\?lang=fi$"))
    page.get_by_role("heading", name="Opintojen eteneminen").wait_for()

    tabs.get_by_role("link", name="Aikajana").click()
    page.wait_for_url(f"{base}/aikajana")
    page.get_by_role("heading", name="Seuraavaksi").wait_for()
    check_page(page, shot="oppija-aikajana")

    page.get_by_role("link", name="Tulostettava versio koko suunnitelmasta").click()
    page.wait_for_url(f"{base}/tulosta")
    page.get_by_role("button", name="Tulosta").wait_for()  # shown by the script
    assert page.get_by_role("link", name="Lataa PDF").get_attribute("href") == (
        f"/ehoks/suunnittelu/{plan.eid}/pdf"
    )
    assert page.evaluate("() => [...document.querySelectorAll('details')].every(d => d.open)")
    check_page(page, shot="oppija-tulosta")

    # Share the apprenticeship period from its own card.
    page.goto(f"{base}/opiskelusuunnitelmani")
    period = page.locator(f"#jakso-{plan.ongoing_period['module-id']}")
    page.locator(
        f"#osa-{plan.unit('hankittavat-ammat-tutkinnon-osat', 1)['module-id']}"
    ).get_by_text("Osaamisen hankkimisen ja näyttöjen tarkemmat tiedot").click()
    period.get_by_role("link", name=re.compile("Jaa nämä tiedot")).click()
    page.wait_for_url(re.compile(r".*/jaot/uusi\?osa="))
    page.get_by_role("heading", name="Olet jakamassa näitä tietoja").wait_for()
    check_page(page, shot="oppija-jako-lomake")

    page.get_by_label("Vastaanottajan sähköpostiosoite").fill("ei osoite")
    page.get_by_role("button", name="Jaa ja lähetä sähköposti").click()
    page.get_by_role("heading", name="Tarkista nämä tiedot").wait_for()
    assert page.get_by_text("Kirjoita vastaanottajan nimi.").count() == 2  # summary and field
    assert accessibility_violations(page) == []
    page.get_by_label("Vastaanottajan nimi").fill("Veera Vastaanottaja")
    page.get_by_label("Vastaanottajan sähköpostiosoite").fill(RECIPIENT)
    page.get_by_role("button", name="Jaa ja lähetä sähköposti").click()
    page.wait_for_url(re.compile(r".*/jaot/[0-9a-f-]{36}\?luotu=1$"))
    page.get_by_text("Tiedot on jaettu.").wait_for()
    link = page.get_by_label("Linkki jaettuihin tietoihin").input_value()
    assert re.fullmatch(rf"{live.url}/ehoks/jako/[0-9a-f-]{{36}}", link)
    assert page.get_by_role("button", name="Kopioi linkki").is_visible()
    assert smtp_server.link_to(RECIPIENT), "the recipient got a login link"
    check_page(page, shot="oppija-jako-luotu")

    page.get_by_role("link", name="Kaikki jaot ja suostumukset").click()
    page.wait_for_url(f"{base}/jaot")
    shares = page.get_by_role("table")
    assert "Veera Vastaanottaja" in shares.inner_text()
    assert "Voimassa" in shares.inner_text()
    check_page(page, shot="oppija-jaot")

    shares.get_by_role("link", name=re.compile("Peru jako")).click()
    page.wait_for_url(re.compile(r".*/peru$"))
    page.get_by_role("heading", name="Perutaanko jako?").wait_for()
    check_page(page, shot="oppija-jako-peru")
    page.get_by_role("button", name="Kyllä, peru jako").click()
    page.wait_for_url(f"{base}/jaot?peruttu=jaot")
    page.get_by_text("Peruttu. Vastaanottaja ei enää näe tietoja.").wait_for()
    assert "Peruttu" in page.get_by_role("table").inner_text()
    check_page(page, shot="oppija-jaot-peruttu")

    page.get_by_role("link", name="Kuka on katsonut suunnitelmaani?").click()
    page.wait_for_url(f"{live.url}/ehoks/lukijat")
    page.get_by_role("heading", name="Kuka on katsonut suunnitelmaani", level=1).wait_for()
    check_page(page, shot="oppija-lukijat")


def test_consent_form_and_a_logged_out_visit(page, live, plan):
    page.goto(f"{live.url}/ehoks/suunnittelu/{plan.eid}/aikajana")
    page.get_by_role("heading", name="Kirjaudu sisään").wait_for()
    assert "paluu=" in page.get_by_role("link", name="Kehityskirjautuminen").get_attribute("href")
    check_page(page, shot="oppija-kirjaudu")
    _log_in_as_student(page, live, plan)
    page.goto(f"{live.url}/ehoks/suunnittelu/{plan.eid}/suostumukset/uusi")
    page.get_by_role("heading", name="Anna suostumus tietojen luovuttamiseen").wait_for()
    check_page(page, shot="oppija-suostumus-lomake")
