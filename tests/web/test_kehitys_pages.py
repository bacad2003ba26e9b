"""The development mail catcher's pages: the caught mails newest first, one mail with its links
clickable, in Finnish, Swedish and English; and no such pages where the catcher is off."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from ehoks.config import Settings
from ehoks.devmail import PAGE_PATH
from ehoks.devmail.store import save_mail, with_envelope
from ehoks.main import create_app
from ehoks.web.routes.kehitys import Segment, segments

LOGIN_LINK = "http://localhost:8010/ehoks/tyopaikka/kirjaudu/linkki?tunniste=Abc-123_x"
SHARE_LINK = "https://ehoks.example/ehoks/jako/7f3e?a=1&b=2"
OLDER = datetime(2026, 12, 6, 10, 5, tzinfo=UTC)
NEWER = datetime(2026, 12, 7, 8, 30, tzinfo=UTC)


def _mail(
    directory: Path,
    *,
    to: str,
    subject: str,
    text: str,
    html: str | None = None,
    received: datetime,
) -> str:
    message = EmailMessage()
    message["From"] = "eHOKS <noreply@ehoks.invalid>"
    message["To"] = to
    if subject:
        message["Subject"] = subject
    message.set_content(text)
    if html is not None:
        message.add_alternative(html, subtype="html")
    raw = with_envelope(message.as_bytes(), "noreply@ehoks.invalid", [to])
    return save_mail(directory, raw, keep=50, received=received)


def _client(database_url: str, db: Engine, directory: Path, *, enabled: bool) -> TestClient:
    settings = Settings(
        environment="test",
        database_url=database_url,
        mail_catcher={"enabled": enabled, "directory": directory},
    )
    return TestClient(create_app(settings, engine=db))


@pytest.fixture
def mail_dir(tmp_path: Path) -> Path:
    return tmp_path / "mail"


@pytest.fixture
def web(database_url: str, db: Engine, mail_dir: Path) -> Iterator[TestClient]:
    with _client(database_url, db, mail_dir, enabled=True) as client:
        yield client


@pytest.fixture
def mails(mail_dir: Path) -> dict[str, str]:
    older = _mail(
        mail_dir,
        to="olli.ohjaaja@example.fi",
        subject="eHOKS: kirjautumislinkki",
        text=f"Hei,\nkirjaudu tästä: {LOGIN_LINK}.\nLinkki on voimassa 15 minuuttia.\n",
        html=f'<p>Hei, <a href="{LOGIN_LINK}">kirjaudu</a></p><script>alert("x")</script>',
        received=OLDER,
    )
    newer = _mail(
        mail_dir,
        to="veera@example.org",
        subject="<b>Jaettu</b> suunnitelma",
        text=f"Sinulle on jaettu tietoja: {SHARE_LINK}\n",
        received=NEWER,
    )
    return {"older": older, "newer": newer}


def _main(html: str) -> str:
    return html.split('<main id="main"', 1)[1].split("</main>", 1)[0]


@pytest.mark.parametrize(
    ("lang", "heading", "older_at", "newer_at", "refresh"),
    [
        (
            "fi",
            "Kehitysympäristön sähköpostit",
            "6.12.2026 12.05",
            "7.12.2026 10.30",
            "Päivitä viestien luettelo",
        ),
        (
            "sv",
            "E-post i utvecklingsmiljön",
            "6 dec. 2026 12.05",
            "7 dec. 2026 10.30",
            "Uppdatera listan över meddelanden",
        ),
        (
            "en",
            "Development environment emails",
            "6 Dec 2026 12:05",
            "7 Dec 2026 10:30",
            "Refresh the list of emails",
        ),
    ],
)
def test_list_shows_the_mails_newest_first_in_each_language(
    web, mails, lang, heading, older_at, newer_at, refresh
):
    response = web.get(f"{PAGE_PATH}?lang={lang}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["cache-control"] == "no-store"
    html = response.text
    assert f'<html lang="{lang}">' in html
    assert f"<h1>{heading}</h1>" in html
    assert f'<a href="{PAGE_PATH}">{refresh}</a>' in html
    main = _main(html)
    newer_link = f'<a href="{PAGE_PATH}/{mails["newer"]}">'
    older_link = f'<a href="{PAGE_PATH}/{mails["older"]}">'
    assert main.index(newer_link) < main.index(older_link)  # newest first
    assert main.index(newer_at) < main.index(older_at)
    assert "veera@example.org" in main
    assert "olli.ohjaaja@example.fi" in main
    assert f"{older_link}eHOKS: kirjautumislinkki</a>" in main
    assert "&lt;b&gt;Jaettu&lt;/b&gt; suunnitelma" in main  # a subject is text, not markup
    assert "<b>Jaettu</b>" not in main


@pytest.mark.parametrize(
    ("lang", "empty"),
    [
        ("fi", "Sähköposteja ei ole vielä tullut."),
        ("sv", "Inga e-postmeddelanden har kommit ännu."),
        ("en", "No emails yet."),
    ],
)
def test_list_without_mails_says_so(web, lang, empty):
    html = web.get(f"{PAGE_PATH}?lang={lang}").text
    assert empty in html
    assert "<table" not in html


@pytest.mark.parametrize(
    ("lang", "labels", "at", "links_heading"),
    [
        (
            "fi",
            ("Lähettäjä", "Vastaanottaja", "Vastaanotettu", "Aihe"),
            "6.12.2026 12.05",
            "Viestin linkit",
        ),
        (
            "sv",
            ("Avsändare", "Mottagare", "Mottaget", "Ämne"),
            "6 dec. 2026 12.05",
            "Länkar i meddelandet",
        ),
        (
            "en",
            ("Sender", "Recipient", "Received", "Subject"),
            "6 Dec 2026 12:05",
            "Links in the email",
        ),
    ],
)
def test_one_mail_shows_its_headers_text_and_clickable_links(
    web, mails, lang, labels, at, links_heading
):
    response = web.get(f"{PAGE_PATH}/{mails['older']}?lang={lang}")
    assert response.status_code == 200
    main = _main(response.text)
    for label in labels:
        assert f"<dt>{label}</dt>" in main
    assert "eHOKS &lt;noreply@ehoks.invalid&gt;" in main
    assert "<dd>olli.ohjaaja@example.fi</dd>" in main
    assert f"<dd>{at}</dd>" in main
    assert "<h1>eHOKS: kirjautumislinkki</h1>" in main
    assert f"<h2>{links_heading}</h2>" in main
    # The login link is clickable inside the text (without the sentence's full stop) and in
    # the list of links.
    link = f'<a href="{LOGIN_LINK}">{LOGIN_LINK}</a>'
    assert main.count(link) == 2
    assert f"kirjaudu tästä: {link}.\nLinkki on voimassa 15 minuuttia." in main
    # The HTML body is never put on the page as markup.
    assert "<script>" not in main
    assert 'alert("x")' not in main
    assert f'<a href="{PAGE_PATH}">' in main  # back to the list


def test_link_with_ampersands_is_escaped_in_the_address(web, mails):
    main = _main(web.get(f"{PAGE_PATH}/{mails['newer']}?lang=fi").text)
    escaped = SHARE_LINK.replace("&", "&amp;")
    assert f'<a href="{escaped}">{escaped}</a>' in main
    assert "<h1>&lt;b&gt;Jaettu&lt;/b&gt; suunnitelma</h1>" in main


def test_mail_without_links_or_subject_says_so(web, mail_dir):
    mail_id = _mail(mail_dir, to="a@example.org", subject="", text="Ei linkkejä.\n", received=OLDER)
    main = _main(web.get(f"{PAGE_PATH}/{mail_id}?lang=en").text)
    assert "<h1>(no subject)</h1>" in main
    assert "The email has no links." in main
    assert '<a href="http' not in main
    listed = _main(web.get(f"{PAGE_PATH}?lang=en").text)
    assert f'<a href="{PAGE_PATH}/{mail_id}">(no subject)</a>' in listed


@pytest.mark.parametrize(
    "mail_id",
    [
        "20261206T100500000000Z-0a1b2c3d",  # the right form, but no such mail
        "ei-tallaista",
        "20261206T100500000000Z-0A1B2C3D",
        "20261206T100500000000Z-0a1b2c3d.eml",
        "..",
        "..%2F..%2Fetc%2Fpasswd",
        "%2e%2e",
    ],
)
def test_unknown_or_malformed_id_is_the_html_not_found_page(web, mails, mail_id):
    response = web.get(f"{PAGE_PATH}/{mail_id}", headers={"Accept-Language": "sv"})
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "Sidan hittades inte" in response.text


def test_no_pages_when_the_catcher_is_disabled(database_url, db, mail_dir, mails):
    with _client(database_url, db, mail_dir, enabled=False) as client:
        for path in (PAGE_PATH, f"{PAGE_PATH}/{mails['older']}"):
            response = client.get(f"{path}?lang=fi")
            assert response.status_code == 404
            assert response.headers["content-type"].startswith("text/html")
            assert "Sivua ei löydy" in response.text
            assert LOGIN_LINK not in response.text
            assert "kirjautumislinkki" not in response.text


def test_production_settings_cannot_enable_the_catcher(database_url):
    # The pages are tied to the catcher, and the settings refuse the catcher in production.
    with pytest.raises(ValueError, match="MAIL_CATCHER"):
        Settings(
            environment="production",
            database_url=database_url,
            token_secret="a production secret, not the development one",
            mail_catcher={"enabled": True},
        )


def test_segments_cut_the_text_at_the_links():
    text = "a https://x.example/p b https://x.example/p/q. https://x.example/p"
    links = ("https://x.example/p", "https://x.example/p/q")
    assert segments(text, links) == [
        Segment("a "),
        Segment("https://x.example/p", link=True),
        Segment(" b "),
        Segment("https://x.example/p/q", link=True),  # the longer link is not cut short
        Segment(". "),
        Segment("https://x.example/p", link=True),
    ]
    assert segments("", ()) == []
    assert segments("plain", ()) == [Segment("plain")]
    assert segments("a.b axb", ("a.b",)) == [Segment("a.b", link=True), Segment(" axb")]
