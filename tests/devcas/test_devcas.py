"""The development CAS and CAS-oppija (``ehoks.devcas``): logins end to end through our own
CAS client over HTTP (the application served by uvicorn, as ``make run`` serves it), signed
tickets, and that none of it exists unless switched on in development."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient

from ehoks.access.actor import OfficialActor, SystemActor, grants_from_roles
from ehoks.auth.service import dev_choices
from ehoks.auth.sessions import CSRF_COOKIE_NAME
from ehoks.config import Settings
from ehoks.context import build_runtime
from ehoks.db import make_session_factory
from ehoks.devcas import tickets
from ehoks.devcas.people import role_strings
from ehoks.hoks import service as hoks_service
from ehoks.main import create_app
from ehoks.registries import build_registries
from ehoks.settings.auth import SessionSettings
from tests.browser.conftest import LiveServer, _free_port
from tests.factories import hoks_body

SESSION = "/ehoks-virkailija-backend/api/v1/virkailija/session/kayttaja"
SECRET = "test-secret-for-the-development-cas-0123456789"


@pytest.fixture
def student(db, database_url, world) -> str:
    """A learner with a HOKS: the development login then offers the provider's official,
    Lukija Liisa of the institution and this student."""
    oppija, oo = world.add_oppija("kehityscas")
    settings = Settings(environment="test", database_url=database_url)
    deps = build_runtime(settings, db).context()
    with make_session_factory(db).begin() as session:
        hoks_service.create(session, SystemActor("test"), hoks_body(oppija, oo), deps)
    return oppija


def _settings(database_url: str, public_url: str, **overrides: object) -> Settings:
    return Settings(
        environment="test",
        database_url=database_url,
        public_url=public_url,
        token_secret=SECRET,
        # The test's HTTP client speaks plain http to localhost and would withhold Secure
        # cookies (a browser treats localhost as secure; httpx does not).
        session=SessionSettings(cookie_secure=False),
        **overrides,  # type: ignore[arg-type]
    )


@pytest.fixture
def live(db, database_url, student) -> Iterator[LiveServer]:
    port = _free_port()
    settings = _settings(database_url, f"http://localhost:{port}", dev_cas=True)
    with LiveServer(create_app(settings, engine=db), port) as server:
        yield server


@pytest.fixture
def http(live) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live.url, follow_redirects=False, timeout=20) as client:
        yield client


def _login_through_cas(http: httpx.Client, realm: str, kuka: str) -> httpx.Response:
    """Start at eHOKS, choose ``kuka`` on the development CAS's page, come back with the
    ticket; returns eHOKS's answer to the ticket."""
    start = http.get(f"/ehoks/kirjaudu/{realm}")
    assert start.status_code == 303
    cas = "cas" if realm == "virkailija" else "cas-oppija"
    assert start.headers["location"].startswith(f"{http.base_url}/kehitys-cas/{cas}/login?")
    page = http.get(start.headers["location"])
    assert page.status_code == 200
    service = parse_qs(urlsplit(start.headers["location"]).query)["service"][0]
    chosen = http.post(
        f"/kehitys-cas/{cas}/login",
        data={"kuka": kuka, "service": service, "csrf_token": http.cookies[CSRF_COOKIE_NAME]},
    )
    assert chosen.status_code == 303
    back = chosen.headers["location"]
    assert back.startswith(f"{service}?ticket=ST-")
    return http.get(back)


def test_an_official_logs_in_through_the_development_cas(http):
    page = http.get("/kehitys-cas/cas/login", params={"service": f"{http.base_url}/ehoks/x"}).text
    assert "Lukija Liisa" in page
    assert "Kehittäjä Pääkäyttäjä" in page
    landed = _login_through_cas(http, "virkailija", "virkailija:luku")
    assert landed.status_code == 303
    assert landed.headers["location"] == "/ehoks-virkailija-ui/"
    who = http.get(SESSION).json()["data"]
    assert who["kind"] == "virkailija"
    assert "1.2.246.562.24.19999999999" in who["id"]  # Lukija Liisa's OID, from oidHenkilo
    assert http.get("/ehoks-virkailija-ui/").status_code in (200, 303)


def test_a_student_logs_in_through_the_development_cas_oppija(http, student):
    page = http.get(
        "/kehitys-cas/cas-oppija/login", params={"service": f"{http.base_url}/ehoks/x"}
    ).text
    assert student in page
    landed = _login_through_cas(http, "oppija", f"oppija:{student}")
    assert landed.status_code == 303
    assert landed.headers["location"] == "/ehoks/suunnittelu"
    assert http.get(SESSION).json()["data"]["kind"] == "oppija"
    assert http.get("/ehoks/suunnittelu").status_code == 200


