"""Prepare, then apply: no registry is asked while a write transaction is open.

The application is given registries that note every call and fail the test for a call made on
a thread that holds an open write transaction (SQLAlchemy session events on the application's
write sessions). The main write use cases then run over HTTP, on SQLite and PostgreSQL alike:
their registry answers must all be asked before the transaction (the prepare phase), and each
apply phase must read them from the use case's context (``ehoks.context``)."""

from __future__ import annotations

import copy
import logging
import threading
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, select
from sqlalchemy.orm import Session, SessionTransaction, sessionmaker

from ehoks.access.actor import OfficialActor, grants_from_roles
from ehoks.context.registries import Unprepared
from ehoks.db import make_session_factory
from ehoks.main import create_app
from ehoks.outbox.models import OutboxJob
from ehoks.registries import Registries, build_registries
from ehoks.tyopaikka.models import LinkkiLahetys
from tests.conftest import API
from tests.factories import OPH, hoks_body, tyopaikkajakso
from tests.sessions import BASE_URL, login
from tests.sharing.conftest import make_plan

V = f"{API}/virkailija"


class WriteTransactions:
    """Which threads hold an open transaction of the application's write sessions."""

    def __init__(self, factory: sessionmaker[Session]) -> None:
        self._open: dict[int, set[int]] = {}
        self._lock = threading.Lock()
        event.listen(factory, "after_transaction_create", self._created)
        event.listen(factory, "after_transaction_end", self._ended)

    def _created(self, session: Session, transaction: SessionTransaction) -> None:
        if transaction.parent is None:
            with self._lock:
                self._open.setdefault(threading.get_ident(), set()).add(id(session))

    def _ended(self, session: Session, transaction: SessionTransaction) -> None:
        if transaction.parent is None:
            with self._lock:
                self._open.get(threading.get_ident(), set()).discard(id(session))

    def open_here(self) -> bool:
        with self._lock:
            return bool(self._open.get(threading.get_ident()))


class Watched:
    """A registry port whose every call is noted, and refused inside a write transaction."""

    def __init__(self, name: str, port: object, log: RegistryLog) -> None:
        self._name = name
        self._port = port
        self._log = log

    def __getattr__(self, method: str) -> Callable[..., Any]:
        target = getattr(self._port, method)

        def call(*args: Any, **kwargs: Any) -> Any:
            self._log.note(f"{self._name}.{method}")
            return target(*args, **kwargs)

        return call


class RegistryLog:
    def __init__(self) -> None:
        self.calls: list[str] = []
        self.inside: list[str] = []
        self.transactions: WriteTransactions | None = None

    def note(self, call: str) -> None:
        self.calls.append(call)
        if self.transactions is not None and self.transactions.open_here():
            self.inside.append(call)


def watched(registries: Registries, log: RegistryLog) -> Registries:
    return Registries(
        **{
            name: Watched(name, getattr(registries, name), log)
            for name in ("koski", "onr", "organisaatio", "koodisto", "eperusteet")
        }  # type: ignore[arg-type]
    )


@pytest.fixture
def log() -> RegistryLog:
    return RegistryLog()


@pytest.fixture
def app(db, settings, world, log):
    app = create_app(settings, engine=db, registries=watched(build_registries(settings, db), log))
    log.transactions = WriteTransactions(app.state.ehoks.runtime.write_sessions)
    return app


@pytest.fixture
def client(app):
    # HTTPS: the officials' session cookie is Secure.
    with TestClient(app, base_url=BASE_URL) as test_client:
        yield test_client


@pytest.fixture
def headers(clients):
    return clients.headers(OPH)


