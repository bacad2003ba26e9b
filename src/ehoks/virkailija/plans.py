"""What the official's pages read of a learner's HOKSes: the learner's plans and one HOKS with
its source (who created and last changed it) and the actions the official may take on it.

Every HOKS goes through the access policy (``hoks.service.common.decide_on``) and is audited as
a read, as in ``virkailija.service``; a HOKS the policy refuses is left out of a list and is a
403 page on its own. A soft-deleted HOKS is hidden from everyone but OPH super users, who may
read it to restore it (legal basis "administration"). Services never commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy.orm import Session

from ehoks.access.actor import OfficialActor
from ehoks.access.errors import NoAccess, NotPermitted
from ehoks.access.facts import StudyRightsMemo
from ehoks.access.policy import CURRENT_PROVIDER, Access, Action, is_superuser, privileges_on
from ehoks.context import UseCase
from ehoks.hoks.errors import HoksNotFound
from ehoks.hoks.repository import HoksRepository
from ehoks.hoks.service.common import decide_on, full_view, organisaatio_path, top_level_view
from ehoks.oppijaindex.models import IndexOpiskeluoikeus
from ehoks.virkailija import service
from ehoks.virkailija.history_repository import (
    CLIENT_PREFIX,
    REGISTERED,
    HistoryRepository,
    HoksRow,
)
from ehoks.virkailija.service import (
    INSUFFICIENT,
    NO_READABLE_HOKS,
    check_oppija_oid,
    forbidden_as,
)

WriterKind = Literal["virkailija", "palvelukayttaja", "jarjestelma", "tuntematon"]
_SYSTEM_PREFIX = "system:"


@dataclass(frozen=True)
class Writer:
    """Who wrote a version: an official or a student information system by the name the audit
    trail recorded, or the service itself (``system``: the job or tool, e.g.
    ``contact-cleanup``)."""

    actor_id: str | None
    kind: WriterKind
    name: str | None = None
    system: str | None = None


@dataclass(frozen=True)
class Actions:
    """What the official may do to the HOKS, as the server will decide it."""

    update: bool
    """``update`` on the HOKS's oppilaitos (super users hold it everywhere)."""
    delete: bool
    """``hoks_delete`` on the HOKS's oppilaitos: the soft delete's own privilege."""
    undo: bool
    """An OPH super user looking at a soft-deleted HOKS."""
    superuser: bool


@dataclass(frozen=True)
class OfficialPlan:
    hoks_id: int
    eid: str
    oppija_oid: str
    oppija_nimi: str | None
    opiskeluoikeus_oid: str
    tuva_opiskeluoikeus_oid: str | None
    oppilaitos_oid: str | None
    manuaalisyotto: bool
    version: int
    created_at: datetime
    created_by: Writer
    updated_at: datetime
    updated_by: Writer
    last_operation: str | None
    """What made the current version (``replace``, ``patch``, ``part``, ``delete`` …);
    ``None`` while the HOKS is as it was created."""
    deleted_at: datetime | None
    document: dict[str, Any]
    """The read representation (whole, or top-level fields only in a list)."""
    opiskeluoikeus: IndexOpiskeluoikeus | None
    actions: Actions
    basis: str = "provider"
    """The legal basis of the official's read (``Access.basis``)."""
    basis_ref: str | None = None
    """With ``current-provider``: the learner's study right at the official's organisation."""

    @property
    def other_provider(self) -> bool:
        """Another provider's plan, read because the learner studies at the official's
        organisation (law 531/2017 § 109 a ¶1): shown apart, and read-only."""
        return self.basis == CURRENT_PROVIDER


@dataclass(frozen=True)
class LearnerPlans:
    oppija_oid: str
    nimi: str | None
    plans: list[OfficialPlan]


