"""Settings of the SMTP server that eHOKS sends its mail through.

A plain model without environment reading: the application's ``Settings`` nests it under
``smtp``, so each field is also an environment variable there (e.g. ``EHOKS_SMTP__HOST``).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr


class SmtpSettings(BaseModel):
    """Where the SMTP server is, how to talk to it and whom the mail is from."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    host: str = "127.0.0.1"
    """SMTP server host name or address. The default suits a relay on the same machine (a local
    Postfix or an SMTP sidecar), which queues and retries on our behalf."""

    port: int = Field(default=25, ge=1, le=65535)
    """SMTP server port: usually 25 for a local relay, 587 with ``starttls``, 465 with ``ssl``."""

    username: SecretStr | None = None
    """User name for SMTP AUTH; ``None`` sends without logging in (a relay that trusts us by
    address). Secret because a user name is half of a credential."""

    password: SecretStr | None = None
    """Password for SMTP AUTH; used only together with ``username``."""

    security: Literal["none", "starttls", "ssl"] = "none"
    """Transport security: ``none`` (plain SMTP, for a relay on the same host or network),
    ``starttls`` (upgrade a plain connection, port 587) or ``ssl`` (TLS from the first byte,
    port 465). With ``starttls`` and ``ssl`` the server's certificate is verified."""

    sender: str = "eHOKS <noreply@ehoks.invalid>"
    """``From`` of every mail, with a display name. Its domain also names the ``Message-ID``s,
    so set it to a domain eHOKS is allowed to send for (SPF/DKIM)."""

    timeout_seconds: float = Field(default=10.0, gt=0)
    """Longest wait for the server to connect and to answer each SMTP command. Only the outbox
    worker talks to the server, with no transaction open; a server that does not answer in time
    fails the attempt, and the job is tried again later (``OutboxSettings``)."""
