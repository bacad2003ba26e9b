"""Starting a new HOKS from an earlier plan in the official's views: the offer on the HOKS page,
the choice of the new study right, the create form filled with the draft and each carried item
marked, removing one, saving, the link recorded, and both plans linked on the official's and
the student's pages — only where the reader may follow the link."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from ehoks.access.actor import OfficialActor, StudentActor, grants_from_roles
from ehoks.db import make_session_factory
from ehoks.hoks.models import Hoks
from ehoks.jatko.models import HoksJatko
from tests.conftest import API
from tests.jatko.scenario import continuing_learner, earlier_plan, import_demo_registries
from tests.sessions import BASE_URL, login
from tests.web.test_virkailija_lomake import browser_form, post, with_values

APP = "/ehoks-virkailija-ui"
NEW = f"{APP}/luohoks"
HATO = "hankittavat-ammat-tutkinnon-osat"
AHATO = "aiemmin-hankitut-ammat-tutkinnon-osat"


@pytest.fixture
def web(app):
    with TestClient(app, base_url=BASE_URL) as test_client:
        yield test_client


@pytest.fixture
def learner(world, db, tmp_path):
    import_demo_registries(db, tmp_path / "demo-registries")
    return continuing_learner(world)


@pytest.fixture
def earlier(client, clients, world, learner):
    headers = clients.headers(world.koulutustoimija_1)
    response = client.post(
        f"{API}/hoks", json=earlier_plan(learner.oppija, learner.aiempi_oo), headers=headers
    )
    assert response.status_code == 200, response.text
    return response.json()["meta"]["id"]


def official(*roles: str) -> OfficialActor:
    return OfficialActor("1.2.246.562.24.10000000011", "Virkailija Vilma", grants_from_roles(roles))


@pytest.fixture
def csrf(web, db, settings, world):
    """An official with CRUD on the provider of both schools."""
    actor = official(f"ROLE_APP_EHOKS_CRUD_{world.koulutustoimija_1}")
    return login(web, db, settings, actor)["X-CSRF-Token"]


def hoks_page(oppija: str, hoks_id: int) -> str:
    return f"{APP}/oppija/{oppija}/hoks/{hoks_id}"


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def start_form(web: TestClient, oppija: str, earlier: int, oo: str) -> str:
    page = web.get(hoks_page(oppija, earlier))
    assert page.status_code == 200, page.text
    start = f"{hoks_page(oppija, earlier)}/jatka"
    assert f'href="{start}"' in page.text
    choose = web.get(start)
    assert choose.status_code == 200, choose.text
    url = f"{NEW}?jatkaa={earlier}&amp;opiskeluoikeus-oid={oo}"
    assert url in choose.text
    form = web.get(url.replace("&amp;", "&"))
    assert form.status_code == 200, form.text
    return form.text


def test_the_official_starts_a_plan_from_the_earlier_one_removes_a_unit_and_saves(
    web, csrf, learner, earlier, db, settings
):
    form = start_form(web, learner.oppija, earlier, learner.sama_oo)
    shown = text_of(form)
    assert "Uusi HOKS aiemman suunnitelman pohjalta" in shown
    # Each carried item is marked with where it came from.
    assert shown.count(f"Aiemmasta suunnitelmasta (HOKS {earlier}") >= 6
    assert "Suoritettu Koskessa 20.5.2025" in shown
    assert "Koskesta: suoritettu aiemmassa opiskeluoikeudessa 2.6.2025" in shown
    assert "hankittavaksi" in shown
    fields = browser_form(form)
    assert (f"{HATO}[0].tutkinnon-osa-koodi-uri", "tutkinnonosat_106162") in fields
    assert ("opiskeluoikeus-oid", learner.sama_oo) in fields
    assert any(name == "jatko" for name, _ in fields)

    # Remove the second carried prior unit (106161, completed in Koski) with the form's button.
    prior_codes = [
        v for n, v in fields if re.fullmatch(rf"{AHATO}\[\d\]\.tutkinnon-osa-koodi-uri", n)
    ]
    removed_index = prior_codes.index("tutkinnonosat_106161")
    removed = post(web, NEW, fields, csrf, poista=f"{AHATO}[{removed_index}]")
    assert removed.status_code == 200, removed.text
    fields = browser_form(removed.text)
    remaining = [
        v for n, v in fields if re.fullmatch(rf"{AHATO}\[\d\]\.tutkinnon-osa-koodi-uri", n)
    ]
    assert "tutkinnonosat_106161" not in remaining
    # The notes follow the items, not their positions.
    assert "Suoritettu Koskessa 20.5.2025" not in text_of(removed.text)
    assert "Koskesta: suoritettu aiemmassa opiskeluoikeudessa 2.6.2025" in text_of(removed.text)

    fields = with_values(fields, {"ensikertainen-hyvaksyminen": "2025-08-20"})
    saved = post(web, NEW, fields, csrf, tallenna="1")
    assert saved.status_code == 303, saved.text
    new_id = int(re.search(r"/(\d+)\?tallennettu=luotu", saved.headers["location"]).group(1))
    with make_session_factory(db)() as session:
        new = session.get(Hoks, new_id)
        link = session.get(HoksJatko, new_id)
    assert link is not None
    assert link.aiempi_hoks_id == earlier
    codes = [u["tutkinnon-osa-koodi-uri"] for u in new.document[AHATO]]
    assert "tutkinnonosat_106161" not in codes
    assert "tutkinnonosat_106165" in codes
    assert new.document[HATO][0]["tutkinnon-osa-koodi-uri"] == "tutkinnonosat_106162"

    # Both of the official's pages link the plans.
    new_page = text_of(web.get(hoks_page(learner.oppija, new_id)).text)
    assert "Tämä suunnitelma jatkaa aiempaa suunnitelmaa:" in new_page
    assert (
        f'href="{hoks_page(learner.oppija, earlier)}"'
        in web.get(hoks_page(learner.oppija, new_id)).text
    )
    old_page = web.get(hoks_page(learner.oppija, earlier)).text
    assert "Tätä suunnitelmaa jatketaan uudessa suunnitelmassa:" in text_of(old_page)
    assert f'href="{hoks_page(learner.oppija, new_id)}"' in old_page

    # And the student's.
    student = TestClient(web.app, base_url=BASE_URL)
    login(student, db, settings, StudentActor(learner.oppija, "Testi Oppija"))
    eids = {}
    with make_session_factory(db)() as session:
        for hoks_id in (earlier, new_id):
            eids[hoks_id] = session.get(Hoks, hoks_id).eid
    own_new = student.get(f"/ehoks/suunnittelu/{eids[new_id]}")
    assert own_new.status_code == 200
    assert f'href="/ehoks/suunnittelu/{eids[earlier]}"' in own_new.text
    own_old = student.get(f"/ehoks/suunnittelu/{eids[earlier]}")
    assert f'href="/ehoks/suunnittelu/{eids[new_id]}"' in own_old.text
    assert "Tätä suunnitelmaa jatketaan uudessa suunnitelmassa:" in text_of(own_old.text)


def test_a_link_the_reader_may_not_follow_is_not_shown(
    web, csrf, learner, earlier, db, settings, world
):
    form = start_form(web, learner.oppija, earlier, learner.sama_oo)
    fields = with_values(browser_form(form), {"ensikertainen-hyvaksyminen": "2025-08-20"})
    saved = post(web, NEW, fields, csrf, tallenna="1")
    assert saved.status_code == 303, saved.text
    new_id = int(re.search(r"/(\d+)\?", saved.headers["location"]).group(1))
    # An official of the earlier plan's school only: the learner no longer studies there, so
    # the new plan (at the other school) is not theirs to read, nor its link theirs to see.
    login(web, db, settings, official(f"ROLE_APP_EHOKS_CRUD_{world.oppilaitos_1}"))
    page = web.get(hoks_page(learner.oppija, earlier))
    assert page.status_code == 200
    assert "Tätä suunnitelmaa jatketaan" not in text_of(page.text)
    assert f'href="{hoks_page(learner.oppija, new_id)}"' not in page.text
    assert web.get(hoks_page(learner.oppija, new_id)).status_code == 403
    # An official of the new plan's school only reads the earlier plan because the learner
    # studies there now (§ 109 a ¶1), so the link is theirs to follow.
    login(web, db, settings, official(f"ROLE_APP_EHOKS_CRUD_{world.oppilaitos_2}"))
    page = web.get(hoks_page(learner.oppija, new_id))
    assert "Tämä suunnitelma jatkaa aiempaa suunnitelmaa" in text_of(page.text)
    assert f'href="{hoks_page(learner.oppija, earlier)}"' in page.text


def test_the_study_rights_offered_are_those_the_official_may_write_on(
    web, csrf, learner, earlier, db, settings, world
):
    page = web.get(f"{hoks_page(learner.oppija, earlier)}/jatka")
    assert page.status_code == 200
    for offered in (learner.sama_oo, learner.uusi_tutkinto_oo):
        assert f"opiskeluoikeus-oid={offered}" in page.text
    for not_offered in (learner.aiempi_oo, learner.muu_oo):
        assert f"opiskeluoikeus-oid={not_offered}" not in page.text
    # A read-only official is not offered the start and may not open the draft.
    login(web, db, settings, official(f"ROLE_APP_EHOKS_READ_{world.koulutustoimija_1}"))
    assert "/jatka" not in web.get(hoks_page(learner.oppija, earlier)).text
    refused = web.get(f"{NEW}?jatkaa={earlier}&opiskeluoikeus-oid={learner.sama_oo}")
    assert refused.status_code == 403
    # An official of a provider where the learner has no study right may not read the earlier
    # plan at all.
    login(web, db, settings, official(f"ROLE_APP_EHOKS_CRUD_{world.koulutustoimija_3}"))
    assert web.get(hoks_page(learner.oppija, earlier)).status_code == 403
    refused = web.get(f"{NEW}?jatkaa={earlier}&opiskeluoikeus-oid={learner.muu_oo}")
    assert refused.status_code == 403
    with make_session_factory(db)() as session:
        assert session.scalar(select(func.count()).select_from(Hoks)) == 1


def test_the_new_provider_starts_from_the_earlier_providers_plan(
    web, learner, earlier, db, settings, world
):
    """B (koulutustoimija 2) reads A's plan because the learner studies at B (§ 109 a ¶1),
    starts its own plan from it on B's study right and saves; both of B's pages link the two,
    the student follows both links, A's school (where the learner no longer studies) sees no
    link to B's plan."""
    b = login(web, db, settings, official(f"ROLE_APP_EHOKS_CRUD_{world.koulutustoimija_2}"))
    earlier_page = web.get(hoks_page(learner.oppija, earlier))
    assert earlier_page.status_code == 200
    assert "Muokkaa HOKSia" not in earlier_page.text  # read-only for B
    choose = web.get(f"{hoks_page(learner.oppija, earlier)}/jatka")
    offered = set(re.findall(r"opiskeluoikeus-oid=([0-9.]+)", choose.text))
    assert offered == {learner.muu_oo}
    form = start_form(web, learner.oppija, earlier, learner.muu_oo)
    assert "Suoritettu Koskessa 20.5.2025" in text_of(form)
    fields = browser_form(form)
    # Remove the one carried unit to acquire that is not a common unit (106162).
    assert (f"{HATO}[0].tutkinnon-osa-koodi-uri", "tutkinnonosat_106162") in fields
    removed = post(web, NEW, fields, b["X-CSRF-Token"], poista=f"{HATO}[0]")
    assert removed.status_code == 200, removed.text
    fields = with_values(browser_form(removed.text), {"ensikertainen-hyvaksyminen": "2025-08-20"})
    saved = post(web, NEW, fields, b["X-CSRF-Token"], tallenna="1")
    assert saved.status_code == 303, saved.text
    new_id = int(re.search(r"/(\d+)\?tallennettu=luotu", saved.headers["location"]).group(1))
    with make_session_factory(db)() as session:
        new = session.get(Hoks, new_id)
        link = session.get(HoksJatko, new_id)
        assert link is not None
        assert link.aiempi_hoks_id == earlier
        assert new.opiskeluoikeus_oid == learner.muu_oo
        assert new.oppilaitos_oid == world.oppilaitos_3
        assert not new.document.get(HATO)
        eids = {i: session.get(Hoks, i).eid for i in (earlier, new_id)}

    # B's pages link both plans; the earlier one no longer offers a start (B's only study
    # right of the learner has its plan now).
    new_page = web.get(hoks_page(learner.oppija, new_id)).text
    assert "Tämä suunnitelma jatkaa aiempaa suunnitelmaa:" in text_of(new_page)
    assert f'href="{hoks_page(learner.oppija, earlier)}"' in new_page
    old_page = web.get(hoks_page(learner.oppija, earlier)).text
    assert f'href="{hoks_page(learner.oppija, new_id)}"' in old_page
    assert "/jatka" not in old_page

    # A's school, where the learner's study right ended: its plan, without B's link.
    login(web, db, settings, official(f"ROLE_APP_EHOKS_CRUD_{world.oppilaitos_1}"))
    old_page = web.get(hoks_page(learner.oppija, earlier)).text
    assert "Tätä suunnitelmaa jatketaan" not in text_of(old_page)
    assert f"/hoks/{new_id}" not in old_page

    # The student follows both links.
    student = TestClient(web.app, base_url=BASE_URL)
    login(student, db, settings, StudentActor(learner.oppija, "Testi Oppija"))
    own_new = student.get(f"/ehoks/suunnittelu/{eids[new_id]}")
    assert f'href="/ehoks/suunnittelu/{eids[earlier]}"' in own_new.text
    own_old = student.get(f"/ehoks/suunnittelu/{eids[earlier]}")
    assert f'href="/ehoks/suunnittelu/{eids[new_id]}"' in own_old.text


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_the_form_from_an_earlier_plan_speaks_each_language(web, csrf, learner, earlier, lang):
    web.get(f"{APP}/?lang={lang}")
    form = start_form(web, learner.oppija, earlier, learner.uusi_tutkinto_oo)
    words = {
        "fi": "ePerusteet ei sijoita tätä tutkinnon osaa",
        "sv": "Enligt eGrunder hör denna examensdel inte",
        "en": "According to ePerusteet, this unit does not belong",
    }
    assert words[lang] in text_of(form)
