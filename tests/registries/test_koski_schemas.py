"""``opiskeluoikeus_from_koski`` on the recorded Koski answers (reference 4.1 and 8.6)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from ehoks.demo.loader import DATA_DIR
from ehoks.registries.koski.schemas import opiskeluoikeus_from_koski


def recorded(shared_reference: Path, name: str) -> Any:
    return json.loads((shared_reference / "external-services" / name).read_text(encoding="utf-8"))


@pytest.fixture
def oppija(shared_reference: Path) -> dict[str, Any]:
    document: dict[str, Any] = recorded(
        shared_reference, "koski_api_oppija_1.2.246.562.24.44651722625.json"
    )
    return document


class TestOpiskeluoikeusFromKoski:
    def test_a_completed_vocational_study_right(self, oppija: dict[str, Any]) -> None:
        document = next(
            o for o in oppija["opiskeluoikeudet"] if o["oid"] == "1.2.246.562.15.10359275566"
        )

        found = opiskeluoikeus_from_koski(document, oppija["henkilö"]["oid"])

        assert found.oid == "1.2.246.562.15.10359275566"
        assert found.oppija_oid == "1.2.246.562.24.44651722625"
        assert found.tyyppi == "ammatillinenkoulutus"
        assert found.is_allowed_tyyppi
        assert found.tila == "valmistunut"
        assert not found.is_active
        assert not found.katsotaan_eronneeksi
        assert found.oppilaitos_oid == "1.2.246.562.10.57057574493"
        assert found.koulutustoimija_oid == "1.2.246.562.10.616156607610"
        assert found.alkamispaiva == date(2012, 9, 1)
        assert found.arvioitu_paattymispaiva == date(2015, 5, 31)
        assert found.paattymispaiva == date(2016, 5, 31)
        assert found.viimeisin_tila == (date(2016, 5, 31), "valmistunut")
        assert found.tutkinto_nimi["fi"] == "Luonto- ja ympäristöalan perustutkinto"
        assert found.osaamisala_nimi == {
            "fi": "Ympäristöalan osaamisala",
            "sv": "Kompetensområdet för miljö",
        }
        assert found.in_kohderyhma
        assert not found.is_included_in_another

    def test_the_latest_state_is_the_latest_jakso_whatever_their_order(self) -> None:
        jaksot = [
            {"alku": "2025-03-15", "tila": {"koodiarvo": "eronnut"}},
            {"alku": "2024-08-01", "tila": {"koodiarvo": "lasna"}},
        ]
        found = opiskeluoikeus_from_koski({"tila": {"opiskeluoikeusjaksot": jaksot}}, None)
        assert found.viimeisin_tila == (date(2025, 3, 15), "eronnut")
        assert opiskeluoikeus_from_koski({"tila": {}}, None).viimeisin_tila is None

    def test_a_basic_education_study_right_is_not_allowed(self, oppija: dict[str, Any]) -> None:
        document = next(
            o for o in oppija["opiskeluoikeudet"] if o["tyyppi"]["koodiarvo"] == "perusopetus"
        )

        found = opiskeluoikeus_from_koski(document, None)

        assert not found.is_allowed_tyyppi
        assert found.tutkinto_nimi == {"fi": "", "sv": ""}

    def test_the_latest_jakso_decides_the_tila(self, shared_reference: Path) -> None:
        document = recorded(
            shared_reference, "koski_api_opiskeluoikeus_1.2.246.562.15.13312692646.json"
        )

        found = opiskeluoikeus_from_koski(document, None)

        assert found.tyyppi == "muukuinsaanneltykoulutus"
        assert found.tila == "lasna"
        # The first *ammatillinen* suoritus names the qualification, not the first suoritus.
        assert found.tutkinto_nimi["fi"] == "Sähkö- ja automaatioalan perustutkinto"
        assert found.osaamisala_nimi == {"fi": "", "sv": ""}

    def test_empty_objects_give_no_values(self, shared_reference: Path) -> None:
        document = recorded(
            shared_reference, "koski_api_opiskeluoikeus_1.2.246.562.15.60063016194.json"
        )

        found = opiskeluoikeus_from_koski(document, None)

        assert found.oppilaitos_oid is None
        assert found.koulutustoimija_oid is None
        assert found.tila is None
        assert found.is_active
        assert not found.katsotaan_eronneeksi
        assert found.alkamispaiva == date(2016, 8, 5)
        assert found.arvioitu_paattymispaiva is None

    def test_every_recorded_study_right_can_be_read(self, shared_reference: Path) -> None:
        source = shared_reference / "external-services"
        documents: list[dict[str, Any]] = []
        for file in source.glob("koski_api_opiskeluoikeus_*.json"):
            documents.append(json.loads(file.read_text(encoding="utf-8")))
        for file in [
            *source.glob("koski_api_oppija_*.json"),
            *source.glob("koski_api_sure_oids_*.json"),
        ]:
            content = json.loads(file.read_text(encoding="utf-8"))
            for oppija in content if isinstance(content, list) else [content]:
                documents.extend(oppija["opiskeluoikeudet"])

        found = [opiskeluoikeus_from_koski(document, None) for document in documents]

        assert len(found) == 10
        assert all(o.oid.startswith("1.2.246.562.15.") for o in found)


def demo_opiskeluoikeus(oid: str) -> dict[str, Any]:
    for file in sorted((DATA_DIR / "koski").glob("*.json")):
        for document in json.loads(file.read_text(encoding="utf-8"))["opiskeluoikeudet"]:
            if document["oid"] == oid:
                found: dict[str, Any] = document
                return found
    raise AssertionError(f"no demo study right {oid}")


class TestWhatTheStudentsPagesShow:
    """The tutkintonimike, the partial-qualification flag, the diary number and Koski's name of
    the state (reference ehoks-ui 3.1)."""

    def test_a_completed_study_right_names_its_first_tutkintonimike_and_state(
        self, oppija: dict[str, Any]
    ) -> None:
        document = next(
            o for o in oppija["opiskeluoikeudet"] if o["oid"] == "1.2.246.562.15.10359275566"
        )

        found = opiskeluoikeus_from_koski(document, None)

        assert found.tutkintonimike_nimi == {"fi": "Ympäristönhoitaja", "sv": "Miljövårdare"}
        assert found.diaarinumero == "62/011/2014"
        assert not found.osittainen
        assert found.tila_nimi == {"fi": "Valmistunut", "sv": "Utexaminerad"}

    def test_the_vocational_suoritus_gives_the_diary_number(self, shared_reference: Path) -> None:
        document = recorded(
            shared_reference, "koski_api_opiskeluoikeus_1.2.246.562.15.13312692646.json"
        )

        found = opiskeluoikeus_from_koski(document, None)

        assert found.diaarinumero == "77/011/2014"
        assert found.tutkintonimike_nimi == {}
        assert found.tila_nimi == {"fi": "Läsnä", "sv": "Närvarande", "en": "Present"}

    def test_empty_objects_give_no_new_values(self, shared_reference: Path) -> None:
        document = recorded(
            shared_reference, "koski_api_opiskeluoikeus_1.2.246.562.15.60063016194.json"
        )

        found = opiskeluoikeus_from_koski(document, None)

        assert found.tutkintonimike_nimi == {}
        assert found.tila_nimi == {}
        assert not found.osittainen

    def test_a_partial_qualification_is_osittainen(self) -> None:
        found = opiskeluoikeus_from_koski(demo_opiskeluoikeus("1.2.246.562.15.41947921486"), None)

        assert found.suoritustyypit == ("ammatillinentutkintoosittainen",)
        assert found.osittainen
        assert found.diaarinumero == "OPH-2580-2018"
        assert found.tutkintonimike_nimi == {"fi": "Kokki", "sv": "Kock", "en": "Cook"}

    def test_parts_of_several_qualifications_are_osittainen(self) -> None:
        document = demo_opiskeluoikeus("1.2.246.562.15.41947921486")
        suoritus = {
            **document["suoritukset"][0],
            "tyyppi": {"koodiarvo": "ammatillinentutkintoosittainenuseastatutkinnosta"},
        }

        found = opiskeluoikeus_from_koski({**document, "suoritukset": [suoritus]}, None)

        assert found.osittainen
        assert found.tutkinto_nimi["fi"] == "Ravintola- ja catering-alan perustutkinto"

    def test_a_whole_qualification_is_not_osittainen(self) -> None:
        found = opiskeluoikeus_from_koski(demo_opiskeluoikeus("1.2.246.562.15.86657478672"), None)

        assert not found.osittainen
        assert found.tutkintonimike_nimi["sv"] == "Kock"

    def test_a_tuva_study_right_has_its_peruste_and_no_tutkintonimike(self) -> None:
        found = opiskeluoikeus_from_koski(demo_opiskeluoikeus("1.2.246.562.15.48704006666"), None)

        assert found.is_tuva
        assert found.diaarinumero == "OPH-1488-2021"
        assert found.tutkintonimike_nimi == {}
        assert not found.osittainen

    def test_the_latest_jakso_names_the_state(self) -> None:
        document = demo_opiskeluoikeus("1.2.246.562.15.59053325904")
        jaksot = document["tila"]["opiskeluoikeusjaksot"]

        found = opiskeluoikeus_from_koski(
            {**document, "tila": {"opiskeluoikeusjaksot": jaksot[:2]}}, None
        )

        assert found.tila == "valiaikaisestikeskeytynyt"
        assert found.tila_nimi["fi"] == "Väliaikaisesti keskeytynyt"
        assert found.is_active
