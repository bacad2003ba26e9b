"""The outbox and its worker on the real database and a real SMTP server: a job commits or rolls
back with its change, is delivered once, retried with backoff, buried after the last attempt,
redone after a lease runs out, and handed back when the worker stops."""

from __future__ import annotations

import random
import threading
import time
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from ehoks.kernel.clock import now_utc
from ehoks.mail.outbox import enqueue_mail, mail_handlers
from ehoks.mail.sender import OutgoingMail, SmtpMailer
from ehoks.outbox.models import OutboxJob
from ehoks.outbox.repository import OutboxRepository
from ehoks.outbox.service import backoff, enqueue
from ehoks.outbox.worker import JobFailed, Worker
from ehoks.settings.outbox import OutboxSettings

pytest_plugins = ["tests.fakes.smtp"]

# The workers' clock starts a day ahead of the real one (taken at import), so that every job
# the tests write with the real clock during the run is due to it.
T0 = now_utc().replace(microsecond=0) + timedelta(days=1)
ADDRESS = "olli.ohjaaja@example.fi"


class Clock:
    def __init__(self, at: datetime = T0) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


def mail(n: int = 0, to: str = ADDRESS) -> OutgoingMail:
    return OutgoingMail(to=to, subject=f"eHOKS: testi {n}", text=f"viesti {n}\n")


def jobs(session_factory) -> list[OutboxJob]:
    with session_factory() as session:
        return list(session.scalars(select(OutboxJob).order_by(OutboxJob.id)))


def worker(session_factory, smtp, clock=None, **settings) -> Worker:
    return Worker(
        session_factory,
        mail_handlers(SmtpMailer(smtp)),
        OutboxSettings(**settings),
        context=lambda kind: None,
        clock=clock or Clock(),
        rng=random.Random(12),
    )


def test_a_job_rolls_back_with_its_change(session_factory):
    def change_that_fails():
        with session_factory.begin() as session:
            enqueue_mail(session, mail())
            raise RuntimeError("the change failed")

    with pytest.raises(RuntimeError):
        change_that_fails()
    with session_factory.begin() as session:
        enqueue_mail(session, mail(1))

    assert [job.payload["subject"] for job in jobs(session_factory)] == ["eHOKS: testi 1"]


def test_a_job_is_delivered_over_smtp_once_and_its_payload_erased(session_factory, smtp_server):
    with session_factory.begin() as session:
        job_id = enqueue_mail(session, mail())
    clock = Clock(T0 + timedelta(seconds=1))
    job_worker = worker(session_factory, smtp_server.settings(), clock)

    assert job_worker.drain() == 1
    assert job_worker.drain() == 0

    (received,) = smtp_server.messages
    assert (received["To"], received["Subject"]) == (ADDRESS, "eHOKS: testi 0")
    (job,) = jobs(session_factory)
    assert (job.id, job.state, job.attempts, job.payload) == (job_id, "done", 1, {})
    assert job.finished_at == clock.at
    assert job.lease_token is None


def test_a_job_waits_for_its_time_and_a_dedupe_key_adds_it_once(session_factory, smtp_server):
    with session_factory.begin() as session:
        first = enqueue(
            session,
            "mail",
            {"to": ADDRESS, "subject": "s", "text": "t"},
            not_before=T0 + timedelta(minutes=5),
            dedupe_key="muistutus-1",
            now=T0,
        )
        again = enqueue(
            session,
            "mail",
            {"to": ADDRESS, "subject": "s", "text": "t"},
            dedupe_key="muistutus-1",
            now=T0,
        )
    assert first is not None
    assert again is None
    clock = Clock(T0 + timedelta(minutes=4))
    job_worker = worker(session_factory, smtp_server.settings(), clock)

    assert job_worker.drain() == 0
    clock.at = T0 + timedelta(minutes=5)
    assert job_worker.drain() == 1
    assert len(smtp_server.messages) == 1


