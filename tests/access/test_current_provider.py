"""Law 531/2017 § 109 a ¶1: the provider where the learner studies now reads every plan of the
learner, whoever wrote it, read-only, while its study right in Koski has not ended.

A learner has a HOKS at provider A (koulutustoimija 1) and a study right at provider B
(koulutustoimija 2, oppilaitos 3) without a plan there yet; provider C (koulutustoimija 3) has
nothing to do with them."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from ehoks.access.actor import OfficialActor, StudentActor, SystemActor, grants_from_roles
from ehoks.audit.models import AuditEvent
from ehoks.db import make_session_factory
from ehoks.demo.oids import opiskeluoikeus_oid
from ehoks.hoks import service as hoks_service
from ehoks.kernel.clock import today_in_finland
from ehoks.main import create_app
from ehoks.registries import build_registries
from tests.conftest import API
from tests.factories import OPH, hoks_body, koski_opiskeluoikeus, tyopaikkajakso
from tests.sessions import BASE_URL, login
from tests.web.test_oppija_opinto import DownKoski

V = f"{API}/virkailija"
OAPI = "/ehoks-oppija-backend/api/v1"
SYSTEM = SystemActor("tests")


@pytest.fixture
def web(app):
    with TestClient(app, base_url=BASE_URL) as test_client:
        yield test_client


def official(organisation, role="READ", oid="1.2.246.562.24.10000000011", name="Bea B"):
    return OfficialActor(oid, name, grants_from_roles([f"ROLE_APP_EHOKS_{role}_{organisation}"]))


def _create(app, db, oppija, oo, **overrides):
    with make_session_factory(db).begin() as session:
        body = hoks_body(oppija, oo, **overrides)
        return hoks_service.create(session, SYSTEM, body, app.state.ehoks.runtime.context()).hoks_id


@pytest.fixture
def moved(app, db, world):
    """The learner: a plan at A on study right A, and a study right at B with no plan."""
    oppija, oo_a = world.add_oppija("muuttaja")
    oo_b = opiskeluoikeus_oid("muuttaja-b")
    world.add_oppija(
        "muuttaja",
        opiskeluoikeudet=[
            koski_opiskeluoikeus(
                oid=oo_b,
                oppilaitos=world.oppilaitos_3,
                koulutustoimija=world.koulutustoimija_2,
                alkamispaiva="2025-08-01",
            )
        ],
    )
    return {"oppija": oppija, "oo_a": oo_a, "oo_b": oo_b, "hoks": _create(app, db, oppija, oo_a)}


def _plan_at_b(moved):
    """A plan on B's study right, dated inside it."""
    body = hoks_body(moved["oppija"], moved["oo_b"], **{"ensikertainen-hyvaksyminen": "2025-08-05"})
    unit = body["hankittavat-ammat-tutkinnon-osat"][0]
    unit["osaamisen-hankkimistavat"] = [
        tyopaikkajakso("b-1", alku="2025-09-01", loppu="2025-12-19")
    ]
    unit["osaamisen-osoittaminen"][0] |= {"alku": "2025-12-01", "loppu": "2025-12-05"}
    return body


def _jakso(world, oppija, oo, alku, tila):
    """Record a new state of a study right in Koski (the local registry)."""
    for document in world.oppijat[oppija]["opiskeluoikeudet"]:
        if document["oid"] == oo:
            document["tila"]["opiskeluoikeusjaksot"].append(
                {"alku": alku.isoformat(), "tila": {"koodiarvo": tila}}
            )
    world.changed()


def _events(db, **where):
    with make_session_factory(db)() as session:
        rows = session.scalars(select(AuditEvent).order_by(AuditEvent.seq)).all()
    return [e for e in rows if all(getattr(e, k) == v for k, v in where.items())]


