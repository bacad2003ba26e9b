"""Write the local registry tables back out as registry data files.

The files have the shapes ``importer`` reads (see its docstring), one record per file named by
its OID, so an export imported into an empty database gives the same registry again:

* ``koski/<oppija oid>.json``: ``{"henkilö": ..., "opiskeluoikeudet": [...]}``;
* ``koski/<opiskeluoikeus oid>.json``: a study right imported without its learner;
* ``onr/<oid>.json`` and ``organisaatio/<oid>.json``: one document each;
* ``koodisto/<koodisto>.json`` and ``eperusteet/…``: as ``koodisto_data`` and
  ``eperusteet_data`` describe.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from ehoks.db import read_only_session_factory
from ehoks.registries.errors import RegistryExportError
from ehoks.registries.local.eperusteet_data import EperusteetExport, eperusteet_files
from ehoks.registries.local.importer import REGISTRY_DIRS
from ehoks.registries.local.koodisto_data import koodisto_files
from ehoks.registries.local.models import (
    KoskiOppija,
    OnrHenkilo,
    OrganisaatioRecord,
)
from ehoks.registries.local.repository import RegistryRepository


@dataclass(frozen=True)
class ExportSummary:
    files: int
    koski_oppijat: int
    koski_opiskeluoikeudet: int
    onr_henkilot: int
    organisaatiot: int
    koodisto_koodit: int = 0
    eperusteet_perusteet: int = 0
    eperusteet_tutkinnon_osat: int = 0
    eperusteet_koulutuksen_osat: int = 0


def _write(path: Path, document: Any) -> None:
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _prepare(path: Path) -> None:
    # Refuse to mix an export with files already there: importing the directory later would
    # silently bring back records that the database no longer holds.
    for name in REGISTRY_DIRS:
        sub = path / name
        if sub.is_dir() and any(sub.glob("*.json")):
            raise RegistryExportError(
                sub, "already contains registry files; export to a new directory"
            )
        sub.mkdir(parents=True, exist_ok=True)


def export_directory(engine: Engine, path: Path | str) -> ExportSummary:
    target = Path(path)
    _prepare(target)
    files = oppijat = opiskeluoikeudet = henkilot = organisaatiot = 0
    with read_only_session_factory(engine)() as session:
        repository = RegistryRepository(session)
        oppija_oids = repository.oids(KoskiOppija)
        # One learner at a time keeps memory flat however large the registry is.
        for oppija_oid in oppija_oids:
            oppija = repository.get(KoskiOppija, oppija_oid)
            if oppija is None:  # deleted meanwhile
                continue
            documents = [row.document for row in repository.opiskeluoikeudet_of(oppija_oid)]
            _write(
                target / "koski" / f"{oppija_oid}.json",
                {"henkilö": oppija.henkilo, "opiskeluoikeudet": documents},
            )
            files += 1
            oppijat += 1
            opiskeluoikeudet += len(documents)
            session.expunge_all()
        for row in repository.opiskeluoikeudet_without_oppija():
            _write(target / "koski" / f"{row.oid}.json", row.document)
            files += 1
            opiskeluoikeudet += 1
        for henkilo in repository.all(OnrHenkilo):
            _write(target / "onr" / f"{henkilo.oid}.json", henkilo.document)
            files += 1
            henkilot += 1
        for organisaatio in repository.all(OrganisaatioRecord):
            _write(target / "organisaatio" / f"{organisaatio.oid}.json", organisaatio.document)
            files += 1
            organisaatiot += 1
        koodit = 0
        for name, elements in koodisto_files(session):
            _write(target / "koodisto" / name, elements)
            files += 1
            koodit += len(elements)
        eperusteet = EperusteetExport()
        for name, document in eperusteet_files(session, eperusteet):
            _write(target / "eperusteet" / name, document)
            files += 1
    return ExportSummary(
        files=files,
        koski_oppijat=oppijat,
        koski_opiskeluoikeudet=opiskeluoikeudet,
        onr_henkilot=henkilot,
        organisaatiot=organisaatiot,
        koodisto_koodit=koodit,
        eperusteet_perusteet=eperusteet.perusteet,
        eperusteet_tutkinnon_osat=len(eperusteet.tutkinnon_osat),
        eperusteet_koulutuksen_osat=eperusteet.koulutuksen_osat,
    )
