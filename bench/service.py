"""The service under test, set up as a user would: a fresh PostgreSQL database, ``ehoks db
upgrade``, ``ehoks registry import``, ``ehoks clients create`` and ``ehoks serve`` as a
subprocess on a free loopback port. Only the benchmark's own database is ever dropped."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy.engine import URL, make_url

import procstats

HEALTH = "/ehoks-virkailija-backend/api/v1/healthcheck"
OPH_ROOT = "1.2.246.562.10.00000000001"


def ehoks_command() -> str:
    beside = Path(sys.executable).parent / "ehoks"
    found = str(beside) if beside.exists() else shutil.which("ehoks")
    if not found:
        raise SystemExit("the 'ehoks' command was not found; run 'make install' first")
    return found


def libpq(url: URL) -> str:
    """A libpq connection string for plain psycopg from a SQLAlchemy URL."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


class Database:
    """The benchmark's own database ``name`` on the server that ``admin_url`` points at."""

    def __init__(self, admin_url: str, name: str) -> None:
        admin = make_url(admin_url)
        if admin.get_backend_name() != "postgresql":
            raise SystemExit(f"--database-url must be a PostgreSQL URL, got {admin_url!r}")
        if not name.replace("_", "").isalnum():
            raise SystemExit(f"database name {name!r} must be letters, digits and underscores")
        if admin.database == name:
            admin = admin.set(database="postgres")
        self.admin = admin
        self.name = name
        self.url = admin.set(database=name, drivername="postgresql+psycopg")

    @property
    def sqlalchemy_url(self) -> str:
        return self.url.render_as_string(hide_password=False)

    @property
    def conninfo(self) -> str:
        return libpq(self.url)

    def _admin(self, statement: str) -> None:
        with psycopg.connect(libpq(self.admin), autocommit=True) as connection:
            connection.execute(statement)

    def recreate(self) -> None:
        self.drop()
        self._admin(f'CREATE DATABASE "{self.name}"')

    def drop(self) -> None:
        self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def query(self, statement: str) -> list[tuple[Any, ...]]:
        with psycopg.connect(self.conninfo) as connection:
            return connection.execute(statement).fetchall()

    def sessions(self) -> int:
        """Sessions established to this database so far, as backends have reported them
        (``pg_stat_database.sessions``; a backend reports at the latest when it exits)."""
        rows = self.query(
            "SELECT sessions FROM pg_stat_database WHERE datname = current_database()"
        )
        return int(rows[0][0])

    def server_version(self) -> str:
        return str(self.query("SHOW server_version")[0][0])

    def settings(self) -> dict[str, str]:
        names = (
            "shared_buffers",
            "synchronous_commit",
            "fsync",
            "max_connections",
            "wal_buffers",
            "checkpoint_timeout",
            "max_wal_size",
        )
        rows = self.query(
            "SELECT name, setting || coalesce(' ' || unit, '') FROM pg_settings"
            f" WHERE name IN ({', '.join(repr(n) for n in names)})"
        )
        return {str(name): str(value) for name, value in rows}


def run_cli(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [ehoks_command(), *args], env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(f"ehoks {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def create_client(env: dict[str, str]) -> tuple[str, str]:
    output = run_cli(
        env, "clients", "create", "--name", "bench", "--organisation", OPH_ROOT, "--role", "CRUD",
        "--json",
    )  # fmt: skip
    credentials = json.loads(output.strip().splitlines()[-1])
    return credentials["client_id"], credentials["client_secret"]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """``ehoks serve`` in its own process group, so stopping it stops every worker."""

    def __init__(self, env: dict[str, str], workers: int, log_path: Path) -> None:
        self.env = env
        self.workers = workers
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 90.0) -> None:
        command = [
            ehoks_command(), "serve", "--host", "127.0.0.1", "--port", str(self.port),
            "--workers", str(self.workers),
        ]  # fmt: skip
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                command, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited at start:\n{self.log_tail()}")
            if self._healthy() and len(self.worker_pids()) >= self.workers:
                return
            time.sleep(0.25)
        raise RuntimeError(f"the server did not become healthy in {timeout:.0f} s")

    def _healthy(self) -> bool:
        try:
            with urllib.request.urlopen(self.base_url + HEALTH, timeout=2) as answer:
                return bool(answer.status == 200)
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return False

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def worker_pids(self) -> list[int]:
        """The processes that serve requests: the workers, or the server itself with one."""
        if self.process is None:
            return []
        if self.workers == 1:
            return [self.pid]
        return [
            pid
            for pid in procstats.children(self.pid)
            if "resource_tracker" not in procstats.cmdline(pid)
        ]

    def token(self) -> str:
        client_id, client_secret = create_client(self.env)
        form = urllib.parse.urlencode(
            {
                "grant_type": "client_credentials",
                "client_id": client_id,
                "client_secret": client_secret,
            }
        ).encode()
        request = urllib.request.Request(self.base_url + "/oauth2/token", data=form)
        with urllib.request.urlopen(request, timeout=30) as answer:
            return str(json.loads(answer.read())["access_token"])

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        try:
            os.killpg(self.pid, signal.SIGTERM)
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        except ProcessLookupError:
            pass
        # Workers left behind by a parent that died are still in the group: end them too.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pid, signal.SIGKILL)

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except FileNotFoundError:
            return ""
