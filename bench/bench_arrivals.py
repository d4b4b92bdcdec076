"""Benchmark: pre-arrival notices at scale, the four figures of docs/PERFORMANCE.md
("Arrivals"): filing one notice (screening included) with N notices and 2N index rows,
a manifest of M lines checked, stored, indexed and screened, the incoming board's first page,
and pruning a month of notices.

How to run (never run by the test suite):

    createdb -h 127.0.0.1 -U postgres iren_bench_arrivals   # once
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/iren_bench_arrivals \
    .venv/bin/python bench/bench_arrivals.py [--notices 1000000] [--lines 10000] \
        [--prune-month 100000] [--runs 30] [--lines-per-notice 3]

What it does: migrates, seeds the demo network, bulk-loads ``--notices`` synthetic notices
(spread over 12 months, GE/AZ/PK/KZ to UZ/KZ/TM/AF, two containers each) straight into the
partitioned table with COPY and their index rows (two per notice), then measures:
1. ``notice_file`` by officer GE through the API (p50/p95 of ``--runs``);
2. a ``--lines``-line CSV manifest through ``POST /api/v1/arrivals/import/`` (lines/s), each
   transport document (notice) on ``--lines-per-notice`` lines, one container each;
3. the incoming board (``/arrivals/``) as focal.uz, first page (p50/p95);
4. ``arrivals_prune`` on a month of ``--prune-month`` notices past retention (seconds).
"""

import argparse
import io
import os
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ireN.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1")
os.environ["DEBUG"] = "0"
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-used-anywhere-else-0123456789")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SESSION_COOKIE_SECURE", "0")
os.environ.setdefault("CSRF_COOKIE_SECURE", "0")
os.environ.setdefault("SECURE_HSTS_SECONDS", "0")
# The bench measures the board, not the second factor.
os.environ["TWO_FACTOR_ROLES"] = ""

ROUTES = [
    ("GE", "GE-PTI-PCU", "UZ"),
    ("AZ", "AZ-BAK-PCU", "TM"),
    ("PK", "PK-KHI-PCU", "AF"),
    ("KZ", "KZ-KHG-DP", "UZ"),
    ("GE", "GE-PTI-PCU", "KZ"),
]


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))]


def container_number(rng):
    from stdnum import iso6346

    owner = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(3)) + "U"
    serial = f"{rng.randrange(1_000_000):06d}"
    return owner + serial + iso6346.calc_check_digit(owner + serial)


def setup():
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("seed_demo", password="bench-password-2026", verbosity=0)


