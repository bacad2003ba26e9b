"""Settings, read once at a composition root and passed down.

Nothing in this package reads the environment at import time: ``load_settings()`` is called by
``create_app()`` callers (the CLI, the server entry point, tests) and the result is passed on.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Literal

from pydantic import PrivateAttr, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from ehoks.auth.email_login import EmailLoginSettings
from ehoks.auth.sessions import SessionSettings
from ehoks.auth.settings import CasSettings, OidcSettings
from ehoks.devcas import CAS_OPPIJA_PATH, CAS_PATH
from ehoks.devmail.settings import MailCatcherSettings
from ehoks.limits import LimitSettings
from ehoks.mail.settings import SmtpSettings
from ehoks.outbox.settings import OutboxSettings
from ehoks.ratelimit.settings import RateLimitSettings
from ehoks.registries.settings import RegistrySettings

DEV_TOKEN_SECRET = "development-only-token-secret-change-me-0123456789"
# A production token secret: at least this long, and at least this many bits by its characters'
# own frequencies (a random 32-byte secret in base64 has about 200; "aaaa…" has none).
MIN_TOKEN_SECRET_LENGTH = 32
MIN_TOKEN_SECRET_BITS = 128


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="EHOKS_",
        env_nested_delimiter="__",
        extra="forbid",
        env_file=None,
        # A refusal at start-up must not print the input, which holds the secrets.
        hide_input_in_errors=True,
    )

    environment: Literal["development", "test", "production"] = "development"
    """Production refuses development secrets and the local registries' demo data commands."""

    database_url: str = "sqlite:///./var/ehoks.sqlite3"
    """SQLAlchemy URL: a SQLite file by default, ``postgresql+psycopg://user@host/db`` in
    production."""

    database_pool_size: int = 10
    """Connections per process kept by the pool (PostgreSQL)."""

    worker_threads: int = 10
    """Requests one worker process runs at once (the rest wait their turn). More threads than
    database connections only queue on the pool, and many threads contend for the GIL."""

    registries_mode: Literal["local", "http"] = "local"
    """Which implementation answers for the national registries. ``local`` reads the registry
    tables loaded by ``ehoks registry import``; ``http`` calls the real services as
    ``registries`` configures them."""

    registries: RegistrySettings = RegistrySettings()
    """URLs, credentials, timeouts, retries, circuit breaker and caches of the HTTP registry
    clients (``EHOKS_REGISTRIES__KOSKI_URL`` etc.); used in ``http`` mode."""

    token_secret: SecretStr = SecretStr(DEV_TOKEN_SECRET)
    """HMAC key that signs the service clients' access tokens."""

    token_ttl_seconds: int = 900
    """Lifetime of an access token issued at ``/oauth2/token``."""

    prevent_finished_opiskeluoikeus_updates: bool = False
    """Refuse create/PUT/PATCH when the study right is no longer active (original's flag)."""

    enforce_opiskeluoikeus_match: bool = False
    """Kept for configuration compatibility; a missing study right is always refused."""

    limits: LimitSettings = LimitSettings()
    """Request body size, JSON depth and list length, page size (``EHOKS_LIMITS__MAX_BODY_BYTES``,
    ``__MAX_JSON_DEPTH``, ``__MAX_JSON_ITEMS``, ``__MAX_PAGE_SIZE``; ``ehoks.limits``)."""

    idempotency_ttl_hours: int = 24
    """How long an ``Idempotency-Key`` of ``POST /hoks`` is remembered."""

    public_url: str = "http://localhost:8000"
    """The address users reach this service at (scheme, host, port; no trailing slash). Login
    return addresses and the links in e-mails are built on it. Unless set, ``ehoks serve``
    makes it follow the served host and port (``served_on``)."""

    dev_login: bool = False
    """Offer the development login (pick a seeded official or student without a password).
    Refused unless ``environment`` is ``development`` or ``test``."""

    dev_cas: bool = False
    """Serve a development CAS and CAS-oppija inside this service (``/kehitys-cas/cas`` and
    ``/kehitys-cas/cas-oppija``, ``ehoks.devcas``) and point ``cas`` at them, unless its URLs
    are set explicitly. Refused unless ``environment`` is ``development`` or ``test``."""

    login_protocol_virkailija: Literal["cas", "oidc"] = "cas"
    """How officials log in: Opintopolku CAS, or the OpenID provider ``oidc_virkailija``."""

    login_protocol_oppija: Literal["cas", "oidc"] = "cas"
    """How students log in: CAS-oppija (suomi.fi), or the OpenID provider ``oidc_oppija``."""

    cas: CasSettings = CasSettings()
    """CAS and CAS-oppija (``EHOKS_CAS__URL``, ``EHOKS_CAS__OPPIJA_URL``, …)."""

    oidc_virkailija: OidcSettings = OidcSettings()
    """The officials' OpenID provider (``EHOKS_OIDC_VIRKAILIJA__ISSUER``, …)."""

    oidc_oppija: OidcSettings = OidcSettings()
    """The students' OpenID provider (``EHOKS_OIDC_OPPIJA__ISSUER``, …)."""

    session: SessionSettings = SessionSettings()
    """Session timeouts and cookie flags (``EHOKS_SESSION__IDLE_MINUTES``, …)."""

    smtp: SmtpSettings = SmtpSettings()
    """The mail server the outbox worker sends login links, one-time codes and share notices
    through. While the mail catcher is enabled, its host, port and security are the catcher's,
    whatever was set."""

    mail_catcher: MailCatcherSettings = MailCatcherSettings()
    """The development mail catcher (``EHOKS_MAIL_CATCHER__ENABLED``, ``__HOST``, ``__PORT``,
    ``__DIRECTORY``, ``__KEEP``): ``ehoks serve`` runs it and all mail goes to it. Refused
    unless ``environment`` is ``development`` or ``test``."""

    outbox: OutboxSettings = OutboxSettings()
    """The job worker: polling, batch size, lease, attempts and backoff (``EHOKS_OUTBOX__…``;
    ``ehoks worker``)."""

    email_login: EmailLoginSettings = EmailLoginSettings()
    """Lifetimes and limits of e-mail login links and one-time codes."""

    rate_limits: RateLimitSettings = RateLimitSettings()
    """Requests per client, e-mail address and source address for token issuance, logins and
    e-mail links and codes (``EHOKS_RATE_LIMITS__TOKEN_PER_CLIENT__HITS``, ``…__SECONDS``);
    docs/security.md lists them."""

    _dev_cas_fields: frozenset[str] = PrivateAttr(default=frozenset())
    """The ``cas`` URLs that follow ``public_url`` to the development CAS (those not set
    explicitly), so that ``served_on`` can move them with it."""

    @model_validator(mode="after")
    def _refuse_development_secrets(self) -> Settings:
        development = self.environment in ("development", "test")
        problems = [] if development else production_problems(self)
        if self.dev_login and not development:
            problems.append("EHOKS_DEV_LOGIN is allowed only in a development environment")
        if self.mail_catcher.enabled and not development:
            problems.append(
                "EHOKS_MAIL_CATCHER__ENABLED is allowed only in a development environment"
            )
        if self.dev_cas and not development:
            problems.append("EHOKS_DEV_CAS is allowed only in a development environment")
        if problems:
            raise ValueError(
                f"refusing to start with EHOKS_ENVIRONMENT={self.environment}: "
                + "; ".join(problems)
            )
        return self

    @model_validator(mode="after")
    def _log_in_at_the_development_cas(self) -> Settings:
        if self.dev_cas:
            self._dev_cas_fields = frozenset({"url", "oppija_url"} - self.cas.model_fields_set)
            self._point_cas_at_public_url()
        return self

    def _point_cas_at_public_url(self) -> None:
        paths = {"url": CAS_PATH, "oppija_url": CAS_OPPIJA_PATH}
        update = {name: f"{self.public_url}{paths[name]}" for name in self._dev_cas_fields}
        if update:
            self.cas = self.cas.model_copy(update=update)

    @model_validator(mode="after")
    def _send_mail_to_the_catcher(self) -> Settings:
        if self.mail_catcher.enabled:
            self.smtp = self.mail_catcher.redirect(self.smtp)
        return self

    def served_on(self, host: str, port: int) -> Settings:
        """These settings for a server listening on ``host:port``: unless ``public_url`` was
        set explicitly, it becomes that address as a browser on this machine reaches it."""
        if "public_url" in self.model_fields_set:
            return self
        served = self.model_copy(update={"public_url": local_url(host, port)})
        # model_copy runs no validators: the development CAS's URLs move with public_url here.
        served._point_cas_at_public_url()
        return served

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def production_problems(settings: Settings) -> list[str]:
    """What makes these settings unsafe for production (besides the development switches)."""
    problems = []
    secret = settings.token_secret.get_secret_value()
    if secret == DEV_TOKEN_SECRET:
        problems.append("EHOKS_TOKEN_SECRET must be set (the development secret is public)")
    elif len(secret) < MIN_TOKEN_SECRET_LENGTH or secret_bits(secret) < MIN_TOKEN_SECRET_BITS:
        problems.append(
            f"EHOKS_TOKEN_SECRET is weak ({len(secret)} characters, about "
            f"{secret_bits(secret):.0f} bits; at least {MIN_TOKEN_SECRET_LENGTH} random "
            f"characters and {MIN_TOKEN_SECRET_BITS} bits are required, e.g. the output of "
            "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`)"
        )
    if not settings.session.cookie_secure:
        problems.append("EHOKS_SESSION__COOKIE_SECURE must be true (cookies over HTTPS only)")
    if not settings.public_url.startswith("https://"):
        problems.append(
            f"EHOKS_PUBLIC_URL must be an https:// address, not {settings.public_url!r}"
        )
    return problems


def secret_bits(secret: str) -> float:
    """An estimate of a secret's entropy from its own characters' frequencies: the Shannon
    entropy per character times the length. A lower bound for nothing, but it catches the
    usual mistakes (a short word, one repeated character, a short pattern repeated)."""
    if not secret:
        return 0.0
    counts = Counter(secret)
    per_char = -sum(n / len(secret) * math.log2(n / len(secret)) for n in counts.values())
    return abs(per_char) * len(secret)  # abs: a single repeated character gives -0.0


def local_url(host: str, port: int) -> str:
    """``http://`` address of a server listening on ``host:port``, with ``localhost`` for the
    loopback and wildcard addresses."""
    if host in ("", "0.0.0.0", "::", "127.0.0.1", "::1", "localhost"):
        host = "localhost"
    elif ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def load_settings(**overrides: object) -> Settings:
    """Build the settings from the environment (``EHOKS_*``), with explicit overrides on top."""
    return Settings(**overrides)  # type: ignore[arg-type]
