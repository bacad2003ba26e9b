"""Workplace pages: the e-mail login (ask for a link, have a one-time code sent, type it in),
and what a logged-in workplace instructor, assessor or share recipient may see
(``/ehoks/tyopaikka/osat``).

The login link goes only to an address recorded in a HOKS (or a share), never to one a visitor
merely typed: the request page answers the same whether or not the address is known, so it
cannot be used to find out who is named in which plan. The login errors' own texts
(``EhoksError.detail``) are for the API and the logs; a page says what happened and what to do
next through the catalogue (``_LINK_PROBLEMS``, ``_code_error``).

Three POSTs answer with the page itself, as the original pages did, rather than redirecting:
the address request ("check your mail", the same for every address), the code request (the
code form) and a wrong code (the form again, 400). Each page's language links point to a GET
twin that shows the same page without sending anything again.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from ehoks.access.actor import EmailActor
from ehoks.auth import email_login
from ehoks.auth.email_errors import (
    CodeExpired,
    LinkExpired,
    LinkNotFound,
    LinkUsed,
    NoCodeSent,
    TooManyAttempts,
    TooManyCodes,
)
from ehoks.auth.email_login import ChallengeInfo, Rejection
from ehoks.auth.people import CurrentSession, EmailUser, EmailUserContext
from ehoks.auth.routes import start_session
from ehoks.context.request import Context, State, source_address
from ehoks.errors import EhoksError
from ehoks.kernel.clock import now_utc
from ehoks.mail.errors import InvalidEmailAddress
from ehoks.ratelimit.service import Check
from ehoks.tyopaikka import service
from ehoks.web import i18n
from ehoks.web.hoksview import opinto_from_index
from ehoks.web.i18n import N_
from ehoks.web.render import check_form_csrf, language_of, page
from ehoks.web.routes.jako import REQUEST_PATH, SHARE_PAGE, grounds, hoks_view

router = APIRouter(include_in_schema=False)

SENT_PATH = "/ehoks/tyopaikka/lahetetty"
HOME = "/ehoks/tyopaikka/osat"
LINK_BASE = "/ehoks/sahkoposti"
# At most one link per address in this time: the form is open to anyone.
RESEND_MINUTES = 5
# The return path rides in the challenge's target column (its width).
MAX_RETURN_LENGTH = 64

Token = Annotated[str, PathParam(max_length=email_login.MAX_TOKEN_LENGTH)]

# A link that cannot be used any more: (heading, what happened, what to do next).
_LINK_PROBLEMS: dict[type[EhoksError], tuple[str, str, str]] = {
    LinkNotFound: (
        N_("Kirjautumislinkki ei kelpaa"),
        N_(
            "Linkkiä ei tunnistettu. Se on voinut katketa sähköpostiohjelmassa, tai se on "
            "poistettu vanhentuneena."
        ),
        N_("Avaa koko linkki sähköpostista tai pyydä uusi kirjautumislinkki."),
    ),
    LinkExpired: (
        N_("Kirjautumislinkki on vanhentunut"),
        N_("Kirjautumislinkki on voimassa rajoitetun ajan, eikä tämä linkki enää toimi."),
        N_("Pyydä uusi kirjautumislinkki. Se lähetetään samaan sähköpostiosoitteeseen."),
    ),
    LinkUsed: (
        N_("Kirjautumislinkki on jo käytetty"),
        N_("Kullakin kirjautumislinkillä voi kirjautua vain kerran."),
        N_("Jos haluat kirjautua uudelleen, pyydä uusi kirjautumislinkki."),
    ),
    TooManyAttempts: (
        N_("Liian monta väärää koodia"),
        N_(
            "Koodi kirjoitettiin väärin liian monta kertaa, joten tämä kirjautumislinkki "
            "lukittiin turvallisuussyistä."
        ),
        N_("Pyydä uusi kirjautumislinkki ja kirjaudu sen mukana tulevalla koodilla."),
    ),
    TooManyCodes: (
        N_("Koodeja on lähetetty enimmäismäärä"),
        N_("Tällä kirjautumislinkillä ei voi pyytää enempää koodeja."),
        N_("Käytä viimeksi saamaasi koodia tai pyydä uusi kirjautumislinkki."),
    ),
}
NEW_LINK = N_("Pyydä uusi kirjautumislinkki")
TO_MY_PAGE = N_("Siirry sinulle näytettäviin tietoihin")


# Asking for a link.


@router.get(REQUEST_PATH, response_class=HTMLResponse)
def request_link_page(
    request: Request, paluu: Annotated[str | None, Query(max_length=2000)] = None
) -> HTMLResponse:
    return page(request, "tyopaikka/request_link.html", {"paluu": safe_return(paluu)})


@router.post(REQUEST_PATH, response_class=HTMLResponse)
def request_link(
    request: Request,
    state: State,
    ctx: Context,
    sahkoposti: Annotated[str, Form(max_length=2000)] = "",
    paluu: Annotated[str | None, Form(max_length=2000)] = None,
    csrf_token: Annotated[str, Form()] = "",
) -> HTMLResponse:
    check_form_csrf(request, csrf_token)
    typed = sahkoposti.strip()
    try:
        address = email_login.normalise_address(typed) if typed else None
    except InvalidEmailAddress:
        address = None
    limit_link_requests(request, state, address)
    if address is None:
        error = (
            N_("Kirjoita sähköpostiosoite.")
            if not typed
            else N_("Kirjoita sähköpostiosoite muodossa nimi@esimerkki.fi.")
        )
        context = {
            "errors": {"sahkoposti": error},
            "sahkoposti": typed,
            "paluu": safe_return(paluu),
        }
        return page(request, "tyopaikka/request_link.html", context, status_code=400)
    now = now_utc()
    # The same statements, the same page and no mail server for every address: whether a
    # mail goes out is not the visitor's to know, from the answer or from its time.

    def send(session: Session) -> None:
        known = service.is_known_address(session, address)
        recent = email_login.recently_sent(
            session, address, "tyopaikka", now=now, minutes=RESEND_MINUTES
        )
        email_login.start(
            session,
            sahkoposti=address,
            purpose="tyopaikka",
            target=_return_target(paluu),
            link_base_url=f"{state.settings.public_url}{LINK_BASE}",
            settings=state.settings.email_login,
            now=now,
            deliver=known and not recent,
        )

    ctx.write(send)
    return _sent_page(request, state, language_path=SENT_PATH)


@router.get(SENT_PATH, response_class=HTMLResponse)
def sent_page(request: Request, state: State) -> HTMLResponse:
    return _sent_page(request, state, language_path=None)


def _sent_page(request: Request, state: State, *, language_path: str | None) -> HTMLResponse:
    context: dict[str, Any] = {
        "hours": state.settings.email_login.link_ttl_minutes // 60,
        "minutes": RESEND_MINUTES,
    }
    if language_path:
        context["language_links"] = links_to(language_path)
    return page(request, "tyopaikka/link_sent.html", context)


# The mailed link: have a code sent, then type it in.


@router.get(f"{LINK_BASE}/{{token}}", response_class=HTMLResponse)
def link_page(
    request: Request, state: State, ctx: Context, token: Token, logged_in: CurrentSession
) -> Response:
    try:
        with ctx.read() as session:
            info = email_login.describe(session, token, now=now_utc())
    except EhoksError as error:
        return link_problem(request, error, logged_in=logged_in is not None)
    return page(request, "tyopaikka/send_code.html", _code_context(state, info, token))


@router.post(f"{LINK_BASE}/{{token}}/koodi", response_class=HTMLResponse)
def send_code(
    request: Request,
    state: State,
    ctx: Context,
    token: Token,
    logged_in: CurrentSession,
    csrf_token: Annotated[str, Form()] = "",
) -> HTMLResponse:
    check_form_csrf(request, csrf_token)
    limits = state.settings.rate_limits
    try:

        def send(session: Session) -> email_login.ChallengeInfo:
            address = email_login.link_address(session, token, now=now_utc())
            # In the code's own transaction: a mail that could not be sent is not counted.
            state.limiter.hit_in(
                session,
                Check("email-code-per-source", limits.email_code_per_ip, source_address(request)),
                Check("email-code-per-recipient", limits.email_code_per_address, address),
            )
            email_login.send_code(
                session,
                token=token,
                settings=state.settings.email_login,
                now=now_utc(),
            )
            return email_login.describe(session, token, now=now_utc())

        info = ctx.write(send)
    except EhoksError as error:
        return link_problem(request, error, logged_in=logged_in is not None)
    return _code_page(request, state, info, token)


@router.get(f"{LINK_BASE}/{{token}}/koodi", response_class=HTMLResponse)
def code_page(
    request: Request, state: State, ctx: Context, token: Token, logged_in: CurrentSession
) -> Response:
    try:
        with ctx.read() as session:
            info = email_login.describe(session, token, now=now_utc())
    except EhoksError as error:
        return link_problem(request, error, logged_in=logged_in is not None)
    if not info.code_sent:
        return RedirectResponse(f"{LINK_BASE}/{quote(token)}", status_code=303)
    return _code_page(request, state, info, token)


@router.post(f"{LINK_BASE}/{{token}}")
def verify_code(
    request: Request,
    state: State,
    token: Token,
    logged_in: CurrentSession,
    ctx: Context,
    koodi: Annotated[str, Form(max_length=32)] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    check_form_csrf(request, csrf_token)
    settings = state.settings.email_login
    candidate = "".join(koodi.split())
    try:
        if not candidate:
            # Nothing typed cannot be right and costs no attempt.
            with ctx.read() as session:
                info = email_login.describe(session, token, now=now_utc())
            return _code_page(request, state, info, token, error=N_("Kirjoita koodi."), status=400)
        # The attempt count is committed before a wrong code is reported, or the limit on
        # guesses would roll back with the error.
        result = ctx.write(
            lambda session: email_login.verify(
                session, token=token, code=candidate, settings=settings, now=now_utc()
            )
        )
        if isinstance(result, Rejection):
            if isinstance(result.error, TooManyAttempts):
                return link_problem(request, result.error, logged_in=False)
            with ctx.read() as session:
                info = email_login.describe(session, token, now=now_utc())
            return _code_page(
                request,
                state,
                info,
                token,
                error=_code_error(candidate, settings.code_length),
                params={"count": result.attempts_left, "digits": settings.code_length},
                typed=koodi,
                status=result.error.status_code,
            )
    except (CodeExpired, NoCodeSent) as error:
        with ctx.read() as session:
            info = email_login.describe(session, token, now=now_utc())
        message = (
            N_("Koodi on vanhentunut. Pyydä uusi koodi alla olevalla painikkeella.")
            if isinstance(error, CodeExpired)
            else N_("Koodia ei ole vielä lähetetty. Pyydä koodi alla olevalla painikkeella.")
        )
        return _code_page(request, state, info, token, error=message, status=error.status_code)
    except EhoksError as error:
        return link_problem(request, error, logged_in=logged_in is not None)
    return start_session(
        request,
        state,
        ctx,
        EmailActor(result.sahkoposti),
        login_ref=None,
        protocol="email-code",
        to=_landing(result.purpose, result.target),
    )


def limit_link_requests(request: Request, state: State, address: str | None) -> None:
    """Count a request for a login link against the limits per source address and, when the
    form held one, per e-mail address, known or not (so a 429 tells nothing of who is
    named where)."""
    limits = state.settings.rate_limits
    checks = [Check("email-link-per-source", limits.email_link_per_ip, source_address(request))]
    if address is not None:
        checks.append(Check("email-link-per-recipient", limits.email_link_per_address, address))
    state.limiter.hit(*checks)


def _code_error(candidate: str, length: int) -> str:
    if len(candidate) != length or not (candidate.isascii() and candidate.isdigit()):
        return N_(
            "Koodissa on %(digits)s numeroa. Kirjoita vain numerot. "
            "Yrityksiä jäljellä tällä koodilla: %(count)s."
        )
    return N_(
        "Koodi ei ole oikein. Tarkista koodi uusimmasta sähköpostista. "
        "Yrityksiä jäljellä tällä koodilla: %(count)s."
    )


def _code_context(state: State, info: ChallengeInfo, token: str) -> dict[str, Any]:
    return {
        "info": info,
        "token": token,
        "code_minutes": state.settings.email_login.code_ttl_minutes,
        "code_length": state.settings.email_login.code_length,
    }


def _code_page(
    request: Request,
    state: State,
    info: ChallengeInfo,
    token: str,
    *,
    error: str | None = None,
    params: dict[str, Any] | None = None,
    typed: str = "",
    status: int = 200,
) -> HTMLResponse:
    context = {
        **_code_context(state, info, token),
        "errors": {"koodi": error} if error else {},
        "params": params or {},
        "koodi": typed,
        # Switching language (or reloading) shows the code page again, sending nothing.
        "language_links": links_to(f"{LINK_BASE}/{quote(token)}/koodi"),
    }
    return page(request, "tyopaikka/enter_code.html", context, status_code=status)


def _landing(purpose: str, target: str | None) -> str:
    if purpose == "jako" and target:
        return SHARE_PAGE.format(jako_id=quote(target))
    return safe_return(target) or HOME


def link_problem(request: Request, error: EhoksError, *, logged_in: bool) -> HTMLResponse:
    """A login link that cannot be used, in words: what happened and what to do next. Errors
    that are not about the link (the mail server down, say) get the common error page."""
    found = _LINK_PROBLEMS.get(type(error))
    if found is None:
        raise error
    heading, message, more = found
    actions = [{"href": REQUEST_PATH, "text": NEW_LINK}]
    if logged_in and isinstance(error, LinkUsed):
        actions.insert(0, {"href": HOME, "text": TO_MY_PAGE})
    context = {"heading": heading, "message": message, "more": more, "actions": actions}
    return page(request, "tyopaikka/problem.html", context, status_code=error.status_code)


# Return paths and language links.


def safe_return(value: str | None) -> str | None:
    """Only a path of this service (never an open redirect to another site)."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return None


