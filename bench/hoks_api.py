"""Benchmark of the HOKS service API on PostgreSQL: HOKS creates and reads over HTTP against
``ehoks serve``, next to a raw-insert baseline of the same documents. Prints figures; asserts
nothing. See docs/performance.md.

    .venv/bin/python bench/hoks_api.py --database-url postgresql+psycopg://postgres@127.0.0.1/postgres

The load generator is wrk (installed from Debian if missing); it runs on the same two cores as
the server and the database, and the report says how much CPU it took.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import instances
import procstats
import pyspy
import raw_baseline
import report
import sqlite_db
import workload
import wrkload
from service import Database, run_cli
from sqlite_db import SqliteDatabase

API = "/ehoks-virkailija-backend/api/v1/hoks"
DOC = "/ehoks-virkailija-backend/doc"  # a sync route that touches no database
HEALTH = "/ehoks-virkailija-backend/api/v1/healthcheck"  # one connection checkout + SELECT 1


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres",
        help="PostgreSQL server to use (its database is only used to create the bench one), or"
        " a SQLite file (sqlite:////tmp/ehoks-bench.sqlite3: the embedded default)",
    )
    parser.add_argument("--database-name", default="ehoks_bench", help="dropped and recreated")
    parser.add_argument("--hoks", type=int, default=5000, help="HOKS creates (N)")
    parser.add_argument("--concurrency", type=int, default=32, help="concurrent clients (M)")
    parser.add_argument("--workers", type=int, default=2, help="ehoks serve --workers (W)")
    parser.add_argument(
        "--instances",
        type=int,
        nargs="+",
        default=[1],
        help="numbers of `ehoks serve` instances to run in turn on one database, e.g. 1 2",
    )
    parser.add_argument("--read-seconds", type=float, default=20.0, help="read phase length")
    parser.add_argument(
        "--update-seconds", type=float, default=10.0,
        help="update phase length (PATCH of a top-level field; 0 skips it)",
    )  # fmt: skip
    parser.add_argument("--wrk-threads", type=int, default=2, help="load generator threads")
    parser.add_argument("--warmup", type=int, default=64, help="creates before measuring")
    parser.add_argument("--json-out", type=Path, help="write every figure here as JSON too")
    parser.add_argument("--profile", type=Path, help="py-spy the workers, stacks to this dir")
    parser.add_argument(
        "--profile-active",
        action="store_true",
        help="sample every active thread without pausing (default: the GIL holder only)",
    )
    parser.add_argument("--skip-raw", action="store_true", help="skip the raw-insert baseline")
    parser.add_argument("--keep-database", action="store_true", help="do not drop it at the end")
    args = parser.parse_args()
    if args.concurrency % args.wrk_threads:
        parser.error("--concurrency must be a multiple of --wrk-threads")
    return args


def machine() -> dict[str, Any]:
    cpuinfo = Path("/proc/cpuinfo").read_text()
    model = next(
        (line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if "model name" in line),
        platform.processor(),
    )
    meminfo = Path("/proc/meminfo").read_text().splitlines()[0].split()
    return {
        "cores": os.cpu_count(),
        "cpu_model": model,
        "memory_gib": round(int(meminfo[1]) / 1024 / 1024, 1),
        "python": platform.python_version(),
        "kernel": platform.release(),
    }


class Learners:
    """Hands out learner indexes, each used for exactly one HOKS."""

    def __init__(self) -> None:
        self.next = 0

    def take(self, count: int) -> list[int]:
        taken = list(range(self.next, self.next + count))
        self.next += count
        return taken


def post_plan(
    learners: Learners, creates: int, threads: int, connections: int
) -> tuple[int, list[int]]:
    """Learner indexes for a create phase of ``creates`` HOKSes: each wrk thread gets its
    quota plus one spare body per connection (requests in flight when it stops)."""
    quota = -(-creates // threads)
    per_thread = quota + connections // threads
    return quota, learners.take(per_thread * threads)


def run_phase(
    name: str,
    database: Database | SqliteDatabase,
    servers: instances.Servers,
    watch: procstats.ServerWatch,
    recorder: pyspy.Recorder | None,
    data_dir: Path,
    **wrk_args: Any,
) -> dict[str, Any]:
    if recorder is not None:
        recorder.start(f"{name}-{len(servers.servers)}", servers.worker_pids())
    sessions = database.sessions()
    before, self_before = watch.snapshot(), _self_cpu()
    dirs = [data_dir / str(i) for i in range(len(servers.servers))]
    result = instances.run(servers.base_urls, dirs, **wrk_args)
    cpu = watch.snapshot().since(before)
    time.sleep(0.5)  # backends report their session at exit
    opened = max(0, database.sessions() - sessions - 1)  # less our own query's session
    cpu["load_generator_cpu_s"] = result.cpu_seconds
    cpu["bench_script_cpu_s"] = _self_cpu() - self_before
    ours = ("server_cpu_s", "postgres_cpu_s", "load_generator_cpu_s", "bench_script_cpu_s")
    cpu["other_processes_cpu_s"] = max(0.0, cpu["machine_busy_cpu_s"] - sum(cpu[k] for k in ours))
    figures = result.summary()
    figures["cpu"] = {k: round(v, 2) for k, v in cpu.items()}
    figures["db_connections_opened"] = opened
    if recorder is not None:
        figures["profile"] = pyspy.breakdown(recorder.stop())
        figures["profile"]["mode"] = "GIL holder" if recorder.gil else "active threads"
    report.print_phase(name, figures)
    return figures


def _self_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def background_load(seconds: float = 2.0) -> float:
    """Cores busy on the machine before the benchmark starts (other work disturbs it)."""
    busy, total = procstats.machine_cpu()
    time.sleep(seconds)
    busy2, total2 = procstats.machine_cpu()
    return (busy2 - busy) / max(total2 - total, 1e-9) * (os.cpu_count() or 1)


def _terminate(signum: int, _frame: Any) -> None:
    raise SystemExit(128 + signum)  # runs the clean-up in main's finally


def main() -> int:
    args = parse_args()
    signal.signal(signal.SIGTERM, _terminate)
    wrk = wrkload.ensure_wrk()
    recorder = None
    if args.profile:
        recorder = pyspy.Recorder(pyspy.ensure_pyspy(), args.profile, gil=not args.profile_active)
    database: Database | SqliteDatabase
    if args.database_url.startswith("sqlite"):
        database = SqliteDatabase(args.database_url)
    else:
        database = Database(args.database_url, args.database_name)
    work = Path(tempfile.mkdtemp(prefix="ehoks-bench-"))
    results: dict[str, Any] = {"machine": machine(), "wrk": wrkload.wrk_version(wrk), "runs": {}}
    threads, m = args.wrk_threads, args.concurrency
    most = max(args.instances)
    learners = Learners()
    # Bodies are planned for the largest number of instances (wrk threads per instance); a run
    # with fewer deals the same bodies over fewer wrk processes.
    _, warm_ids = post_plan(learners, args.warmup, threads * most, m)
    quota, main_ids = post_plan(learners, args.hoks, threads * most, m)
    counted = learners.take(3)  # the statement count's own creates (two warm, one counted)
    creates = quota * threads * most
    results["config"] = {
        "hoks": creates, "concurrency": m, "workers": args.workers, "instances": args.instances,
        "read_seconds": args.read_seconds, "wrk_threads": threads, "warmup": args.warmup,
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
    }  # fmt: skip
    servers: instances.Servers | None = None
    watch: procstats.ServerWatch | None = None
    results["background_cores_busy"] = round(background_load(), 2)
    print(
        f"cores busy before start (other work on the machine): {results['background_cores_busy']}"
    )
    if results["background_cores_busy"] > 0.2:
        print("WARNING: the machine is not idle; figures will be lower than they could be")
    try:
        print(f"generating {learners.next} learners and HOKS bodies in {work} ...", flush=True)
        bodies = dict(enumerate(workload.serialized_bodies(learners.next)))
        main_sizes = [len(bodies[i]) for i in main_ids]
        results["body_bytes"] = {
            "mean": round(statistics.mean(main_sizes)), "min": min(main_sizes),
            "max": max(main_sizes),
        }  # fmt: skip
        print(f"mean HOKS body: {results['body_bytes']['mean']} bytes (compact JSON)")
        workload.write_registry(work / "registry", learners.next)
        for n in args.instances:
            print(f"\n##### {n} instance(s) of `ehoks serve --workers {args.workers}`", flush=True)
            _write_bodies(work, "warm", [bodies[i] for i in warm_ids], n, most, threads)
            _write_bodies(work, "create", [bodies[i] for i in main_ids], n, most, threads)
            database.recreate()
            results["database"] = {"version": database.server_version(), **database.settings()}
            env = {
                **os.environ,
                "EHOKS_DATABASE_URL": database.sqlalchemy_url,
                "EHOKS_TOKEN_TTL_SECONDS": "86400",
            }
            started = time.perf_counter()
            run_cli(env, "db", "upgrade")
            run_cli(env, "registry", "import", str(work / "registry"))
            print(f"database ready (upgrade + registry import) in"
                  f" {time.perf_counter() - started:.1f} s")  # fmt: skip
            servers = instances.Servers(env, n, args.workers, work)
            servers.start()
            watch = procstats.ServerWatch(servers.pids).start()
            token = servers.token()
            print(f"servers up on {servers.base_urls}: workers {servers.worker_pids()}")
            run = _run_phases(args, database, servers, watch, recorder, wrk, token, work, n,
                              quota * most // n)  # fmt: skip
            watch.stop()
            run["server_memory"] = _memory(servers, watch)
            servers.stop()
            servers = None
            run["statements"] = _count_statements(database, token, counted)
            results["runs"][n] = run

        if not args.skip_raw:
            results["raw"] = raw(database, bodies, main_ids[:creates], m)
        report.print_table(results["runs"], results.get("raw"))
    except BaseException:
        if servers is not None:
            print(f"--- server log tail ---\n{servers.log_tail()}", file=sys.stderr)
        raise
    finally:
        if watch is not None:
            watch.stop()
        if servers is not None:
            servers.stop()
        if not args.keep_database:
            database.drop()
        shutil.rmtree(work, ignore_errors=True)
    if args.json_out:
        args.json_out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
        print(f"figures written to {args.json_out}")
    return 0


def _write_bodies(
    work: Path, name: str, bodies: list[bytes], n: int, most: int, threads: int
) -> None:
    """Deal the bodies to ``n`` instances' wrk threads (``threads`` each), all of them."""
    for old in (work / name).glob("*/bodies-*.ndjson"):
        old.unlink()
    share = -(-len(bodies) // n)
    for i in range(n):
        wrkload.write_post_files(work / name / str(i), bodies[i * share : (i + 1) * share], threads)


def _run_phases(
    args: argparse.Namespace,
    database: Database | SqliteDatabase,
    servers: instances.Servers,
    watch: procstats.ServerWatch,
    recorder: pyspy.Recorder | None,
    wrk: str,
    token: str,
    work: Path,
    n: int,
    quota_per_thread: int,
) -> dict[str, Any]:
    """Warm-up, creates, floors and reads against ``n`` instances."""
    threads = args.wrk_threads
    common = {"wrk": wrk, "path": API, "token": token, "threads": threads,
              "connections": args.concurrency}  # fmt: skip
    warm_quota = -(-args.warmup // (threads * n))
    instances.run(servers.base_urls, [work / "warm" / str(i) for i in range(n)], **common,
                  mode="post", seconds=300, quota_per_thread=warm_quota)  # fmt: skip
    run: dict[str, Any] = {}
    run["create"] = run_phase(
        "create", database, servers, watch, recorder, work / "create", **common, mode="post",
        seconds=3600, quota_per_thread=quota_per_thread,
    )  # fmt: skip
    ids = [int(row[0]) for row in database.query("SELECT id FROM hoks ORDER BY id")]
    run["hoks_rows"] = len(ids)
    for i in range(n):
        wrkload.write_get_file(work / "read" / str(i), ids)
    dirs = [work / "read" / str(i) for i in range(n)]
    instances.run(servers.base_urls, dirs, **common, mode="get", seconds=2)
    for name, path in (("floor: no-DB page", DOC), ("floor: healthcheck", HEALTH)):
        run[name] = run_phase(
            name, database, servers, watch, None, work / "read", **{**common, "path": path},
            mode="fixed", seconds=min(5.0, args.read_seconds),
        )  # fmt: skip
    run["read"] = run_phase(
        "read", database, servers, watch, recorder, work / "read", **common, mode="get",
        seconds=args.read_seconds,
    )  # fmt: skip
    if args.update_seconds > 0:
        run["update"] = run_phase(
            "update", database, servers, watch, recorder, work / "read", **common,
            mode="patch", seconds=args.update_seconds,
        )  # fmt: skip
    return run


def _memory(servers: instances.Servers, watch: procstats.ServerWatch) -> dict[str, Any]:
    peaks = [round(b / 2**20, 1) for b in servers.worker_peaks()]
    memory = {
        "peak_rss_sum_mib": round(watch.peak_rss / 2**20, 1),
        "sum_of_process_peaks_mib": round(watch.peak_hwm_sum() / 2**20, 1),
        "processes": watch.peak_processes,
        "worker_peaks_mib": peaks,
    }
    print(
        f"\nserver peak RSS (sum over {watch.peak_processes} processes, sampled every 0.2 s):"
        f" {memory['peak_rss_sum_mib']} MiB (sum of each process's VmHWM:"
        f" {memory['sum_of_process_peaks_mib']} MiB); each worker's VmHWM: {peaks} MiB"
    )
    return memory


def _count_statements(
    database: Database | SqliteDatabase, token: str, learners: list[int]
) -> dict[str, Any]:
    """One create and one read in-process, their statements counted (``statement_count``)."""
    command = [sys.executable, str(Path(__file__).with_name("statement_count.py")),
               "--database-url", database.sqlalchemy_url, "--token", token,
               "--learners", *map(str, learners)]  # fmt: skip
    answer = subprocess.run(command, capture_output=True, text=True, check=False)
    if answer.returncode != 0:
        print(f"statement count failed:\n{answer.stderr[-2000:]}", file=sys.stderr)
        return {}
    counts: dict[str, Any] = json.loads(answer.stdout.strip().splitlines()[-1])
    print(f"SQL statements (one create, one read, by purpose): {counts}")
    return counts


def raw(
    database: Database | SqliteDatabase, bodies: dict[int, bytes], ids: list[int], m: int
) -> dict[str, Any]:
    rows = raw_baseline.rows_of(
        [bodies[i] for i in ids], [workload.learner(i) for i in ids], workload.OPPILAITOS
    )
    module: Any = sqlite_db if isinstance(database, SqliteDatabase) else raw_baseline
    parallel = module.parallel(database.conninfo, rows, m)
    lat = parallel["latency_ms"]
    print(
        f"\n== raw baseline: {parallel['rows']} INSERTs from {m} connections, one transaction"
        f" each: {parallel['per_second']:.1f}/s  (p50 {lat['p50']} p95 {lat['p95']}"
        f" p99 {lat['p99']} ms)  errors {len(parallel['errors'])}"
    )
    batch = module.executemany(database.conninfo, rows)
    print(
        f"   raw executemany, 1 connection, 1 transaction: {batch['per_second']:.1f} rows/s"
        f" ({batch['seconds']} s)"
    )
    module.drop(database.conninfo)
    return {"parallel": parallel, "executemany": batch}


if __name__ == "__main__":
    sys.exit(main())
