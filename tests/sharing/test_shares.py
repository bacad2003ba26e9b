"""Share links over HTTP: the owner creates, lists, extends and revokes them (and nobody else
may, D9); the recipient sees exactly the shared part for exactly the window; every read is
audited; the share survives a PUT that keeps the part and answers 410 once a PUT drops it."""

from __future__ import annotations

import copy
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from ehoks.access.actor import StudentActor
from ehoks.auth import email_login
from ehoks.auth.models import EmailChallenge
from ehoks.db import make_session_factory
from ehoks.hoks.service.common import now_utc, today_in_finland
from ehoks.main import create_app
from ehoks.outbox.models import OutboxJob
from tests.conftest import API
from tests.factories import tyopaikkajakso
from tests.fakes.smtp import deliver_outbox
from tests.sessions import BASE_URL, login, logout
from tests.sharing.conftest import (
    JAKOLINKIT,
    OPPIJA,
    RECIPIENT,
    audit_events,
    jako_rows,
    make_plan,
    set_window,
    share_body,
    with_sharing_routes,
)

TODAY = today_in_finland()


def _create(client, plan, csrf, **overrides):
    response = client.post(JAKOLINKIT, json=share_body(plan, **overrides), headers=csrf)
    assert response.status_code == 200, response.text
    return response.json()["meta"]["uuid"]


def _fi(day):
    return f"{day.day}.{day.month}.{day.year}"


