"""the officials' learner search at national scale: index-ordered pages and a name index

Revision ID: 0007_virkailija_search_speed
Revises: 0006_virkailija_search
Create Date: 2026-12-06 12:00:00.000000

The list of the whole country (an OPH super user on the OPH root) matches nearly every row, so
a page can no longer read all matches and sort them (``VirkailijaRepository.search_statement``):
it walks an index in the order of the chosen column and stops after the page, and the count
stops at a cap. One index per sort column (and per language for the study right's names, the
expressions the statement sorts by), and a trigram index for name search.

PostgreSQL: ``pg_trgm`` GIN index on ``lower(nimi)`` for the substring search. Where the
extension cannot be created (not installed on the server, or no right to create it), a btree
``text_pattern_ops`` index on ``lower(nimi)`` instead: it serves only terms at the start of the
name (a LIKE 'term%' search), so substring searches across the country stay slow there.
SQLite: the plain column indexes only (its lists are small; it has no trigram index).
"""

from __future__ import annotations

from alembic import op
from sqlalchemy.exc import DBAPIError

revision = "0007_virkailija_search_speed"
down_revision = "0006_virkailija_search"
branch_labels = None
depends_on = None

LANGUAGES = ("fi", "sv", "en")
# Plain column indexes, on both databases (declared in ehoks.virkailija.models too).
PLAIN = {
    "ix_hoks_haku_nimi": ["nimi", "hoks_id"],
    "ix_hoks_haku_hyvaksytty": ["ensikertainen_hyvaksyminen", "hoks_id"],
    "ix_hoks_haku_paivitetty": ["updated_at", "hoks_id"],
}
TRIGRAM = "ix_hoks_haku_nimi_trgm"
PREFIX = "ix_hoks_haku_nimi_prefix"


def _in_language(name: str, lang: str) -> str:
    """As ``virkailija.repository._in_language`` renders it: the index must be the same
    expression for the planner to walk it."""
    if lang == "fi":
        return f"coalesce({name}_fi, '')"
    return f"coalesce({name}_{lang}, {name}_fi, '')"


def _postgresql_indexes() -> dict[str, str]:
    indexes = {
        f"ix_hoks_haku_{name}_{lang}": f"({_in_language(name, lang)}, hoks_id)"
        for name in ("tutkinto", "osaamisala")
        for lang in LANGUAGES
    }
    # Descending with empty dates last: a backward scan of the ascending index would put them
    # first.
    indexes["ix_hoks_haku_hyvaksytty_desc"] = (
        "(ensikertainen_hyvaksyminen DESC NULLS LAST, hoks_id DESC)"
    )
    return indexes


def _trigram_available() -> bool:
    bind = op.get_bind()
    installed = bind.exec_driver_sql("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
    if installed.first() is not None:
        return True
    try:
        with bind.begin_nested():
            bind.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DBAPIError:  # not installed on the server, or not permitted: the prefix index
        return False
    return True


def upgrade() -> None:
    for name, columns in PLAIN.items():
        op.create_index(name, "hoks_haku", columns, unique=False)
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, expression in _postgresql_indexes().items():
        op.execute(f"CREATE INDEX {name} ON hoks_haku {expression}")
    if _trigram_available():
        op.execute(f"CREATE INDEX {TRIGRAM} ON hoks_haku USING gin (lower(nimi) gin_trgm_ops)")
    else:
        op.execute(f"CREATE INDEX {PREFIX} ON hoks_haku (lower(nimi) text_pattern_ops)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        # The extension stays: other schemas may use it, and it holds no data.
        for name in (TRIGRAM, PREFIX, *_postgresql_indexes()):
            op.execute(f"DROP INDEX IF EXISTS {name}")
    for name in reversed(PLAIN):
        op.drop_index(name, table_name="hoks_haku")
