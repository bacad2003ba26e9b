"""The official's report pages and CSV exports through HTTP: who may open which organisation's
report (403 page otherwise), filters kept in the address with errors next to their fields,
sorting links with aria-sort, numbered pages, names and dates in the page's language, the CSV
(BOM, ``;``, quoting, injection guard, header in the page's language, every row of the page's
filter and order) and the audit events of both."""

from __future__ import annotations

import csv
import io
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from ehoks.access.actor import StudentActor
from ehoks.audit.models import AuditEvent
from ehoks.db import make_session_factory
from ehoks.hoks import service as hoks_service
from ehoks.web.routes.virkailija_common import ORGANISATION_COOKIE
from tests.factories import OPH, hoks_body, tyopaikkajakso
from tests.raportit.world import SYSTEM, build, official, role, superuser
from tests.sessions import BASE_URL, login

R = "/ehoks-virkailija-ui/raportit"
HOKS_LINK = re.compile(r'href="/ehoks-virkailija-ui/oppija/([0-9.]+)/hoks/(\d+)"')
SORT_LINK = re.compile(r'class="sort-link" href="([^"]*jarjestys=loppu[^"]*)"')
ISO_DATE = re.compile(r">[^<]*\b\d{4}-\d{2}-\d{2}\b[^<]*<")


@pytest.fixture
def client(app):
    # The session cookie is Secure: HTTPS.
    with TestClient(app, base_url=BASE_URL) as test_client:
        yield test_client


@pytest.fixture
def reports(db, app, world, tmp_path):
    return build(db, app.state.ehoks.runtime.context(), world, tmp_path)


@pytest.fixture
def web(client, db, settings, world, reports):
    """Logged in as an official with CRUD on koulutustoimija 1."""
    login(client, db, settings, official(role("CRUD", world.koulutustoimija_1)))
    return client


def found(pattern, text):
    """The first group of ``pattern`` in ``text`` (which must have it)."""
    match = re.search(pattern, text)
    assert match is not None, pattern
    return match.group(1)


def hoks_ids(html):
    return [int(hoks_id) for _, hoks_id in HOKS_LINK.findall(html)]


def events(db, **where):
    with make_session_factory(db)() as session:
        rows = session.scalars(select(AuditEvent).order_by(AuditEvent.seq)).all()
    return [e for e in rows if all(getattr(e, k) == v for k, v in where.items())]


def parse_csv(response):
    assert response.content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


# The list of reports


def test_the_list_names_every_report_and_asks_for_an_organisation(web):
    html = web.get(f"{R}?lang=fi").text
    for slug in ("puuttuvat-opiskeluoikeudet", "tyopaikkajaksot", "ilman-tyopaikkajaksoa"):
        assert f'href="{R}/{slug}"' in html
    assert "Työpaikkajaksot ilman osa-aikaisuustietoa" in html
    assert 'href="/ehoks-virkailija-ui/organisaatio"' in html
    assert f'<a href="{R}" aria-current="page">' in html


def test_the_list_links_the_chosen_organisation(web, world):
    web.cookies.set(ORGANISATION_COOKIE, world.koulutustoimija_1)
    html = web.get(f"{R}?lang=sv").text
    assert f'href="{R}/yhteenveto?organisaatio={world.koulutustoimija_1}"' in html
    assert "Testikuntayhtymä" in html
    assert "Rapporter" in html


# A report page


def test_a_report_without_an_organisation_asks_for_one(web):
    response = web.get(f"{R}/yhteenveto")
    assert response.status_code == 200
    assert 'href="/ehoks-virkailija-ui/organisaatio"' in response.text
    assert "<table" not in response.text


def test_the_chosen_organisation_is_the_default(web, world, reports):
    web.cookies.set(ORGANISATION_COOKIE, world.koulutustoimija_1)
    html = web.get(f"{R}/puuttuvat-opiskeluoikeudet").text
    assert hoks_ids(html) == [reports.puuttuva, reports.paattynyt]


