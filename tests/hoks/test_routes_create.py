"""POST /hoks, GET /hoks/{id}, /hoks/opiskeluoikeus/{oid} and /validointi over HTTP."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from ehoks.db import make_session_factory
from ehoks.hoks.models import Hoks, HoksNaytto, HoksTyopaikkajakso
from tests.conftest import API
from tests.factories import OPH, hoks_body, koski_opiskeluoikeus


def _count(db, model=Hoks):
    with make_session_factory(db).begin() as session:
        return session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def learner(world):
    return world.add_oppija("create")


class TestCreate:
    def test_creates_and_answers_id_and_uri(self, client, clients, learner):
        headers = clients.headers(OPH)
        response = client.post(f"{API}/hoks", json=hoks_body(*learner), headers=headers)
        assert response.status_code == 200, response.text
        body = response.json()
        hoks_id = body["meta"]["id"]
        assert body["data"]["uri"] == f"{API}/hoks/{hoks_id}"
        assert response.headers["etag"] == '"1"'

    def test_read_back_has_server_fields_and_module_ids(self, client, clients, learner):
        headers = clients.headers(OPH)
        sent = hoks_body(*learner)
        hoks_id = client.post(f"{API}/hoks", json=sent, headers=headers).json()["meta"]["id"]
        response = client.get(f"{API}/hoks/{hoks_id}", headers=headers)
        assert response.status_code == 200
        data = response.json()["data"]
        assert data["id"] == hoks_id
        assert len(data["eid"]) == 36
        assert data["manuaalisyotto"] is False
        assert data["oppija-oid"] == sent["oppija-oid"]
        osa = data["hankittavat-ammat-tutkinnon-osat"][0]
        assert len(osa["module-id"]) == 36
        assert len(osa["osaamisen-hankkimistavat"][0]["module-id"]) == 36
        assert len(osa["osaamisen-osoittaminen"][0]["module-id"]) == 36
        for key in (
            "oppimisen-tuki",
            "hankittavat-koulutuksen-osat",
            "aiemmin-hankitut-ammat-tutkinnon-osat",
        ):
            assert data[key] == []
        assert response.headers["etag"] == '"1"'

    def test_writes_projections_in_the_same_transaction(self, client, clients, learner, db):
        client.post(f"{API}/hoks", json=hoks_body(*learner), headers=clients.headers(OPH))
        with make_session_factory(db).begin() as session:
            jakso = session.scalars(select(HoksTyopaikkajakso)).one()
            assert jakso.yksiloiva_tunniste == "jakso-1"
            assert jakso.ohjaaja_sahkoposti == "olli@example.org"
            assert jakso.osa_tyyppi == "hato"
            naytto = session.scalars(select(HoksNaytto)).one()
            assert naytto.tyoelama_arvioijat[0]["nimi"] == "Tiina Työelämä"

    def test_second_hoks_for_the_same_study_right_is_refused(self, client, clients, learner, db):
        headers = clients.headers(OPH)
        assert (
            client.post(f"{API}/hoks", json=hoks_body(*learner), headers=headers).status_code == 200
        )
        response = client.post(f"{API}/hoks", json=hoks_body(*learner), headers=headers)
        assert response.status_code == 400
        assert response.json() == {"error": "HOKS with the same opiskeluoikeus-oid already exists"}
        assert _count(db) == 1

    def test_unknown_study_right_is_400_before_validation(self, client, clients, world):
        oppija, _ = world.add_oppija("known")
        body = hoks_body(oppija, "1.2.246.562.15.41024330544")
        del body["ensikertainen-hyvaksyminen"]
        response = client.post(f"{API}/hoks", json=body, headers=clients.headers(OPH))
        assert response.status_code == 400
        assert response.json() == {
            "error": "Opiskeluoikeus `1.2.246.562.15.41024330544` not found in Koski"
        }

    def test_study_right_of_another_learner_is_refused(self, client, clients, world, db):
        first, _ = world.add_oppija("first")
        _, other_oo = world.add_oppija("second")
        response = client.post(
            f"{API}/hoks", json=hoks_body(first, other_oo), headers=clients.headers(OPH)
        )
        assert response.status_code == 400
        assert response.json() == {
            "error": f"No opiskeluoikeus {other_oo} found for oppija {first}"
        }
        assert _count(db) == 0

    def test_study_right_included_in_another_is_refused(self, client, clients, world):
        oppija, master = world.add_oppija("master")
        included = "1.2.246.562.15.10000000009"
        world.oppijat[oppija]["opiskeluoikeudet"].append(
            koski_opiskeluoikeus(
                oid=included,
                oppilaitos=world.oppilaitos_3,
                koulutustoimija=world.koulutustoimija_2,
                sisaltyy={"oid": master, "oppilaitos": {"oid": world.oppilaitos_1}},
            )
        )
        world.changed()
        response = client.post(
            f"{API}/hoks", json=hoks_body(oppija, included), headers=clients.headers(OPH)
        )
        assert response.status_code == 400
        assert response.json() == {
            "error": f"Opiskeluoikeus `{included}` sisältyy toiseen opiskeluoikeuteen."
        }

    def test_wrong_study_right_type_is_reported_at_the_field(self, client, clients, world):
        learner = world.add_oppija("perusopetus", tyyppi="perusopetus")
        response = client.post(
            f"{API}/hoks", json=hoks_body(*learner), headers=clients.headers(OPH)
        )
        assert response.status_code == 400
        assert "Ammatillinen koulutus" in response.json()["errors"]["opiskeluoikeus-oid"]

    def test_invalid_body_is_400_mirroring_the_input_and_stores_nothing(
        self, client, clients, learner, db
    ):
        body = hoks_body(*learner)
        del body["ensikertainen-hyvaksyminen"]
        body["tuntematon"] = 1
        body["hankittavat-ammat-tutkinnon-osat"][0]["osaamisen-hankkimistavat"][0]["loppu"] = (
            "2024-08-01"
        )
        response = client.post(f"{API}/hoks", json=body, headers=clients.headers(OPH))
        assert response.status_code == 400
        result = response.json()
        assert result["type"] == "compojure.api.exception/request-validation"
        errors = result["errors"]
        assert errors["ensikertainen-hyvaksyminen"] == "missing-required-key"
        assert errors["tuntematon"] == "disallowed-key"
        assert result["problems"]
        assert _count(db) == 0

    def test_rule_failure_is_at_the_failing_period(self, client, clients, learner):
        body = hoks_body(*learner)
        body["hankittavat-ammat-tutkinnon-osat"][0]["osaamisen-hankkimistavat"][0]["loppu"] = (
            "2024-08-01"
        )
        response = client.post(f"{API}/hoks", json=body, headers=clients.headers(OPH))
        assert response.status_code == 400
        osa = response.json()["errors"]["hankittavat-ammat-tutkinnon-osat"][0]
        assert osa["osaamisen-hankkimistavat"][0] == "Korjaa alku- ja loppupäivämäärä oikein päin."

    def test_malformed_json_is_400_request_parsing(self, client, clients):
        response = client.post(
            f"{API}/hoks",
            content=b"{not json",
            headers={**clients.headers(OPH), "Content-Type": "application/json"},
        )
        assert response.status_code == 400
        assert response.json()["type"] == "compojure.api.exception/request-parsing"


class TestCreateAccess:
    def test_client_of_a_parent_organisation_may_create(self, client, clients, world, learner):
        response = client.post(
            f"{API}/hoks",
            json=hoks_body(*learner),
            headers=clients.headers(world.koulutustoimija_1),
        )
        assert response.status_code == 200

    def test_client_of_another_organisation_gets_401_and_nothing_is_stored(
        self, client, clients, world, learner, db
    ):
        response = client.post(
            f"{API}/hoks", json=hoks_body(*learner), headers=clients.headers(world.oppilaitos_3)
        )
        assert response.status_code == 401
        assert response.json() == {
            "error": "No access is allowed. Check Opintopolku privileges and 'opiskeluoikeus'"
        }
        assert _count(db) == 0

    def test_sibling_institution_has_no_access(self, client, clients, world, learner):
        response = client.post(
            f"{API}/hoks", json=hoks_body(*learner), headers=clients.headers(world.oppilaitos_2)
        )
        assert response.status_code == 401

    def test_read_only_client_cannot_create(self, client, clients, world, learner):
        response = client.post(
            f"{API}/hoks", json=hoks_body(*learner), headers=clients.headers(OPH, "READ")
        )
        assert response.status_code == 401


class TestRead:
    def test_missing_hoks_is_404(self, client, clients):
        response = client.get(f"{API}/hoks/999", headers=clients.headers(OPH))
        assert response.status_code == 404
        assert response.json() == {"error": "HOKS not found"}

    def test_other_organisation_cannot_read(self, client, clients, world, learner):
        hoks_id = client.post(
            f"{API}/hoks", json=hoks_body(*learner), headers=clients.headers(OPH)
        ).json()["meta"]["id"]
        response = client.get(f"{API}/hoks/{hoks_id}", headers=clients.headers(world.oppilaitos_3))
        assert response.status_code == 401
        read_only = clients.headers(world.oppilaitos_1, "READ")
        assert client.get(f"{API}/hoks/{hoks_id}", headers=read_only).status_code == 200

    def test_if_none_match_with_current_version_is_304(self, client, clients, learner):
        headers = clients.headers(OPH)
        hoks_id = client.post(f"{API}/hoks", json=hoks_body(*learner), headers=headers).json()[
            "meta"
        ]["id"]
        response = client.get(f"{API}/hoks/{hoks_id}", headers={**headers, "If-None-Match": '"1"'})
        assert response.status_code == 304

    def test_by_opiskeluoikeus_gives_top_level_fields_only(self, client, clients, learner):
        headers = clients.headers(OPH)
        client.post(f"{API}/hoks", json=hoks_body(*learner), headers=headers)
        response = client.get(f"{API}/hoks/opiskeluoikeus/{learner[1]}", headers=headers)
        assert response.status_code == 200
        data = response.json()["data"]
        assert data["opiskeluoikeus-oid"] == learner[1]
        assert "hankittavat-ammat-tutkinnon-osat" not in data

    def test_by_opiskeluoikeus_invalid_oid_is_400_and_unknown_404(self, client, clients):
        headers = clients.headers(OPH)
        bad = client.get(f"{API}/hoks/opiskeluoikeus/1.2.246.562.15.41014330544", headers=headers)
        assert bad.status_code == 400
        missing = client.get(
            f"{API}/hoks/opiskeluoikeus/1.2.246.562.15.41024330544", headers=headers
        )
        assert missing.status_code == 404
        assert missing.json() == {"error": "No HOKS found with given opiskeluoikeus"}

    def test_non_numeric_id_is_400(self, client, clients):
        assert client.get(f"{API}/hoks/abc", headers=clients.headers(OPH)).status_code == 400


class TestValidointi:
    def test_valid_body_answers_empty_data_and_stores_nothing(self, client, clients, learner, db):
        response = client.post(
            f"{API}/validointi", json=hoks_body(*learner), headers=clients.headers(OPH)
        )
        assert response.status_code == 200
        assert response.json() == {"meta": {}, "data": {}}
        assert _count(db) == 0

    def test_invalid_body_answers_errors(self, client, clients, learner):
        body = hoks_body(*learner)
        body["osaamisen-hankkimisen-tarve"] = "kyllä"
        response = client.post(f"{API}/validointi", json=body, headers=clients.headers(OPH))
        assert response.status_code == 400
        assert "osaamisen-hankkimisen-tarve" in response.json()["errors"]

    def test_requires_authentication(self, client, learner):
        response = client.post(
            f"{API}/validointi", json=hoks_body(*learner), headers={"Caller-Id": "x"}
        )
        assert response.status_code == 401

    def test_only_for_study_rights_of_the_clients_own_organisations(
        self, client, clients, world, learner
    ):
        # Another provider's client could otherwise probe this learner's study right.
        body = hoks_body(*learner)
        for organisaatio, role in ((world.oppilaitos_3, "CRUD"), (world.oppilaitos_1, "READ")):
            refused = client.post(
                f"{API}/validointi", json=body, headers=clients.headers(organisaatio, role)
            )
            assert refused.status_code == 403
            assert "opiskeluoikeus-oid" in refused.json()["error"]
        own = client.post(
            f"{API}/validointi", json=body, headers=clients.headers(world.koulutustoimija_1)
        )
        assert own.status_code == 200
