"""With a real Celery worker on Redis (REDIS_URL): an urgent query held under its member's
release policy alerts every releaser again after RELEASE_URGENT_MINUTES, then the member's
admins after twice that; running the watch again sends nothing more."""

import os
import time

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun

from alerts.models import Alert, AlertChannel, AlertEvent
from exchange.models import Query
from ireN.celery import app
from members import tasks as member_tasks
from tests.redis_server import broker_connections_forget

from .conftest import file_api

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (a real broker)"),
]

#: 0.05 minutes: 3 s to the releasers' reminder, 6 s to the admins' escalation.
MINUTES = 0.05


@pytest.fixture
def worker():
    broker_connections_forget(app)
    app.conf.task_always_eager = False
    app.control.purge()
    with start_worker(
        app, pool="solo", perform_ping_check=False, loglevel="WARNING", shutdown_timeout=30
    ) as running:
        yield running
    app.conf.task_always_eager = True


@pytest.fixture
def watch_runs():
    """How many times the worker finished the release watch."""
    done = []

    def _count(sender=None, **kwargs):
        if sender.name == "members.releases_watch":
            done.append(1)

    task_postrun.connect(_count, weak=False)
    yield done
    task_postrun.disconnect(_count)


def _wait(condition, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def _run_watch(watch_runs):
    before = len(watch_runs)
    member_tasks.releases_watch.delay()
    assert _wait(lambda: len(watch_runs) > before)


def _portal(event, user):
    return Alert.objects.filter(event=event, recipient=user, channel=AlertChannel.PORTAL).count()


def _sleep_until(moment):
    time.sleep(max(0.0, moment - time.monotonic()))


def test_a_held_urgent_query_alerts_releasers_again_then_the_member_admins(
    worker, watch_runs, settings, kz_policy, officer_kz, focal_kz, releaser_kz, admin_kz, focal_uz
):
    settings.RELEASE_URGENT_MINUTES = MINUTES
    response = file_api(officer_kz)
    # Counted from after the filing: the query is at least this old at each step below,
    # however long the filing took on a loaded machine.
    started = time.monotonic()
    assert response.status_code == 201 and response.json()["release_state"] == "awaiting_release"
    query = Query.objects.get(pk=response.json()["id"])

    _run_watch(watch_runs)  # too early: nothing yet
    assert _portal(AlertEvent.RELEASE_REMINDER, focal_kz) == 0

    _sleep_until(started + MINUTES * 60 + 0.3)
    _run_watch(watch_runs)
    assert _portal(AlertEvent.RELEASE_REMINDER, focal_kz) == 1
    assert _portal(AlertEvent.RELEASE_REMINDER, releaser_kz) == 1
    assert _portal(AlertEvent.RELEASE_REMINDER, officer_kz) == 0  # the author releases nothing
    assert _portal(AlertEvent.RELEASE_ESCALATION, admin_kz) == 0

    _sleep_until(started + 2 * MINUTES * 60 + 0.3)
    _run_watch(watch_runs)
    assert _portal(AlertEvent.RELEASE_ESCALATION, admin_kz) == 1
    _run_watch(watch_runs)  # stamped: nothing is sent twice
    assert _portal(AlertEvent.RELEASE_REMINDER, focal_kz) == 1
    assert _portal(AlertEvent.RELEASE_ESCALATION, admin_kz) == 1
    query.refresh_from_db()
    assert query.release_reminded_at and query.release_escalated_at
    # Nothing of it reached the recipient country.
    assert not Alert.objects.filter(recipient=focal_uz).exists()
