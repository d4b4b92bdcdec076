"""The API: exact paths and field names, bad input named by field, 409 on closed queries."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from exchange import services
from exchange.models import Alert, AlertChannel, Query, Reply
from tests.factories.exchange import VALID_CONTAINER, WRONG_CHECK_DIGIT, file_query

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def _as(api, user):
    api.force_authenticate(user)
    return api


PAYLOAD = {
    "kind": "risk-alert",
    "priority": "urgent",
    "handling_code": "H1",
    "source_evaluation": "A",
    "information_evaluation": "2",
    "subject": "Heroin concealed in machine parts",
    "body": "High-risk container en route to Tashkent.",
    "recipients": ["UZ"],
    "container_numbers": [VALID_CONTAINER],
}


def test_filing_returns_201_with_the_contract_fields(api, focal_kz, focal_uz):
    response = _as(api, focal_kz).post("/api/v1/queries/", PAYLOAD, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    for field in (
        "id",
        "reference",
        "kind",
        "priority",
        "handling_code",
        "subject",
        "body",
        "sender_member",
        "sender_unit",
        "recipients",
        "container_numbers",
        "status",
        "created_at",
        "due_at",
    ):
        assert field in data
    assert data["reference"].startswith("IREN-KZ-")
    assert data["sender_member"] == "KZ"
    assert data["sender_unit"] is None
    assert data["recipients"] == ["UZ"]
    assert data["container_numbers"] == [VALID_CONTAINER]
    assert data["status"] == "open"
    assert data["handling_code"] == "H1"


def test_wrong_check_digit_gets_400_naming_container_numbers(api, focal_kz, uz):
    payload = {**PAYLOAD, "container_numbers": [WRONG_CHECK_DIGIT]}
    response = _as(api, focal_kz).post("/api/v1/queries/", payload, format="json")
    assert response.status_code == 400
    assert "check digit" in response.json()["container_numbers"][0]
    assert Query.objects.count() == 0


def test_unknown_recipient_gets_400_naming_recipients(api, focal_kz, uz):
    payload = {**PAYLOAD, "recipients": ["ZZ"]}
    response = _as(api, focal_kz).post("/api/v1/queries/", payload, format="json")
    assert response.status_code == 400
    assert "ZZ" in response.json()["recipients"][0]
    assert Query.objects.count() == 0


def test_no_recipient_gets_400_naming_recipients(api, focal_kz):
    payload = {**PAYLOAD, "recipients": []}
    response = _as(api, focal_kz).post("/api/v1/queries/", payload, format="json")
    assert response.status_code == 400
    assert "recipients" in response.json()
    assert Query.objects.count() == 0


def test_disallowed_attachment_gets_400_naming_attachments(api, focal_kz, uz):
    payload = {**PAYLOAD, "attachments": [SimpleUploadedFile("run.sh", b"#!/bin/sh")]}
    payload["recipients"] = "UZ"
    payload["container_numbers"] = VALID_CONTAINER
    response = _as(api, focal_kz).post("/api/v1/queries/", payload, format="multipart")
    assert response.status_code == 400
    assert "run.sh" in response.json()["attachments"][0]
    assert Query.objects.count() == 0


def test_oversized_attachment_gets_400_naming_attachments(api, focal_kz, uz, settings):
    settings.EXCHANGE_ATTACHMENT_MAX_BYTES = 5
    payload = {**PAYLOAD, "attachments": [SimpleUploadedFile("scan.pdf", b"%PDF-1.4 ...")]}
    payload["recipients"] = "UZ"
    payload["container_numbers"] = VALID_CONTAINER
    response = _as(api, focal_kz).post("/api/v1/queries/", payload, format="multipart")
    assert response.status_code == 400
    assert "too large" in response.json()["attachments"][0]
    assert Query.objects.count() == 0


def test_reply_to_closed_query_gets_409(api, query_kz_uz, focal_kz, focal_uz):
    _as(api, focal_kz).post(f"/api/v1/queries/{query_kz_uz.pk}/close/", {}, format="json")
    response = _as(api, focal_uz).post(
        f"/api/v1/queries/{query_kz_uz.pk}/replies/", {"body": "Late news"}, format="json"
    )
    assert response.status_code == 409
    assert "closed" in response.json()["detail"]
    assert Reply.objects.count() == 0


def test_empty_reply_gets_400_naming_body(api, query_kz_uz, focal_uz):
    response = _as(api, focal_uz).post(
        f"/api/v1/queries/{query_kz_uz.pk}/replies/", {"body": ""}, format="json"
    )
    assert response.status_code == 400
    assert "body" in response.json()


def test_acknowledge_reply_close_round_trip(api, query_kz_uz, focal_kz, focal_uz):
    base = f"/api/v1/queries/{query_kz_uz.pk}"
    response = _as(api, focal_uz).post(f"{base}/acknowledge/", {}, format="json")
    assert response.status_code == 200
    assert response.json()["recipient_states"][0]["state"] == "acknowledged"
    response = api.post(f"{base}/replies/", {"body": "Examined, nothing found."}, format="json")
    assert response.status_code == 201
    assert response.json()["member"] == "UZ"
    response = _as(api, focal_kz).get(f"{base}/")
    assert [r["body"] for r in response.json()["replies"]] == ["Examined, nothing found."]
    response = api.post(f"{base}/close/", {"outcome": "resolved", "note": "Thanks"}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "closed"


def test_close_by_recipient_is_forbidden(api, query_kz_uz, focal_uz):
    response = _as(api, focal_uz).post(
        f"/api/v1/queries/{query_kz_uz.pk}/close/", {}, format="json"
    )
    assert response.status_code == 403


def test_list_filters_by_status_priority_kind_counterpart_and_container(api, focal_kz, uz, tj):
    first = file_query(focal_kz, recipients=["UZ"], priority="urgent", kind="request")
    other = file_query(
        focal_kz,
        recipients=["TJ"],
        priority="routine",
        kind="risk-alert",
        container_numbers=["MSCU6639870"],
    )
    client = _as(api, focal_kz)

    def refs(**params):
        return [q["reference"] for q in client.get("/api/v1/queries/", params).json()["results"]]

    assert refs(priority="routine") == [other.reference]
    assert refs(kind="risk-alert") == [other.reference]
    assert refs(counterpart="TJ") == [other.reference]
    assert refs(container_number="MSCU6639870") == [other.reference]
    assert refs(status="open", counterpart="UZ") == [first.reference]
    assert refs(priority="urgent") == [first.reference]
    assert refs(kind="request") == [first.reference]
    assert sorted(refs(status="open")) == sorted([first.reference, other.reference])
    assert refs(status="closed") == []
    services.query_close(query=first, user=focal_kz)
    assert refs(status="closed") == [first.reference]
    assert refs(status="open") == [other.reference]


def test_list_uses_fixed_number_of_queries(api, focal_kz, uz, django_assert_max_num_queries):
    for _ in range(3):
        file_query(focal_kz)
    client = _as(api, focal_kz)
    with django_assert_max_num_queries(8) as small:
        client.get("/api/v1/queries/", {"page_size": 1})
    for _ in range(12):
        file_query(focal_kz)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get("/api/v1/queries/")
    assert len(response.json()["results"]) == 15


def test_notifications_unread_and_read(api, focal_kz, focal_uz, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        query = file_query(focal_kz)
    client = _as(api, focal_uz)
    rows = client.get("/api/v1/notifications/", {"unread": "true"}).json()["results"]
    assert [(r["reference"], r["event"]) for r in rows] == [(query.reference, "filed")]
    response = client.post(f"/api/v1/notifications/{rows[0]['id']}/read/")
    assert response.status_code == 200
    assert response.json()["read_at"] is not None
    assert client.get("/api/v1/notifications/", {"unread": "true"}).json()["results"] == []


def test_notification_event_label_follows_the_language(
    api, focal_kz, focal_uz, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        file_query(focal_kz)
    client = _as(api, focal_uz)
    english = client.get("/api/v1/notifications/").json()["results"][0]
    russian = client.get("/api/v1/notifications/", HTTP_ACCEPT_LANGUAGE="ru").json()["results"][0]
    assert english["event"] == russian["event"] == "filed"
    assert english["event_label"] == "New query"
    assert russian["event_label"] not in ("", english["event_label"])
    assert any("\u0400" <= ch <= "\u04ff" for ch in russian["event_label"])


def test_someone_elses_notification_is_404(api, focal_kz, focal_uz, query_kz_uz):
    alert = Alert.objects.filter(recipient=focal_uz, channel=AlertChannel.PORTAL).first()
    Alert.objects.filter(pk=alert.pk).update(sent_at=alert.created_at)
    response = _as(api, focal_kz).post(f"/api/v1/notifications/{alert.pk}/read/")
    assert response.status_code == 404


def test_network_admin_sees_figures_not_content(api, admin_user, query_kz_uz):
    client = _as(api, admin_user)
    figures = client.get("/api/v1/query-figures/").json()
    kz = next(row for row in figures if row["member"] == "KZ")
    assert kz["sent"] == 1
    assert "subject" not in kz
    assert client.get(f"/api/v1/queries/{query_kz_uz.pk}/").status_code == 404
    assert client.get("/api/v1/queries/").json()["results"] == []


def test_figures_are_404_for_focal_points(api, focal_kz):
    assert _as(api, focal_kz).get("/api/v1/query-figures/").status_code == 404


def test_schema_lists_the_exchange_endpoints(api, focal_kz):
    schema = _as(api, focal_kz).get("/api/schema/", {"format": "json"}).json()
    for path in (
        "/api/v1/queries/",
        "/api/v1/queries/{id}/",
        "/api/v1/queries/{id}/acknowledge/",
        "/api/v1/queries/{id}/replies/",
        "/api/v1/queries/{id}/close/",
        "/api/v1/notifications/",
        "/api/v1/notifications/{id}/read/",
    ):
        assert path in schema["paths"]


def test_detail_marks_an_overdue_query(api, query_kz_uz, focal_uz):
    from datetime import timedelta

    from django.utils import timezone

    Query.objects.filter(pk=query_kz_uz.pk).update(
        created_at=timezone.now() - timedelta(days=1), due_at=timezone.now() - timedelta(hours=1)
    )
    data = _as(api, focal_uz).get(f"/api/v1/queries/{query_kz_uz.pk}/").json()
    assert data["is_overdue"] is True


def test_schema_lists_the_query_filters_from_the_filterset(api, focal_kz):
    schema = _as(api, focal_kz).get("/api/schema/", {"format": "json"}).json()
    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/queries/"]["get"]["parameters"]}
    for name in ("status", "priority", "kind", "counterpart", "container_number", "box", "q"):
        assert name in parameters, name
    assert set(parameters["status"]["schema"]["enum"]) == {
        "open",
        "closed",
        "overdue",
        "new",
        "acknowledged",
        "answered",
    }
    assert set(parameters["priority"]["schema"]["enum"]) == {"urgent", "high", "routine"}


def test_the_first_page_read_twice_tells_overdue_by_todays_clock(api, query_kz_uz, focal_uz):
    """The list's first page is read by a statement compiled once per person: the clock is not
    in it, so a query that falls past due between two reads is overdue on the second."""
    from datetime import timedelta

    from django.utils import timezone

    client = _as(api, focal_uz)
    first = client.get("/api/v1/queries/").json()["results"]
    assert [(row["id"], row["is_overdue"]) for row in first] == [(query_kz_uz.pk, False)]

    Query.objects.filter(pk=query_kz_uz.pk).update(
        created_at=timezone.now() - timedelta(days=1), due_at=timezone.now() - timedelta(hours=1)
    )
    again = client.get("/api/v1/queries/").json()
    assert [(row["id"], row["is_overdue"]) for row in again["results"]] == [(query_kz_uz.pk, True)]
    assert again["count"] == 1
    overdue = client.get("/api/v1/queries/", {"status": "overdue"}).json()
    assert [row["id"] for row in overdue["results"]] == [query_kz_uz.pk]


def test_the_compiled_first_page_is_the_readers_own(api, query_kz_uz, focal_uz, focal_kz, focal_tj):
    """The first page's statement is kept per person and rights: a person in a third country,
    reading after the parties, gets their own (empty) list, not theirs."""
    assert _as(api, focal_uz).get("/api/v1/queries/").json()["count"] == 1
    assert _as(api, focal_kz).get("/api/v1/queries/").json()["count"] == 1
    listed = _as(api, focal_tj).get("/api/v1/queries/").json()
    assert listed["count"] == 0
    assert listed["results"] == []
