"""Benchmark of the officials' student list on PostgreSQL at national scale: builds 1,000,000
HOKSes of 300,000 learners in 200 institutions of 100 providers in its own database, then runs
each query shape of the list's one statement (``VirkailijaRepository.search_page``) many times
and prints p50/p95/p99 per shape, the EXPLAIN ANALYZE plan of each, and the raw database's speed
for a trivial query in the same run. Prints figures; asserts nothing. See docs/performance.md.

    .venv/bin/python bench/virkailija_search.py                      # build, measure, drop
    .venv/bin/python bench/virkailija_search.py --keep-database      # keep it for another run
    .venv/bin/python bench/virkailija_search.py --reuse              # measure a kept database

The data set is built through the real migrations, so the rows the list reads (``hoks_haku``)
are written by the migration's triggers from ``hoks``, ``oppija`` and ``opiskeluoikeus`` rows
loaded with COPY. HOKS documents are left empty: the list never reads them.
"""

from __future__ import annotations

import argparse
import io
import json
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session

from ehoks.db import make_engine
from ehoks.demo.names import ETUNIMET_MIEHET, ETUNIMET_NAISET, PAIKAT_ALKU, SUKUNIMET
from ehoks.migrate import upgrade
from ehoks.virkailija.repository import HakuQuery, VirkailijaRepository
from ehoks.virkailija.search import NATIONAL_COUNT_CAP

TODAY = date(2026, 12, 6)
ALAT = (
    "Sähkö- ja automaatio", "Sosiaali- ja terveys", "Ravintola- ja catering", "Kone- ja tuotanto",
    "Liiketoiminta", "Logistiikka", "Kasvatus- ja ohjaus", "Metsä", "Hius- ja kauneudenhoito",
    "Tieto- ja viestintätekniikka", "Ajoneuvo", "Rakennus", "Talotekniikka", "Puu", "Media",
    "Matkailu", "Maatalous", "Puutarha", "Turvallisuus", "Laboratorio", "Elintarvike", "Kemia",
    "Merenkulku", "Lentokone", "Pintakäsittely", "Prosessiteollisuus", "Sisustus", "Kaivos",
    "Musiikki", "Tanssi", "Liikunta", "Kiinteistö", "Puhtaus", "Lapsi- ja perhetyö", "Taide",
)  # fmt: skip
TASOT = (
    ("alan perustutkinto", "grundexamen inom", "Vocational qualification in"),
    ("alan ammattitutkinto", "yrkesexamen inom", "Further vocational qualification in"),
    ("alan erikoisammattitutkinto", "specialyrkesexamen inom", "Specialist qualification in"),
)
PAATTEET = ("nen", "la", "lä", "mäki", "niemi", "aho", "lahti", "salo", "järvi", "oja", "vaara")


def zipf_weights(n: int, shift: float) -> list[float]:
    """Skewed sizes: the largest about ten times the smallest, as real institutions."""
    return [1.0 / (rank + shift) for rank in range(n)]


