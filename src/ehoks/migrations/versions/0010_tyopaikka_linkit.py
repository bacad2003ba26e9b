"""when the provider mailed the workplace instructor or assessor the link to their part

Revision ID: 0010_tyopaikka_linkit
Revises: 0009_abuse_limits
Create Date: 2026-12-07 12:00:00.000000

One row per "send the link" on the official's HOKS page (law 531/2017 § 109 a ¶2–3): which
HOKS and part, to whom (instructor or assessor contact, not the address), when and by whom.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_tyopaikka_linkit"
down_revision = "0009_abuse_limits"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tyopaikka_linkki_lahetys",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("hoks_id", sa.Integer(), nullable=False),
        sa.Column("module_id", sa.String(length=36), nullable=False),
        sa.Column("vastaanottaja", sa.String(length=16), nullable=False),
        sa.Column("arvioija_id", sa.Integer(), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_by", sa.String(length=128), nullable=False),
        sa.ForeignKeyConstraint(
            ["hoks_id"],
            ["hoks.id"],
            name=op.f("tyopaikka_linkki_lahetys_hoks_id_fkey"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("tyopaikka_linkki_lahetys_pkey")),
    )
    op.create_index(
        "ix_tyopaikka_linkki_lahetys_kohde",
        "tyopaikka_linkki_lahetys",
        ["hoks_id", "module_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_tyopaikka_linkki_lahetys_kohde", table_name="tyopaikka_linkki_lahetys")
    op.drop_table("tyopaikka_linkki_lahetys")
