"""The audit chain (DESIGN D7): append events, check the chain, list who read a learner's data.

Each event carries ``prev_hash`` (the hash of the event before it; 64 zeros for the first) and
``hash`` = SHA-256 over ``prev_hash`` followed by a canonical serialisation of every other column
(``HASHED_COLUMNS``: orjson, sorted keys, ``occurred_at`` as a UTC ISO string with microseconds).
``seq`` is gapless. Altering, removing, reordering or inserting an event therefore breaks the
chain at that point, which ``verify`` reports; cutting events off the tail is only visible against
a head kept outside the database (``ehoks audit head``), which ``verify(expect_head=...)`` checks.

On PostgreSQL a row trigger (migration 0005) also refuses UPDATE and DELETE on the table. SQLite
has no such guard: there the hash chain is what detects a change.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

import orjson
from sqlalchemy import String
from sqlalchemy.orm import Session

from ehoks.audit.models import AuditEvent
from ehoks.audit.repository import AuditRepository

GENESIS_HASH = "0" * 64
OUTCOMES = frozenset({"succeeded", "denied", "failed"})
LEGAL_BASES = frozenset(
    {
        "provider",
        "statistics",
        "procured-training",
        "current-provider",
        "instructor",
        "assessor",
        "share",
        "consent",
        "own",
        "administration",
        "system",
    }
)
# Hash format 1: exactly these columns. Fixed here rather than read from the table, so a column
# added later cannot change the hash of the events written before it.
HASHED_COLUMNS = (
    "seq",
    "occurred_at",
    "request_id",
    "actor_kind",
    "actor_id",
    "actor_role",
    "legal_basis",
    "basis_ref",
    "oppija_oid",
    "hoks_id",
    "part",
    "operation",
    "outcome",
    "details",
    "changes",
)
# Checked when a record is made, so an over-long value fails in the request that made it, on
# SQLite as on PostgreSQL (SQLite does not enforce varchar lengths).
_LENGTHS = {
    column.name: column.type.length
    for column in AuditEvent.__table__.columns
    if isinstance(column.type, String) and column.type.length is not None
}
_READ_COLUMNS = (*HASHED_COLUMNS, "prev_hash", "hash")
_INT64 = (-(2**63), 2**64)


class AuditableActor(Protocol):
    """What the trail needs of an actor; every actor of ``ehoks.access.actor`` has it."""

    @property
    def kind(self) -> str: ...

    @property
    def audit_id(self) -> str: ...

    @property
    def audit_role(self) -> str | None: ...


@dataclass(frozen=True, kw_only=True)
class AuditRecord:
    """One event before it joins the chain."""

    actor_kind: str
    actor_id: str
    actor_role: str | None = None
    operation: str
    outcome: str = "succeeded"
    legal_basis: str | None = None
    basis_ref: str | None = None
    oppija_oid: str | None = None
    hoks_id: int | None = None
    part: str | None = None
    request_id: str | None = None
    details: dict[str, Any] | None = None
    changes: list[dict[str, Any]] | None = None
    occurred_at: datetime

    def __post_init__(self) -> None:
        if self.outcome not in OUTCOMES:
            raise ValueError(f"outcome must be one of {sorted(OUTCOMES)}, not {self.outcome!r}")
        # One access can rest on several bases at once ("instructor,share").
        if self.legal_basis is not None and not set(self.legal_basis.split(",")) <= LEGAL_BASES:
            raise ValueError(
                f"legal_basis must be one of {sorted(LEGAL_BASES)}, not {self.legal_basis!r}"
            )
        if self.occurred_at.utcoffset() is None:
            raise ValueError("occurred_at must be timezone-aware")
        for name, length in _LENGTHS.items():
            value = getattr(self, name, None)
            if isinstance(value, str) and len(value) > length:
                raise ValueError(f"{name} is longer than {length} characters")


@dataclass(frozen=True)
class VerifyReport:
    ok: bool
    checked: int
    head: tuple[int, str] | None
    problems: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ReadEntry:
    """One line of the learner's "who has looked at my HOKS" list."""

    seq: int
    occurred_at: datetime
    actor_kind: str
    actor_name: str | None
    actor_role: str | None
    legal_basis: str | None
    hoks_id: int | None
    part: str | None
    basis_ref: str | None = None
    basis_organisaatio_oid: str | None = None
    """The organisation that grounds the access (a ``current-provider`` read's oppilaitos)."""


def record_for(
    actor: AuditableActor,
    *,
    operation: str,
    outcome: str = "succeeded",
    occurred_at: datetime,
    **fields: Any,
) -> AuditRecord:
    """A record naming ``actor``; ``fields`` are the other ``AuditRecord`` fields.

    The actor's display name (officials, students, service clients have one) goes to
    ``details["actor_name"]`` so the learner's list can show a person, not an OID.
    """
    name = getattr(actor, "name", None)
    if isinstance(name, str) and name:
        fields["details"] = {"actor_name": name, **(fields.get("details") or {})}
    return AuditRecord(
        actor_kind=actor.kind,
        actor_id=actor.audit_id,
        actor_role=actor.audit_role,
        operation=operation,
        outcome=outcome,
        occurred_at=occurred_at,
        **fields,
    )


