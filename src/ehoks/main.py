"""The composition root: ``create_app(settings)`` wires settings, database, registries and
routes into one FastAPI application. Nothing here runs at import time."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TypeGuard

import anyio.to_thread
import swagger_ui_bundle
from fastapi import APIRouter, Depends, FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from starlette.routing import BaseRoute, Route

from ehoks import __version__
from ehoks.access.routes import router as access_router
from ehoks.api import openapi_bodies
from ehoks.api.access_log import AccessLogMiddleware
from ehoks.api.body_limit import BodyLimitMiddleware
from ehoks.api.errors import RouteMethods, install_error_handlers
from ehoks.api.openapi import build_openapi, describe_hoks_api, ok
from ehoks.api.params import refuse_control_characters
from ehoks.api.responses import OrjsonResponse
from ehoks.audit.appender import BatchAppender
from ehoks.audit.spool import AuditSpool, spool_path
from ehoks.auth.clients import AuthClients, build_auth_clients
from ehoks.auth.routes import router as login_router
from ehoks.config import Settings
from ehoks.context import build_runtime
from ehoks.context.request import AppState, State
from ehoks.db import (
    database_answers,
    impatient_session_factory,
    make_engine,
    make_session_factory,
    single_read_session_factory,
)
from ehoks.hoks.cleanup_routes import router as cleanup_router
from ehoks.hoks.learner_routes import router as hoks_learner_router
from ehoks.hoks.retired_routes import router as retired_hoks_router
from ehoks.hoks.routes import router as hoks_router
from ehoks.jatko.routes import router as jatko_router
from ehoks.oppija.routes import router as oppija_router
from ehoks.oppijaindex.routes import router as oppijaindex_router
from ehoks.ratelimit.service import RateLimiter
from ehoks.registries import Registries, build_registries
from ehoks.registries.http import close_registries
from ehoks.sharing.routes import oppija_router as sharing_oppija_router
from ehoks.sharing.routes import virkailija_router as sharing_virkailija_router
from ehoks.tyopaikka.routes import router as tyopaikka_router
from ehoks.virkailija.routes import router as virkailija_router
from ehoks.web import surface as web

VIRKAILIJA = "/ehoks-virkailija-backend"
API_V1 = f"{VIRKAILIJA}/api/v1"
OPPIJA_API_V1 = "/ehoks-oppija-backend/api/v1"
DOCS_URL = f"{VIRKAILIJA}/doc"
OPENAPI_URL = f"{VIRKAILIJA}/doc/openapi.json"


def create_app(
    settings: Settings,
    *,
    engine: Engine | None = None,
    registries: Registries | None = None,
    auth_clients: AuthClients | None = None,
) -> FastAPI:
    engine = engine or make_engine(settings.database_url, pool_size=settings.database_pool_size)
    registries = registries or build_registries(settings, engine)
    auth = auth_clients or build_auth_clients(settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.worker_threads
        yield
        # Close the registries' connection pools when the worker stops.
        close_registries(registries)
        auth.close()
        read_audit.close()

    app = FastAPI(
        lifespan=lifespan,
        title="eHOKS service API",
        version=__version__,
        description=describe_hoks_api(),
        docs_url=None,
        redoc_url=None,
        openapi_url=OPENAPI_URL,
        default_response_class=OrjsonResponse,
        # No NUL or other control character in a path or query parameter (400 naming it).
        dependencies=[Depends(refuse_control_characters)],
    )
    write_sessions = make_session_factory(engine)
    impatient_writes = impatient_session_factory(engine)
    read_audit = _read_audit(engine, write_sessions, impatient_writes)
    state = AppState(
        runtime=build_runtime(
            settings,
            engine,
            registries=registries,
            read_audit=read_audit,
            write_audit=read_audit if read_audit.chains_staged else None,
            write_sessions=write_sessions,
        ),
        engine=engine,
        auth=auth,
        lookups=single_read_session_factory(engine),
        impatient_writes=impatient_writes,
        limiter=RateLimiter(write_sessions),
    )
    app.state.ehoks = state
    install_error_handlers(app, web.PAGE_ERRORS)
    web.install(app, exempt_prefixes=(DOCS_URL,), cacheable_prefixes=(f"{DOCS_URL}/static",))
    app.add_middleware(AccessLogMiddleware)
    # Outermost, so that every reader of the body is inside it (413 while reading).
    app.add_middleware(BodyLimitMiddleware, max_body_bytes=settings.limits.max_body_bytes)
    served = list(routers())
    if settings.dev_cas:
        # Development only (the settings refuse it elsewhere); not in routers(), so the route
        # matrix, which walks the production routes, does not see it.
        from ehoks.devcas.routes import router as devcas_router

        served.append(("", devcas_router))
    for prefix, router in served:
        app.include_router(router, prefix=prefix)
    _mount_docs(app)
    app.state.route_methods = RouteMethods.of(
        [
            *((p + r.path, r.methods) for p, router in served for r in router.routes if _is(r)),
            *((r.path, r.methods) for r in app.routes if _is(r)),
        ]
    )
    app.openapi = lambda: build_openapi(app)  # type: ignore[method-assign]
    return app


def _read_audit(
    engine: Engine, write_sessions: sessionmaker[Session], impatient: sessionmaker[Session]
) -> BatchAppender:
    """On a SQLite file, reads' audit events give way to a writer holding the lock (into the
    spool beside the database) instead of waiting for it; elsewhere they append directly. On
    PostgreSQL the appender also chains the events writes stage (``audit.staging``)."""
    path = spool_path(engine)
    if path is None:
        return BatchAppender(write_sessions, chains_staged=engine.dialect.name == "postgresql")
    return BatchAppender(impatient, spool=AuditSpool(path))


def _is(route: BaseRoute) -> TypeGuard[Route]:
    return isinstance(route, Route)


def routers() -> list[tuple[str, APIRouter]]:
    """Every router of the application with its prefix (the route × caller test walks these)."""
    return [
        ("", access_router),
        ("", login_router),
        ("", tyopaikka_router),
        # Before the HOKS routes: ".../osat/{module_id}/arvioijat" would else be taken for a
        # part collection.
        (API_V1, sharing_virkailija_router),
        # Before the HOKS routes, so that no pattern there can take the literal sub-path.
        (API_V1, jatko_router),
        # Before hoks_router: its /hoks/{hoks_id}… patterns must not shadow /hoks/oppija/….
        (API_V1, hoks_learner_router),
        (API_V1, hoks_router),
        (API_V1, oppijaindex_router),
        (API_V1, cleanup_router),
        (API_V1, virkailija_router),
        (OPPIJA_API_V1, oppija_router),
        (OPPIJA_API_V1, sharing_oppija_router),
        (API_V1, _health_router()),
        # Last of the API: its /hoks/{id}/{part}/{id} patterns would take other routers' paths.
        (API_V1, retired_hoks_router),
        # The people's pages after the API: no page's pattern can match a path of the API
        # (their prefixes differ; tests/test_route_matrix.py), and a request is matched
        # against the routes in order, so the API's hot paths no longer try the ~70 page
        # routes first (docs/performance.md, "GET on one connection").
        *(("", router) for router in web.routers()),
    ]


def _health_router() -> APIRouter:
    router = APIRouter(tags=["health"])

    @router.get(
        "/healthcheck", summary="Liveness and database check", responses=ok(openapi_bodies.Health)
    )
    def healthcheck(state: State) -> OrjsonResponse:
        if not database_answers(state.engine):
            return OrjsonResponse({"error": "database unavailable"}, 503)
        return OrjsonResponse({})

    return router


def _mount_docs(app: FastAPI) -> None:
    static = f"{DOCS_URL}/static"
    app.mount(static, StaticFiles(directory=swagger_ui_bundle.swagger_ui_path), name="swagger")

    @app.get(DOCS_URL, include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=OPENAPI_URL,
            title="eHOKS service API",
            swagger_js_url=f"{static}/swagger-ui-bundle.js",
            swagger_css_url=f"{static}/swagger-ui.css",
            swagger_favicon_url=f"{static}/favicon-32x32.png",
        )

    @app.get("/docs", include_in_schema=False)
    def to_docs() -> RedirectResponse:
        return RedirectResponse(DOCS_URL)
