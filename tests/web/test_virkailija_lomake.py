"""The official's HOKS form (``/ehoks-virkailija-ui/luohoks`` and ``/hoks/{oppija}/{id}``):
every part of the data model on the form, saving through the officials' use cases, the API's
validation shown at the fields in the user's language with nothing stored, repeated parts added
and removed without script, the version guard, and who may do what.

Forms are filled the way a browser without script does: the rendered page is read for its
inputs (``browser_form``), a few are changed, and everything is posted back.
"""

from __future__ import annotations

import re
import shutil
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from ehoks.access.actor import OfficialActor, SystemActor, grants_from_roles
from ehoks.audit.models import AuditEvent
from ehoks.db import make_session_factory
from ehoks.demo.loader import DATA_DIR
from ehoks.errors import RegistryUnavailable
from ehoks.hoks import service as hoks_service
from ehoks.hoks.models import Hoks
from ehoks.hoks.schemas.entities import ENTITIES
from ehoks.hoks.schemas.rules import FIELD_RULES, OBJECT_RULES
from ehoks.kernel.clock import today_in_finland
from ehoks.registries.local import import_directory
from ehoks.web.lomake import kentat, luonnos, virheet
from ehoks.web.routes import virkailija_lomake_tekstit as tekstit
from tests.factories import hoks_body
from tests.sessions import BASE_URL, login
from tests.web.test_oppija_pages import rich_hoks_body

APP = "/ehoks-virkailija-ui"
NEW = f"{APP}/luohoks"
UNIT = "hankittavat-ammat-tutkinnon-osat"
PERIOD = f"{UNIT}[0].osaamisen-hankkimistavat[0]"


# A browser without script.


class _Form(HTMLParser):
    """The inputs of the page's form as a browser would post them (no buttons)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.fields: list[tuple[str, str]] = []
        self._in_form = False
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("id") == "lomake":
            self._in_form = True
        if not self._in_form:
            return
        if tag == "input":
            kind = a.get("type", "text")
            if kind in ("radio", "checkbox") and "checked" not in a:
                return
            if kind != "submit":
                self.fields.append((a["name"], a.get("value", "")))
        elif tag == "select":
            self._select, self._options = a["name"], []
        elif tag == "option" and self._select is not None:
            self._options.append((a.get("value", ""), "selected" in a))
        elif tag == "textarea":
            self._textarea, self._text = a["name"], ""

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._in_form = False
        elif tag == "select" and self._select is not None:
            chosen = [v for v, selected in self._options if selected] or [self._options[0][0]]
            self.fields.append((self._select, chosen[0]))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.fields.append((self._textarea, self._text.removeprefix("\n")))
            self._textarea = None


def browser_form(html: str) -> list[tuple[str, str]]:
    parser = _Form()
    parser.feed(html)
    return parser.fields


def with_values(fields: list[tuple[str, str]], values: dict[str, str]) -> list[tuple[str, str]]:
    """The fields with ``values`` typed in (a radio button not yet chosen is added)."""
    names = {name for name, _ in fields}
    chosen = [(name, value) for name, value in values.items() if name not in names]
    return [(name, values.get(name, value)) for name, value in fields] + chosen


def error_at(html: str, path: str) -> str | None:
    """The error shown at the field of ``path`` (its text, markup removed)."""
    element_id = "k-" + re.sub(r"[^a-z0-9-]+", "_", path).strip("_")
    match = re.search(rf'id="{re.escape(element_id)}-error">(.*?)</span>\s*(?:<|$)', html, re.S)
    if match is None:
        return None
    shown = re.sub(r'<span class="visually-hidden">.*?</span>', "", match.group(1))
    return unescape(re.sub(r"<[^>]+>", "", shown)).strip()


# Fixtures.


@pytest.fixture
def client(app):
    with TestClient(app, base_url=BASE_URL) as test_client:
        yield test_client


@pytest.fixture
def registries(db, tmp_path):
    """The demo Koodisto and ePerusteet: code names in three languages."""
    root = tmp_path / "demo-registries"
    for name in ("eperusteet", "koodisto"):
        shutil.copytree(Path(DATA_DIR) / name, root / name)
    import_directory(db, root)


def official(*roles: str, oid: str = "1.2.246.562.24.10000000011") -> OfficialActor:
    return OfficialActor(oid, "Virkailija Vilma", grants_from_roles(roles))


@pytest.fixture
def writer(world):
    return official(f"ROLE_APP_EHOKS_CRUD_{world.koulutustoimija_1}")


@pytest.fixture
def csrf(client, db, settings, writer, registries):
    """Logged in as an official with CRUD on the provider; the form's CSRF token."""
    return login(client, db, settings, writer)["X-CSRF-Token"]


