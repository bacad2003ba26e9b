"""What eHOKS needs to know of a Koski study right (opiskeluoikeus), derived from the Koski
document as reference ``ehoks-backend.md`` section 4.1 describes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

ALLOWED_TYYPIT = frozenset({"ammatillinenkoulutus", "tuva"})
ENDED_TILAT = frozenset({"valmistunut", "eronnut", "katsotaaneronneeksi", "peruutettu"})
# States after which the learner no longer studies on the study right (koodisto
# ``koskiopiskeluoikeudentila``): the ended ones and an invalidated (mitätöity) study right. They
# end the current provider's right to the learner's plans (law 531/2017 § 109 a ¶1).
PAATTYNEET_TILAT = ENDED_TILAT | {"mitatoity"}
NOT_KATSOTAAN_ERONNEEKSI_TILAT = frozenset({"valmistunut", "lasna", "valiaikaisestikeskeytynyt"})
TELMA_SUORITUSTYYPIT = frozenset({"telma", "telmakoulutuksenosa"})
AMMATILLINEN_SUORITUSTYYPIT = (
    "ammatillinentutkinto",
    "ammatillinentutkintoosittainen",
    "ammatillinentutkintoosittainenuseastatutkinnosta",
)
# A study right for a part of a qualification (or parts of several): its name is shown with
# ", osittainen" (reference ehoks-ui 3.1).
OSITTAINEN_SUORITUSTYYPPI_PREFIX = "ammatillinentutkintoosittainen"


@dataclass(frozen=True)
class Opiskeluoikeus:
    oid: str
    oppija_oid: str | None
    tyyppi: str
    tila: str | None
    oppilaitos_oid: str | None
    koulutustoimija_oid: str | None
    alkamispaiva: date | None
    arvioitu_paattymispaiva: date | None
    paattymispaiva: date | None
    sisaltyy_opiskeluoikeuteen_oid: str | None
    sisaltyy_oppilaitos_oid: str | None
    suoritustyypit: tuple[str, ...] = ()
    tutkinto_nimi: dict[str, str] = field(default_factory=dict)
    osaamisala_nimi: dict[str, str] = field(default_factory=dict)
    tutkintonimike_nimi: dict[str, str] = field(default_factory=dict)
    """The first tutkintonimike of the vocational suoritus; empty when it names none."""
    diaarinumero: str | None = None
    """The peruste's diary number (``perusteenDiaarinumero``) of the vocational suoritus, or
    of the first suoritus that names one (a TUVA study right's)."""
    tila_nimi: dict[str, str] = field(default_factory=dict)
    """Koski's own name of ``tila`` (the code list's), for a state the pages do not name."""
    tilahistoria: tuple[tuple[date, str], ...] = ()
    """Every opiskeluoikeusjakso as (alku, tila), oldest first: the state on any day."""

    @property
    def osittainen(self) -> bool:
        """A study right for a part of a qualification (``ammatillinentutkintoosittainen…``)."""
        return any(t.startswith(OSITTAINEN_SUORITUSTYYPPI_PREFIX) for t in self.suoritustyypit)

    @property
    def is_tuva(self) -> bool:
        return self.tyyppi == "tuva"

    @property
    def is_allowed_tyyppi(self) -> bool:
        return self.tyyppi in ALLOWED_TYYPIT

    @property
    def is_active(self) -> bool:
        return self.tila not in ENDED_TILAT

    @property
    def viimeisin_tila(self) -> tuple[date, str] | None:
        """The latest opiskeluoikeusjakso as (alku, tila), which may begin in the future (a
        graduation recorded ahead); ``None`` without dated jaksot."""
        return self.tilahistoria[-1] if self.tilahistoria else None

    def tila_on(self, day: date) -> str | None:
        """The state in force on ``day``: the latest jakso that has begun by then; ``None``
        before the first jakso (a study right that starts later) or without jaksot."""
        current = None
        for alku, tila in self.tilahistoria:
            if alku <= day:
                current = tila
        return current

    def opiskelee_on(self, day: date) -> bool:
        """Is the learner the provider's student on ``day`` (§ 109 a ¶1)? Yes unless the state
        in force is a terminal one (``PAATTYNEET_TILAT``), so from the day the study right
        ends, no longer. A study right that starts later counts (the plan is made before the
        studies start) unless Koski already records it as cancelled; without jaksot, the
        latest state decides."""
        if not self.tilahistoria:
            return self.tila not in PAATTYNEET_TILAT
        tila = self.tila_on(day)
        if tila is None:
            # Not begun: only its first recorded state can tell (e.g. peruutettu at once).
            tila = self.tilahistoria[0][1]
        return tila not in PAATTYNEET_TILAT

    @property
    def katsotaan_eronneeksi(self) -> bool:
        """Only used to skip the learning-period date checks (reference 4.1)."""
        return self.tila is not None and self.tila not in NOT_KATSOTAAN_ERONNEEKSI_TILAT

    @property
    def in_kohderyhma(self) -> bool:
        return not any(t in TELMA_SUORITUSTYYPIT for t in self.suoritustyypit)

    @property
    def is_included_in_another(self) -> bool:
        return self.sisaltyy_opiskeluoikeuteen_oid is not None


def _date(value: Any) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) and value else None


