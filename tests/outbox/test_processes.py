"""Real ``ehoks worker`` processes on one database: two of them deliver 200 mails, each exactly
once, and stop cleanly on SIGTERM. (On PostgreSQL the claim is ``FOR UPDATE SKIP LOCKED``; on
SQLite the claim runs under the write lock. CI runs both.)"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from sqlalchemy import func, select

from ehoks.mail.outbox import enqueue_mail
from ehoks.mail.sender import OutgoingMail
from ehoks.outbox.models import OutboxJob

pytest_plugins = ["tests.fakes.smtp"]

EHOKS = str(Path(sys.executable).with_name("ehoks"))
JOBS = 200


def _env(database_url, smtp):
    return {
        **os.environ,
        "EHOKS_ENVIRONMENT": "test",
        "EHOKS_DATABASE_URL": database_url,
        "EHOKS_SMTP__HOST": smtp.host,
        "EHOKS_SMTP__PORT": str(smtp.port),
        "EHOKS_OUTBOX__POLL_INTERVAL_SECONDS": "0.05",
        "EHOKS_OUTBOX__BATCH_SIZE": "5",
    }


def _done(session_factory):
    with session_factory() as session:
        return session.scalar(
            select(func.count()).select_from(OutboxJob).where(OutboxJob.state == "done")
        )


def test_two_worker_processes_deliver_every_mail_exactly_once(
    database_url, session_factory, smtp_server
):
    workers = [
        subprocess.Popen(
            [EHOKS, "worker"],
            env=_env(database_url, smtp_server),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    try:
        # Written in batches while both workers run, as requests would.
        for start in range(0, JOBS, 20):
            with session_factory.begin() as session:
                for n in range(start, start + 20):
                    enqueue_mail(
                        session,
                        OutgoingMail(
                            to=f"vastaanottaja{n}@example.fi", subject=f"eHOKS {n}", text="x"
                        ),
                    )
        deadline = time.monotonic() + 120
        while _done(session_factory) < JOBS and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        for process in workers:
            process.send_signal(signal.SIGTERM)
        outputs = [process.communicate(timeout=30) for process in workers]

    assert [process.returncode for process in workers] == [0, 0], outputs
    assert _done(session_factory) == JOBS
    subjects = Counter(str(message["Subject"]) for message in smtp_server.messages)
    assert len(subjects) == JOBS
    assert set(subjects.values()) == {1}, [s for s, n in subjects.items() if n > 1]
    # Both took part (each says how many jobs it did when it stops).
    counts = [int(re.search(r"stopped after (\d+) job", stderr).group(1)) for _, stderr in outputs]
    assert sum(counts) == JOBS
    assert all(count > 0 for count in counts), counts


def test_a_worker_process_stops_on_sigterm_and_once_drains(
    database_url, session_factory, smtp_server
):
    with session_factory.begin() as session:
        enqueue_mail(session, OutgoingMail(to="a@example.fi", subject="eHOKS a", text="x"))
    once = subprocess.run(
        [EHOKS, "worker", "--once"],
        env=_env(database_url, smtp_server),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert once.returncode == 0, once.stderr
    assert "1 job(s) attempted" in once.stdout
    assert _done(session_factory) == 1

    idle = subprocess.Popen(
        [EHOKS, "worker", "--poll-interval", "30"],
        env=_env(database_url, smtp_server),
        stderr=subprocess.PIPE,
        text=True,
    )
    assert idle.stderr is not None
    first = idle.stderr.readline()  # once it says so, it is waiting for jobs
    assert "outbox worker" in first, first
    assert "started" in first, first
    idle.send_signal(signal.SIGTERM)
    _, stderr = idle.communicate(timeout=10)  # not the 30 s poll: the stop wakes it
    assert idle.returncode == 0, stderr
    assert "stopped after 0 job(s)" in stderr


def test_serve_with_worker_delivers_mail_and_stops_with_the_server(
    database_url, session_factory, smtp_server
):
    # What `make run` starts: the server and a worker thread in one process.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [EHOKS, "serve", "--with-worker", "--port", str(port)],
        env=_env(database_url, smtp_server),
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_for_port(port)
        with session_factory.begin() as session:
            enqueue_mail(session, OutgoingMail(to="s@example.fi", subject="eHOKS s", text="x"))
        deadline = time.monotonic() + 60
        while _done(session_factory) < 1 and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        server.send_signal(signal.SIGTERM)
        _, stderr = server.communicate(timeout=30)
    assert server.returncode == 128 + signal.SIGTERM, stderr  # a clean exit by the signal
    assert "Traceback" not in stderr
    assert [m["To"] for m in smtp_server.messages] == ["s@example.fi"]
    assert "stopped after 1 job(s)" in stderr


def _wait_for_port(port):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise AssertionError(f"nothing listens on {port}")
