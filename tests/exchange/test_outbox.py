"""The outbox gives up cleanly, against a real SMTP server on 127.0.0.1 that refuses some
recipients for good (550) and defers others (451): permanent refusals end ``failed`` after one
attempt, temporary ones back off and end ``sent``, dead alerts never delay new ones, and a
delivery run twice sends once. Network admins see the failed ones and send them again."""

from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from django.urls import reverse
from django.utils import timezone

from alerts import outbox
from alerts import tasks as alert_tasks
from exchange.models import Alert, AlertChannel, AlertEvent, AlertState
from tests.conftest import _Collector, _free_port
from tests.factories.exchange import file_query

pytestmark = pytest.mark.django_db


class _Choosy(_Collector):
    """The shared collector, answering RCPT TO with 550 for ``refused`` addresses and with
    451 the next ``deferred[address]`` times for deferred ones."""

    def __init__(self):
        super().__init__()
        self.refused: set[str] = set()
        self.deferred: dict[str, int] = {}
        self.attempts: dict[str, int] = {}

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.attempts[address] = self.attempts.get(address, 0) + 1
        if address in self.refused:
            return "550 5.1.1 Mailbox does not exist"
        if self.deferred.get(address, 0) > 0:
            self.deferred[address] -= 1
            return "451 4.7.1 Greylisted, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"