@pytest.fixture
def learner(world):
    return world.add_oppija("lomake")


def post(client: TestClient, url: str, fields: list[tuple[str, str]], csrf: str, **extra: str):
    data = [("csrf_token", csrf), *fields, *extra.items()]
    return client.post(url, content=_encode(data), headers=_FORM, follow_redirects=False)


_FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def _encode(data: list[tuple[str, str]]) -> bytes:
    from urllib.parse import urlencode

    return urlencode(data).encode()


def stored(db, hoks_id: int) -> Hoks | None:
    with make_session_factory(db)() as session:
        return session.get(Hoks, hoks_id)


def hoks_count(db) -> int:
    with make_session_factory(db)() as session:
        return int(session.scalar(select(func.count()).select_from(Hoks)) or 0)


def create_as_service(app, db, body: dict[str, Any], *, manual: bool = True) -> int:
    with make_session_factory(db).begin() as session:
        return hoks_service.create(
            session,
            SystemActor("tests"),
            body,
            app.state.ehoks.runtime.context(),
            virkailija=manual,
        ).hoks_id


def edit_url(oppija: str, hoks_id: int) -> str:
    return f"{APP}/hoks/{oppija}/{hoks_id}"


def new_form(client: TestClient) -> list[tuple[str, str]]:
    page = client.get(NEW)
    assert page.status_code == 200, page.text
    return browser_form(page.text)


def basic(oppija: str, oo: str) -> dict[str, str]:
    return {
        "oppija-oid": oppija,
        "opiskeluoikeus-oid": oo,
        "ensikertainen-hyvaksyminen": "2024-08-15",
        "osaamisen-hankkimisen-tarve": "true",
    }


# The model and the words.


def test_every_field_of_the_data_model_has_a_label_and_every_rule_a_message():
    labelled = set(tekstit.LABELS) | {key for _, key in tekstit.OVERRIDES}
    assert {key for _, key in kentat.all_keys()} - labelled == set()
    lists = {
        k.child_entity for e, _ in kentat.all_keys() for k in kentat.fields(e) if k.kind == "list"
    }
    assert lists - set(tekstit.ITEM_TITLES) == set()
    assert lists - set(tekstit.ADD_LABELS) == set()
    assert set(FIELD_RULES) | set(OBJECT_RULES) <= set(tekstit.RULES)


def test_the_form_covers_every_field_the_api_accepts():
    """Each entity's write-mode fields are on the form (or set with their code, or by the server:
    the root's id and the parts' ignored database ids)."""
    for entity in ENTITIES.values():
        if entity.name.endswith("Vipunen"):
            continue
        shown = {k.key for k in kentat.fields(entity.name, "post")}
        shown |= {k.versio for k in kentat.fields(entity.name, "post") if k.versio}
        for spec in entity.fields:
            writable = entity.mode(spec, "post") != "X" and not spec.drop
            if writable and spec.key != "id":
                assert spec.key in shown, f"{entity.name}.{spec.key} is not on the form"


def test_a_rich_hoks_goes_through_the_form_unchanged():
    body = rich_hoks_body(
        "1.2.246.562.24.54450598189",
        "1.2.246.562.15.41024330544",
        "1.2.246.562.10.1",
        today_in_finland(),
    )
    draft = luonnos.from_document(body, "post")
    back = luonnos.to_document(luonnos.from_form(luonnos.form_items(draft), "post"), "post")
    assert back == body


def test_typed_values_that_are_no_values_go_to_the_api_as_typed():
    draft = luonnos.empty(variant="post")
    draft["ensikertainen-hyvaksyminen"] = "1.9.2024"
    draft["osaamisen-saavuttamisen-pvm"] = "huomenna"
    draft["hyvaksytty"] = "2024-08-15T12:30"
    document = luonnos.to_document(draft)
    assert document["ensikertainen-hyvaksyminen"] == "2024-09-01"
    assert document["osaamisen-saavuttamisen-pvm"] == "huomenna"
    assert document["hyvaksytty"] == "2024-08-15T09:30:00.000Z"  # Finnish summer time


