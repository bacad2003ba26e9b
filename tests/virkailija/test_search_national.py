"""The whole country's list (migration 0008): the learner's number of HOKSes kept by the table,
the national "number of HOKSes" sort that reads it, deleted HOKSes, and qualification terms that
match in any language — each the same answer as the general statement gives."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import select, text

from ehoks.access.actor import SystemActor
from ehoks.db import make_session_factory
from ehoks.hoks import service as hoks_service
from ehoks.main import create_app
from ehoks.virkailija.models import HoksHaku
from ehoks.virkailija.repository import HakuQuery, VirkailijaRepository
from tests.factories import hoks_body

SYSTEM = SystemActor("tests")
TODAY = date(2026, 12, 6)


@pytest.fixture
def plans(db, settings, world) -> dict[str, list[int]]:
    """Learner A with three HOKSes (at two institutions), B with one, C with two."""
    app = create_app(settings, engine=db)
    made: dict[str, list[int]] = {}
    for learner, count in (("a", 3), ("b", 1), ("c", 2)):
        oid = None
        for n in range(count):
            oppilaitos = world.oppilaitos_3 if n == 2 else world.oppilaitos_1
            oid, oo = world.add_oppija(f"kansallinen-{learner}{n}", oid=oid, oppilaitos=oppilaitos)
            with make_session_factory(db).begin() as session:
                created = hoks_service.create(
                    session, SYSTEM, hoks_body(oid, oo), app.state.ehoks.runtime.context()
                )
            made.setdefault(oid, []).append(created.hoks_id)
    return made


def _counts(db) -> dict[int, int]:
    with db.connect() as connection:
        rows = connection.execute(select(HoksHaku.hoks_id, HoksHaku.oppijan_hoks_lkm)).all()
    return {row.hoks_id: row.oppijan_hoks_lkm for row in rows}


def _expected(plans: dict[str, list[int]], gone: frozenset[int] = frozenset()) -> dict[int, int]:
    expected: dict[int, int] = {}
    for ids in plans.values():
        alive = [i for i in ids if i not in gone]
        expected.update({i: len(alive) for i in ids})
    return expected


def test_the_learners_number_of_hokses_follows_every_write(db, plans):
    assert _counts(db) == _expected(plans)
    a_first = next(ids for ids in plans.values() if len(ids) == 3)[0]
    with db.begin() as connection:  # a soft delete, as the service writes it
        connection.execute(
            text("UPDATE hoks SET deleted_at = CURRENT_TIMESTAMP WHERE id = :id"), {"id": a_first}
        )
    assert _counts(db) == _expected(plans, frozenset({a_first}))
    with db.begin() as connection:  # restored
        connection.execute(
            text("UPDATE hoks SET deleted_at = NULL WHERE id = :id"), {"id": a_first}
        )
    assert _counts(db) == _expected(plans)
    c_ids = next(ids for ids in plans.values() if len(ids) == 2)
    with db.begin() as connection:  # removed for good (the row goes with its HOKS)
        connection.execute(text("DELETE FROM hoks_haku WHERE hoks_id = :id"), {"id": c_ids[0]})
    counts = _counts(db)
    assert counts[c_ids[1]] == 1
    assert c_ids[0] not in counts


def _page(db, query: HakuQuery) -> tuple[int, list[tuple[int, int]]]:
    with make_session_factory(db)() as session:
        total, rows = VirkailijaRepository(session).search_page(query)
    return total, [(row.hoks_id, int(row.lkm)) for row in rows]


@pytest.mark.parametrize("desc", [False, True])
def test_the_national_sort_by_number_of_hokses_equals_the_window_over_the_matches(
    db, world, plans, desc
):
    national = HakuQuery(
        oppilaitokset=(), koko_maa=True, today=TODAY, order_by="lkm", desc=desc, limit=100
    )
    # The same scope spelled as the list of its institutions takes the general statement.
    listed = replace(
        national, koko_maa=False, oppilaitokset=(world.oppilaitos_1, world.oppilaitos_3)
    )
    assert _page(db, national) == _page(db, listed)
    total, rows = _page(db, national)
    assert total == 6
    assert sorted(n for _, n in rows) == sorted([3, 3, 3, 1, 2, 2])
    assert [n for _, n in rows] == sorted((n for _, n in rows), reverse=desc)
    paged = [
        row
        for offset in range(0, 6, 4)
        for row in _page(db, replace(national, limit=4, offset=offset))[1]
    ]
    assert paged == rows


def test_deleted_hokses_nationally_are_the_same_as_listed_by_institution(db, world, plans):
    ids = [i for hoks_ids in plans.values() for i in hoks_ids]
    with db.begin() as connection:
        connection.execute(
            text("UPDATE hoks SET deleted_at = CURRENT_TIMESTAMP WHERE id IN (:a, :b)"),
            {"a": ids[0], "b": ids[4]},
        )
    national = HakuQuery(oppilaitokset=(), koko_maa=True, today=TODAY, tila="poistettu")
    listed = replace(
        national, koko_maa=False, oppilaitokset=(world.oppilaitos_1, world.oppilaitos_3)
    )
    total, rows = _page(db, national)
    assert total == 2
    assert sorted(i for i, _ in rows) == sorted([ids[0], ids[4]])
    assert _page(db, national) == _page(db, listed)


def test_a_qualification_term_matches_in_any_language_on_both_scopes(db, world, plans):
    first = next(iter(plans.values()))[0]
    with db.begin() as connection:
        connection.execute(
            text(
                "UPDATE hoks_haku SET tutkinto_fi = 'Sähköalan perustutkinto',"
                " tutkinto_sv = 'Grundexamen inom elbranschen', osaamisala_en = 'Automation'"
                " WHERE hoks_id = :id"
            ),
            {"id": first},
        )
    for koko_maa in (True, False):
        base = HakuQuery(
            oppilaitokset=(world.oppilaitos_1, world.oppilaitos_3),
            koko_maa=koko_maa,
            today=TODAY,
            locale="fi",
        )
        for query in (
            replace(base, tutkinto="GRUNDEXAMEN"),
            replace(base, tutkinto="sähköalan"),
            replace(base, osaamisala="automat"),
        ):
            assert [i for i, _ in _page(db, query)[1]] == [first]
        assert _page(db, replace(base, tutkinto="examen inom skog"))[1] == []
