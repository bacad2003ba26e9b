"""The HTML surface's foundations: language choice, catalogues, formatting, security headers
and error pages (HTML for people, JSON for the API)."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from jinja2 import Environment

from ehoks.web import catalogues, i18n
from ehoks.web.render import TEMPLATES


@pytest.fixture
def web(client):
    return client


def test_every_message_is_translated_into_finnish_swedish_and_english():
    assert catalogues.problems() == []


def test_templates_have_no_text_outside_the_catalogues():
    """Literal text in a template would escape translation: every word a page shows must come
    through _() (markup, expressions and punctuation are fine)."""
    env = Environment(extensions=["jinja2.ext.i18n"])
    found = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        source = path.read_text()
        text = []
        depth = 0
        for _line, kind, value in env.lex(source):
            if kind in ("block_begin", "variable_begin"):
                depth += 1
                text.append("\0")
            elif kind in ("block_end", "variable_end"):
                depth -= 1
            elif kind == "data" and depth == 0:
                text.append(value)
        visible = re.sub(r"<[^>]*>", " ", "".join(text))
        visible = re.sub(r"&[a-z]+;|&#\d+;", " ", visible)
        words = [w for w in re.findall(r"[^\W\d_]{2,}", visible) if w not in {"eHOKS"}]
        if words:
            found.append(f"{path.relative_to(TEMPLATES)}: {words[:5]}")
    assert found == []


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("sv-FI,sv;q=0.9,en;q=0.8", "sv"),
        ("en-GB,en;q=0.9", "en"),
        ("de-DE,de;q=0.9,en;q=0.5,fi;q=0.4", "en"),
        ("fi;q=0.2,sv;q=0.8", "sv"),
        ("de", "fi"),
        ("", "fi"),
        ("garbage;q=x, ,", "fi"),
    ],
)
def test_accept_language_picks_the_best_supported_language(header, expected):
    assert i18n.from_accept_language(header) == expected


def test_dates_times_and_numbers_follow_the_locale():
    day = date(2026, 12, 6)
    assert i18n.format_day(day, "fi") == "6.12.2026"
    assert i18n.format_day(day, "sv") == "6 dec. 2026"
    assert i18n.format_day(day, "en") == "6 Dec 2026"
    moment = datetime(2026, 12, 6, 10, 5, tzinfo=ZoneInfo("UTC"))
    assert i18n.format_moment(moment, "fi") == "6.12.2026 12.05"  # Finnish time
    assert i18n.format_moment(moment, "en") == "6 Dec 2026 12:05"
    assert i18n.format_number(Decimal("1234.5"), "fi") == "1\xa0234,5"
    assert i18n.format_number(Decimal("25.0"), "en") == "25"


def test_multilingual_texts_fall_back_to_finnish_then_swedish():
    assert i18n.text_in({"fi": "Tutkinto", "sv": "Examen"}, "sv") == "Examen"
    assert i18n.text_in({"fi": "Tutkinto", "sv": "Examen"}, "en") == "Tutkinto"
    assert i18n.text_in({"sv": "Examen"}, "en") == "Examen"
    assert i18n.text_in(None, "fi") == ""


def test_first_visit_follows_the_browser_and_a_choice_is_remembered(web):
    swedish = web.get("/", headers={"Accept-Language": "sv-FI,sv;q=0.9"})
    assert '<html lang="sv">' in swedish.text
    assert "ePUK" in swedish.text
    chosen = web.get("/ehoks/saavutettavuusseloste?lang=en")
    assert '<html lang="en">' in chosen.text
    assert "ehoks-lang=en" in chosen.headers["set-cookie"]
    later = web.get("/", headers={"Accept-Language": "sv"})
    assert '<html lang="en">' in later.text  # the cookie wins over the browser's wish
    assert "Accessibility statement" in web.get("/ehoks/saavutettavuusseloste").text


def test_every_page_offers_every_language_keeping_the_page(web):
    html = web.get("/ehoks/saavutettavuusseloste?lang=fi").text
    for code in ("fi", "sv", "en"):
        assert f'href="?lang={code}" lang="{code}" hreflang="{code}"' in html


def test_pages_carry_security_headers_and_the_api_documentation_keeps_its_own(web):
    headers = web.get("/").headers
    csp = headers["content-security-policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
    assert headers["cache-control"] == "no-store"
    docs = web.get("/ehoks-virkailija-backend/doc")
    assert docs.status_code == 200
    assert "content-security-policy" not in docs.headers


def test_unknown_page_is_an_html_page_in_the_users_language(web):
    response = web.get("/ehoks/ei-tallaista-sivua", headers={"Accept-Language": "sv"})
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert '<html lang="sv">' in response.text
    assert "Sidan hittades inte" in response.text


def test_api_errors_stay_json(web):
    response = web.get("/ehoks-oppija-backend/api/v1/ei-tallaista", headers={"Accept": "text/html"})
    assert response.status_code == 404
    assert response.json() == {"reason": "Route not found"}


def test_a_page_needing_a_login_offers_the_logins_back_to_the_same_page(web):
    response = web.get("/ehoks/istunto?lang=fi")
    assert response.status_code == 401
    assert "text/html" in response.headers["content-type"]
    assert "/ehoks/kirjaudu/oppija?paluu=/ehoks/istunto" in response.text.replace("%2F", "/")


def test_landing_page_links_the_logins_and_the_api_documentation(web):
    html = web.get("/?lang=fi").text
    for href in ("/ehoks/kirjaudu/oppija", "/ehoks/tyopaikka", "/ehoks-virkailija-backend/doc"):
        assert f'href="{href}"' in html


def test_a_message_reads_the_same_in_every_area():
    """Catalogues are merged into one per language, so one Finnish text must have one
    translation wherever it is used."""
    from ehoks.web.i18n import AREAS, LANGUAGES

    conflicts = []
    for lang in LANGUAGES:
        seen: dict[str, tuple[str, str]] = {}
        for area in AREAS:
            for message in catalogues.read(lang, area):
                if not message.id:
                    continue
                first = seen.setdefault(message.id, (area, message.string))
                if first[1] != message.string:
                    conflicts.append(f"{lang} {message.id!r}: {first} vs {area} {message.string!r}")
    assert conflicts == []
