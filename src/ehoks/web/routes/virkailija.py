"""The official's start: the organisation picker and the student list, at the existing official
app's addresses (``/ehoks-virkailija-ui/``, ``…/koulutuksenjarjestaja/{oid}``).

The list is one GET form, so its terms, filter, order and page live in the address: the back
button and links back to the list return to the same page. Its rows come from
``ehoks.virkailija.search`` in one SQL statement per page, audited as a search.
"""

from __future__ import annotations

from typing import Annotated, Any, cast
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ehoks.auth.people import Official, OfficialContext
from ehoks.context.request import State
from ehoks.errors import BadRequest
from ehoks.kernel.clock import today_in_finland
from ehoks.kernel.oids import is_oppija_oid
from ehoks.virkailija import search
from ehoks.virkailija.search import PAGE_SIZES, Ehdot
from ehoks.virkailija.terms import Jarjestys, Tila
from ehoks.web.i18n import N_
from ehoks.web.render import language_of, page
from ehoks.web.routes.virkailija_common import (
    APP,
    choosable,
    chosen_organisation,
    official_context,
    organisation_groups,
    organisation_search,
    remember_organisation,
)

router = APIRouter(include_in_schema=False)

PICKER = f"{APP}/organisaatio"
LIST = f"{APP}/"
TILAT = ("kaikki", "voimassa", "paattynyt", "poistettu")
TILA_LABELS = {
    "kaikki": N_("Voimassa olevat ja päättyneet"),
    "voimassa": N_("Voimassa olevat"),
    "paattynyt": N_("Päättyneet"),
    "poistettu": N_("Poistetut"),
}
# The list's columns: (sort key, heading).
COLUMNS = (
    ("nimi", N_("Opiskelijan nimi")),
    ("tutkinto", N_("Tutkinto tai koulutus")),
    ("osaamisala", N_("Osaamisala")),
    ("hoks", N_("eHOKS-id")),
    ("hyvaksytty", N_("Ensikertainen hyväksyminen")),
    ("paivitetty", N_("Päivitetty")),
    ("lkm", N_("HOKSeja")),
)
SORT_KEYS = tuple(key for key, _ in COLUMNS)
TEXT_LIMIT = 200


def _see_other(to: str) -> RedirectResponse:
    return RedirectResponse(to, status_code=303)


@router.get(LIST, response_class=HTMLResponse)
def students(request: Request, actor: Official, ctx: OfficialContext, state: State) -> Response:
    """The student list of the chosen organisation and the institutions below it; the picker
    when none is chosen yet."""
    organisation = chosen_organisation(request, state, actor)
    if organisation is None:
        return _see_other(PICKER)
    ehdot, errors = parse_terms(request)
    sivu = None
    if not errors:
        with ctx.read() as session:
            sivu = search.search(
                session,
                actor,
                ctx,
                organisaatio_oid=organisation.oid,
                ehdot=ehdot,
                locale=language_of(request),
                today=today_in_finland(),
            )
    context = official_context(
        request,
        state,
        actor,
        organisation=organisation,
        section="opiskelijat",
        ehdot=ehdot,
        form=_form_values(request),
        errors=errors,
        sivu=sivu,
        headers=_headers(ehdot),
        pages=_pages(ehdot, sivu) if sivu else [],
        previous_url=_url(ehdot, sivu=ehdot.sivu - 1) if sivu and ehdot.sivu > 1 else None,
        next_url=_url(ehdot, sivu=ehdot.sivu + 1) if sivu and sivu.lisaa else None,
        tilat=[(t, TILA_LABELS[t]) for t in TILAT if t != "poistettu" or actor.superuser],
        page_sizes=PAGE_SIZES,
        student_path=f"{APP}/oppija/",
        # A learner who has no plan here yet is not in the list, but may be the organisation's
        # student with plans made elsewhere (§ 109 a ¶1): their page decides.
        oid_term=ehdot.nimi.strip() if is_oppija_oid(ehdot.nimi.strip()) else None,
    )
    return page(request, "virkailija/opiskelijat.html", context, status_code=400 if errors else 200)


@router.get(f"{APP}/koulutuksenjarjestaja", response_class=HTMLResponse)
def provider_list(request: Request, actor: Official) -> Response:
    """The original app's address of the list (it redirected to the chosen organisation's)."""
    query = request.url.query
    return _see_other(LIST + (f"?{query}" if query else ""))


@router.get(f"{APP}/koulutuksenjarjestaja/{{organisaatio_oid}}", response_class=HTMLResponse)
def provider_list_of(
    request: Request, organisaatio_oid: str, actor: Official, state: State
) -> Response:
    """The original app's address of one organisation's list: choose it, then show the list."""
    choosable(state, actor, organisaatio_oid)
    query = request.url.query
    response = _see_other(LIST + (f"?{query}" if query else ""))
    remember_organisation(response, state, organisaatio_oid)
    return response


@router.get(PICKER, response_class=HTMLResponse)
def picker(
    request: Request,
    actor: Official,
    state: State,
    ctx: OfficialContext,
    haku: Annotated[str, Query(max_length=TEXT_LIMIT)] = "",
) -> HTMLResponse:
    """Every organisation where the official may read, with the institutions below it; OPH super
    users also search any organisation by name or OID."""
    with ctx.read() as session:
        groups = organisation_groups(request, state, actor, session)
        found = (
            organisation_search(request, state, actor, session, haku)
            if haku.strip() and actor.superuser
            else None
        )
    context = official_context(
        request, state, actor, section="organisaatio", groups=groups, haku=haku, found=found
    )
    return page(request, "virkailija/organisaatio.html", context)


