"""HOKS documents for a synthetic population, in the service API's POST wire format.

Each plan keeps the rules the service enforces on its study right (reference 4.2–4.4): learning
periods inside the study right's dates, workplace periods with their identifier, part-time
figure and business ID, an apprenticeship with its basis, TUVA parts only on a TUVA study right,
and achievement dates in the past. The tests validate every generated plan.
"""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from ehoks.demo import names
from ehoks.demo.catalogue import Yksikko
from ehoks.demo.oids import y_tunnus
from ehoks.demo.population import Opiskelija, Opiskeluoikeus

KOULUTUSSOPIMUS = "osaamisenhankkimistapa_koulutussopimus"
OPPISOPIMUS = "osaamisenhankkimistapa_oppisopimus"
OPPILAITOS = "osaamisenhankkimistapa_oppilaitosmuotoinenkoulutus"
TUKEVAT_OPINNOT = (
    ("Opiskelutaitojen vahvistaminen", "Ajanhallinta, muistiinpanot ja verkko-oppimisympäristö."),
    ("Suomen kielen tukiopinnot", "Alan sanaston ja työelämän viestinnän harjoittelu."),
    ("Matematiikan tukiopinnot", "Peruslaskutoimitusten ja prosenttilaskennan kertaus."),
)


# Workplaces recur across learners; their business IDs are worth computing once.
_tyopaikan_y_tunnus = functools.cache(y_tunnus)


@dataclass(frozen=True)
class _Jakso:
    alku: date
    loppu: date


def _iso(day: date) -> str:
    return day.isoformat()


def _henkilo(rng: random.Random) -> tuple[str, str]:
    etunimi = rng.choice(rng.choice((names.ETUNIMET_NAISET, names.ETUNIMET_MIEHET)))
    sukunimi = rng.choice(names.SUKUNIMET)
    return f"{etunimi} {sukunimi}", f"{names.ascii_name(etunimi)}.{names.ascii_name(sukunimi)}"


