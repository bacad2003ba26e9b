"""Optional profiling of the server's workers under load with py-spy (sampling, attaches to the
running processes, no change to the server), and a breakdown of the samples into where the time
goes: validation, JSON, database, auth, framework.

By default only the thread holding the GIL is sampled (``--gil``; py-spy pauses the worker
for each sample, which slows it a little): the samples then show where the workers' Python CPU
time goes, and waiting for the database or for the GIL is not in them. ``gil=False`` samples
every thread that is not idle instead, without pausing. Native frames are not sampled, so time
in a C extension (orjson, pydantic-core, psycopg's C parts) counts for the Python function
that called it. The breakdown is by the innermost recognised frame of each
stack, so time in orjson called from SQLAlchemy counts as JSON, not as SQLAlchemy.
"""

from __future__ import annotations

import collections
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

# (category, substring of a frame "function (file:line)"), innermost match wins, first rule
# wins among the patterns of one frame.
LEAF_RULES: tuple[tuple[str, str], ...] = (
    ("json (json, orjson)", "(json/"),
    ("validation (pydantic, ehoks.hoks.schemas)", "(pydantic/"),
    ("validation (pydantic, ehoks.hoks.schemas)", "(ehoks/hoks/schemas/"),
    ("auth (jwt, ehoks.access)", "(jwt/"),
    ("auth (jwt, ehoks.access)", "(ehoks/access/"),
    ("db driver (psycopg)", "(psycopg/"),
    ("db (sqlalchemy orm/core/pool)", "(sqlalchemy/"),
    ("http server (uvicorn, httptools, asyncio)", "(uvicorn/"),
    ("http server (uvicorn, httptools, asyncio)", "(asyncio/"),
    ("http server (uvicorn, httptools, asyncio)", "(selectors.py"),
    ("framework (fastapi, starlette, anyio)", "(fastapi/"),
    ("framework (fastapi, starlette, anyio)", "(starlette/"),
    ("framework (fastapi, starlette, anyio)", "(anyio/"),
    ("threads (threading, queue)", "(threading.py"),
    ("threads (threading, queue)", "(queue.py"),
    ("threads (threading, queue)", "(concurrent/"),
    ("ehoks (service, identity, projections, registries)", "(ehoks/"),
)

# Inclusive time of the steps of a request, by a frame anywhere on the stack.
STEPS: tuple[tuple[str, str], ...] = (
    ("authenticate_bearer (JWT check)", "authenticate_bearer ("),
    ("_json_body (read + orjson.loads)", "_json_body ("),
    ("fetch_opiskeluoikeus (Koski registry lookup)", "fetch_opiskeluoikeus ("),
    ("organisaatio_path (Organisaatio lookup)", "organisaatio_path ("),
    ("validate_hoks (pydantic validate + dump)", "validate_hoks ("),
    ("with_defaults", "with_defaults ("),
    ("request_hash (sha256 of sorted body)", "request_hash ("),
    ("assign_module_ids", "assign_module_ids ("),
    ("HoksRepository.add (insert hoks + projections)", "add (ehoks/hoks/repository.py"),
    ("learner index: fetch_input (3 registry reads)", "fetch_input (ehoks/oppijaindex/"),
    ("learner index: store (2 SELECT + 2 INSERT)", "store (ehoks/oppijaindex/"),
    ("HoksRepository.get (select hoks)", "get (ehoks/hoks/repository.py"),
    ("full_view / read_view", "full_view ("),
    ("envelope (response orjson.dumps)", "envelope ("),
    ("session commit", "commit (sqlalchemy/orm/session.py"),
    ("session begin/close (_write/_read_session)", "_session ("),
    ("pool checkout (incl. pre-ping)", "_checkout ("),
)


def ensure_pyspy() -> str:
    beside = Path(sys.executable).parent / "py-spy"
    if beside.exists():
        return str(beside)
    found = shutil.which("py-spy")
    if found:
        return found
    print("installing py-spy (PyPI) ...", flush=True)
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "py-spy"], check=True)
    return str(beside) if beside.exists() else "py-spy"


class Recorder:
    """``py-spy record`` on each worker for the length of one phase."""

    def __init__(self, pyspy: str, out_dir: Path, *, gil: bool = True, rate: int = 200) -> None:
        self.pyspy = pyspy
        self.gil = gil
        self.out_dir = out_dir
        self.rate = rate
        self.processes: list[subprocess.Popen[bytes]] = []
        self.files: list[Path] = []

    def start(self, label: str, pids: list[int]) -> None:
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self.files = []
        for pid in pids:
            out = self.out_dir / f"{label}-{pid}.txt"
            self.files.append(out)
            options = f"--rate {self.rate} --format raw".split()
            options.append("--gil" if self.gil else "--nonblocking")
            command = [self.pyspy, "record", "--pid", str(pid), *options, "--output", str(out)]
            self.processes.append(
                subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            )

    def stop(self) -> list[Path]:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
        for process in self.processes:
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.processes = []
        return [f for f in self.files if f.exists()]


def read_stacks(files: list[Path]) -> list[tuple[list[str], int]]:
    stacks = []
    for file in files:
        for line in file.read_text(errors="replace").splitlines():
            stack, _, count = line.rpartition(" ")
            if stack and count.isdigit():
                stacks.append((stack.split(";"), int(count)))
    return stacks


def _leaf_category(frames: list[str]) -> str:
    for frame in reversed(frames):
        for category, pattern in LEAF_RULES:
            if pattern in frame:
                return category
    return "other (stdlib, interpreter)"


def breakdown(files: list[Path]) -> dict[str, Any]:
    """Shares of the samples by leaf category and by request step (inclusive)."""
    stacks = read_stacks(files)
    total = sum(count for _, count in stacks) or 1
    leaves: collections.Counter[str] = collections.Counter()
    steps: collections.Counter[str] = collections.Counter()
    for frames, count in stacks:
        leaves[_leaf_category(frames)] += count
        joined = ";".join(frames)
        for step, pattern in STEPS:
            if pattern in joined:
                steps[step] += count
    return {
        "samples": total,
        "by_leaf": {k: round(v / total, 4) for k, v in leaves.most_common()},
        "by_step_inclusive": {k: round(v / total, 4) for k, v in steps.most_common()},
        "top_leaf_frames": _top_frames(stacks, total),
    }


def _top_frames(stacks: list[tuple[list[str], int]], total: int, n: int = 25) -> list[str]:
    leaf: collections.Counter[str] = collections.Counter()
    for frames, count in stacks:
        leaf[frames[-1]] += count
    return [f"{count / total:6.1%}  {frame}" for frame, count in leaf.most_common(n)]
