"""The Organisaatio client: one organisation, its ancestors, and many at once."""

from __future__ import annotations

import httpx
import pytest

from ehoks.errors import RegistryUnavailable
from ehoks.registries.http import HttpOrganisaatio
from tests.factories import OPH, organisaatio
from tests.registries.http.fake_server import FakeRegistryServer, Reply
from tests.registries.http.mock import MockRegistry, json_response, registry_settings

TOIMIPISTE = "1.2.246.562.10.21122461771"
KOULUTUSTOIMIJA = "1.2.246.562.10.63964626889"
OPPILAITOS = "1.2.246.562.10.84189747029"
API = "/organisaatio-service/api"


@pytest.fixture
def mock() -> MockRegistry:
    return MockRegistry()


def client(mock: MockRegistry, **overrides) -> HttpOrganisaatio:
    return HttpOrganisaatio(registry_settings(**overrides), transport=mock.transport())


class TestRecordedAnswers:
    def test_organisation_and_its_ancestors(self, mock, recorded):
        mock.on(
            "GET", f"{API}/{TOIMIPISTE}", recorded(f"organisaatio-service_api_{TOIMIPISTE}.json")
        )
        organisaatiot = client(mock)

        found = organisaatiot.get_organisaatio(TOIMIPISTE)
        path = organisaatiot.ancestors_and_self(TOIMIPISTE)

        assert found is not None
        assert found.nimi["fi"] == "Lappeenrannan musiikkiopisto"
        assert found.parent_oid == OPPILAITOS
        assert found.tyypit == ("organisaatiotyyppi_03",)
        assert path == (OPH, KOULUTUSTOIMIJA, OPPILAITOS, TOIMIPISTE)
        # The second lookup came from the cache.
        assert len(mock.calls(f"{API}/{TOIMIPISTE}")) == 1

    def test_findbyoids(self, mock, recorded):
        mock.on("POST", f"{API}/findbyoids", recorded("organisaatio-service_api_findbyoids.json"))
        oids = ["1.2.246.562.10.12424158689", "1.2.246.562.10.12424158690"]

        found = client(mock).find_organisaatiot(oids)

        assert [o.nimi["fi"] for o in found] == [
            "Testiorganisaatio 1",
            "Testiorganisaatio 2",
            "Ammatillinen opettajakorkeakoulu, Jyväskylä",
        ]
        assert mock.calls(f"{API}/findbyoids")[0].read() == (
            b'["1.2.246.562.10.12424158689","1.2.246.562.10.12424158690"]'
        )


class TestOwnFixtures:
    def test_ancestors_by_walking_parent_oids_when_the_path_is_missing(self, mock):
        child = organisaatio(TOIMIPISTE, "Toimipiste", [], "organisaatiotyyppi_03")
        child["parentOid"] = OPPILAITOS
        mock.on("GET", f"{API}/{TOIMIPISTE}", child)
        mock.on(
            "GET",
            f"{API}/{OPPILAITOS}",
            organisaatio(OPPILAITOS, "Opisto", [OPH, KOULUTUSTOIMIJA], "organisaatiotyyppi_02"),
        )

        assert client(mock).ancestors_and_self(TOIMIPISTE) == (
            OPH,
            KOULUTUSTOIMIJA,
            OPPILAITOS,
            TOIMIPISTE,
        )

    def test_unknown_is_none_and_not_cached(self, mock):
        mock.on("GET", f"{API}/.*", json_response(404, {"errorMessage": "not found"}))
        organisaatiot = client(mock)

        assert organisaatiot.get_organisaatio(TOIMIPISTE) is None
        assert organisaatiot.ancestors_and_self(TOIMIPISTE) is None
        assert len(mock.calls(f"{API}/{TOIMIPISTE}")) == 2

    def test_empty_answer_is_unknown_and_a_missing_oid_is_not_asked(self, mock):
        mock.on("GET", f"{API}/{TOIMIPISTE}", httpx.Response(200, content=b""))
        organisaatiot = client(mock)

        assert organisaatiot.get_organisaatio(TOIMIPISTE) is None
        assert organisaatiot.get_organisaatio("") is None
        assert len(mock.requests) == 1

    def test_a_server_error_is_unavailable(self, mock):
        mock.on("GET", f"{API}/{TOIMIPISTE}", httpx.Response(500, text="oops"))

        with pytest.raises(RegistryUnavailable) as raised:
            client(mock).ancestors_and_self(TOIMIPISTE)

        assert raised.value.registry == "Organisaatiopalvelu"


class TestOverSockets:
    def test_known_unknown_and_unreachable(self, fake: FakeRegistryServer):
        fake.on(
            "GET",
            f"{API}/{OPPILAITOS}",
            Reply(json=organisaatio(OPPILAITOS, "Opisto", [OPH], "organisaatiotyyppi_02")),
        )
        fake.on("GET", f"{API}/{TOIMIPISTE}", Reply(404))
        fake.on("POST", f"{API}/findbyoids", Reply(503))
        organisaatiot = HttpOrganisaatio(registry_settings(fake.url))

        path = organisaatiot.ancestors_and_self(OPPILAITOS)
        missing = organisaatiot.get_organisaatio(TOIMIPISTE)
        with pytest.raises(RegistryUnavailable):
            organisaatiot.find_organisaatiot([OPPILAITOS])
        organisaatiot.close()

        assert path == (OPH, OPPILAITOS)
        assert missing is None
        assert len(fake.calls("POST", f"{API}/findbyoids")) == 3  # a read POST is retried
