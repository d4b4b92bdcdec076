"""A seizure linked to an urgent query shows the query only to those who may see it."""

import pytest
from django.urls import reverse

from seizures.models import SeizureReport
from tests.factories.exchange import file_query
from tests.factories.seizures import SeizureReportFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def query(focal_kz, focal_uz):
    return file_query(focal_kz, recipients=("UZ",))


@pytest.fixture
def linked(kz, query):
    return SeizureReportFactory(reporting_member=kz, sharing="network", query=query)


def test_third_country_sees_the_shared_seizure_but_not_its_query(client, analyst_tj, linked):
    client.force_login(analyst_tj)
    body = client.get(reverse("seizure-detail", args=[linked.pk])).json()
    assert body["reference"] == linked.reference
    assert body["query"] is None


def test_third_country_page_does_not_name_the_query(client, analyst_tj, linked, query):
    client.force_login(analyst_tj)
    response = client.get(reverse("seizures:report-detail", args=[linked.pk]))
    assert query.reference not in response.content.decode()


def test_party_to_the_query_sees_the_link(client, focal_uz, linked, query):
    client.force_login(focal_uz)
    body = client.get(reverse("seizure-detail", args=[linked.pk])).json()
    assert body["query"] == query.pk


def test_seizure_can_be_linked_to_a_visible_query_on_entry(client, focal_kz, query):
    client.force_login(focal_kz)
    response = client.post(
        reverse("seizure-list"),
        {
            "reference": "KZ-Q-1",
            "member": "KZ",
            "seized_on": "2024-05-01",
            "transport_mode": "sea-container",
            "commodity": "cigarettes",
            "quantity": "10000",
            "unit": "pieces",
            "query": query.pk,
        },
        content_type="application/json",
    )
    assert response.status_code == 201
    assert SeizureReport.objects.get().query_id == query.pk


def test_seizure_cannot_be_linked_to_a_query_the_author_cannot_see(
    client, focal_tj, focal_kz, query
):
    client.force_login(focal_tj)
    response = client.post(
        reverse("seizure-list"),
        {
            "reference": "TJ-Q-1",
            "member": "TJ",
            "seized_on": "2024-05-01",
            "transport_mode": "road",
            "commodity": "heroin",
            "quantity": "1",
            "unit": "kg",
            "query": query.pk,
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json() == {"query": [f"No urgent query {query.pk} is visible to you."]}
    assert not SeizureReport.objects.exists()


def test_recipient_reports_a_seizure_from_the_query_page_and_the_sender_sees_it(
    client, focal_uz, focal_kz, query
):
    client.force_login(focal_uz)
    page = client.get(reverse("exchange:detail", args=[query.pk])).content.decode()
    link = f"{reverse('seizures:report-new')}?query={query.pk}"
    assert link in page
    response = client.post(
        link,
        {
            "reference": "UZ-2026-7",
            "member": "UZ",
            "seized_on": "2026-01-10",
            "transport_mode": "sea-container",
            "commodity": "cigarettes",
            "quantity": "200000",
            "unit": "pieces",
            "sharing": "network",
            "persons_detained": "1",
        },
    )
    assert response.status_code == 302
    report = SeizureReport.objects.get(reference="UZ-2026-7")
    assert report.query_id == query.pk
    client.force_login(focal_kz)
    assert "UZ-2026-7" in client.get(reverse("exchange:detail", args=[query.pk])).content.decode()


def test_third_country_cannot_link_a_seizure_to_a_query_it_does_not_see(client, analyst_tj, query):
    client.force_login(analyst_tj)
    response = client.post(
        f"{reverse('seizures:report-new')}?query={query.pk}",
        {
            "reference": "TJ-1",
            "member": "TJ",
            "seized_on": "2026-01-10",
            "transport_mode": "road",
            "commodity": "heroin",
            "quantity": "2",
            "unit": "kg",
            "sharing": "national",
            "persons_detained": "0",
        },
    )
    assert response.status_code == 200
    # The query link is the form's only error (it has no field of its own: a form error).
    assert response.context["form"].errors == {
        "__all__": [f"No urgent query {query.pk} is visible to you."]
    }
    assert not SeizureReport.objects.filter(reference="TJ-1").exists()
