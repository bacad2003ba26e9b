"""Logging in and out through the application: CAS and CAS-oppija against the fake CAS, OpenID
Connect against the fake provider, the development login, the CAS ticket header of service
clients, and the session's cookie flags, fixation, CSRF, timeouts and single logout."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from ehoks.config import Settings
from ehoks.main import create_app
from tests.conftest import API
from tests.factories import OPH, hoks_body

PUBLIC = "https://testserver"
VIRKAILIJA_CALLBACK = f"{PUBLIC}/ehoks-virkailija-backend/cas-security-check"
OPPIJA_CALLBACK = f"{PUBLIC}/ehoks-oppija-backend/api/v1/oppija/session/opintopolku/"
OFFICIAL_OID = "1.2.246.562.24.10000000011"


@pytest.fixture
def make_client(db, database_url, cas_server, oidc_provider, world):
    opened = []

    def build(**overrides) -> TestClient:
        settings = Settings(
            environment="test",
            database_url=database_url,
            public_url=PUBLIC,
            cas=cas_server.settings(service_ticket_service=VIRKAILIJA_CALLBACK),
            **overrides,
        )
        client = TestClient(create_app(settings, engine=db), base_url=PUBLIC)
        client.follow_redirects = False
        client.__enter__()
        opened.append(client)
        return client

    yield build
    for client in opened:
        client.__exit__(None, None, None)


@pytest.fixture
def web(make_client):
    return make_client(dev_login=True)


def _cookies(response) -> dict[str, str]:
    return {c.split("=", 1)[0]: c for c in response.headers.get_list("set-cookie")}


def _cas_official_login(web, cas_server, roles):
    cas_server.add_virkailija("virkailija", oid=OFFICIAL_OID, roles=roles)
    start = web.get("/ehoks/kirjaudu/virkailija")
    assert start.status_code == 303
    assert parse_qs(urlsplit(start.headers["location"]).query)["service"] == [VIRKAILIJA_CALLBACK]
    ticket = cas_server.issue_ticket("virkailija", VIRKAILIJA_CALLBACK)
    return web.get("/ehoks-virkailija-backend/cas-security-check", params={"ticket": ticket})


def _csrf(web) -> str:
    return web.get(f"{API}/virkailija/session/kayttaja").json()["data"]["csrf-token"]


def test_cas_login_makes_a_session_with_safe_cookie_flags(web, cas_server, world):
    response = _cas_official_login(web, cas_server, [f"ROLE_APP_EHOKS_CRUD_{world.oppilaitos_1}"])
    assert response.status_code == 303
    assert response.headers["location"] == "/ehoks-virkailija-ui/"  # the official's start
    cookie = _cookies(response)["__Host-ehoks-session"]
    for flag in ("HttpOnly", "Secure", "Path=/", "SameSite=lax"):
        assert flag.lower() in cookie.lower()
    assert "domain=" not in cookie.lower()
    me = web.get(f"{API}/virkailija/session/kayttaja").json()["data"]
    assert me["kind"] == "virkailija"
    assert me["id"] == OFFICIAL_OID


def test_a_rejected_ticket_is_401_and_makes_no_session(web, cas_server):
    response = web.get("/ehoks-virkailija-backend/cas-security-check", params={"ticket": "ST-x"})
    assert response.status_code == 401
    assert response.json() == {"error": "Invalid ticket"}
    assert "set-cookie" not in response.headers


def test_login_never_reuses_a_session_id_the_browser_had(web, cas_server, world, db):
    planted = "attacker-chosen-value"
    web.cookies.set("__Host-ehoks-session", planted, domain="testserver.local")
    response = _cas_official_login(web, cas_server, [])
    new_value = _cookies(response)["__Host-ehoks-session"].split(";")[0].split("=", 1)[1]
    assert new_value != planted
    with db.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM user_session")).scalar() == 1


def test_state_changing_requests_need_the_csrf_token(web, cas_server):
    _cas_official_login(web, cas_server, [])
    assert web.post("/ehoks/logout").status_code == 403
    assert web.post("/ehoks/logout", data={"csrf_token": "wrong"}).status_code == 403
    assert web.get(f"{API}/virkailija/session/kayttaja").status_code == 200
    assert web.post("/ehoks/logout", data={"csrf_token": _csrf(web)}).status_code == 303
    assert web.get(f"{API}/virkailija/session/kayttaja").status_code == 401


def test_logout_everywhere_ends_the_other_devices_sessions(make_client, cas_server):
    first, second = make_client(), make_client()
    _cas_official_login(first, cas_server, [])
    _cas_official_login(second, cas_server, [])
    response = first.post("/ehoks/logout/kaikki", headers={"X-CSRF-Token": _csrf(first)})
    assert response.status_code == 303
    assert second.get(f"{API}/virkailija/session/kayttaja").status_code == 401


def test_cas_single_logout_ends_the_session_of_that_ticket(web, cas_server):
    cas_server.add_virkailija("v", oid=OFFICIAL_OID, roles=[])
    ticket = cas_server.issue_ticket("v", VIRKAILIJA_CALLBACK)
    web.get("/ehoks-virkailija-backend/cas-security-check", params={"ticket": ticket})
    assert web.get(f"{API}/virkailija/session/kayttaja").status_code == 200
    slo = web.post(
        "/ehoks-virkailija-backend/cas-security-check",
        data={"logoutRequest": cas_server.logout_request_xml(ticket)},
    )
    assert slo.status_code == 200
    assert web.get(f"{API}/virkailija/session/kayttaja").status_code == 401


def test_idle_and_absolute_timeouts_end_sessions(web, cas_server, db):
    _cas_official_login(web, cas_server, [])
    old = datetime.now(UTC) - timedelta(minutes=31)
    with db.begin() as conn:
        conn.execute(text("UPDATE user_session SET last_seen_at = :t"), {"t": old})
    assert web.get(f"{API}/virkailija/session/kayttaja").status_code == 401

    _cas_official_login(web, cas_server, [])
    with db.begin() as conn:
        conn.execute(
            text("UPDATE user_session SET expires_at = :t"),
            {"t": datetime.now(UTC) - timedelta(seconds=1)},
        )
    assert web.get(f"{API}/virkailija/session/kayttaja").status_code == 401


def test_a_service_user_cannot_log_in_to_the_officials_pages(web, cas_server):
    cas_server.add_virkailija("palvelu", oid=OFFICIAL_OID, kayttaja_tyyppi="PALVELU")
    ticket = cas_server.issue_ticket("palvelu", VIRKAILIJA_CALLBACK)
    response = web.get("/ehoks-virkailija-backend/cas-security-check", params={"ticket": ticket})
    assert response.status_code == 401


def test_cas_oppija_login_and_valtuudet(web, cas_server, world):
    oppija, _ = world.add_oppija("kirjautuja")
    cas_server.add_oppija("opiskelija", person_oid=oppija, first_name="Olga", surname="Oppija")
    ticket = cas_server.issue_ticket("opiskelija", OPPIJA_CALLBACK, oppija=True)
    response = web.get(
        "/ehoks-oppija-backend/api/v1/oppija/session/opintopolku/", params={"ticket": ticket}
    )
    assert response.status_code == 303
    me = web.get("/ehoks-oppija-backend/api/v1/session/kayttaja").json()["data"]
    assert me == {"kind": "oppija", "id": oppija, "csrf-token": me["csrf-token"]}

    cas_server.add_oppija(
        "huoltaja", person_oid=oppija, impersonator_oid="1.2.246.562.24.10000000029"
    )
    ticket = cas_server.issue_ticket("huoltaja", OPPIJA_CALLBACK, oppija=True)
    web.get("/ehoks-oppija-backend/api/v1/oppija/session/opintopolku/", params={"ticket": ticket})
    me = web.get("/ehoks-oppija-backend/api/v1/session/kayttaja").json()["data"]
    # The person acting on someone's behalf is not that student (reference 6.6).
    assert me["id"] == "1.2.246.562.24.10000000029"


def _oidc_login(web, oidc_provider, realm, sub):
    start = web.get(f"/ehoks/kirjaudu/{realm}")
    assert start.status_code == 303
    with httpx.Client(follow_redirects=False) as browser:
        at_provider = browser.get(start.headers["location"] + f"&login_hint={sub}")
    assert at_provider.status_code == 302
    back = urlsplit(at_provider.headers["location"])
    assert back.path == f"/ehoks/kirjaudu/oidc/{realm}/paluu"
    return web.get(f"{back.path}?{back.query}")


@pytest.fixture
def oidc_web(make_client, oidc_provider):
    redirects = [
        f"{PUBLIC}/ehoks/kirjaudu/oidc/{realm}/paluu" for realm in ("virkailija", "oppija")
    ]
    oidc_provider.add_client("ehoks", secret="s3cret", redirect_uris=redirects)
    settings = oidc_provider.settings("ehoks", "s3cret")
    return make_client(
        login_protocol_virkailija="oidc",
        login_protocol_oppija="oidc",
        oidc_virkailija=settings,
        oidc_oppija=settings,
    )


def test_oidc_login_with_pkce_for_officials_and_students(oidc_web, oidc_provider, world):
    oidc_provider.add_user(
        "official-1",
        {"name": "Vera Virkailija", "roles": [f"ROLE_APP_EHOKS_READ_{world.oppilaitos_1}"]},
    )
    response = _oidc_login(oidc_web, oidc_provider, "virkailija", "official-1")
    assert response.status_code == 303
    me = oidc_web.get(f"{API}/virkailija/session/kayttaja").json()["data"]
    assert me["kind"] == "virkailija"

    oppija, _ = world.add_oppija("oidc")
    oidc_provider.add_user("student-1", {"personOid": oppija, "name": "Otto"})
    _oidc_login(oidc_web, oidc_provider, "oppija", "student-1")
    assert oidc_web.get(f"{API}/virkailija/session/kayttaja").json()["data"]["id"] == oppija


def test_an_oidc_callback_with_an_unknown_state_is_refused(oidc_web):
    response = oidc_web.get("/ehoks/kirjaudu/oidc/virkailija/paluu?code=x&state=forged")
    assert response.status_code == 401


def test_oidc_backchannel_logout_ends_the_session(oidc_web, oidc_provider, world):
    oidc_provider.add_user("official-2", {"roles": []})
    _oidc_login(oidc_web, oidc_provider, "virkailija", "official-2")
    assert oidc_web.get(f"{API}/virkailija/session/kayttaja").status_code == 200
    sid = None
    with oidc_web.app.state.ehoks.runtime.read_sessions.begin() as session:
        sid = session.execute(text("SELECT login_ref FROM user_session")).scalar()
    token = oidc_provider.backchannel_logout_token("official-2", sid.split(":")[-1], "ehoks")
    response = oidc_web.post(
        "/ehoks/kirjaudu/oidc/virkailija/backchannel-logout", data={"logout_token": token}
    )
    assert response.status_code == 200
    assert oidc_web.get(f"{API}/virkailija/session/kayttaja").status_code == 401


def test_development_login_only_when_switched_on_in_development(make_client, web, world):
    assert make_client().get("/ehoks/kirjaudu/kehitys").status_code == 404
    with pytest.raises(ValueError, match="development"):
        Settings(environment="production", dev_login=True, token_secret="x" * 40)
    page = web.get("/ehoks/kirjaudu/kehitys")
    assert page.status_code == 200
    assert "OPH:n pääkäyttäjä" in page.text
    csrf = web.cookies.get("__Host-ehoks-csrf")
    assert web.post("/ehoks/kirjaudu/kehitys", data={"kuka": "virkailija:oph"}).status_code == 403
    response = web.post(
        "/ehoks/kirjaudu/kehitys", data={"kuka": "virkailija:oph", "csrf_token": csrf}
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/ehoks-virkailija-ui/"
    assert web.get(f"{API}/virkailija/session/kayttaja").json()["data"]["kind"] == "virkailija"


def test_service_clients_may_authenticate_with_a_cas_ticket_header(
    make_client, cas_server, world, clients
):
    api = make_client()
    oppija, oo = world.add_oppija("ticket")
    cas_server.add_virkailija(
        "sis",
        oid="1.2.246.562.24.10000000037",
        roles=[f"ROLE_APP_EHOKS_CRUD_{world.koulutustoimija_1}"],
        kayttaja_tyyppi="PALVELU",
    )
    ticket = cas_server.issue_ticket("sis", VIRKAILIJA_CALLBACK)
    created = api.post(
        f"{API}/hoks",
        json=hoks_body(oppija, oo),
        headers={"ticket": ticket, "Caller-Id": "test"},
    )
    assert created.status_code == 200, created.text
    # Tickets are single use, as CAS makes them.
    reused = api.get(f"{API}/hoks/1", headers={"ticket": ticket, "Caller-Id": "test"})
    assert reused.status_code == 401
    cas_server.add_virkailija("human", oid=OFFICIAL_OID, roles=[f"ROLE_APP_EHOKS_CRUD_{OPH}"])
    ticket = cas_server.issue_ticket("human", VIRKAILIJA_CALLBACK)
    refused = api.get(f"{API}/hoks/1", headers={"ticket": ticket, "Caller-Id": "test"})
    assert refused.status_code == 403


def test_cas_login_returns_to_the_page_it_started_from(web, cas_server):
    cas_server.add_virkailija("virkailija", oid=OFFICIAL_OID, roles=[])
    start = web.get("/ehoks/kirjaudu/virkailija", params={"paluu": "/ehoks/istunto?lang=sv"})
    service = parse_qs(urlsplit(start.headers["location"]).query)["service"][0]
    assert service.startswith(f"{VIRKAILIJA_CALLBACK}?paluu=")
    ticket = cas_server.issue_ticket("virkailija", service)
    back = web.get(f"{service.removeprefix(PUBLIC)}&ticket={ticket}")
    assert back.status_code == 303, back.text
    assert back.headers["location"] == "/ehoks/istunto?lang=sv"


@pytest.mark.parametrize(
    "paluu", ["//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:x"]
)
def test_a_return_address_outside_the_service_is_ignored(web, cas_server, paluu):
    start = web.get("/ehoks/kirjaudu/virkailija", params={"paluu": paluu})
    service = parse_qs(urlsplit(start.headers["location"]).query)["service"][0]
    assert service == VIRKAILIJA_CALLBACK
    page = web.get("/ehoks/kirjaudu", params={"paluu": paluu}).text
    assert 'href="/ehoks/kirjaudu/oppija"' in page  # the login links carry no return address
