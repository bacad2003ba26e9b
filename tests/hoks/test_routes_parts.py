"""Piecewise writing: add, read, replace and remove single parts by module-id."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from ehoks.db import make_session_factory
from ehoks.hoks.models import HoksTyopaikkajakso
from tests.conftest import API
from tests.factories import OPH, hoks_body, tyopaikkajakso

OPISKELUVALMIUS = {
    "nimi": "Opiskelutaidot",
    "kuvaus": "Ajanhallinta",
    "alku": "2024-09-01",
    "loppu": "2024-10-01",
}


@pytest.fixture
def headers(clients):
    return clients.headers(OPH)


@pytest.fixture
def hoks(client, headers, world):
    oppija, oo = world.add_oppija("parts")
    hoks_id = client.post(f"{API}/hoks", json=hoks_body(oppija, oo), headers=headers).json()[
        "meta"
    ]["id"]
    data = client.get(f"{API}/hoks/{hoks_id}", headers=headers).json()["data"]
    return hoks_id, data


def _osa(data):
    return data["hankittavat-ammat-tutkinnon-osat"][0]


class TestAdd:
    def test_adds_a_learning_period_under_a_unit(self, client, headers, hoks, db):
        hoks_id, data = hoks
        unit = _osa(data)["module-id"]
        response = client.post(
            f"{API}/hoks/{hoks_id}/osat/{unit}/osaamisen-hankkimistavat",
            json=tyopaikkajakso("jakso-2", alku="2025-01-07", loppu="2025-03-01"),
            headers=headers,
        )
        assert response.status_code == 201, response.text
        module_id = response.json()["meta"]["module-id"]
        assert response.headers["location"].endswith(f"/hoks/{hoks_id}/osat/{module_id}")
        assert response.headers["etag"] == '"2"'
        after = client.get(f"{API}/hoks/{hoks_id}", headers=headers).json()["data"]
        periods = _osa(after)["osaamisen-hankkimistavat"]
        assert [p["yksiloiva-tunniste"] for p in periods] == ["jakso-1", "jakso-2"]
        assert periods[0]["module-id"] == _osa(data)["osaamisen-hankkimistavat"][0]["module-id"]
        with make_session_factory(db).begin() as session:
            assert len(session.scalars(select(HoksTyopaikkajakso)).all()) == 2

    def test_adds_to_a_root_collection(self, client, headers, hoks):
        hoks_id, _ = hoks
        response = client.post(
            f"{API}/hoks/{hoks_id}/osat/opiskeluvalmiuksia-tukevat-opinnot",
            json=OPISKELUVALMIUS,
            headers=headers,
        )
        assert response.status_code == 201
        module_id = response.json()["meta"]["module-id"]
        part = client.get(f"{API}/hoks/{hoks_id}/osat/{module_id}", headers=headers)
        assert part.status_code == 200
        assert part.json()["data"]["nimi"] == "Opiskelutaidot"
        assert part.json()["meta"]["tyyppi"] == "opiskeluvalmiuksia-tukevat-opinnot"

    def test_invalid_part_is_400_rooted_at_the_part_and_changes_nothing(
        self, client, headers, hoks
    ):
        hoks_id, data = hoks
        unit = _osa(data)["module-id"]
        bad = tyopaikkajakso("jakso-3", alku="2025-03-01", loppu="2025-01-01")
        response = client.post(
            f"{API}/hoks/{hoks_id}/osat/{unit}/osaamisen-hankkimistavat", json=bad, headers=headers
        )
        assert response.status_code == 400
        assert response.json()["errors"] == "Korjaa alku- ja loppupäivämäärä oikein päin."
        assert client.get(f"{API}/hoks/{hoks_id}", headers=headers).headers["etag"] == '"1"'

    def test_unknown_collection_or_parent_is_404(self, client, headers, hoks):
        hoks_id, data = hoks
        unit = _osa(data)["module-id"]
        assert (
            client.post(
                f"{API}/hoks/{hoks_id}/osat/{unit}/osa-alueet", json={}, headers=headers
            ).status_code
            == 404
        )
        missing = "6f1c2d2e-1111-4222-8333-444455556666"
        assert (
            client.post(
                f"{API}/hoks/{hoks_id}/osat/{missing}/osaamisen-hankkimistavat",
                json={},
                headers=headers,
            ).status_code
            == 404
        )

    def test_stale_if_match_is_412(self, client, headers, hoks):
        hoks_id, _ = hoks
        client.post(
            f"{API}/hoks/{hoks_id}/osat/opiskeluvalmiuksia-tukevat-opinnot",
            json=OPISKELUVALMIUS,
            headers=headers,
        )
        response = client.post(
            f"{API}/hoks/{hoks_id}/osat/opiskeluvalmiuksia-tukevat-opinnot",
            json=OPISKELUVALMIUS,
            headers={**headers, "If-Match": '"1"'},
        )
        assert response.status_code == 412


class TestReplaceAndDelete:
    def test_replace_keeps_the_module_id(self, client, headers, hoks):
        hoks_id, data = hoks
        period = _osa(data)["osaamisen-hankkimistavat"][0]
        changed = tyopaikkajakso("jakso-1", loppu="2024-12-31")
        response = client.put(
            f"{API}/hoks/{hoks_id}/osat/{period['module-id']}", json=changed, headers=headers
        )
        assert response.status_code == 204, response.text
        part = client.get(
            f"{API}/hoks/{hoks_id}/osat/{period['module-id']}", headers=headers
        ).json()
        assert part["data"]["loppu"] == "2024-12-31"
        assert part["meta"]["parent-module-id"] == _osa(data)["module-id"]

    def test_replace_with_another_module_id_in_body_is_refused(self, client, headers, hoks):
        hoks_id, data = hoks
        period = _osa(data)["osaamisen-hankkimistavat"][0]
        body = {**tyopaikkajakso("jakso-1"), "module-id": "6f1c2d2e-1111-4222-8333-444455556666"}
        response = client.put(
            f"{API}/hoks/{hoks_id}/osat/{period['module-id']}", json=body, headers=headers
        )
        assert response.status_code == 400

    def test_delete_removes_the_part_and_its_projection(self, client, headers, hoks, db):
        hoks_id, data = hoks
        period = _osa(data)["osaamisen-hankkimistavat"][0]
        response = client.delete(
            f"{API}/hoks/{hoks_id}/osat/{period['module-id']}", headers=headers
        )
        assert response.status_code == 204
        assert (
            client.get(
                f"{API}/hoks/{hoks_id}/osat/{period['module-id']}", headers=headers
            ).status_code
            == 404
        )
        with make_session_factory(db).begin() as session:
            assert session.scalars(select(HoksTyopaikkajakso)).all() == []

    def test_deleting_a_unit_removes_everything_under_it(self, client, headers, hoks):
        hoks_id, data = hoks
        unit = _osa(data)
        assert (
            client.delete(
                f"{API}/hoks/{hoks_id}/osat/{unit['module-id']}", headers=headers
            ).status_code
            == 204
        )
        after = client.get(f"{API}/hoks/{hoks_id}", headers=headers).json()["data"]
        assert after["hankittavat-ammat-tutkinnon-osat"] == []
        child = unit["osaamisen-hankkimistavat"][0]["module-id"]
        assert client.get(f"{API}/hoks/{hoks_id}/osat/{child}", headers=headers).status_code == 404

    def test_other_organisation_cannot_touch_parts(self, client, clients, hoks, world):
        hoks_id, data = hoks
        other = clients.headers(world.oppilaitos_3)
        module_id = _osa(data)["module-id"]
        assert (
            client.get(f"{API}/hoks/{hoks_id}/osat/{module_id}", headers=other).status_code == 401
        )
        assert (
            client.delete(f"{API}/hoks/{hoks_id}/osat/{module_id}", headers=other).status_code
            == 401
        )
        read_only = clients.headers(OPH, "READ")
        assert (
            client.delete(f"{API}/hoks/{hoks_id}/osat/{module_id}", headers=read_only).status_code
            == 401
        )
        assert (
            client.get(f"{API}/hoks/{hoks_id}/osat/{module_id}", headers=read_only).status_code
            == 200
        )


class TestTuva:
    def test_unit_cannot_be_added_to_a_tuva_hoks(self, client, headers, world):
        oppija, oo = world.add_oppija(
            "tuva", tyyppi="tuva", suoritustyyppi="tuvakoulutuksensuoritus"
        )
        body = {
            "oppija-oid": oppija,
            "opiskeluoikeus-oid": oo,
            "ensikertainen-hyvaksyminen": "2024-08-15",
            "osaamisen-hankkimisen-tarve": True,
            "hankittavat-koulutuksen-osat": [
                {
                    "koulutuksen-osa-koodi-uri": "koulutuksenosattuva_101",
                    "koulutuksen-osa-koodi-versio": 1,
                    "alku": "2024-09-01",
                    "loppu": "2024-12-01",
                    "laajuus": 5,
                }
            ],
        }
        created = client.post(f"{API}/hoks", json=body, headers=headers)
        assert created.status_code == 200, created.text
        hoks_id = created.json()["meta"]["id"]
        unit = hoks_body(oppija, oo)["hankittavat-ammat-tutkinnon-osat"][0]
        response = client.post(
            f"{API}/hoks/{hoks_id}/osat/hankittavat-ammat-tutkinnon-osat",
            json=unit,
            headers=headers,
        )
        assert response.status_code == 400
        assert response.json()["errors"] == "Ota tutkinnonosa pois, koska opiskeluoikeus on TUVA."
