"""The learner and study-right index: maintained on HOKS writes, refreshed on demand, and the
ONR duplicate merge that moves HOKSes to the master learner in one transaction."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import delete, select, update
from typer.testing import CliRunner

from ehoks.cli import app as cli_app
from ehoks.db import make_session_factory
from ehoks.hoks.models import Hoks, HoksVersion
from ehoks.oppijaindex.models import IndexOpiskeluoikeus, IndexOppija
from ehoks.registries.local.models import KoskiOpiskeluoikeus, OnrHenkilo
from tests.conftest import API
from tests.factories import OPH, hoks_body, koski_opiskeluoikeus


@pytest.fixture
def headers(clients):
    return clients.headers(OPH)


def _rows(db, model):
    with make_session_factory(db).begin() as session:
        return list(session.scalars(select(model)))


def test_create_indexes_the_learner_and_study_right(client, headers, world, db):
    oppija, oo = world.add_oppija("indexed")
    assert (
        client.post(f"{API}/hoks", json=hoks_body(oppija, oo), headers=headers).status_code == 200
    )
    (henkilo,) = _rows(db, IndexOppija)
    assert henkilo.oid == oppija
    assert henkilo.nimi == "Testi indexed Oppija"
    (row,) = _rows(db, IndexOpiskeluoikeus)
    assert (row.oid, row.oppija_oid, row.oppilaitos_oid) == (oo, oppija, world.oppilaitos_1)
    assert row.koulutustoimija_oid == world.koulutustoimija_1
    assert row.tutkinto_nimi["fi"] == "Sähkö- ja automaatioalan perustutkinto"
    assert row.koski404 is False


def test_learner_unknown_to_onr_is_refused_and_nothing_stored(client, headers, world, db):
    oppija, oo = world.add_oppija("ghost")
    with make_session_factory(db).begin() as session:
        session.execute(delete(OnrHenkilo).where(OnrHenkilo.oid == oppija))
    response = client.post(f"{API}/hoks", json=hoks_body(oppija, oo), headers=headers)
    assert response.status_code == 400
    assert response.json() == {"error": f"Oppija `{oppija}` not found in Oppijanumerorekisteri"}
    assert _rows(db, Hoks) == []
    assert _rows(db, IndexOppija) == []


def test_procured_training_is_linked_and_listed(client, headers, world, db):
    oppija, master = world.add_oppija("hankinta")
    included = "1.2.246.562.15.10000000009"
    world.add_oppija(
        "hankinta",
        oid=oppija,
        opiskeluoikeudet=[
            koski_opiskeluoikeus(
                oid=included,
                oppilaitos=world.oppilaitos_3,
                koulutustoimija=world.koulutustoimija_2,
                sisaltyy={"oid": master, "oppilaitos": {"oid": world.oppilaitos_3}},
            )
        ],
    )
    hoks_id = client.post(f"{API}/hoks", json=hoks_body(oppija, master), headers=headers).json()[
        "meta"
    ]["id"]
    rows = {r.oid: r for r in _rows(db, IndexOpiskeluoikeus)}
    assert rows[included].hankintakoulutus_opiskeluoikeus_oid == master
    assert rows[included].hankintakoulutus_jarjestaja_oid == world.oppilaitos_3
    response = client.get(f"{API}/hoks/{hoks_id}/hankintakoulutukset", headers=headers)
    assert response.status_code == 200
    assert response.json() == [included]


def test_refresh_flags_study_rights_koski_no_longer_knows(
    client, headers, world, db, database_url, monkeypatch
):
    oppija, oo = world.add_oppija("vanished")
    client.post(f"{API}/hoks", json=hoks_body(oppija, oo), headers=headers)
    with make_session_factory(db).begin() as session:
        session.execute(delete(KoskiOpiskeluoikeus).where(KoskiOpiskeluoikeus.oid == oo))
    monkeypatch.setenv("EHOKS_DATABASE_URL", database_url)
    result = CliRunner().invoke(cli_app, ["registry", "refresh-index"])
    assert result.exit_code == 0, result.output
    assert f"not in Koski: {oo}" in result.output
    (row,) = _rows(db, IndexOpiskeluoikeus)
    assert row.koski404 is True


class TestOnrMerge:
    @pytest.fixture
    def duplicate(self, client, headers, world):
        master, _ = world.add_oppija("master-person")
        slave, slave_oo = world.add_oppija("slave-person")
        world.duplicates[slave] = master
        world.changed()
        hoks_id = client.post(
            f"{API}/hoks", json=hoks_body(slave, slave_oo), headers=headers
        ).json()["meta"]["id"]
        return master, slave, hoks_id

    def test_moves_hokses_and_index_rows_to_the_master(self, client, headers, db, duplicate):
        master, _, hoks_id = duplicate
        response = client.post(f"{API}/heratepalvelu/onrmodify?oid={master}", headers=headers)
        assert response.status_code == 204, response.text
        data = client.get(f"{API}/hoks/{hoks_id}", headers=headers).json()["data"]
        assert data["oppija-oid"] == master
        assert {r.oid for r in _rows(db, IndexOppija)} == {master}
        assert {r.oppija_oid for r in _rows(db, IndexOpiskeluoikeus)} == {master}
        assert [v.operation for v in _rows(db, HoksVersion)] == ["onr-merge"]

    def test_needs_the_privilege_on_the_oph_root(self, client, clients, world, duplicate):
        master, _, _ = duplicate
        provider = clients.headers(world.koulutustoimija_1)
        response = client.post(f"{API}/heratepalvelu/onrmodify?oid={master}", headers=provider)
        assert response.status_code == 401

    def test_cli_merge_reports_what_moved(self, duplicate, database_url, monkeypatch):
        master, slave, hoks_id = duplicate
        monkeypatch.setenv("EHOKS_DATABASE_URL", database_url)
        result = CliRunner().invoke(cli_app, ["registry", "onr-merge", master])
        assert result.exit_code == 0, result.output
        assert slave in result.output
        assert f"moved HOKS {hoks_id}" in result.output

    def test_unknown_master_is_400(self, client, headers):
        response = client.post(
            f"{API}/heratepalvelu/onrmodify?oid=1.2.246.562.24.12312312319", headers=headers
        )
        assert response.status_code == 400


def test_the_index_keeps_the_study_rights_latest_state_and_a_refresh_updates_it(
    client, headers, world, db, database_url, monkeypatch
):
    oppija, oo = world.add_oppija("tila", alkamispaiva="2024-08-01")
    client.post(f"{API}/hoks", json=hoks_body(oppija, oo), headers=headers)
    (row,) = _rows(db, IndexOpiskeluoikeus)
    assert (row.tila, row.tila_alku) == ("lasna", date(2024, 8, 1))
    # Koski records the learner resigned (jaksot out of order, as Koski may send them); the
    # index row is as migration 0012 left it (no state) until the refresh.
    document = world.oppijat[oppija]["opiskeluoikeudet"][0]
    document["tila"]["opiskeluoikeusjaksot"].insert(
        0, {"alku": "2025-03-15", "tila": {"koodiarvo": "eronnut"}}
    )
    world.changed()
    with make_session_factory(db).begin() as session:
        session.execute(update(IndexOpiskeluoikeus).values(tila=None, tila_alku=None))
    monkeypatch.setenv("EHOKS_DATABASE_URL", database_url)
    result = CliRunner().invoke(cli_app, ["registry", "refresh-index"])
    assert result.exit_code == 0, result.output
    (row,) = _rows(db, IndexOpiskeluoikeus)
    assert (row.tila, row.tila_alku) == ("eronnut", date(2025, 3, 15))
