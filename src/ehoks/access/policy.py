"""The one place that decides access (DESIGN D6), following law 531/2017 § 109 a.

Pure functions: callers pass in what the decision needs (``HoksFacts``), loaded by
``access.facts``. A decision is an ``Access``: the legal basis and the scope — the whole HOKS, or
only the parts (by ``module-id``) the actor is entitled to. Denials raise.

Who may do what with a HOKS:

* service clients and officials: the privilege of reference 6.2 (``read``, ``write``, ``update``,
  ``delete``, ``hoks_delete``) held on the HOKS's oppilaitos or an organisation above it
  (reference 6.3); staff of an organisation delivering procured training (hankintakoulutus)
  read; OPH super users may also undo and hard-delete;
* the provider where the learner studies now (§ 109 a ¶1, *Koulutuksen järjestäjällä on oikeus
  saada … tiedot opiskelijansa henkilökohtaisista osaamisen kehittämissuunnitelmista*): staff
  and service clients with ``read`` on the oppilaitos of a study right the learner holds in
  Koski and has not ended read every plan of that learner, whoever wrote it — whole, and never
  more than read (legal basis ``current-provider``, its reference the study right);
* students: read their own HOKSes, from every provider, and share parts of them;
* a verified e-mail address: read the learning periods where it is the named responsible
  workplace instructor, the demonstrations where it is a named working-life assessor, and what a
  valid share or consent of the student discloses to it — each with its unit, nothing else;
* the service itself (jobs, CLI): everything, recorded as ``system``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from ehoks.access.actor import (
    OPH_ORGANISAATIO_OID,
    Actor,
    CasServiceActor,
    EmailActor,
    OfficialActor,
    OrganisationGrant,
    ServiceClientActor,
    StudentActor,
    SystemActor,
)
from ehoks.access.errors import (
    NoAccess,
    NoStatisticsRight,
    NotOwnHoks,
    NotOwnOrganisation,
    NotPermitted,
)

Privilege = Literal["read", "write", "update", "delete"]
Action = Literal[
    "read", "write", "update", "delete", "hoks_delete", "undo_delete", "hard_delete", "share"
]
ALL_PRIVILEGES = frozenset({"read", "write", "update", "delete", "hoks_delete"})
CURRENT_PROVIDER = "current-provider"
"""Legal basis: law 531/2017 § 109 a ¶1, the learner is the reader's student."""


