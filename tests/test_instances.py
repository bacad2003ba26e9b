"""Two ``ehoks serve`` processes on one PostgreSQL database behave as one service: a login (CAS,
or the workplace e-mail login) on one is a session on both, each step of it may land on either,
and a logout on either ends it everywhere; a rate limit counts the requests to both (per client,
and per source address as the load balancer forwards it); an ``Idempotency-Key`` makes one
HOKS whichever instance gets the retry; ``If-Match`` lets exactly one of two writers win; the
audit chain both append to stays whole; and the mail jobs both write are delivered exactly once
by two ``ehoks worker`` processes. The service is set up as an operator would
(docs/operations.md, "Running several instances"): a database of its own, ``ehoks db upgrade``,
``ehoks registry import``, ``ehoks clients create``, and the processes started with the command
and the environment, with one token secret and one public address (the load balancer's; here
instance A's) for both.

PostgreSQL only: the embedded SQLite database is one machine's file, for one instance.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from ehoks.auth.sessions import COOKIE_NAME, CSRF_COOKIE_NAME
from tests.conftest import API
from tests.factories import OPH, World, hoks_body
from tests.fakes.smtp import Delivery, SmtpServer

SERVER = os.environ.get("EHOKS_TEST_DATABASE_URL", "")

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.slow,
    pytest.mark.skipif(
        not SERVER or make_url(SERVER).get_backend_name() != "postgresql",
        reason="several instances need PostgreSQL (EHOKS_TEST_DATABASE_URL); the embedded "
        "SQLite database is a single instance by design",
    ),
]

HEALTH = "/ehoks-virkailija-backend/api/v1/healthcheck"
WHO = "/ehoks-virkailija-backend/api/v1/virkailija/session/kayttaja"
LOGOUT = "/ehoks-virkailija-backend/api/v1/virkailija/session"
SUPERUSER_OID = "1.2.246.562.24.00000000001"  # the development CAS's "virkailija:oph"
TOKEN_LIMIT = 5  # EHOKS_RATE_LIMITS__TOKEN_PER_CLIENT__HITS, per day
LOGIN_LIMIT = 20  # EHOKS_RATE_LIMITS__LOGIN_PER_IP__HITS, per day
MAILS = 8  # workplace instructors who ask for a login link
SECRET = "instances-test-token-secret-7c1f0b9e4d2a8f6e3b5c9d1a0e7f2b4c"


def _ehoks() -> str:
    beside = Path(sys.executable).parent / "ehoks"
    found = str(beside) if beside.exists() else shutil.which("ehoks")
    assert found, "the ehoks command was not found; run 'make install'"
    return found


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Instance:
    """One ``ehoks serve`` in a process group of its own, logging to a file."""

    def __init__(self, name: str, env: dict[str, str], port: int, log: Path) -> None:
        self.name, self.env, self.port, self.log = name, env, port, log
        self.url = f"http://127.0.0.1:{port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 90.0) -> None:
        command = [_ehoks(), "serve", "--host", "127.0.0.1", "--port", str(self.port)]
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                command, env=self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"instance {self.name} exited at start:\n{self.log_tail()}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(self.url + HEALTH, timeout=2).status_code == 200:
                    return
            time.sleep(0.2)
        raise RuntimeError(f"instance {self.name} was not healthy in {timeout:.0f} s")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def log_tail(self, lines: int = 30) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


@dataclass
class Cluster:
    a: Instance
    b: Instance
    env: dict[str, str]
    engine: Engine
    world: World
    learners: dict[str, tuple[str, str]]

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [_ehoks(), *args], env=self.env, capture_output=True, text=True, check=False
        )

    def new_client(self, name: str) -> tuple[str, str]:
        done = self.cli(
            "clients", "create", "--name", name, "--organisation", OPH, "--role", "CRUD", "--json"
        )
        assert done.returncode == 0, done.stdout + done.stderr
        credentials = json.loads(done.stdout.strip().splitlines()[-1])
        return credentials["client_id"], credentials["client_secret"]

    def token(self, instance: Instance, client: tuple[str, str]) -> httpx.Response:
        form = {"grant_type": "client_credentials", "client_id": client[0]}
        return httpx.post(
            instance.url + "/oauth2/token", data={**form, "client_secret": client[1]}, timeout=30
        )

    def scalar(self, statement: str, **params: Any) -> Any:
        with self.engine.connect() as conn:
            return conn.execute(text(statement), params).scalar()


def _environment(database_url: str, public_url: str) -> dict[str, str]:
    # Only our settings: the test run's own EHOKS_* (EHOKS_TEST_DATABASE_URL) are unknown to
    # the service, which refuses unknown names.
    env = {k: v for k, v in os.environ.items() if not k.startswith("EHOKS_")}
    return env | {
        "EHOKS_ENVIRONMENT": "test",
        "EHOKS_DATABASE_URL": database_url,
        "EHOKS_DATABASE_POOL_SIZE": "3",
        "EHOKS_TOKEN_SECRET": SECRET,
        "EHOKS_PUBLIC_URL": public_url,
        "EHOKS_DEV_CAS": "true",
        # Plain http on the loopback: httpx withholds Secure cookies there (a browser would not).
        "EHOKS_SESSION__COOKIE_SECURE": "false",
        "EHOKS_RATE_LIMITS__TOKEN_PER_CLIENT__HITS": str(TOKEN_LIMIT),
        "EHOKS_RATE_LIMITS__TOKEN_PER_CLIENT__SECONDS": str(24 * 3600),
        "EHOKS_RATE_LIMITS__LOGIN_PER_IP__HITS": str(LOGIN_LIMIT),
        "EHOKS_RATE_LIMITS__LOGIN_PER_IP__SECONDS": str(24 * 3600),
    }


def _admin(statement: str) -> None:
    admin = create_engine(
        make_url(SERVER).set(database="postgres"), isolation_level="AUTOCOMMIT", poolclass=NullPool
    )
    with admin.connect() as conn:
        conn.execute(text(statement))
    admin.dispose()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    work = tmp_path_factory.mktemp("instances")
    name = f"ehoks_instances_{os.getpid()}"
    url = make_url(SERVER).set(database=name).render_as_string(hide_password=False)
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _admin(f'CREATE DATABASE "{name}"')
    port_a, port_b = _free_port(), _free_port()
    env = _environment(url, f"http://127.0.0.1:{port_a}")
    world = World()
    seeds = ["idem", "idem-together", "race", *(f"mail-{n}" for n in range(MAILS))]
    learners = {seed: world.add_oppija(seed) for seed in seeds}
    a = Instance("A", env, port_a, work / "a.log")
    b = Instance("B", env, port_b, work / "b.log")
    engine = create_engine(url, poolclass=NullPool)
    cluster = Cluster(a, b, env, engine, world, learners)
    try:
        for args in (("db", "upgrade"), ("registry", "import", str(world.write(work / "reg")))):
            done = cluster.cli(*args)
            assert done.returncode == 0, done.stdout + done.stderr
        a.start()
        b.start()
        yield cluster
    finally:
        for instance in (a, b):
            instance.stop()
        engine.dispose()
        _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def bearer(cluster: Cluster) -> dict[str, str]:
    """One service client's token: issued by A, accepted by both (the same token secret)."""
    answer = cluster.token(cluster.a, cluster.new_client("Primus"))
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}", "Caller-Id": "tests"}


