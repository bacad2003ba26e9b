"""The units, the other HOKS parts and the HOKS root (reference 3.4, 3.7–3.9), and the registry
of all entities."""

from __future__ import annotations

from ehoks.hoks.schemas import entities_common as common
from ehoks.hoks.schemas.entities_common import (
    ALKU,
    DB_ID,
    DROPPED_ID,
    HANKKIMISTAVAT,
    KJ_OID,
    LOPPU,
    MODULE_ID,
    OLENNAINEN,
    OPETUS,
    OSOITTAMINEN,
    OUR_MODULE_ID,
    POIKKEAMINEN,
    TUTKINNON_OSA,
)
from ehoks.hoks.schemas.spec import ROOT, EntitySpec, FieldSpec, Mode, entity, f, many
from ehoks.limits import SAHKOPOSTI_MAX


def _aiemmin(
    base: EntitySpec,
    name: str,
    description: str,
    *,
    prosessi: Mode,
    rules: tuple[str, ...],
    extra: tuple[FieldSpec, ...] = (),
) -> EntitySpec:
    """Reference 3.8: a previously acquired unit is the unit to acquire without its learning
    periods, demonstrations, sub-areas and teaching amount, plus the verification fields."""
    removed = {
        "osaamisen-hankkimistavat",
        "osaamisen-osoittaminen",
        "osa-alueet",
        "opetus-ja-ohjaus-maara",
    }
    kept = tuple(x for x in base.fields if x.key not in removed)
    added = (
        f(
            "valittu-todentamisen-prosessi-koodi-uri",
            "TodentamisenProsessiKoodiUri",
            prosessi * 3,
            "Chosen verification process: directly, via assessors or via a demonstration",
        ),
        f("valittu-todentamisen-prosessi-koodi-versio", "Int", prosessi * 3, "Code version"),
        many(
            "tarkentavat-tiedot-naytto",
            "OsaamisenOsoittaminen",
            "OOO",
            "Demonstration details, if verified through a demonstration",
            always=True,
        ),
        f(
            "tarkentavat-tiedot-osaamisen-arvioija",
            "TodennettuArviointiLisatiedot",
            "OOO",
            "Assessor details, if verified through assessors",
            always=True,
        ),
    )
    return EntitySpec(name, description, kept + added + extra, rules)


_NOT_TUVA = ("ei-tuva-tutkinnon-osa",)