@router.post(PICKER, response_class=HTMLResponse)
def choose(
    actor: Official,
    state: State,
    organisaatio: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    """Remember the chosen organisation (re-checked here: the form's list is no proof)."""
    if not organisaatio:
        raise BadRequest("Choose an organisation")
    choosable(state, actor, organisaatio)
    response = _see_other(LIST)
    remember_organisation(response, state, organisaatio)
    return response


# The list's terms, order and page, from and back into the address.


def parse_terms(request: Request) -> tuple[Ehdot, dict[str, str]]:
    """The list's GET parameters; what cannot be understood falls back to the default, except
    a HOKS id that is not a number, which the form shows as an error."""
    params = request.query_params
    errors: dict[str, str] = {}
    hoks_raw = params.get("hoks", "").strip()
    hoks_id = None
    if hoks_raw:
        if hoks_raw.isdigit() and len(hoks_raw) <= 9:
            hoks_id = int(hoks_raw)
        else:
            errors["hoks"] = N_("eHOKS-id on numero, esimerkiksi 12345.")
    tila = params.get("tila", "kaikki")
    jarjestys = params.get("jarjestys", "nimi")
    koko = _number(params.get("koko"), search.DEFAULT_PAGE_SIZE)
    ehdot = Ehdot(
        nimi=params.get("nimi", "")[:TEXT_LIMIT],
        tutkinto=params.get("tutkinto", "")[:TEXT_LIMIT],
        osaamisala=params.get("osaamisala", "")[:TEXT_LIMIT],
        hoks_id=hoks_id,
        tila=cast("Tila", tila) if tila in TILAT else "kaikki",
        jarjestys=cast("Jarjestys", jarjestys) if jarjestys in SORT_KEYS else "nimi",
        laskeva=params.get("suunta") == "laskeva",
        sivu=max(1, _number(params.get("sivu"), 1)),
        koko=koko if koko in PAGE_SIZES else search.DEFAULT_PAGE_SIZE,
    )
    return ehdot, errors


def _number(value: str | None, default: int) -> int:
    return int(value) if value and value.isdigit() and len(value) <= 6 else default


def _form_values(request: Request) -> dict[str, str]:
    """What was typed, shown back as typed (also when it was not understood)."""
    params = request.query_params
    return {k: params.get(k, "")[:TEXT_LIMIT] for k in ("nimi", "tutkinto", "osaamisala", "hoks")}


def _params(ehdot: Ehdot, **changes: Any) -> list[tuple[str, str]]:
    values = {
        "nimi": ehdot.nimi,
        "tutkinto": ehdot.tutkinto,
        "osaamisala": ehdot.osaamisala,
        "hoks": "" if ehdot.hoks_id is None else str(ehdot.hoks_id),
        "tila": "" if ehdot.tila == "kaikki" else ehdot.tila,
        "jarjestys": "" if ehdot.jarjestys == "nimi" else ehdot.jarjestys,
        "suunta": "laskeva" if ehdot.laskeva else "",
        "koko": "" if ehdot.koko == search.DEFAULT_PAGE_SIZE else str(ehdot.koko),
        "sivu": "" if ehdot.sivu == 1 else str(ehdot.sivu),
    }
    for key, value in changes.items():
        values[key] = str(value)
    defaults = {"jarjestys": "nimi", "sivu": "1", "tila": "kaikki"}
    return [(k, v) for k, v in values.items() if v and defaults.get(k) != v]


def _url(ehdot: Ehdot, **changes: Any) -> str:
    query = urlencode(_params(ehdot, **changes))
    return LIST + (f"?{query}" if query else "")


def _headers(ehdot: Ehdot) -> list[dict[str, Any]]:
    """Each column's heading with a link that sorts by it (again: the other way round)."""
    headers = []
    for key, label in COLUMNS:
        current = ehdot.jarjestys == key
        descending_next = current and not ehdot.laskeva
        headers.append(
            {
                "key": key,
                "label": label,
                "url": _url(
                    ehdot, jarjestys=key, suunta="laskeva" if descending_next else "", sivu=1
                ),
                "sort": ("descending" if ehdot.laskeva else "ascending") if current else None,
            }
        )
    return headers


def _pages(ehdot: Ehdot, sivu: search.Sivu) -> list[dict[str, Any]]:
    """Numbered pages: the first, the last and two either side of the current one, with gaps
    marked (None). Over the count's cap the last one known, then a gap."""
    last = sivu.sivuja
    shown = sorted({1, last, *range(max(1, ehdot.sivu - 2), min(last, ehdot.sivu + 2) + 1)})
    items: list[dict[str, Any]] = []
    previous = 0
    for number in shown:
        if number - previous > 1:
            items.append({"gap": True})
        items.append(
            {"number": number, "url": _url(ehdot, sivu=number), "current": number == ehdot.sivu}
        )
        previous = number
    if sivu.rajattu and sivu.lisaa:
        # More pages follow the last one known (the count stops at the cap).
        items.append({"gap": True})
    return items
