"""The ePerusteet client: units with requirements and assessment, perusteet, TUVA parts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ehoks.errors import RegistryUnavailable
from ehoks.registries.http import HttpEperusteet
from tests.registries.http.fake_server import FakeRegistryServer, Hang, Reply
from tests.registries.http.mock import MockRegistry, registry_settings

EXTERNAL = "/eperusteet-service/api/external"


def peruste(
    peruste_id: int, diaarinumero: str, tutkinnon_osat: list[dict], laajuudet: dict
) -> dict:
    """A whole peruste as ``GET …/external/peruste/{id}`` answers it (the parts eHOKS reads)."""
    return {
        "id": peruste_id,
        "diaarinumero": diaarinumero,
        "nimi": {"fi": "Testialan perustutkinto", "_id": "1"},
        "tutkinnonOsat": tutkinnon_osat,
        "suoritustavat": [
            {
                "suoritustapakoodi": "ops",
                "tutkinnonOsaViitteet": [
                    {"id": 1, "laajuus": 99, "_tutkinnonOsa": str(osa)} for osa in laajuudet
                ],
            },
            {
                "suoritustapakoodi": "reformi",
                "tutkinnonOsaViitteet": [
                    {"id": 2, "laajuus": laajuus, "_tutkinnonOsa": str(osa)}
                    for osa, laajuus in laajuudet.items()
                ],
            },
        ],
    }


def search(*perusteet: dict) -> dict:
    return {"data": list(perusteet), "sivuja": 1, "kokonaismäärä": len(perusteet), "sivu": 0}


OSA_2019 = {
    "id": 7000001,
    "koodiUri": "tutkinnonosat_300268",
    "nimi": {"fi": "Asiakaspalvelu", "sv": "Kundservice", "_id": "5"},
    "ammattitaitovaatimukset2019": {
        "kohde": {"fi": "Opiskelija osaa"},
        "vaatimukset": [
            {"vaatimus": {"fi": "palvella asiakkaita"}},
            {"koodi": {"uri": "ammattitaitovaatimukset_x", "nimi": {"fi": "käyttää kassaa"}}},
        ],
        "kohdealueet": [
            {"kuvaus": {"fi": "Viestintä"}, "vaatimukset": [{"vaatimus": {"fi": "viestiä"}}]}
        ],
    },
    "arviointi": None,
    "osaAlueet": [],
}


@pytest.fixture
def mock() -> MockRegistry:
    return MockRegistry()


def client(mock: MockRegistry) -> HttpEperusteet:
    return HttpEperusteet(registry_settings(), transport=mock.transport())


class TestRecordedAnswers:
    def test_units_with_assessment_on_every_scale(self, mock, recorded):
        osat = [
            *recorded("eperusteet-tutkinnonosa-asteikko1.json"),
            *recorded("eperusteet-tutkinnonosa-asteikko2.json"),
            *recorded("eperusteet-tutkinnonosa-asteikko3.json"),
        ]
        mock.on("GET", f"{EXTERNAL}/perusteet", search({"id": 10, "diaarinumero": "X"}))
        mock.on("GET", f"{EXTERNAL}/peruste/10", peruste(10, "X", osat, {3314254: 15}))
        eperusteet = client(mock)

        [asteikko1] = eperusteet.find_tutkinnon_osat("tutkinnonosat_300186")
        [asteikko3] = eperusteet.find_tutkinnon_osat("tutkinnonosat_106003")

        assert asteikko1.nimi["fi"] == "Proaktiivinen kehittäminen"
        assert asteikko1.ammattitaitovaatimukset_teksti["fi"].startswith("<p><strong>Opiskelija")
        assert asteikko1.laajuus is None
        assert {t.osaamistaso for k in asteikko1.arviointi[0].kohteet for t in k.osaamistasot} == {
            ""
        }
        assert asteikko3.laajuus == Decimal(15)  # from the reformed structure, not "ops"
        assert (asteikko3.peruste_id, asteikko3.diaarinumero) == (10, "X")
        kohde = asteikko3.arviointi[0].kohteet[0]
        # Levels without criteria (6 and 8) are dropped; 5, 7, 9 read as grades 1, 3, 5.
        assert sorted(t.osaamistaso for t in kohde.osaamistasot) == ["1", "3", "5"]
        assert kohde.selite == {"fi": "Opiskelija", "sv": "Den studerande"}
        query = mock.calls(f"{EXTERNAL}/perusteet")[0].url.params
        assert (query["koodi"], query["poistuneet"]) == ("tutkinnonosat_300186", "true")
        # The peruste was read once for both units.
        assert len(mock.calls(f"{EXTERNAL}/peruste/10")) == 1

    def test_grade_scale_2(self, mock, recorded):
        osat = recorded("eperusteet-tutkinnonosa-asteikko2.json")
        uri = osat[0]["koodiUri"]
        mock.on("GET", f"{EXTERNAL}/perusteet", search({"id": 11}))
        mock.on("GET", f"{EXTERNAL}/peruste/11", peruste(11, "Y", osat, {}))

        [osa] = client(mock).find_tutkinnon_osat(uri)

        grades = [t.osaamistaso for t in osa.arviointi[0].kohteet[0].osaamistasot]
        assert grades == ["1", "3", "5"]

    def test_common_unit_sub_areas(self, mock, recorded):
        osa = recorded("eperusteet-service_api_tutkinnonosat_400014.json")["data"][0]
        mock.on("GET", f"{EXTERNAL}/perusteet", search({"id": 12}))
        mock.on("GET", f"{EXTERNAL}/peruste/12", peruste(12, "Z", [osa], {}))

        [found] = client(mock).find_tutkinnon_osat(osa["koodiUri"])

        assert found.nimi["fi"] == "Yhteiskunta- ja työelämäosaaminen"
        assert found.osa_alueet[0].koodi_uri == "ammatillisenoppiaineet_ytyk"
        assert found.osa_alueet[0].nimi["fi"] == "Yhteiskunnassa ja kansalaisena toimiminen"

    def test_peruste_by_exact_diaarinumero(self, mock, recorded):
        mock.on("GET", f"{EXTERNAL}/perusteet", recorded("eperusteet_api_perusteet.json"))

        found = client(mock).get_peruste_by_diaarinumero("OPH-2707-2017")

        assert found is not None
        assert found.id == 4221360
        assert found.nimi["fi"] == "Ravintola- ja catering-alan perustutkinnon perusteet"
        assert [a.nimi["fi"] for a in found.osaamisalat] == [
            "Ruokapalvelun osaamisala",
            "Asiakaspalvelun osaamisala",
        ]
        assert found.voimassaolo_alkaa == date(2018, 7, 31)

    def test_tuva_part(self, mock, recorded):
        mock.on("GET", f"{EXTERNAL}/perusteet", search({"id": 7534950}))
        mock.on(
            "GET",
            f"{EXTERNAL}/peruste/7534950/koulutuksenOsat",
            recorded("eperusteet-peruste-7534950.json"),
        )

        found = client(mock).find_koulutuksen_osa("koulutuksenosattuva_102")

        assert found is not None
        assert (found.id, found.viite_id) == (7535564, 7535295)
        assert found.nimi == {
            "fi": "Työelämätaidot ja työelämässä tapahtuva oppiminen",
            "sv": "Arbetslivsfärdigheter och lärande i arbetslivet",
        }
        assert (found.laajuus_minimi, found.laajuus_maksimi) == (Decimal(1), Decimal(20))


class TestOwnFixtures:
    def test_structured_requirements(self, mock):
        mock.on("GET", f"{EXTERNAL}/perusteet", search({"id": 20}))
        mock.on(
            "GET", f"{EXTERNAL}/peruste/20", peruste(20, "OPH-1-2020", [OSA_2019], {7000001: 25})
        )

        [osa] = client(mock).find_tutkinnon_osat("tutkinnonosat_300268")

        assert osa.nimi == {"fi": "Asiakaspalvelu", "sv": "Kundservice"}
        assert osa.laajuus == Decimal(25)
        assert osa.ammattitaitovaatimukset is not None
        assert osa.ammattitaitovaatimukset.kohde == {"fi": "Opiskelija osaa"}
        assert osa.ammattitaitovaatimukset.vaatimukset == (
            {"fi": "palvella asiakkaita"},
            {"fi": "käyttää kassaa"},
        )
        assert osa.ammattitaitovaatimukset.kohdealueet[0].vaatimukset == ({"fi": "viestiä"},)

    def test_nothing_found(self, mock):
        mock.on("GET", f"{EXTERNAL}/perusteet", search())
        eperusteet = client(mock)

        assert eperusteet.find_tutkinnon_osat("tutkinnonosat_1") == []
        assert eperusteet.get_peruste_by_diaarinumero("1/011/2000") is None
        assert eperusteet.find_koulutuksen_osa("koulutuksenosattuva_1") is None

    def test_a_diaarinumero_that_only_resembles_is_not_the_peruste(self, mock):
        mock.on("GET", f"{EXTERNAL}/perusteet", search({"id": 1, "diaarinumero": "44/011/2014x"}))

        assert client(mock).get_peruste_by_diaarinumero("44/011/2014") is None


class TestOverSockets:
    def test_units_and_a_hanging_search(self, fake: FakeRegistryServer):
        fake.on("GET", f"{EXTERNAL}/perusteet", Reply(json=search({"id": 20})))
        fake.on("GET", f"{EXTERNAL}/peruste/20", Reply(json=peruste(20, "D", [OSA_2019], {})))
        eperusteet = HttpEperusteet(registry_settings(fake.url))

        [osa] = eperusteet.find_tutkinnon_osat("tutkinnonosat_300268")
        fake.on("GET", f"{EXTERNAL}/perusteet", Hang())
        slow = HttpEperusteet(
            registry_settings(fake.url, read_timeout_seconds=0.05, retry_attempts=1)
        )
        with pytest.raises(RegistryUnavailable) as raised:
            slow.find_tutkinnon_osat("tutkinnonosat_1")
        eperusteet.close()
        slow.close()

        assert osa.nimi["fi"] == "Asiakaspalvelu"
        assert raised.value.registry == "ePerusteet"
        assert "no answer in time" in raised.value.detail
