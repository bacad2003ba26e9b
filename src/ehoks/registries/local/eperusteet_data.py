"""ePerusteet in the local registry: reading its data files, storing them, writing them back.

``eperusteet/*.json`` hold ePerusteet documents, one per file or a list, or a search answer
``{"data": [...]}``. Each record is recognised by its shape:

* a **peruste** (it has ``diaarinumero``, ``suoritustavat``, ``koulutustyyppi``,
  ``tutkinnonOsat`` or ``koulutuksenOsat``): the whole peruste as
  ``GET /api/external/peruste/{id}`` answers it, with its units (``tutkinnonOsat``) and TUVA
  parts (``koulutuksenOsat``), or a search hit of ``GET /api/external/perusteet`` (or the older
  ``/api/perusteet/diaari``) without them. A search hit never replaces a whole peruste;
* a **tutkinnon osa** (``osanTyyppi: "tutkinnonosa"``, or a ``tutkinnonosat_…`` code) on its
  own, as ``GET /api/tutkinnonosat/{id}`` answers it (``/api/tutkinnonosat?koodiUri=`` answers
  a search of them);
* a **koulutuksen osa** (``osanTyyppi: "koulutuksenosa"`` or a ``nimiKoodi``), as the list
  ``GET /api/external/peruste/{id}/koulutuksenOsat`` answers. That answer does not name its
  peruste, so such a part keeps the peruste an earlier import gave it.

Every record needs its integer ``id``. Importing a whole peruste replaces its list of units (the
units themselves, shared between perusteet, are only ever added or updated).

The export writes ``eperusteet/peruste-<id>.json`` (whole perusteet with their units and parts
again), ``eperusteet/tutkinnonosa-<id>.json`` for units in no peruste and
``eperusteet/koulutuksenosa-<id>.json`` for parts in no peruste.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from ehoks.registries.eperusteet.schemas import koodi_uri_of
from ehoks.registries.local.models import (
    EperusteetKoulutuksenOsa,
    EperusteetPeruste,
    EperusteetTutkinnonOsa,
)
from ehoks.registries.local.reading import integer_id, items, join, obj, problem_at
from ehoks.registries.local.repository import EperusteetRepository

_PERUSTE_KEYS = ("diaarinumero", "suoritustavat", "koulutustyyppi", "tutkinnonOsat")
_PARTS = ("tutkinnonOsat", "koulutuksenOsat")
_MAX_DIAARINUMERO = 64
_MAX_URI = 255


@dataclass
class EperusteetData:
    """The ePerusteet records of a registry directory by id; a later file wins."""

    # id -> (whole peruste?, the document without its units and parts)
    perusteet: dict[int, tuple[bool, dict[str, Any]]] = field(default_factory=dict)
    # whole peruste id -> its units' ids, in its order
    peruste_tutkinnon_osat: dict[int, list[int]] = field(default_factory=dict)
    tutkinnon_osat: dict[int, dict[str, Any]] = field(default_factory=dict)
    # id -> (peruste id, position in it, document); None where the file did not name one
    koulutuksen_osat: dict[int, tuple[int | None, int | None, dict[str, Any]]] = field(
        default_factory=dict
    )


def nimi_koodi_uri(document: dict[str, Any]) -> str | None:
    nimi_koodi = document.get("nimiKoodi")
    if isinstance(nimi_koodi, dict) and isinstance(nimi_koodi.get("uri"), str):
        return str(nimi_koodi["uri"])
    return None


def read_eperusteet(document: Any, data: EperusteetData) -> None:
    records = items(document)
    if isinstance(document, dict) and isinstance(document.get("data"), list):
        records = [(f"data[{index}]", item) for index, item in enumerate(document["data"])]
    for where, item in records:
        record = obj(item, where, "an ePerusteet peruste, tutkinnon osa or koulutuksen osa")
        if record.get("osanTyyppi") == "koulutuksenosa" or "nimiKoodi" in record:
            _read_koulutuksen_osa(record, where, data, None, None)
        elif any(key in record for key in (*_PERUSTE_KEYS, "koulutuksenOsat")):
            _read_peruste(record, where, data)
        elif record.get("osanTyyppi") == "tutkinnonosa" or (koodi_uri_of(record) or "").startswith(
            "tutkinnonosat_"
        ):
            _read_tutkinnon_osa(record, where, data)
        else:
            raise problem_at(
                where,
                "not an ePerusteet document read here: expected a peruste (with 'diaarinumero',"
                " 'suoritustavat', 'tutkinnonOsat' or 'koulutuksenOsat'), a tutkinnon osa"
                " ('osanTyyppi': 'tutkinnonosa') or a koulutuksen osa"
                " ('osanTyyppi': 'koulutuksenosa')",
            )


def _check_nimi(record: dict[str, Any], where: str) -> None:
    if record.get("nimi") is not None and not isinstance(record["nimi"], dict):
        raise problem_at(where, "'nimi' must be an object of translations")


def _read_peruste(record: dict[str, Any], where: str, data: EperusteetData) -> None:
    peruste_id = integer_id(record.get("id"), where)
    _check_nimi(record, where)
    diaarinumero = record.get("diaarinumero")
    if diaarinumero is not None and (
        not isinstance(diaarinumero, str) or len(diaarinumero) > _MAX_DIAARINUMERO
    ):
        raise problem_at(where, f"peruste {peruste_id}: 'diaarinumero' must be a short string")
    for key in _PARTS:
        if record.get(key) is not None and not isinstance(record[key], list):
            raise problem_at(join(where, key), "expected a list")
    whole = any(isinstance(record.get(key), list) for key in _PARTS)
    previous = data.perusteet.get(peruste_id)
    if whole or previous is None or not previous[0]:
        stripped = {key: value for key, value in record.items() if key not in _PARTS}
        data.perusteet[peruste_id] = (whole, stripped)
    if isinstance(record.get("tutkinnonOsat"), list):
        ids: list[int] = []
        for index, item in enumerate(record["tutkinnonOsat"]):
            item_where = join(where, f"tutkinnonOsat[{index}]")
            osa_id = _read_tutkinnon_osa(obj(item, item_where, "a tutkinnon osa"), item_where, data)
            if osa_id in ids:
                raise problem_at(item_where, f"tutkinnon osa {osa_id} is listed twice")
            ids.append(osa_id)
        data.peruste_tutkinnon_osat[peruste_id] = ids
    for index, item in enumerate(record.get("koulutuksenOsat") or []):
        item_where = join(where, f"koulutuksenOsat[{index}]")
        osa = obj(item, item_where, "a koulutuksen osa")
        _read_koulutuksen_osa(osa, item_where, data, peruste_id, index)


def _read_tutkinnon_osa(record: dict[str, Any], where: str, data: EperusteetData) -> int:
    osa_id = integer_id(record.get("id"), where)
    _check_nimi(record, where)
    uri = record.get("koodiUri")
    if uri is not None and not isinstance(uri, str):
        raise problem_at(where, f"tutkinnon osa {osa_id}: 'koodiUri' must be a string")
    if len(koodi_uri_of(record) or "") > _MAX_URI:
        raise problem_at(where, f"tutkinnon osa {osa_id}: the code URI is too long")
    if record.get("osaAlueet") is not None and not isinstance(record["osaAlueet"], list):
        raise problem_at(where, f"tutkinnon osa {osa_id}: 'osaAlueet' must be a list")
    data.tutkinnon_osat[osa_id] = record
    return osa_id


def _read_koulutuksen_osa(
    record: dict[str, Any],
    where: str,
    data: EperusteetData,
    peruste_id: int | None,
    jarjestys: int | None,
) -> None:
    osa_id = integer_id(record.get("id"), where)
    _check_nimi(record, where)
    nimi_koodi = record.get("nimiKoodi")
    if nimi_koodi is not None and not isinstance(nimi_koodi, dict):
        raise problem_at(where, f"koulutuksen osa {osa_id}: 'nimiKoodi' must be an object")
    if len(nimi_koodi_uri(record) or "") > _MAX_URI:
        raise problem_at(where, f"koulutuksen osa {osa_id}: the code URI is too long")
    previous = data.koulutuksen_osat.get(osa_id)
    if peruste_id is None and previous is not None:
        peruste_id, jarjestys = previous[0], previous[1]
    data.koulutuksen_osat[osa_id] = (peruste_id, jarjestys, record)


def store_eperusteet(session: Session, data: EperusteetData, *, now: datetime) -> int:
    """Upsert the records; the number of new rows."""
    repository = EperusteetRepository(session)
    created = 0
    values: dict[str, Any]
    repository.preload(EperusteetPeruste, data.perusteet)
    for peruste_id, (whole, document) in data.perusteet.items():
        existing = repository.get(EperusteetPeruste, peruste_id)
        if not whole and existing is not None and existing.kokonainen:
            values = {}
        else:
            diaarinumero = document.get("diaarinumero")
            values = {"document": document, "kokonainen": whole, "diaarinumero": diaarinumero}
        created += repository.upsert(EperusteetPeruste, peruste_id, values, now)
    repository.preload(EperusteetTutkinnonOsa, data.tutkinnon_osat)
    for osa_id, document in data.tutkinnon_osat.items():
        values = {"document": document, "koodi_uri": koodi_uri_of(document)}
        created += repository.upsert(EperusteetTutkinnonOsa, osa_id, values, now)
    for peruste_id, osa_ids in data.peruste_tutkinnon_osat.items():
        repository.replace_tutkinnon_osat(peruste_id, osa_ids)
    repository.preload(EperusteetKoulutuksenOsa, data.koulutuksen_osat)
    for osa_id, (osan_peruste, jarjestys, document) in data.koulutuksen_osat.items():
        existing_osa = repository.get(EperusteetKoulutuksenOsa, osa_id)
        values = {"document": document, "koodi_uri": nimi_koodi_uri(document)}
        # A ``koulutuksenOsat`` answer does not name its peruste: keep the one known.
        if osan_peruste is not None or existing_osa is None:
            values |= {"peruste_id": osan_peruste, "jarjestys": jarjestys}
        created += repository.upsert(EperusteetKoulutuksenOsa, osa_id, values, now)
    return created


@dataclass
class EperusteetExport:
    perusteet: int = 0
    tutkinnon_osat: set[int] = field(default_factory=set)
    koulutuksen_osat: int = 0


def eperusteet_files(
    session: Session, counts: EperusteetExport
) -> Iterator[tuple[str, dict[str, Any]]]:
    """``(file name, document)`` for each file of the export; ``counts`` is filled as it goes."""
    repository = EperusteetRepository(session)
    perusteet = list(repository.all(EperusteetPeruste))
    for peruste in perusteet:
        document = dict(peruste.document)
        if peruste.kokonainen:
            osat = repository.tutkinnon_osat_of(peruste.id)
            koulutuksen_osat = repository.koulutuksen_osat_of(peruste.id)
            # A whole peruste always had one of the lists; write back the ones it has.
            if osat or not koulutuksen_osat:
                document["tutkinnonOsat"] = [osa.document for osa in osat]
            if koulutuksen_osat:
                document["koulutuksenOsat"] = [osa.document for osa in koulutuksen_osat]
            counts.tutkinnon_osat.update(osa.id for osa in osat)
            counts.koulutuksen_osat += len(koulutuksen_osat)
        counts.perusteet += 1
        yield f"peruste-{peruste.id}.json", document
    for osa in repository.tutkinnon_osat_without_peruste():
        counts.tutkinnon_osat.add(osa.id)
        yield f"tutkinnonosa-{osa.id}.json", osa.document
    for koulutuksen_osa in repository.koulutuksen_osat_without_peruste():
        counts.koulutuksen_osat += 1
        yield f"koulutuksenosa-{koulutuksen_osa.id}.json", koulutuksen_osa.document
