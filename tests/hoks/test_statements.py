"""How many SQL statements a HOKS create and read send (issue 12, item 5): a count, not a
time, so a change that adds a round trip to the hot path shows here (docs/performance.md,
"Issue 12: one request path").

Counted on every engine's cursor of the process: the request's own connection, the registry
lookups' and the read audit appender's. ``BEGIN``/``COMMIT``/``ROLLBACK`` are not statements
here (psycopg sends BEGIN with the first statement; SQLite's is our own ``BEGIN IMMEDIATE``)."""

from __future__ import annotations

import pytest

from tests.conftest import API
from tests.factories import OPH, hoks_body, koski_opiskeluoikeus
from tests.sql_count import statements

# The request's own statements, by purpose. A create: the client's active check, the Koski
# study right (with the learner's other study rights and the learner's ONR person in the same
# statement; the organisation path is cached), then the write transaction. On PostgreSQL that
# is one statement (hoks.create_repository: WITH h AS (INSERT hoks … ON CONFLICT DO NOTHING
# RETURNING id), the two projections, the learner and the study right in the index); on
# SQLite five: INSERT hoks … ON CONFLICT RETURNING id, the two projections (one executemany
# each), the learner and the study right in the index (INSERT … ON CONFLICT each).
CREATE = {
    "sqlite": {"client": 1, "registry": 1, "write": 5},
    "postgresql": {"client": 1, "registry": 1, "write": 1},
}
# A read: ONE statement, the HOKS with the client's active check beside it (so it names
# service_client, and counts as "client" in ``_kind``; its text is checked in the test).
GET = {"client": 1}
# The audit. On SQLite a create appends in its own transaction: chain head and insert. On
# PostgreSQL it stages its event in its own transaction (one INSERT, no lock) and the shared
# chain transaction moves it (audit.staging): the chain lock, the staged rows, the head, the
# insert and the staged rows' delete, shared by every request in the batch.
CREATE_AUDIT = {"sqlite": {"audit": 2}, "postgresql": {"staged": 1, "audit": 5}}
# Reads share one appender transaction per batch: the head and the insert; on PostgreSQL the
# chain lock first and a look for staged events (none here).
AUDIT = {"sqlite": 2, "postgresql": 4}


def _kind(statement: str) -> str:
    upper = statement.upper()
    if upper.startswith("INSERT INTO AUDIT_STAGED"):
        return "staged"
    # The read audit's SQLite spool (its own file; PRAGMAs when it is first opened) is audit.
    if (
        "AUDIT_EVENT" in upper
        or "AUDIT_STAGED" in upper
        or "PG_ADVISORY_XACT_LOCK(%(KEY)S)" in upper
        or "SPOOL" in upper
        or upper.startswith("PRAGMA")
    ):
        return "audit"
    if "SERVICE_CLIENT" in upper:
        return "client"
    if "REGISTRY_" in upper:
        return "registry"
    # The create's one statement on PostgreSQL begins with its data-modifying CTEs.
    return "write" if upper.startswith(("INSERT", "WITH H AS (INSERT")) else "read"


