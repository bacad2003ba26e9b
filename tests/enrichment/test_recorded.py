"""``enrich`` over the HTTP clients answering with the recorded responses of the real services
(``../shared/reference/external-services``; skipped when absent), counting requests."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import httpx
import pytest

from ehoks.enrichment import service as enrichment_service
from ehoks.registries.http import HttpEperusteet, HttpKoodisto, HttpOrganisaatio
from ehoks.registries.ports import Registries
from tests.enrichment.world import EXTERNAL, Counting, peruste
from tests.registries.http.mock import MockRegistry, json_response, registry_settings

TOIMIPISTE = "1.2.246.562.10.21122461771"
FOUND_BY_OIDS = (
    "1.2.246.562.10.12424158689",
    "1.2.246.562.10.12424158690",
    "1.2.246.562.10.12944436166",
)
UNITS = ("tutkinnonosat_300186", "tutkinnonosat_100054", "tutkinnonosat_106003")
ONLY_IN_KOODISTO = "tutkinnonosat_100031"
YTO = "tutkinnonosat_400014"
OSA_ALUEET = ("ammatillisenoppiaineet_ytyk", "ammatillisenoppiaineet_yttt")
TUVA = ("koulutuksenosattuva_101", "koulutuksenosattuva_102", "koulutuksenosattuva_107")
URASUUNNITELMA = "urasuunnitelma_0005"  # named in Finnish only


class RecordedServices:
    def __init__(self, recorded: Any) -> None:
        self.mock = MockRegistry()
        units = {
            20: recorded("eperusteet-tutkinnonosa-asteikko1.json"),
            21: recorded("eperusteet-tutkinnonosa-asteikko2.json"),
            22: recorded("eperusteet-tutkinnonosa-asteikko3.json"),
            23: recorded("eperusteet-service_api_tutkinnonosat_400014.json")["data"][:1],
        }
        laajuudet = {22: {3314254: 15}, 23: {3708884: 15}}
        self.perusteet = {
            pid: peruste(pid, f"OPH-{pid}-2019", osat, laajuudet.get(pid))
            for pid, osat in units.items()
        }
        self.empty_search = recorded("eperusteet-service_api_tutkinnonosat_not_found.json")
        self.koulutuksen_osat = recorded("eperusteet-peruste-7534950.json")
        self.koodit = {
            k["koodiUri"]: k
            for k in recorded("koodisto-service_rest_json_urasuunnitelma_koodi.json")
        }
        # The recorded answer lists the code's versions; the client reads the latest one.
        versions = recorded("koodisto-service_rest_codeelement_tutkinnonosat__100031.json")
        self.koodit[ONLY_IN_KOODISTO] = max(versions, key=lambda k: k["versio"])
        self.organisaatiot = {
            o["oid"]: o for o in recorded("organisaatio-service_api_findbyoids.json")
        }
        self.organisaatiot[TOIMIPISTE] = recorded(f"organisaatio-service_api_{TOIMIPISTE}.json")

        m = self.mock
        m.on("GET", f"{EXTERNAL}/perusteet", self._search)
        m.on("GET", f"{EXTERNAL}/peruste/([0-9]+)", self._peruste)
        m.on("GET", f"{EXTERNAL}/peruste/7534950/koulutuksenOsat", self.koulutuksen_osat)
        m.on("GET", "/koodisto-service/rest/codeelement/latest/(.+)", self._koodi)
        m.on("POST", "/organisaatio-service/api/findbyoids", self._findbyoids)
        m.on("GET", "/organisaatio-service/api/([0-9.]+)", self._organisaatio)

    def registries(self, *, batch: bool = True) -> tuple[Registries, dict[str, Counting]]:
        transport = self.mock.transport()
        settings = registry_settings(retry_attempts=1)
        ports = {
            "koodisto": Counting(HttpKoodisto(settings, transport=transport)),
            "organisaatio": Counting(
                HttpOrganisaatio(settings, transport=transport),
                hide=() if batch else ("find_organisaatiot",),
            ),
            "eperusteet": Counting(HttpEperusteet(settings, transport=transport)),
        }
        return Registries(koski=None, onr=None, **ports), ports  # type: ignore[arg-type]

    def requests(self, prefix: str) -> int:
        return sum(1 for r in self.mock.requests if r.url.path.startswith(prefix))

    def _search(self, request: httpx.Request) -> httpx.Response:
        code = request.url.params.get("koodi")
        hits = [
            {"id": pid, "diaarinumero": doc["diaarinumero"]}
            for pid, doc in self.perusteet.items()
            if any(osa["koodiUri"] == code for osa in doc["tutkinnonOsat"])
        ]
        if code in TUVA:
            hits.append({"id": 7534950})
        if not hits:
            return json_response(200, self.empty_search)
        return json_response(200, {"data": hits, "sivuja": 1, "kokonaismäärä": len(hits)})

    def _peruste(self, request: httpx.Request) -> httpx.Response:
        return json_response(200, self.perusteet[int(request.url.path.rsplit("/", 1)[-1])])

    def _koodi(self, request: httpx.Request) -> httpx.Response:
        uri = request.url.path.rsplit("/", 1)[-1]
        if uri in self.koodit:
            return json_response(200, self.koodit[uri])
        return httpx.Response(500, text="error.codeelement.not.found")

    def _findbyoids(self, request: httpx.Request) -> httpx.Response:
        oids = json.loads(request.read())
        return json_response(200, [self.organisaatiot[o] for o in oids if o in self.organisaatiot])

    def _organisaatio(self, request: httpx.Request) -> httpx.Response:
        oid = request.url.path.rsplit("/", 1)[-1]
        if oid in self.organisaatiot:
            return json_response(200, self.organisaatiot[oid])
        return httpx.Response(404)


@pytest.fixture
def services(recorded) -> RecordedServices:
    return RecordedServices(recorded)


def document(units: int) -> dict[str, Any]:
    oids = (*FOUND_BY_OIDS, TOIMIPISTE)
    codes = (*UNITS, ONLY_IN_KOODISTO)
    return {
        "urasuunnitelma-koodi-uri": URASUUNNITELMA,
        "hankittavat-ammat-tutkinnon-osat": [
            {
                "module-id": f"00000000-0000-4000-8000-{i:012d}",
                "tutkinnon-osa-koodi-uri": codes[i % len(codes)],
                "koulutuksen-jarjestaja-oid": oids[i % len(oids)],
            }
            for i in range(units)
        ],
        "hankittavat-yhteiset-tutkinnon-osat": [
            {
                "tutkinnon-osa-koodi-uri": YTO,
                "koulutuksen-jarjestaja-oid": oids[i % len(oids)],
                "osa-alueet": [{"osa-alue-koodi-uri": code} for code in OSA_ALUEET],
            }
            for i in range(units // 5)
        ],
        "hankittavat-koulutuksen-osat": [
            {"koulutuksen-osa-koodi-uri": TUVA[i % len(TUVA)], "laajuus": 4}
            for i in range(units // 2)
        ],
    }


class TestCallBound:
    @pytest.mark.parametrize("units", [30, 60])
    def test_one_call_per_distinct_thing(self, services, units):
        registries, ports = services.registries()

        enriched = enrichment_service.enrich(document(units), registries, max_workers=1)

        assert ports["eperusteet"].calls == {
            "find_tutkinnon_osat": len(UNITS) + 2,  # and the common unit, and 100031
            "find_koulutuksen_osa": len(TUVA),
        }
        # urasuunnitelma, and the name of the unit ePerusteet does not know.
        assert ports["koodisto"].calls == {"get_koodi": 2}
        assert ports["organisaatio"].calls == {"find_organisaatiot": 1}
        # Over the wire: a search per unit and TUVA module, each unit's peruste once, the TUVA
        # peruste's modules once (cached for the other modules).
        assert services.requests("/eperusteet-service") == (len(UNITS) + 2) + len(UNITS) + 1 + (
            len(TUVA) + 1
        )
        assert services.requests("/koodisto-service") == 2
        assert services.requests("/organisaatio-service") == 1
        assert [n.code for n in enriched.notices] == [ONLY_IN_KOODISTO]

    @pytest.mark.parametrize("units", [30, 60])
    def test_concurrent_lookups_stay_within_the_bound(self, services, units):
        registries, ports = services.registries()

        enrichment_service.enrich(document(units), registries)

        assert sum(p.total for p in ports.values()) == (len(UNITS) + 2) + len(TUVA) + 2 + 1
        # Threads that miss one cached peruste at the same moment may each read it, so over the
        # wire the bound is per lookup, not per peruste.
        assert services.requests("/eperusteet-service") <= 2 * (len(UNITS) + 2 + len(TUVA))

    def test_per_organisation_without_findbyoids(self, services):
        registries, ports = services.registries(batch=False)

        enriched = enrichment_service.enrich(document(30), registries)

        assert ports["organisaatio"].calls == {"get_organisaatio": 4}
        units = list(enriched.walk("hankittava-ammat-tutkinnon-osa"))
        assert units[3].label("koulutuksen-jarjestaja-oid").text == "Lappeenrannan musiikkiopisto"
        assert units[0].label("koulutuksen-jarjestaja-oid").text == "Testiorganisaatio 1"


class TestContent:
    def test_units_with_requirements_and_criteria(self, services):
        registries, _ = services.registries()

        enriched = enrichment_service.enrich(document(8), registries, kieli="sv")

        units = [p.perusteen_osa for p in enriched.walk("hankittava-ammat-tutkinnon-osa")]
        pass_fail, graded, scoped, koodisto_only = units[:4]
        assert pass_fail.nimi.text == "Proaktiv utveckling"
        assert pass_fail.vaatimukset.html.startswith("<p>")
        assert {t.osaamistaso for k in pass_fail.arviointi[0].kohteet for t in k.osaamistasot} == {
            ""
        }
        assert graded.nimi.text == "Arbete inom livsmedelsproduktion"
        assert graded.arviointi[0].otsikko == "Behärskande av arbetsprocessen"
        levels = graded.arviointi[0].kohteet[0].osaamistasot
        assert [t.osaamistaso for t in levels] == ["1", "3", "5"]
        assert levels[0].kriteerit[0].startswith("sköter sin personliga hygien")
        assert scoped.laajuus == Decimal(15)
        # Not in ePerusteet: the name comes from Koodisto, and the requirements are missing.
        assert koodisto_only.nimi.text == "Motor- och transmissionsservice och -reparation"
        assert koodisto_only.notice.reason == "not-found"
        assert koodisto_only.notice.registry == "ePerusteet"
        # Finnish only in Koodisto: Finnish.
        assert (enriched.urasuunnitelma.text, enriched.urasuunnitelma.kieli) == (
            "Opintojen jatkaminen",
            "fi",
        )

    def test_common_unit_and_its_sub_areas(self, services):
        registries, _ = services.registries()

        enriched = enrichment_service.enrich(document(5), registries, kieli="en")

        unit = next(enriched.walk("hankittava-yhteinen-tutkinnon-osa"))
        assert unit.perusteen_osa.nimi.text == "Citizenship and working life competence"
        assert unit.perusteen_osa.laajuus == Decimal(15)
        assert [c.perusteen_osa.nimi.text for c in unit.children_in("osa-alueet")] == [
            "Operating as a member of society and a citizen",
            "Operating in the world of work",
        ]

    def test_tuva_modules(self, services):
        registries, _ = services.registries()

        enriched = enrichment_service.enrich(document(6), registries, kieli="en")

        modules = [p.perusteen_osa for p in enriched.walk("hankittava-koulutuksen-osa")]
        assert [(m.nimi.text, m.nimi.kieli) for m in modules] == [
            ("Opiskelu- ja urasuunnittelutaidot", "fi"),
            ("Työelämätaidot ja työelämässä tapahtuva oppiminen", "fi"),
            ("Perustaitojen vahvistaminen", "en"),
        ]
        assert (modules[0].laajuus_minimi, modules[0].laajuus_maksimi) == (Decimal(2), Decimal(10))
