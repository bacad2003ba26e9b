"""Use cases of the officials' reports: who may see which organisation's report, one page of
it, and its export — each audited (DESIGN D7) with the report, the filters and what was shown.

A report covers one organisation and the organisations below it; the official must hold
``read`` there (directly or through an organisation above it, reference 6.3), as the original's
reports require (reference backend 5.6, 6). A refusal is audited as a denied attempt. Services
never commit; the route owns the (read) transaction.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from ehoks.access.actor import OPH_ORGANISAATIO_OID, OfficialActor
from ehoks.access.errors import NotPermitted
from ehoks.access.policy import privileges_on
from ehoks.context import UseCase
from ehoks.errors import EhoksError, NotFound
from ehoks.kernel.clock import today_in_finland
from ehoks.raportit.nimet import Nimet
from ehoks.raportit.repository import RaportitRepository
from ehoks.raportit.schemas import (
    HoksRivi,
    JaksoRivi,
    ReportQuery,
    Scope,
    YhteenvetoRivi,
)

# As the original's reports answer a missing privilege (reference backend 5.6).
NO_READ_PRIVILEGE = "User privileges do not match organisation"
PAGE_SIZES = (10, 25, 50, 100)  # offered on the pages
DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 100
EXPORT_BATCH = 500

Rivit = list[HoksRivi] | list[JaksoRivi] | list[YhteenvetoRivi]


class UnknownOrganisation(NotFound):
    def __init__(self, oid: str) -> None:
        super().__init__(f"Organisation `{oid}` not found in Organisaatiopalvelu")


@dataclass(frozen=True)
class ReportPage:
    query: ReportQuery
    organisaatio_oid: str
    total: int
    rows: Rivit
    sivu: int
    sivuja: int
    koko: int
    nimet: Nimet
    # The summary's sums over every row (not only this page's).
    yhteensa: YhteenvetoRivi | None = None

    @property
    def first(self) -> int:
        return (self.sivu - 1) * self.koko + 1 if self.rows else 0

    @property
    def last(self) -> int:
        return (self.sivu - 1) * self.koko + len(self.rows)


@dataclass(frozen=True)
class Export:
    """An export that was authorised and audited (only ``start_export`` makes one): what
    ``export_rows`` may then stream."""

    query: ReportQuery
    scope: Scope
    today: date
    rows: int
    nimet: Nimet = field(repr=False, compare=False)


def authorise(actor: OfficialActor, organisaatio_oid: str, deps: UseCase) -> Scope:
    """The report's scope, if the official may read the organisation's HOKSes."""
    path = deps.registries.organisaatio.ancestors_and_self(organisaatio_oid)
    if path is None:
        raise UnknownOrganisation(organisaatio_oid)
    if "read" not in privileges_on(actor, path):
        raise NotPermitted(NO_READ_PRIVILEGE)
    return Scope(organisaatio_oid, koko_maa=organisaatio_oid == OPH_ORGANISAATIO_OID)


def report_page(
    session: Session,
    actor: OfficialActor,
    deps: UseCase,
    query: ReportQuery,
    *,
    sivu: int = 1,
    koko: int = DEFAULT_PAGE_SIZE,
    today: date | None = None,
) -> ReportPage:
    """One page (1-based; past the last one shows the last) of the report."""
    today = today or today_in_finland()
    koko = max(1, min(koko, MAX_PAGE_SIZE))
    scope = _authorised(actor, query, deps, operation="report")
    repository = RaportitRepository(session)
    nimet = Nimet(deps.registries, query.kieli)
    yhteensa = None
    if query.raportti == "yhteenveto":
        groups = _sorted_summary(repository.yhteenveto(query, scope, today), query, nimet)
        total = len(groups)
        sivuja, sivu = _pages(total, koko, sivu)
        rows: Rivit = groups[(sivu - 1) * koko : sivu * koko]
        yhteensa = _sum(groups)
    else:
        total = repository.count(query, scope, today)
        sivuja, sivu = _pages(total, koko, sivu)
        rows = _completed(
            repository, repository.page(query, scope, today, limit=koko, offset=(sivu - 1) * koko)
        )
    details: dict[str, Any] = {**_what(query), "total": total, "sivu": sivu, "koko": koko}
    if query.raportti != "yhteenveto":
        details["hoks-ids"] = sorted({row.hoks_id for row in rows})  # type: ignore[union-attr]
    _record(deps, "report", details)
    return ReportPage(
        query, query.organisaatio_oid, total, rows, sivu, sivuja, koko, nimet, yhteensa
    )


def start_export(
    session: Session,
    actor: OfficialActor,
    deps: UseCase,
    query: ReportQuery,
    *,
    today: date | None = None,
) -> Export:
    """Authorise and audit an export (with its row count) before any row is sent."""
    today = today or today_in_finland()
    scope = _authorised(actor, query, deps, operation="export")
    repository = RaportitRepository(session)
    if query.raportti == "yhteenveto":
        rows = len(repository.yhteenveto(query, scope, today))
    else:
        rows = repository.count(query, scope, today)
    _record(deps, "export", {**_what(query), "muoto": "csv", "rivit": rows})
    return Export(query, scope, today, rows, Nimet(deps.registries, query.kieli))


def export_rows(
    session: Session, export: Export, *, batch_size: int = EXPORT_BATCH
) -> Iterator[Rivit]:
    """The export's rows in the page's order, a batch at a time."""
    repository = RaportitRepository(session)
    query, scope, today = export.query, export.scope, export.today
    if query.raportti == "yhteenveto":
        groups = _sorted_summary(repository.yhteenveto(query, scope, today), query, export.nimet)
        for start in range(0, len(groups), batch_size):
            yield groups[start : start + batch_size]
        return
    for batch in repository.stream(query, scope, today, batch_size=batch_size):
        yield _completed(repository, batch)


# Helpers.


def _authorised(
    actor: OfficialActor, query: ReportQuery, deps: UseCase, *, operation: str
) -> Scope:
    try:
        return authorise(actor, query.organisaatio_oid, deps)
    except EhoksError:
        # Recorded as attempted; the failing transaction turns it into a denied event.
        _record(deps, operation, _what(query))
        raise


def _what(query: ReportQuery) -> dict[str, Any]:
    key, desc = query.order
    return {
        "raportti": query.raportti,
        "organisaatio-oid": query.organisaatio_oid,
        "rajaukset": query.filters(),
        "jarjestys": f"{key} {'laskeva' if desc else 'nouseva'}",
    }


def _record(deps: UseCase, operation: str, details: dict[str, Any]) -> None:
    if deps.trail is not None:
        deps.trail.record(operation=operation, legal_basis="provider", details=details)


def _pages(total: int, koko: int, sivu: int) -> tuple[int, int]:
    sivuja = max(1, math.ceil(total / koko))
    return sivuja, min(max(1, sivu), sivuja)


def _completed(repository: RaportitRepository, rows: Any) -> Any:
    """Workplace periods with their apprenticeship basis (from the HOKS documents)."""
    if not rows or not isinstance(rows[0], JaksoRivi):
        return rows
    perustat = repository.oppisopimuksen_perustat(rows)
    if not perustat:
        return rows
    return [
        replace(row, oppisopimuksen_perusta_koodi_uri=perustat.get(row.module_id)) for row in rows
    ]


_SUMMARY_KEYS = {
    "hoksit": lambda r: r.hoksit,
    "voimassa": lambda r: r.voimassa,
    "paattyneet": lambda r: r.paattyneet,
    "puuttuvat": lambda r: r.puuttuvat,
    "jaksolliset": lambda r: r.jaksolliset,
}


def _sorted_summary(
    groups: list[YhteenvetoRivi], query: ReportQuery, nimet: Nimet
) -> list[YhteenvetoRivi]:
    """The summary in the asked order. Its groups are few (organisations × qualifications),
    and organisations are sorted by their names from Organisaatiopalvelu, which the database
    does not hold: so here, not in SQL."""

    def name(row: YhteenvetoRivi) -> str:
        label = nimet.organisaatio(row.oppilaitos_oid)
        return label.text.casefold() if label is not None else ""

    def by_names(row: YhteenvetoRivi) -> tuple[str, str]:
        return name(row), row.tutkinto.casefold()

    key, desc = query.order
    ordered = sorted(groups, key=by_names)
    if key == "oppilaitos":
        return list(reversed(ordered)) if desc else ordered
    if key == "tutkinto":
        return sorted(ordered, key=lambda r: r.tutkinto.casefold(), reverse=desc)
    return sorted(ordered, key=_SUMMARY_KEYS[key], reverse=desc)


def _sum(groups: list[YhteenvetoRivi]) -> YhteenvetoRivi:
    return YhteenvetoRivi(
        oppilaitos_oid=None,
        tutkinto="",
        hoksit=sum(g.hoksit for g in groups),
        voimassa=sum(g.voimassa for g in groups),
        paattyneet=sum(g.paattyneet for g in groups),
        puuttuvat=sum(g.puuttuvat for g in groups),
        jaksolliset=sum(g.jaksolliset for g in groups),
    )
