"""E-mail login over a real SMTP server and a real database: link, code, verify, and every way
the flow refuses. Each step runs in its own transaction, as the routes will run it."""

from __future__ import annotations

import hashlib
import threading
import time
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select, text

from ehoks.auth import email_login
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
from ehoks.auth.email_login import (
    ChallengeInfo,
    EmailLoginSettings,
    Rejection,
    VerifiedEmail,
)
from ehoks.auth.models import EmailChallenge
from ehoks.mail.errors import InvalidEmailAddress
from ehoks.mail.settings import SmtpSettings
from ehoks.outbox.models import OutboxJob
from tests.fakes.smtp import deliver_outbox

pytest_plugins = ["tests.fakes.smtp"]

NOW = datetime(2025, 3, 14, 10, 0, tzinfo=UTC)
BASE = "https://ehoks.example.fi/ehoks/tyopaikka/kirjaudu"
ADDRESS = "olli.ohjaaja@example.fi"
SETTINGS = EmailLoginSettings()


@pytest.fixture
def login(session_factory, smtp_server):
    return Flow(session_factory, smtp_server)


class Flow:
    """Each call is one transaction (the caller owns it, as a route does)."""

    def __init__(self, session_factory, smtp_server):
        self.session_factory = session_factory
        self.smtp = smtp_server

    def start(self, address=ADDRESS, *, at=NOW, purpose="tyopaikka", target="jakso-1", **kw):
        with self.session_factory.begin() as session:
            email_login.start(
                session,
                sahkoposti=address,
                purpose=purpose,
                target=target,
                link_base_url=BASE,
                settings=kw.pop("settings", SETTINGS),
                now=at,
                **kw,
            )
        return self.smtp.link_to(address.strip().lower()).rsplit("/", 1)[1]

    def describe(self, token, *, at=NOW):
        with self.session_factory.begin() as session:
            return email_login.describe(session, token, now=at)

    def send_code(self, token, *, at=NOW, settings=SETTINGS):
        with self.session_factory.begin() as session:
            email_login.send_code(session, token=token, settings=settings, now=at)
        return self.smtp.code_to(ADDRESS)

    def verify(self, token, code, *, at=NOW, settings=SETTINGS):
        # The route's pattern: commit the outcome, then raise the rejection's error.
        with self.session_factory.begin() as session:
            return email_login.verify(session, token=token, code=code, settings=settings, now=at)

    def row(self, token):
        with self.session_factory() as session:
            return session.get(EmailChallenge, hashlib.sha256(token.encode()).hexdigest())

    def count(self):
        with self.session_factory() as session:
            return session.scalar(select(func.count()).select_from(EmailChallenge))


def _wrong(code):
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_full_flow_mails_a_link_then_a_code_to_the_same_address(login, smtp_server):
    token = login.start("  Olli.Ohjaaja@Example.FI ")

    (link_mail,) = smtp_server.messages
    assert link_mail["To"] == ADDRESS
    assert smtp_server.link_to(ADDRESS) == f"{BASE}/{token}"
    assert len(token) >= 43  # 32 random bytes

    info = login.describe(token, at=NOW + timedelta(hours=1))
    assert info == ChallengeInfo(
        sahkoposti_masked="o***@example.fi",
        purpose="tyopaikka",
        target="jakso-1",
        link_expires_at=NOW + timedelta(hours=72),
        code_sent=False,
        code_expires_at=None,
    )

    sent_at = NOW + timedelta(hours=1)
    code = login.send_code(token, at=sent_at)
    code_mail = smtp_server.latest_to(ADDRESS)
    assert code_mail is not link_mail
    assert code_mail["To"] == ADDRESS
    assert [d.rcpt_tos for d in smtp_server.deliveries] == [(ADDRESS,), (ADDRESS,)]
    assert code not in code_mail["Subject"]
    assert len(code) == 6
    assert code.isdigit()

    info = login.describe(token, at=sent_at + timedelta(minutes=1))
    assert info.code_sent
    assert info.code_expires_at == sent_at + timedelta(minutes=10)

    result = login.verify(token, code, at=sent_at + timedelta(minutes=2))
    assert result == VerifiedEmail(sahkoposti=ADDRESS, purpose="tyopaikka", target="jakso-1")
    assert login.row(token).used_at == sent_at + timedelta(minutes=2)


def test_share_link_mail_names_the_sharer_and_window(login, smtp_server):
    login.start(
        purpose="jako",
        target="8b6f3c1e-0000-4000-8000-000000000001",
        mail_extra={
            "sharer_name": "Aino Virtanen",
            "valid_from": date(2025, 4, 1),
            "valid_to": date(2025, 4, 30),
        },
    )

    body = smtp_server.plain_text(smtp_server.latest_to(ADDRESS))
    assert "Aino Virtanen on jakanut kanssasi" in body
    assert "1.4.2025–30.4.2025" in body


