"""Profile the common pages under Django's test client with cProfile: time, SQL statements and
the functions where the time goes, per page.

    PROFILE_DATABASE_URL=postgres://postgres@127.0.0.1:5432/iren_perf_load_after \\
        .venv/bin/python bench/profile_pages.py [--runs 20] [--top 15]

Uses a database prepared by bench/load.py (demo network plus volume), or one of
bench/cpu_per_request.py's (the demo alone); DEBUG off.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DATABASE_URL"] = os.environ.get(
    "PROFILE_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/iren_perf_load_after"
)
os.environ.pop("REDIS_URL", None)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ireN.settings")
os.environ["DEBUG"] = "0"
os.environ.setdefault("SECRET_KEY", "profile-only-" + "x" * 40)
os.environ["ALLOWED_HOSTS"] = "testserver"
os.environ["SECURE_SSL_REDIRECT"] = "0"
os.environ["LOG_LEVEL"] = "WARNING"

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from members.models import User  # noqa: E402


def pages(focal_query_id: int, notice_id: int) -> list[tuple[str, str, str]]:
    return [
        ("inbox", "focal.kz", "/queries/"),
        ("query page", "focal.kz", f"/queries/{focal_query_id}/"),
        ("notifications API", "focal.kz", "/api/v1/notifications/"),
        ("query API", "focal.kz", "/api/v1/queries/"),
        ("dashboard", "analyst.kz", "/seizures/"),
        ("report list", "analyst.kz", "/seizures/reports/"),
        ("hits API", "focal.kz", "/api/v1/hits/"),
        ("arrivals board", "focal.kz", "/arrivals/"),
        ("arrival notice", "focal.kz", f"/arrivals/{notice_id}/"),
        ("targeting", "focal.kz", "/targeting/"),
        ("arrivals API", "focal.kz", "/api/v1/arrivals/?direction=incoming"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--top", type=int, default=12)
    args = parser.parse_args()
    clients = {}
    for username in ("focal.kz", "analyst.kz"):
        client = Client()
        client.force_login(User.objects.get(username=username))
        clients[username] = client
    query_id = clients["focal.kz"].get("/api/v1/queries/").json()["results"][0]["id"]
    notices = clients["focal.kz"].get("/api/v1/arrivals/?direction=incoming").json()["results"]
    for name, username, url in pages(query_id, notices[0]["id"] if notices else 0):
        client = clients[username]
        assert client.get(url).status_code == 200, url  # warm
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        profiler = cProfile.Profile()
        times = []
        for _ in range(args.runs):
            began = time.perf_counter()
            profiler.enable()
            client.get(url)
            profiler.disable()
            times.append((time.perf_counter() - began) * 1000)
        print(
            f"\n=== {name} {url}: p50 {statistics.median(times):.1f} ms, "
            f"{len(queries.captured_queries)} SQL statements"
        )
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out).sort_stats("cumulative")
        stats.print_stats(
            r"(members|exchange|matching|seizures|arrivals|targeting|core|ireN|ops)/", args.top
        )
        print("\n".join(line for line in out.getvalue().splitlines()[-args.top - 2 :]))


if __name__ == "__main__":
    main()
