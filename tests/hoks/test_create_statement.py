"""The create's writes as one statement on PostgreSQL (``hoks.create_repository``) write what the
separate statements write (``HoksRepository.add`` and ``oppijaindex.service.store``, SQLite's
path): the same rows with the same values in every table, nothing when the study right already
has a HOKS (archived or not), the same errors.

The comparison runs both paths on PostgreSQL for one document, each in a transaction that is
rolled back after its rows are read. The other tests run on both databases, each through the
path its database takes."""

from __future__ import annotations

import copy
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Table, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ehoks.access.actor import SystemActor
from ehoks.context import build_runtime
from ehoks.db import make_session_factory, transaction
from ehoks.demo.oids import opiskeluoikeus_oid
from ehoks.hoks import create_repository
from ehoks.hoks import service as hoks_service
from ehoks.hoks.errors import ArchivedHoksExists, HoksAlreadyExists
from ehoks.hoks.models import Hoks, HoksNaytto, HoksTyopaikkajakso
from ehoks.hoks.projections import naytto_rows, tyopaikkajakso_rows
from ehoks.hoks.repository import HoksRepository
from ehoks.hoks.service.common import hoks_columns
from ehoks.oppijaindex import service as oppijaindex_service
from ehoks.oppijaindex.models import IndexOpiskeluoikeus, IndexOppija
from tests.conftest import API
from tests.factories import OPH, hoks_body, koski_opiskeluoikeus, tyopaikkajakso

SYSTEM = SystemActor("test")
NOW = datetime(2025, 3, 4, 5, 6, 7, 891011, tzinfo=UTC)
TABLES = (Hoks, HoksTyopaikkajakso, HoksNaytto, IndexOppija, IndexOpiskeluoikeus)
IDS = {"id", "hoks_id"}


@pytest.fixture
def deps(db, settings):
    return build_runtime(settings, db).context()


def _rows(session: Session) -> dict[str, list[dict[str, Any]]]:
    """Every row of the tables a create writes, without the generated ids."""
    found = {}
    for model in TABLES:
        table: Table = model.__table__  # type: ignore[assignment]
        rows = [
            {key: value for key, value in row.items() if key not in IDS}
            for row in session.execute(select(table)).mappings()
        ]
        found[table.name] = sorted(rows, key=repr)
    return found


def _snapshot(db) -> dict[str, list[dict[str, Any]]]:
    with make_session_factory(db).begin() as session:
        return _rows(session)


def _naytto(nimi: str, alku: str, arvioijat: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "nayttoymparisto": {"nimi": nimi},
        "sisallon-kuvaus": ["Työtehtävät"],
        "alku": alku,
        "loppu": alku,
        "tyoelama-osaamisen-arvioijat": arvioijat,
    }


def _osa(jaksot: list[dict[str, Any]], nayttot: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "tutkinnon-osa-koodi-uri": "tutkinnonosat_300268",
        "tutkinnon-osa-koodi-versio": 1,
        "osaamisen-hankkimistavat": jaksot,
        "osaamisen-osoittaminen": nayttot,
    }


def _bare(oppija: str, oo: str) -> dict[str, Any]:
    return hoks_body(oppija, oo, **{"hankittavat-ammat-tutkinnon-osat": []})


def _many(oppija: str, oo: str) -> dict[str, Any]:
    osat = [
        _osa(
            [tyopaikkajakso(f"jakso-{o}-{j}", alku=f"2024-09-{j + 1:02d}") for j in range(8)],
            [
                _naytto(
                    f"Paikka {o}-{n}",
                    f"2024-12-{n + 1:02d}",
                    [{"nimi": f"Arvioija {n}", "organisaatio": {"nimi": "Oy"}}],
                )
                for n in range(6)
            ],
        )
        for o in range(5)
    ]
    return hoks_body(oppija, oo, **{"hankittavat-ammat-tutkinnon-osat": osat})


def _nulls_and_unicode(oppija: str, oo: str) -> dict[str, Any]:
    # A period without its workplace and instructor, one without the instructor's e-mail, a
    # demonstration without assessors and an assessor without a business ID (NULLs in the
    # projections), and texts that carry what JSON and SQL quote differently.
    bare_jakso = tyopaikkajakso("x")
    bare_jakso.pop("tyopaikalla-jarjestettava-koulutus")
    odd = tyopaikkajakso("tunniste ' \" \\ %s :x ÅÄÖ 😀")
    odd["tyopaikalla-jarjestettava-koulutus"]["tyopaikan-nimi"] = (
        "Ääkkösten Öljy Oy — 東京 'n' \\\""
    )
    odd["tyopaikalla-jarjestettava-koulutus"]["vastuullinen-tyopaikka-ohjaaja"] = {
        "nimi": "Åsa Öberg-Ääpälä 😀",
        "puhelinnumero": "+358 40 123 4567",
    }
    nayttot = [
        _naytto("Paikka", "2024-11-01", []),
        _naytto(
            "Ympäristö \"lainaus\" ja 'heittomerkki' \\ 🚀",
            "2024-11-02",
            [
                {
                    "nimi": "Ärjä Öljynen",
                    "organisaatio": {"nimi": "Öljy Ab", "y-tunnus": "1234567-1"},
                },
                {"nimi": "Nimetön", "organisaatio": {"nimi": "Ab"}},
            ],
        ),
    ]
    osat = [_osa([bare_jakso, odd], nayttot)]
    return hoks_body(oppija, oo, **{"hankittavat-ammat-tutkinnon-osat": osat})


