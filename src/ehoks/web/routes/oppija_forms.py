"""The share and consent forms: what the student typed, checked on the server against the rules
of ``ehoks.sharing.schemas`` before anything is stored, each error named at its field in the
page's language. The checks mirror the service's own (which runs again when the form passes),
so a student reads a sentence next to the field, never the API's message."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pydantic import TypeAdapter, ValidationError

from ehoks.sharing import schemas
from ehoks.web import i18n
from ehoks.web.i18n import N_

_NIMI: TypeAdapter[str] = TypeAdapter(schemas.Nimi)
_SAHKOPOSTI: TypeAdapter[str] = TypeAdapter(schemas.Sahkoposti)
_FINNISH_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
MAX_ORGANISATION = 200
MAX_PURPOSE = 2000

REQUIRED_NAME = N_("Kirjoita vastaanottajan nimi.")
BAD_NAME = N_("Nimi voi olla enintään 200 merkkiä pitkä eikä siinä saa olla rivinvaihtoja.")
REQUIRED_EMAIL = N_("Kirjoita vastaanottajan sähköpostiosoite.")
BAD_EMAIL = N_("Kirjoita sähköpostiosoite muodossa nimi@esimerkki.fi.")
REQUIRED_ORGANISATION = N_("Kirjoita organisaatio, jolle suostumus annetaan.")
LONG_ORGANISATION = N_("Organisaation nimi voi olla enintään 200 merkkiä pitkä.")
REQUIRED_PURPOSE = N_("Kerro, mihin tarkoitukseen tiedot luovutetaan.")
LONG_PURPOSE = N_("Käyttötarkoitus voi olla enintään 2000 merkkiä pitkä.")
REQUIRED_START = N_("Anna päivä, josta alkaen tiedot näkyvät.")
REQUIRED_END = N_("Anna päivä, johon asti tiedot näkyvät.")
BAD_DATE = N_("Anna päivämäärä muodossa pp.kk.vvvv, esimerkiksi 31.1.2027.")
END_IN_PAST = N_("Päättymispäivä ei voi olla menneisyydessä.")
END_BEFORE_START = N_("Päättymispäivä ei voi olla ennen alkamispäivää.")
TOO_LONG = N_(
    "Tiedot voivat näkyä enintään vuoden. Viimeinen mahdollinen päättymispäivä on %(day)s."
)
START_TOO_LATE = N_("Alkamispäivä voi olla enintään vuoden päässä tästä päivästä.")
NO_PARTS = N_("Valitse vähintään yksi osa tai koko suunnitelma.")
UNKNOWN_PART = N_("Valittua osaa ei enää ole suunnitelmassa. Valitse osat uudelleen.")


@dataclass
class Checked:
    """Errors by field name (already in the page's language) and the clean values."""

    errors: dict[str, str] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)

    def fail(self, name: str, message: str, lang: str, **params: str) -> None:
        if name not in self.errors:
            text = str(i18n.translations(lang).gettext(message))
            self.errors[name] = text % params if params else text

    @property
    def ok(self) -> bool:
        return not self.errors


def parse_day(value: str) -> date | None:
    """An ISO date (what ``<input type="date">`` sends) or one typed the Finnish way."""
    text = value.strip()
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    match = _FINNISH_DATE.fullmatch(text)
    if match is None:
        return None
    day, month, year = (int(part) for part in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None


def check_recipient(
    form: dict[str, str], lang: str, checked: Checked, *, organisation_required: bool
) -> None:
    nimi = form.get("nimi", "").strip()
    if not nimi:
        checked.fail("nimi", REQUIRED_NAME, lang)
    else:
        try:
            checked.values["nimi"] = _NIMI.validate_python(nimi)
        except ValidationError:
            checked.fail("nimi", BAD_NAME, lang)
    sahkoposti = form.get("sahkoposti", "").strip()
    if not sahkoposti:
        checked.fail("sahkoposti", REQUIRED_EMAIL, lang)
    else:
        try:
            checked.values["sahkoposti"] = _SAHKOPOSTI.validate_python(sahkoposti)
        except ValidationError:
            checked.fail("sahkoposti", BAD_EMAIL, lang)
    organisaatio = form.get("organisaatio", "").strip()
    if not organisaatio and organisation_required:
        checked.fail("organisaatio", REQUIRED_ORGANISATION, lang)
    elif len(organisaatio) > MAX_ORGANISATION:
        checked.fail("organisaatio", LONG_ORGANISATION, lang)
    elif organisaatio:
        checked.values["organisaatio"] = organisaatio


def check_window(form: dict[str, str], today: date, lang: str, checked: Checked) -> None:
    """``schemas.check_window``'s rules, each at the field it is about."""
    alku = _day_field(form, "alku", REQUIRED_START, lang, checked)
    loppu = _day_field(form, "loppu", REQUIRED_END, lang, checked)
    if alku is not None and alku > schemas.years_after(today, schemas.MAX_VALIDITY_YEARS):
        checked.fail("alku", START_TOO_LATE, lang)
    if loppu is not None:
        if loppu < today:
            checked.fail("loppu", END_IN_PAST, lang)
        elif alku is not None and loppu < alku:
            checked.fail("loppu", END_BEFORE_START, lang)
        elif alku is not None:
            latest = schemas.years_after(alku, schemas.MAX_VALIDITY_YEARS)
            if loppu > latest:
                checked.fail("loppu", TOO_LONG, lang, day=i18n.format_day(latest, lang))
    if "alku" not in checked.errors and "loppu" not in checked.errors:
        checked.values["alku"], checked.values["loppu"] = alku, loppu


def _day_field(
    form: dict[str, str], name: str, required: str, lang: str, checked: Checked
) -> date | None:
    text = form.get(name, "").strip()
    if not text:
        checked.fail(name, required, lang)
        return None
    day = parse_day(text)
    if day is None:
        checked.fail(name, BAD_DATE, lang)
    return day


def check_share(form: dict[str, str], today: date, lang: str) -> Checked:
    checked = Checked()
    check_recipient(form, lang, checked, organisation_required=False)
    check_window(form, today, lang, checked)
    return checked


def check_consent(
    form: dict[str, str], chosen: list[str], present: set[str], today: date, lang: str
) -> Checked:
    checked = Checked()
    check_recipient(form, lang, checked, organisation_required=True)
    tarkoitus = form.get("tarkoitus", "").strip()
    if not tarkoitus:
        checked.fail("tarkoitus", REQUIRED_PURPOSE, lang)
    elif len(tarkoitus) > MAX_PURPOSE:
        checked.fail("tarkoitus", LONG_PURPOSE, lang)
    else:
        checked.values["tarkoitus"] = tarkoitus
    if form.get("laajuus") != "koko":
        if not chosen:
            checked.fail("osat", NO_PARTS, lang)
        elif not set(chosen) <= present:
            checked.fail("osat", UNKNOWN_PART, lang)
        checked.values["module_ids"] = list(dict.fromkeys(chosen))
    else:
        checked.values["module_ids"] = []
    check_window(form, today, lang, checked)
    return checked


def recipient_body(values: dict[str, Any]) -> dict[str, Any]:
    recipient = {"nimi": values["nimi"], "sahkoposti": values["sahkoposti"]}
    if values.get("organisaatio"):
        recipient["organisaatio"] = values["organisaatio"]
    return recipient