def append(session: Session, records: Sequence[AuditRecord]) -> None:
    """Append ``records`` to the chain, in order, inside the caller's transaction.

    Call it as the LAST statement of the transaction and commit right after. On PostgreSQL it
    takes a transaction-level advisory lock before reading the chain's head, so concurrent
    transactions queue instead of forking the chain; the lock is held until commit or rollback,
    so any work after the append makes every other auditing transaction wait. On SQLite write
    transactions begin IMMEDIATE (``ehoks.db``) and are already one at a time; an append inside
    a DEFERRED (read-only) transaction fails with "database is locked" if another writer got in
    first, and a stale head on PostgreSQL under REPEATABLE READ hits the ``seq`` primary key:
    either way the transaction fails instead of forking the chain.
    """
    if not records:
        return
    repository = AuditRepository(session)
    repository.lock_chain()
    append_locked(repository, records)


def append_locked(repository: AuditRepository, records: Sequence[AuditRecord]) -> None:
    """``append`` once the chain lock is held (``audit.staging`` takes it for more)."""
    seq, prev_hash = repository.head() or (0, GENESIS_HASH)
    rows = []
    for record in records:
        seq += 1
        row: dict[str, Any] = {
            "seq": seq,
            "occurred_at": record.occurred_at.astimezone(UTC),
            "request_id": record.request_id,
            "actor_kind": record.actor_kind,
            "actor_id": record.actor_id,
            "actor_role": record.actor_role,
            "legal_basis": record.legal_basis,
            "basis_ref": record.basis_ref,
            "oppija_oid": record.oppija_oid,
            "hoks_id": record.hoks_id,
            "part": record.part,
            "operation": record.operation,
            "outcome": record.outcome,
            # Stored and hashed as they will read back (tuples become lists, NaN null, ...).
            "details": _as_stored(record.details),
            "changes": _as_stored(record.changes),
        }
        row["prev_hash"] = prev_hash
        row["hash"] = prev_hash = event_hash(prev_hash, row)
        rows.append(row)
    repository.insert(rows)


def head(session: Session) -> tuple[int, str] | None:
    """The last event's seq and hash: an anchor to keep outside the database."""
    return AuditRepository(session).head()


