"""Queries of the officials' views: the learner search over HOKSes and the learner index
(reference 5.5)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import ColumnElement, Row, func, select
from sqlalchemy.orm import Session

from ehoks.hoks.models import Hoks
from ehoks.oppijaindex.models import IndexOpiskeluoikeus, IndexOppija

AnyRow = Row[*tuple[Any, ...]]
OrderBy = Literal["nimi", "tutkinto", "osaamisala"]
Locale = Literal["fi", "sv", "en"]

# SQLite's own lower() folds ASCII only, so "ähtäri" would never find "Ähtäri"; this function
# (Python's str.lower, as PostgreSQL's lower() under a UTF-8 locale) is registered on the
# connection before a search runs.
_SQLITE_LOWER = "ehoks_lower"


@dataclass(frozen=True)
class OppijaSearch:
    """The filters of ``GET /virkailija/oppijat``, already made wildcard-safe by the caller."""

    oppilaitos_oid: str
    nimi_tokens: tuple[str, ...] = ()
    tutkinto: str | None = None
    osaamisala: str | None = None
    hoks_id: int | None = None
    locale: Locale = "fi"
    order_by: OrderBy = "nimi"
    desc: bool = False
    limit: int = 10
    offset: int = 0


class VirkailijaRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def search_oppijat(self, search: OppijaSearch) -> tuple[int, Sequence[AnyRow]]:
        """(total matches, the requested page): one row per non-deleted HOKS whose study right
        is indexed under the oppilaitos."""
        lower = self._lower_function()
        nimi = func.coalesce(IndexOppija.nimi, "")
        tutkinto = func.coalesce(IndexOpiskeluoikeus.tutkinto_nimi[search.locale].as_string(), "")
        osaamisala = func.coalesce(
            IndexOpiskeluoikeus.osaamisala_nimi[search.locale].as_string(), ""
        )
        conditions: list[ColumnElement[bool]] = [
            Hoks.deleted_at.is_(None),
            IndexOpiskeluoikeus.oppilaitos_oid == search.oppilaitos_oid,
        ]
        # autoescape: a "%", "_" or "/" in a term is matched literally, never as a wildcard.
        conditions += [
            lower(nimi).contains(token.lower(), autoescape=True) for token in search.nimi_tokens
        ]
        if search.tutkinto:
            conditions.append(lower(tutkinto).contains(search.tutkinto.lower(), autoescape=True))
        if search.osaamisala:
            conditions.append(
                lower(osaamisala).contains(search.osaamisala.lower(), autoescape=True)
            )
        if search.hoks_id is not None:
            conditions.append(Hoks.id == search.hoks_id)
        base = (
            select(
                Hoks.oppija_oid.label("oid"),
                nimi.label("nimi"),
                IndexOpiskeluoikeus.oid.label("opiskeluoikeus_oid"),
                Hoks.id.label("hoks_id"),
                IndexOpiskeluoikeus.tutkinto_nimi,
                IndexOpiskeluoikeus.osaamisala_nimi,
            )
            .select_from(Hoks)
            .join(IndexOpiskeluoikeus, IndexOpiskeluoikeus.oid == Hoks.opiskeluoikeus_oid)
            .outerjoin(IndexOppija, IndexOppija.oid == Hoks.oppija_oid)
            .where(*conditions)
        )
        total = self.session.scalar(select(func.count()).select_from(base.subquery())) or 0
        key = {"nimi": nimi, "tutkinto": tutkinto, "osaamisala": osaamisala}[search.order_by]
        # The HOKS id breaks ties, so pages never overlap or skip a row.
        order = (key.desc(), Hoks.id.desc()) if search.desc else (key.asc(), Hoks.id.asc())
        rows = self.session.execute(
            base.order_by(*order).limit(search.limit).offset(search.offset)
        ).all()
        return int(total), rows

    def _lower_function(self) -> Any:
        bind = self.session.get_bind()
        if bind.dialect.name != "sqlite":
            return func.lower
        raw = self.session.connection().connection.driver_connection
        assert raw is not None  # a connection checked out for this session
        # Registered per connection (pooled connections keep it; re-registering is cheap).
        raw.create_function(_SQLITE_LOWER, 1, _python_lower, deterministic=True)
        return getattr(func, _SQLITE_LOWER)


def _python_lower(value: str | None) -> str | None:
    return value.lower() if isinstance(value, str) else value
