"""the officials' learner search over the whole country: deleted HOKSes, names in any language
and the learner's number of HOKSes

Revision ID: 0008_virkailija_search_national
Revises: 0007_virkailija_search_speed
Create Date: 2026-12-06 13:00:00.000000

Three shapes of the national list (an OPH super user on the OPH root) still read every match
after migration 0007 (docs/performance.md, "Fourth round"):

* deleted HOKSes: a partial index of the deleted rows in name order, on both databases, so
  the list and its count read only those (a few per thousand);
* qualification and competence-area terms: one trigram index per name kind over the name in
  every language (PostgreSQL; the search matches a term in any of the languages), where 0007
  had only the per-language sort indexes, which a substring cannot use;
* the sort by the learner's number of HOKSes: a window over every match by definition. The
  learner's number of listable HOKSes (not deleted, with an institution) is kept in
  ``oppijan_hoks_lkm`` by triggers on ``hoks_haku`` itself, with an index to walk; over the
  whole country with no filter it is exactly that window's value.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_virkailija_search_national"
down_revision = "0007_virkailija_search_speed"
branch_labels = None
depends_on = None

DELETED = "ix_hoks_haku_poistetut"
# The listable rows in name order, on PostgreSQL with the columns the national list filters
# on, so that a page and its count read this index only (no row visits).
LISTABLE = "ix_hoks_haku_listattavat"
LISTABLE_INCLUDE = ["oppilaitos_oid", "osaamisen_saavuttamisen_pvm", "arvioitu_paattymispaiva"]
COUNT = "ix_hoks_haku_oppijan_hoks_lkm"
NAME_KINDS = ("tutkinto", "osaamisala")
# The trigram indexes over a name kind in all its languages (PostgreSQL with pg_trgm only).
TRIGRAMS = {kind: f"ix_hoks_haku_{kind}_trgm" for kind in NAME_KINDS}


def all_languages(kind: str) -> str:
    """As ``virkailija.repository._all_languages`` renders it (the index's expression)."""
    return (
        f"lower(coalesce({kind}_fi, '') || ' / ' || coalesce({kind}_sv, '')"
        f" || ' / ' || coalesce({kind}_en, ''))"
    )


RECOUNT = (
    "UPDATE hoks_haku SET oppijan_hoks_lkm = ("
    " SELECT count(*) FROM hoks_haku c WHERE c.oppija_oid = {oid}"
    " AND c.deleted_at IS NULL AND c.oppilaitos_oid IS NOT NULL)"
    " WHERE oppija_oid = {oid}"
)
CHANGED = (
    "OLD.oppija_oid {ne} NEW.oppija_oid OR OLD.deleted_at {ne} NEW.deleted_at"
    " OR OLD.oppilaitos_oid {ne} NEW.oppilaitos_oid"
)


def _postgresql_triggers() -> list[str]:
    return [
        f"""CREATE FUNCTION hoks_haku_lkm() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN {RECOUNT.format(oid="OLD.oppija_oid")}; END IF;
  IF TG_OP <> 'DELETE' THEN {RECOUNT.format(oid="NEW.oppija_oid")}; END IF;
  RETURN NULL;
END $$""",
        # Only the recount's own column changes in its UPDATE: it fires none of these again.
        "CREATE TRIGGER hoks_haku_lkm_insert AFTER INSERT ON hoks_haku"
        " FOR EACH ROW EXECUTE FUNCTION hoks_haku_lkm()",
        "CREATE TRIGGER hoks_haku_lkm_update"
        " AFTER UPDATE OF oppija_oid, deleted_at, oppilaitos_oid ON hoks_haku FOR EACH ROW"
        f" WHEN ({CHANGED.format(ne='IS DISTINCT FROM')}) EXECUTE FUNCTION hoks_haku_lkm()",
        "CREATE TRIGGER hoks_haku_lkm_delete AFTER DELETE ON hoks_haku"
        " FOR EACH ROW EXECUTE FUNCTION hoks_haku_lkm()",
    ]


def _sqlite_triggers() -> list[str]:
    new, old = RECOUNT.format(oid="NEW.oppija_oid"), RECOUNT.format(oid="OLD.oppija_oid")
    return [
        f"CREATE TRIGGER hoks_haku_lkm_insert AFTER INSERT ON hoks_haku BEGIN {new}; END",
        "CREATE TRIGGER hoks_haku_lkm_update"
        " AFTER UPDATE OF oppija_oid, deleted_at, oppilaitos_oid ON hoks_haku"
        f" WHEN {CHANGED.format(ne='IS NOT')} BEGIN {old}; {new}; END",
        f"CREATE TRIGGER hoks_haku_lkm_delete AFTER DELETE ON hoks_haku BEGIN {old}; END",
    ]


TRIGGERS = ("hoks_haku_lkm_insert", "hoks_haku_lkm_update", "hoks_haku_lkm_delete")


def _trigram_installed() -> bool:
    # Migration 0007 created the extension where it could.
    found = op.get_bind().exec_driver_sql("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
    return found.first() is not None


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    # A plain ADD COLUMN on both (no table rebuild on SQLite).
    op.add_column(
        "hoks_haku",
        sa.Column("oppijan_hoks_lkm", sa.Integer(), nullable=False, server_default="0"),
    )
    op.execute(
        "UPDATE hoks_haku SET oppijan_hoks_lkm = (SELECT count(*) FROM hoks_haku c"
        " WHERE c.oppija_oid = hoks_haku.oppija_oid AND c.deleted_at IS NULL"
        " AND c.oppilaitos_oid IS NOT NULL)"
    )
    if dialect == "postgresql":
        # The backfill wrote a new version of every row, and every index holds both: rebuilt,
        # the indexes are their own size again (the table is locked by the UPDATE already).
        op.execute("REINDEX TABLE hoks_haku")
    op.create_index(COUNT, "hoks_haku", ["oppijan_hoks_lkm", "hoks_id"], unique=False)
    op.create_index(
        DELETED,
        "hoks_haku",
        ["nimi", "hoks_id"],
        unique=False,
        postgresql_where=sa.text("deleted_at IS NOT NULL"),
        sqlite_where=sa.text("deleted_at IS NOT NULL"),
        # The list's columns, so that the deleted list and its count read the index only.
        postgresql_include=["oppilaitos_oid", "oppija_oid"],
    )
    for statement in _postgresql_triggers() if dialect == "postgresql" else _sqlite_triggers():
        op.execute(statement)
    op.create_index(
        LISTABLE,
        "hoks_haku",
        ["nimi", "hoks_id"],
        unique=False,
        postgresql_where=sa.text("deleted_at IS NULL"),
        sqlite_where=sa.text("deleted_at IS NULL"),
        postgresql_include=LISTABLE_INCLUDE,
    )
    if dialect == "postgresql" and _trigram_installed():
        for kind, name in TRIGRAMS.items():
            op.execute(
                f"CREATE INDEX {name} ON hoks_haku USING gin ({all_languages(kind)} gin_trgm_ops)"
            )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        for name in TRIGRAMS.values():
            op.execute(f"DROP INDEX IF EXISTS {name}")
        for trigger in TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {trigger} ON hoks_haku")
        op.execute("DROP FUNCTION IF EXISTS hoks_haku_lkm()")
    else:
        for trigger in TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.drop_index(LISTABLE, table_name="hoks_haku")
    op.drop_index(DELETED, table_name="hoks_haku")
    op.drop_index(COUNT, table_name="hoks_haku")
    with op.batch_alter_table("hoks_haku", schema=None) as batch_op:
        batch_op.drop_column("oppijan_hoks_lkm")
