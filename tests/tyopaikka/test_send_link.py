"""The provider gives the workplace its part (law 531/2017 § 109 a ¶2–3): "send the link" on
the official's HOKS page mails the instructor or the assessor a login link to exactly their part,
over a real local SMTP server, with no transaction open while mailing; the time it was sent is
shown and audited. And a workplace instructor of students at two providers sees both after one
login, each under their institution's name."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text

from ehoks.access.actor import EmailActor, OfficialActor, grants_from_roles
from ehoks.audit.models import AuditEvent
from ehoks.config import Settings
from ehoks.db import make_session_factory
from ehoks.mail.sender import SmtpMailer
from ehoks.main import create_app
from ehoks.outbox.models import OutboxJob
from ehoks.tyopaikka.models import LinkkiLahetys
from tests.conftest import API
from tests.factories import OPH, hoks_body
from tests.fakes.smtp import deliver_outbox
from tests.sessions import login

pytest_plugins = ["tests.fakes.smtp"]

PUBLIC = "https://testserver"
UI = "/ehoks-virkailija-ui"
OAPI = "/ehoks-oppija-backend/api/v1"
OLLI = "olli@example.org"  # the instructor in tests.factories.tyopaikkajakso
TIINA = "tiina@example.org"


def _web(db, database_url, smtp):
    settings = Settings(environment="test", database_url=database_url, public_url=PUBLIC, smtp=smtp)
    client = TestClient(create_app(settings, engine=db), base_url=PUBLIC)
    client.follow_redirects = False
    client.settings = settings
    return client


@pytest.fixture
def web(db, database_url, smtp_server, world):
    with _web(db, database_url, smtp_server.settings()) as client:
        yield client


def official(*roles, name="Virkailija Vilma"):
    return OfficialActor("1.2.246.562.24.10000000011", name, grants_from_roles(roles))


def _plan(web, clients, world, seed="linkki", oppilaitos=None, instructor=OLLI):
    oppija, oo = world.add_oppija(seed, oppilaitos=oppilaitos or world.oppilaitos_1)
    body = hoks_body(oppija, oo)
    period = body["hankittavat-ammat-tutkinnon-osat"][0]["osaamisen-hankkimistavat"][0]
    period["tyopaikalla-jarjestettava-koulutus"]["vastuullinen-tyopaikka-ohjaaja"]["sahkoposti"] = (
        instructor
    )
    headers = clients.headers(OPH)
    created = web.post(f"{API}/hoks", json=body, headers=headers)
    assert created.status_code == 200, created.text
    hoks_id = created.json()["meta"]["id"]
    data = web.get(f"{API}/hoks/{hoks_id}", headers=headers).json()["data"]
    unit = data["hankittavat-ammat-tutkinnon-osat"][0]
    naytto = unit["osaamisen-osoittaminen"][0]["module-id"]
    recorded = web.post(
        f"{API}/hoks/{hoks_id}/osat/{naytto}/arvioijat",
        json={"nimi": "Tiina Työelämä", "sahkoposti": TIINA},
        headers=headers,
    )
    assert recorded.status_code in (200, 201), recorded.text
    return {
        "oppija": oppija,
        "hoks_id": hoks_id,
        "period": unit["osaamisen-hankkimistavat"][0]["module-id"],
        "naytto": naytto,
        "arvioija": recorded.json()["data"]["id"],
        "page": f"{UI}/oppija/{oppija}/hoks/{hoks_id}/opiskelusuunnitelma",
    }


@pytest.fixture
def plan(web, clients, world):
    return _plan(web, clients, world)


def _csrf(page) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def _sent_rows(db):
    with make_session_factory(db)() as session:
        return session.scalars(select(LinkkiLahetys).order_by(LinkkiLahetys.id)).all()


def _events(db, operation):
    with make_session_factory(db)() as session:
        rows = session.scalars(select(AuditEvent).order_by(AuditEvent.seq)).all()
    return [e for e in rows if e.operation == operation]


def test_the_instructor_gets_a_link_to_exactly_their_period(
    web, db, plan, smtp_server, world, monkeypatch
):
    # The request writes the mail to the outbox; the worker sends it after the commit, when
    # the link's challenge and the record of sending are visible to another connection and no
    # write lock is held: the mail is not inside a transaction.
    seen_during_send = []
    original = SmtpMailer.send

    def spying(self, mail):
        if "kirjautumislinkki" not in mail.subject:  # the code mail of the login that follows
            return original(self, mail)
        with db.begin() as conn:
            seen_during_send.append(
                (
                    conn.execute(text("SELECT count(*) FROM email_challenge")).scalar(),
                    conn.execute(text("SELECT count(*) FROM tyopaikka_linkki_lahetys")).scalar(),
                )
            )
            conn.execute(text("UPDATE email_challenge SET attempts = attempts WHERE 1 = 0"))
        original(self, mail)

    monkeypatch.setattr(SmtpMailer, "send", spying)
    login(web, db, web.settings, official(f"ROLE_APP_EHOKS_CRUD_{world.koulutustoimija_1}"))
    page = web.get(plan["page"])
    assert page.status_code == 200
    assert "Lähetä linkki" in page.text
    assert "Ei vielä lähetetty" in page.text
    sent = web.post(
        f"{UI}/oppija/{plan['oppija']}/hoks/{plan['hoks_id']}/linkki",
        data={"osa": plan["period"], "csrf_token": _csrf(page)},
    )
    assert sent.status_code == 303, sent.text
    assert sent.headers["location"].endswith("#linkit-tyopaikalle")
    assert seen_during_send == []  # nothing was mailed during the request
    assert [m["To"] for m in smtp_server.messages] == [OLLI]  # the worker delivers it
    assert seen_during_send == [(1, 1)]

    after = web.get(sent.headers["location"].split("#")[0])
    assert "Linkki on lähetetty" in after.text
    assert "Ei vielä lähetetty" in after.text  # the assessor has not been sent one
    assert "Lähetä linkki uudelleen" in after.text
    rows = _sent_rows(db)
    assert [(r.module_id, r.vastaanottaja, r.arvioija_id) for r in rows] == [
        (plan["period"], "ohjaaja", None)
    ]
    event = _events(db, "send-link")[-1]
    assert (event.hoks_id, event.part, event.legal_basis) == (
        plan["hoks_id"],
        plan["period"],
        "provider",
    )
    assert event.details["vastaanottaja"] == "ohjaaja"

    # The instructor follows the link: code, then their period only.
    web.cookies.clear()
    path = smtp_server.link_to(OLLI).removeprefix(PUBLIC)
    landing = web.get(path)
    assert landing.status_code == 200
    token = _csrf(landing)
    assert web.post(f"{path}/koodi", data={"csrf_token": token}).status_code == 200
    code = smtp_server.code_to(OLLI)
    assert web.post(path, data={"koodi": code, "csrf_token": token}).status_code == 303
    shown = web.get(f"{OAPI}/tyopaikka/hoksit").json()["data"]
    assert [h["peruste"] for h in shown] == ["instructor"]
    assert plan["period"] in str(shown)
    assert plan["naytto"] not in str(shown)


def test_the_assessor_gets_a_link_to_their_demonstration(web, db, plan, smtp_server, world):
    login(web, db, web.settings, official(f"ROLE_APP_EHOKS_CRUD_{world.koulutustoimija_1}"))
    page = web.get(plan["page"])
    sent = web.post(
        f"{UI}/oppija/{plan['oppija']}/hoks/{plan['hoks_id']}/linkki",
        data={"osa": plan["naytto"], "arvioija": str(plan["arvioija"]), "csrf_token": _csrf(page)},
    )
    assert sent.status_code == 303, sent.text
    assert [m["To"] for m in smtp_server.messages] == [TIINA]
    assert [(r.module_id, r.arvioija_id) for r in _sent_rows(db)] == [
        (plan["naytto"], plan["arvioija"])
    ]
    login(web, db, web.settings, EmailActor(TIINA))
    shown = web.get(f"{OAPI}/tyopaikka/hoksit").json()["data"]
    assert [h["peruste"] for h in shown] == ["assessor"]
    assert plan["naytto"] in str(shown)
    assert plan["period"] not in str(shown)


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"osa": "00000000-0000-4000-8000-000000000000"},
        {"osa": "naytto", "arvioija": "999"},
        {"osa": "period", "arvioija": "1"},  # an instructor's period with an assessor id
    ],
)
def test_a_part_naming_nobody_is_a_400_and_mails_nothing(web, db, plan, smtp_server, world, data):
    login(web, db, web.settings, official(f"ROLE_APP_EHOKS_CRUD_{world.koulutustoimija_1}"))
    page = web.get(plan["page"])
    form = {k: plan.get(v, v) if k == "osa" else v for k, v in data.items()}
    form["csrf_token"] = _csrf(page)
    sent = web.post(f"{UI}/oppija/{plan['oppija']}/hoks/{plan['hoks_id']}/linkki", data=form)
    assert sent.status_code == 400
    assert smtp_server.messages == []
    assert _sent_rows(db) == []


def test_without_the_csrf_token_nothing_is_sent(web, db, plan, smtp_server, world):
    login(web, db, web.settings, official(f"ROLE_APP_EHOKS_CRUD_{world.koulutustoimija_1}"))
    sent = web.post(
        f"{UI}/oppija/{plan['oppija']}/hoks/{plan['hoks_id']}/linkki",
        data={"osa": plan["period"]},
    )
    assert sent.status_code == 403
    assert smtp_server.messages == []


def test_only_an_official_who_may_change_the_plan_sends(web, db, plan, smtp_server, world):
    # The learner also studies at provider B now: B's official reads the plan, but sends
    # nothing; nor does a read-only official of A.
    world.add_oppija("linkki", oppilaitos=world.oppilaitos_3)
    for actor in (
        official(f"ROLE_APP_EHOKS_CRUD_{world.koulutustoimija_2}", name="Bea B"),
        official(f"ROLE_APP_EHOKS_READ_{world.oppilaitos_1}", name="Lukija Liisa"),
    ):
        login(web, db, web.settings, actor)
        page = web.get(plan["page"])
        assert page.status_code == 200, actor.name
        assert "Lähetä linkki" not in page.text
        sent = web.post(
            f"{UI}/oppija/{plan['oppija']}/hoks/{plan['hoks_id']}/linkki",
            data={"osa": plan["period"], "csrf_token": _csrf(page)},
        )
        assert sent.status_code == 403, actor.name
    assert smtp_server.messages == []
    assert _sent_rows(db) == []


def test_a_mail_server_outage_keeps_the_record_and_the_mail_together(
    db, database_url, unreachable_smtp, clients, world
):
    # The record of sending and the mail are one transaction: the mail waits in the outbox
    # while the server is down, and neither can be lost without the other.
    with _web(db, database_url, unreachable_smtp) as web:
        plan = _plan(web, clients, world)
        login(web, db, web.settings, official(f"ROLE_APP_EHOKS_CRUD_{world.koulutustoimija_1}"))
        page = web.get(plan["page"])
        sent = web.post(
            f"{UI}/oppija/{plan['oppija']}/hoks/{plan['hoks_id']}/linkki",
            data={"osa": plan["period"], "csrf_token": _csrf(page)},
        )
        assert sent.status_code == 303
        assert len(_sent_rows(db)) == 1
        assert len(_events(db, "send-link")) == 1
        assert deliver_outbox(db, unreachable_smtp) == 1
        with make_session_factory(db)() as session:
            (job,) = session.scalars(select(OutboxJob)).all()
        assert (job.state, job.attempts) == ("pending", 1)


def test_an_instructor_at_two_providers_sees_both_students_after_one_login(
    web, db, clients, world, smtp_server
):
    shared = "monen.ohjaaja@example.org"
    first = _plan(web, clients, world, seed="eka", instructor=shared)
    second = _plan(
        web, clients, world, seed="toka", oppilaitos=world.oppilaitos_3, instructor=shared
    )
    # One login through the mailed link and code.
    asked = web.get("/ehoks/tyopaikka")
    token = _csrf(asked)
    assert (
        web.post("/ehoks/tyopaikka", data={"sahkoposti": shared, "csrf_token": token}).status_code
        == 200
    )
    path = smtp_server.link_to(shared).removeprefix(PUBLIC)
    landing = web.get(path)
    assert web.post(f"{path}/koodi", data={"csrf_token": _csrf(landing)}).status_code == 200
    code = smtp_server.code_to(shared)
    assert web.post(path, data={"koodi": code, "csrf_token": _csrf(landing)}).status_code == 303
    page = web.get("/ehoks/tyopaikka/osat")
    assert page.status_code == 200
    assert "Testiopisto" in page.text
    assert "Toinen opisto" in page.text
    assert page.text.count('class="workplace-hoks"') == 2
    shown = web.get(f"{OAPI}/tyopaikka/hoksit").json()["data"]
    assert {first["period"], second["period"]} <= set(re.findall(r"[0-9a-f-]{36}", str(shown)))
