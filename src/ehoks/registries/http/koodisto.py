"""Koodisto over HTTP (reference integrations 3.6); no authentication.

Koodisto says "not found" as HTTP 500 with the body ``error.codeelement.not.found`` (or, for
some paths, 404); both are ``None``. Answers are cached for ``cache_ttl_seconds``: a published
code version does not change.
"""

from __future__ import annotations

from typing import Any

import httpx

from ehoks.registries.http.client import RegistryHttpClient, segment
from ehoks.registries.http.resilience import TtlCache
from ehoks.registries.koodisto.schemas import Koodi, koodi_from_koodisto
from ehoks.settings.registries import RegistrySettings

KOODISTO = "Koodisto"
NOT_FOUND_BODY = "error.codeelement.not.found"


def is_not_found(response: httpx.Response) -> bool:
    return response.status_code == 404 or (
        response.status_code == 500 and NOT_FOUND_BODY in response.text
    )


class HttpKoodisto:
    """The ``KoodistoPort`` answered by Koodisto."""

    def __init__(
        self, settings: RegistrySettings, *, transport: httpx.BaseTransport | None = None
    ) -> None:
        self._http = RegistryHttpClient(
            KOODISTO, settings.koodisto_url, settings, transport=transport
        )
        self._koodit: TtlCache[tuple[str, int | None], Koodi] = TtlCache(
            settings.cache_max_entries, settings.cache_ttl_seconds
        )
        self._koodistot: TtlCache[str, list[Koodi]] = TtlCache(
            settings.cache_max_entries, settings.cache_ttl_seconds
        )

    def get_koodi(self, koodi_uri: str, versio: int | None = None) -> Koodi | None:
        path = (
            f"rest/codeelement/latest/{segment(koodi_uri)}"
            if versio is None
            else f"rest/codeelement/{segment(koodi_uri)}/{versio}"
        )
        return self._koodit.get_or_load(
            (koodi_uri, versio), lambda: self._http.call("GET", path, self._koodi_answer, read=True)
        )

    def list_koodit(self, koodisto_uri: str) -> list[Koodi]:
        found = self._koodistot.get_or_load(
            koodisto_uri,
            lambda: self._http.call(
                "GET", f"rest/json/{segment(koodisto_uri)}/koodi", self._list_answer, read=True
            ),
        )
        return list(found or [])

    def close(self) -> None:
        self._http.close()

    def _koodi_answer(self, response: httpx.Response) -> Koodi | None:
        if is_not_found(response):
            return None
        if response.is_success:
            body: Any = self._http.json(response)
            if isinstance(body, dict) and body.get("koodiUri"):
                return koodi_from_koodisto(body)
            raise self._http.unexpected(response, "a body that is not a code element")
        raise self._http.unexpected(response)

    def _list_answer(self, response: httpx.Response) -> list[Koodi] | None:
        if is_not_found(response):
            return None
        if response.is_success:
            body: Any = self._http.json(response)
            if isinstance(body, list):
                return [
                    koodi_from_koodisto(item)
                    for item in body
                    if isinstance(item, dict) and item.get("koodiUri")
                ]
            raise self._http.unexpected(response, "a body that is not a JSON array")
        raise self._http.unexpected(response)
