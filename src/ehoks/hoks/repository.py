"""Every query on the HOKS tables."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple, NoReturn, cast

from sqlalchemy import Table, delete, insert, select, text
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ehoks.hoks import create_repository
from ehoks.hoks.errors import ArchivedHoksExists, HoksAlreadyExists
from ehoks.hoks.models import (
    Hoks,
    HoksNaytto,
    HoksTyopaikkajakso,
    HoksVersion,
    IdempotencyKey,
)
from ehoks.hoks.projections import naytto_rows, tyopaikkajakso_rows
from ehoks.hoks.schemas import is_read_shaped
from ehoks.oppijaindex.service import IndexRows

_HOKS = cast(Table, Hoks.__table__)
_TYOPAIKKAJAKSO = cast(Table, HoksTyopaikkajakso.__table__)
_NAYTTO = cast(Table, HoksNaytto.__table__)
# Each projection table and its rows of a document (``hoks.projections``).
_PROJECTIONS = ((_TYOPAIKKAJAKSO, tyopaikkajakso_rows), (_NAYTTO, naytto_rows))


class WriteKeys(NamedTuple):
    oppija_oid: str
    opiskeluoikeus_oid: str
    oppilaitos_oid: str | None


_INSERTED = create_repository.HOKS_COLUMNS


def _insert_for(session: Session) -> Any:
    """The dialect's INSERT, which knows ON CONFLICT (both engines do)."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql_insert
    return sqlite_insert


class HoksRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(
        self, hoks_id: int, *, for_update: bool = False, include_deleted: bool = False
    ) -> Hoks | None:
        statement = select(Hoks).where(Hoks.id == hoks_id)
        if not include_deleted:
            statement = statement.where(Hoks.deleted_at.is_(None))
        if for_update:
            # Serialises writers of one HOKS on PostgreSQL; SQLite writers already hold the
            # database write lock (BEGIN IMMEDIATE).
            statement = statement.with_for_update()
        return self.session.scalars(statement).first()

    def write_keys(self, hoks_id: int) -> WriteKeys | None:
        """What a write's prepare phase asks the registries about — the learner, the study
        right, the oppilaitos — of a HOKS, deleted or not, without loading its document."""
        row = self.session.execute(
            select(Hoks.oppija_oid, Hoks.opiskeluoikeus_oid, Hoks.oppilaitos_oid).where(
                Hoks.id == hoks_id
            )
        ).first()
        return None if row is None else WriteKeys(*row)

    def id_by_eid(self, eid: str) -> int | None:
        """The id of the HOKS with this external id (the students' addresses use it), unless
        it is deleted."""
        found: int | None = self.session.scalars(
            select(Hoks.id).where(Hoks.eid == eid, Hoks.deleted_at.is_(None))
        ).first()
        return found

    def get_by_opiskeluoikeus(self, opiskeluoikeus_oid: str) -> Hoks | None:
        """The HOKS of a study right, soft-deleted included (one per study right)."""
        return self.session.scalars(
            select(Hoks).where(Hoks.opiskeluoikeus_oid == opiskeluoikeus_oid)
        ).first()

    def add(self, hoks: Hoks) -> Hoks:
        """Insert a new HOKS with its projections. One statement in the usual case: ``INSERT …
        ON CONFLICT (opiskeluoikeus_oid) DO NOTHING RETURNING id``; only when the study right
        already has a HOKS is it read, to give the original's error (archived or not). A
        concurrent create for the same study right waits for the first one's commit on the
        unique index and then finds its row the same way.

        Core, not the ORM unit of work: the row is written as given and ``hoks`` (not added to
        the session) gets its id; the caller uses it only for ids and the audit event."""
        hoks.read_shaped = is_read_shaped(hoks.document)
        values = {key: getattr(hoks, key) for key in _INSERTED}
        try:
            new_id = self.session.execute(
                _insert_for(self.session)(_HOKS)
                .values(**values)
                .on_conflict_do_nothing(index_elements=["opiskeluoikeus_oid"])
                .returning(_HOKS.c.id)
            ).scalar()
        except IntegrityError as exc:  # another unique key (eid): a lost race all the same
            raise HoksAlreadyExists() from exc
        if new_id is None:
            self._refuse_existing(hoks.opiskeluoikeus_oid)
        hoks.id = int(new_id)
        self._insert_projections(hoks.id, hoks.document)
        return hoks

    def add_with_index(self, hoks: Hoks, index: IndexRows) -> Hoks:
        """``add`` and the index rows' upserts (``oppijaindex.service.store``) as one statement
        (PostgreSQL only, ``create_repository``), with ``add``'s answers: when the study right
        already has a HOKS nothing is written and the same error is raised; a unique key of the
        HOKS row itself (its eid) is a lost race all the same."""
        hoks.read_shaped = is_read_shaped(hoks.document)
        values = {key: getattr(hoks, key) for key in _INSERTED}
        try:
            new_id = create_repository.insert(self.session, values, index)
        except IntegrityError as exc:
            # A unique key of a projection or index row is no lost race: it surfaces as is,
            # as it does from ``add``'s separate statements.
            if getattr(getattr(exc.orig, "diag", None), "table_name", None) == _HOKS.name:
                raise HoksAlreadyExists() from exc
            raise
        if new_id is None:
            self._refuse_existing(hoks.opiskeluoikeus_oid)
        hoks.id = new_id
        return hoks

    def _refuse_existing(self, opiskeluoikeus_oid: str) -> NoReturn:
        """The original's error for a study right that already has a HOKS (archived or not)."""
        existing = self.get_by_opiskeluoikeus(opiskeluoikeus_oid)
        raise ArchivedHoksExists() if existing and existing.deleted_at else HoksAlreadyExists()

    def replace_document(
        self,
        hoks: Hoks,
        document: dict[str, Any],
        *,
        operation: str,
        changed_by: str,
        now: datetime,
        columns: dict[str, Any] | None = None,
    ) -> None:
        """Store a new document version: the previous one goes to the history table, the
        projections that changed are rewritten, all in the caller's transaction."""
        previous = hoks.document
        self.append_history(hoks, operation=operation, changed_by=changed_by, now=now)
        hoks.document = document
        hoks.read_shaped = is_read_shaped(document)
        for name, value in (columns or {}).items():
            setattr(hoks, name, value)
        hoks.version += 1
        hoks.updated_at = now
        hoks.updated_by = changed_by
        self.session.flush()
        # A projection table holds exactly its rows of the stored document (every write of a
        # document comes here or through the create; migrations never changed their shape),
        # so rows computed from the previous document are the rows stored. A table whose rows
        # did not change is left alone: a PATCH of top-level fields, or a part write elsewhere
        # in the plan, saves a DELETE and an INSERT per table.
        for table, rows_of in _PROJECTIONS:
            rows = rows_of(hoks.id, document)
            if rows != rows_of(hoks.id, previous):
                self.session.execute(delete(table).where(table.c.hoks_id == hoks.id))
                self._insert_rows(table, rows)

    def append_history(self, hoks: Hoks, *, operation: str, changed_by: str, now: datetime) -> None:
        self.session.add(
            HoksVersion(
                hoks_id=hoks.id,
                version=hoks.version,
                document=hoks.document,
                deleted_at=hoks.deleted_at,
                valid_from=hoks.updated_at,
                valid_to=now,
                operation=operation,
                changed_by=changed_by,
            )
        )

    def set_deleted(
        self, hoks: Hoks, deleted_at: datetime | None, *, changed_by: str, now: datetime
    ) -> None:
        self.append_history(
            hoks, operation="delete" if deleted_at else "undelete", changed_by=changed_by, now=now
        )
        hoks.deleted_at = deleted_at
        hoks.version += 1
        hoks.updated_at = now
        hoks.updated_by = changed_by
        self.session.flush()

    def hard_delete(self, hoks: Hoks) -> None:
        # Children go by ON DELETE CASCADE; explicit deletes keep SQLite without FK support safe.
        for model in (HoksTyopaikkajakso, HoksNaytto, HoksVersion):
            self.session.execute(delete(model).where(model.hoks_id == hoks.id))
        self.session.execute(delete(Hoks).where(Hoks.id == hoks.id))

    def versions(self, hoks_id: int) -> Sequence[HoksVersion]:
        return self.session.scalars(
            select(HoksVersion).where(HoksVersion.hoks_id == hoks_id).order_by(HoksVersion.version)
        ).all()

    def version(self, hoks_id: int, version: int) -> HoksVersion | None:
        return self.session.scalars(
            select(HoksVersion).where(
                HoksVersion.hoks_id == hoks_id, HoksVersion.version == version
            )
        ).first()

    def page(self, *, from_id: int, amount: int, updated_after: datetime | None) -> Sequence[Hoks]:
        """HOKSes with id > from_id in id order, soft-deleted included (the Vipunen feed)."""
        statement = select(Hoks).where(Hoks.id > from_id)
        if updated_after is not None:
            statement = statement.where(Hoks.updated_at > updated_after)
        return self.session.scalars(statement.order_by(Hoks.id).limit(amount)).all()

    def list_by_oppija(self, oppija_oid: str, *, for_update: bool = False) -> Sequence[Hoks]:
        statement = (
            select(Hoks)
            .where(Hoks.oppija_oid == oppija_oid, Hoks.deleted_at.is_(None))
            .order_by(Hoks.id)
        )
        if for_update:
            statement = statement.with_for_update()
        return self.session.scalars(statement).all()

    def oppijat_and_opiskeluoikeudet(self, oppija_oid: str | None = None) -> list[tuple[str, str]]:
        """(learner, study right) of every non-deleted HOKS, or of one learner's."""
        statement = select(Hoks.oppija_oid, Hoks.opiskeluoikeus_oid).where(
            Hoks.deleted_at.is_(None)
        )
        if oppija_oid is not None:
            statement = statement.where(Hoks.oppija_oid == oppija_oid)
        return [(row[0], row[1]) for row in self.session.execute(statement.order_by(Hoks.id))]

    def _insert_projections(self, hoks_id: int, document: dict[str, Any]) -> None:
        for table, rows_of in _PROJECTIONS:
            self._insert_rows(table, rows_of(hoks_id, document))

    def _insert_rows(self, table: Table, rows: list[dict[str, Any]]) -> None:
        # Into the table, not the mapped class: plain Core executemany, without the ORM's
        # bulk-insert machinery (nothing here needs an ORM object back).
        if rows:
            self.session.execute(insert(table), rows)

    # Idempotency keys of POST /hoks

    def lock_idempotency_key(self, client_id: str, key: str) -> None:
        """Make concurrent requests with one key wait for each other (PostgreSQL advisory lock,
        released at commit). SQLite writers are already serialised."""
        if self.session.get_bind().dialect.name == "postgresql":
            self.session.execute(
                text("SELECT pg_advisory_xact_lock(hashtextextended(:k, 0))"),
                {"k": f"{client_id}/{key}"},
            )

    def get_idempotency_key(self, client_id: str, key: str) -> IdempotencyKey | None:
        return self.session.get(IdempotencyKey, (client_id, key))

    def add_idempotency_key(self, record: IdempotencyKey) -> None:
        self.session.add(record)
        self.session.flush()

    def delete_idempotency_key(self, record: IdempotencyKey) -> None:
        self.session.delete(record)
        self.session.flush()

    def purge_idempotency_keys(self, older_than: datetime) -> int:
        result = self.session.execute(
            delete(IdempotencyKey).where(IdempotencyKey.created_at < older_than)
        )
        return int(getattr(result, "rowcount", 0) or 0)
