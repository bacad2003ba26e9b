"""Every query on the learner and study-right index."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import Insert, Table, delete, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from ehoks.oppijaindex.models import IndexOpiskeluoikeus, IndexOppija


@functools.lru_cache(maxsize=16)
def _upsert(table: Table, dialect: str, keys: tuple[str, ...]) -> Insert:
    """``INSERT … ON CONFLICT (oid) DO UPDATE`` of ``keys`` into ``table`` (both engines know
    ON CONFLICT). The table, not the mapped class: a plain Core statement, without the ORM's
    bulk path."""
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(table)
    return statement.on_conflict_do_update(
        index_elements=["oid"],
        set_={key: statement.excluded[key] for key in keys if key != "oid"},
    )


class OppijaIndexRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def oppija(self, oid: str) -> IndexOppija | None:
        return self.session.get(IndexOppija, oid)

    def opiskeluoikeus(self, oid: str) -> IndexOpiskeluoikeus | None:
        return self.session.get(IndexOpiskeluoikeus, oid)

    def upsert(
        self,
        model: type[IndexOppija] | type[IndexOpiskeluoikeus],
        values: dict[str, Any] | list[dict[str, Any]],
    ) -> None:
        """Insert the rows or overwrite them, with one statement (both engines know ON
        CONFLICT): this runs on every HOKS write, where a read-then-write would cost two round
        trips. Several rows (all with the same keys) are its parameters, sent together."""
        rows = values if isinstance(values, list) else [values]
        if not rows:
            return
        dialect = self.session.get_bind().dialect.name
        statement = _upsert(cast(Table, model.__table__), dialect, tuple(rows[0]))
        # The rows as parameters of one prebuilt statement (the driver's executemany, which
        # psycopg pipelines when there are several): neither rebuilt nor recompiled per write,
        # where building it (``excluded`` included) was a tenth of a PATCH's CPU.
        self.session.execute(statement, rows)

    def hankintakoulutukset(self, opiskeluoikeus_oid: str) -> Sequence[str]:
        return self.session.scalars(
            select(IndexOpiskeluoikeus.oid)
            .where(IndexOpiskeluoikeus.hankintakoulutus_opiskeluoikeus_oid == opiskeluoikeus_oid)
            .order_by(IndexOpiskeluoikeus.oid)
        ).all()

    def opiskeluoikeudet_of(self, oppija_oid: str) -> Sequence[IndexOpiskeluoikeus]:
        return self.session.scalars(
            select(IndexOpiskeluoikeus)
            .where(IndexOpiskeluoikeus.oppija_oid == oppija_oid)
            .order_by(IndexOpiskeluoikeus.oid)
        ).all()

    def move_opiskeluoikeudet(self, from_oid: str, to_oid: str) -> None:
        self.session.execute(
            update(IndexOpiskeluoikeus)
            .where(IndexOpiskeluoikeus.oppija_oid == from_oid)
            .values(oppija_oid=to_oid)
        )

    def delete_oppija(self, oid: str) -> None:
        self.session.execute(delete(IndexOppija).where(IndexOppija.oid == oid))