def test_problems_are_placed_at_the_field_they_are_about():
    y_tunnus = OBJECT_RULES["oht-y-tunnus"].message
    assert virheet.place(PERIOD, y_tunnus, "post").path == (
        f"{PERIOD}.tyopaikalla-jarjestettava-koulutus.tyopaikan-y-tunnus"
    )
    missing = virheet.place(
        f"{UNIT}[0].osaamisen-osoittaminen[0].nayttoymparisto", "missing-required-key", "post"
    )
    assert missing.path == f"{UNIT}[0].osaamisen-osoittaminen[0].nayttoymparisto.nimi"
    assert virheet.place(
        f"{PERIOD}.osaamisen-hankkimistapa-koodi-versio", "expected an integer", "post"
    ).path == (f"{PERIOD}.osaamisen-hankkimistapa-koodi-uri")
    assert (
        virheet.place("oppija-oid", "not a valid OppijaOID (check digit)", "post").rule
        == "oid-oppija"
    )


# Creating.


def test_the_create_form_has_every_step_and_names_codes_in_the_page_language(client, csrf):
    page = client.get(NEW)
    assert page.status_code == 200, page.text
    for step in (
        "Perustiedot",
        "Aiemmin hankitut ammatilliset tutkinnon osat",
        "Aiemmin hankitut paikalliset tutkinnon osat",
        "Aiemmin hankitut yhteiset tutkinnon osat",
        "Hankittavat ammatilliset tutkinnon osat",
        "Hankittavat paikalliset tutkinnon osat",
        "Hankittavat yhteiset tutkinnon osat",
        "Valmentavan koulutuksen osat (TUVA)",
        "Oppimisen tuki",
        "Opiskeluvalmiuksia tukevat opinnot",
    ):
        assert f">{step}</a>" in page.text
    assert '<option value="urasuunnitelma_0002">Työelämään siirtyminen</option>' in page.text
    swedish = client.get(f"{NEW}?lang=sv")
    assert '<option value="urasuunnitelma_0002">Övergång till arbetslivet</option>' in swedish.text
    assert 'name="lisaa" value="hankittavat-ammat-tutkinnon-osat"' in page.text


def _fill_a_unit(client: TestClient, csrf: str, oppija: str, oo: str) -> list[tuple[str, str]]:
    """The basic data and one vocational unit with a workplace period, added with the form's
    own buttons (no script)."""
    fields = with_values(new_form(client), basic(oppija, oo))
    added = post(client, NEW, fields, csrf, lisaa=UNIT)
    assert added.status_code == 200, added.text
    fields = browser_form(added.text)
    assert ("oppija-oid", oppija) in fields  # what was typed is kept
    added = post(client, NEW, fields, csrf, lisaa=f"{UNIT}[0].osaamisen-hankkimistavat")
    assert f'id="k-{UNIT}_0_osaamisen-hankkimistavat_0"' in added.text
    tjk = f"{PERIOD}.tyopaikalla-jarjestettava-koulutus"
    return with_values(
        browser_form(added.text),
        {
            f"{UNIT}[0].tutkinnon-osa-koodi-uri": "tutkinnonosat_106161",
            f"{PERIOD}.alku": "2024-09-01",
            f"{PERIOD}.loppu": "2024-12-20",
            f"{PERIOD}.osaamisen-hankkimistapa-koodi-uri": "osaamisenhankkimistapa_koulutussopimus",
            f"{PERIOD}.osa-aikaisuustieto": "80",
            f"{tjk}.tyopaikan-nimi": "Esimerkki Oy",
            f"{tjk}.tyopaikan-y-tunnus": "1234567-1",
            f"{tjk}.vastuullinen-tyopaikka-ohjaaja.nimi": "Olli Ohjaaja",
            f"{tjk}.keskeiset-tyotehtavat": "Asiakaspalvelu\nKassatyö",
        },
    )


