"""Benchmark: screening with 200 active risk profiles, the figures of docs/PERFORMANCE.md
("Targeting"): the screening of one notice (every source, and the profile source alone), the
first screening of a process (which compiles the profiles), and a manifest of M lines filed
with those profiles active (the arrivals goal: ≥ 3,000 lines/s).

How to run (never run by the test suite):

    createdb -h 127.0.0.1 -U postgres iren_bench_targeting   # once
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/iren_bench_targeting \
    .venv/bin/python bench/bench_targeting.py [--notices 20000] [--lines 3000] \
        [--profiles 200] [--runs 200] [--lines-per-notice 3] [--cprofile FILE]

What it does: migrates, seeds the demo network, bulk-loads ``--notices`` synthetic notices
(as bench_arrivals.py does), writes ``--profiles`` active profiles (half UZ's national ones,
a third network profiles of several members, the rest other members' national ones; criteria
of every kind, a few reading ``new_consignee``, which costs a query), then measures:
1. ``notices_screen`` of one notice to UZ (every source: watch list, hits, profiles, random),
   and the profile source alone (p50/p95 of ``--runs``), each in a transaction rolled back;
2. a ``--lines``-line CSV manifest through ``POST /api/v1/arrivals/import/`` (lines/s), first
   with the profiles switched off, then on, UZ's random rate at 5 %. Red notices' mails are
   not delivered in the request (the workers do that; bench_outbox_drain.py measures it).
"""

import argparse
import cProfile
import io
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_arrivals  # noqa: E402  (sets the environment up before Django is imported)

WORDS = ["tobacco", "табак", "cigarettes", "spare parts", "tiles", "acetone", "ephedrine",
         "permanganate", "heroin", "hookah", "textile", "шины", "запчасти", "fertiliser"]  # fmt: skip
LOCODES = ["AEJEA", "GEPTI", "PKKHI", "AZBAK", "CNSHA", "TRMER", "IRBND", "KZAKT"]
COUNTRIES = ["AE", "GE", "PK", "AZ", "CN", "TR", "IR", "KZ", "AF", "TM"]
OWNERS = ["MSCU", "TGHU", "CAIU", "TCLU", "CSQU", "MAEU", "HLXU", "CMAU"]


def criteria(rng: random.Random, number: int) -> list[dict]:
    """One profile's criteria: every kind of field, two or three criteria (one in ten has a
    single one), as targeting rules combine them."""
    kinds = [
        lambda: {"field": "hs_code", "op": "prefix", "value": [f"{rng.randrange(100, 9999):04d}" for _ in range(3)]},
        lambda: {"field": "description", "op": "contains", "value": rng.sample(WORDS, 2)},
        lambda: {"field": "place_of_loading", "op": "in", "value": rng.sample(LOCODES, 2)},
        lambda: {"field": "shipper_country", "op": "in", "value": rng.sample(COUNTRIES, 3)},
        lambda: {"field": "transit_country", "op": "in", "value": rng.sample(COUNTRIES, 2)},
        lambda: {"field": "container_owner", "op": "in", "value": rng.sample(OWNERS, 2)},
        lambda: {"field": "shipper", "op": "equals", "value": [f"Trading House {rng.randrange(500)} LLC"]},
        lambda: {"field": "gross_kg_per_package", "op": rng.choice(["gt", "lt"]), "value": rng.choice([5, 50, 500])},
        lambda: {"field": "to_order", "op": "is", "value": True},
        lambda: {"field": "from_member", "op": "in", "value": rng.sample(["GE", "AZ", "PK", "KZ"], 2)},
    ]  # fmt: skip
    count = 1 if number % 10 == 5 else rng.randint(2, 3)
    chosen = [kind() for kind in rng.sample(kinds, count)]
    if number % 20 == 0:
        chosen.append({"field": "new_consignee", "op": "is", "value": True})
    if number % 25 == 0:  # a few that select the manifest's tiles
        chosen = [{"field": "hs_code", "op": "prefix", "value": ["6907"]}]
    return chosen