def test_a_tampered_ticket_is_refused_by_the_login(http):
    start = http.get("/ehoks/kirjaudu/virkailija").headers["location"]
    service = parse_qs(urlsplit(start).query)["service"][0]
    roles = ["ROLE_APP_EHOKS_OPHPAAKAYTTAJA_1.2.246.562.10.00000000001"]
    good = tickets.issue(
        SECRET,
        realm="cas",
        username="x",
        attributes={"oidHenkilo": ["1.2.246.562.24.1"], "roles": roles},
        service=service,
    )
    forged = tickets.issue(
        "another secret", realm="cas", username="x", attributes={}, service=service
    )
    payload, _, signature = good.partition(".")
    tampered = f"{payload[:-2]}{'A' if payload[-2] != 'A' else 'B'}{payload[-1]}.{signature}"
    for ticket in (forged, tampered):
        answer = http.get(f"{service}?ticket={ticket}")
        assert answer.status_code == 401
        assert http.get(SESSION).status_code == 401


def test_validation_answers_cas_xml(database_url, db, student):
    app = create_app(_settings(database_url, "https://testserver", dev_cas=True), engine=db)
    service = "https://testserver/ehoks-virkailija-backend/cas-security-check"
    attributes = {"kayttajaTyyppi": ["VIRKAILIJA"], "roles": ["A", "B"]}
    ticket = tickets.issue(
        SECRET, realm="cas", username="liisa", attributes=attributes, service=service
    )
    with TestClient(app, base_url="https://testserver") as client:
        ok = client.get(
            "/kehitys-cas/cas/p3/serviceValidate", params={"ticket": ticket, "service": service}
        )
        assert "<cas:user>liisa</cas:user>" in ok.text
        assert "<cas:roles>A</cas:roles><cas:roles>B</cas:roles>" in ok.text
        refusals = {
            "another service": ("cas", ticket, f"{service}?paluu=/x"),
            "another realm": ("cas-oppija", ticket, service),
            "not a ticket": ("cas", "TGT-1", service),
            "missing": ("cas", "", service),
        }
        for realm, shown, at in refusals.values():
            answer = client.get(
                f"/kehitys-cas/{realm}/serviceValidate", params={"ticket": shown, "service": at}
            )
            assert answer.status_code == 200
            assert "authenticationFailure" in answer.text
        # A ticket lives for five minutes; not single use (development only).
        with pytest.raises(tickets.TicketRefused, match="expired"):
            tickets.validate(SECRET, realm="cas", ticket=ticket, service=service, now=10**12)


def test_the_login_page_gives_tickets_only_to_this_service_and_with_csrf(database_url, db, student):
    app = create_app(_settings(database_url, "https://testserver", dev_cas=True), engine=db)
    with TestClient(app, base_url="https://testserver", follow_redirects=False) as client:
        assert (
            client.get(
                "/kehitys-cas/cas/login", params={"service": "https://evil.example/"}
            ).status_code
            == 400
        )
        service = "https://testserver/ehoks/x"
        assert client.get("/kehitys-cas/cas/login", params={"service": service}).status_code == 200
        form = {"kuka": "virkailija:oph", "service": service}
        assert client.post("/kehitys-cas/cas/login", data=form).status_code == 403
        csrf = client.cookies[CSRF_COOKIE_NAME]
        answer = client.post("/kehitys-cas/cas/login", data={**form, "csrf_token": csrf})
        assert answer.status_code == 303
        logout = client.get("/kehitys-cas/cas/logout", params={"service": service})
        assert logout.headers["location"] == service
        away = client.get("/kehitys-cas/cas/logout", params={"service": "https://evil.example/"})
        assert away.headers["location"] == "https://testserver/"


def test_the_development_cas_is_not_there_unless_switched_on(client):
    for path in (
        "/kehitys-cas/cas/login",
        "/kehitys-cas/cas-oppija/serviceValidate",
        "/kehitys-cas/cas/p3/serviceValidate",
        "/kehitys-cas/cas/logout",
    ):
        assert client.get(path, params={"service": "http://localhost:8000/"}).status_code == 404


def test_settings_refuse_it_in_production_and_point_cas_at_it():
    with pytest.raises(ValueError, match="EHOKS_DEV_CAS"):
        Settings(environment="production", dev_cas=True, token_secret="x" * 40)
    settings = Settings(dev_cas=True)
    assert settings.cas.url == "http://localhost:8000/kehitys-cas/cas"
    served = settings.served_on("0.0.0.0", 8321)
    assert served.cas.url == "http://localhost:8321/kehitys-cas/cas"
    assert served.cas.oppija_url == "http://localhost:8321/kehitys-cas/cas-oppija"
    explicit = Settings(dev_cas=True, cas={"url": "https://cas.example/cas"})  # type: ignore[arg-type]
    assert explicit.served_on("0.0.0.0", 8321).cas.url == "https://cas.example/cas"
    assert Settings().cas.url == "https://virkailija.opintopolku.fi/cas"


def test_role_strings_give_back_the_development_logins_grants(db, student, database_url):
    settings = Settings(environment="test", database_url=database_url)
    with make_session_factory(db)() as session:
        officials = [
            c.actor
            for c in dev_choices(session, build_registries(settings, db))
            if isinstance(c.actor, OfficialActor)
        ]
    assert len(officials) >= 3
    for official in officials:
        roles = [role for grant in official.grants for role in role_strings(grant)]
        assert grants_from_roles(roles) == official.grants
