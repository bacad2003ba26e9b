"""The ePerusteet port in ``local`` mode.

The local registry has no ePerusteet tables yet (their import is a later step of the registries
issue), so this implementation knows no peruste: every lookup is "not found", which enrichment
shows as the bare code. It takes the engine already so that wiring does not change when the
tables arrive.
"""

from __future__ import annotations

from sqlalchemy import Engine

from ehoks.registries.eperusteet.schemas import KoulutuksenOsa, Peruste, TutkinnonOsa


class LocalEperusteet:
    def __init__(self, engine: Engine | None = None) -> None:
        self._engine = engine

    def find_tutkinnon_osat(self, koodi_uri: str) -> list[TutkinnonOsa]:
        return []

    def get_peruste_by_diaarinumero(self, diaarinumero: str) -> Peruste | None:
        return None

    def find_koulutuksen_osa(self, koodi_uri: str) -> KoulutuksenOsa | None:
        return None
