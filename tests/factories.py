"""Builders for the project's own test data: registry documents in the real services' shapes
and HOKS bodies in the eHOKS wire format. Keyword-only, with sensible defaults."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ehoks.demo.oids import opiskeluoikeus_oid, oppija_oid, organisaatio_oid, y_tunnus

OPH = "1.2.246.562.10.00000000001"


def organisaatio(oid: str, nimi: str, parents: list[str], tyyppi: str) -> dict[str, Any]:
    return {
        "oid": oid,
        "nimi": {"fi": nimi, "sv": nimi, "en": nimi},
        "parentOid": parents[-1] if parents else None,
        "parentOidPath": "|" + "|".join(parents) + "|" if parents else "",
        "tyypit": [tyyppi],
        "status": "AKTIIVINEN",
    }


def koski_opiskeluoikeus(
    *,
    oid: str,
    oppilaitos: str,
    koulutustoimija: str,
    tyyppi: str = "ammatillinenkoulutus",
    tila: str = "lasna",
    alkamispaiva: str = "2024-08-01",
    arvioitu_paattymispaiva: str | None = "2027-06-30",
    suoritustyyppi: str = "ammatillinentutkinto",
    sisaltyy: dict[str, Any] | None = None,
) -> dict[str, Any]:
    document: dict[str, Any] = {
        "oid": oid,
        "versionumero": 1,
        "oppilaitos": {"oid": oppilaitos, "nimi": {"fi": "Oppilaitos"}},
        "koulutustoimija": {"oid": koulutustoimija, "nimi": {"fi": "Koulutustoimija"}},
        "tyyppi": {"koodiarvo": tyyppi, "koodistoUri": "opiskeluoikeudentyyppi"},
        "alkamispäivä": alkamispaiva,
        "tila": {
            "opiskeluoikeusjaksot": [
                {
                    "alku": alkamispaiva,
                    "tila": {"koodiarvo": tila, "koodistoUri": "koskiopiskeluoikeudentila"},
                }
            ]
        },
        "suoritukset": [
            {
                "tyyppi": {"koodiarvo": suoritustyyppi, "koodistoUri": "suorituksentyyppi"},
                "koulutusmoduuli": {
                    "tunniste": {
                        "koodiarvo": "351407",
                        "nimi": {"fi": "Sähkö- ja automaatioalan perustutkinto"},
                        "koodistoUri": "koulutus",
                    }
                },
            }
        ],
    }
    if arvioitu_paattymispaiva:
        document["arvioituPäättymispäivä"] = arvioitu_paattymispaiva
    if sisaltyy:
        document["sisältyyOpiskeluoikeuteen"] = sisaltyy
    return document


@dataclass
class World:
    """A small registry world: OPH → two providers → three institutions, and learners."""

    koulutustoimija_1: str = field(default_factory=lambda: organisaatio_oid("test-kt1"))
    koulutustoimija_2: str = field(default_factory=lambda: organisaatio_oid("test-kt2"))
    oppilaitos_1: str = field(default_factory=lambda: organisaatio_oid("test-ol1"))
    oppilaitos_2: str = field(default_factory=lambda: organisaatio_oid("test-ol2"))
    oppilaitos_3: str = field(default_factory=lambda: organisaatio_oid("test-ol3"))
    # A third provider with one institution, for rules between providers (§ 109 a ¶1).
    koulutustoimija_3: str = field(default_factory=lambda: organisaatio_oid("test-kt3"))
    oppilaitos_4: str = field(default_factory=lambda: organisaatio_oid("test-ol4"))
    oppijat: dict[str, dict[str, Any]] = field(default_factory=dict)
    # ONR duplicates: slave OID → master OID
    duplicates: dict[str, str] = field(default_factory=dict)
    # When bound, every change is imported into the local registry at once.
    on_change: Any = None

    def organisaatiot(self) -> list[dict[str, Any]]:
        return [
            organisaatio(OPH, "Opetushallitus", [], "organisaatiotyyppi_05"),
            organisaatio(
                self.koulutustoimija_1, "Testikuntayhtymä", [OPH], "organisaatiotyyppi_01"
            ),
            organisaatio(self.koulutustoimija_2, "Toinen Oy", [OPH], "organisaatiotyyppi_01"),
            organisaatio(
                self.oppilaitos_1,
                "Testiopisto",
                [OPH, self.koulutustoimija_1],
                "organisaatiotyyppi_02",
            ),
            organisaatio(
                self.oppilaitos_2,
                "Testiopisto 2",
                [OPH, self.koulutustoimija_1],
                "organisaatiotyyppi_02",
            ),
            organisaatio(
                self.oppilaitos_3,
                "Toinen opisto",
                [OPH, self.koulutustoimija_2],
                "organisaatiotyyppi_02",
            ),
            organisaatio(self.koulutustoimija_3, "Kolmas säätiö", [OPH], "organisaatiotyyppi_01"),
            organisaatio(
                self.oppilaitos_4,
                "Kolmas opisto",
                [OPH, self.koulutustoimija_3],
                "organisaatiotyyppi_02",
            ),
        ]

    def add_oppija(
        self,
        seed: str,
        *,
        opiskeluoikeudet: list[dict[str, Any]] | None = None,
        oppilaitos: str | None = None,
        oid: str | None = None,
        **oo: Any,
    ) -> tuple[str, str]:
        """A learner with one study right (or the ones given); returns (oppija, first OO)."""
        oid = oid or oppija_oid(seed)
        if opiskeluoikeudet is None:
            oppilaitos = oppilaitos or self.oppilaitos_1
            koulutustoimija = {
                self.oppilaitos_3: self.koulutustoimija_2,
                self.oppilaitos_4: self.koulutustoimija_3,
            }.get(oppilaitos, self.koulutustoimija_1)
            opiskeluoikeudet = [
                koski_opiskeluoikeus(
                    oid=opiskeluoikeus_oid(seed),
                    oppilaitos=oppilaitos,
                    koulutustoimija=koulutustoimija,
                    **oo,
                )
            ]
        if oid in self.oppijat:
            self.oppijat[oid]["opiskeluoikeudet"].extend(opiskeluoikeudet)
            self.changed()
            return oid, opiskeluoikeudet[0]["oid"]
        self.oppijat[oid] = {
            "henkilö": {
                "oid": oid,
                "etunimet": f"Testi {seed}",
                "kutsumanimi": "Testi",
                "sukunimi": "Oppija",
            },
            "opiskeluoikeudet": opiskeluoikeudet,
        }
        self.changed()
        return oid, opiskeluoikeudet[0]["oid"]

    def changed(self) -> None:
        if self.on_change is not None:
            self.on_change(self)

    def write(self, root: Path) -> Path:
        for name in ("koski", "onr", "organisaatio"):
            (root / name).mkdir(parents=True, exist_ok=True)
        (root / "organisaatio" / "organisaatiot.json").write_text(
            json.dumps(self.organisaatiot(), ensure_ascii=False), encoding="utf-8"
        )
        (root / "koski" / "oppijat.json").write_text(
            json.dumps(list(self.oppijat.values()), ensure_ascii=False), encoding="utf-8"
        )
        henkilot = []
        for oid, doc in self.oppijat.items():
            henkilo: dict[str, Any] = {
                "oidHenkilo": oid,
                "etunimet": doc["henkilö"]["etunimet"],
                "kutsumanimi": "Testi",
                "sukunimi": "Oppija",
                "duplicate": oid in self.duplicates,
            }
            if oid in self.duplicates:
                henkilo["master"] = {"oidHenkilo": self.duplicates[oid]}
            henkilot.append(henkilo)
        (root / "onr" / "henkilot.json").write_text(
            json.dumps(henkilot, ensure_ascii=False), encoding="utf-8"
        )
        return root


def hoks_body(
    oppija: str,
    opiskeluoikeus: str,
    **overrides: Any,
) -> dict[str, Any]:
    """A valid POST body with one vocational unit, one workplace period and a demonstration."""
    body: dict[str, Any] = {
        "oppija-oid": oppija,
        "opiskeluoikeus-oid": opiskeluoikeus,
        "ensikertainen-hyvaksyminen": "2024-08-15",
        "osaamisen-hankkimisen-tarve": True,
        "sahkoposti": "opiskelija@example.org",
        "hankittavat-ammat-tutkinnon-osat": [
            {
                "tutkinnon-osa-koodi-uri": "tutkinnonosat_300268",
                "tutkinnon-osa-koodi-versio": 1,
                "osaamisen-hankkimistavat": [tyopaikkajakso("jakso-1")],
                "osaamisen-osoittaminen": [
                    {
                        "nayttoymparisto": {"nimi": "Esimerkki Oy"},
                        "sisallon-kuvaus": ["Asiakaspalvelutilanteet"],
                        "alku": "2024-12-01",
                        "loppu": "2024-12-05",
                        "tyoelama-osaamisen-arvioijat": [
                            {"nimi": "Tiina Työelämä", "organisaatio": {"nimi": "Esimerkki Oy"}}
                        ],
                    }
                ],
            }
        ],
    }
    body.update(overrides)
    return body


def tyopaikkajakso(
    tunniste: str, *, alku: str = "2024-09-01", loppu: str = "2024-12-20"
) -> dict[str, Any]:
    return {
        "alku": alku,
        "loppu": loppu,
        "yksiloiva-tunniste": tunniste,
        "osaamisen-hankkimistapa-koodi-uri": "osaamisenhankkimistapa_koulutussopimus",
        "osaamisen-hankkimistapa-koodi-versio": 1,
        "osa-aikaisuustieto": 100,
        "tyopaikalla-jarjestettava-koulutus": {
            "tyopaikan-nimi": "Esimerkki Oy",
            "tyopaikan-y-tunnus": y_tunnus("esimerkki"),
            "vastuullinen-tyopaikka-ohjaaja": {
                "nimi": "Olli Ohjaaja",
                "sahkoposti": "olli@example.org",
            },
            "keskeiset-tyotehtavat": ["Asiakaspalvelu"],
        },
    }
