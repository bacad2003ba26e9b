"""The registries as one use case sees them: every answer remembered for the rest of the use
case, and none asked while its write transaction is open.

A write use case prepares, then applies (``docs/architecture.md``, "One request"): the registry
answers it needs are fetched first, outside any transaction, and the apply phase reads them
from here. Should the apply phase still ask something it was not prepared for, the question is
not sent: ``Unprepared`` ends the transaction (it rolls back), the frame fetches the answer
outside and runs the apply phase again. Explicit preparation (``hoks.service``) makes that
second run rare; this makes a network call inside a transaction impossible.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar, cast

from ehoks.errors import RegistryUnavailable
from ehoks.registries.ports import (
    EperusteetPort,
    KoodistoPort,
    KoskiPort,
    OnrPort,
    OrganisaatioPort,
    Registries,
)

Key = tuple[str, str, tuple[Hashable, ...], tuple[tuple[str, Hashable], ...]]


class Unprepared(BaseException):
    """A registry question asked inside a write transaction that the prepare phase did not
    ask. A ``BaseException``, so that no ``except Exception`` in a use case can swallow it on
    its way to the frame."""

    def __init__(self, key: Key, fetch: Callable[[], None]) -> None:
        super().__init__(f"{key[0]}.{key[1]} asked inside a write transaction")
        self.key = key
        self.fetch = fetch


class RegistryMemo:
    """The answers one use case has received, and whether its write transaction is open."""

    def __init__(self) -> None:
        self.answers: dict[Key, Any] = {}
        self.sealed = False

    def call(self, key: Key, ask: Callable[[], Any]) -> Any:
        if key not in self.answers:
            if self.sealed:
                raise Unprepared(key, lambda: self._fetch(key, ask))
            self._fetch(key, ask)
        answer = self.answers[key]
        if isinstance(answer, RegistryUnavailable):
            raise answer
        return answer

    def _fetch(self, key: Key, ask: Callable[[], Any]) -> None:
        try:
            self.answers[key] = ask()
        except RegistryUnavailable as unavailable:
            # Remembered too: the apply phase meets the 503 where it asks, after the checks
            # that come before it (404, 403, 412), without asking the registry again.
            self.answers[key] = unavailable


class _RememberingPort:
    """Any port's methods, through the memo (the ports take hashable arguments: OIDs, URIs)."""

    def __init__(self, name: str, port: object, memo: RegistryMemo) -> None:
        self._name = name
        self._port = port
        self._memo = memo

    def __getattr__(self, method: str) -> Callable[..., Any]:
        target = getattr(self._port, method)

        def call(*args: Hashable, **kwargs: Hashable) -> Any:
            key = (self._name, method, args, tuple(sorted(kwargs.items())))
            return self._memo.call(key, lambda: target(*args, **kwargs))

        return call


P = TypeVar("P")


def process_port(port: P) -> P:
    """The process-wide port behind a use case's view of it: the key of a cache that outlives
    the use case (``virkailija.search``'s institutions)."""
    if isinstance(port, _RememberingPort):
        return cast(P, port._port)
    return port


def remembering(registries: Registries, memo: RegistryMemo) -> Registries:
    """``registries`` answering through ``memo``."""
    return Registries(
        koski=cast(KoskiPort, _RememberingPort("koski", registries.koski, memo)),
        onr=cast(OnrPort, _RememberingPort("onr", registries.onr, memo)),
        organisaatio=cast(
            OrganisaatioPort, _RememberingPort("organisaatio", registries.organisaatio, memo)
        ),
        koodisto=cast(KoodistoPort, _RememberingPort("koodisto", registries.koodisto, memo)),
        eperusteet=cast(
            EperusteetPort, _RememberingPort("eperusteet", registries.eperusteet, memo)
        ),
    )