HATO = entity(
    "HankittavaAmmatillinenTutkinnonOsa",
    "Vocational unit to acquire (HATO)",
    DB_ID,
    MODULE_ID,
    *TUTKINNON_OSA,
    f(
        "tutkinnon-osan-perusteen-diaarinro",
        "Str",
        "OOO",
        "Diary number of the curriculum the unit was taken from, e.g. OPH-3418-2025",
    ),
    POIKKEAMINEN,
    OSOITTAMINEN,
    HANKKIMISTAVAT,
    KJ_OID,
    OLENNAINEN,
    OPETUS,
    rules=_NOT_TUVA,
)
HPTO = entity(
    "HankittavaPaikallinenTutkinnonOsa",
    "Local unit to acquire (HPTO)",
    DB_ID,
    MODULE_ID,
    f("amosaa-tunniste", "Str", "OOO", "Identifier in ePerusteet AMOSAA"),
    f("nimi", "Str", "OOO", "Name of the unit"),
    f("laajuus", "Int", "OOO", "Extent"),
    f("tavoitteet-ja-sisallot", "Str", "OOO", "Competence requirements or objectives"),
    POIKKEAMINEN,
    OSOITTAMINEN,
    HANKKIMISTAVAT,
    KJ_OID,
    OLENNAINEN,
    OPETUS,
    rules=_NOT_TUVA,
)
HYTO_OSA_ALUE = entity(
    "HankittavanYTOnOsaAlue",
    "Sub-area of a common unit to acquire",
    DB_ID,
    MODULE_ID,
    f("osa-alue-koodi-uri", "OsaAlueKoodiUri", "RRR", "Sub-area code"),
    f("osa-alue-koodi-versio", "Int", "RRR", "Code version"),
    HANKKIMISTAVAT,
    POIKKEAMINEN,
    OSOITTAMINEN,
    KJ_OID,
    OLENNAINEN,
    OPETUS,
)
HYTO = entity(
    "HankittavaYhteinenTutkinnonOsa",
    "Common unit to acquire (HYTO)",
    DB_ID,
    MODULE_ID,
    *TUTKINNON_OSA,
    KJ_OID,
    many("osa-alueet", "HankittavanYTOnOsaAlue", "RRR", "Sub-areas", always=True),
    rules=_NOT_TUVA,
)
AHATO = _aiemmin(
    HATO,
    "AiemminHankittuAmmatillinenTutkinnonOsa",
    "Previously acquired vocational unit (AHATO)",
    prosessi="O",
    rules=_NOT_TUVA,
)
AHPTO = _aiemmin(
    HPTO,
    "AiemminHankittuPaikallinenTutkinnonOsa",
    "Previously acquired local unit (AHPTO)",
    prosessi="R",
    rules=_NOT_TUVA,
)
AHYTO_OSA_ALUE = _aiemmin(
    HYTO_OSA_ALUE,
    "AiemminHankitunYTOnOsaAlue",
    "Sub-area of a previously acquired common unit",
    prosessi="R",
    rules=(),
)
AHYTO = _aiemmin(
    HYTO,
    "AiemminHankittuYhteinenTutkinnonOsa",
    "Previously acquired common unit (AHYTO)",
    prosessi="O",
    rules=_NOT_TUVA,
    extra=(many("osa-alueet", "AiemminHankitunYTOnOsaAlue", "RRR", "Sub-areas", always=True),),
)
OPISKELUVALMIUKSIA_TUKEVAT_OPINNOT = entity(
    "OpiskeluvalmiuksiaTukevatOpinnot",
    "Studies supporting study skills (deprecated; replaced by oppimisen tuki)",
    DROPPED_ID,
    OUR_MODULE_ID,
    f("nimi", "Str", "RRR", "Name"),
    f("kuvaus", "Str", "RRR", "Description"),
    ALKU,
    LOPPU,
    rules=("ei-tuva-tukevat-opinnot",),
)
OPPIMISEN_TUKI = entity(
    "OppimisenTuki",
    "Learning support (in force from 1.8.2026; no date enforcement)",
    OUR_MODULE_ID,
    f(
        "oppimisen-tuen-tyyppi-koodi-uri",
        "OppimisenTuenTyyppiKoodiUri",
        "RRR",
        "Type of support; _01 is tukiopetus (remedial teaching)",
    ),
    f("alku", "LocalDate", "OOO", "Start of the support (tukiopetus only)"),
    f("loppu", "LocalDate", "OOO", "End of the support (tukiopetus only)"),
    f(
        "tutkinnon-osan-tyyppi-koodi-uri",
        "TutkinnonOsanRyhmaKoodiUri",
        "OOO",
        "Whether given for a vocational or a common unit (tukiopetus only)",
    ),
    rules=("oppimisen-tuki",),
)
HANKITTAVA_KOULUTUKSEN_OSA = entity(
    "HankittavaKoulutuksenOsa",
    "TUVA training part; only on a TUVA HOKS",
    DROPPED_ID,
    OUR_MODULE_ID,
    f("koulutuksen-osa-koodi-uri", "KoulutuksenOsaKoodiUri", "RRR", "TUVA training-part code"),
    f("koulutuksen-osa-koodi-versio", "Int", "RRR", "Code version"),
    ALKU,
    LOPPU,
    f("laajuus", "Num", "RRR", "Extent in TUVA weeks", rule="koulutuksen-osan-laajuus"),
    rules=("vain-tuva-koulutuksen-osa",),
)


def _collection(key: str, type_: str, description: str) -> FieldSpec:
    return many(key, type_, "OOOXO", description, always=True)


