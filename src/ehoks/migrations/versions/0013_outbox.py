"""the transactional outbox

Revision ID: 0013_outbox
Revises: 0012_opiskeluoikeus_tila
Create Date: 2026-12-06 15:00:00.000000

``outbox``: jobs (mails) written in the transaction of the change that causes them and delivered
by ``ehoks worker`` (docs/architecture.md, "Jobs and the outbox"). The index on
``(state, not_before)`` serves the workers' claim.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0013_outbox"
down_revision = "0012_opiskeluoikeus_tila"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column(
            "payload",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("not_before", sa.DateTime(timezone=True), nullable=False),
        sa.Column("dedupe_key", sa.String(length=128), nullable=True),
        sa.Column("lease_token", sa.String(length=64), nullable=True),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "state IN ('pending', 'running', 'done', 'dead')", name=op.f("outbox_state_check")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("outbox_pkey")),
        sa.UniqueConstraint("dedupe_key", name=op.f("outbox_dedupe_key_key")),
    )
    op.create_index("ix_outbox_due", "outbox", ["state", "not_before"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_outbox_due", table_name="outbox")
    op.drop_table("outbox")