def _together(calls: list[Callable[[], httpx.Response]]) -> list[httpx.Response]:
    """Start the calls at the same moment, one thread each."""
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[], httpx.Response]) -> httpx.Response:
        barrier.wait()
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


# Logins and sessions


def _login_through_the_development_cas(start: Instance, back: Instance) -> str:
    """A browser starts a login at ``start`` as the development CAS's super user and brings
    the ticket back to ``back`` (a load balancer may send each request anywhere); returns the
    session cookie's value."""
    with httpx.Client(follow_redirects=False, timeout=30) as browser:
        begun = browser.get(start.url + "/ehoks/kirjaudu/virkailija")
        assert begun.status_code == 303, begun.text
        cas = begun.headers["location"]
        assert browser.get(cas).status_code == 200
        service = parse_qs(urlsplit(cas).query)["service"][0]
        chosen = browser.post(
            cas.split("?")[0],
            data={
                "kuka": "virkailija:oph",
                "service": service,
                "csrf_token": browser.cookies[CSRF_COOKIE_NAME],
            },
        )
        assert chosen.status_code == 303, chosen.text
        ticketed = urlsplit(chosen.headers["location"])
        assert ticketed.query.startswith("ticket=ST-") or "&ticket=ST-" in ticketed.query
        landed = browser.get(f"{back.url}{ticketed.path}?{ticketed.query}")
        assert landed.status_code == 303, landed.text
        return str(browser.cookies[COOKIE_NAME])


