"""The ePerusteet port in ``local`` mode: answered from the ``registry_eperusteet_*`` tables that
``ehoks registry import`` fills (``registries/local/eperusteet_data.py``).

Each call opens its own short read-only session, as the other local clients do. Answers go
through the HTTP client's parsing functions (``eperusteet/schemas.py``): a unit is read as the
HTTP client reads it out of a whole peruste, with that peruste's scope and diary number.

Where ePerusteet has several candidates the newest comes first: a unit's perusteet and the
perusteet of one diary number are ordered by the date they came into force, latest first (then
by id, highest first), so that a caller taking the first answer shows the current requirements.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from ehoks.db import single_read_session_factory
from ehoks.registries.eperusteet.schemas import (
    KoulutuksenOsa,
    Peruste,
    TutkinnonOsa,
    koulutuksen_osa_from_osat,
    peruste_from_document,
    tutkinnon_osa_from_document,
    tutkinnon_osat_from_peruste,
)
from ehoks.registries.local.models import EperusteetKoulutuksenOsa, EperusteetPeruste
from ehoks.registries.local.repository import EperusteetRepository


def _newest_first(perusteet: list[EperusteetPeruste]) -> list[EperusteetPeruste]:
    def key(row: EperusteetPeruste) -> tuple[date, int]:
        alkaa = peruste_from_document(row.document).voimassaolo_alkaa
        return (alkaa or date.min, row.id)

    return sorted(perusteet, key=key, reverse=True)


class LocalEperusteet:
    def __init__(self, engine: Engine | None = None) -> None:
        # Without an engine (the default of a hand-built ``Registries``) nothing is known.
        self._sessions: sessionmaker[Session] | None = (
            None if engine is None else single_read_session_factory(engine)
        )

    def find_tutkinnon_osat(self, koodi_uri: str) -> list[TutkinnonOsa]:
        if self._sessions is None:
            return []
        found: list[TutkinnonOsa] = []
        with self._sessions() as session:
            repository = EperusteetRepository(session)
            for osa in repository.tutkinnon_osat_by_koodi(koodi_uri):
                perusteet = _newest_first(repository.perusteet_of(osa.id))
                if not perusteet:
                    found.append(tutkinnon_osa_from_document(osa.document))
                for peruste in perusteet:
                    # The peruste as ePerusteet serves it, reduced to this one unit.
                    whole = {**peruste.document, "tutkinnonOsat": [osa.document]}
                    found.extend(tutkinnon_osat_from_peruste(whole, koodi_uri))
        return found

    def get_peruste_by_diaarinumero(self, diaarinumero: str) -> Peruste | None:
        if self._sessions is None:
            return None
        with self._sessions() as session:
            rows = EperusteetRepository(session).perusteet_by_diaarinumero(diaarinumero)
            newest = _newest_first(rows)
            return peruste_from_document(newest[0].document) if newest else None

    def find_koulutuksen_osa(self, koodi_uri: str) -> KoulutuksenOsa | None:
        if self._sessions is None:
            return None
        with self._sessions() as session:
            rows = EperusteetRepository(session).koulutuksen_osat_by_koodi(koodi_uri)
            # A part read with its peruste first, then the highest id.
            rows.sort(key=_koulutuksen_osa_order, reverse=True)
            for row in rows:
                found = koulutuksen_osa_from_osat([row.document], koodi_uri)
                if found is not None:
                    return found
        return None


def _koulutuksen_osa_order(row: EperusteetKoulutuksenOsa) -> tuple[bool, int, int]:
    return (row.peruste_id is not None, row.peruste_id or 0, row.id)
