"""SmtpMailer against a real local SMTP server: what arrives, and how failures surface."""

from __future__ import annotations

from email.utils import parsedate_to_datetime

import pytest

from ehoks.errors import BadRequest
from ehoks.mail.errors import InvalidEmailAddress, MailUnavailable
from ehoks.mail.sender import OutgoingMail, SmtpMailer
from ehoks.settings.mail import SmtpSettings

pytest_plugins = ["tests.fakes.smtp"]

SUBJECT = "eHOKS: kertakäyttöinen koodi – engångskod för inloggning"


def test_delivers_plain_and_html_as_alternatives(smtp_server):
    mail = OutgoingMail(
        to="olli.ohjaaja@example.fi",
        subject=SUBJECT,
        text="Hei Ölli,\nkoodisi on alla.\n",
        html="<p>Hei <b>Ölli</b>, koodisi on alla.</p>",
    )

    SmtpMailer(smtp_server.settings()).send(mail)

    (received,) = smtp_server.deliveries
    assert received.rcpt_tos == ("olli.ohjaaja@example.fi",)
    assert received.mail_from == "noreply@ehoks.invalid"
    message = received.message
    assert message.get_content_type() == "multipart/alternative"
    assert message["To"] == "olli.ohjaaja@example.fi"
    assert message["From"] == "eHOKS <noreply@ehoks.invalid>"
    assert message["Subject"] == SUBJECT
    assert smtp_server.plain_text(message) == "Hei Ölli,\nkoodisi on alla.\n"
    assert smtp_server.html_text(message) == "<p>Hei <b>Ölli</b>, koodisi on alla.</p>\n"
    assert message["Message-ID"].endswith("@ehoks.invalid>")
    assert parsedate_to_datetime(message["Date"]).tzinfo is not None


def test_text_only_mail_is_a_single_part(smtp_server):
    SmtpMailer(smtp_server.settings()).send(
        OutgoingMail(to="a@example.fi", subject="Hei", text="vain tekstiä\n", html=None)
    )

    (message,) = smtp_server.messages
    assert message.get_content_type() == "text/plain"
    assert message.get_content_charset() == "utf-8"
    assert smtp_server.html_text(message) is None


def test_message_ids_are_unique_and_name_the_senders_domain(smtp_server):
    mailer = SmtpMailer(smtp_server.settings(sender="eHOKS <ehoks@opintopolku.example>"))
    for _ in range(2):
        mailer.send(OutgoingMail(to="a@example.fi", subject="s", text="t"))

    ids = [message["Message-ID"] for message in smtp_server.messages]
    assert len(set(ids)) == 2
    assert all(i.endswith("@opintopolku.example>") for i in ids)


def test_non_ascii_subject_is_encoded_on_the_wire():
    # build() never connects, so the default settings do.
    mailer = SmtpMailer(SmtpSettings())
    raw = mailer.build(OutgoingMail(to="a@example.fi", subject=SUBJECT, text="t")).as_bytes()

    headers = raw.split(b"\r\n\r\n", 1)[0]
    assert headers.isascii()
    (subject,) = [line for line in headers.split(b"\r\n") if line.startswith(b"Subject:")]
    assert b"=?utf-8?" in subject


def test_nothing_listening_is_a_503_with_retry_after(unreachable_smtp):
    with pytest.raises(MailUnavailable) as caught:
        SmtpMailer(unreachable_smtp).send(OutgoingMail(to="a@example.fi", subject="s", text="t"))

    error = caught.value
    assert error.status_code == 503
    assert int(error.headers["Retry-After"]) > 0
    assert error.detail.startswith("The e-mail service is unavailable (could not connect")
    assert error.detail.endswith("Nothing was saved; try again later.")
    assert "127.0.0.1" not in error.detail


def test_a_server_that_never_answers_times_out_as_503(silent_smtp):
    with pytest.raises(MailUnavailable, match="did not answer in time"):
        SmtpMailer(silent_smtp).send(OutgoingMail(to="a@example.fi", subject="s", text="t"))


def test_permanently_refused_recipient_is_a_bad_request(smtp_server):
    smtp_server.refuse("nobody@example.fi")

    with pytest.raises(InvalidEmailAddress) as caught:
        SmtpMailer(smtp_server.settings()).send(
            OutgoingMail(to="nobody@example.fi", subject="s", text="t")
        )

    assert isinstance(caught.value, BadRequest)
    assert caught.value.status_code == 400
    assert caught.value.detail.startswith("sahkoposti: 'nobody@example.fi'")
    assert "550" in caught.value.detail
    assert smtp_server.messages == []


def test_temporarily_refused_recipient_is_unavailable_not_invalid(smtp_server):
    smtp_server.refuse("busy@example.fi", "450 4.2.1 Mailbox busy, try later")

    with pytest.raises(MailUnavailable):
        SmtpMailer(smtp_server.settings()).send(
            OutgoingMail(to="busy@example.fi", subject="s", text="t")
        )

    assert smtp_server.messages == []


@pytest.mark.parametrize(
    "address",
    [
        "olli@example.fi\r\nBcc: everyone@example.fi",
        "not an address",
        "a@example.fi, b@example.fi",
        "",
    ],
)
def test_malformed_addresses_are_refused_before_connecting(smtp_server, address):
    with pytest.raises(InvalidEmailAddress):
        SmtpMailer(smtp_server.settings()).send(OutgoingMail(to=address, subject="s", text="t"))

    assert smtp_server.messages == []


def test_header_injection_through_the_subject_is_refused(smtp_server):
    with pytest.raises(ValueError, match="linefeed"):
        SmtpMailer(smtp_server.settings()).send(
            OutgoingMail(to="a@example.fi", subject="Hei\r\nBcc: x@example.fi", text="t")
        )

    assert smtp_server.messages == []
