"""CAS tickets over real sockets: the refresh rules of reference integrations 3.1 and 2.5."""

from __future__ import annotations

import pytest

from ehoks.errors import RegistryUnavailable
from ehoks.registries.http import CasClient, HttpOnr
from tests.registries.http.fake_server import FakeRegistryServer, Recorded, Reply
from tests.registries.http.mock import registry_settings

OPPIJA = "1.2.246.562.24.44651722625"
HENKILO_PATH = f"/oppijanumerorekisteri-service/henkilo/{OPPIJA}"


class Cas:
    """A CAS on the fake server that numbers its tickets, and can forget its TGTs."""

    def __init__(self, fake: FakeRegistryServer) -> None:
        self.fake = fake
        self.tgts: list[str] = []
        self.sts: list[str] = []
        self.refused_tgts: set[str] = set()
        fake.on("POST", "/cas/v1/tickets", self._tgt)
        fake.on("POST", "/cas/v1/tickets/TGT-.*", self._st)

    def _tgt(self, request: Recorded) -> Reply:
        if request.form() != {"username": "ehoks", "password": "ehoks-secret"}:
            return Reply(401, body="error.authentication.credentials.bad")
        self.tgts.append(f"TGT-{len(self.tgts) + 1}")
        return Reply(201, headers={"Location": f"{self.fake.url}/cas/v1/tickets/{self.tgts[-1]}"})

    def _st(self, request: Recorded) -> Reply:
        tgt = request.path.rsplit("/", 1)[-1]
        if tgt in self.refused_tgts:
            return Reply(404, body="TGT not found")
        self.sts.append(f"ST-{len(self.sts) + 1}")
        return Reply(body=self.sts[-1], headers={"Content-Type": "text/plain"})


@pytest.fixture
def cas(fake: FakeRegistryServer) -> Cas:
    return Cas(fake)


def onr(fake: FakeRegistryServer, **overrides) -> HttpOnr:
    settings = registry_settings(fake.url, **overrides)
    return HttpOnr(settings, cas=CasClient(settings))


def person(request: Recorded) -> Reply:
    return Reply(json={"oidHenkilo": OPPIJA, "etunimet": "A", "sukunimi": "B"})


def tickets(fake: FakeRegistryServer) -> list[str]:
    return [r.query["ticket"][0] for r in fake.calls("GET", HENKILO_PATH)]


class TestServiceTickets:
    def test_a_401_from_the_target_is_retried_once_with_a_new_service_ticket(self, fake, cas):
        fake.on("GET", HENKILO_PATH, Reply(401), person)
        client = onr(fake)

        found = client.get_henkilo(OPPIJA)
        client.close()

        assert found is not None
        assert tickets(fake) == ["ST-1", "ST-2"]
        assert cas.tgts == ["TGT-1"]

    def test_a_redirect_to_the_cas_login_is_a_refused_ticket_too(self, fake, cas):
        login = {"Location": f"{fake.url}/cas/login?service=x"}
        fake.on("GET", HENKILO_PATH, Reply(302, headers=login), person)
        client = onr(fake)

        assert client.get_henkilo(OPPIJA) is not None
        client.close()
        assert tickets(fake) == ["ST-1", "ST-2"]

    def test_a_second_refusal_is_unavailable_not_a_loop(self, fake, cas):
        fake.on("GET", HENKILO_PATH, Reply(401))
        client = onr(fake)

        with pytest.raises(RegistryUnavailable) as raised:
            client.get_henkilo(OPPIJA)
        client.close()

        assert "HTTP 401" in raised.value.detail
        assert tickets(fake) == ["ST-1", "ST-2"]


class TestTicketGrantingTicket:
    def test_the_tgt_is_reused_until_cas_refuses_it_then_replaced(self, fake, cas):
        fake.on("GET", HENKILO_PATH, person)
        client = onr(fake, cache_ttl_seconds=0)

        client.get_henkilo(OPPIJA)
        client.get_henkilo(OPPIJA)
        assert cas.tgts == ["TGT-1"]

        cas.refused_tgts.add("TGT-1")  # e.g. CAS restarted and forgot it
        assert client.get_henkilo(OPPIJA) is not None
        client.close()

        assert cas.tgts == ["TGT-1", "TGT-2"]
        assert tickets(fake) == ["ST-1", "ST-2", "ST-3"]
        refused = fake.calls("POST", "/cas/v1/tickets/TGT-1")
        assert len(refused) == 3  # two tickets, then the refusal

    def test_an_old_tgt_is_replaced_after_its_lifetime(self, fake, cas):
        fake.on("GET", HENKILO_PATH, person)
        client = onr(fake, cache_ttl_seconds=0, cas_tgt_lifetime_seconds=0.001)

        client.get_henkilo(OPPIJA)
        client.get_henkilo(OPPIJA)
        client.close()

        assert cas.tgts == ["TGT-1", "TGT-2"]

    def test_refused_credentials_are_unavailable_and_logged(self, fake, cas, caplog):
        fake.on("GET", HENKILO_PATH, person)
        client = onr(fake, cas_username="wrong")

        with pytest.raises(RegistryUnavailable) as raised:
            client.get_henkilo(OPPIJA)
        client.close()

        assert raised.value.registry == "CAS"
        assert "refused eHOKS's service account" in raised.value.detail
        assert fake.calls("GET", HENKILO_PATH) == []
        assert any("CAS answered POST" in r.getMessage() for r in caplog.records)

    def test_ticket_requests_are_never_retried(self, fake):
        fake.on("POST", "/cas/v1/tickets", Reply(503))
        client = onr(fake)

        with pytest.raises(RegistryUnavailable) as raised:
            client.get_henkilo(OPPIJA)
        client.close()

        assert raised.value.registry == "CAS"
        assert len(fake.calls("POST", "/cas/v1/tickets")) == 1
