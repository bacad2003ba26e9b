"""Across providers in real headless Chromium, with the demo's learner who moved: Juho Salminen
has a plan at Järviseudun ammattiopisto (his study right there ended) and a study right at
Rannikon ammattiopisto with no plan yet.

Rannikko's official finds him by his oppijanumero, finds the earlier plan under its own heading
on his page (law 531/2017 § 109 a ¶1) and reads it without any way to change it; Järviseutu's
official mails the workplace instructor the link to her part; Juho sees that Rannikko read his
plan and why. Then the whole continuation: Rannikko's official starts Rannikko's plan from
Järviseutu's, removes one carried-over unit and saves; Järviseutu's official sees no link to a
plan Järviseutu may not read; Juho sees both plans linked. Every page reached by GET is checked
with axe-core in Finnish, Swedish and English (``check_page``) and screenshotted as
``muutto-…``; the form after a removal (a POST's answer) is checked where it stands."""

from __future__ import annotations

import json
import re

import pytest

from ehoks.access.actor import SystemActor
from ehoks.context import build_runtime
from ehoks.db import make_session_factory
from ehoks.demo import DEMO_HOKS_DIR
from ehoks.hoks import service as hoks_service
from ehoks.hoks.models import Hoks
from ehoks.jatko.models import HoksJatko
from tests.browser.conftest import check_page
from tests.browser.test_virkailija_lomake import check_here
from tests.web.test_oppija_pages import load_demo_registries

APP = "/ehoks-virkailija-ui"
JUHO = "1.2.246.562.24.24946937695"
JARVISEUTU = "1.2.246.562.10.11567248700"
RANNIKKO = "1.2.246.562.10.79804704728"
SANNA = "sanna.lehto@kantasahko.example"
RANNIKKO_OO = "1.2.246.562.15.68611836062"
HATO = "k-hankittavat-ammat-tutkinnon-osat"


@pytest.fixture
def demo(db, live):
    """The demo registries, Juho's plan at Järviseutu, and a plan of a Rannikko student (so
    the development login offers Rannikko's official, as in ``make run``)."""
    load_demo_registries(db)
    deps = build_runtime(live.settings, db).context()
    ids = {}
    for name in ("13-juho-salminen.json", "07-ella-laine.json"):
        body = json.loads((DEMO_HOKS_DIR / name).read_text(encoding="utf-8"))
        with make_session_factory(db).begin() as session:
            ids[name] = hoks_service.create(session, SystemActor("demo"), body, deps).hoks_id
    return ids["13-juho-salminen.json"]


def _log_in(page, live, choice: str, to: str) -> None:
    page.goto(f"{live.url}/ehoks/kirjaudu/kehitys?paluu={to}")
    page.get_by_label("Henkilö").select_option(choice)
    page.get_by_role("button", name="Kirjaudu").click()
    page.wait_for_url(f"{live.url}{to}")


def _log_out(page) -> None:
    page.get_by_role("button", name="Kirjaudu ulos").click()


