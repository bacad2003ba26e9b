"""Pages for everyone: the landing page, the accessibility statement and the privacy statement."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ehoks.auth.people import CurrentSession
from ehoks.web.render import page

router = APIRouter(include_in_schema=False)

# When the accessibility statement was written and last reviewed (the law asks for both).
STATEMENT_MADE = date(2026, 12, 6)
STATEMENT_UPDATED = date(2026, 12, 6)


@router.get("/", response_class=HTMLResponse)
def landing(request: Request) -> HTMLResponse:
    return page(request, "landing.html")


@router.get("/ehoks", response_class=HTMLResponse)
@router.get("/ehoks/", response_class=HTMLResponse)
def student_app_root(request: Request, logged_in: CurrentSession) -> Response:
    """The student app's own address: a logged-in student goes on to their plans, as in the
    original; everyone else sees the landing page."""
    if logged_in is not None and logged_in.actor.kind == "oppija":
        return RedirectResponse("/ehoks/suunnittelu", status_code=303)
    return page(request, "landing.html")


@router.get("/ehoks/saavutettavuusseloste", response_class=HTMLResponse)
def accessibility_statement(request: Request) -> HTMLResponse:
    return page(
        request,
        "saavutettavuus.html",
        {"made": STATEMENT_MADE, "updated": STATEMENT_UPDATED},
    )


@router.get("/ehoks/tietosuoja", response_class=HTMLResponse)
def privacy_statement(request: Request) -> HTMLResponse:
    return page(request, "tietosuoja.html")
