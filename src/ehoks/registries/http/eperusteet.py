"""ePerusteet's external API over HTTP (reference integrations 3.5); no authentication.

A unit is looked up as the original does: search the perusteet that contain its code, then read
each whole peruste and pick the units with that ``koodiUri``. Every answer is cached for
``cache_ttl_seconds``, so a page that names many units of one qualification reads that peruste
once. An empty search is "not found"; a peruste that has disappeared (404) is skipped.
"""

from __future__ import annotations

from typing import Any

import httpx

from ehoks.registries.eperusteet.schemas import (
    KoulutuksenOsa,
    Peruste,
    TutkinnonOsa,
    koulutuksen_osa_from_osat,
    peruste_from_document,
    tutkinnon_osat_from_peruste,
)
from ehoks.registries.http.client import RegistryHttpClient, segment
from ehoks.registries.http.resilience import TtlCache
from ehoks.settings.registries import RegistrySettings

EPERUSTEET = "ePerusteet"


class HttpEperusteet:
    """The ``EperusteetPort`` answered by ePerusteet."""

    def __init__(
        self, settings: RegistrySettings, *, transport: httpx.BaseTransport | None = None
    ) -> None:
        self._http = RegistryHttpClient(
            EPERUSTEET, settings.eperusteet_url, settings, transport=transport
        )
        self._answers: TtlCache[tuple[str, tuple[tuple[str, str], ...]], Any] = TtlCache(
            settings.eperusteet_cache_max_entries, settings.cache_ttl_seconds
        )

    def find_tutkinnon_osat(self, koodi_uri: str) -> list[TutkinnonOsa]:
        found: list[TutkinnonOsa] = []
        for hit in self._search(koodi=koodi_uri):
            peruste = self._get(f"api/external/peruste/{segment(hit['id'])}")
            if isinstance(peruste, dict):
                found.extend(tutkinnon_osat_from_peruste(peruste, koodi_uri))
        return found

    def get_peruste_by_diaarinumero(self, diaarinumero: str) -> Peruste | None:
        # The search matches diary numbers loosely; only the exact one is the answer.
        for hit in self._search(diaarinumero=diaarinumero):
            if hit.get("diaarinumero") == diaarinumero:
                return peruste_from_document(hit)
        return None

    def find_koulutuksen_osa(self, koodi_uri: str) -> KoulutuksenOsa | None:
        hits = self._search(koodi=koodi_uri)
        if not hits:
            return None
        osat = self._get(f"api/external/peruste/{segment(hits[0]['id'])}/koulutuksenOsat")
        return koulutuksen_osa_from_osat(osat, koodi_uri)

    def close(self) -> None:
        self._http.close()

    def _search(self, **query: str) -> list[dict[str, Any]]:
        body = self._get("api/external/perusteet", poistuneet="true", **query)
        data = body.get("data") if isinstance(body, dict) else None
        return [
            hit
            for hit in (data if isinstance(data, list) else [])
            if isinstance(hit, dict) and isinstance(hit.get("id"), int)
        ]

    def _get(self, path: str, **params: str) -> Any:
        key = (path, tuple(sorted(params.items())))
        return self._answers.get_or_load(
            key, lambda: self._http.call("GET", path, self._answer, read=True, params=params)
        )

    def _answer(self, response: httpx.Response) -> Any:
        if response.status_code == 404:
            return None
        if response.is_success:
            return self._http.json(response)
        raise self._http.unexpected(response)