@pytest.fixture
def choosy_smtp(settings):
    collector = _Choosy()
    controller = Controller(collector, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EXCHANGE_ALERT_BACKOFF_SECONDS = 60
    settings.EXCHANGE_ALERT_MAX_ATTEMPTS = 4
    yield collector
    controller.stop()


def _email(query, person):
    return Alert.objects.get(query=query, recipient=person, channel=AlertChannel.EMAIL)


def _ids(query):
    return list(Alert.objects.filter(query=query).values_list("pk", flat=True))


def test_permanently_refused_address_fails_after_one_attempt(choosy_smtp, focal_kz, focal_uz):
    choosy_smtp.refused.add(focal_uz.email)
    query = file_query(focal_kz)
    # The in-portal notification was delivered when the query was filed: only the email is sent.
    assert outbox.alerts_deliver(alert_ids=_ids(query)) == {"delivered": 0, "failed": 1}
    email = _email(query, focal_uz)
    assert email.state == AlertState.FAILED
    assert email.attempts == 1 and email.failed_at is not None and email.sent_at is None
    assert "550" in email.last_error
    # The in-portal notification went through all the same.
    assert Alert.objects.get(query=query, channel=AlertChannel.PORTAL).state == AlertState.SENT
    # Never picked again, however late the re-send runs.
    later = timezone.now() + timedelta(days=30)
    assert outbox.alerts_resend_pending(older_than_seconds=0, now=later)["pending"] == 0
    assert choosy_smtp.attempts[focal_uz.email] == 1
    assert choosy_smtp.messages == []


def test_temporary_failure_backs_off_then_is_sent(choosy_smtp, focal_kz, focal_uz):
    choosy_smtp.deferred[focal_uz.email] = 2
    query = file_query(focal_kz)

    before = timezone.now()
    outbox.alerts_deliver(alert_ids=_ids(query))
    email = _email(query, focal_uz)
    assert email.state == AlertState.PENDING and email.attempts == 1 and "451" in email.last_error
    first_wait = email.next_attempt_at - before
    assert timedelta(seconds=60) <= first_wait < timedelta(seconds=65)

    # Not due yet: the re-send leaves it alone.
    assert outbox.alerts_resend_pending(older_than_seconds=0)["pending"] == 0
    assert choosy_smtp.attempts[focal_uz.email] == 1

    # Due: tried again, deferred again, and the wait doubles.
    before = timezone.now()
    outbox.alerts_resend_pending(older_than_seconds=0, now=email.next_attempt_at)
    email.refresh_from_db()
    assert email.state == AlertState.PENDING and email.attempts == 2
    assert timedelta(seconds=120) <= email.next_attempt_at - before < timedelta(seconds=125)

    result = outbox.alerts_resend_pending(older_than_seconds=0, now=email.next_attempt_at)
    assert result == {"pending": 1, "delivered": 1, "failed": 0}
    email.refresh_from_db()
    assert email.state == AlertState.SENT and email.attempts == 3 and email.last_error == ""
    assert [m["to"] for m in choosy_smtp.messages] == [[focal_uz.email]]


def test_attempts_are_capped(choosy_smtp, focal_kz, focal_uz):
    choosy_smtp.deferred[focal_uz.email] = 100
    query = file_query(focal_kz)
    outbox.alerts_deliver(alert_ids=_ids(query))
    for _ in range(5):
        email = _email(query, focal_uz)
        outbox.alerts_resend_pending(older_than_seconds=0, now=email.next_attempt_at)
    email.refresh_from_db()
    assert email.state == AlertState.FAILED and email.attempts == 4
    assert choosy_smtp.attempts[focal_uz.email] == 4


def test_a_thousand_dead_alerts_do_not_delay_a_new_one(choosy_smtp, focal_kz, focal_uz):
    old = file_query(focal_kz)
    long_ago = timezone.now() - timedelta(days=2)
    dead = [
        Alert(
            recipient=focal_uz,
            query=old,
            event=AlertEvent.FILED,
            channel=AlertChannel.EMAIL,
            created_at=long_ago,
            next_attempt_at=long_ago,
            state=AlertState.FAILED,
            failed_at=long_ago,
            attempts=1,
            last_error="550 5.1.1 Mailbox does not exist",
        )
        for _ in range(1000)
    ]
    Alert.objects.bulk_create(dead)
    Alert.objects.filter(query=old, state=AlertState.PENDING).update(state=AlertState.SENT)
    new = file_query(focal_kz, subject="Fresh")

    result = outbox.alerts_resend_pending(older_than_seconds=0, limit=10)

    # The in-portal notification was delivered when the query was filed: only the email waits.
    assert result == {"pending": 1, "delivered": 1, "failed": 0}
    assert _email(new, focal_uz).state == AlertState.SENT
    assert [m["to"] for m in choosy_smtp.messages] == [[focal_uz.email]]
    assert Alert.objects.filter(state=AlertState.FAILED, attempts=1).count() == 1000


def test_resend_takes_the_oldest_due_first(choosy_smtp, focal_kz, focal_uz):
    first, second = file_query(focal_kz), file_query(focal_kz)
    now = timezone.now()
    Alert.objects.filter(query=second).update(next_attempt_at=now - timedelta(hours=2))
    Alert.objects.filter(query=first).update(next_attempt_at=now - timedelta(hours=1))
    outbox.alerts_resend_pending(older_than_seconds=0, limit=1)
    assert _email(second, focal_uz).state == AlertState.SENT
    assert _email(first, focal_uz).state == AlertState.PENDING


def test_delivery_task_run_twice_sends_once(choosy_smtp, focal_kz, focal_uz):
    query = file_query(focal_kz)
    alert_tasks.deliver_alerts.delay(alert_ids=_ids(query))
    alert_tasks.deliver_alerts.delay(alert_ids=_ids(query))
    assert [m["to"] for m in choosy_smtp.wait_for(1)] == [[focal_uz.email]]
    assert choosy_smtp.attempts == {focal_uz.email: 1}
    assert set(Alert.objects.filter(query=query).values_list("attempts", flat=True)) == {1}


# --- Failed alerts for network admins ----------------------------------------------------------


@pytest.fixture
def failed(choosy_smtp, focal_kz, focal_uz):
    choosy_smtp.refused.add(focal_uz.email)
    query = file_query(focal_kz)
    outbox.alerts_deliver(alert_ids=_ids(query))
    choosy_smtp.refused.clear()
    return _email(query, focal_uz)


def test_network_admin_sees_the_failed_count_without_content(client, admin_user, failed):
    client.force_login(admin_user)
    response = client.get(reverse("exchange:figures"))
    assert response.status_code == 200
    assert response.context["failed_alerts"] == 1
    assert b'data-testid="resend-failed-alerts"' in response.content
    assert failed.query.subject.encode() not in response.content
    assert failed.recipient.email.encode() not in response.content


def test_network_admin_sends_failed_alerts_again(
    client, admin_user, failed, choosy_smtp, django_capture_on_commit_callbacks
):
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("exchange:failed-alerts-resend"))
    assert response.status_code == 302
    failed.refresh_from_db()
    assert failed.state == AlertState.SENT and failed.attempts == 1
    assert [m["to"] for m in choosy_smtp.messages] == [[failed.recipient.email]]
    client.get(response["Location"])  # the message is shown once
    assert client.get(reverse("exchange:figures")).context["failed_alerts"] == 0


@pytest.mark.parametrize("who", ["focal_tj", "focal_kz"])
def test_nobody_else_may_send_failed_alerts_again(client, request, who, failed):
    client.force_login(request.getfixturevalue(who))
    assert client.post(reverse("exchange:failed-alerts-resend")).status_code == 404
    failed.refresh_from_db()
    assert failed.state == AlertState.FAILED


def test_admin_site_shows_alerts_read_only(client, failed):
    from django.contrib.auth import get_user_model

    root = get_user_model().objects.create_superuser("root", "root@iren.test", "x")
    client.force_login(root)
    changelist = client.get(reverse("admin:alerts_alert_changelist"))
    assert changelist.status_code == 200
    assert str(failed.pk).encode() in changelist.content
    view = client.get(reverse("admin:alerts_alert_change", args=[failed.pk]))
    assert view.status_code == 200
    assert b'name="_save"' not in view.content
    assert client.get(reverse("admin:alerts_alert_add")).status_code == 403
    client.post(reverse("admin:alerts_alert_delete", args=[failed.pk]), {"post": "yes"})
    assert Alert.objects.filter(pk=failed.pk).exists()
