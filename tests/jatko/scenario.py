"""A learner who continues their studies on a new study right: the earlier study right in Koski
with units passed, one in progress, a common unit partly done and a local unit, the earlier
plan, and new study rights for the same qualification, another qualification and after TUVA.

Units and qualifications are those of the demo ePerusteet (``registries`` fixture below): the
electrical qualification (OPH-2580-2017) has 106161–106165; logistics (OPH-2511-2017) has
none of them; both have the common units 106727–106729.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from ehoks.demo.loader import DATA_DIR
from ehoks.demo.oids import opiskeluoikeus_oid
from ehoks.registries.local import import_directory
from tests.factories import World, koski_opiskeluoikeus, tyopaikkajakso

SAHKO = ("351407", "OPH-2580-2017", "Sähkö- ja automaatioalan perustutkinto")
LOGISTIIKKA = ("351301", "OPH-2511-2017", "Logistiikan perustutkinto")
TUVA = ("999907", "OPH-1488-2021", "Tutkintokoulutukseen valmentava koulutus")
LOCAL_UNIT = "Sähköturvallisuus työmaalla"


def import_demo_registries(engine: Engine, root: Path) -> None:
    """The demo Koodisto and ePerusteet (names in three languages, units of the perusteet)."""
    for name in ("eperusteet", "koodisto"):
        shutil.copytree(Path(DATA_DIR) / name, root / name)
    import_directory(engine, root)


def osasuoritus(
    koodiarvo: str,
    *,
    passed: bool | None,
    paiva: str = "2025-05-20",
    ryhma: str = "1",
    osa_alueet: list[dict[str, Any]] | None = None,
    local_name: str | None = None,
) -> dict[str, Any]:
    """A unit as Koski records it; ``passed`` None: not yet assessed."""
    tunniste: dict[str, Any] = {"koodiarvo": koodiarvo, "nimi": {"fi": local_name or koodiarvo}}
    if local_name is None:
        tunniste["koodistoUri"] = "tutkinnonosat"
    item: dict[str, Any] = {
        "koulutusmoduuli": {"tunniste": tunniste, "pakollinen": True},
        "tyyppi": {"koodiarvo": "ammatillisentutkinnonosa", "koodistoUri": "suorituksentyyppi"},
        "tutkinnonOsanRyhmä": {"koodiarvo": ryhma, "koodistoUri": "ammatillisentutkinnonosanryhma"},
    }
    if passed is not None:
        item["arviointi"] = [
            {
                "arvosana": {"koodiarvo": "3" if passed else "Hylätty"},
                "hyväksytty": passed,
                "päivä": paiva,
            }
        ]
    if osa_alueet:
        item["osasuoritukset"] = osa_alueet
    return item


def osa_alue(koodiarvo: str, *, passed: bool | None, paiva: str = "2025-03-14") -> dict[str, Any]:
    item: dict[str, Any] = {
        "koulutusmoduuli": {
            "tunniste": {"koodiarvo": koodiarvo, "koodistoUri": "ammatillisenoppiaineet"}
        },
        "tyyppi": {"koodiarvo": "ammatillisentutkinnonosanosaalue"},
    }
    if passed is not None:
        item["arviointi"] = [{"arvosana": {"koodiarvo": "2"}, "hyväksytty": passed, "päivä": paiva}]
    return item


def study_right(
    seed: str,
    *,
    oppilaitos: str,
    koulutustoimija: str,
    tutkinto: tuple[str, str, str],
    tila: str = "lasna",
    alkamispaiva: str = "2024-08-01",
    osat: list[dict[str, Any]] | None = None,
    tuva: bool = False,
) -> dict[str, Any]:
    document = koski_opiskeluoikeus(
        oid=opiskeluoikeus_oid(seed),
        oppilaitos=oppilaitos,
        koulutustoimija=koulutustoimija,
        tila=tila,
        alkamispaiva=alkamispaiva,
        tyyppi="tuva" if tuva else "ammatillinenkoulutus",
        suoritustyyppi="tuvakoulutuksensuoritus" if tuva else "ammatillinentutkinto",
    )
    koodiarvo, diaarinumero, nimi = tutkinto
    document["suoritukset"][0]["koulutusmoduuli"] = {
        "tunniste": {"koodiarvo": koodiarvo, "nimi": {"fi": nimi}, "koodistoUri": "koulutus"},
        "perusteenDiaarinumero": diaarinumero,
    }
    if osat:
        document["suoritukset"][0]["osasuoritukset"] = osat
    return document


def earlier_units_in_koski() -> list[dict[str, Any]]:
    return [
        osasuoritus("106161", passed=True, paiva="2025-05-20"),
        osasuoritus("106162", passed=None),
        osasuoritus(
            "106727",
            passed=None,
            ryhma="2",
            osa_alueet=[osa_alue("VVAI", passed=True), osa_alue("VVTK", passed=None)],
        ),
        # Passed in Koski but never in the plan.
        osasuoritus("106165", passed=True, paiva="2025-06-02"),
        osasuoritus("LOC1", passed=None, local_name=LOCAL_UNIT),
    ]


def demonstration(alku: str = "2025-05-12", loppu: str = "2025-05-16") -> dict[str, Any]:
    return {
        "nayttoymparisto": {"nimi": "Sähkö Oy"},
        "sisallon-kuvaus": ["Kytkentätyöt"],
        "alku": alku,
        "loppu": loppu,
        "tyoelama-osaamisen-arvioijat": [
            {"nimi": "Tiina Työelämä", "organisaatio": {"nimi": "Sähkö Oy"}}
        ],
    }


def earlier_plan(oppija: str, opiskeluoikeus: str) -> dict[str, Any]:
    """Every kind of unit, supporting studies, learning support, the goal."""
    return {
        "oppija-oid": oppija,
        "opiskeluoikeus-oid": opiskeluoikeus,
        "ensikertainen-hyvaksyminen": "2024-08-15",
        "osaamisen-hankkimisen-tarve": True,
        "sahkoposti": "oppija@example.org",
        "urasuunnitelma-koodi-uri": "urasuunnitelma_0001",
        "urasuunnitelma-koodi-versio": 1,
        "aiemmin-hankitut-ammat-tutkinnon-osat": [
            {
                "tutkinnon-osa-koodi-uri": "tutkinnonosat_106163",
                "tutkinnon-osa-koodi-versio": 1,
                "valittu-todentamisen-prosessi-koodi-uri": "osaamisentodentamisenprosessi_0001",
                "valittu-todentamisen-prosessi-koodi-versio": 1,
            }
        ],
        "hankittavat-ammat-tutkinnon-osat": [
            {
                "tutkinnon-osa-koodi-uri": "tutkinnonosat_106161",
                "tutkinnon-osa-koodi-versio": 1,
                "osaamisen-hankkimistavat": [tyopaikkajakso("jakso-1")],
                "osaamisen-osoittaminen": [demonstration()],
                "opetus-ja-ohjaus-maara": 12,
            },
            {
                "tutkinnon-osa-koodi-uri": "tutkinnonosat_106162",
                "tutkinnon-osa-koodi-versio": 1,
                "osaamisen-hankkimistavat": [
                    tyopaikkajakso("jakso-2", alku="2025-01-07", loppu="2025-04-30")
                ],
                "vaatimuksista-tai-tavoitteista-poikkeaminen": "Mukautettu",
            },
        ],
        "hankittavat-yhteiset-tutkinnon-osat": [
            {
                "tutkinnon-osa-koodi-uri": "tutkinnonosat_106727",
                "tutkinnon-osa-koodi-versio": 1,
                "osa-alueet": [
                    {
                        "osa-alue-koodi-uri": "ammatillisenoppiaineet_vvai",
                        "osa-alue-koodi-versio": 1,
                        "osaamisen-osoittaminen": [demonstration("2025-03-10", "2025-03-12")],
                    },
                    {
                        "osa-alue-koodi-uri": "ammatillisenoppiaineet_vvtk",
                        "osa-alue-koodi-versio": 1,
                        "osaamisen-hankkimistavat": [
                            {
                                "alku": "2025-01-07",
                                "loppu": "2025-02-28",
                                "osaamisen-hankkimistapa-koodi-uri": (
                                    "osaamisenhankkimistapa_oppilaitosmuotoinen"
                                ),
                                "osaamisen-hankkimistapa-koodi-versio": 1,
                            }
                        ],
                    },
                ],
            }
        ],
        "hankittavat-paikalliset-tutkinnon-osat": [
            {
                "nimi": LOCAL_UNIT,
                "laajuus": 5,
                "tavoitteet-ja-sisallot": "Turvallinen työskentely",
                "osaamisen-hankkimistavat": [
                    tyopaikkajakso("jakso-3", alku="2025-02-03", loppu="2025-03-28")
                ],
            }
        ],
        "opiskeluvalmiuksia-tukevat-opinnot": [
            {
                "nimi": "Opiskelutaidot",
                "kuvaus": "Lukemisen tuki",
                "alku": "2024-09-01",
                "loppu": "2024-12-20",
            }
        ],
        "oppimisen-tuki": [
            {"oppimisen-tuen-tyyppi-koodi-uri": "ammatillinenkoulutusoppimisentuentyyppi_02"}
        ],
    }


def tuva_plan(oppija: str, opiskeluoikeus: str) -> dict[str, Any]:
    return {
        "oppija-oid": oppija,
        "opiskeluoikeus-oid": opiskeluoikeus,
        "ensikertainen-hyvaksyminen": "2024-08-15",
        "osaamisen-hankkimisen-tarve": True,
        "urasuunnitelma-koodi-uri": "urasuunnitelma_0001",
        "urasuunnitelma-koodi-versio": 1,
        "hankittavat-koulutuksen-osat": [
            {
                "koulutuksen-osa-koodi-uri": "koulutuksenosattuva_101",
                "koulutuksen-osa-koodi-versio": 1,
                "alku": "2024-08-12",
                "loppu": "2025-05-30",
                "laajuus": 2,
            }
        ],
        "oppimisen-tuki": [
            {"oppimisen-tuen-tyyppi-koodi-uri": "ammatillinenkoulutusoppimisentuentyyppi_03"}
        ],
    }


@dataclass(frozen=True)
class Learner:
    oppija: str
    aiempi_oo: str
    """The earlier (electrical) study right, ended as resigned."""
    sama_oo: str
    """A new study right for the same qualification at the provider's other school."""
    uusi_tutkinto_oo: str
    """A new study right for logistics."""
    tuva_oo: str
    """An earlier TUVA study right."""
    muu_oo: str
    """A study right at another provider (koulutustoimija 2)."""


