"""A HOKS's version history for officials: every stored version with who made it, when and by
which operation, and any two versions side by side for the field-level diff
(``virkailija.changes`` puts it in the official's terms).

The history table keeps each earlier version with the write that *ended* it (its operation and
writer); this module turns that around so that each version names the write that *made* it:
version 1 is the create by ``hoks.created_by``, version n + 1 was made by the operation and
writer stored on version n. Reading the history, or two versions of it, is an audited read of
the HOKS, decided by the access policy like any other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from ehoks.access.actor import OfficialActor
from ehoks.context import UseCase
from ehoks.hoks.errors import HoksVersionNotFound
from ehoks.oppijaindex.models import IndexOpiskeluoikeus
from ehoks.virkailija.history_repository import HistoryRepository, HoksRow
from ehoks.virkailija.plans import Writer, readable_hoks, resolve_writers, writer_of

CREATE = "create"


@dataclass(frozen=True)
class Version:
    versio: int
    alkaen: datetime
    """When this version became current."""
    asti: datetime | None
    """When the next one replaced it; ``None`` for the current version."""
    operation: str
    """The write that made it: ``create``, ``replace`` (PUT), ``patch``, ``part`` (one part
    written), ``delete``, ``undelete``, ``onr-merge``, ``contact-cleanup`` …"""
    writer: Writer
    deleted: bool
    """The HOKS was soft-deleted in this version."""
    current: bool


@dataclass(frozen=True)
class HistoryPage:
    hoks_id: int
    eid: str
    oppija_oid: str
    oppija_nimi: str | None
    opiskeluoikeus_oid: str
    opiskeluoikeus: IndexOpiskeluoikeus | None
    deleted_at: datetime | None
    versions: list[Version]
    """Newest first."""

    def version(self, versio: int) -> Version | None:
        return next((v for v in self.versions if v.versio == versio), None)


@dataclass(frozen=True)
class Comparison:
    page: HistoryPage
    older: Version
    newer: Version
    old_document: dict[str, Any]
    new_document: dict[str, Any]


def history(
    session: Session, actor: OfficialActor, oppija_oid: str, hoks_id: int, deps: UseCase
) -> HistoryPage:
    """Every version of the HOKS, newest first (an audited read)."""
    row = readable_hoks(session, actor, oppija_oid, hoks_id, deps, details={"versiot": True})
    return _page(HistoryRepository(session), row)


def compare(
    session: Session,
    actor: OfficialActor,
    oppija_oid: str,
    hoks_id: int,
    first: int,
    second: int,
    deps: UseCase,
) -> Comparison:
    """The documents of two versions (in either order; the older one first) for a diff, an
    audited read of both. 404 for a version the HOKS never had."""
    older_no, newer_no = sorted((first, second))
    row = readable_hoks(
        session, actor, oppija_oid, hoks_id, deps, details={"versiot": [older_no, newer_no]}
    )
    repository = HistoryRepository(session)
    page = _page(repository, row)
    older, newer = page.version(older_no), page.version(newer_no)
    if older is None:
        raise HoksVersionNotFound(older_no)
    if newer is None:
        raise HoksVersionNotFound(newer_no)
    return Comparison(
        page,
        older,
        newer,
        _document(repository, row, older),
        _document(repository, row, newer),
    )


def _document(repository: HistoryRepository, row: HoksRow, version: Version) -> dict[str, Any]:
    if version.current:
        return row.hoks.document
    document = repository.version_document(row.hoks.id, version.versio)
    if document is None:  # removed between the two statements by a hard delete
        raise HoksVersionNotFound(version.versio)
    return document


def _page(repository: HistoryRepository, row: HoksRow) -> HistoryPage:
    hoks = row.hoks
    stored = repository.version_summaries(hoks.id)
    ids = {i for i in (hoks.created_by, hoks.updated_by) if i}
    ids |= {s.changed_by for s in stored if s.changed_by}
    writers = resolve_writers(repository, hoks.id, ids)
    versions: list[Version] = []
    made_by, made_with = hoks.created_by, CREATE
    for summary in stored:
        versions.append(
            Version(
                versio=summary.version,
                alkaen=summary.valid_from,
                asti=summary.valid_to,
                operation=made_with,
                writer=writer_of(writers, made_by),
                deleted=summary.deleted_at is not None,
                current=False,
            )
        )
        # The write that ended this version made the next one.
        made_by, made_with = summary.changed_by, summary.operation
    versions.append(
        Version(
            versio=hoks.version,
            alkaen=hoks.updated_at,
            asti=None,
            operation=made_with,
            writer=writer_of(writers, hoks.updated_by if stored else hoks.created_by),
            deleted=hoks.deleted_at is not None,
            current=True,
        )
    )
    versions.reverse()
    return HistoryPage(
        hoks_id=hoks.id,
        eid=hoks.eid,
        oppija_oid=hoks.oppija_oid,
        oppija_nimi=row.oppija_nimi,
        opiskeluoikeus_oid=hoks.opiskeluoikeus_oid,
        opiskeluoikeus=row.opiskeluoikeus,
        deleted_at=hoks.deleted_at,
        versions=versions,
    )