def _who(instance: Instance, cookie: str) -> httpx.Response:
    return httpx.get(instance.url + WHO, cookies={COOKIE_NAME: cookie}, timeout=30)


def test_a_login_on_one_instance_is_a_session_on_both_and_a_logout_on_either_ends_it(cluster):
    cookie = _login_through_the_development_cas(cluster.a, cluster.a)
    on_a, on_b = _who(cluster.a, cookie), _who(cluster.b, cookie)
    assert on_a.status_code == on_b.status_code == 200, (on_a.text, on_b.text)
    assert on_a.json() == on_b.json()
    who = on_b.json()["data"]
    assert who["kind"] == "virkailija"
    assert SUPERUSER_OID in who["id"]

    # A state-changing request on B needs the session's CSRF token, whoever issued it.
    cookies = {COOKIE_NAME: cookie}
    refused = httpx.delete(cluster.b.url + LOGOUT, cookies=cookies, timeout=30)
    assert refused.status_code == 403, refused.text
    assert _who(cluster.a, cookie).status_code == 200

    out = httpx.delete(
        cluster.b.url + LOGOUT,
        cookies=cookies,
        headers={"X-CSRF-Token": who["csrf-token"]},
        timeout=30,
    )
    assert out.status_code == 200, out.text
    assert [_who(i, cookie).status_code for i in (cluster.a, cluster.b)] == [401, 401]


def test_a_login_started_on_one_instance_may_come_back_to_the_other(cluster):
    cookie = _login_through_the_development_cas(cluster.a, cluster.b)
    assert [_who(i, cookie).status_code for i in (cluster.a, cluster.b)] == [200, 200]


# Rate limits


def test_a_rate_limit_counts_the_requests_to_both_instances(cluster):
    requests = TOKEN_LIMIT + 2

    def answers(targets: list[Instance]) -> tuple[list[httpx.Response], bool]:
        client = cluster.new_client("SIS " + "".join(t.name for t in targets))
        day = time.time() // 86400
        answered = [cluster.token(target, client) for target in targets]
        # A window is one UTC day: a run across midnight counts in two and proves nothing.
        return answered, time.time() // 86400 == day

    for _attempt in range(2):
        alone, same_day_alone = answers([cluster.a] * requests)
        both, same_day_both = answers(([cluster.a, cluster.b] * requests)[:requests])
        if same_day_alone and same_day_both:
            break
    expected = [200] * TOKEN_LIMIT + [429] * 2
    assert [r.status_code for r in alone] == expected
    assert [r.status_code for r in both] == expected
    assert {r.url.port for r in both[TOKEN_LIMIT:]} == {cluster.a.port, cluster.b.port}
    for refused in both[TOKEN_LIMIT:]:
        assert f"token-per-client allows {TOKEN_LIMIT} in 86400 seconds" in refused.text


def test_a_limit_per_source_address_counts_the_forwarded_address_on_both_instances(cluster):
    # The test client stands for the load balancer: uvicorn trusts X-Forwarded-For from the
    # loopback by default (FORWARDED_ALLOW_IPS), as docs/operations.md describes.
    def begin(target: Instance, address: str) -> int:
        return httpx.get(
            target.url + "/ehoks/kirjaudu/virkailija",
            headers={"X-Forwarded-For": address},
            timeout=30,
        ).status_code

    day = time.time() // 86400
    statuses = [begin([cluster.a, cluster.b][i % 2], "203.0.113.7") for i in range(LOGIN_LIMIT + 2)]
    if time.time() // 86400 != day:
        pytest.skip("the limit's window (one UTC day) ended during the test")
    assert statuses == [303] * LOGIN_LIMIT + [429] * 2
    assert [begin(i, "203.0.113.8") for i in (cluster.a, cluster.b)] == [303, 303]


# Idempotency keys


def _count_hokses(cluster: Cluster, seed: str) -> int:
    oppija, _ = cluster.learners[seed]
    return int(cluster.scalar("SELECT count(*) FROM hoks WHERE oppija_oid = :o", o=oppija))


