"""The development CAS's addresses under ``/kehitys-cas``: ``/cas/…`` for officials and
``/cas-oppija/…`` for students, each with ``login`` (a page listing the demo people; choosing
one redirects to ``service?ticket=ST-…``), ``serviceValidate`` and ``p3/serviceValidate`` (the
CAS XML our client parses) and ``logout``.

``create_app`` includes this router only when ``dev_cas`` is on, which the settings allow only
in a development or test environment; the routes check it again so that a router mounted by
mistake still answers nothing.
"""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ehoks.context import UseCase
from ehoks.context.request import AppState, Context, State
from ehoks.devcas import tickets
from ehoks.devcas.people import CAS, Person, people
from ehoks.errors import BadRequest, NotFound
from ehoks.settings.auth import DEV_CAS_PATH
from ehoks.web.render import check_form_csrf, page

router = APIRouter(prefix=DEV_CAS_PATH, include_in_schema=False)

Realm = Literal["cas", "cas-oppija"]


def _require(state: AppState) -> None:
    settings = state.settings
    if not settings.dev_cas or settings.environment not in ("development", "test"):
        raise NotFound("Not found")


def _ours(state: AppState, service: str | None) -> str:
    """Tickets go only to this service's own addresses: a login page that redirected anywhere
    would be an open redirect (a real CAS keeps a registry of services for the same reason)."""
    if not service or not service.startswith(f"{state.settings.public_url}/"):
        raise BadRequest("CAS: the service is not this eHOKS")
    return service


def _secret(state: AppState) -> str:
    return state.settings.token_secret.get_secret_value()


def _people(ctx: UseCase, realm: Realm) -> list[Person]:
    with ctx.read() as session:
        return people(session, ctx.runtime.registries, realm)


@router.get("/{realm}/login", response_class=HTMLResponse)
def login_page(
    request: Request,
    state: State,
    ctx: Context,
    realm: Realm,
    service: Annotated[str | None, Query(max_length=2000)] = None,
) -> HTMLResponse:
    _require(state)
    context = {
        "realm": realm,
        "officials": realm == CAS,
        "service": _ours(state, service),
        "people": _people(ctx, realm),
    }
    return page(request, "kehitys/cas.html", context)


@router.post("/{realm}/login")
def login(
    request: Request,
    state: State,
    ctx: Context,
    realm: Realm,
    kuka: Annotated[str, Form(max_length=400)],
    service: Annotated[str, Form(max_length=2000)],
    csrf_token: Annotated[str, Form()] = "",
) -> RedirectResponse:
    _require(state)
    check_form_csrf(request, csrf_token)
    service = _ours(state, service)
    person = next((p for p in _people(ctx, realm) if p.key == kuka), None)
    if person is None:
        raise NotFound(f"No demo person {kuka!r}")
    ticket = tickets.issue(
        _secret(state),
        realm=realm,
        username=person.username,
        attributes=person.attributes,
        service=service,
    )
    separator = "&" if "?" in service else "?"
    return RedirectResponse(f"{service}{separator}{urlencode({'ticket': ticket})}", 303)


@router.get("/{realm}/serviceValidate")
@router.get("/{realm}/p3/serviceValidate")
async def service_validate(
    state: State,
    realm: Realm,
    ticket: Annotated[str | None, Query(max_length=8000)] = None,
    service: Annotated[str | None, Query(max_length=2000)] = None,
) -> Response:
    """``async`` and without the database: our own CAS client calls this from a worker thread
    of this same server, so it must not wait for another one."""
    _require(state)
    try:
        vouched = tickets.validate(_secret(state), realm=realm, ticket=ticket, service=service)
    except tickets.TicketRefused as refused:
        # CAS answers a refusal with 200 and XML, as the client expects.
        return Response(tickets.failure_xml(refused), media_type="application/xml")
    return Response(tickets.success_xml(vouched), media_type="application/xml")


@router.get("/{realm}/logout")
async def logout(
    state: State,
    realm: Realm,
    service: Annotated[str | None, Query(max_length=2000)] = None,
) -> RedirectResponse:
    _require(state)
    public = state.settings.public_url
    back = service if service and service.startswith(f"{public}/") else f"{public}/"
    return RedirectResponse(back, 302)
