"""PUT, PATCH, versions, ETag/If-Match and the Vipunen feed over HTTP."""

from __future__ import annotations

import copy

import pytest

from ehoks.errors import BadRequest
from tests.conftest import API
from tests.factories import OPH, hoks_body, tyopaikkajakso


@pytest.fixture
def headers(clients):
    return clients.headers(OPH)


@pytest.fixture
def created(client, headers, world):
    oppija, oo = world.add_oppija("update")
    body = hoks_body(oppija, oo, puhelinnumero="040 123")
    body["urasuunnitelma-koodi-uri"] = "urasuunnitelma_0001"
    response = client.post(f"{API}/hoks", json=body, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["meta"]["id"], body


def _get(client, headers, hoks_id):
    response = client.get(f"{API}/hoks/{hoks_id}", headers=headers)
    assert response.status_code == 200
    return response.json()["data"]


class TestPut:
    def test_replaces_and_nulls_the_listed_fields_keeping_the_others(
        self, client, headers, created
    ):
        hoks_id, body = created
        new = {
            k: v
            for k, v in body.items()
            if k not in ("sahkoposti", "urasuunnitelma-koodi-uri", "puhelinnumero", "oppija-oid")
        }
        new["id"] = hoks_id
        response = client.put(f"{API}/hoks/{hoks_id}", json=new, headers=headers)
        assert response.status_code == 204, response.text
        assert response.headers["etag"] == '"2"'
        data = _get(client, headers, hoks_id)
        assert "sahkoposti" not in data  # nulled when absent (reference 4.6)
        assert "urasuunnitelma-koodi-uri" not in data
        assert data["puhelinnumero"] == "040 123"  # kept when absent (D6)
        assert data["oppija-oid"] == body["oppija-oid"]

    def test_matching_parts_keep_their_module_ids(self, client, headers, created):
        hoks_id, body = created
        before = _get(client, headers, hoks_id)["hankittavat-ammat-tutkinnon-osat"][0]
        new = copy.deepcopy(body)
        new["id"] = hoks_id
        osa = new["hankittavat-ammat-tutkinnon-osat"][0]
        osa["osaamisen-hankkimistavat"].append(
            tyopaikkajakso("jakso-2", alku="2025-01-07", loppu="2025-03-01")
        )
        osa["osaamisen-hankkimistavat"][0]["loppu"] = "2024-12-21"  # same tunniste, changed
        assert client.put(f"{API}/hoks/{hoks_id}", json=new, headers=headers).status_code == 204
        after = _get(client, headers, hoks_id)["hankittavat-ammat-tutkinnon-osat"][0]
        assert after["module-id"] == before["module-id"]
        assert (
            after["osaamisen-hankkimistavat"][0]["module-id"]
            == before["osaamisen-hankkimistavat"][0]["module-id"]
        )
        assert after["osaamisen-hankkimistavat"][1]["module-id"] not in {
            before["osaamisen-hankkimistavat"][0]["module-id"]
        }
        assert (
            after["osaamisen-osoittaminen"][0]["module-id"]
            == before["osaamisen-osoittaminen"][0]["module-id"]
        )

    def test_module_id_sent_back_is_kept_and_a_foreign_one_refused(self, client, headers, created):
        hoks_id, _ = created
        current = _get(client, headers, hoks_id)
        current.pop("eid")
        current.pop("manuaalisyotto")
        keep = current["hankittavat-ammat-tutkinnon-osat"][0]["module-id"]
        current["hankittavat-ammat-tutkinnon-osat"][0]["tutkinnon-osa-koodi-uri"] = (
            "tutkinnonosat_999999"
        )
        assert client.put(f"{API}/hoks/{hoks_id}", json=current, headers=headers).status_code == 204
        assert (
            _get(client, headers, hoks_id)["hankittavat-ammat-tutkinnon-osat"][0]["module-id"]
            == keep
        )
        current["hankittavat-ammat-tutkinnon-osat"][0]["module-id"] = (
            "6f1c2d2e-1111-4222-8333-444455556666"
        )
        response = client.put(f"{API}/hoks/{hoks_id}", json=current, headers=headers)
        assert response.status_code == 400
        assert "module-id" in str(response.json()["errors"]["hankittavat-ammat-tutkinnon-osat"][0])

    def test_body_id_must_equal_path_id(self, client, headers, created):
        hoks_id, body = created
        response = client.put(
            f"{API}/hoks/{hoks_id}", json={**body, "id": hoks_id + 1}, headers=headers
        )
        assert response.status_code == 400
        assert "must equal" in response.json()["error"]

    def test_body_without_id_is_refused(self, client, headers, created):
        hoks_id, body = created
        response = client.put(f"{API}/hoks/{hoks_id}", json=body, headers=headers)
        assert response.status_code == 400
        assert response.json()["errors"]["id"] == "missing-required-key"

    def test_study_right_cannot_change(self, client, headers, created):
        hoks_id, body = created
        response = client.put(
            f"{API}/hoks/{hoks_id}",
            json={**body, "id": hoks_id, "opiskeluoikeus-oid": "1.2.246.562.15.41024330544"},
            headers=headers,
        )
        assert response.status_code == 400
        assert "updating `opiskeluoikeus-oid` in HOKS is not allowed!" in response.json()["error"]

    def test_missing_hoks_is_404_and_other_organisation_401(
        self, client, headers, clients, created, world
    ):
        hoks_id, body = created
        assert (
            client.put(f"{API}/hoks/999", json={**body, "id": 999}, headers=headers).status_code
            == 404
        )
        other = clients.headers(world.oppilaitos_3)
        assert (
            client.put(
                f"{API}/hoks/{hoks_id}", json={**body, "id": hoks_id}, headers=other
            ).status_code
            == 401
        )
        read_only = clients.headers(OPH, "READ")
        assert (
            client.put(
                f"{API}/hoks/{hoks_id}", json={**body, "id": hoks_id}, headers=read_only
            ).status_code
            == 401
        )

    def test_invalid_replace_changes_nothing(self, client, headers, created):
        hoks_id, body = created
        before = _get(client, headers, hoks_id)
        bad = {**body, "id": hoks_id, "osaamisen-saavuttamisen-pvm": "2017-05-05"}
        assert client.put(f"{API}/hoks/{hoks_id}", json=bad, headers=headers).status_code == 400
        assert _get(client, headers, hoks_id) == before


class TestPatch:
    def test_changes_only_given_top_level_fields(self, client, headers, created):
        hoks_id, _ = created
        before = _get(client, headers, hoks_id)
        response = client.patch(
            f"{API}/hoks/{hoks_id}",
            json={"id": hoks_id, "sahkoposti": "uusi@example.org"},
            headers=headers,
        )
        assert response.status_code == 204
        after = _get(client, headers, hoks_id)
        assert after["sahkoposti"] == "uusi@example.org"
        assert (
            after["hankittavat-ammat-tutkinnon-osat"] == before["hankittavat-ammat-tutkinnon-osat"]
        )

    def test_collections_are_disallowed(self, client, headers, created):
        hoks_id, _ = created
        response = client.patch(
            f"{API}/hoks/{hoks_id}", json={"id": hoks_id, "oppimisen-tuki": []}, headers=headers
        )
        assert response.status_code == 400
        assert response.json()["errors"]["oppimisen-tuki"] == "disallowed-key"

    def test_oppija_oid_changes_only_to_the_master(self, client, headers, created, world):
        hoks_id, _ = created
        other, _ = world.add_oppija("someone-else")
        response = client.patch(
            f"{API}/hoks/{hoks_id}", json={"id": hoks_id, "oppija-oid": other}, headers=headers
        )
        assert response.status_code == 400
        assert "only allowed with latest master oppija oid!" in response.json()["error"]


class TestConcurrencyHeaders:
    def test_if_match_with_current_version_succeeds_and_stale_is_412(
        self, client, headers, created
    ):
        hoks_id, _ = created
        ok = client.patch(
            f"{API}/hoks/{hoks_id}",
            json={"id": hoks_id, "versio": 2},
            headers={**headers, "If-Match": '"1"'},
        )
        assert ok.status_code == 204
        stale = client.patch(
            f"{API}/hoks/{hoks_id}",
            json={"id": hoks_id, "versio": 3},
            headers={**headers, "If-Match": '"1"'},
        )
        assert stale.status_code == 412
        assert _get(client, headers, hoks_id)["versio"] == 2

    def test_versions_are_listed_and_readable(self, client, headers, created):
        hoks_id, _ = created
        client.patch(
            f"{API}/hoks/{hoks_id}",
            json={"id": hoks_id, "sahkoposti": "v2@example.org"},
            headers=headers,
        )
        versions = client.get(f"{API}/hoks/{hoks_id}/versiot", headers=headers).json()["data"]
        assert [v["versio"] for v in versions] == [1, 2]
        assert [v["muutos"] for v in versions] == ["create", "patch"]
        first = client.get(f"{API}/hoks/{hoks_id}/versiot/1", headers=headers).json()["data"]
        assert first["sahkoposti"] == "opiskelija@example.org"
        assert client.get(f"{API}/hoks/{hoks_id}/versiot/9", headers=headers).status_code == 404

    def test_each_version_names_its_own_operation_and_writer(self, client, clients, created):
        """A stored version is written when the next write ends it: its operation and writer
        must be shifted to the version they made, not the one they replaced."""
        hoks_id, body = created
        second, third = clients.headers(OPH), clients.headers(OPH)
        client.put(f"{API}/hoks/{hoks_id}", json={**body, "id": hoks_id}, headers=second)
        client.patch(
            f"{API}/hoks/{hoks_id}",
            json={"id": hoks_id, "sahkoposti": "v3@example.org"},
            headers=third,
        )
        versions = client.get(f"{API}/hoks/{hoks_id}/versiot", headers=third).json()["data"]
        assert [v["versio"] for v in versions] == [1, 2, 3]
        assert [v["muutos"] for v in versions] == ["create", "replace", "patch"]
        writers = [v["muuttaja"] for v in versions]
        assert len(set(writers)) == 3  # three different clients wrote the three versions


class TestPaged:
    def test_feed_is_anonymised(self, client, headers, created):
        hoks_id, _ = created
        response = client.get(f"{API}/hoks/paged", headers=headers)
        assert response.status_code == 200
        data = response.json()["data"]
        assert data["last-id"] == hoks_id
        assert data["failed-ids"] == []
        (item,) = data["result"]
        assert "sahkoposti" not in item
        assert "puhelinnumero" not in item
        osa = item["hankittavat-ammat-tutkinnon-osat"][0]
        tjk = osa["osaamisen-hankkimistavat"][0]["tyopaikalla-jarjestettava-koulutus"]
        assert tjk["vastuullinen-tyopaikka-ohjaaja"] is True
        arvioija = osa["osaamisen-osoittaminen"][0]["tyoelama-osaamisen-arvioijat"][0]
        assert arvioija["nimi"] == "<REDACTED>"

    def test_paging_continues_from_last_id_until_empty(self, client, headers, created):
        hoks_id, _ = created
        page = client.get(f"{API}/hoks/paged?from-id={hoks_id}", headers=headers).json()["data"]
        assert page == {"last-id": hoks_id, "failed-ids": [], "result": []}

    def test_updated_after_filters(self, client, headers, created):
        response = client.get(
            f"{API}/hoks/paged?updated-after=2999-01-01T00:00:00", headers=headers
        )
        assert response.json()["data"]["result"] == []

    def test_only_a_client_with_the_vipunen_right_reads_the_feed(
        self, client, clients, created, world
    ):
        # D14 fixed: the original gave every HOKS (anonymised) to any service client.
        for organisaatio, role in ((world.oppilaitos_3, "READ"), (world.koulutustoimija_1, "CRUD")):
            refused = client.get(f"{API}/hoks/paged", headers=clients.headers(organisaatio, role))
            assert refused.status_code == 403
            assert "VIPUNEN" in refused.json()["error"]
        statistics = clients.headers(OPH, "VIPUNEN")
        assert client.get(f"{API}/hoks/paged", headers=statistics).status_code == 200
        # The right is to the anonymised feed only: no HOKS in full.
        hoks_id, _ = created
        assert client.get(f"{API}/hoks/{hoks_id}", headers=statistics).status_code == 401

    def test_the_vipunen_role_is_given_on_the_oph_root_only(self, clients, world):
        with pytest.raises(BadRequest, match="OPH organisation"):
            clients.headers(world.oppilaitos_1, "VIPUNEN")

    @pytest.mark.parametrize("amount", [0, 1001, 100_000])
    def test_page_size_out_of_bounds_is_refused_naming_the_bound(
        self, client, headers, created, amount
    ):
        response = client.get(f"{API}/hoks/paged?amount={amount}", headers=headers)
        assert response.status_code == 400
        body = response.json()
        assert "amount" in body["errors"]
        assert ("1000" if amount > 1 else "1") in str(body["errors"]["amount"])

    def test_the_largest_page_is_served(self, client, headers, created):
        response = client.get(f"{API}/hoks/paged?amount=1000", headers=headers)
        assert response.status_code == 200


class TestRetiredRoutes:
    @pytest.mark.parametrize(
        ("method", "path"),
        [
            ("get", "/hoks/1/hankittava-ammat-tutkinnon-osa/1"),
            ("patch", "/hoks/1/opiskeluvalmiuksia-tukevat-opinnot/3"),
            ("post", "/hoks/1/aiemmin-hankittu-yhteinen-tutkinnon-osa"),
        ],
    )
    def test_answer_410(self, client, headers, method, path):
        response = getattr(client, method)(
            f"{API}{path}", headers=headers, **({"json": {}} if method != "get" else {})
        )
        assert response.status_code == 410
        assert response.json() == {"message": "Route is deprected."}
