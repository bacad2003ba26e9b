"""An earlier plan → a draft of the next one (``docs/continuation.md`` field by field).

A pure function of what the use case gathered (``Lahtotiedot``): the earlier HOKS document,
what Koski records as completed on its study right, the new study right and whether ePerusteet
places each unit in the new qualification. The draft is a POST body for the new study right
that needs only ``ensikertainen-hyvaksyminen``; beside it, every carried item says where it
came from (``siirretyt``) and every item left out says why (``pois``) — nothing is dropped
without a word.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ehoks.jatko.terms import (
    AHATO,
    AHPTO,
    AHYTO,
    AS_IT_IS,
    COLLECTIONS,
    COMPLETED,
    HATO,
    HPTO,
    HYTO,
    KEPT_ON_HATO,
    KEPT_ON_HPTO,
    KEPT_ON_SUB_AREA,
    KOSKI,
    NAYTTO,
    NAYTTO_VERSIO,
    NEEDS_NEW_DATES,
    NOT_IN_QUALIFICATION,
    NOT_ON_TUVA,
    NOT_ON_VOCATIONAL,
    PERUSTE_UNKNOWN,
    PLANNED_AGAIN,
    REASONS,
    ROOT_CARRIED,
    TO_ACQUIRE,
    TO_PLAN_AGAIN,
    TUKEVAT,
    TUKI,
    TUVA_OSAT,
    UNITS,
)
from ehoks.registries.koski.schemas import Opiskeluoikeus
from ehoks.registries.koski.suoritukset import KoskiOsa, Tutkinto


@dataclass(frozen=True)
class Lahtotiedot:
    """What the mapping reads."""

    aiempi: dict[str, Any]
    """The earlier HOKS's stored document."""
    aiempi_jarjestaja_oid: str | None
    """The earlier provider (its study right's koulutustoimija, else oppilaitos)."""
    oppija_oid: str
    uusi: Opiskeluoikeus
    uusi_tutkinto: Tutkinto | None
    aiempi_tutkinto: Tutkinto | None
    koski_osat: list[KoskiOsa] | None
    """What Koski records on the earlier study right; ``None`` when Koski does not know it."""
    sijoitus: dict[str, bool] = field(default_factory=dict)
    """Unit code → whether ePerusteet places it in the new qualification's peruste (asked only
    when the qualification changed)."""

    @property
    def tutkinto_vaihtui(self) -> bool:
        if self.uusi.is_tuva:
            return False  # a TUVA plan holds no units to check
        return self.uusi_tutkinto is None or not self.uusi_tutkinto.same_as(self.aiempi_tutkinto)


@dataclass
class Jatkoluonnos:
    body: dict[str, Any]
    siirretyt: list[dict[str, Any]] = field(default_factory=list)
    pois: list[dict[str, Any]] = field(default_factory=list)


def unit_codes(document: dict[str, Any], koski: Iterable[KoskiOsa]) -> set[str]:
    """Every unit code ePerusteet may be asked about for this continuation."""
    codes = {
        unit["tutkinnon-osa-koodi-uri"]
        for key in (AHATO, AHYTO, HATO, HYTO)
        for unit in _items(document, key)
        if isinstance(unit.get("tutkinnon-osa-koodi-uri"), str)
    }
    return codes | {o.koodi_uri for o in koski if o.koodi_uri and o.hyvaksytty}


def build(lahto: Lahtotiedot) -> Jatkoluonnos:
    return _Builder(lahto).build()


