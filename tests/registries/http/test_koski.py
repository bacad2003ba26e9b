"""The Koski client: recorded answers through a mock transport, then real sockets."""

from __future__ import annotations

import base64

import pytest

from ehoks.errors import RegistryUnavailable
from ehoks.registries.http import HttpKoski, UnexpectedAnswer
from tests.factories import koski_opiskeluoikeus
from tests.registries.http.fake_server import FakeRegistryServer, Reply
from tests.registries.http.mock import MockRegistry, json_response, registry_settings

OO = "1.2.246.562.15.76811932037"
OPPIJA = "1.2.246.562.24.44651722625"
OPPILAITOS = "1.2.246.562.10.12424158689"
KOULUTUSTOIMIJA = "1.2.246.562.10.55867603791"


@pytest.fixture
def mock() -> MockRegistry:
    return MockRegistry()


def koski(mock: MockRegistry, **settings) -> HttpKoski:
    return HttpKoski(registry_settings(**settings), transport=mock.transport())


class TestRecordedAnswers:
    @pytest.mark.parametrize(
        ("oid", "tyyppi", "oppilaitos", "tila"),
        [
            (
                "1.2.246.562.15.76811932037",
                "ammatillinenkoulutus",
                "1.2.246.562.10.84189747029",
                "lasna",
            ),
            (
                "1.2.246.562.15.13312692646",
                "muukuinsaanneltykoulutus",
                "1.2.246.562.10.32506551657",
                "lasna",
            ),
            ("1.2.246.562.15.60063016194", "ammatillinenkoulutus", None, None),
        ],
    )
    def test_study_rights_parse(self, mock, recorded, oid, tyyppi, oppilaitos, tila):
        mock.on(
            "GET",
            f"/koski/api/opiskeluoikeus/{oid}",
            recorded(f"koski_api_opiskeluoikeus_{oid}.json"),
        )

        found = koski(mock).get_opiskeluoikeus(oid)

        assert found is not None
        assert (found.oid, found.tyyppi, found.oppilaitos_oid, found.tila) == (
            oid,
            tyyppi,
            oppilaitos,
            tila,
        )
        # Koski's answer does not name the learner; sure/oids does.
        assert found.oppija_oid is None

    def test_learners_study_rights_from_sure_oids(self, mock, recorded):
        mock.on("POST", "/koski/api/sure/oids", recorded(f"koski_api_sure_oids_{OPPIJA}.json"))

        found = koski(mock).get_oppijan_opiskeluoikeudet(OPPIJA)

        assert found is not None
        assert [o.oid for o in found][:2] == [
            "1.2.246.562.15.76811932029",
            "1.2.246.562.15.60063016194",
        ]
        assert {o.oppija_oid for o in found} == {OPPIJA}
        assert mock.calls("/koski/api/sure/oids")[0].read() == f'["{OPPIJA}"]'.encode()

    def test_learner_that_sure_oids_does_not_list_is_unknown(self, mock, recorded):
        mock.on("POST", "/koski/api/sure/oids", recorded(f"koski_api_sure_oids_{OPPIJA}.json"))

        assert koski(mock).get_oppijan_opiskeluoikeudet("1.2.246.562.24.12312312319") is None


