"""An official's reading journey in real headless Chromium: the development login, a learner's
plans, every tab of a HOKS, the print version, the version history and a diff between two
versions chosen in a form, a soft delete through its confirmation page, and an OPH super user
finding the deleted HOKS and restoring it. Every page is checked with axe-core in Finnish,
Swedish and English, at 360 px and for raw JSON and ISO dates (``check_page``), and
screenshotted as ``virkailija-hoks-…``."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from typing import Any

import pytest

from ehoks.access.actor import SystemActor
from ehoks.config import Settings
from ehoks.context import build_runtime
from ehoks.db import make_session_factory
from ehoks.hoks import service as hoks_service
from ehoks.hoks.models import Hoks
from ehoks.main import create_app
from ehoks.web.routes import virkailija_hoks_delete, virkailija_hoks_history
from tests.browser.conftest import LiveServer, _free_port, check_page
from tests.fakes.smtp import smtp_server  # noqa: F401 (fixture)
from tests.sessions import include_missing
from tests.web.test_oppija_pages import (
    UNIT_NAMES,
    RichPlan,
    load_demo_registries,
    make_rich_plan,
)

APP = "/ehoks-virkailija-ui"


@pytest.fixture
def live(db, database_url, smtp_server, world) -> Iterator[LiveServer]:  # noqa: F811
    """The conftest's server, with the history and delete pages' routers mounted until the
    composition root mounts them."""
    port = _free_port()
    settings = Settings(
        environment="test",
        database_url=database_url,
        public_url=f"http://localhost:{port}",
        smtp=smtp_server.settings(),
        dev_login=True,
    )
    app = create_app(settings, engine=db)
    include_missing(app, "", virkailija_hoks_history.router)
    include_missing(app, "", virkailija_hoks_delete.router)
    with LiveServer(app, port) as server:
        server.settings = settings  # type: ignore[attr-defined]
        yield server


@pytest.fixture
def plan(db, live, world) -> RichPlan:
    """The rich plan, and a second version of it (a student information system moved a
    learning period's end and changed the e-mail address)."""
    load_demo_registries(db)
    made = make_rich_plan(db, live.settings, world)
    deps = build_runtime(live.settings, db).context()
    with make_session_factory(db).begin() as session:
        stored = session.get(Hoks, made.hoks_id)
        assert stored is not None
        document: dict[str, Any] = copy.deepcopy(stored.document)
    document["id"] = made.hoks_id
    document["sahkoposti"] = "riikka.uusi@example.org"
    period = document["hankittavat-ammat-tutkinnon-osat"][1]["osaamisen-hankkimistavat"][0]
    period["loppu"] = period["alku"]
    with make_session_factory(db).begin() as session:
        hoks_service.replace(session, SystemActor("test"), made.hoks_id, document, deps)
    return made


def _log_in(page, live, choice: str, to: str) -> None:
    page.goto(f"{live.url}/ehoks/kirjaudu/kehitys?paluu={to}")
    page.get_by_label("Henkilö").select_option(choice)
    page.get_by_role("button", name="Kirjaudu").click()
    page.wait_for_url(f"{live.url}{to}")


def test_an_official_reads_compares_deletes_and_a_super_user_restores(page, live, plan, world):
    learner = f"{APP}/oppija/{plan.oppija}"
    base = f"{learner}/hoks/{plan.hoks_id}"
    _log_in(page, live, f"virkailija:{world.koulutustoimija_1}", learner)

    # The learner's plans.
    page.get_by_role("heading", name="Voimassa olevat suunnitelmat").wait_for()
    assert plan.oppija in page.content()
    check_page(page, shot="virkailija-hoks-oppija")

    # The HOKS, tab by tab.
    page.get_by_role("link", name=re.compile("^Avaa HOKS")).click()
    page.wait_for_url(f"{live.url}{base}")
    page.get_by_role("heading", name="Opiskelijan tavoite ja perustiedot", level=2).wait_for()
    page.get_by_text("Opiskeluoikeuden tila Koskessa").wait_for()
    check_page(page, shot="virkailija-hoks-perustiedot")

    tabs = page.get_by_role("navigation", name="HOKSin osiot")
    tabs.get_by_role("link", name="Aiempi osaaminen").click()
    page.wait_for_url(f"{live.url}{base}/osaaminen")
    page.get_by_text("Osaaminen tunnistettu suoraan.").wait_for()
    check_page(page, shot="virkailija-hoks-osaaminen")

    tabs.get_by_role("link", name="Opiskelusuunnitelma").click()
    page.wait_for_url(f"{live.url}{base}/opiskelusuunnitelma")
    assert UNIT_NAMES["fi"] in page.content()
    check_page(page, shot="virkailija-hoks-opiskelusuunnitelma")

    tabs.get_by_role("link", name="Aikajana").click()
    page.wait_for_url(f"{live.url}{base}/aikajana")
    check_page(page, shot="virkailija-hoks-aikajana")

    page.get_by_role("link", name="Tulostettava versio koko HOKSista").click()
    page.wait_for_url(f"{live.url}{base}/tulosta")
    page.get_by_role("button", name="Tulosta").wait_for()  # shown by the script
    assert page.evaluate("() => [...document.querySelectorAll('details')].every(d => d.open)")
    check_page(page, shot="virkailija-hoks-tulosta")

    # The version history, and the two versions compared.
    page.goto(f"{live.url}{base}")
    tabs.get_by_role("link", name="Versiohistoria").click()
    page.wait_for_url(f"{live.url}{base}/historia")
    rows = page.locator("table.versions tbody tr")
    assert rows.count() == 2
    check_page(page, shot="virkailija-hoks-historia")
    page.get_by_label("Vanhempi versio").select_option("1")
    page.get_by_label("Uudempi versio").select_option("2")
    page.get_by_role("button", name="Näytä muutokset").click()
    page.wait_for_url(f"{live.url}{base}/historia/1/2")
    page.get_by_role("heading", name="Muutokset versiosta 1 versioon 2").wait_for()
    changes = page.locator("main").inner_text()
    assert "riikka.uusi@example.org" in changes
    assert f"Hankittava ammatillinen tutkinnon osa: {UNIT_NAMES['fi']}" in changes
    assert "Loppupäivä" in changes
    check_page(page, shot="virkailija-hoks-vertailu")

    # Soft delete, after a confirmation page.
    page.goto(f"{live.url}{base}")
    page.get_by_role("link", name="Poista HOKS").click()
    page.wait_for_url(f"{live.url}{base}/poista")
    page.get_by_role("heading", name="Haluatko varmasti poistaa HOKSin?").wait_for()
    check_page(page, shot="virkailija-hoks-poista")
    page.get_by_role("button", name="Poista HOKS").click()
    page.wait_for_url(f"{live.url}{base}/poistettu")
    page.get_by_role("heading", name="HOKSin poisto onnistui").wait_for()
    check_page(page, shot="virkailija-hoks-poistettu")
    assert page.goto(f"{live.url}{base}").status == 404

    # An OPH super user finds the deleted HOKS and restores it.
    page.goto(f"{live.url}{learner}")
    page.get_by_role("button", name="Kirjaudu ulos").click()
    _log_in(page, live, "virkailija:oph", learner)
    page.get_by_role("heading", name="Poistetut suunnitelmat").wait_for()
    check_page(page, shot="virkailija-hoks-oppija-poistetut")
    page.get_by_role("link", name=re.compile("^Avaa HOKS")).click()
    page.wait_for_url(f"{live.url}{base}")
    page.get_by_text("Tämä HOKS on poistettu").wait_for()
    check_page(page, shot="virkailija-hoks-poistettu-hoks")
    page.get_by_role("main").get_by_role("link", name="Palauta HOKS").first.click()
    page.wait_for_url(f"{live.url}{base}/palauta")
    check_page(page, shot="virkailija-hoks-palauta")
    page.get_by_role("button", name="Palauta HOKS").click()
    page.wait_for_url(f"{live.url}{base}?palautettu=1")
    page.get_by_text("HOKS on palautettu.").wait_for()
    assert "Tämä HOKS on poistettu" not in page.content()
    check_page(page, shot="virkailija-hoks-palautettu")