def _return_target(paluu: str | None) -> str | None:
    path = safe_return(paluu)
    return path if path and len(path) <= MAX_RETURN_LENGTH and path != HOME else None


def links_to(path: str) -> list[dict[str, str]]:
    """Language links to ``path`` (for a page answering a POST, whose own address would show
    another page)."""
    return [
        {"code": code, "name": i18n.LANGUAGE_NAMES[code], "url": f"{path}?lang={code}"}
        for code in i18n.LANGUAGES
    ]


# What the logged-in person may see.


@router.get(HOME, response_class=HTMLResponse)
def my_parts_page(
    request: Request, actor: EmailUser, ctx: EmailUserContext, state: State
) -> HTMLResponse:
    lang = language_of(request)
    with ctx.read() as session:
        found = service.my_parts_with_grounds(session, actor, ctx)
    hoksit = []
    names: dict[str, dict[str, str]] = {}
    for parts in found:
        row = parts.opiskeluoikeus
        # Each student under the name of the institution they study at: an instructor may
        # supervise students of several providers on this one page.
        opinto = (
            opinto_from_index(
                row, oppilaitos_nimi=_organisation_name(state, row.oppilaitos_oid, names)
            )
            if row is not None
            else None
        )
        view = hoks_view(state, parts.document, lang, opinto)
        hoksit.append(
            {
                "oppija_nimi": parts.oppija_nimi,
                "view": view,
                "whole": any(not disclosed for disclosed in parts.grants.consents.values()),
                "grounds": grounds(parts.grants, parts.jaot, view),
            }
        )
    return page(request, "tyopaikka/my_parts.html", {"hoksit": hoksit, "reader": "workplace"})


def _organisation_name(
    state: State, oid: str | None, known: dict[str, dict[str, str]]
) -> dict[str, str]:
    if oid is None:
        return {}
    if oid not in known:
        found = state.runtime.registries.organisaatio.get_organisaatio(oid)
        known[oid] = dict(found.nimi) if found is not None else {}
    return known[oid]