class TestOwner:
    def test_creates_a_share_mails_the_recipient_and_audits_it(
        self, client, plan, as_student, smtp_server, db, settings
    ):
        csrf = as_student()
        response = client.post(JAKOLINKIT, json=share_body(plan), headers=csrf)
        assert response.status_code == 200, response.text
        body = response.json()
        jako_id = body["meta"]["uuid"]
        assert body["data"]["uri"] == f"{JAKOLINKIT}/{jako_id}"
        assert body["data"]["shared-module-uuid"] == plan.period["module-id"]
        assert body["data"]["tila"] == "voimassa"
        # Stored lower-cased, as the e-mail login compares addresses.
        assert body["data"]["vastaanottaja"]["sahkoposti"] == RECIPIENT.lower()
        [row] = jako_rows(db)
        assert (row.laji, row.hoks_id, row.module_ids) == (
            "jakolinkki",
            plan.hoks_id,
            [plan.period["module-id"]],
        )

        # One mail, the share notice, whose link logs the recipient in to this share.
        [mail] = smtp_server.to(RECIPIENT)
        assert "Sanni Jakaja" in smtp_server.plain_text(mail)
        link = smtp_server.link_to(RECIPIENT)
        assert link.startswith(f"{BASE_URL}/ehoks/sahkoposti/")
        token = link.rsplit("/", 1)[1]
        with make_session_factory(db).begin() as session:
            info = email_login.describe(session, token, now=now_utc())
        assert (info.purpose, info.target) == ("jako", jako_id)

        [event] = audit_events(db, operation="share")
        assert (event.legal_basis, event.basis_ref, event.hoks_id) == ("own", jako_id, plan.hoks_id)
        assert event.part == plan.period["module-id"]
        assert event.details["vastaanottaja"]["sahkoposti"] == RECIPIENT.lower()
        assert "tyopaikalla-jarjestettava-koulutus" not in str(event.details)

    def test_lists_extends_and_revokes(self, client, plan, as_student, db):
        csrf = as_student()
        jako_id = _create(client, plan, csrf)
        listed = client.get(f"{OPPIJA}/oppija/hoksit/{plan.eid}/jaot").json()["data"]
        assert [j["share-id"] for j in listed["jakolinkit"]] == [jako_id]
        assert listed["jakolinkit"][0]["osa-olemassa"] is True
        assert listed["suostumukset"] == []
        by_id = client.get(f"{OPPIJA}/oppija/hoksit/{plan.hoks_id}/jaot").json()["data"]
        assert by_id == listed
        module = client.get(f"{OPPIJA}/oppija/jaot/moduulit/{plan.period['module-id']}")
        assert [j["share-id"] for j in module.json()["data"]] == [jako_id]

        new_end = (TODAY + timedelta(days=90)).isoformat()
        extended = client.patch(
            f"{JAKOLINKIT}/{jako_id}", json={"voimassaolo-loppu": new_end}, headers=csrf
        )
        assert extended.status_code == 200, extended.text
        assert extended.json()["data"]["voimassaolo-loppu"] == new_end

        revoked = client.delete(f"{JAKOLINKIT}/{jako_id}", headers=csrf)
        assert revoked.status_code == 200
        assert revoked.json()["data"]["tila"] == "peruttu"
        # The row stays (audit, and the recipient's 410); the module list shows live ones only.
        assert jako_rows(db)[0].revoked_at is not None
        module = client.get(f"{OPPIJA}/oppija/jaot/moduulit/{plan.period['module-id']}")
        assert module.json()["data"] == []
        listed = client.get(f"{OPPIJA}/oppija/hoksit/{plan.eid}/jaot").json()["data"]
        assert listed["jakolinkit"][0]["tila"] == "peruttu"
        # A revoked share cannot be revived by moving its window.
        again = client.patch(
            f"{JAKOLINKIT}/{jako_id}", json={"voimassaolo-loppu": new_end}, headers=csrf
        )
        assert again.status_code == 410
        operations = [e.operation for e in audit_events(db) if e.basis_ref == jako_id]
        assert operations == ["share", "share-update", "share-revoke"]

    def test_shares_a_demonstration_and_a_whole_unit(self, client, plan, as_student, as_email):
        csrf = as_student()
        naytto = _create(
            client,
            plan,
            csrf,
            **{
                "shared-module-uuid": plan.naytto["module-id"],
                "shared-module-tyyppi": "osaamisenosoittaminen",
            },
        )
        unit = _create(
            client,
            plan,
            csrf,
            **{
                "shared-module-uuid": plan.unit["module-id"],
                "shared-module-tyyppi": "tutkinnonosa",
            },
        )
        as_email()
        data = client.get(f"{JAKOLINKIT}/{naytto}").json()["data"]
        assert data["osaamisen-osoittaminen"]["module-id"] == plan.naytto["module-id"]
        assert data["osaamisen-hankkimistapa"] is None
        assert "osaamisen-hankkimistavat" not in data["tutkinnonosa"]
        whole = client.get(f"{JAKOLINKIT}/{unit}").json()["data"]
        assert whole["tutkinnonosa"]["module-id"] == plan.unit["module-id"]
        assert (
            whole["tutkinnonosa"]["osaamisen-hankkimistavat"][0]["module-id"]
            == (plan.period["module-id"])
        )

    @pytest.mark.parametrize(
        ("change", "status", "where"),
        [
            ({"voimassaolo-loppu": (TODAY - timedelta(days=1)).isoformat()}, 400, "error"),
            ({"voimassaolo-alku": (TODAY + timedelta(days=31)).isoformat()}, 400, "error"),
            ({"voimassaolo-loppu": (TODAY + timedelta(days=400)).isoformat()}, 400, "loppu"),
            ({"shared-module-tyyppi": "osaamisenosoittaminen"}, 400, "shared-module-uuid"),
            ({"shared-module-uuid": "6f1c2d2e-1111-4222-8333-444455556666"}, 400, "uuid"),
            ({"tutkinnonosa-tyyppi": "HankittavaYTOOsaAlue"}, 400, "tutkinnonosa-tyyppi"),
            ({"vastaanottaja": {"nimi": "X", "sahkoposti": "ei osoite"}}, 400, "sahkoposti"),
            ({"vastaanottaja": {"nimi": " ", "sahkoposti": RECIPIENT}}, 400, "nimi"),
            ({"hoks-eid": None}, 400, "hoks-eid"),
            ({"hoks-eid": "6f1c2d2e-1111-4222-8333-444455556666"}, 404, "HOKS not found"),
        ],
    )
    def test_invalid_share_names_the_field_and_changes_nothing(
        self, client, plan, as_student, db, smtp_server, change, status, where
    ):
        csrf = as_student()
        response = client.post(JAKOLINKIT, json=share_body(plan, **change), headers=csrf)
        assert response.status_code == status, response.text
        assert where in response.text
        assert jako_rows(db) == []
        assert smtp_server.messages == []

    def test_original_messages_for_dates(self, client, plan, as_student):
        csrf = as_student()
        past = client.post(
            JAKOLINKIT,
            json=share_body(plan, **{"voimassaolo-loppu": (TODAY - timedelta(days=1)).isoformat()}),
            headers=csrf,
        )
        assert past.json() == {"error": "Shared link end date cannot be in the past"}
        backwards = client.post(
            JAKOLINKIT,
            json=share_body(
                plan,
                **{
                    "voimassaolo-alku": (TODAY + timedelta(days=5)).isoformat(),
                    "voimassaolo-loppu": (TODAY + timedelta(days=4)).isoformat(),
                },
            ),
            headers=csrf,
        )
        assert backwards.json() == {"error": "Shared link end date cannot be before the start date"}

    def test_needs_a_session_and_its_csrf_token(self, client, plan, as_student):
        assert client.post(JAKOLINKIT, json=share_body(plan)).status_code == 401
        as_student()
        assert client.post(JAKOLINKIT, json=share_body(plan)).status_code == 403


