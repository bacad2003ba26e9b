"""The contact-data clean-up (reference 5.2): personal contact details in a HOKS are kept only
as long as the feedback processes need them.

* The responsible workplace instructor's e-mail and phone go from every workplace period that
  ended more than three calendar months ago.
* The student's e-mail and phone go from a finished HOKS once its study right has been over in
  Koski for more than three months. A finished HOKS whose study right is still open is written
  unchanged, which gives it a new ``updated_at`` (reference 5.13), so it is looked at again
  three months later, as the original does.

Each run handles at most ``limit`` (100) periods or HOKSes, as the original. Every change is a
new version of the HOKS written by ``store_document`` (history row, projections, version), by
``system:contact-cleanup``. The cleared fields are then also removed from the HOKS's earlier
versions: erased contact data must not stay readable through the version history, so this is
the one write that changes history rows. For the same reason the audit event of such a write
names the erased fields but not their old values. Each batch prepares, then applies: the
candidates are selected in a read, Koski is asked outside any transaction, and one write
transaction locks each HOKS, re-checks it and stores (``context.UseCase.write``).

One difference from the original follows from keeping history: there, clearing an instructor's
contacts did not touch the HOKS's ``updated_at``; here it is a new version like any write. So
the student rule "not written for three months" does not count the instructor clean-up's own
writes (operation ``instructor-contact-cleanup``); otherwise clearing the instructor would keep
the student's contacts three months longer than the original does.
"""

from __future__ import annotations

import calendar
import copy
import logging
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import partial
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from ehoks.access.actor import SystemActor
from ehoks.context import UseCase
from ehoks.errors import RegistryUnavailable
from ehoks.hoks.cleanup_repository import ContactCleanupRepository, StudentCandidate
from ehoks.hoks.models import Hoks
from ehoks.hoks.parts import walk
from ehoks.hoks.repository import HoksRepository
from ehoks.hoks.service.common import writer_basis
from ehoks.hoks.service.documents import store_document
from ehoks.kernel.clock import now_utc
from ehoks.registries.koski.schemas import Opiskeluoikeus

log = logging.getLogger(__name__)

ACTOR = SystemActor("contact-cleanup")
# The students' clean-up, whose writes are the 5.13 "updated_at touched by the clean-up".
OPERATION = "contact-cleanup"
INSTRUCTOR_OPERATION = "instructor-contact-cleanup"
RETENTION_MONTHS = 3
DEFAULT_LIMIT = 100
STUDENT_CONTACT_KEYS = ("sahkoposti", "puhelinnumero")
INSTRUCTOR_CONTACT_KEYS = ("sahkoposti", "puhelinnumero")
# Undated HOKSes are read in pages of this many while looking for ``limit`` finished ones.
_PAGE = 500

_Day = TypeVar("_Day", bound=date)


