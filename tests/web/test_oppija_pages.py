"""The student's pages (``/ehoks/suunnittelu`` …): every page in Finnish, Swedish and English,
the empty state, someone else's plan, no session, shares and consents made, listed and revoked
through forms, and who has read the plans.

``rich_plan`` builds a plan that uses every part of the data dictionary, with dates relative to
today so that its units fall in every status; the registries name its codes from the demo's
Koodisto and ePerusteet data (the browser journey uses it too).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from ehoks.access.actor import EmailActor, StudentActor, SystemActor
from ehoks.audit.models import AuditEvent
from ehoks.config import Settings
from ehoks.context import build_runtime
from ehoks.db import make_session_factory
from ehoks.demo.loader import DATA_DIR, load_demo
from ehoks.hoks import service as hoks_service
from ehoks.hoks.models import Hoks
from ehoks.kernel.clock import today_in_finland
from ehoks.mail.sender import SmtpMailer
from ehoks.outbox.models import OutboxJob
from ehoks.registries.local import import_directory
from ehoks.sharing.models import Jako
from ehoks.web import i18n
from tests.factories import World
from tests.fakes.smtp import smtp_server  # noqa: F401 (fixture)
from tests.sessions import BASE_URL, login

KOULUTUSSOPIMUS = "osaamisenhankkimistapa_koulutussopimus"
OPPISOPIMUS = "osaamisenhankkimistapa_oppisopimus"
OPPILAITOS = "osaamisenhankkimistapa_oppilaitosmuotoinenkoulutus"
UNKNOWN_UNIT = "tutkinnonosat_999999"
STUDENT_NAME = "Riikka Rikas"


# A rich plan.


def _iso(day: date) -> str:
    return day.isoformat()


def rich_hoks_body(oppija: str, opiskeluoikeus: str, school: str, today: date) -> dict[str, Any]:
    """Every kind of part, every field a student sees; units planned, scheduled and ready."""

    def days(n: int) -> str:
        return _iso(today + timedelta(days=n))

    workplace = {
        "tyopaikan-nimi": "Sähkö-Saarinen Oy",
        "tyopaikan-y-tunnus": "1234567-1",
        "vastuullinen-tyopaikka-ohjaaja": {
            "nimi": "Olli Ohjaaja",
            "sahkoposti": "olli@example.org",
            "puhelinnumero": "040 123 4567",
        },
        "keskeiset-tyotehtavat": ["Sähköasennukset omakotitaloissa", "Asennusten dokumentointi"],
    }
    return {
        "oppija-oid": oppija,
        "opiskeluoikeus-oid": opiskeluoikeus,
        "ensikertainen-hyvaksyminen": days(-400),
        "hyvaksytty": f"{days(-30)}T10:00:00.000Z",
        "paivitetty": f"{days(-10)}T09:00:00.000Z",
        "osaamisen-hankkimisen-tarve": True,
        "urasuunnitelma-koodi-uri": "urasuunnitelma_0002",
        "urasuunnitelma-koodi-versio": 1,
        "sahkoposti": "riikka.rikas@example.org",
        "puhelinnumero": "050 765 4321",
        "aiemmin-hankitut-ammat-tutkinnon-osat": [
            {
                "tutkinnon-osa-koodi-uri": "tutkinnonosat_106165",
                "tutkinnon-osa-koodi-versio": 1,
                "koulutuksen-jarjestaja-oid": school,
                "valittu-todentamisen-prosessi-koodi-uri": "osaamisentodentamisenprosessi_0002",
                "valittu-todentamisen-prosessi-koodi-versio": 1,
                "tarkentavat-tiedot-osaamisen-arvioija": {
                    "lahetetty-arvioitavaksi": days(-300),
                    "aiemmin-hankitun-osaamisen-arvioijat": [
                        {"nimi": "Pirjo Arvioija", "organisaatio": {"oppilaitos-oid": school}}
                    ],
                },
            }
        ],
        "aiemmin-hankitut-paikalliset-tutkinnon-osat": [
            {
                "nimi": "Tulityökortti",
                "laajuus": 2,
                "tavoitteet-ja-sisallot": "Tulitöiden turvallinen tekeminen.",
                "koulutuksen-jarjestaja-oid": school,
                "valittu-todentamisen-prosessi-koodi-uri": "osaamisentodentamisenprosessi_0003",
                "valittu-todentamisen-prosessi-koodi-versio": 1,
                "tarkentavat-tiedot-naytto": [
                    {
                        "nayttoymparisto": {"nimi": "Turvakoulu Oy", "y-tunnus": "7654321-2"},
                        "sisallon-kuvaus": ["Tulityöluvan mukainen työskentely"],
                        "alku": days(-350),
                        "loppu": days(-349),
                    }
                ],
            }
        ],
        "aiemmin-hankitut-yhteiset-tutkinnon-osat": [
            {
                "tutkinnon-osa-koodi-uri": "tutkinnonosat_106727",
                "tutkinnon-osa-koodi-versio": 1,
                "koulutuksen-jarjestaja-oid": school,
                "osa-alueet": [
                    {
                        "osa-alue-koodi-uri": "ammatillisenoppiaineet_vvvk",
                        "osa-alue-koodi-versio": 1,
                        "koulutuksen-jarjestaja-oid": school,
                        "valittu-todentamisen-prosessi-koodi-uri": (
                            "osaamisentodentamisenprosessi_0001"
                        ),
                        "valittu-todentamisen-prosessi-koodi-versio": 1,
                    }
                ],
            }
        ],
        "hankittavat-ammat-tutkinnon-osat": [
            {  # ready: its demonstration ended long ago
                "tutkinnon-osa-koodi-uri": "tutkinnonosat_106161",
                "tutkinnon-osa-koodi-versio": 1,
                "koulutuksen-jarjestaja-oid": school,
                "opetus-ja-ohjaus-maara": 40,
                "osaamisen-hankkimistavat": [
                    {
                        "alku": days(-200),
                        "loppu": days(-100),
                        "yksiloiva-tunniste": "rikas-1",
                        "osaamisen-hankkimistapa-koodi-uri": KOULUTUSSOPIMUS,
                        "osaamisen-hankkimistapa-koodi-versio": 1,
                        "osa-aikaisuustieto": 80,
                        "ajanjakson-tarkenne": "Asennustiimi",
                        "keskeytymisajanjaksot": [{"alku": days(-150), "loppu": days(-140)}],
                        "tyopaikalla-jarjestettava-koulutus": workplace,
                        "jarjestajan-edustaja": {
                            "nimi": "Kaisa Opettaja",
                            "rooli": "Vastuuopettaja",
                            "oppilaitos-oid": school,
                        },
                    }
                ],
                "osaamisen-osoittaminen": [
                    {
                        "alku": days(-60),
                        "loppu": days(-55),
                        "nayttoymparisto": {
                            "nimi": "Sähkö-Saarinen Oy",
                            "y-tunnus": "1234567-1",
                            "kuvaus": "Sähköurakointiyritys",
                        },
                        "jarjestaja": {"oppilaitos-oid": school},
                        "sisallon-kuvaus": ["Omakotitalon sähköasennus"],
                        "koulutuksen-jarjestaja-osaamisen-arvioijat": [
                            {"nimi": "Kaisa Opettaja", "organisaatio": {"oppilaitos-oid": school}}
                        ],
                        "tyoelama-osaamisen-arvioijat": [
                            {
                                "nimi": "Tiina Työelämä",
                                "organisaatio": {
                                    "nimi": "Sähkö-Saarinen Oy",
                                    "y-tunnus": "1234567-1",
                                },
                            }
                        ],
                        "vaatimuksista-tai-tavoitteista-poikkeaminen": (
                            "Kirjallinen osuus suullisesti"
                        ),
                        "yksilolliset-kriteerit": ["Työskentelee turvallisesti ohjattuna"],
                    }
                ],
            },
            {  # scheduled: an apprenticeship going on, the demonstration ahead
                "tutkinnon-osa-koodi-uri": "tutkinnonosat_106162",
                "tutkinnon-osa-koodi-versio": 1,
                "koulutuksen-jarjestaja-oid": school,
                "osaamisen-hankkimistavat": [
                    {
                        "alku": days(-30),
                        "loppu": days(60),
                        "yksiloiva-tunniste": "rikas-2",
                        "osaamisen-hankkimistapa-koodi-uri": OPPISOPIMUS,
                        "osaamisen-hankkimistapa-koodi-versio": 1,
                        "oppisopimuksen-perusta-koodi-uri": "oppisopimuksenperusta_01",
                        "oppisopimuksen-perusta-koodi-versio": 1,
                        "osa-aikaisuustieto": 100,
                        "tyopaikalla-jarjestettava-koulutus": workplace,
                        "muut-oppimisymparistot": [
                            {
                                "oppimisymparisto-koodi-uri": "oppimisymparistot_0003",
                                "oppimisymparisto-koodi-versio": 1,
                                "alku": days(-20),
                                "loppu": days(-19),
                            }
                        ],
                    }
                ],
                "osaamisen-osoittaminen": [
                    {
                        "alku": days(50),
                        "loppu": days(52),
                        "nayttoymparisto": {"nimi": "Sähkö-Saarinen Oy"},
                        "sisallon-kuvaus": ["Automaatiojärjestelmän käyttöönotto"],
                    }
                ],
            },
            {  # planned, with an essential notice
                "tutkinnon-osa-koodi-uri": "tutkinnonosat_106163",
                "tutkinnon-osa-koodi-versio": 1,
                "koulutuksen-jarjestaja-oid": school,
                "olennainen-seikka": True,
            },
            {  # planned, and no registry knows it
                "tutkinnon-osa-koodi-uri": UNKNOWN_UNIT,
                "tutkinnon-osa-koodi-versio": 1,
                "koulutuksen-jarjestaja-oid": school,
            },
        ],
        "hankittavat-paikalliset-tutkinnon-osat": [
            {
                "nimi": "Dronekuvaus sähkötöissä",
                "laajuus": 5,
                "tavoitteet-ja-sisallot": "Kiinteistöjen kattojen kuvaaminen dronella.",
                "koulutuksen-jarjestaja-oid": school,
                "osaamisen-hankkimistavat": [
                    {
                        "alku": days(10),
                        "loppu": days(40),
                        "yksiloiva-tunniste": "rikas-3",
                        "osaamisen-hankkimistapa-koodi-uri": OPPILAITOS,
                        "osaamisen-hankkimistapa-koodi-versio": 1,
                    }
                ],
            }
        ],
        "hankittavat-yhteiset-tutkinnon-osat": [
            {
                "tutkinnon-osa-koodi-uri": "tutkinnonosat_106728",
                "tutkinnon-osa-koodi-versio": 1,
                "koulutuksen-jarjestaja-oid": school,
                "osa-alueet": [
                    {
                        "osa-alue-koodi-uri": "ammatillisenoppiaineet_mlma",
                        "osa-alue-koodi-versio": 1,
                        "koulutuksen-jarjestaja-oid": school,
                        "osaamisen-hankkimistavat": [
                            {
                                "alku": days(-90),
                                "loppu": days(90),
                                "yksiloiva-tunniste": "rikas-4",
                                "osaamisen-hankkimistapa-koodi-uri": OPPILAITOS,
                                "osaamisen-hankkimistapa-koodi-versio": 1,
                            }
                        ],
                    },
                    {
                        "osa-alue-koodi-uri": "ammatillisenoppiaineet_mlfk",
                        "osa-alue-koodi-versio": 1,
                        "koulutuksen-jarjestaja-oid": school,
                    },
                ],
            }
        ],
        "oppimisen-tuki": [
            {
                "oppimisen-tuen-tyyppi-koodi-uri": "ammatillinenkoulutusoppimisentuentyyppi_01",
                "tutkinnon-osan-tyyppi-koodi-uri": "ammatillisentutkinnonosanryhma_1",
                "alku": days(-300),
                "loppu": days(100),
            },
            {"oppimisen-tuen-tyyppi-koodi-uri": "ammatillinenkoulutusoppimisentuentyyppi_02"},
        ],
        "opiskeluvalmiuksia-tukevat-opinnot": [
            {
                "nimi": "Matematiikan tukiopinnot",
                "kuvaus": "Kertausta pienryhmässä",
                "alku": days(-200),
                "loppu": days(-150),
            }
        ],
    }


@dataclass
class RichPlan:
    hoks_id: int
    eid: str
    oppija: str
    document: dict[str, Any]

    def unit(self, key: str, index: int = 0) -> dict[str, Any]:
        units: list[dict[str, Any]] = self.document[key]
        return units[index]

    @property
    def ongoing_period(self) -> dict[str, Any]:
        """The apprenticeship period (shareable: it has not ended)."""
        period: dict[str, Any] = self.unit("hankittavat-ammat-tutkinnon-osat", 1)[
            "osaamisen-hankkimistavat"
        ][0]
        return period


def load_demo_registries(engine: Engine) -> None:
    """The demo's Koodisto, ePerusteet and organisations (the world adds its own learners)."""
    import_directory(engine, DATA_DIR)


