"""Load registry data files into the local registry tables.

A registry directory holds one subdirectory per registry, each with ``*.json`` files in the real
services' response shapes (read in name order; other files are ignored):

``koski/``
    Koski oppija documents, ``{"henkilö": {...}, "opiskeluoikeudet": [...]}`` as
    ``GET /koski/api/oppija/{oid}`` answers, one per file or a list of them (the list is also
    what ``POST /koski/api/sure/oids`` answers). A file may instead hold a single study right as
    ``GET /koski/api/opiskeluoikeus/{oid}`` answers it; that answer does not name the learner, so
    such a study right is stored without one (and keeps the learner an earlier import gave it).

``onr/``
    Oppijanumerorekisteri henkilö documents as ``GET /oppijanumerorekisteri-service/henkilo/{oid}``
    answers, one per file or a list. ONR marks a merged duplicate with ``"duplicate": true`` but
    names its master only in a separate answer, ``GET /henkilo/{oid}/master``; here a duplicate's
    document carries that answer (at least ``{"oidHenkilo": <master>}``) under the key
    ``master``. ``get_slave_oids`` is the reverse of that link, as ``GET /henkilo/{oid}/slaves``.

``organisaatio/``
    Organisaatiopalvelu documents as ``GET /organisaatio-service/api/{oid}`` answers (``oid``,
    ``nimi``, ``parentOid``, ``parentOidPath`` = ``|root|…|parent|``, ``tyypit`` or the older
    ``organisaatiotyypit``), one per file or a list (``POST /findbyoids`` answers a list).

``koodisto/`` and ``eperusteet/``
    Koodisto code elements and ePerusteet perusteet, units and TUVA parts; see
    ``koodisto_data`` and ``eperusteet_data`` for the shapes.

Importing upserts: every record a file describes is inserted or replaced; nothing is deleted.
All files are read and checked before anything is written, and everything is written in one
transaction, so a malformed file stops the import with an error naming the file and the problem
and nothing is stored.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from ehoks.db import make_session_factory
from ehoks.kernel.clock import now_utc
from ehoks.registries.errors import RegistryImportError
from ehoks.registries.koski.schemas import opiskeluoikeus_from_koski
from ehoks.registries.local.eperusteet_data import (
    EperusteetData,
    read_eperusteet,
    store_eperusteet,
)
from ehoks.registries.local.koodisto_data import KoodistoData, read_koodisto, store_koodisto
from ehoks.registries.local.models import (
    KoskiOpiskeluoikeus,
    KoskiOppija,
    OnrHenkilo,
    OrganisaatioRecord,
)
from ehoks.registries.local.reading import Problem as _Problem
from ehoks.registries.local.reading import items as _items
from ehoks.registries.local.reading import join as _join
from ehoks.registries.local.reading import obj as _obj
from ehoks.registries.local.reading import oid as _oid
from ehoks.registries.local.reading import problem_at as _where
from ehoks.registries.local.repository import RegistryRepository
from ehoks.registries.onr.schemas import master_oid_of
from ehoks.registries.organisaatio.schemas import format_parent_oid_path, parse_parent_oid_path

REGISTRY_DIRS = ("koski", "onr", "organisaatio", "koodisto", "eperusteet")


@dataclass
class RegistryData:
    """The records of a registry directory, checked and keyed by OID (a later file wins)."""

    koski_oppijat: dict[str, dict[str, Any]] = field(default_factory=dict)
    # oid -> (oppija OID or None when the file did not name the learner, document)
    koski_opiskeluoikeudet: dict[str, tuple[str | None, dict[str, Any]]] = field(
        default_factory=dict
    )
    onr_henkilot: dict[str, dict[str, Any]] = field(default_factory=dict)
    organisaatiot: dict[str, dict[str, Any]] = field(default_factory=dict)
    koodisto: KoodistoData = field(default_factory=KoodistoData)
    eperusteet: EperusteetData = field(default_factory=EperusteetData)
    files: int = 0


@dataclass(frozen=True)
class ImportSummary:
    files: int
    koski_oppijat: int
    koski_opiskeluoikeudet: int
    onr_henkilot: int
    organisaatiot: int
    created: int
    updated: int
    koodisto_koodit: int = 0
    eperusteet_perusteet: int = 0
    eperusteet_tutkinnon_osat: int = 0
    eperusteet_koulutuksen_osat: int = 0


# Koski


def _read_koski(document: Any, data: RegistryData) -> None:
    for where, item in _items(document):
        obj = _obj(item, where, "a Koski oppija document or an opiskeluoikeus object")
        if "opiskeluoikeudet" in obj or "henkilö" in obj:
            _read_koski_oppija(obj, where, data)
        elif "oid" in obj:
            _add_opiskeluoikeus(obj, None, where, data)
        else:
            raise _where(
                where,
                "expected a Koski oppija document {'henkilö': ..., 'opiskeluoikeudet': [...]}"
                " or a single opiskeluoikeus object with an 'oid'",
            )


def _read_koski_oppija(obj: dict[str, Any], where: str, data: RegistryData) -> None:
    henkilo = _obj(obj.get("henkilö"), _join(where, "henkilö"), "an object")
    oppija_oid = _oid(henkilo.get("oid"), _join(where, "henkilö"), "oid")
    opiskeluoikeudet = obj.get("opiskeluoikeudet")
    if not isinstance(opiskeluoikeudet, list):
        raise _where(_join(where, "opiskeluoikeudet"), "expected a list")
    previous = data.koski_oppijat.get(oppija_oid)
    # ``sure/oids`` answers carry only the learner's OID; that must not erase a fuller henkilö.
    if previous is None or not _is_bare_henkilo(henkilo):
        data.koski_oppijat[oppija_oid] = henkilo
    for index, opiskeluoikeus in enumerate(opiskeluoikeudet):
        item_where = _join(where, f"opiskeluoikeudet[{index}]")
        _add_opiskeluoikeus(
            _obj(opiskeluoikeus, item_where, "an object"), oppija_oid, item_where, data
        )


def _add_opiskeluoikeus(
    obj: dict[str, Any], oppija_oid: str | None, where: str, data: RegistryData
) -> None:
    oid = _oid(obj.get("oid"), where, "oid")
    try:
        opiskeluoikeus_from_koski(obj, oppija_oid)
    except (ValueError, TypeError, AttributeError) as exc:
        raise _where(where, f"opiskeluoikeus {oid} cannot be read: {exc}") from exc
    previous = data.koski_opiskeluoikeudet.get(oid)
    if previous is not None and None not in (previous[0], oppija_oid) and previous[0] != oppija_oid:
        raise _where(
            where, f"opiskeluoikeus {oid} is listed for both {previous[0]} and {oppija_oid}"
        )
    owner = oppija_oid if oppija_oid is not None else (previous[0] if previous else None)
    data.koski_opiskeluoikeudet[oid] = (owner, obj)


def _is_bare_henkilo(henkilo: dict[str, Any]) -> bool:
    return set(henkilo) <= {"oid"}


# ONR


def _read_onr(document: Any, data: RegistryData) -> None:
    for where, item in _items(document):
        obj = _obj(item, where, "an ONR henkilö document")
        oid = _oid(obj.get("oidHenkilo"), where, "oidHenkilo")
        for key in ("etunimet", "sukunimi", "kutsumanimi"):
            if obj.get(key) is not None and not isinstance(obj[key], str):
                raise _where(where, f"'{key}' must be a string")
        if "duplicate" in obj and not isinstance(obj["duplicate"], bool):
            raise _where(where, "'duplicate' must be true or false")
        if "master" in obj:
            master = _obj(obj["master"], _join(where, "master"), "the /henkilo/{oid}/master answer")
            master_oid = _oid(master.get("oidHenkilo"), _join(where, "master"), "oidHenkilo")
            if master_oid == oid:
                raise _where(where, f"henkilö {oid} names itself as its master")
        data.onr_henkilot[oid] = obj


def _check_onr_links(data: RegistryData) -> None:
    for oid, document in data.onr_henkilot.items():
        master_oid = master_oid_of(document)
        master = data.onr_henkilot.get(master_oid) if master_oid else None
        if master is not None and master_oid_of(master) is not None:
            raise _Problem(
                f"henkilö {oid} names {master_oid} as its master, but {master_oid} is itself"
                " a duplicate; ONR links every duplicate directly to its master"
            )


# Organisaatio


def _read_organisaatio(document: Any, data: RegistryData) -> None:
    for where, item in _items(document):
        obj = _obj(item, where, "an Organisaatio document")
        oid = _oid(obj.get("oid"), where, "oid")
        if obj.get("nimi") is not None and not isinstance(obj["nimi"], dict):
            raise _where(where, "'nimi' must be an object of translations")
        parent_oid = obj.get("parentOid")
        if parent_oid is not None:
            _oid(parent_oid, where, "parentOid")
        raw_path = obj.get("parentOidPath")
        if raw_path is not None and not isinstance(raw_path, str):
            raise _where(where, "'parentOidPath' must be a '|'-separated string")
        path = parse_parent_oid_path(raw_path, oid)
        for ancestor in path:
            _oid(ancestor, where, "parentOidPath")
        if parent_oid and path and path[-1] != parent_oid:
            raise _where(
                where,
                f"parentOid {parent_oid} is not the last OID of parentOidPath {raw_path!r}",
            )
        for key in ("tyypit", "organisaatiotyypit"):
            values = obj.get(key)
            if values is not None and (
                not isinstance(values, list) or not all(isinstance(v, str) for v in values)
            ):
                raise _where(where, f"'{key}' must be a list of strings")
        data.organisaatiot[oid] = obj


def _read_koodisto(document: Any, data: RegistryData) -> None:
    read_koodisto(document, data.koodisto)


def _read_eperusteet(document: Any, data: RegistryData) -> None:
    read_eperusteet(document, data.eperusteet)


_READERS = {
    "koski": _read_koski,
    "onr": _read_onr,
    "organisaatio": _read_organisaatio,
    "koodisto": _read_koodisto,
    "eperusteet": _read_eperusteet,
}


def read_directory(path: Path) -> RegistryData:
    """Read and check every file under ``path``; raises ``RegistryImportError`` on the first
    malformed one."""
    if not path.is_dir():
        raise RegistryImportError(path, "not a directory")
    present = [name for name in REGISTRY_DIRS if (path / name).is_dir()]
    if not present:
        raise RegistryImportError(
            path, f"no registry data here (expected subdirectories {', '.join(REGISTRY_DIRS)})"
        )
    data = RegistryData()
    for name in present:
        for file in sorted((path / name).glob("*.json")):
            try:
                document = json.loads(file.read_bytes())
            except UnicodeDecodeError as exc:
                raise RegistryImportError(file, f"not UTF-8 text ({exc.reason})") from exc
            except json.JSONDecodeError as exc:
                raise RegistryImportError(
                    file, f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
                ) from exc
            try:
                _READERS[name](document, data)
            except _Problem as exc:
                raise RegistryImportError(file, str(exc)) from exc
            data.files += 1
    try:
        _check_onr_links(data)
    except _Problem as exc:
        raise RegistryImportError(path / "onr", str(exc)) from exc
    return data


def store(session: Session, data: RegistryData, *, now: datetime) -> ImportSummary:
    """Upsert ``data`` into the registry tables. Flushes; the caller owns the transaction."""
    repository = RegistryRepository(session)
    created = 0
    values: dict[str, Any]
    repository.preload(KoskiOppija, data.koski_oppijat)
    for oid, henkilo in data.koski_oppijat.items():
        existing = repository.get(KoskiOppija, oid)
        keep = existing is not None and _is_bare_henkilo(henkilo)
        values = {} if keep else {"henkilo": henkilo}
        created += repository.upsert(KoskiOppija, oid, values, now)
    repository.preload(KoskiOpiskeluoikeus, data.koski_opiskeluoikeudet)
    for oid, (oppija_oid, document) in data.koski_opiskeluoikeudet.items():
        values = {"document": document}
        if oppija_oid is not None:
            values["oppija_oid"] = oppija_oid
        created += repository.upsert(KoskiOpiskeluoikeus, oid, values, now)
    repository.preload(OnrHenkilo, data.onr_henkilot)
    for oid, document in data.onr_henkilot.items():
        values = {"document": document, "master_oid": master_oid_of(document)}
        created += repository.upsert(OnrHenkilo, oid, values, now)
    repository.preload(OrganisaatioRecord, data.organisaatiot)
    for oid, document in data.organisaatiot.items():
        parent_oid = document.get("parentOid") or None
        path = parse_parent_oid_path(document.get("parentOidPath"), oid)
        values = {
            "document": document,
            "parent_oid": parent_oid,
            "parent_oid_path": format_parent_oid_path(path),
        }
        created += repository.upsert(OrganisaatioRecord, oid, values, now)
    created += store_koodisto(session, data.koodisto, now=now)
    created += store_eperusteet(session, data.eperusteet, now=now)
    session.flush()
    eperusteet = data.eperusteet
    total = (
        len(data.koski_oppijat)
        + len(data.koski_opiskeluoikeudet)
        + len(data.onr_henkilot)
        + len(data.organisaatiot)
        + len(data.koodisto.koodit)
        + len(eperusteet.perusteet)
        + len(eperusteet.tutkinnon_osat)
        + len(eperusteet.koulutuksen_osat)
    )
    return ImportSummary(
        files=data.files,
        koski_oppijat=len(data.koski_oppijat),
        koski_opiskeluoikeudet=len(data.koski_opiskeluoikeudet),
        onr_henkilot=len(data.onr_henkilot),
        organisaatiot=len(data.organisaatiot),
        created=created,
        updated=total - created,
        koodisto_koodit=len(data.koodisto.koodit),
        eperusteet_perusteet=len(eperusteet.perusteet),
        eperusteet_tutkinnon_osat=len(eperusteet.tutkinnon_osat),
        eperusteet_koulutuksen_osat=len(eperusteet.koulutuksen_osat),
    )


def import_directory(target: Engine | sessionmaker[Session], path: Path | str) -> ImportSummary:
    """Read ``path`` and store it in one transaction: all of it, or nothing."""
    data = read_directory(Path(path))
    session_factory = target if isinstance(target, sessionmaker) else make_session_factory(target)
    with session_factory.begin() as session:
        return store(session, data, now=now_utc())