DOCUMENTS = {
    "usual": hoks_body,
    "bare": _bare,
    "many": _many,
    "nulls-and-unicode": _nulls_and_unicode,
}


def _procured_learner(world, seed: str) -> tuple[str, str]:
    """A learner whose study right includes a procured one, so the index has two rows."""
    oppija, oo = world.add_oppija(seed)
    world.add_oppija(
        seed,
        oid=oppija,
        opiskeluoikeudet=[
            koski_opiskeluoikeus(
                oid="1.2.246.562.15.10000000009",
                oppilaitos=world.oppilaitos_3,
                koulutustoimija=world.koulutustoimija_2,
                arvioitu_paattymispaiva=None,
                sisaltyy={"oid": oo, "oppilaitos": {"oid": world.oppilaitos_3}},
            )
        ],
    )
    return oppija, oo


def _hoks(prepared: hoks_service.PreparedCreate, document: dict[str, Any], eid: str) -> Hoks:
    """The row ``apply_create`` builds, for a document whose module ids are already set."""
    opiskeluoikeus = prepared.opiskeluoikeus
    return Hoks(
        eid=eid,
        oppilaitos_oid=opiskeluoikeus.oppilaitos_oid,
        koulutustoimija_oid=opiskeluoikeus.koulutustoimija_oid,
        manuaalisyotto=False,
        document=copy.deepcopy(document),
        version=1,
        created_at=NOW,
        updated_at=NOW,
        created_by="test",
        updated_by="test",
        **hoks_columns(document),
    )


def _separate(session: Session, hoks: Hoks, prepared: hoks_service.PreparedCreate) -> None:
    HoksRepository(session).add(hoks)
    oppijaindex_service.store(session, prepared.index_input, now=NOW)


def _one(session: Session, hoks: Hoks, prepared: hoks_service.PreparedCreate) -> None:
    rows = oppijaindex_service.index_rows(prepared.index_input, now=NOW)
    HoksRepository(session).add_with_index(hoks, rows)


def _written_by(db, path, hoks: Hoks, prepared) -> dict[str, list[dict[str, Any]]]:
    """The tables after ``path`` wrote ``hoks``, read in its transaction, which then rolls
    back (so both paths start from the same state)."""
    session = make_session_factory(db)()
    try:
        with session.begin():
            path(session, hoks, prepared)
            rows = _rows(session)
            session.rollback()
    finally:
        session.close()
    return rows


@pytest.mark.parametrize("kind", sorted(DOCUMENTS))
def test_one_statement_writes_the_rows_of_the_separate_statements(db, deps, world, kind):
    if db.dialect.name != "postgresql":
        pytest.skip("the one statement is PostgreSQL's (SQLite keeps the separate statements)")
    # The learner already has a HOKS and index rows (the upserts' update branch), with stale
    # values in the index.
    oppija, oo = _procured_learner(world, f"same-{kind}")
    other = opiskeluoikeus_oid(f"same-{kind}-other")
    world.add_oppija(
        f"same-{kind}",
        oid=oppija,
        opiskeluoikeudet=[
            koski_opiskeluoikeus(
                oid=other, oppilaitos=world.oppilaitos_1, koulutustoimija=world.koulutustoimija_1
            )
        ],
    )
    with transaction(make_session_factory(db)) as session:
        hoks_service.create(session, SYSTEM, hoks_body(oppija, other), deps)
        session.execute(update(IndexOppija).values(nimi="Vanha Nimi"))
        session.execute(update(IndexOpiskeluoikeus).values(tila="eronnut", koski404=True))
        session.add(
            IndexOpiskeluoikeus(
                oid=oo, oppija_oid=oppija, tutkinto_nimi={}, osaamisala_nimi={}, updated_at=NOW
            )
        )

    prepared = hoks_service.prepare_create(SYSTEM, DOCUMENTS[kind](oppija, oo), deps)
    # The prepare phase has given every part its module-id.
    document = copy.deepcopy(prepared.document)
    eid = str(uuid.uuid4())
    before = _snapshot(db)

    separate = _written_by(db, _separate, _hoks(prepared, document, eid), prepared)
    one = _written_by(db, _one, _hoks(prepared, document, eid), prepared)

    assert one == separate
    # And the comparison compares something: the HOKS, its parts and both study rights.
    assert len(one["hoks"]) == len(before["hoks"]) + 1
    assert len(one["hoks_tyopaikkajakso"]) - len(before["hoks_tyopaikkajakso"]) == len(
        tyopaikkajakso_rows(0, document)
    )
    assert len(one["hoks_naytto"]) - len(before["hoks_naytto"]) == len(naytto_rows(0, document))
    assert len(one["opiskeluoikeus"]) == 3
    assert one["oppija"][0]["nimi"] != "Vanha Nimi"
    assert _snapshot(db) == before


