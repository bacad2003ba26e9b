"""Fixed-window request counters, one row per (limited key, window)."""

from __future__ import annotations

from sqlalchemy import BigInteger, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ehoks.db import Base


class RateLimitCounter(Base):
    __tablename__ = "rate_limit_counter"

    # SHA-256 of "<rule>:<key kind>:<key>": keys are client ids, e-mail addresses and IP
    # addresses, and a table of hashes keeps no personal data.
    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    # Start of the window in whole seconds since the epoch (a multiple of the rule's window).
    window_start: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    hits: Mapped[int] = mapped_column(Integer)
    # When the row may be purged (window end), so one index serves the clean-up.
    expires_at: Mapped[int] = mapped_column(BigInteger, index=True)
