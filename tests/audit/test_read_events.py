"""Reads, downloads and exports through the real pages and API leave exactly one event."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from exchange.models import Query
from tests.factories.exchange import file_query
from tests.factories.seizures import SeizureReportFactory

from .conftest import events, only_event


def test_query_page_read_is_recorded_once_per_hour(client, focal_uz, query_kz_uz):
    client.force_login(focal_uz)
    url = reverse("exchange:detail", args=[query_kz_uz.pk])
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200
    event = only_event("query.read")
    assert event.actor == focal_uz and event.actor_member.code == "UZ"
    assert (event.object_type, event.object_id) == ("query", query_kz_uz.pk)
    assert event.object_reference == query_kz_uz.reference
    assert event.member_codes == ["KZ", "UZ"]


def test_query_page_read_costs_one_statement(
    client, focal_uz, query_kz_uz, django_assert_num_queries, settings
):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # cache.clear() below is for the audit's read dedupe; the rights and vocabulary caches
    # (members.caching) and cached sessions (with Redis) are kept out of the comparison.
    settings.PERMISSIONS_CACHE_SECONDS = 0
    settings.VOCABULARY_CACHE_SECONDS = 0
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    client.force_login(focal_uz)
    url = reverse("exchange:detail", args=[query_kz_uz.pk])
    client.get(url)  # warm the session and caches
    with CaptureQueriesContext(connection) as deduplicated:
        client.get(url)
    cache.clear()
    with CaptureQueriesContext(connection) as recorded:
        client.get(url)
    assert len(recorded) - len(deduplicated) == 1
    assert "INSERT INTO" in [q["sql"] for q in recorded if "members_auditevent" in q["sql"]][0]


def test_a_third_country_reading_nothing_records_nothing(client, focal_tj, query_kz_uz):
    client.force_login(focal_tj)
    assert client.get(reverse("exchange:detail", args=[query_kz_uz.pk])).status_code == 404
    assert events("query.read") == []


def test_api_query_detail_read_is_recorded(client, focal_uz, query_kz_uz):
    client.force_login(focal_uz)
    response = client.get(f"/api/v1/queries/{query_kz_uz.pk}/", HTTP_X_REQUEST_ID="req-api-0001")
    assert response.status_code == 200
    event = only_event("query.read")
    assert event.actor == focal_uz and event.object_id == query_kz_uz.pk
    assert event.member_codes == ["KZ", "UZ"] and event.request_id == "req-api-0001"


def test_query_text_export_is_recorded(client, focal_uz, query_kz_uz):
    client.force_login(focal_uz)
    assert client.get(reverse("exchange:export", args=[query_kz_uz.pk])).status_code == 200
    event = only_event("query.export")
    assert event.actor == focal_uz and event.object_id == query_kz_uz.pk
    assert event.member_codes == ["KZ", "UZ"]


@pytest.fixture
def query_with_attachment(focal_kz, focal_uz):
    upload = SimpleUploadedFile("bill.pdf", b"%PDF-1.4 bill of lading", "application/pdf")
    query = file_query(focal_kz, recipients=["UZ"], attachments=[upload])
    return Query.objects.get(pk=query.pk)


@pytest.mark.parametrize("through", ["page", "api"])
def test_attachment_download_is_recorded(client, focal_uz, query_with_attachment, through):
    attachment = query_with_attachment.attachments.get()
    client.force_login(focal_uz)
    if through == "page":
        url = reverse("exchange:attachment", args=[query_with_attachment.pk, attachment.pk])
    else:
        url = f"/api/v1/queries/{query_with_attachment.pk}/attachments/{attachment.pk}/"
    response = client.get(url)
    assert response.status_code == 200, url
    b"".join(response.streaming_content)
    event = only_event("attachment.download")
    assert event.actor == focal_uz
    assert (event.object_type, event.object_id) == ("attachment", attachment.pk)
    assert event.object_reference == query_with_attachment.reference
    assert event.member_codes == ["KZ", "UZ"]


@pytest.fixture
def report_kz(kz):
    return SeizureReportFactory(reporting_member=kz, sharing="network", reference="KZ-SZ-1")


def test_seizure_report_page_read_is_recorded(client, focal_uz, report_kz):
    client.force_login(focal_uz)
    url = reverse("seizures:report-detail", args=[report_kz.pk])
    assert client.get(url).status_code == 200
    client.get(url)
    event = only_event("seizure.read")
    assert event.actor == focal_uz
    assert (event.object_type, event.object_id) == ("seizure_report", report_kz.pk)
    assert event.member_codes == ["KZ"]


def test_seizure_report_api_read_is_recorded(client, focal_uz, report_kz):
    client.force_login(focal_uz)
    assert client.get(f"/api/v1/seizures/{report_kz.pk}/").status_code == 200
    assert only_event("seizure.read").object_id == report_kz.pk


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_seizure_export_is_recorded_with_filters_and_row_count(client, focal_uz, kz, fmt):
    for n in range(3):
        SeizureReportFactory(reporting_member=kz, sharing="network", reference=f"KZ-E-{n}")
    client.force_login(focal_uz)
    response = client.get(reverse("seizures:export", args=[fmt]), {"member": "KZ"})
    assert response.status_code == 200
    if fmt == "csv":
        b"".join(response.streaming_content)
    event = only_event("seizures.export")
    assert event.actor == focal_uz
    assert event.detail["rows"] == 3 and event.detail["format"] == fmt
    assert event.detail["filters"] == {"member": "KZ"}
