"""Soft delete, undo and hard delete never leave orphans and keep the study right reserved."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from ehoks.access.actor import OfficialActor, ServiceClientActor, SystemActor, grants_from_roles
from ehoks.access.errors import NoAccess, NotPermitted
from ehoks.context import build_runtime
from ehoks.db import make_session_factory, transaction
from ehoks.hoks import service as hoks_service
from ehoks.hoks.errors import ArchivedHoksExists, HoksNotFound
from ehoks.hoks.models import Hoks, HoksNaytto, HoksTyopaikkajakso, HoksVersion
from tests.factories import hoks_body

SYSTEM = SystemActor("test")


@pytest.fixture
def deps(db, settings):
    return build_runtime(settings, db).context()


@pytest.fixture
def created(db, deps, world):
    oppija, oo = world.add_oppija("delete")
    with transaction(make_session_factory(db)) as session:
        written = hoks_service.create(session, SYSTEM, hoks_body(oppija, oo), deps)
    with transaction(make_session_factory(db)) as session:
        hoks_service.patch(
            session, SYSTEM, written.hoks_id, {"id": written.hoks_id, "versio": 2}, deps
        )
    return written.hoks_id, (oppija, oo)


def _counts(db):
    with make_session_factory(db).begin() as session:
        return {
            model.__tablename__: session.scalar(select(func.count()).select_from(model))
            for model in (Hoks, HoksVersion, HoksTyopaikkajakso, HoksNaytto)
        }


def test_soft_delete_hides_the_hoks_and_reserves_the_study_right(db, deps, created):
    hoks_id, learner = created
    with transaction(make_session_factory(db)) as session:
        hoks_service.soft_delete(session, SYSTEM, hoks_id, deps)
    with transaction(make_session_factory(db)) as session, pytest.raises(HoksNotFound):
        hoks_service.get(session, SYSTEM, hoks_id, deps)
    with transaction(make_session_factory(db)) as session, pytest.raises(ArchivedHoksExists):
        hoks_service.create(session, SYSTEM, hoks_body(*learner), deps)
    with transaction(make_session_factory(db)) as session:
        page = hoks_service.paged(session, SYSTEM)
    assert page["result"][0]["poistettu"]
    assert page["result"][0]["hankittavat-ammat-tutkinnon-osat"] == []


def test_undo_restores_the_same_document(db, deps, created):
    hoks_id, _ = created
    with transaction(make_session_factory(db)) as session:
        before = hoks_service.get(session, SYSTEM, hoks_id, deps)[1]
        hoks_service.soft_delete(session, SYSTEM, hoks_id, deps)
    with transaction(make_session_factory(db)) as session:
        hoks_service.undo_soft_delete(session, SYSTEM, hoks_id, deps)
    with transaction(make_session_factory(db)) as session:
        assert hoks_service.get(session, SYSTEM, hoks_id, deps)[1] == before


def test_hard_delete_leaves_nothing_behind(db, deps, created):
    hoks_id, learner = created
    assert _counts(db) == {"hoks": 1, "hoks_version": 1, "hoks_tyopaikkajakso": 1, "hoks_naytto": 1}
    with transaction(make_session_factory(db)) as session:
        hoks_service.soft_delete(session, SYSTEM, hoks_id, deps)
    with transaction(make_session_factory(db)) as session:
        hoks_service.hard_delete(session, SYSTEM, hoks_id, deps)
    assert _counts(db) == {"hoks": 0, "hoks_version": 0, "hoks_tyopaikkajakso": 0, "hoks_naytto": 0}
    with transaction(make_session_factory(db)) as session:
        hoks_service.create(session, SYSTEM, hoks_body(*learner), deps)


def test_deleting_needs_the_delete_privileges(db, deps, created, world):
    """Soft delete needs hoks_delete on the HOKS's organisation (CRUD is not enough);
    hard delete and undo are for OPH super users only."""
    hoks_id, _ = created
    outsider = ServiceClientActor("x", "x", world.oppilaitos_3, "CRUD")
    reader = ServiceClientActor("y", "y", world.oppilaitos_1, "READ")
    crud = ServiceClientActor("z", "z", world.oppilaitos_1, "CRUD")
    for actor in (outsider, reader, crud):
        with transaction(make_session_factory(db)) as session, pytest.raises(NoAccess):
            hoks_service.soft_delete(session, actor, hoks_id, deps)
        with transaction(make_session_factory(db)) as session, pytest.raises(NotPermitted):
            hoks_service.hard_delete(session, actor, hoks_id, deps)
    deleter = OfficialActor(
        "1.2.246.562.24.1",
        "d",
        grants_from_roles([f"ROLE_APP_EHOKS_HOKS_DELETE_{world.oppilaitos_1}"]),
    )
    with transaction(make_session_factory(db)) as session:
        hoks_service.soft_delete(session, deleter, hoks_id, deps)
    with transaction(make_session_factory(db)) as session, pytest.raises(NotPermitted):
        hoks_service.undo_soft_delete(session, deleter, hoks_id, deps)