def learner_plans(
    session: Session, actor: OfficialActor, oppija_oid: str, deps: UseCase
) -> LearnerPlans:
    """The learner's HOKSes the official may read (top-level fields), each an audited read;
    soft-deleted ones too for super users. 403 when there is none to read."""
    check_oppija_oid(oppija_oid)
    repository = HistoryRepository(session)
    superuser = is_superuser(actor)
    rows = repository.hokses_of(oppija_oid, include_deleted=superuser)
    readable = []
    # The learner's study rights are asked of Koski once for the list, and only if some plan
    # is not the official's own.
    rights = StudyRightsMemo()
    for row in rows:
        try:
            access = _decide_read(session, actor, row, deps, rights)
        except (NoAccess, NotPermitted):
            continue
        deps.audit("read", row.hoks, access, details={"view": "top-level"})
        readable.append((row, access))
    if not readable:
        if deps.trail is not None:
            deps.trail.target = {"hoks_id": None, "oppija_oid": oppija_oid, "part": None}
        raise NotPermitted(NO_READABLE_HOKS)
    # The list names no writers: it costs no query on the audit trail.
    plans = [_plan(row, actor, deps, {}, None, whole=False, access=a) for row, a in readable]
    nimi = next((row.oppija_nimi for row, _ in readable if row.oppija_nimi), None)
    return LearnerPlans(oppija_oid, nimi, plans)


def readable_hoks(
    session: Session,
    actor: OfficialActor,
    oppija_oid: str,
    hoks_id: int,
    deps: UseCase,
    *,
    details: dict[str, Any] | None = None,
) -> HoksRow:
    """The learner's HOKS if the official may read it (an audited read with ``details``): 404
    when there is none (or it is soft-deleted and the official is not a super user), 403 when
    the policy refuses."""
    return _readable(session, actor, oppija_oid, hoks_id, deps, details=details)[0]


def _readable(
    session: Session,
    actor: OfficialActor,
    oppija_oid: str,
    hoks_id: int,
    deps: UseCase,
    *,
    details: dict[str, Any] | None = None,
) -> tuple[HoksRow, Access]:
    check_oppija_oid(oppija_oid)
    row = HistoryRepository(session).hoks(hoks_id)
    if row is None or row.hoks.oppija_oid != oppija_oid:
        raise HoksNotFound()
    if row.hoks.deleted_at is not None and not is_superuser(actor):
        raise HoksNotFound()
    with forbidden_as(INSUFFICIENT):
        access = _decide_read(session, actor, row, deps)
    deps.audit("read", row.hoks, access, details=details)
    return row, access


def official_plan(
    session: Session, actor: OfficialActor, oppija_oid: str, hoks_id: int, deps: UseCase
) -> OfficialPlan:
    """One HOKS in full for its page, with its source and the official's actions."""
    row, access = _readable(session, actor, oppija_oid, hoks_id, deps)
    repository = HistoryRepository(session)
    hoks = row.hoks
    latest = repository.latest_operation(hoks.id)
    ids = {i for i in (hoks.created_by, hoks.updated_by) if i}
    writers = resolve_writers(repository, hoks.id, ids)
    return _plan(row, actor, deps, writers, latest, whole=True, access=access)


def restore(
    session: Session, actor: OfficialActor, oppija_oid: str, hoks_id: int, deps: UseCase
) -> None:
    """Undo the soft delete of the path learner's HOKS (an OPH super user's action, decided
    and audited by ``virkailija.service.undo_shallow_delete``)."""
    check_oppija_oid(oppija_oid)
    # Only after the super user check may the answer tell whether the HOKS exists: the
    # service refuses everyone else first (and audits the attempt).
    if is_superuser(actor):
        row = HistoryRepository(session).hoks(hoks_id)
        if row is not None and row.hoks.oppija_oid != oppija_oid:
            raise HoksNotFound()
    service.undo_shallow_delete(session, actor, hoks_id, deps)


def hoks_id_of(session: Session, eid: str) -> int:
    """The id of the (non-deleted) HOKS with this eid, for the original app's addresses; the
    page it leads to decides whether the official may read it."""
    hoks_id = HoksRepository(session).id_by_eid(eid)
    if hoks_id is None:
        raise HoksNotFound()
    return hoks_id


