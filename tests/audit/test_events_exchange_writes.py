"""Every write of a query's life, performed through the real pages and API, leaves exactly one
event with its actor, object and members; an alert mail sent through a real SMTP server leaves
one ``alert.email_sent`` with its recipient and no actor."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from exchange.models import Attachment, Query
from members.models import AuditEvent
from tests.factories.exchange import VALID_CONTAINER, file_query

from .conftest import events, only_event

FORM = {
    "sender_member": "KZ",
    "recipients": ["UZ"],
    "kind": "request",
    "priority": "urgent",
    "handling_code": "H2",
    "source_evaluation": "B",
    "information_evaluation": "2",
    "subject": "Undeclared cigarettes",
    "body": "Please examine on arrival.",
    "container_numbers": VALID_CONTAINER,
}


def _pdf(name="bill.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 bill of lading", "application/pdf")


def _assert_on_query(event, *, actor, query):
    assert event.actor == actor and event.actor_username == actor.username
    assert event.actor_member_id == actor.member_id
    assert (event.object_type, event.object_id) == ("query", query.pk)
    assert event.object_reference == query.reference
    assert event.member_codes == ["KZ", "UZ"]


def test_filing_form_records_the_filing_and_each_upload(client, focal_kz, uz):
    client.force_login(focal_kz)
    response = client.post(
        reverse("exchange:file"),
        {**FORM, "attachments": [_pdf("a.pdf"), _pdf("b.pdf")]},
        HTTP_X_REQUEST_ID="req-file-0001",
        HTTP_USER_AGENT="Browser/1.0",
        REMOTE_ADDR="192.0.2.7",
    )
    assert response.status_code == 302
    query = Query.objects.get()
    event = only_event("query.file")
    _assert_on_query(event, actor=focal_kz, query=query)
    # The service got no request: address, browser and id come from the request context.
    assert (event.ip, event.user_agent, event.request_id) == (
        "192.0.2.7",
        "Browser/1.0",
        "req-file-0001",
    )
    uploads = events("attachment.upload")
    assert len(uploads) == 2
    attachments = {a.pk: a for a in Attachment.objects.filter(query=query)}
    assert {e.object_id for e in uploads} == set(attachments)
    for upload in uploads:
        assert upload.actor == focal_kz and upload.object_type == "attachment"
        assert upload.object_reference == query.reference
        assert upload.member_codes == ["KZ", "UZ"]
        assert upload.detail["size"] == attachments[upload.object_id].size
        assert upload.request_id == "req-file-0001"
    # Recorded last in the filing's transaction: after the query and its attachments.
    assert event.id < min(e.id for e in uploads)


def test_api_filing_records_one_event(client, focal_kz, uz):
    client.force_login(focal_kz)
    payload = {**FORM, "container_numbers": [VALID_CONTAINER]}
    response = client.post("/api/v1/queries/", payload, content_type="application/json")
    assert response.status_code == 201, response.content
    _assert_on_query(only_event("query.file"), actor=focal_kz, query=Query.objects.get())
    assert events("attachment.upload") == []


def test_refused_filing_records_nothing(client, focal_kz, uz):
    client.force_login(focal_kz)
    response = client.post(reverse("exchange:file"), {**FORM, "recipients": []})
    assert "recipients" in response.context["form"].errors
    assert not AuditEvent.objects.exclude(action__startswith="auth.").exists()


def test_outsider_filing_nothing_records_nothing(client, analyst_kz, uz):
    client.force_login(analyst_kz)
    assert client.post(reverse("exchange:file"), FORM).status_code == 404
    assert not AuditEvent.objects.exclude(action__startswith="auth.").exists()


@pytest.mark.parametrize("through", ["page", "api"])
def test_acknowledgement_is_recorded_once(client, focal_uz, query_kz_uz, through):
    client.force_login(focal_uz)
    for _ in range(2):  # acknowledging again changes nothing and records nothing
        if through == "page":
            response = client.post(reverse("exchange:acknowledge", args=[query_kz_uz.pk]))
            assert response.status_code == 302
        else:
            response = client.post(f"/api/v1/queries/{query_kz_uz.pk}/acknowledge/")
            assert response.status_code == 200, response.content
    event = only_event("query.acknowledge")
    _assert_on_query(event, actor=focal_uz, query=query_kz_uz)
    assert event.detail == {"for": ["UZ"]}


def test_third_country_acknowledging_records_nothing(client, focal_tj, query_kz_uz):
    client.force_login(focal_tj)
    assert client.post(reverse("exchange:acknowledge", args=[query_kz_uz.pk])).status_code == 404
    assert events("query.acknowledge") == []


def test_reply_with_an_attachment_records_the_reply_and_the_upload(client, focal_uz, query_kz_uz):
    client.force_login(focal_uz)
    response = client.post(
        reverse("exchange:reply", args=[query_kz_uz.pk]),
        {"body": "Nothing found.", "attachments": [_pdf("report.pdf")]},
    )
    assert response.status_code == 302
    reply = query_kz_uz.replies.get()
    event = only_event("query.reply")
    _assert_on_query(event, actor=focal_uz, query=query_kz_uz)
    assert event.detail == {"reply": reply.pk, "for": "UZ"}
    upload = only_event("attachment.upload", actor=focal_uz)
    assert upload.object_id == reply.attachments.get().pk
    assert upload.object_reference == query_kz_uz.reference
    assert upload.member_codes == ["KZ", "UZ"]


def test_api_reply_by_the_sender_is_recorded(client, focal_kz, query_kz_uz):
    client.force_login(focal_kz)
    response = client.post(
        f"/api/v1/queries/{query_kz_uz.pk}/replies/",
        {"body": "More details."},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    event = only_event("query.reply")
    _assert_on_query(event, actor=focal_kz, query=query_kz_uz)
    assert event.detail["for"] == "KZ"


def test_empty_reply_records_nothing(client, focal_uz, query_kz_uz):
    client.force_login(focal_uz)
    response = client.post(reverse("exchange:reply", args=[query_kz_uz.pk]), {"body": " "})
    assert response.status_code == 400
    assert events("query.reply") == []


@pytest.mark.parametrize("through", ["page", "api"])
def test_outcome_of_a_risk_alert_is_recorded(client, focal_kz, focal_uz, through):
    query = file_query(focal_kz, recipients=["UZ"], kind="risk-alert")
    client.force_login(focal_uz)
    data = {"outcome": "nothing-found"}
    if through == "page":
        response = client.post(reverse("exchange:outcome", args=[query.pk]), data)
        assert response.status_code == 302
    else:
        response = client.post(
            f"/api/v1/queries/{query.pk}/outcome/", data, content_type="application/json"
        )
        assert response.status_code == 200, response.content
    event = only_event("query.outcome")
    _assert_on_query(event, actor=focal_uz, query=query)
    assert event.detail == {"for": "UZ", "outcome": "nothing-found"}


@pytest.mark.parametrize("through", ["page", "api"])
def test_closing_is_recorded(client, focal_kz, query_kz_uz, through):
    client.force_login(focal_kz)
    if through == "page":
        response = client.post(
            reverse("exchange:close", args=[query_kz_uz.pk]), {"outcome": "withdrawn"}
        )
        assert response.status_code == 302
    else:
        response = client.post(
            f"/api/v1/queries/{query_kz_uz.pk}/close/",
            {"outcome": "withdrawn"},
            content_type="application/json",
        )
        assert response.status_code == 200, response.content
    event = only_event("query.close")
    _assert_on_query(event, actor=focal_kz, query=query_kz_uz)
    assert event.detail == {"outcome": "withdrawn"}


def test_recipient_may_not_close_and_nothing_is_recorded(client, focal_uz, query_kz_uz):
    client.force_login(focal_uz)
    client.post(reverse("exchange:close", args=[query_kz_uz.pk]), {"outcome": "withdrawn"})
    assert Query.objects.get(pk=query_kz_uz.pk).is_open
    assert events("query.close") == []


# --- Alert mail --------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_alert_mail_sent_is_recorded_with_its_recipient_and_no_actor(
    client, smtp_server, focal_kz, focal_uz
):
    """Filed through the page; the alert is delivered in-process right after the filing
    commits, still inside focal.kz's request: the event must not be taken for focal.kz's."""
    client.force_login(focal_kz)
    response = client.post(
        reverse("exchange:file"),
        FORM,
        HTTP_X_REQUEST_ID="req-mail-0001",
        REMOTE_ADDR="192.0.2.9",
    )
    assert response.status_code == 302
    query = Query.objects.get()
    messages = smtp_server.wait_for(1)
    assert [m["to"] for m in messages] == [[focal_uz.email]]
    event = only_event("alert.email_sent")
    alert = query.alerts.get(channel="email")
    assert alert.state == "sent"
    assert event.actor is None and event.actor_username == "" and event.actor_member is None
    assert (event.object_type, event.object_id) == ("alert", alert.pk)
    assert event.object_reference == query.reference
    assert event.member_codes == ["KZ", "UZ"]
    assert event.detail == {
        "recipient": "focal.uz",
        "event": alert.event,
        "query": query.pk,
    }
    # The portal's own act: no client address, but the request that caused it can be traced.
    assert event.ip is None and event.request_id == "req-mail-0001"


@pytest.mark.django_db(transaction=True)
def test_refused_alert_mail_records_nothing(client, settings, focal_kz, focal_uz):
    """No SMTP server listens: the alert stays pending and no ``alert.email_sent`` is made."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    client.force_login(focal_kz)
    assert client.post(reverse("exchange:file"), FORM).status_code == 302
    alert = Query.objects.get().alerts.get(channel="email")
    assert alert.state != "sent" and alert.attempts == 1
    assert events("alert.email_sent") == []
