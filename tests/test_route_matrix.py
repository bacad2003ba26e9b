"""Every route of the application × every kind of caller, checked against the access policy.

A route added without an entry here fails the suite, so no route can ship without a decision on
who may call it. Callers: anonymous; service clients (an unrelated organisation's, a read-only
one of the HOKS's own institution, a CRUD one of its provider, one on the OPH root); officials
(the provider's, an unrelated organisation's, an OPH super user); the student who owns the HOKS
and another student; and verified e-mail addresses (the HOKS's named workplace instructor, the
recipient of a share, and an address named nowhere).
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import UTC, date, datetime, timedelta

import orjson
import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import text
from starlette.routing import Route

from ehoks.access import service as access_service
from ehoks.access.actor import (
    EmailActor,
    OfficialActor,
    StudentActor,
    grants_from_roles,
)
from ehoks.audit.spool import spool_path
from ehoks.db import make_session_factory
from ehoks.demo.oids import opiskeluoikeus_oid
from ehoks.main import routers
from ehoks.sharing.models import Jako
from tests.conftest import API
from tests.factories import OPH, hoks_body, koski_opiskeluoikeus
from tests.sessions import BASE_URL, login

OAPI = "/ehoks-oppija-backend/api/v1"
PUBLIC = "public"
ANY_CLIENT = "any authenticated client"
READ = "read on the HOKS's organisation"
WRITE = "write on the HOKS's organisation"
TOKEN = "client credentials"
PROTOCOL = "login protocol step (tests/auth)"
RETIRED = "retired (410 for any authenticated client)"
VALIDATE = "write on the study right's organisation (nothing stored or read: no audit event)"
VIPUNEN = "the VIPUNEN role, or read, directly on the OPH root"
OPH_ROOT = "the privilege directly on the OPH root organisation"
ANY_SESSION = "anyone logged in"
OFFICIAL_ANY = "any official"
OFFICIAL_READ = "an official who may read the HOKS"
OFFICIAL_WRITE = "an official who may write the HOKS"
OFFICIAL_DELETE = "an official with hoks_delete on the HOKS's organisation"
SUPERUSER = "an OPH super user"
STUDENT_ANY = "any student"
STUDENT_OWN = "the student whose HOKS it is"
EMAIL_ANY = "any verified e-mail address (sees only its own parts)"
RECIPIENT = "the recipient of the share or consent"
RECIPIENT_PAGE = "the recipient; others get a login page without the shared content"
DEVELOPMENT = "development only: 404 unless the mail catcher is on (tests/web/test_kehitys_pages)"

SERVICE = ("outsider", "reader", "provider", "oph")
OFFICIALS = ("official", "official_outsider", "superuser")
STUDENTS = ("student", "other_student")
EMAILS = ("instructor", "recipient", "stranger")
ALLOWED: dict[str, tuple[str, ...]] = {
    ANY_CLIENT: SERVICE,
    RETIRED: SERVICE,
    VALIDATE: ("provider", "oph"),
    VIPUNEN: ("oph",),
    READ: ("reader", "provider", "oph"),
    WRITE: ("provider", "oph"),
    OPH_ROOT: ("oph",),
    ANY_SESSION: OFFICIALS + STUDENTS + EMAILS,
    OFFICIAL_ANY: OFFICIALS,
    OFFICIAL_READ: ("official", "superuser"),
    OFFICIAL_WRITE: ("official", "superuser"),
    OFFICIAL_DELETE: ("official",),
    SUPERUSER: ("superuser",),
    STUDENT_ANY: STUDENTS,
    STUDENT_OWN: ("student",),
    EMAIL_ANY: EMAILS,
    RECIPIENT: ("recipient",),
    RECIPIENT_PAGE: ("recipient",),
}
V = f"{API}/virkailija"
PLAN = "/ehoks/suunnittelu/{eid}"
UI = "/ehoks-virkailija-ui"
UIH = f"{UI}/oppija/{{oppija_oid}}/hoks/{{hoks_id}}"
OHOKS = f"{V}/oppijat/{{oppija_oid}}/hoksit"

# (method, path template) → who may call it
POLICY: dict[tuple[str, str], str] = {
    ("POST", "/oauth2/token"): TOKEN,
    ("GET", f"{API}/healthcheck"): PUBLIC,
    ("GET", f"{API}/schemas/{{name}}"): PUBLIC,
    ("GET", f"{API}/hoks/paged"): VIPUNEN,
    ("POST", f"{API}/validointi"): VALIDATE,
    ("POST", f"{API}/hoks"): WRITE,
    ("GET", f"{API}/hoks/{{hoks_id}}"): READ,
    ("GET", f"{API}/hoks/oppija/{{oppija_oid}}"): READ,
    ("PUT", f"{API}/hoks/{{hoks_id}}"): WRITE,
    ("PATCH", f"{API}/hoks/{{hoks_id}}"): WRITE,
    ("GET", f"{API}/hoks/opiskeluoikeus/{{opiskeluoikeus_oid}}"): READ,
    ("GET", f"{API}/hoks/{{hoks_id}}/versiot"): READ,
    # Read on the earlier plan and write on the new study right (tests/jatko for the split).
    ("GET", f"{API}/hoks/{{hoks_id}}/jatkoluonnos"): WRITE,
    ("GET", f"{API}/hoks/{{hoks_id}}/hankintakoulutukset"): READ,
    ("POST", f"{API}/heratepalvelu/onrmodify"): OPH_ROOT,
    ("DELETE", f"{API}/heratepalvelu/tyopaikkaohjaajan-yhteystiedot"): OPH_ROOT,
    ("DELETE", f"{API}/heratepalvelu/opiskelijan-yhteystiedot"): OPH_ROOT,
    ("GET", f"{API}/hoks/{{hoks_id}}/versiot/{{version}}"): READ,
    ("GET", f"{API}/hoks/{{hoks_id}}/osat/{{module_id}}"): READ,
    ("PUT", f"{API}/hoks/{{hoks_id}}/osat/{{module_id}}"): WRITE,
    ("DELETE", f"{API}/hoks/{{hoks_id}}/osat/{{module_id}}"): WRITE,
    ("POST", f"{API}/hoks/{{hoks_id}}/osat/{{kokoelma}}"): WRITE,
    ("POST", f"{API}/hoks/{{hoks_id}}/osat/{{module_id}}/{{kokoelma}}"): WRITE,
    ("GET", f"{API}/hoks/{{hoks_id}}/osat/{{module_id}}/arvioijat"): READ,
    ("POST", f"{API}/hoks/{{hoks_id}}/osat/{{module_id}}/arvioijat"): WRITE,
    ("DELETE", f"{API}/hoks/{{hoks_id}}/osat/{{module_id}}/arvioijat/{{arvioija_id}}"): WRITE,
    ("GET", f"{API}/hoks/{{hoks_id}}/{{legacy_part}}/{{part_id}}"): RETIRED,
    ("PATCH", f"{API}/hoks/{{hoks_id}}/{{legacy_part}}/{{part_id}}"): RETIRED,
    ("POST", f"{API}/hoks/{{hoks_id}}/{{legacy_part}}"): RETIRED,
    # Logging in and out
    ("GET", "/ehoks/kirjaudu"): PUBLIC,
    ("GET", "/ehoks/tyopaikka"): PUBLIC,
    ("GET", "/ehoks/kirjaudu/{realm}"): PROTOCOL,
    ("GET", "/ehoks/kirjaudu/kehitys"): PROTOCOL,
    ("POST", "/ehoks/kirjaudu/kehitys"): PROTOCOL,
    ("GET", "/ehoks/kirjaudu/oidc/{realm}/paluu"): PROTOCOL,
    ("POST", "/ehoks/kirjaudu/oidc/{realm}/backchannel-logout"): PROTOCOL,
    ("GET", "/ehoks-virkailija-backend/cas-security-check"): PROTOCOL,
    ("POST", "/ehoks-virkailija-backend/cas-security-check"): PROTOCOL,
    ("GET", f"{V}/session/opintopolku"): PROTOCOL,
    ("POST", f"{V}/session/opintopolku"): PROTOCOL,
    ("GET", f"{OAPI}/oppija/session/opintopolku/"): PROTOCOL,
    ("POST", f"{OAPI}/oppija/session/opintopolku/"): PROTOCOL,
    ("POST", "/ehoks/tyopaikka"): PROTOCOL,
    ("GET", "/ehoks/sahkoposti/{token}"): PROTOCOL,
    ("POST", "/ehoks/sahkoposti/{token}"): PROTOCOL,
    ("POST", "/ehoks/sahkoposti/{token}/koodi"): PROTOCOL,
    ("POST", "/ehoks/jako/{jako_id}/kirjautumislinkki"): PROTOCOL,
    ("GET", "/ehoks/istunto"): ANY_SESSION,
    ("GET", f"{V}/session/kayttaja"): ANY_SESSION,
    ("GET", f"{OAPI}/session/kayttaja"): ANY_SESSION,
    ("POST", "/ehoks/logout"): ANY_SESSION,
    ("POST", "/ehoks/logout/kaikki"): ANY_SESSION,
    ("DELETE", f"{V}/session"): ANY_SESSION,
    ("DELETE", f"{OAPI}/oppija/session"): ANY_SESSION,
    # Officials
    ("GET", f"{V}/session"): OFFICIAL_ANY,
    ("GET", f"{V}/oppijat"): OFFICIAL_READ,
    ("GET", OHOKS): OFFICIAL_READ,
    ("POST", OHOKS): OFFICIAL_WRITE,
    ("GET", f"{OHOKS}/{{hoks_id}}"): OFFICIAL_READ,
    ("PUT", f"{OHOKS}/{{hoks_id}}"): OFFICIAL_WRITE,
    ("PATCH", f"{OHOKS}/{{hoks_id}}"): OFFICIAL_WRITE,
    ("PATCH", f"{OHOKS}/{{hoks_id}}/shallow-delete"): OFFICIAL_DELETE,
    ("PATCH", f"{V}/hoks/{{hoks_id}}/undo-shallow-delete"): SUPERUSER,
    ("DELETE", f"{V}/hoks/{{hoks_id}}"): SUPERUSER,
    # Students
    ("GET", f"{OAPI}/oppija/session"): STUDENT_ANY,
    ("GET", f"{OAPI}/oppija/oppijat/{{oid}}/hoks"): STUDENT_OWN,
    ("GET", f"{OAPI}/oppija/oppijat/{{oid}}/lukijat"): STUDENT_OWN,
    ("POST", f"{OAPI}/oppija/jaot/jakolinkit"): STUDENT_OWN,
    ("PATCH", f"{OAPI}/oppija/jaot/jakolinkit/{{jako_id}}"): STUDENT_OWN,
    ("DELETE", f"{OAPI}/oppija/jaot/jakolinkit/{{jako_id}}"): STUDENT_OWN,
    ("GET", f"{OAPI}/oppija/jaot/moduulit/{{module_id}}"): STUDENT_OWN,
    ("GET", f"{OAPI}/oppija/hoksit/{{hoks_ref}}/jaot"): STUDENT_OWN,
    ("POST", f"{OAPI}/oppija/jaot/suostumukset"): STUDENT_OWN,
    ("DELETE", f"{OAPI}/oppija/jaot/suostumukset/{{jako_id}}"): STUDENT_OWN,
    # Workplace instructors, assessors and recipients
    ("GET", "/ehoks/tyopaikka/osat"): EMAIL_ANY,
    ("GET", f"{OAPI}/tyopaikka/hoksit"): EMAIL_ANY,
    ("GET", f"{OAPI}/oppija/jaot/jakolinkit/{{jako_id}}"): RECIPIENT,
    ("GET", f"{OAPI}/oppija/jaot/suostumukset/{{jako_id}}"): RECIPIENT,
    ("GET", "/ehoks/jako/{jako_id}"): RECIPIENT_PAGE,
    ("GET", "/ehoks-tyopaikantoimija-ui/{jako_id}"): RECIPIENT_PAGE,
    # Pages for everyone
    ("GET", "/ehoks"): PUBLIC,
    ("GET", "/ehoks/"): PUBLIC,
    ("GET", "/ehoks/saavutettavuusseloste"): PUBLIC,
    ("GET", "/ehoks/tietosuoja"): PUBLIC,
    ("GET", "/ehoks/tyopaikka/lahetetty"): PUBLIC,
    ("GET", "/ehoks-tyopaikantoimija-ui"): PUBLIC,
    ("GET", "/ehoks-tyopaikantoimija-ui/"): PUBLIC,
    ("GET", "/ehoks/sahkoposti/{token}/koodi"): PROTOCOL,
    ("GET", "/ehoks/jako/{jako_id}/kirjautumislinkki"): PROTOCOL,
    ("GET", "/ehoks/kehitys/posti"): DEVELOPMENT,
    ("GET", "/ehoks/kehitys/posti/{mail_id}"): DEVELOPMENT,
    # The student's pages
    ("GET", "/ehoks/suunnittelu"): STUDENT_ANY,
    ("GET", "/ehoks/lukijat"): STUDENT_ANY,
    ("GET", f"{PLAN}"): STUDENT_OWN,
    ("GET", f"{PLAN}/osaamiseni"): STUDENT_OWN,
    ("GET", f"{PLAN}/opiskelusuunnitelmani"): STUDENT_OWN,
    ("GET", f"{PLAN}/aikajana"): STUDENT_OWN,
    ("GET", f"{PLAN}/tulosta"): STUDENT_OWN,
    ("GET", f"{PLAN}/pdf"): STUDENT_OWN,
    ("GET", f"{PLAN}/jaot"): STUDENT_OWN,
    ("GET", f"{PLAN}/jaot/uusi"): STUDENT_OWN,
    ("POST", f"{PLAN}/jaot/uusi"): STUDENT_OWN,
    ("GET", f"{PLAN}/suostumukset/uusi"): STUDENT_OWN,
    ("POST", f"{PLAN}/suostumukset/uusi"): STUDENT_OWN,
    ("GET", f"{PLAN}/jaot/{{jako_id}}"): STUDENT_OWN,
    ("GET", f"{PLAN}/suostumukset/{{jako_id}}"): STUDENT_OWN,
    ("GET", f"{PLAN}/jaot/{{jako_id}}/peru"): STUDENT_OWN,
    ("GET", f"{PLAN}/suostumukset/{{jako_id}}/peru"): STUDENT_OWN,
    ("POST", f"{PLAN}/jaot/{{jako_id}}/peru"): STUDENT_OWN,
    ("POST", f"{PLAN}/suostumukset/{{jako_id}}/peru"): STUDENT_OWN,
    # The official's pages
    ("GET", f"{UI}/"): OFFICIAL_ANY,
    ("GET", f"{UI}/koulutuksenjarjestaja"): OFFICIAL_ANY,
    ("GET", f"{UI}/koulutuksenjarjestaja/{{organisaatio_oid}}"): OFFICIAL_READ,
    ("GET", f"{UI}/organisaatio"): OFFICIAL_ANY,
    ("POST", f"{UI}/organisaatio"): OFFICIAL_ANY,
    ("GET", f"{UI}/oppija/{{oppija_oid}}"): OFFICIAL_READ,
    # The original app's addresses redirect to the pages, which decide (followed here).
    ("GET", f"{UI}/koulutuksenjarjestaja/{{org}}/oppija/{{oppija_oid}}"): OFFICIAL_READ,
    ("GET", f"{UI}/koulutuksenjarjestaja/{{org}}/oppija/{{oppija_oid}}/{{eid}}"): OFFICIAL_READ,
    (
        "GET",
        f"{UI}/koulutuksenjarjestaja/{{org}}/oppija/{{oppija_oid}}/{{eid}}/{{old_tab}}",
    ): OFFICIAL_READ,
    ("GET", UIH): OFFICIAL_READ,
    ("GET", f"{UIH}/osaaminen"): OFFICIAL_READ,
    ("GET", f"{UIH}/opiskelusuunnitelma"): OFFICIAL_READ,
    ("GET", f"{UIH}/aikajana"): OFFICIAL_READ,
    ("GET", f"{UIH}/tulosta"): OFFICIAL_READ,
    ("GET", f"{UIH}/pdf"): OFFICIAL_READ,
    ("GET", f"{UIH}/historia"): OFFICIAL_READ,
    ("GET", f"{UIH}/historia/vertaa"): OFFICIAL_READ,  # redirects to the comparison
    ("GET", f"{UIH}/historia/{{first}}/{{second}}"): OFFICIAL_READ,
    ("GET", f"{UIH}/jatka"): OFFICIAL_READ,
    ("GET", f"{UIH}/poista"): OFFICIAL_DELETE,
    ("POST", f"{UIH}/poista"): OFFICIAL_DELETE,
    ("GET", f"{UIH}/poistettu"): OFFICIAL_ANY,
    ("GET", f"{UIH}/palauta"): SUPERUSER,
    ("POST", f"{UIH}/palauta"): SUPERUSER,
    ("POST", f"{UIH}/linkki"): OFFICIAL_WRITE,
    ("GET", f"{UI}/luohoks"): OFFICIAL_ANY,
    ("POST", f"{UI}/luohoks"): OFFICIAL_ANY,
    ("GET", f"{UI}/hoks/{{oppija_oid}}/{{hoks_id}}"): OFFICIAL_WRITE,
    ("POST", f"{UI}/hoks/{{oppija_oid}}/{{hoks_id}}"): OFFICIAL_WRITE,
    ("GET", f"{UI}/raportit"): OFFICIAL_ANY,
    ("GET", f"{UI}/raportit/{{raportti}}"): OFFICIAL_READ,
    ("GET", f"{UI}/raportit/{{raportti}}/csv"): OFFICIAL_READ,
}
DOCS = {"/", "/docs", "/ehoks-virkailija-backend/doc", "/ehoks-virkailija-backend/doc/openapi.json"}


def _routes(app):
    """Every (method, path) the application serves: its included routers and its own routes."""
    candidates = [(prefix, route) for prefix, router in routers() for route in router.routes]
    for prefix, route in candidates:
        # A router included into another router is not flattened by FastAPI: its routes would
        # hide from this walk, so every router must be mounted on the application itself.
        assert isinstance(route, Route), f"{prefix}: {route!r} is not a route"
    # The application's own routes (the routers mounted on it appear as included routers).
    candidates += [("", route) for route in app.routes]
    for prefix, route in candidates:
        if isinstance(route, APIRoute):
            for method in sorted(route.methods - {"HEAD"}):
                yield method, prefix + route.path


def test_every_route_has_a_decision(app):
    undecided = [r for r in _routes(app) if r not in POLICY and r[1] not in DOCS]
    assert undecided == [], "routes without an access decision in tests/test_route_matrix.py"
    stale = [r for r in POLICY if r not in set(_routes(app))]
    assert stale == []


RECIPIENT_EMAIL = "vastaanottaja@example.org"
INSTRUCTOR_EMAIL = "olli@example.org"  # named in tests.factories.tyopaikkajakso


@pytest.fixture
def target(client, clients, world, db):
    oppija, oo = world.add_oppija("matrix")
    admin = clients.headers(OPH)
    hoks_id = client.post(f"{API}/hoks", json=hoks_body(oppija, oo), headers=admin).json()["meta"][
        "id"
    ]
    data = client.get(f"{API}/hoks/{hoks_id}", headers=admin).json()["data"]
    unit = data["hankittavat-ammat-tutkinnon-osat"][0]
    period = unit["osaamisen-hankkimistavat"][0]
    other_oppija, other_oo = world.add_oppija("matrix-new")
    # The learner's next study right, at the provider's other school: a plan may continue there.
    _, next_oo = world.add_oppija(
        "matrix",
        oid=oppija,
        opiskeluoikeudet=[
            koski_opiskeluoikeus(
                oid=opiskeluoikeus_oid("matrix-next"),
                oppilaitos=world.oppilaitos_2,
                koulutustoimija=world.koulutustoimija_1,
            )
        ],
    )
    today = date.today()
    now = datetime.now(UTC)
    ids = {}
    with make_session_factory(db).begin() as session:
        for laji, module_ids in (("jakolinkki", [period["module-id"]]), ("suostumus", [])):
            ids[laji] = f"00000000-0000-4000-8000-00000000000{len(ids) + 1}"
            session.add(
                Jako(
                    id=ids[laji],
                    laji=laji,
                    hoks_id=hoks_id,
                    oppija_oid=oppija,
                    module_ids=module_ids,
                    kohde_tyyppi="osaamisenhankkiminen" if laji == "jakolinkki" else None,
                    vastaanottaja_nimi="Veera Vastaanottaja",
                    vastaanottaja_sahkoposti=RECIPIENT_EMAIL,
                    tarkoitus="Matriisitesti" if laji == "suostumus" else None,
                    voimassaolo_alku=today,
                    voimassaolo_loppu=today + timedelta(days=30),
                    created_at=now,
                    updated_at=now,
                )
            )
    return {
        "hoks_id": hoks_id,
        "eid": data["eid"],
        "module_id": period["module-id"],
        "unit_id": unit["module-id"],
        "naytto_id": unit["osaamisen-osoittaminen"][0]["module-id"],
        "period": {k: v for k, v in period.items() if k != "module-id"},
        "opiskeluoikeus_oid": oo,
        "next_opiskeluoikeus_oid": next_oo,
        "oppija_oid": oppija,
        "other_oppija_oid": other_oppija,
        "new_body": hoks_body(other_oppija, other_oo),
        "put_body": {**hoks_body(oppija, oo), "id": hoks_id},
        "jakolinkki": ids["jakolinkki"],
        "suostumus": ids["suostumus"],
        "oppilaitos": world.oppilaitos_1,
    }


def _request(method, path, target):
    """A concrete, otherwise valid request for the route."""
    jako = target["suostumus"] if "suostumukset" in path else target["jakolinkki"]
    if path.endswith("/jaot/uusi"):
        path += f"?osa={target['module_id']}"
    url = (
        path.replace("{hoks_id}", str(target["hoks_id"]))
        .replace("{hoks_ref}", str(target["hoks_id"]))
        .replace("{eid}", target["eid"])
        .replace("{org}", target["oppilaitos"])
        .replace("{organisaatio_oid}", target["oppilaitos"])
        .replace("{old_tab}", "osaaminen")
        .replace("{first}", "1")
        .replace("{second}", "1")
        .replace("{raportti}", "tyopaikkajaksot")
        .replace("{mail_id}", "20261206T085812123456Z-0a1b2c3d")
        .replace("{opiskeluoikeus_oid}", target["opiskeluoikeus_oid"])
        .replace("{oppija_oid}", target["oppija_oid"])
        .replace("{oid}", target["oppija_oid"])
        .replace("{jako_id}", jako)
        .replace("{arvioija_id}", "1")
        .replace("{version}", "1")
        .replace("{name}", "HOKS")
        .replace("{legacy_part}", "hankittava-ammat-tutkinnon-osa")
        .replace("{part_id}", "1")
    )
    if path.endswith("/onrmodify"):
        url += f"?oid={target['oppija_oid']}"
    if path.endswith("/virkailija/oppijat"):
        url += f"?oppilaitos-oid={target['oppilaitos']}"
    if "/raportit/" in path:
        url += f"?organisaatio={target['oppilaitos']}"
    if path.endswith("/jatkoluonnos"):
        url += f"?opiskeluoikeus-oid={target['next_opiskeluoikeus_oid']}"
    if path.endswith("/historia/vertaa"):
        url += "?a=1&b=1"
    body = None
    if path.endswith("{module_id}/{kokoelma}"):
        url = url.replace("{module_id}", target["unit_id"]).replace(
            "{kokoelma}", "osaamisen-hankkimistavat"
        )
        body = {**target["period"], "yksiloiva-tunniste": "matrix-2"}
    elif path.endswith("/osat/{kokoelma}"):
        url = url.replace("{kokoelma}", "opiskeluvalmiuksia-tukevat-opinnot")
        body = {"nimi": "x", "kuvaus": "y", "alku": "2024-09-01", "loppu": "2024-09-02"}
    if "/arvioijat" in path:
        url = url.replace("{module_id}", target["naytto_id"])
        if method == "POST":
            body = {"nimi": "Tiina Työelämä", "sahkoposti": "tiina@example.org"}
    url = url.replace("{module_id}", target["module_id"])
    if method == "PUT" and "/osat/" in path:
        body = target["period"]
    elif method == "PUT":
        body = target["put_body"]
    elif path.endswith("shallow-delete"):
        body = {"oppilaitos-oid": None}
    elif method == "PATCH" and "legacy" not in path and "/hoks/" in path:
        body = {"id": target["hoks_id"], "versio": 7}
    elif (method == "POST" and path.endswith(("/hoks", "/hoksit"))) or path.endswith("/validointi"):
        body = target["new_body"]
        if path.endswith("/hoksit"):
            url = url.replace(target["oppija_oid"], target["other_oppija_oid"])
    elif path.endswith("/jaot/jakolinkit") or path.endswith("/jaot/suostumukset"):
        body = _share_body(path, target)
    elif method == "PATCH" and "/jaot/" in path:
        body = {"voimassaolo-loppu": (date.today() + timedelta(days=10)).isoformat()}
    elif body is None and method in ("POST", "PATCH") and "/arvioijat" not in path:
        body = {}
    return url, body


def _share_body(path, target):
    window = {
        "voimassaolo-alku": date.today().isoformat(),
        "voimassaolo-loppu": (date.today() + timedelta(days=5)).isoformat(),
    }
    recipient = {"nimi": "Matti Matriisi", "sahkoposti": "matti@example.org", "organisaatio": "M"}
    if path.endswith("/suostumukset"):
        return {
            "hoks-id": target["hoks_id"],
            "vastaanottaja": recipient,
            "tarkoitus": "x",
            **window,
        }
    return {
        "hoks-id": target["hoks_id"],
        "shared-module-uuid": target["module_id"],
        "shared-module-tyyppi": "osaamisenhankkiminen",
        "vastaanottaja": recipient,
        **window,
    }


# Routes that touch personal data: every success must leave an audit event.
PERSONAL = (
    VIPUNEN,
    READ,
    WRITE,
    OFFICIAL_READ,
    OFFICIAL_WRITE,
    OFFICIAL_DELETE,
    SUPERUSER,
    STUDENT_OWN,
    EMAIL_ANY,
    RECIPIENT,
    RECIPIENT_PAGE,
)
# Routes under those rules that show no learner's data (nothing to audit).
NOT_A_READ: set[tuple[str, str]] = set()


def _audit_count(db):
    """The events by outcome: in the chain, and on SQLite also those the read appender put in
    its spool beside the database because a writer held the lock for a moment (audit.spool;
    durable, and moved into the chain once the lock is free: audited all the same). Read in a
    write transaction (IMMEDIATE on SQLite), so that no move commits between the two looks."""
    counts = {"succeeded": 0, "denied": 0, "failed": 0}
    with db.begin() as conn:
        rows = conn.execute(
            text("SELECT outcome, count(*) FROM audit_event GROUP BY outcome")
        ).all()
        counts.update(dict(rows))
        path = spool_path(db)
        if path is not None and path.exists():
            marks = dict(conn.execute(text("SELECT spool_id, last_id FROM audit_spool_mark")).all())
            with closing(sqlite3.connect(path)) as spool:
                meta = spool.execute("SELECT spool_id FROM spool_meta").fetchone()
                moved = marks.get(meta[0], 0) if meta else 0
                batches = spool.execute("SELECT records FROM spooled WHERE id > ?", (moved,))
                for (payload,) in batches:
                    for record in orjson.loads(payload):
                        counts[record["outcome"]] += 1
    return counts


# "disabled": a CRUD client on the OPH root, disabled after its token was issued; every route
# must refuse the token at once (revocation, docs/security.md).
SERVICE_CALLERS = ("anonymous", "disabled", *SERVICE)
SESSION_CALLERS = (*OFFICIALS, *STUDENTS, *EMAILS)
# Destructive routes last, so the others still find the HOKS as the fixture made it.
DESTRUCTIVE = ("DELETE", "shallow-delete", "undo-shallow-delete")


ENDS_SESSION = ("/logout", "/logout/kaikki", "/virkailija/session", "/oppija/session")


def ends_session(method, path):
    return path.endswith(ENDS_SESSION) and method in ("POST", "DELETE")


def _order(route):
    method, path = route
    # Revoking a share on the student's page too: after the JSON API's revoke.
    destructive = method == "DELETE" or path.endswith((*DESTRUCTIVE[1:], "/peru", "/poista"))
    tier = 1 if destructive else 0
    if method == "DELETE" and path.endswith("/virkailija/hoks/{hoks_id}"):
        tier = 2  # the hard delete: after it, the HOKS is gone for every other route
    return (3 if ends_session(method, path) else tier, path, method)


def _session_actor(caller, world, target):
    crud = f"ROLE_APP_EHOKS_CRUD_{world.koulutustoimija_1}"
    return {
        "official": OfficialActor(
            "1.2.246.562.24.10000000011",
            "Virkailija",
            grants_from_roles([crud, f"ROLE_APP_EHOKS_HOKS_DELETE_{world.koulutustoimija_1}"]),
        ),
        "official_outsider": OfficialActor(
            "1.2.246.562.24.10000000029",
            "Muu virkailija",
            grants_from_roles([f"ROLE_APP_EHOKS_CRUD_{world.oppilaitos_3}"]),
        ),
        "superuser": OfficialActor(
            "1.2.246.562.24.10000000037",
            "Pääkäyttäjä",
            grants_from_roles([f"ROLE_APP_EHOKS_OPHPAAKAYTTAJA_{OPH}"]),
        ),
        "student": StudentActor(target["oppija_oid"], "Opiskelija"),
        "other_student": StudentActor(target["other_oppija_oid"], "Toinen"),
        "instructor": EmailActor(INSTRUCTOR_EMAIL),
        "recipient": EmailActor(RECIPIENT_EMAIL),
        "stranger": EmailActor("kuka@example.org"),
    }[caller]


@pytest.mark.parametrize("caller", SERVICE_CALLERS + SESSION_CALLERS)
def test_each_route_answers_each_caller_as_the_policy_says(
    app, db, settings, clients, world, target, caller
):
    web = TestClient(app, base_url=BASE_URL)
    headers = {"Caller-Id": "matrix"}
    if caller in SERVICE:
        headers = {
            "outsider": clients.headers(world.oppilaitos_3),
            "reader": clients.headers(world.oppilaitos_1, "READ"),
            "provider": clients.headers(world.koulutustoimija_1),
            "oph": clients.headers(OPH),
        }[caller]
    elif caller == "disabled":
        headers = clients.headers(OPH)
        with make_session_factory(db).begin() as session:
            access_service.disable_client(session, clients.last_client_id)
    elif caller != "anonymous":
        headers |= login(web, db, settings, _session_actor(caller, world, target))
    failures = []
    checked = 0
    for method, path in sorted(_routes(app), key=_order):
        if path in DOCS or POLICY[(method, path)] in (TOKEN, PROTOCOL):
            continue
        checked += 1
        rule = POLICY[(method, path)]
        url, body = _request(method, path, target)
        if ends_session(method, path) and caller in SESSION_CALLERS:
            headers |= login(web, db, settings, _session_actor(caller, world, target))
        before = _audit_count(db)
        response = web.request(method, url, json=body, headers=headers)
        status = response.status_code
        after = _audit_count(db)
        audited = {outcome: after[outcome] - before[outcome] for outcome in after}
        allowed = rule in (PUBLIC, DEVELOPMENT) or caller in ALLOWED[rule]
        if rule == RECIPIENT_PAGE and caller in SERVICE_CALLERS:
            if status != 200 or "Esimerkki Oy" in response.text:
                failures.append(f"{method} {path}: anonymous got {status} or shared content")
            continue
        # A student asking for a part outside their own HOKSes may get 404: to them it does
        # not exist.
        denials = (401, 403, 404) if rule == STUDENT_OWN and caller in STUDENTS else (401, 403)
        if not allowed and status not in denials:
            failures.append(f"{method} {path}: {caller} got {status}, expected a denial")
        if allowed and status in (401, 403):
            failures.append(f"{method} {path}: {caller} was denied ({status})")
        # An address named nowhere is shown an empty list: no one's data, nothing to audit.
        shown_nothing = rule == EMAIL_ANY and caller == "stranger"
        personal = rule in PERSONAL and (path, method) not in NOT_A_READ and not shown_nothing
        if allowed and status < 300 and personal and audited["succeeded"] < 1:
            failures.append(f"{method} {path}: {caller} succeeded without an audit event")
        hoks_route = caller in SERVICE and rule in (READ, WRITE) and "{hoks_id}" in path
        if not allowed and hoks_route and audited["denied"] < 1:
            failures.append(f"{method} {path}: {caller}'s denial was not audited")
        if rule == RETIRED and allowed and status != 410:
            failures.append(f"{method} {path}: expected 410, got {status}")
    assert failures == []
    skipped = sum(1 for rule in POLICY.values() if rule in (TOKEN, PROTOCOL))
    assert checked == len(POLICY) - skipped
