"""Every route of the HOKS service API runs its whole use case in ONE threadpool hop (issue 12,
item 5): an ``async def`` route whose client check, prepare phase, transaction and audit share
one hop (``api.deps.ServiceCall.run`` / ``read``), with a disabled client refused before
anything is read or written. Each case answers as it always has; the status is checked."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import anyio.to_thread
import pytest
from fastapi.routing import APIRoute
from sqlalchemy import func, select

from ehoks.access import service as access_service
from ehoks.audit.models import AuditEvent
from ehoks.db import make_session_factory
from ehoks.hoks import routes
from ehoks.hoks.models import HoksVersion
from tests.conftest import API
from tests.factories import OPH, hoks_body, tyopaikkajakso

OPISKELUVALMIUS = {
    "nimi": "Opiskelutaidot",
    "kuvaus": "Ajanhallinta",
    "alku": "2024-09-01",
    "loppu": "2024-10-01",
}

Call = Callable[[Any, dict[str, str], int, dict[str, Any]], Any]
"""(client, headers, hoks id, the HOKS as read and the body it was created from under
``created-from``) -> the response."""


def _unit(data: dict[str, Any]) -> str:
    return str(data["hankittavat-ammat-tutkinnon-osat"][0]["module-id"])


def _period(data: dict[str, Any]) -> str:
    return str(
        data["hankittavat-ammat-tutkinnon-osat"][0]["osaamisen-hankkimistavat"][0]["module-id"]
    )


CASES: dict[str, tuple[Call, int]] = {
    "paged": (lambda c, h, i, d: c.get(f"{API}/hoks/paged?amount=5", headers=h), 200),
    "by study right": (
        lambda c, h, i, d: c.get(f"{API}/hoks/opiskeluoikeus/{d['opiskeluoikeus-oid']}", headers=h),
        200,
    ),
    "get": (lambda c, h, i, d: c.get(f"{API}/hoks/{i}", headers=h), 200),
    "replace": (
        lambda c, h, i, d: c.put(f"{API}/hoks/{i}", json={**d["created-from"], "id": i}, headers=h),
        204,
    ),
    "patch": (
        lambda c, h, i, d: c.patch(
            f"{API}/hoks/{i}", json={"id": i, "sahkoposti": "uusi@example.org"}, headers=h
        ),
        204,
    ),
    "validate": (
        lambda c, h, i, d: c.post(f"{API}/validointi", json=d["created-from"], headers=h),
        200,
    ),
    "get part": (lambda c, h, i, d: c.get(f"{API}/hoks/{i}/osat/{_unit(d)}", headers=h), 200),
    "replace part": (
        lambda c, h, i, d: c.put(
            f"{API}/hoks/{i}/osat/{_period(d)}",
            json=tyopaikkajakso("jakso-9", alku="2025-01-07", loppu="2025-03-01"),
            headers=h,
        ),
        204,
    ),
    "add subpart": (
        lambda c, h, i, d: c.post(
            f"{API}/hoks/{i}/osat/{_unit(d)}/osaamisen-hankkimistavat",
            json=tyopaikkajakso("jakso-2", alku="2025-01-07", loppu="2025-03-01"),
            headers=h,
        ),
        201,
    ),
    "add part": (
        lambda c, h, i, d: c.post(
            f"{API}/hoks/{i}/osat/opiskeluvalmiuksia-tukevat-opinnot",
            json=OPISKELUVALMIUS,
            headers=h,
        ),
        201,
    ),
    "versions": (lambda c, h, i, d: c.get(f"{API}/hoks/{i}/versiot", headers=h), 200),
    "version": (lambda c, h, i, d: c.get(f"{API}/hoks/{i}/versiot/1", headers=h), 200),
    "delete part": (
        lambda c, h, i, d: c.delete(f"{API}/hoks/{i}/osat/{_period(d)}", headers=h),
        204,
    ),
}


@pytest.fixture
def headers(clients):
    return clients.headers(OPH)


@pytest.fixture
def hoks(client, headers, world):
    oppija, oo = world.add_oppija("hop")
    body = hoks_body(oppija, oo)
    created = client.post(f"{API}/hoks", json=body, headers=headers)
    hoks_id = created.json()["meta"]["id"]
    data = client.get(f"{API}/hoks/{hoks_id}", headers=headers).json()["data"]
    return hoks_id, {**data, "created-from": body}


def test_every_service_route_of_the_hoks_api_is_async():
    served = [r for r in routes.router.routes if isinstance(r, APIRoute)]
    sync = [r.path for r in served if not inspect.iscoroutinefunction(r.endpoint)]
    # The schema documents read no database and check no client: FastAPI's one hop is all.
    assert sync == ["/schemas/{name}"], sync


@pytest.mark.parametrize("case", list(CASES))
def test_one_threadpool_hop(case, client, headers, hoks, monkeypatch):
    call, status = CASES[case]
    hoks_id, data = hoks
    hops: list[str] = []
    real = anyio.to_thread.run_sync

    async def counting(func, *args, **kwargs):
        hops.append(repr(func)[:120])
        return await real(func, *args, **kwargs)

    monkeypatch.setattr(anyio.to_thread, "run_sync", counting)
    response = call(client, headers, hoks_id, data)
    assert response.status_code == status, response.text
    assert len(hops) == 1, hops


@pytest.mark.parametrize("case", list(CASES))
def test_a_disabled_client_is_refused_and_nothing_changes(case, client, headers, hoks, db):
    call, _ = CASES[case]
    hoks_id, data = hoks
    sessions = make_session_factory(db)
    with sessions.begin() as session:
        for listed in access_service.list_clients(session):
            access_service.disable_client(session, listed.client_id)

    def counts() -> tuple[int, int]:
        with sessions() as session:
            versions = session.scalar(select(func.count()).select_from(HoksVersion))
            events = session.scalar(select(func.count()).select_from(AuditEvent))
            return int(versions or 0), int(events or 0)

    before = counts()
    response = call(client, headers, hoks_id, data)
    assert response.status_code == 401, response.text
    assert response.json() == {"error": "The client of this access token is disabled"}
    assert counts() == before
