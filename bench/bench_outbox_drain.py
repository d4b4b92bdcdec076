"""Benchmark: how fast a backlog of alert emails drains once the broker is back.

How to run (never run by the test suite; about two minutes):

    createdb -h 127.0.0.1 -U postgres iren_bench_faults   # once
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/iren_bench_faults \
    .venv/bin/python bench/bench_outbox_drain.py [--alerts 10000] [--concurrency 2]

What it does: migrates the database and builds the demo network, starts a real SMTP server on
127.0.0.1 (aiosmtpd, counting messages per Message-ID), a redis-server of its own and a real
worker with its beat (``celery -A ireN worker -B``, prefork, default settings: re-send every
10 s, batches of 200). Then it stops redis (the outage), writes ``--alerts`` pending email
alerts as filings during the outage leave them (created 60 s ago, never enqueued), starts
redis again and measures, from that moment, until every alert is stamped sent. Reported: time
to the first and the last mail, the rate, and any Message-ID received twice.
"""

import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ireN.settings")


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _redis(port, workdir):
    return subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
        + ["--appendonly", "no", "--dir", workdir],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--alerts", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--timeout", type=int, default=180)
    args = parser.parse_args()
    if "iren_bench" not in os.environ.get("DATABASE_URL", ""):
        sys.exit("Set DATABASE_URL to a bench database (…/iren_bench_faults).")

    import logging

    from aiosmtpd.controller import Controller

    logging.getLogger("mail.log").setLevel(logging.WARNING)
    lock = threading.Lock()
    received: Counter = Counter()

    class Sink:
        async def handle_DATA(self, server, session, envelope):
            from email.parser import BytesHeaderParser

            message_id = BytesHeaderParser().parsebytes(envelope.content)["Message-ID"]
            with lock:
                received[message_id] += 1
            return "250 OK"

    smtp = Controller(Sink(), hostname="127.0.0.1", port=_free_port())
    smtp.start()
    redis_port = _free_port()
    workdir = tempfile.mkdtemp(prefix="bench-drain-")
    os.environ["EMAIL_URL"] = f"smtp://127.0.0.1:{smtp.port}"
    os.environ["REDIS_URL"] = f"redis://127.0.0.1:{redis_port}/0"
    redis = _redis(redis_port, workdir)
    time.sleep(1)

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.utils import timezone

    from exchange.models import Alert, AlertChannel, AlertEvent, AlertState, Query

    call_command("migrate", verbosity=0)
    if not Query.objects.exists():
        call_command("seed_demo", password="bench-password-2026", verbosity=0)
    Alert.objects.filter(state=AlertState.PENDING).update(state=AlertState.SENT)
    people = list(get_user_model().objects.exclude(email="").order_by("pk")[:20])
    query = Query.objects.order_by("pk").first()

    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "ireN", "worker", "-B"]
        + ["-s", f"{workdir}/beat", "-Q", "celery,imports", f"--concurrency={args.concurrency}"]
        + ["--loglevel=WARNING"],
        cwd=ROOT,
        env=dict(os.environ),
        start_new_session=True,
    )
    try:
        time.sleep(8)  # the worker connects
        redis.terminate()
        redis.wait(timeout=10)
        written_at = timezone.now() - timedelta(seconds=60)
        Alert.objects.bulk_create(
            [
                Alert(
                    recipient=people[i % len(people)],
                    query=query,
                    event=AlertEvent.FILED,
                    channel=AlertChannel.EMAIL,
                    created_at=written_at,
                    next_attempt_at=written_at,
                )
                for i in range(args.alerts)
            ],
            batch_size=2000,
        )
        pending = Alert.objects.filter(state=AlertState.PENDING, channel=AlertChannel.EMAIL)
        print(f"outage: {pending.count()} pending alerts; broker back now")
        redis = _redis(redis_port, workdir)
        back = time.monotonic()
        first = None
        while True:
            left = pending.count()
            if first is None and left < args.alerts:
                first = time.monotonic() - back
            if left == 0:
                break
            if time.monotonic() - back > args.timeout:
                sys.exit(f"{left} alerts still pending after {args.timeout} s")
            time.sleep(0.5)
        drained = time.monotonic() - back
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=30)
        redis.terminate()
        redis.wait(timeout=10)
        smtp.stop()

    twice = sum(1 for count in received.values() if count > 1)
    print(
        f"{args.alerts} alerts, worker prefork concurrency {args.concurrency}: first mail "
        f"{first:.1f} s after the broker's return, all sent after {drained:.1f} s "
        f"({args.alerts / max(drained - first, 0.001):.0f} mails/s once started); "
        f"SMTP received {sum(received.values())}, Message-IDs received twice: {twice}"
    )


if __name__ == "__main__":
    main()
