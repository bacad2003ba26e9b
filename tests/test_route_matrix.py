"""Every route of the application × every kind of caller, checked against the access policy.

A route added without an entry here fails the suite, so no route can ship without a decision on
who may call it. Callers: anonymous, a client of an unrelated organisation, a read-only client of
the HOKS's own institution, a CRUD client of its provider (covers the institution below it) and
a CRUD client on the OPH root.
"""

from __future__ import annotations

import pytest
from fastapi.routing import APIRoute

from ehoks.main import routers
from tests.conftest import API
from tests.factories import OPH, hoks_body

PUBLIC = "public"
ANY_CLIENT = "any authenticated client"
READ = "read on the HOKS's organisation"
WRITE = "write on the HOKS's organisation"
TOKEN = "client credentials"
RETIRED = "retired (410 for any authenticated client)"
OPH_ROOT = "the privilege directly on the OPH root organisation"

# (method, path template) → who may call it
POLICY: dict[tuple[str, str], str] = {
    ("POST", "/oauth2/token"): TOKEN,
    ("GET", f"{API}/healthcheck"): PUBLIC,
    ("GET", f"{API}/schemas/{{name}}"): PUBLIC,
    ("GET", f"{API}/hoks/paged"): ANY_CLIENT,
    ("POST", f"{API}/validointi"): ANY_CLIENT,
    ("POST", f"{API}/hoks"): WRITE,
    ("GET", f"{API}/hoks/{{hoks_id}}"): READ,
    ("PUT", f"{API}/hoks/{{hoks_id}}"): WRITE,
    ("PATCH", f"{API}/hoks/{{hoks_id}}"): WRITE,
    ("GET", f"{API}/hoks/opiskeluoikeus/{{opiskeluoikeus_oid}}"): READ,
    ("GET", f"{API}/hoks/{{hoks_id}}/versiot"): READ,
    ("GET", f"{API}/hoks/{{hoks_id}}/hankintakoulutukset"): READ,
    ("POST", f"{API}/heratepalvelu/onrmodify"): OPH_ROOT,
    ("GET", f"{API}/hoks/{{hoks_id}}/versiot/{{version}}"): READ,
    ("GET", f"{API}/hoks/{{hoks_id}}/osat/{{module_id}}"): READ,
    ("PUT", f"{API}/hoks/{{hoks_id}}/osat/{{module_id}}"): WRITE,
    ("DELETE", f"{API}/hoks/{{hoks_id}}/osat/{{module_id}}"): WRITE,
    ("POST", f"{API}/hoks/{{hoks_id}}/osat/{{kokoelma}}"): WRITE,
    ("POST", f"{API}/hoks/{{hoks_id}}/osat/{{module_id}}/{{kokoelma}}"): WRITE,
    ("GET", f"{API}/hoks/{{hoks_id}}/{{legacy_part}}/{{part_id}}"): RETIRED,
    ("PATCH", f"{API}/hoks/{{hoks_id}}/{{legacy_part}}/{{part_id}}"): RETIRED,
    ("POST", f"{API}/hoks/{{hoks_id}}/{{legacy_part}}"): RETIRED,
}
DOCS = {"/", "/docs", "/ehoks-virkailija-backend/doc", "/ehoks-virkailija-backend/doc/openapi.json"}


def _routes(app):
    """Every (method, path) the application serves: its included routers and its own routes."""
    candidates = [(prefix, route) for prefix, router in routers() for route in router.routes]
    candidates += [("", route) for route in app.routes]
    for prefix, route in candidates:
        if isinstance(route, APIRoute):
            for method in sorted(route.methods - {"HEAD"}):
                yield method, prefix + route.path


def test_every_route_has_a_decision(app):
    undecided = [r for r in _routes(app) if r not in POLICY and r[1] not in DOCS]
    assert undecided == [], "routes without an access decision in tests/test_route_matrix.py"
    stale = [r for r in POLICY if r not in set(_routes(app))]
    assert stale == []


