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
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import procstats
import pyspy
import raw_baseline
import workload
import wrkload
from service import Database, Server, run_cli

API = "/ehoks-virkailija-backend/api/v1/hoks"
DOC = "/ehoks-virkailija-backend/doc"  # a sync route that touches no database
HEALTH = "/ehoks-virkailija-backend/api/v1/healthcheck"  # one connection checkout + SELECT 1


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres",
        help="PostgreSQL server to use (its database is only used to create the bench one)",
    )
    parser.add_argument("--database-name", default="ehoks_bench", help="dropped and recreated")
    parser.add_argument("--hoks", type=int, default=5000, help="HOKS creates (N)")
    parser.add_argument("--concurrency", type=int, default=32, help="concurrent clients (M)")
    parser.add_argument("--workers", type=int, default=2, help="ehoks serve --workers (W)")
    parser.add_argument("--read-seconds", type=float, default=20.0, help="read phase length")
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
    database: Database,
    server: Server,
    watch: procstats.ServerWatch,
    recorder: pyspy.Recorder | None,
    **wrk_args: Any,
) -> dict[str, Any]:
    if recorder is not None:
        recorder.start(name, server.worker_pids())
    sessions = database.sessions()
    before, self_before = watch.snapshot(), _self_cpu()
    result = wrkload.run(**wrk_args)
    cpu = watch.snapshot().since(before)
    time.sleep(0.5)  # backends report their session at exit
    opened = database.sessions() - sessions - 1  # less our own query's session
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
    print_phase(name, figures)
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


def print_phase(name: str, f: dict[str, Any]) -> None:
    lat, cpu = f["latency_ms"], f["cpu"]
    secs = f["seconds"] or 1.0
    print(f"\n== {name}: {f['requests']} requests in {secs:.2f} s = {f['per_second']:.1f}/s")
    print(
        f"   latency ms: p50 {lat['p50']:.2f}  p90 {lat['p90']:.2f}  p95 {lat['p95']:.2f}"
        f"  p99 {lat['p99']:.2f}  max {lat['max']:.2f}  mean {lat['mean']:.2f}"
    )
    errors = sum(f["non_2xx"].values()) + sum(f["socket_errors"].values())
    print(f"   errors: {errors}  non-2xx {f['non_2xx']}  socket {f['socket_errors']}")
    for sample in f["error_samples"]:
        print(f"     {sample}")
    cap = cpu["machine_capacity_cpu_s"] or 1.0
    other = cpu["other_processes_cpu_s"]
    cores = (os.cpu_count() or 1) / cap
    per_req = 1000 / max(1, f["requests"])
    print(
        f"   CPU (cores busy of {os.cpu_count()}): server {cpu['server_cpu_s'] * cores:.2f}"
        f"  postgres {cpu['postgres_cpu_s'] * cores:.2f}"
        f"  wrk {cpu['load_generator_cpu_s'] * cores:.2f}"
        f"  this script {cpu['bench_script_cpu_s'] * cores:.2f}"
        f"  other processes {other * cores:.2f}"
    )
    print(
        f"   CPU per request: server {cpu['server_cpu_s'] * per_req:.2f} ms"
        f"  postgres {cpu['postgres_cpu_s'] * per_req:.2f} ms"
        f"  wrk {cpu['load_generator_cpu_s'] * per_req:.3f} ms"
    )
    print(
        f"   PostgreSQL connections opened to the benchmark database: {f['db_connections_opened']}"
        f" ({f['db_connections_opened'] * per_req / 1000:.2f} per request)"
    )
    if "profile" in f:
        print_profile(f["profile"])


def print_profile(profile: dict[str, Any]) -> None:
    print(f"   py-spy: {profile['samples']} samples ({profile['mode']}), by innermost library")
    for key, share in profile["by_leaf"].items():
        print(f"     {share:6.1%}  {key}")
    print("   by request step (inclusive, overlapping)")
    for key, share in profile["by_step_inclusive"].items():
        print(f"     {share:6.1%}  {key}")


def _terminate(signum: int, _frame: Any) -> None:
    raise SystemExit(128 + signum)  # runs the clean-up in main's finally


