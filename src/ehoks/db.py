"""Database plumbing: the declarative base, engines for SQLite and PostgreSQL, transactions.

One code path for both engines (DESIGN D4). SQLite specifics live here and nowhere else.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import (
    JSON,
    DateTime,
    Dialect,
    Engine,
    MetaData,
    TypeDecorator,
    create_engine,
    event,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.pool import NullPool

# How long a SQLite writer waits for the write lock before "database is locked" (a 503). Work
# that must not wait (the read audit, a session's last-seen time) uses an engine of its own
# that waits less (``impatient_session_factory``).
BUSY_TIMEOUT_MS = 30_000

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "%(table_name)s_%(column_0_name)s_key",
    "ck": "%(table_name)s_%(constraint_name)s_check",
    "fk": "%(table_name)s_%(column_0_name)s_fkey",
    "pk": "%(table_name)s_pkey",
}

# A JSON document column: JSONB on PostgreSQL (indexable, compact), JSON text on SQLite.
JsonDocument = JSON().with_variant(JSONB(), "postgresql")


class UtcDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on both engines (SQLite drops the zone on the way back)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def make_engine(url: str, *, pool_size: int = 10, echo: bool = False) -> Engine:
    if url.startswith("sqlite"):
        return _make_sqlite_engine(url, echo=echo)
    return create_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size,
        # No pre-ping: it costs a round trip per checkout on every request. A connection the
        # server dropped fails its request with a 503 (api/errors.py) and is replaced.
        pool_pre_ping=False,
        pool_recycle=1800,
        json_serializer=_json_dumps,
        json_deserializer=orjson.loads,
        echo=echo,
        # A data error's message would otherwise carry the statement's parameters (learners'
        # names, OIDs, e-mail addresses) into the logs and the error text.
        hide_parameters=True,
    )


def _json_dumps(value: Any) -> str:
    # orjson is ~10x faster than the standard library on 15 KB HOKS documents.
    return orjson.dumps(value).decode()


def _make_sqlite_engine(url: str, *, echo: bool, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> Engine:
    database = url.split("///", 1)[1] if "///" in url else ""
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url,
        echo=echo,
        json_serializer=_json_dumps,
        json_deserializer=orjson.loads,
        connect_args={"check_same_thread": False, "timeout": busy_timeout_ms / 1000},
        hide_parameters=True,
        poolclass=NullPool if database in ("", ":memory:") else None,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # pysqlite's own transaction handling breaks SAVEPOINT; SQLAlchemy's documented recipe
        # turns it off and emits BEGIN ourselves (see the "begin" listener below).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # Writers take the write lock up front (IMMEDIATE), so two writers queue on busy_timeout
        # instead of failing with "database is locked" when a read transaction upgrades. Readers
        # ask for DEFERRED (see read_only_session_factory) and never block anyone under WAL.
        mode = conn.get_execution_options().get("sqlite_begin", "IMMEDIATE")
        conn.exec_driver_sql(f"BEGIN {mode}")

    return engine


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=False)


def read_only_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions for pure reads. On SQLite they begin DEFERRED so they never wait for writers."""
    return sessionmaker(
        bind=engine.execution_options(sqlite_begin="DEFERRED"),
        expire_on_commit=False,
        autoflush=False,
    )


def impatient_session_factory(engine: Engine, *, wait_ms: int = 250) -> sessionmaker[Session]:
    """Write sessions for work that may give way rather than wait: on a SQLite file they wait
    at most ``wait_ms`` for the write lock and then fail with "database is locked" (an
    ``OperationalError``) for the caller to handle. Their connections are their own (a second
    engine on the same file), so no connection switches its busy timeout back and forth. On
    PostgreSQL (writers there lock rows, not the database) and in memory, ordinary sessions."""
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if not database or database == ":memory:":
        return make_session_factory(engine)
    impatient = _make_sqlite_engine(
        engine.url.render_as_string(hide_password=False), echo=False, busy_timeout_ms=wait_ms
    )
    return make_session_factory(impatient)


def is_lock_timeout(exc: BaseException) -> bool:
    """Whether ``exc`` is SQLite's "database is locked" (a writer held the lock too long)."""
    return "database is locked" in str(exc)


def single_read_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions for lookups of one or two independent rows (the local registries): on
    PostgreSQL they run in autocommit, which saves the BEGIN and ROLLBACK round trips; SQLite
    reads are deferred transactions as in ``read_only_session_factory``."""
    if engine.dialect.name == "postgresql":
        return sessionmaker(
            bind=engine.execution_options(isolation_level="AUTOCOMMIT"),
            expire_on_commit=False,
            autoflush=False,
        )
    return read_only_session_factory(engine)


@contextmanager
def transaction(session_factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work for the CLI and jobs: commit on success, roll back on any error."""
    with session_factory.begin() as session:
        yield session


def database_answers(engine: Engine) -> bool:
    """Whether the database takes a query now (the health check)."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError:
        return False
    return True
