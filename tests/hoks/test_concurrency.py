"""Two writers at once, over real sockets against a real uvicorn server: If-Match lets exactly
one of them win, and a create retried with one Idempotency-Key makes one HOKS."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
import uvicorn
from sqlalchemy import func, select

from ehoks.db import make_session_factory
from ehoks.hoks.models import Hoks
from tests.conftest import API
from tests.factories import OPH, hoks_body


@pytest.fixture
def server(app) -> Iterator[str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not instance.started:
        if time.monotonic() > deadline:
            raise RuntimeError("test server did not start")
        time.sleep(0.01)
    yield f"http://127.0.0.1:{port}"
    instance.should_exit = True
    thread.join(timeout=10)


def _together(calls):
    barrier = threading.Barrier(len(calls))

    def run(call):
        barrier.wait()
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def _count(db):
    with make_session_factory(db).begin() as session:
        return session.scalar(select(func.count()).select_from(Hoks))


def test_two_writers_with_the_same_if_match_exactly_one_wins(server, clients, world):
    headers = clients.headers(OPH)
    oppija, oo = world.add_oppija("race")
    with httpx.Client(base_url=server, headers=headers, timeout=30) as http:
        hoks_id = http.post(f"{API}/hoks", json=hoks_body(oppija, oo)).json()["meta"]["id"]
        etag = http.get(f"{API}/hoks/{hoks_id}").headers["etag"]

        def writer(email):
            return lambda: http.patch(
                f"{API}/hoks/{hoks_id}",
                json={"id": hoks_id, "sahkoposti": email},
                headers={"If-Match": etag},
            )

        results = _together([writer("a@example.org"), writer("b@example.org")])
        statuses = sorted(r.status_code for r in results)
        assert statuses == [204, 412]
        winner = next(r for r in results if r.status_code == 204)
        final = http.get(f"{API}/hoks/{hoks_id}")
        assert final.headers["etag"] == winner.headers["etag"] == '"2"'


def test_piecewise_writers_without_if_match_lose_nothing(server, clients, world):
    headers = clients.headers(OPH)
    oppija, oo = world.add_oppija("pieces")
    part = {"nimi": "Opiskelutaidot", "kuvaus": "x", "alku": "2024-09-01", "loppu": "2024-10-01"}
    with httpx.Client(base_url=server, headers=headers, timeout=30) as http:
        hoks_id = http.post(f"{API}/hoks", json=hoks_body(oppija, oo)).json()["meta"]["id"]
        url = f"{API}/hoks/{hoks_id}/osat/opiskeluvalmiuksia-tukevat-opinnot"
        results = _together(
            [lambda i=i: http.post(url, json={**part, "kuvaus": str(i)}) for i in range(4)]
        )
        assert [r.status_code for r in results] == [201] * 4
        data = http.get(f"{API}/hoks/{hoks_id}").json()["data"]
        assert sorted(p["kuvaus"] for p in data["opiskeluvalmiuksia-tukevat-opinnot"]) == [
            "0",
            "1",
            "2",
            "3",
        ]


def test_create_retried_with_one_idempotency_key_makes_one_hoks(server, clients, world, db):
    headers = {**clients.headers(OPH), "Idempotency-Key": "create-1"}
    oppija, oo = world.add_oppija("idem")
    body = hoks_body(oppija, oo)
    with httpx.Client(base_url=server, headers=headers, timeout=30) as http:
        results = _together([lambda: http.post(f"{API}/hoks", json=body) for _ in range(3)])
        assert [r.status_code for r in results] == [200, 200, 200]
        assert len({r.json()["meta"]["id"] for r in results}) == 1
        assert sum(r.headers.get("idempotent-replayed") == "true" for r in results) == 2
        later = http.post(f"{API}/hoks", json=body)
        assert later.status_code == 200
        assert later.json() == results[0].json()
    assert _count(db) == 1


def test_idempotency_key_reused_with_another_body_is_422(client, clients, world, db):
    headers = {**clients.headers(OPH), "Idempotency-Key": "create-2"}
    first = world.add_oppija("idem-a")
    second = world.add_oppija("idem-b")
    assert client.post(f"{API}/hoks", json=hoks_body(*first), headers=headers).status_code == 200
    response = client.post(f"{API}/hoks", json=hoks_body(*second), headers=headers)
    assert response.status_code == 422
    assert _count(db) == 1


def test_idempotency_keys_are_per_client(client, clients, world):
    oppija, oo = world.add_oppija("idem-c")
    body = hoks_body(oppija, oo)
    one = client.post(
        f"{API}/hoks", json=body, headers={**clients.headers(OPH), "Idempotency-Key": "k"}
    )
    other = client.post(
        f"{API}/hoks", json=body, headers={**clients.headers(OPH), "Idempotency-Key": "k"}
    )
    assert one.status_code == 200
    assert other.status_code == 400  # a different client: not a replay, the study right is taken