def main() -> int:
    args = parse_args()
    signal.signal(signal.SIGTERM, _terminate)
    wrk = wrkload.ensure_wrk()
    recorder = None
    if args.profile:
        recorder = pyspy.Recorder(pyspy.ensure_pyspy(), args.profile, gil=not args.profile_active)
    database = Database(args.database_url, args.database_name)
    work = Path(tempfile.mkdtemp(prefix="ehoks-bench-"))
    results: dict[str, Any] = {"machine": machine(), "wrk": wrkload.wrk_version(wrk)}
    threads, m = args.wrk_threads, args.concurrency
    learners = Learners()
    warm_quota, warm_ids = post_plan(learners, args.warmup, threads, m)
    quota, main_ids = post_plan(learners, args.hoks, threads, m)
    results["config"] = {
        "hoks": quota * threads, "concurrency": m, "workers": args.workers,
        "read_seconds": args.read_seconds, "wrk_threads": threads, "warmup": args.warmup,
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
    }  # fmt: skip
    server: Server | None = None
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
        wrkload.write_post_files(work / "warm", [bodies[i] for i in warm_ids], threads)
        wrkload.write_post_files(work / "create", [bodies[i] for i in main_ids], threads)
        workload.write_registry(work / "registry", learners.next)

        database.recreate()
        results["postgres"] = {"version": database.server_version(), **database.settings()}
        env = {
            **os.environ,
            "EHOKS_DATABASE_URL": database.sqlalchemy_url,
            "EHOKS_TOKEN_TTL_SECONDS": "86400",
        }
        started = time.perf_counter()
        run_cli(env, "db", "upgrade")
        run_cli(env, "registry", "import", str(work / "registry"))
        results["setup_seconds"] = round(time.perf_counter() - started, 1)
        print(f"database ready (upgrade + registry import) in {results['setup_seconds']} s")

        server = Server(env, args.workers, work / "server.log")
        server.start()
        watch = procstats.ServerWatch(server.pid).start()
        token = server.token()
        print(f"server up on {server.base_url}: pid {server.pid}, workers {server.worker_pids()}")
        common = {
            "wrk": wrk, "base_url": server.base_url, "path": API, "token": token,
            "threads": threads, "connections": m,
        }  # fmt: skip
        wrkload.run(**common, mode="post", data_dir=work / "warm", seconds=300,
                    quota_per_thread=warm_quota)  # fmt: skip
        results["create"] = run_phase(
            "create", database, server, watch, recorder, **common, mode="post",
            data_dir=work / "create", seconds=3600, quota_per_thread=quota,
        )  # fmt: skip
        ids = [int(row[0]) for row in database.query("SELECT id FROM hoks ORDER BY id")]
        results["hoks_rows"] = len(ids)
        wrkload.write_get_file(work / "read", ids)
        wrkload.run(**common, mode="get", data_dir=work / "read", seconds=2)
        for name, path in (("floor: no-DB page", DOC), ("floor: healthcheck", HEALTH)):
            results[name] = run_phase(
                name, database, server, watch, None, **{**common, "path": path}, mode="fixed",
                data_dir=work / "read", seconds=min(5.0, args.read_seconds),
            )  # fmt: skip
        results["read"] = run_phase(
            "read", database, server, watch, recorder, **common, mode="get", data_dir=work / "read",
            seconds=args.read_seconds,
        )  # fmt: skip
        watch.stop()
        results["server_memory"] = {
            "peak_rss_sum_mib": round(watch.peak_rss / 2**20, 1),
            "sum_of_process_peaks_mib": round(watch.peak_hwm_sum() / 2**20, 1),
            "processes": watch.peak_processes,
        }
        memory = results["server_memory"]
        print(
            f"\nserver peak RSS (sum over {watch.peak_processes} processes, sampled every"
            f" 0.2 s): {memory['peak_rss_sum_mib']} MiB"
            f" (sum of each process's VmHWM: {memory['sum_of_process_peaks_mib']} MiB)"
        )
        server.stop()

        if not args.skip_raw:
            results["raw"] = raw(database, bodies, main_ids[: quota * threads], m)
            ratio = results["create"]["per_second"] / results["raw"]["parallel"]["per_second"]
            results["api_to_raw_ratio"] = round(ratio, 3)
            print(f"API creates/s / raw inserts/s (both M={m}): {ratio:.2f}")
    except BaseException:
        if server is not None:
            print(f"--- server log tail ---\n{server.log_tail()}", file=sys.stderr)
        raise
    finally:
        if watch is not None:
            watch.stop()
        if server is not None:
            server.stop()
        if not args.keep_database:
            database.drop()
        shutil.rmtree(work, ignore_errors=True)
    if args.json_out:
        args.json_out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
        print(f"figures written to {args.json_out}")
    return 0


def raw(database: Database, bodies: dict[int, bytes], ids: list[int], m: int) -> dict[str, Any]:
    rows = raw_baseline.rows_of(
        [bodies[i] for i in ids], [workload.learner(i) for i in ids], workload.OPPILAITOS
    )
    parallel = raw_baseline.parallel(database.conninfo, rows, m)
    lat = parallel["latency_ms"]
    print(
        f"\n== raw baseline: {parallel['rows']} INSERTs from {m} connections, one transaction"
        f" each: {parallel['per_second']:.1f}/s  (p50 {lat['p50']} p95 {lat['p95']}"
        f" p99 {lat['p99']} ms)  errors {len(parallel['errors'])}"
    )
    batch = raw_baseline.executemany(database.conninfo, rows)
    print(
        f"   raw executemany, 1 connection, 1 transaction: {batch['per_second']:.1f} rows/s"
        f" ({batch['seconds']} s)"
    )
    raw_baseline.drop(database.conninfo)
    return {"parallel": parallel, "executemany": batch}


if __name__ == "__main__":
    sys.exit(main())