def test_bs_system_and_official_read_the_plan_a_made(web, db, settings, clients, world, moved):
    hoks_id = moved["hoks"]
    b_system = clients.headers(world.koulutustoimija_2, "READ")
    read = web.get(f"{API}/hoks/{hoks_id}", headers=b_system)
    assert read.status_code == 200, read.text
    assert read.json()["data"]["opiskeluoikeus-oid"] == moved["oo_a"]
    # The whole plan, not a scoped part of it.
    assert read.json()["data"]["hankittavat-ammat-tutkinnon-osat"][0]["osaamisen-hankkimistavat"]
    event = _events(db, hoks_id=hoks_id, operation="read", actor_kind="palvelukayttaja")[-1]
    assert event.legal_basis == "current-provider"
    assert event.basis_ref == moved["oo_b"]
    assert event.details["peruste-organisaatio-oid"] == world.oppilaitos_3

    login(web, db, settings, official(world.koulutustoimija_2))
    page = web.get(f"{V}/oppijat/{moved['oppija']}/hoksit/{hoks_id}")
    assert page.status_code == 200, page.text
    event = _events(db, hoks_id=hoks_id, operation="read", actor_kind="virkailija")[-1]
    assert (event.legal_basis, event.basis_ref) == ("current-provider", moved["oo_b"])


def test_c_who_has_no_study_right_of_the_learner_is_refused(
    web, db, settings, clients, world, moved
):
    hoks_id = moved["hoks"]
    c_system = clients.headers(world.koulutustoimija_3)
    assert web.get(f"{API}/hoks/{hoks_id}", headers=c_system).status_code == 401
    assert web.get(f"{API}/hoks/oppija/{moved['oppija']}", headers=c_system).status_code == 401
    assert _events(db, hoks_id=hoks_id, outcome="denied")
    login(web, db, settings, official(world.koulutustoimija_3, "CRUD"))
    assert web.get(f"{V}/oppijat/{moved['oppija']}/hoksit/{hoks_id}").status_code == 403
    assert web.get(f"{V}/oppijat/{moved['oppija']}/hoksit").status_code == 403


def test_b_never_writes_the_plan_a_made(web, db, settings, clients, world, moved):
    hoks_id = moved["hoks"]
    b_system = clients.headers(world.koulutustoimija_2, "CRUD")
    current = web.get(f"{API}/hoks/{hoks_id}", headers=b_system).json()["data"]
    body = {**hoks_body(moved["oppija"], moved["oo_a"]), "id": hoks_id}
    assert web.put(f"{API}/hoks/{hoks_id}", json=body, headers=b_system).status_code == 401
    patch = {"id": hoks_id, "sahkoposti": "b@example.org"}
    assert web.patch(f"{API}/hoks/{hoks_id}", json=patch, headers=b_system).status_code == 401
    unit = current["hankittavat-ammat-tutkinnon-osat"][0]
    period = unit["osaamisen-hankkimistavat"][0]
    part = {k: v for k, v in period.items() if k != "module-id"}
    part_url = f"{API}/hoks/{hoks_id}/osat/{period['module-id']}"
    assert web.put(part_url, json=part, headers=b_system).status_code == 401
    assert web.delete(part_url, headers=b_system).status_code == 401
    shared = web.post(
        f"{API}/hoks/{hoks_id}/osat/{unit['osaamisen-osoittaminen'][0]['module-id']}/arvioijat",
        json={"nimi": "Tiina Työelämä", "sahkoposti": "tiina@example.org"},
        headers=b_system,
    )
    assert shared.status_code == 401
    # A's plan is on A's study right: B cannot create another one on it either.
    again = web.post(
        f"{API}/hoks", json=hoks_body(moved["oppija"], moved["oo_a"]), headers=b_system
    )
    assert again.status_code == 401

    headers = login(web, db, settings, official(world.koulutustoimija_2, "CRUD"))
    url = f"{V}/oppijat/{moved['oppija']}/hoksit/{hoks_id}"
    assert web.put(url, json=body, headers=headers).status_code == 403
    assert web.patch(url, json=patch, headers=headers).status_code == 403
    assert web.patch(f"{url}/shallow-delete", json={}, headers=headers).status_code == 403
    after = web.get(f"{API}/hoks/{hoks_id}", headers=b_system).json()["data"]
    assert after == current


