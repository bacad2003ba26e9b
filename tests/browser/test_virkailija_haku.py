"""The official's search in real headless Chromium: an official of an education provider logs in
through the development login, picks one of the provider's institutions, searches, sorts and
pages the student list; every page is checked (axe-core in fi, sv and en, 360 px, screenshots).
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from ehoks.access.actor import SystemActor
from ehoks.context import build_runtime
from ehoks.db import make_session_factory
from ehoks.hoks import service as hoks_service
from ehoks.kernel.clock import today_in_finland
from ehoks.virkailija import search
from tests.browser.conftest import check_page
from tests.factories import hoks_body


@pytest.fixture
def learners(db, live, world):
    """Twelve learners at the provider's first institution, two at its second."""
    search.INSTITUTIONS.forget()
    deps = build_runtime(live.settings, db).context()
    end = (today_in_finland() + timedelta(days=400)).isoformat()
    made = []
    for n in range(14):
        school = world.oppilaitos_1 if n < 12 else world.oppilaitos_2
        oppija, oo = world.add_oppija(
            f"haku{n:02d}", oppilaitos=school, arvioitu_paattymispaiva=end
        )
        with make_session_factory(db).begin() as session:
            made.append(
                hoks_service.create(session, SystemActor("test"), hoks_body(oppija, oo), deps)
            )
    return made


def _names(page) -> list[str]:
    return page.locator("table.student-list tbody tr td:first-child a").all_inner_texts()


def test_an_official_picks_an_institution_then_searches_sorts_and_pages(
    page, live, world, learners
):
    page.goto(f"{live.url}/ehoks/kirjaudu/kehitys")
    page.get_by_label("Henkilö").select_option(f"virkailija:{world.koulutustoimija_1}")
    page.get_by_role("button", name="Kirjaudu").click()
    page.wait_for_url(f"{live.url}/ehoks-virkailija-ui/organisaatio")
    assert page.get_by_role("heading", name="Testikuntayhtymä").is_visible()
    check_page(page, shot="virkailija-organisaatio")

    page.get_by_role("button", name="Testiopisto", exact=True).click()
    page.wait_for_url(f"{live.url}/ehoks-virkailija-ui/")
    assert "Testiopisto" in page.locator(".official-nav__organisation").inner_text()
    assert len(_names(page)) == 12  # the first institution's only
    check_page(page, shot="virkailija-opiskelijat")

    page.get_by_label("Nimi tai oppijanumero").fill("haku0")
    page.get_by_role("button", name="Hae", exact=True).click()
    page.wait_for_url(re.compile(r".*nimi=haku0.*"))
    assert _names(page) == [f"Testi haku0{n} Oppija" for n in range(10)]
    check_page(page, shot="virkailija-haku")

    page.get_by_role("link", name="eHOKS-id").click()
    page.wait_for_url(re.compile(r".*jarjestys=hoks.*"))
    page.get_by_role("link", name="eHOKS-id").click()
    page.wait_for_url(re.compile(r".*suunta=laskeva.*"))
    assert page.locator("th[aria-sort=descending]").inner_text().startswith("eHOKS-id")
    ids = [int(v) for v in page.locator("td[data-label='eHOKS-id']").all_inner_texts()]
    assert ids == sorted(ids, reverse=True)
    assert len(ids) == 10
    assert page.get_by_label("Nimi tai oppijanumero").input_value() == "haku0"
    check_page(page, shot="virkailija-jarjestys")

    page.get_by_role("link", name="Tyhjennä hakuehdot").click()
    page.get_by_label("Rivejä sivulla").select_option("10")
    page.get_by_role("button", name="Hae", exact=True).click()
    page.wait_for_url(re.compile(r".*koko=10.*"))
    assert len(_names(page)) == 10
    page.get_by_role("link", name="Seuraava sivu").click()
    page.wait_for_url(re.compile(r".*sivu=2.*"))
    assert _names(page) == ["Testi haku10 Oppija", "Testi haku11 Oppija"]
    assert page.locator(".pagination a[aria-current=page]").inner_text().endswith("2")
    page.go_back()  # the browser's back button returns to the same list
    page.wait_for_url(re.compile(r".*koko=10$"))
    assert len(_names(page)) == 10
    page.go_forward()
    page.wait_for_url(re.compile(r".*sivu=2$"))
    check_page(page, shot="virkailija-sivu-2")
