"""The official's start pages: the organisation picker (rights with the institutions below them,
the remembered choice and its cookie) and the student list (scope, search, state filter, sort,
pages, audit, one SQL statement per page), in Finnish, Swedish and English; and the
``hoks_haku`` projection the list reads, kept by triggers."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, select, text

from ehoks.access.actor import OfficialActor, StudentActor, SystemActor, grants_from_roles
from ehoks.audit.models import AuditEvent
from ehoks.auth.service import dev_choices
from ehoks.db import make_session_factory
from ehoks.hoks import service as hoks_service
from ehoks.kernel.clock import today_in_finland
from ehoks.main import create_app
from ehoks.virkailija import search
from ehoks.virkailija.service import session_view
from tests.factories import OPH, hoks_body
from tests.sessions import BASE_URL, login

UI = "/ehoks-virkailija-ui"
SYSTEM = SystemActor("tests")


@pytest.fixture
def app(db, settings, world):
    search.INSTITUTIONS.forget()
    return create_app(settings, engine=db)


@pytest.fixture
def web(app) -> Iterator[TestClient]:
    with TestClient(app, base_url=BASE_URL) as client:
        client.follow_redirects = False
        yield client


def official(*roles: str, name: str = "Virkailija Vilma") -> OfficialActor:
    return OfficialActor("1.2.246.562.24.10000000011", name, grants_from_roles(roles))


def role(name: str, organisation: str) -> str:
    return f"ROLE_APP_EHOKS_{name}_{organisation}"


@pytest.fixture
def make(app, db, world):
    """A learner with a HOKS at an institution; returns (oppija OID, HOKS id)."""

    def _make(seed: str, oppilaitos: str | None = None, **body: Any) -> tuple[str, int]:
        end = (today_in_finland() + timedelta(days=365)).isoformat()
        oppija, oo = world.add_oppija(
            seed, oppilaitos=oppilaitos or world.oppilaitos_1, arvioitu_paattymispaiva=end
        )
        with make_session_factory(db).begin() as session:
            written = hoks_service.create(
                session, SYSTEM, hoks_body(oppija, oo, **body), app.state.ehoks.runtime.context()
            )
        return oppija, written.hoks_id

    return _make


def choose(web: TestClient, csrf: dict[str, str], oid: str) -> Any:
    return web.post(f"{UI}/organisaatio", data={"organisaatio": oid}, headers=csrf)


def rows(html: str) -> list[str]:
    """The student names of the list, in order."""
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in html else ""
    return re.findall(r'<a href="/ehoks-virkailija-ui/oppija/[^"]+">([^<]+)</a>', body)


def ids(html: str) -> list[int]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in html else ""
    return [int(v) for v in re.findall(r'data-label="eHOKS-id">(\d+)</td>', body)]


# The picker.


def test_without_a_chosen_organisation_the_official_is_sent_to_the_picker(web, db, settings):
    login(web, db, settings, official(role("CRUD", OPH)))
    response = web.get(f"{UI}/")
    assert response.status_code == 303
    assert response.headers["location"] == f"{UI}/organisaatio"


def test_the_picker_offers_the_institutions_below_a_provider_and_hides_the_provider(
    web, db, settings, world, make
):
    make("ol1")
    make("ol2", world.oppilaitos_2)
    make("ol3", world.oppilaitos_3)
    login(web, db, settings, official(role("CRUD", world.koulutustoimija_1)))
    html = web.get(f"{UI}/organisaatio").text
    offered = re.findall(r'name="organisaatio" value="([^"]+)"', html)
    assert offered == [world.oppilaitos_1, world.oppilaitos_2]  # by name; not the provider
    assert "<h3" in html
    assert "Testikuntayhtymä" in html
    assert "luku, lisäys, muokkaus, poisto" in html
    assert "Hae organisaatiota" not in html  # the search is for OPH super users


def test_a_provider_is_offered_when_it_is_the_only_choice(web, db, settings, world):
    login(web, db, settings, official(role("READ", world.koulutustoimija_2)))
    html = web.get(f"{UI}/organisaatio").text
    assert re.findall(r'name="organisaatio" value="([^"]+)"', html) == [world.koulutustoimija_2]


def test_choosing_remembers_the_organisation_in_a_safe_cookie(web, db, settings, world, make):
    make("valinta")
    csrf = login(web, db, settings, official(role("READ", world.oppilaitos_1)))
    assert (
        web.post(f"{UI}/organisaatio", data={"organisaatio": world.oppilaitos_1}).status_code == 403
    )
    response = choose(web, csrf, world.oppilaitos_1)
    assert response.status_code == 303
    assert response.headers["location"] == f"{UI}/"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"ehoks-virkailija-org={world.oppilaitos_1};")
    for flag in ("HttpOnly", "Secure", "SameSite=lax", f"Path={UI}"):
        assert flag.lower() in cookie.lower()
    listed = web.get(f"{UI}/")
    assert listed.status_code == 200
    assert rows(listed.text) == ["Testi valinta Oppija"]
    picker = web.get(f"{UI}/organisaatio").text
    assert "Valittuna" in picker


def test_an_organisation_without_a_right_or_unknown_cannot_be_chosen(web, db, settings, world):
    csrf = login(web, db, settings, official(role("CRUD", world.oppilaitos_3)))
    assert choose(web, csrf, world.oppilaitos_1).status_code == 403
    assert choose(web, csrf, "1.2.246.562.10.99999999999").status_code == 404
    assert choose(web, csrf, "").status_code == 400
    # A cookie set by hand for someone else's organisation is ignored: back to the picker.
    web.cookies.set("ehoks-virkailija-org", world.oppilaitos_1, domain="testserver.local")
    assert web.get(f"{UI}/").headers["location"] == f"{UI}/organisaatio"


def test_the_original_addresses_choose_and_show_the_list(web, db, settings, world, make):
    make("osoite")
    login(web, db, settings, official(role("CRUD", world.koulutustoimija_1)))
    response = web.get(f"{UI}/koulutuksenjarjestaja/{world.oppilaitos_1}?nimi=osoite")
    assert response.status_code == 303
    assert response.headers["location"] == f"{UI}/?nimi=osoite"
    assert world.oppilaitos_1 in response.headers["set-cookie"]
    assert rows(web.get(response.headers["location"]).text) == ["Testi osoite Oppija"]
    assert web.get(f"{UI}/koulutuksenjarjestaja?sivu=2").headers["location"] == f"{UI}/?sivu=2"
    assert web.get(f"{UI}/koulutuksenjarjestaja/{world.oppilaitos_3}").status_code == 403


def test_super_users_search_any_organisation_by_name_or_oid(web, db, settings, world, make):
    make("haku", world.oppilaitos_2)
    login(web, db, settings, official(role("OPHPAAKAYTTAJA", OPH), name="Pää Käyttäjä"))
    by_name = web.get(f"{UI}/organisaatio", params={"haku": "opisto 2"}).text
    assert 'value="' + world.oppilaitos_2 + '"' in by_name.split("Organisaatiot, joihin")[0]
    by_oid = web.get(f"{UI}/organisaatio", params={"haku": world.koulutustoimija_2}).text
    assert "Toinen Oy" in by_oid.split("Organisaatiot, joihin")[0]
    nothing = web.get(f"{UI}/organisaatio", params={"haku": "ei tällaista"}).text
    assert "Hakuehdoilla ei löytynyt organisaatiota." in nothing


def test_students_and_workplace_users_are_refused(web, db, settings):
    assert web.get(f"{UI}/").status_code == 401
    login(web, db, settings, StudentActor("1.2.246.562.24.10000000029", "Opiskelija"))
    assert web.get(f"{UI}/").status_code == 403
    assert web.get(f"{UI}/organisaatio").status_code == 403


# The list.


@pytest.fixture
def provider_official(web, db, settings, world):
    """A CRUD official of provider 1 with the provider itself chosen (all its institutions)."""
    csrf = login(web, db, settings, official(role("CRUD", world.koulutustoimija_1)))
    assert choose(web, csrf, world.koulutustoimija_1).status_code == 303
    return csrf


def test_the_list_covers_the_organisation_and_its_institutions_only(
    web, world, make, provider_official
):
    make("aaro")
    make("bertta", world.oppilaitos_2)
    make("cecilia", world.oppilaitos_3)  # another provider's
    html = web.get(f"{UI}/").text
    assert rows(html) == ["Testi aaro Oppija", "Testi bertta Oppija"]
    assert "2 HOKSia. Sivu 1 / 1." in html
    assert 'href="/ehoks-virkailija-ui/oppija/' in html


def test_search_by_name_oid_qualification_competence_area_and_hoks_id(
    web, db, world, make, provider_official
):
    aino, aino_hoks = make("aino")
    make("eetu")
    make("elina", world.oppilaitos_2)
    with db.begin() as connection:
        connection.execute(
            text("UPDATE opiskeluoikeus SET osaamisala_nimi = :n WHERE oppija_oid = :o"),
            {"n": '{"fi": "Sähköasennusten osaamisala", "sv": "Elinstallationer"}', "o": aino},
        )
    assert rows(web.get(f"{UI}/", params={"nimi": "AINO oppija"}).text) == ["Testi aino Oppija"]
    assert rows(web.get(f"{UI}/", params={"nimi": aino}).text) == ["Testi aino Oppija"]
    assert len(rows(web.get(f"{UI}/", params={"tutkinto": "automaatio"}).text)) == 3
    assert rows(web.get(f"{UI}/", params={"osaamisala": "sähköasen"}).text) == ["Testi aino Oppija"]
    assert ids(web.get(f"{UI}/", params={"hoks": str(aino_hoks)}).text) == [aino_hoks]
    swedish = web.get(f"{UI}/", params={"osaamisala": "elinst", "lang": "sv"}).text
    assert rows(swedish) == ["Testi aino Oppija"]
    assert "Elinstallationer" in swedish
    # SQL wildcards never reach the query: they separate name terms, and qualification terms
    # use their first run without one.
    assert rows(web.get(f"{UI}/", params={"nimi": "%ain%"}).text) == ["Testi aino Oppija"]
    assert len(rows(web.get(f"{UI}/", params={"tutkinto": "_"}).text)) == 3
    none = web.get(f"{UI}/", params={"nimi": "zzz", "lang": "fi"}).text
    assert "Näillä hakuehdoilla ei löytynyt yhtään opiskelijaa." in none


def test_a_hoks_id_that_is_not_a_number_is_shown_next_to_its_field(web, make, provider_official):
    make("virhe")
    response = web.get(f"{UI}/", params={"hoks": "12a", "nimi": "kirjoitettu"})
    assert response.status_code == 400
    assert "eHOKS-id on numero" in response.text
    assert 'aria-invalid="true"' in response.text
    assert 'value="12a"' in response.text
    assert 'value="kirjoitettu"' in response.text
    assert "<tbody>" not in response.text


def test_sorting_by_each_column_with_aria_sort(web, make, provider_official):
    made = [make(seed)[1] for seed in ("c", "a", "b")]
    by_name = web.get(f"{UI}/").text
    assert rows(by_name) == ["Testi a Oppija", "Testi b Oppija", "Testi c Oppija"]
    assert 'aria-sort="ascending"' in by_name
    assert 'href="/ehoks-virkailija-ui/?suunta=laskeva"' in by_name  # name again: descending
    by_id = web.get(f"{UI}/", params={"jarjestys": "hoks", "suunta": "laskeva"}).text
    assert ids(by_id) == sorted(made, reverse=True)
    assert 'aria-sort="descending"' in by_id
    for key in ("tutkinto", "osaamisala", "hyvaksytty", "paivitetty", "lkm"):
        for direction in ("", "laskeva"):
            html = web.get(f"{UI}/", params={"jarjestys": key, "suunta": direction}).text
            assert sorted(ids(html)) == sorted(made), key
    assert ids(web.get(f"{UI}/", params={"jarjestys": "rubbish"}).text) == [
        made[1],
        made[2],
        made[0],
    ]


def test_pages_are_numbered_with_previous_and_next(web, make, provider_official):
    for n in range(12):
        make(f"sivu{n:02d}")
    first = web.get(f"{UI}/", params={"koko": "10"}).text
    assert len(rows(first)) == 10
    assert "12 HOKSia. Sivu 1 / 2." in first
    assert 'aria-current="page"><span class="visually-hidden">Sivu </span>1</a>' in first
    assert 'href="/ehoks-virkailija-ui/?koko=10&amp;sivu=2" rel="next"' in first
    second = web.get(f"{UI}/", params={"koko": "10", "sivu": "2"}).text
    assert rows(second) == ["Testi sivu10 Oppija", "Testi sivu11 Oppija"]
    assert 'rel="prev"' in second
    assert 'rel="next"' not in second
    beyond = web.get(f"{UI}/", params={"koko": "10", "sivu": "9"}).text
    assert "Tällä sivulla ei ole rivejä." in beyond
    assert "12 HOKSia" in beyond


def test_over_the_cap_the_count_says_more_than_and_pages_go_on(
    web, make, provider_official, monkeypatch
):
    # The count stops at the cap (10,000 in service; 5 here) so a national list stays fast.
    monkeypatch.setattr(search, "COUNT_CAP", 5)
    for n in range(12):
        make(f"raja{n:02d}")
    first = web.get(f"{UI}/", params={"koko": "10"}).text
    assert len(rows(first)) == 10
    assert "Yli 5 HOKSia. Sivu 1. Tarkenna hakua nähdäksesi tarkan määrän." in first
    assert 'href="/ehoks-virkailija-ui/?koko=10&amp;sivu=2" rel="next"' in first
    second = web.get(f"{UI}/", params={"koko": "10", "sivu": "2"}).text
    assert rows(second) == ["Testi raja10 Oppija", "Testi raja11 Oppija"]
    assert "Yli 5 HOKSia. Sivu 2." in second
    assert 'rel="next"' not in second
    assert 'rel="prev"' in second
    swedish = web.get(f"{UI}/", params={"koko": "10", "lang": "sv"}).text
    assert "Över 5 PUK. Sida 1." in swedish
    english = web.get(f"{UI}/", params={"koko": "10", "lang": "en"}).text
    assert "More than 5 plans. Page 1." in english
    exact = web.get(f"{UI}/", params={"nimi": "raja01", "lang": "fi"}).text
    assert "1 HOKSia. Sivu 1 / 1." in exact


def test_state_filter_and_deleted_hoksit_only_for_super_users(
    web, db, settings, app, world, make, provider_official
):
    make("voimassa")
    past = (today_in_finland() - timedelta(days=10)).isoformat()
    make("valmis", **{"osaamisen-saavuttamisen-pvm": past})
    _, deleted = make("poistettu")
    with make_session_factory(db).begin() as session:
        hoks_service.soft_delete(session, SYSTEM, deleted, app.state.ehoks.runtime.context())
    assert rows(web.get(f"{UI}/").text) == ["Testi valmis Oppija", "Testi voimassa Oppija"]
    assert rows(web.get(f"{UI}/?tila=voimassa").text) == ["Testi voimassa Oppija"]
    ended = web.get(f"{UI}/?tila=paattynyt").text
    assert rows(ended) == ["Testi valmis Oppija"]
    assert "Päättynyt" in ended
    assert 'value="poistettu"' not in web.get(f"{UI}/").text
    assert web.get(f"{UI}/?tila=poistettu").status_code == 403
    csrf = login(web, db, settings, official(role("OPHPAAKAYTTAJA", OPH), name="Pää Käyttäjä"))
    choose(web, csrf, world.oppilaitos_1)
    listed = web.get(f"{UI}/?tila=poistettu").text
    assert rows(listed) == ["Testi poistettu Oppija"]
    assert "Poistettu" in listed


def test_a_read_only_official_lists_their_institution(web, db, settings, world, make):
    make("luku")
    make("toinen", world.oppilaitos_2)
    csrf = login(web, db, settings, official(role("READ", world.oppilaitos_1)))
    choose(web, csrf, world.oppilaitos_1)
    html = web.get(f"{UI}/").text
    assert rows(html) == ["Testi luku Oppija"]
    assert "/ehoks-virkailija-ui/luohoks" not in html  # no write: no "new HOKS" link


def test_every_listing_is_audited_as_a_search_naming_what_was_shown(
    web, db, world, make, provider_official
):
    oppija, hoks_id = make("audit")
    web.get(f"{UI}/", params={"nimi": "audit"})
    with make_session_factory(db)() as session:
        found = session.scalars(select(AuditEvent).where(AuditEvent.operation == "search")).all()
    assert len(found) == 1
    event_ = found[0]
    assert event_.actor_id == "1.2.246.562.24.10000000011"
    assert event_.legal_basis == "provider"
    assert event_.details["hoks-ids"] == [hoks_id]
    assert event_.details["oppija-oids"] == [oppija]
    assert event_.details["organisaatio-oid"] == world.koulutustoimija_1
    assert event_.details["haku"] == {"tila": "kaikki", "nimi": "audit"}


DATA_TABLES = re.compile(r"\b(hoks|hoks_haku|oppija|opiskeluoikeus)\b", re.IGNORECASE)


def test_a_page_of_the_list_is_one_sql_statement_whatever_the_sort_and_page_size(
    web, db, make, provider_official
):
    for n in range(6):
        make(f"lause{n}")
    web.get(f"{UI}/")  # the institutions under the organisation are reused for a minute
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db, "before_cursor_execute", count)
    try:
        for params in (
            {},
            {"koko": "100", "jarjestys": "tutkinto", "suunta": "laskeva"},
            {"jarjestys": "lkm", "sivu": "2", "koko": "10"},
            {"nimi": "lause", "tila": "voimassa", "jarjestys": "paivitetty"},
        ):
            statements.clear()
            assert web.get(f"{UI}/", params=params).status_code == 200
            reading_hoks_data = [s for s in statements if DATA_TABLES.search(s)]
            assert len(reading_hoks_data) == 1, reading_hoks_data
    finally:
        event.remove(db, "before_cursor_execute", count)


@pytest.mark.parametrize(
    ("lang", "heading", "column"),
    [("fi", "Opiskelijat", "Opiskelijan nimi"), ("sv", "Studerande", "Den studerandes namn"),
     ("en", "Students", "Student's name")],
)  # fmt: skip
def test_the_list_and_picker_in_each_language(web, make, provider_official, lang, heading, column):
    make("kieli")
    html = web.get(f"{UI}/", params={"lang": lang}).text
    assert f'<html lang="{lang}">' in html
    assert f"<h1>{heading}</h1>" in html
    assert column in html
    picker = web.get(f"{UI}/organisaatio", params={"lang": lang})
    assert picker.status_code == 200
    assert f'<html lang="{lang}">' in picker.text


# The projection the list reads.


def test_the_projection_follows_the_index_and_the_hoks(
    web, db, app, world, make, provider_official
):
    oppija, hoks_id = make("vanha")
    with db.begin() as connection:
        connection.execute(
            text("UPDATE oppija SET nimi = 'Uusi Nimi' WHERE oid = :o"), {"o": oppija}
        )
    assert rows(web.get(f"{UI}/").text) == ["Uusi Nimi"]
    with make_session_factory(db).begin() as session:
        hoks_service.hard_delete(session, SYSTEM, hoks_id, app.state.ehoks.runtime.context())
    assert rows(web.get(f"{UI}/").text) == []
    with db.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM hoks_haku")).scalar() == 0


# The session and the development login.


def test_the_session_view_lists_child_organisations_when_given(world):
    actor = official(role("CRUD", world.koulutustoimija_1))
    view = session_view(actor, {world.koulutustoimija_1: [world.oppilaitos_1]})
    assert view["organisation-privileges"][0]["child-organisations"] == [world.oppilaitos_1]
    assert session_view(actor)["organisation-privileges"][0]["child-organisations"] == []


def test_child_organisations_are_the_institutions_with_hoksit_below(app, db, world, make):
    make("lapsi")
    make("lapsi2", world.oppilaitos_2)
    with make_session_factory(db)() as session:
        children = search.child_organisations(
            session, app.state.ehoks.runtime.registries.organisaatio, [OPH, world.koulutustoimija_2]
        )
    assert sorted(children[OPH]) == sorted([world.oppilaitos_1, world.oppilaitos_2])
    assert children[world.koulutustoimija_2] == []


def test_the_development_login_offers_a_read_only_official(app, db, world, make):
    make("kehitys")
    with make_session_factory(db)() as session:
        choices = {c.key: c for c in dev_choices(session, app.state.ehoks.runtime.registries)}
    reader = choices["virkailija:luku"].actor
    assert isinstance(reader, OfficialActor)
    assert [(g.organisaatio_oid, g.privileges) for g in reader.grants] == [
        (world.oppilaitos_1, frozenset({"read"}))
    ]
    assert f"virkailija:{world.koulutustoimija_1}" in choices  # the provider's official