def _by_kind(seen: list[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for statement in seen:
        kind = _kind(statement)
        counts[kind] = counts.get(kind, 0) + 1
    return counts


@pytest.fixture
def headers(client, clients, world):
    headers = clients.headers(OPH)
    # Warm every cache (the organisation path, compiled statements) with a first create.
    warm = world.add_oppija("warm")
    assert client.post(f"{API}/hoks", json=hoks_body(*warm), headers=headers).status_code == 200
    return headers


def test_a_create_sends_a_fixed_small_number_of_statements(client, headers, world, db):
    learner = world.add_oppija("create")
    with statements() as seen:
        response = client.post(f"{API}/hoks", json=hoks_body(*learner), headers=headers)
    assert response.status_code == 200, response.text
    assert _by_kind(seen) == {**CREATE[db.dialect.name], **CREATE_AUDIT[db.dialect.name]}, seen


def test_a_create_with_procured_training_writes_its_index_rows_in_one_statement(
    client, headers, world, db
):
    oppija, oo = world.add_oppija("procured")
    included = "1.2.246.562.15.10000000009"
    world.add_oppija(
        "procured",
        oid=oppija,
        opiskeluoikeudet=[
            koski_opiskeluoikeus(
                oid=included,
                oppilaitos=world.oppilaitos_3,
                koulutustoimija=world.koulutustoimija_2,
                sisaltyy={"oid": oo, "oppilaitos": {"oid": world.oppilaitos_3}},
            )
        ],
    )
    with statements() as seen:
        response = client.post(f"{API}/hoks", json=hoks_body(oppija, oo), headers=headers)
    assert response.status_code == 200, response.text
    assert _by_kind(seen) == {**CREATE[db.dialect.name], **CREATE_AUDIT[db.dialect.name]}, seen


def test_a_read_sends_one_statement_of_its_own_and_a_shared_audit_append(
    client, headers, world, db
):
    learner = world.add_oppija("read")
    hoks_id = client.post(f"{API}/hoks", json=hoks_body(*learner), headers=headers).json()["meta"][
        "id"
    ]
    with statements() as seen:
        response = client.get(f"{API}/hoks/{hoks_id}", headers=headers)
    assert response.status_code == 200, response.text
    kinds = _by_kind(seen)
    assert {kind: n for kind, n in kinds.items() if kind != "audit"} == GET, seen
    (own,) = [statement.upper() for statement in seen if _kind(statement) != "audit"]
    assert "FROM SERVICE_CLIENT" in own, own
    assert "JOIN HOKS" in own, own
    if db.dialect.name == "postgresql":
        assert kinds["audit"] == AUDIT["postgresql"], seen
    else:
        # On SQLite the appender commits to its spool instead when a writer holds the lock for
        # a moment (audit.spool), which a loaded machine sometimes makes happen here.
        assert kinds["audit"] >= 1, seen


def test_a_create_for_a_study_right_with_a_hoks_reads_it_only_on_conflict(
    client, headers, world, db
):
    learner = world.add_oppija("twice")
    assert client.post(f"{API}/hoks", json=hoks_body(*learner), headers=headers).status_code == 200
    with statements() as seen:
        response = client.post(f"{API}/hoks", json=hoks_body(*learner), headers=headers)
    assert response.status_code == 400, response.text
    kinds = _by_kind(seen)
    # The INSERT that found the conflict (on PostgreSQL the whole create's one statement, which
    # then wrote nothing), then the read of the existing HOKS for the error.
    assert kinds["write"] == 1
    assert kinds["read"] == 1


def _projection_writes(seen: list[str]) -> list[str]:
    return [
        statement.split(" (")[0].split(" WHERE")[0]
        for statement in seen
        if statement.upper().startswith(("DELETE FROM HOKS_", "INSERT INTO HOKS_"))
        and "HOKS_VERSION" not in statement.upper()
    ]


def _projections(db, hoks_id: int) -> dict[str, list[tuple]]:
    from sqlalchemy import select

    from ehoks.db import make_session_factory
    from ehoks.hoks.models import HoksNaytto, HoksTyopaikkajakso

    with make_session_factory(db)() as session:
        return {
            model.__tablename__: sorted(
                (row.module_id, row.osa_module_id, str(row.alku), str(row.loppu))
                + ((row.ohjaaja_sahkoposti,) if model is HoksTyopaikkajakso else ())
                for row in session.scalars(select(model).where(model.hoks_id == hoks_id))
            )
            for model in (HoksTyopaikkajakso, HoksNaytto)
        }


def test_an_update_rewrites_only_the_projections_that_changed(client, headers, world, db):
    """A PATCH of top-level fields leaves the projection tables alone (and the prepare phase
    reads the HOKS's keys, not its document); a PUT or a part write that changes a workplace
    period rewrites that table only, and what it stores is what a new create would."""
    learner = world.add_oppija("update")
    hoks_id = client.post(f"{API}/hoks", json=hoks_body(*learner), headers=headers).json()["meta"][
        "id"
    ]
    stored = _projections(db, hoks_id)
    assert stored["hoks_tyopaikkajakso"]
    assert stored["hoks_naytto"]

    with statements() as seen:
        patched = client.patch(
            f"{API}/hoks/{hoks_id}",
            json={"id": hoks_id, "sahkoposti": "uusi@example.org"},
            headers=headers,
        )
    assert patched.status_code == 204, patched.text
    assert _projection_writes(seen) == [], seen
    prepare_read = next(s for s in seen if s.upper().startswith("SELECT HOKS.OPPIJA_OID"))
    assert "DOCUMENT" not in prepare_read.upper(), prepare_read
    assert _projections(db, hoks_id) == stored

    data = client.get(f"{API}/hoks/{hoks_id}", headers=headers).json()["data"]
    for read_only in ("eid", "manuaalisyotto"):  # in the read view, not in a PUT
        del data[read_only]
    period = data["hankittavat-ammat-tutkinnon-osat"][0]["osaamisen-hankkimistavat"][0]
    ohjaaja = period["tyopaikalla-jarjestettava-koulutus"]["vastuullinen-tyopaikka-ohjaaja"]
    ohjaaja["sahkoposti"] = "toinen.ohjaaja@example.org"
    with statements() as seen:
        replaced = client.put(f"{API}/hoks/{hoks_id}", json=data, headers=headers)
    assert replaced.status_code == 204, replaced.text
    assert _projection_writes(seen) == [
        "DELETE FROM hoks_tyopaikkajakso",
        "INSERT INTO hoks_tyopaikkajakso",
    ], seen
    after = _projections(db, hoks_id)
    assert after["hoks_naytto"] == stored["hoks_naytto"]
    assert [row[-1] for row in after["hoks_tyopaikkajakso"]] == ["toinen.ohjaaja@example.org"]

    # Removing the unit's only workplace period and demonstration empties both tables.
    unit = data["hankittavat-ammat-tutkinnon-osat"][0]["module-id"]
    for part in (
        period["module-id"],
        data["hankittavat-ammat-tutkinnon-osat"][0]["osaamisen-osoittaminen"][0]["module-id"],
    ):
        assert (
            client.delete(f"{API}/hoks/{hoks_id}/osat/{part}", headers=headers).status_code == 204
        )
    assert _projections(db, hoks_id) == {"hoks_tyopaikkajakso": [], "hoks_naytto": []}, unit
