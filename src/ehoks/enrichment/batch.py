"""What a HOKS asks of the registries, and asking each distinct thing once.

``references`` lists every code and organisation OID in a document, found through the data
model's own field types (``hoks/schemas``), so a field added to the model is enriched without a
change here. ``Resolver`` then asks the registries for each *distinct* value once, however often
the document repeats it, using a port's batch call where it has one (Organisaatio ``findbyoids``,
a Koodisto code list) and running independent calls concurrently in a small thread pool (the ports
are synchronous; a HOKS with twenty units must not wait for twenty round trips one after another).

Caching across calls is the ports' business: the HTTP clients keep TTL caches (registries
settings), and the local ones read our own tables. A second cache here would only add a second
expiry to reason about, so each ``Resolver`` remembers answers for one enrichment only.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Generic, Literal, Protocol, TypeVar, runtime_checkable

from ehoks.enrichment.rules import EPERUSTEET, KOODISTO, ORGANISAATIO, Registry
from ehoks.enrichment.schemas import Location
from ehoks.errors import RegistryUnavailable
from ehoks.hoks.schemas.entities import ENTITIES
from ehoks.hoks.schemas.primitives import KOODI_URIT
from ehoks.hoks.schemas.spec import ROOT
from ehoks.logsafe import describe_error, frames
from ehoks.registries.ports import (
    Koodi,
    KoulutuksenOsa,
    Organisaatio,
    Registries,
    TutkinnonOsa,
)

log = logging.getLogger(__name__)

T = TypeVar("T")

RefKind = Literal["koodi", "organisaatio", "tutkinnon-osa", "osa-alue", "koulutuksen-osa"]
Failure = Literal["not-found", "unavailable"]

DEFAULT_MAX_WORKERS = 8
"""Lookups in flight at once per enrichment. Each registry's HTTP client keeps its own pool of
connections (20 by default), so a handful of threads is enough to overlap the round trips
without queueing on it."""

# Code lists small enough (tens of codes) that reading the whole list once is cheaper than two
# lookups of single codes. ``tutkinnonosat`` and ``ammatillisenoppiaineet`` have thousands and
# hundreds of codes and are always asked code by code.
LISTED_KOODISTOT = frozenset(
    {
        "urasuunnitelma",
        "osaamisenhankkimistapa",
        "oppimisymparistot",
        "osaamisentodentamisenprosessi",
        "oppisopimuksenperusta",
        "ammatillinenkoulutusoppimisentuentyyppi",
        "ammatillisentutkinnonosanryhma",
        "koulutuksenosattuva",
    }
)

# Which registry names a code of each data-model type; the types come from hoks/schemas.
_EPERUSTEET_TYPES: dict[str, RefKind] = {
    "TutkinnonOsaKoodiUri": "tutkinnon-osa",
    "OsaAlueKoodiUri": "osa-alue",
    "KoulutuksenOsaKoodiUri": "koulutuksen-osa",
}
ORGANISAATIO_TYPE = "OrganisaatioOID"
# A demonstration's sub-areas are plain code references whose format the model leaves open.
KOODISTO_KOODI = ("KoodistoKoodi", "koodi-uri")


@runtime_checkable
class OrganisaatioBatchPort(Protocol):
    """An Organisaatio port that can look up many organisations in one call (the HTTP client's
    ``findbyoids``); the local one cannot, and is asked per OID."""

    def find_organisaatiot(self, oids: Iterable[str]) -> list[Organisaatio]: ...


@dataclass(frozen=True)
class Reference:
    """One code or OID field of a document."""

    kind: RefKind
    value: str
    location: Location
    """The field's location (its key last)."""
    tutkinnon_osa: str | None = None
    """For a common unit's sub-area: the code of the unit it belongs to."""
    diaarinumero: str | None = None
    """For a unit: ``tutkinnon-osan-perusteen-diaarinro``, the peruste it was taken from."""

    @property
    def owner(self) -> Location:
        """The location of the object holding the field."""
        return self.location[:-1]


def kind_of(entity: str, key: str, type_name: str) -> RefKind | None:
    """What a field of the data model holds, for enrichment; ``None`` when nothing to name."""
    if type_name == ORGANISAATIO_TYPE:
        return "organisaatio"
    if type_name in _EPERUSTEET_TYPES:
        return _EPERUSTEET_TYPES[type_name]
    if type_name in KOODI_URIT or (entity, key) == KOODISTO_KOODI:
        return "koodi"
    return None


def references(document: Mapping[str, Any]) -> list[Reference]:
    """Every code and organisation OID of ``document``, in document order."""
    found: list[Reference] = []
    _collect(document, ROOT, (), None, found)
    return found


