"""Organisaatiopalvelu over HTTP (reference integrations 3.4); no authentication.

An unknown organisation (404, or an empty answer) is ``None``; anything else that fails means
unavailable. Answers are cached for ``cache_ttl_seconds`` (the original's 180 minutes): the
hierarchy changes rarely and every access decision reads it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import httpx

from ehoks.registries.http.client import RegistryHttpClient, segment
from ehoks.registries.http.resilience import TtlCache
from ehoks.registries.organisaatio.schemas import Organisaatio, organisaatio_from_document
from ehoks.settings.registries import RegistrySettings

ORGANISAATIO = "Organisaatiopalvelu"

# Bounds the walk up ``parentOid`` links when a document has no ``parentOidPath``; real
# hierarchies are four or five levels deep, and a cycle in bad data must not loop forever.
_MAX_DEPTH = 32


class HttpOrganisaatio:
    """The ``OrganisaatioPort`` answered by Organisaatiopalvelu."""

    def __init__(
        self, settings: RegistrySettings, *, transport: httpx.BaseTransport | None = None
    ) -> None:
        self._http = RegistryHttpClient(
            ORGANISAATIO, settings.organisaatio_url, settings, transport=transport
        )
        self._organisaatiot: TtlCache[str, Organisaatio] = TtlCache(
            settings.cache_max_entries, settings.cache_ttl_seconds
        )
        self._haut: TtlCache[tuple[str, ...], list[Organisaatio]] = TtlCache(
            settings.cache_max_entries, settings.cache_ttl_seconds
        )

    def get_organisaatio(self, oid: str) -> Organisaatio | None:
        if not oid:
            # The original asked ``/api/`` for a missing OID; there is nothing to ask.
            return None
        return self._organisaatiot.get_or_load(
            oid, lambda: self._http.call("GET", f"api/{segment(oid)}", self._answer, read=True)
        )

    def ancestors_and_self(self, oid: str) -> tuple[str, ...] | None:
        organisaatio = self.get_organisaatio(oid)
        if organisaatio is None:
            return None
        if organisaatio.parent_oid_path or organisaatio.parent_oid is None:
            return organisaatio.ancestors_and_self
        return (*self._walk_up(organisaatio), oid)

    def find_organisaatiot(self, oids: Iterable[str]) -> list[Organisaatio]:
        """Many organisations in one call, ``POST /api/findbyoids``; unknown OIDs are left out."""
        key = tuple(sorted({oid for oid in oids if oid}))
        if not key:
            return []
        found = self._haut.get_or_load(
            key,
            lambda: self._http.call(
                "POST", "api/findbyoids", self._list_answer, read=True, json=list(key)
            ),
        )
        return list(found or [])

    def close(self) -> None:
        self._http.close()

    def _walk_up(self, organisaatio: Organisaatio) -> list[str]:
        """Ancestors by following ``parentOid`` when a document carries no ``parentOidPath``."""
        chain: list[str] = []
        seen = {organisaatio.oid}
        current = organisaatio.parent_oid
        while current is not None and current not in seen and len(chain) < _MAX_DEPTH:
            seen.add(current)
            chain.append(current)
            parent = self.get_organisaatio(current)
            if parent is None:
                break
            if parent.parent_oid_path:
                chain.extend(reversed(parent.parent_oid_path))
                break
            current = parent.parent_oid
        return list(reversed(chain))

    def _answer(self, response: httpx.Response) -> Organisaatio | None:
        if response.status_code == 404 or (response.is_success and not response.content.strip()):
            return None
        if response.is_success:
            body = self._http.json(response)
            if body is None:
                return None
            if isinstance(body, dict) and isinstance(body.get("oid"), str):
                return organisaatio_from_document(body)
            raise self._http.unexpected(response, "a body that is not an organisation")
        raise self._http.unexpected(response)

    def _list_answer(self, response: httpx.Response) -> list[Organisaatio]:
        if response.is_success:
            body: Any = self._http.json(response)
            if isinstance(body, list):
                return [
                    organisaatio_from_document(item)
                    for item in body
                    if isinstance(item, dict) and isinstance(item.get("oid"), str)
                ]
            raise self._http.unexpected(response, "a body that is not a JSON array")
        raise self._http.unexpected(response)
