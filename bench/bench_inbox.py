"""Benchmark: the inbox's response time with 100,000 queries in PostgreSQL.

How to run (never run by the test suite; loading takes a few minutes the first time, later
runs reuse the data):

    createdb -h 127.0.0.1 -U postgres iren_bench_exchange   # once
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/iren_bench_exchange \
    .venv/bin/python bench/bench_inbox.py [--queries 100000] [--runs 20]

What it does: migrates the database, builds the demo network (ten members and their users),
then bulk-loads synthetic queries (1–3 recipients each, one ISO 6346 container number each,
most of them old and closed, a few thousand open and some overdue) and an in-portal
notification for focal.kz on every query addressed to Kazakhstan (5 % unread). It then
requests the browser inbox and the API list as focal.kz through Django's test client (the
whole stack: middleware, permission module, selectors, templates) with the filters the inbox
offers, and prints p50/p95 per request and the number of SQL statements each took. Results go
into docs/PERFORMANCE.md by hand.
"""

import argparse
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

WORDS = (
    "heroin cocaine cigarettes precursor chemicals machine parts textiles electronics "
    "undervalued misdeclared transit consignee shipper container vessel airport seaport "
    "dry port concealment falsified invoice tobacco counterfeit pharmaceuticals tramadol "
    "cannabis hashish methamphetamine ivory timber weapons ammunition"
).split()


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))]


def container_number(rng):
    from stdnum import iso6346

    owner = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(3)) + "U"
    serial = f"{rng.randrange(1_000_000):06d}"
    return owner + serial + iso6346.calc_check_digit(owner + serial)


