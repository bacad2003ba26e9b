"""Real mail through ``SmtpMailer`` into a running catcher, read back from its directory."""

from __future__ import annotations

import smtplib
import socket
from datetime import UTC, datetime, timedelta

import pytest

from ehoks.config import Settings
from ehoks.devmail.reader import find_links, list_mails, read_mail
from ehoks.devmail.server import MailCatcher
from ehoks.devmail.store import InvalidMailId, mail_ids, new_mail_id, prune, save_mail
from ehoks.mail.sender import OutgoingMail, SmtpMailer

LOGIN_LINK = "http://localhost:8010/ehoks/tyopaikka/kirjaudu/linkki?tunniste=Abc-123_x"
SHARE_LINK = "https://ehoks.example/ehoks/jako/7f3e"


@pytest.fixture
def catcher(tmp_path):
    with MailCatcher(tmp_path / "mail", port=0, keep=5) as running:
        yield running


def _mailer(catcher: MailCatcher) -> SmtpMailer:
    # The application's settings with the catcher on: whatever the SMTP settings said, the
    # effective ones point at the catcher.
    settings = Settings(
        environment="test",
        smtp={"host": "smtp.example.invalid", "port": 587, "security": "starttls"},
        mail_catcher={"enabled": True, "port": catcher.port, "directory": catcher.directory},
    )
    return SmtpMailer(settings.smtp)


def test_mail_sent_through_the_smtp_mailer_is_read_back(catcher):
    before = datetime.now(UTC)
    _mailer(catcher).send(
        OutgoingMail(
            to="Olli.Ohjaaja@example.fi",
            subject="eHOKS: kirjautumislinkki – inloggningslänk",
            text=f"Hei Ölli,\nkirjaudu tästä: {LOGIN_LINK}.\nJaettu: {SHARE_LINK}\n"
            f"Uudelleen: {LOGIN_LINK}\n",
            html=f'<p>Hei <b>Ölli</b>, <a href="{LOGIN_LINK}">kirjaudu</a></p>',
        )
    )

    (mail,) = list_mails(catcher.directory)
    assert mail.subject == "eHOKS: kirjautumislinkki – inloggningslänk"
    assert mail.to == ("Olli.Ohjaaja@example.fi",)
    assert mail.sender == "eHOKS <noreply@ehoks.invalid>"
    assert mail.text.startswith("Hei Ölli,\nkirjaudu tästä: http://")
    assert mail.html == f'<p>Hei <b>Ölli</b>, <a href="{LOGIN_LINK}">kirjaudu</a></p>\n'
    assert mail.links == (LOGIN_LINK, SHARE_LINK)
    assert mail.received.tzinfo is not None
    assert before - timedelta(seconds=1) <= mail.received <= datetime.now(UTC)
    assert read_mail(catcher.directory, mail.id) == mail
    assert (catcher.directory / f"{mail.id}.eml").is_file()


def test_text_only_mail_has_no_html(catcher):
    _mailer(catcher).send(OutgoingMail(to="a@example.fi", subject="Koodi", text="123456\n"))

    (mail,) = list_mails(catcher.directory)
    assert mail.html is None
    assert mail.text == "123456\n"
    assert mail.links == ()


def test_mails_are_listed_newest_first_and_the_oldest_beyond_the_limit_deleted(catcher):
    mailer = _mailer(catcher)
    for number in range(7):  # the fixture keeps 5
        mailer.send(OutgoingMail(to="a@example.fi", subject=f"mail {number}", text="t"))

    mails = list_mails(catcher.directory)
    assert [mail.subject for mail in mails] == [f"mail {n}" for n in (6, 5, 4, 3, 2)]
    assert len(list(catcher.directory.glob("*.eml"))) == 5
    assert [mail.subject for mail in list_mails(catcher.directory, limit=2)] == [
        "mail 6",
        "mail 5",
    ]


def test_envelope_recipients_are_the_ones_listed(catcher):
    with smtplib.SMTP(catcher.host, catcher.port, timeout=5) as smtp:
        smtp.sendmail(
            "sender@example.fi",
            ["first@example.fi", "second@example.fi"],
            b"From: x@example.fi\r\nTo: shown@example.fi\r\nSubject: kaksi\r\n\r\nbody\r\n",
        )

    (mail,) = list_mails(catcher.directory)
    assert mail.to == ("first@example.fi", "second@example.fi")
    assert mail.subject == "kaksi"


def test_stop_releases_the_port(tmp_path):
    catcher = MailCatcher(tmp_path, port=0)
    catcher.start()
    port = catcher.port
    catcher.stop()

    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    with MailCatcher(tmp_path, port=port) as again:  # the same port can be taken again
        assert again.port == port


def test_a_busy_port_fails_at_start(catcher, tmp_path):
    with pytest.raises(OSError, match="in use"):
        MailCatcher(tmp_path, port=catcher.port).start()


def test_retention_keeps_the_newest_by_received_time(tmp_path):
    start = datetime(2026, 12, 6, 8, 0, tzinfo=UTC)
    ids = [
        save_mail(
            tmp_path, b"Subject: s\r\n\r\nt\r\n", keep=3, received=start + timedelta(minutes=n)
        )
        for n in range(5)
    ]

    assert mail_ids(tmp_path) == ids[:1:-1]
    assert prune(tmp_path, keep=1) == 2
    assert mail_ids(tmp_path) == [ids[-1]]
    assert read_mail(tmp_path, ids[-1]).received == start + timedelta(minutes=4)


def test_mails_written_by_another_process_are_seen_and_strays_ignored(tmp_path):
    mail_id = save_mail(tmp_path, b"Subject: toinen\r\n\r\nt\r\n", keep=10)
    (tmp_path / ".20261206T080000000000Z-0a1b2c3d.partial").write_bytes(b"Subject: half")
    (tmp_path / "notes.eml").write_bytes(b"Subject: stray\r\n\r\n")

    assert [mail.id for mail in list_mails(tmp_path)] == [mail_id]
    assert list_mails(tmp_path / "missing") == []


@pytest.mark.parametrize(
    "bad_id",
    [
        "",
        ".",
        "..",
        "../secret",
        "../../etc/passwd",
        "/etc/passwd",
        "sub/20261206T080000000000Z-0a1b2c3d",
        "20261206T080000000000Z-0a1b2c3d/../../secret",
        "20261206T080000000000Z-0a1b2c3d.eml",
        "20261206T080000000000Z-0a1b2c3d\n",
        "20261206T080000000000Z-0A1B2C3D",
        "notes",
    ],
)
def test_ids_that_are_not_plain_stems_are_refused(tmp_path, bad_id):
    inbox = tmp_path / "mail"
    save_mail(inbox, b"Subject: s\r\n\r\nt\r\n", keep=10)
    (tmp_path / "secret.eml").write_bytes(b"Subject: secret\r\n\r\n")
    (inbox / "notes.eml").write_bytes(b"Subject: stray\r\n\r\n")

    with pytest.raises(InvalidMailId):
        read_mail(inbox, bad_id)


def test_an_unknown_id_is_none(tmp_path):
    assert read_mail(tmp_path, new_mail_id(datetime.now(UTC))) is None


def test_links_lose_a_sentences_punctuation_and_repeat_once():
    text = (
        "Avaa https://a.example/x?y=1. Tai (http://b.example/polku) tai "
        "https://c.example/w_(x), ja https://a.example/x?y=1! ftp://d.example ei."
    )
    assert find_links(text) == (
        "https://a.example/x?y=1",
        "http://b.example/polku",
        "https://c.example/w_(x)",
    )
