"""Faults with real processes: our own redis-server (started and stopped here), Celery workers
run as subprocesses (``celery -A ireN worker -B``, killed with SIGKILL), the test database on
PostgreSQL and a real SMTP server on 127.0.0.1. Each test is bounded in time.

- (a) the broker is stopped while a query is filed: the bell shows the notification at once,
  and the mail (with a backlog of a thousand more) drains within a minute of the broker's
  return (10,000: bench/bench_outbox_drain.py, figures in docs/ALERTS.md);
- (b) a worker is killed with -9 in the middle of a fan-out (and started again at once): every
  mail has arrived within 15 s of the kill, none twice (counted per Message-ID at the SMTP
  server), with the shipped claim lease and re-send period;
- (c) an import whose worker is killed (and started again at once) is taken up again within
  30 s of the kill, from its last checkpoint, and finished, with the shipped lease, heartbeat
  and resume period.

The figures they print are those of docs/PERFORMANCE.md ("Recovery").

They need PostgreSQL (the worker processes share the test database) and REDIS_URL (CI's
marker that brokers and workers are available), and redis-server on the PATH.

(Over 400 lines: the redis-server, worker-process and counting-SMTP harness is shared by the
three tests and used nowhere else.)
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from exchange.models import Alert, AlertChannel, AlertEvent, AlertState, Query
from ireN.celery import app
from members.models import RoleName
from tests.conftest import _free_port
from tests.factories.exchange import VALID_CONTAINER
from tests.factories.members import MemberFactory, member_user
from tests.redis_server import RedisServer, broker_connections_forget, wait_until

ROOT = Path(__file__).resolve().parents[2]
BACKLOG = 1000

pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (a real broker)"),
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server"),
]


_wait = wait_until


@pytest.fixture
def own_redis(tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def broker(own_redis):
    """The test process publishes to our own redis (not eagerly)."""
    saved = app.conf.broker_url, app.conf.task_always_eager
    _forget_connections()
    app.conf.broker_url = own_redis.url
    app.conf.task_always_eager = False
    yield own_redis
    _forget_connections()
    app.conf.broker_url, app.conf.task_always_eager = saved


def _forget_connections():
    broker_connections_forget(app)


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return (
        f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        f"/{db['NAME']}"
    )


class Workers:
    """Starts ``celery -A ireN worker -B`` processes (each in its own process group) against
    our redis and the test database; ``kill`` sends SIGKILL to the whole group."""

    def __init__(self, tmp_path: Path, broker_url: str, email_port: int | None, env: dict):
        self.tmp_path, self.broker_url = tmp_path, broker_url
        self.email_port, self.env = email_port, env
        self.processes: list[subprocess.Popen] = []

    def start(self) -> subprocess.Popen:
        index = len(self.processes)
        env = {
            **os.environ,
            "DATABASE_URL": _database_url(),
            "REDIS_URL": self.broker_url,
            "EMAIL_URL": (
                f"smtp://127.0.0.1:{self.email_port}" if self.email_port else "consolemail://"
            ),
            "LOG_LEVEL": "INFO",
            **self.env,
        }
        log = open(self.tmp_path / f"worker{index}.log", "wb")  # noqa: SIM115 (kept for the run)
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "ireN",
                "worker",
                "-B",
                "-s",
                str(self.tmp_path / f"beat{index}"),
                "-Q",
                "celery,imports",
                "-c",
                "2",
                "-n",
                f"fault{index}-{os.getpid()}@%h",
                "-l",
                "INFO",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.processes.append(process)
        assert _wait(lambda: self._ready(index) or process.poll() is not None, 60)
        assert process.poll() is None and self._ready(index), self.log(index)[-3000:]
        return process

    def _ready(self, index) -> bool:
        return b" ready." in (self.tmp_path / f"worker{index}.log").read_bytes()

    def log(self, index) -> str:
        return (self.tmp_path / f"worker{index}.log").read_text(errors="replace")

    def kill(self, process: subprocess.Popen) -> None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)


@pytest.fixture
def workers(tmp_path, broker):
    """Worker processes; a test sets ``email_port`` and ``env`` (settings) before ``start``."""
    group = Workers(tmp_path, broker.url, None, {})
    yield group
    group.stop_all()


# --- Mail: an SMTP server that counts every message by its Message-ID ------------------------


class CountingSMTP:
    """Counts the messages it accepts, per Message-ID and per recipient. Accepting each
    recipient takes ``delay`` seconds (so a fan-out lasts long enough to be interrupted); when
    the ``pause_at``-th recipient arrives it sets ``paused`` and holds for ``hold`` seconds,
    before any message text is sent, so that a worker killed then has not delivered it."""

    def __init__(self, delay=0.0, pause_at=None, hold=2.0):
        self.delay, self.pause_at, self.hold = delay, pause_at, hold
        self.recipients_seen = 0
        self.paused = threading.Event()
        self.by_message_id: Counter = Counter()
        self.by_recipient: Counter = Counter()
        self._lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.recipients_seen += 1
        if self.pause_at is not None and self.recipients_seen == self.pause_at:
            self.paused.set()
            await asyncio.sleep(self.hold)
        elif self.delay:
            await asyncio.sleep(self.delay)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        from email import message_from_bytes, policy

        message = message_from_bytes(envelope.content, policy=policy.default)
        with self._lock:
            self.by_message_id[message["Message-ID"]] += 1
            for address in envelope.rcpt_tos:
                self.by_recipient[address] += 1
        return "250 Message accepted for delivery"

    @property
    def count(self) -> int:
        with self._lock:
            return sum(self.by_message_id.values())


@pytest.fixture
def counting_smtp():
    servers = []

    def start(**options) -> tuple[CountingSMTP, int]:
        handler = CountingSMTP(**options)
        controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
        controller.start()
        servers.append(controller)
        return handler, controller.port

    yield start
    for controller in servers:
        controller.stop()


def _file(sender, recipients):
    client = APIClient()
    client.force_authenticate(sender)
    return client.post(
        "/api/v1/queries/",
        {
            "priority": "urgent",
            "handling_code": "H2",
            "source_evaluation": "B",
            "information_evaluation": "2",
            "subject": "High-risk consignment",
            "body": "Please examine on arrival.",
            "recipients": recipients,
            "container_numbers": [VALID_CONTAINER],
        },
        format="json",
    )


def _network(per_country):
    people = []
    for code in ("UZ", "TJ", "KG"):
        member = MemberFactory(code=code)
        people += [
            member_user(member, RoleName.FOCAL_POINT, username=f"fp{i}.{code.lower()}")
            for i in range(per_country)
        ]
    return people


def _unread(person) -> int:
    client = APIClient()
    client.force_authenticate(person)
    return client.get("/api/v1/notifications/", {"unread": "true"}).json()["count"]


# --- (a) the broker stops while a query is filed -------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_broker_stopped_while_filing_bell_at_once_mail_within_a_minute_of_its_return(
    broker, workers, counting_smtp, focal_kz
):
    smtp, port = counting_smtp()
    workers.email_port = port
    workers.start()
    people = _network(per_country=3)

    broker.stop()
    started = time.monotonic()
    response = _file(focal_kz, ["UZ", "TJ", "KG"])
    assert response.status_code == 201
    assert time.monotonic() - started < 10
    # The bell, at once: every recipient's unread count is 1, before any worker ran.
    assert [_unread(person) for person in people] == [1] * len(people)
    emails = Alert.objects.filter(channel=AlertChannel.EMAIL)
    assert emails.filter(state=AlertState.PENDING).count() == len(people)

    # The rest of the outage's backlog (scaled down from bench/bench_outbox_drain.py's
    # 10,000): a thousand more emails, written a minute ago and never enqueued.
    query = Query.objects.get(pk=response.json()["id"])
    long_ago = timezone.now() - timedelta(seconds=60)
    Alert.objects.bulk_create(
        Alert(
            recipient=people[i % len(people)],
            query=query,
            event=AlertEvent.FILED,
            channel=AlertChannel.EMAIL,
            created_at=long_ago,
            next_attempt_at=long_ago,
        )
        for i in range(BACKLOG)
    )
    expected = len(people) + BACKLOG
    time.sleep(3)  # the outage
    assert smtp.count == 0
    broker.start()
    back = time.monotonic()
    assert _wait(lambda: smtp.count >= expected, 60, step=0.5), (
        f"{smtp.count} of {expected} mails 60 s after the broker's return\n"
        + workers.log(0)[-3000:]
    )
    drained_after = time.monotonic() - back
    assert _wait(lambda: not emails.filter(state=AlertState.PENDING).exists(), 10)
    assert sorted(smtp.by_recipient) == sorted(p.email for p in people)
    assert len(smtp.by_message_id) == expected
    assert set(smtp.by_message_id.values()) == {1}
    print(f"mail drained {drained_after:.1f} s after the broker's return")


# --- (b) a worker killed with -9 during a fan-out ------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_worker_killed_during_a_fan_out_every_mail_within_15_s_none_twice(
    broker, workers, counting_smtp, focal_kz
):
    people = _network(per_country=10)
    smtp, port = counting_smtp(delay=0.03, pause_at=12, hold=3)
    workers.email_port = port
    first = workers.start()

    assert _file(focal_kz, ["UZ", "TJ", "KG"]).status_code == 201
    assert smtp.paused.wait(30), workers.log(0)[-3000:]
    workers.kill(first)  # mid-way: 11 mails delivered, the 12th half-way, the rest claimed
    killed = time.monotonic()
    delivered_before = smtp.count
    assert 0 < delivered_before < len(people)
    assert Alert.objects.filter(channel=AlertChannel.EMAIL, state=AlertState.PENDING).exists()

    workers.start()
    restarted_after = time.monotonic() - killed
    assert _wait(lambda: smtp.count >= len(people), 15 - restarted_after, step=0.2), (
        f"{smtp.count} of {len(people)} mails 15 s after the kill\n" + workers.log(1)[-3000:]
    )
    took = time.monotonic() - killed
    time.sleep(1)  # anything sent twice would arrive now
    assert sorted(smtp.by_recipient) == sorted(p.email for p in people)
    assert set(smtp.by_recipient.values()) == {1}
    assert len(smtp.by_message_id) == len(people)
    assert set(smtp.by_message_id.values()) == {1}
    assert not Alert.objects.filter(state=AlertState.PENDING).exists()
    print(
        f"{delivered_before} mails before the kill; worker back after {restarted_after:.1f} s; "
        f"all {len(people)} {took:.1f} s after the kill"
    )


# --- (c) an import whose worker dies --------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_import_whose_worker_dies_is_resumed_within_30_s(
    broker, workers, settings, tmp_path, analyst_kz
):

    from django.urls import reverse

    from seizures import services
    from seizures.models import ImportJob, ImportStatus, SeizureReport
    from tests.seizures.conftest import csv_bytes, row

    media = tmp_path / "media"
    settings.MEDIA_ROOT = media
    settings.SEIZURES_IMPORT_SYNC_MAX_ROWS = 0
    # The shipped lease, heartbeat and resume period; checkpoints scaled to the file.
    workers.env = {"MEDIA_ROOT": str(media), "SEIZURES_IMPORT_CHECKPOINT_ROWS": "2000"}
    total = 30_000
    content = csv_bytes([row(reference=f"W-{i}") for i in range(total)])
    first = workers.start()

    job = services.import_job_create(user=analyst_kz, content=content, filename="w.csv")
    # Killed once it has checked a few thousand rows (past its first checkpoints).
    assert _wait(lambda: ImportJob.objects.get(pk=job.pk).processed_rows >= 6000, 60, 0.05), (
        workers.log(0)[-3000:]
    )
    workers.kill(first)
    killed = time.monotonic()
    job.refresh_from_db()
    assert job.status == ImportStatus.RUNNING and job.processed_rows < total
    checked_before = job.processed_rows

    second = workers.start()
    restarted_after = time.monotonic() - killed

    def resumed():
        return ImportJob.objects.filter(pk=job.pk, resumes=1).exists()

    assert _wait(resumed, 30 - restarted_after, step=0.2), workers.log(1)[-3000:]
    resumed_after = time.monotonic() - killed
    client = APIClient()
    client.force_login(analyst_kz)
    url = reverse("seizures:import-job-status", args=[job.pk])
    assert _wait(lambda: client.get(url).json()["finished"], 120, step=0.3), workers.log(1)[-3000:]
    took = time.monotonic() - killed
    job.refresh_from_db()
    assert (job.status, job.imported, job.resumes) == (ImportStatus.SUCCEEDED, total, 1)
    assert SeizureReport.objects.count() == total
    assert "resumes after row" in workers.log(1)
    assert second.poll() is None
    print(
        f"killed after {checked_before} rows; worker back after {restarted_after:.1f} s; "
        f"resumed {resumed_after:.1f} s and finished {took:.1f} s after the kill"
    )