class _Plan:
    """Builds one HOKS; ``rng`` is the learner's own, so the plan follows from the seed."""

    def __init__(
        self,
        rng: random.Random,
        opiskelija: Opiskelija,
        oo: Opiskeluoikeus,
        koodit: dict[str, tuple[str, ...]],
    ) -> None:
        self.rng = rng
        self.opiskelija = opiskelija
        self.oo = oo
        self.koodit = koodit
        self.jarjestaja = oo.oppilaitos.koulutustoimija.oid
        self.oppilaitos = oo.oppilaitos.organisaatio.oid
        self.tunnisteet = 0
        self.opettaja = _henkilo(rng)[0]

    def _tunniste(self) -> str:
        self.tunnisteet += 1
        return f"tpj-{self.oo.oid.rsplit('.', 1)[1]}-{self.tunnisteet}"

    def _split(self, jakso: _Jakso, parts: int) -> list[_Jakso]:
        days = max((jakso.loppu - jakso.alku).days // parts, 1)
        return [
            _Jakso(
                jakso.alku + timedelta(days=index * days),
                jakso.loppu
                if index == parts - 1
                else jakso.alku + timedelta(days=(index + 1) * days - 1),
            )
            for index in range(parts)
        ]

    def oppilaitosjakso(self, jakso: _Jakso) -> dict[str, Any]:
        return {
            "alku": _iso(jakso.alku),
            "loppu": _iso(jakso.loppu),
            "yksiloiva-tunniste": self._tunniste(),
            "osaamisen-hankkimistapa-koodi-uri": OPPILAITOS,
            "osaamisen-hankkimistapa-koodi-versio": 1,
            "muut-oppimisymparistot": [
                {
                    "oppimisymparisto-koodi-uri": self.rng.choice(self.koodit["oppimisymparistot"]),
                    "oppimisymparisto-koodi-versio": 1,
                    "alku": _iso(jakso.alku),
                    "loppu": _iso(jakso.loppu),
                }
            ],
        }

    def tyopaikkajakso(
        self, jakso: _Jakso, yksikko: Yksikko
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """A workplace period and the skills demonstration that ends it."""
        rng = self.rng
        kind = rng.choice(names.TYOPAIKAT.get(self.oo.tutkinto.koulutus.koodiarvo, ("Palvelu",)))
        tyopaikka = f"{kind} {rng.choice(names.SUKUNIMET)} Oy"
        tunnus = _tyopaikan_y_tunnus(f"tyopaikka:{tyopaikka}")
        ohjaaja, osoite = _henkilo(rng)
        tehtavat = [t[0].upper() + t[1:] for t in yksikko.vaatimukset[:2]] or [kind]
        tapa = OPPISOPIMUS if rng.random() < 0.15 else KOULUTUSSOPIMUS
        oht: dict[str, Any] = {
            "alku": _iso(jakso.alku),
            "loppu": _iso(jakso.loppu),
            "yksiloiva-tunniste": self._tunniste(),
            "osaamisen-hankkimistapa-koodi-uri": tapa,
            "osaamisen-hankkimistapa-koodi-versio": 1,
            "osa-aikaisuustieto": rng.choice((60, 80, 100, 100)),
            "tyopaikalla-jarjestettava-koulutus": {
                "tyopaikan-nimi": tyopaikka,
                "tyopaikan-y-tunnus": tunnus,
                "vastuullinen-tyopaikka-ohjaaja": {
                    "nimi": ohjaaja,
                    "sahkoposti": f"{osoite}@{names.ascii_name(kind)}.example",
                },
                "keskeiset-tyotehtavat": tehtavat,
            },
        }
        if tapa == OPPISOPIMUS:
            oht["oppisopimuksen-perusta-koodi-uri"] = self.koodit["oppisopimuksenperusta"][0]
            oht["oppisopimuksen-perusta-koodi-versio"] = 1
        naytto = {
            "nayttoymparisto": {"nimi": tyopaikka, "kuvaus": kind, "y-tunnus": tunnus},
            "sisallon-kuvaus": tehtavat[:1],
            "alku": _iso(max(jakso.alku, jakso.loppu - timedelta(days=4))),
            "loppu": _iso(jakso.loppu),
            "koulutuksen-jarjestaja-osaamisen-arvioijat": [
                {"nimi": self.opettaja, "organisaatio": {"oppilaitos-oid": self.oppilaitos}}
            ],
            "tyoelama-osaamisen-arvioijat": [
                {"nimi": ohjaaja, "organisaatio": {"nimi": tyopaikka, "y-tunnus": tunnus}}
            ],
            "jarjestaja": {"oppilaitos-oid": self.oppilaitos},
        }
        return oht, naytto

    def hankittava(self, yksikko: Yksikko, jakso: _Jakso) -> dict[str, Any]:
        hankkimistavat: list[dict[str, Any]] = []
        osoittaminen: list[dict[str, Any]] = []
        tyopaikalla = jakso
        if (jakso.loppu - jakso.alku).days >= 60 and self.rng.random() < 0.6:
            koulussa, tyopaikalla = self._split(jakso, 2)
            hankkimistavat.append(self.oppilaitosjakso(koulussa))
        oht, naytto = self.tyopaikkajakso(tyopaikalla, yksikko)
        hankkimistavat.append(oht)
        osoittaminen.append(naytto)
        return {
            "tutkinnon-osa-koodi-uri": yksikko.koodi_uri,
            "tutkinnon-osa-koodi-versio": 1,
            "koulutuksen-jarjestaja-oid": self.jarjestaja,
            "olennainen-seikka": False,
            "osaamisen-hankkimistavat": hankkimistavat,
            "osaamisen-osoittaminen": osoittaminen,
            "opetus-ja-ohjaus-maara": self.rng.randrange(20, 160, 10),
            "tutkinnon-osan-perusteen-diaarinro": self.oo.tutkinto.diaarinumero,
        }

    def aiemmin_hankittu(self, yksikko: Yksikko) -> dict[str, Any]:
        return {
            "tutkinnon-osa-koodi-uri": yksikko.koodi_uri,
            "tutkinnon-osa-koodi-versio": 1,
            "koulutuksen-jarjestaja-oid": self.jarjestaja,
            "olennainen-seikka": False,
            "valittu-todentamisen-prosessi-koodi-uri": self.koodit["osaamisentodentamisenprosessi"][
                0
            ],
            "valittu-todentamisen-prosessi-koodi-versio": 1,
            "tutkinnon-osan-perusteen-diaarinro": self.oo.tutkinto.diaarinumero,
        }

    def yhteinen(self, yksikko: Yksikko, jakso: _Jakso) -> dict[str, Any]:
        alueet = self.rng.sample(yksikko.osa_alueet, min(len(yksikko.osa_alueet), 2))
        return {
            "tutkinnon-osa-koodi-uri": yksikko.koodi_uri,
            "tutkinnon-osa-koodi-versio": 1,
            "koulutuksen-jarjestaja-oid": self.jarjestaja,
            "osa-alueet": [
                {
                    "osa-alue-koodi-uri": alue,
                    "osa-alue-koodi-versio": 1,
                    "koulutuksen-jarjestaja-oid": self.jarjestaja,
                    "olennainen-seikka": False,
                    "opetus-ja-ohjaus-maara": self.rng.randrange(12, 60, 6),
                    "osaamisen-hankkimistavat": [self.oppilaitosjakso(jakso)],
                    "osaamisen-osoittaminen": [],
                }
                for alue in alueet
            ],
        }

    def ammatillinen(self, document: dict[str, Any], jakso: _Jakso) -> None:
        rng = self.rng
        units = list(self.oo.tutkinto.ammatilliset)
        rng.shuffle(units)
        hankittavat = units[: rng.randint(2, min(3, len(units)))]
        jaksot = self._split(jakso, len(hankittavat))
        document["hankittavat-ammat-tutkinnon-osat"] = [
            self.hankittava(yksikko, osan_jakso)
            for yksikko, osan_jakso in zip(hankittavat, jaksot, strict=True)
        ]
        spare = units[len(hankittavat) :]
        if spare and rng.random() < 0.3:
            document["aiemmin-hankitut-ammat-tutkinnon-osat"] = [self.aiemmin_hankittu(spare[0])]
        if self.oo.tutkinto.yhteiset:
            first_year = _Jakso(jakso.alku, min(jakso.loppu, jakso.alku + timedelta(days=240)))
            yhteiset = rng.sample(self.oo.tutkinto.yhteiset, rng.randint(1, 2))
            document["hankittavat-yhteiset-tutkinnon-osat"] = [
                self.yhteinen(yksikko, first_year) for yksikko in yhteiset
            ]
        if rng.random() < 0.1:
            nimi, kuvaus = rng.choice(TUKEVAT_OPINNOT)
            loppu = min(jakso.loppu, jakso.alku + timedelta(days=60))
            document["opiskeluvalmiuksia-tukevat-opinnot"] = [
                {"nimi": nimi, "kuvaus": kuvaus, "alku": _iso(jakso.alku), "loppu": _iso(loppu)}
            ]
        if rng.random() < 0.1:
            document["oppimisen-tuki"] = [self.oppimisen_tuki(jakso)]

    def oppimisen_tuki(self, jakso: _Jakso) -> dict[str, Any]:
        tyyppi = self.rng.choice(self.koodit["ammatillinenkoulutusoppimisentuentyyppi"])
        tuki: dict[str, Any] = {"oppimisen-tuen-tyyppi-koodi-uri": tyyppi}
        if tyyppi.endswith("_01"):  # remedial teaching has its dates and the kind of unit
            tuki["alku"] = _iso(jakso.alku)
            tuki["loppu"] = _iso(min(jakso.loppu, jakso.alku + timedelta(days=120)))
            tuki["tutkinnon-osan-tyyppi-koodi-uri"] = self.rng.choice(
                self.koodit["ammatillisentutkinnonosanryhma"]
            )
        return tuki

    def tuva(self, document: dict[str, Any], jakso: _Jakso) -> None:
        osat = list(self.oo.tutkinto.koulutuksen_osat)
        valitut = [osat[0], *self.rng.sample(osat[1:], self.rng.randint(2, 4))]
        document["hankittavat-koulutuksen-osat"] = [
            {
                "koulutuksen-osa-koodi-uri": uri,
                "koulutuksen-osa-koodi-versio": 1,
                "alku": _iso(jakso.alku),
                "loppu": _iso(jakso.loppu),
                "laajuus": self.rng.randint(minimi, maksimi),
            }
            for uri, minimi, maksimi in valitut
        ]


def hoks_document(
    rng: random.Random,
    opiskelija: Opiskelija,
    oo: Opiskeluoikeus,
    koodit: dict[str, tuple[str, ...]],
    today: date,
) -> dict[str, Any]:
    """The plan of one study right that can have one (never one included in another)."""
    plan = _Plan(rng, opiskelija, oo, koodit)
    hyvaksytty = min(oo.alku + timedelta(days=rng.randint(5, 40)), today)
    paivitetty = hyvaksytty + timedelta(days=rng.randint(0, max((today - hyvaksytty).days, 0)))
    document: dict[str, Any] = {
        "oppija-oid": opiskelija.oid,
        "opiskeluoikeus-oid": oo.oid,
        "ensikertainen-hyvaksyminen": _iso(hyvaksytty),
        "hyvaksytty": f"{_iso(hyvaksytty)}T10:00:00.000Z",
        "paivitetty": f"{_iso(paivitetty)}T12:00:00.000Z",
        "versio": 1,
        "osaamisen-hankkimisen-tarve": True,
        "sahkoposti": opiskelija.sahkoposti,
        "puhelinnumero": opiskelija.puhelinnumero,
        "urasuunnitelma-koodi-uri": rng.choice(koodit["urasuunnitelma"]),
        "urasuunnitelma-koodi-versio": 1,
    }
    jakso = _Jakso(oo.alku, oo.loppu or oo.arvioitu_loppu)
    if oo.tuva:
        plan.tuva(document, jakso)
    else:
        plan.ammatillinen(document, jakso)
    if oo.loppu is not None:
        document["osaamisen-saavuttamisen-pvm"] = _iso(oo.loppu)
    return document
