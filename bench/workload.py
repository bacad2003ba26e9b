"""Synthetic data for the benchmarks: a registry directory (Koski, ONR, Organisaatio) with one
learner and one study right per HOKS, and realistic HOKS create bodies.

The bodies have the shape and size of a real HOKS sent by a student information system: a few
vocational units with school and workplace periods and demonstrations, common units with many
sub-areas, and one local unit (about 14 KB of compact JSON each). Everything is deterministic
for a given seed.
"""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from ehoks.demo.oids import (
    OPH_ROOT_OID,
    opiskeluoikeus_oid,
    oppija_oid,
    organisaatio_oid,
    y_tunnus,
)

STUDY_START = date(2024, 8, 1)
STUDY_END = date(2027, 6, 30)

KOULUTUSTOIMIJA = organisaatio_oid("bench-koulutustoimija")
OPPILAITOS = organisaatio_oid("bench-oppilaitos")
TOIMIPISTE = organisaatio_oid("bench-toimipiste")

_FIRST = ("Aino", "Eetu", "Sofia", "Leevi", "Helmi", "Onni", "Ella", "Väinö", "Linnea", "Niilo")
_LAST = ("Virtanen", "Korhonen", "Mäkinen", "Nieminen", "Mäkelä", "Hämäläinen", "Laine")
_WORKPLACES = (
    "Hoivakoti Kotikallio Oy",
    "Päiväkoti Tähtisilmä Oy",
    "Järviseudun hyvinvointialue",
    "Rakennusliike Kivijalka Oy",
    "Kauppakeskus Ranta Ky",
    "Metsälän konepaja Oy",
)
_TASKS = (
    "Asiakkaiden avustaminen päivittäisissä toiminnoissa",
    "Ulkoilun ja viriketoiminnan toteuttaminen",
    "Hoitotyön kirjaaminen asiakastietojärjestelmään",
    "Lääkehoidon toteuttaminen ohjatusti",
    "Työturvallisuusohjeiden noudattaminen",
)
_YTO_OSA_ALUEET = (
    ("tutkinnonosat_106727", ("vvai", "vvai7", "vvtk", "vvvk", "vvtd", "vvtl")),
    ("tutkinnonosat_106728", ("mlma", "mlfk")),
    ("tutkinnonosat_106729", ("ytyk", "yttt", "ytkr", "ytoy", "ytls")),
)


# Registry


def _organisaatio(oid: str, nimi: str, parents: list[str], tyyppi: str) -> dict[str, Any]:
    return {
        "oid": oid,
        "nimi": {"fi": nimi, "sv": nimi, "en": nimi},
        "parentOid": parents[-1] if parents else None,
        "parentOidPath": "|" + "|".join(parents) + "|" if parents else "",
        "tyypit": [tyyppi],
        "status": "AKTIIVINEN",
    }


def organisaatiot() -> list[dict[str, Any]]:
    return [
        _organisaatio(OPH_ROOT_OID, "Opetushallitus", [], "organisaatiotyyppi_05"),
        _organisaatio(
            KOULUTUSTOIMIJA, "Benchmark-kuntayhtymä", [OPH_ROOT_OID], "organisaatiotyyppi_01"
        ),
        _organisaatio(
            OPPILAITOS,
            "Benchmark-opisto",
            [OPH_ROOT_OID, KOULUTUSTOIMIJA],
            "organisaatiotyyppi_02",
        ),
        _organisaatio(
            TOIMIPISTE,
            "Benchmark-opisto, kampus",
            [OPH_ROOT_OID, KOULUTUSTOIMIJA, OPPILAITOS],
            "organisaatiotyyppi_03",
        ),
    ]


def learner(index: int) -> tuple[str, str]:
    """(oppija OID, opiskeluoikeus OID) of learner ``index``."""
    return oppija_oid(f"bench-{index}"), opiskeluoikeus_oid(f"bench-{index}")


def koski_oppija(index: int) -> dict[str, Any]:
    oppija, oo = learner(index)
    return {
        "henkilö": {
            "oid": oppija,
            "etunimet": _FIRST[index % len(_FIRST)],
            "kutsumanimi": _FIRST[index % len(_FIRST)],
            "sukunimi": _LAST[index % len(_LAST)],
        },
        "opiskeluoikeudet": [
            {
                "oid": oo,
                "versionumero": 1,
                "oppilaitos": {"oid": OPPILAITOS, "nimi": {"fi": "Benchmark-opisto"}},
                "koulutustoimija": {"oid": KOULUTUSTOIMIJA, "nimi": {"fi": "Benchmark"}},
                "tyyppi": {
                    "koodiarvo": "ammatillinenkoulutus",
                    "koodistoUri": "opiskeluoikeudentyyppi",
                },
                "alkamispäivä": STUDY_START.isoformat(),
                "arvioituPäättymispäivä": STUDY_END.isoformat(),
                "tila": {
                    "opiskeluoikeusjaksot": [
                        {
                            "alku": STUDY_START.isoformat(),
                            "tila": {
                                "koodiarvo": "lasna",
                                "koodistoUri": "koskiopiskeluoikeudentila",
                            },
                        }
                    ]
                },
                "suoritukset": [
                    {
                        "tyyppi": {
                            "koodiarvo": "ammatillinentutkinto",
                            "koodistoUri": "suorituksentyyppi",
                        },
                        "koulutusmoduuli": {
                            "tunniste": {
                                "koodiarvo": "371101",
                                "nimi": {"fi": "Sosiaali- ja terveysalan perustutkinto"},
                                "koodistoUri": "koulutus",
                            }
                        },
                        "toimipiste": {"oid": TOIMIPISTE},
                    }
                ],
            }
        ],
    }