def test_a_refusing_server_is_retried_with_growing_jittered_waits(
    session_factory, unreachable_smtp
):
    with session_factory.begin() as session:
        enqueue_mail(
            session,
            mail(),
        )
    clock = Clock(T0)
    settings = {"backoff_base_seconds": 30, "backoff_max_seconds": 100, "max_attempts": 5}
    job_worker = worker(session_factory, unreachable_smtp, clock, **settings)

    waits = []
    for attempt in range(1, 5):
        assert job_worker.drain() == 1
        (job,) = jobs(session_factory)
        assert (job.state, job.attempts) == ("pending", attempt)
        assert job.last_error.startswith("MailUnavailable: could not connect to the mail server")
        waits.append((job.not_before - clock.at).total_seconds())
        assert job_worker.drain() == 0  # not due before its time
        clock.at = job.not_before

    # Equal jitter: each wait in [ceiling / 2, ceiling), the ceiling doubling up to the cap.
    for wait, ceiling in zip(waits, (30, 60, 100, 100), strict=True):
        assert ceiling / 2 <= wait < ceiling, waits
    assert len(set(waits)) == 4


def test_backoff_is_jittered_between_half_and_the_whole_ceiling():
    settings = OutboxSettings(backoff_base_seconds=10, backoff_max_seconds=1000)
    rng = random.Random(1)
    samples = [backoff(3, settings, rng).total_seconds() for _ in range(200)]
    assert all(20 <= s < 40 for s in samples)
    assert max(samples) - min(samples) > 10  # spread, not one value


def test_a_job_is_dead_after_the_last_attempt_and_the_cli_retries_it(
    session_factory, unreachable_smtp, smtp_server
):
    with session_factory.begin() as session:
        enqueue_mail(session, mail())
    clock = Clock(T0)
    failing = worker(session_factory, unreachable_smtp, clock, max_attempts=3)
    for _ in range(3):
        assert failing.drain() == 1
        clock.at += timedelta(hours=2)

    (job,) = jobs(session_factory)
    assert (job.state, job.attempts) == ("dead", 3)
    assert job.last_error.startswith("MailUnavailable: could not connect")
    assert ADDRESS not in job.last_error
    assert failing.drain() == 0  # dead jobs stay dead

    with session_factory.begin() as session:
        assert OutboxRepository(session).revive(now=clock.at, job_id=None) == 1
    assert worker(session_factory, smtp_server.settings(), clock).drain() == 1
    assert [m["To"] for m in smtp_server.messages] == [ADDRESS]
    assert jobs(session_factory)[0].state == "done"


def test_an_address_refused_for_good_is_dead_at_once(session_factory, smtp_server):
    smtp_server.refuse("gone@example.fi")
    with session_factory.begin() as session:
        enqueue_mail(session, mail(to="gone@example.fi"))

    assert worker(session_factory, smtp_server.settings()).drain() == 1
    (job,) = jobs(session_factory)
    assert (job.state, job.last_error) == (
        "dead",
        "InvalidEmailAddress: the mail server refuses it: 550",
    )


def test_a_job_of_no_known_kind_is_dead(session_factory, smtp_server):
    with session_factory.begin() as session:
        enqueue(session, "palaute", {"x": 1})
    assert worker(session_factory, smtp_server.settings()).drain() == 1
    (job,) = jobs(session_factory)
    assert (job.state, job.last_error) == ("dead", "no handler for the kind 'palaute'")


def test_an_expired_lease_is_claimed_again_and_the_late_worker_changes_nothing(
    session_factory, smtp_server
):
    with session_factory.begin() as session:
        enqueue_mail(session, mail())
    # A worker claims the job and dies before sending it.
    with session_factory.begin() as session:
        (lost,) = OutboxRepository(session).claim(
            now=T0, limit=10, lease_token="kuollut", lease_until=T0 + timedelta(seconds=300)
        )
    clock = Clock(T0 + timedelta(seconds=299))
    job_worker = worker(session_factory, smtp_server.settings(), clock)
    assert job_worker.drain() == 0  # still leased

    clock.at = T0 + timedelta(seconds=301)
    assert job_worker.drain() == 1
    assert len(smtp_server.messages) == 1
    (job,) = jobs(session_factory)
    assert (job.state, job.attempts) == ("done", 2)
    # The first worker, back from the dead, cannot change what the second one finished.
    with session_factory.begin() as session:
        assert not OutboxRepository(session).finish(lost, now=clock.at)
        assert not OutboxRepository(session).bury(lost, error="x", now=clock.at)
    assert jobs(session_factory)[0].state == "done"


def test_a_job_whose_lease_ran_out_on_its_last_attempt_is_dead(session_factory, smtp_server):
    with session_factory.begin() as session:
        enqueue_mail(session, mail())
    with session_factory.begin() as session:
        OutboxRepository(session).claim(
            now=T0, limit=1, lease_token="kuollut", lease_until=T0 + timedelta(seconds=10)
        )
    job_worker = worker(
        session_factory, smtp_server.settings(), Clock(T0 + timedelta(minutes=1)), max_attempts=1
    )
    assert job_worker.drain() == 1
    (job,) = jobs(session_factory)
    assert (job.state, job.last_error) == ("dead", "the lease ran out during the last attempt")
    assert smtp_server.messages == []


