"""Login by e-mail for people without national-service accounts: workplace instructors,
working-life assessors and the recipients of a student's share.

The flow proves control of an address in two steps:

1. ``start``: a link with a random token is mailed to the address on record.
2. ``describe`` shows the page behind the link ("we will send a code to m***@example.fi");
   ``send_code`` mails a one-time numeric code to the same address.
3. ``verify`` checks the code; success is single-use and returns the verified address, which the
   caller turns into a session (not done here).

Secrets are stored only as hashes: the link token as SHA-256 (it has 256 bits of entropy, so a
fast hash suffices and lets us look the row up by it), the code with argon2id and a per-code salt
(a six-digit code has 20 bits, so the hash must be slow, and the attempt limit does the rest).

Like every service here, these functions never commit. Mails are written to the outbox in the
caller's transaction (``ehoks.mail.outbox``) and sent by the worker after the commit, so a
rollback leaves neither the challenge nor its mail, and no request waits for the mail server.
A wrong code is *returned* as a ``Rejection`` rather than raised, because the attempt it counts
must be committed; see ``verify``.
"""

from __future__ import annotations

import functools
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import VerifyMismatchError
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from ehoks.access.actor import normalise_email
from ehoks.auth import sessions
from ehoks.auth.email_errors import (
    CodeExpired,
    CodeRejected,
    LinkExpired,
    LinkNotFound,
    LinkUsed,
    NoCodeSent,
    TooManyAttempts,
    TooManyCodes,
)
from ehoks.auth.email_repository import EmailChallengeRepository
from ehoks.auth.models import EmailChallenge
from ehoks.mail.errors import InvalidEmailAddress
from ehoks.mail.messages import LinkMailExtra, LinkPurpose, login_link_mail, one_time_code_mail
from ehoks.mail.outbox import enqueue_mail, enqueue_noop

PURPOSES: tuple[LinkPurpose, ...] = ("tyopaikka", "jako")
# Longer input is not a token we issued; refusing it early keeps hashing bounded.
MAX_TOKEN_LENGTH = 128
TARGET_MAX_LENGTH = 64  # the column's width
# The address of a decoy challenge (``start`` with ``deliver=False``): a reserved domain
# (RFC 2606) that no one can log in with, and no visitor's typed address kept.
DECOY_ADDRESS = "decoy@ehoks.invalid"


