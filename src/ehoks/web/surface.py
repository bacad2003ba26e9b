"""Installing the HTML surface on the application: its static files, the middleware that gives
every page its language and security headers, its routers and its error pages."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.staticfiles import StaticFiles

from ehoks.api.errors import PageErrors
from ehoks.web.errors import error_page, is_page_request
from ehoks.web.middleware import WebMiddleware
from ehoks.web.render import STATIC_PATH
from ehoks.web.routes import (
    jako,
    kehitys,
    oppija,
    pdf,
    public,
    tyopaikka,
    virkailija,
    virkailija_hoks,
    virkailija_hoks_delete,
    virkailija_hoks_history,
    virkailija_hoks_linkit,
    virkailija_jatko,
    virkailija_lomake,
    virkailija_raportit,
)

STATIC_DIR = Path(__file__).parent / "static"
PAGE_ERRORS = PageErrors(is_page=is_page_request, render=error_page)


def install(
    app: FastAPI, *, exempt_prefixes: tuple[str, ...], cacheable_prefixes: tuple[str, ...] = ()
) -> None:
    """``exempt_prefixes``: HTML that is not ours (the API documentation) and keeps its own
    script policy; ``cacheable_prefixes``: static files besides ours that may be cached."""
    app.mount(STATIC_PATH, StaticFiles(directory=STATIC_DIR), name="web-static")
    app.add_middleware(
        WebMiddleware,
        exempt_prefixes=exempt_prefixes,
        cacheable_prefixes=(STATIC_PATH, *cacheable_prefixes),
    )


def routers() -> list[APIRouter]:
    return [
        public.router,
        *oppija.ROUTERS,
        pdf.router,
        tyopaikka.router,
        jako.router,
        kehitys.router,
        virkailija.router,
        # Before the HOKS pages: ".../hoks/{hoks_id}/jatka" is a literal sub-path.
        virkailija_jatko.router,
        virkailija_hoks.router,
        virkailija_hoks_history.router,
        virkailija_hoks_delete.router,
        virkailija_hoks_linkit.router,
        virkailija_lomake.router,
        virkailija_raportit.router,
    ]