class TestOwnFixtures:
    """The same paths over documents built here, so they run without ``../shared``."""

    def test_study_right_and_request_decoration(self, mock):
        document = koski_opiskeluoikeus(
            oid=OO, oppilaitos=OPPILAITOS, koulutustoimija=KOULUTUSTOIMIJA
        )
        mock.on("GET", f"/koski/api/opiskeluoikeus/{OO}", document)

        found = koski(mock).get_opiskeluoikeus(OO)

        assert found is not None
        assert found.oppilaitos_oid == OPPILAITOS
        assert found.koulutustoimija_oid == KOULUTUSTOIMIJA
        request = mock.requests[0]
        credentials = base64.b64encode(b"ehoks:ehoks-secret").decode()
        assert request.headers["authorization"] == f"Basic {credentials}"
        assert request.headers["caller-id"] == "1.2.246.562.10.00000000001.ehoks-tests"
        assert request.headers["csrf"] == "1.2.246.562.10.00000000001.ehoks-tests"
        assert "CSRF=1.2.246.562.10.00000000001.ehoks-tests" in request.headers["cookie"]

    @pytest.mark.parametrize(
        ("status", "key"),
        [
            (404, "notFound"),
            (404, "notFound.opiskeluoikeuttaEiLöydy"),
            (404, "notFound.opiskeluoikeuttaEiLöydyTaiEiOikeuksia"),
            (400, "badRequest.queryParam.virheellinenOpiskeluoikeusOid"),
        ],
    )
    def test_not_found_answers_are_none(self, mock, status, key):
        mock.on("GET", f"/koski/api/opiskeluoikeus/{OO}", json_response(status, [{"key": key}]))

        assert koski(mock).get_opiskeluoikeus(OO) is None

    @pytest.mark.parametrize(
        ("status", "body"),
        [
            (403, [{"key": "forbidden.vainViranomainen"}]),
            (404, {"no": "error array"}),
            (400, [{"key": "badRequest.validation"}]),
            (500, [{"key": "internalError"}]),
        ],
    )
    def test_other_answers_are_unavailable_with_status_and_code(self, mock, status, body):
        mock.on("GET", f"/koski/api/opiskeluoikeus/{OO}", json_response(status, body))

        with pytest.raises(UnexpectedAnswer) as raised:
            koski(mock).get_opiskeluoikeus(OO)

        assert raised.value.status == status
        assert raised.value.registry == "Koski"
        assert f"HTTP {status}" in raised.value.detail
        key = body[0]["key"] if isinstance(body, list) else None
        assert f"Koski-virhekoodi {key}" in raised.value.detail

    def test_an_identifier_cannot_change_the_path(self, mock):
        assert koski(mock).get_opiskeluoikeus("../oppija/1.2.3?x=1") is None

        assert (
            mock.requests[0].url.raw_path
            == b"/koski/api/opiskeluoikeus/..%2Foppija%2F1.2.3%3Fx%3D1"
        )

    def test_a_study_right_is_cached_for_a_burst(self, mock):
        document = koski_opiskeluoikeus(
            oid=OO, oppilaitos=OPPILAITOS, koulutustoimija=KOULUTUSTOIMIJA
        )
        mock.on("GET", f"/koski/api/opiskeluoikeus/{OO}", document)
        client = koski(mock)

        client.get_opiskeluoikeus(OO)
        client.get_opiskeluoikeus(OO)
        client.get_opiskeluoikeus_document(OO)

        assert len(mock.calls(f"/koski/api/opiskeluoikeus/{OO}")) == 1

    def test_not_found_is_not_cached(self, mock):
        mock.on("GET", f"/koski/api/opiskeluoikeus/{OO}", json_response(404, [{"key": "notFound"}]))
        client = koski(mock)

        client.get_opiskeluoikeus(OO)
        client.get_opiskeluoikeus(OO)

        assert len(mock.calls(f"/koski/api/opiskeluoikeus/{OO}")) == 2

    def test_cache_can_be_turned_off(self, mock):
        document = koski_opiskeluoikeus(
            oid=OO, oppilaitos=OPPILAITOS, koulutustoimija=KOULUTUSTOIMIJA
        )
        mock.on("GET", f"/koski/api/opiskeluoikeus/{OO}", document)
        client = koski(mock, koski_opiskeluoikeus_cache_ttl_seconds=0)

        client.get_opiskeluoikeus(OO)
        client.get_opiskeluoikeus(OO)

        assert len(mock.calls(f"/koski/api/opiskeluoikeus/{OO}")) == 2


class TestOverSockets:
    def test_found_not_found_and_gateway_error(self, fake: FakeRegistryServer):
        document = koski_opiskeluoikeus(
            oid=OO, oppilaitos=OPPILAITOS, koulutustoimija=KOULUTUSTOIMIJA
        )
        fake.on("GET", f"/koski/api/opiskeluoikeus/{OO}", Reply(json=document))
        fake.on(
            "GET",
            "/koski/api/opiskeluoikeus/1.2.246.562.15.00000000001",
            Reply(404, json=[{"key": "notFound.opiskeluoikeuttaEiLöydyTaiEiOikeuksia"}]),
        )
        fake.on("GET", "/koski/api/opiskeluoikeus/1.2.246.562.15.00000000002", Reply(504))
        client = HttpKoski(registry_settings(fake.url))

        found = client.get_opiskeluoikeus(OO)
        missing = client.get_opiskeluoikeus("1.2.246.562.15.00000000001")
        with pytest.raises(RegistryUnavailable) as raised:
            client.get_opiskeluoikeus("1.2.246.562.15.00000000002")
        client.close()

        assert found is not None
        assert found.oppilaitos_oid == OPPILAITOS
        assert missing is None
        assert raised.value.detail.startswith("Koski is unavailable (it answered HTTP 504)")
        assert raised.value.headers["Retry-After"] == "1"
        # 504 is a gateway error: the read was tried three times.
        assert len(fake.calls("GET", "/koski/api/opiskeluoikeus/1.2.246.562.15.00000000002")) == 3

    def test_sure_oids_is_a_read_post_and_is_retried(self, fake: FakeRegistryServer):
        document = koski_opiskeluoikeus(
            oid=OO, oppilaitos=OPPILAITOS, koulutustoimija=KOULUTUSTOIMIJA
        )
        fake.on(
            "POST",
            "/koski/api/sure/oids",
            Reply(502),
            Reply(json=[{"henkilö": {"oid": OPPIJA}, "opiskeluoikeudet": [document]}]),
        )
        client = HttpKoski(registry_settings(fake.url))

        found = client.get_oppijan_opiskeluoikeudet(OPPIJA)
        client.close()

        assert found is not None
        assert [(o.oid, o.oppija_oid) for o in found] == [(OO, OPPIJA)]
        assert [r.json() for r in fake.calls("POST")] == [[OPPIJA], [OPPIJA]]
