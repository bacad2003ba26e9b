"""HOKS documents (read representation) for the enrichment tests: big ones that repeat a few
codes and OIDs many times, and one with every code and OID field of the data model."""

from __future__ import annotations

from typing import Any

KJ_1 = "1.2.246.562.10.10000000001"
KJ_2 = "1.2.246.562.10.10000000002"
EDUSTAJA_OPPILAITOS = "1.2.246.562.10.10000000003"
NAYTTO_OPPILAITOS = "1.2.246.562.10.10000000004"
ORGANISAATIOT = (KJ_1, KJ_2, EDUSTAJA_OPPILAITOS, NAYTTO_OPPILAITOS)

AMMAT_UNITS = ("tutkinnonosat_300268", "tutkinnonosat_300186", "tutkinnonosat_106003")
YTO_UNIT = "tutkinnonosat_400014"
YTO_OSA_ALUEET = ("ammatillisenoppiaineet_ytyk", "ammatillisenoppiaineet_yttt")
NAYTON_OSA_ALUE = "ammatillisenoppiaineet_ku"
URASUUNNITELMA = "urasuunnitelma_0001"
KOULUTUSSOPIMUS = "osaamisenhankkimistapa_koulutussopimus"
OPPISOPIMUS = "osaamisenhankkimistapa_oppisopimus"
OPPISOPIMUKSEN_PERUSTA = "oppisopimuksenperusta_01"
OPPIMISYMPARISTOT = ("oppimisymparistot_0001", "oppimisymparistot_0002")
PROSESSIT = (
    "osaamisentodentamisenprosessi_0001",
    "osaamisentodentamisenprosessi_0002",
    "osaamisentodentamisenprosessi_0003",
)
TUKIOPETUS = "ammatillinenkoulutusoppimisentuentyyppi_01"
AMMAT_RYHMA = "ammatillisentutkinnonosanryhma_1"
TUVA_OSAT = ("koulutuksenosattuva_101", "koulutuksenosattuva_102")

KOODIT = (
    URASUUNNITELMA,
    KOULUTUSSOPIMUS,
    OPPISOPIMUS,
    OPPISOPIMUKSEN_PERUSTA,
    *OPPIMISYMPARISTOT,
    *PROSESSIT,
    TUKIOPETUS,
    AMMAT_RYHMA,
    NAYTON_OSA_ALUE,
)
"""Every Koodisto code of ``big_hoks`` (its unit and sub-area codes are named by ePerusteet)."""


def _module_id(prefix: str, index: int) -> str:
    return f"{prefix:0>8.8}-0000-4000-8000-{index:012d}"


def learning_period(index: int) -> dict[str, Any]:
    workplace = index % 2 == 0
    period: dict[str, Any] = {
        "module-id": _module_id("aaaa", index),
        "alku": "2024-09-01",
        "loppu": "2024-12-20",
        "osaamisen-hankkimistapa-koodi-uri": KOULUTUSSOPIMUS if workplace else OPPISOPIMUS,
        "osaamisen-hankkimistapa-koodi-versio": 1,
        "jarjestajan-edustaja": {"nimi": "Eija Edustaja", "oppilaitos-oid": EDUSTAJA_OPPILAITOS},
        "hankkijan-edustaja": {"nimi": "Harri Hankkija", "oppilaitos-oid": EDUSTAJA_OPPILAITOS},
        "tyopaikalla-jarjestettava-koulutus": {
            "tyopaikan-nimi": "Esimerkki Oy",
            "vastuullinen-tyopaikka-ohjaaja": {"nimi": "Olli Ohjaaja"},
            "keskeiset-tyotehtavat": ["Asiakaspalvelu"],
        },
        "muut-oppimisymparistot": [
            {
                "oppimisymparisto-koodi-uri": OPPIMISYMPARISTOT[index % 2],
                "oppimisymparisto-koodi-versio": 1,
                "alku": "2024-10-01",
                "loppu": "2024-10-05",
            }
        ],
        "keskeytymisajanjaksot": [],
    }
    if not workplace:
        period["oppisopimuksen-perusta-koodi-uri"] = OPPISOPIMUKSEN_PERUSTA
        period["oppisopimuksen-perusta-koodi-versio"] = 1
    return period


