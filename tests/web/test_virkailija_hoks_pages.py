"""The official's HOKS pages (``/ehoks-virkailija-ui/oppija/…``): a learner's plans, every tab of
a HOKS in every language, the print version and PDF, the version history and a diff in words,
soft delete and restore behind confirmations, who may do what (the server re-checks), every
read audited, and the SQL statements of a HOKS page counted."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event, select

from ehoks.access import service as access_service
from ehoks.access.actor import (
    OfficialActor,
    ServiceClientActor,
    StudentActor,
    SystemActor,
    grants_from_roles,
)
from ehoks.audit.models import AuditEvent
from ehoks.config import Settings
from ehoks.context import UseCase, build_runtime
from ehoks.db import make_session_factory
from ehoks.demo.oids import opiskeluoikeus_oid
from ehoks.enrichment.service import enrich
from ehoks.hoks import service as hoks_service
from ehoks.hoks.models import Hoks
from ehoks.hoks.schemas.entities import ENTITIES
from ehoks.hoks.schemas.partkinds import PART_KINDS
from ehoks.main import create_app
from ehoks.registries import build_registries
from ehoks.virkailija import routes as virkailija_routes
from ehoks.virkailija.changes import describe
from ehoks.web.routes import virkailija_hoks_delete, virkailija_hoks_history
from tests.conftest import API
from tests.factories import OPH, World, hoks_body, koski_opiskeluoikeus
from tests.fakes.smtp import smtp_server  # noqa: F401 (fixture)
from tests.sessions import BASE_URL, include_missing, login
from tests.web.test_oppija_pages import (
    STUDENT_NAME,
    UNIT_NAMES,
    RichPlan,
    load_demo_registries,
    make_rich_plan,
    visible_text,
)

APP = "/ehoks-virkailija-ui"
SUPERUSER_OID = "1.2.246.562.24.00000000001"


def role(name: str, organisation: str) -> str:
    return f"ROLE_APP_EHOKS_{name}_{organisation}"


def official(
    *roles: str, name: str = "Virkailija Vilma", oid: str = "1.2.246.562.24.10000000011"
) -> OfficialActor:
    return OfficialActor(oid, name, grants_from_roles(roles))


def superuser() -> OfficialActor:
    return official(role("OPHPAAKAYTTAJA", OPH), name="Pääkäyttäjä Paula", oid=SUPERUSER_OID)


# Fixtures.


@pytest.fixture
def settings(database_url: str, smtp_server: Any) -> Settings:  # noqa: F811
    return Settings(
        environment="test",
        database_url=database_url,
        smtp=smtp_server.settings(),
        public_url=BASE_URL,
    )


@pytest.fixture
def app(db: Engine, settings: Settings, world: World) -> FastAPI:
    # The history and delete pages' routers, until the composition root mounts them.
    created = create_app(settings, engine=db)
    include_missing(created, "", virkailija_hoks_history.router)
    include_missing(created, "", virkailija_hoks_delete.router)
    # The officials' JSON API, for a write by an official.
    include_missing(created, API, virkailija_routes.router)
    return created


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, base_url=BASE_URL) as test_client:
        yield test_client


@pytest.fixture
def plan(db: Engine, settings: Settings, world: World) -> RichPlan:
    load_demo_registries(db)
    return make_rich_plan(db, settings, world)


@pytest.fixture
def crud(world: World) -> OfficialActor:
    """CRUD and delete on the plan's oppilaitos, as the development login's officials."""
    return official(role("CRUD", world.oppilaitos_1), role("HOKS_DELETE", world.oppilaitos_1))


@pytest.fixture
def officer(client: TestClient, db: Engine, settings: Settings, crud: OfficialActor) -> str:
    """Logged in as ``crud``; the session's CSRF token."""
    return login(client, db, settings, crud)["X-CSRF-Token"]


def hoks_url(plan: RichPlan, tail: str = "") -> str:
    return f"{APP}/oppija/{plan.oppija}/hoks/{plan.hoks_id}{tail}"


