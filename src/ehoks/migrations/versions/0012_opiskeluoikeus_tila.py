"""the study right's state in force in the study-right index

Revision ID: 0012_opiskeluoikeus_tila
Revises: 0011_hoks_jatko
Create Date: 2026-12-06 14:00:00.000000

``opiskeluoikeus.tila`` and ``opiskeluoikeus.tila_alku``: the Koski code of the latest state in
the study right's ``tila.opiskeluoikeusjaksot`` (lasna, valmistunut, eronnut, …) and the day it
began, so the officials' report of missing or ended study rights can tell a study right that
ended early from one whose estimated end has merely passed. A plain ADD COLUMN on both engines
(no table rebuild on SQLite). Existing rows get NULL: they are filled on the next index refresh
from Koski, and until then the report falls back to the estimated end date for them.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_opiskeluoikeus_tila"
down_revision = "0011_hoks_jatko"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("opiskeluoikeus", sa.Column("tila", sa.String(length=64), nullable=True))
    op.add_column("opiskeluoikeus", sa.Column("tila_alku", sa.Date(), nullable=True))


def downgrade() -> None:
    # A plain DROP COLUMN (SQLite 3.35+): a batch rebuild of the table would break the
    # officials' search triggers that read it.
    op.drop_column("opiskeluoikeus", "tila_alku")
    op.drop_column("opiskeluoikeus", "tila")
