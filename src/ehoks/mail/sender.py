"""Sending mail: the ``Mailer`` port and its SMTP implementation.

Domain code never sends: it writes the mail to the outbox (``ehoks.mail.outbox``) in its own
transaction, and the outbox worker hands it to a ``Mailer`` (DESIGN D5) with no transaction open.
``SmtpMailer`` opens one connection per mail: eHOKS sends a handful of login mails a minute, and
a long-lived connection would have to survive the server's idle timeouts between them.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email import policy
from email.errors import HeaderParseError
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from typing import Protocol

from ehoks.kernel.clock import now_utc
from ehoks.mail.errors import InvalidEmailAddress, MailUnavailable
from ehoks.mail.settings import SmtpSettings


@dataclass(frozen=True)
class OutgoingMail:
    """One mail to one recipient: a plain-text body and optionally the same as HTML."""

    to: str
    subject: str
    text: str
    html: str | None = None


class Mailer(Protocol):
    """Delivers a mail or raises: ``MailUnavailable`` when it cannot now, ``InvalidEmailAddress``
    when the recipient is refused for good. Returning means the server took the mail."""

    def send(self, mail: OutgoingMail) -> None: ...


class SmtpMailer:
    """Sends through the SMTP server of ``SmtpSettings``."""

    def __init__(self, settings: SmtpSettings) -> None:
        self._settings = settings
        # Message-IDs name the sender's domain; make_msgid() would otherwise ask DNS for this
        # host's FQDN on every mail, which can take seconds on a badly configured host.
        self._domain = parseaddr(settings.sender)[1].rpartition("@")[2] or "ehoks.invalid"

    def send(self, mail: OutgoingMail) -> None:
        message = self.build(mail)
        try:
            smtp = self._connect()
            try:
                smtp.send_message(message)
            finally:
                _quit_quietly(smtp)
        except smtplib.SMTPRecipientsRefused as refused:
            raise _recipient_refused(mail.to, refused) from refused
        except smtplib.SMTPResponseException as error:
            raise MailUnavailable(
                "the mail server did not accept the mail",
                cause=f"{error.smtp_code} {error.smtp_error!r}",
            ) from error
        except smtplib.SMTPServerDisconnected as error:
            # smtplib reports a read timeout as a lost connection; the cause tells them apart.
            if isinstance(error.__context__, TimeoutError):
                raise MailUnavailable("the mail server did not answer in time") from error
            raise MailUnavailable("the mail server broke off", cause=repr(error)) from error
        except smtplib.SMTPException as error:
            raise MailUnavailable("the mail server broke off", cause=repr(error)) from error
        except ssl.SSLError as error:
            raise MailUnavailable(
                "no secure connection to the mail server", cause=repr(error)
            ) from error
        except TimeoutError as error:
            raise MailUnavailable("the mail server did not answer in time") from error
        except OSError as error:
            # Connection refused, host unreachable, name not resolved.
            raise MailUnavailable(
                "could not connect to the mail server", cause=repr(error)
            ) from error

    def build(self, mail: OutgoingMail) -> EmailMessage:
        """The MIME message of ``mail``: multipart/alternative when it has HTML.

        Raises ``InvalidEmailAddress`` when ``mail.to`` is not exactly one well-formed address.
        """
        # The SMTP policy writes CRLF line ends and encodes non-ASCII headers (RFC 2047), and
        # refuses CR/LF inside a header value, which would otherwise let an address or a
        # subject inject headers.
        message = EmailMessage(policy=policy.SMTP)
        _set_recipient(message, mail.to)
        message["From"] = self._settings.sender
        message["Subject"] = mail.subject
        message["Date"] = format_datetime(now_utc())
        message["Message-ID"] = make_msgid(domain=self._domain)
        message.set_content(mail.text)
        if mail.html is not None:
            message.add_alternative(mail.html, subtype="html")
        return message

    def _connect(self) -> smtplib.SMTP:
        settings = self._settings
        smtp: smtplib.SMTP
        if settings.security == "ssl":
            smtp = smtplib.SMTP_SSL(
                settings.host,
                settings.port,
                timeout=settings.timeout_seconds,
                context=ssl.create_default_context(),
            )
        else:
            smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout_seconds)
        try:
            if settings.security == "starttls":
                smtp.starttls(context=ssl.create_default_context())
            if settings.username is not None:
                password = settings.password.get_secret_value() if settings.password else ""
                smtp.login(settings.username.get_secret_value(), password)
        except BaseException:
            smtp.close()
            raise
        return smtp


def check_recipient(address: str) -> None:
    """Raise ``InvalidEmailAddress`` unless ``address`` is exactly one well-formed address, as
    ``SmtpMailer.build`` requires (so a mail is refused when it is written, not when sent)."""
    _set_recipient(EmailMessage(policy=policy.SMTP), address)


def _set_recipient(message: EmailMessage, address: str) -> None:
    try:
        message["To"] = address
        to = message["To"]
    except (ValueError, HeaderParseError, IndexError) as error:
        raise InvalidEmailAddress(address, "not an e-mail address") from error
    addresses = to.addresses
    if to.defects or len(addresses) != 1 or not addresses[0].username or not addresses[0].domain:
        raise InvalidEmailAddress(address, "not an e-mail address")


def _recipient_refused(address: str, refused: smtplib.SMTPRecipientsRefused) -> Exception:
    # One recipient per mail, so the dict holds exactly that one. A 4xx answer (mailbox busy,
    # greylisting) may pass later; only a 5xx one says the address itself is wrong.
    codes = [code for code, _ in refused.recipients.values()]
    if codes and all(500 <= code < 600 for code in codes):
        return InvalidEmailAddress(address, f"the mail server refuses it: {codes[0]}")
    return MailUnavailable("the mail server put off the recipient", cause=repr(refused.recipients))


def _quit_quietly(smtp: smtplib.SMTP) -> None:
    # Once the server has taken the mail, a failed goodbye must not turn the send into an
    # error: the caller would roll back a transaction whose mail is already on its way.
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        pass
    finally:
        smtp.close()
