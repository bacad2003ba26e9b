"""The login protocol clients of one application, built from the settings at start-up."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from ehoks.auth.cas import CasAuthClient
from ehoks.auth.oidc import OidcClient
from ehoks.config import Settings


@dataclass(frozen=True)
class AuthClients:
    http: httpx.Client
    cas: CasAuthClient
    oidc_virkailija: OidcClient | None
    oidc_oppija: OidcClient | None

    def close(self) -> None:
        self.http.close()


def build_auth_clients(settings: Settings) -> AuthClients:
    timeout = max(settings.cas.timeout_seconds, settings.oidc_virkailija.timeout_seconds)
    http = httpx.Client(timeout=timeout, follow_redirects=False)
    return AuthClients(
        http=http,
        cas=CasAuthClient(settings.cas, http),
        oidc_virkailija=(
            OidcClient(settings.oidc_virkailija, http) if settings.oidc_virkailija.issuer else None
        ),
        oidc_oppija=OidcClient(settings.oidc_oppija, http) if settings.oidc_oppija.issuer else None,
    )
