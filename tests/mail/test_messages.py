"""The rendered mails: three languages in one, Finnish time, nothing more than they need."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from ehoks.mail.messages import login_link_mail, one_time_code_mail, share_notice_mail

LINK = "https://ehoks.example.fi/kirjaudu/abc?x=1&y=2"
WINTER = datetime(2025, 3, 14, 12, 30, tzinfo=UTC)  # UTC+2 in Helsinki
SUMMER = datetime(2025, 7, 14, 12, 5, tzinfo=UTC)  # UTC+3 in Helsinki


def _in_order(text, *parts):
    positions = [text.index(part) for part in parts]
    return positions == sorted(positions)


def test_login_link_for_the_workplace_is_finnish_swedish_english_in_that_order():
    mail = login_link_mail("olli@example.fi", LINK, WINTER, "tyopaikka")

    assert mail.to == "olli@example.fi"
    assert _in_order(mail.text, "Hei,", "Hej,", "Hello,")
    assert mail.html is not None
    assert _in_order(mail.html, 'lang="fi"', 'lang="sv"', 'lang="en"')
    assert "työpaikkaohjaajaksi tai arvioijaksi" in mail.text
    assert "handledare på arbetsplatsen" in mail.text
    assert "workplace instructor" in mail.text
    assert mail.text.count(LINK) == 3
    assert 'href="https://ehoks.example.fi/kirjaudu/abc?x=1&amp;y=2"' in mail.html


def test_times_are_shown_in_finnish_time_across_daylight_saving():
    winter = login_link_mail("a@example.fi", LINK, WINTER, "tyopaikka").text
    summer = one_time_code_mail("a@example.fi", "123456", SUMMER).text

    assert "14.3.2025 klo 14.30" in winter
    assert "14.3.2025 kl. 14.30" in winter
    assert "14 March 2025 at 14:30 Finnish time" in winter
    assert "14.7.2025 klo 15.05" in summer
    assert "14 July 2025 at 15:05 Finnish time" in summer


def test_share_login_link_names_the_sharer_and_the_window_when_given():
    mail = login_link_mail(
        "maija@example.fi",
        LINK,
        WINTER,
        "jako",
        sharer_name="Aino <b>Virtanen</b>",
        valid_from=date(2025, 4, 1),
        valid_to=date(2025, 4, 30),
    )

    assert "Aino <b>Virtanen</b> on jakanut kanssasi" in mail.text
    assert "1.4.2025–30.4.2025" in mail.text
    assert "from 1 April 2025 to 30 April 2025" in mail.text
    assert mail.html is not None
    assert "Aino &lt;b&gt;Virtanen&lt;/b&gt;" in mail.html
    assert "<b>Virtanen" not in mail.html


def test_share_login_link_without_details_speaks_of_a_student():
    mail = login_link_mail("maija@example.fi", LINK, WINTER, "jako")

    assert "Opiskelija on jakanut kanssasi" in mail.text
    assert "A student has shared" in mail.text
    assert "nähtävissä" not in mail.text


def test_the_code_is_in_the_body_and_never_in_the_subject():
    mail = one_time_code_mail("olli@example.fi", "042917", WINTER)

    assert "042917" not in mail.subject
    assert mail.text.count("042917") == 3
    assert mail.html is not None
    assert mail.html.count("042917") == 3
    assert _in_order(mail.text, "kirjautumiskoodisi", "inloggningskod", "login code")


@pytest.mark.parametrize(
    ("kind", "finnish", "english"),
    [
        ("osaamisenhankkiminen", "osaamisen hankkimisen jakson", "a learning period"),
        ("osaamisenosoittaminen", "näytön tiedot", "a skills demonstration"),
        ("tutkinnonosa", "tutkinnon osan", "a qualification unit"),
        ("suostumus", "osia henkilökohtaisesta", "parts of their personal"),
    ],
)
def test_share_notice_says_what_was_shared(kind, finnish, english):
    mail = share_notice_mail(
        "maija@example.fi", LINK, "Aino Virtanen", date(2025, 4, 1), date(2025, 4, 30), kind
    )

    assert finnish in mail.text
    assert english in mail.text
    assert "Aino Virtanen" in mail.text
    assert "Aino" not in mail.subject
    assert "1.4.2025–30.4.2025" in mail.text
    assert LINK in mail.text


def test_unknown_purposes_and_naive_times_are_programming_errors():
    with pytest.raises(ValueError, match="purpose"):
        login_link_mail("a@example.fi", LINK, WINTER, "kaikki")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="share kind"):
        share_notice_mail("a@example.fi", LINK, "A", date(2025, 1, 1), date(2025, 1, 2), "x")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="naive"):
        one_time_code_mail("a@example.fi", "123456", datetime(2025, 1, 1, 12))
