"""Fixtures of the sharing tests: the application with the sharing routers and a real SMTP
server, a HOKS of one student, and logging people in as the student, another student or the
recipient of a share (a session made directly; the e-mail login is tested on its own)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from ehoks.access.actor import EmailActor, StudentActor
from ehoks.audit.models import AuditEvent
from ehoks.config import Settings
from ehoks.db import make_session_factory
from ehoks.kernel.clock import today_in_finland
from ehoks.main import create_app
from ehoks.sharing.models import Jako
from ehoks.sharing.routes import oppija_router, virkailija_router
from ehoks.web.routes.jako import router as pages_router
from tests.conftest import API
from tests.factories import OPH, hoks_body
from tests.fakes.smtp import smtp_server, unreachable_smtp  # noqa: F401 (fixtures by name)
from tests.sessions import BASE_URL, login

OPPIJA = "/ehoks-oppija-backend/api/v1"
JAKOLINKIT = f"{OPPIJA}/oppija/jaot/jakolinkit"
SUOSTUMUKSET = f"{OPPIJA}/oppija/jaot/suostumukset"
RECIPIENT = "Rauni.Vastaanottaja@Example.org"


def with_sharing_routes(app: FastAPI) -> FastAPI:
    """Mount the sharing routers unless the composition root already does, in front of the
    others: the HOKS router's ``POST …/osat/{module-id}/{kokoelma}`` would take ``…/arvioijat``."""
    mounted = {getattr(route, "path", "") for route in app.router.routes}
    before = len(app.router.routes)
    for prefix, router, probe in (
        (OPPIJA, oppija_router, f"{OPPIJA}/oppija/jaot/jakolinkit"),
        (API, virkailija_router, f"{API}/hoks/{{hoks_id}}/osat/{{module_id}}/arvioijat"),
        ("", pages_router, "/ehoks/jako/{jako_id}"),
    ):
        if probe not in mounted:
            app.include_router(router, prefix=prefix)
    added = app.router.routes[before:]
    del app.router.routes[before:]
    app.router.routes[0:0] = added
    return app


@pytest.fixture
def settings(database_url: str, smtp_server: Any) -> Settings:  # noqa: F811
    return Settings(
        environment="test",
        database_url=database_url,
        smtp=smtp_server.settings(),
        public_url=BASE_URL,
    )


@pytest.fixture
def app(db: Any, settings: Settings, world: Any) -> FastAPI:
    return with_sharing_routes(create_app(settings, engine=db))


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    # Replaces the plain-HTTP client of the root conftest (also for ``clients``): the session
    # cookie is Secure.
    with TestClient(app, base_url=BASE_URL) as test_client:
        yield test_client


@dataclass
class Plan:
    """One student's HOKS as the service API created it."""

    hoks_id: int
    eid: str
    oppija: str
    data: dict[str, Any]
    headers: dict[str, str]  # a provider's service client

    @property
    def unit(self) -> dict[str, Any]:
        return self.data["hankittavat-ammat-tutkinnon-osat"][0]

    @property
    def period(self) -> dict[str, Any]:
        return self.unit["osaamisen-hankkimistavat"][0]

    @property
    def naytto(self) -> dict[str, Any]:
        return self.unit["osaamisen-osoittaminen"][0]


def make_plan(client: TestClient, clients: Any, world: Any, seed: str, **overrides: Any) -> Plan:
    headers = clients.headers(OPH)
    oppija, oo = world.add_oppija(seed)
    body = hoks_body(oppija, oo, puhelinnumero="040 1234567", **overrides)
    response = client.post(f"{API}/hoks", json=body, headers=headers)
    assert response.status_code == 200, response.text
    hoks_id = response.json()["meta"]["id"]
    data = client.get(f"{API}/hoks/{hoks_id}", headers=headers).json()["data"]
    return Plan(hoks_id, data["eid"], oppija, data, headers)


@pytest.fixture
def plan(client: TestClient, clients: Any, world: Any) -> Plan:
    return make_plan(client, clients, world, "jakaja")


@pytest.fixture
def as_student(client: TestClient, db: Any, settings: Settings, plan: Plan) -> Any:
    """Log in as the plan's owner; returns the CSRF headers of the session."""

    def _login() -> dict[str, str]:
        return login(client, db, settings, StudentActor(plan.oppija, "Sanni Jakaja"))

    return _login


@pytest.fixture
def as_other_student(client: TestClient, db: Any, settings: Settings, world: Any) -> Any:
    def _login() -> dict[str, str]:
        oppija, _ = world.add_oppija("toinen")
        return login(client, db, settings, StudentActor(oppija, "Toni Toinen"))

    return _login


@pytest.fixture
def as_email(client: TestClient, db: Any, settings: Settings) -> Any:
    def _login(address: str = RECIPIENT.lower()) -> dict[str, str]:
        return login(client, db, settings, EmailActor(address))

    return _login


def share_body(plan: Plan, **overrides: Any) -> dict[str, Any]:
    today = today_in_finland()
    body: dict[str, Any] = {
        "hoks-eid": plan.eid,
        "tutkinnonosa-module-uuid": plan.unit["module-id"],
        "tutkinnonosa-tyyppi": "HankittavaAmmatillinenTutkinnonOsa",
        "shared-module-uuid": plan.period["module-id"],
        "shared-module-tyyppi": "osaamisenhankkiminen",
        "voimassaolo-alku": (today - timedelta(days=1)).isoformat(),
        "voimassaolo-loppu": (today + timedelta(days=30)).isoformat(),
        "vastaanottaja": {"nimi": "Rauni Vastaanottaja", "sahkoposti": RECIPIENT},
    }
    body.update(overrides)
    return body


def set_window(db: Any, jako_id: str, **columns: Any) -> None:
    """Move a share's dates directly (the API refuses windows in the past, as it should)."""
    with make_session_factory(db).begin() as session:
        session.execute(update(Jako).where(Jako.id == jako_id).values(**columns))


def audit_events(db: Any, **where: Any) -> list[AuditEvent]:
    with make_session_factory(db).begin() as session:
        statement = select(AuditEvent).order_by(AuditEvent.seq)
        for key, value in where.items():
            statement = statement.where(getattr(AuditEvent, key) == value)
        events = list(session.scalars(statement))
        session.expunge_all()
        return events


def jako_rows(db: Any) -> list[Jako]:
    with make_session_factory(db).begin() as session:
        rows = list(session.scalars(select(Jako)))
        session.expunge_all()
        return rows