@pytest.fixture
def target(client, clients, world):
    oppija, oo = world.add_oppija("matrix")
    admin = clients.headers(OPH)
    hoks_id = client.post(f"{API}/hoks", json=hoks_body(oppija, oo), headers=admin).json()["meta"][
        "id"
    ]
    data = client.get(f"{API}/hoks/{hoks_id}", headers=admin).json()["data"]
    unit = data["hankittavat-ammat-tutkinnon-osat"][0]
    period = unit["osaamisen-hankkimistavat"][0]
    other_oppija, other_oo = world.add_oppija("matrix-new")
    return {
        "hoks_id": hoks_id,
        "module_id": period["module-id"],
        "unit_id": unit["module-id"],
        "period": {k: v for k, v in period.items() if k != "module-id"},
        "opiskeluoikeus_oid": oo,
        "oppija_oid": oppija,
        "new_body": hoks_body(other_oppija, other_oo),
        "put_body": {**hoks_body(oppija, oo), "id": hoks_id},
    }


def _request(method, path, target):
    """A concrete, otherwise valid request for the route."""
    url = (
        path.replace("{hoks_id}", str(target["hoks_id"]))
        .replace("{opiskeluoikeus_oid}", target["opiskeluoikeus_oid"])
        .replace("{version}", "1")
        .replace("{name}", "HOKS")
        .replace("{legacy_part}", "hankittava-ammat-tutkinnon-osa")
        .replace("{part_id}", "1")
    )
    if path.endswith("/onrmodify"):
        url += f"?oid={target['oppija_oid']}"
    body = None
    if path.endswith("{module_id}/{kokoelma}"):
        url = url.replace("{module_id}", target["unit_id"]).replace(
            "{kokoelma}", "osaamisen-hankkimistavat"
        )
        body = {**target["period"], "yksiloiva-tunniste": "matrix-2"}
    elif path.endswith("/osat/{kokoelma}"):
        url = url.replace("{kokoelma}", "opiskeluvalmiuksia-tukevat-opinnot")
        body = {"nimi": "x", "kuvaus": "y", "alku": "2024-09-01", "loppu": "2024-09-02"}
    url = url.replace("{module_id}", target["module_id"])
    if method == "PUT" and "/osat/" in path:
        body = target["period"]
    elif method == "PUT":
        body = target["put_body"]
    elif method == "PATCH" and "legacy" not in path:
        body = {"id": target["hoks_id"], "versio": 7}
    elif (method == "POST" and path.endswith("/hoks")) or path.endswith("/validointi"):
        body = target["new_body"]
    elif body is None and method in ("POST", "PATCH"):
        body = {}
    return url, body


def _call(client, method, url, body, headers):
    return client.request(method, url, json=body, headers=headers)


CALLERS = ("anonymous", "outsider", "reader", "provider", "oph")


@pytest.mark.parametrize("caller", CALLERS)
def test_each_route_answers_each_caller_as_the_policy_says(
    app, client, clients, world, target, caller
):
    headers = {
        "anonymous": {"Caller-Id": "matrix"},
        "outsider": clients.headers(world.oppilaitos_3),
        "reader": clients.headers(world.oppilaitos_1, "READ"),
        "provider": clients.headers(world.koulutustoimija_1),
        "oph": clients.headers(OPH),
    }[caller]
    failures = []
    checked = 0
    for method, path in _routes(app):
        if path in DOCS or POLICY[(method, path)] == TOKEN:
            continue
        checked += 1
        rule = POLICY[(method, path)]
        url, body = _request(method, path, target)
        status = _call(client, method, url, body, headers).status_code
        allowed = (
            rule == PUBLIC
            or (caller != "anonymous" and rule in (ANY_CLIENT, RETIRED))
            or (caller in ("reader", "provider", "oph") and rule == READ)
            or (caller in ("provider", "oph") and rule == WRITE)
            or (caller == "oph" and rule == OPH_ROOT)
        )
        if not allowed and status not in (401, 403):
            failures.append(f"{method} {path}: {caller} got {status}, expected a denial")
        if allowed and status in (401, 403):
            failures.append(f"{method} {path}: {caller} was denied ({status})")
        if rule == RETIRED and allowed and status != 410:
            failures.append(f"{method} {path}: expected 410, got {status}")
    assert failures == []
    assert checked == len(POLICY) - 1  # every route but the token endpoint
