"""Benchmark of the seizure statistics and imports at scale.

How to run (PostgreSQL on 127.0.0.1; the database is created if missing, and is kept between
runs so the 1,000,000 rows are loaded only once):

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/iren_bench_seizures \\
        .venv/bin/python bench/bench_seizures.py [--rows 1000000] [--import-rows 100000] \\
        [--repeat 5] [--reload]

What it does:
1. migrates the bench database, adds the ten demo members and an analyst of KZ;
2. loads ``--rows`` synthetic seizure reports with COPY (skipped if already there);
3. times ``GET /api/v1/seizures/stats/?group_by=...`` (through Django's test client, logged in
   as analyst.kz, so permissions, filters and JSON are included) against the same aggregate run
   as hand-written SQL, for every grouping, unfiltered and filtered (tobacco, one year);
4. times an import of ``--import-rows`` rows (CSV, through ``services.seizures_import``: parse,
   validate, bulk insert), then deletes those rows again.

Results are printed as Markdown (and written to bench/out/seizures.md) for docs/PERFORMANCE.md.
Never collected by pytest (pytest only collects tests/). Takes about 5 minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import statistics
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BENCH_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/iren_bench_seizures"
)
# The bench never touches the development or test databases.
os.environ["DATABASE_URL"] = BENCH_URL
os.environ.pop("REDIS_URL", None)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ireN.settings")
# DEBUG off so that Django does not keep every statement (and 100,000-row INSERTs) in memory.
os.environ["DEBUG"] = "0"
os.environ.setdefault("SECRET_KEY", "bench-only-" + "x" * 40)
os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1"
os.environ["SECURE_SSL_REDIRECT"] = "0"
os.environ["SESSION_COOKIE_SECURE"] = "0"
os.environ["CSRF_COOKIE_SECURE"] = "0"
os.environ["LOG_LEVEL"] = "WARNING"


def ensure_database(url: str) -> None:
    import environ
    import psycopg2
    from psycopg2 import sql

    config = environ.Env.db_url_config(url)
    name = config["NAME"]
    connection = psycopg2.connect(
        dbname="postgres",
        user=config.get("USER") or "postgres",
        password=config.get("PASSWORD") or None,
        host=config.get("HOST") or "127.0.0.1",
        port=config.get("PORT") or 5432,
    )
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"created database {name}")
    connection.close()


ensure_database(BENCH_URL)

import django  # noqa: E402

django.setup()

from concurrent.futures import ThreadPoolExecutor  # noqa: E402

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402

from members import permissions  # noqa: E402
from members.demo import MEMBERS  # noqa: E402
from members.models import MemberAdministration, RoleName, User  # noqa: E402
from seizures import permissions as seizure_permissions  # noqa: E402
from seizures import services  # noqa: E402
from seizures.filtersets import GROUP_BY_CHOICES  # noqa: E402
from seizures.models import (  # noqa: E402
    UNITS,
    Commodity,
    Operation,
    SeizureReport,
    SeizureRouteTotal,
    SeizureTotal,
    normalise_quantity,
)
from seizures.totals import totals_add, totals_rebuild  # noqa: E402
from seizures.vocabulary import ensure_commodities  # noqa: E402

COUNTRIES = [
    "AF",
    "AZ",
    "CN",
    "GE",
    "IR",
    "IN",
    "KG",
    "KZ",
    "PK",
    "RU",
    "TJ",
    "TM",
    "TR",
    "UA",
    "UZ",
]
MODES = ["sea-container", "air-cargo", "road", "rail", "postal", "passenger"]
METHODS = ["profiling", "pre-arrival", "x-ray", "canine", "intelligence", "random", ""]


def setup() -> tuple[User, dict]:
    call_command("migrate", verbosity=0)
    ensure_commodities()
    for code, name, administration, joined_on in MEMBERS:
        member, _ = MemberAdministration.objects.get_or_create(
            code=code,
            defaults={"name": name, "administration": administration, "joined_on": joined_on},
        )
        permissions.member_roles_ensure(member=member)
    members = {str(m.code): m for m in MemberAdministration.objects.all()}
    analyst, created = User.objects.get_or_create(
        username="bench.analyst.kz", defaults={"member": members["KZ"]}
    )
    if created:
        analyst.set_password("bench-password-1")
        analyst.save()
    permissions.grant_role(analyst, members["KZ"], RoleName.ANALYST)
    Operation.objects.get_or_create(
        code="nicotiana",
        defaults={
            "name": "Nicotiana",
            "coordinating_member": members["KZ"],
            "starts_on": date(2022, 10, 1),
            "ends_on": date(2022, 12, 31),
            "target_categories": ["tobacco"],
        },
    )
    return User.objects.get(pk=analyst.pk), members


def _units_for(commodity: Commodity) -> list[str]:
    return [u for u, (d, _f) in UNITS.items() if commodity.allows(d)]


def load(rows: int, members: dict, *, reload: bool) -> float | None:
    """COPY ``rows`` synthetic reports into the table; None when they are already there."""
    present = SeizureReport.objects.count()
    if present >= rows and not reload:
        print(f"{present} reports already loaded")
        return None
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE seizures_seizurereport CASCADE")
    rng = random.Random(2026)
    commodities = list(Commodity.objects.all())
    units = {c.pk: _units_for(c) for c in commodities}
    member_ids = [m.pk for m in members.values()]
    operation_id = Operation.objects.get(code="nicotiana").pk
    start = date(2019, 5, 22)
    span = (date(2026, 10, 31) - start).days
    columns = [
        "reference",
        "reporting_member_id",
        "seized_on",
        "transport_mode",
        "container_number",
        "vessel_or_flight",
        "vehicle",
        "commodity_id",
        "quantity",
        "unit",
        "quantity_base",
        "dimension",
        "concealment",
        "detection_method",
        "origin_country",
        "transit_countries",
        "destination_country",
        "persons_detained",
        "operation_id",
        "sharing",
        "notes",
        "created_at",
    ]
    began = time.perf_counter()
    batch = 100_000
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg2's cursor, for COPY
        for offset in range(0, rows, batch):
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            for i in range(offset, min(rows, offset + batch)):
                commodity = commodities[i % len(commodities)]
                unit = rng.choice(units[commodity.pk])
                quantity = Decimal(rng.randint(1, 500_000)) / 100
                quantity_base, dimension = normalise_quantity(quantity, unit)
                writer.writerow(
                    [
                        f"B{i:08d}",
                        member_ids[i % len(member_ids)],
                        (start + timedelta(days=rng.randrange(span))).isoformat(),
                        MODES[i % len(MODES)],
                        "",
                        "",
                        "",
                        commodity.pk,
                        f"{quantity:.3f}",
                        unit,
                        format(quantity_base, "f"),
                        dimension,
                        "",
                        METHODS[i % len(METHODS)],
                        rng.choice(COUNTRIES),
                        "",
                        rng.choice(COUNTRIES),
                        i % 3,
                        operation_id if commodity.category == "tobacco" and i % 5 == 0 else r"\N",
                        "national" if i % 4 == 0 else "network",
                        "",
                        "2026-11-01T00:00:00Z",
                    ]
                )
            buffer.seek(0)
            raw.copy_expert(
                f"COPY seizures_seizurereport ({', '.join(columns)}) FROM STDIN "
                "WITH (FORMAT csv, NULL '\\N')",
                buffer,
            )
            print(f"  loaded {min(rows, offset + batch):,} rows", flush=True)
        cursor.execute("ANALYZE seizures_seizurereport")
    return time.perf_counter() - began


# The same aggregates as seizures.selectors.seizure_totals, written by hand: the floor the ORM
# path is compared with. %(visible)s is the restrict_seizures condition for analyst.kz.
SQL = {
    # category and commodity: grouped by commodity id (no join), as the selector does; the
    # codes, names and categories of the 14 commodities come from one small lookup.
    "category": (
        "SELECT r.commodity_id, r.dimension, count(*), sum(r.quantity_base) "
        "FROM seizures_seizurereport r WHERE {where} GROUP BY 1, 2"
    ),
    "commodity": (
        "SELECT r.commodity_id, r.dimension, count(*), sum(r.quantity_base) "
        "FROM seizures_seizurereport r WHERE {where} GROUP BY 1, 2"
    ),
    "member": (
        "SELECT r.reporting_member_id, r.dimension, count(*), sum(r.quantity_base) "
        "FROM seizures_seizurereport r WHERE {where} GROUP BY 1, 2"
    ),
    "month": (
        "SELECT date_trunc('month', r.seized_on), r.dimension, count(*), sum(r.quantity_base) "
        "FROM seizures_seizurereport r WHERE {where} GROUP BY 1, 2"
    ),
    "transport_mode": (
        "SELECT r.transport_mode, r.dimension, count(*), sum(r.quantity_base) "
        "FROM seizures_seizurereport r WHERE {where} GROUP BY 1, 2"
    ),
    "detection_method": (
        "SELECT r.detection_method, r.dimension, count(*), sum(r.quantity_base) "
        "FROM seizures_seizurereport r WHERE {where} GROUP BY 1, 2"
    ),
    "route": (
        "SELECT r.origin_country, r.destination_country, r.dimension, count(*), "
        "sum(r.quantity_base) FROM seizures_seizurereport r WHERE {where} GROUP BY 1, 2, 3"
    ),
}


def _median_ms(func, repeat: int) -> float:
    func()  # warm the cache
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        func()
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times)


def time_stats(analyst: User, members: dict, repeat: int) -> list[tuple]:
    client = Client()
    client.force_login(analyst)
    kz = members["KZ"].pk
    tobacco = list(Commodity.objects.filter(category="tobacco").values_list("pk", flat=True))
    visible = f"(r.reporting_member_id IN ({kz}) OR r.sharing = 'network')"
    filtered_where = (
        f"{visible} AND r.seized_on BETWEEN '2024-01-01' AND '2024-12-31' "
        f"AND r.commodity_id IN ({', '.join(map(str, tobacco))})"
    )
    results = []
    for label, params, where in [
        ("all reports", {}, visible),
        (
            "tobacco, 2024",
            {"category": "tobacco", "from": "2024-01-01", "to": "2024-12-31"},
            filtered_where,
        ),
    ]:
        for group_by in GROUP_BY_CHOICES:
            query = {"group_by": group_by, **params}

            def api(query=query):
                response = client.get("/api/v1/seizures/stats/", query)
                assert response.status_code == 200, response.content
                return response

            statement = SQL[group_by].format(where=where)

            def raw(statement=statement):
                with connection.cursor() as cursor:
                    cursor.execute(statement)
                    return cursor.fetchall()

            groups = len(api().json()["results"])
            api_ms = _median_ms(api, repeat)
            sql_ms = _median_ms(raw, repeat)
            results.append((label, group_by, groups, api_ms, sql_ms))
            print(
                f"  {label:14} {group_by:16} {groups:5} groups  API {api_ms:8.1f} ms  "
                f"SQL {sql_ms:8.1f} ms",
                flush=True,
            )
    return results


def time_import(analyst: User, rows: int) -> dict:
    rng = random.Random(7)
    tag = time.strftime("%H%M%S")
    pairs = [
        ("heroin", "kg"),
        ("cigarettes", "pieces"),
        ("ferrosilicon", "t"),
        ("pregabalin", "pills"),
        ("acetic-anhydride", "l"),
        ("consumer-goods", "kg"),
    ]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(services.IMPORT_COLUMNS)
    for i in range(rows):
        commodity, unit = pairs[i % len(pairs)]
        writer.writerow(
            [
                f"IMP-{tag}-{i:06d}",
                f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}",
                "KZ",
                "",
                commodity,
                rng.randint(1, 100_000),
                unit,
                MODES[i % len(MODES)],
                "AF",
                "KZ",
                "CSQU3054383" if i % 10 == 0 else "",
                "",
                METHODS[i % len(METHODS)],
                i % 3,
                "nicotiana" if commodity == "cigarettes" else "",
                "network",
            ]
        )
    content = buffer.getvalue().encode()
    timings = {}
    began = time.perf_counter()
    parsed = services.read_import_file(content, "bench.csv")
    timings["parse"] = time.perf_counter() - began
    began = time.perf_counter()
    reports = services.seizures_validate(user=analyst, rows=parsed)
    timings["validate"] = time.perf_counter() - began
    began = time.perf_counter()
    imported = services.seizures_write(reports)  # COPY plus the totals' upserts
    timings["write"] = time.perf_counter() - began
    timings["total"] = timings["parse"] + timings["validate"] + timings["write"]
    timings["rows"] = imported
    timings["bytes"] = len(content)
    with transaction.atomic():
        SeizureReport.objects.filter(reference__startswith=f"IMP-{tag}-").delete()
        totals_add(reports, sign=-1)
    return timings


def time_dashboard(analyst: User, repeat: int, concurrent: int) -> dict:
    """The unfiltered dashboard alone (median), and ``concurrent`` analysts at once (each
    thread its own client and database connection; threads share one interpreter, so the
    template rendering is serialised by the GIL: an upper bound for separate gunicorn
    workers), with the charts' cache on and off."""
    from django.test import override_settings

    def one(client):
        began = time.perf_counter()
        response = client.get("/seizures/")
        assert response.status_code == 200
        return (time.perf_counter() - began) * 1000, len(response.content)

    def worker(_n):
        own = Client()
        own.force_login(analyst)
        try:
            return [one(own)[0] for _ in range(3)]
        finally:
            connection.close()

    figures = {"concurrent": concurrent}
    for label, seconds in (("cached", 600), ("uncached", 0)):
        with override_settings(DASHBOARD_CACHE_SECONDS=seconds):
            client = Client()
            client.force_login(analyst)
            one(client)
            alone = [one(client) for _ in range(repeat)]
            year = _median_ms(
                lambda client=client: client.get(
                    "/seizures/", {"from": "2024-01-01", "to": "2024-12-31"}
                ),
                repeat,
            )
            with ThreadPoolExecutor(concurrent) as pool:
                together = [t for times in pool.map(worker, range(concurrent)) for t in times]
        figures[label] = {
            "alone_ms": statistics.median(t for t, _ in alone),
            "bytes": alone[0][1],
            "year_ms": year,
            "together_p50": statistics.median(together),
            "together_max": max(together),
        }
    return figures