def load(total, start, months, rng, *, expected_base=None):
    """COPY ``total`` notices over ``months`` months from ``start`` with their index rows."""
    import json

    from django.db import connection, transaction

    from arrivals import partitioning
    from arrivals.models import ArrivalNotice
    from core.bulk import copy_rows, sequence_take
    from matching.models import IdentifierEntry
    from matching.pairing import ENTRY_COLUMNS
    from members.models import ControlUnit, MemberAdministration

    members = {m.code.code: m.pk for m in MemberAdministration.objects.all()}
    units = {u.code: u.pk for u in ControlUnit.objects.all()}
    author = __import__("django.contrib.auth", fromlist=["get_user_model"]).get_user_model()
    author_id = author.objects.get(username="focal.ge").pk
    month = partitioning.month_start(start)
    wanted = []
    for _i in range(months):
        wanted.append(month)
        month = partitioning.next_month(month)
    partitioning.partitions_ensure(wanted)
    table = ArrivalNotice._meta.db_table
    columns = [
        "id",
        "reference",
        "year",
        "sequence",
        "status",
        "mode",
        "vessel_imo",
        "conveyance",
        "transport_document",
        "transport_document_kind",
        "master_document",
        "place_of_loading",
        "place_of_discharge",
        "transit_countries",
        "departed_at",
        "expected_arrival",
        "shipper",
        "shipper_country",
        "consignee",
        "consignee_country",
        "notify_party",
        "containers",
        "goods",
        "from_member_id",
        "from_unit_id",
        "to_member_id",
        "to_unit_id",
        "author_id",
        "handling_code",
        "handling_restrictions",
        "source_evaluation",
        "information_evaluation",
        "remarks",
        "identifiers",
        "lane",
        "screening",
        "arrival",
        "discrepancies",
        "outcome",
        "outcome_note",
        "release_note",
        "created_at",
    ]
    span = (wanted[-1].toordinal() + 28 - wanted[0].toordinal()) * 86400
    done = 0
    while done < total:
        batch = min(50_000, total - done)
        with transaction.atomic():
            pks = sequence_take(table, batch)
            notices, entries = [], []
            now = datetime.now(UTC).isoformat()
            for pk in pks:
                frm, unit, to = rng.choice(ROUTES)
                expected = datetime(start.year, start.month, 1, tzinfo=UTC) + timedelta(
                    seconds=rng.randrange(span)
                )
                boxes = [container_number(rng), container_number(rng)]
                document = f"BL{pk:010d}"
                keys = [f"container:{b}" for b in boxes] + [f"bill-of-lading:{document}"]
                notices.append(
                    [
                        pk,
                        f"IREN-{frm}-ARR-B-{pk}",
                        expected.year,
                        pk,
                        "expected",
                        "sea",
                        "",
                        "",
                        document,
                        "bill_of_lading",
                        "",
                        "",
                        "",
                        "{}",
                        None,
                        expected.isoformat(),
                        "",
                        "",
                        "",
                        "",
                        "",
                        json.dumps([{"number": b, "seals": []} for b in boxes]),
                        "[]",
                        members[frm],
                        units.get(unit),
                        members[to],
                        None,
                        author_id,
                        "H0",
                        "",
                        "X",
                        "4",
                        "",
                        "{" + ",".join(keys) + "}",
                        "green",
                        '{"lane": "green", "reasons": []}',
                        "{}",
                        "[]",
                        "",
                        "",
                        "",
                        now,
                    ]
                )
                for box in boxes:
                    entries.append(
                        (
                            "container",
                            box,
                            box,
                            "arrival",
                            pk,
                            f"IREN-{frm}-ARR-B-{pk}",
                            members[to],
                            "parties",
                            f"{{{min(members[frm], members[to])},{max(members[frm], members[to])}}}",
                            True,
                            "H0",
                            expected.date().isoformat(),
                            now,
                        )
                    )
            copy_rows(
                table,
                columns,
                [c for c in columns if c not in ("departed_at", "from_unit_id", "to_unit_id")],
                notices,
            )
            copy_rows(IdentifierEntry._meta.db_table, ENTRY_COLUMNS, ENTRY_COLUMNS, entries)
        done += batch
        print(f"  loaded {done:,} notices", flush=True)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {table}")
        cursor.execute(f"ANALYZE {IdentifierEntry._meta.db_table}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--notices", type=int, default=1_000_000)
    parser.add_argument("--lines", type=int, default=10_000)
    parser.add_argument("--prune-month", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--lines-per-notice", type=int, default=3)
    args = parser.parse_args()
    rng = random.Random(20)
    setup()
    from django.conf import settings

    # Production settings (DEBUG off) but plain static files: no collectstatic manifest here.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client
    from django.utils import timezone
    from rest_framework.test import APIClient

    from arrivals.models import ArrivalNotice
    from arrivals.services import arrivals_prune

    users = get_user_model().objects
    now = timezone.now()
    existing = ArrivalNotice.objects.count()
    if existing < args.notices:
        print(f"Loading {args.notices - existing:,} notices…")
        load(args.notices - existing, (now - timedelta(days=180)).date(), 12, rng)

    # What is measured draws its own numbers: a run on a database an earlier run loaded must
    # not file the very containers it loaded (every filing would then be a hit).
    rng = random.Random(f"measure-{existing}")

    # 1. Filing one notice (screening included).
    api = APIClient()
    api.force_authenticate(users.get(username="focal.ge"))
    timings = []
    for i in range(args.runs):
        data = {
            "mode": "sea",
            "transport_document": f"BENCH{i:06d}{rng.randrange(10**6)}",
            "transport_document_kind": "bill_of_lading",
            "from_unit": "GE-PTI-PCU",
            "to_member": "UZ",
            "expected_arrival": (now + timedelta(days=3)).isoformat(),
            "containers": [{"number": container_number(rng), "seals": ["S1"]}],
            "goods": [{"description": "Tiles", "hs_code": "690721", "gross_kg": 1000}],
        }
        started = time.perf_counter()
        response = api.post("/api/v1/arrivals/", data, format="json")
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 201, response.content
    print(
        f"file one notice: p50 {statistics.median(timings):.1f} ms, p95 {percentile(timings, 0.95):.1f} ms"
    )

    # 2. A manifest of --lines lines.
    buffer = io.StringIO()
    buffer.write(
        "mode,transport_document,transport_document_kind,to_member,from_unit,expected_arrival,container,seals,hs_code,description,packages,gross_kg\n"
    )
    # ``--lines-per-notice`` lines (containers) share a transport document: one notice.
    for line in range(args.lines):
        if line % args.lines_per_notice == 0:
            document = f"MAN{rng.randrange(10**9)}-{line // args.lines_per_notice}"
        buffer.write(
            f"sea,{document},bill_of_lading,UZ,GE-PTI-PCU,"
            f"{(now + timedelta(days=5)).isoformat()},{container_number(rng)},S{line},690721,Tiles,10,1000\n"
        )
    upload = SimpleUploadedFile("manifest.csv", buffer.getvalue().encode(), "text/csv")
    from django.test import override_settings

    with override_settings(ARRIVALS_IMPORT_SYNC_MAX_ROWS=args.lines + 1):
        started = time.perf_counter()
        response = api.post("/api/v1/arrivals/import/", {"file": upload}, format="multipart")
        elapsed = time.perf_counter() - started
    assert response.status_code == 201, response.content[:2000]
    print(
        f"manifest of {args.lines:,} lines ({response.json()['imported']:,} notices): "
        f"{elapsed:.2f} s, {args.lines / elapsed:,.0f} lines/s"
    )

    # 3. The incoming board's first page.
    browser = Client()
    browser.force_login(users.get(username="focal.uz"))
    timings = []
    for _i in range(args.runs):
        started = time.perf_counter()
        response = browser.get("/arrivals/?direction=incoming")
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (response.status_code, response.get("Location"))
    print(
        f"incoming board, first page: p50 {statistics.median(timings):.1f} ms, p95 {percentile(timings, 0.95):.1f} ms"
    )

    # 4. Pruning a month of --prune-month notices.
    old = (now - timedelta(days=400)).date().replace(day=1)
    load(args.prune_month, old, 1, rng)
    started = time.perf_counter()
    result = arrivals_prune()
    elapsed = time.perf_counter() - started
    print(
        f"prune: {result['removed']:,} notices, {len(result['partitions_dropped'])} partition(s) dropped, {elapsed:.2f} s"
    )


if __name__ == "__main__":
    main()