def _oid(obj: Any) -> str | None:
    if isinstance(obj, dict):
        value = obj.get("oid")
        return value if isinstance(value, str) else None
    return None


def _names(obj: Any) -> dict[str, str]:
    if isinstance(obj, dict):
        return {k: v for k, v in obj.items() if k in ("fi", "sv", "en") and isinstance(v, str)}
    return {}


def _diaarinumero(suoritus: Any) -> str | None:
    if not isinstance(suoritus, dict):
        return None
    value = (suoritus.get("koulutusmoduuli") or {}).get("perusteenDiaarinumero")
    return value if isinstance(value, str) and value else None


def opiskeluoikeus_from_koski(document: dict[str, Any], oppija_oid: str | None) -> Opiskeluoikeus:
    """Derive the facts eHOKS uses from one Koski ``opiskeluoikeus`` object."""
    jaksot = (document.get("tila") or {}).get("opiskeluoikeusjaksot") or []
    latest = max(jaksot, key=lambda j: j.get("alku") or "", default=None)
    tila_koodi = (latest or {}).get("tila") or {}
    tila = tila_koodi.get("koodiarvo")
    tilahistoria = tuple(
        sorted(
            (alku, str(koodi))
            for jakso in jaksot
            if isinstance(jakso, dict)
            and (alku := _date(jakso.get("alku"))) is not None
            and (koodi := (jakso.get("tila") or {}).get("koodiarvo"))
        )
    )
    suoritukset = document.get("suoritukset") or []
    suoritustyypit = tuple(
        str((s.get("tyyppi") or {}).get("koodiarvo")) for s in suoritukset if isinstance(s, dict)
    )
    tutkinto_nimi: dict[str, str] = {"fi": "", "sv": ""}
    osaamisala_nimi: dict[str, str] = {"fi": "", "sv": ""}
    tutkintonimike_nimi: dict[str, str] = {}
    diaarinumero: str | None = None
    for suoritus in suoritukset:
        if (suoritus.get("tyyppi") or {}).get("koodiarvo") in AMMATILLINEN_SUORITUSTYYPIT:
            tunniste = (suoritus.get("koulutusmoduuli") or {}).get("tunniste") or {}
            tutkinto_nimi = _names(tunniste.get("nimi")) or tutkinto_nimi
            osaamisalat = suoritus.get("osaamisala") or []
            if osaamisalat:
                first = osaamisalat[0].get("osaamisala") or {}
                osaamisala_nimi = _names(first.get("nimi")) or osaamisala_nimi
            nimikkeet = suoritus.get("tutkintonimike") or []
            if isinstance(nimikkeet, list) and nimikkeet and isinstance(nimikkeet[0], dict):
                tutkintonimike_nimi = _names(nimikkeet[0].get("nimi"))
            diaarinumero = _diaarinumero(suoritus)
            break
    if diaarinumero is None:
        diaarinumero = next(filter(None, (_diaarinumero(s) for s in suoritukset)), None)
    sisaltyy = document.get("sisältyyOpiskeluoikeuteen") or None
    return Opiskeluoikeus(
        oid=str(document.get("oid")),
        oppija_oid=oppija_oid,
        tyyppi=str((document.get("tyyppi") or {}).get("koodiarvo")),
        tila=tila,
        oppilaitos_oid=_oid(document.get("oppilaitos")),
        koulutustoimija_oid=_oid(document.get("koulutustoimija")),
        alkamispaiva=_date(document.get("alkamispäivä")),
        arvioitu_paattymispaiva=_date(document.get("arvioituPäättymispäivä")),
        paattymispaiva=_date(document.get("päättymispäivä")),
        sisaltyy_opiskeluoikeuteen_oid=_oid(sisaltyy),
        sisaltyy_oppilaitos_oid=_oid((sisaltyy or {}).get("oppilaitos")),
        suoritustyypit=suoritustyypit,
        tutkinto_nimi=tutkinto_nimi,
        osaamisala_nimi=osaamisala_nimi,
        tutkintonimike_nimi=tutkintonimike_nimi,
        diaarinumero=diaarinumero,
        tila_nimi=_names(tila_koodi.get("nimi")),
        tilahistoria=tilahistoria,
    )