def events(db: Engine, **where: Any) -> list[AuditEvent]:
    with make_session_factory(db)() as session:
        rows = session.scalars(select(AuditEvent).order_by(AuditEvent.seq)).all()
    return [e for e in rows if all(getattr(e, k) == v for k, v in where.items())]


def stored(db: Engine, hoks_id: int) -> Hoks:
    with make_session_factory(db)() as session:
        found = session.get(Hoks, hoks_id)
        assert found is not None
        return found


def deps_of(db: Engine, settings: Settings) -> UseCase:
    return build_runtime(settings, db).context()


def page_of(client: TestClient, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, response.text[:3000]
    return str(response.text)


ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def assert_readable(html: str) -> str:
    """The page's text has no ISO date and no JSON; returns it."""
    text = visible_text(html)
    assert ISO_DATE.search(text) is None, ISO_DATE.search(text)
    assert '{"' not in text
    assert "':" not in text
    return text


def add_hoks(db: Engine, settings: Settings, oppija: str, oo: str, **overrides: Any) -> int:
    with make_session_factory(db).begin() as session:
        body = hoks_body(oppija, oo, **overrides)
        return hoks_service.create(
            session, SystemActor("test"), body, deps_of(db, settings)
        ).hoks_id


# Reading a HOKS.

TABS = ("", "/osaaminen", "/opiskelusuunnitelma", "/aikajana", "/tulosta", "/historia")


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
@pytest.mark.parametrize("tail", TABS)
def test_every_page_of_a_hoks_in_every_language(client, officer, plan, lang, tail):
    html = page_of(client, hoks_url(plan, f"{tail}?lang={lang}"))
    assert f'<html lang="{lang}">' in html
    text = assert_readable(html)
    if tail in ("", "/opiskelusuunnitelma", "/tulosta"):
        assert STUDENT_NAME.split()[0] in text or "Oppija" in text
    if tail in ("/opiskelusuunnitelma", "/tulosta"):
        assert UNIT_NAMES[lang] in text


def test_the_basic_data_tab_shows_identifiers_source_and_the_koski_state(client, officer, plan, db):
    hoks = stored(db, plan.hoks_id)
    text = assert_readable(page_of(client, hoks_url(plan)))
    # The official's wording, not the student's.
    assert "Opiskelijan tavoite ja perustiedot" in text
    assert "Tavoitteeni ja perustietoni" not in text
    assert "Opiskelijalla on osaamisen hankkimisen tarve." in text
    for identifier in (str(hoks.id), hoks.eid, hoks.opiskeluoikeus_oid, hoks.oppija_oid):
        assert identifier in text
    assert "Opiskeluoikeuden tila Koskessa Läsnä" in text
    assert "Tallennettu rajapinnan kautta." in text  # not entered by hand
    assert "Luotu" in text
    assert "eHOKS-palvelu" in text
    # Every tab is a link; the current one is marked.
    html = page_of(client, hoks_url(plan, "/osaaminen"))
    assert f'href="{hoks_url(plan, "/osaaminen")}" aria-current="page"' in html
    assert "Osaaminen tunnistettu suoraan." in visible_text(html)
    assert "osaamisesi" not in visible_text(html)


def test_the_study_plan_speaks_of_the_student(client, officer, plan):
    text = assert_readable(page_of(client, hoks_url(plan, "/opiskelusuunnitelma")))
    assert "Opintojen eteneminen" in text
    assert "Suunnitelmassa on" in text
    assert "Opiskelijan yksilölliset arviointikriteerit:" in text
    assert "arviointikriteerisi" not in text
    assert "Suunnitelmassasi" not in text
    assert "Suunniteltu" in text
    assert "Aikataulutettu" in text
    assert "Valmis" in text


def test_the_print_version_has_everything_open_and_the_pdf_downloads(client, officer, plan):
    html = page_of(client, hoks_url(plan, "/tulosta"))
    assert "<details" in html
    assert "<details class" in html
    assert all(" open" in tag for tag in re.findall(r"<details[^>]*>", html))
    assert f'href="{hoks_url(plan, "/pdf")}"' in html
    response = client.get(hoks_url(plan, "/pdf?lang=sv"))
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert f"hoks-sv-{plan.hoks_id}.pdf" in response.headers["content-disposition"]


def test_every_hoks_page_is_an_audited_read(client, officer, plan, db, crud):
    for tail in ("", "/opiskelusuunnitelma", "/pdf"):
        before = len(events(db, operation="read", hoks_id=plan.hoks_id))
        client.get(hoks_url(plan, tail))
        reads = events(db, operation="read", hoks_id=plan.hoks_id)
        assert len(reads) == before + 1
        assert reads[-1].actor_id == crud.oid
        assert reads[-1].legal_basis == "provider"


# The learner's page.


def test_the_learner_page_splits_plans_in_force_and_ended(
    client, officer, plan, db, settings, world
):
    # A second study right of the same learner, ended in Koski.
    _, ended_oo = world.add_oppija(
        "rikas-2",
        oid=plan.oppija,
        opiskeluoikeudet=[
            koski_opiskeluoikeus(
                oid=opiskeluoikeus_oid("rikas-2"),
                oppilaitos=world.oppilaitos_1,
                koulutustoimija=world.koulutustoimija_1,
                tila="valmistunut",
            )
        ],
    )
    ended_id = add_hoks(db, settings, plan.oppija, ended_oo)
    html = page_of(client, f"{APP}/oppija/{plan.oppija}")
    text = assert_readable(html)
    assert plan.oppija in text
    active, ended = text.split("Päättyneiden opintojen suunnitelmat", 1)
    assert "Voimassa olevat suunnitelmat" in active
    assert f"eHOKS-tunnus {plan.hoks_id}" in active
    assert f"eHOKS-tunnus {ended_id}" in ended
    assert "Valmistunut" in ended
    assert f'href="{APP}/oppija/{plan.oppija}/hoks/{ended_id}"' in html
    assert f'href="{APP}/"' in html  # back to the list
    # Neither is entered by hand: no edit link.
    assert f"{APP}/hoks/{plan.oppija}/" not in html
    # Each HOKS listed is an audited read.
    assert {e.hoks_id for e in events(db, operation="read")} >= {plan.hoks_id, ended_id}


def test_a_hoks_entered_by_hand_has_an_edit_link_for_those_who_may_write(
    client, db, settings, world, crud
):
    load_demo_registries(db)
    oppija, oo = world.add_oppija("kasin")
    from ehoks.virkailija import service as virkailija_service

    ctx = deps_of(db, settings)
    prepared = virkailija_service.prepare_create(crud, oppija, hoks_body(oppija, oo), ctx)
    with make_session_factory(db).begin() as session:
        hoks_id = virkailija_service.apply_create(session, crud, prepared, ctx).hoks_id
    edit = f'href="{APP}/hoks/{oppija}/{hoks_id}"'
    login(client, db, settings, crud)
    assert edit in page_of(client, f"{APP}/oppija/{oppija}")
    html = page_of(client, f"{APP}/oppija/{oppija}/hoks/{hoks_id}")
    assert edit in html
    assert "Syötetty käsin virkailijan eHOKSissa." in visible_text(html)
    reader = official(role("READ", world.oppilaitos_1), oid="1.2.246.562.24.10000000022")
    login(client, db, settings, reader)
    assert edit not in page_of(client, f"{APP}/oppija/{oppija}")
    html = page_of(client, f"{APP}/oppija/{oppija}/hoks/{hoks_id}")
    assert edit not in html
    assert "/poista" not in html


def test_the_original_addresses_lead_here(client, officer, plan, world):
    old = f"{APP}/koulutuksenjarjestaja/{world.oppilaitos_1}/oppija/{plan.oppija}"
    response = client.get(old, follow_redirects=False)
    assert response.status_code == 302
    assert response.headers["location"] == f"{APP}/oppija/{plan.oppija}"
    response = client.get(f"{old}/{plan.eid}/osaaminen", follow_redirects=False)
    assert response.headers["location"] == hoks_url(plan, "/osaaminen")
    response = client.get(f"{old}/{plan.eid}", follow_redirects=False)
    assert response.headers["location"] == hoks_url(plan)
    assert client.get(f"{old}/00000000-0000-0000-0000-000000000000").status_code == 404


# Who may read.


def test_an_official_of_another_organisation_is_refused_with_a_page(
    client, db, settings, world, plan
):
    other = official(role("CRUD", world.oppilaitos_3), oid="1.2.246.562.24.10000000033")
    login(client, db, settings, other)
    for url in (f"{APP}/oppija/{plan.oppija}", hoks_url(plan), hoks_url(plan, "/historia")):
        html = page_of(client, url, 403)
        assert "<html" in html
        assert "Ei käyttöoikeutta" in html
    assert events(db, operation="read", outcome="succeeded") == []
    assert events(db, outcome="denied", hoks_id=plan.hoks_id)


def test_students_and_anonymous_callers_get_pages_not_json(client, db, settings, plan):
    assert "Kirjaudu sisään" in page_of(client, hoks_url(plan), 401)
    login(client, db, settings, StudentActor(plan.oppija, STUDENT_NAME))
    assert "Ei käyttöoikeutta" in page_of(client, hoks_url(plan), 403)


def test_another_learners_path_is_not_found(client, officer, plan, world):
    stranger, _ = world.add_oppija("vieras")
    page_of(client, f"{APP}/oppija/{stranger}/hoks/{plan.hoks_id}", 404)
    page_of(client, f"{APP}/oppija/{plan.oppija}/hoks/987654", 404)
    page_of(client, f"{APP}/oppija/ei-oid/hoks/{plan.hoks_id}", 400)


# The version history.

CLIENT_NAME = "Opintohallinto Oy"


@pytest.fixture
def edited(
    client: TestClient,
    officer: str,
    plan: RichPlan,
    db: Engine,
    settings: Settings,
    world: World,
) -> dict[str, Any]:
    """Version 2 by the official through the officials' API (PUT): another career plan, a
    learning period ending earlier and the first vocational unit removed; version 3 by a
    student information system (PATCH): a new e-mail address. Returns what changed."""
    document = copy.deepcopy(stored(db, plan.hoks_id).document)
    units = document["hankittavat-ammat-tutkinnon-osat"]
    removed = units.pop(0)
    period = units[0]["osaamisen-hankkimistavat"][0]
    old_end = date_of(period["loppu"])
    period["loppu"] = (old_end - timedelta(days=10)).isoformat()
    document["urasuunnitelma-koodi-uri"] = "urasuunnitelma_0001"
    document["id"] = plan.hoks_id
    url = f"{API}/virkailija/oppijat/{plan.oppija}/hoksit/{plan.hoks_id}"
    response = client.put(url, json=document, headers={"X-CSRF-Token": officer})
    assert response.status_code == 204, response.text
    with make_session_factory(db).begin() as session:
        new = access_service.create_client(
            session, name=CLIENT_NAME, organisaatio_oid=world.oppilaitos_1, role="CRUD"
        )
    sis = ServiceClientActor(new.client_id, CLIENT_NAME, world.oppilaitos_1, "CRUD")
    with make_session_factory(db).begin() as session:
        hoks_service.patch(
            session,
            sis,
            plan.hoks_id,
            {"id": plan.hoks_id, "sahkoposti": "uusi@example.org"},
            deps_of(db, settings),
        )
    return {"removed": removed, "old_end": old_end, "new_end": old_end - timedelta(days=10)}


def date_of(value: str) -> date:
    return date.fromisoformat(value)


def test_the_history_lists_every_version_newest_first_with_who_and_how(
    client, officer, plan, edited
):
    html = page_of(client, hoks_url(plan, "/historia"))
    rows = [
        visible_text(f"<main>{row}</main>") for row in re.findall(r"<tr>(.*?)</tr>", html, re.S)
    ]
    assert [row.split()[0] for row in rows[1:]] == ["3", "2", "1"]
    assert CLIENT_NAME in rows[1]
    assert "Palvelurajapinta" in rows[1]
    assert "HOKSin perustietoja päivitettiin" in rows[1]
    assert "Virkailija Vilma" in rows[2]
    assert "Virkailijan eHOKS" in rows[2]
    assert "Koko HOKS tallennettiin uudelleen" in rows[2]
    assert "eHOKS-palvelu" in rows[3]
    assert "HOKS luotiin" in rows[3]
    assert f'href="{hoks_url(plan, "/historia/2/3")}"' in html
    assert_readable(html)
    # The last change and who made it show on the HOKS page too.
    text = visible_text(page_of(client, hoks_url(plan)))
    assert "Viimeksi muutettu" in text
    assert CLIENT_NAME in text


def test_a_diff_in_words_names_parts_fields_dates_and_codes(client, officer, plan, edited, db):
    html = page_of(client, hoks_url(plan, "/historia/1/2"))
    text = assert_readable(html)
    assert "Muutokset versiosta 1 versioon 2" in text
    assert "Urasuunnitelma : oli Työelämään siirtyminen → nyt Jatko-opinnot" in text
    old_end, new_end = edited["old_end"], edited["new_end"]
    day = lambda d: f"{d.day}.{d.month}.{d.year}"  # noqa: E731
    assert f"Loppupäivä : oli {day(old_end)} → nyt {day(new_end)}" in text
    # The changed period is named by its type, workplace and dates under its unit's name.
    assert f"Hankittava ammatillinen tutkinnon osa: {UNIT_NAMES['fi']}" in text
    assert "Osaamisen hankkimistapa (Oppisopimus, Sähkö-Saarinen Oy," in text
    # The removed unit by its name, with what it held.
    assert re.search(r"Hankittava ammatillinen tutkinnon osa: [^<]+ Poistettu Koko osa", text)
    assert "hankittavat-ammat-tutkinnon-osat" not in html
    assert "osaamisen-hankkimistavat." not in html
    # The other language: names and dates in Swedish.
    sv = assert_readable(page_of(client, hoks_url(plan, "/historia/1/2?lang=sv")))
    assert "Fortsatta studier" in sv
    assert UNIT_NAMES["sv"] in sv
    # Later: the e-mail address by the student information system.
    text = visible_text(page_of(client, hoks_url(plan, "/historia/2/3?lang=fi")))
    assert "Sähköposti : oli riikka.rikas@example.org → nyt uusi@example.org" in text
    # Reading a diff is an audited read of both versions.
    reads = events(db, operation="read", hoks_id=plan.hoks_id)
    assert {"versiot": [1, 2]} in [
        {k: v for k, v in (e.details or {}).items() if k == "versiot"} for e in reads
    ]


def test_two_versions_are_chosen_with_a_form(client, officer, plan, edited):
    html = page_of(client, hoks_url(plan, "/historia"))
    assert f'action="{hoks_url(plan, "/historia/vertaa")}"' in html
    response = client.get(hoks_url(plan, "/historia/vertaa?a=3&b=1"), follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == hoks_url(plan, "/historia/1/3")
    text = visible_text(page_of(client, hoks_url(plan, "/historia/1/3")))
    assert "Urasuunnitelma" in text
    assert "Sähköposti" in text
    page_of(client, hoks_url(plan, "/historia/1/9"), 404)
    same = visible_text(page_of(client, hoks_url(plan, "/historia/2/2")))
    assert "Valitsit saman version kahdesti" in same


def test_every_field_and_part_kind_has_a_name():
    keys = {f.key for e in ENTITIES.values() for f in e.fields if not f.drop} - {"module-id"}
    assert keys - set(virkailija_hoks_history.FIELD_NAMES) == set()
    assert set(PART_KINDS) == set(virkailija_hoks_history.PART_KIND_NAMES)


# Soft delete and restore.


def test_soft_delete_after_a_confirmation(client, officer, plan, db, crud):
    text = visible_text(page_of(client, hoks_url(plan)))
    assert "Poista HOKS" in text
    html = page_of(client, hoks_url(plan, "/poista"))
    text = assert_readable(html)
    assert "Haluatko varmasti poistaa HOKSin?" in text
    hoks = stored(db, plan.hoks_id)
    for shown in (
        str(hoks.id),
        "Sähkö- ja automaatioalan perustutkinto",
        hoks.opiskeluoikeus_oid,
        "Testiopisto",
        "Oppija",
    ):
        assert shown in text
    assert 'method="post"' in html
    assert "csrf_token" in html
    # Without the form's check value nothing happens.
    response = client.post(hoks_url(plan, "/poista"), data={})
    assert response.status_code == 403
    assert "Lomake on vanhentunut" in response.text
    assert stored(db, plan.hoks_id).deleted_at is None
    response = client.post(
        hoks_url(plan, "/poista"), data={"csrf_token": officer}, follow_redirects=False
    )
    assert response.status_code == 303
    assert response.headers["location"] == hoks_url(plan, "/poistettu")
    text = visible_text(page_of(client, hoks_url(plan, "/poistettu")))
    assert "HOKSin poisto onnistui" in text
    assert f"eHOKS-tunnus {plan.hoks_id}" in text
    assert stored(db, plan.hoks_id).deleted_at is not None
    deleted = events(db, operation="delete", hoks_id=plan.hoks_id)
    assert deleted
    assert deleted[-1].actor_id == crud.oid
    assert deleted[-1].outcome == "succeeded"
    # Gone for the official.
    page_of(client, hoks_url(plan), 404)
    page_of(client, f"{APP}/oppija/{plan.oppija}", 403)


def test_a_read_only_official_is_offered_no_delete_and_refused_anyway(
    client, db, settings, world, plan
):
    reader = official(role("READ", world.oppilaitos_1), oid="1.2.246.562.24.10000000022")
    csrf = login(client, db, settings, reader)["X-CSRF-Token"]
    html = page_of(client, hoks_url(plan))
    assert "/poista" not in html
    assert "Poista HOKS" not in visible_text(html)
    page_of(client, hoks_url(plan, "/poista"), 403)
    response = client.post(hoks_url(plan, "/poista"), data={"csrf_token": csrf})
    assert response.status_code == 403
    assert "Ei käyttöoikeutta" in response.text
    assert stored(db, plan.hoks_id).deleted_at is None
    assert events(db, outcome="denied", hoks_id=plan.hoks_id)


def test_a_study_right_ended_in_koski_blocks_the_delete(client, officer, plan, db, world):
    world.oppijat[plan.oppija]["opiskeluoikeudet"][0]["tila"]["opiskeluoikeusjaksot"].append(
        {"alku": "2026-01-01", "tila": {"koodiarvo": "eronnut", "koodistoUri": "x"}}
    )
    world.changed()
    text = visible_text(page_of(client, hoks_url(plan, "/poista")))
    assert "Opiskeluoikeus on Koskessa päättynyt, joten HOKSia ei voi poistaa." in text
    response = client.post(hoks_url(plan, "/poista"), data={"csrf_token": officer})
    assert response.status_code == 403
    assert "HOKSia ei poistettu, koska sen opiskeluoikeus on Koskessa päättynyt." in response.text
    assert stored(db, plan.hoks_id).deleted_at is None


def test_a_super_user_finds_and_restores_a_deleted_hoks(client, officer, plan, db, settings):
    client.post(hoks_url(plan, "/poista"), data={"csrf_token": officer})
    admin = superuser()
    csrf = login(client, db, settings, admin)["X-CSRF-Token"]
    html = page_of(client, f"{APP}/oppija/{plan.oppija}")
    assert "Poistetut suunnitelmat" in visible_text(html)
    html = page_of(client, hoks_url(plan))
    text = assert_readable(html)
    assert "Tämä HOKS on poistettu" in text
    assert f'href="{hoks_url(plan, "/palauta")}"' in html
    # A super user without the delete privilege is told who may delete, not offered a button.
    assert "/poista" not in html
    text = visible_text(page_of(client, hoks_url(plan, "/palauta")))
    assert "Haluatko palauttaa poistetun HOKSin?" in text
    reads = events(db, operation="read", hoks_id=plan.hoks_id, actor_id=admin.oid)
    assert reads
    assert reads[-1].legal_basis == "administration"
    response = client.post(
        hoks_url(plan, "/palauta"), data={"csrf_token": csrf}, follow_redirects=False
    )
    assert response.status_code == 303
    assert response.headers["location"] == hoks_url(plan, "?palautettu=1")
    assert "HOKS on palautettu." in visible_text(page_of(client, hoks_url(plan, "?palautettu=1")))
    assert stored(db, plan.hoks_id).deleted_at is None
    assert events(db, operation="undo-delete", hoks_id=plan.hoks_id, actor_id=admin.oid)
    # The history tells both.
    text = visible_text(page_of(client, hoks_url(plan, "/historia")))
    assert "HOKS poistettiin" in text
    assert "Poistettu HOKS palautettiin" in text
    assert "HOKS palautettiin näiden versioiden välillä." in visible_text(
        page_of(client, hoks_url(plan, "/historia/2/3"))
    )


def test_only_super_users_restore(client, officer, plan, db, settings, crud):
    client.post(hoks_url(plan, "/poista"), data={"csrf_token": officer})
    page_of(client, hoks_url(plan, "/palauta"), 404)  # deleted: not there for them
    response = client.post(hoks_url(plan, "/palauta"), data={"csrf_token": officer})
    assert response.status_code == 403
    assert stored(db, plan.hoks_id).deleted_at is not None
    admin_csrf = login(client, db, settings, superuser())["X-CSRF-Token"]
    # Nothing to restore on a HOKS that is not deleted, and not through another learner.
    other_id = plan.hoks_id
    response = client.post(
        f"{APP}/oppija/1.2.246.562.24.00000000002/hoks/{other_id}/palauta",
        data={"csrf_token": admin_csrf},
    )
    assert response.status_code in (400, 404)
    assert stored(db, plan.hoks_id).deleted_at is not None


# What a HOKS page costs.

# The service's own statements of a HOKS page, registry lookups aside (they stand in for the
# registries' HTTP services): the session, the HOKS with its index rows, the operation of the
# latest change, its writers' names, the plans it continues or is continued in (one statement,
# ``jatko.repository``), and the audit event's append (chain head and insert; plus the chain
# lock and the look for writes' staged events on PostgreSQL, ``audit.staging``). The learner
# here has no other study right, so the start offer (``virkailija_jatko.start_offer``) asks no
# more; with one the official may write on, it adds one statement (whether that study right
# has a HOKS yet).
HOKS_PAGE_STATEMENTS = {"sqlite": 7, "postgresql": 9}


def test_a_hoks_page_runs_a_small_fixed_number_of_statements(client, officer, plan, edited, db):
    page_of(client, hoks_url(plan))  # caches warm
    seen: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        text = statement.strip().upper()
        if not text.startswith(("BEGIN", "COMMIT", "ROLLBACK")) and "REGISTRY_" not in text:
            seen.append(statement)

    # Every engine: on SQLite the audit append runs on the read appender's own connections
    # (they give way to a writer, ehoks.audit.spool).
    event.listen(Engine, "before_cursor_execute", count)
    try:
        page_of(client, hoks_url(plan))
    finally:
        event.remove(Engine, "before_cursor_execute", count)
    assert len(seen) == HOKS_PAGE_STATEMENTS[db.dialect.name], seen


# The diff's structure (``ehoks.virkailija.changes``), beyond what the pages above show.


def _period(module_id: str, alku: str, loppu: str, tasks: list[str]) -> dict[str, Any]:
    return {
        "module-id": module_id,
        "alku": alku,
        "loppu": loppu,
        "osaamisen-hankkimistapa-koodi-uri": "osaamisenhankkimistapa_koulutussopimus",
        "tyopaikalla-jarjestettava-koulutus": {
            "tyopaikan-nimi": "Esimerkki Oy",
            "keskeiset-tyotehtavat": tasks,
        },
    }


def test_the_diff_names_inserted_parts_changed_items_and_whole_collections(
    db: Engine, settings: Settings, world: World
) -> None:
    load_demo_registries(db)
    old: dict[str, Any] = {
        "osaamisen-hankkimisen-tarve": True,
        "hyvaksytty": "2026-01-01T10:00:00.000Z",
        "hankittavat-ammat-tutkinnon-osat": [
            {
                "module-id": "u1",
                "tutkinnon-osa-koodi-uri": "tutkinnonosat_106161",
                "osaamisen-hankkimistavat": [
                    _period("p1", "2026-01-01", "2026-02-01", ["Asennus", "Huolto"]),
                    _period("p2", "2026-03-01", "2026-04-01", ["Huolto"]),
                ],
            }
        ],
    }
    new = copy.deepcopy(old)
    new["osaamisen-hankkimisen-tarve"] = False
    new["hyvaksytty"] = "2026-02-01T10:00:00.000Z"
    periods = new["hankittavat-ammat-tutkinnon-osat"][0]["osaamisen-hankkimistavat"]
    periods[0]["tyopaikalla-jarjestettava-koulutus"]["keskeiset-tyotehtavat"][1] = "Myynti"
    periods.insert(1, _period("p3", "2026-02-02", "2026-02-28", ["Myynti"]))
    new["oppimisen-tuki"] = [
        {"module-id": "t1", "oppimisen-tuen-tyyppi-koodi-uri": "x_1", "alku": "2026-01-01"}
    ]
    registries = build_registries(settings, db)
    groups = describe(old, new, enrich(old, registries), enrich(new, registries))

    own, unit, support = groups
    assert own.key is None
    by_field = {c.field: c for c in own.changes}
    tarve = by_field["osaamisen-hankkimisen-tarve"]
    assert (tarve.action, tarve.old.flag, tarve.new.flag) == ("changed", True, False)
    assert by_field["hyvaksytty"].new.kind == "moment"

    assert unit.kind == "hankittava-ammat-tutkinnon-osa"
    assert unit.name is not None
    assert unit.name.text == "Sähkö- ja automaatiotekniikan perusosaaminen"
    added = [c for c in unit.changes if c.action == "added"]
    assert len(added) == 1
    assert added[0].field is None
    assert added[0].steps[-1].kind == "osaamisen-hankkimistapa"
    assert added[0].steps[-1].alku == date(2026, 2, 2)
    task = next(c for c in unit.changes if c.field == "keskeiset-tyotehtavat")
    assert (task.action, task.old.text, task.new.text) == ("changed", "Huolto", "Myynti")
    assert [s.key for s in task.steps] == [
        "osaamisen-hankkimistavat",
        "tyopaikalla-jarjestettava-koulutus",
    ]
    assert task.steps[0].name is not None
    assert task.steps[0].name.text == "Koulutussopimus"
    # The period after the inserted one is matched by its identity: nothing changed in it.
    assert not [c for c in unit.changes if c.steps and c.steps[0].alku == date(2026, 3, 1)]

    assert support.kind == "oppimisen-tuki"
    (whole,) = support.changes
    assert (whole.action, whole.field, whole.new.kind) == ("added", None, "parts")
    # A code nobody names is the code with a notice, never a blank.
    assert support.name is not None
    assert support.name.text == "x_1"
    assert support.name.notice is not None
