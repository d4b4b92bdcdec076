"""Benchmark of cross-country matching (issue 10) at scale.

How to run (PostgreSQL on 127.0.0.1; the database is created if missing and kept between runs,
so the data are loaded once per scale):

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/iren_bench_matching \\
        .venv/bin/python bench/bench_matching.py [--scale 1.0] [--runs 200] [--reload]

``--scale 1`` is the issue's size: 1,000,000 seizure reports, 100,000 urgent queries and their
identifiers (containers, bills of lading, companies), and a 100,000-row import. ``--scale 0.05``
is a twentieth of everything (a quick check that it works).

What it does:
1. migrates, adds the ten demo members, an analyst of KZ and a focal point of TJ;
2. loads the reports with COPY, the queries (with recipients and containers) with
   ``bulk_create``, and their identifier index rows with COPY (values normalised by
   ``core.identifiers.normalise``, as the portal does), plus a set of TJ hits;
3. times, after a ``CHECKPOINT`` (so no run pays for flushing pages that earlier work, such as
   a test suite, left dirty; each measured write is rolled back, and its dead rows vacuumed,
   so runs do not drift):
   - matching a new record: ``identifiers_index_many(new=True)`` for one report with a
     container and a consignee drawn from the pools (what creating a report or filing a query
     adds to its INSERT), p50/p95;
   - an import of ``100,000 × scale`` rows through ``seizures.services.seizures_import`` (parse,
     validate, COPY with pks from the sequence, index, match, alerts, and the deferred FK
     checks COMMIT would run), ``--imports`` times (3 by default, a checkpoint before
     each), rows per second of each and their median;
   - ``GET /api/v1/identifiers/lookup/`` as focal.tj (audit event included), p50/p95;
   - ``GET /matching/hits/`` as focal.tj, p50/p95;
   - SQL statements of the hits page (pages 1 and 2, filtered) and of a lookup.

Results are printed as Markdown (and written to bench/out/matching.md). Never collected by
pytest. (Over 400 lines: one script, read top to bottom, loading and timing in one place.)
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
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BENCH_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/iren_bench_matching"
)
os.environ["DATABASE_URL"] = BENCH_URL
os.environ.pop("REDIS_URL", None)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ireN.settings")
os.environ["DEBUG"] = "0"
os.environ.setdefault("SECRET_KEY", "bench-only-" + "x" * 40)
os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1"
os.environ["SECURE_SSL_REDIRECT"] = "0"
os.environ["SESSION_COOKIE_SECURE"] = "0"
os.environ["CSRF_COOKIE_SECURE"] = "0"
os.environ["LOG_LEVEL"] = "WARNING"
os.environ["TWO_FACTOR_ROLES"] = ""


def ensure_database(url: str) -> None:
    import environ
    import psycopg2
    from psycopg2 import sql

    config = environ.Env.db_url_config(url)
    connection = psycopg2.connect(
        dbname="postgres",
        user=config.get("USER") or "postgres",
        password=config.get("PASSWORD") or None,
        host=config.get("HOST") or "127.0.0.1",
        port=config.get("PORT") or 5432,
    )
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]])
        if cursor.fetchone() is None:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))
    connection.close()


ensure_database(BENCH_URL)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

# Production settings (DEBUG off) but plain static files: no collectstatic manifest here.
settings.STORAGES = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from stdnum import iso6346  # noqa: E402

from core.identifiers import normalise  # noqa: E402
from exchange.models import Query, QueryContainer, QueryRecipient  # noqa: E402
from matching.models import Hit, IdentifierEntry  # noqa: E402
from matching.services import identifiers_index_many  # noqa: E402
from members import permissions  # noqa: E402
from members.demo import MEMBERS  # noqa: E402
from members.models import MemberAdministration, RoleName, User  # noqa: E402
from seizures import services  # noqa: E402
from seizures.columns import IMPORT_COLUMNS  # noqa: E402
from seizures.models import Commodity, SeizureReport  # noqa: E402
from seizures.vocabulary import ensure_commodities  # noqa: E402

OUT = ROOT / "bench" / "out"
SEIZED_FROM = date(2022, 1, 1)


def container(i: int) -> str:
    """A valid ISO 6346 number for pool index ``i``."""
    base = f"{'BNCU' if i < 1_000_000 else 'BNDU'}{i % 1_000_000:06d}"
    if i >= 2_000_000:
        base = f"B{chr(ord('E') + i // 1_000_000 % 20)}CU{i % 1_000_000:06d}"
    return base + iso6346.calc_check_digit(base)


def company(i: int) -> str:
    return f"Bench Trading {i} LLP"


class Pools:
    """Identifier pools sized with the scale: containers are drawn from five times as many
    numbers as there are records (about one record in ten shares its container with another),
    companies from twice as many names (about one in three shares its consignee), so matches
    happen on every write but no value comes near MATCHING_COMMON_THRESHOLD."""

    def __init__(self, scale: float):
        self.reports = max(1000, int(1_000_000 * scale))
        self.queries = max(100, int(100_000 * scale))
        self.imports = max(1000, int(100_000 * scale))
        self.containers = max(1000, int(self.reports * 5))
        self.companies = max(200, int(self.reports * 2))


def setup() -> dict:
    call_command("migrate", verbosity=0)
    ensure_commodities()
    for code, name, administration, joined_on in MEMBERS:
        member, _ = MemberAdministration.objects.get_or_create(
            code=code,
            defaults={"name": name, "administration": administration, "joined_on": joined_on},
        )
        permissions.member_roles_ensure(member=member)
    members = {str(m.code): m for m in MemberAdministration.objects.all()}
    people = {}
    for username, code, role in (
        ("bench.analyst.kz", "KZ", RoleName.ANALYST),
        ("bench.focal.tj", "TJ", RoleName.FOCAL_POINT),
    ):
        user, created = User.objects.get_or_create(
            username=username, defaults={"member": members[code], "email": ""}
        )
        if created:
            user.set_password("bench-password-1")
            user.save()
        permissions.grant_role(user, members[code], role)
        people[username] = User.objects.get(pk=user.pk)
    return {"members": members, **people}


def _copy(table: str, columns: list[str], rows) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerows(rows)
    buffer.seek(0)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(
            f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv, NULL '\\N')",
            buffer,
        )


def _entry_rows(kind, raw, record_type, record_id, reference, owner, visibility, parties, seen):
    return [
        kind,
        normalise(kind, raw),
        raw,
        record_type,
        record_id,
        reference,
        owner,
        visibility,
        parties,
        "t",
        "",
        seen,
        "2026-11-01T00:00:00Z",
    ]


ENTRY_COLUMNS = [
    "kind",
    "value",
    "display",
    "record_type",
    "record_id",
    "record_reference",
    "owner_member_id",
    "visibility",
    "party_ids",
    "matchable_outward",
    "handling",
    "seen_on",
    "created_at",
]


def load(setup_data: dict, pools: Pools, *, reload: bool) -> float | None:
    if SeizureReport.objects.count() >= pools.reports and not reload:
        print(f"{SeizureReport.objects.count():,} reports already loaded")
        return None
    members = setup_data["members"]
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE seizures_seizurereport, exchange_identifierentry, exchange_hit, "
            "exchange_querycontainer, exchange_queryrecipient, exchange_alert, "
            "exchange_query CASCADE"
        )
    began = time.perf_counter()
    rng = random.Random(2026)
    heroin = Commodity.objects.get(code="heroin").pk
    member_ids = [m.pk for m in members.values()]
    codes = {m.pk: str(m.code) for m in members.values()}
    columns = [
        "reference", "reporting_member_id", "seized_on", "transport_mode", "container_number",
        "vessel_or_flight", "vehicle", "commodity_id", "quantity", "unit", "quantity_base",
        "dimension", "concealment", "detection_method", "origin_country", "transit_countries",
        "destination_country", "persons_detained", "sharing", "notes", "consignee", "created_at",
    ]  # fmt: skip
    batch = 100_000
    for offset in range(0, pools.reports, batch):
        rows = []
        for i in range(offset, min(pools.reports, offset + batch)):
            rows.append(
                [
                    f"M{i:08d}", member_ids[i % len(member_ids)],
                    (SEIZED_FROM + timedelta(days=i % 1700)).isoformat(), "sea-container",
                    container(rng.randrange(pools.containers)), "", "", heroin, "1.000", "kg",
                    "1", "mass", "", "", "", "", "", 0,
                    "national" if i % 4 == 0 else "network", "",
                    company(rng.randrange(pools.companies)), "2026-11-01T00:00:00Z",
                ]
            )  # fmt: skip
        _copy("seizures_seizurereport", columns, rows)
        print(f"  reports: {min(pools.reports, offset + batch):,}", flush=True)
    # Their index rows, read back from the table (pk, member, sharing, identifiers).
    last = 0
    while True:
        chunk = list(
            SeizureReport.objects.filter(pk__gt=last)
            .order_by("pk")
            .values_list(
                "pk", "reporting_member_id", "reference", "sharing", "container_number",
                "consignee", "seized_on",
            )[:batch]
        )  # fmt: skip
        if not chunk:
            break
        rows = []
        for pk, owner, reference, sharing, number, consignee, seized_on in chunk:
            visibility = "network" if sharing == "network" else "parties"
            ref = f"{codes[owner]}/{reference}"
            parties = f",{owner},"
            rows.append(
                _entry_rows(
                    "container", number, "seizure", pk, ref, owner, visibility, parties, seized_on
                )
            )
            rows.append(
                _entry_rows(
                    "company", consignee, "seizure", pk, ref, owner, visibility, parties, seized_on
                )
            )
        _copy("exchange_identifierentry", ENTRY_COLUMNS, rows)
        last = chunk[-1][0]
        print(f"  report index: {last:,}", flush=True)
    # Queries: TJ, UZ and KZ file to one another (H0 to H2).
    author = setup_data["bench.focal.tj"]
    senders = [members["TJ"], members["UZ"], members["KZ"]]
    now = datetime(2026, 11, 1, tzinfo=UTC)
    for offset in range(0, pools.queries, 10_000):
        span = range(offset, min(pools.queries, offset + 10_000))
        queries = Query.objects.bulk_create(
            [
                Query(
                    reference=f"IREN-B{i:07d}", year=2026, sequence=i + 1,
                    sender_member=senders[i % 3], author=author, subject="Bench",
                    body="Bench", handling_code=("H0", "H1", "H2")[i % 3],
                    consignee=company(rng.randrange(pools.companies)),
                    created_at=now, due_at=now + timedelta(hours=4),
                )
                for i in span
            ]
        )  # fmt: skip
        recipients, containers, rows = [], [], []
        for i, query in zip(span, queries, strict=True):
            to = senders[(i + 1) % 3]
            number = container(rng.randrange(pools.containers))
            recipients.append(QueryRecipient(query=query, member=to))
            containers.append(QueryContainer(query=query, number=number, position=0))
            parties = ",".join(str(x) for x in sorted({query.sender_member_id, to.pk}))
            for kind, raw in (("container", number), ("company", query.consignee)):
                row = _entry_rows(
                    kind, raw, "query", query.pk, query.reference, query.sender_member_id,
                    "parties", f",{parties},", "2026-11-01",
                )  # fmt: skip
                row[10] = query.handling_code
                rows.append(row)
        QueryRecipient.objects.bulk_create(recipients)
        QueryContainer.objects.bulk_create(containers)
        _copy("exchange_identifierentry", ENTRY_COLUMNS, rows)
        print(f"  queries: {span.stop:,}", flush=True)
    # TJ's hits: one per TJ query's container held by another member (for the hits page).
    tj = members["TJ"].pk
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO exchange_hit (for_member_id, kind, value, display, record_type,
                record_id, record_reference, holder_member_id, holder_record_type,
                holder_record_id, holder_record_reference, holder_visible, month, state,
                dismiss_reason, alerted, common, created_at)
            SELECT q.owner_member_id, q.kind, q.value, q.display, q.record_type, q.record_id,
                q.record_reference, o.owner_member_id, o.record_type, o.record_id,
                o.record_reference, o.visibility = 'network', date_trunc('month', o.seen_on),
                'new', '', true, false,
                now() - make_interval(mins => row_number() OVER (ORDER BY q.id, o.id)::int)
            FROM exchange_identifierentry q
            JOIN exchange_identifierentry o ON o.kind = q.kind AND o.value = q.value
                AND o.owner_member_id <> q.owner_member_id
            WHERE q.record_type = 'query' AND q.owner_member_id = %s
            ON CONFLICT DO NOTHING
            """,
            [tj],
        )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return time.perf_counter() - began