def test_a_link_expires_after_its_lifetime(login):
    token = login.start()
    expiry = NOW + timedelta(minutes=SETTINGS.link_ttl_minutes)

    assert login.describe(token, at=expiry - timedelta(seconds=1)).link_expires_at == expiry
    with pytest.raises(LinkExpired) as caught:
        login.describe(token, at=expiry)
    assert caught.value.status_code == 410
    with pytest.raises(LinkExpired):
        login.send_code(token, at=expiry)


def test_an_unknown_link_is_not_found(login):
    login.start()

    for token in ("x" * 43, "", "y" * 10_000):
        with pytest.raises(LinkNotFound) as caught:
            login.describe(token)
        assert caught.value.status_code == 404


def test_a_code_expires_and_a_new_one_can_be_asked_for(login):
    token = login.start()
    code = login.send_code(token)

    with pytest.raises(CodeExpired) as caught:
        login.verify(token, code, at=NOW + timedelta(minutes=SETTINGS.code_ttl_minutes))
    assert caught.value.status_code == 410
    assert not login.describe(token, at=NOW + timedelta(minutes=11)).code_sent

    fresh = login.send_code(token, at=NOW + timedelta(minutes=11))
    assert isinstance(login.verify(token, fresh, at=NOW + timedelta(minutes=12)), VerifiedEmail)


def test_a_code_never_outlives_its_link(login):
    token = login.start()
    link_expiry = NOW + timedelta(minutes=SETTINGS.link_ttl_minutes)

    code = login.send_code(token, at=link_expiry - timedelta(minutes=2))

    assert login.row(token).code_expires_at == link_expiry
    with pytest.raises(LinkExpired):
        login.verify(token, code, at=link_expiry)


def test_wrong_codes_are_counted_and_the_last_one_locks_the_link(login):
    token = login.start()
    code = login.send_code(token)

    for tries_left in range(SETTINGS.max_attempts - 1, 0, -1):
        result = login.verify(token, _wrong(code))
        assert isinstance(result, Rejection)
        assert isinstance(result.error, CodeRejected)
        assert result.error.status_code == 400
        assert result.attempts_left == tries_left
        assert result.error.detail.startswith("koodi: ")
        assert f"{tries_left} tr" in result.error.detail
        # Committed although the code was refused: the count survives the transaction.
        assert login.row(token).attempts == SETTINGS.max_attempts - tries_left

    result = login.verify(token, _wrong(code))
    assert isinstance(result, Rejection)
    assert isinstance(result.error, TooManyAttempts)
    assert result.error.status_code == 429
    assert result.attempts_left == 0

    # Locked for good: even the right code, a new code or the landing page are refused.
    with pytest.raises(TooManyAttempts):
        login.verify(token, code)
    with pytest.raises(TooManyAttempts):
        login.send_code(token)
    with pytest.raises(TooManyAttempts):
        login.describe(token)


def test_a_malformed_code_costs_no_attempt_and_spaces_are_forgiven(login):
    token = login.start()
    code = login.send_code(token)

    result = login.verify(token, "12a45b")
    assert isinstance(result, Rejection)
    assert result.attempts_left == SETTINGS.max_attempts
    assert "6 digits" in result.error.detail
    assert login.row(token).attempts == 0

    spaced = f" {code[:3]} {code[3:]} "
    assert isinstance(login.verify(token, spaced), VerifiedEmail)


def test_a_new_code_replaces_the_old_and_restarts_the_count(login, smtp_server):
    token = login.start()
    old = login.send_code(token)
    login.verify(token, _wrong(old))
    login.verify(token, _wrong(old))
    assert login.row(token).attempts == 2

    new = login.send_code(token, at=NOW + timedelta(minutes=1))
    assert login.row(token).attempts == 0

    if new != old:  # one time in a million they coincide
        result = login.verify(token, old, at=NOW + timedelta(minutes=2))
        assert isinstance(result, Rejection)
    assert isinstance(login.verify(token, new, at=NOW + timedelta(minutes=2)), VerifiedEmail)


def test_concurrent_wrong_codes_are_all_counted(login, session_factory):
    token = login.start()
    code = login.send_code(token)
    results = []

    def other_request():
        results.append(login.verify(token, _wrong(code)))

    with session_factory.begin() as session:
        first = email_login.verify(
            session, token=token, code=_wrong(code), settings=SETTINGS, now=NOW
        )
        other = threading.Thread(target=other_request)
        other.start()
        # Let the other request reach the row while this one still holds it uncommitted.
        time.sleep(0.3)
    other.join(timeout=30)

    assert isinstance(first, Rejection)
    assert first.attempts_left == SETTINGS.max_attempts - 1
    assert [r.attempts_left for r in results] == [SETTINGS.max_attempts - 2]
    assert login.row(token).attempts == 2


