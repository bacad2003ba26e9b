"""The officials' HOKS API through HTTP: a session is required, every HOKS is decided by the
access policy (provider, procured training, super user) and every read is audited."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from ehoks.access.actor import OfficialActor, StudentActor, SystemActor, grants_from_roles
from ehoks.audit.models import AuditEvent
from ehoks.db import make_session_factory
from ehoks.demo.oids import opiskeluoikeus_oid
from ehoks.hoks import service as hoks_service
from ehoks.hoks.models import Hoks
from ehoks.main import create_app
from ehoks.virkailija.routes import router as virkailija_router
from tests.conftest import API
from tests.factories import OPH, hoks_body, koski_opiskeluoikeus
from tests.sessions import BASE_URL, include_missing, login, logout

V = f"{API}/virkailija"
MISSING_HOKS = 987654
SYSTEM = SystemActor("tests")


@pytest.fixture
def app(db, settings, world):
    return include_missing(create_app(settings, engine=db), API, virkailija_router)


@pytest.fixture
def client(app):
    # Replaces the plain-HTTP client of conftest: the session cookie is Secure.
    with TestClient(app, base_url=BASE_URL) as test_client:
        yield test_client


@pytest.fixture
def create(app, db):
    """Make HOKSes as the service itself (a service client's secret hashing is slow)."""

    def _create(oppija, oo):
        with make_session_factory(db).begin() as session:
            body = hoks_body(oppija, oo)
            return hoks_service.create(
                session, SYSTEM, body, app.state.ehoks.runtime.context()
            ).hoks_id

    return _create


def official(*roles, name="Virkailija Vilma", oid="1.2.246.562.24.10000000011"):
    return OfficialActor(oid, name, grants_from_roles(roles))


def role(name, organisation):
    return f"ROLE_APP_EHOKS_{name}_{organisation}"


def stored(db, hoks_id):
    with make_session_factory(db)() as session:
        return session.get(Hoks, hoks_id)


def events(db, **where):
    with make_session_factory(db)() as session:
        rows = session.scalars(select(AuditEvent).order_by(AuditEvent.seq)).all()
    return [e for e in rows if all(getattr(e, k) == v for k, v in where.items())]


@pytest.fixture
def learner(create, world):
    """A learner with a HOKS in oppilaitos 1 (provider: koulutustoimija 1)."""
    oppija, oo = world.add_oppija("vilja")
    return oppija, create(oppija, oo)


# Sessions


ROUTES = [
    ("GET", "/session"),
    ("GET", "/oppijat?oppilaitos-oid={ol}"),
    ("GET", "/oppijat/{oppija}/hoksit"),
    ("POST", "/oppijat/{oppija}/hoksit"),
    ("GET", "/oppijat/{oppija}/hoksit/{hoks}"),
    ("PUT", "/oppijat/{oppija}/hoksit/{hoks}"),
    ("PATCH", "/oppijat/{oppija}/hoksit/{hoks}"),
    ("PATCH", "/oppijat/{oppija}/hoksit/{hoks}/shallow-delete"),
    ("PATCH", "/hoks/{hoks}/undo-shallow-delete"),
    ("DELETE", "/hoks/{hoks}"),
]


def _url(template, world, learner):
    return V + template.format(ol=world.oppilaitos_1, oppija=learner[0], hoks=learner[1])


@pytest.mark.parametrize(("method", "template"), ROUTES)
def test_every_route_needs_an_officials_session(
    client, db, settings, world, learner, method, template
):
    url = _url(template, world, learner)
    body: dict[str, str] | None = {} if method in ("POST", "PUT", "PATCH") else None
    assert client.request(method, url, json=body).status_code == 401
    student = StudentActor(learner[0], "Vilja Oppija")
    csrf = login(client, db, settings, student)
    assert client.request(method, url, json=body, headers=csrf).status_code == 403
    assert stored(db, learner[1]).version == 1


def test_session_lists_the_organisation_privileges(client, db, settings, world):
    login(
        client,
        db,
        settings,
        official(role("CRUD", world.oppilaitos_1), role("HOKS_DELETE", world.oppilaitos_1)),
    )
    response = client.get(f"{V}/session")
    assert response.status_code == 200
    assert response.json()["data"] == {
        "oidHenkilo": "1.2.246.562.24.10000000011",
        "organisation-privileges": [
            {
                "oid": world.oppilaitos_1,
                "privileges": ["delete", "hoks_delete", "read", "update", "write"],
                "roles": [],
                "child-organisations": [],
            }
        ],
        "isSuperuser": False,
    }
    login(client, db, settings, official(role("OPHPAAKAYTTAJA", OPH)))
    data = client.get(f"{V}/session").json()["data"]
    assert data["isSuperuser"] is True
    assert data["organisation-privileges"][0]["roles"] == ["oph-super-user"]


# The learner search


def _named(seed, world, *, tutkinto, osaamisala=None):
    document = koski_opiskeluoikeus(
        oid=opiskeluoikeus_oid(seed),
        oppilaitos=world.oppilaitos_1,
        koulutustoimija=world.koulutustoimija_1,
    )
    document["suoritukset"][0]["koulutusmoduuli"]["tunniste"]["nimi"] = tutkinto
    if osaamisala:
        document["suoritukset"][0]["osaamisala"] = [{"osaamisala": {"nimi": osaamisala}}]
    return world.add_oppija(seed, opiskeluoikeudet=[document])


@pytest.fixture
def searchable(client, db, settings, create, world):
    alpha = _named(
        "alpha",
        world,
        tutkinto={"fi": "Sähkö- ja automaatioalan perustutkinto"},
        osaamisala={"fi": "ÄLYKKÄÄT järjestelmät"},
    )
    beta = _named("beta", world, tutkinto={"fi": "Datanomi", "sv": "Datanom"})
    gamma = world.add_oppija("gamma", oppilaitos=world.oppilaitos_3)
    deleted = world.add_oppija("delta")
    ids = {
        name: create(*oids)
        for name, oids in (("alpha", alpha), ("beta", beta), ("gamma", gamma), ("delta", deleted))
    }
    csrf = login(client, db, settings, official(role("HOKS_DELETE", OPH), role("READ", OPH)))
    url = f"{V}/oppijat/{deleted[0]}/hoksit/{ids['delta']}/shallow-delete"
    assert client.patch(url, headers=csrf).status_code == 200
    login(client, db, settings, official(role("READ", world.koulutustoimija_1)))
    return ids


def _search(client, world, **params):
    response = client.get(f"{V}/oppijat", params={"oppilaitos-oid": world.oppilaitos_1, **params})
    assert response.status_code == 200, response.text
    body = response.json()
    return body["meta"]["total-count"], [row["nimi"] for row in body["data"]]


def test_search_lists_the_oppilaitos_learners_with_a_hoks(client, world, searchable):
    response = client.get(f"{V}/oppijat", params={"oppilaitos-oid": world.oppilaitos_1})
    body = response.json()
    assert body["meta"] == {"total-count": 2}
    first = body["data"][0]
    assert first == {
        "oid": first["oid"],
        "nimi": "Testi alpha Oppija",
        "opiskeluoikeus-oid": opiskeluoikeus_oid("alpha"),
        "hoks-id": searchable["alpha"],
        "tutkinto-nimi": {"fi": "Sähkö- ja automaatioalan perustutkinto"},
        "osaamisala-nimi": {"fi": "ÄLYKKÄÄT järjestelmät"},
    }
    assert [row["nimi"] for row in body["data"]] == ["Testi alpha Oppija", "Testi beta Oppija"]


SEARCHES = [
    ({"nimi": "oppija ALPHA"}, ["Testi alpha Oppija"]),
    ({"nimi": "testi,beta"}, ["Testi beta Oppija"]),
    ({"nimi": "alp%ha_testi"}, ["Testi alpha Oppija"]),
    ({"nimi": "alpha beta"}, []),
    ({"nimi": "a/b\\"}, []),
    ({"tutkinto": "DATANOMI"}, ["Testi beta Oppija"]),
    ({"tutkinto": "SÄHKÖ"}, ["Testi alpha Oppija"]),
    # Only the first run without "%" or "_" is used: never a wildcard, never the rest.
    ({"tutkinto": "Datanomi%Sähkö"}, ["Testi beta Oppija"]),
    ({"tutkinto": "%_"}, ["Testi alpha Oppija", "Testi beta Oppija"]),
    ({"tutkinto": "datanom", "locale": "sv"}, ["Testi beta Oppija"]),
    ({"tutkinto": "sähkö", "locale": "sv"}, []),
    # Case-insensitive beyond ASCII on both engines (SQLite's lower() alone is not).
    ({"osaamisala": "älykkäät"}, ["Testi alpha Oppija"]),
    ({"osaamisala": "x"}, []),
    ({"desc": "true"}, ["Testi beta Oppija", "Testi alpha Oppija"]),
    ({"order-by-column": "tutkinto"}, ["Testi beta Oppija", "Testi alpha Oppija"]),
    ({"item-count": "1", "page": "1"}, ["Testi beta Oppija"]),
]


def test_search_filters_orders_and_pages(client, world, searchable):
    failures = []
    for params, expected in SEARCHES:
        total, names = _search(client, world, **params)
        expected_total = 2 if "item-count" in params else len(expected)
        if (total, names) != (expected_total, expected):
            failures.append(f"{params}: got {total} {names}, expected {expected_total} {expected}")
    assert failures == []


def test_search_by_hoks_id(client, world, searchable):
    assert _search(client, world, **{"hoks-id": searchable["beta"]}) == (1, ["Testi beta Oppija"])


def test_search_is_audited_as_a_listing_not_as_reads(client, db, world, searchable):
    _search(client, world)
    (event,) = events(db, actor_kind="virkailija", operation="search")
    assert event.legal_basis == "provider"
    assert event.details["hoks-ids"] == [searchable["alpha"], searchable["beta"]]
    assert events(db, actor_kind="virkailija", operation="read") == []


def test_search_needs_read_in_the_oppilaitos(client, db, settings, world, searchable):
    login(client, db, settings, official(role("CRUD", world.oppilaitos_3)))
    response = client.get(f"{V}/oppijat", params={"oppilaitos-oid": world.oppilaitos_1})
    assert response.status_code == 403
    assert response.json() == {"error": "User has insufficient privileges for given organisation"}
    response = client.get(f"{V}/oppijat", params={"oppilaitos-oid": "1.2.246.562.10.99999999999"})
    assert response.status_code == 400
    assert client.get(f"{V}/oppijat").status_code == 400
    assert client.get(f"{V}/oppijat", params={"oppilaitos-oid": "x"}).status_code == 400


# A learner's HOKSes


@pytest.fixture
def two_providers(create, world, learner):
    """The learner also has a HOKS in oppilaitos 3 (another provider)."""
    oppija, first = learner
    other_oo = opiskeluoikeus_oid("vilja-2")
    world.add_oppija(
        "vilja",
        oid=oppija,
        opiskeluoikeudet=[
            koski_opiskeluoikeus(
                oid=other_oo,
                oppilaitos=world.oppilaitos_3,
                koulutustoimija=world.koulutustoimija_2,
            )
        ],
    )
    return oppija, first, create(oppija, other_oo)


def test_list_shows_only_the_hokses_the_official_may_read(
    client, db, settings, world, two_providers
):
    """While the learner studies at both providers, each reads both plans (§ 109 a ¶1, own
    first); once the studies at provider 2 have ended, provider 2 keeps its own plan only."""
    oppija, first, second = two_providers
    login(client, db, settings, official(role("READ", world.koulutustoimija_1)))
    response = client.get(f"{V}/oppijat/{oppija}/hoksit")
    assert response.status_code == 200
    rows = response.json()["data"]
    assert [(r["id"], r["lukuoikeus"]["peruste"]) for r in rows] == [
        (first, "provider"),
        (second, "current-provider"),
    ]
    assert "hankittavat-ammat-tutkinnon-osat" not in rows[0]
    assert [(e.hoks_id, e.legal_basis) for e in events(db, actor_kind="virkailija")] == [
        (first, "provider"),
        (second, "current-provider"),
    ]
    # The study right at provider 2 ends today: provider 2 no longer reads provider 1's plan.
    document = world.oppijat[oppija]["opiskeluoikeudet"][1]
    document["tila"]["opiskeluoikeusjaksot"].append(
        {"alku": date.today().isoformat(), "tila": {"koodiarvo": "eronnut"}}
    )
    world.changed()
    login(client, db, settings, official(role("READ", world.oppilaitos_3)))
    assert [r["id"] for r in client.get(f"{V}/oppijat/{oppija}/hoksit").json()["data"]] == [second]


def test_list_is_refused_when_no_hoks_is_readable(client, db, settings, world, learner):
    login(client, db, settings, official(role("CRUD", world.oppilaitos_2)))
    response = client.get(f"{V}/oppijat/{learner[0]}/hoksit")
    assert response.status_code == 403
    assert response.json() == {
        "error": "User privileges does not match oppija opiskeluoikeus organisation"
    }
    (denied,) = events(db, actor_kind="virkailija")
    assert (denied.outcome, denied.oppija_oid) == ("denied", learner[0])
    assert client.get(f"{V}/oppijat/1.2.246.562.24.1/hoksit").status_code == 400


def test_get_reads_the_full_hoks_and_audits_it(client, db, settings, world, learner):
    oppija, hoks_id = learner
    login(client, db, settings, official(role("READ", world.oppilaitos_1)))
    response = client.get(f"{V}/oppijat/{oppija}/hoksit/{hoks_id}")
    assert response.status_code == 200
    data = response.json()["data"]
    assert (data["id"], data["oppija-oid"]) == (hoks_id, oppija)
    assert data["hankittavat-ammat-tutkinnon-osat"][0]["module-id"]
    (event,) = events(db, actor_kind="virkailija")
    assert (event.operation, event.legal_basis, event.hoks_id, event.outcome) == (
        "read",
        "provider",
        hoks_id,
        "succeeded",
    )
    assert event.details["actor_name"] == "Virkailija Vilma"


def test_get_of_another_learner_or_organisation_is_refused(client, db, settings, world, learner):
    oppija, hoks_id = learner
    other, _ = world.add_oppija("muu")
    login(client, db, settings, official(role("READ", world.oppilaitos_1)))
    assert client.get(f"{V}/oppijat/{other}/hoksit/{hoks_id}").status_code == 404
    assert client.get(f"{V}/oppijat/{oppija}/hoksit/{MISSING_HOKS}").status_code == 404
    login(client, db, settings, official(role("CRUD", world.oppilaitos_3)))
    response = client.get(f"{V}/oppijat/{oppija}/hoksit/{hoks_id}")
    assert response.status_code == 403
    assert response.json() == {"error": "User has insufficient privileges"}
    assert [e.outcome for e in events(db, operation="read")] == ["denied"]


@pytest.fixture
def procured(create, world):
    """A HOKS whose study right includes procured training delivered by oppilaitos 3."""
    oppija, master = world.add_oppija("hankinta")
    world.add_oppija(
        "hankinta",
        oid=oppija,
        opiskeluoikeudet=[
            koski_opiskeluoikeus(
                oid=opiskeluoikeus_oid("hankinta-included"),
                oppilaitos=world.oppilaitos_3,
                koulutustoimija=world.koulutustoimija_2,
                sisaltyy={"oid": master, "oppilaitos": {"oid": world.oppilaitos_3}},
            )
        ],
    )
    return oppija, create(oppija, master), master


def test_procured_training_organisation_reads_but_cannot_write(
    client, db, settings, world, procured
):
    oppija, hoks_id, master = procured
    csrf = login(client, db, settings, official(role("CRUD", world.oppilaitos_3)))
    url = f"{V}/oppijat/{oppija}/hoksit/{hoks_id}"
    assert client.get(url).status_code == 200
    assert [r["id"] for r in client.get(f"{V}/oppijat/{oppija}/hoksit").json()["data"]] == [hoks_id]
    assert {e.legal_basis for e in events(db, actor_kind="virkailija", operation="read")} == {
        "procured-training"
    }
    body = {**hoks_body(oppija, master), "id": hoks_id, "sahkoposti": "uusi@example.org"}
    response = client.put(url, json=body, headers=csrf)
    assert response.status_code == 403
    assert client.patch(url, json={"id": hoks_id, "versio": 3}, headers=csrf).status_code == 403
    assert stored(db, hoks_id).version == 1


# Writes


def test_put_and_patch_need_the_update_privilege(client, db, settings, world, learner):
    oppija, hoks_id = learner
    oo = stored(db, hoks_id).opiskeluoikeus_oid
    url = f"{V}/oppijat/{oppija}/hoksit/{hoks_id}"
    body = {**hoks_body(oppija, oo), "id": hoks_id, "sahkoposti": "uusi@example.org"}
    csrf = login(client, db, settings, official(role("READ", world.oppilaitos_1)))
    response = client.put(url, json=body, headers=csrf)
    assert (response.status_code, response.json()) == (
        403,
        {"error": "User has insufficient privileges"},
    )
    assert stored(db, hoks_id).document["sahkoposti"] == "opiskelija@example.org"

    csrf = login(client, db, settings, official(role("CRUD", world.koulutustoimija_1)))
    response = client.put(url, json=body, headers=csrf)
    assert response.status_code == 204, response.text
    assert response.headers["ETag"] == '"2"'
    assert stored(db, hoks_id).document["sahkoposti"] == "uusi@example.org"
    response = client.patch(url, json={"id": hoks_id, "versio": 4}, headers=csrf)
    assert response.status_code == 204, response.text
    assert stored(db, hoks_id).document["versio"] == 4
    assert [e.operation for e in events(db, actor_kind="virkailija", outcome="succeeded")] == [
        "overwrite",
        "update",
    ]


def test_put_to_another_learners_path_is_404_and_changes_nothing(
    client, db, settings, world, learner
):
    _, hoks_id = learner
    other, other_oo = world.add_oppija("toinen")
    csrf = login(client, db, settings, official(role("CRUD", world.koulutustoimija_1)))
    body = {**hoks_body(other, other_oo), "id": hoks_id}
    response = client.put(f"{V}/oppijat/{other}/hoksit/{hoks_id}", json=body, headers=csrf)
    assert response.status_code == 404
    assert stored(db, hoks_id).version == 1


def test_put_without_the_csrf_token_is_refused(client, db, settings, world, learner):
    oppija, hoks_id = learner
    oo = stored(db, hoks_id).opiskeluoikeus_oid
    login(client, db, settings, official(role("CRUD", world.oppilaitos_1)))
    body = {**hoks_body(oppija, oo), "id": hoks_id, "sahkoposti": "uusi@example.org"}
    url = f"{V}/oppijat/{oppija}/hoksit/{hoks_id}"
    assert client.put(url, json=body).status_code == 403
    assert client.put(url, json=body, headers={"X-CSRF-Token": "wrong"}).status_code == 403
    hoks = stored(db, hoks_id)
    assert (hoks.version, hoks.document["sahkoposti"]) == (1, "opiskelija@example.org")


def test_create_by_hand(client, db, settings, world):
    oppija, oo = world.add_oppija("uusi")
    url = f"{V}/oppijat/{oppija}/hoksit"
    csrf = login(client, db, settings, official(role("READ", world.oppilaitos_1)))
    response = client.post(url, json=hoks_body(oppija, oo), headers=csrf)
    assert (response.status_code, response.json()) == (
        403,
        {"error": "User has unsufficient privileges"},
    )
    csrf = login(client, db, settings, official(role("CRUD", world.oppilaitos_1)))
    other, _ = world.add_oppija("muu")
    response = client.post(f"{V}/oppijat/{other}/hoksit", json=hoks_body(oppija, oo), headers=csrf)
    assert response.status_code == 400
    assert "does not match" in response.json()["error"]
    response = client.post(url, json=hoks_body(oppija, oo), headers=csrf)
    assert response.status_code == 200, response.text
    hoks_id = response.json()["meta"]["id"]
    assert response.json()["data"] == {"uri": f"{url}/{hoks_id}"}
    hoks = stored(db, hoks_id)
    assert (hoks.oppija_oid, hoks.manuaalisyotto) == (oppija, True)
    (event,) = events(db, actor_kind="virkailija", operation="create", outcome="succeeded")
    assert (event.hoks_id, event.legal_basis) == (hoks_id, "provider")


# Deletion


def test_shallow_delete_needs_hoks_delete(client, db, settings, world, learner):
    oppija, hoks_id = learner
    url = f"{V}/oppijat/{oppija}/hoksit/{hoks_id}/shallow-delete"
    body = {"oppilaitos-oid": world.oppilaitos_1}
    csrf = login(client, db, settings, official(role("CRUD", world.koulutustoimija_1)))
    response = client.patch(url, json=body, headers=csrf)
    assert (response.status_code, response.json()) == (
        403,
        {"error": "User privileges do not match organisation"},
    )
    assert stored(db, hoks_id).deleted_at is None
    csrf = login(client, db, settings, official(role("HOKS_DELETE", world.koulutustoimija_1)))
    response = client.patch(url, json=body, headers=csrf)
    assert (response.status_code, response.json()) == (200, {"success": hoks_id})
    assert stored(db, hoks_id).deleted_at is not None
    login(client, db, settings, official(role("READ", world.oppilaitos_1)))
    assert client.get(f"{V}/oppijat/{oppija}/hoksit/{hoks_id}").status_code == 404


def test_shallow_delete_of_an_ended_study_right_is_refused(client, db, settings, world, learner):
    oppija, hoks_id = learner
    (document,) = world.oppijat[oppija]["opiskeluoikeudet"]
    document["tila"]["opiskeluoikeusjaksot"].append(
        {"alku": "2025-06-01", "tila": {"koodiarvo": "valmistunut"}}
    )
    world.changed()
    csrf = login(client, db, settings, official(role("HOKS_DELETE", world.oppilaitos_1)))
    response = client.patch(f"{V}/oppijat/{oppija}/hoksit/{hoks_id}/shallow-delete", headers=csrf)
    assert response.status_code == 403
    assert response.json() == {"error": f"opiskeluoikeus {document['oid']} is no longer active"}
    assert stored(db, hoks_id).deleted_at is None


def test_undo_and_hard_delete_are_for_the_oph_super_user(client, db, settings, world, learner):
    oppija, hoks_id = learner
    # CRUD on the OPH root covers every organisation but is not the super user role.
    csrf = login(client, db, settings, official(role("CRUD", OPH), role("HOKS_DELETE", OPH)))
    client.patch(f"{V}/oppijat/{oppija}/hoksit/{hoks_id}/shallow-delete", headers=csrf)
    assert stored(db, hoks_id).deleted_at is not None
    undo = f"{V}/hoks/{hoks_id}/undo-shallow-delete"
    assert client.patch(undo, headers=csrf).status_code == 403
    assert client.delete(f"{V}/hoks/{hoks_id}", headers=csrf).status_code == 403
    # Refused before the lookup: an unknown id looks the same to them.
    assert client.delete(f"{V}/hoks/{MISSING_HOKS}", headers=csrf).status_code == 403
    assert stored(db, hoks_id).deleted_at is not None

    csrf = login(client, db, settings, official(role("OPHPAAKAYTTAJA", OPH)))
    response = client.patch(undo, headers=csrf)
    assert (response.status_code, response.json()) == (200, {"meta": {}, "data": {}})
    assert stored(db, hoks_id).deleted_at is None
    response = client.patch(undo, headers=csrf)
    assert (response.status_code, response.json()) == (
        404,
        {"error": "No HOKS found with given hoks-id"},
    )
    response = client.delete(f"{V}/hoks/{hoks_id}", headers=csrf)
    assert (response.status_code, response.json()) == (200, {"meta": {}, "data": {}})
    assert stored(db, hoks_id) is None
    assert client.delete(f"{V}/hoks/{hoks_id}", headers=csrf).status_code == 404
    assert [e.legal_basis for e in events(db, operation="hard-delete")] == ["administration"]
    logout(client)
    assert client.delete(f"{V}/hoks/{hoks_id}").status_code == 401
