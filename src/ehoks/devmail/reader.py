"""Reading the caught mails: newest first, or one by id.

Every call reads the directory anew, so each worker process of the server sees the mails that
the catcher (in another process, maybe) has kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesParser
from pathlib import Path

from ehoks.devmail.store import ENVELOPE_TO, mail_ids, mail_path, received_at

_LINK = re.compile(r"https?://[^\s<>\"'`]+")
_TRAILING = ".,;:!?"


@dataclass(frozen=True)
class CaughtMail:
    """One mail the catcher took."""

    id: str
    """The file stem of the mail in the catcher's directory."""
    received: datetime
    """When the catcher took it (aware, UTC)."""
    sender: str
    """The ``From`` header as written, e.g. ``eHOKS <noreply@ehoks.invalid>``."""
    to: tuple[str, ...]
    """The addresses it was delivered to (the SMTP envelope; the ``To`` header failing that)."""
    subject: str
    text: str
    """The text/plain body; empty when the mail has none."""
    html: str | None
    """The text/html body, or ``None`` for a text-only mail."""
    links: tuple[str, ...]
    """The http(s) addresses in ``text``, in order, each once."""


def list_mails(directory: Path, *, limit: int | None = None) -> list[CaughtMail]:
    """The mails in ``directory``, newest first (at most ``limit``); none when it is missing."""
    mails: list[CaughtMail] = []
    for mail_id in mail_ids(directory):
        if limit is not None and len(mails) >= limit:
            break
        mail = read_mail(directory, mail_id)
        if mail is not None:  # pruned since listed
            mails.append(mail)
    return mails


def read_mail(directory: Path, mail_id: str) -> CaughtMail | None:
    """The mail ``mail_id``, or ``None`` when there is no such mail.

    Raises ``ehoks.devmail.store.InvalidMailId`` (a ``ValueError``) for an id that is not a
    plain file stem of the store's form, before touching the file system.
    """
    path = mail_path(directory, mail_id)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    return parse_mail(mail_id, raw)


def parse_mail(mail_id: str, raw: bytes) -> CaughtMail:
    """``raw`` (as the catcher kept it) as a ``CaughtMail`` of id ``mail_id``."""
    # SMTP carries CRLF; Python text has LF, as a mail program shows it.
    message = BytesParser(policy=policy.default).parsebytes(raw.replace(b"\r\n", b"\n"))
    assert isinstance(message, EmailMessage)
    text = _body(message, "plain") or ""
    return CaughtMail(
        id=mail_id,
        received=received_at(mail_id),
        sender=_header(message, "From"),
        to=_recipients(message),
        subject=_header(message, "Subject"),
        text=text,
        html=_body(message, "html"),
        links=find_links(text),
    )


def find_links(text: str) -> tuple[str, ...]:
    """The http(s) addresses in ``text``, in order, each once, without a sentence's final
    punctuation."""
    links: dict[str, None] = {}
    for match in _LINK.finditer(text):
        link = match.group(0).rstrip(_TRAILING)
        if link.endswith(")") and "(" not in link:
            link = link[:-1].rstrip(_TRAILING)
        links.setdefault(link, None)
    return tuple(links)


def _header(message: EmailMessage, name: str) -> str:
    try:
        value = message[name]
    except (ValueError, IndexError):  # a header too broken to parse
        return ""
    return "" if value is None else str(value)


def _recipients(message: EmailMessage) -> tuple[str, ...]:
    envelope = _header(message, ENVELOPE_TO)
    if envelope:
        return tuple(address.strip() for address in envelope.split(",") if address.strip())
    try:
        to = message["To"]
        addresses = to.addresses if to is not None else ()
    except (ValueError, IndexError, AttributeError):
        return ()
    return tuple(address.addr_spec for address in addresses)


def _body(message: EmailMessage, subtype: str) -> str | None:
    part = message.get_body(preferencelist=(subtype,))
    if part is None or part.get_content_type() != f"text/{subtype}":
        return None
    try:
        content = part.get_content()
    except (LookupError, ValueError):  # an unknown charset or a broken encoding
        return _decoded_leniently(part)
    return content if isinstance(content, str) else None


def _decoded_leniently(part: Message) -> str:
    payload = part.get_payload(decode=True)
    return payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
