"""The Celery tasks run eagerly here; tests/exchange/test_worker.py runs them on a worker."""

import pytest
from django.conf import settings
from django.core import mail

from alerts import tasks as alert_tasks
from exchange import tasks
from exchange.models import Alert
from ireN.celery import app
from tests.factories.exchange import file_query

pytestmark = pytest.mark.django_db


def test_every_task_in_the_beat_schedule_is_registered_after_autodiscovery():
    app.loader.import_default_modules()  # what a worker does at start: autodiscover tasks.py
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"exchange.tasks.resend_pending_alerts", "exchange.tasks.watch_deadlines"} <= scheduled
    missing = scheduled - set(app.tasks)
    assert missing == set()


@pytest.mark.parametrize(
    "task", [alert_tasks.deliver_alerts, alert_tasks.resend_pending_alerts, tasks.watch_deadlines]
)
def test_exchange_tasks_are_named_idempotent_and_time_limited(task):
    registered = app.tasks[f"exchange.tasks.{task.__name__}"]
    assert registered.acks_late is True
    limits = (registered.soft_time_limit, registered.time_limit)
    assert 0 < limits[0] < limits[1]
    # A live delivery's heartbeat renews its claim every quarter of the lease, however long it
    # runs; a dead worker's alerts go out again within the lease and one re-send period.
    resend_every = settings.CELERY_BEAT_SCHEDULE["exchange-resend-pending-alerts"]["schedule"]
    assert settings.EXCHANGE_CLAIM_LEASE_SECONDS + resend_every < 15
    # Failures are recorded on the alert rows and re-sent by the outbox: no blind retries.
    assert not getattr(registered, "autoretry_for", ())


def test_delivery_task_run_twice_sends_once(focal_kz, focal_uz):
    query = file_query(focal_kz)
    ids = list(Alert.objects.filter(query=query).values_list("pk", flat=True))
    alert_tasks.deliver_alerts.delay(alert_ids=ids)
    alert_tasks.deliver_alerts.delay(alert_ids=ids)
    assert len(mail.outbox) == 1
    assert not Alert.objects.filter(query=query, sent_at__isnull=True).exists()


def test_resend_task_delivers_what_is_pending(focal_kz, focal_uz):
    file_query(focal_kz)
    alert_tasks.resend_pending_alerts.delay(older_than_seconds=0)
    assert len(mail.outbox) == 1
    assert not Alert.objects.filter(sent_at__isnull=True).exists()
