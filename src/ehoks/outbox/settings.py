"""Settings of the outbox worker.

A plain model without environment reading: the application's ``Settings`` nests it under
``outbox``, so each field is also an environment variable there (``EHOKS_OUTBOX__MAX_ATTEMPTS``).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class OutboxSettings(BaseModel):
    """How often the worker looks for jobs, how many it takes at once, how long it holds them
    and how it retries."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    poll_interval_seconds: float = Field(default=1.0, gt=0, le=3600)
    """How long an idle worker waits before looking for due jobs again. A login mail waits at
    most this long before its first attempt."""

    batch_size: int = Field(default=10, ge=1, le=1000)
    """Jobs one worker claims per look. Small, so that jobs spread over several workers and a
    stopping worker hands few back."""

    lease_seconds: int = Field(default=300, ge=10)
    """How long a claimed job belongs to its worker. A worker that dies loses its jobs when
    the lease ends and another worker redoes them. Keep it well above the longest a job can
    take (the SMTP timeout times the commands of one mail): a job whose lease ends while its
    worker is still on it may be done twice."""

    max_attempts: int = Field(default=8, ge=1, le=100)
    """Attempts before a job is dead (kept with its last error for ``ehoks outbox retry``).
    With the default backoff the eighth attempt comes about an hour after the first."""

    backoff_base_seconds: float = Field(default=30.0, gt=0)
    """The wait after the first failure; each further failure doubles it."""

    backoff_max_seconds: float = Field(default=1800.0, gt=0)
    """The longest wait between two attempts."""

    keep_done_days: int = Field(default=7, ge=0)
    """How long ``ehoks outbox purge`` keeps finished jobs (their payloads are already gone)."""
