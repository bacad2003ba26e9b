"""local registry tables: Koski, ONR and Organisaatio documents (DESIGN D5)

Revision ID: 0002_registry
Revises: 0001_hoks
Create Date: 2026-11-28 10:51:48.669558
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002_registry"
down_revision = "0001_hoks"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "registry_koski_opiskeluoikeus",
        sa.Column("oid", sa.String(length=64), nullable=False),
        sa.Column("oppija_oid", sa.String(length=64), nullable=True),
        sa.Column(
            "document",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("oid", name=op.f("registry_koski_opiskeluoikeus_pkey")),
    )
    with op.batch_alter_table("registry_koski_opiskeluoikeus", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_registry_koski_opiskeluoikeus_oppija_oid"), ["oppija_oid"], unique=False
        )

    op.create_table(
        "registry_koski_oppija",
        sa.Column("oid", sa.String(length=64), nullable=False),
        sa.Column(
            "henkilo",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("oid", name=op.f("registry_koski_oppija_pkey")),
    )
    op.create_table(
        "registry_onr_henkilo",
        sa.Column("oid", sa.String(length=64), nullable=False),
        sa.Column("master_oid", sa.String(length=64), nullable=True),
        sa.Column(
            "document",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("oid", name=op.f("registry_onr_henkilo_pkey")),
    )
    with op.batch_alter_table("registry_onr_henkilo", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_registry_onr_henkilo_master_oid"), ["master_oid"], unique=False
        )

    op.create_table(
        "registry_organisaatio",
        sa.Column("oid", sa.String(length=64), nullable=False),
        sa.Column("parent_oid", sa.String(length=64), nullable=True),
        sa.Column("parent_oid_path", sa.Text(), nullable=False),
        sa.Column(
            "document",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("oid", name=op.f("registry_organisaatio_pkey")),
    )
    with op.batch_alter_table("registry_organisaatio", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_registry_organisaatio_parent_oid"), ["parent_oid"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("registry_organisaatio", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_registry_organisaatio_parent_oid"))

    op.drop_table("registry_organisaatio")
    with op.batch_alter_table("registry_onr_henkilo", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_registry_onr_henkilo_master_oid"))

    op.drop_table("registry_onr_henkilo")
    op.drop_table("registry_koski_oppija")
    with op.batch_alter_table("registry_koski_opiskeluoikeus", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_registry_koski_opiskeluoikeus_oppija_oid"))

    op.drop_table("registry_koski_opiskeluoikeus")
