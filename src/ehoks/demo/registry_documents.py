"""A synthetic learner and their study rights in the real services' response shapes: ONR's
``GET /henkilo/{oid}`` and Koski's ``GET /koski/api/oppija/{oid}``, as the demo's hand-written
files have them (``data/onr``, ``data/koski``)."""

from __future__ import annotations

from typing import Any

from ehoks.demo.population import Opiskelija, Opiskeluoikeus, Organisaatio

_KIELET = {
    "fi": {"fi": "suomi", "sv": "finska", "en": "Finnish"},
    "sv": {"fi": "ruotsi", "sv": "svenska", "en": "Swedish"},
}
_TILAT = {
    "lasna": {"fi": "Läsnä", "sv": "Närvarande", "en": "Present"},
    "valmistunut": {"fi": "Valmistunut", "sv": "Utexaminerad", "en": "Graduated"},
}
_TYYPIT = {
    "ammatillinenkoulutus": {
        "fi": "Ammatillinen koulutus",
        "sv": "Yrkesutbildning",
        "en": "Vocational education",
    },
    "tuva": {
        "fi": "Tutkintokoulutukseen valmentava koulutus",
        "sv": "Utbildning som handleder för examensutbildning",
        "en": "Preparatory education for an upper secondary qualification",
    },
}
_SUORITUSTYYPIT = {
    "ammatillinentutkinto": {"fi": "Ammatillinen tutkinto", "sv": "Yrkesinriktad examen"},
    "ammatillinentutkintoosittainen": {
        "fi": "Ammatillisen tutkinnon osa tai osia",
        "sv": "Del eller delar av yrkesinriktad examen",
    },
    "tuvakoulutuksensuoritus": {
        "fi": "Tutkintokoulutukseen valmentavan koulutuksen suoritus",
        "sv": "Prestation av utbildning som handleder för examensutbildning",
    },
}
_RAHOITUS = {
    "koodiarvo": "1",
    "nimi": {
        "fi": "Valtionosuusrahoitteinen koulutus",
        "sv": "Statsandelsfinansierad utbildning",
        "en": "State subsidy",
    },
    "koodistoUri": "opintojenrahoitus",
    "koodistoVersio": 1,
}


def _koodi(koodiarvo: str, nimi: dict[str, str], koodisto: str, versio: int = 1) -> dict[str, Any]:
    return {
        "koodiarvo": koodiarvo,
        "nimi": nimi,
        "koodistoUri": koodisto,
        "koodistoVersio": versio,
    }


def _organisaatio(organisaatio: Organisaatio) -> dict[str, Any]:
    return {"oid": organisaatio.oid, "nimi": organisaatio.nimi}


def onr_document(opiskelija: Opiskelija, index: int) -> dict[str, Any]:
    kieli = {
        "kieliKoodi": opiskelija.aidinkieli,
        "kieliTyyppi": _KIELET[opiskelija.aidinkieli]["fi"],
    }
    return {
        "oidHenkilo": opiskelija.oid,
        "hetu": opiskelija.hetu,
        "etunimet": opiskelija.etunimet,
        "kutsumanimi": opiskelija.kutsumanimi,
        "sukunimi": opiskelija.sukunimi,
        "syntymaaika": opiskelija.syntymaaika.isoformat(),
        "aidinkieli": kieli,
        "asiointiKieli": kieli,
        "kansalaisuus": [{"kansalaisuusKoodi": "246"}],
        "duplicate": False,
        "passivoitu": False,
        "yksiloity": True,
        "yksiloityVTJ": True,
        "turvakielto": False,
        "yhteystiedotRyhma": [
            {
                "id": 200_000 + index,
                "ryhmaKuvaus": "yhteystietotyyppi1",
                "ryhmaAlkuperaTieto": "alkupera1",
                "readOnly": False,
                "yhteystieto": [
                    {
                        "yhteystietoTyyppi": "YHTEYSTIETO_SAHKOPOSTI",
                        "yhteystietoArvo": opiskelija.sahkoposti,
                    },
                    {
                        "yhteystietoTyyppi": "YHTEYSTIETO_MATKAPUHELINNUMERO",
                        "yhteystietoArvo": opiskelija.puhelinnumero,
                    },
                ],
            }
        ],
    }


def koski_document(
    opiskelija: Opiskelija, opiskeluoikeudet: list[Opiskeluoikeus]
) -> dict[str, Any]:
    return {
        "henkilö": {
            "oid": opiskelija.oid,
            "hetu": opiskelija.hetu,
            "syntymäaika": opiskelija.syntymaaika.isoformat(),
            "etunimet": opiskelija.etunimet,
            "kutsumanimi": opiskelija.kutsumanimi,
            "sukunimi": opiskelija.sukunimi,
            "äidinkieli": _koodi(
                opiskelija.aidinkieli.upper(), _KIELET[opiskelija.aidinkieli], "kieli"
            ),
            "turvakielto": False,
        },
        "opiskeluoikeudet": [opiskeluoikeus_document(oo) for oo in opiskeluoikeudet],
    }