def test_an_official_creates_a_hoks_with_the_form(client, csrf, learner, db):
    oppija, oo = learner
    fields = _fill_a_unit(client, csrf, oppija, oo)
    saved = post(client, NEW, fields, csrf, tallenna="1")
    assert saved.status_code == 303, saved.text
    location = saved.headers["location"]
    match = re.fullmatch(rf"{APP}/hoks/{re.escape(oppija)}/(\d+)\?tallennettu=luotu", location)
    assert match, location
    hoks = stored(db, int(match.group(1)))
    assert hoks is not None
    assert hoks.manuaalisyotto
    period = hoks.document[UNIT][0]["osaamisen-hankkimistavat"][0]
    assert period["osa-aikaisuustieto"] == 80
    assert period["tyopaikalla-jarjestettava-koulutus"]["keskeiset-tyotehtavat"] == [
        "Asiakaspalvelu",
        "Kassatyö",
    ]
    assert period["yksiloiva-tunniste"]  # the official's variant fills one in
    assert hoks.document[UNIT][0]["tutkinnon-osa-koodi-versio"] == 1
    page = client.get(location)
    assert "HOKS luotiin." in page.text
    assert f'href="{APP}/oppija/{oppija}/hoks/{hoks.id}"' in page.text
    with make_session_factory(db)() as session:
        operations = session.scalars(
            select(AuditEvent.operation).where(AuditEvent.hoks_id == hoks.id)
        ).all()
    assert "create" in operations


def test_errors_are_shown_at_their_fields_with_what_was_typed_and_nothing_is_stored(
    client, csrf, learner, db
):
    oppija, oo = learner
    tjk = f"{PERIOD}.tyopaikalla-jarjestettava-koulutus"
    fields = with_values(
        _fill_a_unit(client, csrf, oppija, oo),
        {
            "ensikertainen-hyvaksyminen": "",
            "sahkoposti": "kirjoitettu@example.org",
            f"{tjk}.tyopaikan-y-tunnus": "",
            f"{tjk}.vastuullinen-tyopaikka-ohjaaja.puhelinnumero": "ei numero",
            f"{PERIOD}.osa-aikaisuustieto": "sata",
        },
    )
    response = post(client, NEW, fields, csrf, tallenna="1")
    assert response.status_code == 400
    html = response.text
    assert error_at(html, "ensikertainen-hyvaksyminen") == "Tämä tieto on pakollinen."
    assert error_at(html, f"{PERIOD}.osa-aikaisuustieto") == "Anna kokonaisluku."
    assert error_at(html, f"{tjk}.vastuullinen-tyopaikka-ohjaaja.puhelinnumero") == (
        "Puhelinnumerossa voi olla vain numeroita, välilyöntejä ja merkkejä + - ( )."
    )
    assert 'value="kirjoitettu@example.org"' in html
    assert 'value="sata"' in html
    summary = html.split('class="error-summary"', 1)[1].split("</div>", 1)[0]
    assert 'href="#k-ensikertainen-hyvaksyminen"' in summary
    assert "Perustiedot" not in summary  # named by the field, not the step
    assert "Ensikertainen hyväksyminen: Tämä tieto on pakollinen." in summary
    assert hoks_count(db) == 0


def test_rule_errors_are_in_the_users_language_at_the_field_the_rule_is_about(
    client, csrf, learner, db
):
    oppija, oo = learner
    fields = with_values(_fill_a_unit(client, csrf, oppija, oo), {f"{PERIOD}.loppu": "2024-08-01"})
    finnish = post(client, NEW, fields, csrf, tallenna="1")
    assert error_at(finnish.text, f"{PERIOD}.loppu") == "Loppupäivä ei voi olla ennen alkupäivää."
    client.get(f"{NEW}?lang=sv")  # the language is remembered
    swedish = post(client, NEW, fields, csrf, tallenna="1")
    assert swedish.status_code == 400
    message = error_at(swedish.text, f"{PERIOD}.loppu")
    assert message
    assert "Korjaa" not in message
    assert "loppupäivä" not in message.lower()
    assert error_at(swedish.text, f"{PERIOD}.loppu") != error_at(finnish.text, f"{PERIOD}.loppu")
    assert hoks_count(db) == 0


