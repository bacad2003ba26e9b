"""The registry side of a synthetic population: an organisation tree (OPH → education providers
→ institutions → units), learners as ONR and Koski know them, and their study rights.

Every identifier comes from ``oids.py`` (valid check digits) and every choice from a
``random.Random`` seeded from the seed and the record's own index, so a population is the same
whenever it is generated from the same seed, and learner *i* does not depend on how many others
are generated.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import product
from typing import Any

from ehoks.demo import names
from ehoks.demo.catalogue import Tutkinto
from ehoks.demo.oids import (
    OPH_ROOT_OID,
    hetu,
    opiskeluoikeus_oid,
    oppija_oid,
    organisaatio_oid,
    y_tunnus,
)

STUDENTS_PER_PROVIDER = 400


@dataclass(frozen=True)
class Organisaatio:
    oid: str
    nimi: dict[str, str]
    parent: Organisaatio | None = None
    y_tunnus: str | None = None
    numero: str | None = None

    @property
    def path(self) -> tuple[str, ...]:
        """Every OID above this one, root first."""
        return (*self.parent.path, self.parent.oid) if self.parent else (OPH_ROOT_OID,)


@dataclass(frozen=True)
class Oppilaitos:
    organisaatio: Organisaatio
    toimipisteet: tuple[Organisaatio, ...]

    @property
    def koulutustoimija(self) -> Organisaatio:
        assert self.organisaatio.parent is not None
        return self.organisaatio.parent


@dataclass(frozen=True)
class Opiskelija:
    oid: str
    etunimet: str
    kutsumanimi: str
    sukunimi: str
    syntymaaika: date
    hetu: str
    aidinkieli: str
    sahkoposti: str
    puhelinnumero: str


@dataclass(frozen=True)
class Opiskeluoikeus:
    oid: str
    tutkinto: Tutkinto
    tuva: bool
    tila: str
    """``lasna`` or ``valmistunut``."""
    oppilaitos: Oppilaitos
    toimipiste: Organisaatio
    alku: date
    arvioitu_loppu: date
    loppu: date | None = None
    sisaltyy: Opiskeluoikeus | None = None


def _nimi(fi: str, sv: str, en: str) -> dict[str, str]:
    return {"fi": fi, "sv": sv, "en": en}


def organisation_tree(seed: str, students: int) -> list[Oppilaitos]:
    """Providers enough for ``students`` (one per 400, at least two), each with one to three
    institutions of two to four units."""
    rng = random.Random(f"{seed}:organisaatiot")
    places = [a + b for a, b in product(names.PAIKAT_ALKU, names.PAIKAT_LOPPU)]
    rng.shuffle(places)
    providers = max(2, -(-students // STUDENTS_PER_PROVIDER))
    oppilaitokset: list[Oppilaitos] = []
    for index in range(providers):
        place = places[index % len(places)]
        if index >= len(places):
            place = f"{place} {index // len(places) + 1}"
        key = f"{seed}:kt:{index}"
        koulutustoimija = Organisaatio(
            oid=organisaatio_oid(key),
            nimi=_nimi(
                f"Koulutuskuntayhtymä {place}",
                f"Samkommunen för utbildning {place}",
                f"{place} Joint Authority for Education",
            ),
            y_tunnus=y_tunnus(key),
        )
        for number in range(rng.randint(1, 3)):
            suffix = "" if number == 0 else f" {number + 1}"
            institution = Organisaatio(
                oid=organisaatio_oid(f"{key}:ol:{number}"),
                nimi=_nimi(
                    f"Ammattiopisto {place}{suffix}",
                    f"Yrkesinstitutet {place}{suffix}",
                    f"{place}{suffix} Vocational College",
                ),
                parent=koulutustoimija,
                numero=str(20000 + len(oppilaitokset)),
            )
            streets = rng.sample(names.KADUT, rng.randint(2, 4))
            toimipisteet = tuple(
                Organisaatio(
                    oid=organisaatio_oid(f"{key}:ol:{number}:tp:{street}"),
                    nimi=_nimi(
                        f"{institution.nimi['fi']}, toimipiste {street}",
                        f"{institution.nimi['sv']}, verksamhetsstället {street}",
                        f"{institution.nimi['en']}, {street} Unit",
                    ),
                    parent=institution,
                )
                for street in streets
            )
            oppilaitokset.append(Oppilaitos(institution, toimipisteet))
    return oppilaitokset


def organisaatio_documents(oppilaitokset: list[Oppilaitos]) -> list[dict[str, Any]]:
    """The tree as ``GET /organisaatio-service/api/{oid}`` answers, root first."""
    root = {
        "oid": OPH_ROOT_OID,
        "nimi": _nimi(
            "Opetushallitus", "Utbildningsstyrelsen", "Finnish National Agency for Education"
        ),
        "parentOidPath": "",
        "tyypit": [],
        "status": "AKTIIVINEN",
    }
    documents: dict[str, dict[str, Any]] = {OPH_ROOT_OID: root}
    for oppilaitos in oppilaitokset:
        units = (oppilaitos.koulutustoimija, oppilaitos.organisaatio, *oppilaitos.toimipisteet)
        for tyyppi, organisaatio in zip(("01", "02", "03", "03", "03", "03"), units, strict=False):
            document: dict[str, Any] = {
                "oid": organisaatio.oid,
                "nimi": organisaatio.nimi,
                "parentOid": organisaatio.path[-1],
                "parentOidPath": "|" + "|".join(organisaatio.path) + "|",
                "tyypit": [f"organisaatiotyyppi_{tyyppi}"],
                "status": "AKTIIVINEN",
            }
            if organisaatio.y_tunnus:
                document["ytunnus"] = organisaatio.y_tunnus
            if organisaatio.numero:
                document["oppilaitosKoodi"] = organisaatio.numero
            documents[organisaatio.oid] = document
    return list(documents.values())


def opiskelija(seed: str, index: int, rng: random.Random) -> Opiskelija:
    nainen = rng.random() < 0.5
    etunimet = rng.sample(names.ETUNIMET_NAISET if nainen else names.ETUNIMET_MIEHET, 2)
    sukunimi = rng.choice(names.SUKUNIMET)
    syntymaaika = date(1995, 1, 1) + timedelta(days=rng.randrange(15 * 365))
    return Opiskelija(
        oid=oppija_oid(f"{seed}:oppija:{index}"),
        etunimet=" ".join(etunimet),
        kutsumanimi=etunimet[0],
        sukunimi=sukunimi,
        syntymaaika=syntymaaika,
        hetu=hetu(syntymaaika.isoformat(), f"{seed}:oppija:{index}"),
        aidinkieli="sv" if rng.random() < 0.06 else "fi",
        sahkoposti=(
            f"{names.ascii_name(etunimet[0])}.{names.ascii_name(sukunimi)}.{index}@example.org"
        ),
        puhelinnumero=f"04{rng.randint(0, 9)} {rng.randint(100, 999)} {rng.randint(1000, 9999)}",
    )


def plus_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def opiskeluoikeudet(
    key: str,
    rng: random.Random,
    tutkinnot: tuple[Tutkinto, ...],
    tuva: Tutkinto,
    oppilaitokset: list[Oppilaitos],
    today: date,
) -> list[Opiskeluoikeus]:
    """A learner's study rights: mostly one present vocational one; some completed
    (``valmistunut``), a few TUVA, and a few with procured training at another provider's
    institution included in it (``sisältyyOpiskeluoikeuteen``)."""
    oppilaitos = rng.choice(oppilaitokset)
    toimipiste = rng.choice(oppilaitos.toimipisteet)
    kind = rng.random()
    if kind < 0.04:
        alku = today - timedelta(days=rng.randint(20, 250))
        loppu = alku + timedelta(days=rng.randint(300, 400))
        return [
            Opiskeluoikeus(
                opiskeluoikeus_oid(key), tuva, True, "lasna", oppilaitos, toimipiste, alku, loppu
            )
        ]
    tutkinto = rng.choice(tutkinnot)
    years = 3 if tutkinto.koulutustyyppi == "1" else 2
    if kind < 0.12:
        alku = today - timedelta(days=rng.randint(3 * 365 + 30, 5 * 365))
        # Completed before the estimated end, and well before today.
        valmistunut = alku + timedelta(days=rng.randint(years * 365 - 200, years * 365 - 30))
        return [
            Opiskeluoikeus(
                opiskeluoikeus_oid(key),
                tutkinto,
                False,
                "valmistunut",
                oppilaitos,
                toimipiste,
                alku,
                plus_years(alku, years),
                loppu=valmistunut,
            )
        ]
    alku = today - timedelta(days=rng.randint(14, 2 * 365))
    main = Opiskeluoikeus(
        opiskeluoikeus_oid(key),
        tutkinto,
        False,
        "lasna",
        oppilaitos,
        toimipiste,
        alku,
        plus_years(alku, years),
    )
    others = [o for o in oppilaitokset if o.koulutustoimija.oid != oppilaitos.koulutustoimija.oid]
    if rng.random() >= 0.03 or not others:
        return [main]
    muu = rng.choice(others)
    hankinta = Opiskeluoikeus(
        opiskeluoikeus_oid(f"{key}:hankintakoulutus"),
        tutkinto,
        False,
        "lasna",
        muu,
        rng.choice(muu.toimipisteet),
        alku + timedelta(days=rng.randint(30, 200)),
        main.arvioitu_loppu,
        sisaltyy=main,
    )
    return [main, hankinta]
