"""What domain code may ask of the national registries (DESIGN D5), and nothing about how.

Each port has a local implementation (tables in our database, ``registries/local``) and will get
an HTTP one; domain code receives a ``Registries`` and never sees either. Every method answers
``None`` (or an empty list) for something the registry does not know. When the registry itself
cannot answer (a remote service down or timing out), implementations raise
``ehoks.errors.RegistryUnavailable`` so the caller fails with 503 and writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from ehoks.registries.koski.schemas import Opiskeluoikeus
from ehoks.registries.onr.schemas import Henkilo
from ehoks.registries.organisaatio.schemas import Organisaatio

__all__ = [
    "Henkilo",
    "KoskiPort",
    "OnrPort",
    "Opiskeluoikeus",
    "Organisaatio",
    "OrganisaatioPort",
    "Registries",
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


@dataclass(frozen=True)
class Registries:
    """The registry clients, built once at start-up (``build_registries``) and passed down."""

    koski: KoskiPort
    onr: OnrPort
    organisaatio: OrganisaatioPort
