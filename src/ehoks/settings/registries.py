"""Settings of the HTTP registry clients (``EHOKS_REGISTRIES__*``), used when
``EHOKS_REGISTRIES_MODE=http``.

The defaults point at the production Opintopolku hosts and reproduce the original eHOKS's cache
lifetimes and sizes (reference ``ehoks-integrations.md`` 2.4). The original set no timeouts,
retries or circuit breaker; the defaults for those are ours and say why below.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, SecretStr

VIRKAILIJA = "https://virkailija.opintopolku.fi"


class RegistrySettings(BaseModel):
    """Where the national registries are, how eHOKS authenticates to them and how patiently it
    waits for them. Nested under ``Settings.registries``; every field is also an environment
    variable ``EHOKS_REGISTRIES__<FIELD>`` (e.g. ``EHOKS_REGISTRIES__KOSKI_URL``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # Where (reference 2.1: the service URL registry, without its ``${…}`` indirection).

    caller_id: str = "1.2.246.562.10.00000000001.ehoks"
    """Sent as ``Caller-Id`` and as the ``CSRF`` header and cookie on every call (reference
    2.2); OPH services refuse or throttle calls without it."""

    cas_url: str = f"{VIRKAILIJA}/cas"
    """CAS: ``POST {cas_url}/v1/tickets`` issues the ticket-granting ticket."""

    koski_url: str = f"{VIRKAILIJA}/koski"
    """Koski: ``{koski_url}/api/opiskeluoikeus/{oid}`` and ``/api/sure/oids``."""

    onr_url: str = f"{VIRKAILIJA}/oppijanumerorekisteri-service"
    """Oppijanumerorekisteri: ``{onr_url}/henkilo/{oid}`` (and ``/master``, ``/slaves``). Also
    the CAS service of the ONR tickets (``{onr_url}/j_spring_cas_security_check``)."""

    organisaatio_url: str = f"{VIRKAILIJA}/organisaatio-service"
    """Organisaatiopalvelu: ``{organisaatio_url}/api/{oid}`` and ``/api/findbyoids``."""

    koodisto_url: str = f"{VIRKAILIJA}/koodisto-service"
    """Koodisto: ``{koodisto_url}/rest/codeelement/…`` and ``/rest/json/{koodisto}/koodi``."""

    eperusteet_url: str = "https://eperusteet.opintopolku.fi/eperusteet-service"
    """ePerusteet external API: ``{eperusteet_url}/api/external/perusteet`` and
    ``/api/external/peruste/{id}``."""

    # Who.

    cas_username: str = ""
    """eHOKS's service account: CAS tickets for ONR, and HTTP basic auth for Koski (reference
    2.3). Required in ``http`` mode."""

    cas_password: SecretStr = SecretStr("")
    """Password of ``cas_username``. Required in ``http`` mode."""

    cas_tgt_lifetime_seconds: float = Field(default=7200.0, gt=0)
    """How long a ticket-granting ticket is re-used before a new one is asked for even if CAS
    still accepts it (the original's 2 h). A TGT that CAS refuses is replaced at once."""

    # How patiently. The original waited forever (reference 2.2); a HOKS write holds a database
    # transaction open while it waits, so waits are bounded.

    connect_timeout_seconds: float = Field(default=3.0, gt=0)
    """Time to open a connection; an unreachable registry fails this fast."""

    read_timeout_seconds: float = Field(default=10.0, gt=0)
    """Time to wait for each chunk of an answer (also bounds sending and waiting for a pooled
    connection). Koski's largest answers (a learner's all study rights) take a few seconds."""

    max_connections: int = Field(default=20, ge=1)
    """Connections kept per registry and process; each registry has its own pool so that one
    slow registry cannot take the connections of the others."""

    retry_attempts: int = Field(default=3, ge=1)
    """Tries of one idempotent read (GETs, and the POSTs that only read: Koski ``sure/oids``,
    Organisaatio ``findbyoids``) on connection errors, timeouts and 502/503/504. ``1`` turns
    retrying off. Writes (CAS ticket requests) are never retried."""

    retry_backoff_seconds: float = Field(default=0.2, ge=0)
    """Wait before the second try; it doubles for each further try (with a little jitter)."""

    retry_backoff_max_seconds: float = Field(default=2.0, ge=0)
    """Upper bound of one wait between tries."""

    breaker_failure_threshold: int = Field(default=5, ge=1)
    """Consecutive failed calls (after their retries) that open a registry's circuit. While it
    is open, calls fail at once as unavailable instead of waiting for timeouts."""

    breaker_reset_seconds: float = Field(default=30.0, gt=0)
    """How long an open circuit stays open; then calls are let through again and the first
    success closes it (a failure opens it for another period). Also the ``Retry-After``."""

    # Caches (reference 2.4). In-process, per registry; failures and "not found" answers are not
    # cached, so a record created in a registry is seen at once.

    cache_ttl_seconds: float = Field(default=10800.0, ge=0)
    """Lifetime of cached ONR persons, organisations, Koodisto code elements and ePerusteet
    documents (the original's ``ext-cache-lifetime-minutes``, 180 min). ``0`` disables them."""

    cache_max_entries: int = Field(default=10000, ge=0)
    """Entries kept per registry for ONR, Organisaatio and Koodisto (least recently used go
    first). The original's cache was unbounded."""

    eperusteet_cache_max_entries: int = Field(default=200, ge=0)
    """Entries kept for ePerusteet, whose whole-peruste documents are large (hundreds of kB)."""

    koski_opiskeluoikeus_cache_ttl_seconds: float = Field(default=2.0, ge=0)
    """Lifetime of a cached ``GET opiskeluoikeus`` answer (original: 2 s). A burst cache: it
    keeps one HOKS save from asking Koski several times, not a freshness cache."""

    koski_opiskeluoikeus_cache_max_entries: int = Field(default=30, ge=0)
    """Entries of the ``GET opiskeluoikeus`` cache (original: 30)."""

    koski_oppija_cache_ttl_seconds: float = Field(default=5.0, ge=0)
    """Lifetime of a cached ``POST sure/oids`` answer (original: 5 s)."""

    koski_oppija_cache_max_entries: int = Field(default=30, ge=0)
    """Entries of the ``POST sure/oids`` cache (original: 30)."""

    local_organisaatio_cache_ttl_seconds: float = Field(default=60.0, ge=0)
    """``local`` mode: how long an organisation's ancestors are kept in memory for access
    decisions; a re-import of the organisation registry shows within this time."""
