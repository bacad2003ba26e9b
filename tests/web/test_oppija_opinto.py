"""The study right on the student's pages as Koski has it now (reference ehoks-ui 3.1 and 4.2):
its state by name, the tutkintonimike, ", osittainen" for a partial qualification, the actual
end date of an ended study right, the qualification's scope (not known: ePerusteet gives no
total), in Finnish, Swedish and English; and, when Koski cannot be asked, the learner index's
row with a notice that the state could not be checked."""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Iterator
from typing import Any

import pypdf
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from ehoks.access.actor import StudentActor, SystemActor
from ehoks.config import Settings
from ehoks.context import build_runtime
from ehoks.db import make_session_factory
from ehoks.demo.oids import opiskeluoikeus_oid
from ehoks.errors import RegistryUnavailable
from ehoks.hoks import service as hoks_service
from ehoks.main import create_app
from ehoks.registries import build_registries
from ehoks.registries.ports import Opiskeluoikeus
from ehoks.web import i18n
from tests.factories import World, koski_opiskeluoikeus
from tests.sessions import BASE_URL, login
from tests.web.test_oppija_pages import visible_text

NAMES = {
    "fi": "Ravintola- ja catering-alan perustutkinto",
    "sv": "Grundexamen inom restaurang- och cateringbranschen",
    "en": "Vocational qualification in Restaurant and Catering Services",
}
NIMIKE = {"fi": "Kokki", "sv": "Kock", "en": "Cook"}
OSITTAIN = {"fi": ", osittainen", "sv": ", del av examen", "en": ", partial"}
KESKEYTYNYT = {
    "fi": "Väliaikaisesti keskeytynyt",
    "sv": "Tillfälligt avbruten",
    "en": "Temporarily suspended",
}
VALMISTUNUT = {"fi": "Valmistunut", "sv": "Utexaminerad", "en": "Graduated"}
ENDED = {"fi": "Opiskeluoikeus päättynyt", "sv": "Studierätten upphörde", "en": "Study right ended"}
ESTIMATED = {
    "fi": "Opiskeluoikeuden arvioitu päättymispäivä",
    "sv": "Studierättens beräknade slutdatum",
    "en": "Estimated end of the study right",
}
ENDED_ON = {"fi": "31.5.2025", "sv": "31 maj 2025", "en": "31 May 2025"}
TILA = {
    "fi": "Opiskeluoikeuden tila",
    "sv": "Studierättens status",
    "en": "Status of the study right",
}
SCOPE = {  # ePerusteet gives no total scope
    "fi": "Tutkinnon laajuus Ei tiedossa",
    "sv": "Examens omfattning Inte känt",
    "en": "Scope of the qualification Not known",
}
NOTICE = {
    "fi": "Opiskeluoikeutesi nykyistä tilaa ei juuri nyt voitu tarkistaa",
    "sv": "Det gick inte att kontrollera din studierätts nuvarande status",
    "en": "The current status of your study right could not be checked",
}
LIST_NOTICE = "Opiskeluoikeuksiesi nykyistä tilaa ei juuri nyt voitu tarkistaa"


def study_right(
    world: World,
    seed: str,
    *,
    suoritustyyppi: str = "ammatillinentutkinto",
    jaksot: list[tuple[str, str]] | None = None,
    paattymispaiva: str | None = None,
) -> dict[str, Any]:
    """A Koski study right as Koski writes it: names in three languages, a tutkintonimike, the
    peruste's diary number, the state's periods."""
    document = koski_opiskeluoikeus(
        oid=opiskeluoikeus_oid(seed),
        oppilaitos=world.oppilaitos_1,
        koulutustoimija=world.koulutustoimija_1,
        alkamispaiva="2022-08-15",
        arvioitu_paattymispaiva="2025-06-30",
        suoritustyyppi=suoritustyyppi,
    )
    suoritus = document["suoritukset"][0]
    suoritus["koulutusmoduuli"] = {
        "tunniste": {"koodiarvo": "351301", "nimi": NAMES, "koodistoUri": "koulutus"},
        "perusteenDiaarinumero": "OPH-2580-2018",
    }
    suoritus["tutkintonimike"] = [
        {"koodiarvo": "10093", "nimi": NIMIKE, "koodistoUri": "tutkintonimikkeet"},
        {"koodiarvo": "10094", "nimi": {"fi": "Tarjoilija"}, "koodistoUri": "tutkintonimikkeet"},
    ]
    document["tila"] = {
        "opiskeluoikeusjaksot": [
            {"alku": alku, "tila": {"koodiarvo": tila, "koodistoUri": "koskiopiskeluoikeudentila"}}
            for alku, tila in (jaksot or [("2022-08-15", "lasna")])
        ]
    }
    if paattymispaiva:
        document["päättymispäivä"] = paattymispaiva
    return document