def make_rich_plan(
    engine: Engine, settings: Settings, world: World, seed: str = "rikas"
) -> RichPlan:
    oppija, oo = world.add_oppija(seed)
    deps = build_runtime(settings, engine).context()
    body = rich_hoks_body(oppija, oo, world.oppilaitos_1, today_in_finland())
    with make_session_factory(engine).begin() as session:
        written = hoks_service.create(session, SystemActor("test"), body, deps)
    with make_session_factory(engine).begin() as session:
        hoks, view = hoks_service.get(session, SystemActor("test"), written.hoks_id, deps)
        return RichPlan(hoks.id, hoks.eid, oppija, view)


# Fixtures.


@pytest.fixture
def settings(database_url: str, smtp_server: Any) -> Settings:  # noqa: F811
    return Settings(
        environment="test",
        database_url=database_url,
        smtp=smtp_server.settings(),
        public_url=BASE_URL,
    )


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    # The session cookie is Secure: an HTTPS base URL sends it.
    with TestClient(app, base_url=BASE_URL) as test_client:
        yield test_client


@pytest.fixture
def plan(db: Engine, settings: Settings, world: World) -> RichPlan:
    load_demo_registries(db)
    return make_rich_plan(db, settings, world)


@pytest.fixture
def student(client: TestClient, db: Engine, settings: Settings, plan: RichPlan) -> dict[str, str]:
    """Logged in as the plan's student; the session's CSRF headers."""
    return login(client, db, settings, StudentActor(plan.oppija, STUDENT_NAME))