@dataclass
class World:
    """What the data set holds, kept to pick realistic search terms for the queries."""

    schools: list[str] = field(default_factory=list)
    school_weights: list[float] = field(default_factory=list)
    provider_of: dict[str, str] = field(default_factory=dict)
    surnames: list[str] = field(default_factory=list)
    surname_weights: list[float] = field(default_factory=list)
    tutkinnot: list[dict[str, str]] = field(default_factory=list)
    osaamisalat: list[dict[str, str]] = field(default_factory=list)
    # A sample of (hoks id, learner, school) to look up by id and OID.
    sample: list[tuple[int, str, str]] = field(default_factory=list)

    def providers(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for school in self.schools:
            out.setdefault(self.provider_of[school], []).append(school)
        return out


def make_world(args: argparse.Namespace, rnd: random.Random) -> World:
    world = World()
    for i in range(args.schools):
        oid = f"1.2.246.562.10.{20000000000 + i}"
        world.schools.append(oid)
        world.provider_of[oid] = f"1.2.246.562.10.{10000000000 + (i * 7919) % args.providers}"
    world.school_weights = zipf_weights(args.schools, 15)
    extra = [f"{alku}{loppu}" for alku in PAIKAT_ALKU for loppu in PAATTEET]
    world.surnames = list(SUKUNIMET) + extra
    world.surname_weights = zipf_weights(len(world.surnames), 5)
    for ala in ALAT:
        for fi, sv, en in TASOT:
            stem = ala.split("-")[0].split(" ")[0]
            world.tutkinnot.append({"fi": f"{ala}{fi}", "sv": f"{sv} {stem}", "en": f"{en} {stem}"})
            for n in (1, 2):
                world.osaamisalat.append(
                    {
                        "fi": f"{stem} osaamisala {n}",
                        "sv": f"Kompetensområde {stem} {n}",
                        "en": f"{stem} competence area {n}",
                    }
                )
    return world


# Building the data set.


def copy_rows(cursor: psycopg.Cursor[Any], table: str, columns: str, rows: Iterator[str]) -> int:
    count = 0
    with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        buffer = io.StringIO()
        for row in rows:
            buffer.write(row)
            count += 1
            if count % 20000 == 0:
                copy.write(buffer.getvalue())
                buffer = io.StringIO()
        copy.write(buffer.getvalue())
    return count


def _json(value: dict[str, str]) -> str:
    return json.dumps(value, ensure_ascii=False).replace("\\", "\\\\")


def build(engine: Engine, conninfo: str, args: argparse.Namespace, world: World) -> None:
    rnd = random.Random(args.seed)
    upgrade(engine)
    started = time.perf_counter()
    learners = [f"1.2.246.562.24.{30000000000 + i}" for i in range(args.learners)]
    first = list(ETUNIMET_NAISET + ETUNIMET_MIEHET)

    def oppijat() -> Iterator[str]:
        for oid in learners:
            surname = rnd.choices(world.surnames, world.surname_weights)[0]
            nimi = f"{rnd.choice(first)} {rnd.choice(first)} {surname}"
            yield f"{oid}\t{nimi}\t2026-01-01 00:00:00+00\n"

    # Every learner has one HOKS, the rest a second or third; a learner's HOKSes are mostly at
    # one institution (a new study right at the same school), sometimes at another.
    owner = learners + [rnd.choice(learners) for _ in range(args.hoks - len(learners))]
    rnd.shuffle(owner)
    home: dict[str, str] = {}
    tutkinto_weights = zipf_weights(len(world.tutkinnot), 3)
    plan: list[tuple[str, str, int, int]] = []  # learner, school, tutkinto, osaamisala
    for learner in owner:
        school = home.get(learner)
        if school is None or rnd.random() < 0.2:
            school = rnd.choices(world.schools, world.school_weights)[0]
            home.setdefault(learner, school)
        t = rnd.choices(range(len(world.tutkinnot)), tutkinto_weights)[0]
        o = -1 if rnd.random() < 0.3 else rnd.randrange(len(world.osaamisalat))
        plan.append((learner, school, t, o))

    def opiskeluoikeudet() -> Iterator[str]:
        for i, (learner, school, t, o) in enumerate(plan):
            end = date(2019, 1, 1) + timedelta(days=rnd.randrange(11 * 365))
            osa = _json(world.osaamisalat[o]) if o >= 0 else "{}"
            yield (
                f"1.2.246.562.15.{40000000000 + i}\t{learner}\t{school}\t"
                f"{world.provider_of[school]}\t{_json(world.tutkinnot[t])}\t{osa}\t"
                f"{end.isoformat()}\tf\t2026-01-01 00:00:00+00\n"
            )

    def hoksit() -> Iterator[str]:
        for i, (learner, school, _t, _o) in enumerate(plan):
            approved = date(2018, 8, 1) + timedelta(days=rnd.randrange(8 * 365))
            updated = datetime(2019, 1, 1, tzinfo=UTC) + timedelta(
                seconds=rnd.randrange(8 * 365 * 86400)
            )
            achieved = (approved + timedelta(days=700)).isoformat() if rnd.random() < 0.2 else r"\N"
            deleted = updated.isoformat() if rnd.random() < 0.01 else r"\N"
            yield (
                f"e{i}\t{learner}\t1.2.246.562.15.{40000000000 + i}\t{school}\t"
                f"{world.provider_of[school]}\t{approved.isoformat()}\t{achieved}\tf\t{{}}\t1\t"
                f"{updated.isoformat()}\t{updated.isoformat()}\t{deleted}\n"
            )

    with psycopg.connect(conninfo, autocommit=True) as connection, connection.cursor() as cursor:
        n = copy_rows(cursor, "oppija", "oid, nimi, updated_at", oppijat())
        print(f"  oppija: {n:,} rows, {time.perf_counter() - started:.0f} s", flush=True)
        n = copy_rows(
            cursor,
            "opiskeluoikeus",
            "oid, oppija_oid, oppilaitos_oid, koulutustoimija_oid, tutkinto_nimi, "
            "osaamisala_nimi, arvioitu_paattymispaiva, koski404, updated_at",
            opiskeluoikeudet(),
        )
        print(f"  opiskeluoikeus: {n:,} rows, {time.perf_counter() - started:.0f} s", flush=True)
        n = copy_rows(
            cursor,
            "hoks",
            "eid, oppija_oid, opiskeluoikeus_oid, oppilaitos_oid, koulutustoimija_oid, "
            "ensikertainen_hyvaksyminen, osaamisen_saavuttamisen_pvm, manuaalisyotto, document, "
            "version, created_at, updated_at, deleted_at",
            hoksit(),
        )
        print(f"  hoks (+ hoks_haku by trigger): {n:,} rows, {time.perf_counter() - started:.0f} s")
        cursor.execute("VACUUM ANALYZE")
        print(f"  vacuum analyze: {time.perf_counter() - started:.0f} s", flush=True)


def load_sample(engine: Engine, world: World, rnd: random.Random) -> None:
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT hoks_id, oppija_oid, oppilaitos_oid FROM hoks_haku"
                " TABLESAMPLE SYSTEM (1) WHERE deleted_at IS NULL LIMIT 2000"
            )
        ).all()
    world.sample = [(int(r[0]), str(r[1]), str(r[2])) for r in rows]
    rnd.shuffle(world.sample)


