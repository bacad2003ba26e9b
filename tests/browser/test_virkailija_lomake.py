"""An official's journey through the HOKS form in real headless Chromium: the development login,
a new HOKS built with the form's own buttons, a deliberate mistake shown at its field and fixed,
an edit, a save refused because the provider's system changed the HOKS meanwhile (the changes
shown, the official's values kept) and saved again, and a HOKS from a provider's system that
cannot be edited here.

Pages reached by GET are checked with ``check_page`` (axe-core in fi, sv and en, 360 px, no ISO
dates, screenshots ``virkailija-lomake-…``). Pages that answer a POST (errors, the conflict) hold
what was typed, which a language switch would reload away: they are checked where they stand.
"""

from __future__ import annotations

import re
import shutil

import pytest

from ehoks.access.actor import SystemActor
from ehoks.db import make_session_factory
from ehoks.demo.loader import DATA_DIR
from ehoks.hoks import service as hoks_service
from ehoks.hoks.models import Hoks
from ehoks.registries.local import import_directory
from tests.browser.conftest import (
    DESKTOP,
    PHONE,
    SCREENSHOTS,
    accessibility_violations,
    check_page,
    horizontal_overflow,
)
from tests.factories import hoks_body

APP = "/ehoks-virkailija-ui"
UNIT = "k-hankittavat-ammat-tutkinnon-osat"
PERIOD = f"{UNIT}_0_osaamisen-hankkimistavat_0"


@pytest.fixture
def demo_registries(db, tmp_path):
    """The demo Koodisto and ePerusteet, before the server starts."""
    root = tmp_path / "demo-registries"
    for name in ("eperusteet", "koodisto"):
        shutil.copytree(DATA_DIR / name, root / name)
    import_directory(db, root)


@pytest.fixture
def from_a_system(demo_registries, live, world, db):
    """A HOKS that a provider's system sent through the API; it also makes the development login
    offer the provider's official."""
    oppija, oo = world.add_oppija("jarjestelmasta")
    deps = live.server.config.app.state.ehoks.runtime.context()
    with make_session_factory(db).begin() as session:
        hoks_id = hoks_service.create(
            session, SystemActor("tests"), hoks_body(oppija, oo), deps
        ).hoks_id
    return oppija, hoks_id, deps


def check_here(page, shot: str) -> None:
    """The page as it stands (a POST's answer): axe-core, 360 px, screenshots."""
    assert page.evaluate("() => document.documentElement.lang") == "fi"
    assert accessibility_violations(page) == []
    page.set_viewport_size(PHONE)
    assert horizontal_overflow(page) == 0
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{shot}-360.png"), full_page=True)
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=str(SCREENSHOTS / f"{shot}-desktop.png"), full_page=True)


def stored(db, hoks_id: int) -> Hoks:
    with make_session_factory(db)() as session:
        hoks = session.get(Hoks, hoks_id)
        assert hoks is not None
        return hoks