def test_the_new_provider_finds_and_reads_the_earlier_plan(page, live, demo, smtp_server):
    learner = f"{APP}/oppija/{JUHO}"
    base = f"{learner}/hoks/{demo}"

    # Rannikko's official: the student list knows no plan of Juho's here, and leads to his page.
    _log_in(page, live, f"virkailija:{RANNIKKO}", f"{APP}/organisaatio")
    page.get_by_role("button", name="Rannikon ammattiopisto", exact=True).click()
    page.wait_for_url(f"{live.url}{APP}/")
    page.get_by_label("Nimi tai oppijanumero").fill(JUHO)
    page.get_by_role("button", name="Hae", exact=True).click()
    page.get_by_role("link", name=f"Avaa oppijanumeron {JUHO} sivu").wait_for()
    check_page(page, shot="muutto-haku")
    page.get_by_role("link", name=f"Avaa oppijanumeron {JUHO} sivu").click()
    page.wait_for_url(f"{live.url}{learner}")

    # The earlier plan, under its own heading, with its provider and its ended study right.
    others = page.get_by_role("region", name="Muiden oppilaitosten suunnitelmat")
    others.wait_for()
    assert "Järviseudun ammattiopisto" in others.inner_text()
    assert "Päättynyt" in others.inner_text()
    assert "Muokkaa HOKSia" not in page.content()
    check_page(page, shot="muutto-oppija")

    others.get_by_role("link", name=re.compile("^Avaa HOKS")).click()
    page.wait_for_url(f"{live.url}{base}")
    page.get_by_text("Tämän suunnitelman on tehnyt Järviseudun ammattiopisto.").wait_for()
    assert "Poista HOKS" not in page.content()
    check_page(page, shot="muutto-hoks")
    page.get_by_role("navigation", name="HOKSin osiot").get_by_role(
        "link", name="Opiskelusuunnitelma"
    ).click()
    page.wait_for_url(f"{live.url}{base}/opiskelusuunnitelma")
    assert "Lähetä linkki" not in page.content()  # the workplace's link is Järviseutu's to send
    _log_out(page)

    # Järviseutu's official sends the instructor her link.
    _log_in(page, live, f"virkailija:{JARVISEUTU}", f"{base}/opiskelusuunnitelma")
    links = page.get_by_role("region", name="Linkit työpaikalle")
    assert "Sanna Lehto" in links.inner_text()
    buttons = links.get_by_role("button", name=re.compile("Sanna Lehto"))
    assert buttons.count() == 2  # her two learning periods
    buttons.first.click()
    page.get_by_text("Linkki on lähetetty.").wait_for()
    assert [m["To"] for m in smtp_server.messages] == [SANNA]
    assert links.get_by_role("button", name=re.compile("^Lähetä linkki uudelleen")).count() == 1
    check_page(page, shot="muutto-linkki-lahetetty")
    _log_out(page)

    # Juho sees who read his plan: Rannikko's official, because he studies there.
    _log_in(page, live, f"oppija:{JUHO}", "/ehoks/lukijat")
    main = page.get_by_role("main")
    main.get_by_text(
        "Opiskelet oppilaitoksessa Rannikon ammattiopisto.", exact=False
    ).first.wait_for()
    assert "Virkailija, Rannikon ammattiopisto" in main.inner_text()
    check_page(page, shot="muutto-lukijat")


