"""Browser pages: inbox (fixed SQL count, filters, overdue and unread), filing form errors,
the query page and its actions, notifications and the bell."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from exchange.models import Alert, AlertChannel, Query, QueryRecipient
from tests.factories.exchange import VALID_CONTAINER, WRONG_CHECK_DIGIT, file_query

pytestmark = pytest.mark.django_db

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


def test_inbox_uses_a_fixed_number_of_queries_whatever_the_page_size(
    client, focal_kz, uz, django_assert_max_num_queries
):
    for _ in range(2):
        file_query(focal_kz)
    client.force_login(focal_kz)
    url = reverse("exchange:inbox")
    client.get(url)  # warm the session
    with django_assert_max_num_queries(20) as few:
        client.get(url, {"per_page": 1})
    for _ in range(10):
        file_query(focal_kz)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url, {"per_page": 100})
    assert len(response.context["page"]) == 12


def test_inbox_marks_overdue_queries(client, focal_kz, focal_uz):
    query = file_query(focal_kz)
    Query.objects.filter(pk=query.pk).update(
        created_at=timezone.now() - timedelta(days=1), due_at=timezone.now() - timedelta(hours=1)
    )
    client.force_login(focal_uz)
    response = client.get(reverse("exchange:inbox"), {"status": "overdue"})
    row = response.context["page"][0]
    assert row.is_overdue is True
    assert b'class="overdue' in response.content


def test_inbox_marks_unread_queries(client, focal_kz, focal_uz, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        file_query(focal_kz)
    client.force_login(focal_uz)
    response = client.get(reverse("exchange:inbox"), {"unread": "on"})
    assert response.context["page"][0].is_unread is True


def test_inbox_outgoing_and_incoming_boxes(client, focal_kz, focal_uz):
    query = file_query(focal_kz)
    client.force_login(focal_uz)
    incoming = client.get(reverse("exchange:inbox"), {"box": "incoming"}).context["page"]
    outgoing = client.get(reverse("exchange:inbox"), {"box": "outgoing"}).context["page"]
    assert [q.pk for q in incoming] == [query.pk]
    assert list(outgoing) == []


def test_inbox_search_finds_by_container_number(client, focal_kz, focal_uz):
    query = file_query(focal_kz)
    file_query(focal_kz, container_numbers=[])
    client.force_login(focal_uz)
    response = client.get(reverse("exchange:inbox"), {"q": "csqu 305438 3"})
    assert [q.pk for q in response.context["page"]] == [query.pk]


def test_filing_form_shows_check_digit_error_on_the_field(client, focal_kz, uz):
    client.force_login(focal_kz)
    response = client.post(
        reverse("exchange:file"), {**FORM, "container_numbers": WRONG_CHECK_DIGIT}
    )
    assert response.status_code == 200
    assert "check digit" in response.context["form"].errors["container_numbers"][0]
    assert b'data-field="container_numbers"' in response.content
    assert Query.objects.count() == 0


def test_filing_form_without_recipient_names_the_field(client, focal_kz, uz):
    client.force_login(focal_kz)
    response = client.post(reverse("exchange:file"), {**FORM, "recipients": []})
    assert "recipients" in response.context["form"].errors
    assert Query.objects.count() == 0


def test_filing_form_files_and_redirects_to_the_query(client, focal_kz, uz):
    client.force_login(focal_kz)
    response = client.post(reverse("exchange:file"), FORM)
    query = Query.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("exchange:detail", args=[query.pk])
    assert list(query.containers.values_list("number", flat=True)) == [VALID_CONTAINER]


def test_filing_form_is_404_for_analysts(client, analyst_kz):
    client.force_login(analyst_kz)
    assert client.get(reverse("exchange:file")).status_code == 404


def test_query_page_shows_handling_code_first(client, query_kz_uz, focal_uz):
    client.force_login(focal_uz)
    content = client.get(reverse("exchange:detail", args=[query_kz_uz.pk])).content.decode()
    main = content[content.index("<main") :]
    assert main.index('data-testid="handling"') < main.index("<h1>")
    assert "H2: not to be passed on" in main


def test_opening_the_query_marks_its_notifications_read(
    client, focal_kz, focal_uz, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        query = file_query(focal_kz)
    client.force_login(focal_uz)
    assert client.get(reverse("exchange:inbox")).context["exchange_bell"]["unread"] == 1
    client.get(reverse("exchange:detail", args=[query.pk]))
    assert not Alert.objects.filter(
        recipient=focal_uz, channel=AlertChannel.PORTAL, read_at__isnull=True
    ).exists()


def test_acknowledge_and_reply_from_the_page(client, query_kz_uz, focal_uz):
    client.force_login(focal_uz)
    client.post(reverse("exchange:acknowledge", args=[query_kz_uz.pk]))
    assert QueryRecipient.objects.get().state == "acknowledged"
    client.post(reverse("exchange:reply", args=[query_kz_uz.pk]), {"body": "Nothing found."})
    assert QueryRecipient.objects.get().state == "answered"
    response = client.get(reverse("exchange:detail", args=[query_kz_uz.pk]))
    assert b"Nothing found." in response.content


def test_reply_to_closed_query_from_the_page_is_refused(client, query_kz_uz, focal_kz, focal_uz):
    client.force_login(focal_kz)
    client.post(reverse("exchange:close", args=[query_kz_uz.pk]), {"outcome": "withdrawn"})
    client.force_login(focal_uz)
    response = client.post(
        reverse("exchange:reply", args=[query_kz_uz.pk]), {"body": "Late"}, follow=True
    )
    assert any("is closed" in str(m) for m in response.context["messages"])
    assert query_kz_uz.replies.count() == 0


def test_notifications_page_lists_own_notifications(
    client, focal_kz, focal_uz, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        query = file_query(focal_kz)
    client.force_login(focal_uz)
    response = client.get(reverse("exchange:notifications"))
    assert query.reference.encode() in response.content
    assert b'data-testid="bell-count">1<' in response.content


def test_export_starts_with_handling_code_and_evaluation(client, query_kz_uz, focal_uz):
    client.force_login(focal_uz)
    response = client.get(reverse("exchange:export", args=[query_kz_uz.pk]))
    lines = response.content.decode().splitlines()
    assert lines[0].startswith("HANDLING: H2")
    assert lines[1].startswith("EVALUATION: B2")
    assert VALID_CONTAINER in response.content.decode()


def test_third_country_gets_404_on_export(client, query_kz_uz, focal_tj):
    client.force_login(focal_tj)
    assert client.get(reverse("exchange:export", args=[query_kz_uz.pk])).status_code == 404


def test_query_page_links_the_seizure_report_that_names_it(client, focal_kz, focal_uz, uz):
    from tests.factories.seizures import SeizureReportFactory

    query = file_query(focal_kz, kind="risk-alert")
    report = SeizureReportFactory(reporting_member=uz, query=query, sharing="national")
    client.force_login(focal_uz)
    response = client.get(reverse("exchange:detail", args=[query.pk]))
    assert reverse("seizures:report-detail", args=[report.pk]).encode() in response.content


def test_query_page_hides_a_national_seizure_report_of_another_member(client, focal_kz, uz):
    from tests.factories.seizures import SeizureReportFactory

    query = file_query(focal_kz, kind="risk-alert")
    report = SeizureReportFactory(reporting_member=uz, query=query, sharing="national")
    client.force_login(focal_kz)
    response = client.get(reverse("exchange:detail", args=[query.pk]))
    assert reverse("seizures:report-detail", args=[report.pk]).encode() not in response.content


def test_filing_form_stores_an_attachment_only_parties_download(
    client, focal_kz, focal_uz, focal_tj, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    client.force_login(focal_kz)
    upload = SimpleUploadedFile("bill.pdf", b"%PDF-1.4 bill of lading", "application/pdf")
    client.post(reverse("exchange:file"), {**FORM, "attachments": [upload]})
    attachment = Query.objects.get().attachments.get()
    url = reverse("exchange:attachment", args=[attachment.query_id, attachment.pk])
    client.force_login(focal_uz)
    assert client.get(url).status_code == 200
    client.force_login(focal_tj)
    assert client.get(url).status_code == 404
