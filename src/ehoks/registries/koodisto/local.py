"""The Koodisto port in ``local`` mode.

The local registry has no Koodisto tables yet (their import is a later step of the registries
issue), so this implementation knows no code element: every lookup is "not found", which
enrichment shows as the bare code. It takes the engine already so that wiring does not change
when the tables arrive.
"""

from __future__ import annotations

from sqlalchemy import Engine

from ehoks.registries.koodisto.schemas import Koodi


class LocalKoodisto:
    def __init__(self, engine: Engine | None = None) -> None:
        self._engine = engine

    def get_koodi(self, koodi_uri: str, versio: int | None = None) -> Koodi | None:
        return None

    def list_koodit(self, koodisto_uri: str) -> list[Koodi]:
        return []
