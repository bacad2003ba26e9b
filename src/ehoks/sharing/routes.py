"""Routes of sharing and consent: three routers the composition root mounts.

* ``oppija_router`` (prefix ``/ehoks-oppija-backend/api/v1``): the student's share and consent
  API (the original's ``/oppija/jaot``, reference 5.11, with the owner check of D9) and the
  recipient's JSON view.
* ``virkailija_router`` (prefix ``/ehoks-virkailija-backend/api/v1``): providers record the
  e-mail addresses of working-life assessors. Mount it before the HOKS router, whose
  ``POST /hoks/{id}/osat/{module-id}/{kokoelma}`` would otherwise take ``…/arvioijat``.
* ``pages_router`` (prefix ""): the recipient's page ``/ehoks/jako/{id}``.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, Response

from ehoks.access.actor import EmailActor
from ehoks.api.deps import (
    CurrentSession,
    EmailUser,
    JsonBody,
    ServiceClient,
    State,
    Student,
    Trail,
)
from ehoks.api.responses import OrjsonResponse, envelope, no_content
from ehoks.auth.email_login import mask_address
from ehoks.enrichment.service import enrich
from ehoks.errors import EhoksError, Forbidden
from ehoks.hoks.parts import CHILDREN, ROOT
from ehoks.hoks.service.common import today_in_finland
from ehoks.sharing import errors, schemas, service
from ehoks.web.render import check_form_csrf, page

oppija_router = APIRouter(tags=["jaot"])
virkailija_router = APIRouter(tags=["hoks parts"])
pages_router = APIRouter(include_in_schema=False)

JakoId = Annotated[str, PathParam(max_length=64, description="Share or consent id (UUID)")]
ModuleId = Annotated[str, PathParam(max_length=64, description="The part's module-id (UUID)")]
JAKOLINKIT = "/oppija/jaot/jakolinkit"
SUOSTUMUKSET = "/oppija/jaot/suostumukset"
ARVIOIJAT = "/hoks/{hoks_id}/osat/{module_id}/arvioijat"


# Student: shares and consents.


@oppija_router.post(JAKOLINKIT, summary="Share one part of one's own HOKS")
def create_share(
    request: Request, body: JsonBody, actor: Student, state: State, trail: Trail
) -> OrjsonResponse:
    with state.write(trail) as session:
        jako = service.create_share(
            session, actor, body, state.deps.with_trail(trail), state.auth.mailer
        )
    data = {"uri": f"{request.url.path}/{jako.id}", **schemas.share_out(jako, today_in_finland())}
    return envelope(data, meta={"uuid": jako.id})


@oppija_router.patch(f"{JAKOLINKIT}/{{jako_id}}", summary="Move the window of one's share")
def update_share(
    jako_id: JakoId, body: JsonBody, actor: Student, state: State, trail: Trail
) -> OrjsonResponse:
    with state.write(trail) as session:
        jako = service.update_share(session, actor, jako_id, body, state.deps.with_trail(trail))
    return envelope(schemas.share_out(jako, today_in_finland()))


@oppija_router.delete(f"{JAKOLINKIT}/{{jako_id}}", summary="Revoke one's share")
def revoke_share(jako_id: JakoId, actor: Student, state: State, trail: Trail) -> OrjsonResponse:
    with state.write(trail) as session:
        jako = service.revoke(
            session, actor, jako_id, schemas.JAKOLINKKI, state.deps.with_trail(trail)
        )
    return envelope(schemas.share_out(jako, today_in_finland()))


@oppija_router.get("/oppija/jaot/moduulit/{module_id}", summary="One's share links of a part")
def shares_of_module(
    module_id: ModuleId, actor: Student, state: State, trail: Trail
) -> OrjsonResponse:
    with state.read(trail) as session:
        found = service.list_for_module(session, actor, module_id, state.deps.with_trail(trail))
    return envelope(found)


@oppija_router.get("/oppija/hoksit/{hoks_ref}/jaot", summary="Shares and consents of a HOKS")
def shares_of_hoks(
    hoks_ref: Annotated[str, PathParam(max_length=64, description="HOKS eid (or id)")],
    actor: Student,
    state: State,
    trail: Trail,
) -> OrjsonResponse:
    with state.read(trail) as session:
        found = service.list_for_hoks(session, actor, hoks_ref, state.deps.with_trail(trail))
    return envelope(found)


@oppija_router.post(SUOSTUMUKSET, status_code=201, summary="Consent to disclose (parts of) a HOKS")
def create_consent(
    request: Request, body: JsonBody, actor: Student, state: State, trail: Trail
) -> OrjsonResponse:
    with state.write(trail) as session:
        jako = service.create_consent(
            session, actor, body, state.deps.with_trail(trail), state.auth.mailer
        )
    uri = f"{request.url.path}/{jako.id}"
    return envelope(
        {"uri": uri, **schemas.consent_out(jako, today_in_finland())},
        meta={"uuid": jako.id},
        status_code=201,
        headers={"Location": uri},
    )


@oppija_router.delete(f"{SUOSTUMUKSET}/{{jako_id}}", summary="Revoke one's consent")
def revoke_consent(jako_id: JakoId, actor: Student, state: State, trail: Trail) -> OrjsonResponse:
    with state.write(trail) as session:
        jako = service.revoke(
            session, actor, jako_id, schemas.SUOSTUMUS, state.deps.with_trail(trail)
        )
    return envelope(schemas.consent_out(jako, today_in_finland()))


# Recipient (logged in by e-mail).


@oppija_router.get(f"{JAKOLINKIT}/{{jako_id}}", summary="What a share shows its recipient")
def open_share(jako_id: JakoId, actor: EmailUser, state: State, trail: Trail) -> OrjsonResponse:
    return _open(jako_id, actor, state, trail, schemas.JAKOLINKKI)


@oppija_router.get(f"{SUOSTUMUKSET}/{{jako_id}}", summary="What a consent shows its recipient")
def open_consent(jako_id: JakoId, actor: EmailUser, state: State, trail: Trail) -> OrjsonResponse:
    return _open(jako_id, actor, state, trail, schemas.SUOSTUMUS)


def _open(jako_id: str, actor: EmailActor, state: State, trail: Trail, laji: str) -> OrjsonResponse:
    with state.read(trail) as session:
        opened = service.open_jako(session, actor, jako_id, state.deps.with_trail(trail), laji=laji)
    return envelope(opened.data)


# Provider: assessors' e-mail addresses.


@virkailija_router.get(ARVIOIJAT, summary="Assessors' e-mail addresses of a demonstration")
def list_assessors(
    hoks_id: int, module_id: ModuleId, actor: ServiceClient, state: State, trail: Trail
) -> OrjsonResponse:
    with state.read(trail) as session:
        rows = service.list_assessors(
            session, actor, hoks_id, module_id, state.deps.with_trail(trail)
        )
    return envelope([schemas.assessor_out(row) for row in rows])


@virkailija_router.post(ARVIOIJAT, summary="Record a working-life assessor's e-mail address")
def add_assessor(
    hoks_id: int,
    module_id: ModuleId,
    body: JsonBody,
    actor: ServiceClient,
    state: State,
    trail: Trail,
) -> OrjsonResponse:
    with state.write(trail) as session:
        row, created = service.add_assessor(
            session, actor, hoks_id, module_id, body, state.deps.with_trail(trail)
        )
        out = schemas.assessor_out(row)
    return envelope(out, meta={"id": out["id"]}, status_code=201 if created else 200)


@virkailija_router.delete(
    f"{ARVIOIJAT}/{{arvioija_id}}", status_code=204, summary="Remove an assessor's address"
)
def remove_assessor(
    hoks_id: int,
    module_id: ModuleId,
    arvioija_id: int,
    actor: ServiceClient,
    state: State,
    trail: Trail,
) -> Response:
    with state.write(trail) as session:
        service.remove_assessor(
            session, actor, hoks_id, module_id, arvioija_id, state.deps.with_trail(trail)
        )
    return no_content()


# The recipient's page.


@pages_router.get("/ehoks/jako/{jako_id}", response_class=HTMLResponse)
def share_page(
    request: Request, jako_id: JakoId, state: State, trail: Trail, logged_in: CurrentSession
) -> HTMLResponse:
    secure = state.settings.session.cookie_secure
    try:
        with state.read(trail) as session:
            if logged_in is None:
                jako = service.peek(session, jako_id)
                login = {"jako_id": jako.id, "osoite": mask_address(jako.vastaanottaja_sahkoposti)}
                return page(request, "jako/jako_login.html", login)
            opened = service.open_jako(
                session, logged_in.actor, jako_id, state.deps.with_trail(trail)
            )
    except EhoksError as error:
        return _error_page(request, error, secure)
    labels = {
        "/".join(map(str, location)): label.text
        for location, label in enrich(opened.document, state.deps.registries).labels.items()
        if label.found
    }
    jako = opened.jako
    mita = _WHAT.get(jako.kohde_tyyppi or "suostumus", "Tiedot")
    window = f"{_date(jako.voimassaolo_alku)}–{_date(jako.voimassaolo_loppu)}"
    context: dict[str, Any] = {
        "data": opened.data,
        "mita": mita,
        "lause": f"{mita} on jaettu sinulle {window}."
        if jako.laji == schemas.JAKOLINKKI
        else f"Opiskelija on antanut suostumuksen tietojen luovuttamiseen sinulle {window}.",
        "sections": _sections(opened.document, ROOT, (), labels),
        # The root's own fields only when the whole HOKS is disclosed (a consent).
        "perustiedot": _rows(
            {k: v for k, v in opened.document.items() if not isinstance(v, list)}, (), labels
        )
        if opened.data.get("koko-hoks")
        else [],
    }
    return page(request, "jako/jako.html", context)


@pages_router.post("/ehoks/jako/{jako_id}/kirjautumislinkki", response_class=HTMLResponse)
def send_login_link(
    request: Request,
    jako_id: JakoId,
    state: State,
    csrf_token: Annotated[str, Form()] = "",
) -> HTMLResponse:
    secure = state.settings.session.cookie_secure
    try:
        check_form_csrf(request, csrf_token)
        with state.write() as session:
            osoite = service.send_login_link(session, jako_id, state.deps, state.auth.mailer)
    except EhoksError as error:
        return _error_page(request, error, secure)
    message = (
        f"Uusi kirjautumislinkki lähetettiin osoitteeseen {osoite}. Avaa linkki sähköpostista;"
        " se on voimassa rajoitetun ajan."
    )
    context = {"heading": "Tarkista sähköpostisi", "message": message}
    return page(request, "message.html", context)


# Page helpers: the document as sections and rows in Finnish.


_WHAT = {
    "osaamisenhankkiminen": "Työpaikalla oppimisen tiedot",
    "osaamisenosoittaminen": "Näytön tiedot",
    "tutkinnonosa": "Tutkinnon osan tiedot",
    "suostumus": "Suostumuksella jaetut tiedot",
}
# Parts titled by what they are and when; the others by their name or code.
_DATED_TITLES = {
    "osaamisen-hankkimistapa": "Osaamisen hankkiminen",
    "osaamisen-osoittaminen": "Näyttö",
    "opiskeluvalmiuksia-tukevat-opinnot": "Opiskeluvalmiuksia tukevat opinnot",
    "oppimisen-tuki": "Oppimisen tuki",
}
_KIND_WORDS = {
    "hankittavan-yto-osa-alue": "Osa-alue",
    "aiemmin-hankitun-yto-osa-alue": "Osa-alue",
    "hankittava-koulutuksen-osa": "Koulutuksen osa",
}
_LABELS = {
    "alku": "Alkaa",
    "loppu": "Päättyy",
    "nimi": "Nimi",
    "sahkoposti": "Sähköposti",
    "puhelinnumero": "Puhelinnumero",
    "organisaatio": "Organisaatio",
    "kuvaus": "Kuvaus",
    "rooli": "Rooli",
    "y-tunnus": "Y-tunnus",
    "tyopaikan-nimi": "Työpaikka",
    "tyopaikan-y-tunnus": "Työpaikan Y-tunnus",
    "tyopaikalla-jarjestettava-koulutus": "Työpaikalla järjestettävä koulutus",
    "vastuullinen-tyopaikka-ohjaaja": "Vastuullinen työpaikkaohjaaja",
    "keskeiset-tyotehtavat": "Keskeiset työtehtävät",
    "osaamisen-hankkimistapa-koodi-uri": "Osaamisen hankkimistapa",
    "oppisopimuksen-perusta-koodi-uri": "Oppisopimuksen perusta",
    "osa-aikaisuustieto": "Osa-aikaisuus (%)",
    "ajanjakson-tarkenne": "Tarkenne",
    "jarjestajan-edustaja": "Koulutuksen järjestäjän edustaja",
    "hankkijan-edustaja": "Hankkivan koulutuksen järjestäjän edustaja",
    "muut-oppimisymparistot": "Muut oppimisympäristöt",
    "oppimisymparisto-koodi-uri": "Oppimisympäristö",
    "keskeytymisajanjaksot": "Keskeytykset",
    "nayttoymparisto": "Näyttöympäristö",
    "sisallon-kuvaus": "Sisältö",
    "tyoelama-osaamisen-arvioijat": "Työelämän arvioijat",
    "koulutuksen-jarjestaja-osaamisen-arvioijat": "Koulutuksen järjestäjän arvioijat",
    "jarjestaja": "Järjestäjä",
    "oppilaitos-oid": "Oppilaitos",
    "koulutuksen-jarjestaja-oid": "Koulutuksen järjestäjä",
    "osa-alueet": "Osa-alueet",
    "vaatimuksista-tai-tavoitteista-poikkeaminen": "Poikkeaminen vaatimuksista tai tavoitteista",
    "yksilolliset-kriteerit": "Yksilölliset arviointikriteerit",
    "opetus-ja-ohjaus-maara": "Opetus ja ohjaus (tuntia)",
    "olennainen-seikka": "Olennainen seikka",
    "tavoitteet-ja-sisallot": "Tavoitteet ja sisällöt",
    "laajuus": "Laajuus",
    "amosaa-tunniste": "Tunniste",
}
# Technical keys a reader has no use for; unit codes are in the section's title instead.
_HIDDEN = {
    "id",
    "eid",
    "module-id",
    "yksiloiva-tunniste",
    "manuaalisyotto",
    "oppija-oid",
    "opiskeluoikeus-oid",
}
_TITLE_KEYS = ("nimi", "tutkinnon-osa-koodi-uri", "osa-alue-koodi-uri", "koulutuksen-osa-koodi-uri")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _sections(
    node: dict[str, Any], kind: str, location: tuple[Any, ...], labels: dict[str, str]
) -> list[dict[str, Any]]:
    """One section per part below ``node``, each with a title, its own fields as rows and the
    parts below it as sub-sections."""
    sections = []
    for key, child_kind in CHILDREN.get(kind, ()):
        items = node.get(key)
        for index, item in enumerate(items if isinstance(items, list) else []):
            if not isinstance(item, dict):
                continue
            here = (*location, key, index)
            child_keys = {k for k, _ in CHILDREN.get(child_kind, ())}
            own = {k: v for k, v in item.items() if k not in child_keys}
            sections.append(
                {
                    "title": _title(item, child_kind, here, labels),
                    "rows": _rows(own, here, labels, skip=_TITLE_KEYS),
                    "children": _sections(item, child_kind, here, labels),
                }
            )
    return sections


def _title(
    item: dict[str, Any], kind: str, location: tuple[Any, ...], labels: dict[str, str]
) -> str:
    if kind in _DATED_TITLES:
        dates = " – ".join(
            _value(item[k]) for k in ("alku", "loppu") if isinstance(item.get(k), str)
        )
        return f"{_DATED_TITLES[kind]} {dates}".strip()
    word = _KIND_WORDS.get(kind, "Tutkinnon osa")
    if isinstance(item.get("nimi"), str) and item["nimi"]:
        return str(item["nimi"])
    for key in _TITLE_KEYS:
        code = item.get(key)
        if isinstance(code, str) and code:
            name = labels.get("/".join(map(str, (*location, key))))
            return f"{name} ({code})" if name and name != code else f"{word} {code}"
    return word


def _rows(
    node: dict[str, Any],
    location: tuple[Any, ...],
    labels: dict[str, str],
    *,
    skip: tuple[str, ...] = (),
) -> list[tuple[str, Any]]:
    rows = []
    for key, value in node.items():
        if (
            key in _HIDDEN
            or key in skip
            or key.endswith("-koodi-versio")
            or value in (None, [], {})
        ):
            continue
        label = _LABELS.get(key, key.replace("-", " ").capitalize())
        rows.append((label, _render(value, (*location, key), labels)))
    return rows


def _render(value: Any, location: tuple[Any, ...], labels: dict[str, str]) -> Any:
    """A value as the template shows it: text, a list, or rows of a nested object."""
    if isinstance(value, dict):
        return {"rows": _rows(value, location, labels)}
    if isinstance(value, list):
        return [_render(item, (*location, index), labels) for index, item in enumerate(value)]
    return labels.get("/".join(map(str, location))) or _value(value)


def _date(day: date) -> str:
    return f"{day.day}.{day.month}.{day.year}"


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "kyllä" if value else "ei"
    if isinstance(value, str) and _DATE.fullmatch(value):
        return _date(date.fromisoformat(value))
    return str(value)


_ERROR_PAGES: dict[type[EhoksError], tuple[str, str]] = {
    errors.JakoNotFound: (
        "Jakoa ei löydy",
        "Tarkista, että avasit koko linkin sähköpostista. Opiskelija on voinut myös poistaa jaon.",
    ),
    errors.Revoked: ("Jako on peruttu", "Opiskelija on perunut tietojensa jakamisen sinulle."),
    errors.SharedPartGone: (
        "Jaettua osaa ei enää ole",
        "Opiskelijan suunnitelmaa on muutettu, eikä siinä enää ole sinulle jaettua osaa.",
    ),
    errors.OtherRecipient: (
        "Jako on lähetetty toiseen osoitteeseen",
        "Olet kirjautunut eri sähköpostiosoitteella kuin se, johon jako lähetettiin. Kirjaudu "
        "ulos ja avaa jaosta tulleen sähköpostin linkki.",
    ),
    errors.LinkRecentlySent: (
        "Linkki lähetettiin juuri",
        "Kirjautumislinkki lähetettiin hetki sitten. Tarkista sähköpostisi ja yritä myöhemmin "
        "uudelleen.",
    ),
}


def _error_page(request: Request, error: EhoksError, secure: bool) -> HTMLResponse:
    heading, message = _ERROR_PAGES.get(type(error), ("Tietoja ei voi näyttää", error.detail))
    if isinstance(error, errors.NotYetActive) and error.alku is not None:
        heading = "Jako ei ole vielä voimassa"
        message = f"Jaetut tiedot ovat nähtävissä {_date(error.alku)} alkaen."
    elif isinstance(error, errors.Expired) and error.loppu is not None:
        heading = "Jako on päättynyt"
        message = (
            f"Jaetut tiedot olivat nähtävissä {_date(error.loppu)} asti. Pyydä "
            "opiskelijalta uusi jako, jos tarvitset tietoja edelleen."
        )
    elif type(error) not in _ERROR_PAGES and isinstance(error, Forbidden):
        heading = "Sivu on jaon vastaanottajalle"
        message = (
            "Jaetut tiedot näkee vain se, jolle ne jaettiin, kirjautumalla sähköpostiin "
            "lähetetyllä linkillä."
        )
    context = {"heading": heading, "message": message, "kind": "error"}
    return page(
        request,
        "message.html",
        context,
        status_code=error.status_code,
    )