def time_deep_pages(analyst: User, repeat: int) -> list[tuple]:
    """First and deep pages (about three quarters down the visible reports) of the API list
    and the browser list, by cursor; and the old numbered page at the same depth."""
    from rest_framework.pagination import Cursor, CursorPagination
    from rest_framework.request import Request
    from rest_framework.test import APIRequestFactory

    from seizures import selectors

    client = Client()
    client.force_login(analyst)
    visible = selectors.seizure_list(user=analyst)
    depth = 750_000 * 3 // 4 if visible.count() > 100_000 else visible.count() // 2
    row = visible.values("seized_on")[depth]
    encoder = CursorPagination()
    encoder.base_url = "http://testserver/"
    encoder.request = Request(APIRequestFactory().get("/"))
    link = encoder.encode_cursor(Cursor(offset=0, reverse=False, position=str(row["seized_on"])))
    cursor = link.split("cursor=")[1]
    results = []
    for label, url, params in [
        ("API, first page", "/api/v1/seizures/", {}),
        (f"API, cursor at report {depth:,}", "/api/v1/seizures/", {"cursor": cursor}),
        (
            f"API, ?page={depth // 50:,} (numbered, OFFSET)",
            "/api/v1/seizures/",
            {"page": depth // 50},
        ),
        ("report list, first page", "/seizures/reports/", {}),
        (f"report list, cursor at report {depth:,}", "/seizures/reports/", {"cursor": cursor}),
    ]:

        def get(url=url, params=params):
            response = client.get(url, params)
            assert response.status_code == 200, (url, response.status_code)

        results.append((label, _median_ms(get, repeat)))
        print(f"  {label:45} {results[-1][1]:8.1f} ms", flush=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--import-rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--reload", action="store_true", help="truncate and load again")
    parser.add_argument("--concurrent", type=int, default=8, help="analysts at once")
    args = parser.parse_args()

    analyst, members = setup()
    print(f"Loading {args.rows:,} reports ...", flush=True)
    load_seconds = load(args.rows, members, reload=args.reload)
    rebuild_seconds = None
    if load_seconds is not None or not SeizureTotal.objects.exists():
        # COPY bypasses the services: the totals are rebuilt from the reports once.
        began = time.perf_counter()
        cells = totals_rebuild()
        rebuild_seconds = time.perf_counter() - began
        print(f"Totals rebuilt: {cells} cells in {rebuild_seconds:.1f} s", flush=True)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE seizures_seizuretotal; ANALYZE seizures_seizureroutetotal")
    cells = (SeizureTotal.objects.count(), SeizureRouteTotal.objects.count())
    total = SeizureReport.objects.count()
    visible = seizure_permissions.restrict_seizures(analyst).count()
    print("Stats endpoint against raw SQL (median of", args.repeat, "runs):", flush=True)
    stats = time_stats(analyst, members, args.repeat)
    print("Dashboard:", flush=True)
    dashboard = time_dashboard(analyst, args.repeat, args.concurrent)
    print(f"  {dashboard}", flush=True)
    print("Deep pages:", flush=True)
    pages = time_deep_pages(analyst, args.repeat)
    print(f"Import of {args.import_rows:,} rows ...", flush=True)
    imported = time_import(analyst, args.import_rows)

    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        version = cursor.fetchone()[0].split(" on ")[0]
    lines = [
        f"{total:,} seizure reports in `seizures_seizurereport` ({version}, {os.cpu_count()} "
        f"cores); viewer analyst.kz, who may read {visible:,} of them (KZ's own and those "
        f"shared with the network). Median of {args.repeat} runs after one warm-up.",
        "",
    ]
    if load_seconds is not None:
        lines += [f"Loading {args.rows:,} rows with COPY: {load_seconds:.0f} s.", ""]
    lines += [
        f"Pre-aggregated totals: {cells[0]:,} month cells, {cells[1]:,} route cells"
        + (f" (rebuilt in {rebuild_seconds:.1f} s)." if rebuild_seconds else "."),
        "",
        *[
            f"Unfiltered dashboard (`GET /seizures/`, {d['bytes'] / 1000:.0f} KB), charts "
            f"{label}: {d['alone_ms']:.0f} ms alone; one year {d['year_ms']:.0f} ms; "
            f"{dashboard['concurrent']} analysts at once (3 requests each): p50 "
            f"{d['together_p50']:.0f} ms, slowest {d['together_max']:.0f} ms."
            for label in ("cached", "uncached")
            for d in [dashboard[label]]
        ],
        "",
        "| Page | Median (ms) |",
        "|---|---:|",
        *[f"| {label} | {ms:.0f} |" for label, ms in pages],
        "",
    ]
    lines += [
        "| Filter | group_by | Groups | API `/stats/` (ms) | Raw SQL (ms) | API / SQL |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for label, group_by, groups, api_ms, sql_ms in stats:
        lines.append(
            f"| {label} | {group_by} | {groups} | {api_ms:.0f} | {sql_ms:.0f} | "
            f"{api_ms / sql_ms:.2f} |"
        )
    lines += [
        "",
        f"Import of {imported['rows']:,} CSV rows ({imported['bytes'] / 1e6:.1f} MB) for KZ: "
        f"parse {imported['parse']:.1f} s, validate {imported['validate']:.1f} s, "
        f"bulk insert {imported['write']:.1f} s, total {imported['total']:.1f} s "
        f"({imported['rows'] / imported['total']:,.0f} rows/s).",
    ]
    report = "\n".join(lines)
    print()
    print(report)
    out = ROOT / "bench" / "out"
    out.mkdir(exist_ok=True)
    (out / "seizures.md").write_text(report + "\n")


if __name__ == "__main__":
    main()