def test_an_official_creates_fixes_edits_and_meets_a_concurrent_change(
    page, live, world, db, from_a_system
):
    api_oppija, api_hoks, deps = from_a_system
    oppija, oo = world.add_oppija("selaimella")
    page.on("dialog", lambda dialog: dialog.accept())

    page.goto(f"{live.url}/ehoks/kirjaudu/kehitys")
    page.get_by_label("Henkilö").select_option(f"virkailija:{world.koulutustoimija_1}")
    page.get_by_role("button", name="Kirjaudu").click()
    page.wait_for_url(re.compile(r".*/ehoks-virkailija-ui/.*"))

    # A new HOKS: the basic data, then a unit and its learning period added with the buttons.
    page.goto(f"{live.url}{APP}/luohoks")
    page.get_by_role("heading", name="Uusi HOKS", level=1).wait_for()
    check_page(page, shot="virkailija-lomake-uusi")
    page.get_by_label("Oppijanumero (oppijan OID)").fill(oppija)
    page.get_by_role("textbox", name="Opiskeluoikeuden OID", exact=True).fill(oo)
    page.locator("#k-ensikertainen-hyvaksyminen").fill("2024-08-15")
    page.locator("#k-osaamisen-hankkimisen-tarve").get_by_label("Kyllä").check()
    page.get_by_label("Opiskelijan tavoite").select_option(label="Työelämään siirtyminen")
    page.locator(f"#{UNIT}").get_by_role("button", name="Lisää ammatillinen tutkinnon osa").click()
    page.locator(f"#{UNIT}_0").wait_for()
    assert page.get_by_label("Oppijanumero (oppijan OID)").input_value() == oppija
    page.locator(f"#{UNIT}_0_tutkinnon-osa-koodi-uri").select_option(
        label="Sähkö- ja automaatiotekniikan perusosaaminen"
    )
    page.locator(f"#{UNIT}_0").get_by_role("button", name="Lisää osaamisen hankkimistapa").click()
    page.locator(f"#{PERIOD}").wait_for()
    page.locator(f"#{PERIOD}_osaamisen-hankkimistapa-koodi-uri").select_option(
        label="Koulutussopimus"
    )
    page.locator(f"#{PERIOD}_alku").fill("2024-09-01")
    page.locator(f"#{PERIOD}_loppu").fill("2024-08-20")  # the mistake: it ends before it starts
    page.locator(f"#{PERIOD}_osa-aikaisuustieto").fill("100")
    workplace = f"#{PERIOD}_tyopaikalla-jarjestettava-koulutus"
    page.locator(f"{workplace}_tyopaikan-nimi").fill("Esimerkki Oy")
    page.locator(f"{workplace}_tyopaikan-y-tunnus").fill("1234567-1")
    page.locator(f"{workplace}_vastuullinen-tyopaikka-ohjaaja_nimi").fill("Olli Ohjaaja")
    page.locator(f"{workplace}_keskeiset-tyotehtavat").fill("Asiakaspalvelu")
    page.get_by_role("button", name="Tallenna HOKS").first.click()

    summary = page.get_by_role("alert").filter(has_text="HOKSia ei tallennettu")
    summary.wait_for()
    assert "Loppupäivä ei voi olla ennen alkupäivää." in summary.inner_text()
    assert (
        page.locator(f"#{PERIOD}_loppu-error")
        .inner_text()
        .endswith("Loppupäivä ei voi olla ennen alkupäivää.")
    )
    assert page.locator(
        f"#{PERIOD}_tyopaikalla-jarjestettava-koulutus_tyopaikan-nimi"
    ).input_value() == ("Esimerkki Oy")
    check_here(page, "virkailija-lomake-virhe")
    summary.get_by_role("link").first.click()
    page.locator(f"#{PERIOD}_loppu").fill("2024-12-20")
    page.get_by_role("button", name="Tallenna HOKS").first.click()

    page.wait_for_url(re.compile(rf".*{APP}/hoks/{re.escape(oppija)}/\d+\?tallennettu=luotu$"))
    page.get_by_text("HOKS luotiin.").wait_for()
    hoks_id = int(re.search(r"/(\d+)\?", page.url).group(1))  # type: ignore[union-attr]
    assert page.get_by_role("link", name="Avaa HOKS").get_attribute("href") == (
        f"{APP}/oppija/{oppija}/hoks/{hoks_id}"
    )
    check_page(page, shot="virkailija-lomake-luotu")
    created = stored(db, hoks_id)
    assert created.manuaalisyotto
    assert created.document["urasuunnitelma-koodi-uri"] == "urasuunnitelma_0002"

    # An edit.
    page.locator("#k-sahkoposti").fill("uusi@example.org")
    page.get_by_role("button", name="Tallenna HOKS").first.click()
    page.wait_for_url(re.compile(r".*\?tallennettu=muokattu$"))
    page.get_by_text("Muutokset tallennettiin.").wait_for()
    check_page(page, shot="virkailija-lomake-muokattu")
    assert stored(db, hoks_id).document["sahkoposti"] == "uusi@example.org"

    # The provider's system changes the HOKS while the official is editing it.
    page.locator("#k-puhelinnumero").fill("040 123 4567")
    with make_session_factory(db).begin() as session:
        hoks_service.patch(
            session,
            SystemActor("tests"),
            hoks_id,
            {"id": hoks_id, "sahkoposti": "jarjestelma@example.org"},
            deps,
        )
    newer = stored(db, hoks_id)
    page.get_by_role("button", name="Tallenna HOKS").first.click()
    page.get_by_role("heading", name="Joku muu tallensi tämän HOKSin sillä välin").wait_for()
    changes = page.locator("table.lomake-changes").inner_text()
    assert "Sähköposti" in changes
    assert "jarjestelma@example.org" in changes
    assert page.locator("#k-puhelinnumero").input_value() == "040 123 4567"
    assert stored(db, hoks_id).document == newer.document
    check_here(page, "virkailija-lomake-ristiriita")
    page.get_by_role("button", name="Tallenna HOKS").first.click()
    page.wait_for_url(re.compile(r".*\?tallennettu=muokattu$"))
    assert stored(db, hoks_id).document["puhelinnumero"] == "040 123 4567"

    # A HOKS from a provider's system is edited there.
    page.goto(f"{live.url}{APP}/hoks/{api_oppija}/{api_hoks}")
    page.get_by_role("heading", name="HOKSia ei voi muokata täällä").wait_for()
    check_page(page, shot="virkailija-lomake-lukittu")
