"""Settings of the development mail catcher, nested in ``Settings`` as ``mail_catcher``.

Each field is also an environment variable there, e.g. ``EHOKS_MAIL_CATCHER__ENABLED``.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from ehoks.mail.settings import SmtpSettings

_ANY_ADDRESS = {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "::": "::1"}


class MailCatcherSettings(BaseModel):
    """Whether ``ehoks serve`` runs the catcher, where it listens and where it keeps the mail."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = False
    """Run the catcher with ``ehoks serve`` and send all mail to it. Refused unless
    ``environment`` is ``development`` or ``test``."""

    host: str = "127.0.0.1"
    """Interface the catcher listens on."""

    port: int = Field(default=1025, ge=1, le=65535)
    """TCP port the catcher listens on."""

    directory: Path = Path("var/mail")
    """Where each caught mail is kept as an ``.eml`` file (relative to the working directory)."""

    keep: int = Field(default=500, ge=1)
    """How many mails are kept; the oldest are deleted beyond that."""

    @property
    def connect_host(self) -> str:
        """The address a client on this machine reaches the catcher at."""
        return _ANY_ADDRESS.get(self.host, self.host)

    def redirect(self, smtp: SmtpSettings) -> SmtpSettings:
        """``smtp`` sending to this catcher: plain SMTP, no login; sender and timeout kept."""
        return smtp.model_copy(
            update={
                "host": self.connect_host,
                "port": self.port,
                "security": "none",
                "username": None,
                "password": None,
            }
        )