def test_as_plan_stays_readable_after_as_study_right_ended(web, clients, world, moved):
    _jakso(world, moved["oppija"], moved["oo_a"], today_in_finland(), "valmistunut")
    b_system = clients.headers(world.koulutustoimija_2, "READ")
    assert web.get(f"{API}/hoks/{moved['hoks']}", headers=b_system).status_code == 200
    listed = web.get(f"{API}/hoks/oppija/{moved['oppija']}", headers=b_system).json()["data"]
    assert [(r["id"], r["opiskeluoikeus-paattynyt"]) for r in listed] == [(moved["hoks"], True)]


def test_access_stops_the_day_bs_study_right_ends(web, clients, world, moved):
    today = today_in_finland()
    b_system = clients.headers(world.koulutustoimija_2, "READ")
    url = f"{API}/hoks/{moved['hoks']}"
    # Ending tomorrow: still B's student today.
    _jakso(world, moved["oppija"], moved["oo_b"], today + timedelta(days=1), "eronnut")
    assert web.get(url, headers=b_system).status_code == 200
    # Ended today: no longer.
    world.oppijat[moved["oppija"]]["opiskeluoikeudet"][1]["tila"]["opiskeluoikeusjaksot"].pop()
    _jakso(world, moved["oppija"], moved["oo_b"], today, "eronnut")
    assert web.get(url, headers=b_system).status_code == 401
    assert web.get(f"{API}/hoks/oppija/{moved['oppija']}", headers=b_system).status_code == 401


@pytest.mark.parametrize(
    "tila", ["valmistunut", "eronnut", "katsotaaneronneeksi", "peruutettu", "mitatoity"]
)
def test_every_terminal_state_ends_the_right(web, clients, world, moved, tila):
    _jakso(world, moved["oppija"], moved["oo_b"], today_in_finland() - timedelta(days=3), tila)
    b_system = clients.headers(world.koulutustoimija_2, "READ")
    assert web.get(f"{API}/hoks/{moved['hoks']}", headers=b_system).status_code == 401


@pytest.mark.parametrize("tila", ["lasna", "valiaikaisestikeskeytynyt", "loma"])
def test_a_study_right_in_force_or_paused_keeps_the_right(web, clients, world, moved, tila):
    _jakso(world, moved["oppija"], moved["oo_b"], today_in_finland() - timedelta(days=3), tila)
    b_system = clients.headers(world.koulutustoimija_2, "READ")
    assert web.get(f"{API}/hoks/{moved['hoks']}", headers=b_system).status_code == 200


def test_a_study_right_that_starts_later_counts(app, db, web, clients, world):
    oppija, oo_a = world.add_oppija("tuleva")
    hoks_id = _create(app, db, oppija, oo_a)
    later = (today_in_finland() + timedelta(days=60)).isoformat()
    world.add_oppija(
        "tuleva",
        opiskeluoikeudet=[
            koski_opiskeluoikeus(
                oid=opiskeluoikeus_oid("tuleva-b"),
                oppilaitos=world.oppilaitos_4,
                koulutustoimija=world.koulutustoimija_3,
                alkamispaiva=later,
            )
        ],
    )
    c_system = clients.headers(world.oppilaitos_4, "READ")
    assert web.get(f"{API}/hoks/{hoks_id}", headers=c_system).status_code == 200


def test_the_deleted_plan_is_not_read_on_the_learners_study_right(
    app, db, web, clients, world, moved
):
    a_admin = clients.headers(OPH)
    with make_session_factory(db).begin() as session:
        hoks_service.soft_delete(session, SYSTEM, moved["hoks"], app.state.ehoks.runtime.context())
    b_system = clients.headers(world.koulutustoimija_2, "READ")
    assert web.get(f"{API}/hoks/{moved['hoks']}", headers=b_system).status_code == 404
    listed = web.get(f"{API}/hoks/oppija/{moved['oppija']}", headers=b_system)
    assert listed.status_code == 200
    assert listed.json()["data"] == []
    assert web.get(f"{API}/hoks/oppija/{moved['oppija']}", headers=a_admin).json()["data"] == []