def months_before(day: _Day, months: int) -> _Day:
    """``day`` moved back by calendar months, the day clamped to the target month's length
    (31 May − 3 months = 28/29 February), as PostgreSQL's ``- interval 'n months'`` and Java's
    ``minusMonths`` do. Works on dates and datetimes alike (the time of day is kept)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = index // 12, index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


# Workplace instructors


def clear_instructor_contacts(
    deps: UseCase, *, today: date, limit: int = DEFAULT_LIMIT
) -> list[str]:
    """Clear the instructor's e-mail and phone on up to ``limit`` workplace periods whose
    ``loppu`` is more than three months before ``today``, oldest first; return the periods'
    ``module-id``s. Soft-deleted HOKSes are included, as in the original.

    The original returned the periods' numeric ``hankkimistapa`` ids; our periods have no
    numeric id, their stable identity is the ``module-id`` (DESIGN D3), so that is returned.
    Koski is asked for the study right only so that the write refreshes what every write
    refreshes; nothing here depends on its answer, so when Koski cannot answer the contact data
    is cleared all the same."""
    cutoff = months_before(today, RETENTION_MONTHS)
    with deps.read() as session:
        candidates = ContactCleanupRepository(session).instructor_contact_candidates(
            ended_before=cutoff, limit=limit
        )
    wanted: dict[int, set[str]] = {}
    oids: dict[int, str] = {}
    for candidate in candidates:
        wanted.setdefault(candidate.hoks_id, set()).add(candidate.module_id)
        oids[candidate.hoks_id] = candidate.opiskeluoikeus_oid
    # Registry answers first, so no row lock waits on Koski.
    study_rights = {
        hoks_id: _study_right_if_known(oid, hoks_id, deps) for hoks_id, oid in oids.items()
    }
    cleared = deps.write(
        lambda session: _clear_instructors_of(session, wanted, study_rights, cutoff, deps)
    )
    return [c.module_id for c in candidates if c.module_id in cleared]


def _clear_instructors_of(
    session: Session,
    wanted: dict[int, set[str]],
    study_rights: dict[int, Opiskeluoikeus | None],
    cutoff: date,
    deps: UseCase,
) -> set[str]:
    repository = ContactCleanupRepository(session)
    cleared: set[str] = set()
    for hoks_id, module_ids in wanted.items():
        hoks = repository.lock(hoks_id)
        if hoks is None:
            continue
        document = copy.deepcopy(hoks.document)
        done = _clear_instructors(document, module_ids, cutoff)
        if len(done) < len(module_ids):
            # A concurrent write got there first, or the projection disagrees with the document.
            log.info(
                "contact clean-up: HOKS %s: %d period(s) had nothing to clear",
                hoks_id,
                len(module_ids) - len(done),
            )
        if done:
            _write(
                session,
                hoks,
                document,
                study_rights[hoks_id],
                deps,
                operation=INSTRUCTOR_OPERATION,
                erased=[path for paths in done.values() for path in paths],
                erase=partial(_clear_instructors, module_ids=set(done)),
            )
            cleared.update(done)
    return cleared


def _clear_instructors(
    document: dict[str, Any], module_ids: Collection[str], cutoff: date | None = None
) -> dict[str, list[str]]:
    """Remove the instructor's contacts from the given periods (only from those ended before
    ``cutoff`` when given): the periods that had any, with the paths of what was removed."""
    done: dict[str, list[str]] = {}
    for ref in walk(document):
        if ref.kind != "osaamisen-hankkimistapa" or ref.module_id not in module_ids:
            continue
        if cutoff is not None and date.fromisoformat(str(ref.part["loppu"])) >= cutoff:
            continue
        tjk = ref.part.get("tyopaikalla-jarjestettava-koulutus") or {}
        ohjaaja = tjk.get("vastuullinen-tyopaikka-ohjaaja")
        if not isinstance(ohjaaja, dict):
            continue
        where = ".".join(str(step) for step in ref.location)
        removed = [
            f"{where}.tyopaikalla-jarjestettava-koulutus.vastuullinen-tyopaikka-ohjaaja.{key}"
            for key in INSTRUCTOR_CONTACT_KEYS
            if ohjaaja.pop(key, None) is not None
        ]
        if removed:
            done[str(ref.module_id)] = removed
    return done


# Students


@dataclass
class StudentCleanup:
    """What one batch of the students' clean-up did, by HOKS id."""

    cleared: list[int] = field(default_factory=list)
    # Finished HOKSes whose study right is still open in Koski (or unknown to it): written
    # unchanged, so that they rest for three months.
    touched: list[int] = field(default_factory=list)
    # Koski did not answer: nothing was changed; they are tried again on the next run.
    koski_failed: list[int] = field(default_factory=list)
    # How many HOKSes the batch selected (a batch with fewer than its limit was the last one).
    selected: int = 0


def clear_student_contacts(
    deps: UseCase,
    *,
    today: date,
    now: datetime,
    limit: int = DEFAULT_LIMIT,
) -> list[int]:
    """Reference 5.2 ``DELETE /heratepalvelu/opiskelijan-yhteystiedot``: the ids of the HOKSes
    whose student e-mail and phone were cleared. HOKSes Koski could not be asked about are
    left as they are and logged (``run_student_cleanup`` reports them)."""
    return run_student_cleanup(deps, today=today, now=now, limit=limit).cleared


def run_student_cleanup(
    deps: UseCase,
    *,
    today: date,
    now: datetime,
    limit: int = DEFAULT_LIMIT,
    exclude: Collection[int] = (),
) -> StudentCleanup:
    """Take up to ``limit`` non-deleted HOKSes (not in ``exclude``) that still hold the
    student's ``sahkoposti`` or ``puhelinnumero``, were not written in the three months before
    ``now`` (the instructor clean-up's writes aside) and are finished: their
    ``osaamisen-saavuttamisen-pvm`` is more than three months before ``today``, or they have
    no such date and no learning period ending within the last three months (or later). Clear
    both fields where Koski's ``päättymispäivä`` of the study right is more than three months
    before ``today``; write the rest unchanged. ``now`` is the clock the "not written" rule
    counts from; the writes are stamped when they happen."""
    finished_before = months_before(today, RETENTION_MONTHS)
    with deps.read() as session:
        candidates = _finished_candidates(
            ContactCleanupRepository(session),
            quiet_since=months_before(now, RETENTION_MONTHS),
            finished_before=finished_before,
            exclude=exclude,
            limit=limit,
        )
    result = StudentCleanup(selected=len(candidates))
    # Registry answers first, so no row lock waits on Koski.
    answers: dict[int, tuple[StudentCandidate, Opiskeluoikeus | None]] = {}
    for candidate in candidates:
        try:
            opiskeluoikeus = deps.registries.koski.get_opiskeluoikeus(candidate.opiskeluoikeus_oid)
        except RegistryUnavailable as exc:
            # Whether the study right has ended cannot be checked, so nothing may be cleared.
            log.warning("contact clean-up: HOKS %s skipped: %s", candidate.hoks_id, exc.detail)
            result.koski_failed.append(candidate.hoks_id)
            continue
        answers[candidate.hoks_id] = (candidate, opiskeluoikeus)
    written = deps.write(lambda session: _clear_students(session, answers, finished_before, deps))
    result.cleared, result.touched = written
    return result