def csrf_of(headers: dict[str, str]) -> str:
    return headers["X-CSRF-Token"]


def visible_text(html: str) -> str:
    """The page's text as a reader sees it: no markup, no attribute values."""
    main = html.split("<main", 1)[1].split(">", 1)[1].split("</main>", 1)[0]
    text = re.sub(r"<[^>]+>", " ", main)
    return " ".join(text.replace("&nbsp;", " ").split())


UNIT_NAMES = {
    "fi": "Automaatiojärjestelmien asennus ja käyttöönotto",
    "sv": "Installation och driftsättning av automationssystem",
    "en": "Installation and commissioning of automation systems",
}
HEADINGS = {
    "fi": "Osaamisen kehittämissuunnitelmani",
    "sv": "Min personliga utvecklingsplan för kunnandet",
    "en": "My personal competence development plan",
}
TABS = ("", "/osaamiseni", "/opiskelusuunnitelmani", "/aikajana", "/tulosta", "/jaot")


# Reading the plan.


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
@pytest.mark.parametrize("tail", TABS)
def test_every_page_of_a_plan_in_every_language(client, student, plan, lang, tail):
    response = client.get(f"/ehoks/suunnittelu/{plan.eid}{tail}?lang={lang}")
    assert response.status_code == 200, response.text
    assert f'<html lang="{lang}">' in response.text
    text = visible_text(response.text)
    assert HEADINGS[lang] in text
    assert not re.search(r"\b\d{4}-\d{2}-\d{2}\b", text), "an ISO date is shown"
    assert "tutkinnonosat_106162" not in text
    assert "osaamisenhankkimistapa_" not in text
    if tail in ("/opiskelusuunnitelmani", "/aikajana", "/tulosta"):
        assert UNIT_NAMES[lang] in text
        start = date.fromisoformat(plan.ongoing_period["alku"])
        assert i18n.format_day(start, lang) in text
    if tail == "":
        assert {"fi": "Sähkö- ja automaatioalan perustutkinto"}.get(lang, "") in text
    # The tabs are links; the current one says so.
    assert response.text.count('aria-current="page"') == (0 if tail == "/tulosta" else 1)


