"""The hash chain: what is appended verifies, and every kind of tampering is reported."""

from __future__ import annotations

import itertools
import threading
from datetime import timedelta

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.exc import DBAPIError

from ehoks.access.actor import (
    EmailActor,
    OfficialActor,
    ServiceClientActor,
    StudentActor,
    SystemActor,
)
from ehoks.audit import service
from ehoks.audit.models import AuditEvent
from ehoks.audit.service import (
    GENESIS_HASH,
    HASHED_COLUMNS,
    append,
    event_hash,
    head,
    reads_of_learner,
    record_for,
    verify,
)
from tests.audit import T0, record, run_sql, tamper

TABLE = AuditEvent.__table__


def _append(session_factory, records):
    with session_factory.begin() as session:
        append(session, records)


def _verify(session_factory, **kwargs):
    with session_factory() as session:
        return verify(session, **kwargs)


def _stored(session_factory):
    with session_factory() as session:
        return session.execute(select(TABLE).order_by(TABLE.c.seq)).all()


@pytest.fixture
def five(session_factory):
    """Five events: three appended in one go, then two more in another transaction."""
    _append(session_factory, [record(i) for i in range(3)])
    _append(session_factory, [record(i) for i in range(3, 5)])
    return _stored(session_factory)


def test_appended_events_form_a_chain_that_verifies(session_factory, five):
    assert [row.seq for row in five] == [1, 2, 3, 4, 5]
    assert five[0].prev_hash == GENESIS_HASH
    for before, after in itertools.pairwise(five):
        assert after.prev_hash == before.hash
    assert five[2].details == {"actor_name": "Virkailija Vilma", "n": 2}
    assert five[2].occurred_at == T0 + timedelta(seconds=2)
    report = _verify(session_factory, batch=2)  # pages of two: the walk crosses pages
    assert report.ok, report.problems
    assert report.checked == 5
    with session_factory() as session:
        assert report.head == head(session) == (5, five[4].hash)


def test_empty_chain_verifies_and_has_no_head(session_factory):
    report = _verify(session_factory)
    assert (report.ok, report.checked, report.head, report.problems) == (True, 0, None, [])
    assert _verify(session_factory, expect_head=(0, GENESIS_HASH)).ok
    broken = _verify(session_factory, expect_head=(2, "a" * 64))
    assert not broken.ok
    assert "cut off" in broken.problems[0]


def test_hashed_columns_are_every_column_but_the_links():
    # A column added later must be a decision: old events' hashes cannot include it.
    assert set(HASHED_COLUMNS) == {c.name for c in TABLE.columns} - {"prev_hash", "hash"}


def test_json_values_hash_the_same_after_the_round_trip(session_factory):
    # jsonb reads 1e16 back as an int and -0.0 as 0.0; tuples and NaN do not survive JSON.
    awkward = {"big": 1e16, "huge": 1e20, "zero": -0.0, "whole": 5.0, "t": (1, 2), "nan": None}
    _append(session_factory, [record(0, details=awkward, changes=[{"path": "x", "v": 0.1}])])
    _append(session_factory, [record(1, details={"nan": float("nan")}, changes=None)])
    report = _verify(session_factory)
    assert report.ok, report.problems
    rows = _stored(session_factory)
    assert rows[0].details["t"] == [1, 2]
    assert rows[1].details == {"nan": None}
    assert rows[1].changes is None


ALTERATIONS = [
    ("occurred_at", T0 + timedelta(days=1)),
    ("request_id", "req-other"),
    ("actor_kind", "oppija"),
    ("actor_id", "1.2.246.562.24.99999999999"),
    ("actor_role", "oph-super-user"),
    ("actor_role", None),
    ("legal_basis", "consent"),
    ("basis_ref", "ref-other"),
    ("oppija_oid", "1.2.246.562.24.10000000002"),
    ("hoks_id", 999),
    ("part", "module-other"),
    ("operation", "update"),
    ("outcome", "denied"),
    ("details", {"actor_name": "Someone Else", "n": 2}),
    ("details", None),
    ("changes", []),
    ("prev_hash", "f" * 64),
    ("hash", "e" * 64),
]


@pytest.mark.parametrize(("column", "value"), ALTERATIONS, ids=lambda v: str(v)[:20])
def test_altering_any_column_of_an_event_is_reported(db, session_factory, five, column, value):
    tamper(
        db,
        lambda connection: connection.execute(
            update(TABLE).where(TABLE.c.seq == 3).values({column: value})
        ),
    )
    report = _verify(session_factory)
    assert not report.ok
    assert any(problem.startswith("seq 3:") for problem in report.problems), report.problems
    assert report.checked == 5