def test_an_invalid_learner_oid_is_reported_with_every_other_problem(client, csrf, learner, db):
    oppija, oo = learner
    fields = with_values(
        new_form(client),
        {**basic(oppija, oo), "oppija-oid": "1.2.3", "ensikertainen-hyvaksyminen": ""},
    )
    response = post(client, NEW, fields, csrf, tallenna="1")
    assert response.status_code == 400
    assert "oppijanumero" in (error_at(response.text, "oppija-oid") or "").lower()
    assert error_at(response.text, "ensikertainen-hyvaksyminen") == "Tämä tieto on pakollinen."
    assert hoks_count(db) == 0


def test_a_second_hoks_for_the_study_right_is_refused_at_its_field(client, csrf, learner, app, db):
    oppija, oo = learner
    create_as_service(app, db, hoks_body(oppija, oo))
    fields = with_values(new_form(client), basic(oppija, oo))
    response = post(client, NEW, fields, csrf, tallenna="1")
    assert response.status_code == 400
    assert (
        error_at(response.text, "opiskeluoikeus-oid")
        == "Tälle opiskeluoikeudelle on jo tehty HOKS."
    )
    assert hoks_count(db) == 1


def test_a_registry_down_gives_the_503_page_and_stores_nothing(
    client, csrf, learner, app, db, monkeypatch
):
    oppija, oo = learner
    fields = with_values(new_form(client), basic(oppija, oo))

    def down(oid: str) -> None:
        raise RegistryUnavailable("Koski", "timeout")

    monkeypatch.setattr(app.state.ehoks.runtime.registries.koski, "get_opiskeluoikeus", down)
    response = post(client, NEW, fields, csrf, tallenna="1")
    assert response.status_code == 503
    assert "<html" in response.text
    assert hoks_count(db) == 0


# Adding and removing parts without script.


def test_parts_are_added_and_removed_with_buttons_keeping_what_was_typed(client, csrf, learner, db):
    oppija, oo = learner
    fields = _fill_a_unit(client, csrf, oppija, oo)
    second = post(client, NEW, fields, csrf, lisaa=f"{UNIT}[0].osaamisen-hankkimistavat")
    assert second.status_code == 200
    fields = browser_form(second.text)
    assert (f"{PERIOD}.alku", "2024-09-01") in fields
    assert (f"{UNIT}[0].osaamisen-hankkimistavat[1].alku", "") in fields
    assert f'formaction="{NEW}#k-{UNIT}_0_osaamisen-hankkimistavat_2"' in second.text
    removed = post(client, NEW, fields, csrf, poista=PERIOD)
    fields = browser_form(removed.text)
    assert (f"{PERIOD}.alku", "") in fields  # the second period moved up
    assert not any(name.startswith(f"{UNIT}[0].osaamisen-hankkimistavat[1]") for name, _ in fields)
    assert ("oppija-oid", oppija) in fields
    gone = post(client, NEW, fields, csrf, poista=f"{UNIT}[0]")
    assert not any(name.startswith(UNIT) for name, _ in browser_form(gone.text))
    assert hoks_count(db) == 0


# Editing.


@pytest.fixture
def manual(app, db, world):
    """A HOKS entered by hand (as the form's create does), with every kind of part."""
    oppija, oo = world.add_oppija("muokattava")
    body = rich_hoks_body(oppija, oo, world.oppilaitos_1, today_in_finland())
    return oppija, create_as_service(app, db, body)


def test_the_edit_form_shows_the_stored_hoks_and_saving_it_unchanged_changes_nothing(
    client, csrf, manual, db
):
    oppija, hoks_id = manual
    before = stored(db, hoks_id)
    assert before is not None
    page = client.get(edit_url(oppija, hoks_id))
    assert page.status_code == 200, page.text
    assert "Muokkaa HOKSia" in page.text
    assert f'name="pohjaversio" value="{before.version}"' in page.text
    saved = post(client, edit_url(oppija, hoks_id), browser_form(page.text), csrf, tallenna="1")
    assert saved.status_code == 303, saved.text
    after = stored(db, hoks_id)
    assert after is not None
    assert after.document == before.document  # the whole model survives the form, ids included