def continuing_learner(world: World, seed: str = "jatko") -> Learner:
    kt1, kt2 = world.koulutustoimija_1, world.koulutustoimija_2
    rights = [
        study_right(
            f"{seed}-aiempi",
            oppilaitos=world.oppilaitos_1,
            koulutustoimija=kt1,
            tutkinto=SAHKO,
            tila="eronnut",
            osat=earlier_units_in_koski(),
        ),
        study_right(
            f"{seed}-sama",
            oppilaitos=world.oppilaitos_2,
            koulutustoimija=kt1,
            tutkinto=SAHKO,
            alkamispaiva="2025-08-01",
        ),
        study_right(
            f"{seed}-logistiikka",
            oppilaitos=world.oppilaitos_2,
            koulutustoimija=kt1,
            tutkinto=LOGISTIIKKA,
            alkamispaiva="2025-08-01",
        ),
        study_right(
            f"{seed}-tuva",
            oppilaitos=world.oppilaitos_1,
            koulutustoimija=kt1,
            tutkinto=TUVA,
            tila="valmistunut",
            tuva=True,
        ),
        study_right(
            f"{seed}-muu",
            oppilaitos=world.oppilaitos_3,
            koulutustoimija=kt2,
            tutkinto=SAHKO,
            alkamispaiva="2025-08-01",
        ),
    ]
    oppija, _ = world.add_oppija(seed, opiskeluoikeudet=rights)
    oids = [r["oid"] for r in rights]
    return Learner(oppija, *oids)
