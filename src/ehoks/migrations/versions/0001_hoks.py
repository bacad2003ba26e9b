"""hoks store and service clients

Revision ID: 0001_hoks
Revises:
Create Date: 2026-11-28 10:46:12.715125
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001_hoks"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "hoks",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("eid", sa.String(length=36), nullable=False),
        sa.Column("oppija_oid", sa.String(length=64), nullable=False),
        sa.Column("opiskeluoikeus_oid", sa.String(length=64), nullable=False),
        sa.Column("oppilaitos_oid", sa.String(length=64), nullable=True),
        sa.Column("koulutustoimija_oid", sa.String(length=64), nullable=True),
        sa.Column("tuva_opiskeluoikeus_oid", sa.String(length=64), nullable=True),
        sa.Column("ensikertainen_hyvaksyminen", sa.Date(), nullable=True),
        sa.Column("osaamisen_saavuttamisen_pvm", sa.Date(), nullable=True),
        sa.Column("manuaalisyotto", sa.Boolean(), nullable=False),
        sa.Column(
            "document",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by", sa.String(length=128), nullable=True),
        sa.Column("updated_by", sa.String(length=128), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("hoks_pkey")),
        sa.UniqueConstraint("eid", name=op.f("hoks_eid_key")),
        sa.UniqueConstraint("opiskeluoikeus_oid", name=op.f("hoks_opiskeluoikeus_oid_key")),
    )
    with op.batch_alter_table("hoks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hoks_oppija_oid"), ["oppija_oid"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_hoks_oppilaitos_oid"), ["oppilaitos_oid"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_hoks_updated_at"), ["updated_at"], unique=False)

    op.create_table(
        "idempotency_key",
        sa.Column("client_id", sa.String(length=64), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.Column(
            "response",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("client_id", "key", name=op.f("idempotency_key_pkey")),
    )
    with op.batch_alter_table("idempotency_key", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_idempotency_key_created_at"), ["created_at"], unique=False
        )

    op.create_table(
        "service_client",
        sa.Column("client_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("organisaatio_oid", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("secret_hash", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("disabled_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("client_id", name=op.f("service_client_pkey")),
    )
    op.create_table(
        "hoks_naytto",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("hoks_id", sa.Integer(), nullable=False),
        sa.Column("module_id", sa.String(length=36), nullable=False),
        sa.Column("osa_module_id", sa.String(length=36), nullable=False),
        sa.Column("osa_tyyppi", sa.String(length=8), nullable=False),
        sa.Column("alku", sa.Date(), nullable=False),
        sa.Column("loppu", sa.Date(), nullable=False),
        sa.Column("nayttoymparisto_nimi", sa.Text(), nullable=True),
        sa.Column(
            "tyoelama_arvioijat",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["hoks_id"], ["hoks.id"], name=op.f("hoks_naytto_hoks_id_fkey"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("hoks_naytto_pkey")),
        sa.UniqueConstraint("module_id", name=op.f("hoks_naytto_module_id_key")),
    )
    with op.batch_alter_table("hoks_naytto", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hoks_naytto_hoks_id"), ["hoks_id"], unique=False)

    op.create_table(
        "hoks_tyopaikkajakso",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("hoks_id", sa.Integer(), nullable=False),
        sa.Column("module_id", sa.String(length=36), nullable=False),
        sa.Column("osa_module_id", sa.String(length=36), nullable=False),
        sa.Column("osa_tyyppi", sa.String(length=8), nullable=False),
        sa.Column("yksiloiva_tunniste", sa.String(length=256), nullable=True),
        sa.Column("hankkimistapa_koodi_uri", sa.String(length=128), nullable=False),
        sa.Column("alku", sa.Date(), nullable=False),
        sa.Column("loppu", sa.Date(), nullable=False),
        sa.Column("osa_aikaisuustieto", sa.Integer(), nullable=True),
        sa.Column("tyopaikan_nimi", sa.Text(), nullable=True),
        sa.Column("tyopaikan_y_tunnus", sa.String(length=16), nullable=True),
        sa.Column("ohjaaja_nimi", sa.Text(), nullable=True),
        sa.Column("ohjaaja_sahkoposti", sa.String(length=320), nullable=True),
        sa.Column("ohjaaja_puhelinnumero", sa.String(length=256), nullable=True),
        sa.ForeignKeyConstraint(
            ["hoks_id"],
            ["hoks.id"],
            name=op.f("hoks_tyopaikkajakso_hoks_id_fkey"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("hoks_tyopaikkajakso_pkey")),
        sa.UniqueConstraint("module_id", name=op.f("hoks_tyopaikkajakso_module_id_key")),
    )
    with op.batch_alter_table("hoks_tyopaikkajakso", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_hoks_tyopaikkajakso_hoks_id"), ["hoks_id"], unique=False
        )
        batch_op.create_index("ix_hoks_tyopaikkajakso_loppu", ["loppu"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_hoks_tyopaikkajakso_ohjaaja_sahkoposti"),
            ["ohjaaja_sahkoposti"],
            unique=False,
        )

    op.create_table(
        "hoks_version",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("hoks_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "document",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("valid_from", sa.DateTime(timezone=True), nullable=False),
        sa.Column("valid_to", sa.DateTime(timezone=True), nullable=False),
        sa.Column("operation", sa.String(length=32), nullable=False),
        sa.Column("changed_by", sa.String(length=128), nullable=True),
        sa.ForeignKeyConstraint(
            ["hoks_id"], ["hoks.id"], name=op.f("hoks_version_hoks_id_fkey"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("hoks_version_pkey")),
        sa.UniqueConstraint("hoks_id", "version", name=op.f("hoks_version_hoks_id_key")),
    )


def downgrade() -> None:
    op.drop_table("hoks_version")
    with op.batch_alter_table("hoks_tyopaikkajakso", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hoks_tyopaikkajakso_ohjaaja_sahkoposti"))
        batch_op.drop_index("ix_hoks_tyopaikkajakso_loppu")
        batch_op.drop_index(batch_op.f("ix_hoks_tyopaikkajakso_hoks_id"))

    op.drop_table("hoks_tyopaikkajakso")
    with op.batch_alter_table("hoks_naytto", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hoks_naytto_hoks_id"))

    op.drop_table("hoks_naytto")
    op.drop_table("service_client")
    with op.batch_alter_table("idempotency_key", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_idempotency_key_created_at"))

    op.drop_table("idempotency_key")
    with op.batch_alter_table("hoks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hoks_updated_at"))
        batch_op.drop_index(batch_op.f("ix_hoks_oppilaitos_oid"))
        batch_op.drop_index(batch_op.f("ix_hoks_oppija_oid"))

    op.drop_table("hoks")
