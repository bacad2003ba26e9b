"""What a report is asked for (``ReportQuery``) and the rows it answers with."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal, get_args

Raportti = Literal[
    "puuttuvat-opiskeluoikeudet", "tyopaikkajaksot", "ilman-tyopaikkajaksoa", "yhteenveto"
]
RAPORTIT: tuple[Raportti, ...] = get_args(Raportti)
Tila = Literal["molemmat", "puuttuu", "paattynyt"]
TILAT: tuple[Tila, ...] = get_args(Tila)
# Which date the range of the reports without workplace periods and of the summary applies to:
# the HOKS's first approval or the start of its study right.
Rajaus = Literal["hyvaksytty", "opiskeluoikeus"]
RAJAUKSET: tuple[Rajaus, ...] = get_args(Rajaus)
Kieli = Literal["fi", "sv", "en"]

# The columns each report may be sorted by, and its default order (column, descending).
SORTS: dict[Raportti, tuple[str, ...]] = {
    "puuttuvat-opiskeluoikeudet": ("hoks", "nimi", "tutkinto", "tila", "paattyminen"),
    "tyopaikkajaksot": ("hoks", "tyopaikka", "ohjaaja", "alku", "loppu"),
    "ilman-tyopaikkajaksoa": ("hoks", "nimi", "tutkinto", "hyvaksytty", "alkaminen"),
    "yhteenveto": (
        "oppilaitos",
        "tutkinto",
        "hoksit",
        "voimassa",
        "paattyneet",
        "puuttuvat",
        "jaksolliset",
    ),
}
DEFAULT_SORT: dict[Raportti, tuple[str, bool]] = {
    # Newest HOKSes first, as the original's reports.
    "puuttuvat-opiskeluoikeudet": ("hoks", True),
    "tyopaikkajaksot": ("hoks", True),
    "ilman-tyopaikkajaksoa": ("hoks", True),
    "yhteenveto": ("oppilaitos", False),
}


@dataclass(frozen=True)
class ReportQuery:
    """One report of one organisation (and the organisations below it), with its filters and
    order. Built by the surface from the page's address; the same query gives the page and the
    CSV export the same rows."""

    raportti: Raportti
    organisaatio_oid: str
    kieli: Kieli = "fi"
    tila: Tila = "molemmat"
    alku: date | None = None
    loppu: date | None = None
    rajaus: Rajaus = "hyvaksytty"
    jarjestys: str | None = None
    laskeva: bool | None = None

    @property
    def order(self) -> tuple[str, bool]:
        """The sort column and direction, the report's default when none (or an unknown one)
        was asked for."""
        default_key, default_desc = DEFAULT_SORT[self.raportti]
        if self.jarjestys not in SORTS[self.raportti]:
            return default_key, default_desc if self.laskeva is None else self.laskeva
        return self.jarjestys, bool(self.laskeva)

    def filters(self) -> dict[str, Any]:
        """The filters that apply to this report, for the audit trail."""
        chosen: dict[str, Any] = {}
        if self.raportti == "puuttuvat-opiskeluoikeudet":
            chosen["tila"] = self.tila
        else:
            if self.raportti != "tyopaikkajaksot":
                chosen["rajaus"] = self.rajaus
            chosen["alku"] = self.alku.isoformat() if self.alku else None
            chosen["loppu"] = self.loppu.isoformat() if self.loppu else None
        return chosen


@dataclass(frozen=True)
class Scope:
    """The organisation a report covers: every HOKS whose oppilaitos or koulutustoimija is
    ``organisaatio_oid`` (the organisations below a koulutustoimija are its oppilaitokset), or
    every HOKS when it is the OPH root."""

    organisaatio_oid: str
    koko_maa: bool = False


@dataclass(frozen=True)
class HoksRivi:
    """A HOKS with its learner and indexed study right (reports of missing or ended study
    rights and of HOKSes without workplace periods)."""

    hoks_id: int
    oppija_oid: str
    oppija_nimi: str | None
    opiskeluoikeus_oid: str
    oppilaitos_oid: str | None
    tutkinto_nimi: dict[str, str] = field(default_factory=dict)
    ensikertainen_hyvaksyminen: date | None = None
    alkamispaiva: date | None = None
    # The study right's end date as indexed from Koski (its estimated end).
    paattymispaiva: date | None = None
    puuttuu: bool = False


@dataclass(frozen=True)
class JaksoRivi:
    """A workplace period (työpaikkajakso) with its HOKS."""

    jakso_id: int
    module_id: str
    hoks_id: int
    oppija_oid: str
    oppija_nimi: str | None
    opiskeluoikeus_oid: str
    oppilaitos_oid: str | None
    osa_tyyppi: str
    hankkimistapa_koodi_uri: str
    alku: date
    loppu: date
    tyopaikan_nimi: str | None
    tyopaikan_y_tunnus: str | None
    ohjaaja_nimi: str | None
    ohjaaja_sahkoposti: str | None
    ohjaaja_puhelinnumero: str | None
    # Filled in from the HOKS document for apprenticeships (not in the projection).
    oppisopimuksen_perusta_koodi_uri: str | None = None


@dataclass(frozen=True)
class YhteenvetoRivi:
    """Counts of one oppilaitos and qualification (``tutkinto`` is its name in the query's
    language, with fallback; empty when the study right names none)."""

    oppilaitos_oid: str | None
    tutkinto: str
    hoksit: int
    voimassa: int
    paattyneet: int
    puuttuvat: int
    jaksolliset: int
