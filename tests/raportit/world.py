"""A small world for the reports: HOKSes in three oppilaitokset of two koulutustoimijat, with
active, ended and missing study rights, with and without workplace periods and part-time data,
and a soft-deleted one that no report may show."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, update

from ehoks.access.actor import OfficialActor, SystemActor, grants_from_roles
from ehoks.context import UseCase
from ehoks.db import make_session_factory
from ehoks.demo.oids import opiskeluoikeus_oid
from ehoks.hoks import service as hoks_service
from ehoks.oppijaindex.models import IndexOpiskeluoikeus
from ehoks.registries.local import import_directory
from tests.factories import OPH, World, hoks_body, koski_opiskeluoikeus, tyopaikkajakso

SYSTEM = SystemActor("tests")
DEMO_KOODISTO = Path(__file__).resolve().parents[2] / "src" / "ehoks" / "demo" / "data" / "koodisto"
TODAY = date(2026, 12, 6)
EARLY = {"alkamispaiva": "2022-08-01", "arvioitu_paattymispaiva": "2035-06-30"}


def official(*roles: str, oid: str = "1.2.246.562.24.10000000011") -> OfficialActor:
    return OfficialActor(oid, "Virkailija Raija", grants_from_roles(roles))


def role(name: str, organisation: str) -> str:
    return f"ROLE_APP_EHOKS_{name}_{organisation}"


def superuser() -> OfficialActor:
    return official(role("OPHPAAKAYTTAJA", OPH), oid="1.2.246.562.24.10000000037")


@dataclass
class ReportWorld:
    world: World
    # HOKS ids by name
    aktiivi: int
    paattynyt: int
    puuttuva: int
    jaksot: int
    muu: int
    poistettu: int
    # oppija OIDs by name
    oppijat: dict[str, str]


def _unit(*periods: dict[str, Any]) -> dict[str, Any]:
    return {
        "tutkinnon-osa-koodi-uri": "tutkinnonosat_300268",
        "tutkinnon-osa-koodi-versio": 1,
        "osaamisen-hankkimistavat": list(periods),
    }


def _no_part_time(tunniste: str, **dates: str) -> dict[str, Any]:
    period = tyopaikkajakso(tunniste, **dates)
    del period["osa-aikaisuustieto"]
    return period


def create_hoks(
    engine: Engine,
    deps: UseCase,
    world: World,
    name: str,
    body_overrides: dict[str, Any],
    *,
    tilat: list[tuple[str, str]] | None = None,
    oppilaitos: str | None = None,
    **oo: Any,
) -> tuple[str, int]:
    """A learner with one study right and a HOKS on it, created through the service; returns
    (oppija OID, HOKS id). ``tilat``: Koski states (alku, code) after the first jakso (lasna
    from ``alkamispaiva``); an empty list: a study right without jaksot."""
    oppilaitos = oppilaitos or world.oppilaitos_1
    document = koski_opiskeluoikeus(
        oid=opiskeluoikeus_oid(f"raportti-{name}"),
        oppilaitos=oppilaitos,
        koulutustoimija=(
            world.koulutustoimija_2 if oppilaitos == world.oppilaitos_3 else world.koulutustoimija_1
        ),
        **oo,
    )
    jaksot = document["tila"]["opiskeluoikeusjaksot"]
    if tilat == []:
        jaksot.clear()
    for alku, tila in tilat or []:
        jaksot.append({"alku": alku, "tila": {"koodiarvo": tila}})
    oppija, opiskeluoikeus = world.add_oppija(f"raportti-{name}", opiskeluoikeudet=[document])
    body = hoks_body(oppija, opiskeluoikeus, **body_overrides)
    with make_session_factory(engine).begin() as session:
        return oppija, hoks_service.create(session, SYSTEM, body, deps).hoks_id


def build(engine: Engine, deps: UseCase, world: World, tmp_path: Path) -> ReportWorld:
    """Create the HOKSes through the service (projections and index as in production)."""
    koodisto = tmp_path / "koodisto-import" / "koodisto"
    koodisto.mkdir(parents=True)
    for name in ("osaamisenhankkimistapa.json", "oppisopimuksenperusta.json"):
        shutil.copy(DEMO_KOODISTO / name, koodisto / name)
    import_directory(engine, koodisto.parent)

    oppijat: dict[str, str] = {}
    ids: dict[str, int] = {}

    def create(name: str, body_overrides: dict[str, Any], **oo: Any) -> None:
        oppijat[name], ids[name] = create_hoks(engine, deps, world, name, body_overrides, **oo)

    # Oppilaitos 1: an active study right with a period that has part-time data.
    create("aktiivi", {}, arvioitu_paattymispaiva="2035-06-30")
    # Oppilaitos 1: the learner graduated on the study right's estimated end; no periods.
    create(
        "paattynyt",
        {"hankittavat-ammat-tutkinnon-osat": [], "ensikertainen-hyvaksyminen": "2023-09-01"},
        alkamispaiva="2022-08-01",
        arvioitu_paattymispaiva="2024-06-30",
        tilat=[("2024-06-30", "valmistunut")],
    )
    # Oppilaitos 2: Koski no longer knows the study right; a period without part-time data.
    create(
        "puuttuva",
        {
            "hankittavat-ammat-tutkinnon-osat": [
                _unit(_no_part_time("p-1", alku="2023-01-09", loppu="2023-03-31"))
            ]
        },
        oppilaitos=world.oppilaitos_2,
        **EARLY,
    )
    # Oppilaitos 1: two periods without part-time data (one an apprenticeship) and one with.
    oppisopimus = _no_part_time("j-2", alku="2023-02-01", loppu="2023-06-15")
    oppisopimus["osaamisen-hankkimistapa-koodi-uri"] = "osaamisenhankkimistapa_oppisopimus"
    oppisopimus["oppisopimuksen-perusta-koodi-uri"] = "oppisopimuksenperusta_01"
    oppisopimus["oppisopimuksen-perusta-koodi-versio"] = 1
    oppisopimus["tyopaikalla-jarjestettava-koulutus"]["tyopaikan-nimi"] = '=Kaava Oy; "Lainaus"'
    create(
        "jaksot",
        {
            "ensikertainen-hyvaksyminen": "2022-09-01",
            "hankittavat-ammat-tutkinnon-osat": [
                _unit(
                    _no_part_time("j-1", alku="2022-09-05", loppu="2022-12-16"),
                    oppisopimus,
                    tyopaikkajakso("j-3", alku="2024-09-02", loppu="2024-12-20"),
                )
            ],
        },
        **EARLY,
    )
    # Oppilaitos 3 (the other koulutustoimija): no periods.
    create("muu", {"hankittavat-ammat-tutkinnon-osat": []}, oppilaitos=world.oppilaitos_3)
    # Oppilaitos 1: soft-deleted, with an ended study right and no periods.
    create(
        "poistettu",
        {"hankittavat-ammat-tutkinnon-osat": []},
        alkamispaiva="2022-08-01",
        arvioitu_paattymispaiva="2024-06-30",
    )
    with make_session_factory(engine).begin() as session:
        hoks_service.soft_delete(session, SYSTEM, ids["poistettu"], deps)
        # As an index refresh does when Koski answers 404.
        session.execute(
            update(IndexOpiskeluoikeus)
            .where(IndexOpiskeluoikeus.oppija_oid == oppijat["puuttuva"])
            .values(koski404=True)
        )
    return ReportWorld(world=world, oppijat=oppijat, **ids)
