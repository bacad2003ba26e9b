"""local registry tables: Koodisto code elements and ePerusteet perusteet, units and TUVA parts

Revision ID: 0004_koodisto_eperusteet
Revises: 0003_oppijaindex
Create Date: 2026-11-28 11:58:06.779768
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0004_koodisto_eperusteet"
down_revision = "0003_oppijaindex"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "registry_eperusteet_koulutuksen_osa",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("koodi_uri", sa.String(length=255), nullable=True),
        sa.Column("peruste_id", sa.BigInteger(), nullable=True),
        sa.Column("jarjestys", sa.Integer(), nullable=True),
        sa.Column(
            "document",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("registry_eperusteet_koulutuksen_osa_pkey")),
    )
    with op.batch_alter_table("registry_eperusteet_koulutuksen_osa", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_registry_eperusteet_koulutuksen_osa_koodi_uri"),
            ["koodi_uri"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_registry_eperusteet_koulutuksen_osa_peruste_id"),
            ["peruste_id"],
            unique=False,
        )

    op.create_table(
        "registry_eperusteet_peruste",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("diaarinumero", sa.String(length=64), nullable=True),
        sa.Column("kokonainen", sa.Boolean(), nullable=False),
        sa.Column(
            "document",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("registry_eperusteet_peruste_pkey")),
    )
    with op.batch_alter_table("registry_eperusteet_peruste", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_registry_eperusteet_peruste_diaarinumero"),
            ["diaarinumero"],
            unique=False,
        )

    op.create_table(
        "registry_eperusteet_peruste_tutkinnon_osa",
        sa.Column("peruste_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("tutkinnon_osa_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("jarjestys", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "peruste_id",
            "tutkinnon_osa_id",
            name=op.f("registry_eperusteet_peruste_tutkinnon_osa_pkey"),
        ),
    )
    with op.batch_alter_table("registry_eperusteet_peruste_tutkinnon_osa", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_registry_eperusteet_peruste_tutkinnon_osa_tutkinnon_osa_id"),
            ["tutkinnon_osa_id"],
            unique=False,
        )

    op.create_table(
        "registry_eperusteet_tutkinnon_osa",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("koodi_uri", sa.String(length=255), nullable=True),
        sa.Column(
            "document",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("registry_eperusteet_tutkinnon_osa_pkey")),
    )
    with op.batch_alter_table("registry_eperusteet_tutkinnon_osa", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_registry_eperusteet_tutkinnon_osa_koodi_uri"),
            ["koodi_uri"],
            unique=False,
        )

    op.create_table(
        "registry_koodisto_koodi",
        sa.Column("koodi_uri", sa.String(length=255), nullable=False),
        sa.Column("versio", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("koodisto_uri", sa.String(length=255), nullable=False),
        sa.Column(
            "document",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("koodi_uri", "versio", name=op.f("registry_koodisto_koodi_pkey")),
    )
    with op.batch_alter_table("registry_koodisto_koodi", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_registry_koodisto_koodi_koodisto_uri"), ["koodisto_uri"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("registry_koodisto_koodi", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_registry_koodisto_koodi_koodisto_uri"))

    op.drop_table("registry_koodisto_koodi")
    with op.batch_alter_table("registry_eperusteet_tutkinnon_osa", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_registry_eperusteet_tutkinnon_osa_koodi_uri"))

    op.drop_table("registry_eperusteet_tutkinnon_osa")
    with op.batch_alter_table("registry_eperusteet_peruste_tutkinnon_osa", schema=None) as batch_op:
        batch_op.drop_index(
            batch_op.f("ix_registry_eperusteet_peruste_tutkinnon_osa_tutkinnon_osa_id")
        )

    op.drop_table("registry_eperusteet_peruste_tutkinnon_osa")
    with op.batch_alter_table("registry_eperusteet_peruste", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_registry_eperusteet_peruste_diaarinumero"))

    op.drop_table("registry_eperusteet_peruste")
    with op.batch_alter_table("registry_eperusteet_koulutuksen_osa", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_registry_eperusteet_koulutuksen_osa_peruste_id"))
        batch_op.drop_index(batch_op.f("ix_registry_eperusteet_koulutuksen_osa_koodi_uri"))

    op.drop_table("registry_eperusteet_koulutuksen_osa")
