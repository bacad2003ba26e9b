"""The official's reports in real headless Chromium: log in, open the reports of the chosen
organisation, filter and sort one, download its CSV and read it back (the page's rows, in the
page's order); every report page passes the shared checks (axe-core WCAG 2.1 AA in fi, sv and
en, no overflow at 360 px, no ISO dates) and is photographed."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from ehoks.context import build_runtime
from ehoks.web.routes.virkailija_common import ORGANISATION_COOKIE
from tests.browser.conftest import check_page
from tests.raportit.world import build

R = "/ehoks-virkailija-ui/raportit"
HOKS_LINK = re.compile(r"/ehoks-virkailija-ui/oppija/[0-9.]+/hoks/(\d+)")


@pytest.fixture
def reports(db, live, world, tmp_path):
    deps = build_runtime(live.settings, db).context()
    return build(db, deps, world, tmp_path)


def _log_in_as_official(page, live, organisation):
    """The development login as the provider's official, back to the reports; the chosen
    organisation as the organisation picker leaves it (its cookie)."""
    page.goto(f"{live.url}/ehoks/kirjaudu/kehitys?paluu={R}")
    page.get_by_label("Henkilö").select_option(f"virkailija:{organisation}")
    page.get_by_role("button", name="Kirjaudu").click()
    page.wait_for_url(f"{live.url}{R}")
    page.context.add_cookies(
        [{"name": ORGANISATION_COOKIE, "value": organisation, "url": live.url}]
    )


def _hoks_ids(page):
    """The eHOKS ids of the table's rows, in order, from their links to the HOKS page."""
    links = page.locator("table.report-table tbody td:first-child a")
    hrefs = links.evaluate_all("links => links.map(a => a.getAttribute('href'))")
    return [int(HOKS_LINK.findall(href)[0]) for href in hrefs]


def test_an_official_filters_a_report_and_downloads_its_csv(page, live, world, reports, tmp_path):
    _log_in_as_official(page, live, world.koulutustoimija_1)
    page.reload()
    page.get_by_role("heading", name="Raportit", level=1).wait_for()
    assert "Testikuntayhtymä" in page.content()
    check_page(page, shot="virkailija-raportit")

    page.get_by_role("link", name="Työpaikkajaksot ilman osa-aikaisuustietoa").click()
    page.wait_for_url(re.compile(r".*/raportit/tyopaikkajaksot\?organisaatio=.*"))
    assert _hoks_ids(page) == [reports.jaksot, reports.jaksot, reports.puuttuva]
    check_page(page, shot="virkailija-raportit-tyopaikkajaksot")

    # Filter by the period's end date and sort by the end.
    page.get_by_label("Alkaen").fill("2023-01-01")
    page.get_by_label("Päättyen").fill("2023-06-30")
    page.get_by_role("button", name="Hae").click()
    page.wait_for_url(re.compile(r".*alku=2023-01-01.*loppu=2023-06-30.*"))
    page.get_by_role("link", name=re.compile(r"^Loppu")).click()
    page.wait_for_url(re.compile(r".*jarjestys=loppu.*suunta=nouseva.*"))
    sorted_header = page.locator("th[aria-sort]")
    assert sorted_header.get_attribute("aria-sort") == "ascending"
    assert sorted_header.inner_text().startswith("Loppu")
    assert page.get_by_role("status").inner_text() == "Tuloksia 2, näytetään 1–2."
    on_page = _hoks_ids(page)
    assert on_page == [reports.puuttuva, reports.jaksot]
    page.get_by_text("Näytä lisätiedot").nth(1).click()
    assert page.get_by_text("Työsopimussuhde").is_visible()
    check_page(page, shot="virkailija-raportit-tyopaikkajaksot-rajattu")

    with page.expect_download() as info:
        page.get_by_role("link", name="Lataa CSV-tiedostona").click()
    download = info.value
    assert re.fullmatch(r"ehoks-tyopaikkajaksot-\d{4}-\d\d-\d\d\.csv", download.suggested_filename)
    saved = Path(tmp_path) / download.suggested_filename
    download.save_as(saved)
    data = saved.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    with saved.open(encoding="utf-8-sig", newline="") as handle:
        header, *rows = list(csv.reader(handle, delimiter=";"))
    assert header[0] == "eHOKS-tunniste"
    assert [int(row[0]) for row in rows] == on_page
    loppu = header.index("Loppu")
    assert [row[loppu] for row in rows] == ["31.3.2023", "15.6.2023"]


def test_every_report_page_passes_the_checks(page, live, world, reports):
    _log_in_as_official(page, live, world.koulutustoimija_1)
    organisaatio = f"organisaatio={world.koulutustoimija_1}"
    page.goto(f"{live.url}{R}/puuttuvat-opiskeluoikeudet?{organisaatio}")
    assert _hoks_ids(page) == [reports.puuttuva, reports.paattynyt]
    check_page(page, shot="virkailija-raportit-puuttuvat")

    page.goto(f"{live.url}{R}/ilman-tyopaikkajaksoa?{organisaatio}")
    assert _hoks_ids(page) == [reports.paattynyt]
    check_page(page, shot="virkailija-raportit-ilman-tyopaikkajaksoa")

    page.goto(f"{live.url}{R}/yhteenveto?{organisaatio}")
    page.locator("tfoot").wait_for()
    check_page(page, shot="virkailija-raportit-yhteenveto")

    # A filter error: the summary at the top, the message at its field.
    page.get_by_label("Alkaen").fill("2024-05-01")
    page.get_by_label("Päättyen").fill("2024-04-01")
    page.get_by_role("button", name="Hae").click()
    page.get_by_role("alert").wait_for()
    assert "Loppupäivä ei voi olla ennen alkupäivää." in page.locator("#loppu-error").inner_text()
    check_page(page, shot="virkailija-raportit-virhe")

    # An empty result.
    page.goto(
        f"{live.url}{R}/puuttuvat-opiskeluoikeudet?organisaatio={world.oppilaitos_2}&tila=paattynyt"
    )
    assert page.get_by_role("status").inner_text() == "Ei hakutuloksia näillä rajauksilla."
    check_page(page, shot="virkailija-raportit-tyhja")