HOKS = entity(
    ROOT,
    "Personal competence development plan (the root document)",
    f("id", "Int", "RXRRR", "HOKS id in eHOKS; the PUT/PATCH body must contain it"),
    f("eid", "Str", "RXXXR", "Generated external id (UUID)"),
    f("oppija-oid", "OppijaOID", "OROOO", "Learner OID"),
    f("sahkoposti", "Str", "OOOOX", "Learner e-mail (free text)", max_length=SAHKOPOSTI_MAX),
    f("puhelinnumero", "Str", "OOOOX", "Learner phone (free text)"),
    f(
        "opiskeluoikeus-oid",
        "OpiskeluoikeusOID",
        "OROOO",
        "Koski study-right OID; cannot be changed after creation",
        rule="opiskeluoikeus-tyyppi",
    ),
    f(
        "tuva-opiskeluoikeus-oid",
        "OpiskeluoikeusOID",
        "OOOOO",
        "OID of a parallel TUVA study right; only on a non-TUVA HOKS",
        rule="tuva-opiskeluoikeus",
    ),
    f("urasuunnitelma-koodi-uri", "UrasuunnitelmaKoodiUri", "OOOOO", "Career-plan goal code"),
    f("urasuunnitelma-koodi-versio", "Int", "OOOOO", "Code version"),
    f("versio", "Int", "OOOOO", "Document version number (client-supplied)"),
    f(
        "ensikertainen-hyvaksyminen",
        "LocalDate",
        "RRROR",
        "Date of first approval; trigger date of the start survey",
    ),
    f("hyvaksytty", "Inst", "OOOOO", "Approval timestamp"),
    f("paivitetty", "Inst", "OOOOO", "Last-updated timestamp (client-supplied)"),
    f("poistettu", "Inst", "XXXXO", "Soft-deletion time; only in the Vipunen feed"),
    f(
        "osaamisen-saavuttamisen-pvm",
        "LocalDate",
        "OOOOO",
        "Date the competence was achieved; trigger date of the end survey",
        rule="osaamisen-saavuttamisen-pvm",
    ),
    f(
        "osaamisen-hankkimisen-tarve",
        "Bool",
        "ORROO",
        "Whether training is needed (outcome of the recognition process)",
    ),
    f("manuaalisyotto", "Bool", "OXXXO", "True if created through the virkailija UI"),
    _collection(
        "aiemmin-hankitut-ammat-tutkinnon-osat",
        AHATO.name,
        "Previously acquired vocational units; not on TUVA",
    ),
    _collection(
        "aiemmin-hankitut-yhteiset-tutkinnon-osat",
        AHYTO.name,
        "Previously acquired common units; not on TUVA",
    ),
    _collection(
        "aiemmin-hankitut-paikalliset-tutkinnon-osat",
        AHPTO.name,
        "Previously acquired local units; not on TUVA",
    ),
    _collection(
        "hankittavat-ammat-tutkinnon-osat", HATO.name, "Vocational units to acquire; not on TUVA"
    ),
    _collection(
        "hankittavat-yhteiset-tutkinnon-osat", HYTO.name, "Common units to acquire; not on TUVA"
    ),
    _collection(
        "hankittavat-paikalliset-tutkinnon-osat", HPTO.name, "Local units to acquire; not on TUVA"
    ),
    _collection(
        "hankittavat-koulutuksen-osat",
        HANKITTAVA_KOULUTUKSEN_OSA.name,
        "TUVA training parts; only on TUVA",
    ),
    _collection(
        "opiskeluvalmiuksia-tukevat-opinnot",
        OPISKELUVALMIUKSIA_TUKEVAT_OPINNOT.name,
        "Study-skill supporting studies; not on TUVA (deprecated)",
    ),
    _collection("oppimisen-tuki", OPPIMISEN_TUKI.name, "Learning support"),
)

# Documentation order: the root first, then roughly the tree of reference 3.3.
ENTITIES: dict[str, EntitySpec] = {
    e.name: e
    for e in (
        HOKS,
        AHATO,
        AHPTO,
        AHYTO,
        AHYTO_OSA_ALUE,
        HATO,
        HPTO,
        HYTO,
        HYTO_OSA_ALUE,
        common.OSAAMISEN_HANKKIMISTAPA,
        common.TYOPAIKALLA_JARJESTETTAVA_KOULUTUS,
        common.VASTUULLINEN_OHJAAJA,
        common.OPPILAITOSHENKILO,
        common.MUU_OPPIMISYMPARISTO,
        common.KESKEYTYMISAJANJAKSO,
        common.OSAAMISEN_OSOITTAMINEN,
        common.NAYTON_JARJESTAJA,
        common.NAYTTOYMPARISTO,
        common.KOODISTO_KOODI,
        common.KJ_ARVIOIJA,
        common.TYOELAMA_ARVIOIJA,
        common.KJ_ORGANISAATIO,
        common.TYOELAMA_ORGANISAATIO,
        common.TODENNETTU_ARVIOINTI,
        OPISKELUVALMIUKSIA_TUKEVAT_OPINNOT,
        OPPIMISEN_TUKI,
        HANKITTAVA_KOULUTUKSEN_OSA,
    )
}