def test_the_goal_tab_shows_the_basic_data_with_texts_for_what_is_missing(client, student, plan):
    text = visible_text(client.get(f"/ehoks/suunnittelu/{plan.eid}?lang=fi").text)
    for expected in (
        "Tavoitteeni ja perustietoni",
        "Sovittua osaamista ei ole vielä saavutettu",
        "Sinulla on osaamisen hankkimisen tarve.",
        "Työelämään siirtyminen",  # the career plan by its Koodisto name
        "Testiopisto",
        "riikka.rikas@example.org",
        "050 765 4321",
        STUDENT_NAME,
    ):
        assert expected in text


def test_the_prior_competence_tab_explains_each_verification(client, student, plan):
    text = visible_text(client.get(f"/ehoks/suunnittelu/{plan.eid}/osaamiseni?lang=fi").text)
    assert "Kiinteistöjen sähköasennukset ja huolto" in text
    assert "Osaaminen lähetetty arvioitavaksi" in text
    assert "Pirjo Arvioija" in text
    assert "Osaaminen osoitetaan näytössä" in text
    assert "Turvakoulu Oy" in text
    assert "Osaaminen tunnistettu suoraan" in text
    assert "Viestintä ja vuorovaikutus vieraalla kielellä" in text


def test_the_study_plan_tab_groups_units_and_shows_every_part(client, student, plan):
    html = client.get(f"/ehoks/suunnittelu/{plan.eid}/opiskelusuunnitelmani?lang=fi").text
    text = visible_text(html)
    for expected in (
        "Suunnitellut opintoni (3)",
        "Aikataulutetut opintoni (3)",
        "Valmiit opintoni (1)",
        "Tutkinnon osan tila määräytyy",  # the rule, in words
        "14 päivää",
        "Sähkö-Saarinen Oy",
        "Olli Ohjaaja",
        "040 123 4567",
        "Sähköasennukset omakotitaloissa",
        "Kaisa Opettaja",  # the provider's representative and assessor
        "Työsopimussuhde",  # apprenticeship basis
        "Simulaatio- tai virtuaaliympäristö",
        "80 % työajasta",
        "Keskeytykset",
        "Tiina Työelämä",
        "Kirjallinen osuus suullisesti",
        "Työskentelee turvallisesti ohjattuna",
        "Ammattitaitovaatimukset ja arviointikriteerit",
        "Tyydyttävä T1",
        "ePerusteet-palvelu ei kuvannut tätä tutkinnon osaa",  # the unknown unit
        "Dronekuvaus sähkötöissä",
        "Tukiopetus",
        "Matematiikan tukiopinnot",
        "Jaa nämä tiedot",
    ):
        assert expected in text, expected
    # Collapsible parts are <details>: they open without JavaScript.
    assert "<details" in html
    assert "<script>" not in html