def _percentiles(times: list[float]) -> tuple[float, float]:
    times = sorted(times)
    p95 = times[min(len(times) - 1, int(round(0.95 * len(times))) - 1)]
    return statistics.median(times), p95


def _rolled_back(func):
    with transaction.atomic():
        func()
        transaction.set_rollback(True)


def time_matching(setup_data: dict, pools: Pools, runs: int) -> tuple[float, float, int]:
    kz = setup_data["members"]["KZ"].pk
    rng = random.Random(7)
    times, hits = [], 0
    for n in range(runs + 5):
        record = {
            "record_type": "seizure",
            "record_id": 10**12 + n,
            "record_reference": f"KZ/NEW-{n}",
            "owner_member_id": kz,
            "visibility": "parties",
            "party_member_ids": [],
            "matchable_outward": True,
            "handling": "",
            "seen_on": date(2026, 11, 2),
            "identifiers": [
                ("container", container(rng.randrange(pools.containers))),
                ("company", company(rng.randrange(pools.companies))),
            ],
        }
        with transaction.atomic():
            began = time.perf_counter()
            made = identifiers_index_many(records=[record], new=True)
            elapsed = (time.perf_counter() - began) * 1000
            transaction.set_rollback(True)
        if n >= 5:
            times.append(elapsed)
            hits += len(made)
    return (*_percentiles(times), hits)


