"""What ``hoks_api.py`` prints: each phase's figures, and at the end the issue's table of
figures against the targets (issue 12), one column per number of instances."""

from __future__ import annotations

import os
from typing import Any


def print_phase(name: str, f: dict[str, Any]) -> None:
    lat, cpu = f["latency_ms"], f["cpu"]
    secs = f["seconds"] or 1.0
    print(f"\n== {name}: {f['requests']} requests in {secs:.2f} s = {f['per_second']:.1f}/s")
    if "per_instance_per_second" in f:
        print(f"   per instance: {f['per_instance_per_second']} /s ({f['latency_note']})")
    print(
        f"   latency ms: p50 {lat['p50']:.2f}  p90 {lat['p90']:.2f}  p95 {lat['p95']:.2f}"
        f"  p99 {lat['p99']:.2f}  max {lat['max']:.2f}  mean {lat['mean']:.2f}"
    )
    errors = sum(f["non_2xx"].values()) + sum(f["socket_errors"].values())
    print(f"   errors: {errors}  non-2xx {f['non_2xx']}  socket {f['socket_errors']}")
    for sample in f["error_samples"]:
        print(f"     {sample}")
    cores = cores_of(cpu)
    per_req = 1000 / max(1, f["requests"])
    print(
        f"   CPU (cores busy of {os.cpu_count()}): server {cpu['server_cpu_s'] * cores:.2f}"
        f"  postgres {cpu['postgres_cpu_s'] * cores:.2f}"
        f"  wrk {cpu['load_generator_cpu_s'] * cores:.2f}"
        f"  this script {cpu['bench_script_cpu_s'] * cores:.2f}"
        f"  other processes {cpu['other_processes_cpu_s'] * cores:.2f}"
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


def cores_of(cpu: dict[str, float]) -> float:
    """Factor from CPU seconds of a phase to cores busy on average."""
    return (os.cpu_count() or 1) / (cpu["machine_capacity_cpu_s"] or 1.0)


def print_profile(profile: dict[str, Any]) -> None:
    print(f"   py-spy: {profile['samples']} samples ({profile['mode']}), by innermost library")
    for key, share in profile["by_leaf"].items():
        print(f"     {share:6.1%}  {key}")
    print("   by request step (inclusive, overlapping)")
    for key, share in profile["by_step_inclusive"].items():
        print(f"     {share:6.1%}  {key}")


def _per_request_ms(phase: dict[str, Any], key: str = "server_cpu_s") -> float:
    return float(phase["cpu"][key]) * 1000 / max(1, phase["requests"])


def _other(phase: dict[str, Any]) -> float:
    return float(phase["cpu"]["other_processes_cpu_s"]) * cores_of(phase["cpu"])


def _statements(kinds: dict[str, int] | None) -> str:
    if not kinds:
        return "—"
    own = sum(n for k, n in kinds.items() if k not in ("transaction control", "audit"))
    parts = ", ".join(f"{k} {n}" for k, n in sorted(kinds.items()) if k != "transaction control")
    # "audit": the shared chain transaction's statements, one set per batch of requests.
    return f"{own} + shared audit {kinds.get('audit', 0)} ({parts})"


def rows_for(run: dict[str, Any], raw: dict[str, Any] | None) -> dict[str, str]:
    """One column of the issue's table: figures of one run (one number of instances)."""
    create, read, update = run["create"], run["read"], run.get("update")
    raw_rate = raw["parallel"]["per_second"] if raw else None
    ratio = f"{create['per_second'] / raw_rate:.3f}" if raw_rate else "—"
    statements = run.get("statements") or {}
    workers = max(1, len(run["server_memory"]["worker_peaks_mib"]))
    peaks = run["server_memory"]["worker_peaks_mib"]
    return {
        "creates/s through the API": (
            f"{create['per_second']:.1f} (p99 {create['latency_ms']['p99']:,.0f} ms),"
            f" {_per_request_ms(create):.1f} ms server CPU each"
        ),
        "raw inserts/s of the same documents, same run": f"{raw_rate:,.1f}" if raw_rate else "—",
        "API ÷ raw": ratio,
        "GETs/s of one HOKS": (
            f"{read['per_second']:,.1f} (p99 {read['latency_ms']['p99']:,.1f} ms),"
            f" {_per_request_ms(read):.2f} ms server CPU each"
        ),
        "the stack's own floor (no-database page / health check)": (
            f"{run['floor: no-DB page']['per_second']:,.0f}/s"
            f" / {run['floor: healthcheck']['per_second']:,.0f}/s"
        ),
        "PATCHes/s of one HOKS's top-level field": (
            f"{update['per_second']:,.1f} (p99 {update['latency_ms']['p99']:,.0f} ms),"
            f" {_per_request_ms(update):.2f} ms server CPU each"
            if update
            else "—"
        ),
        "SQL statements per create / per GET": (
            f"{_statements(statements.get('create'))} / {_statements(statements.get('read'))}"
        ),
        "server RSS": (
            f"{run['server_memory']['peak_rss_sum_mib']:.0f} MiB in all"
            f" ({workers} workers; each worker's peak {min(peaks):.0f}–{max(peaks):.0f} MiB)"
            if peaks
            else f"{run['server_memory']['peak_rss_sum_mib']:.0f} MiB in all"
        ),
        "other processes, cores (create / read)": f"{_other(create):.2f} / {_other(read):.2f}",
    }


TARGETS = {
    "creates/s through the API": "≥ 500/s and ≥ 0.5 × raw inserts",
    "raw inserts/s of the same documents, same run": "—",
    "API ÷ raw": "≥ 0.5",
    "GETs/s of one HOKS": "≥ 3,000/s, p99 < 20 ms, each read audited durably",
    "the stack's own floor (no-database page / health check)": "—",
    "PATCHes/s of one HOKS's top-level field": "—",
    "SQL statements per create / per GET": "≤ 4 / 1 plus a shared audit commit",
    "server RSS": "≤ 150 MiB per worker",
    "other processes, cores (create / read)": "—",
}


def print_table(runs: dict[int, dict[str, Any]], raw: dict[str, Any] | None) -> None:
    columns = {n: rows_for(run, raw) for n, run in runs.items()}
    names = [f"{n} instance{'s' if n > 1 else ''}" for n in columns]
    print("\n| figure | " + " | ".join(names) + " | target |")
    print("|---|" + "---|" * len(names) + "---|")
    for figure, target in TARGETS.items():
        cells = " | ".join(column[figure] for column in columns.values())
        print(f"| {figure} | {cells} | {target} |")