@dataclass(frozen=True)
class _Field:
    key: str
    kind: RefKind | None  # a code or OID to name
    child: str | None  # or an entity to look into
    many: bool


@functools.cache
def _plan(entity_name: str) -> tuple[_Field, ...]:
    """The fields of an entity that enrichment reads, worked out once per entity."""
    entity = ENTITIES[entity_name]
    plan = []
    for spec in entity.fields:
        type_name = spec.type_for("read")
        if type_name in ENTITIES:
            plan.append(_Field(spec.key, None, type_name, spec.many))
        elif (kind := kind_of(entity.name, spec.key, type_name)) is not None:
            plan.append(_Field(spec.key, kind, None, spec.many))
    return tuple(plan)


def _collect(
    node: Mapping[str, Any],
    entity_name: str,
    location: Location,
    unit: str | None,
    found: list[Reference],
) -> None:
    own_unit = node.get("tutkinnon-osa-koodi-uri")
    if isinstance(own_unit, str) and own_unit:
        unit = own_unit
    diaarinumero = node.get("tutkinnon-osan-perusteen-diaarinro")
    for spec in _plan(entity_name):
        value = node.get(spec.key)
        if value is None:
            continue
        if spec.child is not None:
            if spec.many and isinstance(value, list):
                for index, item in enumerate(value):
                    if isinstance(item, dict):
                        _collect(item, spec.child, (*location, spec.key, index), unit, found)
            elif isinstance(value, dict):
                _collect(value, spec.child, (*location, spec.key), unit, found)
            continue
        if spec.kind is None or not isinstance(value, str) or not value:
            continue
        found.append(
            Reference(
                kind=spec.kind,
                value=value,
                location=(*location, spec.key),
                tutkinnon_osa=unit if spec.kind == "osa-alue" else None,
                diaarinumero=(
                    diaarinumero
                    if spec.kind == "tutkinnon-osa"
                    and isinstance(diaarinumero, str)
                    and diaarinumero
                    else None
                ),
            )
        )


@dataclass(frozen=True)
class Answer(Generic[T]):
    """A registry's answer about one thing: the value, or why there is none."""

    value: T | None = None
    failure: Failure | None = None


@dataclass
class Answers:
    """Everything the registries said during one enrichment, by code or OID."""

    koodit: dict[str, Answer[Koodi]] = field(default_factory=dict)
    organisaatiot: dict[str, Answer[Organisaatio]] = field(default_factory=dict)
    tutkinnon_osat: dict[str, Answer[tuple[TutkinnonOsa, ...]]] = field(default_factory=dict)
    koulutuksen_osat: dict[str, Answer[KoulutuksenOsa]] = field(default_factory=dict)
    calls: Counter[str] = field(default_factory=Counter)


def koodisto_of(koodi_uri: str) -> str:
    """The code list of a code URI: the part before the first ``_`` (``urasuunnitelma_0001``)."""
    return koodi_uri.split("_", 1)[0]


