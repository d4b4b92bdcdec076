"""The write path: filing, acting in a query, the outbox and its delivery, deadlines."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from alerts import outbox
from exchange import deadlines, services
from exchange.models import (
    Alert,
    AlertChannel,
    AlertEvent,
    AlertState,
    Attachment,
    Query,
    QueryRecipient,
    RecipientState,
    Reply,
)
from members.models import RoleName
from tests.factories.exchange import VALID_CONTAINER, WRONG_CHECK_DIGIT, file_query
from tests.factories.members import member_user

pytestmark = pytest.mark.django_db


def _nothing_saved():
    assert Query.objects.count() == 0
    assert Alert.objects.count() == 0
    assert Attachment.objects.count() == 0


def test_filing_gives_a_reference_per_sender_and_year(focal_kz, uz):
    first = file_query(focal_kz)
    second = file_query(focal_kz)
    year = timezone.now().year
    assert first.reference == f"IREN-KZ-{year}-00001"
    assert second.reference == f"IREN-KZ-{year}-00002"


def test_due_time_follows_priority(focal_kz, uz, settings):
    settings.EXCHANGE_DUE_HOURS = {"urgent": 4, "high": 24, "routine": 120}
    query = file_query(focal_kz, priority="high")
    assert query.due_at - query.created_at == timedelta(hours=24)


def test_filing_writes_portal_and_email_alert_for_each_recipient_focal_point(
    focal_kz, focal_uz, uz
):
    second = member_user(uz, RoleName.FOCAL_POINT, username="focal2.uz")
    query = file_query(focal_kz)
    rows = Alert.objects.filter(query=query, event=AlertEvent.FILED)
    assert sorted(rows.values_list("recipient__username", "channel")) == sorted(
        [
            (focal_uz.username, AlertChannel.EMAIL),
            (focal_uz.username, AlertChannel.PORTAL),
            (second.username, AlertChannel.EMAIL),
            (second.username, AlertChannel.PORTAL),
        ]
    )
    # The in-portal notification is delivered in the filing's own transaction (the bell shows
    # it at once, broker or not); the email waits for the commit and a worker.
    assert sorted(rows.filter(sent_at__isnull=False).values_list("channel", flat=True)) == [
        AlertChannel.PORTAL,
        AlertChannel.PORTAL,
    ]
    assert not rows.filter(channel=AlertChannel.EMAIL, sent_at__isnull=False).exists()


def test_alerts_are_delivered_once_the_filing_commits(
    focal_kz, focal_uz, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        query = file_query(focal_kz)
    assert Alert.objects.filter(query=query, sent_at__isnull=True).count() == 0
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [focal_uz.email]


def test_alert_email_starts_with_the_handling_code(
    focal_kz, focal_uz, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        query = file_query(focal_kz, handling_code="H2", source_evaluation="B")
    message = mail.outbox[0]
    assert message.subject.startswith("[H2]")
    assert message.body.splitlines()[0].startswith("HANDLING: H2")
    assert query.reference in message.subject


def test_delivering_an_alert_twice_sends_it_once(focal_kz, focal_uz):
    query = file_query(focal_kz)
    email = Alert.objects.get(query=query, channel=AlertChannel.EMAIL)
    assert outbox.alert_deliver(alert_id=email.pk) is True
    assert outbox.alert_deliver(alert_id=email.pk) is False
    assert len(mail.outbox) == 1


def test_a_failed_send_stays_pending_for_the_resend(focal_kz, focal_uz, settings):
    query = file_query(focal_kz)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    email = Alert.objects.get(query=query, channel=AlertChannel.EMAIL)
    assert outbox.alert_deliver(alert_id=email.pk) is False
    email.refresh_from_db()
    assert email.sent_at is None and email.claimed_at is None and email.attempts == 1
    assert email.state == AlertState.PENDING and email.next_attempt_at > timezone.now()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    result = outbox.alerts_resend_pending(
        older_than_seconds=0, now=email.next_attempt_at + timedelta(seconds=1)
    )
    assert result["delivered"] == 1
    assert len(mail.outbox) == 1


def test_wrong_check_digit_is_refused_naming_the_field(focal_kz, uz):
    with pytest.raises(ValidationError) as error:
        file_query(focal_kz, container_numbers=[WRONG_CHECK_DIGIT])
    assert "container_numbers" in error.value.message_dict
    assert "check digit" in error.value.message_dict["container_numbers"][0]
    _nothing_saved()


def test_container_numbers_are_normalised(focal_kz, uz):
    query = file_query(focal_kz, container_numbers=["csqu 305438-3"])
    assert list(query.containers.values_list("number", flat=True)) == [VALID_CONTAINER]


def test_unknown_recipient_code_is_refused(focal_kz, uz):
    with pytest.raises(ValidationError) as error:
        file_query(focal_kz, recipients=["UZ", "XX"])
    assert "XX" in error.value.message_dict["recipients"][0]
    _nothing_saved()


def test_no_recipient_is_refused(focal_kz):
    with pytest.raises(ValidationError) as error:
        file_query(focal_kz, recipients=[])
    assert "recipients" in error.value.message_dict
    _nothing_saved()


def test_query_to_own_member_is_refused(focal_kz):
    with pytest.raises(ValidationError) as error:
        file_query(focal_kz, recipients=["KZ"])
    assert "recipients" in error.value.message_dict


def test_h3_needs_stated_restrictions(focal_kz, uz):
    with pytest.raises(ValidationError) as error:
        file_query(focal_kz, handling_code="H3")
    assert "handling_restrictions" in error.value.message_dict
    _nothing_saved()


def test_oversized_attachment_is_refused(focal_kz, uz, settings):
    settings.EXCHANGE_ATTACHMENT_MAX_BYTES = 10
    upload = SimpleUploadedFile("manifest.pdf", b"%PDF-1.4 more than ten bytes")
    with pytest.raises(ValidationError) as error:
        file_query(focal_kz, attachments=[upload])
    assert "too large" in error.value.message_dict["attachments"][0]
    _nothing_saved()


def test_disallowed_attachment_type_is_refused(focal_kz, uz):
    upload = SimpleUploadedFile("tool.exe", b"MZ...", content_type="application/pdf")
    with pytest.raises(ValidationError) as error:
        file_query(focal_kz, attachments=[upload])
    assert "tool.exe" in error.value.message_dict["attachments"][0]
    _nothing_saved()


def test_attachment_is_stored_under_media_root(focal_kz, uz, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("manifest.pdf", b"%PDF-1.4 test")
    query = file_query(focal_kz, attachments=[upload])
    attachment = query.attachments.get()
    assert attachment.original_name == "manifest.pdf"
    assert attachment.content_type == "application/pdf"
    assert str(tmp_path) in attachment.file.path


def test_officer_files_from_own_unit(kz, uz):
    officer = member_user(kz, RoleName.UNIT_OFFICER, username="officer.kz")
    query = file_query(officer)
    assert query.sender_unit == officer.control_unit


def test_analyst_may_not_file(analyst_kz, uz):
    with pytest.raises(ValidationError) as error:
        file_query(analyst_kz, sender_member="KZ")
    assert "sender_member" in error.value.message_dict


def test_acknowledge_moves_recipient_to_acknowledged_and_alerts_sender(query_kz_uz, focal_uz):
    services.query_acknowledge(query=query_kz_uz, user=focal_uz)
    recipient = QueryRecipient.objects.get(query=query_kz_uz)
    assert recipient.state == RecipientState.ACKNOWLEDGED
    assert recipient.acknowledged_by == focal_uz
    assert Alert.objects.filter(
        query=query_kz_uz, event=AlertEvent.ACKNOWLEDGED, recipient__username="focal.kz"
    ).exists()


def test_sender_cannot_acknowledge(query_kz_uz, focal_kz):
    with pytest.raises(services.NotAParty):
        services.query_acknowledge(query=query_kz_uz, user=focal_kz)


def test_reply_answers_for_the_recipient_and_alerts_the_sender(query_kz_uz, focal_uz):
    reply = services.query_reply(query=query_kz_uz, user=focal_uz, body="Examined: nothing.")
    recipient = QueryRecipient.objects.get(query=query_kz_uz)
    assert recipient.state == RecipientState.ANSWERED
    assert reply.member.code == "UZ"
    assert Alert.objects.filter(reply=reply, recipient__username="focal.kz").count() == 2


def test_member_admin_only_reads(query_kz_uz, admin_uz):
    with pytest.raises(services.NotAParty):
        services.query_reply(query=query_kz_uz, user=admin_uz, body="Hello")


def test_reply_to_closed_query_is_refused_and_nothing_saved(query_kz_uz, focal_kz, focal_uz):
    services.query_close(query=query_kz_uz, user=focal_kz, outcome="resolved")
    with pytest.raises(services.QueryClosed):
        services.query_reply(query=query_kz_uz, user=focal_uz, body="Too late")
    assert Reply.objects.count() == 0


def test_only_sender_closes(query_kz_uz, focal_uz):
    with pytest.raises(services.NotAParty):
        services.query_close(query=query_kz_uz, user=focal_uz)


def test_risk_alert_outcome_not_examined_needs_a_reason(focal_kz, focal_uz):
    query = file_query(focal_kz, kind="risk-alert")
    with pytest.raises(ValidationError) as error:
        services.query_report_outcome(query=query, user=focal_uz, outcome="not-examined")
    assert "reason" in error.value.message_dict
    row = services.query_report_outcome(
        query=query, user=focal_uz, outcome="not-examined", reason="Left before arrival"
    )
    assert row.state == RecipientState.ANSWERED


def test_unacknowledged_urgent_query_is_reminded_and_escalated(query_kz_uz, focal_uz, admin_uz):
    later = query_kz_uz.created_at + timedelta(hours=2)
    result = deadlines.queries_watch_deadlines(now=later)
    assert result == {"reminded": 1, "escalated": 1}
    alerts = Alert.objects.filter(query=query_kz_uz, channel=AlertChannel.PORTAL)
    assert alerts.filter(event=AlertEvent.REMINDER, recipient=focal_uz).count() == 1
    assert alerts.filter(event=AlertEvent.ESCALATION, recipient=admin_uz).count() == 1
    # Running again at the same moment finds nothing due.
    assert deadlines.queries_watch_deadlines(now=later) == {"reminded": 0, "escalated": 0}


def test_escalation_never_reaches_network_admins(query_kz_uz, admin_uz, admin_user):
    deadlines.queries_watch_deadlines(now=query_kz_uz.created_at + timedelta(hours=2))
    assert not Alert.objects.filter(recipient=admin_user).exists()


def test_acknowledged_query_is_not_reminded(query_kz_uz, focal_uz):
    services.query_acknowledge(query=query_kz_uz, user=focal_uz)
    later = query_kz_uz.created_at + timedelta(hours=2)
    assert deadlines.queries_watch_deadlines(now=later) == {"reminded": 0, "escalated": 0}


def test_resend_with_mail_server_down_publishes_notifications_and_keeps_emails_pending(
    focal_kz, focal_uz, settings
):
    query = file_query(focal_kz)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    result = outbox.alerts_resend_pending(older_than_seconds=0)
    assert result == {"pending": 1, "delivered": 0, "failed": 1}
    email = Alert.objects.get(query=query, channel=AlertChannel.EMAIL)
    assert email.sent_at is None and email.claimed_at is None
    assert Alert.objects.get(query=query, channel=AlertChannel.PORTAL).sent_at is not None
