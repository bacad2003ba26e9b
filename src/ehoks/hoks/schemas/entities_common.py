"""Building blocks of the HOKS model (reference 3.5, 3.6): people, organisations, learning
periods and demonstrations, and the fields the units share."""

from __future__ import annotations

from dataclasses import replace

from ehoks.hoks.schemas.spec import entity, f, many
from ehoks.limits import SAHKOPOSTI_MAX, YKSILOIVA_TUNNISTE_MAX

DROPPED_ID = f(
    "id", "Int", "OOO", "Ignored database id; accepted on write and dropped (D18)", drop=True
)
DB_ID = f("id", "Int", "OXO", "Database id of the original; never returned", drop=True)
MODULE_ID = f(
    "module-id",
    "UUID",
    "ROO",
    "Stable UUID of the part, assigned by the service. A client may send it back to "
    "keep the part's identity",
)
OUR_MODULE_ID = replace(MODULE_ID, ours=True)
KJ_OID = f(
    "koulutuksen-jarjestaja-oid",
    "OrganisaatioOID",
    "OOO",
    "Organisation responsible for the unit (any organisation level)",
)
OLENNAINEN = f(
    "olennainen-seikka",
    "Bool",
    "OOO",
    "The provider considers there to be an essential circumstance for this unit",
)
OPETUS = f(
    "opetus-ja-ohjaus-maara",
    "Num",
    "OOO",
    "Planned teaching and guidance in hours",
    rule="opetus-ja-ohjaus-maara",
)
POIKKEAMINEN = f(
    "vaatimuksista-tai-tavoitteista-poikkeaminen",
    "Str",
    "OOO",
    "Explanation of deviating from the requirements or objectives",
)
OSOITTAMINEN = many(
    "osaamisen-osoittaminen",
    "OsaamisenOsoittaminen",
    "OOO",
    "Demonstrations of competence",
    always=True,
)
HANKKIMISTAVAT = many(
    "osaamisen-hankkimistavat", "OsaamisenHankkimistapa", "OOO", "Learning periods", always=True
)
TUTKINNON_OSA = (
    f("tutkinnon-osa-koodi-uri", "TutkinnonOsaKoodiUri", "RRR", "ePerusteet unit code"),
    f("tutkinnon-osa-koodi-versio", "Int", "RRR", "Code version"),
)
ALKU = f("alku", "LocalDate", "RRR", "Start date")
LOPPU = f("loppu", "LocalDate", "RRR", "End date")

