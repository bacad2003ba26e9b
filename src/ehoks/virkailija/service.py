"""Use cases of the officials' (virkailija) HOKS API (reference 5.4, 5.5, 5.8).

Every decision on a HOKS goes through the access policy (``hoks.service.common.decide_on``) and
every HOKS read is audited, as in the service API. What differs from the service API is the
surface: the original's officials' routes answer a missing privilege with 403 and their own
messages (the service API's 401 is defect D20 kept for the SIS clients only), so the policy's
``NoAccess`` is translated here. Services never commit; the route owns the transaction.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy.orm import Session

from ehoks.access.actor import OfficialActor
from ehoks.access.errors import NoAccess, NotPermitted
from ehoks.access.policy import CURRENT_PROVIDER, privileges_on, require_superuser
from ehoks.context import UseCase
from ehoks.errors import BadRequest, Forbidden, NotFound, ValidationFailed
from ehoks.hoks import service as hoks_service
from ehoks.hoks.errors import HoksNotFound
from ehoks.hoks.models import Hoks
from ehoks.hoks.repository import HoksRepository
from ehoks.hoks.service import learner
from ehoks.hoks.service.common import decide_on, full_view, top_level_view
from ehoks.kernel.oids import is_oppija_oid, is_organisaatio_oid
from ehoks.virkailija.repository import OppijaSearch, VirkailijaRepository
from ehoks.virkailija.terms import Locale, OrderBy

# Messages of the original (reference 5.5, 5.8); the UI and scripts may match on them.
INSUFFICIENT_FOR_ORGANISATION = "User has insufficient privileges for given organisation"
NO_READABLE_HOKS = "User privileges does not match oppija opiskeluoikeus organisation"
INSUFFICIENT = "User has insufficient privileges"
INSUFFICIENT_TO_CREATE = "User has unsufficient privileges"  # sic, as the original
NO_DELETE_PRIVILEGE = "User privileges do not match organisation"
SUPERUSER_ROLE = "oph-super-user"

# Name search terms are split on these (reference 5.5); "%" and "_" among them keep SQL
# wildcards out of the query.
_NAME_SEPARATORS = re.compile(r"[\s_%,]+")
_WILDCARD_FREE_RUN = re.compile(r"[^%_]+")


class OrganisationNotFound(BadRequest):
    def __init__(self, oid: str) -> None:
        super().__init__(f"Oppilaitos `{oid}` not found in Organisaatiopalvelu")


class NoHoksWithId(NotFound):
    def __init__(self) -> None:
        super().__init__("No HOKS found with given hoks-id")


class OppijaOidMismatch(BadRequest):
    def __init__(self, path_oid: str, body_oid: object) -> None:
        super().__init__(
            f"oppija-oid `{body_oid}` in the body does not match `{path_oid}` in the path"
        )


class OpiskeluoikeusNoLongerActive(Forbidden):
    def __init__(self, oid: str) -> None:
        super().__init__(f"opiskeluoikeus {oid} is no longer active")


@contextmanager
def forbidden_as(message: str) -> Iterator[None]:
    """The policy's "no privilege on this organisation" (401 on the service API) as the
    officials' routes answer it: 403 with the route's own message."""
    try:
        yield
    except NoAccess as exc:
        raise NotPermitted(message) from exc


def check_oppija_oid(oid: str) -> None:
    if not is_oppija_oid(oid):
        raise ValidationFailed(
            {"oppija-oid": "not a valid OppijaOID"},
            value={"oppija-oid": oid},
            problems=[{"path": "oppija-oid", "message": "not a valid OppijaOID"}],
            where="route-params",
        )


# The learner search.


@dataclass(frozen=True)
class SearchPage:
    total: int
    rows: list[dict[str, Any]]


def search_oppijat(
    session: Session,
    actor: OfficialActor,
    deps: UseCase,
    *,
    oppilaitos_oid: str,
    nimi: str | None = None,
    tutkinto: str | None = None,
    osaamisala: str | None = None,
    hoks_id: int | None = None,
    locale: Locale = "fi",
    order_by: OrderBy = "nimi",
    desc: bool = False,
    item_count: int = 10,
    page: int = 0,
) -> SearchPage:
    """The learners with a HOKS on a study right of the oppilaitos (reference 5.5)."""
    if not is_organisaatio_oid(oppilaitos_oid):
        raise ValidationFailed(
            {"oppilaitos-oid": "not a valid OrganisaatioOID"},
            value={"oppilaitos-oid": oppilaitos_oid},
            problems=[{"path": "oppilaitos-oid", "message": "not a valid OrganisaatioOID"}],
            where="query-params",
        )
    path = deps.registries.organisaatio.ancestors_and_self(oppilaitos_oid)
    if path is None:
        raise OrganisationNotFound(oppilaitos_oid)
    if "read" not in privileges_on(actor, path):
        raise NotPermitted(INSUFFICIENT_FOR_ORGANISATION)
    search = OppijaSearch(
        oppilaitos_oid=oppilaitos_oid,
        nimi_tokens=tuple(t for t in _NAME_SEPARATORS.split(nimi or "") if t),
        tutkinto=_wildcard_free(tutkinto),
        osaamisala=_wildcard_free(osaamisala),
        hoks_id=hoks_id,
        locale=locale,
        order_by=order_by,
        desc=desc,
        limit=item_count,
        offset=page * item_count,
    )
    total, rows = VirkailijaRepository(session).search_oppijat(search)
    result = [
        {
            "oid": row.oid,
            "nimi": row.nimi,
            "opiskeluoikeus-oid": row.opiskeluoikeus_oid,
            "hoks-id": row.hoks_id,
            "tutkinto-nimi": row.tutkinto_nimi or {},
            "osaamisala-nimi": row.osaamisala_nimi or {},
        }
        for row in rows
    ]
    # One event for the listing (names and HOKS ids of the page), not a read of each HOKS:
    # the learners' "who has read my HOKS" lists show actual reads only.
    if deps.trail is not None:
        deps.trail.record(
            operation="search",
            legal_basis="provider",
            details={
                "oppilaitos-oid": oppilaitos_oid,
                "total": total,
                "hoks-ids": [row["hoks-id"] for row in result],
            },
        )
    return SearchPage(total, result)


def _wildcard_free(term: str | None) -> str | None:
    """The first run of the term without "%" or "_" (reference 5.5), or None to not filter."""
    if not term:
        return None
    match = _WILDCARD_FREE_RUN.search(term)
    return match.group(0) if match else None


# One learner's HOKSes.


def list_hoksit(
    session: Session, actor: OfficialActor, oppija_oid: str, deps: UseCase
) -> list[dict[str, Any]]:
    """Top-level rows of the learner's non-deleted HOKSes that the official may read, each
    decided by the policy and audited as a read: the official's own organisation's plans (and
    procured training's) first, then — while the learner studies at the official's
    organisation — the plans other providers made (law 531/2017 § 109 a ¶1), each newest
    first. Each row adds ``lukuoikeus``: the basis, the plan's provider and whether its study
    right has ended.

    Unlike the original, the other providers' plans are shown because the learner holds a
    study right at the official's organisation in Koski, not because some visible HOKS has an
    active one."""
    check_oppija_oid(oppija_oid)
    try:
        found = learner.readable_plans(session, actor, oppija_oid, deps, view="top-level")
    except NoAccess:
        found = []
    if not found:
        _target_oppija(deps, oppija_oid)
        raise NotPermitted(NO_READABLE_HOKS)
    ordered = [p for p in found if p.own] + [p for p in found if not p.own]
    summaries = learner.list_view(ordered, deps)
    return [
        {**top_level_view(plan.hoks), "lukuoikeus": _reading_of(summary)}
        for plan, summary in zip(ordered, summaries, strict=True)
    ]


_READING_KEYS = (
    "peruste",
    "peruste-opiskeluoikeus-oid",
    "oppilaitos-oid",
    "oppilaitos-nimi",
    "koulutuksen-jarjestaja-oid",
    "koulutuksen-jarjestaja-nimi",
    "opiskeluoikeus-paattynyt",
)


def _reading_of(summary: dict[str, Any]) -> dict[str, Any]:
    return {
        "muu-jarjestaja": summary["peruste"] == CURRENT_PROVIDER,
        **{key: summary[key] for key in _READING_KEYS},
    }


def get_hoks(
    session: Session, actor: OfficialActor, oppija_oid: str, hoks_id: int, deps: UseCase
) -> tuple[Hoks, dict[str, Any]]:
    check_oppija_oid(oppija_oid)
    hoks = _hoks_of(session, oppija_oid, hoks_id)
    with forbidden_as(INSUFFICIENT):
        access = decide_on(session, actor, "read", hoks, deps)
    deps.audit("read", hoks, access)
    return hoks, full_view(hoks)


def update_hoks(
    session: Session,
    actor: OfficialActor,
    oppija_oid: str,
    hoks_id: int,
    body: Any,
    deps: UseCase,
    *,
    method: Literal["put", "patch"],
    if_match: str | None = None,
) -> hoks_service.Written:
    """PUT (replace) or PATCH (top-level fields) of the learner's HOKS, as the service API's."""
    check_oppija_oid(oppija_oid)
    _hoks_of(session, oppija_oid, hoks_id, for_update=True)
    update = hoks_service.replace if method == "put" else hoks_service.patch
    with forbidden_as(INSUFFICIENT):
        return update(session, actor, hoks_id, body, deps, if_match=if_match, virkailija=True)


def prepare_create(
    actor: OfficialActor, oppija_oid: str, body: Any, deps: UseCase
) -> hoks_service.PreparedCreate:
    """A HOKS entered by hand (``manuaalisyotto``), its prepare phase. The path's learner must
    be the body's (the original did not compare); the service checks ``write`` on the study
    right's oppilaitos."""
    check_oppija_oid(oppija_oid)
    if isinstance(body, dict) and "oppija-oid" in body and body["oppija-oid"] != oppija_oid:
        raise OppijaOidMismatch(oppija_oid, body["oppija-oid"])
    with forbidden_as(INSUFFICIENT_TO_CREATE):
        return hoks_service.prepare_create(actor, body, deps, virkailija=True)


def apply_create(
    session: Session, actor: OfficialActor, prepared: hoks_service.PreparedCreate, deps: UseCase
) -> hoks_service.Written:
    with forbidden_as(INSUFFICIENT_TO_CREATE):
        return hoks_service.apply_create(session, actor, prepared, deps)


def shallow_delete(
    session: Session, actor: OfficialActor, oppija_oid: str, hoks_id: int, deps: UseCase
) -> Hoks:
    """Soft delete: needs ``hoks_delete`` on the HOKS's oppilaitos, and a study right that Koski
    still reports active (when Koski knows it), as the original."""
    check_oppija_oid(oppija_oid)
    _hoks_of(session, oppija_oid, hoks_id, for_update=True)
    with forbidden_as(NO_DELETE_PRIVILEGE):
        hoks = hoks_service.soft_delete(session, actor, hoks_id, deps)
    # After the privilege check, as the original; raising rolls the delete back.
    opiskeluoikeus = deps.registries.koski.get_opiskeluoikeus(hoks.opiskeluoikeus_oid)
    if opiskeluoikeus is not None and not opiskeluoikeus.is_active:
        raise OpiskeluoikeusNoLongerActive(hoks.opiskeluoikeus_oid)
    return hoks


def undo_shallow_delete(
    session: Session, actor: OfficialActor, hoks_id: int, deps: UseCase
) -> None:
    _require_superuser(actor, hoks_id, deps)
    try:
        hoks_service.undo_soft_delete(session, actor, hoks_id, deps)
    except HoksNotFound as exc:
        raise NoHoksWithId() from exc


def hard_delete(session: Session, actor: OfficialActor, hoks_id: int, deps: UseCase) -> None:
    _require_superuser(actor, hoks_id, deps)
    try:
        hoks_service.hard_delete(session, actor, hoks_id, deps)
    except HoksNotFound as exc:
        raise NoHoksWithId() from exc


def _require_superuser(actor: OfficialActor, hoks_id: int, deps: UseCase) -> None:
    """Before looking the HOKS up, as the original's system API, so that anyone else cannot
    tell which HOKS ids exist; the denied attempt is audited against the id."""
    if deps.trail is not None:
        deps.trail.target = {"hoks_id": hoks_id, "oppija_oid": None, "part": None}
    require_superuser(actor)


def _hoks_of(session: Session, oppija_oid: str, hoks_id: int, *, for_update: bool = False) -> Hoks:
    """The non-deleted HOKS, which must be the path learner's (404 otherwise). Locked for the
    update services, which lock it again in the same transaction."""
    hoks = HoksRepository(session).get(hoks_id, for_update=for_update)
    if hoks is None or hoks.oppija_oid != oppija_oid:
        raise HoksNotFound()
    return hoks


def _target_oppija(deps: UseCase, oppija_oid: str) -> None:
    if deps.trail is not None:
        deps.trail.target = {"hoks_id": None, "oppija_oid": oppija_oid, "part": None}


# The session.


def session_view(
    actor: OfficialActor, child_organisations: Mapping[str, Sequence[str]] | None = None
) -> dict[str, Any]:
    """The original's ``GET /virkailija/session`` shape. ``child-organisations`` lists the
    institutions with HOKSes below each granted organisation, which inherit its privileges
    (``virkailija.search.child_organisations``); empty when the caller does not give them."""
    children = child_organisations or {}
    return {
        "oidHenkilo": actor.oid,
        "organisation-privileges": [
            {
                "oid": grant.organisaatio_oid,
                "privileges": sorted(grant.privileges),
                "roles": [SUPERUSER_ROLE] if grant.superuser else [],
                "child-organisations": list(children.get(grant.organisaatio_oid, ())),
            }
            for grant in actor.grants
        ],
        "isSuperuser": actor.superuser,
    }