def test_an_edit_is_saved_and_parts_keep_their_identity(client, csrf, manual, db):
    oppija, hoks_id = manual
    before = stored(db, hoks_id)
    assert before is not None
    page = client.get(edit_url(oppija, hoks_id))
    fields = with_values(browser_form(page.text), {"sahkoposti": "uusi@example.org"})
    saved = post(client, edit_url(oppija, hoks_id), fields, csrf, tallenna="1")
    assert saved.status_code == 303
    assert saved.headers["location"] == f"{edit_url(oppija, hoks_id)}?tallennettu=muokattu"
    after = stored(db, hoks_id)
    assert after is not None
    assert after.document["sahkoposti"] == "uusi@example.org"
    assert after.version == before.version + 1
    assert after.document[UNIT][0]["module-id"] == before.document[UNIT][0]["module-id"]
    assert "Muutokset tallennettiin." in client.get(saved.headers["location"]).text


def test_an_edit_with_errors_is_refused_at_the_fields(client, csrf, manual, db):
    oppija, hoks_id = manual
    before = stored(db, hoks_id)
    page = client.get(edit_url(oppija, hoks_id))
    fields = with_values(browser_form(page.text), {f"{PERIOD}.alku": "31.2.2025"})
    response = post(client, edit_url(oppija, hoks_id), fields, csrf, tallenna="1")
    assert response.status_code == 400
    assert error_at(response.text, f"{PERIOD}.alku") == (
        "Anna päivämäärä muodossa pp.kk.vvvv, esimerkiksi 31.1.2027."
    )
    assert 'value="31.2.2025"' in response.text
    assert stored(db, hoks_id).version == before.version


def test_the_learner_and_the_study_right_cannot_be_changed_through_the_form(
    client, csrf, manual, db, world
):
    oppija, hoks_id = manual
    other, other_oo = world.add_oppija("toinen")
    page = client.get(edit_url(oppija, hoks_id))
    fields = with_values(
        browser_form(page.text), {"oppija-oid": other, "opiskeluoikeus-oid": other_oo}
    )
    assert post(client, edit_url(oppija, hoks_id), fields, csrf, tallenna="1").status_code == 303
    after = stored(db, hoks_id)
    assert after is not None
    assert after.oppija_oid == oppija
    assert after.document["opiskeluoikeus-oid"] != other_oo


def test_a_save_over_a_newer_version_is_refused_and_shows_what_changed(
    client, csrf, manual, app, db
):
    oppija, hoks_id = manual
    page = client.get(edit_url(oppija, hoks_id))
    mine = with_values(browser_form(page.text), {"puhelinnumero": "040 123 4567"})
    # Meanwhile the provider's system changes the HOKS through the API.
    with make_session_factory(db).begin() as session:
        hoks_service.patch(
            session,
            SystemActor("tests"),
            hoks_id,
            {"id": hoks_id, "sahkoposti": "jarjestelma@example.org"},
            app.state.ehoks.runtime.context(),
        )
    newer = stored(db, hoks_id)
    assert newer is not None
    refused = post(client, edit_url(oppija, hoks_id), mine, csrf, tallenna="1")
    assert refused.status_code == 409
    html = refused.text
    assert "Joku muu tallensi tämän HOKSin sillä välin" in html
    changes = html.split('class="stack lomake-changes"', 1)[1].split("</table>", 1)[0]
    assert "Sähköposti" in changes
    assert "jarjestelma@example.org" in changes
    assert 'value="040 123 4567"' in html  # what the official typed is kept
    assert f'name="pohjaversio" value="{newer.version}"' in html
    assert stored(db, hoks_id).document == newer.document  # nothing of mine was saved
    again = post(client, edit_url(oppija, hoks_id), browser_form(html), csrf, tallenna="1")
    assert again.status_code == 303
    after = stored(db, hoks_id)
    assert after is not None
    assert after.document["puhelinnumero"] == "040 123 4567"


def test_a_hoks_from_a_providers_system_cannot_be_edited_here(client, csrf, app, db, learner):
    oppija, oo = learner
    hoks_id = create_as_service(app, db, hoks_body(oppija, oo), manual=False)
    page = client.get(edit_url(oppija, hoks_id))
    assert page.status_code == 200
    assert "HOKSia ei voi muokata täällä" in page.text
    assert 'name="tallenna"' not in page.text
    before = stored(db, hoks_id)
    posted = post(
        client, edit_url(oppija, hoks_id), [("sahkoposti", "x@example.org")], csrf, tallenna="1"
    )
    assert posted.status_code == 409
    assert stored(db, hoks_id).document == before.document


# Who may.