def test_a_link_logs_in_once(login):
    token = login.start()
    code = login.send_code(token)
    assert isinstance(login.verify(token, code), VerifiedEmail)

    with pytest.raises(LinkUsed) as caught:
        login.verify(token, code)
    assert caught.value.status_code == 410
    with pytest.raises(LinkUsed):
        login.describe(token)
    with pytest.raises(LinkUsed):
        login.send_code(token)


def test_a_link_sends_a_limited_number_of_codes(login, smtp_server):
    token = login.start()
    for minute in range(SETTINGS.max_codes_per_link):
        login.send_code(token, at=NOW + timedelta(minutes=minute))

    with pytest.raises(TooManyCodes) as caught:
        login.send_code(token, at=NOW + timedelta(minutes=30))

    assert caught.value.status_code == 429
    assert len(smtp_server.to(ADDRESS)) == 1 + SETTINGS.max_codes_per_link


def test_verify_before_any_code_is_a_conflict(login):
    token = login.start()

    with pytest.raises(NoCodeSent) as caught:
        login.verify(token, "123456")

    assert caught.value.status_code == 409
    assert login.row(token).attempts == 0


def test_a_rolled_back_start_leaves_neither_the_link_nor_its_mail(session_factory, smtp_server):
    def change_that_fails():
        with session_factory.begin() as session:
            email_login.start(
                session,
                sahkoposti=ADDRESS,
                purpose="tyopaikka",
                target=None,
                link_base_url=BASE,
                settings=SETTINGS,
                now=NOW,
            )
            raise RuntimeError("the change failed after the mail was written")

    with pytest.raises(RuntimeError):
        change_that_fails()

    with session_factory() as session:
        assert session.scalar(select(func.count()).select_from(EmailChallenge)) == 0
        assert session.scalar(select(func.count()).select_from(OutboxJob)) == 0
    assert smtp_server.messages == []


def test_smtp_down_keeps_the_code_mail_for_a_later_attempt(login, session_factory, db):
    token = login.start()
    with session_factory.begin() as session:
        email_login.send_code(session, token=token, settings=SETTINGS, now=NOW)
    down = SmtpSettings(host="127.0.0.1", port=_closed_port(), timeout_seconds=2)

    assert deliver_outbox(db, down) == 1

    with session_factory() as session:
        job = session.scalars(select(OutboxJob).where(OutboxJob.state == "pending")).one()
    assert job.attempts == 1
    assert job.last_error.startswith("MailUnavailable: could not connect to the mail server")
    assert ADDRESS not in job.last_error
    assert job.not_before > datetime.now(UTC)


def test_a_refused_address_is_a_dead_letter(login, session_factory, smtp_server):
    smtp_server.refuse("gone@example.fi")
    with session_factory.begin() as session:
        email_login.start(
            session,
            sahkoposti="gone@example.fi",
            purpose="tyopaikka",
            target=None,
            link_base_url=BASE,
            settings=SETTINGS,
            now=NOW,
        )

    assert smtp_server.messages == []
    with session_factory() as session:
        job = session.scalars(select(OutboxJob)).one()
    assert job.state == "dead"
    assert job.attempts == 1
    assert job.last_error == "InvalidEmailAddress: the mail server refuses it: 550"


def _closed_port():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize("address", ["", "olli", "olli@", "@example.fi", "olli ohjaaja@x.fi"])
def test_text_that_is_no_address_is_refused_before_mailing(login, smtp_server, address):
    with pytest.raises(InvalidEmailAddress):
        login.start(address)

    assert smtp_server.messages == []
    assert login.count() == 0


def test_neither_the_code_nor_the_token_is_stored_in_clear(login, session_factory):
    token = login.start()
    code = login.send_code(token)

    with session_factory() as session:
        rows = session.execute(text("SELECT * FROM email_challenge")).all()
    values = [str(value) for row in rows for value in row]

    assert len(rows) == 1
    assert code not in values
    # The outbox held them only until the mails were delivered.
    with session_factory() as session:
        payloads = [str(job.payload) for job in session.scalars(select(OutboxJob))]
    assert len(payloads) == 2
    assert not any(code in value or token in value for value in payloads)
    assert not any(code in value for value in values)
    assert not any(token in value for value in values)
    assert login.row(token).code_hash.count("$argon2id$") == 1


def test_purge_removes_expired_links_only(login, session_factory):
    ttl = timedelta(minutes=SETTINGS.link_ttl_minutes)
    expired = login.start("a@example.fi", at=NOW - ttl - timedelta(minutes=1))
    used_and_expired = login.start("b@example.fi", at=NOW - ttl)
    live = login.start("c@example.fi", at=NOW - ttl + timedelta(minutes=1))
    with session_factory.begin() as session:
        session.get(EmailChallenge, email_login.token_id(used_and_expired)).used_at = NOW - ttl

    with session_factory.begin() as session:
        assert email_login.purge_expired(session, now=NOW) == 2

    assert login.count() == 1
    assert login.row(expired) is None
    assert login.describe(live, at=NOW).sahkoposti_masked == "c***@example.fi"
