"""which plan a HOKS continues (issue 14, item 3)

Revision ID: 0011_hoks_jatko
Revises: 0010_tyopaikka_linkit
Create Date: 2026-12-06 14:00:00.000000

``hoks_jatko``: one row per HOKS started from an earlier plan of the same learner, set when
the official's form or a service client (``POST /hoks?jatkaa-hoksia=``) creates it. Kept
outside the HOKS document so the compatible wire format is unchanged. Both foreign keys cascade,
so a hard delete of either plan removes the link.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_hoks_jatko"
down_revision = "0010_tyopaikka_linkit"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "hoks_jatko",
        sa.Column("hoks_id", sa.Integer(), nullable=False),
        sa.Column("aiempi_hoks_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=128), nullable=True),
        sa.ForeignKeyConstraint(
            ["hoks_id"], ["hoks.id"], name="hoks_jatko_hoks_id_fkey", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["aiempi_hoks_id"],
            ["hoks.id"],
            name="hoks_jatko_aiempi_hoks_id_fkey",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("hoks_id", name="hoks_jatko_pkey"),
    )
    op.create_index("ix_hoks_jatko_aiempi_hoks_id", "hoks_jatko", ["aiempi_hoks_id"])


def downgrade() -> None:
    op.drop_index("ix_hoks_jatko_aiempi_hoks_id", table_name="hoks_jatko")
    op.drop_table("hoks_jatko")