def test_changing_an_events_seq_is_reported(db, session_factory, five):
    run_sql(db, "UPDATE audit_event SET seq = 100 WHERE seq = 3")
    problems = _verify(session_factory).problems
    assert "seq 4: event 3 is missing (removed)" in problems
    assert any(problem.startswith("seq 100:") for problem in problems)


def test_an_altered_event_with_a_recomputed_hash_breaks_the_next_link(db, session_factory, five):
    # Whoever knows the algorithm can re-hash the event they changed; the next event still
    # names the old hash.
    forged = {**five[2]._mapping, "outcome": "denied"}
    forged_hash = event_hash(forged["prev_hash"], forged)
    tamper(
        db,
        lambda connection: connection.execute(
            update(TABLE).where(TABLE.c.seq == 3).values(outcome="denied", hash=forged_hash)
        ),
    )
    report = _verify(session_factory)
    assert not report.ok
    assert [p.split(":")[0] for p in report.problems] == ["seq 4"]
    assert "prev_hash" in report.problems[0]


def test_removing_a_middle_event_is_reported(db, session_factory, five):
    run_sql(db, "DELETE FROM audit_event WHERE seq = 3")
    report = _verify(session_factory)
    assert report.problems == ["seq 4: event 3 is missing (removed)"]
    assert report.checked == 4


def test_removing_the_tail_is_reported_only_against_an_anchor(db, session_factory, five):
    anchor = (5, five[4].hash)
    run_sql(db, "DELETE FROM audit_event WHERE seq >= 4")
    # What is left is a valid chain: without an anchor kept elsewhere nothing can tell.
    assert _verify(session_factory).ok
    report = _verify(session_factory, expect_head=anchor)
    assert not report.ok
    assert report.problems == [
        "seq 5: the chain ends at seq 3, before the anchor (events 4..5 were cut off the tail)"
    ]
    # An older anchor still matches: the chain has only grown (or stayed) since.
    assert _verify(session_factory, expect_head=(3, five[2].hash)).ok


def test_an_anchor_with_another_hash_means_the_chain_was_rewritten(session_factory, five):
    report = _verify(session_factory, expect_head=(4, "0" * 63 + "1"))
    assert report.problems == [
        "seq 4: hash differs from the anchor (the chain was rewritten up to here)"
    ]


def test_swapping_two_events_is_reported(db, session_factory, five):
    # Through a free number: the primary key is checked row by row.
    for sql in (
        "UPDATE audit_event SET seq = -1 WHERE seq = 2",
        "UPDATE audit_event SET seq = 2 WHERE seq = 3",
        "UPDATE audit_event SET seq = 3 WHERE seq = -1",
    ):
        run_sql(db, sql)
    report = _verify(session_factory)
    assert not report.ok
    failing = {problem.split(":")[0] for problem in report.problems}
    assert {"seq 2", "seq 3"} <= failing


def test_an_undecodable_column_is_reported_and_the_walk_goes_on(db, session_factory, five):
    if db.dialect.name == "postgresql":
        pytest.skip("jsonb refuses invalid JSON, so the column cannot hold it on PostgreSQL")
    run_sql(db, "UPDATE audit_event SET details = 'not json' WHERE seq = 3")
    report = _verify(session_factory, batch=10)
    assert report.checked == 5
    assert len(report.problems) == 1
    assert report.problems[0].startswith("seq 3: a column cannot be read")


def test_concurrent_appenders_keep_one_unbroken_chain(session_factory):
    threads, per_thread = 4, 25
    errors: list[BaseException] = []
    start = threading.Barrier(threads)

    def work(worker: int) -> None:
        start.wait()
        try:
            for i in range(per_thread):
                _append(session_factory, [record(i, actor_id=f"worker-{worker}")])
        except BaseException as error:  # reported below, not swallowed
            errors.append(error)

    workers = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []
    report = _verify(session_factory)
    assert report.ok, report.problems
    assert report.checked == threads * per_thread
    rows = _stored(session_factory)
    assert [row.seq for row in rows] == list(range(1, threads * per_thread + 1))
    by_worker = {f"worker-{n}": 0 for n in range(threads)}
    for row in rows:
        by_worker[row.actor_id] += 1
    assert set(by_worker.values()) == {per_thread}


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_event SET outcome = 'denied' WHERE seq = 1", "DELETE FROM audit_event"],
)
def test_postgresql_refuses_update_and_delete(db, session_factory, statement):
    if db.dialect.name != "postgresql":
        pytest.skip("SQLite has no append-only trigger; the hash chain detects changes there")
    _append(session_factory, [record(0)])
    with pytest.raises(DBAPIError, match="audit_event is append-only"), db.begin() as connection:
        connection.execute(text(statement))
    assert _verify(session_factory).checked == 1