def test_the_timeline_tells_what_comes_next(client, student, plan):
    text = visible_text(client.get(f"/ehoks/suunnittelu/{plan.eid}/aikajana?lang=fi").text)
    assert "Seuraavaksi" in text
    upcoming = text.split("Seuraavaksi", 1)[1]
    assert upcoming.index("Dronekuvaus sähkötöissä") < upcoming.index("Käynnissä nyt")
    for part in ("Käynnissä nyt (2)", "Tulossa (2)", "Menneet (3)", "Keskeytys"):
        assert part in text


def test_the_print_version_has_everything_open_and_links_the_pdf(client, student, plan):
    html = client.get(f"/ehoks/suunnittelu/{plan.eid}/tulosta?lang=fi").text
    assert re.findall(r"<details(?![^>]*\bopen\b)[^>]*>", html) == []
    assert "data-print" in html
    assert f"/ehoks/suunnittelu/{plan.eid}/pdf" in html
    text = visible_text(html)
    for part in ("Tavoitteeni ja perustietoni", "Aiempi osaamiseni", "Opintojen eteneminen"):
        assert part in text
    assert "Aikajana" in text
    assert "Tyydyttävä T1" in text
    assert html.count("<h1") == 1


def test_the_list_shows_every_plan_newest_first_with_its_state(
    client, student, plan, db, settings, world
):
    old = world.oppijat[plan.oppija]["opiskeluoikeudet"][0]
    ended = {
        **old,
        "oid": "1.2.246.562.15.10000000009",
        "alkamispäivä": "2019-08-01",
        "arvioituPäättymispäivä": "2022-05-31",
    }
    world.add_oppija("rikas", oid=plan.oppija, opiskeluoikeudet=[ended])
    deps = build_runtime(settings, db).context()
    body = {
        "oppija-oid": plan.oppija,
        "opiskeluoikeus-oid": ended["oid"],
        "ensikertainen-hyvaksyminen": "2019-09-01",
        "osaamisen-hankkimisen-tarve": False,
    }
    with make_session_factory(db).begin() as session:
        hoks_service.create(session, SystemActor("test"), body, deps)
    # Koski then records the study right as completed (the list asks Koski for the state).
    ended["tila"] = {
        "opiskeluoikeusjaksot": [
            {"alku": "2019-08-01", "tila": {"koodiarvo": "lasna"}},
            {"alku": "2022-05-31", "tila": {"koodiarvo": "valmistunut"}},
        ]
    }
    ended["päättymispäivä"] = "2022-05-31"
    world.changed()
    response = client.get("/ehoks/suunnittelu?lang=fi")
    assert response.status_code == 200
    text = visible_text(response.text)
    active, ended_part = text.split("Päättyneet suunnitelmat")
    assert "Voimassa" in active
    assert "Läsnä" in active
    assert "Aloitettu 1.8.2024" in active
    assert "Valmistunut" in ended_part
    assert "Opiskeluoikeus päättynyt 31.5.2022" in ended_part
    assert f'href="/ehoks/suunnittelu/{plan.eid}"' in response.text


def test_a_student_without_a_plan_is_told_what_a_plan_is(client, db, settings, world):
    oppija, _ = world.add_oppija("tyhja")
    login(client, db, settings, StudentActor(oppija, "Tyhjä Oppija"))
    for lang in ("fi", "sv", "en"):
        response = client.get(f"/ehoks/suunnittelu?lang={lang}")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/html")
        assert f'<html lang="{lang}">' in response.text
    assert "Mikä on HOKS?" in client.get("/ehoks/suunnittelu?lang=fi").text


def test_someone_elses_plan_is_a_page_not_json_and_the_attempt_is_audited(
    client, plan, db, settings, world
):
    other, _ = world.add_oppija("toinen")
    login(client, db, settings, StudentActor(other, "Toni Toinen"))
    response = client.get(f"/ehoks/suunnittelu/{plan.eid}?lang=fi")
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("text/html")
    assert "Ei käyttöoikeutta" in response.text
    assert plan.document["sahkoposti"] not in response.text
    denied = _events(db, hoks_id=plan.hoks_id, outcome="denied")
    assert [e.actor_id for e in denied] == [other]
    missing = client.get("/ehoks/suunnittelu/00000000-0000-4000-8000-000000000000?lang=sv")
    assert missing.status_code == 404
    assert '<html lang="sv">' in missing.text