@dataclass(frozen=True)
class EmailGrants:
    """What one verified e-mail address is named for in one HOKS, by legal basis."""

    instructor: frozenset[str] = frozenset()  # learning periods (osaamisen hankkimistavat)
    assessor: frozenset[str] = frozenset()  # demonstrations (osaamisen osoittamiset)
    # share/consent id → module-ids it discloses (empty set: the whole HOKS)
    shares: dict[str, frozenset[str]] = field(default_factory=dict)
    consents: dict[str, frozenset[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class CurrentStudyRight:
    """A study right the learner holds in Koski and has not ended (today), where it is held."""

    opiskeluoikeus_oid: str
    # Its oppilaitos and the organisations above it, root first.
    organisaatio_path: tuple[str, ...]


@dataclass(frozen=True)
class HoksFacts:
    """What the policy needs to know about one HOKS."""

    hoks_id: int | None
    oppija_oid: str
    # The oppilaitos and its ancestors; None when the organisation is unknown.
    organisaatio_path: tuple[str, ...] | None
    # Paths of the oppilaitokset delivering procured training on this HOKS's study right.
    procured_paths: tuple[tuple[str, ...], ...] = ()
    email: EmailGrants | None = None
    # The learner's study rights in Koski that have not ended, at any provider (§ 109 a ¶1).
    current_study_rights: tuple[CurrentStudyRight, ...] = ()


@dataclass(frozen=True)
class Access:
    """A positive decision: on what legal basis, and which parts (None: the whole HOKS)."""

    basis: str
    parts: frozenset[str] | None = None
    basis_ref: str | None = None
    # current-provider: the oppilaitos of the study right in ``basis_ref`` (the audit trail
    # keeps it, so the learner's "who has seen my plan" can name the provider).
    basis_organisaatio_oid: str | None = None

    @property
    def whole(self) -> bool:
        return self.parts is None


FULL_SYSTEM = Access("system")


def privileges_on(actor: Actor, organisaatio_path: Iterable[str] | None) -> frozenset[str]:
    """Privileges the actor holds on an organisation given its ancestors-and-self path.

    An unknown organisation (path None) yields no privileges.
    """
    if isinstance(actor, SystemActor):
        return ALL_PRIVILEGES
    if organisaatio_path is None or not isinstance(
        actor, ServiceClientActor | CasServiceActor | OfficialActor
    ):
        return frozenset()
    return _privileges(actor.grants, set(organisaatio_path))


def _privileges(grants: Iterable[OrganisationGrant], path: set[str]) -> frozenset[str]:
    held: set[str] = set()
    for grant in grants:
        if grant.organisaatio_oid in path:
            held |= grant.privileges
    return frozenset(held)


def is_superuser(actor: Actor) -> bool:
    if isinstance(actor, SystemActor):
        return True
    if isinstance(actor, OfficialActor | CasServiceActor):
        return any(grant.superuser for grant in actor.grants)
    return False


def decide(actor: Actor, action: Action, facts: HoksFacts) -> Access:
    """May ``actor`` do ``action`` to the HOKS described by ``facts``; on what basis, what scope.

    Raises ``NoAccess`` (service API, 401 as the original), ``NotPermitted`` (403) or
    ``NotOwnHoks`` (403) on denial.
    """
    if isinstance(actor, SystemActor):
        return FULL_SYSTEM
    if isinstance(actor, StudentActor):
        return _decide_student(actor, action, facts)
    if isinstance(actor, EmailActor):
        return _decide_email(action, facts)
    return _decide_organisation(actor, action, facts)


def _decide_organisation(
    actor: ServiceClientActor | CasServiceActor | OfficialActor, action: Action, facts: HoksFacts
) -> Access:
    if action in ("undo_delete", "hard_delete"):
        if is_superuser(actor):
            return Access("administration")
        raise NotPermitted()
    if action == "share":
        raise NotOwnHoks()
    held = privileges_on(actor, facts.organisaatio_path)
    if action in held:
        return Access("provider")
    if action == "read":
        for path in facts.procured_paths:
            if "read" in _privileges(actor.grants, set(path)):
                return Access("procured-training")
        current = current_provider_right(actor, facts.current_study_rights)
        if current is not None:
            return Access(
                CURRENT_PROVIDER,
                None,
                current.opiskeluoikeus_oid,
                current.organisaatio_path[-1] if current.organisaatio_path else None,
            )
    raise NoAccess()


def current_provider_right(
    actor: Actor, study_rights: Iterable[CurrentStudyRight]
) -> CurrentStudyRight | None:
    """The first of the learner's current study rights on which the actor holds ``read``: the
    learner is then the actor's student and the actor reads all their plans (§ 109 a ¶1)."""
    if not isinstance(actor, ServiceClientActor | CasServiceActor | OfficialActor):
        return None
    for right in study_rights:
        if "read" in _privileges(actor.grants, set(right.organisaatio_path)):
            return right
    return None


def _decide_student(actor: StudentActor, action: Action, facts: HoksFacts) -> Access:
    # With valtuudet there is no oppija_oid: nobody's HOKS is "own" (reference 6.6).
    if actor.oppija_oid is None or actor.oppija_oid != facts.oppija_oid:
        raise NotOwnHoks()
    if action in ("read", "share"):
        return Access("own")
    raise NotPermitted()


def _decide_email(action: Action, facts: HoksFacts) -> Access:
    grants = facts.email
    if action != "read" or grants is None:
        raise NotPermitted()
    whole_consent = next((cid for cid, parts in grants.consents.items() if not parts), None)
    if whole_consent is not None:
        return Access("consent", None, whole_consent)
    parts: set[str] = set(grants.instructor) | set(grants.assessor)
    bases = []
    if grants.instructor:
        bases.append("instructor")
    if grants.assessor:
        bases.append("assessor")
    refs = []
    for kind, given in (("share", grants.shares), ("consent", grants.consents)):
        if given:
            bases.append(kind)
            refs.extend(sorted(given))
            for disclosed in given.values():
                parts |= disclosed
    if not parts:
        raise NotPermitted()
    return Access(",".join(bases), frozenset(parts), ",".join(refs)[:64] or None)


def require_hoks_privilege(
    actor: Actor, privilege: Privilege, organisaatio_path: Iterable[str] | None
) -> None:
    if privilege not in privileges_on(actor, organisaatio_path):
        raise NoAccess()


def require_validation_privilege(actor: Actor, organisaatio_path: Iterable[str] | None) -> None:
    """``/validointi`` is a create that stores nothing: allowed for the study rights of the
    organisations the caller may create HOKSes for, so it cannot probe other providers'
    study rights (403)."""
    if "write" not in privileges_on(actor, organisaatio_path):
        raise NotOwnOrganisation()


def require_statistics_feed(actor: Actor) -> None:
    """The anonymised Vipunen feed of every HOKS: the VIPUNEN role, or read, held directly
    on the OPH root (a reader there reads every HOKS in full anyway); 403 otherwise."""
    if isinstance(actor, SystemActor):
        return
    if isinstance(actor, ServiceClientActor | CasServiceActor | OfficialActor):
        direct = _privileges(actor.grants, {OPH_ORGANISAATIO_OID})
        if direct & {"statistics", "read"}:
            return
    raise NoStatisticsRight(OPH_ORGANISAATIO_OID)


def require_oph_privilege(actor: Actor, privilege: Privilege) -> None:
    """The privilege held directly on the OPH root (no inheritance), as the original checks."""
    if isinstance(actor, SystemActor):
        return
    if not isinstance(actor, ServiceClientActor | CasServiceActor | OfficialActor):
        raise NoAccess()
    direct = _privileges(actor.grants, {OPH_ORGANISAATIO_OID})
    if privilege not in direct:
        raise NoAccess()


def require_superuser(actor: Actor) -> None:
    if not is_superuser(actor):
        raise NotPermitted()