OPPIJA = "1.2.246.562.24.10000000001"
OTHER = "1.2.246.562.24.10000000002"


def test_reads_of_learner_lists_who_else_read_newest_first(session_factory):
    official = OfficialActor(oid="1.2.246.562.24.00000000001", name="Virkailija Vilma", grants=())
    client = ServiceClientActor(
        client_id="sis", name="Primus", organisaatio_oid="1.2.246.562.10.1", role="READ"
    )
    instructor = EmailActor(sahkoposti="ohjaaja@example.fi")
    guardian = StudentActor(
        oppija_oid=None, name="Huoltaja", using_valtuudet=True, acting_oid=OTHER
    )

    def read(actor, minutes, **fields):
        fields.setdefault("oppija_oid", OPPIJA)
        return record_for(
            actor,
            operation=fields.pop("operation", "read"),
            outcome=fields.pop("outcome", "succeeded"),
            occurred_at=T0 + timedelta(minutes=minutes),
            **fields,
        )

    _append(
        session_factory,
        [
            read(official, 1, legal_basis="provider", hoks_id=1),
            read(StudentActor(oppija_oid=OPPIJA, name="Oppija"), 2, legal_basis="own"),
            read(SystemActor("jobs"), 3, legal_basis="system"),
            read(official, 4, operation="update", legal_basis="provider"),
            read(official, 5, outcome="denied"),
            read(official, 6, oppija_oid=OTHER, legal_basis="provider"),
            read(instructor, 7, legal_basis="instructor", hoks_id=1, part="m-1"),
            read(client, 8, legal_basis="provider", hoks_id=1),
            read(guardian, 9, legal_basis="own", hoks_id=1),
        ],
    )
    with session_factory() as session:
        entries = reads_of_learner(session, OPPIJA)
        assert [(e.seq, e.actor_kind, e.actor_name, e.actor_role) for e in entries] == [
            (9, "oppija", "Huoltaja", "valtuudet"),
            (8, "palvelukayttaja", "Primus", "READ"),
            (7, "sahkoposti", None, None),
            (1, "virkailija", "Virkailija Vilma", "virkailija"),
        ]
        assert (entries[2].legal_basis, entries[2].hoks_id, entries[2].part) == (
            "instructor",
            1,
            "m-1",
        )
        assert entries[3].occurred_at == T0 + timedelta(minutes=1)
        assert not hasattr(entries[0], "changes")
        first_page = reads_of_learner(session, OPPIJA, limit=2)
        assert [e.seq for e in first_page] == [9, 8]
        rest = reads_of_learner(session, OPPIJA, limit=2, before_seq=first_page[-1].seq)
        assert [e.seq for e in rest] == [7, 1]
        assert [e.seq for e in reads_of_learner(session, OTHER)] == [6]


def test_record_for_names_every_kind_of_actor():
    at = T0
    client = ServiceClientActor(
        client_id="sis", name="Primus", organisaatio_oid="1.2.246.562.10.1", role="CRUD"
    )
    made = record_for(client, operation="create", occurred_at=at, details={"x": 1})
    assert (made.actor_kind, made.actor_id, made.actor_role) == (
        "palvelukayttaja",
        "client:sis",
        "CRUD",
    )
    assert made.details == {"actor_name": "Primus", "x": 1}
    email = record_for(EmailActor(sahkoposti="a@example.fi"), operation="read", occurred_at=at)
    assert (email.actor_kind, email.actor_id, email.details) == (
        "sahkoposti",
        "email:a@example.fi",
        None,
    )
    system = record_for(SystemActor("demo"), operation="create", occurred_at=at)
    assert (system.actor_kind, system.actor_id) == ("jarjestelma", "system:demo")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"outcome": "ok"}, "outcome"),
        ({"legal_basis": "curiosity"}, "legal_basis"),
        ({"occurred_at": T0.replace(tzinfo=None)}, "timezone"),
        ({"operation": "x" * 33}, "operation"),
    ],
)
def test_records_refuse_values_the_trail_cannot_hold(overrides, message):
    with pytest.raises(ValueError, match=message):
        record(0, **overrides)


def test_append_of_nothing_writes_nothing(session_factory):
    _append(session_factory, [])
    with session_factory() as session:
        assert service.head(session) is None