@pytest.mark.parametrize("tail", ["", "/aikajana", "/jaot", "/jaot/uusi?osa=x"])
def test_without_a_session_the_page_offers_the_login_back_here(client, plan, tail):
    response = client.get(f"/ehoks/suunnittelu/{plan.eid}{tail}")
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("text/html")
    back = response.text.replace("%2F", "/").replace("%3F", "?").replace("%3D", "=")
    assert f"/ehoks/kirjaudu/oppija?paluu=/ehoks/suunnittelu/{plan.eid}" in back


def test_every_plan_shown_is_an_audited_read(client, student, plan, db):
    client.get(f"/ehoks/suunnittelu/{plan.eid}/opiskelusuunnitelmani")
    client.get("/ehoks/suunnittelu")
    reads = _events(db, hoks_id=plan.hoks_id, operation="read", outcome="succeeded")
    assert len(reads) == 2
    assert {(e.actor_id, e.legal_basis) for e in reads} == {(plan.oppija, "own")}


def _events(db: Engine, **where: Any) -> list[AuditEvent]:
    with make_session_factory(db).begin() as session:
        statement = select(AuditEvent).order_by(AuditEvent.seq)
        for key, value in where.items():
            statement = statement.where(getattr(AuditEvent, key) == value)
        events = list(session.scalars(statement))
        session.expunge_all()
        return events


def _shares(db: Engine) -> list[Jako]:
    with make_session_factory(db).begin() as session:
        rows = list(session.scalars(select(Jako).order_by(Jako.created_at)))
        session.expunge_all()
        return rows


# Shares.

RECIPIENT = "veera@example.org"


def _share_form(plan: RichPlan, csrf: str, **fields: str) -> dict[str, str]:
    today = today_in_finland()
    return {
        "csrf_token": csrf,
        "osa": plan.ongoing_period["module-id"],
        "nimi": "Veera Vastaanottaja",
        "sahkoposti": RECIPIENT,
        "organisaatio": "Sähkö-Saarinen Oy",
        "alku": today.isoformat(),
        "loppu": (today + timedelta(days=30)).isoformat(),
        **fields,
    }


def test_the_share_form_starts_from_the_parts_dates(client, student, plan):
    period = plan.ongoing_period  # began a month ago
    response = client.get(f"/ehoks/suunnittelu/{plan.eid}/jaot/uusi?osa={period['module-id']}")
    assert response.status_code == 200
    assert f'value="{today_in_finland().isoformat()}"' in response.text
    assert f'value="{period["loppu"]}"' in response.text
    assert "Olet jakamassa näitä tietoja" in response.text
    assert "Sähkö-Saarinen Oy" in response.text
    unknown = client.get(f"/ehoks/suunnittelu/{plan.eid}/jaot/uusi?osa=ei-ole")
    assert unknown.status_code == 404
    assert "text/html" in unknown.headers["content-type"]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"nimi": " "}, "nimi", "Kirjoita vastaanottajan nimi."),
        ({"sahkoposti": "ei-osoite"}, "sahkoposti", "Kirjoita sähköpostiosoite muodossa"),
        ({"loppu": "1.1.2020"}, "loppu", "Päättymispäivä ei voi olla menneisyydessä."),
        ({"alku": "2099-01-01", "loppu": "2099-01-02"}, "alku", "enintään vuoden päässä"),
        ({"loppu": "31.2.2027"}, "loppu", "Anna päivämäärä muodossa pp.kk.vvvv"),
        ({"alku": ""}, "alku", "Anna päivä, josta alkaen"),
    ],
)
def test_share_form_errors_are_named_at_their_fields_and_nothing_is_stored(
    client,
    student,
    plan,
    db,
    smtp_server,  # noqa: F811 (fixture)
    fields,
    field,
    message,
):
    data = _share_form(plan, csrf_of(student), **fields)
    response = client.post(f"/ehoks/suunnittelu/{plan.eid}/jaot/uusi?lang=fi", data=data)
    assert response.status_code == 400
    assert f'id="{field}-error"' in response.text
    error = response.text.split(f'id="{field}-error"', 1)[1].split("</span>", 2)[1]
    assert message in error
    assert f'href="#{field}"' in response.text  # the summary links the field
    assert 'value="Sähkö-Saarinen Oy"' in response.text  # what was typed is kept
    assert _shares(db) == []
    assert smtp_server.messages == []


def test_an_end_before_the_start_and_a_window_over_a_year_are_refused(client, student, plan, db):
    today = today_in_finland()
    for alku, loppu, message in (
        (today + timedelta(days=10), today + timedelta(days=5), "ennen alkamispäivää"),
        (today, today + timedelta(days=400), "enintään vuoden"),
    ):
        data = _share_form(plan, csrf_of(student), alku=alku.isoformat(), loppu=loppu.isoformat())
        response = client.post(f"/ehoks/suunnittelu/{plan.eid}/jaot/uusi", data=data)
        assert response.status_code == 400
        assert message in response.text
    assert _shares(db) == []


