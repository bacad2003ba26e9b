"""Registers every ORM model on ``Base.metadata`` (for Alembic and the migration check)."""

from __future__ import annotations

import importlib

MODEL_MODULES = (
    "ehoks.hoks.models",
    "ehoks.access.models",
    "ehoks.registries.local.models",
    "ehoks.oppijaindex.models",
    "ehoks.auth.models",
    "ehoks.audit.models",
    "ehoks.sharing.models",
    "ehoks.virkailija.models",
    "ehoks.jatko.models",
    "ehoks.tyopaikka.models",
    "ehoks.ratelimit.models",
    "ehoks.outbox.models",
)


def import_all_models() -> None:
    for name in MODEL_MODULES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:  # a domain not built yet has no tables
            if exc.name is None or not name.startswith(exc.name):
                raise
