"""identities, sessions, audit, shares and consents

Revision ID: 0005_access
Revises: 0004_koodisto_eperusteet
Create Date: 2026-11-28 13:22:26.575827
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0005_access"
down_revision = "0004_koodisto_eperusteet"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_event",
        sa.Column("seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("request_id", sa.String(length=64), nullable=True),
        sa.Column("actor_kind", sa.String(length=32), nullable=False),
        sa.Column("actor_id", sa.String(length=320), nullable=False),
        sa.Column("actor_role", sa.String(length=64), nullable=True),
        sa.Column("legal_basis", sa.String(length=32), nullable=True),
        sa.Column("basis_ref", sa.String(length=64), nullable=True),
        sa.Column("oppija_oid", sa.String(length=64), nullable=True),
        sa.Column("hoks_id", sa.Integer(), nullable=True),
        sa.Column("part", sa.String(length=64), nullable=True),
        sa.Column("operation", sa.String(length=32), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column(
            "details",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "changes",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("audit_event_pkey")),
        sa.UniqueConstraint("hash", name=op.f("audit_event_hash_key")),
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_event_hoks_id"), ["hoks_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_audit_event_occurred_at"), ["occurred_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_audit_event_oppija_oid"), ["oppija_oid"], unique=False)

    op.create_table(
        "email_challenge",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("sahkoposti", sa.String(length=320), nullable=False),
        sa.Column("purpose", sa.String(length=32), nullable=False),
        sa.Column("target", sa.String(length=64), nullable=True),
        sa.Column("code_hash", sa.String(length=128), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("link_expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("code_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("email_challenge_pkey")),
    )
    with op.batch_alter_table("email_challenge", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_email_challenge_link_expires_at"), ["link_expires_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_email_challenge_sahkoposti"), ["sahkoposti"], unique=False
        )

    op.create_table(
        "login_attempt",
        sa.Column("state", sa.String(length=128), nullable=False),
        sa.Column("provider", sa.String(length=32), nullable=False),
        sa.Column("nonce", sa.String(length=128), nullable=False),
        sa.Column("code_verifier", sa.String(length=128), nullable=False),
        sa.Column("return_to", sa.String(length=1024), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("state", name=op.f("login_attempt_pkey")),
    )
    with op.batch_alter_table("login_attempt", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_login_attempt_created_at"), ["created_at"], unique=False
        )

    op.create_table(
        "user_session",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("actor_kind", sa.String(length=32), nullable=False),
        sa.Column("subject", sa.String(length=320), nullable=False),
        sa.Column(
            "actor",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("login_ref", sa.String(length=512), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("user_session_pkey")),
    )
    with op.batch_alter_table("user_session", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_user_session_expires_at"), ["expires_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_user_session_login_ref"), ["login_ref"], unique=False)
        batch_op.create_index(batch_op.f("ix_user_session_subject"), ["subject"], unique=False)

    op.create_table(
        "arvioija_yhteystieto",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("hoks_id", sa.Integer(), nullable=False),
        sa.Column("naytto_module_id", sa.String(length=36), nullable=False),
        sa.Column("nimi", sa.String(length=200), nullable=False),
        sa.Column("sahkoposti", sa.String(length=320), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=128), nullable=True),
        sa.ForeignKeyConstraint(
            ["hoks_id"],
            ["hoks.id"],
            name=op.f("arvioija_yhteystieto_hoks_id_fkey"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("arvioija_yhteystieto_pkey")),
    )
    with op.batch_alter_table("arvioija_yhteystieto", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_arvioija_yhteystieto_hoks_id"), ["hoks_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_arvioija_yhteystieto_naytto_module_id"),
            ["naytto_module_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_arvioija_yhteystieto_sahkoposti"), ["sahkoposti"], unique=False
        )

    op.create_table(
        "jako",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("laji", sa.String(length=16), nullable=False),
        sa.Column("hoks_id", sa.Integer(), nullable=False),
        sa.Column("oppija_oid", sa.String(length=64), nullable=False),
        sa.Column(
            "module_ids",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("kohde_tyyppi", sa.String(length=32), nullable=True),
        sa.Column("vastaanottaja_nimi", sa.String(length=200), nullable=False),
        sa.Column("vastaanottaja_sahkoposti", sa.String(length=320), nullable=False),
        sa.Column("vastaanottaja_organisaatio", sa.String(length=200), nullable=True),
        sa.Column("tarkoitus", sa.Text(), nullable=True),
        sa.Column("voimassaolo_alku", sa.Date(), nullable=False),
        sa.Column("voimassaolo_loppu", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "details",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.ForeignKeyConstraint(
            ["hoks_id"], ["hoks.id"], name=op.f("jako_hoks_id_fkey"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("jako_pkey")),
    )
    with op.batch_alter_table("jako", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_jako_hoks_id"), ["hoks_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_jako_oppija_oid"), ["oppija_oid"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_jako_vastaanottaja_sahkoposti"),
            ["vastaanottaja_sahkoposti"],
            unique=False,
        )

    if op.get_bind().dialect.name == "postgresql":
        # The audit chain is append-only: refuse UPDATE and DELETE on its rows. (The table's
        # owner can still disable the trigger; the hash chain then shows what was changed.)
        # TRUNCATE is no row operation and stays possible (the tests empty tables with it).
        # SQLite has no such guard: there the hash chain is what detects a change.
        op.execute(
            """
            CREATE FUNCTION audit_event_append_only() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'audit_event is append-only';
            END;
            $$
            """
        )
        op.execute(
            "CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event "
            "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_event_append_only ON audit_event")
        op.execute("DROP FUNCTION IF EXISTS audit_event_append_only()")

    with op.batch_alter_table("jako", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_jako_vastaanottaja_sahkoposti"))
        batch_op.drop_index(batch_op.f("ix_jako_oppija_oid"))
        batch_op.drop_index(batch_op.f("ix_jako_hoks_id"))

    op.drop_table("jako")
    with op.batch_alter_table("arvioija_yhteystieto", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_arvioija_yhteystieto_sahkoposti"))
        batch_op.drop_index(batch_op.f("ix_arvioija_yhteystieto_naytto_module_id"))
        batch_op.drop_index(batch_op.f("ix_arvioija_yhteystieto_hoks_id"))

    op.drop_table("arvioija_yhteystieto")
    with op.batch_alter_table("user_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_session_subject"))
        batch_op.drop_index(batch_op.f("ix_user_session_login_ref"))
        batch_op.drop_index(batch_op.f("ix_user_session_expires_at"))

    op.drop_table("user_session")
    with op.batch_alter_table("login_attempt", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_login_attempt_created_at"))

    op.drop_table("login_attempt")
    with op.batch_alter_table("email_challenge", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_email_challenge_sahkoposti"))
        batch_op.drop_index(batch_op.f("ix_email_challenge_link_expires_at"))

    op.drop_table("email_challenge")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_event_oppija_oid"))
        batch_op.drop_index(batch_op.f("ix_audit_event_occurred_at"))
        batch_op.drop_index(batch_op.f("ix_audit_event_hoks_id"))

    op.drop_table("audit_event")
