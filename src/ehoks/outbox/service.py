"""Writing jobs and the retry schedule. Like every service here, nothing commits.

``enqueue`` is called inside the transaction of the change that causes the job, so the job is
committed with the change or rolled back with it: never a mail about a share that was not saved,
never a saved share whose mail is lost.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from ehoks.kernel.clock import now_utc
from ehoks.outbox.repository import OutboxRepository
from ehoks.outbox.settings import OutboxSettings

KIND_LENGTH = 64
DEDUPE_KEY_LENGTH = 128


def enqueue(
    session: Session,
    kind: str,
    payload: dict[str, Any],
    *,
    not_before: datetime | None = None,
    dedupe_key: str | None = None,
    now: datetime | None = None,
) -> int | None:
    """Add a job of ``kind`` (a handler registered with the worker) in ``session``'s
    transaction; it is due at ``not_before`` (default: now). Returns its id, or ``None`` when a
    job with the same ``dedupe_key`` exists already (then nothing is added)."""
    if not kind or len(kind) > KIND_LENGTH:
        raise ValueError(f"a job kind is 1 to {KIND_LENGTH} characters")
    if dedupe_key is not None and not 0 < len(dedupe_key) <= DEDUPE_KEY_LENGTH:
        raise ValueError(f"a dedupe key is 1 to {DEDUPE_KEY_LENGTH} characters")
    at = now or now_utc()
    if at.tzinfo is None or (not_before is not None and not_before.tzinfo is None):
        raise ValueError("job times must be timezone-aware")
    return OutboxRepository(session).add(
        kind, payload, now=at, not_before=not_before or at, dedupe_key=dedupe_key
    )


def backoff(attempts: int, settings: OutboxSettings, rng: random.Random) -> timedelta:
    """The wait after the ``attempts``-th failed attempt: the base doubled per earlier failure,
    capped, then scaled by a random factor in [0.5, 1) ("equal jitter"), so that jobs failed by
    one outage do not all come back in the same second."""
    exponent = min(max(attempts - 1, 0), 30)  # 2**30 × base is past any cap
    ceiling = min(settings.backoff_base_seconds * 2**exponent, settings.backoff_max_seconds)
    return timedelta(seconds=ceiling * (0.5 + rng.random() / 2))
