"""Queries of the officials' views: the learner search of the JSON API over HOKSes and the
learner index (reference 5.5), and the student list of the officials' pages over the
``hoks_haku`` projection (one statement per page, ``search_page``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Row,
    Select,
    and_,
    func,
    literal,
    literal_column,
    not_,
    or_,
    select,
    true,
)
from sqlalchemy.orm import Session, aliased

from ehoks.hoks.models import Hoks
from ehoks.oppijaindex.models import IndexOpiskeluoikeus, IndexOppija
from ehoks.virkailija.models import HoksHaku
from ehoks.virkailija.terms import Jarjestys, Locale, OrderBy, Tila

AnyRow = Row[*tuple[Any, ...]]

# SQLite's own lower() folds ASCII only, so "ähtäri" would never find "Ähtäri"; this function
# (Python's str.lower, as PostgreSQL's lower() under a UTF-8 locale) is registered on the
# connection before a search runs.
_SQLITE_LOWER = "ehoks_lower"
# Above this many institutions in scope, a name search uses the trigram index (migration 0007).
TRIGRAM_SCOPE = 50
_EMPTY: ColumnElement[str] = literal_column("''")
_SEPARATOR: ColumnElement[str] = literal_column("' / '")


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


@dataclass(frozen=True)
class HakuQuery:
    """One page of the student list. ``oppilaitokset`` is the scope: the institutions of the
    chosen organisation's subtree, each already checked against the organisation registry."""

    oppilaitokset: tuple[str, ...]
    today: date
    nimi_tokens: tuple[str, ...] = ()
    oppija_oid: str | None = None
    tutkinto: str | None = None
    osaamisala: str | None = None
    hoks_id: int | None = None
    tila: Tila = "kaikki"
    locale: Locale = "fi"
    order_by: Jarjestys = "nimi"
    desc: bool = False
    limit: int = 25
    offset: int = 0
    # The total is counted exactly up to this; above it the page says "more than".
    cap: int = 10_000
    # The whole country (the OPH root): every institution is in scope, so the scope is
    # "has an institution" rather than a list of a few hundred to compare each row with.
    koko_maa: bool = False

    @property
    def rajaton(self) -> bool:
        """No filter but the scope: every listable HOKS of the scope matches."""
        terms = (self.nimi_tokens, self.oppija_oid, self.tutkinto, self.osaamisala)
        return self.tila == "kaikki" and self.hoks_id is None and not any(terms)


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

    def search_page(self, query: HakuQuery) -> tuple[int, Sequence[AnyRow]]:
        """(total matches, the page's rows) in ONE statement whatever the sort and page size.
        The total is exact up to ``query.cap``; ``cap + 1`` means "more than the cap". Rows
        carry ``lkm``, how many of the matches are the same learner's."""
        rows = self.session.execute(self.search_statement(query)).all()
        count = int(rows[0].total) if rows else 0
        return count, [row for row in rows if row.hoks_id is not None]

    def search_statement(self, query: HakuQuery) -> Select[Any]:
        """The page is the matches in the order of the chosen column, limited: over the whole
        country the planner walks that column's index (migration 0007) and stops after the
        page; within an institution it reads the institution's run of the covering scope index
        and sorts its matches. The count reads at most ``cap + 1`` matches, so it never costs
        more than that whatever the scope. Only the page's rows are then read in full, by
        primary key. An out-of-range page still brings the total: the page is outer-joined to
        a one-row relation."""
        lower = self._lower_function()
        h = HoksHaku
        conditions = _conditions(h, query, lower)
        row = aliased(HoksHaku, name="row")
        lkm: Any
        if query.order_by == "lkm" and query.koko_maa and query.rajaton:
            # Over the whole country with no filter, each learner's matches are all their
            # listable HOKSes, which the table keeps counted (migration 0008) and indexed.
            page = (
                select(h.hoks_id, h.oppijan_hoks_lkm.label("sort_key"))
                .where(*conditions)
                .order_by(*_order(h.oppijan_hoks_lkm, h.hoks_id, query.desc, nullable=False))
                .limit(query.limit)
                .offset(query.offset)
                .subquery("page")
            )
            counted = select(h.hoks_id).where(*conditions).limit(query.cap + 1).subquery("counted")
            lkm = page.c.sort_key
        elif query.order_by == "lkm":
            # Sorting by it needs it for every match: one window over the matches.
            matches = (
                select(h.hoks_id, func.count().over(partition_by=h.oppija_oid).label("sort_key"))
                .where(*conditions)
                .cte("matches")
            )
            m = matches.c
            page = (
                select(m.hoks_id, m.sort_key)
                .order_by(*_order(m.sort_key, m.hoks_id, query.desc, nullable=False))
                .limit(query.limit)
                .offset(query.offset)
                .subquery("page")
            )
            counted = select(m.hoks_id).limit(query.cap + 1).subquery("counted")
            lkm = page.c.sort_key
        else:
            key, nullable = _sort_key(h, query)
            page = (
                select(h.hoks_id, key.label("sort_key"))
                .where(*conditions)
                .order_by(*_order(key, h.hoks_id, query.desc, nullable=nullable))
                .limit(query.limit)
                .offset(query.offset)
                .subquery("page")
            )
            counted = select(h.hoks_id).where(*conditions).limit(query.cap + 1).subquery("counted")
            # Only for the page's rows: the learner's other matches, by the learner's index.
            other = aliased(HoksHaku, name="other")
            lkm = (
                select(func.count())
                .select_from(other)
                .where(other.oppija_oid == row.oppija_oid, *_conditions(other, query, lower))
                .scalar_subquery()
            )
        total = select(func.count()).select_from(counted).scalar_subquery()
        one = select(literal(1).label("one")).subquery("one")
        shown = page.join(row, row.hoks_id == page.c.hoks_id)
        return (
            select(
                total.label("total"),
                row.hoks_id,
                row.oppija_oid,
                row.nimi,
                row.tutkinto_fi,
                row.tutkinto_sv,
                row.tutkinto_en,
                row.osaamisala_fi,
                row.osaamisala_sv,
                row.osaamisala_en,
                row.ensikertainen_hyvaksyminen,
                row.osaamisen_saavuttamisen_pvm,
                row.arvioitu_paattymispaiva,
                row.updated_at,
                row.deleted_at,
                lkm.label("lkm"),
            )
            .select_from(one.outerjoin(shown, true()))
            .order_by(*_order(page.c.sort_key, page.c.hoks_id, query.desc, nullable=True))
        )

    def oppilaitokset_with_hoks(self) -> list[str]:
        """Every institution that has a HOKS: a loose index scan (one probe of the scope index
        per institution, a few hundred nationally) instead of reading every row."""
        h = HoksHaku
        found = select(func.min(h.oppilaitos_oid).label("oid")).cte("found", recursive=True)
        following = (
            select(func.min(h.oppilaitos_oid))
            .where(h.oppilaitos_oid > found.c.oid)
            .scalar_subquery()
        )
        found = found.union_all(select(following).where(found.c.oid.is_not(None)))
        return [oid for oid in self.session.scalars(select(found.c.oid)) if oid is not None]

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


