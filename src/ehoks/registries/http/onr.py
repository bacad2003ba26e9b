"""Oppijanumerorekisteri over HTTP (reference integrations 3.3), with CAS service tickets.

404 means "not found"; any other failure means unavailable. Persons are cached (the original's
180-minute generic cache); master and slave lookups are not, since they decide a HOKS's owner
after a merge and must be current.
"""

from __future__ import annotations

from typing import Any

import httpx

from ehoks.registries.http.cas import CasAuth, CasClient, cas_service
from ehoks.registries.http.client import RegistryHttpClient, segment
from ehoks.registries.http.resilience import TtlCache
from ehoks.registries.onr.schemas import Henkilo, henkilo_from_onr
from ehoks.settings.registries import RegistrySettings

ONR = "Oppijanumerorekisteri"


class HttpOnr:
    """The ``OnrPort`` answered by ONR."""

    def __init__(
        self,
        settings: RegistrySettings,
        *,
        cas: CasClient,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._http = RegistryHttpClient(
            ONR,
            settings.onr_url,
            settings,
            auth=CasAuth(cas, cas_service(settings.onr_url)),
            transport=transport,
            # A redirect to the CAS login page means "ticket refused"; CasAuth must see it.
            follow_redirects=False,
        )
        self._henkilot: TtlCache[str, dict[str, Any]] = TtlCache(
            settings.cache_max_entries, settings.cache_ttl_seconds
        )

    def get_henkilo(self, oid: str) -> Henkilo | None:
        document = self._henkilot.get_or_load(
            oid,
            lambda: self._http.call(
                "GET", f"henkilo/{segment(oid)}", self._object_answer, read=True
            ),
        )
        if document is None:
            return None
        if document.get("duplicate") is True:
            # ONR's person document says only that it is a duplicate; the master is asked
            # separately (``henkilo_from_onr`` reads it under ``master``).
            master = self.get_master_oid(oid)
            if master is not None and master != oid:
                document = {**document, "master": {"oidHenkilo": master}}
        return henkilo_from_onr(document)

    def get_master_oid(self, oid: str) -> str | None:
        document = self._http.call(
            "GET", f"henkilo/{segment(oid)}/master", self._object_answer, read=True
        )
        if document is None:
            return None
        master = document.get("oidHenkilo")
        return master if isinstance(master, str) and master else None

    def get_slave_oids(self, oid: str) -> list[str]:
        slaves = self._http.call(
            "GET", f"henkilo/{segment(oid)}/slaves", self._list_answer, read=True
        )
        return [
            str(slave["oidHenkilo"])
            for slave in slaves
            if isinstance(slave, dict) and isinstance(slave.get("oidHenkilo"), str)
        ]

    def close(self) -> None:
        self._http.close()

    def _object_answer(self, response: httpx.Response) -> dict[str, Any] | None:
        if response.status_code == 404:
            return None
        if response.is_success:
            body = self._http.json(response)
            if isinstance(body, dict):
                return body
            raise self._http.unexpected(response, "a body that is not a JSON object")
        raise self._http.unexpected(response)

    def _list_answer(self, response: httpx.Response) -> list[Any]:
        if response.status_code == 404:
            return []
        if response.is_success:
            body = self._http.json(response)
            if isinstance(body, list):
                return body
            raise self._http.unexpected(response, "a body that is not a JSON array")
        raise self._http.unexpected(response)
