"""The officials' student list (reference 7.3, issue 10): the HOKSes of the chosen organisation
and every institution below it, searched, filtered by state, sorted and paged on the server in
one SQL statement per page (``VirkailijaRepository.search_page`` over ``hoks_haku``).

Which HOKSes may be listed is the access policy's rule, applied to the whole list at once: the
official must hold ``read`` on the chosen organisation, and then may read every HOKS whose
institution lies below it (privileges are inherited down the hierarchy, reference 6.3). The
institutions below it are the ones with HOKSes whose Organisaatiopalvelu path contains it —
the same paths the policy decides single HOKSes on. Deleted HOKSes only for OPH super users.
Every listing is audited as one search event naming the HOKSes shown.
"""

from __future__ import annotations

import re
import threading
import time
import weakref
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy.orm import Session

from ehoks.access.actor import OPH_ORGANISAATIO_OID, OfficialActor
from ehoks.access.errors import NotPermitted
from ehoks.access.policy import is_superuser, privileges_on
from ehoks.context import UseCase
from ehoks.context.registries import process_port
from ehoks.errors import NotFound
from ehoks.kernel.oids import is_oppija_oid
from ehoks.registries.ports import OrganisaatioPort
from ehoks.virkailija.repository import AnyRow, HakuQuery, VirkailijaRepository
from ehoks.virkailija.service import INSUFFICIENT_FOR_ORGANISATION
from ehoks.virkailija.terms import Jarjestys, Locale, Tila

LOCALES = ("fi", "sv", "en")
PAGE_SIZES = (10, 25, 50, 100)
DEFAULT_PAGE_SIZE = 25
# The total is counted exactly up to this many matches; above, the page says "more than".
COUNT_CAP = 10_000
# Over the whole country a search term still matches tens of thousands; counting them would
# read each one (a trigram match is rechecked on the row). There the count stops at 1,000:
# "more than 1,000" asks for a narrower term as well as a larger number would.
NATIONAL_COUNT_CAP = 1_000
# How long the list of institutions with HOKSes is reused. A brand-new institution's first
# HOKSes reach its parent organisations' lists within this time (the organisation registry's
# own cache of ancestors has the same lifetime); an institution chosen itself is always listed.
INSTITUTIONS_TTL_SECONDS = 60.0
# As the JSON API's search (reference 5.5): name terms split on these, every token must occur in
# the name; qualification and competence area use their first run without "%" or "_".
_NAME_SEPARATORS = re.compile(r"[\s_%,]+")
_WILDCARD_FREE_RUN = re.compile(r"[^%_]+")


class UnknownOrganisation(NotFound):
    def __init__(self, oid: str) -> None:
        super().__init__(f"Organisation {oid} not found in Organisaatiopalvelu")


class DeletedOnlyForSuperusers(NotPermitted):
    def __init__(self) -> None:
        super().__init__("Only OPH super users may list deleted HOKSes")


# The institutions below an organisation.


