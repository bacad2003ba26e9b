"""The ports answered from the local registry tables.

Each call opens its own short read-only session rather than joining the caller's: a registry
answer is reference data, not part of the caller's unit of work, and the HTTP clients that
stand in for these hold no database session either. Database errors propagate unchanged; they
are our own failures, not a registry being unavailable.
"""

from __future__ import annotations

import threading
from typing import Any

from cachetools import TTLCache
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from ehoks.db import single_read_session_factory
from ehoks.registries.koski.schemas import Opiskeluoikeus, opiskeluoikeus_from_koski
from ehoks.registries.local.models import (
    KoskiOpiskeluoikeus,
    KoskiOppija,
    OnrHenkilo,
    OrganisaatioRecord,
)
from ehoks.registries.local.repository import RegistryRepository
from ehoks.registries.onr.schemas import Henkilo, henkilo_from_onr
from ehoks.registries.organisaatio.schemas import (
    Organisaatio,
    organisaatio_from_document,
    parse_parent_oid_path,
)

# Bounds the walk up ``parentOid`` links for documents without a ``parentOidPath``; real
# hierarchies are four or five levels deep, and a cycle in bad data must not loop forever.
_MAX_DEPTH = 32


class _LocalRegistry:
    def __init__(self, engine: Engine) -> None:
        self._sessions: sessionmaker[Session] = single_read_session_factory(engine)


class ReadAhead:
    """Answers read together with an earlier question, kept for the next ask, once, for at most
    ``TTL_SECONDS`` (a registry answer is reference data, as cacheable as the HTTP registries'
    answers). Shared by the local Koski and ONR ports (``build_registries``), so that the
    create's and the update's three lookups — the study right, its learner's study rights and
    the learner's person — are one statement on one connection."""

    TTL_SECONDS = 5.0

    def __init__(self) -> None:
        self._answers: TTLCache[tuple[str, str], Any] = TTLCache(maxsize=256, ttl=self.TTL_SECONDS)
        self._lock = threading.Lock()

    def keep(self, port: str, oid: str, answer: Any) -> None:
        with self._lock:
            self._answers[(port, oid)] = answer

    def take(self, port: str, oid: str) -> tuple[bool, Any]:
        """(True, the answer) when one was read ahead (and forgets it), else (False, None)."""
        with self._lock:
            if (port, oid) in self._answers:
                return True, self._answers.pop((port, oid))
        return False, None


class LocalKoski(_LocalRegistry):
    """Study rights. A create reads the study right named in the body and then every study
    right of its learner; the first read fetches both in one statement and keeps the learner's
    rows for the second (``ReadAhead``). With a read-ahead shared with ``LocalOnr`` the same
    statement reads the learner's ONR person too, kept for ``LocalOnr.get_henkilo``."""

    def __init__(self, engine: Engine, *, read_ahead: ReadAhead | None = None) -> None:
        super().__init__(engine)
        self._reads_henkilo = read_ahead is not None
        self._read_ahead = read_ahead or ReadAhead()

    def get_opiskeluoikeus(self, oid: str) -> Opiskeluoikeus | None:
        with self._sessions() as session:
            rows = RegistryRepository(session).opiskeluoikeus_with_learner(oid)
        found = next(
            ((doc, learner) for row_oid, learner, doc in rows.opiskeluoikeudet if row_oid == oid),
            None,
        )
        if found is None:
            return None
        document, oppija_oid = found
        if oppija_oid is not None:
            siblings = [(doc, learner) for _, learner, doc in rows.opiskeluoikeudet]
            self._read_ahead.keep("koski", oppija_oid, siblings)
            if self._reads_henkilo:
                henkilo = rows.henkilo[1] if rows.henkilo is not None else None
                self._read_ahead.keep("onr", oppija_oid, henkilo)
        return opiskeluoikeus_from_koski(document, oppija_oid)

    def get_oppijan_opiskeluoikeudet(self, oppija_oid: str) -> list[Opiskeluoikeus] | None:
        ahead, remembered = self._read_ahead.take("koski", oppija_oid)
        if ahead:
            return [opiskeluoikeus_from_koski(doc, learner) for doc, learner in remembered]
        with self._sessions() as session:
            repository = RegistryRepository(session)
            rows = repository.opiskeluoikeudet_of(oppija_oid)
            if not rows and repository.get(KoskiOppija, oppija_oid) is None:
                return None
            return [opiskeluoikeus_from_koski(row.document, row.oppija_oid) for row in rows]

    def get_opiskeluoikeus_document(self, oid: str) -> dict[str, Any] | None:
        with self._sessions() as session:
            row = RegistryRepository(session).get(KoskiOpiskeluoikeus, oid)
            return None if row is None else dict(row.document)


