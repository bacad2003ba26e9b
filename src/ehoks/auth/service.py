"""Login use cases: turn what an identity provider vouched for into an actor, and start or end
sessions. Services never commit; the routes own the transactions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from ehoks.access.actor import (
    OPH_ORGANISAATIO_OID,
    Actor,
    EmailActor,
    OfficialActor,
    StudentActor,
    grants_from_roles,
)
from ehoks.auth.cas import CasOppija, CasUser
from ehoks.auth.errors import OidcLoginFailed, TicketRejected
from ehoks.auth.models import LoginAttempt
from ehoks.auth.oidc import LoginStart, OidcIdentity
from ehoks.auth.repository import DevLoginRepository, SessionRepository
from ehoks.registries import Registries
from ehoks.settings.auth import OidcSettings

# A pending OpenID login older than this is refused (the user took too long at the provider).
LOGIN_ATTEMPT_TTL = timedelta(minutes=15)


class NotAnOfficial(TicketRejected):
    """A CAS login of a service user (PALVELU) at the officials' login (reference 5.4)."""

    def __init__(self) -> None:
        super().__init__("USER_TYPE", "service users cannot log in to the officials' pages")


def official_from_cas(user: CasUser) -> OfficialActor:
    if user.kayttaja_tyyppi == "PALVELU":
        raise NotAnOfficial()
    return OfficialActor(
        user.oid_henkilo or user.username, user.username, grants_from_roles(user.roles)
    )


def student_from_cas(oppija: CasOppija, registries: Registries) -> StudentActor:
    """With valtuudet the student's OID is not the session's (reference 6.6)."""
    if oppija.using_valtuudet:
        return StudentActor(
            None, oppija.display_name or "", True, acting_oid=oppija.impersonator_oid
        )
    return StudentActor(oppija.person_oid, _student_name(oppija, registries))


def _student_name(oppija: CasOppija, registries: Registries) -> str:
    henkilo = registries.onr.get_henkilo(oppija.person_oid) if oppija.person_oid else None
    if henkilo is not None:
        return henkilo.nimi
    parts = [oppija.first_name or "", oppija.surname or ""]
    return " ".join(p for p in parts if p) or oppija.display_name or ""


def official_from_oidc(identity: OidcIdentity, settings: OidcSettings) -> OfficialActor:
    roles = identity.claims.get(settings.roles_claim) or []
    if isinstance(roles, str):
        roles = roles.split()
    if not isinstance(roles, list):
        raise OidcLoginFailed(f"claim {settings.roles_claim!r} is not a list of roles")
    oid = identity.claims.get("oidHenkilo") or identity.subject
    name = identity.claims.get("name") or identity.claims.get("preferred_username") or oid
    return OfficialActor(str(oid), str(name), grants_from_roles(str(r) for r in roles))


def student_from_oidc(identity: OidcIdentity, settings: OidcSettings) -> StudentActor:
    oid = identity.claims.get(settings.oppija_oid_claim)
    if not isinstance(oid, str) or not oid:
        raise OidcLoginFailed(f"the ID token has no {settings.oppija_oid_claim!r} claim")
    return StudentActor(oid, str(identity.claims.get("name") or ""))


def remember_login(
    session: Session, start: LoginStart, *, provider: str, return_to: str | None, now: datetime
) -> None:
    SessionRepository(session).add_attempt(
        LoginAttempt(
            state=start.state,
            provider=provider,
            nonce=start.nonce,
            code_verifier=start.code_verifier,
            return_to=return_to,
            created_at=now,
        )
    )


def take_login(session: Session, state: str, *, provider: str, now: datetime) -> LoginAttempt:
    """The pending login this callback answers; single use, bound to its provider."""
    attempt = SessionRepository(session).take_attempt(state)
    if attempt is None or attempt.provider != provider:
        raise OidcLoginFailed("unknown or already used state")
    if now - attempt.created_at > LOGIN_ATTEMPT_TTL:
        raise OidcLoginFailed("the login took too long")
    return attempt


@dataclass(frozen=True)
class DevChoice:
    key: str
    label: str
    actor: Actor


def dev_choices(session: Session, registries: Registries) -> list[DevChoice]:
    """Seeded people the development login offers: an OPH super user, one official per
    education provider that has HOKSes (CRUD and delete on the provider, so they choose among
    its institutions below it), a read-only official of one institution, the indexed
    students, and the workplace instructors named in HOKSes (as if logged in by their e-mail
    link)."""
    superuser = OfficialActor(
        "1.2.246.562.24.00000000001",
        "Kehittäjä Pääkäyttäjä",
        grants_from_roles([f"ROLE_APP_EHOKS_OPHPAAKAYTTAJA_{OPH_ORGANISAATIO_OID}"]),
    )
    choices = [DevChoice("virkailija:oph", superuser.name, superuser)]
    repository = DevLoginRepository(session)
    for index, oid in enumerate(repository.organisations_with_hoks()):
        organisaatio = registries.organisaatio.get_organisaatio(oid)
        name = organisaatio.nimi.get("fi") if organisaatio is not None else None
        official = OfficialActor(
            f"1.2.246.562.24.{10000000000 + index}",
            f"Virkailija ({name or oid})",
            grants_from_roles([f"ROLE_APP_EHOKS_CRUD_{oid}", f"ROLE_APP_EHOKS_HOKS_DELETE_{oid}"]),
        )
        choices.append(DevChoice(f"virkailija:{oid}", name or oid, official))
    institution = repository.first_institution_with_hoks()
    if institution is not None:
        organisaatio = registries.organisaatio.get_organisaatio(institution)
        name = organisaatio.nimi.get("fi") if organisaatio is not None else None
        reader = OfficialActor(
            "1.2.246.562.24.19999999999",
            f"Lukija Liisa ({name or institution})",
            grants_from_roles([f"ROLE_APP_EHOKS_READ_{institution}"]),
        )
        choices.append(DevChoice("virkailija:luku", reader.name, reader))
    for oid, nimi in repository.students(limit=50):
        choices.append(DevChoice(f"oppija:{oid}", nimi, StudentActor(oid, nimi)))
    for address in repository.instructor_addresses(limit=20):
        choices.append(DevChoice(f"sahkoposti:{address}", address, EmailActor(address)))
    return choices
