"""Providers record the e-mail address of a working-life assessor named in a demonstration (the
HOKS schema has none), which is what lets the assessor log in and see that demonstration."""

from __future__ import annotations

import pytest

from ehoks.access.actor import EmailActor
from ehoks.access.facts import authorize
from ehoks.db import make_session_factory
from ehoks.hoks.repository import HoksRepository
from ehoks.kernel.clock import today_in_finland
from tests.conftest import API
from tests.factories import OPH
from tests.sharing.conftest import audit_events

MISSING = "6f1c2d2e-1111-4222-8333-444455556666"


def _path(plan, module_id=None):
    return f"{API}/hoks/{plan.hoks_id}/osat/{module_id or plan.naytto['module-id']}/arvioijat"


def _assessor_access(app, db, plan, address):
    with make_session_factory(db).begin() as session:
        hoks = HoksRepository(session).get(plan.hoks_id)
        return authorize(
            session,
            EmailActor(address),
            "read",
            hoks,
            app.state.ehoks.runtime.registries,
            today=today_in_finland(),
        )


def test_records_lists_replaces_and_removes_an_address(client, app, plan, db):
    body = {"nimi": " tiina  työelämä ", "sahkoposti": "Tiina@Example.org"}
    created = client.post(_path(plan), json=body, headers=plan.headers)
    assert created.status_code == 201, created.text
    data = created.json()["data"]
    # Stored under the name as the HOKS spells it, the address as logins compare it.
    assert (data["nimi"], data["sahkoposti"]) == ("Tiina Työelämä", "tiina@example.org")
    assert data["module-id"] == plan.naytto["module-id"]
    access = _assessor_access(app, db, plan, "tiina@example.org")
    assert (access.basis, access.parts) == ("assessor", frozenset({plan.naytto["module-id"]}))

    replaced = client.post(
        _path(plan),
        json={"nimi": "Tiina Työelämä", "sahkoposti": "tiina@uusi.example.org"},
        headers=plan.headers,
    )
    assert replaced.status_code == 200, replaced.text
    listed = client.get(_path(plan), headers=plan.headers).json()["data"]
    assert [(a["id"], a["sahkoposti"]) for a in listed] == [(data["id"], "tiina@uusi.example.org")]

    removed = client.delete(f"{_path(plan)}/{data['id']}", headers=plan.headers)
    assert removed.status_code == 204
    assert client.get(_path(plan), headers=plan.headers).json()["data"] == []
    assert client.delete(f"{_path(plan)}/{data['id']}", headers=plan.headers).status_code == 404
    operations = [
        (e.operation, e.legal_basis, e.part)
        for e in audit_events(db, hoks_id=plan.hoks_id)
        if e.operation.startswith("assessor")
    ]
    assert operations == [
        ("assessor-add", "provider", plan.naytto["module-id"]),
        ("assessor-update", "provider", plan.naytto["module-id"]),
        ("assessor-remove", "provider", plan.naytto["module-id"]),
    ]


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"nimi": "Joku Muu", "sahkoposti": "joku@example.org"}, "nimi"),
        ({"nimi": "Tiina Työelämä"}, "sahkoposti"),
        ({"nimi": "Tiina Työelämä", "sahkoposti": "tiina(at)example.org"}, "sahkoposti"),
        ({"nimi": "Tiina Työelämä", "sahkoposti": "t@example.org", "rooli": "x"}, "rooli"),
    ],
)
def test_invalid_body_names_the_field(client, plan, db, body, path):
    response = client.post(_path(plan), json=body, headers=plan.headers)
    assert response.status_code == 400, response.text
    assert path in [problem["path"] for problem in response.json()["problems"]]
    assert client.get(_path(plan), headers=plan.headers).json()["data"] == []


def test_the_module_must_be_a_demonstration_of_this_hoks(client, plan):
    body = {"nimi": "Tiina Työelämä", "sahkoposti": "tiina@example.org"}
    period = client.post(_path(plan, plan.period["module-id"]), json=body, headers=plan.headers)
    assert period.status_code == 400
    assert [p["path"] for p in period.json()["problems"]] == ["module-id"]
    assert client.post(_path(plan, MISSING), json=body, headers=plan.headers).status_code == 404
    unknown_hoks = f"{API}/hoks/999999/osat/{plan.naytto['module-id']}/arvioijat"
    assert client.post(unknown_hoks, json=body, headers=plan.headers).status_code == 404


def test_needs_the_update_privilege_on_the_hoks(client, clients, plan, world):
    body = {"nimi": "Tiina Työelämä", "sahkoposti": "tiina@example.org"}
    reader = clients.headers(OPH, "READ")
    stranger = clients.headers(world.koulutustoimija_2)
    # The original answers a missing privilege with 401 (reference D20).
    assert client.post(_path(plan), json=body, headers=reader).status_code == 401
    assert client.post(_path(plan), json=body, headers=stranger).status_code == 401
    assert client.post(_path(plan), json=body).status_code == 400  # no caller-id, no token
    created = client.post(_path(plan), json=body, headers=plan.headers)
    assert created.status_code == 201
    arvioija_id = created.json()["meta"]["id"]
    assert client.get(_path(plan), headers=reader).status_code == 200
    assert client.get(_path(plan), headers=stranger).status_code == 401
    assert client.delete(f"{_path(plan)}/{arvioija_id}", headers=reader).status_code == 401
    assert len(client.get(_path(plan), headers=reader).json()["data"]) == 1
