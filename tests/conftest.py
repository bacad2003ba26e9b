"""Test fixtures: a real database built by the migrations, once per test worker.

SQLite by default; PostgreSQL when ``EHOKS_TEST_DATABASE_URL`` names a server URL (CI runs both).
Each test starts from empty tables (truncated after the test), so tests may use several
connections at once, as the running service does.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from ehoks.access import service as access_service
from ehoks.config import Settings
from ehoks.db import Base, make_engine, make_session_factory
from ehoks.main import create_app
from ehoks.migrate import upgrade
from ehoks.models import import_all_models
from ehoks.registries.local import import_directory
from tests.factories import World

# Every log line of the suite is scanned for personal data (docs/security.md, "Logs").
pytest_plugins = ["tests.log_scan"]

SHARED_REFERENCE = Path(__file__).resolve().parents[1].parent / "shared" / "reference"


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def _database_url(tmp_root: Path) -> str:
    server = os.environ.get("EHOKS_TEST_DATABASE_URL")
    if not server:
        return f"sqlite:///{tmp_root / f'ehoks-test-{_worker()}.sqlite3'}"
    url = make_url(server)
    # One database per worker and run, so parallel runs on one server never drop each other's.
    name = f"ehoks_test_{_worker()}_{os.getpid()}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return _database_url(tmp_path_factory.mktemp("db"))


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    eng = make_engine(database_url, pool_size=5)
    upgrade(eng)
    yield eng
    eng.dispose()
    if eng.dialect.name == "postgresql":
        _drop_database(database_url)


def _drop_database(url: str) -> None:
    parsed = make_url(url)
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
    admin.dispose()


def _truncate(engine: Engine) -> None:
    import_all_models()
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for name in tables:
                conn.execute(text(f"DELETE FROM {name}"))
            if conn.execute(
                text("SELECT 1 FROM sqlite_master WHERE name='sqlite_sequence'")
            ).first():
                conn.execute(text("DELETE FROM sqlite_sequence"))


@pytest.fixture
def db(engine: Engine) -> Iterator[Engine]:
    """The migrated database, emptied after the test."""
    yield engine
    _truncate(engine)


@pytest.fixture
def session_factory(db: Engine) -> sessionmaker[Session]:
    return make_session_factory(db)


@pytest.fixture
def shared_reference() -> Path:
    if not SHARED_REFERENCE.is_dir():
        pytest.skip(f"reference data not found at {SHARED_REFERENCE} (../shared is absent)")
    return SHARED_REFERENCE


# The application, built through the real composition root over the test database.

API = "/ehoks-virkailija-backend/api/v1"


@pytest.fixture
def world(db: Engine, tmp_path: Path) -> World:
    """The registry world of a test, imported into the local registry on every change."""
    created = World()
    created.on_change = lambda w: load_world(db, w, tmp_path)
    created.changed()
    return created


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(environment="test", database_url=database_url)


@pytest.fixture
def app(db: Engine, settings: Settings, world: World) -> FastAPI:
    return create_app(settings, engine=db)


def load_world(engine: Engine, world: World, tmp_path: Path) -> None:
    root = tmp_path / f"registry-{len(list(tmp_path.glob('registry-*')))}"
    import_directory(engine, world.write(root))


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


class Clients:
    """Service clients of given organisation and role, and their bearer headers."""

    def __init__(self, engine: Engine, client: TestClient) -> None:
        self.engine = engine
        self.client = client
        self.last_client_id = ""

    def headers(self, organisaatio: str, role: str = "CRUD") -> dict[str, str]:
        with make_session_factory(self.engine).begin() as session:
            new = access_service.create_client(
                session,
                name=f"test {organisaatio} {role}",
                organisaatio_oid=organisaatio,
                role=role,
            )
        response = self.client.post(
            "/oauth2/token",
            data={
                "grant_type": "client_credentials",
                "client_id": new.client_id,
                "client_secret": new.client_secret,
            },
        )
        assert response.status_code == 200, response.text
        self.last_client_id = new.client_id
        return {
            "Authorization": f"Bearer {response.json()['access_token']}",
            "Caller-Id": "ehoks-tests",
        }


@pytest.fixture
def clients(db: Engine, client: TestClient) -> Clients:
    return Clients(db, client)