def test_a_stopping_worker_finishes_the_job_in_hand_and_hands_back_the_rest(session_factory):
    with session_factory.begin() as session:
        for n in range(3):
            enqueue(session, "hidas", {"n": n})
    started, release, stop = threading.Event(), threading.Event(), threading.Event()
    handled = []

    def slow(_context, payload):
        started.set()
        assert release.wait(10)
        handled.append(payload["n"])

    job_worker = Worker(
        session_factory,
        {"hidas": slow},
        OutboxSettings(batch_size=3, poll_interval_seconds=0.05),
        context=lambda kind: None,
    )
    thread = threading.Thread(target=job_worker.run, args=(stop,))
    thread.start()
    assert started.wait(10)
    stop.set()  # SIGTERM while the first job is in hand
    release.set()
    thread.join(10)

    assert not thread.is_alive()
    assert handled == [0]
    states = [(job.state, job.attempts, job.lease_token) for job in jobs(session_factory)]
    assert states == [("done", 1, None), ("pending", 0, None), ("pending", 0, None)]


def test_a_failing_handler_never_stops_the_worker(session_factory):
    with session_factory.begin() as session:
        enqueue(session, "rikki", {})
        enqueue(session, "ok", {})
    done = []

    def broken(_context, payload):
        raise JobFailed("rikki meni")

    job_worker = Worker(
        session_factory,
        {"rikki": broken, "ok": lambda _context, payload: done.append(payload)},
        OutboxSettings(),
        context=lambda kind: None,
    )
    assert job_worker.drain() == 2
    assert done == [{}]
    first, second = jobs(session_factory)
    assert (first.state, first.last_error) == ("pending", "rikki meni")
    assert second.state == "done"
    with session_factory() as session:
        assert session.scalar(select(func.count()).select_from(OutboxJob)) == 2


def test_the_worker_outlives_a_database_that_is_away(caplog):
    calls = []

    class Away:
        def begin(self):
            calls.append(1)
            raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    stop = threading.Event()
    job_worker = Worker(
        Away(),  # type: ignore[arg-type]
        {},
        OutboxSettings(poll_interval_seconds=0.01),
        context=lambda kind: None,
    )
    thread = threading.Thread(target=job_worker.run, args=(stop,))
    thread.start()
    deadline = time.monotonic() + 10
    while len(calls) < 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    stop.set()
    thread.join(10)

    assert len(calls) >= 3  # it kept looking
    assert not thread.is_alive()
    assert "OperationalError" in caplog.text


def test_each_job_runs_with_a_use_case_context_of_its_own(db, settings):
    """The worker is an entrypoint like the API and the CLI: ``ehoks worker``'s composition
    root gives every job a context of its own, acting as the system under the job's kind."""
    import dataclasses

    from ehoks.access.actor import SystemActor
    from ehoks.cli.worker import build_worker
    from ehoks.context import UseCase, build_runtime

    with db.begin() as connection:
        connection.execute(OutboxJob.__table__.delete())
    runtime = build_runtime(settings, db)
    built = build_worker(settings, runtime)
    assert set(built.handlers) == {"mail", "noop"}
    seen: list[tuple[UseCase, dict]] = []
    job_worker = dataclasses.replace(
        built, handlers={"tehtava": lambda ctx, payload: seen.append((ctx, payload))}
    )
    with runtime.write_sessions.begin() as session:
        enqueue(session, "tehtava", {"n": 1})
        enqueue(session, "tehtava", {"n": 2})

    assert job_worker.drain() == 2
    (first, one), (second, two) = seen
    assert (one, two) == ({"n": 1}, {"n": 2})
    assert first is not second  # one context per job, as per request
    for ctx in (first, second):
        assert isinstance(ctx, UseCase)
        assert ctx.runtime is runtime
        assert ctx.actor == SystemActor("outbox:tehtava")
        with ctx.read() as session:  # its transaction frame works outside the worker's own
            assert session.scalar(select(func.count()).select_from(OutboxJob)) == 2
    assert [job.state for job in jobs(runtime.write_sessions)] == ["done", "done"]
