"""The words of a continuation: the plan's collections, how an item was carried, why one was
left out, and what of a part the new provider plans again (``docs/continuation.md``)."""

from __future__ import annotations

from typing import Any

# Recognised through a demonstration or other demonstration of competence (Koodisto
# osaamisentodentamisenprosessi, docs/data-model.md).
NAYTTO = "osaamisentodentamisenprosessi_0003"
NAYTTO_VERSIO = 1

AHATO = "aiemmin-hankitut-ammat-tutkinnon-osat"
AHPTO = "aiemmin-hankitut-paikalliset-tutkinnon-osat"
AHYTO = "aiemmin-hankitut-yhteiset-tutkinnon-osat"
HATO = "hankittavat-ammat-tutkinnon-osat"
HPTO = "hankittavat-paikalliset-tutkinnon-osat"
HYTO = "hankittavat-yhteiset-tutkinnon-osat"
TUVA_OSAT = "hankittavat-koulutuksen-osat"
TUKEVAT = "opiskeluvalmiuksia-tukevat-opinnot"
TUKI = "oppimisen-tuki"
COLLECTIONS = (AHATO, AHPTO, AHYTO, HATO, HPTO, HYTO, TUVA_OSAT, TUKEVAT, TUKI)
TO_ACQUIRE = (HATO, HPTO, HYTO, TUVA_OSAT)
UNITS = (AHATO, AHPTO, AHYTO, HATO, HPTO, HYTO)
# The learner's own contact data and goal go on as they are.
ROOT_CARRIED = ("sahkoposti", "puhelinnumero", "urasuunnitelma-koodi-uri")
KOSKI = "koski"

# How an item was carried (``siirretyt[].tapa``).
AS_IT_IS = "sellaisenaan"
COMPLETED = "suoritettu-koskessa"
TO_PLAN_AGAIN = "hankittavana"

# Why an item was left out (``pois[].syy``), with the sentence the API gives.
NOT_IN_QUALIFICATION = "ei-uudessa-tutkinnossa"
PERUSTE_UNKNOWN = "uuden-tutkinnon-peruste-ei-tiedossa"
NOT_ON_VOCATIONAL = "ei-ammatillisessa-hoksissa"
NOT_ON_TUVA = "ei-tuva-hoksissa"
NEEDS_NEW_DATES = "vaatii-uudet-ajankohdat"
REASONS = {
    NOT_IN_QUALIFICATION: "ePerusteet ei sijoita tutkinnon osaa uuden opiskeluoikeuden "
    "tutkinnon perusteeseen.",
    PERUSTE_UNKNOWN: "Uuden opiskeluoikeuden tutkinnon perustetta ei löydy ePerusteista, "
    "joten tutkinnon osan kuulumista tutkintoon ei voitu todeta.",
    NOT_ON_VOCATIONAL: "Ammatillisen koulutuksen HOKSissa ei ole TUVA-koulutuksen osia.",
    NOT_ON_TUVA: "TUVA-koulutuksen HOKSissa ei ole tutkinnon osia eikä opiskeluvalmiuksia "
    "tukevia opintoja.",
    NEEDS_NEW_DATES: "Koulutuksen osa vaatii alku- ja loppupäivän, jotka uusi järjestäjä "
    "suunnittelee uudelleen.",
}

# Left for the new provider to plan again on a unit or sub-area to acquire.
PLANNED_AGAIN = (
    "osaamisen-hankkimistavat",
    "osaamisen-osoittaminen",
    "opetus-ja-ohjaus-maara",
    "koulutuksen-jarjestaja-oid",
)
KEPT_ON_HATO = (
    "tutkinnon-osa-koodi-uri",
    "tutkinnon-osa-koodi-versio",
    "tutkinnon-osan-perusteen-diaarinro",
    "vaatimuksista-tai-tavoitteista-poikkeaminen",
    "olennainen-seikka",
)
KEPT_ON_HPTO = (
    "amosaa-tunniste",
    "nimi",
    "laajuus",
    "tavoitteet-ja-sisallot",
    "vaatimuksista-tai-tavoitteista-poikkeaminen",
    "olennainen-seikka",
)
KEPT_ON_SUB_AREA = (
    "osa-alue-koodi-uri",
    "osa-alue-koodi-versio",
    "vaatimuksista-tai-tavoitteista-poikkeaminen",
    "olennainen-seikka",
)


def item_key(collection: str, item: dict[str, Any]) -> str:
    """What tells a carried item apart within its collection, as a document or a form draft has
    it (codes, names and dates are the same text in both)."""
    if collection in (AHATO, AHYTO, HATO, HYTO):
        return str(item.get("tutkinnon-osa-koodi-uri") or "")
    if collection in (AHPTO, HPTO):
        return str(item.get("amosaa-tunniste") or item.get("nimi") or "")
    if collection == TUKEVAT:
        return f"{item.get('nimi') or ''}|{item.get('alku') or ''}"
    if collection == TUKI:
        return f"{item.get('oppimisen-tuen-tyyppi-koodi-uri') or ''}|{item.get('alku') or ''}"
    if collection == TUVA_OSAT:
        return str(item.get("koulutuksen-osa-koodi-uri") or "")
    return ""
