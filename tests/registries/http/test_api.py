"""End to end: the application in ``http`` mode against registries on a local fake server.

A HOKS write while Koski is unavailable answers 503 with ``Retry-After`` and writes nothing; with
Koski up, the write goes through. Service-client tokens come from ``tests.conftest.Clients``,
and the access decisions read the organisation hierarchy through the HTTP Organisaatio client.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from ehoks.config import Settings
from ehoks.db import make_session_factory
from ehoks.hoks.models import Hoks
from ehoks.main import create_app
from ehoks.registries.http import HttpKoski, HttpOrganisaatio
from tests.conftest import API, Clients
from tests.factories import OPH, World, hoks_body
from tests.registries.http.fake_server import FakeRegistryServer, Hang, Recorded, Reply
from tests.registries.http.mock import registry_settings

KOSKI_OO = r"/koski/api/opiskeluoikeus/(?P<oid>[\d.]+)"


def _count(db) -> int:
    with make_session_factory(db).begin() as session:
        return int(session.scalar(select(func.count()).select_from(Hoks)) or 0)


def _document(db, hoks_id: int) -> tuple[int, dict[str, Any]]:
    with make_session_factory(db).begin() as session:
        hoks = session.get(Hoks, hoks_id)
        assert hoks is not None
        return hoks.version, dict(hoks.document)


class FakeRegistries:
    """The fake server answering as Koski, ONR, Organisaatio and CAS do, from a ``World``."""

    def __init__(self, fake: FakeRegistryServer, world: World) -> None:
        self.fake = fake
        self.world = world
        organisaatiot = {o["oid"]: o for o in world.organisaatiot()}
        fake.on(
            "GET",
            r"/organisaatio-service/api/(?P<oid>[\d.]+)",
            lambda r: self._by_oid(organisaatiot, r),
        )
        fake.on("GET", KOSKI_OO, lambda r: self._by_oid(self._opiskeluoikeudet(), r))
        fake.on("POST", "/koski/api/sure/oids", self._sure_oids)
        fake.on(
            "POST",
            "/cas/v1/tickets",
            Reply(201, headers={"Location": f"{fake.url}/cas/v1/tickets/TGT-1"}),
        )
        fake.on("POST", "/cas/v1/tickets/TGT-1", Reply(body="ST-1"))
        fake.on(
            "GET",
            r"/oppijanumerorekisteri-service/henkilo/(?P<oid>[\d.]+)/master",
            lambda r: Reply(json={"oidHenkilo": r.path.split("/")[-2]}),
        )
        fake.on("GET", r"/oppijanumerorekisteri-service/henkilo/(?P<oid>[\d.]+)", self._henkilo)

    def koski_down(self) -> None:
        self.fake.on("GET", KOSKI_OO, Reply(503, body="Service Unavailable"))

    def _opiskeluoikeudet(self) -> dict[str, Any]:
        return {
            oo["oid"]: oo
            for oppija in self.world.oppijat.values()
            for oo in oppija["opiskeluoikeudet"]
        }

    @staticmethod
    def _by_oid(documents: dict[str, Any], request: Recorded) -> Reply:
        document = documents.get(request.path.rsplit("/", 1)[-1])
        if document is None:
            return Reply(404, json=[{"key": "notFound.opiskeluoikeuttaEiLöydyTaiEiOikeuksia"}])
        return Reply(json=document)

    def _henkilo(self, request: Recorded) -> Reply:
        oppija = self.world.oppijat.get(request.path.rsplit("/", 1)[-1])
        if oppija is None:
            return Reply(404)
        henkilo = oppija["henkilö"]
        return Reply(
            json={
                "oidHenkilo": henkilo["oid"],
                "etunimet": henkilo["etunimet"],
                "kutsumanimi": henkilo["kutsumanimi"],
                "sukunimi": henkilo["sukunimi"],
                "duplicate": False,
            }
        )

    def _sure_oids(self, request: Recorded) -> Reply:
        return Reply(
            json=[self.world.oppijat[oid] for oid in request.json() if oid in self.world.oppijat]
        )


@pytest.fixture
def registries(fake: FakeRegistryServer, world: World) -> FakeRegistries:
    return FakeRegistries(fake, world)


@pytest.fixture
def http_settings(database_url: str, fake: FakeRegistryServer) -> Settings:
    return Settings(
        environment="test",
        database_url=database_url,
        registries_mode="http",
        registries=registry_settings(fake.url),
    )


@pytest.fixture
def http_client(db, http_settings: Settings) -> Iterator[TestClient]:
    app = create_app(http_settings, engine=db)
    registries = app.state.ehoks.runtime.registries
    assert isinstance(registries.koski, HttpKoski)
    assert isinstance(registries.organisaatio, HttpOrganisaatio)
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def headers(db, http_client: TestClient) -> dict[str, str]:
    return Clients(db, http_client).headers(OPH)


@pytest.fixture
def created(client, clients, world: World) -> tuple[int, dict[str, Any]]:
    """A HOKS created through the local-mode application, for the write tests below."""
    oppija, oo = world.add_oppija("http-update")
    body = hoks_body(oppija, oo)
    response = client.post(f"{API}/hoks", json=body, headers=clients.headers(OPH))
    assert response.status_code == 200, response.text
    return response.json()["meta"]["id"], body


class TestCreate:
    def test_while_koski_is_unavailable_answers_503_and_writes_nothing(
        self, http_client, headers, registries, world, db, fake
    ):
        oppija, oo = world.add_oppija("koski-down")
        registries.koski_down()
        before = _count(db)

        response = http_client.post(f"{API}/hoks", json=hoks_body(oppija, oo), headers=headers)

        assert response.status_code == 503
        assert response.headers["Retry-After"] == "1"
        assert response.json() == {
            "error": "Koski is unavailable (it answered HTTP 503). "
            "Nothing was saved; try again later."
        }
        assert _count(db) == before
        assert len(fake.calls("GET", f"/koski/api/opiskeluoikeus/{oo}")) == 3  # tried 3 times

    def test_while_koski_hangs_answers_503_and_writes_nothing(
        self, db, database_url, fake, registries, world
    ):
        oppija, oo = world.add_oppija("koski-hangs")
        fake.on("GET", KOSKI_OO, Hang())
        settings = Settings(
            environment="test",
            database_url=database_url,
            registries_mode="http",
            registries=registry_settings(fake.url, read_timeout_seconds=0.1, retry_attempts=1),
        )
        with TestClient(create_app(settings, engine=db)) as test_client:
            headers = Clients(db, test_client).headers(OPH)
            response = test_client.post(f"{API}/hoks", json=hoks_body(oppija, oo), headers=headers)

        assert response.status_code == 503
        assert "Koski is unavailable (no answer in time" in response.json()["error"]
        assert _count(db) == 0

    def test_unknown_study_right_is_still_400(self, http_client, headers, registries, world):
        oppija, _ = world.add_oppija("unknown-oo")
        body = hoks_body(oppija, "1.2.246.562.15.41024330544")

        response = http_client.post(f"{API}/hoks", json=body, headers=headers)

        assert response.status_code == 400
        assert response.json() == {
            "error": "Opiskeluoikeus `1.2.246.562.15.41024330544` not found in Koski"
        }

    def test_with_koski_up_succeeds(self, http_client, headers, registries, world, db):
        oppija, oo = world.add_oppija("koski-up")

        response = http_client.post(f"{API}/hoks", json=hoks_body(oppija, oo), headers=headers)

        assert response.status_code == 200, response.text
        assert _count(db) == 1


class TestUpdate:
    def test_with_koski_up_succeeds(self, http_client, headers, registries, created, db, fake):
        hoks_id, body = created

        response = http_client.patch(
            f"{API}/hoks/{hoks_id}",
            json={"id": hoks_id, "sahkoposti": "uusi@example.org"},
            headers=headers,
        )

        assert response.status_code == 204, response.text
        version, document = _document(db, hoks_id)
        assert (version, document["sahkoposti"]) == (2, "uusi@example.org")
        oo = body["opiskeluoikeus-oid"]
        assert len(fake.calls("GET", f"/koski/api/opiskeluoikeus/{oo}")) == 1
        assert fake.calls("GET", f"/organisaatio-service/api/{registries.world.oppilaitos_1}")

    def test_while_koski_is_unavailable_answers_503_and_changes_nothing(
        self, http_client, headers, registries, created, db
    ):
        hoks_id, _ = created
        before = _document(db, hoks_id)
        registries.koski_down()

        response = http_client.patch(
            f"{API}/hoks/{hoks_id}",
            json={"id": hoks_id, "sahkoposti": "uusi@example.org"},
            headers=headers,
        )

        assert response.status_code == 503
        assert response.headers["Retry-After"] == "1"
        assert _document(db, hoks_id) == before


class TestRead:
    def test_while_organisaatio_is_unavailable_answers_503(
        self, http_client, headers, registries, created, fake
    ):
        hoks_id, _ = created
        fake.on("GET", r"/organisaatio-service/api/.*", Reply(502))

        response = http_client.get(f"{API}/hoks/{hoks_id}", headers=headers)

        assert response.status_code == 503
        assert response.json()["error"].startswith("Organisaatiopalvelu is unavailable")

    def test_with_the_registries_up(self, http_client, headers, registries, created):
        hoks_id, body = created

        response = http_client.get(f"{API}/hoks/{hoks_id}", headers=headers)

        assert response.status_code == 200
        assert response.json()["data"]["oppija-oid"] == body["oppija-oid"]