class Resolver:
    """Asks the registries about distinct codes and OIDs, each once, and keeps the answers.

    A lookup that fails (``RegistryUnavailable``, or anything else a port raises) becomes an
    ``unavailable`` answer for the things it was about, never an exception: enrichment is for
    reading, and one registry's failure must not take the rest of the HOKS from the reader.
    Unexpected errors are logged with their traceback so that they still reach error tracking.
    """

    def __init__(self, registries: Registries, *, max_workers: int = DEFAULT_MAX_WORKERS) -> None:
        self._registries = registries
        self._max_workers = max_workers
        self._lock = threading.Lock()
        self.answers = Answers()

    def resolve(
        self,
        *,
        koodit: Iterable[str] = (),
        organisaatiot: Iterable[str] = (),
        tutkinnon_osat: Iterable[str] = (),
        koulutuksen_osat: Iterable[str] = (),
    ) -> Answers:
        """Ask about everything given that has not been asked yet, concurrently."""
        answers = self.answers
        jobs: list[Callable[[], None]] = []
        for code in sorted(set(tutkinnon_osat) - answers.tutkinnon_osat.keys()):
            jobs.append(partial(self._tutkinnon_osa, code))
        for code in sorted(set(koulutuksen_osat) - answers.koulutuksen_osat.keys()):
            jobs.append(partial(self._koulutuksen_osa, code))
        jobs.extend(self._koodi_jobs(set(koodit) - answers.koodit.keys()))
        jobs.extend(self._organisaatio_jobs(set(organisaatiot) - answers.organisaatiot.keys()))
        self._run(jobs)
        return answers

    def _run(self, jobs: list[Callable[[], None]]) -> None:
        if self._max_workers <= 1 or len(jobs) <= 1:
            for job in jobs:
                job()
            return
        workers = min(self._max_workers, len(jobs))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ehoks-enrich") as pool:
            for future in [pool.submit(job) for job in jobs]:
                future.result()

    def _ask(self, registry: Registry, call: Callable[[], T | None]) -> Answer[T]:
        with self._lock:
            self.answers.calls[registry] += 1
        try:
            value = call()
        except RegistryUnavailable as exc:
            log.info("Enrichment: %s", exc.detail)
            return Answer(failure="unavailable")
        except Exception as exc:
            log.error(
                "Enrichment: a %s lookup failed unexpectedly: %s\n%s",
                registry,
                describe_error(exc),
                frames(exc),
            )
            return Answer(failure="unavailable")
        return Answer(failure="not-found") if value is None else Answer(value=value)

    def _store(self, bucket: dict[str, Answer[T]], key: str, answer: Answer[T]) -> None:
        with self._lock:
            bucket[key] = answer

    # ePerusteet: one call per distinct unit or TUVA module.

    def _tutkinnon_osa(self, code: str) -> None:
        eperusteet = self._registries.eperusteet
        answer = self._ask(EPERUSTEET, lambda: tuple(eperusteet.find_tutkinnon_osat(code)) or None)
        self._store(self.answers.tutkinnon_osat, code, answer)

    def _koulutuksen_osa(self, code: str) -> None:
        eperusteet = self._registries.eperusteet
        answer = self._ask(EPERUSTEET, lambda: eperusteet.find_koulutuksen_osa(code))
        self._store(self.answers.koulutuksen_osat, code, answer)

    # Koodisto: a whole small list when the document names several of its codes, else per code.

    def _koodi_jobs(self, codes: set[str]) -> list[Callable[[], None]]:
        by_koodisto: dict[str, list[str]] = {}
        for code in sorted(codes):
            by_koodisto.setdefault(koodisto_of(code), []).append(code)
        jobs: list[Callable[[], None]] = []
        for koodisto, group in by_koodisto.items():
            if len(group) > 1 and koodisto in LISTED_KOODISTOT:
                jobs.append(partial(self._koodisto_list, koodisto, group))
            else:
                jobs.extend(partial(self._koodi, code) for code in group)
        return jobs

    def _koodi(self, code: str) -> None:
        koodisto = self._registries.koodisto
        self._store(
            self.answers.koodit, code, self._ask(KOODISTO, lambda: koodisto.get_koodi(code))
        )

    def _koodisto_list(self, koodisto_uri: str, codes: list[str]) -> None:
        koodisto = self._registries.koodisto
        answer = self._ask(KOODISTO, lambda: koodisto.list_koodit(koodisto_uri) or None)
        if answer.failure == "unavailable":
            for code in codes:
                self._store(self.answers.koodit, code, Answer(failure="unavailable"))
            return
        listed = {koodi.koodi_uri: koodi for koodi in answer.value or ()}
        for code in codes:
            if code in listed:
                self._store(self.answers.koodit, code, Answer(value=listed[code]))
            else:
                # Not in the list as the port gives it (an unknown list, or a code the list
                # leaves out): asked on its own, so the list never hides a code that exists.
                self._koodi(code)

    # Organisaatiopalvelu: one ``findbyoids`` for several OIDs where the port has it.

    def _organisaatio_jobs(self, oids: set[str]) -> list[Callable[[], None]]:
        port = self._registries.organisaatio
        ordered = sorted(oids)
        if len(ordered) > 1 and isinstance(port, OrganisaatioBatchPort):
            return [partial(self._organisaatiot, port, ordered)]
        return [partial(self._organisaatio, oid) for oid in ordered]

    def _organisaatio(self, oid: str) -> None:
        port = self._registries.organisaatio
        answer = self._ask(ORGANISAATIO, lambda: port.get_organisaatio(oid))
        self._store(self.answers.organisaatiot, oid, answer)

    def _organisaatiot(self, port: OrganisaatioBatchPort, oids: list[str]) -> None:
        answer = self._ask(ORGANISAATIO, lambda: port.find_organisaatiot(oids))
        found = {o.oid: o for o in answer.value or ()}
        for oid in oids:
            if answer.failure == "unavailable":
                self._store(self.answers.organisaatiot, oid, Answer(failure="unavailable"))
            elif oid in found:
                self._store(self.answers.organisaatiot, oid, Answer(value=found[oid]))
            else:
                # ``findbyoids`` leaves out the OIDs it does not know.
                self._store(self.answers.organisaatiot, oid, Answer(failure="not-found"))
