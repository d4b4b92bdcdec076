"""Benchmark: the audit trail with 1,000,000 events in PostgreSQL.

How to run (never run by the test suite; loading takes several minutes the first time, later
runs reuse the data):

    createdb -h 127.0.0.1 -U postgres iren_bench_audit   # once
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/iren_bench_audit \
    .venv/bin/python bench/bench_audit.py [--events 1000000] [--runs 30]

What it does: migrates, seeds the demo network, files one KZ→UZ query, then bulk-loads
synthetic events forming a valid hash chain (hashes computed exactly as ``audit_record`` does).
It then measures, through Django's test client (the whole stack):
- the audit page and ``GET /api/v1/audit/`` filtered by object reference and by actor, as a
  network admin and as KZ's member admin: p50/p95 and SQL statements (target p95 <= 50 ms);
- ``audit_verify`` throughput (events/s);
- the query page as focal.uz with and without auditing, interleaved in the same run (the read
  is recorded on every request: the de-duplication cache is cleared before each).
Results go into docs/PERFORMANCE.md by hand.
"""

import argparse
import json
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

ACTIONS = ["query.read"] * 6 + ["attachment.download", "query.export", "auth.login", "seizure.read"]
CODES = ["AF", "AZ", "GE", "KZ", "KG", "PK", "TJ", "TM", "UA", "UZ"]


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))]


def load_events(total: int, batch: int = 10_000) -> None:
    from django.contrib.auth import get_user_model

    from members.audit import canonical_payload, chain_hash, member_codes
    from members.models import AuditEvent

    existing = AuditEvent.objects.count()
    if existing >= total:
        print(f"{existing} events already loaded")
        return
    users = list(
        get_user_model().objects.exclude(member=None).values_list("pk", "username", "member_id")
    )
    rng = random.Random(9)
    tip = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first() or ""
    start = datetime.now(UTC) - timedelta(days=365)
    step = timedelta(days=365) / total
    done = existing
    started = time.monotonic()
    while done < total:
        rows = []
        for n in range(done, min(total, done + batch)):
            pk, username, member_id = rng.choice(users)
            action = rng.choice(ACTIONS)
            a, b = rng.sample(CODES, 2)
            query_id = rng.randrange(1, 100_000)
            fields = {
                "at": start + step * n,
                "actor_username": username,
                "action": action,
                "object_type": "" if action == "auth.login" else "query",
                "object_id": None if action == "auth.login" else query_id,
                "object_reference": ""
                if action == "auth.login"
                else f"IREN-{a}-2026-{query_id:05d}",
                "members": [] if action == "auth.login" else member_codes([a, b]),
                "ip": f"10.0.{rng.randrange(256)}.{rng.randrange(1, 255)}",
                "user_agent": "bench",
                "request_id": f"{rng.getrandbits(128):032x}",
                "detail": {},
            }
            digest = chain_hash(tip, canonical_payload(**fields))
            rows.append(
                AuditEvent(
                    actor_id=pk, actor_member_id=member_id, prev_hash=tip, hash=digest, **fields
                )
            )
            tip = digest
        AuditEvent.objects.bulk_create(rows)
        done += len(rows)
        print(f"  {done:,} events ({time.monotonic() - started:.0f} s)", flush=True)


def timed(client, url, params, runs):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url, params)
    times, statements = [], 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            began = time.perf_counter()
            response = client.get(url, params)
            times.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        statements = len(queries)
    return statistics.median(times), percentile(times, 0.95), statements


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import cache
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    # Production settings (DEBUG off) but plain static files: no collectstatic manifest here.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    call_command("migrate", verbosity=0)
    call_command("seed_demo", password="bench-password-2026", verbosity=0)

    from django.contrib.auth import get_user_model

    from exchange import auditing
    from exchange import services as exchange_services
    from exchange.drafts import QueryDraft
    from members import permissions
    from members.management.commands.audit_verify import audit_chain_verify
    from members.models import AuditEvent, MemberAdministration, RoleName

    users = get_user_model().objects
    kz = MemberAdministration.objects.get(code="KZ")
    manager, _ = users.get_or_create(username="bench.manager.kz", defaults={"member": kz})
    permissions.grant_role(manager, kz, RoleName.MEMBER_ADMIN)
    load_events(args.events)
    # Fresh statistics, as autovacuum keeps them in production: without them the planner
    # misjudges the case-insensitive actor index after a bulk load and reads 18,000 pages.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE members_auditevent")
    print(f"{AuditEvent.objects.count():,} events in the table")

    reference = (
        AuditEvent.objects.filter(action="query.read")
        .values_list("object_reference", flat=True)
        .first()
    )
    actor = AuditEvent.objects.values_list("actor_username", flat=True).first()
    client = Client()
    for who in (users.get(username="admin"), manager):
        client.force_login(who)
        for label, params in (("object", {"object": reference}), ("actor", {"actor": actor})):
            for url in ("/members/audit/", "/api/v1/audit/"):
                p50, p95, sql = timed(client, url, params, args.runs)
                print(
                    f"{who.username:18} {url:18} by {label:6}: p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  {sql} SQL"
                )

    began = time.monotonic()
    checked, bad = audit_chain_verify()
    elapsed = time.monotonic() - began
    print(
        f"audit_verify: {checked:,} events in {elapsed:.1f} s ({checked / elapsed:,.0f}/s); bad row: {bad and bad['id']}"
    )

    focal_kz, focal_uz = users.get(username="focal.kz"), users.get(username="focal.uz")
    query = exchange_services.query_file(
        author=focal_kz,
        draft=QueryDraft(
            recipients=["UZ"],
            kind="request",
            priority="routine",
            handling_code="H2",
            source_evaluation="B",
            information_evaluation="2",
            subject="Bench",
            body="Bench query.",
        ),
    )
    client.force_login(focal_uz)
    url = f"/queries/{query.pk}/"
    original = auditing.query_read_record
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with_audit, without_audit = [], []
    statements = {True: 0, False: 0}
    client.get(url)
    for n in range(args.runs * 2):
        cache.clear()
        on = n % 2 == 0
        auditing.query_read_record = original if on else (lambda **kwargs: None)
        with CaptureQueriesContext(connection) as queries:
            began = time.perf_counter()
            assert client.get(url).status_code == 200
            elapsed = (time.perf_counter() - began) * 1000
        statements[on] = len(queries)
        (with_audit if on else without_audit).append(elapsed)
    auditing.query_read_record = original
    for label, values, on in (
        ("with auditing", with_audit, True),
        ("without auditing", without_audit, False),
    ):
        print(
            f"query page {label:17}: p50 {statistics.median(values):6.1f} ms  "
            f"p95 {percentile(values, 0.95):6.1f} ms  {statements[on]} SQL"
        )
    overhead = statistics.median(with_audit) - statistics.median(without_audit)
    print(
        f"query page overhead of recording a read: {overhead:+.1f} ms (p50), "
        f"{statements[True] - statements[False]:+d} SQL"
    )
    print(json.dumps({"events": AuditEvent.objects.count()}))


if __name__ == "__main__":
    main()