def demonstration(index: int) -> dict[str, Any]:
    return {
        "module-id": _module_id("bbbb", index),
        "jarjestaja": {"oppilaitos-oid": NAYTTO_OPPILAITOS},
        "osa-alueet": [{"koodi-uri": NAYTON_OSA_ALUE, "koodi-versio": 1}],
        "nayttoymparisto": {"nimi": "Esimerkki Oy"},
        "sisallon-kuvaus": ["Asiakaspalvelutilanteet"],
        "alku": "2024-12-01",
        "loppu": "2024-12-05",
        "koulutuksen-jarjestaja-osaamisen-arvioijat": [
            {"nimi": "Kaisa Kouluttaja", "organisaatio": {"oppilaitos-oid": NAYTTO_OPPILAITOS}}
        ],
        "tyoelama-osaamisen-arvioijat": [
            {"nimi": "Tiina Työelämä", "organisaatio": {"nimi": "Esimerkki Oy"}}
        ],
        "yksilolliset-kriteerit": [],
    }


def hato(index: int, code: str | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "module-id": _module_id("cccc", index),
        "tutkinnon-osa-koodi-uri": code or AMMAT_UNITS[index % len(AMMAT_UNITS)],
        "tutkinnon-osa-koodi-versio": 1,
        "koulutuksen-jarjestaja-oid": (KJ_1, KJ_2)[index % 2],
        "osaamisen-hankkimistavat": [learning_period(2 * index), learning_period(2 * index + 1)],
        "osaamisen-osoittaminen": [demonstration(2 * index), demonstration(2 * index + 1)],
        **extra,
    }


def hyto(index: int, osa_alueet: tuple[str, ...] = YTO_OSA_ALUEET) -> dict[str, Any]:
    return {
        "module-id": _module_id("dddd", index),
        "tutkinnon-osa-koodi-uri": YTO_UNIT,
        "tutkinnon-osa-koodi-versio": 1,
        "koulutuksen-jarjestaja-oid": KJ_1,
        "osa-alueet": [
            {
                "module-id": _module_id("eeee", 10 * index + i),
                "osa-alue-koodi-uri": code,
                "osa-alue-koodi-versio": 1,
                "koulutuksen-jarjestaja-oid": KJ_2,
                "osaamisen-hankkimistavat": [learning_period(1000 + 10 * index + i)],
                "osaamisen-osoittaminen": [demonstration(1000 + 10 * index + i)],
            }
            for i, code in enumerate(osa_alueet)
        ],
    }


def ahato(index: int) -> dict[str, Any]:
    return {
        "module-id": _module_id("ffff", index),
        "tutkinnon-osa-koodi-uri": AMMAT_UNITS[index % len(AMMAT_UNITS)],
        "tutkinnon-osa-koodi-versio": 1,
        "koulutuksen-jarjestaja-oid": KJ_2,
        "valittu-todentamisen-prosessi-koodi-uri": PROSESSIT[index % len(PROSESSIT)],
        "valittu-todentamisen-prosessi-koodi-versio": 1,
        "tarkentavat-tiedot-naytto": [demonstration(2000 + index)],
        "tarkentavat-tiedot-osaamisen-arvioija": {
            "lahetetty-arvioitavaksi": "2024-08-01",
            "aiemmin-hankitun-osaamisen-arvioijat": [
                {"nimi": "Aino Arvioija", "organisaatio": {"oppilaitos-oid": EDUSTAJA_OPPILAITOS}}
            ],
        },
    }


