"""The ONR client: persons, masters and slaves behind CAS tickets."""

from __future__ import annotations

import httpx
import pytest

from ehoks.errors import RegistryUnavailable
from ehoks.registries.http import CasClient, HttpOnr
from tests.registries.http.fake_server import FakeRegistryServer, Reply
from tests.registries.http.mock import MockRegistry, json_response, registry_settings

OPPIJA = "1.2.246.562.24.44651722625"
MASTER = "1.2.246.562.24.10000000008"
HENKILO = "/oppijanumerorekisteri-service/henkilo"


def henkilo(oid: str, *, duplicate: bool = False) -> dict:
    """An ONR person document with the fields eHOKS reads (reference 3.3)."""
    return {
        "oidHenkilo": oid,
        "hetu": "010101A900R",
        "etunimet": "Aarto Maurits",
        "kutsumanimi": "Aarto",
        "sukunimi": "Väisänen",
        "duplicate": duplicate,
        "yhteystiedotRyhma": [
            {
                "id": 1,
                "yhteystieto": [
                    {"yhteystietoTyyppi": "YHTEYSTIETO_SAHKOPOSTI", "yhteystietoArvo": "a@b.fi"}
                ],
            }
        ],
    }


@pytest.fixture
def mock() -> MockRegistry:
    return MockRegistry()


def onr(mock: MockRegistry, **overrides) -> HttpOnr:
    settings = registry_settings(**overrides)
    return HttpOnr(
        settings,
        cas=CasClient(settings, transport=mock.transport()),
        transport=mock.transport(),
    )


class TestWithMockTransport:
    def test_person_with_ticket_header_and_parameter(self, mock):
        mock.on("GET", f"{HENKILO}/{OPPIJA}", henkilo(OPPIJA))

        found = onr(mock).get_henkilo(OPPIJA)

        assert found is not None
        assert (found.oid, found.nimi, found.kutsumanimi) == (
            OPPIJA,
            "Aarto Maurits Väisänen",
            "Aarto",
        )
        assert not found.is_duplicate
        request = mock.calls(f"{HENKILO}/{OPPIJA}")[0]
        assert request.headers["ticket"] == "ST-mock"
        assert request.url.params["ticket"] == "ST-mock"
        assert request.headers["caller-id"].endswith("ehoks-tests")
        tgt_request = mock.calls("/cas/v1/tickets")[0]
        assert tgt_request.read() == b"username=ehoks&password=ehoks-secret"
        st_request = mock.calls("/cas/v1/tickets/TGT-mock")[0]
        assert st_request.read() == (
            b"service=https%3A%2F%2Fvirkailija.test%2Foppijanumerorekisteri-service"
            b"%2Fj_spring_cas_security_check"
        )

    def test_one_tgt_and_a_service_ticket_per_call(self, mock):
        mock.on("GET", f"{HENKILO}/{OPPIJA}/master", {"oidHenkilo": OPPIJA})
        client = onr(mock)

        client.get_master_oid(OPPIJA)
        client.get_master_oid(OPPIJA)

        assert len(mock.calls("/cas/v1/tickets")) == 1
        assert len(mock.calls("/cas/v1/tickets/TGT-mock")) == 2

    def test_a_duplicate_names_its_master(self, mock):
        mock.on("GET", f"{HENKILO}/{OPPIJA}", henkilo(OPPIJA, duplicate=True))
        mock.on("GET", f"{HENKILO}/{OPPIJA}/master", henkilo(MASTER))

        found = onr(mock).get_henkilo(OPPIJA)

        assert found is not None
        assert found.is_duplicate
        assert found.master_oid == MASTER

    def test_persons_are_cached_but_masters_are_not(self, mock):
        mock.on("GET", f"{HENKILO}/{OPPIJA}", henkilo(OPPIJA))
        mock.on("GET", f"{HENKILO}/{OPPIJA}/master", {"oidHenkilo": OPPIJA})
        client = onr(mock)

        for _ in range(2):
            client.get_henkilo(OPPIJA)
            client.get_master_oid(OPPIJA)

        assert len(mock.calls(f"{HENKILO}/{OPPIJA}")) == 1
        assert len(mock.calls(f"{HENKILO}/{OPPIJA}/master")) == 2

    def test_slaves(self, mock):
        mock.on("GET", f"{HENKILO}/{MASTER}/slaves", [henkilo(OPPIJA), {"oidHenkilo": "x.y"}])

        assert onr(mock).get_slave_oids(MASTER) == [OPPIJA, "x.y"]

    def test_404_is_not_found(self, mock):
        mock.on("GET", f"{HENKILO}/.*", json_response(404, {"message": "not found"}))
        client = onr(mock)

        assert client.get_henkilo(OPPIJA) is None
        assert client.get_master_oid(OPPIJA) is None
        assert client.get_slave_oids(OPPIJA) == []

    def test_other_errors_are_unavailable(self, mock):
        mock.on("GET", f"{HENKILO}/{OPPIJA}", httpx.Response(500, text="boom"))

        with pytest.raises(RegistryUnavailable) as raised:
            onr(mock).get_henkilo(OPPIJA)

        assert raised.value.registry == "Oppijanumerorekisteri"


class TestOverSockets:
    def test_person_found_missing_and_down(self, fake: FakeRegistryServer):
        fake.on(
            "POST",
            "/cas/v1/tickets",
            Reply(201, headers={"Location": f"{fake.url}/cas/v1/tickets/TGT-1"}),
        )
        fake.on(
            "POST",
            "/cas/v1/tickets/TGT-1",
            Reply(body="ST-1", headers={"Content-Type": "text/plain"}),
        )
        fake.on("GET", f"{HENKILO}/{OPPIJA}", Reply(json=henkilo(OPPIJA)))
        fake.on("GET", f"{HENKILO}/{MASTER}", Reply(404))
        fake.on("GET", f"{HENKILO}/{MASTER}/slaves", Reply(503))
        settings = registry_settings(fake.url)
        client = HttpOnr(settings, cas=CasClient(settings))

        found = client.get_henkilo(OPPIJA)
        missing = client.get_henkilo(MASTER)
        with pytest.raises(RegistryUnavailable):
            client.get_slave_oids(MASTER)
        client.close()

        assert found is not None
        assert found.etunimet == "Aarto Maurits"
        assert missing is None
        assert fake.calls("GET", f"{HENKILO}/{OPPIJA}")[0].query["ticket"] == ["ST-1"]