class TestOtherStudent:
    """D9: the original let any logged-in learner create, read and delete any link."""

    def test_cannot_create_list_extend_or_revoke(
        self, client, plan, as_student, as_other_student, db
    ):
        jako_id = _create(client, plan, as_student())
        csrf = as_other_student()
        assert client.post(JAKOLINKIT, json=share_body(plan), headers=csrf).status_code == 403
        assert client.get(f"{OPPIJA}/oppija/hoksit/{plan.eid}/jaot").status_code == 403
        assert client.get(f"{OPPIJA}/oppija/hoksit/{plan.hoks_id}/jaot").status_code == 403
        # Someone else's part is simply not among one's own.
        module = client.get(f"{OPPIJA}/oppija/jaot/moduulit/{plan.period['module-id']}")
        assert module.status_code == 404
        patch = client.patch(
            f"{JAKOLINKIT}/{jako_id}",
            json={"voimassaolo-loppu": (TODAY + timedelta(days=60)).isoformat()},
            headers=csrf,
        )
        assert patch.status_code == 403
        assert client.delete(f"{JAKOLINKIT}/{jako_id}", headers=csrf).status_code == 403
        # Nor can they read it as a recipient would: a student session is not an e-mail one.
        assert client.get(f"{JAKOLINKIT}/{jako_id}").status_code == 403
        [row] = jako_rows(db)
        assert row.revoked_at is None
        assert row.voimassaolo_loppu == TODAY + timedelta(days=30)


