"""Loads the demo: registry data, a demo service client and a dozen HOKSes (or a population
written by ``demo generate``: any registry directory with a ``hoks/`` beside the registries)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from ehoks.access import service as access_service
from ehoks.access.actor import OPH_ORGANISAATIO_OID, SystemActor
from ehoks.access.repository import ServiceClientRepository
from ehoks.config import Settings
from ehoks.context import build_runtime
from ehoks.db import make_session_factory, transaction
from ehoks.hoks import service as hoks_service
from ehoks.hoks.repository import HoksRepository
from ehoks.registries.local import import_directory

DATA_DIR = Path(__file__).parent / "data"
DEMO_CLIENT_ID = "ehoks-demo"
DEMO_CLIENT_SECRET = "ehoks-demo-secret"


@dataclass(frozen=True)
class DemoSummary:
    registry: str
    hoks_created: int
    hoks_existing: int


def load_demo(settings: Settings, engine: Engine, directory: Path = DATA_DIR) -> DemoSummary:
    """Idempotent: running it twice leaves one copy of everything."""
    if settings.environment == "production":
        raise RuntimeError("demo data is never loaded into a production environment")
    summary = import_directory(engine, directory)
    session_factory = make_session_factory(engine)
    with transaction(session_factory) as session:
        if ServiceClientRepository(session).get(DEMO_CLIENT_ID) is None:
            access_service.create_client(
                session,
                name="Demo student information system",
                organisaatio_oid=OPH_ORGANISAATIO_OID,
                role="CRUD",
                client_id=DEMO_CLIENT_ID,
                client_secret=DEMO_CLIENT_SECRET,
            )
    deps = build_runtime(settings, engine).context()
    created = existing = 0
    for path in sorted((directory / "hoks").glob("*.json")):
        body = json.loads(path.read_text(encoding="utf-8"))
        with transaction(session_factory) as session:
            if HoksRepository(session).get_by_opiskeluoikeus(body["opiskeluoikeus-oid"]):
                existing += 1
                continue
            hoks_service.create(session, SystemActor("demo"), body, deps)
            created += 1
    registry = (
        f"{summary.organisaatiot} organisations, {summary.onr_henkilot} persons, "
        f"{summary.koski_opiskeluoikeudet} study rights ({summary.created} new, "
        f"{summary.updated} updated)"
    )
    return DemoSummary(registry=registry, hoks_created=created, hoks_existing=existing)
