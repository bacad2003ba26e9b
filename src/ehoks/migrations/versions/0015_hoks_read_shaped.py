"""whether a stored HOKS document is its own read view

Revision ID: 0015_hoks_read_shaped
Revises: 0014_audit_staged
Create Date: 2026-12-06 19:10:00.000000

``hoks.read_shaped``: set by every write of the document when it is already in the read
representation, so that ``GET /hoks/{hoks-id}`` sends the stored JSON text as it is instead of
parsing, reshaping and encoding it again (docs/performance.md, "GET on one connection"). Rows
written before are false and keep being reshaped on read until their next write.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015_hoks_read_shaped"
down_revision = "0014_audit_staged"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "hoks", sa.Column("read_shaped", sa.Boolean(), server_default=sa.false(), nullable=False)
    )


def downgrade() -> None:
    op.drop_column("hoks", "read_shaped")