class TestRecipient:
    @pytest.fixture
    def rich_plan(self, client, clients, world):
        """A plan with two periods in the first unit and a second unit with its own period."""
        first = {
            "tutkinnon-osa-koodi-uri": "tutkinnonosat_300268",
            "tutkinnon-osa-koodi-versio": 1,
            "osaamisen-hankkimistavat": [
                tyopaikkajakso("jaettu"),
                tyopaikkajakso("toinen", alku="2025-01-07", loppu="2025-03-01"),
            ],
        }
        second = {
            "tutkinnon-osa-koodi-uri": "tutkinnonosat_777777",
            "tutkinnon-osa-koodi-versio": 1,
            "osaamisen-hankkimistavat": [
                tyopaikkajakso("muu", alku="2025-04-01", loppu="2025-05-01")
            ],
        }
        return make_plan(
            client, clients, world, "rikas", **{"hankittavat-ammat-tutkinnon-osat": [first, second]}
        )

    def test_sees_exactly_the_shared_part_and_the_read_is_audited(
        self, client, rich_plan, db, settings, as_email
    ):
        plan = rich_plan
        csrf = login(client, db, settings, StudentActor(plan.oppija, "Riku Rikas"))
        shared = plan.period["module-id"]
        jako_id = _create(client, plan, csrf)
        as_email()
        response = client.get(f"{JAKOLINKIT}/{jako_id}")
        assert response.status_code == 200, response.text
        data = response.json()["data"]
        assert data["share-id"] == jako_id
        assert "Oppija" in data["oppija-nimi"]
        assert data["tutkinto-nimi"]
        assert data["tutkinnonosa-tyyppi"] == "HankittavaAmmatillinenTutkinnonOsa"
        assert data["tutkinnonosa"]["tutkinnon-osa-koodi-uri"] == "tutkinnonosat_300268"
        assert "osaamisen-hankkimistavat" not in data["tutkinnonosa"]
        assert data["osaamisen-hankkimistapa"]["module-id"] == shared
        assert data["osaamisen-osoittaminen"] is None
        text = response.text
        other_ids = {
            p["module-id"]
            for unit in plan.data["hankittavat-ammat-tutkinnon-osat"]
            for p in unit["osaamisen-hankkimistavat"]
        } - {shared}
        for absent in (
            *other_ids,
            "tutkinnonosat_777777",
            "opiskelija@example.org",
            "040 1234567",
            plan.oppija,
        ):
            assert absent not in text
        [event] = audit_events(db, operation="read", legal_basis="share")
        assert (event.basis_ref, event.part, event.hoks_id) == (jako_id, shared, plan.hoks_id)
        assert event.actor_id == f"email:{RECIPIENT.lower()}"

    def test_window_revocation_address_and_unknown(self, client, plan, as_student, as_email, db):
        csrf = as_student()
        later = _create(
            client,
            plan,
            csrf,
            **{
                "voimassaolo-alku": (TODAY + timedelta(days=3)).isoformat(),
                "voimassaolo-loppu": (TODAY + timedelta(days=5)).isoformat(),
            },
        )
        expired = _create(client, plan, csrf)
        set_window(
            db,
            expired,
            voimassaolo_alku=TODAY - timedelta(days=9),
            voimassaolo_loppu=TODAY - timedelta(days=1),
        )
        live = _create(client, plan, csrf)
        other = _create(client, plan, csrf)
        as_email()
        assert client.get(f"{JAKOLINKIT}/{live}").status_code == 200
        not_yet = client.get(f"{JAKOLINKIT}/{later}")
        assert (not_yet.status_code, not_yet.json()) == (
            423,
            {"message": "Shared link not yet active"},
        )
        gone = client.get(f"{JAKOLINKIT}/{expired}")
        assert (gone.status_code, gone.json()) == (410, {"message": "Shared link is expired"})
        assert client.get(f"{JAKOLINKIT}/6f1c2d2e-1111-4222-8333-444455556666").status_code == 404

        # Revoking stops access at once.
        csrf = as_student()
        assert client.delete(f"{JAKOLINKIT}/{live}", headers=csrf).status_code == 200
        as_email()
        revoked = client.get(f"{JAKOLINKIT}/{live}")
        assert (revoked.status_code, revoked.json()) == (410, {"message": "Shared link is revoked"})

        as_email("someone.else@example.org")
        assert client.get(f"{JAKOLINKIT}/{other}").status_code == 403
        logout(client)
        assert client.get(f"{JAKOLINKIT}/{other}").status_code == 401
        reads = [
            e
            for e in audit_events(db, operation="read", hoks_id=plan.hoks_id)
            if e.actor_id.startswith("email:")
        ]
        assert [(e.outcome, e.legal_basis, e.basis_ref) for e in reads] == [
            ("succeeded", "share", live),
            ("failed", None, None),  # 423
            ("failed", None, None),  # 410 expired
            ("failed", None, None),  # 410 revoked
            ("denied", None, None),  # another address
        ]
        assert reads[-1].actor_id == "email:someone.else@example.org"

    def test_survives_a_put_that_keeps_the_part_and_is_gone_when_a_put_drops_it(
        self, client, plan, as_student, as_email
    ):
        jako_id = _create(client, plan, as_student())
        current = copy.deepcopy(plan.data)
        current.pop("eid")
        current.pop("manuaalisyotto")
        current["puhelinnumero"] = "040 7654321"
        put = client.put(f"{API}/hoks/{plan.hoks_id}", json=current, headers=plan.headers)
        assert put.status_code == 204, put.text
        as_email()
        kept = client.get(f"{JAKOLINKIT}/{jako_id}")
        assert kept.status_code == 200
        assert (
            kept.json()["data"]["osaamisen-hankkimistapa"]["module-id"]
            == (plan.period["module-id"])
        )

        current["hankittavat-ammat-tutkinnon-osat"][0]["osaamisen-hankkimistavat"] = []
        put = client.put(f"{API}/hoks/{plan.hoks_id}", json=current, headers=plan.headers)
        assert put.status_code == 204, put.text
        dropped = client.get(f"{JAKOLINKIT}/{jako_id}")
        assert (dropped.status_code, dropped.json()) == (
            410,
            {"message": "Shared module no longer exists"},
        )
        page = client.get(f"/ehoks/jako/{jako_id}")
        assert page.status_code == 410
        assert "Jaettua osaa ei enää ole" in page.text
        as_student()
        listed = client.get(f"{OPPIJA}/oppija/hoksit/{plan.eid}/jaot").json()["data"]
        assert listed["jakolinkit"][0]["osa-olemassa"] is False

    def test_yto_sub_area_share_names_the_sub_area_and_its_unit(
        self, client, clients, world, db, settings, as_email
    ):
        """D10: the original looked the unit of a sub-area share up among the common units."""
        yto = {
            "tutkinnon-osa-koodi-uri": "tutkinnonosat_101053",
            "tutkinnon-osa-koodi-versio": 1,
            "osa-alueet": [
                {
                    "osa-alue-koodi-uri": "ammatillisenoppiaineet_vvai",
                    "osa-alue-koodi-versio": 1,
                    "osaamisen-hankkimistavat": [tyopaikkajakso("yto-jakso")],
                }
            ],
        }
        plan = make_plan(
            client, clients, world, "yto", **{"hankittavat-yhteiset-tutkinnon-osat": [yto]}
        )
        osa_alue = plan.data["hankittavat-yhteiset-tutkinnon-osat"][0]["osa-alueet"][0]
        csrf = login(client, db, settings, StudentActor(plan.oppija, "Ylva"))
        jako_id = _create(
            client,
            plan,
            csrf,
            **{
                "tutkinnonosa-module-uuid": osa_alue["module-id"],
                "tutkinnonosa-tyyppi": "HankittavaYTOOsaAlue",
                "shared-module-uuid": osa_alue["osaamisen-hankkimistavat"][0]["module-id"],
            },
        )
        as_email()
        data = client.get(f"{JAKOLINKIT}/{jako_id}").json()["data"]
        assert data["tutkinnonosa-tyyppi"] == "HankittavaYTOOsaAlue"
        assert data["tutkinnonosa"]["osa-alue-koodi-uri"] == "ammatillisenoppiaineet_vvai"
        assert data["yhteinen-tutkinnon-osa"]["tutkinnon-osa-koodi-uri"] == "tutkinnonosat_101053"
        assert "osa-alueet" not in data["yhteinen-tutkinnon-osa"]


