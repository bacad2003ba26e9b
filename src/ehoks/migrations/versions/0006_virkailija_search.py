"""the officials' learner search: the hoks_haku projection and the triggers that keep it

Revision ID: 0006_virkailija_search
Revises: 0005_access
Create Date: 2026-12-06 10:30:00.000000

One row per HOKS with the learner's name and the study right's names copied in, so that a page
of the student list is one read of one narrow table (``ehoks.virkailija.models``). Triggers on
``hoks``, ``oppija`` and ``opiskeluoikeus`` keep the copy current in the writing transaction,
whoever writes; the rows are deleted with their HOKS by the foreign key.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_virkailija_search"
down_revision = "0005_access"
branch_labels = None
depends_on = None

LANGUAGES = ("fi", "sv", "en")
COVERED = (
    "deleted_at",
    "oppija_oid",
    "osaamisen_saavuttamisen_pvm",
    "arvioitu_paattymispaiva",
    "ensikertainen_hyvaksyminen",
    "updated_at",
    "tutkinto_fi",
    "tutkinto_sv",
    "tutkinto_en",
    "osaamisala_fi",
    "osaamisala_sv",
    "osaamisala_en",
)
NAMES = ("tutkinto", "osaamisala")
COLUMNS = (
    "hoks_id, oppija_oid, opiskeluoikeus_oid, oppilaitos_oid, ensikertainen_hyvaksyminen,"
    " osaamisen_saavuttamisen_pvm, updated_at, deleted_at, nimi, "
    + ", ".join(f"{name}_{lang}" for name in NAMES for lang in LANGUAGES)
    + ", arvioitu_paattymispaiva"
)


def _json(dialect: str, column: str, key: str) -> str:
    if dialect == "postgresql":
        return f"{column} ->> '{key}'"
    return f"json_extract({column}, '$.{key}')"


def _names(dialect: str, source: str) -> str:
    """The study right's names by language, in COLUMNS' order."""
    return ", ".join(
        _json(dialect, f"{source}.{name}_nimi", lang) for name in NAMES for lang in LANGUAGES
    )


def _select_for(dialect: str, h: str) -> str:
    """The projection row of HOKS ``h`` (a table alias or ``NEW``)."""
    return (
        f"SELECT {h}.id, {h}.oppija_oid, {h}.opiskeluoikeus_oid, {h}.oppilaitos_oid,"
        f" {h}.ensikertainen_hyvaksyminen, {h}.osaamisen_saavuttamisen_pvm, {h}.updated_at,"
        f" {h}.deleted_at,"
        f" coalesce((SELECT o.nimi FROM oppija o WHERE o.oid = {h}.oppija_oid), ''),"
        f" {_names(dialect, 'oo')}, oo.arvioitu_paattymispaiva"
    )


def _upsert_for(dialect: str) -> str:
    updates = ", ".join(
        f"{c.strip()} = excluded.{c.strip()}" for c in COLUMNS.split(",")[1:] if c.strip()
    )
    return (
        f"INSERT INTO hoks_haku ({COLUMNS}) {_select_for(dialect, 'NEW')}"
        " FROM (SELECT 1 AS one) AS one"
        " LEFT JOIN opiskeluoikeus oo ON oo.oid = NEW.opiskeluoikeus_oid"
        # SQLite needs a WHERE before ON CONFLICT in INSERT … SELECT (parsing ambiguity).
        " WHERE true"
        f" ON CONFLICT (hoks_id) DO UPDATE SET {updates}"
    )


def _set_names(dialect: str, source: str) -> str:
    return (
        ", ".join(
            f"{name}_{lang} = {_json(dialect, f'{source}.{name}_nimi', lang)}"
            for name in NAMES
            for lang in LANGUAGES
        )
        + f", arvioitu_paattymispaiva = {source}.arvioitu_paattymispaiva"
    )


def _clear_names() -> str:
    return (
        ", ".join(f"{name}_{lang} = NULL" for name in NAMES for lang in LANGUAGES)
        + ", arvioitu_paattymispaiva = NULL"
    )


CHANGED_NAMES = (
    "OLD.tutkinto_nimi {ne} NEW.tutkinto_nimi OR OLD.osaamisala_nimi {ne} NEW.osaamisala_nimi"
    " OR OLD.arvioitu_paattymispaiva {ne} NEW.arvioitu_paattymispaiva OR OLD.oid {ne} NEW.oid"
)


def _postgresql_triggers() -> list[str]:
    d = "postgresql"
    ne = "IS DISTINCT FROM"
    return [
        f"""CREATE FUNCTION hoks_haku_from_hoks() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  {_upsert_for(d)};
  RETURN NULL;