def test_an_idempotency_key_makes_one_hoks_whichever_instance_gets_the_retry(cluster, bearer):
    body = hoks_body(*cluster.learners["idem"])
    headers = {**bearer, "Idempotency-Key": "instances-1"}
    first = httpx.post(cluster.a.url + f"{API}/hoks", json=body, headers=headers, timeout=30)
    retry = httpx.post(cluster.b.url + f"{API}/hoks", json=body, headers=headers, timeout=30)
    assert (first.status_code, retry.status_code) == (200, 200), (first.text, retry.text)
    assert retry.json() == first.json()
    assert retry.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    assert _count_hokses(cluster, "idem") == 1

    # The same key with another body is refused on the other instance too.
    other = {**body, "sahkoposti": "toinen@example.org"}
    reused = httpx.post(cluster.a.url + f"{API}/hoks", json=other, headers=headers, timeout=30)
    assert reused.status_code == 422, reused.text


def test_one_create_sent_to_both_instances_at_once_makes_one_hoks(cluster, bearer):
    body = hoks_body(*cluster.learners["idem-together"])
    headers = {**bearer, "Idempotency-Key": "instances-2"}
    results = _together(
        [
            lambda target=target: httpx.post(
                target.url + f"{API}/hoks", json=body, headers=headers, timeout=30
            )
            for target in (cluster.a, cluster.b, cluster.a, cluster.b)
        ]
    )
    assert [r.status_code for r in results] == [200] * 4, [r.text for r in results]
    assert len({r.json()["meta"]["id"] for r in results}) == 1
    assert sum(r.headers.get("idempotent-replayed") == "true" for r in results) == 3
    assert _count_hokses(cluster, "idem-together") == 1


# Optimistic concurrency


def test_two_puts_with_one_if_match_on_two_instances_exactly_one_wins(cluster, bearer):
    oppija, oo = cluster.learners["race"]
    created = httpx.post(
        cluster.a.url + f"{API}/hoks", json=hoks_body(oppija, oo), headers=bearer, timeout=30
    )
    assert created.status_code == 200, created.text
    hoks_id = created.json()["meta"]["id"]
    etag = httpx.get(cluster.b.url + f"{API}/hoks/{hoks_id}", headers=bearer, timeout=30).headers[
        "etag"
    ]

    def put(target: Instance, email: str) -> Callable[[], httpx.Response]:
        body = {**hoks_body(oppija, oo), "id": hoks_id, "sahkoposti": email}
        headers = {**bearer, "If-Match": etag}
        url = target.url + f"{API}/hoks/{hoks_id}"
        return lambda: httpx.put(url, json=body, headers=headers, timeout=30)

    results = _together([put(cluster.a, "a@example.org"), put(cluster.b, "b@example.org")])
    assert sorted(r.status_code for r in results) == [204, 412], [r.text for r in results]
    winner = next(i for i, r in enumerate(results) if r.status_code == 204)
    for target in (cluster.a, cluster.b):
        final = httpx.get(target.url + f"{API}/hoks/{hoks_id}", headers=bearer, timeout=30)
        assert final.headers["etag"] == results[winner].headers["etag"] == '"2"'
        assert final.json()["data"]["sahkoposti"] == ["a@example.org", "b@example.org"][winner]
    # The loser's version is gone on both instances: a retry with it is refused again.
    late = put([cluster.a, cluster.b][1 - winner], "late@example.org")()
    assert late.status_code == 412, late.text


# The audit chain