def big_hoks(units: int) -> dict[str, Any]:
    """``units`` vocational units over three unit codes, a common unit for every five, prior
    competence for every three, each unit with two learning periods and two demonstrations: the
    same 4 units, 12 Koodisto codes and 4 organisations repeated however big it is (units ≥ 6).
    """
    return {
        "id": 1,
        "eid": "00000000-0000-4000-8000-000000000001",
        "oppija-oid": "1.2.246.562.24.10000000008",
        "opiskeluoikeus-oid": "1.2.246.562.15.10000000009",
        "ensikertainen-hyvaksyminen": "2024-08-15",
        "osaamisen-hankkimisen-tarve": True,
        "urasuunnitelma-koodi-uri": URASUUNNITELMA,
        "urasuunnitelma-koodi-versio": 1,
        "hankittavat-ammat-tutkinnon-osat": [hato(i) for i in range(units)],
        "hankittavat-yhteiset-tutkinnon-osat": [hyto(i) for i in range(max(1, units // 5))],
        "hankittavat-paikalliset-tutkinnon-osat": [],
        "aiemmin-hankitut-ammat-tutkinnon-osat": [ahato(i) for i in range(max(3, units // 3))],
        "aiemmin-hankitut-yhteiset-tutkinnon-osat": [],
        "aiemmin-hankitut-paikalliset-tutkinnon-osat": [],
        "hankittavat-koulutuksen-osat": [],
        "opiskeluvalmiuksia-tukevat-opinnot": [],
        "oppimisen-tuki": [
            {
                "module-id": _module_id("9999", 1),
                "oppimisen-tuen-tyyppi-koodi-uri": TUKIOPETUS,
                "alku": "2024-09-01",
                "loppu": "2024-12-20",
                "tutkinnon-osan-tyyppi-koodi-uri": AMMAT_RYHMA,
            }
        ],
    }


def tuva_hoks() -> dict[str, Any]:
    return {
        "id": 2,
        "opiskeluoikeus-oid": "1.2.246.562.15.10000000010",
        "ensikertainen-hyvaksyminen": "2024-08-15",
        "hankittavat-koulutuksen-osat": [
            {
                "module-id": _module_id("7777", i),
                "koulutuksen-osa-koodi-uri": code,
                "koulutuksen-osa-koodi-versio": 1,
                "alku": "2024-09-01",
                "loppu": "2024-12-20",
                "laajuus": 4,
            }
            for i, code in enumerate((*TUVA_OSAT, TUVA_OSAT[0]))
        ],
    }


def full_hoks() -> dict[str, Any]:
    """Every code and organisation OID field of the data model, at least once."""
    document = big_hoks(6)
    document["hankittavat-paikalliset-tutkinnon-osat"] = [
        {
            "module-id": _module_id("1111", 1),
            "nimi": "Paikallinen osa",
            "koulutuksen-jarjestaja-oid": KJ_1,
            "osaamisen-hankkimistavat": [learning_period(5000)],
            "osaamisen-osoittaminen": [demonstration(5000)],
        }
    ]
    document["aiemmin-hankitut-paikalliset-tutkinnon-osat"] = [
        {
            "module-id": _module_id("2222", 1),
            "nimi": "Aiempi paikallinen osa",
            "koulutuksen-jarjestaja-oid": KJ_1,
            "valittu-todentamisen-prosessi-koodi-uri": PROSESSIT[0],
            "tarkentavat-tiedot-naytto": [demonstration(5001)],
        }
    ]
    document["aiemmin-hankitut-yhteiset-tutkinnon-osat"] = [
        {
            "module-id": _module_id("3333", 1),
            "tutkinnon-osa-koodi-uri": YTO_UNIT,
            "koulutuksen-jarjestaja-oid": KJ_1,
            "valittu-todentamisen-prosessi-koodi-uri": PROSESSIT[1],
            "osa-alueet": [
                {
                    "module-id": _module_id("4444", 1),
                    "osa-alue-koodi-uri": YTO_OSA_ALUEET[0],
                    "koulutuksen-jarjestaja-oid": KJ_2,
                    "valittu-todentamisen-prosessi-koodi-uri": PROSESSIT[2],
                    "tarkentavat-tiedot-naytto": [demonstration(5002)],
                }
            ],
        }
    ]
    document["hankittavat-koulutuksen-osat"] = tuva_hoks()["hankittavat-koulutuksen-osat"]
    return document