def time_import(setup_data: dict, pools: Pools, runs: int) -> dict:
    rng = random.Random(11)
    buffer = io.StringIO()
    columns = [*IMPORT_COLUMNS, "consignee"]
    writer = csv.DictWriter(buffer, fieldnames=columns)
    writer.writeheader()
    for i in range(pools.imports):
        writer.writerow(
            {
                "reference": f"IMP-{i:07d}", "seized_on": "2026-10-01", "member": "KZ",
                "control_unit": "", "commodity": "heroin", "quantity": "2", "unit": "kg",
                "transport_mode": "sea-container", "origin_country": "AF",
                "destination_country": "KZ",
                "container_number": container(rng.randrange(pools.containers)),
                "concealment": "", "detection_method": "x-ray", "persons_detained": "0",
                "operation": "", "sharing": "national",
                "consignee": company(rng.randrange(pools.companies)),
            }
        )  # fmt: skip
    content = buffer.getvalue().encode()
    result = {}

    def run():
        hits_before = Hit.objects.count()
        # Start from a clean slate: a checkpoint first, so that the import does not pay for
        # flushing pages other work left dirty (a test suite's databases, the last run).
        with connection.cursor() as cursor:
            cursor.execute("CHECKPOINT")
        began = time.perf_counter()
        imported = services.seizures_import(
            user=setup_data["bench.analyst.kz"], content=content, filename="bench.csv"
        )
        # What COMMIT would do before the rollback below: run the deferred foreign-key checks
        # of every row written (rolled back unchecked, they would be left out of the time).
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        result["seconds"] = time.perf_counter() - began
        result["rows"] = imported
        result["hits"] = Hit.objects.count() - hits_before

    seconds = []
    for _ in range(runs):
        _rolled_back(run)
        seconds.append(result["seconds"])
        # (The rolled-back rows are dead tuples: cleared before the next run and the pages.)
        with connection.cursor() as cursor:
            for table in ("exchange_hit", "exchange_identifierentry", "exchange_alert",
                          "seizures_seizurereport"):  # fmt: skip
                cursor.execute(f"VACUUM ANALYZE {table}")
    result["seconds"] = statistics.median(seconds)
    result["rates"] = [result["rows"] / s for s in seconds]
    result["rows_per_second"] = result["rows"] / result["seconds"]
    return result