def onr_henkilo(index: int) -> dict[str, Any]:
    oppija, _ = learner(index)
    return {
        "oidHenkilo": oppija,
        "etunimet": _FIRST[index % len(_FIRST)],
        "kutsumanimi": _FIRST[index % len(_FIRST)],
        "sukunimi": _LAST[index % len(_LAST)],
        "duplicate": False,
    }


def write_registry(root: Path, learners: int) -> Path:
    """Write the registry directory for ``ehoks registry import`` with ``learners`` learners."""
    for name in ("koski", "onr", "organisaatio"):
        (root / name).mkdir(parents=True, exist_ok=True)
    files = {
        "organisaatio/organisaatiot.json": organisaatiot(),
        "koski/oppijat.json": [koski_oppija(i) for i in range(learners)],
        "onr/henkilot.json": [onr_henkilo(i) for i in range(learners)],
    }
    for name, content in files.items():
        (root / name).write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")
    return root


# HOKS bodies


def _d(day: date) -> str:
    return day.isoformat()


def _koulutus(rng: random.Random, alku: date, loppu: date, tunniste: str) -> dict[str, Any]:
    return {
        "alku": _d(alku),
        "loppu": _d(loppu),
        "yksiloiva-tunniste": tunniste,
        "osaamisen-hankkimistapa-koodi-uri": "osaamisenhankkimistapa_oppilaitosmuotoinenkoulutus",
        "osaamisen-hankkimistapa-koodi-versio": 1,
        "muut-oppimisymparistot": [
            {
                "oppimisymparisto-koodi-uri": f"oppimisymparistot_000{rng.randint(1, 4)}",
                "oppimisymparisto-koodi-versio": 1,
                "alku": _d(alku),
                "loppu": _d(loppu),
            }
        ],
        "keskeytymisajanjaksot": [],
    }


def _tyopaikkajakso(
    rng: random.Random, alku: date, loppu: date, tunniste: str, workplace: str
) -> dict[str, Any]:
    ohjaaja = f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"
    return {
        "alku": _d(alku),
        "loppu": _d(loppu),
        "yksiloiva-tunniste": tunniste,
        "osaamisen-hankkimistapa-koodi-uri": "osaamisenhankkimistapa_koulutussopimus",
        "osaamisen-hankkimistapa-koodi-versio": 1,
        "osa-aikaisuustieto": rng.choice((60, 80, 100)),
        "tyopaikalla-jarjestettava-koulutus": {
            "tyopaikan-nimi": workplace,
            "tyopaikan-y-tunnus": y_tunnus(workplace),
            "vastuullinen-tyopaikka-ohjaaja": {
                "nimi": ohjaaja,
                "sahkoposti": f"{ohjaaja.split()[0].lower()}.ohjaaja@example.org",
                "puhelinnumero": f"040 {rng.randint(100, 999)} {rng.randint(1000, 9999)}",
            },
            "keskeiset-tyotehtavat": rng.sample(_TASKS, 2),
        },
        "muut-oppimisymparistot": [],
        "keskeytymisajanjaksot": [],
        "ajanjakson-tarkenne": "Työpaikalla järjestettävä koulutus, koulutussopimus",
    }


def _naytto(rng: random.Random, alku: date, workplace: str) -> dict[str, Any]:
    return {
        "nayttoymparisto": {
            "nimi": workplace,
            "kuvaus": "Työpaikan arjen tilanteet, asiakastyö ja kirjaaminen",
            "y-tunnus": y_tunnus(workplace),
        },
        "sisallon-kuvaus": [
            "Työtehtävät ammattitaitovaatimusten mukaisesti",
            rng.choice(_TASKS),
        ],
        "alku": _d(alku),
        "loppu": _d(alku + timedelta(days=4)),
        "koulutuksen-jarjestaja-osaamisen-arvioijat": [
            {
                "nimi": f"{rng.choice(_FIRST)} {rng.choice(_LAST)}",
                "organisaatio": {"oppilaitos-oid": OPPILAITOS},
            }
        ],
        "tyoelama-osaamisen-arvioijat": [
            {
                "nimi": f"{rng.choice(_FIRST)} {rng.choice(_LAST)}",
                "organisaatio": {"nimi": workplace, "y-tunnus": y_tunnus(workplace)},
            }
        ],
        "osa-alueet": [],
        "yksilolliset-kriteerit": [],
    }