class _Builder:
    def __init__(self, lahto: Lahtotiedot) -> None:
        self.lahto = lahto
        self.aiempi = lahto.aiempi
        self.body: dict[str, Any] = {key: [] for key in COLLECTIONS}
        self.result = Jatkoluonnos(self.body)
        completed = [o for o in lahto.koski_osat or [] if o.hyvaksytty]
        self.completed = {o.koodi_uri: o for o in completed if o.koodi_uri}
        self.completed_local = [o for o in completed if o.koodi_uri is None]
        # Sub-areas Koski records as passed, by unit code (a common unit may be partly done).
        self.completed_sub_areas = {
            o.koodi_uri: {s.koodi_uri: s for s in o.osa_alueet if s.koodi_uri and s.hyvaksytty}
            for o in lahto.koski_osat or []
            if o.koodi_uri
        }
        self.used_koski: set[int] = set()

    def build(self) -> Jatkoluonnos:
        self._root()
        if self.lahto.uusi.is_tuva:
            self._onto_tuva()
        else:
            self._prior()
            self._to_acquire()
            self._koski_only()
            for index, item in enumerate(_items(self.aiempi, TUKEVAT)):
                self._carry(TUKEVAT, index, _clean(item), AS_IT_IS)
            for index, item in enumerate(_items(self.aiempi, TUVA_OSAT)):
                self._leave(TUVA_OSAT, index, item, NOT_ON_VOCATIONAL)
        for index, item in enumerate(_items(self.aiempi, TUKI)):
            self._carry(TUKI, index, _clean(item), AS_IT_IS)
        self.body["osaamisen-hankkimisen-tarve"] = any(self.body[k] for k in TO_ACQUIRE)
        for key in COLLECTIONS:
            if not self.body[key]:
                del self.body[key]
        return self.result

    # The root.

    def _root(self) -> None:
        self.body["oppija-oid"] = self.lahto.oppija_oid
        self.body["opiskeluoikeus-oid"] = self.lahto.uusi.oid
        for key in ROOT_CARRIED:
            value = self.aiempi.get(key)
            if value in (None, ""):
                continue
            self.body[key] = value
            versio = key.replace("koodi-uri", "koodi-versio")
            if versio != key and versio in self.aiempi:
                self.body[versio] = self.aiempi[versio]
            self.result.siirretyt.append({"kohde": key, "lahde": key, "tapa": AS_IT_IS})

    # Prior competence as it is.

    def _prior(self) -> None:
        for key in (AHATO, AHPTO, AHYTO):
            for index, unit in enumerate(_items(self.aiempi, key)):
                reason = self._placement(unit.get("tutkinnon-osa-koodi-uri"))
                if reason:
                    self._leave(key, index, unit, reason)
                else:
                    self._carry(key, index, _clean(unit), AS_IT_IS)

    # Units to acquire: completed in Koski → prior competence, else kept without planning.

    def _to_acquire(self) -> None:
        for index, unit in enumerate(_items(self.aiempi, HATO)):
            code = unit.get("tutkinnon-osa-koodi-uri")
            reason = self._placement(code)
            if reason:
                self._leave(HATO, index, unit, reason)
            elif code in self.completed:
                self._recognise(HATO, index, AHATO, self._prior_hato(unit), self.completed[code])
            else:
                kept = _pick(unit, KEPT_ON_HATO)
                new = self.lahto.uusi_tutkinto
                if self.lahto.tutkinto_vaihtui and new is not None and new.diaarinumero:
                    # Placed in the new qualification: now taken from its peruste.
                    kept["tutkinnon-osan-perusteen-diaarinro"] = new.diaarinumero
                self._carry(HATO, index, kept, TO_PLAN_AGAIN, planned_again=_dropped(unit))
        for index, unit in enumerate(_items(self.aiempi, HPTO)):
            done = self._completed_local(unit)
            if done is not None:
                self._recognise(HPTO, index, AHPTO, self._prior_hpto(unit), done)
            else:
                kept = _pick(unit, KEPT_ON_HPTO)
                self._carry(HPTO, index, kept, TO_PLAN_AGAIN, planned_again=_dropped(unit))
        for index, unit in enumerate(_items(self.aiempi, HYTO)):
            self._common_unit(index, unit)

    def _common_unit(self, index: int, unit: dict[str, Any]) -> None:
        code = unit.get("tutkinnon-osa-koodi-uri")
        reason = self._placement(code)
        if reason:
            self._leave(HYTO, index, unit, reason)
            return
        sub_areas = [s for s in unit.get("osa-alueet") or [] if isinstance(s, dict)]
        whole = self.completed.get(code) if isinstance(code, str) else None
        passed = self.completed_sub_areas.get(code, {}) if isinstance(code, str) else {}
        # Passed as a whole, or those of its sub-areas Koski records as passed.
        done = [s for s in sub_areas if whole is not None or s.get("osa-alue-koodi-uri") in passed]
        remaining = [
            s for s in sub_areas if whole is None and s.get("osa-alue-koodi-uri") not in passed
        ]
        if done or whole is not None:
            prior = {
                "tutkinnon-osa-koodi-uri": code,
                "tutkinnon-osa-koodi-versio": unit.get("tutkinnon-osa-koodi-versio", 1),
                "koulutuksen-jarjestaja-oid": self._provider(unit),
                **_naytto([]),
                "osa-alueet": [self._prior_sub_area(s) for s in done],
            }
            dates = [
                passed[s["osa-alue-koodi-uri"]].arviointipaiva
                for s in done
                if s.get("osa-alue-koodi-uri") in passed
            ]
            day = (
                whole.arviointipaiva
                if whole is not None
                else max((d for d in dates if d), default=None)
            )
            self._add(
                AHYTO,
                _without_none(prior),
                {"lahde": f"{HYTO}[{index}]", "tapa": COMPLETED, "koski-arviointipaiva": _iso(day)},
            )
        if remaining or (whole is None and not sub_areas):
            kept = {
                "tutkinnon-osa-koodi-uri": code,
                "tutkinnon-osa-koodi-versio": unit.get("tutkinnon-osa-koodi-versio", 1),
                "osa-alueet": [_pick(s, KEPT_ON_SUB_AREA) for s in remaining],
            }
            dropped = sorted({k for s in remaining for k in _dropped(s)} | set(_dropped(unit)))
            self._carry(HYTO, index, kept, TO_PLAN_AGAIN, planned_again=dropped)

    def _koski_only(self) -> None:
        """Units Koski records as passed that the earlier plan did not list at all."""
        listed = {
            unit.get("tutkinnon-osa-koodi-uri")
            for key in (AHATO, AHYTO, HATO, HYTO)
            for unit in _items(self.aiempi, key)
        }
        provider = self.lahto.aiempi_jarjestaja_oid
        for code, osa in self.completed.items():
            if code in listed or not code.startswith("tutkinnonosat_"):
                continue
            reason = self._placement(code)
            if reason:
                self._leave_koski(osa, reason)
                continue
            target = AHYTO if osa.yhteinen else AHATO
            unit: dict[str, Any] = {
                "tutkinnon-osa-koodi-uri": code,
                "tutkinnon-osa-koodi-versio": 1,
                "koulutuksen-jarjestaja-oid": provider,
                **_naytto([]),
            }
            if osa.yhteinen:
                unit["osa-alueet"] = [
                    _without_none(
                        {
                            "osa-alue-koodi-uri": sub.koodi_uri,
                            "osa-alue-koodi-versio": 1,
                            "koulutuksen-jarjestaja-oid": provider,
                            **_naytto([]),
                        }
                    )
                    # The unit passed: every sub-area Koski records under it counts.
                    for sub in osa.osa_alueet
                    if sub.koodi_uri
                ]
            self._add(target, _without_none(unit), self._koski_source(osa))
        for osa in self.completed_local:
            if id(osa) in self.used_koski or not (osa.nimi.get("fi") or osa.koodiarvo):
                continue
            unit = {
                "nimi": osa.nimi.get("fi") or osa.nimi.get("sv") or osa.koodiarvo,
                "koulutuksen-jarjestaja-oid": provider,
                **_naytto([]),
            }
            self._add(AHPTO, _without_none(unit), self._koski_source(osa))

    # Onto a TUVA study right: no units, no supporting studies; training parts need new dates.

    def _onto_tuva(self) -> None:
        for key in (*UNITS, TUKEVAT):
            for index, item in enumerate(_items(self.aiempi, key)):
                self._leave(key, index, item, NOT_ON_TUVA)
        for index, item in enumerate(_items(self.aiempi, TUVA_OSAT)):
            self._leave(TUVA_OSAT, index, item, NEEDS_NEW_DATES)

    # The pieces.

    def _prior_hato(self, unit: dict[str, Any]) -> dict[str, Any]:
        prior = {
            **_pick(
                unit,
                (
                    "tutkinnon-osa-koodi-uri",
                    "tutkinnon-osa-koodi-versio",
                    "tutkinnon-osan-perusteen-diaarinro",
                    "vaatimuksista-tai-tavoitteista-poikkeaminen",
                    "olennainen-seikka",
                ),
            ),
            "koulutuksen-jarjestaja-oid": self._provider(unit),
            **_naytto(unit.get("osaamisen-osoittaminen")),
        }
        return _without_none(prior)

    def _prior_hpto(self, unit: dict[str, Any]) -> dict[str, Any]:
        prior = {
            **_pick(unit, KEPT_ON_HPTO),
            "koulutuksen-jarjestaja-oid": self._provider(unit),
            **_naytto(unit.get("osaamisen-osoittaminen")),
        }
        return _without_none(prior)

    def _prior_sub_area(self, sub_area: dict[str, Any]) -> dict[str, Any]:
        prior = {
            **_pick(sub_area, KEPT_ON_SUB_AREA),
            "koulutuksen-jarjestaja-oid": self._provider(sub_area),
            **_naytto(sub_area.get("osaamisen-osoittaminen")),
        }
        return _without_none(prior)

    def _provider(self, part: dict[str, Any]) -> str | None:
        """The organisation responsible for the part in the earlier plan, else its provider."""
        own = part.get("koulutuksen-jarjestaja-oid")
        return own if isinstance(own, str) and own else self.lahto.aiempi_jarjestaja_oid

    def _completed_local(self, unit: dict[str, Any]) -> KoskiOsa | None:
        """A local unit Koski records as passed: by its AMOSAA id as Koski's code, or its name."""
        tunniste = str(unit.get("amosaa-tunniste") or "").strip()
        nimi = str(unit.get("nimi") or "").strip().casefold()
        for osa in self.completed_local:
            if id(osa) in self.used_koski:
                continue
            names = {n.strip().casefold() for n in osa.nimi.values()}
            if (tunniste and osa.koodiarvo == tunniste) or (nimi and nimi in names):
                self.used_koski.add(id(osa))
                return osa
        return None

    def _placement(self, code: Any) -> str | None:
        """Why a unit cannot go onto the new qualification, or ``None`` when it can."""
        if not self.lahto.tutkinto_vaihtui or not isinstance(code, str):
            return None
        if self.lahto.uusi_tutkinto is None or self.lahto.uusi_tutkinto.diaarinumero is None:
            return PERUSTE_UNKNOWN
        return None if self.lahto.sijoitus.get(code) else NOT_IN_QUALIFICATION

    def _recognise(
        self, source: str, index: int, target: str, prior: dict[str, Any], osa: KoskiOsa
    ) -> None:
        self._add(
            target,
            prior,
            {
                "lahde": f"{source}[{index}]",
                "tapa": COMPLETED,
                "koski-arviointipaiva": _iso(osa.arviointipaiva),
            },
        )

    def _carry(
        self,
        key: str,
        index: int,
        item: dict[str, Any],
        tapa: str,
        *,
        planned_again: list[str] | None = None,
    ) -> None:
        entry: dict[str, Any] = {"lahde": f"{key}[{index}]", "tapa": tapa}
        if planned_again:
            entry["suunnitellaan-uudelleen"] = planned_again
        self._add(key, item, entry)

    def _add(self, key: str, item: dict[str, Any], entry: dict[str, Any]) -> None:
        self.body[key].append(item)
        self.result.siirretyt.append(
            {"kohde": f"{key}[{len(self.body[key]) - 1}]", **_named(item), **entry}
        )

    def _leave(self, key: str, index: int, item: dict[str, Any], reason: str) -> None:
        self.result.pois.append(
            {"lahde": f"{key}[{index}]", **_named(item), "syy": reason, "selite": REASONS[reason]}
        )

    def _leave_koski(self, osa: KoskiOsa, reason: str) -> None:
        self.result.pois.append(
            {
                "lahde": KOSKI,
                "tutkinnon-osa-koodi-uri": osa.koodi_uri,
                "syy": reason,
                "selite": REASONS[reason],
            }
        )

    def _koski_source(self, osa: KoskiOsa) -> dict[str, Any]:
        return {"lahde": KOSKI, "tapa": COMPLETED, "koski-arviointipaiva": _iso(osa.arviointipaiva)}


