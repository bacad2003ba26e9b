"""Every route of a service client (the HOKS service API and the routes beside it) runs its
whole use case in ONE threadpool hop (issue 12, item 5): an ``async def`` route whose client
check, prepare phase, transaction and audit share one hop (``api.deps.ServiceCall.run`` /
``read``), with a disabled client refused before anything is read or written. Each case
answers as it always has; the status is checked."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from typing import Any

import anyio.to_thread
import pytest
from fastapi.routing import APIRoute
from sqlalchemy import func, select

from ehoks.access import service as access_service
from ehoks.api import deps
from ehoks.audit.models import AuditEvent
from ehoks.db import make_session_factory
from ehoks.hoks import routes
from ehoks.hoks.models import HoksVersion
from ehoks.main import routers
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


def _naytto(data: dict[str, Any]) -> str:
    return str(
        data["hankittavat-ammat-tutkinnon-osat"][0]["osaamisen-osoittaminen"][0]["module-id"]
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
    "procured training": (
        lambda c, h, i, d: c.get(f"{API}/hoks/{i}/hankintakoulutukset", headers=h),
        200,
    ),
    "learner's plans": (
        lambda c, h, i, d: c.get(f"{API}/hoks/oppija/{d['oppija-oid']}", headers=h),
        200,
    ),
    "continuation draft": (
        lambda c, h, i, d: c.get(
            f"{API}/hoks/{i}/jatkoluonnos",
            params={"opiskeluoikeus-oid": d["opiskeluoikeus-oid"]},
            headers=h,
        ),
        400,
    ),
    "assessors": (
        lambda c, h, i, d: c.get(f"{API}/hoks/{i}/osat/{_naytto(d)}/arvioijat", headers=h),
        200,
    ),
    "add assessor": (
        lambda c, h, i, d: c.post(
            f"{API}/hoks/{i}/osat/{_naytto(d)}/arvioijat",
            json={"nimi": "Tiina Työelämä", "sahkoposti": "tiina@example.org"},
            headers=h,
        ),
        201,
    ),
    "remove assessor": (
        lambda c, h, i, d: c.delete(f"{API}/hoks/{i}/osat/{_naytto(d)}/arvioijat/1", headers=h),
        404,
    ),
    "ONR changed a learner": (
        lambda c, h, i, d: c.post(
            f"{API}/heratepalvelu/onrmodify", params={"oid": d["oppija-oid"]}, headers=h
        ),
        204,
    ),
    "clear instructors' contacts": (
        lambda c, h, i, d: c.delete(
            f"{API}/heratepalvelu/tyopaikkaohjaajan-yhteystiedot", headers=h
        ),
        200,
    ),
    "clear students' contacts": (
        lambda c, h, i, d: c.delete(f"{API}/heratepalvelu/opiskelijan-yhteystiedot", headers=h),
        200,
    ),
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


def _dependencies(dependant: Any) -> Iterator[Any]:
    for sub in dependant.dependencies:
        yield sub.call
        yield from _dependencies(sub)


def test_every_route_of_a_service_client_is_async():
    """A sync route of a service client pays a hop for the client check and one of its own."""
    by_client = [
        (prefix, route)
        for prefix, router in routers()
        for route in router.routes
        if isinstance(route, APIRoute)
        and {deps._service_call, deps._service_client} & set(_dependencies(route.dependant))
    ]
    assert len(by_client) >= 26
    sync = [
        prefix + route.path
        for prefix, route in by_client
        if not inspect.iscoroutinefunction(route.endpoint)
    ]
    assert sync == [], sync
    # Those that still check the client in a hop of their own do nothing else.
    checked_apart = sorted(
        prefix + route.path
        for prefix, route in by_client
        if deps._service_client in set(_dependencies(route.dependant))
    )
    assert checked_apart == [
        f"{API}/hoks/{{hoks_id}}/{{legacy_part}}",
        f"{API}/hoks/{{hoks_id}}/{{legacy_part}}/{{part_id}}",  # GET
        f"{API}/hoks/{{hoks_id}}/{{legacy_part}}/{{part_id}}",  # PATCH
    ], checked_apart


def test_the_schema_documents_are_the_one_sync_route_of_the_hoks_api():
    served = [r for r in routes.router.routes if isinstance(r, APIRoute)]
    sync = [r.path for r in served if not inspect.iscoroutinefunction(r.endpoint)]
    # They read no database and check no client: FastAPI's one hop is all.
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