def test_both_instances_append_to_one_unbroken_audit_chain(cluster, bearer):
    hoks_id = cluster.scalar("SELECT min(id) FROM hoks")
    assert hoks_id is not None
    before = cluster.scalar("SELECT count(*) FROM audit_event")
    reads = _together(
        [
            lambda target=target: httpx.get(
                target.url + f"{API}/hoks/{hoks_id}", headers=bearer, timeout=30
            )
            for target in (cluster.a, cluster.b) * 4
        ]
    )
    assert [r.status_code for r in reads] == [200] * 8
    assert cluster.scalar("SELECT count(*) FROM audit_event") >= before + 8
    verified = cluster.cli("audit", "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr


# Jobs


def _csrf(browser: httpx.Client, instance: Instance) -> str:
    page = browser.get(instance.url + "/ehoks/tyopaikka")
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found is not None, page.text
    return found.group(1)


class SlowSmtpServer(SmtpServer):
    """Takes half a second for each mail, as a real relay may: while one worker waits for it,
    the other claims the next job, so both take part."""

    def record(self, delivery: Delivery) -> None:
        time.sleep(0.5)
        super().record(delivery)


def _start_worker(cluster: Cluster, smtp: SmtpServer, log: Path) -> subprocess.Popen[bytes]:
    env = cluster.env | {
        "EHOKS_SMTP__HOST": smtp.host,
        "EHOKS_SMTP__PORT": str(smtp.port),
        "EHOKS_OUTBOX__POLL_INTERVAL_SECONDS": "0.05",
        "EHOKS_OUTBOX__BATCH_SIZE": "1",
    }
    with log.open("wb") as out:
        return subprocess.Popen([_ehoks(), "worker"], env=env, stdout=out, stderr=subprocess.STDOUT)


def _wait_for(condition: Callable[[], bool], what: str, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def test_mail_jobs_of_both_instances_are_delivered_once_by_two_workers(cluster, bearer, tmp_path):
    # A plan per instructor, created on A and B in turn.
    addresses = [f"ohjaaja-{n}@example.org" for n in range(MAILS)]
    for n, address in enumerate(addresses):
        body = hoks_body(*cluster.learners[f"mail-{n}"])
        period = body["hankittavat-ammat-tutkinnon-osat"][0]["osaamisen-hankkimistavat"][0]
        period["tyopaikalla-jarjestettava-koulutus"]["vastuullinen-tyopaikka-ohjaaja"] = {
            "nimi": f"Ohjaaja {n}",
            "sahkoposti": address,
        }
        target = (cluster.a, cluster.b)[n % 2]
        created = httpx.post(target.url + f"{API}/hoks", json=body, headers=bearer, timeout=30)
        assert created.status_code == 200, created.text
    jobs_before = cluster.scalar("SELECT count(*) FROM outbox")

    # Each instructor asks for a login link, on B and A in turn: the requests only write jobs.
    with httpx.Client(follow_redirects=False, timeout=30) as browser:
        for n, address in enumerate(addresses):
            target = (cluster.b, cluster.a)[n % 2]
            csrf = _csrf(browser, target)
            asked = browser.post(
                target.url + "/ehoks/tyopaikka", data={"sahkoposti": address, "csrf_token": csrf}
            )
            assert asked.status_code == 200, asked.text
    assert cluster.scalar("SELECT count(*) FROM outbox WHERE state = 'pending'") == MAILS
    assert cluster.scalar("SELECT count(*) FROM outbox") == jobs_before + MAILS

    smtp = SlowSmtpServer()
    smtp.start()
    logs = [tmp_path / "worker-1.log", tmp_path / "worker-2.log"]
    workers = [_start_worker(cluster, smtp, log) for log in logs]
    try:
        _wait_for(lambda: len(smtp.deliveries) >= MAILS, f"{MAILS} mails")

        # One of them logs in with the link (the public address, A's) opened on B, asks for
        # the code on B, and types it in on A: the code mail is a job the workers send too.
        address = addresses[0]
        link = smtp.link_to(address)
        assert link.startswith(f"{cluster.a.url}/ehoks/sahkoposti/")
        path = urlsplit(link).path
        with httpx.Client(follow_redirects=False, timeout=30) as browser:
            csrf = _csrf(browser, cluster.b)
            assert browser.get(cluster.b.url + path).status_code == 200
            asked = browser.post(f"{cluster.b.url}{path}/koodi", data={"csrf_token": csrf})
            assert asked.status_code == 200, asked.text
            _wait_for(lambda: len(smtp.to(address)) == 2, "the code mail")
            entered = browser.post(
                cluster.a.url + path, data={"koodi": smtp.code_to(address), "csrf_token": csrf}
            )
            assert entered.status_code == 303, entered.text
            cookie = str(browser.cookies[COOKIE_NAME])
        parts = httpx.get(
            cluster.b.url + "/ehoks-oppija-backend/api/v1/tyopaikka/hoksit",
            cookies={COOKIE_NAME: cookie},
            timeout=30,
        )
        assert parts.status_code == 200, parts.text
        assert len(parts.json()["data"]) == 1
        _wait_for(
            lambda: (
                cluster.scalar("SELECT count(*) FROM outbox WHERE state = 'done'")
                == jobs_before + MAILS + 1
            ),
            "every job done",
        )
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        codes = [worker.wait(timeout=30) for worker in workers]
        smtp.stop()

    assert codes == [0, 0], [log.read_text() for log in logs]
    received = sorted(r for d in smtp.deliveries for r in d.rcpt_tos)
    assert received == sorted([*addresses, addresses[0]])  # each once, and the code mail
    done = [re.search(r"stopped after (\d+) job", log.read_text()) for log in logs]
    assert all(done), [log.read_text() for log in logs]
    counts = [int(found.group(1)) for found in done if found]
    assert sum(counts) == MAILS + 1
    assert all(counts), counts  # both workers delivered some