END $$""",
        "CREATE TRIGGER hoks_haku_hoks AFTER INSERT OR UPDATE ON hoks"
        " FOR EACH ROW EXECUTE FUNCTION hoks_haku_from_hoks()",
        """CREATE FUNCTION hoks_haku_from_oppija() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND OLD.oid <> NEW.oid) THEN
    UPDATE hoks_haku SET nimi = '' WHERE oppija_oid = OLD.oid;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    UPDATE hoks_haku SET nimi = NEW.nimi WHERE oppija_oid = NEW.oid;
  END IF;
  RETURN NULL;
END $$""",
        "CREATE TRIGGER hoks_haku_oppija_insert AFTER INSERT ON oppija"
        " FOR EACH ROW EXECUTE FUNCTION hoks_haku_from_oppija()",
        "CREATE TRIGGER hoks_haku_oppija_update AFTER UPDATE ON oppija FOR EACH ROW"
        f" WHEN (OLD.nimi {ne} NEW.nimi OR OLD.oid {ne} NEW.oid)"
        " EXECUTE FUNCTION hoks_haku_from_oppija()",
        "CREATE TRIGGER hoks_haku_oppija_delete AFTER DELETE ON oppija"
        " FOR EACH ROW EXECUTE FUNCTION hoks_haku_from_oppija()",
        f"""CREATE FUNCTION hoks_haku_from_opiskeluoikeus() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND OLD.oid <> NEW.oid) THEN
    UPDATE hoks_haku SET {_clear_names()} WHERE opiskeluoikeus_oid = OLD.oid;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    UPDATE hoks_haku SET {_set_names(d, "NEW")} WHERE opiskeluoikeus_oid = NEW.oid;
  END IF;
  RETURN NULL;