def test_rows_link_to_the_hoks_page_with_names_and_dates_of_the_language(web, world, reports):
    url = f"{R}/puuttuvat-opiskeluoikeudet?organisaatio={world.koulutustoimija_1}"
    fi = web.get(url + "&lang=fi").text
    assert HOKS_LINK.findall(fi) == [
        (reports.oppijat["puuttuva"], str(reports.puuttuva)),
        (reports.oppijat["paattynyt"], str(reports.paattynyt)),
    ]
    assert "Testiopisto 2" in fi
    assert "Sähkö- ja automaatioalan perustutkinto" in fi
    assert "Puuttuu Koskesta" in fi
    assert "30.6.2024" in fi
    assert "Tuloksia 2" in fi
    assert world.oppilaitos_2 not in fi  # the institution by its name, not its OID
    en = web.get(url + "&lang=en").text
    assert "30 Jun 2024" in en
    assert "Missing from KOSKI" in en
    assert '<html lang="en">' in en
    assert ISO_DATE.search(fi) is None
    assert ISO_DATE.search(en) is None


def test_workplace_periods_show_the_details_by_name(web, world, reports):
    url = f"{R}/tyopaikkajaksot?organisaatio={world.koulutustoimija_1}&lang=fi"
    html = web.get(url).text
    assert hoks_ids(html) == [reports.jaksot, reports.jaksot, reports.puuttuva]  # newest first
    for shown in ("Oppisopimus", "Työsopimussuhde", "Koulutussopimus", "olli@example.org"):
        assert shown in html
    assert "osaamisenhankkimistapa_" not in html
    assert "oppisopimuksenperusta_" not in html
    assert "Näytä lisätiedot" in html
    assert "<details" in html


def test_sorting_links_toggle_and_mark_the_sorted_column(web, world, reports):
    base = f"{R}/tyopaikkajaksot?organisaatio={world.koulutustoimija_1}"
    html = web.get(base).text
    assert re.search(r'<th scope="col" aria-sort="descending">\s*<a[^>]*>eHOKS-tunniste', html)
    link = found(SORT_LINK, html).replace("&amp;", "&")
    assert parse_qs(urlsplit(link).query)["suunta"] == ["nouseva"]
    ascending = web.get(link).text
    assert re.search(r'aria-sort="ascending">\s*<a[^>]*>Loppu', ascending)
    assert ascending.count("aria-sort=") == 1
    assert '<option value="loppu" selected>Loppu</option>' in ascending
    assert '<option value="nouseva" selected>' in ascending
    toggled = found(SORT_LINK, ascending)
    assert "suunta=laskeva" in toggled
    assert hoks_ids(ascending) == [reports.jaksot, reports.puuttuva, reports.jaksot]


@pytest.fixture
def many_periods(db, app, world):
    """Eleven more periods without part-time data (in oppilaitos 2), for two pages of ten."""
    oppija, opiskeluoikeus = world.add_oppija(
        "raportti-monta",
        oppilaitos=world.oppilaitos_2,
        alkamispaiva="2022-08-01",
        arvioitu_paattymispaiva="2035-06-30",
    )
    periods = []
    for number in range(11):
        period = tyopaikkajakso(f"m-{number}", alku="2022-09-01", loppu=f"2023-01-{number + 10}")
        del period["osa-aikaisuustieto"]
        periods.append(period)
    unit = {
        "tutkinnon-osa-koodi-uri": "tutkinnonosat_300268",
        "tutkinnon-osa-koodi-versio": 1,
        "osaamisen-hankkimistavat": periods,
    }
    body = hoks_body(oppija, opiskeluoikeus, **{"hankittavat-ammat-tutkinnon-osat": [unit]})
    with make_session_factory(db).begin() as session:
        return hoks_service.create(session, SYSTEM, body, app.state.ehoks.runtime.context()).hoks_id