def load(total, rng):
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from exchange.models import (
        Alert,
        Query,
        QueryContainer,
        QueryRecipient,
    )
    from members.models import MemberAdministration

    members = list(MemberAdministration.objects.order_by("code"))
    users = {u.username: u for u in get_user_model().objects.filter(username__startswith="focal.")}
    focal_kz = users["focal.kz"]
    kz = next(m for m in members if m.code == "KZ")
    now = datetime.now(UTC)
    from django.db.models import Max

    sequences: dict = {
        (row["sender_member_id"], row["year"]): row["last"]
        for row in Query.objects.values("sender_member_id", "year").annotate(last=Max("sequence"))
    }
    batch_size = 5000
    started = time.monotonic()
    for offset in range(0, total, batch_size):
        queries, plans = [], []
        for _ in range(min(batch_size, total - offset)):
            sender = rng.choice(members)
            created = now - timedelta(minutes=rng.randrange(2 * 365 * 24 * 60))
            key = (sender.pk, created.year)
            sequences[key] = sequences.get(key, 0) + 1
            priority = rng.choices(["urgent", "high", "routine"], [2, 3, 5])[0]
            due = created + timedelta(hours={"urgent": 4, "high": 24, "routine": 120}[priority])
            recent = created > now - timedelta(days=14)
            closed = not recent or rng.random() < 0.3
            words = rng.sample(WORDS, 6)
            queries.append(
                Query(
                    reference=f"IREN-{sender.code}-{created.year}-{sequences[key]:05d}",
                    year=created.year,
                    sequence=sequences[key],
                    kind=rng.choice(["request", "risk-alert"]),
                    priority=priority,
                    handling_code=rng.choice(["H0", "H1", "H2"]),
                    source_evaluation=rng.choice("ABCX"),
                    information_evaluation=rng.choice("1234"),
                    sender_member=sender,
                    author=users[f"focal.{sender.code.code.lower()}"],
                    subject=" ".join(words[:4]).capitalize(),
                    body=" ".join(rng.choices(WORDS, k=60)),
                    created_at=created,
                    due_at=due,
                    status="closed" if closed else "open",
                    outcome="resolved" if closed else "",
                    closed_at=min(now, created + timedelta(days=3)) if closed else None,
                )
            )
            others = [m for m in members if m.pk != sender.pk]
            plans.append((rng.sample(others, rng.choice([1, 1, 2, 3])), closed, created))
        with transaction.atomic():
            Query.objects.bulk_create(queries)
            recipients, containers, alerts = [], [], []
            for query, (targets, closed, created) in zip(queries, plans, strict=True):
                for member in targets:
                    answered = closed or rng.random() < 0.5
                    acknowledged = answered or rng.random() < 0.5
                    recipients.append(
                        QueryRecipient(
                            query=query,
                            member=member,
                            state="answered"
                            if answered
                            else ("acknowledged" if acknowledged else "new"),
                            acknowledged_at=created + timedelta(minutes=rng.randrange(5, 300))
                            if acknowledged
                            else None,
                            answered_at=created + timedelta(hours=rng.randrange(1, 48))
                            if answered
                            else None,
                        )
                    )
                    if member.pk == kz.pk:
                        alerts.append(
                            Alert(
                                recipient=focal_kz,
                                query=query,
                                event="filed",
                                channel="portal",
                                created_at=created,
                                sent_at=created,
                                read_at=None if rng.random() < 0.05 else created,
                            )
                        )
                containers.append(QueryContainer(query=query, number=container_number(rng)))
            QueryRecipient.objects.bulk_create(recipients)
            QueryContainer.objects.bulk_create(containers)
            Alert.objects.bulk_create(alerts)
        print(f"  loaded {offset + len(queries)} queries ({time.monotonic() - started:.0f} s)")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def sync_reference_counters():
    """The bulk load bypasses ``services.query_file``: bring the reference counters up to the
    loaded sequences so queries filed later (bench_alerts.py) get fresh references."""
    from django.db.models import Max

    from exchange.models import Query, ReferenceCounter

    rows = Query.objects.values("sender_member_id", "year").annotate(last=Max("sequence"))
    for row in rows:
        ReferenceCounter.objects.update_or_create(
            member_id=row["sender_member_id"],
            year=row["year"],
            defaults={"last_number": row["last"]},
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    if "iren_bench" not in os.environ.get("DATABASE_URL", ""):
        sys.exit("Set DATABASE_URL to a bench database (…/iren_bench_exchange).")

    import django

    django.setup()
    from django.conf import settings

    # Production settings (DEBUG off) but plain static files: no collectstatic manifest here.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from exchange.models import Query, QueryContainer

    call_command("migrate", verbosity=0)
    call_command("seed_demo", password="bench-password-2026", verbosity=0)
    existing = Query.objects.count()
    if existing < args.queries:
        print(f"Loading {args.queries - existing} queries…")
        load(args.queries - existing, random.Random(42))
    sync_reference_counters()
    total = Query.objects.count()
    user = get_user_model().objects.get(username="focal.kz")
    visible = Query.objects.filter(
        id__in=__import__("exchange.permissions", fromlist=["x"])
        .restrict_queries(user)
        .values("id")
    ).count()
    sample = (
        QueryContainer.objects.filter(query__recipients__member__code="KZ")
        .values_list("number", "query__reference")
        .first()
    )
    client = Client()
    client.force_login(user)
    requests = [
        ("inbox, first page (25)", "/queries/"),
        ("inbox, page 40", "/queries/?page=40"),
        ("inbox, 100 per page", "/queries/?per_page=100"),
        ("inbox, incoming + open", "/queries/?box=incoming&status=open"),
        ("inbox, overdue", "/queries/?status=overdue"),
        ("inbox, urgent risk alerts", "/queries/?priority=urgent&kind=risk-alert"),
        ("inbox, counterpart UZ", "/queries/?country=UZ"),
        ("inbox, unread only", "/queries/?unread=on"),
        ("inbox, search container number", f"/queries/?q={sample[0]}"),
        ("inbox, search reference", f"/queries/?q={sample[1]}"),
        ("inbox, search text (rare words)", "/queries/?q=silk+road"),
        ("inbox, search text (in 85 % of rows)", "/queries/?q=tramadol"),
        ("API list (50)", "/api/v1/queries/"),
        ("API list, container_number", f"/api/v1/queries/?container_number={sample[0]}"),
        ("API notifications unread", "/api/v1/notifications/?unread=true"),
    ]
    print(f"{total} queries in the database; focal.kz may see {visible} of them.")
    print(f"{'request':40} {'p50 ms':>7} {'p95 ms':>7} {'SQL':>4}")
    for name, url in requests:
        for _ in range(2):
            assert client.get(url).status_code == 200, url
        timings = []
        for _ in range(args.runs):
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        print(
            f"{name:40} {statistics.median(timings):7.0f} {percentile(timings, 0.95):7.0f}"
            f" {len(captured.captured_queries):4d}"
        )


if __name__ == "__main__":
    main()