def add_plan(engine: Engine, settings: Settings, oppija: str, oid: str) -> str:
    deps = build_runtime(settings, engine).context()
    body = {
        "oppija-oid": oppija,
        "opiskeluoikeus-oid": oid,
        "ensikertainen-hyvaksyminen": "2022-09-01",
        "osaamisen-hankkimisen-tarve": True,
    }
    with make_session_factory(engine).begin() as session:
        written = hoks_service.create(session, SystemActor("test"), body, deps)
    with make_session_factory(engine).begin() as session:
        hoks, _ = hoks_service.get(session, SystemActor("test"), written.hoks_id, deps)
        return hoks.eid


def end_study_right(world: World, document: dict[str, Any]) -> None:
    """Koski records the study right as completed on 31.5.2025 (after the HOKS was written:
    a HOKS is written for a study right in force)."""
    document["tila"]["opiskeluoikeusjaksot"].append(
        {"alku": "2025-05-31", "tila": {"koodiarvo": "valmistunut"}}
    )
    document["päättymispäivä"] = "2025-05-31"
    world.changed()


@dataclasses.dataclass
class Student:
    oppija: str
    keskeytynyt: str
    """The eid of the plan of a partial qualification, its study right temporarily suspended."""
    valmistunut: str
    """The eid of the plan whose study right has ended (completed)."""


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    # The session cookie is Secure: an HTTPS base URL sends it.
    with TestClient(app, base_url=BASE_URL) as test_client:
        yield test_client


@pytest.fixture
def student(db: Engine, settings: Settings, world: World) -> Student:
    partial = study_right(
        world,
        "opinto-osittain",
        suoritustyyppi="ammatillinentutkintoosittainen",
        jaksot=[("2022-08-15", "lasna"), ("2024-03-01", "valiaikaisestikeskeytynyt")],
    )
    completed = study_right(world, "opinto-valmis")
    oppija, _ = world.add_oppija("opinto", opiskeluoikeudet=[partial, completed])
    keskeytynyt = add_plan(db, settings, oppija, partial["oid"])
    valmistunut = add_plan(db, settings, oppija, completed["oid"])
    end_study_right(world, completed)
    return Student(oppija, keskeytynyt, valmistunut)


def logged_in(client: TestClient, db: Engine, settings: Settings, student: Student) -> None:
    login(client, db, settings, StudentActor(student.oppija, "Oona Opiskelija"))


class DownKoski:
    """Koski that does not answer (the HTTP client raises this on a timeout or a 503)."""

    def get_opiskeluoikeus(self, oid: str) -> Opiskeluoikeus | None:
        raise RegistryUnavailable("Koski", "timeout")

    def get_oppijan_opiskeluoikeudet(self, oppija_oid: str) -> list[Opiskeluoikeus] | None:
        raise RegistryUnavailable("Koski", "timeout")

    def get_opiskeluoikeus_document(self, oid: str) -> dict[str, Any] | None:
        raise RegistryUnavailable("Koski", "timeout")


class ForgetfulKoski(DownKoski):
    """Koski that no longer knows any study right."""

    def get_opiskeluoikeus(self, oid: str) -> Opiskeluoikeus | None:
        return None


def client_with_koski(db: Engine, settings: Settings, koski: Any) -> TestClient:
    registries = dataclasses.replace(build_registries(settings, db), koski=koski)
    return TestClient(create_app(settings, engine=db, registries=registries), base_url=BASE_URL)


# Koski answers.


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_the_goal_tab_shows_the_state_tutkintonimike_and_partial_qualification(
    client, db, settings, student, lang
):
    logged_in(client, db, settings, student)

    response = client.get(f"/ehoks/suunnittelu/{student.keskeytynyt}?lang={lang}")

    assert response.status_code == 200
    text = visible_text(response.text)
    assert f"{NAMES[lang]}{OSITTAIN[lang]}" in text  # the header and the basic data
    assert text.count(f"{NAMES[lang]}{OSITTAIN[lang]}") == 2
    assert f"{TILA[lang]} {KESKEYTYNYT[lang]}" in text
    assert NIMIKE[lang] in text
    assert "Tarjoilija" not in text  # the first tutkintonimike only
    assert ESTIMATED[lang] in text
    assert NOTICE[lang] not in text
    assert SCOPE[lang] in text


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_an_ended_study_right_shows_its_actual_end_and_state(client, db, settings, student, lang):
    logged_in(client, db, settings, student)

    for tail in ("", "/tulosta"):
        response = client.get(f"/ehoks/suunnittelu/{student.valmistunut}{tail}?lang={lang}")

        assert response.status_code == 200
        text = visible_text(response.text)
        assert f"{ENDED[lang]} {ENDED_ON[lang]}" in text
        assert ESTIMATED[lang] not in text
        assert f"{TILA[lang]} {VALMISTUNUT[lang]}" in text
        assert f"{NAMES[lang]}{OSITTAIN[lang]}" not in text
        assert NAMES[lang] in text