def test_the_new_provider_continues_the_earlier_plan_and_the_student_sees_both(
    page, live, demo, db
):
    learner = f"{APP}/oppija/{JUHO}"
    earlier_url = f"{live.url}{learner}/hoks/{demo}"
    page.on("dialog", lambda dialog: dialog.accept())

    # Rannikko's official finds the earlier plan on Juho's page, under the other providers.
    _log_in(page, live, f"virkailija:{RANNIKKO}", f"{APP}/organisaatio")
    page.get_by_role("button", name="Rannikon ammattiopisto", exact=True).click()
    page.wait_for_url(f"{live.url}{APP}/")
    page.goto(f"{live.url}{learner}")
    others = page.get_by_role("region", name="Muiden oppilaitosten suunnitelmat")
    others.get_by_role("link", name=re.compile("^Avaa HOKS")).click()
    page.wait_for_url(earlier_url)

    # Read-only for Rannikko, yet the start of Rannikko's own plan is offered: Juho's study
    # right at Rannikon ammattiopisto has no plan.
    assert "Poista HOKS" not in page.content()
    page.get_by_role("link", name="Aloita uusi HOKS tämän pohjalta").click()
    page.wait_for_url(f"{earlier_url}/jatka")
    choices = page.get_by_role("link", name=re.compile("^Aloita HOKS tälle opiskeluoikeudelle"))
    assert choices.count() == 1
    assert "Rannikon ammattiopisto" in page.get_by_role("main").inner_text()
    check_page(page, shot="muutto-jatko-valitse")
    choices.click()
    page.wait_for_url(re.compile(rf".*/luohoks\?jatkaa={demo}&opiskeluoikeus-oid=.*"))
    page.get_by_role("heading", name="Uusi HOKS aiemman suunnitelman pohjalta").wait_for()
    assert page.locator("#k-opiskeluoikeus-oid").input_value() == RANNIKKO_OO
    notes = page.locator(".lomake-origin").all_inner_texts()
    # Units Juho passed at Järviseutu (Koski) come as prior competence, the rest to acquire.
    assert any("Suoritettu Koskessa 29.1.2024" in note for note in notes)
    assert any("hankittavaksi" in note for note in notes)
    check_page(page, shot="muutto-jatko-lomake")

    # Remove one carried-over unit to acquire, and save.
    page.locator(f"#{HATO}").get_by_role(
        "button",
        name=re.compile(r"^Poista Ammatillinen tutkinnon osa \d+: Kiinteistöjen sähköasennukset"),
    ).click()
    page.get_by_role("heading", name="Uusi HOKS aiemman suunnitelman pohjalta").wait_for()
    check_here(page, "muutto-jatko-poistettu")
    page.locator("#k-ensikertainen-hyvaksyminen").fill("2026-08-20")
    page.get_by_role("button", name="Tallenna HOKS").first.click()
    page.wait_for_url(re.compile(rf".*{APP}/hoks/{re.escape(JUHO)}/\d+\?tallennettu=luotu$"))
    new_id = int(re.search(r"/(\d+)\?tallennettu", page.url).group(1))
    with make_session_factory(db)() as session:
        link = session.get(HoksJatko, new_id)
        assert link is not None
        assert link.aiempi_hoks_id == demo
        new = session.get(Hoks, new_id)
        assert new is not None
        assert new.opiskeluoikeus_oid == RANNIKKO_OO
        assert "tutkinnonosat_106165" not in str(new.document)
        prior = [
            u["tutkinnon-osa-koodi-uri"]
            for u in new.document["aiemmin-hankitut-ammat-tutkinnon-osat"]
        ]
        assert {"tutkinnonosat_106161", "tutkinnonosat_106163"} <= set(prior)
        eids = {new_id: new.eid, demo: session.get(Hoks, demo).eid}

    # Rannikko's page of the new plan links Järviseutu's, which Rannikko may read.
    page.get_by_role("link", name="Avaa HOKS").click()
    page.get_by_text("Tämä suunnitelma jatkaa aiempaa suunnitelmaa:").wait_for()
    check_page(page, shot="muutto-jatko-uusi")
    page.get_by_role("region", name="Aiempi ja seuraava suunnitelma").get_by_role("link").click()
    page.wait_for_url(earlier_url)
    page.get_by_text("Tätä suunnitelmaa jatketaan uudessa suunnitelmassa:").wait_for()
    _log_out(page)

    # Järviseutu, where Juho no longer studies, may not read Rannikko's plan: no link to it.
    _log_in(page, live, f"virkailija:{JARVISEUTU}", f"{learner}/hoks/{demo}")
    page.get_by_role("heading", level=1).wait_for()
    assert "Tätä suunnitelmaa jatketaan" not in page.content()
    assert f"/hoks/{new_id}" not in page.content()
    _log_out(page)

    # Juho sees both plans, linked both ways.
    _log_in(page, live, f"oppija:{JUHO}", "/ehoks/suunnittelu")
    page.goto(f"{live.url}/ehoks/suunnittelu/{eids[new_id]}")
    section = page.get_by_role("region", name="Aiempi ja seuraava suunnitelma")
    section.get_by_text("Tämä suunnitelma jatkaa aiempaa suunnitelmaa:").wait_for()
    check_page(page, shot="muutto-jatko-oppija-uusi")
    section.get_by_role("link").click()
    page.wait_for_url(f"{live.url}/ehoks/suunnittelu/{eids[demo]}")
    page.get_by_text("Tätä suunnitelmaa jatketaan uudessa suunnitelmassa:").wait_for()
    check_page(page, shot="muutto-jatko-oppija-aiempi")
