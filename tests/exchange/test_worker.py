"""With a real Celery worker on the machine's Redis (REDIS_URL) and a real SMTP server on
127.0.0.1: alerts are delivered by the worker, and survive a broker that is down."""

import os
import time

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from rest_framework.test import APIClient

from alerts import tasks as alert_tasks
from exchange.models import Alert, AlertChannel, AlertEvent, Query
from ireN.celery import app
from members.models import RoleName
from tests.factories.exchange import VALID_CONTAINER
from tests.factories.members import MemberFactory, member_user
from tests.redis_server import broker_connections_forget

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (a real broker)"),
]

CLOSED_PORT_BROKER = "redis://127.0.0.1:1/0"


@pytest.fixture
def broker():
    """Tasks go through the real broker (not eagerly); stale messages are purged first."""
    broker_connections_forget(app)
    app.conf.task_always_eager = False
    app.control.purge()
    yield app
    app.conf.task_always_eager = True


@pytest.fixture
def worker(broker):
    """A real worker consuming from REDIS_URL in a thread of this process."""
    with start_worker(
        broker, pool="solo", perform_ping_check=False, loglevel="WARNING", shutdown_timeout=30
    ) as running:
        yield running


def _wait(condition, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


@pytest.fixture
def network(focal_kz):
    """Focal points of three recipient countries (two for UZ) and the sender."""
    people = {}
    for code in ("UZ", "TJ", "KG"):
        member = MemberFactory(code=code)
        people[code] = [member_user(member, RoleName.FOCAL_POINT, username=f"focal.{code.lower()}")]
    people["UZ"].append(
        member_user(MemberFactory(code="UZ"), RoleName.FOCAL_POINT, username="focal2.uz")
    )
    return people


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


def test_worker_alerts_every_focal_point_of_three_countries(worker, smtp_server, focal_kz, network):
    response = _file(focal_kz, ["UZ", "TJ", "KG"])
    assert response.status_code == 201
    people = [person for group in network.values() for person in group]
    smtp_server.wait_for(len(people))
    assert _wait(lambda: not Alert.objects.filter(sent_at__isnull=True).exists())

    recipients = sorted(address for m in smtp_server.messages for address in m["to"])
    assert recipients == sorted(person.email for person in people)
    reference = response.json()["reference"]
    assert all(reference in m["message"]["Subject"] for m in smtp_server.messages)
    assert smtp_server.body(0).startswith("HANDLING: H2")
    notifications = Alert.objects.filter(
        channel=AlertChannel.PORTAL, event=AlertEvent.FILED, sent_at__isnull=False
    )
    assert sorted(notifications.values_list("recipient_id", flat=True)) == sorted(
        person.pk for person in people
    )


def test_filing_succeeds_with_the_broker_down_and_alerts_arrive_once_it_is_back(
    broker, smtp_server, focal_kz, network
):
    working_broker = broker.conf.broker_url
    broker.conf.broker_url = CLOSED_PORT_BROKER
    try:
        started = time.monotonic()
        response = _file(focal_kz, ["UZ", "TJ", "KG"])
        elapsed = time.monotonic() - started
    finally:
        broker.conf.broker_url = working_broker
    assert response.status_code == 201
    assert elapsed < 10
    query = Query.objects.get(pk=response.json()["id"])
    people = [person for group in network.values() for person in group]
    # The bell already shows it (in-portal rows are delivered with the filing); emails wait.
    assert Alert.objects.filter(query=query, sent_at__isnull=True).count() == len(people)
    assert not Alert.objects.filter(
        query=query, channel=AlertChannel.PORTAL, sent_at__isnull=True
    ).exists()
    assert smtp_server.messages == []

    finished = []

    def _count(sender=None, **kwargs):
        finished.append(sender.name)

    task_postrun.connect(_count, weak=False)
    try:
        with start_worker(broker, pool="solo", perform_ping_check=False, shutdown_timeout=30):
            alert_tasks.resend_pending_alerts.delay(older_than_seconds=0)
            assert _wait(lambda: not Alert.objects.filter(sent_at__isnull=True).exists())
            smtp_server.wait_for(len(people))
            # The re-send running again (beat fires again, a message is redelivered) and the
            # original delivery task arriving late both find nothing left to send.
            alert_tasks.resend_pending_alerts.delay(older_than_seconds=0)
            alert_tasks.deliver_alerts.delay(
                alert_ids=list(Alert.objects.values_list("pk", flat=True))
            )
            alert_tasks.resend_pending_alerts.delay(older_than_seconds=0)
            assert _wait(lambda: len(finished) >= 4)
    finally:
        task_postrun.disconnect(_count)

    recipients = sorted(address for m in smtp_server.messages for address in m["to"])
    assert recipients == sorted(person.email for person in people)
    portal = Alert.objects.filter(query=query, channel=AlertChannel.PORTAL)
    assert portal.count() == len(people)
    assert portal.filter(sent_at__isnull=False).count() == len(people)
    assert set(Alert.objects.values_list("attempts", flat=True)) == {1}


def test_a_real_worker_registers_every_task_in_the_beat_schedule(worker):
    from django.conf import settings

    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    replies = worker.app.control.inspect(timeout=10).registered() or {}
    registered = {name.split(" ")[0] for names in replies.values() for name in names}
    assert replies, "the worker answered no inspect request"
    assert scheduled - registered == set()