def test_numbered_pages_on_the_server(web, world, reports, many_periods):
    base = f"{R}/tyopaikkajaksot?organisaatio={world.koulutustoimija_1}&koko=10"
    first = web.get(base).text
    assert len(hoks_ids(first)) == 10
    assert "Tuloksia 14, näytetään 1–10." in first
    assert 'aria-current="page"><span class="visually-hidden">Sivu </span>1</a>' in first
    second_link = found(r'href="([^"]*sivu=2[^"]*)" rel="next"', first)
    second = web.get(second_link.replace("&amp;", "&")).text
    assert len(hoks_ids(second)) == 4
    assert "näytetään 11–14." in second
    assert 'rel="prev"' in second
    assert 'rel="next"' not in second
    assert 'name="koko"' in second
    assert '<option value="10" selected>' in second


def test_an_invalid_date_is_shown_next_to_its_field_and_kept(web, world):
    url = f"{R}/tyopaikkajaksot?organisaatio={world.koulutustoimija_1}&alku=31.2.2024&loppu=x"
    response = web.get(url + "&lang=fi")
    assert response.status_code == 400
    assert 'class="error-summary"' in response.text
    assert 'id="alku-error"' in response.text
    assert 'aria-invalid="true"' in response.text
    assert "Anna päivämäärä muodossa pp.kk.vvvv." in response.text
    assert 'value="31.2.2024"' in response.text
    assert "<table" not in response.text


def test_a_range_ending_before_it_starts_is_refused(web, world):
    url = f"{R}/yhteenveto?organisaatio={world.koulutustoimija_1}&alku=2024-05-01&loppu=1.4.2024"
    response = web.get(url)
    assert response.status_code == 400
    assert "Loppupäivä ei voi olla ennen alkupäivää." in response.text


def test_finnish_dates_typed_by_hand_are_understood(web, world, reports):
    url = (
        f"{R}/tyopaikkajaksot?organisaatio={world.koulutustoimija_1}&alku=1.1.2023&loppu=30.4.2023"
    )
    assert hoks_ids(web.get(url).text) == [reports.puuttuva]


def test_the_summary_has_counts_and_a_total_row(web, world):
    html = web.get(f"{R}/yhteenveto?organisaatio={world.koulutustoimija_1}&lang=fi").text
    assert "<tfoot>" in html
    assert "Yhteensä" in html
    assert html.index("Testiopisto<") < html.index("Testiopisto 2")


# Who may see which report


def test_an_organisation_without_read_is_refused_with_the_403_page(client, db, settings, world):
    login(client, db, settings, official(role("CRUD", world.oppilaitos_3)))
    response = client.get(f"{R}/puuttuvat-opiskeluoikeudet?organisaatio={world.oppilaitos_1}")
    assert response.status_code == 403
    assert "<h1>Ei käyttöoikeutta</h1>" in response.text
    (denied,) = events(db, outcome="denied")
    assert denied.operation == "report"
    assert denied.details["organisaatio-oid"] == world.oppilaitos_1
    csv_response = client.get(f"{R}/tyopaikkajaksot/csv?organisaatio={world.oppilaitos_1}")
    assert csv_response.status_code == 403
    assert events(db, outcome="denied")[-1].operation == "export"


def test_a_superuser_may_report_on_the_whole_country(client, db, settings, reports):
    login(client, db, settings, superuser())
    html = client.get(f"{R}/ilman-tyopaikkajaksoa?organisaatio={OPH}").text
    assert hoks_ids(html) == [reports.muu, reports.paattynyt]


def test_only_officials_see_reports(client, db, settings, reports):
    assert client.get(R).status_code == 401
    assert client.get(f"{R}/yhteenveto/csv").status_code == 401
    login(client, db, settings, StudentActor(reports.oppijat["muu"], "Opiskelija"))
    assert client.get(R).status_code == 403
    assert client.get(f"{R}/yhteenveto").status_code == 403