def test_the_learner_list_route(app, db, web, clients, world, moved):
    # B makes its own plan on B's study right: B's list has it first (newest), then A's.
    b_crud = clients.headers(world.koulutustoimija_2)
    created = web.post(f"{API}/hoks", json=_plan_at_b(moved), headers=b_crud)
    assert created.status_code == 200, created.text
    b_hoks = created.json()["meta"]["id"]

    listed = web.get(f"{API}/hoks/oppija/{moved['oppija']}", headers=b_crud)
    assert listed.status_code == 200, listed.text
    body = listed.json()
    assert set(body) == {"meta", "data"}
    rows = body["data"]
    assert [r["id"] for r in rows] == [b_hoks, moved["hoks"]]
    own, other = rows
    assert own["peruste"] == "provider"
    assert own["peruste-opiskeluoikeus-oid"] is None
    assert other["peruste"] == "current-provider"
    assert other["peruste-opiskeluoikeus-oid"] == moved["oo_b"]
    assert other["opiskeluoikeus-oid"] == moved["oo_a"]
    assert other["oppilaitos-oid"] == world.oppilaitos_1
    assert other["oppilaitos-nimi"]["fi"] == "Testiopisto"
    assert other["koulutuksen-jarjestaja-nimi"]["fi"] == "Testikuntayhtymä"
    assert other["tutkinto-nimi"]["fi"] == "Sähkö- ja automaatioalan perustutkinto"
    assert other["opiskeluoikeus-tila"] == "lasna"
    assert other["opiskeluoikeus-paattynyt"] is False
    assert other["ensikertainen-hyvaksyminen"] == "2024-08-15"
    assert other["opiskeluoikeus-alkamispaiva"] == "2024-08-01"
    # The learner still studies at A too: A reads B's plan on the same ground.
    a_system = clients.headers(world.koulutustoimija_1, "READ")
    rows_a = web.get(f"{API}/hoks/oppija/{moved['oppija']}", headers=a_system).json()["data"]
    assert [(r["id"], r["peruste"]) for r in rows_a] == [
        (b_hoks, "current-provider"),
        (moved["hoks"], "provider"),
    ]
    # Once A's study right has ended, A keeps its own plan only.
    _jakso(world, moved["oppija"], moved["oo_a"], today_in_finland(), "eronnut")
    rows_a = web.get(f"{API}/hoks/oppija/{moved['oppija']}", headers=a_system).json()["data"]
    assert [(r["id"], r["peruste"]) for r in rows_a] == [(moved["hoks"], "provider")]
    # Every listed plan is an audited read.
    assert len(_events(db, hoks_id=moved["hoks"], operation="read")) >= 2
    # Bad input: a clear 400 naming the field.
    bad = web.get(f"{API}/hoks/oppija/1.2.246.562.24.1", headers=a_system)
    assert bad.status_code == 400
    assert "oppija-oid" in bad.text


def test_the_learner_list_of_bs_student_without_any_plan_is_empty(web, clients, world):
    oppija, _ = world.add_oppija("uusi", oppilaitos=world.oppilaitos_3)
    b_system = clients.headers(world.koulutustoimija_2, "READ")
    listed = web.get(f"{API}/hoks/oppija/{oppija}", headers=b_system)
    assert (listed.status_code, listed.json()["data"]) == (200, [])
    c_system = clients.headers(world.koulutustoimija_3, "READ")
    assert web.get(f"{API}/hoks/oppija/{oppija}", headers=c_system).status_code == 401


def test_the_literal_route_is_not_taken_for_a_hoks_id(web, clients, world, moved):
    b_system = clients.headers(world.koulutustoimija_2, "READ")
    listed = web.get(f"{API}/hoks/oppija/{moved['oppija']}", headers=b_system)
    assert isinstance(listed.json()["data"], list)
    spec = web.get("/ehoks-virkailija-backend/doc/openapi.json").json()
    operation = spec["paths"][f"{API}/hoks/oppija/{{oppija_oid}}"]["get"]
    assert "109 a" in operation["description"]


