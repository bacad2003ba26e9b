"""E-mail login pages (link, then a one-time code to the same address) and the workplace
actor's own parts, as a page and as JSON.

The login link goes only to an address recorded in a HOKS (or a share), never to one a visitor
merely typed: the request page answers the same whether or not the address is known, so it
cannot be used to find out who is named in which plan.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from ehoks.access.actor import EmailActor, normalise_email
from ehoks.api.deps import EmailUser, State, Trail
from ehoks.api.responses import OrjsonResponse, envelope
from ehoks.auth import email_login
from ehoks.auth.email_login import Rejection
from ehoks.auth.routes import start_session
from ehoks.errors import EhoksError
from ehoks.hoks.service.common import now_utc
from ehoks.tyopaikka import service
from ehoks.web.render import check_form_csrf, page

router = APIRouter(tags=["tyopaikka"])
LINK_BASE = "/ehoks/sahkoposti"
# At most one link per address in this time: the form is open to anyone.
RESEND_MINUTES = 5


def _error_page(request: Request, error: EhoksError) -> HTMLResponse:
    return page(
        request,
        "message.html",
        {
            "heading": "Kirjautuminen ei onnistunut",
            "message": error.detail,
            "kind": "error",
            "link": "/ehoks/tyopaikka",
            "link_text": "Pyydä uusi kirjautumislinkki",
        },
        status_code=error.status_code,
    )


@router.get("/ehoks/tyopaikka", response_class=HTMLResponse, summary="Ask for a login link")
def request_link_page(request: Request, state: State) -> HTMLResponse:
    return page(request, "tyopaikka/request_link.html")


@router.post("/ehoks/tyopaikka", response_class=HTMLResponse, summary="Mail a login link")
def request_link(
    request: Request,
    state: State,
    sahkoposti: Annotated[str, Form(max_length=320)],
    csrf_token: Annotated[str, Form()] = "",
) -> HTMLResponse:
    check_form_csrf(request, csrf_token)
    address = normalise_email(sahkoposti)
    now = now_utc()
    with state.write() as session:
        if (
            "@" in address
            and service.is_known_address(session, address)
            and not email_login.recently_sent(
                session, address, "tyopaikka", now=now, minutes=RESEND_MINUTES
            )
        ):
            email_login.start(
                session,
                state.auth.mailer,
                sahkoposti=address,
                purpose="tyopaikka",
                target=None,
                link_base_url=f"{state.settings.public_url}{LINK_BASE}",
                settings=state.settings.email_login,
                now=now,
            )
    return page(
        request,
        "message.html",
        {
            "heading": "Tarkista sähköpostisi",
            "message": "Jos osoite on kirjattu opiskelijan suunnitelmaan, siihen lähetettiin "
            "kirjautumislinkki. Linkki on voimassa rajoitetun ajan.",
        },
    )


@router.get(f"{LINK_BASE}/{{token}}", response_class=HTMLResponse, summary="Login link")
def link_page(request: Request, state: State, token: str) -> HTMLResponse:
    try:
        with state.read() as session:
            info = email_login.describe(session, token, now=now_utc())
    except EhoksError as error:
        return _error_page(request, error)
    return page(
        request,
        "tyopaikka/send_code.html",
        {"info": info, "token": token},
    )


@router.post(f"{LINK_BASE}/{{token}}/koodi", response_class=HTMLResponse, summary="Mail a code")
def send_code(
    request: Request, state: State, token: str, csrf_token: Annotated[str, Form()] = ""
) -> HTMLResponse:
    check_form_csrf(request, csrf_token)
    try:
        with state.write() as session:
            email_login.send_code(
                session,
                state.auth.mailer,
                token=token,
                settings=state.settings.email_login,
                now=now_utc(),
            )
            info = email_login.describe(session, token, now=now_utc())
    except EhoksError as error:
        return _error_page(request, error)
    return page(request, "tyopaikka/enter_code.html", {"info": info, "token": token})


@router.post(f"{LINK_BASE}/{{token}}", summary="Check the one-time code and log in")
def verify_code(
    request: Request,
    state: State,
    trail: Trail,
    token: str,
    koodi: Annotated[str, Form(max_length=32)],
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    check_form_csrf(request, csrf_token)
    try:
        # The attempt count is committed before a wrong code is reported, or the limit on
        # guesses would roll back with the error.
        with state.write() as session:
            result = email_login.verify(
                session, token=token, code=koodi, settings=state.settings.email_login, now=now_utc()
            )
    except EhoksError as error:
        return _error_page(request, error)
    if isinstance(result, Rejection):
        with state.read() as session:
            try:
                info = email_login.describe(session, token, now=now_utc())
            except EhoksError as error:
                return _error_page(request, error)
        return page(
            request,
            "tyopaikka/enter_code.html",
            {"info": info, "token": token, "error": result.error.detail},
            status_code=result.error.status_code,
        )
    to = "/ehoks/tyopaikka/osat"
    if result.purpose == "jako" and result.target:
        to = f"/ehoks/jako/{result.target}"
    return start_session(
        request,
        state,
        trail,
        EmailActor(result.sahkoposti),
        login_ref=None,
        protocol="email-code",
        to=to,
    )


@router.get("/ehoks/tyopaikka/osat", response_class=HTMLResponse, summary="My parts (page)")
def my_parts_page(request: Request, actor: EmailUser, state: State, trail: Trail) -> HTMLResponse:
    with state.read(trail) as session:
        hoksit = service.my_parts(session, actor, state.deps.with_trail(trail))
    return page(request, "tyopaikka/my_parts.html", {"hoksit": hoksit})


@router.get("/ehoks-oppija-backend/api/v1/tyopaikka/hoksit", summary="My parts (JSON)")
def my_parts(actor: EmailUser, state: State, trail: Trail) -> OrjsonResponse:
    with state.read(trail) as session:
        hoksit = service.my_parts(session, actor, state.deps.with_trail(trail))
    return envelope(hoksit)