def _created(client, headers, world, seed, **overrides):
    oppija, oo = world.add_oppija(seed)
    body = hoks_body(oppija, oo, **overrides)
    response = client.post(f"{API}/hoks", json=body, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["meta"]["id"], body


@pytest.fixture(autouse=True)
def _reruns(caplog):
    caplog.set_level(logging.INFO, logger="ehoks.context.usecase")


def _reruns_of(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if "runs again" in r.getMessage()]


def _asked_outside_only(log: RegistryLog, *expected: str) -> None:
    assert log.inside == []
    # Not vacuous: the use cases did ask the registries, only never inside a transaction.
    for call in expected:
        assert call in log.calls, (call, sorted(set(log.calls)))


def test_the_watch_sees_a_registry_call_inside_a_write_transaction(app, log, world):
    """The proof's own check: a call inside a write transaction is caught."""
    registries = app.state.ehoks.runtime.registries
    with app.state.ehoks.runtime.write_sessions.begin():
        registries.organisaatio.ancestors_and_self(OPH)
    assert log.inside == ["organisaatio.ancestors_and_self"]


def test_a_use_case_asking_unprepared_inside_its_transaction_is_stopped(app, log, world):
    """The context's registries refuse to ask inside the frame: the question goes out after
    the rollback, and the apply phase runs again with the answer."""
    ctx = app.state.ehoks.runtime.context()
    runs: list[int] = []

    def apply(session: Session) -> tuple[str, ...] | None:
        runs.append(1)
        return ctx.registries.organisaatio.ancestors_and_self(world.oppilaitos_1)

    assert ctx.write(apply) == (OPH, world.koulutustoimija_1, world.oppilaitos_1)
    assert len(runs) == 2
    assert log.inside == []
    assert log.calls == ["organisaatio.ancestors_and_self"]


def test_unprepared_is_no_exception_a_use_case_could_swallow():
    assert not issubclass(Unprepared, Exception)


def test_create_asks_before_its_transaction(client, headers, world, log):
    hoks_id, _ = _created(client, headers, world, "create")
    oppija, oo = world.add_oppija("create-idempotent")
    again = {**headers, "Idempotency-Key": "k-1"}
    for _ in range(2):
        response = client.post(f"{API}/hoks", json=hoks_body(oppija, oo), headers=again)
        assert response.status_code == 200, response.text
    continued = client.post(
        f"{API}/hoks?jatkaa-hoksia={hoks_id}",
        json=hoks_body(*world.add_oppija("create-jatko")),
        headers=headers,
    )
    # Another learner's plan cannot be continued: refused, in the apply phase, asked outside.
    assert continued.status_code >= 400
    _asked_outside_only(
        log, "koski.get_opiskeluoikeus", "onr.get_henkilo", "organisaatio.ancestors_and_self"
    )


def test_put_and_patch_ask_before_their_transaction(client, headers, world, log, caplog):
    hoks_id, body = _created(client, headers, world, "update")
    log.calls.clear()
    new = copy.deepcopy(body)
    new["id"] = hoks_id
    assert client.put(f"{API}/hoks/{hoks_id}", json=new, headers=headers).status_code == 204
    patch = {"id": hoks_id, "puhelinnumero": "040 765"}
    response = client.patch(
        f"{API}/hoks/{hoks_id}", json=patch, headers={**headers, "If-Match": '"2"'}
    )
    assert response.status_code == 204, response.text
    # A refused write (stale If-Match) is refused in the apply phase, still asked outside.
    response = client.patch(
        f"{API}/hoks/{hoks_id}", json=patch, headers={**headers, "If-Match": '"1"'}
    )
    assert response.status_code == 412
    _asked_outside_only(log, "koski.get_opiskeluoikeus", "organisaatio.ancestors_and_self")
    # Prepared well enough that no apply phase had to run a second time.
    assert _reruns_of(caplog) == []


def test_part_writes_ask_before_their_transaction(client, headers, world, log, caplog):
    hoks_id, _ = _created(client, headers, world, "parts")
    log.calls.clear()
    osa = client.get(f"{API}/hoks/{hoks_id}", headers=headers).json()["data"][
        "hankittavat-ammat-tutkinnon-osat"
    ][0]
    jakso = tyopaikkajakso("uusi", alku="2025-01-07", loppu="2025-03-01")
    added = client.post(
        f"{API}/hoks/{hoks_id}/osat/{osa['module-id']}/osaamisen-hankkimistavat",
        json=jakso,
        headers=headers,
    )
    assert added.status_code == 201, added.text
    part = added.headers["location"].rsplit("/", 1)[1]
    changed = {**jakso, "loppu": "2025-03-15"}
    response = client.put(f"{API}/hoks/{hoks_id}/osat/{part}", json=changed, headers=headers)
    assert response.status_code == 204, response.text
    response = client.delete(f"{API}/hoks/{hoks_id}/osat/{part}", headers=headers)
    assert response.status_code == 204, response.text
    _asked_outside_only(log, "koski.get_opiskeluoikeus", "organisaatio.ancestors_and_self")
    # Prepared well enough that no apply phase had to run a second time.
    assert _reruns_of(caplog) == []


def test_index_and_cleanup_writes_ask_before_their_transaction(client, headers, world, log, caplog):
    _created(client, headers, world, "index")
    oppija = world.add_oppija("merge")[0]
    assert client.post(
        f"{API}/heratepalvelu/onrmodify?oid={oppija}", headers=headers
    ).status_code in (
        204,
        400,
    )
    for path in ("tyopaikkaohjaajan-yhteystiedot", "opiskelijan-yhteystiedot"):
        response = client.delete(f"{API}/heratepalvelu/{path}", headers=headers)
        assert response.status_code == 200, response.text
    _asked_outside_only(log, "onr.get_henkilo")
    # Prepared well enough that no apply phase had to run a second time.
    assert _reruns_of(caplog) == []


def test_an_officials_writes_ask_before_their_transaction(client, db, settings, world, log, caplog):
    official = OfficialActor(
        "1.2.246.562.24.10000000011",
        "Virkailija Vilma",
        grants_from_roles(
            [f"ROLE_APP_EHOKS_{r}_{OPH}" for r in ("CRUD", "HOKS_DELETE", "OPHPAAKAYTTAJA")]
        ),
    )
    session_headers = login(client, db, settings, official)
    oppija, oo = world.add_oppija("official")
    created = client.post(
        f"{V}/oppijat/{oppija}/hoksit", json=hoks_body(oppija, oo), headers=session_headers
    )
    assert created.status_code == 200, created.text
    hoks_id = created.json()["meta"]["id"]
    change = {"id": hoks_id, "puhelinnumero": "040 111"}
    response = client.patch(
        f"{V}/oppijat/{oppija}/hoksit/{hoks_id}", json=change, headers=session_headers
    )
    assert response.status_code == 204, response.text
    response = client.patch(
        f"{V}/oppijat/{oppija}/hoksit/{hoks_id}/shallow-delete", headers=session_headers
    )
    assert response.status_code == 200, response.text
    response = client.patch(f"{V}/hoks/{hoks_id}/undo-shallow-delete", headers=session_headers)
    assert response.status_code == 200, response.text
    response = client.delete(f"{V}/hoks/{hoks_id}", headers=session_headers)
    assert response.status_code == 200, response.text
    _asked_outside_only(log, "koski.get_opiskeluoikeus", "organisaatio.ancestors_and_self")
    # Prepared well enough that no apply phase had to run a second time.
    assert _reruns_of(caplog) == []


def test_assessor_writes_ask_before_their_transaction(client, clients, world, log, caplog):
    plan = make_plan(client, clients, world, "arvioija")
    log.calls.clear()
    path = f"{API}/hoks/{plan.hoks_id}/osat/{plan.naytto['module-id']}/arvioijat"
    nimi = plan.naytto["tyoelama-osaamisen-arvioijat"][0]["nimi"]
    added = client.post(
        path, json={"nimi": nimi, "sahkoposti": "arvioija@example.org"}, headers=plan.headers
    )
    assert added.status_code == 201, added.text
    removed = client.delete(f"{path}/{added.json()['data']['id']}", headers=plan.headers)
    assert removed.status_code == 204, removed.text
    _asked_outside_only(log, "organisaatio.ancestors_and_self")
    assert _reruns_of(caplog) == []


def test_the_workplace_link_asks_before_its_one_transaction(
    client, headers, db, settings, world, log, caplog
):
    """Sending the workplace link: the registries are asked before it, and the challenge, the
    outbox's mail and the record of sending are written together in the one apply transaction."""
    oppija, oo = world.add_oppija("linkki")
    created = client.post(f"{API}/hoks", json=hoks_body(oppija, oo), headers=headers)
    assert created.status_code == 200, created.text
    hoks_id = created.json()["meta"]["id"]
    data = client.get(f"{API}/hoks/{hoks_id}", headers=headers).json()["data"]
    period = data["hankittavat-ammat-tutkinnon-osat"][0]["osaamisen-hankkimistavat"][0]
    official = OfficialActor(
        "1.2.246.562.24.10000000011",
        "Virkailija Vilma",
        grants_from_roles([f"ROLE_APP_EHOKS_CRUD_{world.koulutustoimija_1}"]),
    )
    csrf = login(client, db, settings, official)["X-CSRF-Token"]
    log.calls.clear()
    sent = client.post(
        f"/ehoks-virkailija-ui/oppija/{oppija}/hoks/{hoks_id}/linkki",
        data={"osa": period["module-id"], "csrf_token": csrf},
        follow_redirects=False,
    )
    assert sent.status_code == 303, sent.text
    _asked_outside_only(log, "organisaatio.ancestors_and_self")
    assert _reruns_of(caplog) == []
    with make_session_factory(db)() as session:
        jobs = session.scalars(select(OutboxJob)).all()
        records = session.scalars(select(LinkkiLahetys)).all()
    assert [(job.kind, job.payload["to"]) for job in jobs] == [("mail", "olli@example.org")]
    assert [(row.hoks_id, row.module_id) for row in records] == [(hoks_id, period["module-id"])]
