"""The local Koski port reads a study right, its learner's study rights and the learner's ONR
person in one statement; the ONR port then answers the person from it, once
(``registries.local.clients.ReadAhead``)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import Engine, delete

from ehoks.config import Settings
from ehoks.db import make_session_factory
from ehoks.demo import DEMO_DATA_DIR
from ehoks.registries import Registries, build_registries
from ehoks.registries.local import import_directory
from ehoks.registries.local.clients import LocalKoski, LocalOnr
from ehoks.registries.local.models import OnrHenkilo
from tests.sql_count import statements


def _demo(name: str) -> Any:
    return json.loads((DEMO_DATA_DIR / name).read_text(encoding="utf-8"))


@pytest.fixture
def registries(db: Engine) -> Registries:
    import_directory(db, DEMO_DATA_DIR)
    return build_registries(Settings(), db)


def test_the_three_lookups_of_a_create_are_one_statement(db: Engine, registries) -> None:
    document = _demo("koski/05-helmi-makela.json")
    oppija = document["henkilö"]["oid"]
    oid = document["opiskeluoikeudet"][0]["oid"]
    alone = LocalOnr(db).get_henkilo(oppija)

    with statements(db) as seen:
        opiskeluoikeus = registries.koski.get_opiskeluoikeus(oid)
        omat = registries.koski.get_oppijan_opiskeluoikeudet(oppija)
        henkilo = registries.onr.get_henkilo(oppija)

    assert len(seen) == 1
    assert opiskeluoikeus is not None
    assert opiskeluoikeus.oid == oid
    assert sorted(oo.oid for oo in omat or []) == sorted(
        oo["oid"] for oo in document["opiskeluoikeudet"]
    )
    assert henkilo == alone is not None


def test_a_person_read_ahead_is_answered_once(db: Engine, registries) -> None:
    document = _demo("koski/05-helmi-makela.json")
    oppija = document["henkilö"]["oid"]
    registries.koski.get_opiskeluoikeus(document["opiskeluoikeudet"][0]["oid"])
    registries.onr.get_henkilo(oppija)

    with statements(db) as seen:
        again = registries.onr.get_henkilo(oppija)

    assert len(seen) == 1
    assert again is not None
    assert again.oid == oppija


def test_a_learner_onr_does_not_know_is_read_ahead_as_unknown(db: Engine, registries) -> None:
    document = _demo("koski/05-helmi-makela.json")
    oppija = document["henkilö"]["oid"]
    with make_session_factory(db).begin() as session:
        session.execute(delete(OnrHenkilo).where(OnrHenkilo.oid == oppija))

    with statements(db) as seen:
        registries.koski.get_opiskeluoikeus(document["opiskeluoikeudet"][0]["oid"])
        henkilo = registries.onr.get_henkilo(oppija)

    assert len(seen) == 1
    assert henkilo is None


def test_a_koski_port_of_its_own_reads_no_person(db: Engine) -> None:
    import_directory(db, DEMO_DATA_DIR)
    document = _demo("koski/05-helmi-makela.json")
    koski, onr = LocalKoski(db), LocalOnr(db)

    koski.get_opiskeluoikeus(document["opiskeluoikeudet"][0]["oid"])
    with statements(db) as seen:
        henkilo = onr.get_henkilo(document["henkilö"]["oid"])

    assert len(seen) == 1
    assert henkilo is not None