def time_pages(setup_data: dict, pools: Pools, runs: int) -> dict:
    client = Client()
    client.force_login(setup_data["bench.focal.tj"])
    rng = random.Random(13)
    lookups = []
    for n in range(runs + 5):
        params = {"kind": "container", "value": container(rng.randrange(pools.containers))}
        began = time.perf_counter()
        response = client.get("/api/v1/identifiers/lookup/", params)
        elapsed = (time.perf_counter() - began) * 1000
        assert response.status_code == 200, response.content
        if n >= 5:
            lookups.append(elapsed)
    pages = []
    for n in range(runs + 5):
        began = time.perf_counter()
        response = client.get("/matching/hits/", {"page": 1 + n % 3})
        elapsed = (time.perf_counter() - began) * 1000
        assert response.status_code == 200
        if n >= 5:
            pages.append(elapsed)
    statements = {}
    for label, params in (
        ("hits page 1", {}),
        ("hits page 2", {"page": 2}),
        ("hits page, kind=container", {"kind": "container"}),
    ):
        with CaptureQueriesContext(connection) as captured:
            client.get("/matching/hits/", params)
        statements[label] = len(captured)
    with CaptureQueriesContext(connection) as captured:
        client.get("/api/v1/identifiers/lookup/", {"kind": "container", "value": container(1)})
    statements["lookup"] = len(captured)
    return {
        "lookup": _percentiles(lookups),
        "hits_page": _percentiles(pages),
        "statements": statements,
        "tj_hits": Hit.objects.filter(for_member=setup_data["members"]["TJ"]).count(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--reload", action="store_true", help="truncate and load again")
    parser.add_argument("--imports", type=int, default=3, help="timed imports (median shown)")
    args = parser.parse_args()
    pools = Pools(args.scale)
    data = setup()
    loaded = load(data, pools, reload=args.reload)
    # Fresh statistics on the bulk-loaded tables whether or not they were loaded just now
    # (stale ones made a 0.07 ms audit query take 160 ms in bench_audit.py).
    with connection.cursor() as cursor:
        cursor.execute(
            "ANALYZE seizures_seizurereport, exchange_identifierentry, exchange_hit, "
            "exchange_query, exchange_querycontainer, exchange_queryrecipient"
        )
    entries = IdentifierEntry.objects.count()
    with connection.cursor() as cursor:
        cursor.execute("CHECKPOINT")  # (as before each import: a clean slate)
    p50_match, p95_match, match_hits = time_matching(data, pools, args.runs)
    imported = time_import(data, pools, args.imports)
    pages = time_pages(data, pools, args.runs)
    lines = [
        f"Scale {args.scale:g}: {SeizureReport.objects.count():,} seizure reports, "
        f"{Query.objects.count():,} queries, {entries:,} identifier index rows, "
        f"{pages['tj_hits']:,} hits of TJ." + (f" Loaded in {loaded:.0f} s." if loaded else ""),
        "",
        "| measure | p50 | p95 | goal |",
        "| --- | --- | --- | --- |",
        f"| matching a new record (index + match, {args.runs} runs) | {p50_match:.1f} ms "
        f"| {p95_match:.1f} ms | p95 ≤ 10 ms |",
        f"| lookup `GET /api/v1/identifiers/lookup/` ({args.runs} runs) "
        f"| {pages['lookup'][0]:.1f} ms | {pages['lookup'][1]:.1f} ms | p95 ≤ 20 ms |",
        f"| hits page `GET /matching/hits/` ({args.runs} runs) | {pages['hits_page'][0]:.1f} ms "
        f"| {pages['hits_page'][1]:.1f} ms | p95 ≤ 100 ms |",
        "",
        f"Import with matching: {imported['rows']:,} rows in {imported['seconds']:.1f} s = "
        f"**{imported['rows_per_second']:,.0f} rows/s** (goal ≥ 5,000 rows/s; the median of "
        f"{len(imported['rates'])} runs: "
        + ", ".join(f"{rate:,.0f}" for rate in imported["rates"])
        + f" rows/s); {imported['hits']:,} hits made.",
        f"Hits made while timing single records: {match_hits}.",
        "",
        "SQL statements: "
        + ", ".join(f"{label}: {count}" for label, count in pages["statements"].items())
        + ".",
    ]
    text = "\n".join(lines)
    print(text)
    OUT.mkdir(exist_ok=True)
    (OUT / "matching.md").write_text(text + "\n")


if __name__ == "__main__":
    main()
