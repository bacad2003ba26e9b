"""Process figures read straight from /proc (Linux): resident memory of a process tree, CPU time
of processes, and the machine's CPU time, so a phase's CPU can be split between the server, the
database and the load generator."""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path

CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


def _read(path: str) -> str | None:
    try:
        return Path(path).read_text()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None


def children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        text = _read(f"{task}/children")
        if text:
            found.extend(int(p) for p in text.split())
    return found


def tree(pid: int) -> list[int]:
    """``pid`` and all its descendants."""
    pids, queue = [], [pid]
    while queue:
        current = queue.pop()
        pids.append(current)
        queue.extend(children(current))
    return pids


def rss(pid: int) -> int:
    """Resident set size in bytes (0 if the process is gone)."""
    text = _read(f"/proc/{pid}/statm")
    return int(text.split()[1]) * PAGE if text else 0


def hwm(pid: int) -> int:
    """The kernel's peak resident set size (VmHWM) of one process, in bytes."""
    text = _read(f"/proc/{pid}/status") or ""
    for line in text.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return 0


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process (its reaped children not included)."""
    text = _read(f"/proc/{pid}/stat")
    if not text:
        return 0.0
    fields = text.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def cmdline(pid: int) -> str:
    return (_read(f"/proc/{pid}/cmdline") or "").replace("\0", " ").strip()


def postgres_pids() -> list[int]:
    """Every process of the PostgreSQL server (postmaster, backends, background workers)."""
    return [
        int(entry.name)
        for entry in Path("/proc").iterdir()
        if entry.name.isdigit() and (_read(f"{entry}/comm") or "").strip() == "postgres"
    ]


def reaped_children_cpu(pid: int) -> float:
    """CPU time of the children ``pid`` has reaped (the postmaster: its exited backends)."""
    text = _read(f"/proc/{pid}/stat")
    if not text:
        return 0.0
    fields = text.rsplit(")", 1)[1].split()
    return (int(fields[13]) + int(fields[14])) / CLK_TCK


def machine_cpu() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot, all cores added."""
    fields = [int(x) for x in (_read("/proc/stat") or "cpu 0").splitlines()[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    total = sum(fields[:8])
    return (total - idle) / CLK_TCK, total / CLK_TCK


@dataclass
class CpuSnapshot:
    server: float
    postgres: dict[int, float]  # live PostgreSQL processes
    postgres_reaped: float  # exited backends, as their postmaster counts them
    machine_busy: float
    machine_total: float

    def since(self, start: CpuSnapshot) -> dict[str, float]:
        """CPU seconds spent between ``start`` and this snapshot, and the machine's capacity.

        PostgreSQL's figure covers every database on the server (a backend that exits takes
        its database name with it): short-lived connections would otherwise go uncounted."""
        live = sum(cpu - start.postgres.get(pid, 0.0) for pid, cpu in self.postgres.items())
        gone = sum(cpu for pid, cpu in start.postgres.items() if pid not in self.postgres)
        return {
            "server_cpu_s": self.server - start.server,
            "postgres_cpu_s": live + (self.postgres_reaped - start.postgres_reaped) - gone,
            "machine_busy_cpu_s": self.machine_busy - start.machine_busy,
            "machine_capacity_cpu_s": self.machine_total - start.machine_total,
        }


def postgres_snapshot() -> tuple[dict[int, float], float]:
    pids = postgres_pids()
    postmasters = [p for p in pids if not cmdline(p).startswith("postgres:")]
    return (
        {pid: cpu_seconds(pid) for pid in pids},
        sum(reaped_children_cpu(pid) for pid in postmasters),
    )


class ServerWatch:
    """Samples the server's process tree every ``interval`` seconds in a background thread:
    the peak of the summed RSS, and CPU snapshots for phases."""

    def __init__(self, root_pid: int | list[int], interval: float = 0.2) -> None:
        # Several roots: several server instances, counted together.
        self.root_pids = root_pid if isinstance(root_pid, list) else [root_pid]
        self.interval = interval
        self.peak_rss = 0
        self.peak_processes = 0
        self._cpu: dict[int, float] = {}
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="server-watch", daemon=True)

    def start(self) -> ServerWatch:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)

    def _pids(self) -> list[int]:
        return [pid for root in self.root_pids for pid in tree(root)]

    def sample(self) -> None:
        pids = self._pids()
        total = sum(rss(pid) for pid in pids)
        with self._lock:
            self.peak_rss = max(self.peak_rss, total)
            self.peak_processes = max(self.peak_processes, len(pids))
            for pid in pids:
                # Remember each process's last CPU time so one that exits still counts.
                self._cpu[pid] = max(self._cpu.get(pid, 0.0), cpu_seconds(pid))

    def peak_hwm_sum(self) -> int:
        """Sum over the current processes of each one's own peak RSS (an upper bound)."""
        return sum(hwm(pid) for pid in self._pids())

    def snapshot(self) -> CpuSnapshot:
        self.sample()
        busy, total = machine_cpu()
        with self._lock:
            server = sum(self._cpu.values())
        postgres, reaped = postgres_snapshot()
        return CpuSnapshot(
            server=server,
            postgres=postgres,
            postgres_reaped=reaped,
            machine_busy=busy,
            machine_total=total,
        )
