"""The limits, configured in one place (``EHOKS_RATE_LIMITS__…``); docs/security.md lists them
with the reasoning behind each default."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator


class Limit(BaseModel):
    """At most ``hits`` requests per ``seconds`` (a fixed window); ``hits = 0`` switches the
    limit off."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    hits: int = Field(ge=0)
    seconds: int = Field(gt=0, le=24 * 3600)


class RateLimitSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    token_per_client: Limit = Limit(hits=20, seconds=60)
    """``/oauth2/token`` per ``client_id``. A token lives 15 minutes, so a client needs a few an
    hour; twenty a minute leaves room for many worker processes starting at once."""

    token_per_ip: Limit = Limit(hits=120, seconds=60)
    """``/oauth2/token`` per source address, whatever ``client_id`` is sent (guessing ids or
    secrets, or a flood that keeps the secret check busy)."""

    login_per_ip: Limit = Limit(hits=300, seconds=60)
    """Logins through CAS, CAS-oppija and OpenID Connect (the start and the callback each
    count) per source address. High because a school's whole network may log in from one
    address at eight o'clock; it bounds a flood of forged tickets, each of which costs a call
    to CAS."""

    email_link_per_address: Limit = Limit(hits=5, seconds=3600)
    """Requests for a login link to one e-mail address (counted whether or not the address is
    known, so the answer tells nothing). Besides this, at most one link per 5 minutes is
    mailed to an address."""

    email_link_per_ip: Limit = Limit(hits=30, seconds=600)
    """Requests for login links from one source address, whatever addresses are typed."""

    email_code_per_address: Limit = Limit(hits=10, seconds=3600)
    """One-time codes mailed to one address, over all its links (each link sends at most
    ``email_login.max_codes_per_link``)."""

    email_code_per_ip: Limit = Limit(hits=30, seconds=600)
    """One-time code requests from one source address."""

    @model_validator(mode="before")
    @classmethod
    def _keep_the_defaults_of_a_partly_set_limit(cls, data: Any) -> Any:
        # EHOKS_RATE_LIMITS__TOKEN_PER_CLIENT__HITS alone keeps that limit's own window.
        if isinstance(data, dict):
            for name, field in cls.model_fields.items():
                given = data.get(name)
                if isinstance(given, dict) and isinstance(field.default, Limit):
                    data = {**data, name: {**field.default.model_dump(), **given}}
        return data
