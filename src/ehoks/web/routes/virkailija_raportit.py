"""The official's reports (Raportit, reference ehoks-ui 7.8, backend 5.6): the list of reports,
each report as a page (filters in the address, sorting by its columns, numbered pages on the
server) and as a CSV download with the page's rows.

A report covers the chosen organisation (or the ``organisaatio`` of the address) and the
organisations below it; ``ehoks.raportit.service`` refuses an organisation where the official
does not hold ``read`` (403 page) and audits every page and export. Helpers: the address and its
links in ``virkailija_raportit_haku``, the CSV columns in ``virkailija_raportit_sarakkeet``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse

from ehoks.access.actor import OfficialActor
from ehoks.auth.people import Official, OfficialContext
from ehoks.context import UseCase
from ehoks.context.request import AppState, State
from ehoks.errors import NotFound
from ehoks.raportit import csv
from ehoks.raportit import service as raportit
from ehoks.raportit.schemas import RAPORTIT, Raportti
from ehoks.web.i18n import N_
from ehoks.web.render import gettext, language_of, page
from ehoks.web.routes.virkailija_common import APP, official_context, organisation_name
from ehoks.web.routes.virkailija_raportit_haku import Haku, Links, page_numbers, parse
from ehoks.web.routes.virkailija_raportit_sarakkeet import (
    JARJESTYKSET,
    OSA_TYYPIT,
    TILA_PAATTYNYT,
    TILA_PUUTTUU,
    Muotoilu,
    cells,
    header,
)

router = APIRouter(include_in_schema=False)

BASE = f"{APP}/raportit"


@dataclass(frozen=True)
class Kuvaus:
    """What the list of reports and the report's page say of it."""

    title: str
    description: str
    template: str


KUVAUKSET: dict[Raportti, Kuvaus] = {
    "puuttuvat-opiskeluoikeudet": Kuvaus(
        N_("HOKSit, joiden opiskeluoikeus puuttuu tai on päättynyt"),
        N_(
            "HOKSit, joiden opiskeluoikeutta ei enää löydy Koski-palvelusta tai joiden "
            "opiskeluoikeuden arvioitu päättymispäivä on mennyt. Rajaa tilan mukaan."
        ),
        "virkailija/raportit/puuttuvat.html",
    ),
    "tyopaikkajaksot": Kuvaus(
        N_("Työpaikkajaksot ilman osa-aikaisuustietoa"),
        N_(
            "Työpaikkajaksot, joilta puuttuu osa-aikaisuustieto, työpaikan ja "
            "työpaikkaohjaajan tietoineen. Rajaa jaksot niiden päättymispäivän mukaan."
        ),
        "virkailija/raportit/tyopaikkajaksot.html",
    ),
    "ilman-tyopaikkajaksoa": Kuvaus(
        N_("HOKSit ilman työpaikkajaksoa"),
        N_(
            "HOKSit, joihin ei ole suunniteltu yhtään työpaikkajaksoa (koulutussopimus tai "
            "oppisopimus). Rajaa HOKSin ensimmäisen hyväksymisen tai opiskeluoikeuden "
            "alkamisen mukaan."
        ),
        "virkailija/raportit/ilman_tyopaikkajaksoa.html",
    ),
    "yhteenveto": Kuvaus(
        N_("Yhteenveto oppilaitoksittain ja tutkinnoittain"),
        N_(
            "HOKSien määrät oppilaitoksittain ja tutkinnoittain: kaikki, voimassa olevat, "
            "päättyneet, Koskesta puuttuvat ja ne, joissa on työpaikkajakso."
        ),
        "virkailija/raportit/yhteenveto.html",
    ),
}


@router.get(BASE, response_class=HTMLResponse)
def raportit_page(request: Request, actor: Official, state: State) -> HTMLResponse:
    context = official_context(
        request,
        state,
        actor,
        section="raportit",
        raportit=[(raportti, KUVAUKSET[raportti]) for raportti in RAPORTIT],
        base=BASE,
    )
    return page(request, "virkailija/raportit/index.html", context)


@router.get(BASE + "/{raportti}", response_class=HTMLResponse)
def raportti_page(
    request: Request, raportti: str, actor: Official, ctx: OfficialContext, state: State
) -> HTMLResponse:
    haku = parse(request, state, actor, _known(raportti))
    context = _context(request, state, actor, haku)
    if haku.query is None:
        status = 400 if haku.errors else 200
        return page(request, context["kuvaus"].template, context, status_code=status)
    with ctx.read() as session:
        result = raportit.report_page(
            session, actor, ctx, haku.query, sivu=haku.sivu, koko=haku.koko
        )
    context.update(result=result, pages=page_numbers(result.sivu, result.sivuja))
    return page(request, context["kuvaus"].template, context)


@router.get(BASE + "/{raportti}/csv", response_model=None)
def raportti_csv(
    request: Request, raportti: str, actor: Official, ctx: OfficialContext, state: State
) -> Response:
    """The report's every row (with the page's filters and order) as a streamed CSV file."""
    haku = parse(request, state, actor, _known(raportti))
    if haku.query is None:
        # Nothing to export: the page says why (no organisation chosen, or a filter's error).
        context = _context(request, state, actor, haku)
        return page(request, context["kuvaus"].template, context, status_code=400)
    with ctx.read() as session:
        export = raportit.start_export(session, actor, ctx, haku.query)
    muotoilu = Muotoilu(
        language_of(request), lambda message: gettext(request, message), export.nimet
    )
    filename = f"ehoks-{haku.raportti}-{export.today.isoformat()}.csv"
    return StreamingResponse(
        csv.chunks(header(haku.raportti, muotoilu), _batches(ctx, export, muotoilu)),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


def _batches(
    ctx: UseCase, export: raportit.Export, muotoilu: Muotoilu
) -> Iterator[list[list[csv.Cell]]]:
    """Rows a batch at a time, read in a transaction of their own once the response starts
    (the export was authorised and audited before it)."""
    with ctx.read() as session:
        for rows in raportit.export_rows(session, export):
            yield cells(export.query.raportti, rows, muotoilu)


def _known(raportti: str) -> Raportti:
    if raportti not in RAPORTIT:
        raise NotFound(f"No report {raportti!r}")
    return raportti


def _context(request: Request, state: AppState, actor: OfficialActor, haku: Haku) -> dict[str, Any]:
    path = f"{BASE}/{haku.raportti}"
    return official_context(
        request,
        state,
        actor,
        section="raportit",
        raportti=haku.raportti,
        kuvaus=KUVAUKSET[haku.raportti],
        haku=haku,
        links=Links(path, haku),
        organisaatio_nimi=(
            organisation_name(state, haku.organisaatio_oid, language_of(request))
            if haku.organisaatio_oid
            else None
        ),
        errors={name: gettext(request, message) for name, message in haku.errors.items()},
        result=None,
        page_sizes=raportit.PAGE_SIZES,
        jarjestykset=JARJESTYKSET[haku.raportti],
        osa_tyypit=OSA_TYYPIT,
        tila_puuttuu=TILA_PUUTTUU,
        tila_paattynyt=TILA_PAATTYNYT,
    )