# The query shapes.

Shape = Callable[[random.Random, World], HakuQuery]


def _school(rnd: random.Random, world: World) -> str:
    """Officials of big institutions search more: institutions by size."""
    return rnd.choices(world.schools, world.school_weights)[0]


def _at_school(rnd: random.Random, world: World, **kw: Any) -> HakuQuery:
    return HakuQuery(oppilaitokset=(_school(rnd, world),), today=TODAY, **kw)


def _provider(rnd: random.Random, world: World, **kw: Any) -> HakuQuery:
    providers = world.providers()
    names = list(providers)
    weights = [
        sum(world.school_weights[world.schools.index(s)] for s in providers[p]) for p in names
    ]
    chosen = rnd.choices(names, weights)[0]
    return HakuQuery(oppilaitokset=(chosen, *providers[chosen]), today=TODAY, **kw)


def _national(world: World, **kw: Any) -> HakuQuery:
    # As the page asks for the OPH root's list (``virkailija.search``): the whole country.
    return HakuQuery(
        oppilaitokset=("1.2.246.562.10.00000000001",),
        koko_maa=True,
        today=TODAY,
        cap=NATIONAL_COUNT_CAP,
        **kw,
    )


def _surname_prefix(rnd: random.Random, world: World) -> str:
    return rnd.choices(world.surnames, world.surname_weights)[0][:4].lower()


def _sampled(rnd: random.Random, world: World) -> tuple[int, str, str]:
    return rnd.choice(world.sample)


def _word(rnd: random.Random, names: list[dict[str, str]]) -> str:
    return rnd.choice(names)["fi"].split(" ")[0].split("-")[0][:6].lower()


