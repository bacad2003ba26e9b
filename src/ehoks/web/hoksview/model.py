"""The presentation model of one HOKS, its units and their parts (``plan`` holds the whole plan):
what every view of a plan renders (the student's pages, the official's, the workplace pages and
the PDF).

Frozen dataclasses of plain values: codes and organisation OIDs are ``Label`` objects (show
``label.text``; when ``label.notice`` is set, say that the name could not be loaded), dates are
``datetime.date``, scopes ``Decimal``. Kinds and statuses are short English identifiers that the
templates translate; the model holds no interface text of its own. Reference ``ehoks-ui.md``
3.1 (which field appears where) and 4.5 (the unit card).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

from ehoks.enrichment.schemas import Label, Notice, PerusteenOsa, Vaatimukset

UnitKind = Literal["vocational", "local", "common", "tuva"]
PriorKind = Literal["vocational", "local", "common"]
Status = Literal["planned", "scheduled", "ready"]
STATUSES: tuple[Status, ...] = ("planned", "scheduled", "ready")
StatusReason = Literal[
    "no-dates",  # planned: no learning period or demonstration has both dates
    "no-demonstration",  # scheduled: dates, but no dated demonstration
    "demonstration-recent",  # scheduled: a demonstration started or ends within 14 days or later
    "demonstrations-done",  # ready: every demonstration started and ended 14 days ago or earlier
    "tuva-ended",  # ready: a TUVA module whose end date has come
    "tuva-not-ended",  # scheduled: a TUVA module before its end date
]
ScopeUnit = Literal["osp", "weeks"]
VerificationKind = Literal["direct", "assessors", "demonstration"]


# People and places.


@dataclass(frozen=True)
class EducationAssessor:
    """An assessor from an education provider (koulutuksen järjestäjän arvioija)."""

    nimi: str | None
    organisation: Label | None


@dataclass(frozen=True)
class WorkingLifeAssessor:
    """A working-life assessor (työelämän arvioija)."""

    nimi: str | None
    organisaatio: str | None
    y_tunnus: str | None


@dataclass(frozen=True)
class Instructor:
    """The responsible workplace instructor (vastuullinen työpaikkaohjaaja)."""

    nimi: str | None
    sahkoposti: str | None
    puhelinnumero: str | None


@dataclass(frozen=True)
class Representative:
    """A provider's representative (järjestäjän / hankkijan edustaja)."""

    nimi: str | None
    rooli: str | None
    oppilaitos: Label | None


@dataclass(frozen=True)
class Interruption:
    alku: date | None
    loppu: date | None
    """``None``: open-ended (only the last interruption may be)."""


@dataclass(frozen=True)
class OtherEnvironment:
    """Another learning environment of a period (muu oppimisympäristö)."""

    environment: Label | None
    alku: date | None
    loppu: date | None


@dataclass(frozen=True)
class DemonstrationEnvironment:
    nimi: str | None
    y_tunnus: str | None
    kuvaus: str | None


# Learning periods and demonstrations.


@dataclass(frozen=True)
class Period:
    """A learning period (osaamisen hankkimistapa)."""

    module_id: str | None
    hankkimistapa: Label | None
    workplace: bool
    """Koulutussopimus or oppisopimus (the code contains either): "Työpaikalla oppiminen"."""
    alku: date | None
    loppu: date | None
    ajanjakson_tarkenne: str | None
    osa_aikaisuustieto: int | None
    """Part-time percentage (100 = full time)."""
    oppisopimuksen_perusta: Label | None
    interruptions: tuple[Interruption, ...]
    workplace_name: str | None
    y_tunnus: str | None
    instructor: Instructor | None
    key_tasks: tuple[str, ...]
    jarjestajan_edustaja: Representative | None
    hankkijan_edustaja: Representative | None
    other_environments: tuple[OtherEnvironment, ...]


@dataclass(frozen=True)
class Demonstration:
    """A demonstration of competence (näyttö)."""

    module_id: str | None
    alku: date | None
    loppu: date | None
    environment: DemonstrationEnvironment | None
    jarjestaja: Label | None
    osa_alueet: tuple[Label, ...]
    """Sub-areas of other units included ("Muut tutkinnon osat")."""
    education_assessors: tuple[EducationAssessor, ...]
    working_life_assessors: tuple[WorkingLifeAssessor, ...]
    sisallon_kuvaus: tuple[str, ...]
    deviation: str | None
    yksilolliset_kriteerit: tuple[str, ...]


# Requirements and assessment criteria.


@dataclass(frozen=True)
class Criterion:
    level: str | None
    """The grade ("1", "3", "5") to show before the criterion; ``None`` on a pass/fail scale."""
    text: str


@dataclass(frozen=True)
class CriteriaTarget:
    """One assessment target (arvioinnin kohde) and its criteria, sorted as the original."""

    title: str | None
    selite: str | None
    criteria: tuple[Criterion, ...]


@dataclass(frozen=True)
class CriteriaArea:
    """One target area (arvioinnin kohdealue)."""

    title: str | None
    targets: tuple[CriteriaTarget, ...]


# Units.


@dataclass(frozen=True)
class Unit:
    """A unit to acquire, a common unit's sub-area (flattened) or a TUVA module: one card."""

    kind: UnitKind
    module_id: str | None
    code: str | None
    """The unit, sub-area or TUVA code (``None`` for a local unit)."""
    title: Label
    scope: Decimal | None
    scope_unit: ScopeUnit
    """``osp`` (competence points), or ``weeks`` for TUVA modules."""
    status: Status
    status_reason: StatusReason
    periods: tuple[Period, ...]
    demonstrations: tuple[Demonstration, ...]
    requirements: Vaatimukset | None
    criteria: tuple[CriteriaArea, ...]
    notice: Notice | None
    """Why ePerusteet could not describe the unit (requirements cannot be shown)."""
    perusteen_osa: PerusteenOsa | None
    koulutuksen_jarjestaja: Label | None
    opetus_ja_ohjaus_maara: Decimal | None
    olennainen_seikka: bool | None
    deviation: str | None
    tavoitteet_ja_sisallot: str | None
    """Local units only."""
    amosaa_tunniste: str | None
    perusteen_diaarinumero: str | None
    parent_title: Label | None
    """For a common unit's sub-area: the common unit's title."""
    parent_module_id: str | None
    alku: date | None
    """TUVA modules only (as ``loppu``)."""
    loppu: date | None

    @property
    def has_details(self) -> bool:
        """Whether the card has a details panel (periods, demonstrations or a deviation)."""
        return bool(self.periods or self.demonstrations or self.deviation)


@dataclass(frozen=True)
class PriorUnit:
    """A unit (or common unit's sub-area) of prior competence: one card of "Aiempi osaaminen"."""

    kind: PriorKind
    module_id: str | None
    code: str | None
    title: Label
    scope: Decimal | None
    notice: Notice | None
    perusteen_osa: PerusteenOsa | None
    verification: Label | None
    verification_kind: VerificationKind | None
    lahetetty_arvioitavaksi: date | None
    assessors: tuple[EducationAssessor, ...]
    demonstrations: tuple[Demonstration, ...]
    koulutuksen_jarjestaja: Label | None
    """Who verified the prior competence ("Aiemman osaamisen todentanut")."""
    olennainen_seikka: bool | None
    deviation: str | None
    tavoitteet_ja_sisallot: str | None
    amosaa_tunniste: str | None
    perusteen_diaarinumero: str | None
    parent_title: Label | None
    parent_module_id: str | None
