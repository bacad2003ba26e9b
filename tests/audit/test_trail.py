"""One request's trail: collect, append on commit, or discard and record the failure."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from ehoks.access.actor import OfficialActor
from ehoks.audit.models import AuditEvent
from ehoks.audit.service import head, verify
from ehoks.audit.trail import AuditTrail, as_failed
from tests.audit import T0

OFFICIAL = OfficialActor(oid="1.2.246.562.24.00000000001", name="Virkailija Vilma", grants=())


def _trail() -> AuditTrail:
    ticks = iter(range(100))
    trail = AuditTrail("req-1", clock=lambda: T0 + timedelta(seconds=next(ticks)))
    trail.actor = OFFICIAL
    return trail


def test_recording_needs_an_actor():
    trail = AuditTrail("req-1")
    with pytest.raises(RuntimeError, match="no actor"):
        trail.record(operation="read")
    assert not trail.has_records


def test_flush_appends_what_was_recorded_and_clears(session_factory):
    trail = _trail()
    trail.record(operation="read", legal_basis="provider", oppija_oid="1.2.3", hoks_id=7)
    trail.record(operation="update", hoks_id=7, part="m-1", changes=[{"path": "a", "newValue": 1}])
    assert trail.has_records
    with session_factory.begin() as session:
        trail.flush(session)
    assert not trail.has_records
    assert trail.pending == []
    with session_factory() as session:
        rows = session.scalars(select(AuditEvent).order_by(AuditEvent.seq)).all()
        assert [(r.seq, r.operation, r.request_id, r.actor_id) for r in rows] == [
            (1, "read", "req-1", OFFICIAL.oid),
            (2, "update", "req-1", OFFICIAL.oid),
        ]
        assert rows[0].occurred_at == T0
        assert rows[1].occurred_at == T0 + timedelta(seconds=1)
        assert rows[0].details == {"actor_name": "Virkailija Vilma"}
        assert rows[1].changes == [{"path": "a", "newValue": 1}]
        assert verify(session).ok


def test_pending_is_a_copy():
    trail = _trail()
    trail.record(operation="read")
    trail.pending.clear()
    assert len(trail.pending) == 1


def test_discard_returns_the_records_and_writes_nothing(session_factory):
    trail = _trail()
    trail.record(operation="update", changes=[{"path": "a", "newValue": 1}])
    discarded = trail.discard()
    assert [r.operation for r in discarded] == ["update"]
    assert not trail.has_records
    with session_factory.begin() as session:
        trail.flush(session)  # nothing left to append
        assert head(session) is None


def test_a_failed_flush_keeps_the_records_for_the_failure_event(session_factory):
    trail = _trail()
    trail.record(operation="update", details={"not json": object()})
    with pytest.raises(TypeError), session_factory.begin() as session:
        trail.flush(session)
    assert trail.has_records


def test_as_failed_keeps_who_and_what_but_not_the_changes(session_factory):
    trail = _trail()
    trail.record(operation="update", hoks_id=7, changes=[{"path": "a", "newValue": 1}])
    failed = as_failed(trail.discard(), error="HoksVersionConflict")
    assert [(r.outcome, r.hoks_id, r.changes) for r in failed] == [("failed", 7, None)]
    assert failed[0].details == {"actor_name": "Virkailija Vilma", "error": "HoksVersionConflict"}
    denied = as_failed(failed, outcome="denied", occurred_at=T0 + timedelta(hours=1))
    assert (denied[0].outcome, denied[0].occurred_at) == ("denied", T0 + timedelta(hours=1))
    with pytest.raises(ValueError, match="outcome"):
        as_failed(failed, outcome="oops")