SHAPES: dict[str, Shape] = {
    "first page, by name": lambda r, w: _at_school(r, w),
    "name prefix": lambda r, w: _at_school(r, w, nimi_tokens=(_surname_prefix(r, w),)),
    "first name + surname": lambda r, w: _at_school(
        r, w, nimi_tokens=(r.choice(ETUNIMET_NAISET).lower(), _surname_prefix(r, w))
    ),
    "learner OID": lambda r, w: (
        lambda s: HakuQuery(oppilaitokset=(s[2],), today=TODAY, oppija_oid=s[1])
    )(_sampled(r, w)),
    "qualification": lambda r, w: _at_school(r, w, tutkinto=_word(r, w.tutkinnot)),
    "competence area": lambda r, w: _at_school(r, w, osaamisala=_word(r, w.osaamisalat)),
    "HOKS id": lambda r, w: (lambda s: HakuQuery(oppilaitokset=(s[2],), today=TODAY, hoks_id=s[0]))(
        _sampled(r, w)
    ),
    "state: active": lambda r, w: _at_school(r, w, tila="voimassa"),
    "state: ended": lambda r, w: _at_school(r, w, tila="paattynyt"),
    "state: deleted": lambda r, w: _at_school(r, w, tila="poistettu"),
    "sort: name desc": lambda r, w: _at_school(r, w, desc=True),
    "sort: qualification (sv)": lambda r, w: _at_school(r, w, order_by="tutkinto", locale="sv"),
    "sort: competence area": lambda r, w: _at_school(r, w, order_by="osaamisala"),
    "sort: HOKS id desc": lambda r, w: _at_school(r, w, order_by="hoks", desc=True),
    "sort: first approval": lambda r, w: _at_school(r, w, order_by="hyvaksytty"),
    "sort: updated desc": lambda r, w: _at_school(r, w, order_by="paivitetty", desc=True),
    "sort: number of HOKSes": lambda r, w: _at_school(r, w, order_by="lkm", desc=True),
    "page size 100": lambda r, w: _at_school(r, w, limit=100),
    "deep page (last)": lambda r, w: _at_school(r, w, offset=100_000),
    "provider (all its schools)": lambda r, w: _provider(r, w),
    "provider, name prefix": lambda r, w: _provider(r, w, nimi_tokens=(_surname_prefix(r, w),)),
    "national (OPH), first page": lambda r, w: _national(w),
    "national, name prefix": lambda r, w: _national(w, nimi_tokens=(_surname_prefix(r, w),)),
    "national, learner OID": lambda r, w: _national(w, oppija_oid=_sampled(r, w)[1]),
    "national, HOKS id": lambda r, w: _national(w, hoks_id=_sampled(r, w)[0]),
    "national, first name + surname": lambda r, w: _national(
        w, nimi_tokens=(r.choice(ETUNIMET_NAISET).lower(), _surname_prefix(r, w))
    ),
    "national, qualification": lambda r, w: _national(w, tutkinto=_word(r, w.tutkinnot)),
    "national, competence area": lambda r, w: _national(w, osaamisala=_word(r, w.osaamisalat)),
    "national, state: active": lambda r, w: _national(w, tila="voimassa"),
    "national, state: ended": lambda r, w: _national(w, tila="paattynyt"),
    "national, state: deleted": lambda r, w: _national(w, tila="poistettu"),
    "national, sort: name desc": lambda r, w: _national(w, desc=True),
    "national, sort: qualification (sv)": lambda r, w: _national(
        w, order_by="tutkinto", locale="sv"
    ),
    "national, sort: competence area": lambda r, w: _national(w, order_by="osaamisala"),
    "national, sort: HOKS id desc": lambda r, w: _national(w, order_by="hoks", desc=True),
    "national, sort: first approval": lambda r, w: _national(w, order_by="hyvaksytty"),
    "national, sort: first approval desc": lambda r, w: _national(
        w, order_by="hyvaksytty", desc=True
    ),
    "national, sort: updated desc": lambda r, w: _national(w, order_by="paivitetty", desc=True),
    "national, sort: number of HOKSes": lambda r, w: _national(w, order_by="lkm", desc=True),
    "national, page size 100": lambda r, w: _national(w, limit=100),
    "national, page 40 (the last within the cap)": lambda r, w: _national(w, offset=975),
    "national, page 400": lambda r, w: _national(w, offset=9_975),
}
NATIONAL = {name for name in SHAPES if name.startswith("national")}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def summary(values: list[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "p50": statistics.median(values),
        "p95": percentile(values, 0.95),
        "p99": percentile(values, 0.99),
        "max": max(values),
    }


def deep(query: HakuQuery, total: int) -> HakuQuery:
    return replace(query, offset=max(0, (total - 1) // query.limit * query.limit))


def measure(engine: Engine, world: World, args: argparse.Namespace) -> dict[str, Any]:
    rnd = random.Random(args.seed + 1)
    results: dict[str, Any] = {}
    plans: dict[str, str] = {}
    for name, shape in SHAPES.items():
        if args.only and args.only not in name:
            continue
        times: list[float] = []
        totals: list[int] = []
        repeat = args.national_repeat if name in NATIONAL else args.repeat
        for i in range(repeat + args.warmup):
            query = shape(rnd, world)
            with Session(engine) as session:
                repository = VirkailijaRepository(session)
                if name.startswith("deep"):
                    query = deep(query, repository.search_page(replace(query, limit=1))[0])
                started = time.perf_counter()
                total, _rows = repository.search_page(query)
                elapsed = (time.perf_counter() - started) * 1000
            if i >= args.warmup:
                times.append(elapsed)
                totals.append(total)
        results[name] = {**summary(times), "matches_median": statistics.median(totals)}
        plans[name] = explain(engine, query)
        row = results[name]
        print(
            f"  {name:32} p50 {row['p50']:7.1f}  p95 {row['p95']:7.1f}  p99 {row['p99']:7.1f}"
            f"  max {row['max']:7.1f} ms   matches ~{row['matches_median']:,.0f}",
            flush=True,
        )
    return {"shapes": results, "plans": plans}


def explain(engine: Engine, query: HakuQuery) -> str:
    with Session(engine) as session:
        statement = VirkailijaRepository(session).search_statement(query)
        compiled = statement.compile(
            dialect=engine.dialect, compile_kwargs={"render_postcompile": True}
        )
        rows = session.connection().exec_driver_sql(
            "EXPLAIN (ANALYZE, BUFFERS) " + str(compiled), compiled.params
        )
        return "\n".join(str(r[0]) for r in rows)


def raw_speed(conninfo: str, world: World, repeat: int) -> dict[str, Any]:
    """The database alone on the same machine, same run: a trivial query and a primary-key read
    of one projection row, over plain psycopg (prepared after five runs)."""
    out: dict[str, Any] = {}
    ids = [s[0] for s in world.sample] or [1]
    with psycopg.connect(conninfo, autocommit=True) as connection:
        for name, sql, params in (
            ("SELECT 1", "SELECT 1", lambda i: ()),
            (
                "one hoks_haku row by primary key",
                "SELECT hoks_id, nimi, tutkinto_fi FROM hoks_haku WHERE hoks_id = %s",
                lambda i: (ids[i % len(ids)],),
            ),
        ):
            times = []
            for i in range(repeat + 20):
                started = time.perf_counter()
                connection.execute(sql, params(i)).fetchall()
                if i >= 20:
                    times.append((time.perf_counter() - started) * 1000)
            out[name] = summary(times)
    return out


def trigger_cost(conninfo: str, world: World, repeat: int) -> dict[str, Any]:
    """What the projection's triggers add to a HOKS write: single-row updates of ``hoks`` in
    their own transactions, with and without the trigger."""
    ids = [s[0] for s in world.sample] or [1]
    out: dict[str, Any] = {}
    with psycopg.connect(conninfo, autocommit=True) as connection:
        for label, enabled in (("with trigger", True), ("trigger disabled", False)):
            action = "ENABLE" if enabled else "DISABLE"
            connection.execute(f"ALTER TABLE hoks {action} TRIGGER hoks_haku_hoks")
            times = []
            for i in range(repeat):
                started = time.perf_counter()
                connection.execute(
                    "UPDATE hoks SET updated_at = now() WHERE id = %s", (ids[i % len(ids)],)
                )
                times.append((time.perf_counter() - started) * 1000)
            out[label] = summary(times)
        connection.execute("ALTER TABLE hoks ENABLE TRIGGER hoks_haku_hoks")
    return out


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres",
        help="PostgreSQL server to use (its database is only used to create the bench one)",
    )
    parser.add_argument("--database-name", default="ehoks_bench_haku", help="dropped, recreated")
    parser.add_argument("--hoks", type=int, default=1_000_000)
    parser.add_argument("--learners", type=int, default=300_000)
    parser.add_argument("--schools", type=int, default=200)
    parser.add_argument("--providers", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=60, help="runs per shape")
    parser.add_argument("--national-repeat", type=int, default=10, help="runs per national shape")
    parser.add_argument("--warmup", type=int, default=3, help="unmeasured runs per shape")
    parser.add_argument("--seed", type=int, default=20261206)
    parser.add_argument("--reuse", action="store_true", help="measure a kept database")
    parser.add_argument("--only", default="", help="only the shapes whose name contains this")
    parser.add_argument("--keep-database", action="store_true")
    parser.add_argument("--plans", action="store_true", help="print every plan (else: a few)")
    parser.add_argument("--json-out", type=Path)
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    server = make_url(args.database_url)
    url = server.set(database=args.database_name)
    conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    world = make_world(args, random.Random(args.seed))
    print(f"python {platform.python_version()}, {platform.machine()}, database {url.database}")
    if not args.reuse:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{args.database_name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{args.database_name}"'))
    engine = make_engine(url.render_as_string(hide_password=False), pool_size=2)
    try:
        with engine.connect() as connection:
            print(connection.execute(text("SELECT version()")).scalar())
        if not args.reuse:
            print(f"building {args.hoks:,} HOKSes of {args.learners:,} learners …", flush=True)
            build(engine, conninfo, args, world)
        else:
            # A kept database gets the migrations added since it was built (its indexes).
            started = time.perf_counter()
            upgrade(engine)
            print(f"migrations brought up to date: {time.perf_counter() - started:.0f} s")
        load_sample(engine, world, random.Random(args.seed + 2))
        with engine.connect() as connection:
            sizes = connection.execute(
                text(
                    "SELECT pg_size_pretty(pg_total_relation_size('hoks_haku')),"
                    " pg_size_pretty(pg_relation_size('hoks_haku')),"
                    " (SELECT count(*) FROM hoks_haku)"
                )
            ).one()
        print(f"hoks_haku: {sizes[2]:,} rows, {sizes[0]} with indexes ({sizes[1]} table)")
        print("query shapes (ms, wall time of the statement as the page runs it):")
        measured = measure(engine, world, args)
        raw = raw_speed(conninfo, world, args.repeat * 5)
        print("the database alone (ms):")
        for name, row in raw.items():
            print(
                f"  {name:32} p50 {row['p50']:7.3f}  p95 {row['p95']:7.3f}  p99 {row['p99']:7.3f}"
            )
        writes = trigger_cost(conninfo, world, 500)
        print("a HOKS row update in its own transaction (ms):")
        for name, row in writes.items():
            print(
                f"  {name:32} p50 {row['p50']:7.3f}  p95 {row['p95']:7.3f}  p99 {row['p99']:7.3f}"
            )
        shown = measured["plans"] if args.plans else {
            k: v for k, v in measured["plans"].items()
            if k in ("first page, by name", "name prefix", "sort: number of HOKSes",
                     "provider (all its schools)", "national (OPH), first page", "HOKS id")
        }  # fmt: skip
        for name, plan in shown.items():
            print(f"\nEXPLAIN ANALYZE — {name}\n{plan}")
        if args.json_out:
            args.json_out.write_text(
                json.dumps({**measured, "raw": raw, "writes": writes}, indent=2), encoding="utf-8"
            )
    finally:
        engine.dispose()
        if not args.keep_database and not args.reuse:
            with admin.connect() as connection:
                connection.execute(
                    text(f'DROP DATABASE IF EXISTS "{args.database_name}" WITH (FORCE)')
                )
        admin.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
