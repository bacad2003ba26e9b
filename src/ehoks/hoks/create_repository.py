"""A HOKS create's writes as one statement on PostgreSQL (issue 12, item 5): the HOKS row, its
two projections and the learner and study-right index rows, in one round trip instead of five.

    WITH h AS (INSERT INTO hoks (…) VALUES (…)
               ON CONFLICT (opiskeluoikeus_oid) DO NOTHING RETURNING hoks.id),
         t AS (INSERT INTO hoks_tyopaikkajakso (hoks_id, …)
               SELECT h.id, jakso.… FROM h JOIN jsonb_to_recordset(:jaksot) AS jakso(…) ON true),
         n AS (… hoks_naytto, likewise from :naytot …),
         o AS (INSERT INTO oppija … SELECT … FROM h JOIN jsonb_to_recordset(:oppijat) …
               ON CONFLICT (oid) DO UPDATE SET …),
         oo AS (… opiskeluoikeus, likewise from :opiskeluoikeudet …)
    SELECT h.id FROM h

Every other part reads its rows ``FROM h``: when the study right already has a HOKS, ``h`` is
empty and nothing at all is written (the caller then reads the existing row for the error, as
the multi-statement path does). The rows travel as one JSON array each, expanded by
``jsonb_to_recordset`` into the table's own column types (its keys are the columns' names; a
missing key or JSON null is NULL, a key it does not list is ignored). The foreign keys of the
projections are checked at the end of the statement, when the HOKS row is there.

SQLite keeps the separate statements (``HoksRepository.add`` and ``oppijaindex.service.store``):
it has no data-modifying CTEs, and with one writer holding the database's write lock and each
statement a library call rather than a network round trip, one statement would save little.

Built once with SQLAlchemy Core from the models' tables, so its column lists follow the models;
the compiled form is cached by the engine like any other statement.
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import (
    Column,
    FromClause,
    Select,
    Table,
    bindparam,
    column,
    func,
    select,
    true,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.orm import Session

from ehoks.hoks.models import Hoks, HoksNaytto, HoksTyopaikkajakso
from ehoks.hoks.projections import naytto_rows, tyopaikkajakso_rows
from ehoks.oppijaindex.models import IndexOpiskeluoikeus, IndexOppija
from ehoks.oppijaindex.service import IndexRows

_HOKS = cast(Table, Hoks.__table__)
_TYOPAIKKAJAKSO = cast(Table, HoksTyopaikkajakso.__table__)
_NAYTTO = cast(Table, HoksNaytto.__table__)
_OPPIJA = cast(Table, IndexOppija.__table__)
_OPISKELUOIKEUS = cast(Table, IndexOpiskeluoikeus.__table__)

# The HOKS row's columns, each its own parameter (named as the column).
HOKS_COLUMNS = tuple(c.key for c in _HOKS.columns if c.key != "id")


def applies_to(session: Session) -> bool:
    """Whether the create's writes go as one statement on this session's database."""
    return session.get_bind().dialect.name == "postgresql"


def _recordset(name: str, parameter: str, columns: list[Column[Any]]) -> FromClause:
    """``jsonb_to_recordset(:parameter) AS name(col type, …)``: one row per element of the JSON
    array bound to ``parameter``, typed as the table's columns."""
    return (
        func.jsonb_to_recordset(bindparam(parameter, type_=JSONB))
        .table_valued(*(column(c.key, c.type) for c in columns))
        .render_derived(name=name, with_types=True)
    )


def _insert_rows_of(h: FromClause, table: Table, parameter: str, *, hoks_id: bool) -> Any:
    """``INSERT INTO table (…) SELECT [h.id,] rows.… FROM h JOIN <recordset> ON true``: the rows
    of ``parameter``, written only when ``h`` returned the new HOKS."""
    own = [c for c in table.columns if c.key not in ("id", "hoks_id")]
    rows = _recordset(f"{table.name}_rows", parameter, own)
    selected = [rows.c[c.key] for c in own]
    names = [c.key for c in own]
    if hoks_id:
        selected.insert(0, h.c.id)
        names.insert(0, "hoks_id")
    query = select(*selected).select_from(h).join(rows, true())
    return postgresql_insert(table).from_select(names, query)


def _upsert(insert: Any) -> Any:
    """The index tables' ``ON CONFLICT (oid) DO UPDATE``, as ``OppijaIndexRepository.upsert``:
    every column but the key overwritten."""
    table = insert.table
    return insert.on_conflict_do_update(
        index_elements=["oid"],
        set_={c.key: insert.excluded[c.key] for c in table.columns if c.key != "oid"},
    )


def _statement() -> Select[int]:
    h = (
        postgresql_insert(_HOKS)
        .values({key: bindparam(key, type_=_HOKS.c[key].type) for key in HOKS_COLUMNS})
        .on_conflict_do_nothing(index_elements=["opiskeluoikeus_oid"])
        .returning(_HOKS.c.id)
        .cte("h")
    )
    parts = [
        _insert_rows_of(h, _TYOPAIKKAJAKSO, "jaksot", hoks_id=True).cte("t"),
        _insert_rows_of(h, _NAYTTO, "naytot", hoks_id=True).cte("n"),
        _upsert(_insert_rows_of(h, _OPPIJA, "oppijat", hoks_id=False)).cte("o"),
        _upsert(_insert_rows_of(h, _OPISKELUOIKEUS, "opiskeluoikeudet", hoks_id=False)).cte("oo"),
    ]
    # The parts are not referenced by the final SELECT; PostgreSQL runs every data-modifying
    # WITH part exactly once all the same.
    return select(h.c.id).add_cte(*parts)


CREATE = _statement()


def parameters(values: dict[str, Any], index: IndexRows) -> dict[str, Any]:
    """The statement's parameters: the HOKS row's ``values`` (``HOKS_COLUMNS``), the
    projections of its document and the index rows, as ``HoksRepository.add`` and
    ``oppijaindex.service.store`` write them. ``hoks_id`` comes from ``h``, not the rows."""
    document = values["document"]
    return {
        **values,
        "jaksot": tyopaikkajakso_rows(0, document),
        "naytot": naytto_rows(0, document),
        "oppijat": [index.oppija] if index.oppija is not None else [],
        "opiskeluoikeudet": index.opiskeluoikeudet,
    }


def insert(session: Session, values: dict[str, Any], index: IndexRows) -> int | None:
    """Run the statement: the new HOKS's id, or ``None`` when the study right already has one
    (then nothing was written)."""
    found = session.execute(CREATE, parameters(values, index)).scalar()
    return None if found is None else int(found)