def resolve_writers(
    repository: HistoryRepository, hoks_id: int, actor_ids: set[str]
) -> dict[str, Writer]:
    """``Writer`` of each actor id: the audit trail's kind and name for it on this HOKS; a
    service client's registered name when the trail has none; the service's own jobs by their
    name; otherwise the id alone."""
    records = repository.writers(hoks_id, actor_ids)
    found = {r.actor_id: r for r in records if r.actor_kind != REGISTERED}
    registered = {r.actor_id: r.name for r in records if r.actor_kind == REGISTERED}
    writers: dict[str, Writer] = {}
    for actor_id in actor_ids:
        record = found.get(actor_id)
        if actor_id.startswith(_SYSTEM_PREFIX):
            writers[actor_id] = Writer(
                actor_id, "jarjestelma", system=actor_id.removeprefix(_SYSTEM_PREFIX)
            )
        elif actor_id.startswith(CLIENT_PREFIX):
            name = (record.name if record else None) or registered.get(actor_id)
            writers[actor_id] = Writer(actor_id, "palvelukayttaja", name)
        elif record is not None and record.actor_kind in ("virkailija", "palvelukayttaja"):
            kind: WriterKind = "virkailija"
            if record.actor_kind == "palvelukayttaja":  # a CAS service user
                kind = "palvelukayttaja"
            writers[actor_id] = Writer(actor_id, kind, record.name)
        else:
            writers[actor_id] = Writer(actor_id, "tuntematon")
    return writers


def writer_of(writers: dict[str, Writer], actor_id: str | None) -> Writer:
    if actor_id is None:
        return Writer(None, "tuntematon")
    return writers.get(actor_id) or Writer(actor_id, "tuntematon")


def _decide_read(
    session: Session,
    actor: OfficialActor,
    row: HoksRow,
    deps: UseCase,
    rights: StudyRightsMemo | None = None,
) -> Access:
    """Reading a soft-deleted HOKS is administration: only a super user may, to restore it."""
    action: Action = "undo_delete" if row.hoks.deleted_at is not None else "read"
    return decide_on(session, actor, action, row.hoks, deps, rights=rights)


def _plan(
    row: HoksRow,
    actor: OfficialActor,
    deps: UseCase,
    writers: dict[str, Writer],
    last_operation: str | None,
    *,
    whole: bool,
    access: Access,
) -> OfficialPlan:
    hoks = row.hoks
    privileges = privileges_on(actor, organisaatio_path(hoks.oppilaitos_oid, deps))
    superuser = is_superuser(actor)
    deleted = hoks.deleted_at is not None
    return OfficialPlan(
        hoks_id=hoks.id,
        eid=hoks.eid,
        oppija_oid=hoks.oppija_oid,
        oppija_nimi=row.oppija_nimi,
        opiskeluoikeus_oid=hoks.opiskeluoikeus_oid,
        tuva_opiskeluoikeus_oid=hoks.tuva_opiskeluoikeus_oid,
        oppilaitos_oid=hoks.oppilaitos_oid,
        manuaalisyotto=hoks.manuaalisyotto,
        version=hoks.version,
        created_at=hoks.created_at,
        created_by=writer_of(writers, hoks.created_by),
        updated_at=hoks.updated_at,
        updated_by=writer_of(writers, hoks.updated_by),
        last_operation=last_operation,
        deleted_at=hoks.deleted_at,
        document=full_view(hoks) if whole else top_level_view(hoks),
        opiskeluoikeus=row.opiskeluoikeus,
        actions=Actions(
            update=not deleted and "update" in privileges,
            delete=not deleted and "hoks_delete" in privileges,
            undo=deleted and superuser,
            superuser=superuser,
        ),
        basis=access.basis,
        basis_ref=access.basis_ref,
    )
