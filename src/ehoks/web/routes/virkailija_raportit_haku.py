"""A report page's address: its filters read from the query string (validated, with an error
per field in the reader's language), and the links that keep them — sorting, pages, CSV.

Everything a report shows is decided by its address, so a report can be bookmarked, reloaded,
switched to another language or exported as CSV with the very same rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any, cast
from urllib.parse import urlencode

from fastapi import Request

from ehoks.access.actor import OfficialActor
from ehoks.context.request import AppState
from ehoks.errors import BadRequest
from ehoks.kernel.oids import is_organisaatio_oid
from ehoks.raportit.schemas import (
    RAJAUKSET,
    SORTS,
    TILAT,
    Kieli,
    Raportti,
    ReportQuery,
)
from ehoks.raportit.service import DEFAULT_PAGE_SIZE, PAGE_SIZES
from ehoks.web.i18n import N_
from ehoks.web.render import language_of
from ehoks.web.routes.virkailija_common import chosen_organisation

_FINNISH_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
BAD_DATE = N_("Anna päivämäärä muodossa pp.kk.vvvv.")
END_BEFORE_START = N_("Loppupäivä ei voi olla ennen alkupäivää.")


class BadOrganisation(BadRequest):
    def __init__(self) -> None:
        super().__init__("`organisaatio` is not an organisation OID")


@dataclass
class Haku:
    """The report's filters as asked for: ``query`` is None until an organisation is known
    and while a filter has an error (``errors``: field → message to translate)."""

    raportti: Raportti
    organisaatio_oid: str | None
    values: dict[str, str]
    sivu: int = 1
    koko: int = DEFAULT_PAGE_SIZE
    errors: dict[str, str] = field(default_factory=dict)
    query: ReportQuery | None = None
    # The sort column and direction (the report's default unless asked), and whether asked.
    order: tuple[str, bool] = ("", False)
    sorted_by_request: bool = False


def parse(request: Request, state: AppState, actor: OfficialActor, raportti: Raportti) -> Haku:
    """The filters of the address. The organisation is the ``organisaatio`` parameter, else
    the official's chosen organisation; the service decides whether they may read it."""
    params = request.query_params
    organisaatio = params.get("organisaatio") or None
    if organisaatio is not None and not is_organisaatio_oid(organisaatio):
        raise BadOrganisation()
    if organisaatio is None:
        chosen = chosen_organisation(request, state, actor)
        organisaatio = chosen.oid if chosen is not None else None
    values = {
        "tila": _choice(params.get("tila"), TILAT),
        "rajaus": _choice(params.get("rajaus"), RAJAUKSET),
        "alku": (params.get("alku") or "").strip(),
        "loppu": (params.get("loppu") or "").strip(),
    }
    errors: dict[str, str] = {}
    alku = _date(values["alku"], "alku", errors)
    loppu = _date(values["loppu"], "loppu", errors)
    if alku and loppu and loppu < alku:
        errors["loppu"] = END_BEFORE_START
    jarjestys = params.get("jarjestys")
    jarjestys = jarjestys if jarjestys in SORTS[raportti] else None
    laskeva = {"laskeva": True, "nouseva": False}.get(params.get("suunta") or "")
    # The order alone (a query without filters), so the form keeps it even with an error.
    order = ReportQuery(raportti, "", jarjestys=jarjestys, laskeva=laskeva).order
    haku = Haku(
        raportti,
        organisaatio,
        values,
        sivu=_int(params.get("sivu"), 1),
        koko=_int(params.get("koko"), DEFAULT_PAGE_SIZE),
        errors=errors,
        order=order,
        sorted_by_request=jarjestys is not None,
    )
    if haku.koko not in PAGE_SIZES:
        haku.koko = DEFAULT_PAGE_SIZE
    if organisaatio is not None and not errors:
        haku.query = ReportQuery(
            raportti=raportti,
            organisaatio_oid=organisaatio,
            kieli=cast(Kieli, language_of(request)),
            tila=cast(Any, values["tila"]),
            alku=alku,
            loppu=loppu,
            rajaus=cast(Any, values["rajaus"]),
            jarjestys=jarjestys,
            laskeva=laskeva,
        )
    return haku


def _choice(value: str | None, allowed: tuple[str, ...]) -> str:
    return value if value in allowed else allowed[0]


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value else default
    except ValueError:
        return default


def _date(value: str, name: str, errors: dict[str, str]) -> date | None:
    """An ISO date (what a date field sends) or d.m.yyyy (typed where the browser offers a
    plain text field)."""
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        pass
    match = _FINNISH_DATE.match(value)
    if match:
        day, month, year = (int(part) for part in match.groups())
        try:
            return date(year, month, day)
        except ValueError:
            pass
    errors[name] = BAD_DATE
    return None


class Links:
    """Addresses of this report with its current filters: sorted by a column, another page,
    the CSV export."""

    def __init__(self, path: str, haku: Haku) -> None:
        self.path = path
        self.order = haku.order
        params: dict[str, str] = {}
        if haku.organisaatio_oid:
            params["organisaatio"] = haku.organisaatio_oid
        for name in _FILTERS[haku.raportti]:
            if haku.values.get(name):
                params[name] = haku.values[name]
        if haku.sorted_by_request:
            key, desc = haku.order
            params["jarjestys"] = key
            params["suunta"] = "laskeva" if desc else "nouseva"
        if haku.koko != DEFAULT_PAGE_SIZE:
            params["koko"] = str(haku.koko)
        self.params = params

    def url(self, path: str | None = None, **changes: str | int | None) -> str:
        params = {**self.params, **{k: str(v) for k, v in changes.items() if v is not None}}
        for name, value in changes.items():
            if value is None:
                params.pop(name, None)
        query = urlencode(params)
        return (path or self.path) + (f"?{query}" if query else "")

    def sort(self, key: str) -> str:
        """Sorted by ``key``: ascending first, the other way when it is already so sorted;
        back on the first page."""
        current, desc = self.order
        ascending = current != key or desc
        return self.url(jarjestys=key, suunta="nouseva" if ascending else "laskeva")

    def page(self, sivu: int) -> str:
        return self.url(sivu=sivu if sivu > 1 else None)

    def csv(self) -> str:
        return self.url(f"{self.path}/csv")


_FILTERS: dict[Raportti, tuple[str, ...]] = {
    "puuttuvat-opiskeluoikeudet": ("tila",),
    "tyopaikkajaksot": ("alku", "loppu"),
    "ilman-tyopaikkajaksoa": ("rajaus", "alku", "loppu"),
    "yhteenveto": ("rajaus", "alku", "loppu"),
}


def page_numbers(sivu: int, sivuja: int) -> list[int | None]:
    """The page links to offer: the first and last page and two on each side of the current
    one; None where pages are left out."""
    shown = sorted({1, sivuja, *range(max(1, sivu - 2), min(sivuja, sivu + 2) + 1)})
    numbers: list[int | None] = []
    for number in shown:
        if numbers and number - (numbers[-1] or 0) > 1:
            numbers.append(None)
        numbers.append(number)
    return numbers