def profiles_write(count: int, rng: random.Random) -> None:
    """``count`` active profiles, written straight (no re-screening to wait for)."""
    from django.contrib.auth import get_user_model

    from members.models import MemberAdministration
    from targeting.criteria import criteria_clean
    from targeting.models import RiskProfile, TargetingSettings

    RiskProfile.objects.all().delete()
    members = {m.code.code: m for m in MemberAdministration.objects.all()}
    author = get_user_model().objects.get(username="analyst.uz")
    rows = []
    for number in range(count):
        if number % 2 == 0:
            member, scope = members["UZ"], "national"
        elif number % 3:
            member, scope = members[rng.choice(["KZ", "GE", "AZ", "TJ"])], "network"
        else:
            member, scope = members[rng.choice(["KZ", "TM", "AF"])], "national"
        rows.append(
            RiskProfile(
                member=member, scope=scope, name=f"Bench profile {number}",
                description="A reason an officer reads.", lane=rng.choice(["red", "amber"]),
                modes=rng.choice([[], [], ["sea"], ["sea", "rail"]]),
                criteria=criteria_clean(criteria(rng, number)), active=True, created_by=author,
            )
        )  # fmt: skip
    RiskProfile.objects.bulk_create(rows)
    TargetingSettings.objects.update_or_create(member=members["UZ"], defaults={"random_rate": 0.05})


def timed(function, runs: int) -> list[float]:
    from django.db import transaction

    timings = []
    for _i in range(runs):
        with transaction.atomic():
            started = time.perf_counter()
            function()
            timings.append((time.perf_counter() - started) * 1000)
            transaction.set_rollback(True)
    return timings


