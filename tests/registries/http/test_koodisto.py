"""The Koodisto client: code elements by URI and version, and whole code lists."""

from __future__ import annotations

from datetime import date

import httpx
import pytest

from ehoks.errors import RegistryUnavailable
from ehoks.registries.http import HttpKoodisto
from ehoks.registries.koodisto.schemas import koodi_from_koodisto
from tests.registries.http.fake_server import Drop, FakeRegistryServer, Reply
from tests.registries.http.mock import MockRegistry, registry_settings

REST = "/koodisto-service/rest"


def koodi(uri: str, versio: int, fi: str, sv: str | None = None) -> dict:
    metadata = [{"kieli": "FI", "nimi": fi, "lyhytNimi": fi, "kuvaus": None}]
    if sv:
        metadata.append({"kieli": "SV", "nimi": sv, "lyhytNimi": None, "kuvaus": None})
    koodisto, arvo = uri.rsplit("_", 1)
    return {
        "koodiUri": uri,
        "koodiArvo": arvo,
        "versio": versio,
        "tila": "HYVAKSYTTY",
        "voimassaAlkuPvm": "2019-01-22",
        "voimassaLoppuPvm": None,
        "koodisto": {"koodistoUri": koodisto},
        "metadata": metadata,
    }


@pytest.fixture
def mock() -> MockRegistry:
    return MockRegistry()


def client(mock: MockRegistry) -> HttpKoodisto:
    return HttpKoodisto(registry_settings(), transport=mock.transport())


class TestRecordedAnswers:
    def test_code_element_by_uri_and_version(self, mock, recorded):
        mock.on(
            "GET",
            f"{REST}/codeelement/ravintolakokinatjarjestys_4/2",
            recorded("rest_codeelement_ravintolakokinatjarjestys__4_2.json"),
        )

        found = client(mock).get_koodi("ravintolakokinatjarjestys_4", 2)

        assert found is not None
        assert (found.koodi_uri, found.koodiarvo, found.versio) == (
            "ravintolakokinatjarjestys_4",
            "4",
            2,
        )
        assert found.koodisto_uri == "ravintolakokinatjarjestys"
        assert found.nimi["fi"] == "Fine dining ‑ruoanvalmistus"
        assert found.voimassa_alku == date(2015, 5, 1)
        assert found.tila == "HYVAKSYTTY"

    def test_code_list(self, mock, recorded):
        mock.on(
            "GET",
            f"{REST}/json/urasuunnitelma/koodi",
            recorded("koodisto-service_rest_json_urasuunnitelma_koodi.json"),
        )

        found = client(mock).list_koodit("urasuunnitelma")

        assert len(found) == 5
        by_uri = {k.koodi_uri: k for k in found}
        assert by_uri["urasuunnitelma_0003"].nimi == {
            "fi": "Työuralla eteneminen",
            "sv": "Karriäravancemang",
        }

    def test_the_versions_document_parses_element_by_element(self, recorded):
        versions = recorded("koodisto-service_rest_codeelement_tutkinnonosat__100031.json")

        parsed = [koodi_from_koodisto(v) for v in versions]

        assert [(k.versio, k.nimi["fi"]) for k in parsed] == [
            (1, "Moottorin ja voimansiirron huolto ja korjaus"),
            (2, "Moottorin ja voimansiirron huolto ja korjaus"),
        ]


class TestOwnFixtures:
    def test_latest_version_when_none_is_given_and_caching(self, mock):
        mock.on(
            "GET",
            f"{REST}/codeelement/latest/urasuunnitelma_0001",
            koodi("urasuunnitelma_0001", 3, "Jatko-opinnot", "Fortsatta studier"),
        )
        koodisto = client(mock)

        first = koodisto.get_koodi("urasuunnitelma_0001")
        second = koodisto.get_koodi("urasuunnitelma_0001")

        assert first == second
        assert first is not None
        assert first.versio == 3
        assert first.nimi == {"fi": "Jatko-opinnot", "sv": "Fortsatta studier"}
        assert len(mock.requests) == 1

    @pytest.mark.parametrize(
        "response",
        [
            httpx.Response(500, text="error.codeelement.not.found"),
            httpx.Response(404, text="not found"),
        ],
    )
    def test_not_found_is_none(self, mock, response):
        mock.on("GET", f"{REST}/.*", response)
        koodisto = client(mock)

        assert koodisto.get_koodi("urasuunnitelma_9999", 1) is None
        assert koodisto.list_koodit("eiole") == []

    def test_another_server_error_is_unavailable(self, mock):
        mock.on("GET", f"{REST}/.*", httpx.Response(500, text="java.lang.NullPointerException"))

        with pytest.raises(RegistryUnavailable) as raised:
            client(mock).get_koodi("urasuunnitelma_0001", 1)

        assert raised.value.registry == "Koodisto"


class TestOverSockets:
    def test_found_not_found_and_dropped(self, fake: FakeRegistryServer):
        fake.on(
            "GET",
            f"{REST}/codeelement/urasuunnitelma_0001/1",
            Reply(json=koodi("urasuunnitelma_0001", 1, "Jatko-opinnot")),
        )
        fake.on(
            "GET",
            f"{REST}/codeelement/urasuunnitelma_0002/1",
            Reply(500, body="error.codeelement.not.found"),
        )
        fake.on("GET", f"{REST}/codeelement/urasuunnitelma_0003/1", Drop())
        koodisto = HttpKoodisto(registry_settings(fake.url))

        found = koodisto.get_koodi("urasuunnitelma_0001", 1)
        missing = koodisto.get_koodi("urasuunnitelma_0002", 1)
        with pytest.raises(RegistryUnavailable) as raised:
            koodisto.get_koodi("urasuunnitelma_0003", 1)
        koodisto.close()

        assert found is not None
        assert found.nimi == {"fi": "Jatko-opinnot"}
        assert missing is None
        assert "the connection failed" in raised.value.detail
