"""Per-person alert preferences (in the portal only, email at once, daily digest) honoured
where alert rows are written, and the daily digest sent once, through a real SMTP server."""

import datetime

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from alerts import tasks as alert_tasks
from alerts.models import AlertPreference
from alerts.preferences import alert_preferences_set, digests_send
from exchange.models import Alert, AlertChannel
from members.models import AuditEvent, RoleName
from tests.factories.exchange import file_query
from tests.factories.members import member_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_uz(uz):
    return member_user(uz, RoleName.FOCAL_POINT, username="focal2.uz")


def test_in_the_portal_only_writes_no_email(
    smtp_server, focal_kz, focal_uz, second_uz, django_capture_on_commit_callbacks
):
    alert_preferences_set(user=focal_uz, modes={"query-received": "portal"})
    with django_capture_on_commit_callbacks(execute=True):
        query = file_query(focal_kz)
    mine = Alert.objects.filter(recipient=focal_uz, query=query)
    assert list(mine.values_list("channel", "state")) == [("portal", "sent")]
    # The other focal point kept the default and is mailed at once.
    messages = smtp_server.wait_for(1, timeout=5)
    assert [m["to"] for m in messages] == [[second_uz.email]]


def test_a_reply_preference_does_not_change_query_alerts(
    smtp_server, focal_kz, focal_uz, django_capture_on_commit_callbacks
):
    alert_preferences_set(user=focal_uz, modes={"reply": "portal"})
    with django_capture_on_commit_callbacks(execute=True):
        file_query(focal_kz)
    assert [m["to"] for m in smtp_server.wait_for(1, timeout=5)] == [[focal_uz.email]]


def test_digest_is_one_mail_listing_the_alerts_sent_once(smtp_server, focal_kz, focal_uz):
    alert_preferences_set(user=focal_uz, modes={"query-received": "digest"})
    first = file_query(focal_kz, subject="SECRET SUBJECT ONE")
    second = file_query(focal_kz, subject="SECRET SUBJECT TWO", handling_code="H1")
    rows = Alert.objects.filter(recipient=focal_uz)
    assert set(rows.values_list("channel", "digest")) == {("portal", True)}
    assert not Alert.objects.filter(channel=AlertChannel.EMAIL).exists()
    assert smtp_server.wait_for(1, timeout=1) == []

    later = timezone.now() + datetime.timedelta(minutes=1)
    assert digests_send(now=later) == {"sent": 1, "failed": 0}
    messages = smtp_server.wait_for(1)
    assert len(messages) == 1 and messages[0]["to"] == [focal_uz.email]
    body = smtp_server.body(0)
    assert first.reference in body and second.reference in body
    assert "H2" in body and "H1" in body
    assert f"/queries/{first.pk}/" in body
    assert "SECRET SUBJECT" not in body and "Please check the consignment" not in body
    assert "2 alerts" in messages[0]["message"]["Subject"]
    assert AuditEvent.objects.filter(action="alert.digest_sent", object_id=focal_uz.pk).count() == 1

    # Exactly once: a second run (or the beat task) finds nothing left to send.
    assert digests_send(now=later) == {"sent": 0, "failed": 0}
    assert alert_tasks.send_digests.apply().get() == {"sent": 0, "failed": 0}
    assert len(smtp_server.wait_for(2, timeout=1)) == 1


def test_digest_mail_that_fails_is_released_for_the_next_run(
    settings, smtp_server, focal_kz, focal_uz
):
    alert_preferences_set(user=focal_uz, modes={"query-received": "digest"})
    file_query(focal_kz)
    later = timezone.now() + datetime.timedelta(minutes=1)
    port = settings.EMAIL_PORT
    settings.EMAIL_PORT = 1  # nothing listens there
    assert digests_send(now=later) == {"sent": 0, "failed": 1}
    assert Alert.objects.filter(recipient=focal_uz, digested_at__isnull=True).count() == 1
    settings.EMAIL_PORT = port
    assert digests_send(now=later) == {"sent": 1, "failed": 0}
    assert len(smtp_server.wait_for(1)) == 1


def test_old_alerts_are_not_in_the_digest(smtp_server, focal_kz, focal_uz):
    alert_preferences_set(user=focal_uz, modes={"query-received": "digest"})
    file_query(focal_kz)
    two_days = timezone.now() + datetime.timedelta(hours=django_settings.EXCHANGE_DIGEST_HOURS + 1)
    assert digests_send(now=two_days) == {"sent": 0, "failed": 0}


def test_hit_alerts_honour_the_preference(smtp_server, kz, uz, tj, focal_kz, focal_tj):
    from tests.matching.conftest import kz_report, tj_query

    alert_preferences_set(user=focal_tj, modes={"hit": "digest"})
    kz_report(kz)
    tj_query(focal_tj)
    tj_rows = Alert.objects.filter(recipient=focal_tj, hit__isnull=False)
    assert tj_rows.exists()
    assert set(tj_rows.values_list("channel", "digest")) == {("portal", True)}
    # KZ's focal point kept the default: hit alerts by email at once.
    assert Alert.objects.filter(recipient=focal_kz, hit__isnull=False, channel="email").exists()
    assert digests_send(now=timezone.now() + datetime.timedelta(minutes=1))["sent"] == 1
    bodies = [smtp_server.body(i) for i in range(len(smtp_server.wait_for(1)))]
    digest = next(b for b in bodies if "daily digest" in b)
    assert "CSQU3054383" in digest and "KZ-SECRET" not in digest and "/matching/hits/" in digest


def test_the_preferences_page(client, focal_uz):
    client.force_login(focal_uz)
    page = client.get("/queries/notifications/preferences/").content.decode()
    # Six kinds of event (the pre-arrival notices among them), three modes each.
    assert page.count('type="radio"') == 18 and "Watchlist hit" in page
    bad = client.post(
        "/queries/notifications/preferences/",
        {
            "query-received": "sms",
            "reply": "portal",
            "reminder": "digest",
            "hit": "digest",
            "watchlist-hit": "immediate",
        },
    )
    assert bad.status_code == 200 and 'data-field="query-received"' in bad.content.decode()
    assert not AlertPreference.objects.exists()
    good = client.post(
        "/queries/notifications/preferences/",
        {
            "query-received": "digest",
            "reply": "portal",
            "reminder": "digest",
            "hit": "digest",
            "watchlist-hit": "immediate",
            "arrival": "digest",
        },
    )
    assert good.status_code == 302
    assert dict(AlertPreference.objects.filter(user=focal_uz).values_list("event", "mode")) == {
        "query-received": "digest",
        "reply": "portal",
        "reminder": "digest",
        "hit": "digest",
        "watchlist-hit": "immediate",
        "arrival": "digest",
    }
    assert AuditEvent.objects.filter(action="alert.preferences").count() == 1


def test_send_digests_is_a_daily_beat_task():
    entry = django_settings.CELERY_BEAT_SCHEDULE["exchange-send-digests"]
    assert entry["task"] == "exchange.send_digests" == alert_tasks.send_digests.name
    assert str(entry["schedule"].hour) == "{6}"
