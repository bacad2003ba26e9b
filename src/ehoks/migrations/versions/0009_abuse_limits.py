"""abuse limits: rate-limit counters, disabled users, the SQLite audit spool's mark

Revision ID: 0009_abuse_limits
Revises: 0008_virkailija_search_national
Create Date: 2026-12-08 12:00:00.000000

* ``rate_limit_counter``: fixed-window counters shared by every process (``ehoks.ratelimit``),
  keyed by a SHA-256 of the limited key (client id, e-mail or IP address), never the key itself.
* ``disabled_user``: people whose access is withdrawn at once (``ehoks users disable``).
* ``audit_spool_mark``: how far the read events spooled beside a SQLite database were moved
  into the audit chain (``ehoks.audit.spool``); unused on PostgreSQL.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_abuse_limits"
down_revision = "0008_virkailija_search_national"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rate_limit_counter",
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("window_start", sa.BigInteger(), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("key_hash", "window_start", name=op.f("rate_limit_counter_pkey")),
    )
    with op.batch_alter_table("rate_limit_counter", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_rate_limit_counter_expires_at"), ["expires_at"], unique=False
        )
    op.create_table(
        "disabled_user",
        sa.Column("subject", sa.String(length=320), nullable=False),
        sa.Column("disabled_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("subject", name=op.f("disabled_user_pkey")),
    )
    op.create_table(
        "audit_spool_mark",
        sa.Column("spool_id", sa.String(length=36), nullable=False),
        sa.Column("last_id", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("spool_id", name=op.f("audit_spool_mark_pkey")),
    )


def downgrade() -> None:
    op.drop_table("audit_spool_mark")
    op.drop_table("disabled_user")
    with op.batch_alter_table("rate_limit_counter", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rate_limit_counter_expires_at"))
    op.drop_table("rate_limit_counter")
