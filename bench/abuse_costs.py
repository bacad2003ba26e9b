"""What the abuse defences cost, on SQLite and PostgreSQL (docs/security.md): a token request
with a generated secret (salted SHA-256) and with a hand-set one (argon2id); the per-request
check that a token's client is still enabled; one rate-limit hit; a HOKS read with and without
the client check; and a HOKS read while a writer holds the database. Prints figures; asserts
nothing.

    .venv/bin/python bench/abuse_costs.py [--requests 200] [--skip-postgres]

Only the benchmark's own databases are touched: a SQLite file in a temporary directory and the
PostgreSQL database ``--database-name`` (dropped and recreated, dropped again at the end).
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from ehoks.access import service as access_service
from ehoks.access.actor import OPH_ORGANISAATIO_OID
from ehoks.config import Settings
from ehoks.db import make_engine, make_session_factory
from ehoks.demo.loader import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, load_demo
from ehoks.main import create_app
from ehoks.migrate import upgrade
from ehoks.ratelimit.service import Check, RateLimiter
from ehoks.settings.ratelimit import Limit, RateLimitSettings
from raw_baseline import percentiles

API = "/ehoks-virkailija-backend/api/v1"
UNLIMITED = Limit(hits=0, seconds=60)


def timed(call: Callable[[], Any], count: int) -> dict[str, Any]:
    samples = []
    cpu = time.process_time()
    for _ in range(count):
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    return {"latency_ms": percentiles(samples), "cpu_ms": (time.process_time() - cpu) / count * 1e3}


def token(client: TestClient, client_id: str, secret: str) -> str:
    response = client.post(
        "/oauth2/token",
        data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret},
    )
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


def run(engine: Engine, database_url: str, requests: int) -> dict[str, Any]:
    upgrade(engine)
    settings = Settings(
        environment="test",
        database_url=database_url,
        rate_limits=RateLimitSettings(
            token_per_client=UNLIMITED, token_per_ip=UNLIMITED, login_per_ip=UNLIMITED
        ),
    )
    load_demo(settings, engine)
    with make_session_factory(engine).begin() as session:
        generated = access_service.create_client(
            session, name="bench", organisaatio_oid=OPH_ORGANISAATIO_OID, role="CRUD"
        )
    figures: dict[str, Any] = {}
    app = create_app(settings, engine=engine)
    state = app.state.ehoks
    with TestClient(app) as client:
        for _ in range(3):  # warm-up
            token(client, generated.client_id, generated.client_secret)
        figures["token, generated secret (SHA-256)"] = timed(
            lambda: token(client, generated.client_id, generated.client_secret), requests
        )
        figures["token, hand-set secret (argon2id)"] = timed(
            lambda: token(client, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET), max(10, requests // 10)
        )
        figures["client check (one read)"] = timed(
            lambda: state.require_active_client(generated.client_id), requests * 5
        )
        limiter = RateLimiter(state.runtime.write_sessions)
        check = Check("bench", Limit(hits=10**9, seconds=3600), "key")
        figures["rate-limit hit (one upsert)"] = timed(lambda: limiter.hit(check), requests * 2)
        bearer = token(client, generated.client_id, generated.client_secret)
        headers = {"Authorization": f"Bearer {bearer}", "Caller-Id": "bench"}

        def read() -> None:
            assert client.get(f"{API}/hoks/1", headers=headers).status_code == 200

        for _ in range(20):
            read()
        figures["GET /hoks/1"] = timed(read, requests)
        real_check = type(state).require_active_client
        type(state).require_active_client = lambda self, client_id: None  # type: ignore[method-assign]
        try:
            figures["GET /hoks/1 without the client check"] = timed(read, requests)
        finally:
            type(state).require_active_client = real_check  # type: ignore[method-assign]
        figures["GET /hoks/1 while a writer holds the database"] = timed(
            lambda: read_behind_a_writer(engine, read), 5
        )
    return figures


def read_behind_a_writer(engine: Engine, read: Callable[[], None]) -> None:
    holding, release = threading.Event(), threading.Event()

    def write() -> None:
        with make_session_factory(engine).begin() as session:
            session.execute(text("UPDATE hoks SET updated_at = updated_at WHERE id = 1"))
            holding.set()
            release.wait(60)
            session.rollback()

    writer = threading.Thread(target=write)
    writer.start()
    holding.wait(10)
    try:
        read()
    finally:
        release.set()
        writer.join()


def report(name: str, figures: dict[str, Any]) -> None:
    print(f"\n{name}")
    for key, entry in figures.items():
        lat = entry["latency_ms"]
        print(
            f"  {key:<46} p50 {lat['p50']:>8} ms  p99 {lat['p99']:>8} ms  "
            f"CPU {entry['cpu_ms']:.2f} ms"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres",
        help="PostgreSQL server (its database is only used to create the bench one)",
    )
    parser.add_argument("--database-name", default="ehoks_bench_abuse", help="recreated")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--skip-postgres", action="store_true")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="ehoks-bench-abuse-"))
    try:
        url = f"sqlite:///{work / 'abuse.sqlite3'}"
        sqlite = make_engine(url)
        report("SQLite (WAL)", run(sqlite, url, args.requests))
        sqlite.dispose()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if not args.skip_postgres:
        admin = make_url(args.database_url)
        server = create_engine(admin, isolation_level="AUTOCOMMIT")
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{args.database_name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{args.database_name}"'))
        url = admin.set(database=args.database_name).render_as_string(hide_password=False)
        engine = make_engine(url, pool_size=8)
        try:
            report("PostgreSQL", run(engine, url, args.requests))
        finally:
            engine.dispose()
            with server.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{args.database_name}"'))
            server.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