@pytest.fixture
def reader_csrf(client, db, settings, world, registries):
    return login(client, db, settings, official(f"ROLE_APP_EHOKS_READ_{world.koulutustoimija_1}"))[
        "X-CSRF-Token"
    ]


def test_a_read_only_official_cannot_create_or_edit(client, reader_csrf, manual, learner, db):
    oppija, hoks_id = manual
    new_oppija, oo = learner
    assert client.get(NEW).status_code == 403
    refused = post(client, NEW, list(basic(new_oppija, oo).items()), reader_csrf, tallenna="1")
    assert refused.status_code == 403
    assert "Ei käyttöoikeutta" in refused.text
    assert client.get(edit_url(oppija, hoks_id)).status_code == 403
    before = stored(db, hoks_id)
    fields = [("sahkoposti", "x@example.org"), ("pohjaversio", str(before.version))]
    assert (
        post(client, edit_url(oppija, hoks_id), fields, reader_csrf, tallenna="1").status_code
        == 403
    )
    assert stored(db, hoks_id).document == before.document
    assert hoks_count(db) == 1


def test_an_official_of_another_provider_is_refused_at_the_study_right(
    client, db, settings, world, registries, learner
):
    oppija, oo = learner
    csrf = login(client, db, settings, official(f"ROLE_APP_EHOKS_CRUD_{world.oppilaitos_3}"))[
        "X-CSRF-Token"
    ]
    fields = with_values(new_form(client), basic(oppija, oo))
    refused = post(client, NEW, fields, csrf, tallenna="1")
    assert refused.status_code == 403
    assert "Sinulla ei ole oikeutta" in (error_at(refused.text, "opiskeluoikeus-oid") or "")
    assert hoks_count(db) == 0


def test_the_form_needs_a_session_and_its_csrf_token(
    client, db, settings, writer, registries, learner
):
    assert client.get(NEW).status_code == 401
    login(client, db, settings, writer)
    oppija, oo = learner
    forged = post(client, NEW, list(basic(oppija, oo).items()), "vaara", tallenna="1")
    assert forged.status_code == 403
    assert hoks_count(db) == 0


def test_a_tuva_part_on_a_vocational_study_right_is_refused_at_the_part(client, csrf, learner, db):
    oppija, oo = learner
    fields = with_values(new_form(client), basic(oppija, oo))
    added = post(client, NEW, fields, csrf, lisaa="hankittavat-koulutuksen-osat")
    part = "hankittavat-koulutuksen-osat[0]"
    fields = with_values(
        browser_form(added.text),
        {
            f"{part}.koulutuksen-osa-koodi-uri": "koulutuksenosattuva_104",
            f"{part}.alku": "2024-09-01",
            f"{part}.loppu": "2024-12-20",
            f"{part}.laajuus": "4,5",
        },
    )
    response = post(client, NEW, fields, csrf, tallenna="1")
    assert response.status_code == 400
    assert error_at(response.text, part) == (
        "Valmentavan koulutuksen osia voi olla vain TUVA-opiskeluoikeuden HOKSissa. "
        "Poista tämä osa."
    )
    assert hoks_count(db) == 0


def test_unknown_buttons_and_paths_change_nothing(client, csrf):
    fields = new_form(client)
    for button in ({"lisaa": "oppija-oid"}, {"lisaa": "ei-tallaista"}, {"poista": f"{UNIT}[5]"}):
        response = post(client, NEW, fields, csrf, **button)
        assert response.status_code == 200
        assert browser_form(response.text) == fields


def test_organisations_and_units_are_named_next_to_their_codes(client, csrf, manual, world):
    oppija, hoks_id = manual
    html = client.get(edit_url(oppija, hoks_id)).text
    assert "Organisaatio: Testiopisto" in html  # the unit's provider, by its OID
    assert ">Sähkö- ja automaatiotekniikan perusosaaminen</option>" in html
    assert "tutkinnonosat_999999 (nimeä ei saatu)" in html  # a unit no registry knows


def test_a_large_form_is_read_whole(client, csrf):
    """A HOKS with many parts posts thousands of inputs, more than a form parser's default."""
    fields = new_form(client)
    padding = [(f"ei-kenttaa-{i}", "") for i in range(3000)]
    response = post(client, NEW, fields + padding, csrf, lisaa=UNIT)
    assert response.status_code == 200
    assert f'id="k-{UNIT}_0"' in response.text