END $$""",
        "CREATE TRIGGER hoks_haku_opiskeluoikeus_insert AFTER INSERT ON opiskeluoikeus"
        " FOR EACH ROW EXECUTE FUNCTION hoks_haku_from_opiskeluoikeus()",
        "CREATE TRIGGER hoks_haku_opiskeluoikeus_update AFTER UPDATE ON opiskeluoikeus"
        f" FOR EACH ROW WHEN ({CHANGED_NAMES.format(ne=ne)})"
        " EXECUTE FUNCTION hoks_haku_from_opiskeluoikeus()",
        "CREATE TRIGGER hoks_haku_opiskeluoikeus_delete AFTER DELETE ON opiskeluoikeus"
        " FOR EACH ROW EXECUTE FUNCTION hoks_haku_from_opiskeluoikeus()",
    ]


def _sqlite_triggers() -> list[str]:
    d = "sqlite"
    ne = "IS NOT"
    upsert = _upsert_for(d)
    return [
        f"CREATE TRIGGER hoks_haku_hoks_insert AFTER INSERT ON hoks BEGIN {upsert}; END",
        f"CREATE TRIGGER hoks_haku_hoks_update AFTER UPDATE ON hoks BEGIN {upsert}; END",
        "CREATE TRIGGER hoks_haku_oppija_insert AFTER INSERT ON oppija BEGIN"
        " UPDATE hoks_haku SET nimi = NEW.nimi WHERE oppija_oid = NEW.oid; END",
        "CREATE TRIGGER hoks_haku_oppija_update AFTER UPDATE ON oppija"
        f" WHEN OLD.nimi {ne} NEW.nimi OR OLD.oid {ne} NEW.oid BEGIN"
        " UPDATE hoks_haku SET nimi = '' WHERE oppija_oid = OLD.oid AND OLD.oid IS NOT NEW.oid;"
        " UPDATE hoks_haku SET nimi = NEW.nimi WHERE oppija_oid = NEW.oid; END",
        "CREATE TRIGGER hoks_haku_oppija_delete AFTER DELETE ON oppija BEGIN"
        " UPDATE hoks_haku SET nimi = '' WHERE oppija_oid = OLD.oid; END",
        "CREATE TRIGGER hoks_haku_opiskeluoikeus_insert AFTER INSERT ON opiskeluoikeus BEGIN"
        f" UPDATE hoks_haku SET {_set_names(d, 'NEW')} WHERE opiskeluoikeus_oid = NEW.oid; END",
        "CREATE TRIGGER hoks_haku_opiskeluoikeus_update AFTER UPDATE ON opiskeluoikeus"
        f" WHEN {CHANGED_NAMES.format(ne=ne)} BEGIN"
        f" UPDATE hoks_haku SET {_clear_names()}"
        " WHERE opiskeluoikeus_oid = OLD.oid AND OLD.oid IS NOT NEW.oid;"
        f" UPDATE hoks_haku SET {_set_names(d, 'NEW')} WHERE opiskeluoikeus_oid = NEW.oid; END",
        "CREATE TRIGGER hoks_haku_opiskeluoikeus_delete AFTER DELETE ON opiskeluoikeus BEGIN"
        f" UPDATE hoks_haku SET {_clear_names()} WHERE opiskeluoikeus_oid = OLD.oid; END",
    ]


TRIGGERS = {
    "postgresql": (
        ("hoks_haku_hoks", "hoks"),
        ("hoks_haku_oppija_insert", "oppija"),
        ("hoks_haku_oppija_update", "oppija"),
        ("hoks_haku_oppija_delete", "oppija"),
        ("hoks_haku_opiskeluoikeus_insert", "opiskeluoikeus"),
        ("hoks_haku_opiskeluoikeus_update", "opiskeluoikeus"),
        ("hoks_haku_opiskeluoikeus_delete", "opiskeluoikeus"),
    ),
    "sqlite": (
        ("hoks_haku_hoks_insert", "hoks"),
        ("hoks_haku_hoks_update", "hoks"),
        ("hoks_haku_oppija_insert", "oppija"),
        ("hoks_haku_oppija_update", "oppija"),
        ("hoks_haku_oppija_delete", "oppija"),
        ("hoks_haku_opiskeluoikeus_insert", "opiskeluoikeus"),
        ("hoks_haku_opiskeluoikeus_update", "opiskeluoikeus"),
        ("hoks_haku_opiskeluoikeus_delete", "opiskeluoikeus"),
    ),
}
FUNCTIONS = ("hoks_haku_from_hoks", "hoks_haku_from_oppija", "hoks_haku_from_opiskeluoikeus")


def upgrade() -> None:
    op.create_table(
        "hoks_haku",
        sa.Column("hoks_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("oppija_oid", sa.String(length=64), nullable=False),
        sa.Column("opiskeluoikeus_oid", sa.String(length=64), nullable=False),
        sa.Column("oppilaitos_oid", sa.String(length=64), nullable=True),
        sa.Column("ensikertainen_hyvaksyminen", sa.Date(), nullable=True),
        sa.Column("osaamisen_saavuttamisen_pvm", sa.Date(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("nimi", sa.Text(), nullable=False),
        *(sa.Column(f"{n}_{lang}", sa.Text(), nullable=True) for n in NAMES for lang in LANGUAGES),
        sa.Column("arvioitu_paattymispaiva", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["hoks_id"], ["hoks.id"], name=op.f("hoks_haku_hoks_id_fkey"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("hoks_id", name=op.f("hoks_haku_pkey")),
    )
    with op.batch_alter_table("hoks_haku", schema=None) as batch_op:
        batch_op.create_index(
            "ix_hoks_haku_oppilaitos_nimi",
            ["oppilaitos_oid", "nimi", "hoks_id"],
            unique=False,
            # An index-only scan of one institution's rows (see ehoks.virkailija.models).
            postgresql_include=list(COVERED),
        )
        batch_op.create_index(batch_op.f("ix_hoks_haku_oppija_oid"), ["oppija_oid"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_hoks_haku_opiskeluoikeus_oid"), ["opiskeluoikeus_oid"], unique=False
        )
    dialect = op.get_bind().dialect.name
    op.execute(
        f"INSERT INTO hoks_haku ({COLUMNS}) {_select_for(dialect, 'h')}"
        " FROM hoks h LEFT JOIN opiskeluoikeus oo ON oo.oid = h.opiskeluoikeus_oid"
    )
    for statement in _postgresql_triggers() if dialect == "postgresql" else _sqlite_triggers():
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for name, table in TRIGGERS["postgresql" if dialect == "postgresql" else "sqlite"]:
        if dialect == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    if dialect == "postgresql":
        for function in FUNCTIONS:
            op.execute(f"DROP FUNCTION IF EXISTS {function}()")
    with op.batch_alter_table("hoks_haku", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hoks_haku_opiskeluoikeus_oid"))
        batch_op.drop_index(batch_op.f("ix_hoks_haku_oppija_oid"))
        batch_op.drop_index("ix_hoks_haku_oppilaitos_nimi")
    op.drop_table("hoks_haku")
