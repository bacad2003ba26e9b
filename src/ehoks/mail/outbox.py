"""Mail through the outbox: rendered mails are written as jobs of kind ``mail`` in the caller's
transaction, and the worker's handler sends them over SMTP.

The payload is the rendered mail (recipient, subject, bodies), so what is sent is what the
transaction decided, even if templates change before the worker runs. A login link or code in it
is a secret: it is never logged nor listed (``ehoks outbox list`` shows no payloads), and the
payload is erased when the job is done (docs/security.md, "Mail").
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from ehoks.logsafe import redact
from ehoks.mail.errors import InvalidEmailAddress, MailUnavailable
from ehoks.mail.sender import Mailer, OutgoingMail, check_recipient
from ehoks.outbox.service import enqueue
from ehoks.outbox.worker import Handler, JobFailed

MAIL = "mail"
NOOP = "noop"
"""A job that does nothing: written where a request must do the same work whether or not a
mail goes out (the workplace login's answer must not tell a known address from an unknown)."""


def enqueue_mail(session: Session, mail: OutgoingMail) -> int | None:
    """Write ``mail`` to the outbox in ``session``'s transaction. Raises
    ``InvalidEmailAddress`` (400) when the recipient is not one well-formed address."""
    check_recipient(mail.to)
    return enqueue(session, MAIL, payload(mail))


def enqueue_noop(session: Session, mail: OutgoingMail) -> int | None:
    """Write a job of the same size as ``mail``'s that sends nothing (see ``NOOP``)."""
    check_recipient(mail.to)
    return enqueue(session, NOOP, dict.fromkeys(payload(mail), ""))


def payload(mail: OutgoingMail) -> dict[str, Any]:
    return {"to": mail.to, "subject": mail.subject, "text": mail.text, "html": mail.html}


def mail_handler(mailer: Mailer) -> Handler[object]:
    """The worker's handler of ``mail`` jobs. An address the server refuses for good (5xx)
    makes the job dead at once; anything else the server does is tried again later. The mail
    was rendered when the job was written, so the job's context has nothing to add."""

    def handle(_context: object, job: dict[str, Any]) -> None:
        mail = OutgoingMail(
            to=str(job["to"]),
            subject=str(job["subject"]),
            text=str(job["text"]),
            html=None if job.get("html") is None else str(job["html"]),
        )
        try:
            mailer.send(mail)
        except InvalidEmailAddress as error:
            raise JobFailed(f"InvalidEmailAddress: {error.reason}", permanent=True) from error
        except MailUnavailable as error:
            cause = f" ({redact(error.cause)})" if error.cause else ""
            raise JobFailed(f"MailUnavailable: {error.reason}{cause}") from error

    return handle


def noop_handler(_context: object, job: dict[str, Any]) -> None:
    """The handler of ``noop`` jobs: nothing to do."""


def mail_handlers(mailer: Mailer) -> dict[str, Handler[object]]:
    """The handlers of the kinds this module writes."""
    return {MAIL: mail_handler(mailer), NOOP: noop_handler}