def _hato(rng: random.Random, index: int, unit: int, start: date) -> dict[str, Any]:
    """A vocational unit: a school period, and for the first three a workplace period and a
    demonstration at the end of it."""
    koulu_loppu = start + timedelta(days=60)
    tavat = [_koulutus(rng, start, koulu_loppu, f"{index}-{unit}-k")]
    nayttot = []
    if unit < 3:
        workplace = rng.choice(_WORKPLACES)
        tp_alku = koulu_loppu + timedelta(days=3)
        tp_loppu = tp_alku + timedelta(days=45)
        tavat.append(_tyopaikkajakso(rng, tp_alku, tp_loppu, f"{index}-{unit}-t", workplace))
        nayttot.append(_naytto(rng, tp_loppu - timedelta(days=6), workplace))
    return {
        "tutkinnon-osa-koodi-uri": f"tutkinnonosat_1062{26 + unit}",
        "tutkinnon-osa-koodi-versio": 2,
        "koulutuksen-jarjestaja-oid": KOULUTUSTOIMIJA,
        "olennainen-seikka": False,
        "opetus-ja-ohjaus-maara": rng.choice((120, 240, 300, 360)),
        "tutkinnon-osan-perusteen-diaarinro": "OPH-629-2017",
        "osaamisen-hankkimistavat": tavat,
        "osaamisen-osoittaminen": nayttot,
    }


def _hyto(rng: random.Random, koodi: str, osa_alueet: tuple[str, ...]) -> dict[str, Any]:
    return {
        "tutkinnon-osa-koodi-uri": koodi,
        "tutkinnon-osa-koodi-versio": 2,
        "koulutuksen-jarjestaja-oid": KOULUTUSTOIMIJA,
        "osa-alueet": [
            {
                "osa-alue-koodi-uri": f"ammatillisenoppiaineet_{osa_alue}",
                "osa-alue-koodi-versio": 1,
                "olennainen-seikka": False,
                "opetus-ja-ohjaus-maara": rng.choice((12, 24, 36, 48)),
                "osaamisen-osoittaminen": [],
                "osaamisen-hankkimistavat": [],
            }
            for osa_alue in osa_alueet
            for _ in range(2)
        ],
    }


def hoks_body(index: int, seed: int = 0) -> dict[str, Any]:
    """The create body of learner ``index``'s HOKS."""
    rng = random.Random(seed * 1_000_003 + index)
    oppija, oo = learner(index)
    first, last = _FIRST[index % len(_FIRST)], _LAST[index % len(_LAST)]
    start = STUDY_START + timedelta(days=rng.randint(7, 30))
    units = []
    for unit in range(5):
        units.append(_hato(rng, index, unit, start + timedelta(days=unit * 120)))
    return {
        "oppija-oid": oppija,
        "opiskeluoikeus-oid": oo,
        "ensikertainen-hyvaksyminen": _d(start),
        "hyvaksytty": f"{_d(start)}T10:24:00.000Z",
        "paivitetty": f"{_d(start)}T10:24:00.000Z",
        "osaamisen-hankkimisen-tarve": True,
        "sahkoposti": f"{first.lower()}.{last.lower()}@edu.example.org",
        "puhelinnumero": f"045 {rng.randint(100, 999)} {rng.randint(1000, 9999)}",
        "urasuunnitelma-koodi-uri": "urasuunnitelma_0002",
        "urasuunnitelma-koodi-versio": 1,
        "hankittavat-ammat-tutkinnon-osat": units,
        "hankittavat-yhteiset-tutkinnon-osat": [
            _hyto(rng, koodi, osa_alueet) for koodi, osa_alueet in _YTO_OSA_ALUEET
        ],
        "hankittavat-paikalliset-tutkinnon-osat": [
            {
                "nimi": "Ammattialan työtehtävissä toimiminen",
                "tavoitteet-ja-sisallot": "Opiskelija toimii alan työtehtävissä ohjeiden mukaan.",
                "laajuus": 5,
                "koulutuksen-jarjestaja-oid": KOULUTUSTOIMIJA,
                "olennainen-seikka": False,
                "osaamisen-osoittaminen": [],
                "osaamisen-hankkimistavat": [],
            }
        ],
        "aiemmin-hankitut-ammat-tutkinnon-osat": [],
        "aiemmin-hankitut-yhteiset-tutkinnon-osat": [],
        "aiemmin-hankitut-paikalliset-tutkinnon-osat": [],
        "opiskeluvalmiuksia-tukevat-opinnot": [],
    }


def serialized_bodies(count: int, seed: int = 0) -> list[bytes]:
    """``count`` bodies as compact UTF-8 JSON (no newlines, so they can be stored one a line)."""
    return [
        json.dumps(hoks_body(i, seed), ensure_ascii=False, separators=(",", ":")).encode()
        for i in range(count)
    ]
