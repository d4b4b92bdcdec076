"""An identifier of an item awaiting release raises no hit outside its member until it is
released: it is not in the index at all."""

import datetime

import pytest

from matching.models import Hit, IdentifierEntry
from members.releases import release_policy_set
from seizures.matching import seizure_report_index
from tests.factories.seizures import SeizureReportFactory

from .conftest import api, file_api

pytestmark = pytest.mark.django_db

CONTAINER = "CSQU3054383"


@pytest.fixture
def kz_policy(kz, admin_kz, uz, tj):
    """H1 matches both ways (H2 only with its parties): KZ holds H1 queries here."""
    return release_policy_set(
        member=kz, actor=admin_kz, kinds=["query", "seizure"], handling_codes=["H1", "H2"]
    )


@pytest.fixture
def uz_report(uz):
    """UZ's own report naming the container (UZ learns of matches with it)."""
    report = SeizureReportFactory(
        reporting_member=uz,
        reference="UZ-0001",
        sharing="national",
        container_number=CONTAINER,
        seized_on=datetime.date(2026, 5, 12),
    )
    seizure_report_index(report=report)
    return report


def test_a_held_query_raises_no_hit_until_released(kz_policy, uz_report, officer_kz, focal_kz):
    response = file_api(
        officer_kz, recipients=["TJ"], container_numbers=[CONTAINER], handling_code="H1"
    )
    assert response.json()["release_state"] == "awaiting_release"
    query_id = response.json()["id"]
    assert not IdentifierEntry.objects.filter(record_type="query", record_id=query_id).exists()
    assert not Hit.objects.filter(for_member__code="UZ").exists()
    assert not Hit.objects.filter(holder_member__code="KZ").exists()

    api(focal_kz).post(f"/api/v1/releases/query/{query_id}/release/")
    assert IdentifierEntry.objects.filter(record_type="query", record_id=query_id).exists()
    assert Hit.objects.filter(for_member__code="UZ", holder_member__code="KZ").exists()


def test_a_returned_query_never_raises_a_hit(kz_policy, uz_report, officer_kz, focal_kz):
    query_id = file_api(
        officer_kz, recipients=["TJ"], container_numbers=[CONTAINER], handling_code="H1"
    ).json()["id"]
    api(focal_kz).post(f"/api/v1/releases/query/{query_id}/return/", {"note": "No."}, format="json")
    assert not Hit.objects.filter(holder_member__code="KZ").exists()


def test_a_held_report_raises_no_hit_until_released(kz_policy, uz_report, analyst_kz, focal_kz):
    payload = {
        "reference": "KZ-HELD-9",
        "member": "KZ",
        "seized_on": "2026-05-01",
        "transport_mode": "sea-container",
        "commodity": "heroin",
        "quantity": "5",
        "unit": "kg",
        "sharing": "network",
        "container_number": CONTAINER,
    }
    report_id = api(analyst_kz).post("/api/v1/seizures/", payload, format="json").json()["id"]
    assert not Hit.objects.filter(holder_member__code="KZ").exists()
    api(focal_kz).post(f"/api/v1/releases/seizure/{report_id}/release/")
    assert Hit.objects.filter(for_member__code="UZ", holder_member__code="KZ").exists()