def _suoritus(oo: Opiskeluoikeus) -> dict[str, Any]:
    tutkinto = oo.tutkinto
    tunniste = _koodi(tutkinto.koulutus.koodiarvo, tutkinto.koulutus.nimi, "koulutus", 12)
    koulutusmoduuli: dict[str, Any] = {
        "tunniste": tunniste,
        "perusteenDiaarinumero": tutkinto.diaarinumero,
    }
    if oo.tuva:
        tyyppi = "tuvakoulutuksensuoritus"
    else:
        tyyppi = "ammatillinentutkintoosittainen" if oo.sisaltyy else "ammatillinentutkinto"
        koulutusmoduuli["perusteenNimi"] = tutkinto.koulutus.nimi
    suoritus: dict[str, Any] = {
        "koulutusmoduuli": koulutusmoduuli,
        "toimipiste": _organisaatio(oo.toimipiste),
        "suorituskieli": _koodi("FI", _KIELET["fi"], "kieli"),
        "alkamispäivä": oo.alku.isoformat(),
        "tyyppi": _koodi(tyyppi, _SUORITUSTYYPIT[tyyppi], "suorituksentyyppi"),
        "osasuoritukset": [],
    }
    if not oo.tuva:
        suoritus["suoritustapa"] = _koodi(
            "reformi",
            {"fi": "Ammatillinen tutkinto (reformi)", "sv": "Yrkesinriktad examen (reform)"},
            "ammatillisentutkinnonsuoritustapa",
        )
        suoritus["osaamisala"] = [
            {"osaamisala": _koodi(ala.koodiarvo, ala.nimi, "osaamisala", 3)}
            for ala in tutkinto.osaamisalat[:1]
        ]
        suoritus["tutkintonimike"] = [
            _koodi(nimike.koodiarvo, nimike.nimi, "tutkintonimikkeet", 2)
            for nimike in tutkinto.tutkintonimikkeet[:1]
        ]
    if oo.loppu is not None:
        suoritus["vahvistus"] = {
            "päivä": oo.loppu.isoformat(),
            "myöntäjäOrganisaatio": _organisaatio(oo.oppilaitos.organisaatio),
        }
    return suoritus


def opiskeluoikeus_document(oo: Opiskeluoikeus) -> dict[str, Any]:
    """One study right as ``GET /koski/api/opiskeluoikeus/{oid}`` answers it."""
    jaksot = [("lasna", oo.alku)]
    if oo.loppu is not None:
        jaksot.append(("valmistunut", oo.loppu))
    koulutustoimija = oo.oppilaitos.koulutustoimija
    tyyppi = "tuva" if oo.tuva else "ammatillinenkoulutus"
    document: dict[str, Any] = {
        "oid": oo.oid,
        "versionumero": 1,
        "aikaleima": f"{oo.alku.isoformat()}T08:00:00",
        "oppilaitos": {
            "oid": oo.oppilaitos.organisaatio.oid,
            "oppilaitosnumero": _koodi(
                oo.oppilaitos.organisaatio.numero or "",
                {"fi": oo.oppilaitos.organisaatio.nimi["fi"]},
                "oppilaitosnumero",
            ),
            "nimi": oo.oppilaitos.organisaatio.nimi,
        },
        "koulutustoimija": {**_organisaatio(koulutustoimija), "yTunnus": koulutustoimija.y_tunnus},
        "tila": {
            "opiskeluoikeusjaksot": [
                {
                    "alku": alku.isoformat(),
                    "tila": _koodi(tila, _TILAT[tila], "koskiopiskeluoikeudentila"),
                    "opintojenRahoitus": _RAHOITUS,
                }
                for tila, alku in jaksot
            ]
        },
        "suoritukset": [_suoritus(oo)],
        "tyyppi": _koodi(tyyppi, _TYYPIT[tyyppi], "opiskeluoikeudentyyppi"),
        "alkamispäivä": oo.alku.isoformat(),
        "arvioituPäättymispäivä": oo.arvioitu_loppu.isoformat(),
    }
    if oo.loppu is not None:
        document["päättymispäivä"] = oo.loppu.isoformat()
    if oo.sisaltyy is not None:
        document["sisältyyOpiskeluoikeuteen"] = {
            "oppilaitos": _organisaatio(oo.sisaltyy.oppilaitos.organisaatio),
            "oid": oo.sisaltyy.oid,
        }
    return document