def test_a_share_is_made_mailed_listed_and_revoked(
    client,
    student,
    plan,
    db,
    smtp_server,  # noqa: F811 (fixture)
):
    response = client.post(
        f"/ehoks/suunnittelu/{plan.eid}/jaot/uusi",
        data=_share_form(plan, csrf_of(student)),
        follow_redirects=False,
    )
    assert response.status_code == 303
    (jako,) = _shares(db)
    assert response.headers["location"] == f"/ehoks/suunnittelu/{plan.eid}/jaot/{jako.id}?luotu=1"
    assert jako.module_ids == [plan.ongoing_period["module-id"]]
    assert jako.vastaanottaja_organisaatio == "Sähkö-Saarinen Oy"
    assert smtp_server.to(RECIPIENT), "the recipient was mailed"

    created = client.get(response.headers["location"] + "&lang=fi")
    text = visible_text(created.text)
    assert "Tiedot on jaettu." in text
    assert RECIPIENT in text
    assert f"{BASE_URL}/ehoks/jako/{jako.id}" in created.text
    assert 'data-copy="jakolinkki"' in created.text

    listed = visible_text(client.get(f"/ehoks/suunnittelu/{plan.eid}/jaot?lang=fi").text)
    assert "Veera Vastaanottaja" in listed
    assert "Voimassa" in listed
    assert "Työpaikalla oppiminen" in listed

    confirm = client.get(f"/ehoks/suunnittelu/{plan.eid}/jaot/{jako.id}/peru?lang=fi")
    assert confirm.status_code == 200
    assert "Kyllä, peru jako" in confirm.text
    assert _shares(db)[0].revoked_at is None  # asking changes nothing
    revoked = client.post(
        f"/ehoks/suunnittelu/{plan.eid}/jaot/{jako.id}/peru",
        data={"csrf_token": csrf_of(student)},
        follow_redirects=False,
    )
    assert revoked.status_code == 303
    assert revoked.headers["location"] == f"/ehoks/suunnittelu/{plan.eid}/jaot?peruttu=jaot"
    assert _shares(db)[0].revoked_at is not None
    after = visible_text(client.get(revoked.headers["location"] + "&lang=fi").text)
    assert "Peruttu. Vastaanottaja ei enää näe tietoja." in after
    assert "Peru jako" not in after  # nothing left to revoke


def test_a_form_without_its_check_value_stores_nothing(client, student, plan, db):
    data = _share_form(plan, "väärä")
    response = client.post(f"/ehoks/suunnittelu/{plan.eid}/jaot/uusi", data=data)
    assert response.status_code == 403
    assert "text/html" in response.headers["content-type"]
    assert _shares(db) == []


