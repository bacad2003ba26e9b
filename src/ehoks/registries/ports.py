"""What domain code may ask of the national registries (DESIGN D5), and nothing about how.

Each port has a local implementation (tables in our database, ``registries/local``) and an HTTP
one (``registries/http``); domain code receives a ``Registries`` and never sees either. Every
method answers ``None`` (or an empty list) for something the registry does not know. When the
registry itself cannot answer (a remote service down or timing out), implementations raise
``ehoks.errors.RegistryUnavailable`` so the caller fails with 503 and writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from ehoks.registries.eperusteet.schemas import KoulutuksenOsa, Peruste, TutkinnonOsa
from ehoks.registries.koodisto.schemas import Koodi
from ehoks.registries.koski.schemas import Opiskeluoikeus
from ehoks.registries.local.eperusteet import LocalEperusteet
from ehoks.registries.local.koodisto import LocalKoodisto
from ehoks.registries.onr.schemas import Henkilo
from ehoks.registries.organisaatio.schemas import Organisaatio

__all__ = [
    "EperusteetPort",
    "Henkilo",
    "Koodi",
    "KoodistoPort",
    "KoskiPort",
    "KoulutuksenOsa",
    "OnrPort",
    "Opiskeluoikeus",
    "Organisaatio",
    "OrganisaatioPort",
    "Peruste",
    "Registries",
    "TutkinnonOsa",
]


class KoskiPort(Protocol):
    def get_opiskeluoikeus(self, oid: str) -> Opiskeluoikeus | None:
        """The study right, or ``None`` when Koski does not know the OID."""
        ...

    def get_oppijan_opiskeluoikeudet(self, oppija_oid: str) -> list[Opiskeluoikeus] | None:
        """All study rights of a learner, or ``None`` when Koski does not know the learner."""
        ...

    def get_opiskeluoikeus_document(self, oid: str) -> dict[str, Any] | None:
        """The study right as Koski's ``GET /koski/api/opiskeluoikeus/{oid}`` answers it."""
        ...


class OnrPort(Protocol):
    def get_henkilo(self, oid: str) -> Henkilo | None:
        """The person, or ``None`` when ONR does not know the OID."""
        ...

    def get_master_oid(self, oid: str) -> str | None:
        """The master OID of ``oid`` (``oid`` itself when it is no duplicate); ``None`` when
        unknown. eHOKS lets a HOKS's oppija-oid change only to this (reference 4.6)."""
        ...

    def get_slave_oids(self, oid: str) -> list[str]:
        """The OIDs ONR has merged into ``oid`` as its duplicates (empty when none or unknown)."""
        ...


class OrganisaatioPort(Protocol):
    def get_organisaatio(self, oid: str) -> Organisaatio | None:
        """The organisation, or ``None`` when Organisaatiopalvelu does not know the OID."""
        ...

    def ancestors_and_self(self, oid: str) -> tuple[str, ...] | None:
        """``oid`` and every organisation above it, root first; ``None`` when unknown.

        Privileges are inherited down the hierarchy (reference 6.3): a right held on any OID
        in this tuple covers ``oid``.
        """
        ...


class KoodistoPort(Protocol):
    def get_koodi(self, koodi_uri: str, versio: int | None = None) -> Koodi | None:
        """The code element at ``versio`` (the latest version when ``None``), or ``None`` when
        Koodisto does not know it."""
        ...

    def list_koodit(self, koodisto_uri: str) -> list[Koodi]:
        """The latest version of every code of a code list (e.g. ``urasuunnitelma``), so that a
        page naming many codes of one list asks once; empty when the list is unknown."""
        ...


class EperusteetPort(Protocol):
    def find_tutkinnon_osat(self, koodi_uri: str) -> list[TutkinnonOsa]:
        """The unit (e.g. ``tutkinnonosat_300268``) as each peruste that contains it describes
        it: name, scope, requirements, assessment criteria, sub-areas. Empty when none does."""
        ...

    def get_peruste_by_diaarinumero(self, diaarinumero: str) -> Peruste | None:
        """The peruste with exactly this diary number (e.g. ``OPH-2652-2017``), or ``None``."""
        ...

    def find_koulutuksen_osa(self, koodi_uri: str) -> KoulutuksenOsa | None:
        """The TUVA training part (e.g. ``koulutuksenosattuva_104``), or ``None``."""
        ...


@dataclass(frozen=True)
class Registries:
    """The registry clients, built once at start-up (``build_registries``) and passed down."""

    koski: KoskiPort
    onr: OnrPort
    organisaatio: OrganisaatioPort
    # Defaults that know nothing, so that code building a ``Registries`` by hand for Koski, ONR
    # and Organisaatio keeps working; ``build_registries`` always passes all five.
    koodisto: KoodistoPort = field(default_factory=LocalKoodisto)
    eperusteet: EperusteetPort = field(default_factory=LocalEperusteet)
