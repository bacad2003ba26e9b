"""The share recipient's page, ``/ehoks/jako/{id}`` (a share link or a consent).

Before login it explains what the page is and offers to mail a new login link, always to the
share's own recipient (the address shown masked). After login by e-mail it shows the student,
the qualification, the validity window and exactly the shared parts, rendered like the
student's own pages from the scoped document. A share that cannot be opened is a page of its
own, with its status code, saying why and what to do next (``_PROBLEMS``).
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from ehoks.access.policy import EmailGrants
from ehoks.auth.email_login import mask_address
from ehoks.auth.people import CurrentSession
from ehoks.context.request import Context, State, source_address
from ehoks.enrichment.service import enrich
from ehoks.errors import EhoksError, Forbidden
from ehoks.kernel.clock import today_in_finland
from ehoks.ratelimit.service import Check
from ehoks.sharing import errors, service
from ehoks.sharing.models import Jako
from ehoks.sharing.schemas import JAKOLINKKI
from ehoks.web.hoksview import HoksView, Opinto, build
from ehoks.web.hoksview.model import Demonstration, Period, PriorUnit, Unit
from ehoks.web.i18n import N_, format_day
from ehoks.web.render import check_form_csrf, language_of, page

router = APIRouter(include_in_schema=False)

SHARE_PAGE = "/ehoks/jako/{jako_id}"
REQUEST_PATH = "/ehoks/tyopaikka"  # the e-mail login (``web.routes.tyopaikka``)
LOGIN_LINK = "/ehoks/jako/{jako_id}/kirjautumislinkki"
JakoId = Annotated[str, PathParam(max_length=64, description="Share or consent id (UUID)")]

# What a share shows, as the page's heading and as the sentence with its window.
_WHAT = {
    "osaamisenhankkiminen": (
        N_("Työpaikalla oppimisen tiedot"),
        N_("Työpaikalla oppimisen tiedot on jaettu sinulle %(alku)s–%(loppu)s."),
    ),
    "osaamisenosoittaminen": (
        N_("Näytön tiedot"),
        N_("Näytön tiedot on jaettu sinulle %(alku)s–%(loppu)s."),
    ),
    "tutkinnonosa": (
        N_("Tutkinnon osan tiedot"),
        N_("Tutkinnon osan tiedot on jaettu sinulle %(alku)s–%(loppu)s."),
    ),
    "suostumus": (
        N_("Suostumuksella jaetut tiedot"),
        N_(
            "Opiskelija on antanut suostumuksen tietojen luovuttamiseen sinulle %(alku)s–%(loppu)s."
        ),
    ),
}

# A share that cannot be opened: (heading, what happened, what to do next).
_PROBLEMS: dict[type[EhoksError], tuple[str, str, str]] = {
    errors.JakoNotFound: (
        N_("Jakoa ei löydy"),
        N_(
            "Tarkista, että avasit koko linkin sähköpostista. Opiskelija on voinut myös "
            "poistaa jaon."
        ),
        N_("Jos tarvitset tietoja, pyydä opiskelijaa jakamaan ne sinulle uudelleen."),
    ),
    errors.Revoked: (
        N_("Jako on peruttu"),
        N_("Opiskelija on perunut tietojensa jakamisen sinulle."),
        N_("Jos tarvitset tietoja edelleen, ota yhteyttä opiskelijaan."),
    ),
    errors.SharedPartGone: (
        N_("Jaettua osaa ei enää ole"),
        N_("Opiskelijan suunnitelmaa on muutettu, eikä siinä enää ole sinulle jaettua osaa."),
        N_("Pyydä opiskelijaa jakamaan ajantasaiset tiedot sinulle uudelleen."),
    ),
    errors.OtherRecipient: (
        N_("Jako on lähetetty toiseen osoitteeseen"),
        N_("Olet kirjautunut eri sähköpostiosoitteella kuin se, johon jako lähetettiin."),
        N_("Kirjaudu ulos ja avaa jaosta tulleen sähköpostin linkki."),
    ),
    errors.LinkRecentlySent: (
        N_("Linkki lähetettiin juuri"),
        N_("Kirjautumislinkki lähetettiin jaon vastaanottajalle hetki sitten."),
        N_(
            "Tarkista sähköpostisi, myös roskapostikansio. Voit pyytää uuden linkin "
            "%(minutes)s minuutin kuluttua."
        ),
    ),
    errors.NotYetActive: (
        N_("Jako ei ole vielä voimassa"),
        N_("Jaetut tiedot ovat nähtävissä %(day)s alkaen."),
        N_("Avaa tämä sivu uudelleen silloin."),
    ),
    errors.Expired: (
        N_("Jako on päättynyt"),
        N_("Jaetut tiedot olivat nähtävissä %(day)s asti."),
        N_("Pyydä opiskelijalta uusi jako, jos tarvitset tietoja edelleen."),
    ),
    # Logged in, but not by e-mail (a student, an official): the page is not theirs.
    Forbidden: (
        N_("Sivu on jaon vastaanottajalle"),
        N_(
            "Jaetut tiedot näkee vain se, jolle ne jaettiin, kirjautumalla sähköpostiin "
            "lähetetyllä linkillä."
        ),
        N_("Jos olet jaon vastaanottaja, kirjaudu ulos ja avaa jaosta tulleen sähköpostin linkki."),
    ),
}
LOG_IN_AGAIN = N_("Pyydä kirjautumislinkki sähköpostiin")


@router.get(SHARE_PAGE, response_class=HTMLResponse)
def share_page(
    request: Request, jako_id: JakoId, state: State, logged_in: CurrentSession, ctx: Context
) -> HTMLResponse:
    try:
        with ctx.read() as session:
            if logged_in is None:
                jako = service.peek(session, jako_id)
                login = {"jako_id": jako.id, "osoite": mask_address(jako.vastaanottaja_sahkoposti)}
                return page(request, "jako/jako_login.html", login)
            opened = service.open_jako(session, logged_in.actor, jako_id, ctx)
    except EhoksError as error:
        return _problem(request, error, jako_id)
    jako, data = opened.jako, opened.data
    names = Opinto(
        tutkinto_nimi=data.get("tutkinto-nimi") or {},
        osaamisala_nimi=data.get("osaamisala-nimi") or {},
    )
    heading, sentence = _WHAT[jako.kohde_tyyppi or "suostumus"]
    context: dict[str, Any] = {
        "jako": jako,
        "is_share": jako.laji == JAKOLINKKI,
        "oppija_nimi": data.get("oppija-nimi"),
        "heading": heading,
        "sentence": sentence,
        "whole": bool(data.get("koko-hoks")),
        "view": hoks_view(state, opened.document, language_of(request), names),
    }
    return page(request, "jako/jako.html", {**context, "reader": "workplace"})


@router.post(LOGIN_LINK, response_class=HTMLResponse)
def send_login_link(
    request: Request,
    jako_id: JakoId,
    state: State,
    ctx: Context,
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    check_form_csrf(request, csrf_token)
    limits = state.settings.rate_limits
    # Not an access to personal data: nothing is audited (the service records the mail).
    try:

        def send(session: Session) -> None:
            address = service.peek(session, jako_id).vastaanottaja_sahkoposti
            state.limiter.hit_in(
                session,
                Check("email-link-per-source", limits.email_link_per_ip, source_address(request)),
                Check("email-link-per-recipient", limits.email_link_per_address, address),
            )
            service.send_login_link(session, jako_id, ctx)

        ctx.write(send)
    except EhoksError as error:
        return _problem(request, error, jako_id)
    # To a page of its own, so a reload does not ask to send again.
    return RedirectResponse(LOGIN_LINK.format(jako_id=quote(jako_id)), status_code=303)


@router.get(LOGIN_LINK, response_class=HTMLResponse)
def login_link_sent(request: Request, jako_id: JakoId, ctx: Context) -> HTMLResponse:
    try:
        with ctx.read() as session:
            jako = service.peek(session, jako_id)
    except EhoksError as error:
        return _problem(request, error, jako_id)
    context = {"jako_id": jako.id, "osoite": mask_address(jako.vastaanottaja_sahkoposti)}
    return page(request, "jako/link_sent.html", context)


def _problem(request: Request, error: EhoksError, jako_id: str) -> HTMLResponse:
    """The page of a share that cannot be opened; other errors get the common error page."""
    found = _PROBLEMS.get(type(error))
    if found is None and isinstance(error, Forbidden):
        found = _PROBLEMS[Forbidden]
    if found is None:
        raise error
    heading, message, more = found
    lang = language_of(request)
    params: dict[str, Any] = {}
    if isinstance(error, errors.NotYetActive) and error.alku is not None:
        params["day"] = format_day(error.alku, lang)
    elif isinstance(error, errors.Expired) and error.loppu is not None:
        params["day"] = format_day(error.loppu, lang)
    elif isinstance(error, errors.LinkRecentlySent):
        params["minutes"] = service.RESEND_INTERVAL_MINUTES
    actions = []
    if isinstance(error, Forbidden):
        # Logged in as someone else: a login link to the recipient's address leads back here.
        back = quote(SHARE_PAGE.format(jako_id=quote(jako_id)), safe="")
        actions.append({"href": f"{REQUEST_PATH}?paluu={back}", "text": LOG_IN_AGAIN})
    context = {
        "heading": heading,
        "message": message,
        "more": more,
        "params": params,
        "actions": actions,
    }
    return page(request, "tyopaikka/problem.html", context, status_code=error.status_code)


def grounds(grants: EmailGrants, jaot: tuple[Jako, ...], view: HoksView) -> list[dict[str, Any]]:
    """Why the page shows each part, as the template words it: the periods the address is the
    responsible instructor of, the demonstrations it assesses, and each share or consent with
    the parts it discloses (none listed: the whole plan)."""
    found: list[dict[str, Any]] = []
    for unit in view.units:
        for period in unit.periods:
            if period.module_id in grants.instructor:
                found.append({"kind": "instructor", "parts": [_part(unit, period=period)]})
        for naytto in unit.demonstrations:
            if naytto.module_id in grants.assessor:
                found.append({"kind": "assessor", "parts": [_part(unit, demonstration=naytto)]})
    for jako in jaot:
        parts = [part for module_id in jako.module_ids if (part := _find(view, module_id))]
        kind = "share" if jako.laji == "jakolinkki" else "consent"
        found.append({"kind": kind, "parts": parts, "jako": jako})
    return found


def _part(
    unit: Unit | PriorUnit,
    *,
    period: Period | None = None,
    demonstration: Demonstration | None = None,
) -> dict[str, Any]:
    return {"unit": unit, "period": period, "demonstration": demonstration}


def _find(view: HoksView, module_id: str) -> dict[str, Any] | None:
    for unit in view.units:
        if unit.module_id == module_id:
            return _part(unit)
        for period in unit.periods:
            if period.module_id == module_id:
                return _part(unit, period=period)
        for naytto in unit.demonstrations:
            if naytto.module_id == module_id:
                return _part(unit, demonstration=naytto)
    for prior in view.prior:
        if prior.module_id == module_id:
            return _part(prior)
    return None


# Helpers of both pages: a scoped document as the model, and why each part is shown.


def hoks_view(state: State, document: dict[str, Any], lang: str, opinto: Opinto | None) -> HoksView:
    """The presentation model of a scoped document, named in the page's language."""
    enriched = enrich(document, state.runtime.registries, kieli=lang)
    return build(document, enriched, today=today_in_finland(), opiskeluoikeus=opinto)


# The original workplace app's addresses (share links in mails sent by the original).


@router.get("/ehoks-tyopaikantoimija-ui/{jako_id}")
def original_share_link(
    jako_id: Annotated[str, PathParam(max_length=64)],
) -> RedirectResponse:
    return RedirectResponse(SHARE_PAGE.format(jako_id=quote(jako_id)), status_code=303)


@router.get("/ehoks-tyopaikantoimija-ui/")
@router.get("/ehoks-tyopaikantoimija-ui")
def original_app() -> RedirectResponse:
    return RedirectResponse(REQUEST_PATH, status_code=303)
