"""Keyset (cursor) pages of the report list and the API lists: every row once, in order, with
``next`` / ``previous`` links; numbered pages for ``?page=`` and for other sorts."""

import datetime

import pytest
from django.urls import reverse
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from core.pagination import KeysetPagination
from seizures.models import SeizureReport
from tests.factories.seizures import SeizureReportFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reports(kz, uz):
    """Eleven visible reports, several on the same day (the cursor must break ties), and one
    national report of UZ that KZ must never page through."""
    made = []
    for n in range(11):
        made.append(
            SeizureReportFactory(
                reporting_member=kz,
                reference=f"P-{n}",
                seized_on=datetime.date(2024, 1, 1 + n // 3),
            )
        )
    SeizureReportFactory(reporting_member=uz, reference="UZ-SECRET", sharing="national")
    return made


def _expected(analyst):
    from seizures import selectors

    return list(selectors.seizure_list(user=analyst).values_list("reference", flat=True))


def _walk(client, url, params):
    """Follow ``next`` to the end. The first page gives ``count`` (clients read it there);
    deeper pages, found by cursor, never count."""
    seen, pages, response = [], 0, client.get(url, params)
    count = response.json()["count"]
    while True:
        body = response.json()
        if pages:
            assert "count" not in body
        seen += [r["reference"] for r in body["results"]]
        pages += 1
        if not body["next"]:
            assert count == len(seen)
            return seen, pages
        assert "cursor=" in body["next"]
        response = client.get(body["next"])


def test_api_cursor_pages_give_every_report_once_in_order(client, analyst_kz, reports):
    client.force_login(analyst_kz)
    seen, pages = _walk(client, reverse("seizure-list"), {"page_size": 3})
    assert seen == _expected(analyst_kz)
    assert len(seen) == 11 and "UZ-SECRET" not in seen
    assert pages == 4


def test_api_previous_link_goes_back_a_page(client, analyst_kz, reports):
    client.force_login(analyst_kz)
    first = client.get(reverse("seizure-list"), {"page_size": 4}).json()
    assert first["previous"] is None
    second = client.get(first["next"]).json()
    back = client.get(second["previous"]).json()
    assert [r["reference"] for r in back["results"]] == [r["reference"] for r in first["results"]]


def test_api_cursor_keeps_the_filters(client, analyst_kz, reports):
    client.force_login(analyst_kz)
    seen, _ = _walk(client, reverse("seizure-list"), {"page_size": 2, "to": "2024-01-02"})
    assert seen == [f"P-{n}" for n in (5, 4, 3, 2, 1, 0)]


def test_api_numbered_page_still_answers_with_a_count(client, analyst_kz, reports):
    client.force_login(analyst_kz)
    body = client.get(reverse("seizure-list"), {"page": 2, "page_size": 5}).json()
    assert body["count"] == 11
    assert [r["reference"] for r in body["results"]] == _expected(analyst_kz)[5:10]


def test_deep_cursor_page_takes_the_same_queries_as_the_first(
    client, analyst_kz, reports, django_assert_max_num_queries
):
    client.force_login(analyst_kz)
    with django_assert_max_num_queries(8) as first:
        body = client.get(reverse("seizure-list"), {"page_size": 2}).json()
    first_count = len(first.captured_queries)
    assert first_count
    for _ in range(4):
        body = client.get(body["next"]).json()
    with django_assert_max_num_queries(first_count):
        client.get(body["next"])


def test_another_sort_falls_back_to_numbered_pages():
    """A FilterSet's OrderingFilter may sort on a column the keyset does not follow: the
    chosen order is kept, paged by offset."""
    paginator = KeysetPagination()
    paginator.ordering = ("-seized_on", "-pk")
    paginator.page_size = 2
    request = Request(APIRequestFactory().get("/api/v1/seizures/"))
    SeizureReportFactory(reference="B")
    SeizureReportFactory(reference="A")
    SeizureReportFactory(reference="C")
    rows = paginator.paginate_queryset(SeizureReport.objects.order_by("reference"), request)
    assert [r.reference for r in rows] == ["A", "B"]
    assert paginator.get_paginated_response([]).data["count"] == 3


def test_queries_api_pages_by_cursor(api_client_for_queries):
    client, filed = api_client_for_queries
    seen, response = [], client.get("/api/v1/queries/", {"page_size": 2})
    while True:
        body = response.json()
        seen += [r["id"] for r in body["results"]]
        if not body["next"]:
            break
        response = client.get(body["next"])
    assert seen == sorted(filed, reverse=True)


@pytest.fixture
def api_client_for_queries(client, focal_kz, uz):
    from tests.exchange.conftest import file_query

    filed = [file_query(focal_kz).pk for _ in range(5)]
    client.force_login(focal_kz)
    return client, filed


def test_browser_report_list_has_next_and_previous_links(client, analyst_kz, kz):
    for n in range(60):
        SeizureReportFactory(
            reporting_member=kz, reference=f"L-{n:02d}", seized_on=datetime.date(2024, 2, 1)
        )
    client.force_login(analyst_kz)
    first = client.get(reverse("seizures:report-list"), {"member": "KZ"})
    assert len(first.context["page"]) == 50 and first.context["previous_url"] is None
    next_url = first.context["next_url"]
    assert next_url.startswith("?") and "cursor=" in next_url and "member=KZ" in next_url
    assert f'href="{next_url}"'.replace("&", "&amp;") in first.content.decode()
    second = client.get(reverse("seizures:report-list") + next_url)
    assert len(second.context["page"]) == 10 and second.context["next_url"] is None
    assert second.context["previous_url"]
    seen = {r.reference for r in first.context["page"]} | {
        r.reference for r in second.context["page"]
    }
    assert len(seen) == 60
