"""The student list's one statement (``VirkailijaRepository.search_page``): every sort column
and direction gives the same order as sorting the matches in Python, pages neither overlap nor
skip, and the total is exact up to the cap and ``cap + 1`` above it."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import text

from ehoks.access.actor import SystemActor
from ehoks.db import make_session_factory
from ehoks.hoks import service as hoks_service
from ehoks.main import create_app
from ehoks.virkailija.repository import HakuQuery, VirkailijaRepository
from tests.factories import hoks_body

SYSTEM = SystemActor("tests")
TODAY = date(2026, 12, 6)
# Names with ties, empties and a Swedish name missing, so ties and fallbacks are exercised.
NAMES = ["Bea", "aaro", "Bea", "Åke", "", "Cecilia", "bea", "Daniel"]
TUTKINNOT: list[dict[str, str]] = [
    {"fi": "Sähköala", "sv": "El"},
    {"fi": "Autoala"},
    {},
    {"fi": "Sähköala", "sv": "El"},
    {"fi": "Metsäala", "sv": "Skog"},
    {"fi": "Autoala", "sv": "Bil"},
    {},
    {"fi": "Puuala"},
]


@pytest.fixture
def listed(db, settings, world) -> list[dict[str, Any]]:
    """Eight HOKSes at one institution, their list rows varied directly in the projection."""
    app = create_app(settings, engine=db)
    made: list[dict[str, Any]] = []
    for n, name in enumerate(NAMES):
        oppija, oo = world.add_oppija(f"jarjestys{n}", oppilaitos=world.oppilaitos_1)
        with make_session_factory(db).begin() as session:
            hoks_id = hoks_service.create(
                session, SYSTEM, hoks_body(oppija, oo), app.state.ehoks.runtime.context()
            ).hoks_id
        tutkinto = TUTKINNOT[n]
        row = {
            "hoks_id": hoks_id,
            "oppija_oid": oppija,
            "nimi": name,
            "tutkinto_fi": tutkinto.get("fi"),
            "tutkinto_sv": tutkinto.get("sv"),
            "hyvaksytty": None if n % 3 == 0 else TODAY - timedelta(days=n % 4),
        }
        with db.begin() as connection:
            connection.execute(
                text(
                    "UPDATE hoks_haku SET nimi = :nimi, tutkinto_fi = :tutkinto_fi,"
                    " tutkinto_sv = :tutkinto_sv, osaamisala_fi = NULL, osaamisala_sv = NULL,"
                    " osaamisala_en = NULL, tutkinto_en = NULL,"
                    " ensikertainen_hyvaksyminen = :hyvaksytty WHERE hoks_id = :hoks_id"
                ),
                row,
            )
        made.append(row)
    return made


def _expected(made: list[dict[str, Any]], order_by: str, locale: str, desc: bool) -> list[int]:
    def key(row: dict[str, Any]) -> Any:
        if order_by == "tutkinto":
            value = row[f"tutkinto_{locale}"] or row["tutkinto_fi"] or ""
        elif order_by == "hoks":
            value = row["hoks_id"]
        elif order_by == "hyvaksytty":
            value = row["hyvaksytty"]
        else:
            value = row["nimi"]
        return value

    present = [r for r in made if key(r) is not None]
    empty = [r for r in made if key(r) is None]
    ordered = sorted(present, key=lambda r: (key(r), r["hoks_id"]), reverse=desc)
    return [r["hoks_id"] for r in ordered] + sorted((r["hoks_id"] for r in empty), reverse=desc)


def _page_ids(db: Any, query: HakuQuery) -> tuple[int, list[int]]:
    with make_session_factory(db)() as session:
        total, rows = VirkailijaRepository(session).search_page(query)
    return total, [row.hoks_id for row in rows]


@pytest.mark.parametrize("order_by", ["nimi", "tutkinto", "hoks", "hyvaksytty"])
@pytest.mark.parametrize("desc", [False, True])
@pytest.mark.parametrize("locale", ["fi", "sv"])
def test_each_sort_column_orders_and_pages_like_sorting_the_matches(
    db, world, listed, order_by, desc, locale
):
    everything = HakuQuery(
        oppilaitokset=(world.oppilaitos_1,), today=TODAY, order_by=order_by, desc=desc,
        locale=locale, limit=100,
    )  # fmt: skip
    total, ids = _page_ids(db, everything)
    assert total == len(NAMES)
    if order_by in ("hoks", "hyvaksytty") or db.dialect.name == "sqlite":
        # Text order is the database's collation on PostgreSQL; Python's is code points.
        assert ids == _expected(listed, order_by, locale, desc)
    else:
        assert sorted(ids) == sorted(r["hoks_id"] for r in listed)
    paged: list[int] = []
    for offset in range(0, len(NAMES), 3):
        _, page = _page_ids(db, HakuQuery(**{**everything.__dict__, "limit": 3, "offset": offset}))
        paged += page
    assert paged == ids


def test_the_total_is_exact_up_to_the_cap_and_cap_plus_one_above(db, world, listed):
    query = HakuQuery(oppilaitokset=(world.oppilaitos_1,), today=TODAY, limit=2)
    assert _page_ids(db, HakuQuery(**{**query.__dict__, "cap": 8}))[0] == 8
    total, ids = _page_ids(db, HakuQuery(**{**query.__dict__, "cap": 5}))
    assert total == 6
    assert len(ids) == 2
    by_count = HakuQuery(**{**query.__dict__, "cap": 3, "order_by": "lkm"})
    assert _page_ids(db, by_count)[0] == 4
    beyond = _page_ids(db, HakuQuery(**{**query.__dict__, "cap": 3, "offset": 50}))
    assert beyond == (4, [])