class LocalOnr(_LocalRegistry):
    """Persons; the one ``LocalKoski`` read ahead with a study right (a shared ``ReadAhead``)
    is answered without a statement of its own."""

    def __init__(self, engine: Engine, *, read_ahead: ReadAhead | None = None) -> None:
        super().__init__(engine)
        self._read_ahead = read_ahead

    def get_henkilo(self, oid: str) -> Henkilo | None:
        if self._read_ahead is not None:
            ahead, document = self._read_ahead.take("onr", oid)
            if ahead:
                return None if document is None else henkilo_from_onr(document)
        with self._sessions() as session:
            row = RegistryRepository(session).get(OnrHenkilo, oid)
            return None if row is None else henkilo_from_onr(row.document)

    def get_master_oid(self, oid: str) -> str | None:
        with self._sessions() as session:
            row = RegistryRepository(session).get(OnrHenkilo, oid)
            if row is None:
                return None
            return row.master_oid or row.oid

    def get_slave_oids(self, oid: str) -> list[str]:
        with self._sessions() as session:
            return RegistryRepository(session).slave_oids_of(oid)


class LocalOrganisaatio(_LocalRegistry):
    """Organisations; the ancestors of each are cached for ``cache_ttl_seconds``.

    Every access decision asks for the HOKS's institution's ancestors, so without a cache every
    request would pay a second database round trip for data that changes a few times a year.
    A re-import shows in access decisions within the cache's lifetime.
    """

    def __init__(self, engine: Engine, *, cache_ttl_seconds: float = 60.0) -> None:
        super().__init__(engine)
        self._ancestors: TTLCache[str, tuple[str, ...]] = TTLCache(
            maxsize=10_000, ttl=cache_ttl_seconds
        )
        self._lock = threading.Lock()

    def get_organisaatio(self, oid: str) -> Organisaatio | None:
        with self._sessions() as session:
            row = RegistryRepository(session).get(OrganisaatioRecord, oid)
            return None if row is None else organisaatio_from_document(row.document)

    def ancestors_and_self(self, oid: str) -> tuple[str, ...] | None:
        with self._lock:
            cached = self._ancestors.get(oid)
        if cached is not None:
            return cached
        found = self._read_ancestors_and_self(oid)
        if found is not None:  # an unknown organisation is asked again next time
            with self._lock:
                self._ancestors[oid] = found
        return found

    def _read_ancestors_and_self(self, oid: str) -> tuple[str, ...] | None:
        with self._sessions() as session:
            repository = RegistryRepository(session)
            row = repository.get(OrganisaatioRecord, oid)
            if row is None:
                return None
            path = parse_parent_oid_path(row.parent_oid_path, oid)
            if path or row.parent_oid is None:
                return (*path, oid)
            return (*self._walk_up(repository, row.parent_oid, {oid}), oid)

    @staticmethod
    def _walk_up(repository: RegistryRepository, parent_oid: str, seen: set[str]) -> list[str]:
        """Ancestors by following ``parentOid`` when a document carries no ``parentOidPath``."""
        chain: list[str] = []
        current: str | None = parent_oid
        while current is not None and current not in seen and len(chain) < _MAX_DEPTH:
            seen.add(current)
            chain.append(current)
            row = repository.get(OrganisaatioRecord, current)
            if row is None:
                break
            path = parse_parent_oid_path(row.parent_oid_path, current)
            if path:
                chain.extend(reversed(path))
                break
            current = row.parent_oid
        return list(reversed(chain))
