"""The SQL statements of one HOKS create and one read, counted in-process against a database
the benchmark prepared (``hoks_api.py`` runs this as a subprocess after its load phases).

The application is built through the real composition root from the same settings as the
served one, and called as uvicorn calls it; every statement on every engine of the process is
counted (``before_cursor_execute``), by purpose, as ``tests/hoks/test_statements.py`` does.

    python bench/statement_count.py --database-url URL --token TOKEN --learners 7 8
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from typing import Any

import orjson
from sqlalchemy import Engine, event

import workload
from request_anatomy import asgi_call

PATH = "/ehoks-virkailija-backend/api/v1/hoks"


def kind(statement: str) -> str:
    upper = " ".join(statement.split()).upper()
    if upper.startswith(("BEGIN", "COMMIT", "ROLLBACK")):
        return "transaction control"
    if upper.startswith("INSERT INTO AUDIT_STAGED"):
        # A write's own statement: its events staged in its transaction (audit.staging).
        return "audit staged"
    if (
        "AUDIT_EVENT" in upper
        or "AUDIT_STAGED" in upper
        or "PG_ADVISORY_XACT_LOCK(%(KEY)S)" in upper
    ):
        # The shared chain transaction (audit.appender): one per batch of requests.
        return "audit"
    if "SERVICE_CLIENT" in upper:
        return "client check"
    if "REGISTRY_" in upper:
        return "registry"
    if upper.startswith("WITH") and "INSERT INTO" in upper:
        return "write"  # the create's data-modifying CTE (hoks.create_repository)
    return "write" if upper.startswith(("INSERT", "UPDATE", "DELETE")) else "read"


def count(database_url: str, token: str, learners: list[int]) -> dict[str, Any]:
    from ehoks.config import load_settings  # the package under test, imported when used
    from ehoks.main import create_app

    app = create_app(load_settings(database_url=database_url))
    loop = asyncio.new_event_loop()
    seen: list[str] = []

    def listener(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    def call(method: str, path: str, body: bytes = b"") -> dict[str, int]:
        seen.clear()
        event.listen(Engine, "before_cursor_execute", listener)
        try:
            status = loop.run_until_complete(asgi_call(app, method, path, token, body))
        finally:
            event.remove(Engine, "before_cursor_execute", listener)
        if status != 200:
            raise RuntimeError(f"{method} {path} answered {status}")
        kinds: dict[str, int] = {}
        for statement in seen:
            kinds[kind(statement)] = kinds.get(kind(statement), 0) + 1
        return kinds

    *warm, counted = learners
    for index in warm:  # caches and compiled statements warm, as under load
        call("POST", PATH, orjson.dumps(workload.hoks_body(index)))
    create = call("POST", PATH, orjson.dumps(workload.hoks_body(counted)))
    runtime = app.state.ehoks.runtime
    with runtime.read_sessions.begin() as session:
        from ehoks.hoks.models import Hoks

        hoks_id = session.query(Hoks.id).order_by(Hoks.id.desc()).limit(1).scalar()
    call("GET", f"{PATH}/{hoks_id}")
    # On SQLite the appender first moves what the load left in its spool (audit.spool); that
    # is not the read's own work, so the read is counted after it.
    time.sleep(1.5)
    call("GET", f"{PATH}/{hoks_id}")
    read = call("GET", f"{PATH}/{hoks_id}")
    if runtime.read_audit is not None:
        runtime.read_audit.close()
    return {"create": create, "read": read}


def total(kinds: dict[str, int]) -> int:
    return sum(n for k, n in kinds.items() if k != "transaction control")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--learners", type=int, nargs="+", required=True)
    args = parser.parse_args()
    print(json.dumps(count(args.database_url, args.token, args.learners)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
