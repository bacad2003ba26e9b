"""Every query of the officials' reports, on the HOKS table, its workplace-period projection and
the learner and study-right index. Plain SQL expressions that PostgreSQL and SQLite both run.

A report is one SELECT: counted for the page's result count, cut with LIMIT/OFFSET for a page,
or streamed in batches (a server-side cursor on PostgreSQL) for the CSV export, always with the
same filters and order so the export has the page's rows. The order always ends with the row's
own id, so pages never overlap or skip a row.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Row,
    Select,
    and_,
    case,
    exists,
    func,
    or_,
    select,
    true,
)
from sqlalchemy.orm import Session

from ehoks.hoks.models import Hoks, HoksTyopaikkajakso
from ehoks.hoks.parts import walk
from ehoks.oppijaindex.models import IndexOpiskeluoikeus, IndexOppija
from ehoks.raportit.schemas import (
    HoksRivi,
    JaksoRivi,
    Kieli,
    ReportQuery,
    Scope,
    YhteenvetoRivi,
)
from ehoks.registries.koski.schemas import PAATTYNEET_TILAT

AnyRow = Row[*tuple[Any, ...]]
OPPISOPIMUS = "osaamisenhankkimistapa_oppisopimus"

_NIMI = func.coalesce(IndexOppija.nimi, "")


def _localised(column: Any, kieli: Kieli) -> ColumnElement[str]:
    """A multilingual JSON name in ``kieli``, else Finnish, Swedish, English; '' when none."""
    order = [kieli, *(k for k in ("fi", "sv", "en") if k != kieli)]
    return func.coalesce(*(func.nullif(column[k].as_string(), "") for k in order), "")


def _in_scope(scope: Scope) -> ColumnElement[bool]:
    if scope.koko_maa:
        return true()
    return or_(
        Hoks.oppilaitos_oid == scope.organisaatio_oid,
        Hoks.koulutustoimija_oid == scope.organisaatio_oid,
    )


def _missing() -> ColumnElement[bool]:
    return IndexOpiskeluoikeus.koski404.is_(True)


def _ended(today: date) -> ColumnElement[bool]:
    """The study right has ended (Koski still knows it).

    Koski's state decides when the index knows it: ended when the latest opiskeluoikeusjakso
    is a terminal one (``PAATTYNEET_TILAT``, as in the current-provider rule) and has begun by
    ``today``; a study right that is present (or graduates later) has not ended, even past its
    estimated end. A row without a state (not refreshed since migration 0012, or no jaksot in
    Koski) falls back to the estimated end date (``arvioituPäättymispäivä``) having passed."""
    state_known = IndexOpiskeluoikeus.tila.is_not(None)
    return and_(
        IndexOpiskeluoikeus.koski404.is_(False),
        or_(
            and_(
                state_known,
                IndexOpiskeluoikeus.tila.in_(sorted(PAATTYNEET_TILAT)),
                IndexOpiskeluoikeus.tila_alku <= today,
            ),
            and_(~state_known, IndexOpiskeluoikeus.arvioitu_paattymispaiva < today),
        ),
    )


def _has_jakso() -> ColumnElement[bool]:
    return exists().where(HoksTyopaikkajakso.hoks_id == Hoks.id)


def _in_range(column: Any, alku: date | None, loppu: date | None) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if alku is not None:
        conditions.append(column >= alku)
    if loppu is not None:
        conditions.append(column <= loppu)
    return conditions


def _ordered(key: Any, desc: bool, *ties: Any) -> list[Any]:
    """Sort by ``key`` (empty values last in both directions), then by the ties in the same
    direction, the last of which is unique, so a page boundary is stable."""
    first = key.desc().nulls_last() if desc else key.asc().nulls_last()
    return [first, *((t.desc() if desc else t.asc()) for t in ties)]


class RaportitRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def count(self, query: ReportQuery, scope: Scope, today: date) -> int:
        statement = self._statement(query, scope, today)
        total = self.session.scalar(select(func.count()).select_from(statement.subquery()))
        return int(total or 0)

    def page(
        self, query: ReportQuery, scope: Scope, today: date, *, limit: int, offset: int
    ) -> list[HoksRivi] | list[JaksoRivi]:
        statement = self._statement(query, scope, today).limit(limit).offset(offset)
        return self._rows(query, self.session.execute(statement).all())

    def stream(
        self, query: ReportQuery, scope: Scope, today: date, *, batch_size: int
    ) -> Iterator[list[HoksRivi] | list[JaksoRivi]]:
        """Every row of the report, ``batch_size`` rows at a time, read through a server-side
        cursor (PostgreSQL) or fetched in steps (SQLite): never the whole result in memory."""
        statement = self._statement(query, scope, today).execution_options(yield_per=batch_size)
        for partition in self.session.execute(statement).partitions():
            yield self._rows(query, partition)

    def yhteenveto(self, query: ReportQuery, scope: Scope, today: date) -> list[YhteenvetoRivi]:
        """Counts per oppilaitos and qualification name. The qualification's name is computed
        in a subquery and grouped on outside it: PostgreSQL would not see two bound JSON paths
        as the same expression in SELECT and GROUP BY."""
        tutkinto = _localised(IndexOpiskeluoikeus.tutkinto_nimi, query.kieli)
        ended = _ended(today)
        missing = _missing()
        date_column = (
            IndexOpiskeluoikeus.alkamispaiva
            if query.rajaus == "opiskeluoikeus"
            else Hoks.ensikertainen_hyvaksyminen
        )
        per_hoks = (
            select(
                Hoks.oppilaitos_oid.label("oppilaitos_oid"),
                tutkinto.label("tutkinto"),
                case((missing, 1), else_=0).label("puuttuu"),
                case((ended, 1), else_=0).label("paattynyt"),
                case((_has_jakso(), 1), else_=0).label("jaksollinen"),
            )
            .select_from(Hoks)
            .outerjoin(IndexOpiskeluoikeus, IndexOpiskeluoikeus.oid == Hoks.opiskeluoikeus_oid)
            .where(
                Hoks.deleted_at.is_(None),
                _in_scope(scope),
                *_in_range(date_column, query.alku, query.loppu),
            )
            .subquery()
        )
        statement = (
            select(
                per_hoks.c.oppilaitos_oid,
                per_hoks.c.tutkinto,
                func.count().label("hoksit"),
                func.sum(per_hoks.c.puuttuu).label("puuttuvat"),
                func.sum(per_hoks.c.paattynyt).label("paattyneet"),
                func.sum(per_hoks.c.jaksollinen).label("jaksolliset"),
            )
            .group_by(per_hoks.c.oppilaitos_oid, per_hoks.c.tutkinto)
            .order_by(per_hoks.c.oppilaitos_oid, per_hoks.c.tutkinto)
        )
        return [
            YhteenvetoRivi(
                oppilaitos_oid=row.oppilaitos_oid,
                tutkinto=row.tutkinto or "",
                hoksit=int(row.hoksit),
                voimassa=int(row.hoksit) - int(row.puuttuvat or 0) - int(row.paattyneet or 0),
                paattyneet=int(row.paattyneet or 0),
                puuttuvat=int(row.puuttuvat or 0),
                jaksolliset=int(row.jaksolliset or 0),
            )
            for row in self.session.execute(statement)
        ]

    def oppisopimuksen_perustat(self, rows: Iterable[JaksoRivi]) -> dict[str, str | None]:
        """module-id → the apprenticeship basis code of the given apprenticeship periods, read
        from their HOKS documents (the projection does not keep it): one query per call."""
        wanted = {row.module_id for row in rows if row.hankkimistapa_koodi_uri == OPPISOPIMUS}
        if not wanted:
            return {}
        hoks_ids = {row.hoks_id for row in rows if row.module_id in wanted}
        found: dict[str, str | None] = {}
        for (document,) in self.session.execute(
            select(Hoks.document).where(Hoks.id.in_(sorted(hoks_ids)))
        ):
            for ref in walk(document):
                if ref.module_id in wanted:
                    value = ref.part.get("oppisopimuksen-perusta-koodi-uri")
                    found[ref.module_id] = value if isinstance(value, str) else None
        return found

    # The report's statement.

    def _statement(self, query: ReportQuery, scope: Scope, today: date) -> Select[*tuple[Any, ...]]:
        if query.raportti == "tyopaikkajaksot":
            return self._tyopaikkajaksot(query, scope)
        if query.raportti == "puuttuvat-opiskeluoikeudet":
            return self._puuttuvat(query, scope, today)
        if query.raportti == "ilman-tyopaikkajaksoa":
            return self._ilman_jaksoa(query, scope)
        raise ValueError(f"{query.raportti} is not a row report")

    def _hoks_rows(self) -> Select[*tuple[Any, ...]]:
        return (
            select(
                Hoks.id.label("hoks_id"),
                Hoks.oppija_oid,
                IndexOppija.nimi.label("oppija_nimi"),
                Hoks.opiskeluoikeus_oid,
                Hoks.oppilaitos_oid,
                IndexOpiskeluoikeus.tutkinto_nimi,
                Hoks.ensikertainen_hyvaksyminen,
                IndexOpiskeluoikeus.alkamispaiva,
                IndexOpiskeluoikeus.arvioitu_paattymispaiva.label("paattymispaiva"),
                IndexOpiskeluoikeus.koski404.label("puuttuu"),
            )
            .select_from(Hoks)
            .outerjoin(IndexOpiskeluoikeus, IndexOpiskeluoikeus.oid == Hoks.opiskeluoikeus_oid)
            .outerjoin(IndexOppija, IndexOppija.oid == Hoks.oppija_oid)
        )

    def _puuttuvat(self, query: ReportQuery, scope: Scope, today: date) -> Select[*tuple[Any, ...]]:
        wanted = {
            "puuttuu": _missing(),
            "paattynyt": _ended(today),
            "molemmat": or_(_missing(), _ended(today)),
        }[query.tila]
        key, desc = query.order
        column = {
            "hoks": Hoks.id,
            "nimi": _NIMI,
            "tutkinto": _localised(IndexOpiskeluoikeus.tutkinto_nimi, query.kieli),
            # Missing ones first (ascending), then the ended ones by their end date.
            "tila": case((_missing(), 0), else_=1),
            "paattyminen": IndexOpiskeluoikeus.arvioitu_paattymispaiva,
        }[key]
        ties = [IndexOpiskeluoikeus.arvioitu_paattymispaiva] if key == "tila" else []
        return (
            self._hoks_rows()
            .where(Hoks.deleted_at.is_(None), _in_scope(scope), wanted)
            .order_by(*_ordered(column, desc, *ties, Hoks.id))
        )

    def _ilman_jaksoa(self, query: ReportQuery, scope: Scope) -> Select[*tuple[Any, ...]]:
        date_column = (
            IndexOpiskeluoikeus.alkamispaiva
            if query.rajaus == "opiskeluoikeus"
            else Hoks.ensikertainen_hyvaksyminen
        )
        key, desc = query.order
        column = {
            "hoks": Hoks.id,
            "nimi": _NIMI,
            "tutkinto": _localised(IndexOpiskeluoikeus.tutkinto_nimi, query.kieli),
            "hyvaksytty": Hoks.ensikertainen_hyvaksyminen,
            "alkaminen": IndexOpiskeluoikeus.alkamispaiva,
        }[key]
        return (
            self._hoks_rows()
            .where(
                Hoks.deleted_at.is_(None),
                _in_scope(scope),
                ~_has_jakso(),
                *_in_range(date_column, query.alku, query.loppu),
            )
            .order_by(*_ordered(column, desc, Hoks.id))
        )

    def _tyopaikkajaksot(self, query: ReportQuery, scope: Scope) -> Select[*tuple[Any, ...]]:
        """Periods without part-time data whose end falls in the range (as the original's
        ``start ≤ loppu ≤ end``), of every unit type."""
        jakso = HoksTyopaikkajakso
        key, desc = query.order
        column = {
            "hoks": Hoks.id,
            "tyopaikka": func.coalesce(jakso.tyopaikan_nimi, ""),
            "ohjaaja": func.coalesce(jakso.ohjaaja_nimi, ""),
            "alku": jakso.alku,
            "loppu": jakso.loppu,
        }[key]
        return (
            select(
                jakso.id.label("jakso_id"),
                jakso.module_id,
                Hoks.id.label("hoks_id"),
                Hoks.oppija_oid,
                IndexOppija.nimi.label("oppija_nimi"),
                Hoks.opiskeluoikeus_oid,
                Hoks.oppilaitos_oid,
                jakso.osa_tyyppi,
                jakso.hankkimistapa_koodi_uri,
                jakso.alku,
                jakso.loppu,
                jakso.tyopaikan_nimi,
                jakso.tyopaikan_y_tunnus,
                jakso.ohjaaja_nimi,
                jakso.ohjaaja_sahkoposti,
                jakso.ohjaaja_puhelinnumero,
            )
            .select_from(jakso)
            .join(Hoks, Hoks.id == jakso.hoks_id)
            .outerjoin(IndexOppija, IndexOppija.oid == Hoks.oppija_oid)
            .where(
                jakso.osa_aikaisuustieto.is_(None),
                Hoks.deleted_at.is_(None),
                _in_scope(scope),
                *_in_range(jakso.loppu, query.alku, query.loppu),
            )
            .order_by(*_ordered(column, desc, Hoks.id, jakso.id))
        )

    def _rows(self, query: ReportQuery, rows: Sequence[AnyRow]) -> list[HoksRivi] | list[JaksoRivi]:
        if query.raportti == "tyopaikkajaksot":
            return [JaksoRivi(**row._asdict()) for row in rows]
        return [
            HoksRivi(
                **{
                    **row._asdict(),
                    "tutkinto_nimi": row.tutkinto_nimi or {},
                    "puuttuu": bool(row.puuttuu),
                }
            )
            for row in rows
        ]
