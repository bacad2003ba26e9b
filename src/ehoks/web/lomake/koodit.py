"""The code lists the form offers (Koodisto, through its port), named in the page's language.

Each list is read once per page (``KoodistoPort.list_koodit``; the HTTP client caches). Passive
and expired codes are not offered, as in the original form, but a stored value is always shown
by its name. A registry that does not answer raises ``RegistryUnavailable`` (the 503 page).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from ehoks.registries.ports import Koodi, Registries
from ehoks.web.i18n import text_in

PASSIVE = "PASSIIVINEN"
UNITS = "tutkinnonosat"
TUVA_PARTS = "koulutuksenosattuva"
SELECT_LIMIT = 300
"""Longer lists (the units: thousands of codes) are a text field with suggestions instead of a
drop-down, which would make the page heavy and the list unusable."""


@dataclass(frozen=True)
class Vaihtoehto:
    value: str
    text: str


@dataclass
class Koodisto:
    uri: str
    offered: list[Vaihtoehto] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)
    versions: dict[str, int] = field(default_factory=dict)

    @property
    def long(self) -> bool:
        return len(self.offered) > SELECT_LIMIT


@dataclass
class Koodit:
    """The form's code lists, and names of stored codes that the lists do not hold."""

    registries: Registries
    lang: str
    lists: dict[str, Koodisto] = field(default_factory=dict)
    _extra: dict[str, str | None] = field(default_factory=dict)

    def name(self, koodisto: str | None, uri: str) -> str | None:
        """The code's name in the page's language, or None when no registry knows it."""
        known = self.lists.get(koodisto or "")
        if known is not None and uri in known.names:
            return known.names[uri]
        if uri not in self._extra:
            self._extra[uri] = self._look_up(koodisto, uri)
        return self._extra[uri]

    def _look_up(self, koodisto: str | None, uri: str) -> str | None:
        """A code the list does not hold (passive, or the list unknown): Koodisto by the code,
        and units and TUVA parts by their names in ePerusteet."""
        koodi = self.registries.koodisto.get_koodi(uri)
        if koodi is not None and text_in(koodi.nimi, self.lang):
            return text_in(koodi.nimi, self.lang)
        if koodisto == UNITS:
            units = self.registries.eperusteet.find_tutkinnon_osat(uri)
            return next((text_in(u.nimi, self.lang) for u in units if u.nimi), None)
        if koodisto == TUVA_PARTS:
            part = self.registries.eperusteet.find_koulutuksen_osa(uri)
            return text_in(part.nimi, self.lang) or None if part is not None else None
        return None

    def latest_versions(self) -> dict[str, int]:
        return {uri: v for known in self.lists.values() for uri, v in known.versions.items()}


def _offered(koodi: Koodi, today: date) -> bool:
    expired = koodi.voimassa_loppu is not None and koodi.voimassa_loppu < today
    return koodi.tila != PASSIVE and not expired


def load(registries: Registries, uris: Iterable[str], lang: str, today: date) -> Koodit:
    koodit = Koodit(registries, lang)
    for uri in uris:
        known = Koodisto(uri)
        for koodi in registries.koodisto.list_koodit(uri):
            name = text_in(koodi.nimi, lang) or koodi.koodiarvo
            known.names[koodi.koodi_uri] = name
            if koodi.versio is not None:
                known.versions[koodi.koodi_uri] = koodi.versio
            if _offered(koodi, today):
                known.offered.append(Vaihtoehto(koodi.koodi_uri, name))
        known.offered.sort(key=lambda option: (option.text.casefold(), option.value))
        koodit.lists[uri] = known
    return koodit