def test_unknown_reports_and_organisations(web):
    assert web.get(f"{R}/tuntematon").status_code == 404
    assert web.get(f"{R}/yhteenveto?organisaatio=x").status_code == 400
    unknown = "1.2.246.562.10.99999999999"
    assert web.get(f"{R}/yhteenveto?organisaatio={unknown}").status_code == 404


def test_a_page_view_is_audited(web, db, world, reports):
    web.get(f"{R}/puuttuvat-opiskeluoikeudet?organisaatio={world.koulutustoimija_1}&tila=puuttuu")
    (event,) = events(db, operation="report")
    assert event.outcome == "succeeded"
    assert event.actor_id == "1.2.246.562.24.10000000011"
    assert event.details["rajaukset"] == {"tila": "puuttuu"}
    assert event.details["hoks-ids"] == [reports.puuttuva]


# CSV


def test_the_csv_has_the_pages_rows_in_every_page_in_its_order(web, db, world, many_periods):
    query = f"organisaatio={world.koulutustoimija_1}&jarjestys=tyopaikka&suunta=laskeva&koko=10"
    pages = [web.get(f"{R}/tyopaikkajaksot?{query}&sivu={n}&lang=fi").text for n in (1, 2)]
    on_pages = [hoks_id for html in pages for hoks_id in hoks_ids(html)]
    assert f'href="{R}/tyopaikkajaksot/csv?' in pages[0]
    response = web.get(f"{R}/tyopaikkajaksot/csv?{query}&lang=fi")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    disposition = response.headers["content-disposition"]
    assert re.fullmatch(
        r'attachment; filename="ehoks-tyopaikkajaksot-\d{4}-\d\d-\d\d\.csv"', disposition
    )
    assert response.headers["cache-control"] == "no-store"
    header, *rows = parse_csv(response)
    assert header[:4] == ["eHOKS-tunniste", "Opiskeluoikeuden OID", "Oppijanumero", "Opiskelija"]
    assert [int(row[0]) for row in rows] == on_pages
    assert len(rows) == 14
    (event,) = events(db, operation="export")
    assert event.details["rivit"] == 14
    assert event.details["raportti"] == "tyopaikkajaksot"


def test_the_csv_quotes_guards_formulas_and_names_codes(web, world, reports):
    url = f"{R}/tyopaikkajaksot/csv?organisaatio={world.koulutustoimija_1}&lang=fi"
    response = web.get(url)
    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith('"eHOKS-tunniste";"Opiskeluoikeuden OID";')
    assert '"\'=Kaava Oy; ""Lainaus"""' in text
    header, *rows = parse_csv(response)
    apprenticeship = next(row for row in rows if row[header.index("Työpaikka")].startswith("'="))
    assert apprenticeship[header.index("Työpaikka")] == '\'=Kaava Oy; "Lainaus"'
    assert apprenticeship[header.index("Osaamisen hankkimistapa")] == "Oppisopimus"
    assert apprenticeship[header.index("Oppisopimuksen perusta")] == "Työsopimussuhde"
    assert apprenticeship[header.index("Loppu")] == "15.6.2023"
    assert apprenticeship[header.index("Oppilaitos")] == "Testiopisto"


def test_the_csv_header_follows_the_page_language(web, world):
    url = f"{R}/yhteenveto/csv?organisaatio={world.koulutustoimija_1}"
    sv = parse_csv(web.get(url + "&lang=sv"))
    assert sv[0] == [
        "Läroanstalt",
        "Examen",
        "PUK:er",
        "Giltig",
        "Avslutade",
        "Saknas i KOSKI",
        "Med arbetsplatsperiod",
    ]
    assert sv[1][:3] == ["Testiopisto", "Sähkö- ja automaatioalan perustutkinto", "3"]
    en = parse_csv(web.get(url + "&lang=en"))
    assert en[0][0] == "Educational institution"
    assert len(en) == 3


def test_the_csv_of_a_report_with_an_error_is_the_page_with_the_error(web, world):
    response = web.get(f"{R}/tyopaikkajaksot/csv?organisaatio={world.koulutustoimija_1}&alku=x")
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/html")
