"""``ehoks demo generate``: a synthetic population for demos and benchmarks, written as a registry
directory (``koski/``, ``onr/``, ``organisaatio/``, ``koodisto/``, ``eperusteet/``) that
``ehoks registry import`` reads, plus one HOKS document per study right that can have one
(``hoks/<opiskeluoikeus oid>.json``, in the service API's POST wire format).

The population is a pure function of the number of students, the seed and the reference date
``today``: the same arguments give byte-identical files. The qualifications, units, TUVA parts
and code names are the demo's own (``data/eperusteet``, ``data/koodisto``, copied as they are),
so every code a generated HOKS names resolves in the generated registry.
"""

from __future__ import annotations

import random
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import orjson

from ehoks.demo import DEMO_DATA_DIR
from ehoks.demo.catalogue import read_catalogue
from ehoks.demo.plans import hoks_document
from ehoks.demo.population import (
    opiskelija,
    opiskeluoikeudet,
    organisaatio_documents,
    organisation_tree,
)
from ehoks.demo.registry_documents import koski_document, onr_document
from ehoks.registries.errors import RegistryDataError

DEMO_TODAY = date(2026, 9, 1)
"""The default reference date: study rights started in the two years before it."""

DIRECTORIES = ("koski", "onr", "organisaatio", "koodisto", "eperusteet", "hoks")


@dataclass(frozen=True)
class GenerateSummary:
    directory: Path
    students: int
    opiskeluoikeudet: int
    hoks: int
    organisaatiot: int
    files: int


def _write(path: Path, document: Any) -> None:
    path.write_bytes(orjson.dumps(document, option=orjson.OPT_INDENT_2) + b"\n")


def _prepare(out: Path) -> None:
    # Files left from another population would be imported with this one, mixing the two.
    for name in DIRECTORIES:
        sub = out / name
        if sub.is_dir() and any(sub.glob("*.json")):
            raise RegistryDataError(sub, "already contains files; generate into a new directory")
    for name in DIRECTORIES:
        (out / name).mkdir(parents=True, exist_ok=True)


def generate_population(
    out: Path | str,
    *,
    students: int,
    seed: int = 1,
    today: date = DEMO_TODAY,
    data_dir: Path = DEMO_DATA_DIR,
) -> GenerateSummary:
    """Write ``students`` learners with their study rights and plans under ``out``."""
    if students < 1:
        raise ValueError("students must be at least 1")
    target = Path(out)
    _prepare(target)
    catalogue = read_catalogue(data_dir)
    oppilaitokset = organisation_tree(str(seed), students)
    organisaatiot = organisaatio_documents(oppilaitokset)
    for document in organisaatiot:
        _write(target / "organisaatio" / f"{document['oid']}.json", document)
    files = len(organisaatiot)
    study_rights = plans = 0
    for index in range(students):
        # One generator per learner: learner i is the same however many are generated.
        rng = random.Random(f"{seed}:{index}")
        henkilo = opiskelija(str(seed), index, rng)
        omat = opiskeluoikeudet(
            f"{seed}:oo:{index}", rng, catalogue.tutkinnot, catalogue.tuva, oppilaitokset, today
        )
        _write(target / "onr" / f"{henkilo.oid}.json", onr_document(henkilo, index))
        _write(target / "koski" / f"{henkilo.oid}.json", koski_document(henkilo, omat))
        files += 2
        study_rights += len(omat)
        for oo in omat:
            if oo.sisaltyy is not None:  # included study rights never have a plan of their own
                continue
            hoks = hoks_document(rng, henkilo, oo, catalogue.koodit, today)
            _write(target / "hoks" / f"{oo.oid}.json", hoks)
            files += 1
            plans += 1
    for source in catalogue.files:
        shutil.copyfile(source, target / source.parent.name / source.name)
        files += 1
    return GenerateSummary(
        directory=target,
        students=students,
        opiskeluoikeudet=study_rights,
        hoks=plans,
        organisaatiot=len(organisaatiot),
        files=files,
    )