def _clear_students(
    session: Session,
    answers: dict[int, tuple[StudentCandidate, Opiskeluoikeus | None]],
    finished_before: date,
    deps: UseCase,
) -> tuple[list[int], list[int]]:
    """The apply phase: each HOKS locked and re-checked (unchanged since it was selected)."""
    repository = ContactCleanupRepository(session)
    cleared: list[int] = []
    touched: list[int] = []
    for hoks_id, (candidate, opiskeluoikeus) in answers.items():
        hoks = repository.lock(hoks_id)
        if hoks is None or hoks.version != candidate.version:
            continue  # written since it was selected; the next run decides on the new version
        document = copy.deepcopy(hoks.document)
        paattymispaiva = opiskeluoikeus.paattymispaiva if opiskeluoikeus else None
        if paattymispaiva is not None and paattymispaiva < finished_before:
            erased = _clear_student(document)
            _write(
                session,
                hoks,
                document,
                opiskeluoikeus,
                deps,
                operation=OPERATION,
                erased=erased,
                erase=_clear_student,
            )
            cleared.append(hoks_id)
        else:
            _write(session, hoks, document, opiskeluoikeus, deps, operation=OPERATION)
            touched.append(hoks_id)
    return cleared, touched


def _clear_student(document: dict[str, Any]) -> list[str]:
    """Remove the student's contacts: the paths of what was removed."""
    return [key for key in STUDENT_CONTACT_KEYS if document.pop(key, None) is not None]


def _finished_candidates(
    repository: ContactCleanupRepository,
    *,
    quiet_since: datetime,
    finished_before: date,
    exclude: Collection[int],
    limit: int,
) -> list[StudentCandidate]:
    """Up to ``limit`` finished HOKSes, in id order. Whether an undated HOKS has a recent
    learning period needs its document, which is read only for those (every kind of period
    counts, not only workplace ones, as in the original)."""
    found: list[StudentCandidate] = []
    page_size = max(limit, _PAGE)
    after_id = 0
    while len(found) < limit:
        page = repository.student_contact_candidates(
            quiet_since=quiet_since,
            ignored_operation=INSTRUCTOR_OPERATION,
            finished_before=finished_before,
            after_id=after_id,
            exclude=exclude,
            limit=page_size,
        )
        documents = repository.documents(
            [c.hoks_id for c in page if c.osaamisen_saavuttamisen_pvm is None]
        )
        for candidate in page:
            document = documents.get(candidate.hoks_id)
            if document is not None and _has_period_ending_since(document, finished_before):
                continue
            found.append(candidate)
            if len(found) == limit:
                break
        if len(page) < page_size:
            break
        after_id = page[-1].hoks_id
    return found


def _has_period_ending_since(document: dict[str, Any], cutoff: date) -> bool:
    return any(
        ref.kind == "osaamisen-hankkimistapa"
        and date.fromisoformat(str(ref.part["loppu"])) >= cutoff
        for ref in walk(document)
    )


# Writing


def _study_right_if_known(oid: str, hoks_id: int, deps: UseCase) -> Opiskeluoikeus | None:
    try:
        return deps.registries.koski.get_opiskeluoikeus(oid)
    except RegistryUnavailable as exc:
        log.warning(
            "contact clean-up: Koski did not answer for HOKS %s (%s); clearing without it",
            hoks_id,
            exc.detail,
        )
        return None


def _write(
    session: Session,
    hoks: Hoks,
    document: dict[str, Any],
    opiskeluoikeus: Opiskeluoikeus | None,
    deps: UseCase,
    *,
    operation: str,
    erased: Sequence[str] = (),
    erase: Callable[[dict[str, Any]], object] | None = None,
) -> None:
    """Store the new version, remove the same fields from the earlier versions (``erase``),
    and audit the write naming the erased fields (``erased``) but not their values."""
    # store_document audits the field-level change with the old values, which would copy the
    # erased contact data into the append-only audit chain; so it runs without the trail, and
    # the event below says only where data was erased.
    untraced = replace(deps, trail=None)
    if opiskeluoikeus is not None:
        store_document(
            session, ACTOR, hoks, document, opiskeluoikeus, untraced, operation=operation
        )
    else:
        # Koski could not tell us the study right (unknown to it, or not answering where its
        # answer decides nothing): the same new version, history row and projections as
        # store_document writes, keeping the stored institution and learner index.
        HoksRepository(session).replace_document(
            hoks, document, operation=operation, changed_by=ACTOR.audit_id, now=now_utc()
        )
    rewritten: list[int] = []
    if erase is not None:
        for version in ContactCleanupRepository(session).history(hoks.id):
            earlier = copy.deepcopy(version.document)
            if erase(earlier):
                version.document = earlier
                rewritten.append(version.version)
    deps.audit(
        operation,
        hoks,
        writer_basis(ACTOR),
        changes=[{"path": path} for path in erased],
        details={"erased-from-versions": rewritten} if rewritten else None,
    )
