"""What Koski records of a study right's qualification and of its units: the qualification
(``koulutusmoduuli``) of the vocational or TUVA ``suoritus`` and each unit (``osasuoritus``)
with whether it has been assessed as passed, read from the study right as
``GET /koski/api/opiskeluoikeus/{oid}`` answers it (reference integrations 3.1).

Units are named as a HOKS names them: a national unit ``tutkinnonosat_<koodiarvo>``, a
common unit's sub-area ``ammatillisenoppiaineet_<koodiarvo in lower case>``; a local unit has
no code list, only its own code and name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from ehoks.registries.koski.schemas import AMMATILLINEN_SUORITUSTYYPIT

TUTKINNON_OSAT = "tutkinnonosat"
OSA_ALUEET = "ammatillisenoppiaineet"
# Koski's group of a unit: "1" vocational units, "2" common units (yhteiset tutkinnon osat).
YHTEISET_RYHMA = "2"
# Failing grades where Koski's computed ``hyväksytty`` is missing (older documents).
HYLATYT = frozenset({"Hylätty", "H", "0"})


@dataclass(frozen=True)
class Tutkinto:
    """The qualification a study right leads to, as Koski's ``koulutusmoduuli`` names it."""

    koodiarvo: str | None
    """The qualification's code in the ``koulutus`` code list (e.g. ``351407``)."""
    diaarinumero: str | None
    """The peruste's diary number (``perusteenDiaarinumero``)."""
    nimi: dict[str, str]

    def same_as(self, other: Tutkinto | None) -> bool:
        """The same qualification on the same peruste (a new peruste can have other units)."""
        return (
            other is not None
            and self.koodiarvo == other.koodiarvo
            and self.diaarinumero == other.diaarinumero
        )


@dataclass(frozen=True)
class KoskiOsa:
    """One unit or sub-area as Koski records it on the study right."""

    koodi_uri: str | None
    """``tutkinnonosat_…`` or ``ammatillisenoppiaineet_…``; ``None`` for a local unit."""
    koodiarvo: str | None
    nimi: dict[str, str]
    hyvaksytty: bool
    """Assessed and passed (the latest assessment is a passing one)."""
    arviointipaiva: date | None
    yhteinen: bool
    """A common unit (its group is "2" or it records sub-areas)."""
    osa_alueet: tuple[KoskiOsa, ...] = ()


def tutkinto(document: dict[str, Any]) -> Tutkinto | None:
    """The qualification of the study right's vocational ``suoritus`` (else its first one, as a
    TUVA study right has); ``None`` when Koski records none."""
    suoritus = _main_suoritus(document)
    if suoritus is None:
        return None
    moduuli = suoritus.get("koulutusmoduuli") or {}
    tunniste = moduuli.get("tunniste") or {}
    koodiarvo = tunniste.get("koodiarvo")
    diaarinumero = moduuli.get("perusteenDiaarinumero")
    return Tutkinto(
        koodiarvo=str(koodiarvo) if koodiarvo is not None else None,
        diaarinumero=diaarinumero if isinstance(diaarinumero, str) and diaarinumero else None,
        nimi=_names(tunniste.get("nimi")),
    )


def osat(document: dict[str, Any]) -> list[KoskiOsa]:
    """The units Koski records under the study right's vocational ``suoritus``, in its order."""
    suoritus = _main_suoritus(document)
    if suoritus is None:
        return []
    return [_osa(item) for item in _list(suoritus.get("osasuoritukset")) if isinstance(item, dict)]


def _main_suoritus(document: dict[str, Any]) -> dict[str, Any] | None:
    suoritukset = [s for s in _list(document.get("suoritukset")) if isinstance(s, dict)]
    for suoritus in suoritukset:
        if (suoritus.get("tyyppi") or {}).get("koodiarvo") in AMMATILLINEN_SUORITUSTYYPIT:
            return suoritus
    return suoritukset[0] if suoritukset else None


def _osa(item: dict[str, Any]) -> KoskiOsa:
    tunniste = (item.get("koulutusmoduuli") or {}).get("tunniste") or {}
    koodisto = tunniste.get("koodistoUri")
    koodiarvo = tunniste.get("koodiarvo")
    arvo = str(koodiarvo) if koodiarvo is not None else None
    koodi_uri = None
    if arvo and koodisto == TUTKINNON_OSAT:
        koodi_uri = f"{TUTKINNON_OSAT}_{arvo}"
    elif arvo and koodisto == OSA_ALUEET:
        koodi_uri = f"{OSA_ALUEET}_{arvo.lower()}"
    osa_alueet = tuple(
        _osa(sub) for sub in _list(item.get("osasuoritukset")) if isinstance(sub, dict)
    )
    ryhma = (item.get("tutkinnonOsanRyhmä") or {}).get("koodiarvo")
    hyvaksytty, paiva = _assessment(item.get("arviointi"))
    return KoskiOsa(
        koodi_uri=koodi_uri,
        koodiarvo=arvo,
        nimi=_names(tunniste.get("nimi")),
        hyvaksytty=hyvaksytty,
        arviointipaiva=paiva,
        yhteinen=str(ryhma) == YHTEISET_RYHMA
        or any(o.koodi_uri and o.koodi_uri.startswith(OSA_ALUEET) for o in osa_alueet),
        osa_alueet=osa_alueet,
    )


def _assessment(arviointi: Any) -> tuple[bool, date | None]:
    """Whether the latest assessment passed, and its date. Koski lists assessments in the order
    they were given; one with a date is ordered by it."""
    entries = [a for a in _list(arviointi) if isinstance(a, dict)]
    if not entries:
        return False, None
    latest = max(enumerate(entries), key=lambda e: (_date(e[1].get("päivä")) or date.min, e[0]))
    entry = latest[1]
    passed = entry.get("hyväksytty")
    if not isinstance(passed, bool):
        grade = (entry.get("arvosana") or {}).get("koodiarvo")
        passed = grade is not None and str(grade) not in HYLATYT
    return passed, _date(entry.get("päivä"))


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _names(value: Any) -> dict[str, str]:
    if isinstance(value, dict):
        return {k: v for k, v in value.items() if k in ("fi", "sv", "en") and isinstance(v, str)}
    return {}


def _date(value: Any) -> date | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None
