"""A container number is read the same way by a seizure report (form, API, import) as by a
query: a spelling a query accepts, a report accepts, stored in the same compact form; a
spelling a query refuses, a report refuses."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from seizures.models import SeizureReport
from tests.factories.exchange import file_query

from .conftest import csv_bytes, row

pytestmark = pytest.mark.django_db

PUNCTUATED = "CSQU.305438-3"
COMPACT = "CSQU3054383"


def _through_the_form(client):
    return client.post(
        reverse("seizures:report-new"),
        {
            "reference": "KZ-C-1",
            "member": "KZ",
            "seized_on": "2024-02-01",
            "transport_mode": "sea-container",
            "container_number": PUNCTUATED,
            "commodity": "heroin",
            "quantity": "12",
            "unit": "kg",
            "sharing": "national",
            "persons_detained": "0",
        },
    )


def _through_the_api(client):
    return client.post(
        reverse("seizure-list"),
        {
            "reference": "KZ-C-1",
            "member": "KZ",
            "seized_on": "2024-02-01",
            "transport_mode": "sea-container",
            "container_number": PUNCTUATED,
            "commodity": "heroin",
            "quantity": "12",
            "unit": "kg",
            "sharing": "national",
        },
        content_type="application/json",
    )


def _through_an_import(client):
    content = csv_bytes([row(reference="KZ-C-1", container_number=PUNCTUATED)])
    upload = SimpleUploadedFile("seizures.csv", content, content_type="text/csv")
    return client.post(reverse("seizure-import-file"), {"file": upload})


@pytest.mark.parametrize(
    ("send", "status"),
    [(_through_the_form, 302), (_through_the_api, 201), (_through_an_import, 201)],
    ids=["form", "api", "csv-import"],
)
def test_a_punctuated_container_number_is_accepted_and_stored_compact(
    client, analyst_kz, send, status
):
    client.force_login(analyst_kz)
    response = send(client)
    assert response.status_code == status, response.content
    assert SeizureReport.objects.get(reference="KZ-C-1").container_number == COMPACT


@pytest.mark.parametrize(
    "spelling", ["CSQU.305438-3", "csqu 305438/3", "CSQU-305438.3", "CSQU.305438-4", "CSQU_3054383"]
)
def test_a_report_accepts_a_container_spelling_exactly_when_a_query_does(
    client, analyst_kz, focal_kz, uz, spelling
):
    try:
        query = file_query(focal_kz, container_numbers=[spelling])
    except ValidationError as error:
        assert "container_numbers" in error.message_dict
        query_number = None
    else:
        query_number = query.containers.get().number
    client.force_login(analyst_kz)
    response = client.post(
        reverse("seizure-list"),
        {
            "reference": "KZ-C-2",
            "member": "KZ",
            "seized_on": "2024-02-01",
            "transport_mode": "sea-container",
            "container_number": spelling,
            "commodity": "heroin",
            "quantity": "12",
            "unit": "kg",
            "sharing": "national",
        },
        content_type="application/json",
    )
    if query_number is None:
        assert response.status_code == 400
        assert "ISO 6346" in " ".join(response.json()["container_number"])
        assert not SeizureReport.objects.exists()
    else:
        assert response.status_code == 201, response.content
        assert SeizureReport.objects.get().container_number == query_number == COMPACT