class TestMailFailure:
    def test_smtp_down_saves_the_share_and_keeps_its_mail_for_later(
        self, db, settings, unreachable_smtp, world, clients, plan
    ):
        # The request never talks to the mail server: the share and its mail (an outbox job)
        # commit together, and the worker retries while the server is down.
        broken = settings.model_copy(update={"smtp": unreachable_smtp})
        app = with_sharing_routes(create_app(broken, engine=db))
        with TestClient(app, base_url=BASE_URL) as other:
            csrf = login(other, db, settings, StudentActor(plan.oppija, "Sanni Jakaja"))
            response = other.post(JAKOLINKIT, json=share_body(plan), headers=csrf)
        assert response.status_code == 200, response.text
        assert len(jako_rows(db)) == 1

        assert deliver_outbox(db, unreachable_smtp) == 1

        with make_session_factory(db).begin() as session:
            (job,) = session.scalars(select(OutboxJob)).all()
            assert len(session.scalars(select(EmailChallenge)).all()) == 1
        assert (job.kind, job.state, job.attempts) == ("mail", "pending", 1)
        assert job.last_error.startswith("MailUnavailable: could not connect")


class TestPage:
    def test_recipient_page_shows_the_share_with_a_real_heading(
        self, client, plan, as_student, as_email
    ):
        jako_id = _create(client, plan, as_student())
        as_email()
        page = client.get(f"/ehoks/jako/{jako_id}")
        assert page.status_code == 200, page.text
        html = page.text
        alku, loppu = TODAY - timedelta(days=1), TODAY + timedelta(days=30)
        assert f"Työpaikalla oppimisen tiedot on jaettu sinulle {_fi(alku)}–{_fi(loppu)}." in html
        assert "<h1>Työpaikalla oppimisen tiedot</h1>" in html
        assert "tutkinnonosat_300268" in html  # the unit's heading
        assert "Olli Ohjaaja" in html
        assert "Esimerkki Oy" in html
        assert "Tähän tarvitaan otsikko" not in html
        assert "opiskelija@example.org" not in html
        assert page.headers["cache-control"] == "no-store"

    def test_visitor_without_session_can_only_have_a_link_sent_to_the_recipient(
        self, client, plan, as_student, smtp_server, db
    ):
        jako_id = _create(client, plan, as_student())
        logout(client)
        page = client.get(f"/ehoks/jako/{jako_id}")
        assert page.status_code == 200
        assert "r***@example.org" in page.text
        assert "Rauni" not in page.text
        assert "Olli Ohjaaja" not in page.text
        action = f"/ehoks/jako/{jako_id}/kirjautumislinkki"
        assert action in page.text
        csrf = client.cookies.get("__Host-ehoks-csrf")
        assert csrf
        # Without the double-submit token: refused.
        assert client.post(action, data={}).status_code == 403
        # Just after the share's own mail: not another one yet.
        assert client.post(action, data={"csrf_token": csrf}).status_code == 429
        with make_session_factory(db).begin() as session:
            for challenge in session.scalars(select(EmailChallenge)):
                challenge.created_at -= timedelta(minutes=10)
        sent = client.post(action, data={"csrf_token": csrf, "sahkoposti": "evil@example.org"})
        assert sent.status_code == 200, sent.text
        assert "r***@example.org" in sent.text
        assert len(smtp_server.to(RECIPIENT)) == 2
        assert smtp_server.to("evil@example.org") == []

    def test_error_pages_have_their_status_and_say_why_in_finnish(
        self, client, plan, as_student, as_email, db
    ):
        csrf = as_student()
        later = _create(
            client,
            plan,
            csrf,
            **{
                "voimassaolo-alku": (TODAY + timedelta(days=3)).isoformat(),
                "voimassaolo-loppu": (TODAY + timedelta(days=5)).isoformat(),
            },
        )
        expired = _create(client, plan, csrf)
        set_window(db, expired, voimassaolo_loppu=TODAY - timedelta(days=1))
        revoked = _create(client, plan, csrf)
        client.delete(f"{JAKOLINKIT}/{revoked}", headers=csrf)
        live = _create(client, plan, csrf)
        page = client.get(f"/ehoks/jako/{live}")
        assert (page.status_code, "Sivu on jaon vastaanottajalle" in page.text) == (403, True)
        as_email()
        for jako_id, status, text in (
            (later, 423, f"nähtävissä {_fi(TODAY + timedelta(days=3))} alkaen"),
            (expired, 410, "Jako on päättynyt"),
            (revoked, 410, "Jako on peruttu"),
            ("6f1c2d2e-1111-4222-8333-444455556666", 404, "Jakoa ei löydy"),
        ):
            page = client.get(f"/ehoks/jako/{jako_id}")
            assert (page.status_code, text in page.text) == (status, True), page.text
        as_email("someone.else@example.org")
        page = client.get(f"/ehoks/jako/{live}")
        assert page.status_code == 403
        assert "toiseen osoitteeseen" in page.text
