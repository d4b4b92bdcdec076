"""Benchmark: time from a query's commit to the last of its alerts, with a live Celery worker.

How to run (never run by the test suite; takes about two minutes):

    createdb -h 127.0.0.1 -U postgres iren_bench_exchange   # once
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/iren_bench_exchange \
    REDIS_URL=redis://127.0.0.1:6379/2 \
    .venv/bin/python bench/bench_alerts.py [--queries 200] [--concurrency 2]

What it does: migrates the database and builds the demo network (ten members, one focal point
each), starts a real SMTP server on 127.0.0.1 (aiosmtpd) and a real worker
(``celery -A ireN worker``, prefork) on REDIS_URL that sends mail to it, then files queries
from Kazakhstan to all nine other members one after another through ``services.query_file``.
For each it records the moment the transaction committed and waits until the worker has
stamped all 18 alerts (9 in-portal notifications, 9 emails) as sent. Reported: p50, p95 and
max of commit → last in-portal notification and commit → last alert of any channel (the last
email handed to the SMTP server). Results go into docs/PERFORMANCE.md by hand.
"""

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ireN.settings")


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values, fraction):
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=2)
    args = parser.parse_args()
    if "iren_bench" not in os.environ.get("DATABASE_URL", "") or not os.environ.get("REDIS_URL"):
        sys.exit("Set DATABASE_URL to a bench database (…/iren_bench_exchange) and REDIS_URL.")

    import logging

    from aiosmtpd.controller import Controller

    logging.getLogger("mail.log").setLevel(logging.WARNING)

    class Sink:
        count = 0

        async def handle_DATA(self, server, session, envelope):
            Sink.count += 1
            return "250 OK"

    smtp_port = _free_port()
    smtp = Controller(Sink(), hostname="127.0.0.1", port=smtp_port)
    smtp.start()
    os.environ["EMAIL_URL"] = f"smtp://127.0.0.1:{smtp_port}"

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    from exchange import services
    from exchange.drafts import QueryDraft
    from exchange.models import Alert, AlertChannel
    from ireN.celery import app
    from members.models import MemberAdministration

    call_command("migrate", verbosity=0)
    call_command("seed_demo", password="bench-password-2026", verbosity=0)
    Alert.objects.filter(sent_at__isnull=True).update(sent_at=datetime.now(UTC))
    app.control.purge()
    members = {m.code.code: m for m in MemberAdministration.objects.all()}
    recipients = sorted(code for code in members if code != "KZ")
    from django.contrib.auth import get_user_model

    author = get_user_model().objects.get(username="focal.kz")

    env = dict(os.environ)
    worker = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/celery"),
            "-A",
            "ireN",
            "worker",
            "--pool=prefork",
            f"--concurrency={args.concurrency}",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        time.sleep(6)  # let the worker connect
        to_portal, to_last = [], []
        for i in range(args.queries):
            stamp = {}
            with transaction.atomic():
                transaction.on_commit(
                    lambda stamp=stamp: stamp.setdefault("commit", datetime.now(UTC))
                )
                query = services.query_file(
                    author=author,
                    draft=QueryDraft(
                        recipients=recipients,
                        kind="risk-alert",
                        priority="urgent",
                        handling_code="H2",
                        source_evaluation="B",
                        information_evaluation="2",
                        subject=f"Benchmark query {i}",
                        body="High-risk consignment en route to every member.",
                        container_numbers=["CSQU3054383"],
                    ),
                )
            rows = Alert.objects.filter(query=query)
            expected = rows.count()
            deadline = time.monotonic() + 60
            while rows.filter(sent_at__isnull=False).count() < expected:
                if time.monotonic() > deadline:
                    sys.exit(f"query {query.reference}: alerts not delivered within 60 s")
                time.sleep(0.005)
            portal_last = max(
                rows.filter(channel=AlertChannel.PORTAL).values_list("sent_at", flat=True)
            )
            any_last = max(rows.values_list("sent_at", flat=True))
            to_portal.append((portal_last - stamp["commit"]).total_seconds() * 1000)
            to_last.append((any_last - stamp["commit"]).total_seconds() * 1000)
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)
        smtp.stop()

    def line(name, values):
        return (
            f"{name}: p50 {statistics.median(values):.0f} ms, p95 {percentile(values, 0.95):.0f} ms,"
            f" max {max(values):.0f} ms"
        )

    print(
        f"{args.queries} queries, each to {len(recipients)} members "
        f"({expected} alerts per query); worker prefork concurrency {args.concurrency}"
    )
    print(line("commit -> last in-portal notification", to_portal))
    print(line("commit -> last alert (emails included)", to_last))
    print(f"SMTP messages received: {Sink.count}")


if __name__ == "__main__":
    main()