def _in_language(h: Any, name: str, locale: Locale) -> ColumnElement[str]:
    """The name in the page's language, else the Finnish one, else ''. The '' is written in
    the SQL, not bound: the expression must be the one migration 0007 indexes."""
    own = getattr(h, f"{name}_{locale}")
    if locale == "fi":
        return func.coalesce(own, _EMPTY)
    return func.coalesce(own, getattr(h, f"{name}_fi"), _EMPTY)


def _sort_key(h: Any, query: HakuQuery) -> tuple[ColumnElement[Any], bool]:
    """The column the page is ordered by (each has an index, migration 0007) and whether it
    can be empty."""
    if query.order_by == "tutkinto":
        return _in_language(h, "tutkinto", query.locale), False
    if query.order_by == "osaamisala":
        return _in_language(h, "osaamisala", query.locale), False
    if query.order_by == "hoks":
        return h.hoks_id, False
    if query.order_by == "hyvaksytty":
        return h.ensikertainen_hyvaksyminen, True
    if query.order_by == "paivitetty":
        return h.updated_at, False
    return h.nimi, False


def _conditions(h: Any, query: HakuQuery, lower: Any) -> list[ColumnElement[bool]]:
    """The scope, the state and the search terms, for the table or an alias of it."""
    conditions: list[ColumnElement[bool]] = [
        h.oppilaitos_oid.is_not(None)
        if query.koko_maa
        else h.oppilaitos_oid.in_(query.oppilaitokset)
    ]
    achieved = and_(
        h.osaamisen_saavuttamisen_pvm.is_not(None), h.osaamisen_saavuttamisen_pvm <= query.today
    )
    past_end = and_(h.arvioitu_paattymispaiva.is_not(None), h.arvioitu_paattymispaiva < query.today)
    ended = or_(achieved, past_end)
    if query.tila == "poistettu":
        conditions.append(h.deleted_at.is_not(None))
    else:
        conditions.append(h.deleted_at.is_(None))
    if query.tila == "voimassa":
        conditions.append(not_(ended))
    elif query.tila == "paattynyt":
        conditions.append(ended)
    # autoescape: a "%", "_" or "/" in a term is matched literally, never as a wildcard.
    # Within a few institutions the scope index already holds the names in order; matching the
    # country-wide trigram index (on lower(nimi)) there makes PostgreSQL's planner read
    # thousands of other institutions' rows, so a scoped search spells the name as an
    # expression that index does not cover (the result is the same).
    wide = query.koko_maa or len(query.oppilaitokset) > TRIGRAM_SCOPE
    name = h.nimi if wide else h.nimi + ""
    conditions += [lower(name).contains(t.lower(), autoescape=True) for t in query.nimi_tokens]
    if query.oppija_oid is not None:
        conditions.append(h.oppija_oid == query.oppija_oid)
    if query.hoks_id is not None:
        conditions.append(h.hoks_id == query.hoks_id)
    for kind, term in (("tutkinto", query.tutkinto), ("osaamisala", query.osaamisala)):
        if term:
            names = lower(_all_languages(h, kind, indexed=wide))
            conditions.append(names.contains(term.lower(), autoescape=True))
    return conditions


def _all_languages(h: Any, kind: str, *, indexed: bool) -> ColumnElement[str]:
    """The study right's qualification or competence-area names in every language, as
    migration 0008 indexes them (a term matches in any language: officials search in Finnish
    and Swedish whatever the page's language). Within a few institutions the expression gets
    a '' more, which the country-wide index does not cover (as the name, above)."""
    names = [func.coalesce(getattr(h, f"{kind}_{lang}"), _EMPTY) for lang in ("fi", "sv", "en")]
    joined = names[0] + _SEPARATOR + names[1] + _SEPARATOR + names[2]
    return joined if indexed else joined + ""


def _order(key: Any, tie: Any, desc: bool, *, nullable: bool) -> tuple[Any, Any]:
    """Empty values last either way; the HOKS id breaks ties so pages never overlap. A key
    that is never NULL is ordered without NULLS LAST, which is then the same order: a
    descending page is then a backward scan of the ascending index."""
    if not nullable:
        return (key.desc(), tie.desc()) if desc else (key.asc(), tie.asc())
    if desc:
        return key.desc().nulls_last(), tie.desc()
    return key.asc().nulls_last(), tie.asc()
