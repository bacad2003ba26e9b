"""Languages of the HTML surface: which one a request is served in, the message catalogues, and
formatting of dates, times and numbers per locale with Babel.

The language is chosen, in this order, by a ``?lang=`` parameter (which is then remembered in a
cookie), by that cookie, by the browser's ``Accept-Language``, and else Finnish. Interface text
lives in Babel catalogues, one per area of the surface (``locale/<lang>/LC_MESSAGES/<area>.po``,
compiled to ``.mo`` by ``make``); the areas' catalogues are merged into one ``Translations`` per
language, so a template never needs to know which area a message came from.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from babel.core import negotiate_locale
from babel.dates import format_date, format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import Translations

from ehoks.kernel.clock import HELSINKI

LANGUAGES = ("fi", "sv", "en")
DEFAULT_LANGUAGE = "fi"
LANGUAGE_COOKIE = "ehoks-lang"
LOCALE_DIR = Path(__file__).parent / "locale"
AREAS = (
    "common",
    "hoks",
    "oppija",
    "tyopaikka",
    "kehitys",
    "pdf",
    "virkailija",
    "virkailija_hoks",
    "lomake",
    "raportit",
    "jatko",
)
# Babel locales used for formatting: Finnish English follows British conventions (day first).
_BABEL_LOCALE = {"fi": "fi_FI", "sv": "sv_FI", "en": "en_GB"}
# The language names in the switcher are written in their own language, so they are the same
# in every catalogue and are not translated.
LANGUAGE_NAMES = {"fi": "Suomeksi", "sv": "På svenska", "en": "In English"}


def choose_language(query: str | None, cookie: str | None, accept_language: str | None) -> str:
    for candidate in (query, cookie):
        if candidate is not None and candidate in LANGUAGES:
            return candidate
    return from_accept_language(accept_language or "")


def from_accept_language(header: str) -> str:
    """The best of our languages for an ``Accept-Language`` header (quality values honoured)."""
    preferred: list[tuple[float, int, str]] = []
    for position, item in enumerate(header.split(",")[:20]):
        tag, _, params = item.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        if tag and quality > 0:
            preferred.append((-quality, position, tag.strip().replace("_", "-")))
    tags = [tag for _, _, tag in sorted(preferred)]
    # Babel matches "sv-FI" to "sv" through the language part as well.
    chosen = negotiate_locale(
        [t for tag in tags for t in (tag, tag.split("-")[0])], list(LANGUAGES), sep="-"
    )
    return chosen if chosen in LANGUAGES else DEFAULT_LANGUAGE


@functools.cache
def translations(lang: str) -> Translations:
    """Every area's catalogue of ``lang`` merged. Compiled ``.mo`` files are preferred; a
    missing or older one is compiled from its ``.po`` in memory (an installed copy without
    ``make``'s build step still shows translated pages)."""
    merged = Translations()
    for area in AREAS:
        merged.merge(_area_translations(lang, area))
    return merged


def _area_translations(lang: str, area: str) -> Translations:
    folder = LOCALE_DIR / lang / "LC_MESSAGES"
    po, mo = folder / f"{area}.po", folder / f"{area}.mo"
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as handle:
            return Translations(handle, domain=area)
    if not po.exists():
        return Translations(domain=area)
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=lang, domain=area)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer, domain=area)


# Formatting, per language. Templates reach these as filters (``web.render``).


def babel_locale(lang: str) -> str:
    return _BABEL_LOCALE.get(lang, _BABEL_LOCALE[DEFAULT_LANGUAGE])


def format_day(value: date | str | None, lang: str) -> str:
    """A calendar day as people write it in ``lang``: 6.12.2026, 6 dec. 2026, 6 Dec 2026."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    if isinstance(value, datetime):
        value = value.astimezone(HELSINKI).date() if value.tzinfo else value.date()
    return format_date(value, format="medium", locale=babel_locale(lang))


def format_moment(value: datetime | str | None, lang: str) -> str:
    """A point in time in Finnish time: the day as ``format_day`` and the time of day."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    local = value.astimezone(HELSINKI) if value.tzinfo else value
    clock = format_time(local, format="short", locale=babel_locale(lang))
    return f"{format_day(local.date(), lang)} {clock}"


def format_number(value: int | float | Decimal | str | None, lang: str) -> str:
    if value is None or value == "":
        return ""
    number = Decimal(str(value))
    if number == number.to_integral_value():
        number = number.quantize(Decimal(1))
    return format_decimal(number, locale=babel_locale(lang))


def text_in(value: Mapping[str, Any] | str | None, lang: str) -> str:
    """A multilingual text (``{"fi": …, "sv": …, "en": …}``) in ``lang``, falling back to
    Finnish, then Swedish, then English: data missing in one language is shown in another
    rather than left blank."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    for key in (lang, "fi", "sv", "en"):
        text = value.get(key)
        if isinstance(text, str) and text:
            return text
    return ""


def N_(message: str) -> str:
    """Marks a message for the catalogue where it is defined; a template translates it where it
    is shown (``{{ _(heading) }}``)."""
    return message
