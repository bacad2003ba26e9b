"""The HTML surface's message catalogues: extract, update, check and compile.

``python -m ehoks.web.catalogues update`` extracts every message of the templates and of the
surface's Python modules (``_()``, ``gettext()``, ``N_()``), area by area, and merges them into
``locale/<lang>/LC_MESSAGES/<area>.po``: new messages arrive untranslated (Finnish, the source
language, gets its own text), messages no longer used are dropped. ``check`` lists what is
missing, untranslated or fuzzy (the test suite fails on any), and ``compile`` writes the ``.mo``
files the service reads (``make`` runs it before serving or testing).

Babel's own command line does each of these for one catalogue; areas (one catalogue per part of
the surface, so that parts can be worked on at once) need the loop here.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from ehoks.web.i18n import AREAS, LANGUAGES, LOCALE_DIR

WEB = Path(__file__).parent
TEMPLATES = WEB / "templates"
SOURCE_LANGUAGE = "fi"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
JINJA_OPTIONS = {"extensions": "jinja2.ext.i18n", "trim_blocks": "true", "lstrip_blocks": "true"}
# Which area a file's messages belong to, by its path under web/ (first match wins).
AREA_OF_PREFIX = (
    ("templates/jatko/", "jatko"),
    ("routes/virkailija_jatko", "jatko"),
    ("routes/jatko", "jatko"),
    ("templates/virkailija/hoks/", "virkailija_hoks"),
    ("routes/virkailija_hoks", "virkailija_hoks"),
    ("templates/virkailija/lomake/", "lomake"),
    ("routes/virkailija_lomake", "lomake"),
    ("templates/virkailija/raportit/", "raportit"),
    ("routes/virkailija_raportit", "raportit"),
    ("templates/virkailija/", "virkailija"),
    ("routes/virkailija", "virkailija"),
    ("templates/oppija/", "oppija"),
    ("routes/oppija", "oppija"),
    ("templates/tyopaikka/", "tyopaikka"),
    ("templates/jako/", "tyopaikka"),
    ("routes/tyopaikka", "tyopaikka"),
    ("routes/jako", "tyopaikka"),
    ("templates/hoks/", "hoks"),
    ("templates/pdf/", "pdf"),
    ("routes/pdf", "pdf"),
    ("templates/kehitys/", "kehitys"),
    ("templates/dev_login", "kehitys"),
    ("routes/kehitys", "kehitys"),
)


def area_of(relative: str) -> str:
    for prefix, area in AREA_OF_PREFIX:
        if relative.startswith(prefix):
            return area
    return "common"


def source_files() -> Iterator[tuple[Path, str]]:
    """Every file that may hold interface text, with its extraction method."""
    for path in sorted(TEMPLATES.rglob("*.html")):
        yield path, "jinja2"
    for path in sorted(WEB.rglob("*.py")):
        if path.name != "catalogues.py":
            yield path, "python"


def extract() -> dict[str, Catalog]:
    """The messages in use, one catalogue per area."""
    catalogs = {area: Catalog(locale=SOURCE_LANGUAGE, domain=area) for area in AREAS}
    for path, method in source_files():
        relative = path.relative_to(WEB).as_posix()
        options = JINJA_OPTIONS if method == "jinja2" else {}
        for lineno, message, comments, context in extract_from_file(
            method, str(path), keywords=KEYWORDS, options=options, strip_comment_tags=True
        ):
            catalogs[area_of(relative)].add(
                message,
                locations=[(relative, lineno)],
                auto_comments=comments,
                context=context,
                flags=("python-format",) if "%(" in str(message) else (),
            )
    return catalogs


def po_path(lang: str, area: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{area}.po"


def read(lang: str, area: str) -> Catalog:
    path = po_path(lang, area)
    if not path.exists():
        return Catalog(locale=lang, domain=area)
    with path.open("rb") as handle:
        return read_po(handle, locale=lang, domain=area)


def update(only: str | None = None) -> None:
    """Merge the messages in use into the catalogues (of area ``only``, when given: engineers
    working on different areas at once each update their own)."""
    for area, template in extract().items():
        if only is not None and area != only:
            continue
        for lang in LANGUAGES:
            existing = read(lang, area)
            merged = Catalog(
                locale=lang, domain=area, project="ehoks", fuzzy=False, charset="utf-8"
            )
            for message in template:
                if not message.id:
                    continue
                old = existing.get(message.id, message.context)
                if old is not None and old.string:
                    string = old.string
                elif lang == SOURCE_LANGUAGE:
                    string = message.id
                else:
                    string = ""
                merged.add(
                    message.id,
                    string,
                    locations=message.locations,
                    flags=message.flags,
                    auto_comments=message.auto_comments,
                    context=message.context,
                )
            path = po_path(lang, area)
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("wb") as handle:
                write_po(handle, merged, width=100, include_lineno=False)


def problems() -> list[str]:
    """Every message in use that some language lacks, leaves untranslated or marks fuzzy, and
    every placeholder a translation drops or invents."""
    found = []
    for area, template in extract().items():
        for lang in LANGUAGES:
            catalog = read(lang, area)
            for message in template:
                if not message.id:
                    continue
                where = f"{lang}/{area}.po: {message.id!r}"
                translated = catalog.get(message.id, message.context)
                if translated is None:
                    found.append(f"{where} is missing (run `make messages`)")
                elif not translated.string:
                    found.append(f"{where} is untranslated")
                elif translated.fuzzy:
                    found.append(f"{where} is fuzzy")
                elif _placeholders(str(message.id)) != _placeholders(str(translated.string)):
                    found.append(f"{where} has other placeholders than the original")
    return found


def _placeholders(text: str) -> set[str]:
    return set(re.findall(r"%\((\w+)\)s", text))


def compile_all() -> int:
    count = 0
    for area in AREAS:
        for lang in LANGUAGES:
            po = po_path(lang, area)
            if not po.exists():
                continue
            catalog = read(lang, area)
            with po.with_suffix(".mo").open("wb") as handle:
                write_mo(handle, catalog)
            count += 1
    return count


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "check"
    if command == "update":
        update(argv[1] if len(argv) > 1 else None)
        return 0
    if command == "compile":
        compile_all()
        return 0
    if command == "check":
        found = problems()
        for line in found:
            print(line)  # noqa: T201
        return 1 if found else 0
    print("usage: python -m ehoks.web.catalogues update [AREA]|check|compile")  # noqa: T201
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