def test_a_share_is_stored_with_its_mail_and_no_mail_server_is_asked(
    client, student, plan, db, monkeypatch
):
    # The mail goes to the outbox in the share's transaction; the worker sends it later.
    def no_smtp_in_a_request(self: Any, mail: Any) -> None:
        raise AssertionError("the request talked to the mail server")

    monkeypatch.setattr(SmtpMailer, "send", no_smtp_in_a_request)
    response = client.post(
        f"/ehoks/suunnittelu/{plan.eid}/jaot/uusi?lang=fi",
        data=_share_form(plan, csrf_of(student)),
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    assert len(_shares(db)) == 1
    with make_session_factory(db)() as session:
        (job,) = session.scalars(select(OutboxJob)).all()
    assert (job.kind, job.state, job.payload["to"]) == ("mail", "pending", RECIPIENT.lower())


def test_another_students_share_cannot_be_revoked(
    client,
    plan,
    db,
    settings,
    world,
    smtp_server,  # noqa: F811 (fixture: the share's mail is delivered)
):
    own = login(client, db, settings, StudentActor(plan.oppija, STUDENT_NAME))
    client.post(f"/ehoks/suunnittelu/{plan.eid}/jaot/uusi", data=_share_form(plan, csrf_of(own)))
    (jako,) = _shares(db)
    other, _ = world.add_oppija("toinen")
    headers = login(client, db, settings, StudentActor(other, "Toni Toinen"))
    response = client.post(
        f"/ehoks/suunnittelu/{plan.eid}/jaot/{jako.id}/peru", data={"csrf_token": csrf_of(headers)}
    )
    assert response.status_code == 403
    assert _shares(db)[0].revoked_at is None


# Consents.


def test_a_consent_for_chosen_parts_is_given_and_revoked(
    client,
    student,
    plan,
    db,
    smtp_server,  # noqa: F811 (fixture: the consent's mail is delivered)
):
    unit = plan.unit("hankittavat-ammat-tutkinnon-osat", 1)
    today = today_in_finland()
    data = {
        "csrf_token": csrf_of(student),
        "nimi": "Erkki Työnantaja",
        "sahkoposti": "erkki@example.org",
        "organisaatio": "Sähkö-Saarinen Oy",
        "tarkoitus": "Oppisopimuksen suunnittelu",
        "laajuus": "osat",
        "osat": [unit["module-id"]],
        "alku": today.isoformat(),
        "loppu": (today + timedelta(days=60)).isoformat(),
    }
    response = client.post(
        f"/ehoks/suunnittelu/{plan.eid}/suostumukset/uusi", data=data, follow_redirects=False
    )
    assert response.status_code == 303, response.text
    (jako,) = _shares(db)
    assert (jako.laji, jako.module_ids, jako.tarkoitus) == (
        "suostumus",
        [unit["module-id"]],
        "Oppisopimuksen suunnittelu",
    )
    shown = visible_text(client.get(response.headers["location"] + "&lang=fi").text)
    assert "Suostumus on annettu." in shown
    assert "Oppisopimuksen suunnittelu" in shown
    assert UNIT_NAMES["fi"] in shown
    listed = visible_text(client.get(f"/ehoks/suunnittelu/{plan.eid}/jaot?lang=fi").text)
    assert "Erkki Työnantaja" in listed
    revoked = client.post(
        f"/ehoks/suunnittelu/{plan.eid}/suostumukset/{jako.id}/peru",
        data={"csrf_token": csrf_of(student)},
        follow_redirects=False,
    )
    assert revoked.status_code == 303
    assert _shares(db)[0].revoked_at is not None


def test_consent_form_errors(client, student, plan, db):
    data = {
        "csrf_token": csrf_of(student),
        "nimi": "Erkki",
        "sahkoposti": "erkki@example.org",
        "laajuus": "osat",
        "alku": today_in_finland().isoformat(),
        "loppu": (today_in_finland() + timedelta(days=5)).isoformat(),
    }
    response = client.post(f"/ehoks/suunnittelu/{plan.eid}/suostumukset/uusi?lang=fi", data=data)
    assert response.status_code == 400
    for field in ("organisaatio", "tarkoitus", "osat"):
        assert f'id="{field}-error"' in response.text
    assert _shares(db) == []


# Who has read.


def test_who_has_read_my_plan_in_plain_words_paged(
    client, student, plan, db, settings, clients, world
):
    api = clients.headers(world.oppilaitos_1)
    for _ in range(21):
        read = client.get(f"/ehoks-virkailija-backend/api/v1/hoks/{plan.hoks_id}", headers=api)
        assert read.status_code == 200
    login(client, db, settings, EmailActor("olli@example.org"))
    assert client.get("/ehoks-oppija-backend/api/v1/tyopaikka/hoksit").status_code == 200
    login(client, db, settings, StudentActor(plan.oppija, STUDENT_NAME))

    response = client.get("/ehoks/lukijat?lang=fi")
    assert response.status_code == 200
    text = visible_text(response.text)
    assert "Kuka on katsonut suunnitelmaani" in text
    assert "Työpaikkaohjaajasi" in text
    assert "Vain häntä koskevat suunnitelman osat" in text
    assert "Oppilaitoksen opiskelijahallintojärjestelmä" in text
    assert "ammatillisesta koulutuksesta annettu laki" in text
    assert not re.search(r"\d{4}-\d{2}-\d{2}T", text)
    assert "Vanhemmat" in text
    older = re.search(r'href="/ehoks/lukijat\?ennen=(\d+)"', response.text)
    assert older is not None
    second = client.get(f"/ehoks/lukijat?ennen={older.group(1)}&lang=sv")
    assert second.status_code == 200
    assert '<html lang="sv">' in second.text
    assert "Uusimmat" not in second.text  # Swedish page


def test_nobody_has_read_yet(client, student, plan):
    text = visible_text(client.get("/ehoks/lukijat?lang=fi").text)
    assert "Kukaan muu ei ole vielä katsonut suunnitelmiasi." in text


# The demo's plans (what `make run` shows).


def test_every_demo_plan_renders_in_every_language(client, db, settings):
    load_demo(settings, db)
    with make_session_factory(db).begin() as session:
        plans = [(h.oppija_oid, h.eid) for h in session.scalars(select(Hoks))]
    assert len(plans) >= 12
    for oppija, eid in plans:
        login(client, db, settings, StudentActor(oppija, "Demo"))
        assert client.get("/ehoks/suunnittelu").status_code == 200
        for lang in ("fi", "sv", "en"):
            for tail in TABS:
                response = client.get(f"/ehoks/suunnittelu/{eid}{tail}?lang={lang}")
                assert response.status_code == 200, (eid, tail, lang)
                text = visible_text(response.text)
                assert not re.search(r"\b\d{4}-\d{2}-\d{2}\b", text), (eid, tail)
                assert "_koodi" not in text
