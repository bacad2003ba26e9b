"""Tests of the audit trail, and the helpers they share: records to append and tampering with
the stored chain the way someone with direct database access would."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, text

from ehoks.audit.service import AuditRecord

T0 = datetime(2026, 3, 1, 8, 30, 0, 123456, tzinfo=UTC)


def record(index: int = 0, **overrides: Any) -> AuditRecord:
    """A record with every column set, so tampering can change any of them."""
    fields: dict[str, Any] = {
        "actor_kind": "virkailija",
        "actor_id": "1.2.246.562.24.00000000001",
        "actor_role": "virkailija",
        "operation": "read",
        "outcome": "succeeded",
        "legal_basis": "provider",
        "basis_ref": f"ref-{index}",
        "oppija_oid": "1.2.246.562.24.10000000001",
        "hoks_id": 10 + index,
        "part": f"module-{index}",
        "request_id": f"req-{index}",
        "details": {"actor_name": "Virkailija Vilma", "n": index},
        "changes": [{"path": "urasuunnitelma", "oldValue": index, "newValue": index + 1}],
        "occurred_at": T0 + timedelta(seconds=index),
    }
    fields.update(overrides)
    return AuditRecord(**fields)


def tamper(engine: Engine, change: Callable[[Connection], Any]) -> None:
    """Run ``change`` on the stored events. On PostgreSQL the append-only trigger is switched
    off around it (only the table owner can do that), so tampering is testable on both."""
    postgres = engine.dialect.name == "postgresql"
    with engine.begin() as connection:
        if postgres:
            connection.execute(text("ALTER TABLE audit_event DISABLE TRIGGER USER"))
        change(connection)
        if postgres:
            connection.execute(text("ALTER TABLE audit_event ENABLE TRIGGER USER"))


def run_sql(engine: Engine, sql: str, **params: Any) -> None:
    tamper(engine, lambda connection: connection.execute(text(sql), params))
