"""Workplace instructors and assessors: the e-mail link + one-time code login over a real local
SMTP server, and exactly their part of the HOKS afterwards (law 531/2017 § 109 a)."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from ehoks.access.actor import EmailActor
from ehoks.config import Settings
from ehoks.main import create_app
from tests.conftest import API
from tests.factories import OPH, hoks_body, tyopaikkajakso
from tests.sessions import login

pytest_plugins = ["tests.fakes.smtp"]

PUBLIC = "https://testserver"
OAPI = "/ehoks-oppija-backend/api/v1"
OLLI = "olli@example.org"  # instructor of unit A (tests.factories.tyopaikkajakso)
PIRJO = "pirjo@example.org"  # instructor of unit B
TIINA = "tiina@example.org"  # assessor of unit B's demonstration


@pytest.fixture
def web(db, database_url, smtp_server, world):
    settings = Settings(
        environment="test",
        database_url=database_url,
        public_url=PUBLIC,
        smtp=smtp_server.settings(),
    )
    with TestClient(create_app(settings, engine=db), base_url=PUBLIC) as client:
        client.follow_redirects = False
        client.settings = settings
        yield client


@pytest.fixture
def plan(web, clients, world):
    """A HOKS with two units: A with Olli's period, B with Pirjo's period and a demonstration
    whose assessor Tiina's address the provider recorded."""
    oppija, oo = world.add_oppija("tyopaikka")
    body = hoks_body(oppija, oo)
    unit_a = body["hankittavat-ammat-tutkinnon-osat"][0]
    unit_b = {
        **unit_a,
        "tutkinnon-osa-koodi-uri": "tutkinnonosat_300269",
        "osaamisen-hankkimistavat": [tyopaikkajakso("jakso-b", alku="2024-10-01")],
    }
    period_b = unit_b["osaamisen-hankkimistavat"][0]
    period_b["tyopaikalla-jarjestettava-koulutus"] = {
        **period_b["tyopaikalla-jarjestettava-koulutus"],
        "tyopaikan-nimi": "Toinen Oy",
        "vastuullinen-tyopaikka-ohjaaja": {"nimi": "Pirjo Pomo", "sahkoposti": PIRJO},
    }
    body["hankittavat-ammat-tutkinnon-osat"] = [unit_a, unit_b]
    headers = clients.headers(OPH)
    created = web.post(f"{API}/hoks", json=body, headers=headers)
    assert created.status_code == 200, created.text
    hoks_id = created.json()["meta"]["id"]
    data = web.get(f"{API}/hoks/{hoks_id}", headers=headers).json()["data"]
    units = data["hankittavat-ammat-tutkinnon-osat"]
    naytto = units[1]["osaamisen-osoittaminen"][0]["module-id"]
    recorded = web.post(
        f"{API}/hoks/{hoks_id}/osat/{naytto}/arvioijat",
        json={"nimi": "Tiina Työelämä", "sahkoposti": TIINA},
        headers=headers,
    )
    assert recorded.status_code in (200, 201), recorded.text
    return {
        "hoks_id": hoks_id,
        # Unit A's demonstration names the same assessor, but no address was recorded for it.
        "naytto_a": units[0]["osaamisen-osoittaminen"][0]["module-id"],
        "period_a": units[0]["osaamisen-hankkimistavat"][0]["module-id"],
        "period_b": units[1]["osaamisen-hankkimistavat"][0]["module-id"],
        "naytto_b": naytto,
    }


def _module_ids(value) -> set[str]:
    return set(re.findall(r'"module-id":\s*"([^"]+)"', str(value).replace("'", '"')))


