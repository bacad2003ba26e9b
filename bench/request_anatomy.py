"""Where the time of one HOKS create and one HOKS read goes, measured in-process and one request
at a time (no concurrency): each step of the request on its own, the whole service call, and
the whole ASGI application call (FastAPI and its middleware included, uvicorn's HTTP parsing
not). Also counts the SQL statements, transactions and pool checkouts of each request.

    .venv/bin/python bench/request_anatomy.py --database-url postgresql+psycopg://postgres@127.0.0.1/postgres
    .venv/bin/python bench/request_anatomy.py --database-url sqlite:////tmp/ehoks-anatomy.sqlite3

Creates and drops its own database (default ``ehoks_anatomy``; on SQLite the named file). Prints
figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import cProfile
import os
import pstats
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import anyio.to_thread
import orjson
from sqlalchemy import event

import workload
from service import Database, run_cli
from sqlite_db import SqliteDatabase

PATH = "/ehoks-virkailija-backend/api/v1/hoks"


class Counts:
    """SQL statements, transactions and pool checkouts seen on an engine."""

    def __init__(self, engine: Any) -> None:
        self.counter: Counter[str] = Counter()
        self.statements: list[str] = []
        event.listen(engine, "before_cursor_execute", self._statement)
        event.listen(engine, "begin", lambda *_: self.counter.update(["BEGIN"]))
        event.listen(engine, "commit", lambda *_: self.counter.update(["COMMIT"]))
        event.listen(engine, "rollback", lambda *_: self.counter.update(["ROLLBACK"]))
        event.listen(engine, "savepoint", lambda *_: self.counter.update(["SAVEPOINT"]))
        event.listen(engine, "release_savepoint", lambda *_: self.counter.update(["RELEASE"]))
        event.listen(engine.pool, "checkout", lambda *_: self.counter.update(["pool checkout"]))

    def _statement(self, _conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        self.counter.update(["statement"])
        self.statements.append(" ".join(statement.split())[:110])

    def reset(self) -> None:
        self.counter.clear()
        self.statements.clear()


def timed(function: Callable[[], Any], repeat: int) -> dict[str, float]:
    """Median wall and process-CPU time of ``function`` in microseconds."""
    function()
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        function()
        cpus.append(time.process_time() - cpu)
        walls.append(time.perf_counter() - wall)
    return {
        "wall_us": round(statistics.median(walls) * 1e6, 1),
        "cpu_us": round(statistics.median(cpus) * 1e6, 1),
    }


def profile(label: str, call: Callable[[], Any], repeat: int, lines: int) -> None:
    """cProfile ``repeat`` calls (its overhead inflates small functions: read the shares)."""
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(repeat):
        call()
    profiler.disable()
    print(f"\ncProfile of {repeat} x {label}, by cumulative time")
    stats = pstats.Stats(profiler, stream=sys.stdout)
    stats.sort_stats("cumulative").print_stats(lines)


async def asgi_call(app: Any, method: str, path: str, token: str, body: bytes = b"") -> int:
    """Call the ASGI application as uvicorn does, without the socket and HTTP parsing."""
    headers = [
        (b"host", b"127.0.0.1"),
        (b"authorization", f"Bearer {token}".encode()),
        (b"caller-id", b"bench"),
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
    ]
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
        "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
        "root_path": "", "headers": headers, "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000), "state": {},
    }  # fmt: skip
    messages = [{"type": "http.request", "body": body, "more_body": False}]
    status = 0

    async def receive() -> dict[str, Any]:
        if messages:
            return messages.pop()
        await asyncio.sleep(3600)
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = int(message["status"])

    await app(scope, receive, send)
    return status


def framework_hops(repeat: int) -> None:
    """What FastAPI's threadpool costs: the same empty route as ``async def`` and as ``def``,
    and with a sync dependency and a sync generator dependency (each runs in the threadpool)
    against the same two as ``async def``."""
    from fastapi import Depends, FastAPI

    app = FastAPI()

    def dep_sync() -> int:
        return 1

    async def dep_async() -> int:
        return 1

    def gen_sync() -> Iterator[int]:
        yield 1

    async def gen_async() -> AsyncIterator[int]:
        yield 1

    @app.get("/async")
    async def route_async() -> dict[str, Any]:
        return {}

    @app.get("/sync")
    def route_sync() -> dict[str, Any]:
        return {}

    @app.get("/sync-with-sync-deps")
    def route_sync_deps(a: int = Depends(dep_sync), b: int = Depends(gen_sync)) -> dict[str, Any]:
        return {}

    @app.get("/sync-with-async-deps")
    def route_async_deps(
        a: int = Depends(dep_async), b: int = Depends(gen_async)
    ) -> dict[str, Any]:
        return {}

    loop = asyncio.new_event_loop()
    paths = ["/async", "/sync", "/sync-with-sync-deps", "/sync-with-async-deps"]
    samples: dict[str, list[float]] = {path: [] for path in paths}
    for _ in range(max(1, repeat // 10)):  # interleaved, so other load hits all alike
        for path in paths:
            for _ in range(10):
                began = time.process_time()
                loop.run_until_complete(asgi_call(app, "GET", path, "-"))
                samples[path].append(time.process_time() - began)
    loop.close()
    print("\nFastAPI threadpool hops (an empty route; median process CPU per call)")
    for path in paths:
        print(f"   {path:24} {statistics.median(samples[path]) * 1e6:8.1f} µs")


def get_sync_vs_async(app: Any, token: str, hoks_id: int, repeat: int) -> None:
    """``GET /hoks/{id}`` as served against two ``def`` twins mounted on the same application,
    interleaved so that other load hits all alike:

    * "def, the same one read": the served route's work as a sync route — its dependency
      unchanged, the read in the route's thread, the audit append waited for in that thread;
      against the served route, this is sync against async for the same work;
    * "def, the former path": the route as it was before the lean path (issue 12, item 5) —
      the client's active check in a threadpool hop of its own, then the ORM read of the whole
      row and the append in the route's thread.

    Run against code without the lean path, the first twin is left out."""
    from typing import Annotated

    from fastapi import Depends, Request
    from fastapi.responses import Response

    from ehoks.api import deps
    from ehoks.api.responses import encoded, envelope
    from ehoks.context.request import State, context_of
    from ehoks.hoks import service as hoks_service

    async def former_context(request: Any, state: Any, actor: Any) -> Any:
        return context_of(request, state, actor)

    def former(hoks_id: int, actor: Any, ctx: Any) -> Response:
        with ctx.read() as session:
            hoks, view = hoks_service.get(session, actor, hoks_id, ctx)
        return envelope(view, headers={"ETag": hoks_service.etag(hoks.version)})

    # This module's annotations are strings, which FastAPI would resolve in the module's
    # globals, where these function-local imports are not. The former path's context was a
    # dependency of its own, after ``ServiceClient``'s check in a hop of its own.
    former_context.__annotations__ = {
        "request": Request, "state": State, "actor": deps.ServiceClient, "return": Any
    }  # fmt: skip
    former.__annotations__ = {
        "hoks_id": int, "actor": deps.ServiceClient,
        "ctx": Annotated[Any, Depends(former_context)], "return": Response,
    }  # fmt: skip
    app.add_api_route("/twin/former/{hoks_id}", former, methods=["GET"])
    paths = {"the route as served": f"{PATH}/{hoks_id}"}
    if hasattr(deps, "ServiceClientCall"):
        from ehoks.hoks.service import reading

        def same_read(hoks_id: int, caller: Any) -> Response:
            with caller.ctx.read() as session:
                hoks = reading.get_checking_client(
                    session, caller.actor, hoks_id, caller.ctx, client_id=caller.unchecked_client_id
                )
            return encoded(reading.body_of(hoks), {"ETag": hoks_service.etag(hoks.version)})

        same_read.__annotations__ = {
            "hoks_id": int, "caller": deps.ServiceClientCall, "return": Response
        }  # fmt: skip
        app.add_api_route("/twin/same/{hoks_id}", same_read, methods=["GET"])
        paths["def, the same one read"] = f"/twin/same/{hoks_id}"
    paths["def, the former path"] = f"/twin/former/{hoks_id}"
    samples: dict[str, list[tuple[float, float]]] = {label: [] for label in paths}

    async def run() -> None:
        # In one task, as under uvicorn: anyio stops its worker threads when the task that
        # started them ends, so a loop.run_until_complete per call would start a thread per
        # call and overstate every threadpool hop.
        for _ in range(max(1, repeat // 10)):
            for label, path in paths.items():
                for _ in range(10):
                    wall, cpu = time.perf_counter(), time.process_time()
                    status = await asgi_call(app, "GET", path, token)
                    taken = (time.perf_counter() - wall, time.process_time() - cpu)
                    samples[label].append(taken)
                    assert status == 200, (path, status)

    # Then CONCURRENT requests (the threadpool's 10 threads, as served): a sync route holds
    # its thread while its audit event waits for the batch; the async route frees it.
    in_flight = 32
    rounds: dict[str, list[tuple[float, float]]] = {label: [] for label in paths}

    async def concurrent() -> None:
        anyio.to_thread.current_default_thread_limiter().total_tokens = 10
        for _ in range(3):
            for label, path in paths.items():
                wall, cpu = time.perf_counter(), time.process_time()
                for _ in range(max(1, repeat // in_flight)):
                    statuses = await asyncio.gather(
                        *(asgi_call(app, "GET", path, token) for _ in range(in_flight))
                    )
                    assert set(statuses) == {200}, (path, statuses)
                done = max(1, repeat // in_flight) * in_flight
                rounds[label].append(
                    ((time.perf_counter() - wall) / done, (time.process_time() - cpu) / done)
                )

    asyncio.run(run())
    asyncio.run(concurrent())
    print("\nGET /hoks/{id}: the async route against sync twins (medians, interleaved, one task)")
    for label, taken in samples.items():
        wall_us = statistics.median(w for w, _ in taken) * 1e6
        cpu_us = statistics.median(c for _, c in taken) * 1e6
        print(f"   {label:24} wall {wall_us:8.1f} µs   CPU {cpu_us:8.1f} µs")
    print(f"  {in_flight} at a time (3 rounds each, best of the 3; 10 threads)")
    for label, taken in rounds.items():
        wall_s, cpu_s = min(taken)
        print(f"   {label:24} {1 / wall_s:8.1f} GETs/s   CPU {cpu_s * 1e6:8.1f} µs each")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    )
    parser.add_argument("--database-name", default="ehoks_anatomy")
    parser.add_argument("--repeat", type=int, default=200, help="timed runs of each step")
    parser.add_argument(
        "--cprofile", type=int, default=0, metavar="LINES", help="also cProfile both requests"
    )
    args = parser.parse_args()

    # Imported here: the service package is what is being measured.
    from ehoks.access import service as access_service
    from ehoks.access.actor import ServiceClientActor
    from ehoks.config import load_settings
    from ehoks.hoks import service as hoks_service
    from ehoks.hoks.identity import assign_module_ids
    from ehoks.hoks.schemas import validate_hoks
    from ehoks.hoks.service.common import full_view
    from ehoks.hoks.service.creation import request_hash
    from ehoks.kernel.clock import today_in_finland
    from ehoks.main import create_app

    database: Database | SqliteDatabase
    if args.database_url.startswith("sqlite"):
        # The file's read audit appends through an engine of its own (db.impatient_session_
        # factory), so its statements are not in the counts below.
        database = SqliteDatabase(args.database_url)
    else:
        database = Database(args.database_url, args.database_name)
    learners = 4 * args.repeat + 10
    work = Path(tempfile.mkdtemp(prefix="ehoks-anatomy-"))
    database.recreate()
    try:
        env = {**os.environ, "EHOKS_DATABASE_URL": database.sqlalchemy_url}
        run_cli(env, "db", "upgrade")
        run_cli(env, "registry", "import", str(workload.write_registry(work, learners)))
        settings = load_settings(database_url=database.sqlalchemy_url)
        app = create_app(settings)
        state = app.state.ehoks
        deps = state.runtime.context()
        counts = Counts(state.engine)
        with state.runtime.write_sessions.begin() as session:
            client = access_service.create_client(
                session, name="anatomy", organisaatio_oid=workload.OPH_ROOT_OID, role="CRUD"
            )
            token = access_service.issue_token(
                session,
                client_id=client.client_id,
                client_secret=client.client_secret,
                settings=settings,
            ).access_token
        actor = ServiceClientActor(client.client_id, "anatomy", workload.OPH_ROOT_OID, "CRUD")
        next_learner = iter(range(learners))

        def body() -> bytes:
            return orjson.dumps(workload.hoks_body(next(next_learner)))

        sample = body()
        parsed = orjson.loads(sample)
        oo_oid = parsed["opiskeluoikeus-oid"]
        oo = deps.registries.koski.get_opiskeluoikeus(oo_oid)
        today = today_in_finland()
        document = validate_hoks(parsed, method="post", opiskeluoikeus=oo, today=today)
        loop = asyncio.new_event_loop()
        created: list[int] = []

        def service_create() -> None:
            data = orjson.loads(body())
            # A context per create, as each request has (a context remembers registry answers).
            ctx = state.runtime.context()
            with state.runtime.write_sessions.begin() as session:
                created.append(hoks_service.create(session, actor, data, ctx).hoks_id)

        def asgi_create() -> None:
            status = loop.run_until_complete(asgi_call(app, "POST", PATH, token, body()))
            assert status == 200, status

        def service_get() -> None:
            with state.runtime.read_sessions.begin() as session:
                orjson.dumps({"meta": {}, "data": hoks_service.get(session, actor, hid, deps)[1]})

        def asgi_get() -> None:
            status = loop.run_until_complete(asgi_call(app, "GET", f"{PATH}/{hid}", token))
            assert status == 200, status

        service_create()
        hid = created[-1]
        with state.runtime.read_sessions.begin() as session:
            stored = hoks_service.get(session, actor, hid, deps)[0]
        view = full_view(stored)
        n = args.repeat
        steps: list[tuple[str, dict[str, float]]] = [
            ("POST whole ASGI app call", timed(asgi_create, n)),
            ("POST service create + commit", timed(service_create, n)),
            ("  jwt: authenticate_bearer", timed(
                lambda: access_service.authenticate_bearer(f"Bearer {token}", settings), n)),
            ("  orjson.loads(body)", timed(lambda: orjson.loads(sample), n)),
            ("  koski.get_opiskeluoikeus", timed(
                lambda: deps.registries.koski.get_opiskeluoikeus(oo_oid), n)),
            ("  organisaatio.ancestors_and_self", timed(
                lambda: deps.registries.organisaatio.ancestors_and_self(workload.OPPILAITOS), n)),
            ("  validate_hoks (post)", timed(
                lambda: validate_hoks(parsed, method="post", opiskeluoikeus=oo, today=today), n)),
            ("  request_hash", timed(lambda: request_hash(parsed), n)),
            ("  assign_module_ids", timed(
                lambda: assign_module_ids(copy.deepcopy(document), None), n)),
            ("  (copy.deepcopy of the document, in the line above)",
             timed(lambda: copy.deepcopy(document), n)),
            ("GET whole ASGI app call", timed(asgi_get, n)),
            ("GET service get + orjson.dumps", timed(service_get, n)),
            ("  full_view (read_view)", timed(lambda: full_view(stored), n)),
            ("  orjson.dumps(view)", timed(lambda: orjson.dumps({"data": view}), n)),
            ("  organisaatio.ancestors_and_self", timed(
                lambda: deps.registries.organisaatio.ancestors_and_self(workload.OPPILAITOS), n)),
        ]  # fmt: skip
        print(f"\nrequest anatomy ({n} runs each, medians; one request at a time)")
        print(f"{'step':58} {'wall µs':>10} {'CPU µs':>10}")
        for name, figures in steps:
            print(f"{name:58} {figures['wall_us']:10.1f} {figures['cpu_us']:10.1f}")

        for label, call in (("POST /hoks", asgi_create), ("GET /hoks/{id}", asgi_get)):
            counts.reset()
            call()
            print(f"\n{label}: {dict(counts.counter)}")
            for statement in counts.statements:
                print(f"   {statement}")
        if args.cprofile:
            # The service calls, in this thread (cProfile sees one thread; the ASGI calls run
            # the endpoint in anyio's worker threads).
            for label, call in (("service create", service_create), ("service get", service_get)):
                profile(label, call, args.repeat, args.cprofile)
        loop.close()
        get_sync_vs_async(app, token, hid, args.repeat)
        state.engine.dispose()
        framework_hops(args.repeat)
    finally:
        database.drop()
        shutil.rmtree(work, ignore_errors=True)
    print(f"\nmeasured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC with {sys.executable}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
