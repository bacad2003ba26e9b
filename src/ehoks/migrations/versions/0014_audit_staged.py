"""staged audit events of writes

Revision ID: 0014_audit_staged
Revises: 0013_outbox
Create Date: 2026-12-06 18:20:00.000000

``audit_staged``: a write's audit events, committed with its change and moved into the chain
(``audit_event``) by the next chain transaction, many writes at a time (docs/architecture.md,
"The audit trail"), so that writes no longer queue on the chain lock.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014_audit_staged"
down_revision = "0013_outbox"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_staged",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("record", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("audit_staged_pkey")),
    )


def downgrade() -> None:
    # Staged events not yet chained would be lost: refuse until they are (``ehoks audit
    # verify`` chains them).
    staged = op.get_bind().scalar(sa.text("SELECT count(*) FROM audit_staged"))
    if staged:
        raise RuntimeError(
            f"{staged} staged audit event(s) are not yet chained: run 'ehoks audit verify' first"
        )
    op.drop_table("audit_staged")