def test_the_list_shows_each_study_rights_state_and_end(client, db, settings, student):
    logged_in(client, db, settings, student)

    for lang in ("fi", "sv", "en"):
        text = visible_text(client.get(f"/ehoks/suunnittelu?lang={lang}").text)
        # The suspended study right's plan is in force although its estimated end has passed.
        active, ended = text.split(i18n.translations(lang).gettext("Päättyneet suunnitelmat"))
        assert f"{NAMES[lang]}{OSITTAIN[lang]}" in active
        assert f"{TILA[lang]}: {KESKEYTYNYT[lang]}" in active
        assert f"{TILA[lang]}: {VALMISTUNUT[lang]}" in ended
        assert f"{ENDED[lang]} {ENDED_ON[lang]}" in ended
        assert f"{NAMES[lang]}{OSITTAIN[lang]}" not in ended
    assert LIST_NOTICE not in text


def test_the_pdf_is_made_from_koskis_answer(client, db, settings, student):
    logged_in(client, db, settings, student)

    response = client.get(f"/ehoks/suunnittelu/{student.valmistunut}/pdf?lang=fi")

    assert response.status_code == 200
    pages = pypdf.PdfReader(io.BytesIO(response.content)).pages
    text = " ".join(" ".join(page.extract_text().split()) for page in pages)
    assert "Opiskeluoikeuden tila Valmistunut" in text
    assert "Opiskeluoikeus päättynyt 31.5.2025" in text
    assert "Tutkintonimike Kokki" in text


def test_a_state_the_pages_do_not_name_is_shown_by_koskis_name(client, db, settings, world):
    document = study_right(world, "opinto-loma")
    oppija, _ = world.add_oppija("loma", opiskeluoikeudet=[document])
    eid = add_plan(db, settings, oppija, document["oid"])
    document["tila"]["opiskeluoikeusjaksot"].append(
        {
            "alku": "2024-01-01",
            "tila": {"koodiarvo": "loma", "nimi": {"fi": "Loma", "sv": "Ledig"}},
        }
    )
    world.changed()
    login(client, db, settings, StudentActor(oppija, "Lotta Loma"))

    fi = visible_text(client.get(f"/ehoks/suunnittelu/{eid}?lang=fi").text)
    en = visible_text(client.get(f"/ehoks/suunnittelu/{eid}?lang=en").text)

    assert f"{TILA['fi']} Loma" in fi
    assert f"{TILA['en']} Loma" in en  # no English name: Finnish, as every multilingual text


# Koski cannot be asked.


@pytest.mark.parametrize("koski", [DownKoski(), ForgetfulKoski()], ids=["down", "forgotten"])
@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_without_koski_the_page_shows_the_index_with_a_notice(db, settings, student, koski, lang):
    with client_with_koski(db, settings, koski) as down:
        logged_in(down, db, settings, student)

        response = down.get(f"/ehoks/suunnittelu/{student.keskeytynyt}?lang={lang}")

    assert response.status_code == 200
    text = visible_text(response.text)
    assert NOTICE[lang] in text
    assert NAMES[lang] in text  # the index keeps the names Koski gave when it was indexed
    assert OSITTAIN[lang] not in text  # the index does not know
    assert KESKEYTYNYT[lang] not in text
    assert ESTIMATED[lang] in text


def test_without_koski_the_list_groups_by_the_estimated_end_and_says_so(db, settings, student):
    with client_with_koski(db, settings, DownKoski()) as down:
        logged_in(down, db, settings, student)

        response = down.get("/ehoks/suunnittelu?lang=fi")

    assert response.status_code == 200
    text = visible_text(response.text)
    assert LIST_NOTICE in text
    # Both estimated ends (30.6.2025) have passed: by date, as without Koski, both have ended.
    assert "Sinulla ei ole voimassa olevaa suunnitelmaa." in text
    assert "Valmistunut" not in text
    assert "Opiskeluoikeus päättynyt 30.6.2025" in text