def report(label: str, timings: list[float]) -> None:
    p95 = bench_arrivals.percentile(timings, 0.95)
    print(
        f"{label}: p50 {statistics.median(timings):.2f} ms, p95 {p95:.2f} ms ({len(timings)} runs)"
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--notices", type=int, default=20_000)
    parser.add_argument("--lines", type=int, default=3_000)
    parser.add_argument("--profiles", type=int, default=200)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--lines-per-notice", type=int, default=3)
    parser.add_argument(
        "--cprofile", metavar="FILE", help="write a cProfile of the manifest with profiles on"
    )
    args = parser.parse_args()
    rng = random.Random(21)
    bench_arrivals.setup()
    from django.conf import settings

    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    from django.contrib.auth import get_user_model
    from django.utils import timezone
    from rest_framework.test import APIClient

    # Red notices mail their receivers at once: delivered by the workers, not in the request
    # (bench_outbox_drain.py measures that). Here nothing is handed to a broker.
    import alerts.outbox
    import targeting.alerting
    from arrivals.models import ArrivalNotice
    from arrivals.screening import notices_screen
    from targeting import screening
    from targeting.models import Selection

    alerts.outbox.alerts_enqueue = lambda **kwargs: True
    targeting.alerting.alerts_enqueue = lambda **kwargs: True
    now = timezone.now()
    existing = ArrivalNotice.objects.count()
    if existing < args.notices:
        print(f"Loading {args.notices - existing:,} notices…")
        bench_arrivals.load(args.notices - existing, (now - timedelta(days=180)).date(), 12, rng)
    from django.db import connection

    with connection.cursor() as cursor:
        # What autovacuum does in production: the GIN indexes' pending lists, just filled by
        # COPY, are merged (a lookup would otherwise read them through).
        cursor.execute("VACUUM ANALYZE arrivals_notice")
        # And the statistics of every other table (the index rows, hits, watch entries,
        # selections): this machine's PostgreSQL may run without autovacuum.
        cursor.execute("ANALYZE")
    profiles_write(args.profiles, rng)
    print(f"{args.profiles} active profiles written")

    # 1. One notice to UZ, as filed (a new one: its selections are written, not replaced).
    api = APIClient()
    api.force_authenticate(get_user_model().objects.get(username="focal.ge"))
    data = {
        "mode": "sea", "transport_document": f"TGTBENCH{rng.randrange(10**8)}",
        "transport_document_kind": "bill_of_lading", "from_unit": "GE-PTI-PCU", "to_member": "UZ",
        "place_of_loading": "AEJEA", "transit_countries": ["GE", "AZ"],
        "shipper": "Gulf Auto Spares FZE", "shipper_country": "AE", "consignee": "Samarkand Motors LLC",
        "expected_arrival": (now + timedelta(days=3)).isoformat(),
        "containers": [{"number": bench_arrivals.container_number(rng), "seals": ["S1"]}],
        "goods": [{"description": "Spare parts", "hs_code": "870830", "packages": 40, "gross_kg": 9000},
                  {"description": "Ceramic tiles", "hs_code": "690721", "packages": 20, "gross_kg": 21000}],
    }  # fmt: skip
    filed = api.post("/api/v1/arrivals/", data, format="json")
    assert filed.status_code == 201, filed.content
    notice = ArrivalNotice.objects.select_related("to_member").get(pk=filed.json()["id"])
    # Screened as on filing: no earlier selections to drop (and none left to collide with).
    Selection.objects.filter(notice_id=notice.pk).delete()
    notice._state.adding = True

    screening.compiled_profiles_forget()
    first = timed(lambda: notices_screen(notices=[notice]), 1)[0]
    print(f"first screening in a process (compiles {args.profiles} profiles): {first:.1f} ms")
    report(
        "screening one notice, every source",
        timed(lambda: notices_screen(notices=[notice]), args.runs),
    )
    report(
        "screening one notice, profile source",
        timed(lambda: screening.profile_source(notices=[notice]), args.runs),
    )
    selected = screening.profile_source(notices=[notice])
    print(f"  (the notice is selected by {len(selected.get(notice.pk, []))} profiles)")

    # 2. A manifest of --lines lines without, then with, the profiles active (the same load
    # on the machine for both, as far as a shared machine allows).
    from targeting.models import RiskProfile

    # The manifests' companies are this run's own: a run on a database earlier runs filled
    # meets none of their notices (matching hits would otherwise grow with every run).
    run = f"R{time.time_ns() % 10**9}"
    for active in (False, True):
        RiskProfile.objects.filter(name__startswith="Bench profile").update(active=active)
        screening.compiled_profiles_forget()
        before = Selection.objects.count()
        profiler = cProfile.Profile() if active and args.cprofile else None
        if profiler:
            profiler.enable()
        elapsed, imported = manifest(
            api,
            args.lines,
            rng,
            now,
            label=f"{'on' if active else 'off'} {run}",
            per_notice=args.lines_per_notice,
        )
        if profiler:
            profiler.disable()
            profiler.dump_stats(args.cprofile)
        label = f"with {args.profiles} active profiles" if active else "with no active profile"
        print(
            f"manifest of {args.lines:,} lines {label}: {elapsed:.2f} s, "
            f"{args.lines / elapsed:,.0f} lines/s ({imported:,} notices, "
            f"{Selection.objects.count() - before:,} selections)"
        )


def manifest(api, lines, rng, now, *, label, per_notice=3):
    """A manifest of ``lines`` lines to UZ; its companies are its own (``label``): no earlier
    notice names them."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import override_settings

    buffer = io.StringIO()
    buffer.write(
        "mode,transport_document,transport_document_kind,to_member,from_unit,expected_arrival,"
        "container,seals,hs_code,description,packages,gross_kg,shipper,consignee,place_of_loading\n"
    )
    for line in range(lines):
        if line % per_notice == 0:  # a new transport document: one notice's parties and place
            document = f"TGT{rng.randrange(10**9)}-{line // per_notice}"
            parties = (
                f"Trading House {label} {rng.randrange(500)} LLC,"
                f"Importer {label} {rng.randrange(2000)} LLC,{rng.choice(LOCODES)}"
            )
        buffer.write(
            f"sea,{document},bill_of_lading,UZ,GE-PTI-PCU,"
            f"{(now + timedelta(days=5)).isoformat()},{bench_arrivals.container_number(rng)},S{line},"
            f"{rng.choice(['690721', '870830', '240220', '291524'])},{rng.choice(WORDS)},10,1000,"
            f"{parties}\n"
        )
    upload = SimpleUploadedFile("manifest.csv", buffer.getvalue().encode(), "text/csv")
    with override_settings(ARRIVALS_IMPORT_SYNC_MAX_ROWS=lines + 1):
        started = time.perf_counter()
        response = api.post("/api/v1/arrivals/import/", {"file": upload}, format="multipart")
        elapsed = time.perf_counter() - started
    assert response.status_code == 201, response.content[:2000]
    return elapsed, response.json()["imported"]


if __name__ == "__main__":
    main()
