"""Where the browser goes after logging out of eHOKS."""

from __future__ import annotations

from ehoks.access.actor import Actor, EmailActor, OfficialActor
from ehoks.auth.clients import AuthClients
from ehoks.config import Settings


def after_logout(settings: Settings, auth: AuthClients, actor: Actor) -> str:
    """The landing page in development (no identity provider there); in production the
    identity provider's own logout, so that its session ends too, returning to the landing
    page."""
    landing = f"{settings.public_url}/"
    if settings.environment != "production" or isinstance(actor, EmailActor):
        return "/"
    realm = "virkailija" if isinstance(actor, OfficialActor) else "oppija"
    protocol = (
        settings.login_protocol_virkailija
        if realm == "virkailija"
        else settings.login_protocol_oppija
    )
    if protocol == "cas":
        return auth.cas.logout_url(landing, oppija=realm == "oppija")
    client = auth.oidc_virkailija if realm == "virkailija" else auth.oidc_oppija
    if client is not None:
        return client.end_session_url(None, landing) or "/"
    return "/"
