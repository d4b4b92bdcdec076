"""The report list sorts by a clicked column (``?sort=``; the API's ``?ordering=``) and
searches reference, container, concealment and notes, within what the user may see."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories.seizures import SeizureReportFactory

pytestmark = pytest.mark.django_db


def _references(response) -> list[str]:
    content = response.content.decode()
    table = content[content.index('id="report-table"') :]
    return [c.split("<", 1)[0].split(">")[-1] for c in table.split("/reports/")[1:]]


@pytest.fixture
def reports(kz, uz):
    SeizureReportFactory(
        reporting_member=kz,
        reference="KZ-A",
        seized_on=datetime.date(2024, 1, 5),
        quantity=Decimal("585"),
        concealment="inside tyres",
    )
    SeizureReportFactory(
        reporting_member=kz,
        reference="KZ-B",
        seized_on=datetime.date(2024, 3, 1),
        quantity=Decimal("2"),
        container_number="CSQU3054383",
        notes="Tip-off from the Tashkent office",
    )
    SeizureReportFactory(
        reporting_member=kz,
        reference="KZ-C",
        seized_on=datetime.date(2023, 7, 9),
        quantity=Decimal("40"),
    )
    # UZ keeps this one to itself: it must never be found by KZ, by search or by sort.
    SeizureReportFactory(
        reporting_member=uz,
        reference="UZ-SECRET",
        sharing="national",
        concealment="inside tyres",
    )


def test_report_list_sorts_by_quantity_both_ways(client, analyst_kz, reports):
    client.force_login(analyst_kz)
    url = reverse("seizures:report-list")
    assert _references(client.get(url, {"sort": "quantity"})) == ["KZ-B", "KZ-C", "KZ-A"]
    assert _references(client.get(url, {"sort": "-quantity"})) == ["KZ-A", "KZ-C", "KZ-B"]
    # The default stays newest first.
    assert _references(client.get(url)) == ["KZ-B", "KZ-A", "KZ-C"]


def test_report_list_header_marks_the_active_sort(client, analyst_kz, reports):
    client.force_login(analyst_kz)
    content = client.get(reverse("seizures:report-list"), {"sort": "-seized_on"}).content
    header = content.decode().split('data-sort="seized_on"')[0][-200:]
    assert 'aria-sort="descending"' in header and "sort=seized_on" in header


def test_search_finds_reference_container_concealment_and_notes(client, analyst_kz, reports):
    client.force_login(analyst_kz)
    url = reverse("seizures:report-list")
    assert _references(client.get(url, {"q": "kz-c"})) == ["KZ-C"]
    assert _references(client.get(url, {"q": "csqu 305"})) == ["KZ-B"]
    assert _references(client.get(url, {"q": "TYRES"})) == ["KZ-A"]
    assert _references(client.get(url, {"q": "tashkent"})) == ["KZ-B"]


def test_search_stays_within_what_the_user_may_see(client, analyst_kz, analyst_tj, reports):
    client.force_login(analyst_kz)
    found = client.get(reverse("seizures:report-list"), {"q": "tyres"}).content
    assert b"UZ-SECRET" not in found
    client.force_login(analyst_tj)
    assert b"UZ-SECRET" not in client.get(reverse("seizures:report-list"), {"q": "secret"}).content


def test_api_lists_take_ordering_and_search(client, analyst_kz, reports):
    client.force_login(analyst_kz)
    answer = client.get("/api/v1/seizures/", {"ordering": "reference", "member": "KZ"}).json()
    assert [r["reference"] for r in answer["results"]] == ["KZ-A", "KZ-B", "KZ-C"]
    answer = client.get("/api/v1/seizures/", {"q": "tyres"}).json()
    assert [r["reference"] for r in answer["results"]] == ["KZ-A"]
    assert client.get("/api/v1/seizures/", {"ordering": "created_by"}).status_code == 400


def test_export_holds_what_the_searched_list_showed(client, analyst_kz, reports):
    client.force_login(analyst_kz)
    response = client.get(reverse("seizures:export", args=["csv"]), {"q": "tyres"})
    text = b"".join(response.streaming_content).decode()
    assert "KZ-A" in text and "KZ-B" not in text and "UZ-SECRET" not in text


def test_sorted_report_list_costs_as_many_queries_for_many_rows_as_for_few(
    client, analyst_kz, kz, reports
):
    client.force_login(analyst_kz)
    url = reverse("seizures:report-list")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        response = client.get(url, {"sort": "operation", "q": "kz"})
    assert len(response.context["page"]) == 3
    for n in range(12):
        SeizureReportFactory(reporting_member=kz, reference=f"KZ-MORE-{n}")
    with CaptureQueriesContext(connection) as many:
        response = client.get(url, {"sort": "operation", "q": "kz"})
    assert len(response.context["page"]) == 15
    assert len(many.captured_queries) == len(few.captured_queries)
