"""The students' API through HTTP: a student reads every HOKS of their own, from every
provider, and nobody else's; each read is audited, and the student sees who else has read."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from ehoks.access.actor import OfficialActor, StudentActor, SystemActor, grants_from_roles
from ehoks.audit.models import AuditEvent
from ehoks.db import make_session_factory
from ehoks.demo.oids import opiskeluoikeus_oid
from ehoks.hoks import service as hoks_service
from ehoks.main import create_app
from ehoks.oppija.routes import router as oppija_router
from ehoks.virkailija.routes import router as virkailija_router
from tests.conftest import API
from tests.factories import hoks_body, koski_opiskeluoikeus
from tests.sessions import BASE_URL, include_missing, login

OPPIJA_API = "/ehoks-oppija-backend/api/v1/oppija"
VIRKAILIJA = f"{API}/virkailija"


@pytest.fixture
def app(db, settings, world):
    app = include_missing(
        create_app(settings, engine=db), "/ehoks-oppija-backend/api/v1", oppija_router
    )
    return include_missing(app, API, virkailija_router)


@pytest.fixture
def client(app):
    # Replaces the plain-HTTP client of conftest: the session cookie is Secure.
    with TestClient(app, base_url=BASE_URL) as test_client:
        yield test_client


@pytest.fixture
def learner(app, db, world):
    """A learner with HOKSes from two providers (oppilaitos 1 and oppilaitos 3), made by the
    service itself (a service client's secret hashing is slow)."""
    oppija, first_oo = world.add_oppija("olli")
    second_oo = opiskeluoikeus_oid("olli-2")
    world.add_oppija(
        "olli",
        oid=oppija,
        opiskeluoikeudet=[
            koski_opiskeluoikeus(
                oid=second_oo,
                oppilaitos=world.oppilaitos_3,
                koulutustoimija=world.koulutustoimija_2,
            )
        ],
    )
    ids = []
    for oo in (first_oo, second_oo):
        with make_session_factory(db).begin() as session:
            written = hoks_service.create(
                session,
                SystemActor("tests"),
                hoks_body(oppija, oo),
                app.state.ehoks.runtime.context(),
            )
        ids.append(written.hoks_id)
    return oppija, ids


def events(db, **where):
    with make_session_factory(db)() as session:
        rows = session.scalars(select(AuditEvent).order_by(AuditEvent.seq)).all()
    return [e for e in rows if all(getattr(e, k) == v for k, v in where.items())]


def student(oid, **kwargs):
    return StudentActor(oid, "Olli Oppija", **kwargs)


@pytest.mark.parametrize("path", ["/session", "/oppijat/{oid}/hoks", "/oppijat/{oid}/lukijat"])
def test_every_route_needs_a_students_session(client, db, settings, world, learner, path):
    url = OPPIJA_API + path.format(oid=learner[0])
    assert client.get(url).status_code == 401
    official = OfficialActor("1.2.246.562.24.10000000011", "V", grants_from_roles([]))
    login(client, db, settings, official)
    assert client.get(url).status_code == 403


def test_session(client, db, settings, learner):
    login(client, db, settings, student(learner[0]))
    response = client.get(f"{OPPIJA_API}/session")
    assert response.status_code == 200
    assert response.json()["data"] == [
        {"oid": learner[0], "common-name": "Olli Oppija", "usingValtuudet": False}
    ]
    login(client, db, settings, student(None, using_valtuudet=True, acting_oid=learner[0]))
    assert client.get(f"{OPPIJA_API}/session").json()["data"] == [
        {"common-name": "Olli Oppija", "usingValtuudet": True}
    ]


def test_student_reads_every_own_hoks_from_every_provider(client, db, settings, learner):
    oppija, hoks_ids = learner
    login(client, db, settings, student(oppija))
    response = client.get(f"{OPPIJA_API}/oppijat/{oppija}/hoks")
    assert response.status_code == 200
    data = response.json()["data"]
    assert len(data) == 2
    assert all("id" not in hoks and hoks["eid"] for hoks in data)
    assert {hoks["oppija-oid"] for hoks in data} == {oppija}
    assert all(hoks["hankittavat-ammat-tutkinnon-osat"] for hoks in data)
    reads = events(db, actor_kind="oppija", operation="read")
    assert [(e.hoks_id, e.legal_basis, e.oppija_oid, e.outcome) for e in reads] == [
        (hoks_ids[0], "own", oppija, "succeeded"),
        (hoks_ids[1], "own", oppija, "succeeded"),
    ]


def test_another_learners_hokses_are_refused(client, db, settings, world, learner):
    other, _ = world.add_oppija("toinen")
    login(client, db, settings, student(other))
    assert client.get(f"{OPPIJA_API}/oppijat/{learner[0]}/hoks").status_code == 403
    assert client.get(f"{OPPIJA_API}/oppijat/{learner[0]}/lukijat").status_code == 403
    denied = events(db, actor_kind="oppija")
    assert [(e.outcome, e.oppija_oid) for e in denied] == [("denied", learner[0])] * 2
    # Their own list: no HOKS yet.
    response = client.get(f"{OPPIJA_API}/oppijat/{other}/hoks")
    assert (response.status_code, response.json()) == (404, {"message": "No HOKSes found"})


def test_valtuudet_gives_no_learners_data(client, db, settings, learner):
    login(client, db, settings, student(None, using_valtuudet=True, acting_oid=learner[0]))
    assert client.get(f"{OPPIJA_API}/oppijat/{learner[0]}/hoks").status_code == 403
    assert client.get(f"{OPPIJA_API}/oppijat/{learner[0]}/lukijat").status_code == 403
    assert events(db, actor_kind="oppija", outcome="succeeded") == []


def test_readers_list_an_officials_reads_not_the_students_own(client, db, settings, world, learner):
    oppija, hoks_ids = learner
    vilma = OfficialActor(
        "1.2.246.562.24.10000000011",
        "Virkailija Vilma",
        grants_from_roles([f"ROLE_APP_EHOKS_READ_{world.oppilaitos_1}"]),
    )
    login(client, db, settings, vilma)
    for _ in range(2):
        url = f"{VIRKAILIJA}/oppijat/{oppija}/hoksit/{hoks_ids[0]}"
        assert client.get(url).status_code == 200
    login(client, db, settings, student(oppija))
    assert client.get(f"{OPPIJA_API}/oppijat/{oppija}/hoks").status_code == 200

    response = client.get(f"{OPPIJA_API}/oppijat/{oppija}/lukijat")
    assert response.status_code == 200
    body = response.json()
    entries = body["data"]
    assert [(e["lukija-nimi"], e["hoks-id"]) for e in entries] == [
        ("Virkailija Vilma", hoks_ids[0])
    ] * 2
    assert entries[0] == {
        "seq": entries[0]["seq"],
        "aika": entries[0]["aika"],
        "lukija-tyyppi": "virkailija",
        "lukija-nimi": "Virkailija Vilma",
        "lukija-rooli": "virkailija",
        "peruste": "provider",
        "peruste-opiskeluoikeus-oid": None,
        "peruste-organisaatio-oid": None,
        "hoks-id": hoks_ids[0],
        "osa": None,
    }
    assert entries[0]["seq"] > entries[1]["seq"]
    assert body["meta"] == {"next-before-seq": None}

    first = client.get(f"{OPPIJA_API}/oppijat/{oppija}/lukijat", params={"limit": 1}).json()
    assert [e["seq"] for e in first["data"]] == [entries[0]["seq"]]
    assert first["meta"] == {"next-before-seq": entries[0]["seq"]}
    rest = client.get(
        f"{OPPIJA_API}/oppijat/{oppija}/lukijat", params={"before-seq": entries[0]["seq"]}
    ).json()
    assert [e["seq"] for e in rest["data"]] == [entries[1]["seq"]]

    # Looking at the list is recorded, but not as a read of a HOKS.
    listed = events(db, operation="read-audit-log")
    assert [(e.actor_kind, e.oppija_oid, e.hoks_id) for e in listed] == [
        ("oppija", oppija, None)
    ] * 3
    assert (
        client.get(f"{OPPIJA_API}/oppijat/{oppija}/lukijat", params={"limit": 201}).status_code
        == 400
    )
