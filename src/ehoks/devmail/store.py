"""The caught mails on disk: one ``<id>.eml`` file per mail in one directory.

The id is the file's stem and starts with the UTC time the mail was taken at, to the
microsecond, so ids sort oldest first and tell the received time. Files are written under a
temporary name and renamed into place, so a reader never sees half a mail, and several
processes may read (and prune) the directory at once.
"""

from __future__ import annotations

import os
import re
import secrets
from datetime import UTC, datetime
from pathlib import Path

from ehoks.kernel.clock import now_utc

SUFFIX = ".eml"
MAIL_ID = re.compile(r"[0-9]{8}T[0-9]{12}Z-[0-9a-f]{8}")
"""The form of every id this store gives: ``20261206T085812123456Z-0a1b2c3d``."""
_TIME_FORMAT = "%Y%m%dT%H%M%S%fZ"

ENVELOPE_FROM = "X-Envelope-From"
ENVELOPE_TO = "X-Envelope-To"
"""Headers the catcher puts before each mail: the SMTP envelope's sender and recipients."""


class InvalidMailId(ValueError):
    """An id that is not one the store gives (e.g. a path): never used to open a file."""

    def __init__(self, mail_id: str) -> None:
        super().__init__(f"not a mail id: {mail_id!r}")
        self.mail_id = mail_id


def new_mail_id(received: datetime) -> str:
    """A fresh id for a mail taken at ``received`` (an aware datetime)."""
    return f"{received.astimezone(UTC).strftime(_TIME_FORMAT)}-{secrets.token_hex(4)}"


def received_at(mail_id: str) -> datetime:
    """When the mail of ``mail_id`` was taken, in UTC."""
    return datetime.strptime(check_mail_id(mail_id)[:22], _TIME_FORMAT).replace(tzinfo=UTC)


def check_mail_id(mail_id: str) -> str:
    """``mail_id`` itself when it is an id of this store, else ``InvalidMailId``."""
    if not MAIL_ID.fullmatch(mail_id):
        raise InvalidMailId(mail_id)
    return mail_id


def mail_path(directory: Path, mail_id: str) -> Path:
    """The file of ``mail_id`` in ``directory``; ``InvalidMailId`` for anything but an id."""
    return directory / f"{check_mail_id(mail_id)}{SUFFIX}"


def mail_ids(directory: Path) -> list[str]:
    """The ids of the mails in ``directory``, newest first; none when it does not exist."""
    try:
        names = os.listdir(directory)
    except FileNotFoundError:
        return []
    ids = [
        name[: -len(SUFFIX)]
        for name in names
        if name.endswith(SUFFIX) and MAIL_ID.fullmatch(name[: -len(SUFFIX)])
    ]
    return sorted(ids, reverse=True)


def with_envelope(raw: bytes, mail_from: str, rcpt_tos: list[str]) -> bytes:
    """``raw`` with the envelope's sender and recipients as headers on top, as a mail server
    adds ``Return-Path`` on delivery."""

    def clean(address: str) -> str:
        return "".join(c for c in address if c.isprintable())

    recipients = ", ".join(clean(address) for address in rcpt_tos)
    head = f"{ENVELOPE_FROM}: {clean(mail_from)}\r\n{ENVELOPE_TO}: {recipients}\r\n"
    return head.encode("utf-8") + raw


def save_mail(directory: Path, raw: bytes, *, keep: int, received: datetime | None = None) -> str:
    """Keep ``raw`` (a whole message) as a new mail in ``directory``, created if missing, then
    delete the oldest mails beyond ``keep``. Returns the new mail's id."""
    directory.mkdir(parents=True, exist_ok=True)
    mail_id = new_mail_id(received or now_utc())
    partial = directory / f".{mail_id}.partial"
    partial.write_bytes(raw)
    os.replace(partial, mail_path(directory, mail_id))
    prune(directory, keep=keep)
    return mail_id


def prune(directory: Path, *, keep: int) -> int:
    """Delete all but the newest ``keep`` mails; returns how many were deleted."""
    deleted = 0
    for mail_id in mail_ids(directory)[keep:]:
        try:
            mail_path(directory, mail_id).unlink()
        except FileNotFoundError:
            continue  # another process pruned it first
        deleted += 1
    return deleted