KOODISTO_KOODI = entity(
    "KoodistoKoodi",
    "A Koodisto code reference",
    f("koodi-uri", "Str", "RRR", "Code URI (the format is not validated)"),
    f("koodi-versio", "Int", "RRR", "Code version"),
)
KJ_ORGANISAATIO = entity(
    "KoulutuksenJarjestajaOrganisaatio",
    "Organisation of an education provider's assessor",
    f(
        "oppilaitos-oid",
        "OrganisaatioOID",
        "OOO",
        "Organisation OID, if an educational institution",
    ),
)
TYOELAMA_ORGANISAATIO = entity(
    "TyoelamaOrganisaatio",
    "Working-life organisation of an assessor",
    f("nimi", "Str", "RRR", "Organisation name"),
    f("y-tunnus", "YTunnus", "OOO", "Business ID, if the organisation has one"),
)
NAYTTOYMPARISTO = entity(
    "Nayttoymparisto",
    "Environment (organisation) where a demonstration takes place",
    f("nimi", "Str", "RRR", "Name"),
    f("y-tunnus", "YTunnus", "OOO", "Business ID, if any"),
    f("kuvaus", "Str", "OOO", "Short description, e.g. flower shop, simulator"),
)
NAYTON_JARJESTAJA = entity(
    "NaytonJarjestaja",
    "Organiser of a demonstration",
    DROPPED_ID,
    f("oppilaitos-oid", "OrganisaatioOID", "OOO", "Organisation OID (any organisation level)"),
)
KJ_ARVIOIJA = entity(
    "KoulutuksenJarjestajaArvioija",
    "The education provider's assessor",
    DROPPED_ID,
    f("nimi", "Str", "RRR", "Name (redacted in Vipunen)"),
    f("organisaatio", "KoulutuksenJarjestajaOrganisaatio", "RRR", "Assessor's organisation"),
)
TYOELAMA_ARVIOIJA = entity(
    "TyoelamaOsaamisenArvioija",
    "Working-life assessor",
    DROPPED_ID,
    f("nimi", "Str", "RRR", "Name (redacted in Vipunen)"),
    f("organisaatio", "TyoelamaOrganisaatio", "RRR", "Assessor's organisation"),
)
TODENNETTU_ARVIOINTI = entity(
    "TodennettuArviointiLisatiedot",
    "Verification details of a previously acquired unit",
    f("lahetetty-arvioitavaksi", "LocalDate", "OOO", "Date sent for assessment"),
    many(
        "aiemmin-hankitun-osaamisen-arvioijat",
        "KoulutuksenJarjestajaArvioija",
        "OOO",
        "Assessors, if verified through assessors",
        always=True,
    ),
)
VASTUULLINEN_OHJAAJA = entity(
    "VastuullinenTyopaikkaOhjaaja",
    "Responsible workplace instructor",
    DROPPED_ID,
    f("nimi", "Str", "RRR", "Name"),
    f("sahkoposti", "Str", "OOO", "E-mail address", max_length=SAHKOPOSTI_MAX),
    f("puhelinnumero", "Puhelinnumero", "OOO", "Phone number"),
)
OPPILAITOSHENKILO = entity(
    "Oppilaitoshenkilo",
    "Representative of an education provider",
    DROPPED_ID,
    f("nimi", "Str", "RRR", "Name"),
    f("rooli", "Str", "OOO", "Role"),
    f("oppilaitos-oid", "OrganisaatioOID", "RRR", "OID of the educational institution"),
)
TYOPAIKALLA_JARJESTETTAVA_KOULUTUS = entity(
    "TyopaikallaJarjestettavaKoulutus",
    "Workplace details of a learning period",
    DROPPED_ID,
    f(
        "vastuullinen-tyopaikka-ohjaaja",
        "VastuullinenTyopaikkaOhjaaja",
        "RRR",
        "Responsible workplace instructor (in Vipunen only `true`)",
        vipunen_type="Bool",
    ),
    f("tyopaikan-nimi", "Str", "RRR", "Workplace name"),
    f("tyopaikan-y-tunnus", "YTunnus", "OOO", "Workplace business ID"),
    many("keskeiset-tyotehtavat", "Str", "RRR", "Key work tasks, in order"),
)
MUU_OPPIMISYMPARISTO = entity(
    "MuuOppimisymparisto",
    "Other learning environment",
    f("oppimisymparisto-koodi-uri", "OppimisymparistoKoodiUri", "RRR", "Environment code"),
    f("oppimisymparisto-koodi-versio", "Int", "RRR", "Code version"),
    ALKU,
    LOPPU,
)
KESKEYTYMISAJANJAKSO = entity(
    "Keskeytymisajanjakso",
    "Interruption period of a workplace period",
    ALKU,
    f("loppu", "LocalDate", "OOO", "End date; only the last period may be open-ended"),
)
OSAAMISEN_HANKKIMISTAPA = entity(
    "OsaamisenHankkimistapa",
    "Way of acquiring competence, i.e. a learning period (OHT)",
    DB_ID,
    MODULE_ID,
    ALKU,
    f("loppu", "LocalDate", "RRR", "End date; trigger date of workplace feedback"),
    f(
        "yksiloiva-tunniste",
        "NonEmptyStr",
        "OOO",
        "Identifier of the period within the HOKS, from the source system; required for "
        "workplace periods",
        max_length=YKSILOIVA_TUNNISTE_MAX,
    ),
    f("ajanjakson-tarkenne", "Str", "OOO", "Text telling periods apart when there are several"),
    f(
        "osaamisen-hankkimistapa-koodi-uri",
        "OsaamisenHankkimistapaKoodiUri",
        "RRR",
        "Type of period; koulutussopimus and oppisopimus make it a workplace period",
    ),
    f("osaamisen-hankkimistapa-koodi-versio", "Int", "RRR", "Code version"),
    f("jarjestajan-edustaja", "Oppilaitoshenkilo", "OOX", "Representative of the provider"),
    f(
        "hankkijan-edustaja",
        "Oppilaitoshenkilo",
        "OOX",
        "Representative of the provider that procured the apprenticeship training",
    ),
    f(
        "tyopaikalla-jarjestettava-koulutus",
        "TyopaikallaJarjestettavaKoulutus",
        "OOO",
        "Workplace details (for oppisopimus and koulutussopimus)",
    ),
    many(
        "muut-oppimisymparistot",
        "MuuOppimisymparisto",
        "OOO",
        "Other learning environments",
        always=True,
    ),
    f("osa-aikaisuustieto", "Int", "OOO", "Part-time percentage (100 = full time)"),
    f(
        "oppisopimuksen-perusta-koodi-uri",
        "OppisopimuksenPerustaKoodiUri",
        "OOO",
        "Basis of the apprenticeship",
    ),
    f("oppisopimuksen-perusta-koodi-versio", "Int", "OOO", "Code version"),
    many(
        "keskeytymisajanjaksot",
        "Keskeytymisajanjakso",
        "OOO",
        "Interruption periods; they must not overlap",
        always=True,
        rule="keskeytymisajanjaksot",
    ),
    rules=(
        "oht-osa-aikaisuustieto",
        "oht-yksiloiva-tunniste",
        "oht-y-tunnus",
        "oht-oppisopimuksen-perusta",
        "oht-paivamaarat",
        "oht-alku-opiskeluoikeus",
        "oht-loppu-opiskeluoikeus",
        "oht-enintaan-5-vuotta",
    ),
)
OSAAMISEN_OSOITTAMINEN = entity(
    "OsaamisenOsoittaminen",
    "Demonstration of competence (näyttö)",
    DB_ID,
    MODULE_ID,
    f("jarjestaja", "NaytonJarjestaja", "OOO", "Organiser"),
    many("osa-alueet", "KoodistoKoodi", "OOO", "Common-unit sub-areas included", always=True),
    f("nayttoymparisto", "Nayttoymparisto", "RRR", "Where the demonstration takes place"),
    many(
        "sisallon-kuvaus",
        "Str",
        "RRR",
        "Work situations and processes used to demonstrate",
        always=True,
    ),
    f("alku", "LocalDate", "RRR", "Start date (no order check)"),
    LOPPU,
    many(
        "koulutuksen-jarjestaja-osaamisen-arvioijat",
        "KoulutuksenJarjestajaArvioija",
        "OOO",
        "The provider's assessors",
        always=True,
    ),
    many(
        "tyoelama-osaamisen-arvioijat",
        "TyoelamaOsaamisenArvioija",
        "OOO",
        "Working-life assessors",
        always=True,
    ),
    POIKKEAMINEN,
    many("yksilolliset-kriteerit", "Str", "OOO", "Individual assessment criteria", always=True),
)