def event_hash(prev_hash: str, columns: Mapping[Any, Any]) -> str:
    """SHA-256 (hex) of ``prev_hash`` + the canonical form of ``HASHED_COLUMNS``."""
    canonical: dict[str, Any] = {name: columns[name] for name in HASHED_COLUMNS}
    occurred_at = canonical["occurred_at"]
    if isinstance(occurred_at, datetime):
        canonical["occurred_at"] = occurred_at.astimezone(UTC).isoformat(timespec="microseconds")
    canonical["details"] = _stable_numbers(canonical["details"])
    canonical["changes"] = _stable_numbers(canonical["changes"])
    payload = orjson.dumps(canonical, option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(prev_hash.encode() + payload).hexdigest()


def verify(
    session: Session, *, expect_head: tuple[int, str] | None = None, batch: int = 2000
) -> VerifyReport:
    """Walk the chain in seq order, ``batch`` events at a time, and report every break.

    Each event is checked against the one read before it (not against the expected value), so
    one altered event is reported once rather than making everything after it look broken.
    """
    if batch < 1:
        raise ValueError("batch must be at least 1")
    repository = AuditRepository(session)
    walk = _Walk(expect_head)
    after = 0
    while True:
        try:
            events = [
                dict(zip(_READ_COLUMNS, row, strict=True))
                for row in repository.events_after(after, batch, _READ_COLUMNS)
            ]
            checked: list[tuple[dict[str, Any], str | None]] = [
                (event, event_hash(event["prev_hash"], event)) for event in events
            ]
        except (ValueError, TypeError):
            # A column holds something its type cannot decode (written around the service).
            checked = _one_by_one(repository, after, batch, walk)
        if not checked:
            break
        for event, recomputed in checked:
            walk.step(int(event["seq"]), str(event["prev_hash"]), str(event["hash"]), recomputed)
        after = int(checked[-1][0]["seq"])
    return walk.report()


def reads_of_learner(
    session: Session, oppija_oid: str, *, limit: int = 100, before_seq: int | None = None
) -> list[ReadEntry]:
    """Who has read the learner's data, newest first; page on with ``before_seq`` = the last
    entry's seq. The learner's own reads and the service's are left out; changes never are
    read."""
    if limit < 1:
        raise ValueError("limit must be at least 1")
    rows = AuditRepository(session).reads_of_learner(oppija_oid, limit=limit, before_seq=before_seq)
    return [
        ReadEntry(
            seq=int(row.seq),
            occurred_at=row.occurred_at,
            actor_kind=row.actor_kind,
            actor_name=row.actor_name,
            actor_role=row.actor_role,
            legal_basis=row.legal_basis,
            hoks_id=row.hoks_id,
            part=row.part,
            basis_ref=row.basis_ref,
            basis_organisaatio_oid=row.basis_organisaatio_oid,
        )
        for row in rows
    ]


class _Walk:
    """The state of ``verify``: where the chain should be next and what was wrong so far."""

    def __init__(self, expect_head: tuple[int, str] | None) -> None:
        self.expect_head = expect_head
        self.expected_seq = 1
        self.prev_hash = GENESIS_HASH
        self.checked = 0
        self.last: tuple[int, str] | None = None
        self.anchor_hash: str | None = None
        self.problems: list[str] = []

    def step(self, seq: int, prev_hash: str, stored_hash: str, recomputed: str | None) -> None:
        self.checked += 1
        if seq > self.expected_seq:
            missing = (
                f"event {self.expected_seq} is"
                if seq - self.expected_seq == 1
                else f"events {self.expected_seq}..{seq - 1} are"
            )
            self.problems.append(f"seq {seq}: {missing} missing (removed)")
        elif seq < self.expected_seq:
            self.problems.append(f"seq {seq}: out of order, expected seq {self.expected_seq}")
        elif prev_hash != self.prev_hash:
            self.problems.append(
                f"seq {seq}: prev_hash does not match the hash of seq {seq - 1} "
                "(an event was removed, reordered or forged)"
            )
        if recomputed is not None and recomputed != stored_hash:
            self.problems.append(f"seq {seq}: contents do not match its hash (altered)")
        if self.expect_head is not None and seq == self.expect_head[0]:
            self.anchor_hash = stored_hash
        self.prev_hash = stored_hash
        self.expected_seq = seq + 1
        self.last = (seq, stored_hash)

    def unreadable(self, seq: int, error: Exception) -> None:
        self.problems.append(f"seq {seq}: a column cannot be read ({error}) (altered)")

    def report(self) -> VerifyReport:
        if self.expect_head is not None:
            self._check_anchor(*self.expect_head)
        return VerifyReport(
            ok=not self.problems, checked=self.checked, head=self.last, problems=self.problems
        )

    def _check_anchor(self, seq: int, expected_hash: str) -> None:
        last_seq = self.last[0] if self.last else 0
        if seq == 0:
            if expected_hash != GENESIS_HASH:
                self.problems.append("seq 0: the anchor's hash is not the genesis hash")
        elif last_seq < seq:
            self.problems.append(
                f"seq {seq}: the chain ends at seq {last_seq}, before the anchor "
                f"(events {last_seq + 1}..{seq} were cut off the tail)"
            )
        elif self.anchor_hash is None:
            self.problems.append(f"seq {seq}: the anchor's event is missing")
        elif self.anchor_hash != expected_hash:
            self.problems.append(
                f"seq {seq}: hash differs from the anchor (the chain was rewritten up to here)"
            )


def _one_by_one(
    repository: AuditRepository, after: int, batch: int, walk: _Walk
) -> list[tuple[dict[str, Any], str | None]]:
    """The batch again, event by event: the unreadable ones are reported and their chain
    columns alone (which still read) keep the walk going."""
    checked: list[tuple[dict[str, Any], str | None]] = []
    for link in repository.links_after(after, batch):
        try:
            row = repository.event(int(link.seq), _READ_COLUMNS)
            if row is None:  # gone since the batch was read
                continue
            event = dict(zip(_READ_COLUMNS, row, strict=True))
            checked.append((event, event_hash(event["prev_hash"], event)))
        except (ValueError, TypeError) as error:
            walk.unreadable(int(link.seq), error)
            checked.append((dict(link._mapping), None))
    return checked


def _as_stored(value: Any) -> Any:
    if value is None:
        return None
    return orjson.loads(orjson.dumps(value))


def _stable_numbers(value: Any) -> Any:
    """Numbers in the form both engines read back. PostgreSQL's jsonb keeps numbers as decimals
    and prints integral ones without a point or exponent, so the float 1e16 reads back as the
    int 10000000000000000 and -0.0 as 0.0; integral floats are hashed as ints (or as floats
    beyond the 64-bit range orjson can write) on both sides of the comparison."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, float):
        if value.is_integer() and _INT64[0] <= value < _INT64[1]:
            return int(value)
        return value
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value if _INT64[0] <= value < _INT64[1] else float(value)
    if isinstance(value, dict):
        return {key: _stable_numbers(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_stable_numbers(item) for item in value]
    return value