class _Institutions:
    """The institutions with HOKSes, per organisation registry (one per application), reused
    for ``INSTITUTIONS_TTL_SECONDS`` so that a page of the list stays one statement."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cached: weakref.WeakKeyDictionary[Any, tuple[float, tuple[str, ...]]] = (
            weakref.WeakKeyDictionary()
        )

    def get(self, session: Session, port: OrganisaatioPort) -> tuple[str, ...]:
        now = time.monotonic()
        port = process_port(port)  # not the request's view of it: the cache outlives requests
        with self._lock:
            cached = self._cached.get(port)
        if cached is not None and cached[0] > now:
            return cached[1]
        found = tuple(VirkailijaRepository(session).oppilaitokset_with_hoks())
        with self._lock:
            self._cached[port] = (now + INSTITUTIONS_TTL_SECONDS, found)
        return found

    def forget(self) -> None:
        with self._lock:
            self._cached.clear()


INSTITUTIONS = _Institutions()


def institutions_below(
    session: Session, port: OrganisaatioPort, organisaatio_oid: str
) -> tuple[str, ...]:
    """The organisation itself and every institution with HOKSes whose registry path contains
    it; the scope of its student list."""
    below = [
        oid
        for oid in INSTITUTIONS.get(session, port)
        if oid != organisaatio_oid and organisaatio_oid in (port.ancestors_and_self(oid) or ())
    ]
    return (organisaatio_oid, *below)


def child_organisations(
    session: Session, port: OrganisaatioPort, oids: Iterable[str]
) -> dict[str, list[str]]:
    """For each organisation, the institutions with HOKSes below it (which inherit a right
    held on it): the organisation picker's and the session's ``child-organisations``."""
    institutions = INSTITUTIONS.get(session, port)
    paths = {oid: port.ancestors_and_self(oid) or () for oid in institutions}
    return {
        parent: [oid for oid in institutions if oid != parent and parent in paths[oid]]
        for parent in oids
    }


# One page of the list.


@dataclass(frozen=True)
class Ehdot:
    """The list's search terms, filter, order and page, as the page's GET form sends them."""

    nimi: str = ""
    tutkinto: str = ""
    osaamisala: str = ""
    hoks_id: int | None = None
    tila: Tila = "kaikki"
    jarjestys: Jarjestys = "nimi"
    laskeva: bool = False
    sivu: int = 1
    koko: int = DEFAULT_PAGE_SIZE

    def audited(self) -> dict[str, Any]:
        """The terms that were used, for the audit event."""
        terms: dict[str, Any] = {
            "nimi": self.nimi,
            "tutkinto": self.tutkinto,
            "osaamisala": self.osaamisala,
            "hoks-id": self.hoks_id,
        }
        return {"tila": self.tila, **{k: v for k, v in terms.items() if v not in ("", None)}}


@dataclass(frozen=True)
class Rivi:
    hoks_id: int
    oppija_oid: str
    nimi: str
    tutkinto: dict[str, str]
    osaamisala: dict[str, str]
    ensikertainen_hyvaksyminen: date | None
    paivitetty: datetime
    tila: Tila
    lkm: int


@dataclass(frozen=True)
class Sivu:
    """One page. ``total`` is exact unless ``rajattu``: then more than ``total`` HOKSes match
    (the count stops at ``COUNT_CAP``, or ``NATIONAL_COUNT_CAP`` for the whole country, which
    keeps the list fast)."""

    total: int
    sivu: int
    koko: int
    rivit: list[Rivi] = field(default_factory=list)
    rajattu: bool = False

    @property
    def sivuja(self) -> int:
        """The number of pages known to exist (at least the current one when capped)."""
        known = max(1, -(-self.total // self.koko))
        return max(known, self.sivu) if self.rajattu else known

    @property
    def lisaa(self) -> bool:
        """Whether a next page exists."""
        if self.rajattu:
            return len(self.rivit) == self.koko
        return self.sivu < self.sivuja


def search(
    session: Session,
    actor: OfficialActor,
    deps: UseCase,
    *,
    organisaatio_oid: str,
    ehdot: Ehdot,
    locale: str,
    today: date,
) -> Sivu:
    """The page of the list the terms ask for, audited as a search of personal data. Names
    are matched and sorted in ``locale`` (a page language), falling back to Finnish."""
    port = deps.registries.organisaatio
    path = port.ancestors_and_self(organisaatio_oid)
    if path is None:
        raise UnknownOrganisation(organisaatio_oid)
    if "read" not in privileges_on(actor, path):
        raise NotPermitted(INSUFFICIENT_FOR_ORGANISATION)
    if ehdot.tila == "poistettu" and not is_superuser(actor):
        raise DeletedOnlyForSuperusers()
    term = ehdot.nimi.strip()
    oppija_oid = term if is_oppija_oid(term) else None
    # Every institution lies under the OPH root: its list is the whole country's.
    koko_maa = organisaatio_oid == OPH_ORGANISAATIO_OID
    cap = NATIONAL_COUNT_CAP if koko_maa else COUNT_CAP
    query = HakuQuery(
        oppilaitokset=(
            (organisaatio_oid,) if koko_maa else institutions_below(session, port, organisaatio_oid)
        ),
        koko_maa=koko_maa,
        today=today,
        nimi_tokens=() if oppija_oid else _name_tokens(term),
        oppija_oid=oppija_oid,
        tutkinto=_wildcard_free(ehdot.tutkinto.strip()),
        osaamisala=_wildcard_free(ehdot.osaamisala.strip()),
        hoks_id=ehdot.hoks_id,
        tila=ehdot.tila,
        locale=cast("Locale", locale) if locale in LOCALES else "fi",
        order_by=ehdot.jarjestys,
        desc=ehdot.laskeva,
        limit=ehdot.koko,
        offset=(ehdot.sivu - 1) * ehdot.koko,
        cap=cap,
    )
    total, rows = VirkailijaRepository(session).search_page(query)
    rajattu = total > cap
    page = Sivu(
        min(total, cap),
        ehdot.sivu,
        ehdot.koko,
        [_rivi(row, today) for row in rows],
        rajattu=rajattu,
    )
    if deps.trail is not None:
        # One event for the listing (not a read of each HOKS, so the learners' "who has read
        # my plan" lists show actual reads only), naming every HOKS and learner shown.
        deps.trail.record(
            operation="search",
            legal_basis="provider",
            details={
                "organisaatio-oid": organisaatio_oid,
                "haku": ehdot.audited(),
                "total": page.total,
                **({"total-over-cap": True} if rajattu else {}),
                "hoks-ids": [r.hoks_id for r in page.rivit],
                "oppija-oids": sorted({r.oppija_oid for r in page.rivit}),
            },
        )
    return page


def _name_tokens(term: str) -> tuple[str, ...]:
    return tuple(t for t in _NAME_SEPARATORS.split(term) if t)


def _wildcard_free(term: str) -> str | None:
    match = _WILDCARD_FREE_RUN.search(term)
    return match.group(0) if match else None


def _names(row: AnyRow, name: str) -> dict[str, str]:
    values = {lang: getattr(row, f"{name}_{lang}") for lang in ("fi", "sv", "en")}
    return {lang: value for lang, value in values.items() if value}


def tila_of(
    *,
    deleted: bool,
    osaamisen_saavuttamisen_pvm: date | None,
    arvioitu_paattymispaiva: date | None,
    today: date,
) -> Tila:
    """The state the list filters on (the same rule as the query's): ended when the agreed
    competence was achieved or the study right's (estimated) end, as indexed, has passed."""
    if deleted:
        return "poistettu"
    achieved = osaamisen_saavuttamisen_pvm is not None and osaamisen_saavuttamisen_pvm <= today
    past_end = arvioitu_paattymispaiva is not None and arvioitu_paattymispaiva < today
    return "paattynyt" if achieved or past_end else "voimassa"


def _rivi(row: AnyRow, today: date) -> Rivi:
    return Rivi(
        hoks_id=row.hoks_id,
        oppija_oid=row.oppija_oid,
        nimi=row.nimi,
        tutkinto=_names(row, "tutkinto"),
        osaamisala=_names(row, "osaamisala"),
        ensikertainen_hyvaksyminen=row.ensikertainen_hyvaksyminen,
        paivitetty=row.updated_at,
        tila=tila_of(
            deleted=row.deleted_at is not None,
            osaamisen_saavuttamisen_pvm=row.osaamisen_saavuttamisen_pvm,
            arvioitu_paattymispaiva=row.arvioitu_paattymispaiva,
            today=today,
        ),
        lkm=int(row.lkm or 0),
    )
