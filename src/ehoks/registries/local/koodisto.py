"""The Koodisto port in ``local`` mode: answered from the ``registry_koodisto_koodi`` table that
``ehoks registry import`` fills (``registries/local/koodisto_data.py``).

As the other local clients, each call opens its own short read-only session: a code name is
reference data, not part of the caller's unit of work. The answers are parsed by the same
function as the HTTP client's, so both modes show a code alike.
"""

from __future__ import annotations

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from ehoks.db import single_read_session_factory
from ehoks.registries.koodisto.schemas import Koodi, koodi_from_koodisto
from ehoks.registries.local.repository import KoodistoRepository


class LocalKoodisto:
    def __init__(self, engine: Engine | None = None) -> None:
        # Without an engine (the default of a hand-built ``Registries``) no code is known.
        self._sessions: sessionmaker[Session] | None = (
            None if engine is None else single_read_session_factory(engine)
        )

    def get_koodi(self, koodi_uri: str, versio: int | None = None) -> Koodi | None:
        if self._sessions is None:
            return None
        with self._sessions() as session:
            repository = KoodistoRepository(session)
            row = (
                repository.latest(koodi_uri)
                if versio is None
                else repository.get(koodi_uri, versio)
            )
            return None if row is None else koodi_from_koodisto(row.document)

    def list_koodit(self, koodisto_uri: str) -> list[Koodi]:
        if self._sessions is None:
            return []
        with self._sessions() as session:
            rows = KoodistoRepository(session).latest_of_koodisto(koodisto_uri)
            return [koodi_from_koodisto(row.document) for row in rows]