def test_the_officials_list_shows_own_plans_first_and_names_the_other_provider(
    app, db, web, settings, clients, world, moved
):
    b_crud = clients.headers(world.koulutustoimija_2)
    created = web.post(f"{API}/hoks", json=_plan_at_b(moved), headers=b_crud)
    b_hoks = created.json()["meta"]["id"]
    login(web, db, settings, official(world.koulutustoimija_2))
    rows = web.get(f"{V}/oppijat/{moved['oppija']}/hoksit").json()["data"]
    assert [r["id"] for r in rows] == [b_hoks, moved["hoks"]]
    assert rows[0]["lukuoikeus"]["muu-jarjestaja"] is False
    other = rows[1]["lukuoikeus"]
    assert other["muu-jarjestaja"] is True
    assert other["peruste"] == "current-provider"
    assert other["oppilaitos-nimi"]["fi"] == "Testiopisto"
    assert other["opiskeluoikeus-paattynyt"] is False


def test_the_student_sees_that_b_read_their_plan_and_why(web, db, settings, clients, world, moved):
    b_system = clients.headers(world.koulutustoimija_2, "READ")
    assert web.get(f"{API}/hoks/{moved['hoks']}", headers=b_system).status_code == 200
    login(web, db, settings, StudentActor(moved["oppija"], "Testi Oppija"))
    readers = web.get(f"{OAPI}/oppija/oppijat/{moved['oppija']}/lukijat").json()["data"]
    entry = next(e for e in readers if e["peruste"] == "current-provider")
    assert entry["peruste-opiskeluoikeus-oid"] == moved["oo_b"]
    assert entry["peruste-organisaatio-oid"] == world.oppilaitos_3
    expected = {
        "fi": "Opiskelet oppilaitoksessa Toinen opisto.",
        "sv": "Du studerar vid Toinen opisto.",
        "en": "You study at Toinen opisto.",
    }
    for lang, words in expected.items():
        page = web.get(f"/ehoks/lukijat?lang={lang}")
        assert page.status_code == 200
        assert words in page.text, lang
        assert "Toinen opisto" in page.text


def test_the_rule_does_not_reach_before_the_learner_is_known_in_koski(app, db, web, clients, world):
    """Only Koski's study rights ground the right: a provider the learner merely names in a
    plan gains nothing."""
    oppija, oo = world.add_oppija("nimetty")
    hoks_id = _create(app, db, oppija, oo)
    b_system = clients.headers(world.koulutustoimija_2, "READ")
    assert web.get(f"{API}/hoks/{hoks_id}", headers=b_system).status_code == 401


def test_koski_down_keeps_own_plans_listed_and_refuses_others_with_503(
    app, db, settings, web, clients, world, moved
):
    """A plan of the caller's own is listed without Koski (its state unknown); another
    provider's plan needs Koski's answer, so without it the read is a clear 503."""
    registries = dataclasses.replace(build_registries(settings, db), koski=DownKoski())
    a_system = clients.headers(world.koulutustoimija_1, "READ")
    b_system = clients.headers(world.koulutustoimija_2, "READ")
    down_app = create_app(settings, engine=db, registries=registries)
    with TestClient(down_app, base_url=BASE_URL) as down:
        listed = down.get(f"{API}/hoks/oppija/{moved['oppija']}", headers=a_system)
        assert listed.status_code == 200, listed.text
        assert [(r["id"], r["opiskeluoikeus-paattynyt"]) for r in listed.json()["data"]] == [
            (moved["hoks"], None)
        ]
        assert down.get(f"{API}/hoks/{moved['hoks']}", headers=b_system).status_code == 503
        assert down.get(f"{API}/hoks/{moved['hoks']}", headers=a_system).status_code == 200