# Helpers.

_NAMING_KEYS = ("tutkinnon-osa-koodi-uri", "koulutuksen-osa-koodi-uri", "nimi")


def _named(item: dict[str, Any]) -> dict[str, Any]:
    """What names an item in the answer's ``meta`` (its code or name)."""
    for key in _NAMING_KEYS:
        if item.get(key):
            return {key: item[key]}
    return {}


def _items(document: dict[str, Any], key: str) -> list[dict[str, Any]]:
    return [item for item in document.get(key) or [] if isinstance(item, dict)]


def _clean(value: Any) -> Any:
    """A copy without the earlier plan's part identities (a new plan's parts get their own)."""
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items() if k not in ("module-id", "id")}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return copy.deepcopy(value)


def _pick(item: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    return {k: _clean(item[k]) for k in keys if k in item and item[k] is not None}


def _dropped(item: dict[str, Any]) -> list[str]:
    """The planning of the earlier provider on this part that the new one does again."""
    return [k for k in PLANNED_AGAIN if item.get(k) not in (None, "", [])]


def _naytto(demonstrations: Any) -> dict[str, Any]:
    return {
        "valittu-todentamisen-prosessi-koodi-uri": NAYTTO,
        "valittu-todentamisen-prosessi-koodi-versio": NAYTTO_VERSIO,
        "tarkentavat-tiedot-naytto": _clean(demonstrations or []),
    }


def _without_none(item: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in item.items() if v is not None}


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None