class EmailLoginSettings(BaseModel):
    """Lifetimes and limits of the e-mail login."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    link_ttl_minutes: int = Field(default=72 * 60, gt=0)
    """How long a mailed link can be opened. 72 hours: instructors and assessors read their mail
    at work, so a link sent on a Friday afternoon must still work on Monday morning. The link
    alone logs nobody in; the code sent to the same address does."""

    code_ttl_minutes: int = Field(default=10, gt=0)
    """How long a one-time code works: enough to switch to the mail program and back, short
    enough that a code read over someone's shoulder is soon worthless. Never past the link's
    own expiry."""

    max_attempts: int = Field(default=5, ge=1)
    """Wrong codes allowed per code sent; the last one locks the link for good."""

    max_codes_per_link: int = Field(default=5, ge=1)
    """Codes one link may send. With ``max_attempts`` this bounds the guesses per link
    (25 of a million by default) and keeps a link from being used to flood a mailbox."""

    code_length: int = Field(default=6, ge=6, le=10)
    """Digits in a code. Six is what people are used to typing from a phone."""


@dataclass(frozen=True)
class ChallengeInfo:
    """What the page behind a link may show. The address is masked: whoever holds the link
    need not be who it was sent to (a forwarded mail)."""

    sahkoposti_masked: str
    purpose: LinkPurpose
    target: str | None
    link_expires_at: datetime
    code_sent: bool
    """A code has been sent and can still be entered (so the page shows the code field)."""
    code_expires_at: datetime | None


@dataclass(frozen=True)
class VerifiedEmail:
    """The outcome of a right code: this person controls ``sahkoposti``."""

    sahkoposti: str
    purpose: LinkPurpose
    target: str | None


@dataclass(frozen=True)
class Rejection:
    """A refused code. The attempt is already counted in the session: commit, then raise
    ``error`` (``CodeRejected`` 400, or ``TooManyAttempts`` 429 when this try locked the link)."""

    error: CodeRejected | TooManyAttempts
    attempts_left: int


def start(
    session: Session,
    *,
    sahkoposti: str,
    purpose: LinkPurpose,
    target: str | None,
    link_base_url: str,
    settings: EmailLoginSettings,
    now: datetime,
    mail_extra: LinkMailExtra | None = None,
    deliver: bool = True,
) -> None:
    """Create a challenge and write the mail of its link, ``{link_base_url}/{token}``, to
    ``sahkoposti`` into the outbox, both in the caller's transaction.

    ``deliver=False`` does the same work and statements without anything reaching anyone: the
    challenge is stored under ``DECOY_ADDRESS`` (its token is dropped) and the outbox job is a
    ``noop``. A form anyone can fill in uses it for an address that gets no mail, so that the
    answer and its time do not tell the two apart. ``InvalidEmailAddress`` when the address is
    not one.
    """
    address = normalise_address(sahkoposti)
    link = create_link(
        session,
        sahkoposti=address if deliver else DECOY_ADDRESS,
        purpose=purpose,
        target=target,
        link_base_url=link_base_url,
        settings=settings,
        now=now,
    )
    mail = login_link_mail(address, link.url, link.expires_at, purpose, **(mail_extra or {}))
    if deliver:
        enqueue_mail(session, mail)
    else:
        enqueue_noop(session, mail)


@dataclass(frozen=True)
class NewLink:
    sahkoposti: str
    url: str = field(repr=False)
    expires_at: datetime


def create_link(
    session: Session,
    *,
    sahkoposti: str,
    purpose: LinkPurpose,
    target: str | None,
    link_base_url: str,
    settings: EmailLoginSettings,
    now: datetime,
) -> NewLink:
    """Create a challenge and return its link without mailing it, for a caller whose own mail
        carries the link (a share notice). The caller writes that mail to the outbox in the same
    transaction."""
    _require_aware(now)
    if purpose not in PURPOSES:
        raise ValueError(f"unknown e-mail login purpose {purpose!r}")
    if target is not None and len(target) > TARGET_MAX_LENGTH:
        raise ValueError(f"target longer than {TARGET_MAX_LENGTH} characters")
    address = normalise_address(sahkoposti)
    token = secrets.token_urlsafe(32)
    challenge = EmailChallenge(
        id=token_id(token),
        sahkoposti=address,
        purpose=purpose,
        target=target,
        code_hash=None,
        attempts=0,
        created_at=now,
        link_expires_at=now + timedelta(minutes=settings.link_ttl_minutes),
        code_expires_at=None,
        used_at=None,
    )
    EmailChallengeRepository(session).add(challenge)
    return NewLink(address, f"{link_base_url.rstrip('/')}/{token}", challenge.link_expires_at)


def describe(session: Session, token: str, *, now: datetime) -> ChallengeInfo:
    """The state of the link ``token`` for its landing page.

    Raises ``LinkNotFound`` (404), ``LinkExpired`` or ``LinkUsed`` (410), or ``TooManyAttempts``
    (429) when wrong codes locked it.
    """
    _require_aware(now)
    challenge = _usable(EmailChallengeRepository(session).get(_lookup_id(token)), now)
    code_live = (
        challenge.code_hash is not None
        and challenge.code_expires_at is not None
        and now < challenge.code_expires_at
    )
    return ChallengeInfo(
        sahkoposti_masked=mask_address(challenge.sahkoposti),
        purpose=_purpose(challenge),
        target=challenge.target,
        link_expires_at=challenge.link_expires_at,
        code_sent=code_live,
        code_expires_at=challenge.code_expires_at if code_live else None,
    )


def link_address(session: Session, token: str, *, now: datetime) -> str:
    """The address a usable link was sent to (for the per-address limits; never shown).
    Raises as ``describe`` does."""
    _require_aware(now)
    return _usable(EmailChallengeRepository(session).get(_lookup_id(token)), now).sahkoposti


def send_code(
    session: Session,
    *,
    token: str,
    settings: EmailLoginSettings,
    now: datetime,
) -> None:
    """Write a mail with a fresh one-time code to the link's address into the outbox. An
    earlier code stops working and the attempt count starts over.

    Raises as ``describe`` does, and ``TooManyCodes`` (429) after ``max_codes_per_link`` codes.
    """
    _require_aware(now)
    challenge = _usable(EmailChallengeRepository(session).get_for_update(_lookup_id(token)), now)
    codes_sent = _codes_sent(challenge.code_hash)
    if codes_sent >= settings.max_codes_per_link:
        raise TooManyCodes(settings.max_codes_per_link)
    code = f"{secrets.randbelow(10**settings.code_length):0{settings.code_length}d}"
    challenge.code_hash = _store_code(codes_sent + 1, _hasher().hash(code))
    challenge.attempts = 0
    # A code never outlives its link, so the link's expiry is the one bound for cleanup.
    expires_at = min(now + timedelta(minutes=settings.code_ttl_minutes), challenge.link_expires_at)
    challenge.code_expires_at = expires_at
    session.flush()
    enqueue_mail(session, one_time_code_mail(challenge.sahkoposti, code, expires_at))


def verify(
    session: Session,
    *,
    token: str,
    code: str,
    settings: EmailLoginSettings,
    now: datetime,
) -> VerifiedEmail | Rejection:
    """Check ``code`` against the link's latest code.

    A right code marks the link used and returns ``VerifiedEmail``. A wrong or malformed one
    returns a ``Rejection`` whose attempt is counted in ``session``: the caller must **commit
    and then raise** ``rejection.error``, or the count is lost with the rollback and the
    attempt limit does nothing. The ``max_attempts``-th wrong code locks the link.

    Raises (nothing changed, so nothing to commit) ``LinkNotFound``, ``LinkExpired``,
    ``LinkUsed``, ``TooManyAttempts`` (already locked), ``NoCodeSent`` and ``CodeExpired``.
    """
    _require_aware(now)
    challenge = _usable(EmailChallengeRepository(session).get_for_update(_lookup_id(token)), now)
    if challenge.code_hash is None or challenge.code_expires_at is None:
        raise NoCodeSent()
    if now >= challenge.code_expires_at:
        raise CodeExpired()
    attempts_left = settings.max_attempts - challenge.attempts
    candidate = "".join(code.split())  # "123 456" as the mail may be read aloud or copied
    if not (len(candidate) == settings.code_length and candidate.isascii() and candidate.isdigit()):
        # Cannot be right, so it costs no attempt (a typo, or letters in the field).
        return Rejection(
            CodeRejected(attempts_left, reason=f"the code is {settings.code_length} digits"),
            attempts_left,
        )
    if _code_matches(challenge.code_hash, candidate):
        challenge.used_at = now
        challenge.code_hash = None
        # Zero attempts on a used link tells "logged in" apart from "locked" (see _usable).
        challenge.attempts = 0
        session.flush()
        return VerifiedEmail(
            sahkoposti=challenge.sahkoposti, purpose=_purpose(challenge), target=challenge.target
        )
    challenge.attempts += 1
    attempts_left -= 1
    if attempts_left <= 0:
        challenge.used_at = now
        challenge.code_hash = None
        session.flush()
        return Rejection(TooManyAttempts(), 0)
    session.flush()
    return Rejection(CodeRejected(attempts_left), attempts_left)


def recently_sent(
    session: Session, sahkoposti: str, purpose: LinkPurpose, *, now: datetime, minutes: int
) -> bool:
    """Whether a link for this address and purpose went out less than ``minutes`` ago (so
    that a form anyone can fill in cannot be used to flood someone's mailbox)."""
    latest = EmailChallengeRepository(session).latest_created(
        normalise_address(sahkoposti), purpose
    )
    if latest is None:
        return False
    if latest.tzinfo is None:  # SQLite's aggregate returns the stored text without its zone
        latest = latest.replace(tzinfo=UTC)
    return now - latest < timedelta(minutes=minutes)


def purge_expired(session: Session, *, now: datetime) -> int:
    """Delete the challenges whose links have expired (codes never outlive them); returns how
    many. Used ones go too: past expiry "expired" and "used" no longer need telling apart."""
    _require_aware(now)
    return EmailChallengeRepository(session).delete_expired(now)


def normalise_address(sahkoposti: str) -> str:
    """The address as stored and mailed: stripped and lower-cased, so one person's links and
    sessions share one key however the address was typed. Raises ``InvalidEmailAddress`` for
    text that cannot be one address."""
    address = normalise_email(sahkoposti)
    local, _, domain = address.rpartition("@")
    if (
        not local
        or not domain
        or len(address) > 320
        or any(ch.isspace() or ord(ch) < 32 or ch in '<>,;"()' for ch in address)
    ):
        raise InvalidEmailAddress(sahkoposti, "not an e-mail address")
    return address


def mask_address(sahkoposti: str) -> str:
    """``matti.meikalainen@example.fi`` → ``m***@example.fi``: enough to recognise one's own
    address, not enough to learn someone else's."""
    local, _, domain = sahkoposti.rpartition("@")
    return f"{local[:1]}***@{domain}"


def token_id(token: str) -> str:
    """The primary key of the challenge of a link token: its SHA-256 in hex, as sessions'."""
    return sessions.token_id(token)


def _lookup_id(token: str) -> str:
    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise LinkNotFound()
    return token_id(token)


def _usable(challenge: EmailChallenge | None, now: datetime) -> EmailChallenge:
    if challenge is None:
        raise LinkNotFound()
    if challenge.used_at is not None:
        # verify() leaves attempts at zero on success and at the limit when it locks the link.
        if challenge.attempts > 0:
            raise TooManyAttempts()
        raise LinkUsed()
    if now >= challenge.link_expires_at:
        raise LinkExpired()
    return challenge


def _purpose(challenge: EmailChallenge) -> LinkPurpose:
    if challenge.purpose not in PURPOSES:
        raise ValueError(f"e-mail challenge with unknown purpose {challenge.purpose!r}")
    return challenge.purpose


# The table has no column for the number of codes sent, so it rides in front of the hash:
# "<codes sent>:<argon2 encoded hash>". The count must survive each new code, and the hash is
# replaced with every code, so they change together.


def _store_code(codes_sent: int, encoded_hash: str) -> str:
    return f"{codes_sent}:{encoded_hash}"


def _codes_sent(code_hash: str | None) -> int:
    if code_hash is None:
        return 0
    return int(code_hash.partition(":")[0])


def _code_matches(code_hash: str, candidate: str) -> bool:
    # argon2 compares the digests in constant time.
    try:
        return _hasher().verify(code_hash.partition(":")[2], candidate)
    except VerifyMismatchError:
        return False


@functools.cache
def _hasher() -> PasswordHasher:
    # argon2id with OWASP's minimum profile (19 MiB, 2 passes, 1 lane): tens of milliseconds per
    # code, so a copied table cannot be run through all million codes cheaply. argon2-cffi's
    # default (64 MiB) would cost 640 MiB per process when ten request threads check codes at
    # once, for little gain: the link token, not the code, is what a copy of the table lacks.
    return PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


def _require_aware(now: datetime) -> None:
    if now.tzinfo is None:
        raise ValueError("now must be a timezone-aware datetime")