@pytest.mark.parametrize("kind", sorted(DOCUMENTS))
def test_a_create_stores_the_projections_of_its_document(client, clients, db, world, kind):
    """Through the API, on each database's own path: the projection rows are those of the
    stored document, value for value (dates, NULLs, unicode, JSON arrays)."""
    oppija, oo = world.add_oppija(f"stored-{kind}")
    response = client.post(
        f"{API}/hoks", json=DOCUMENTS[kind](oppija, oo), headers=clients.headers(OPH)
    )
    assert response.status_code == 200, response.text
    hoks_id = response.json()["meta"]["id"]
    with make_session_factory(db).begin() as session:
        hoks = session.get(Hoks, hoks_id)
        assert hoks is not None
        rows = _rows(session)
        expected_jaksot = tyopaikkajakso_rows(hoks_id, hoks.document)
        expected_nayttot = naytto_rows(hoks_id, hoks.document)
    assert rows["hoks_tyopaikkajakso"] == sorted(
        ({k: v for k, v in row.items() if k not in IDS} for row in expected_jaksot), key=repr
    )
    assert rows["hoks_naytto"] == sorted(
        ({k: v for k, v in row.items() if k not in IDS} for row in expected_nayttot), key=repr
    )
    assert [row["oid"] for row in rows["oppija"]] == [oppija]
    assert [row["oid"] for row in rows["opiskeluoikeus"]] == [oo]
    if kind == "bare":
        assert rows["hoks_tyopaikkajakso"] == rows["hoks_naytto"] == []
    if kind == "many":
        assert (len(rows["hoks_tyopaikkajakso"]), len(rows["hoks_naytto"])) == (40, 30)


def _count(db, model) -> int:
    with make_session_factory(db).begin() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_a_second_create_for_the_study_right_writes_nothing(client, clients, db, world):
    headers = clients.headers(OPH)
    learner = _procured_learner(world, "second")
    assert client.post(f"{API}/hoks", json=hoks_body(*learner), headers=headers).status_code == 200
    before = _snapshot(db)
    response = client.post(f"{API}/hoks", json=_many(*learner), headers=headers)
    assert response.status_code == 400
    assert response.json()["error"] == HoksAlreadyExists().detail
    assert _snapshot(db) == before


def test_a_create_for_an_archived_hoks_writes_nothing(client, clients, db, deps, world):
    headers = clients.headers(OPH)
    learner = world.add_oppija("archived")
    response = client.post(f"{API}/hoks", json=hoks_body(*learner), headers=headers)
    with transaction(make_session_factory(db)) as session:
        hoks_service.soft_delete(session, SYSTEM, response.json()["meta"]["id"], deps)
    before = _snapshot(db)
    response = client.post(f"{API}/hoks", json=hoks_body(*learner), headers=headers)
    assert response.status_code == 400
    assert response.json()["error"] == ArchivedHoksExists().detail
    assert _snapshot(db) == before


def _write(session: Session, hoks: Hoks, prepared: hoks_service.PreparedCreate) -> None:
    """The path ``apply_create`` takes on this database."""
    if create_repository.applies_to(session):
        _one(session, hoks, prepared)
    else:
        _separate(session, hoks, prepared)


def test_a_taken_eid_is_a_lost_race_and_writes_nothing(db, deps, world):
    first, second = world.add_oppija("eid-1"), world.add_oppija("eid-2")
    with transaction(make_session_factory(db)) as session:
        written = hoks_service.create(session, SYSTEM, hoks_body(*first), deps)
        eid = session.get(Hoks, written.hoks_id).eid  # type: ignore[union-attr]
    prepared = hoks_service.prepare_create(SYSTEM, hoks_body(*second), deps)
    # The prepare phase has given every part its module-id.
    document = copy.deepcopy(prepared.document)
    before = _snapshot(db)
    with pytest.raises(HoksAlreadyExists), transaction(make_session_factory(db)) as session:
        _write(session, _hoks(prepared, document, eid), prepared)
    assert _snapshot(db) == before


def test_a_taken_module_id_is_no_lost_race(db, deps, world):
    """A unique key of a projection row surfaces as the database's error on both paths (it
    would be a defect in the module ids, not a concurrent create)."""
    first, second = world.add_oppija("module-1"), world.add_oppija("module-2")
    with transaction(make_session_factory(db)) as session:
        written = hoks_service.create(session, SYSTEM, hoks_body(*first), deps)
        taken = session.get(Hoks, written.hoks_id).document  # type: ignore[union-attr]
    prepared = hoks_service.prepare_create(SYSTEM, hoks_body(*second), deps)
    document = copy.deepcopy(prepared.document)
    document["hankittavat-ammat-tutkinnon-osat"] = copy.deepcopy(
        taken["hankittavat-ammat-tutkinnon-osat"]
    )
    before = _snapshot(db)
    with pytest.raises(IntegrityError), transaction(make_session_factory(db)) as session:
        _write(session, _hoks(prepared, document, str(uuid.uuid4())), prepared)
    assert _snapshot(db) == before
