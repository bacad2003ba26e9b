"""Koski over HTTP (reference integrations 3.2): study rights, with HTTP basic auth as eHOKS's
service account.

Errors, as the original classifies them: 404 with a ``notFound…`` code and 400 with a
``badRequest.queryParam…`` code mean "not found" (``None``); no connection, a timeout and
502/503/504 mean unavailable; any other answer is unavailable too, logged with its status and
Koski-virhekoodi.

Koski's ``GET opiskeluoikeus/{oid}`` answer does not name the learner, so the study rights
returned by ``get_opiskeluoikeus`` have ``oppija_oid=None``; whose a study right is comes from
``get_oppijan_opiskeluoikeudet`` (``POST sure/oids``), as in the original's index step.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from ehoks.registries.http.client import RegistryHttpClient, segment
from ehoks.registries.http.resilience import TtlCache
from ehoks.registries.koski.schemas import Opiskeluoikeus, opiskeluoikeus_from_koski
from ehoks.settings.registries import RegistrySettings

KOSKI = "Koski"


def virhekoodi(response: httpx.Response) -> str | None:
    """Koski's error code: ``key`` of the first element of the JSON error array."""
    try:
        body = response.json()
    except ValueError:
        return None
    if isinstance(body, list) and body and isinstance(body[0], dict):
        key = body[0].get("key")
        return key if isinstance(key, str) else None
    return None


def is_not_found(response: httpx.Response) -> bool:
    code = virhekoodi(response) or ""
    return (response.status_code == 404 and code.startswith("notFound")) or (
        response.status_code == 400 and code.startswith("badRequest.queryParam")
    )


class HttpKoski:
    """The ``KoskiPort`` answered by Koski."""

    def __init__(
        self, settings: RegistrySettings, *, transport: httpx.BaseTransport | None = None
    ) -> None:
        self._http = RegistryHttpClient(
            KOSKI,
            settings.koski_url,
            settings,
            auth=httpx.BasicAuth(settings.cas_username, settings.cas_password.get_secret_value()),
            transport=transport,
        )
        # Burst caches (reference 2.4 b): one HOKS save asks for the same study right a few
        # times within a second or two.
        self._opiskeluoikeudet: TtlCache[str, dict[str, Any]] = TtlCache(
            settings.koski_opiskeluoikeus_cache_max_entries,
            settings.koski_opiskeluoikeus_cache_ttl_seconds,
        )
        self._oppijat: TtlCache[tuple[str, ...], list[Any]] = TtlCache(
            settings.koski_oppija_cache_max_entries, settings.koski_oppija_cache_ttl_seconds
        )

    @property
    def breaker_state(self) -> str:
        return self._http.breaker.state

    def get_opiskeluoikeus(self, oid: str) -> Opiskeluoikeus | None:
        document = self.get_opiskeluoikeus_document(oid)
        return None if document is None else opiskeluoikeus_from_koski(document, None)

    def get_opiskeluoikeus_document(self, oid: str) -> dict[str, Any] | None:
        document = self._opiskeluoikeudet.get_or_load(
            oid,
            lambda: self._http.call(
                "GET", f"api/opiskeluoikeus/{segment(oid)}", self._document_answer(oid), read=True
            ),
        )
        return None if document is None else dict(document)

    def get_oppijan_opiskeluoikeudet(self, oppija_oid: str) -> list[Opiskeluoikeus] | None:
        entries = self._oppijat.get_or_load(
            (oppija_oid,),
            lambda: self._http.call(
                "POST", "api/sure/oids", self._sure_answer, read=True, json=[oppija_oid]
            ),
        )
        for entry in entries or []:
            henkilo = entry.get("henkilö") if isinstance(entry, dict) else None
            if isinstance(henkilo, dict) and henkilo.get("oid") == oppija_oid:
                return [
                    opiskeluoikeus_from_koski(document, oppija_oid)
                    for document in entry.get("opiskeluoikeudet") or []
                    if isinstance(document, dict)
                ]
        return None

    def close(self) -> None:
        self._http.close()

    def _document_answer(self, oid: str) -> Callable[[httpx.Response], dict[str, Any] | None]:
        def answer(response: httpx.Response) -> dict[str, Any] | None:
            if response.is_success:
                body = self._http.json(response)
                if isinstance(body, dict):
                    return body
                raise self._http.unexpected(response, "a body that is not a JSON object")
            if is_not_found(response):
                return None
            raise self._http.unexpected(
                response, f"while fetching {oid}, Koski-virhekoodi {virhekoodi(response)}"
            )

        return answer

    def _sure_answer(self, response: httpx.Response) -> list[Any]:
        if response.is_success:
            body = self._http.json(response)
            if isinstance(body, list):
                return body
            raise self._http.unexpected(response, "a body that is not a JSON array")
        if is_not_found(response):
            return []
        raise self._http.unexpected(response, f"Koski-virhekoodi {virhekoodi(response)}")
