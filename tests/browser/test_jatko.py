"""Continuing from an earlier plan in real headless Chromium: an official of the provider finds
the learner's earlier plan, starts the new plan from it on the learner's new study right (same
provider, its other school), removes one carried-over unit, saves; the student then sees both
plans linked. Every page reached by GET is checked with ``check_page`` (axe-core in fi, sv and
en, 360 px, no ISO dates; screenshots ``jatko-…``); the form after a removal (a POST's answer)
is checked where it stands.

The cross-provider variant (the new provider's official reading the earlier provider's plan
under § 109 a) follows once that access rule is merged; the journey is the same.
"""

from __future__ import annotations

import re

import pytest

from ehoks.access.actor import SystemActor
from ehoks.db import make_session_factory
from ehoks.hoks import service as hoks_service
from ehoks.hoks.models import Hoks
from ehoks.jatko.models import HoksJatko
from ehoks.virkailija import search
from tests.browser.conftest import check_page
from tests.browser.test_virkailija_lomake import check_here
from tests.jatko.scenario import continuing_learner, earlier_plan, import_demo_registries

APP = "/ehoks-virkailija-ui"
AHATO = "k-aiemmin-hankitut-ammat-tutkinnon-osat"


@pytest.fixture
def earlier(db, tmp_path, live, world):
    """The learner's earlier plan, sent by the provider's system, before anyone logs in."""
    search.INSTITUTIONS.forget()
    import_demo_registries(db, tmp_path / "demo-registries")
    learner = continuing_learner(world)
    deps = live.server.config.app.state.ehoks.runtime.context()
    with make_session_factory(db).begin() as session:
        hoks_id = hoks_service.create(
            session, SystemActor("tests"), earlier_plan(learner.oppija, learner.aiempi_oo), deps
        ).hoks_id
    return learner, hoks_id


def _log_in(page, live, choice: str) -> None:
    page.goto(f"{live.url}/ehoks/kirjaudu/kehitys")
    page.get_by_label("Henkilö").select_option(choice)
    page.get_by_role("button", name="Kirjaudu").click()


def test_an_official_starts_the_next_plan_from_the_earlier_one_and_the_student_sees_both(
    page, live, world, db, earlier
):
    learner, earlier_id = earlier
    page.on("dialog", lambda dialog: dialog.accept())

    # The official finds the learner and their earlier plan.
    _log_in(page, live, f"virkailija:{world.koulutustoimija_1}")
    page.wait_for_url(f"{live.url}{APP}/organisaatio")
    page.get_by_role("button", name="Testiopisto", exact=True).click()
    page.wait_for_url(f"{live.url}{APP}/")
    page.get_by_label("Nimi tai oppijanumero").fill("jatko")
    page.get_by_role("button", name="Hae", exact=True).click()
    page.get_by_role("link", name="Testi jatko Oppija").click()
    page.wait_for_url(f"{live.url}{APP}/oppija/{learner.oppija}")
    page.get_by_role("link", name=re.compile("^Avaa HOKS")).first.click()
    earlier_url = f"{live.url}{APP}/oppija/{learner.oppija}/hoks/{earlier_id}"
    page.wait_for_url(earlier_url)

    # Start the new plan from it: choose the new study right.
    page.get_by_role("link", name="Aloita uusi HOKS tämän pohjalta").click()
    page.wait_for_url(f"{earlier_url}/jatka")
    check_page(page, shot="jatko-valitse")
    page.get_by_role("listitem").filter(has_text=learner.sama_oo).get_by_role(
        "link", name=re.compile("^Aloita HOKS tälle opiskeluoikeudelle")
    ).click()
    page.wait_for_url(re.compile(rf".*/luohoks\?jatkaa={earlier_id}&opiskeluoikeus-oid=.*"))
    page.get_by_role("heading", name="Uusi HOKS aiemman suunnitelman pohjalta").wait_for()
    assert page.locator("#k-opiskeluoikeus-oid").input_value() == learner.sama_oo
    notes = page.locator(".lomake-origin").all_inner_texts()
    assert any("Suoritettu Koskessa 20.5.2025" in note for note in notes)
    assert any("hankittavaksi" in note for note in notes)
    check_page(page, shot="jatko-lomake")

    # Remove one carried-over unit: the one completed in Koski.
    page.locator(f"#{AHATO}").get_by_role(
        "button",
        name=re.compile(r"^Poista Ammatillinen tutkinnon osa \d+: Sähkö- ja automaatiotekniikan"),
    ).click()
    page.get_by_role("heading", name="Uusi HOKS aiemman suunnitelman pohjalta").wait_for()
    assert not any(
        "Suoritettu Koskessa 20.5.2025" in n
        for n in page.locator(".lomake-origin").all_inner_texts()
    )
    check_here(page, "jatko-lomake-poistettu")

    page.locator("#k-ensikertainen-hyvaksyminen").fill("2025-08-20")
    page.get_by_role("button", name="Tallenna HOKS").first.click()
    page.wait_for_url(
        re.compile(rf".*{APP}/hoks/{re.escape(learner.oppija)}/\d+\?tallennettu=luotu$")
    )
    new_id = int(re.search(r"/(\d+)\?tallennettu", page.url).group(1))
    with make_session_factory(db)() as session:
        link = session.get(HoksJatko, new_id)
        assert link is not None
        assert link.aiempi_hoks_id == earlier_id
        new = session.get(Hoks, new_id)
        assert new is not None
        codes = [
            u["tutkinnon-osa-koodi-uri"]
            for u in new.document["aiemmin-hankitut-ammat-tutkinnon-osat"]
        ]
        eids = {new_id: new.eid, earlier_id: session.get(Hoks, earlier_id).eid}
    assert "tutkinnonosat_106161" not in codes

    # The official's page of the new plan links the earlier one.
    page.get_by_role("link", name="Avaa HOKS").click()
    page.get_by_text("Tämä suunnitelma jatkaa aiempaa suunnitelmaa:").wait_for()
    check_page(page, shot="jatko-virkailija-hoks")
    page.get_by_role("button", name="Kirjaudu ulos").click()

    # The student sees both plans linked.
    _log_in(page, live, f"oppija:{learner.oppija}")
    page.wait_for_url(f"{live.url}/ehoks/suunnittelu")
    page.goto(f"{live.url}/ehoks/suunnittelu/{eids[new_id]}")
    section = page.get_by_role("region", name="Aiempi ja seuraava suunnitelma")
    section.get_by_text("Tämä suunnitelma jatkaa aiempaa suunnitelmaa:").wait_for()
    check_page(page, shot="jatko-oppija-uusi")
    section.get_by_role("link").click()
    page.wait_for_url(f"{live.url}/ehoks/suunnittelu/{eids[earlier_id]}")
    page.get_by_text("Tätä suunnitelmaa jatketaan uudessa suunnitelmassa:").wait_for()
    check_page(page, shot="jatko-oppija-aiempi")
