"""Names of the organisations and codes a report shows, in the reader's language.

A report page or export names the same few oppilaitokset and codes on many rows, so each is
asked of its registry once per report (the registries cache across requests too). A name that
cannot be found is the code itself with a notice, as everywhere else (``enrichment.rules``).
"""

from __future__ import annotations

from ehoks.enrichment.rules import KOODISTO, ORGANISAATIO, named, unnamed
from ehoks.enrichment.schemas import Kieli, Label
from ehoks.errors import RegistryUnavailable
from ehoks.registries import Registries


class Nimet:
    def __init__(self, registries: Registries, kieli: Kieli) -> None:
        self.registries = registries
        self.kieli = kieli
        self._organisaatiot: dict[str, Label] = {}
        self._koodit: dict[str, Label] = {}

    def organisaatio(self, oid: str | None) -> Label | None:
        if not oid:
            return None
        if oid not in self._organisaatiot:
            self._organisaatiot[oid] = self._organisaatio(oid)
        return self._organisaatiot[oid]

    def koodi(self, koodi_uri: str | None) -> Label | None:
        if not koodi_uri:
            return None
        if koodi_uri not in self._koodit:
            self._koodit[koodi_uri] = self._koodi(koodi_uri)
        return self._koodit[koodi_uri]

    def _organisaatio(self, oid: str) -> Label:
        try:
            found = self.registries.organisaatio.get_organisaatio(oid)
        except RegistryUnavailable:
            return unnamed(oid, ORGANISAATIO, "unavailable", self.kieli)
        if found is None:
            return unnamed(oid, ORGANISAATIO, "not-found", self.kieli)
        return named(oid, (found.nimi,), self.kieli) or unnamed(
            oid, ORGANISAATIO, "no-name", self.kieli
        )

    def _koodi(self, koodi_uri: str) -> Label:
        try:
            found = self.registries.koodisto.get_koodi(koodi_uri)
        except RegistryUnavailable:
            return unnamed(koodi_uri, KOODISTO, "unavailable", self.kieli)
        if found is None:
            return unnamed(koodi_uri, KOODISTO, "not-found", self.kieli)
        return named(koodi_uri, (found.nimi,), self.kieli) or unnamed(
            koodi_uri, KOODISTO, "no-name", self.kieli
        )
