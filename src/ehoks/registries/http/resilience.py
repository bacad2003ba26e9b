"""The two stateful guards around every registry call: a TTL cache and a circuit breaker.

Both live in the process (DESIGN D8 keeps state in the database, but these are answers of other
services that every instance may ask again, not our data: losing them costs a registry call).
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from typing import Any, Generic, TypeVar

from cachetools import TTLCache
from purgatory import SyncCircuitBreakerFactory
from purgatory.domain.model import OpenedState

from ehoks.errors import RegistryUnavailable

log = logging.getLogger("ehoks.registries")

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class TtlCache(Generic[K, V]):
    """Found answers for ``ttl_seconds``, at most ``max_entries`` of them (least recently used
    go first). ``None`` ("not found") and failures are never stored: a record created in a
    registry must be seen at once, and an outage must not outlive itself.

    ``cachetools.TTLCache`` is not thread-safe and FastAPI runs sync routes in a thread pool,
    hence the lock. The lock is not held while loading, so two threads missing the same key at
    once both ask the registry; that is cheaper than making every caller wait on one slow call.
    """

    def __init__(self, max_entries: int, ttl_seconds: float) -> None:
        self._lock = threading.Lock()
        self._cache: TTLCache[K, V] | None = (
            TTLCache(maxsize=max_entries, ttl=ttl_seconds, timer=time.monotonic)
            if max_entries > 0 and ttl_seconds > 0
            else None
        )

    def get_or_load(self, key: K, load: Callable[[], V | None]) -> V | None:
        if self._cache is None:
            return load()
        with self._lock:
            found = self._cache.get(key)
        if found is not None:
            return found
        value = load()
        if value is not None:
            with self._lock:
                self._cache[key] = value
        return value

    def clear(self) -> None:
        if self._cache is not None:
            with self._lock:
                self._cache.clear()

    def __len__(self) -> int:
        if self._cache is None:
            return 0
        with self._lock:
            self._cache.expire()
            return len(self._cache)


def counts_against_registry(exc: BaseException) -> bool:
    """Whether a failed call says the registry is unwell. Only unavailability does, and not
    even all of it: a registry that answers 4xx is up (``UnexpectedAnswer`` says which)."""
    return isinstance(exc, RegistryUnavailable) and getattr(exc, "counts_against_registry", True)


class CircuitBreaker:
    """One registry's circuit: after ``threshold`` consecutive failed calls it opens, and calls
    fail at once with ``RegistryUnavailable`` (``Retry-After``: the rest of the cool-down)
    instead of each waiting for timeouts; after ``reset_seconds`` calls are let through again,
    and the first success closes it while a failure opens it for another period.

    purgatory keeps the state machine. Its in-memory state is not guarded against threads, so
    every transition here runs under a lock; the guarded call itself does not, so calls to one
    registry still run in parallel.
    """

    def __init__(self, registry: str, *, threshold: int, reset_seconds: float) -> None:
        self.registry = registry
        self._reset_seconds = reset_seconds
        self._lock = threading.Lock()
        factory = SyncCircuitBreakerFactory(
            default_threshold=threshold,
            default_ttl=reset_seconds,
            exclude=[(BaseException, lambda exc: not counts_against_registry(exc))],
        )
        factory.add_listener(self._log_transition)
        self._breaker = factory.get_breaker(registry)

    @property
    def state(self) -> str:
        """``closed``, ``opened`` or ``half-opened``."""
        return self._breaker.context.state

    @contextmanager
    def guard(self) -> Iterator[None]:
        try:
            with self._lock:
                self._breaker.__enter__()
        except OpenedState as opened:
            remaining = opened.opened_at + self._reset_seconds - time.time()
            raise RegistryUnavailable(
                self.registry,
                "it failed repeatedly and is not asked again until the cool-down has passed",
                retry_after=max(1, math.ceil(remaining)),
            ) from None
        try:
            yield
        except BaseException as exc:
            with self._lock:
                self._breaker.__exit__(type(exc), exc, exc.__traceback__)
            raise
        with self._lock:
            self._breaker.__exit__(None, None, None)

    def _log_transition(self, name: str, event_name: str, event: Any) -> None:
        if event_name == "state_changed":
            state = getattr(event, "state", "?")
            level = logging.WARNING if state == "opened" else logging.INFO
            log.log(level, "%s circuit %s", name, state)
