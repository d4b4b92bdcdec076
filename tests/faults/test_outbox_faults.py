"""The outbox under faults, without a broker (in-process Celery, any database): in-portal
notifications are delivered with the filing itself, a re-send drains every due alert in one
run (in batches), claims of a dead worker are taken over after the lease and a live worker's
heartbeat keeps its own, and every email carries one stable Message-ID per alert."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from rest_framework.test import APIClient

from alerts import outbox
from exchange.models import Alert, AlertChannel, AlertState
from tests.factories.exchange import file_query
from tests.factories.members import member_user

pytestmark = pytest.mark.django_db


def test_bell_shows_the_notification_before_any_delivery_runs(client, focal_kz, focal_uz):
    # No on-commit hook runs here (the test's transaction never commits): no task, no worker.
    query = file_query(focal_kz)
    api = APIClient()
    api.force_authenticate(focal_uz)
    listed = api.get("/api/v1/notifications/", {"unread": "true"}).json()
    assert listed["count"] == 1
    assert listed["results"][0]["query"] == query.pk
    client.force_login(focal_uz)
    assert client.get("/").context["exchange_bell"]["unread"] == 1
    # Only the email waits for a worker; the sender is not notified of their own query.
    email = Alert.objects.get(query=query, channel=AlertChannel.EMAIL)
    assert email.state == AlertState.PENDING and email.sent_at is None
    assert not Alert.objects.filter(recipient=focal_kz).exists()


def test_delivery_and_resend_never_repeat_the_in_portal_notification(focal_kz, focal_uz):
    query = file_query(focal_kz)
    ids = list(Alert.objects.filter(query=query).values_list("pk", flat=True))
    outbox.alerts_deliver(alert_ids=ids)
    outbox.alerts_resend_pending(older_than_seconds=0)
    portal = Alert.objects.get(query=query, channel=AlertChannel.PORTAL)
    assert (portal.state, portal.attempts) == (AlertState.SENT, 1)
    assert len(mail.outbox) == 1


def test_resend_drains_every_due_alert_in_one_run_in_batches(settings, focal_kz, uz):
    settings.EXCHANGE_RESEND_BATCH_SIZE = 7
    people = [member_user(uz, "focal_point", username=f"focal{i}.uz") for i in range(30)]
    query = file_query(focal_kz)
    due = Alert.objects.filter(query=query, channel=AlertChannel.EMAIL)
    assert due.count() == len(people)
    result = outbox.alerts_resend_pending(older_than_seconds=0)
    assert result == {"pending": 30, "delivered": 30, "failed": 0}
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people)
    assert not due.filter(state=AlertState.PENDING).exists()


def test_a_dead_workers_claim_is_taken_over_after_the_lease_a_live_one_is_not(
    settings, focal_kz, focal_uz
):
    settings.EXCHANGE_CLAIM_LEASE_SECONDS = 45
    query = file_query(focal_kz)
    email = Alert.objects.get(query=query, channel=AlertChannel.EMAIL)
    now = timezone.now()
    Alert.objects.filter(pk=email.pk).update(claimed_at=now - timedelta(seconds=30))
    assert outbox.alerts_resend_pending(older_than_seconds=0)["pending"] == 0
    assert mail.outbox == []
    Alert.objects.filter(pk=email.pk).update(claimed_at=now - timedelta(seconds=46))
    assert outbox.alerts_resend_pending(older_than_seconds=0)["delivered"] == 1
    assert [m.to for m in mail.outbox] == [[focal_uz.email]]


def test_a_dead_workers_young_rows_are_due_once_their_claim_runs_out(settings, focal_kz, focal_uz):
    # The default re-send age (30 s) keeps young rows for the task queued for them; a row a
    # worker claimed had its task run: once the claim runs out it is due however young.
    settings.EXCHANGE_CLAIM_LEASE_SECONDS = 8
    query = file_query(focal_kz)
    email = Alert.objects.get(query=query, channel=AlertChannel.EMAIL)
    assert outbox.alerts_resend_pending()["pending"] == 0  # young, never claimed: left alone
    now = timezone.now()
    stamp, won = outbox._claim([email.pk])
    assert won == [email.pk]
    assert outbox.alerts_resend_pending()["pending"] == 0  # claimed by a live worker
    Alert.objects.filter(pk=email.pk).update(
        claimed_at=now - timedelta(seconds=9), next_attempt_at=now - timedelta(seconds=9)
    )
    assert outbox.alerts_resend_pending()["delivered"] == 1
    assert [m.to for m in mail.outbox] == [[focal_uz.email]]


def test_the_claims_heartbeat_keeps_our_rows_and_drops_those_taken_over(focal_kz, uz):
    for i in range(3):
        member_user(uz, "focal_point", username=f"f{i}.uz")
    query = file_query(focal_kz)
    ids = list(
        Alert.objects.filter(query=query, channel=AlertChannel.EMAIL).values_list("pk", flat=True)
    )
    stamp, won = outbox._claim(ids)
    assert sorted(won) == sorted(ids)
    # A second worker finds them all held.
    assert outbox._claim(ids)[1] == []
    # One row was taken over by another worker after our lease ran out.
    Alert.objects.filter(pk=ids[0]).update(claimed_at=stamp + timedelta(seconds=50))
    new_stamp, ours = outbox._renew(ids, stamp)
    assert ours == set(ids[1:]) and new_stamp > stamp
    assert set(Alert.objects.filter(pk__in=ids[1:]).values_list("claimed_at", flat=True)) == {
        new_stamp
    }


def test_every_email_carries_one_stable_message_id(settings, smtp_server, focal_kz, focal_uz):
    settings.EXCHANGE_MESSAGE_ID_DOMAIN = "portal.iren.test"
    query = file_query(focal_kz)
    email = Alert.objects.get(query=query, channel=AlertChannel.EMAIL)
    assert outbox.alert_deliver(alert_id=email.pk) is True
    # Recording "sent" was lost (as after a crash): the re-send is recognisably the same mail.
    Alert.objects.filter(pk=email.pk).update(
        state=AlertState.PENDING, sent_at=None, claimed_at=None
    )
    assert outbox.alert_deliver(alert_id=email.pk) is True
    messages = smtp_server.wait_for(2)
    expected = f"<alert-{email.pk}@portal.iren.test>"
    assert [m["message"]["Message-ID"] for m in messages] == [expected, expected]
    other = file_query(focal_kz)
    other_email = Alert.objects.get(query=other, channel=AlertChannel.EMAIL)
    outbox.alert_deliver(alert_id=other_email.pk)
    assert smtp_server.wait_for(3)[2]["message"]["Message-ID"] != expected


class _SlowServer:
    """An SMTP handler that takes ``delay`` seconds to accept each recipient."""

    def __init__(self, delay):
        self.delay = delay
        self.accepted = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        import asyncio

        await asyncio.sleep(self.delay)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.accepted += envelope.rcpt_tos
        return "250 Message accepted for delivery"


@pytest.mark.django_db(transaction=True)
def test_a_slow_batch_keeps_its_claim_past_the_lease_by_its_heartbeat(settings, focal_kz, uz):
    import threading
    import time

    from aiosmtpd.controller import Controller

    from tests.conftest import _free_port

    handler = _SlowServer(delay=0.4)
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EXCHANGE_CLAIM_LEASE_SECONDS = 1  # renewed every 0.25 s
    try:
        people = [member_user(uz, "focal_point", username=f"slow{i}.uz") for i in range(6)]
        with pytest.MonkeyPatch.context() as patch:  # filed, the emails left for a worker
            patch.setattr(outbox, "alerts_enqueue", lambda alert_ids: False)
            query = file_query(focal_kz)
        emails = Alert.objects.filter(query=query, channel=AlertChannel.EMAIL)
        assert not emails.filter(state=AlertState.SENT).exists()
        ids = list(emails.values_list("pk", flat=True))
        result = {}
        sender = threading.Thread(
            target=lambda: result.update(outbox.alerts_deliver(alert_ids=ids))
        )
        sender.start()
        time.sleep(1.6)  # past the lease: only the heartbeat keeps the rows ours
        assert sender.is_alive()
        taken_over = outbox._claim(ids)[1]
        sender.join(timeout=30)
    finally:
        controller.stop()
    assert taken_over == []
    assert result == {"delivered": len(people), "failed": 0}
    assert sorted(handler.accepted) == sorted(p.email for p in people)
