"""POST /hoks on the lean path (issue 12, item 5): an ``async def`` route whose whole use case —
the client's active check, the prepare phase, the write and its audit — runs in one threadpool
hop, with the gate order unchanged."""

from __future__ import annotations

import inspect

import anyio.to_thread
from sqlalchemy import func, select

from ehoks.access import service as access_service
from ehoks.db import make_session_factory
from ehoks.hoks import routes
from ehoks.hoks.models import Hoks
from tests.conftest import API
from tests.factories import OPH, hoks_body


def _count(db) -> int:
    with make_session_factory(db)() as session:
        return int(session.scalar(select(func.count()).select_from(Hoks)) or 0)


def test_the_route_is_async():
    assert inspect.iscoroutinefunction(routes.create_hoks)


def test_one_threadpool_hop(client, clients, world, monkeypatch):
    headers = clients.headers(OPH)
    hops: list[str] = []
    real = anyio.to_thread.run_sync

    async def counting(func, *args, **kwargs):
        hops.append(getattr(func, "__name__", repr(func)))
        return await real(func, *args, **kwargs)

    monkeypatch.setattr(anyio.to_thread, "run_sync", counting)
    response = client.post(f"{API}/hoks", json=hoks_body(*world.add_oppija("hop")), headers=headers)
    assert response.status_code == 200, response.text
    assert len(hops) == 1, hops


def test_a_disabled_client_is_refused_before_anything_is_written(client, clients, world, db):
    headers = clients.headers(OPH)
    learner = world.add_oppija("disabled")
    with make_session_factory(db).begin() as session:
        for listed in access_service.list_clients(session):
            access_service.disable_client(session, listed.client_id)
    response = client.post(f"{API}/hoks", json=hoks_body(*learner), headers=headers)
    assert response.status_code == 401
    assert response.json() == {"error": "The client of this access token is disabled"}
    assert _count(db) == 0


def test_a_disabled_client_is_refused_before_the_body_is_validated(client, clients, world, db):
    """The order of ``ServiceClient``: an inactive client hears 401, not what is wrong with
    its body."""
    headers = clients.headers(OPH)
    with make_session_factory(db).begin() as session:
        for listed in access_service.list_clients(session):
            access_service.disable_client(session, listed.client_id)
    response = client.post(f"{API}/hoks", json={"oppija-oid": "not an oid"}, headers=headers)
    assert response.status_code == 401


def test_a_missing_caller_id_is_400_and_a_bad_token_401(client, world):
    body = hoks_body(*world.add_oppija("gate"))
    missing = client.post(f"{API}/hoks", json=body, headers={"Authorization": "Bearer x"})
    assert missing.status_code == 400
    bad = client.post(
        f"{API}/hoks", json=body, headers={"Authorization": "Bearer x", "Caller-Id": "t"}
    )
    assert bad.status_code == 401
