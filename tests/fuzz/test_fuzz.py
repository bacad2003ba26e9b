"""The fuzz check: every operation of the OpenAPI document, with authenticated callers, against a
seeded database (SQLite, or PostgreSQL with ``EHOKS_TEST_DATABASE_URL``). It fails on any 5xx
and on any answer that does not conform to the document.

The quick profile (every CI run) sends ``EHOKS_FUZZ_EXAMPLES`` requests per operation (default
4); ``make fuzz`` runs the long profile (200 per operation, over 10,000 requests) and prints
its figures, which docs/security.md records.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from ehoks.access.actor import Actor, EmailActor, OfficialActor, StudentActor, grants_from_roles
from ehoks.auth import sessions
from ehoks.config import Settings
from ehoks.db import make_session_factory
from ehoks.main import OPENAPI_URL, create_app
from ehoks.sharing.models import Jako
from tests.conftest import API, Clients
from tests.factories import OPH, hoks_body
from tests.fakes.fixtures import cas_server, fake_cas_session  # noqa: F401 (fixtures)
from tests.fakes.smtp import smtp_server  # noqa: F401 (fixture)
from tests.fuzz import harness

EXAMPLES = int(os.environ.get("EHOKS_FUZZ_EXAMPLES", "4"))
SEED = os.environ.get("EHOKS_FUZZ_SEED")
RECIPIENT = "vastaanottaja@example.org"
PUBLIC = "https://testserver"


@pytest.fixture
def fuzz_app(db, database_url, world, cas_server, smtp_server):  # noqa: F811
    settings = Settings(
        environment="test",
        database_url=database_url,
        public_url=PUBLIC,
        cas=cas_server.settings(
            service_ticket_service=f"{PUBLIC}/ehoks-virkailija-backend/cas-security-check"
        ),
        smtp=smtp_server.settings(),
    )
    app = create_app(settings, engine=db)
    app.state.fuzz_settings = settings
    return app


@pytest.fixture
def seeded(fuzz_app, db, world):
    """A HOKS with a unit, a workplace period and a demonstration; a share of the period and a
    consent for the whole HOKS; and the callers: a service client on the OPH root, an official
    with every privilege on the provider (and OPH super user), the student, and the share's
    recipient."""
    # Not entered: the application's lifespan would close its HTTP clients on leaving, and the
    # fuzz run (which runs the lifespan itself) needs them.
    client = TestClient(fuzz_app, base_url=PUBLIC)
    service = Clients(db, client).headers(OPH)
    oppija, oo = world.add_oppija("fuzz")
    created = client.post(f"{API}/hoks", json=hoks_body(oppija, oo), headers=service)
    assert created.status_code == 200, created.text
    hoks_id = created.json()["meta"]["id"]
    data = client.get(f"{API}/hoks/{hoks_id}", headers=service).json()["data"]
    unit = data["hankittavat-ammat-tutkinnon-osat"][0]
    period = unit["osaamisen-hankkimistavat"][0]
    jako_ids = _shares(db, hoks_id, oppija, period["module-id"])
    official = OfficialActor(
        "1.2.246.562.24.10000000011",
        "Virkailija",
        grants_from_roles(
            [
                f"ROLE_APP_EHOKS_CRUD_{world.koulutustoimija_1}",
                f"ROLE_APP_EHOKS_HOKS_DELETE_{world.koulutustoimija_1}",
                f"ROLE_APP_EHOKS_OPHPAAKAYTTAJA_{OPH}",
            ]
        ),
    )
    return {
        "service": service,
        "official": official,
        "student": StudentActor(oppija, "Opiskelija"),
        "recipient": EmailActor(RECIPIENT),
        "known": {
            "hoks_id": hoks_id,
            "hoks_ref": data["eid"],
            "module_id": period["module-id"],
            "oppija_oid": oppija,
            "oid": oppija,
            "opiskeluoikeus_oid": oo,
            "jako_id": jako_ids["jakolinkki"],
            "version": 1,
            "name": "HOKS",
        },
    }


def _shares(db, hoks_id: int, oppija: str, module_id: str) -> dict[str, str]:
    today = date.today()
    now = datetime.now(UTC)
    ids = {}
    with make_session_factory(db).begin() as session:
        for n, (laji, module_ids) in enumerate((("jakolinkki", [module_id]), ("suostumus", []))):
            ids[laji] = f"00000000-0000-4000-8000-00000000000{n + 1}"
            session.add(
                Jako(
                    id=ids[laji],
                    laji=laji,
                    hoks_id=hoks_id,
                    oppija_oid=oppija,
                    module_ids=module_ids,
                    kohde_tyyppi="osaamisenhankkiminen" if laji == "jakolinkki" else None,
                    vastaanottaja_nimi="Veera Vastaanottaja",
                    vastaanottaja_sahkoposti=RECIPIENT,
                    tarkoitus="Sumutus" if laji == "suostumus" else None,
                    voimassaolo_alku=today,
                    voimassaolo_loppu=today + timedelta(days=30),
                    created_at=now,
                    updated_at=now,
                )
            )
    return ids


def _session_actor(path: str, method: str, seeded: dict[str, Any]) -> Actor:
    if "/virkailija/" in path:
        return seeded["official"]
    if path.endswith("/tyopaikka/hoksit") or (
        method == "GET" and "/jaot/" in path and "{jako_id}" in path
    ):
        return seeded["recipient"]
    return seeded["student"]


def credentials(db, settings: Settings, seeded: dict[str, Any]) -> harness.Credentials:
    """The headers of one request to ``operation``: the service client's token and Caller-Id,
    or a new login session (a logout may end any earlier one) with its CSRF token."""

    def headers(operation: Any) -> dict[str, str]:
        security = operation.definition.raw.get("security", [])
        names = {name for requirement in security for name in requirement}
        if "oauth2" in names:
            return dict(seeded["service"])
        if "session" not in names:
            return {}
        actor = _session_actor(operation.path, operation.method.upper(), seeded)
        with make_session_factory(db).begin() as session:
            new = sessions.create(session, actor, settings=settings.session, now=datetime.now(UTC))
        return {
            "Cookie": f"{sessions.COOKIE_NAME}={new.token}",
            "X-CSRF-Token": new.csrf_token,
        }

    return headers


def _order(operation: Any) -> tuple[int, str, str]:
    """Destructive operations last, so the others still find the seeded data."""
    method = operation.method.upper()
    path = operation.path
    tier = 0
    if method == "DELETE" or path.endswith("shallow-delete"):
        tier = 1
    if method == "DELETE" and path.endswith("/virkailija/hoks/{hoks_id}"):
        tier = 2
    return (tier, path, method)


def test_every_operation_answers_as_documented(fuzz_app, db, seeded, capsys):
    schema = harness.load(fuzz_app, OPENAPI_URL)
    report = harness.run(
        schema,
        credentials=credentials(db, fuzz_app.state.fuzz_settings, seeded),
        known=seeded["known"],
        examples=EXAMPLES,
        order=_order,
        seed=int(SEED) if SEED else None,
    )
    with capsys.disabled():  # the figures, for docs/security.md
        print(f"\n[fuzz] {db.dialect.name}: {report.summary()}")  # noqa: T201
    assert report.operations >= 40
    assert report.failures == {}, report.summary()
