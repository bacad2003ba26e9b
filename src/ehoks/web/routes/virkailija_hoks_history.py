"""A HOKS's version history for officials: every stored version (who, when, through what, which
operation), newest first, and the changes between any two versions in words, part by part
(``ehoks.virkailija.changes``), never as JSON. Reading either is an audited read of the HOKS
decided by the access policy (``ehoks.virkailija.history``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ehoks.api.params import HoksId
from ehoks.auth.people import Official, OfficialContext
from ehoks.context.request import State
from ehoks.enrichment.service import enrich
from ehoks.limits import DB_INT_MAX
from ehoks.virkailija import history
from ehoks.virkailija.changes import describe
from ehoks.web.i18n import N_
from ehoks.web.render import language_of, page
from ehoks.web.routes.virkailija_common import APP, official_context
from ehoks.web.routes.virkailija_hoks_common import OppijaOid, hoks_path, student_path

router = APIRouter(include_in_schema=False)

Versio = Annotated[int, Path(ge=1, le=DB_INT_MAX, description="A version number of the HOKS")]
HISTORY = APP + "/oppija/{oppija_oid}/hoks/{hoks_id}/historia"

# The words for the data model's fields and collections (``hoks.schemas.entities``), as the
# official's pages and the original's form call them.
FIELD_NAMES = {
    "aiemmin-hankitun-osaamisen-arvioijat": N_("Aiemmin hankitun osaamisen arvioijat"),
    "aiemmin-hankitut-ammat-tutkinnon-osat": N_("Aiemmin hankitut ammatilliset tutkinnon osat"),
    "aiemmin-hankitut-paikalliset-tutkinnon-osat": N_(
        "Aiemmin hankitut paikalliset tutkinnon osat"
    ),
    "aiemmin-hankitut-yhteiset-tutkinnon-osat": N_("Aiemmin hankitut yhteiset tutkinnon osat"),
    "ajanjakson-tarkenne": N_("Ajanjakson tarkenne"),
    "alku": N_("Alkupäivä"),
    "amosaa-tunniste": N_("Amosaa-tunniste"),
    "eid": N_("Ulkoinen tunniste (eid)"),
    "ensikertainen-hyvaksyminen": N_("Ensikertainen hyväksyminen"),
    "hankittavat-ammat-tutkinnon-osat": N_("Hankittavat ammatilliset tutkinnon osat"),
    "hankittavat-koulutuksen-osat": N_("Valmentavan koulutuksen osat"),
    "hankittavat-paikalliset-tutkinnon-osat": N_("Hankittavat paikalliset tutkinnon osat"),
    "hankittavat-yhteiset-tutkinnon-osat": N_("Hankittavat yhteiset tutkinnon osat"),
    "hankkijan-edustaja": N_("Hankkivan koulutuksen järjestäjän edustaja"),
    "hyvaksytty": N_("Hyväksytty"),
    "id": N_("eHOKS-tunnus"),
    "jarjestaja": N_("Näytön järjestäjä"),
    "jarjestajan-edustaja": N_("Koulutuksen järjestäjän edustaja"),
    "keskeiset-tyotehtavat": N_("Keskeiset työtehtävät"),
    "keskeytymisajanjaksot": N_("Keskeytymisajanjaksot"),
    "koodi-uri": N_("Koodi"),
    "koodi-versio": N_("Koodin versio"),
    "koulutuksen-jarjestaja-oid": N_("Koulutuksen järjestäjä"),
    "koulutuksen-jarjestaja-osaamisen-arvioijat": N_("Koulutuksen järjestäjän arvioijat"),
    "koulutuksen-osa-koodi-uri": N_("Valmentavan koulutuksen osa"),
    "koulutuksen-osa-koodi-versio": N_("Koodin versio"),
    "kuvaus": N_("Kuvaus"),
    "laajuus": N_("Laajuus"),
    "lahetetty-arvioitavaksi": N_("Lähetetty arvioitavaksi"),
    "loppu": N_("Loppupäivä"),
    "manuaalisyotto": N_("Syötetty käsin"),
    "muut-oppimisymparistot": N_("Muut oppimisympäristöt"),
    "nayttoymparisto": N_("Näyttöympäristö"),
    "nimi": N_("Nimi"),
    "olennainen-seikka": N_("Olennainen seikka"),
    "opetus-ja-ohjaus-maara": N_("Opetuksen ja ohjauksen määrä tunteina"),
    "opiskeluoikeus-oid": N_("Opiskeluoikeuden OID"),
    "opiskeluvalmiuksia-tukevat-opinnot": N_("Opiskeluvalmiuksia tukevat opinnot"),
    "oppija-oid": N_("Oppijanumero"),
    "oppilaitos-oid": N_("Oppilaitos"),
    "oppimisen-tuen-tyyppi-koodi-uri": N_("Tuen tyyppi"),
    "oppimisen-tuki": N_("Oppimisen tuki"),
    "oppimisymparisto-koodi-uri": N_("Oppimisympäristö"),
    "oppimisymparisto-koodi-versio": N_("Koodin versio"),
    "oppisopimuksen-perusta-koodi-uri": N_("Oppisopimuksen perusta"),
    "oppisopimuksen-perusta-koodi-versio": N_("Koodin versio"),
    "organisaatio": N_("Organisaatio"),
    "osa-aikaisuustieto": N_("Osa-aikaisuus, prosenttia työajasta"),
    "osa-alue-koodi-uri": N_("Osa-alue"),
    "osa-alue-koodi-versio": N_("Koodin versio"),
    "osa-alueet": N_("Osa-alueet"),
    "osaamisen-hankkimisen-tarve": N_("Osaamisen hankkimisen tarve"),
    "osaamisen-hankkimistapa-koodi-uri": N_("Osaamisen hankkimistapa"),
    "osaamisen-hankkimistapa-koodi-versio": N_("Koodin versio"),
    "osaamisen-hankkimistavat": N_("Osaamisen hankkimistavat"),
    "osaamisen-osoittaminen": N_("Osaamisen osoittaminen"),
    "osaamisen-saavuttamisen-pvm": N_("Sovittu osaaminen saavutettu"),
    "paivitetty": N_("Päivitetty"),
    "poistettu": N_("Poistettu"),
    "puhelinnumero": N_("Puhelinnumero"),
    "rooli": N_("Rooli"),
    "sahkoposti": N_("Sähköposti"),
    "sisallon-kuvaus": N_("Sisällön kuvaus"),
    "tarkentavat-tiedot-naytto": N_("Näytöt"),
    "tarkentavat-tiedot-osaamisen-arvioija": N_("Osaamisen arvioinnin tiedot"),
    "tavoitteet-ja-sisallot": N_("Tavoitteet ja sisällöt"),
    "tutkinnon-osa-koodi-uri": N_("Tutkinnon osa"),
    "tutkinnon-osa-koodi-versio": N_("Koodin versio"),
    "tutkinnon-osan-perusteen-diaarinro": N_("Tutkinnon osan perusteen diaarinumero"),
    "tutkinnon-osan-tyyppi-koodi-uri": N_("Tutkinnon osan ryhmä"),
    "tuva-opiskeluoikeus-oid": N_("TUVA-opiskeluoikeuden OID"),
    "tyoelama-osaamisen-arvioijat": N_("Työelämän arvioijat"),
    "tyopaikalla-jarjestettava-koulutus": N_("Työpaikalla järjestettävä koulutus"),
    "tyopaikan-nimi": N_("Työpaikan nimi"),
    "tyopaikan-y-tunnus": N_("Työpaikan Y-tunnus"),
    "urasuunnitelma-koodi-uri": N_("Urasuunnitelma"),
    "urasuunnitelma-koodi-versio": N_("Koodin versio"),
    "vaatimuksista-tai-tavoitteista-poikkeaminen": N_(
        "Poikkeaminen ammattitaitovaatimuksista tai osaamistavoitteista"
    ),
    "valittu-todentamisen-prosessi-koodi-uri": N_("Todentamisen prosessi"),
    "valittu-todentamisen-prosessi-koodi-versio": N_("Koodin versio"),
    "vastuullinen-tyopaikka-ohjaaja": N_("Vastuullinen työpaikkaohjaaja"),
    "versio": N_("Versio"),
    "y-tunnus": N_("Y-tunnus"),
    "yksiloiva-tunniste": N_("Yksilöivä tunniste"),
    "yksilolliset-kriteerit": N_("Yksilölliset arviointikriteerit"),
}
OTHER_FIELD = N_("Muu tieto")

# One part of each kind (``hoks.schemas.partkinds``).
PART_KIND_NAMES = {
    "hankittava-ammat-tutkinnon-osa": N_("Hankittava ammatillinen tutkinnon osa"),
    "hankittava-paikallinen-tutkinnon-osa": N_("Hankittava paikallinen tutkinnon osa"),
    "hankittava-yhteinen-tutkinnon-osa": N_("Hankittava yhteinen tutkinnon osa"),
    "aiemmin-hankittu-ammat-tutkinnon-osa": N_("Aiemmin hankittu ammatillinen tutkinnon osa"),
    "aiemmin-hankittu-paikallinen-tutkinnon-osa": N_("Aiemmin hankittu paikallinen tutkinnon osa"),
    "aiemmin-hankittu-yhteinen-tutkinnon-osa": N_("Aiemmin hankittu yhteinen tutkinnon osa"),
    "hankittavan-yto-osa-alue": N_("Osa-alue"),
    "aiemmin-hankitun-yto-osa-alue": N_("Osa-alue"),
    "osaamisen-hankkimistapa": N_("Osaamisen hankkimistapa"),
    "osaamisen-osoittaminen": N_("Näyttö"),
    "opiskeluvalmiuksia-tukevat-opinnot": N_("Opiskeluvalmiuksia tukeva opinto"),
    "oppimisen-tuki": N_("Oppimisen tuki"),
    "hankittava-koulutuksen-osa": N_("Valmentavan koulutuksen osa"),
}


@router.get(HISTORY, response_class=HTMLResponse)
def versions(
    request: Request,
    oppija_oid: OppijaOid,
    hoks_id: HoksId,
    actor: Official,
    state: State,
    ctx: OfficialContext,
) -> HTMLResponse:
    with ctx.read() as session:
        found = history.history(session, actor, oppija_oid, hoks_id, ctx)
    context = official_context(
        request,
        state,
        actor,
        section="opiskelijat",
        history=found,
        base=hoks_path(oppija_oid, hoks_id),
        student_path=student_path(oppija_oid),
    )
    return page(request, "virkailija/hoks/historia.html", context)


@router.get(HISTORY + "/vertaa")
def choose(
    oppija_oid: OppijaOid,
    hoks_id: HoksId,
    actor: Official,
    a: Annotated[int, Query(ge=1, le=DB_INT_MAX)],
    b: Annotated[int, Query(ge=1, le=DB_INT_MAX)],
) -> Response:
    """The history page's form (two versions chosen without script) to the diff's address."""
    older, newer = sorted((a, b))
    target = hoks_path(oppija_oid, hoks_id, f"/historia/{older}/{newer}")
    return RedirectResponse(target, status_code=303)


@router.get(HISTORY + "/{first}/{second}", response_class=HTMLResponse)
def diff(
    request: Request,
    oppija_oid: OppijaOid,
    hoks_id: HoksId,
    first: Versio,
    second: Versio,
    actor: Official,
    state: State,
    ctx: OfficialContext,
) -> HTMLResponse:
    with ctx.read() as session:
        found = history.compare(session, actor, oppija_oid, hoks_id, first, second, ctx)
    # Names of both versions' codes, outside the transaction (registry calls hold none open).
    lang = language_of(request)
    registries = state.runtime.registries
    groups = describe(
        found.old_document,
        found.new_document,
        enrich(found.old_document, registries, kieli=lang),
        enrich(found.new_document, registries, kieli=lang),
    )
    context = official_context(
        request,
        state,
        actor,
        section="opiskelijat",
        history=found.page,
        older=found.older,
        newer=found.newer,
        groups=groups,
        field_names=FIELD_NAMES,
        other_field=OTHER_FIELD,
        part_kinds=PART_KIND_NAMES,
        base=hoks_path(oppija_oid, hoks_id),
        student_path=student_path(oppija_oid),
    )
    return page(request, "virkailija/hoks/vertailu.html", context)