def _csrf(web) -> str:
    page = web.get("/ehoks/tyopaikka")
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def test_instructor_logs_in_by_link_and_code_and_sees_only_their_period(web, plan, smtp_server):
    csrf = _csrf(web)
    asked = web.post("/ehoks/tyopaikka", data={"sahkoposti": OLLI.upper(), "csrf_token": csrf})
    assert asked.status_code == 200
    link = smtp_server.link_to(OLLI)
    path = link.removeprefix(PUBLIC)
    assert web.get(path).status_code == 200
    assert web.post(f"{path}/koodi", data={"csrf_token": csrf}).status_code == 200
    code = smtp_server.code_to(OLLI)
    wrong = "000000" if code != "000000" else "111111"
    refused = web.post(path, data={"koodi": wrong, "csrf_token": csrf})
    assert refused.status_code == 400
    assert "4" in refused.text  # tries left
    logged_in = web.post(path, data={"koodi": code, "csrf_token": csrf})
    assert logged_in.status_code == 303
    assert logged_in.headers["location"] == "/ehoks/tyopaikka/osat"

    hoksit = web.get(f"{OAPI}/tyopaikka/hoksit").json()["data"]
    assert len(hoksit) == 1
    shown = hoksit[0]["hoks"]
    assert hoksit[0]["peruste"] == "instructor"
    assert _module_ids(shown) >= {plan["period_a"]}
    assert plan["period_b"] not in _module_ids(shown)
    assert plan["naytto_b"] not in _module_ids(shown)
    assert plan["naytto_a"] not in _module_ids(shown)  # a demonstration is the assessor's part
    assert "Toinen Oy" not in str(shown)
    assert "opiskelija@example.org" not in str(shown)  # the student's own contact data
    assert web.get("/ehoks/tyopaikka/osat").status_code == 200
    # Login rotated the CSRF token; the old one is refused, and a used link cannot log anyone
    # in again.
    assert web.post(path, data={"koodi": code, "csrf_token": csrf}).status_code == 403
    fresh = web.cookies.get("__Host-ehoks-csrf")
    assert web.post(path, data={"koodi": code, "csrf_token": fresh}).status_code == 410


def test_instructor_of_unit_b_and_the_assessor_see_only_their_own(web, plan, db, world):
    login(web, db, web.settings, EmailActor(PIRJO))
    shown = web.get(f"{OAPI}/tyopaikka/hoksit").json()["data"][0]["hoks"]
    assert plan["period_b"] in _module_ids(shown)
    assert plan["period_a"] not in _module_ids(shown)
    assert plan["naytto_b"] not in _module_ids(shown)

    login(web, db, web.settings, EmailActor(TIINA))
    result = web.get(f"{OAPI}/tyopaikka/hoksit").json()["data"]
    assert result[0]["peruste"] == "assessor"
    shown = result[0]["hoks"]
    assert plan["naytto_b"] in _module_ids(shown)
    assert plan["naytto_a"] not in _module_ids(shown)
    assert plan["period_a"] not in _module_ids(shown)
    assert plan["period_b"] not in _module_ids(shown)
    with db.connect() as conn:
        bases = conn.execute(
            text("SELECT legal_basis FROM audit_event WHERE actor_id = :a"), {"a": f"email:{TIINA}"}
        ).scalars()
        assert "assessor" in list(bases)


def test_the_service_api_answers_no_one_logged_in_by_email(web, plan, db):
    login(web, db, web.settings, EmailActor(OLLI))
    # The session cookie is no credential for the service API (a token or CAS ticket is).
    service = web.get(f"{API}/hoks/{plan['hoks_id']}", headers={"Caller-Id": "t"})
    assert service.status_code == 401
    assert "Olli" not in service.text
    assert web.get(f"{API}/virkailija/oppijat").status_code == 403


def test_an_unknown_address_gets_the_same_answer_and_no_mail(web, plan, smtp_server):
    csrf = _csrf(web)
    known = web.post("/ehoks/tyopaikka", data={"sahkoposti": OLLI, "csrf_token": csrf})
    unknown = web.post("/ehoks/tyopaikka", data={"sahkoposti": "x@example.org", "csrf_token": csrf})
    assert known.status_code == unknown.status_code == 200
    assert known.text == unknown.text
    assert smtp_server.to("x@example.org") == []
    assert len(smtp_server.to(OLLI)) == 1


def test_forms_before_login_need_the_double_submit_token(web, plan, smtp_server):
    response = web.post("/ehoks/tyopaikka", data={"sahkoposti": OLLI})
    assert response.status_code == 403
    assert smtp_server.to(OLLI) == []


def test_the_form_cannot_flood_an_instructors_mailbox(web, plan, smtp_server):
    csrf = _csrf(web)
    answers = {
        web.post("/ehoks/tyopaikka", data={"sahkoposti": OLLI, "csrf_token": csrf}).text
        for _ in range(3)
    }
    assert len(answers) == 1  # the same page every time
    assert len(smtp_server.to(OLLI)) == 1
