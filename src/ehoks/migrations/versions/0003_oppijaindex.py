"""learner and study-right index

Revision ID: 0003_oppijaindex
Revises: 0002_registry
Create Date: 2026-11-28 11:20:59.930785
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0003_oppijaindex"
down_revision = "0002_registry"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "opiskeluoikeus",
        sa.Column("oid", sa.String(length=64), nullable=False),
        sa.Column("oppija_oid", sa.String(length=64), nullable=False),
        sa.Column("oppilaitos_oid", sa.String(length=64), nullable=True),
        sa.Column("koulutustoimija_oid", sa.String(length=64), nullable=True),
        sa.Column(
            "tutkinto_nimi",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "osaamisala_nimi",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("alkamispaiva", sa.Date(), nullable=True),
        sa.Column("arvioitu_paattymispaiva", sa.Date(), nullable=True),
        sa.Column("hankintakoulutus_jarjestaja_oid", sa.String(length=64), nullable=True),
        sa.Column("hankintakoulutus_opiskeluoikeus_oid", sa.String(length=64), nullable=True),
        sa.Column("koski404", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("oid", name=op.f("opiskeluoikeus_pkey")),
    )
    with op.batch_alter_table("opiskeluoikeus", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_opiskeluoikeus_hankintakoulutus_opiskeluoikeus_oid"),
            ["hankintakoulutus_opiskeluoikeus_oid"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_opiskeluoikeus_koulutustoimija_oid"),
            ["koulutustoimija_oid"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_opiskeluoikeus_oppija_oid"), ["oppija_oid"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_opiskeluoikeus_oppilaitos_oid"), ["oppilaitos_oid"], unique=False
        )

    op.create_table(
        "oppija",
        sa.Column("oid", sa.String(length=64), nullable=False),
        sa.Column("nimi", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("oid", name=op.f("oppija_pkey")),
    )


def downgrade() -> None:
    op.drop_table("oppija")
    with op.batch_alter_table("opiskeluoikeus", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_opiskeluoikeus_oppilaitos_oid"))
        batch_op.drop_index(batch_op.f("ix_opiskeluoikeus_oppija_oid"))
        batch_op.drop_index(batch_op.f("ix_opiskeluoikeus_koulutustoimija_oid"))
        batch_op.drop_index(batch_op.f("ix_opiskeluoikeus_hankintakoulutus_opiskeluoikeus_oid"))

    op.drop_table("opiskeluoikeus")
