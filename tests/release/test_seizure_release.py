"""KZ's network-shared seizure reports held under its release policy, one by one and as a
whole import: who sees them, the totals other members read, release and return."""

import pytest
from django.urls import reverse

from alerts.models import Alert, AlertEvent
from members.models import AuditEvent, RoleName
from seizures.models import ImportJob, SeizureReport
from seizures.services import import_job_create
from tests.factories.members import member_user
from tests.seizures.conftest import csv_bytes, row

from .conftest import api

pytestmark = pytest.mark.django_db

PAYLOAD = {
    "reference": "KZ-HELD-1",
    "member": "KZ",
    "seized_on": "2024-05-01",
    "transport_mode": "road",
    "commodity": "heroin",
    "quantity": "12.5",
    "unit": "kg",
    "origin_country": "AF",
    "destination_country": "KZ",
    "sharing": "network",
}


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def analyst2_kz(kz):
    """A colleague of the author who reads every KZ report but releases nothing."""
    return member_user(kz, RoleName.ANALYST, username="analyst2.kz")


@pytest.fixture
def held_report(kz_policy, analyst_kz, focal_kz, analyst_tj):
    response = api(analyst_kz).post("/api/v1/seizures/", PAYLOAD, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def _detail(user, pk):
    return api(user).get(f"/api/v1/seizures/{pk}/")


def _stats(user):
    body = api(user).get("/api/v1/seizures/stats/", {"group_by": "member"}).json()
    return {r["key"]: r["count"] for r in body["results"]}


def test_a_network_shared_report_under_the_policy_awaits_release(held_report):
    assert held_report["release_state"] == "awaiting_release"


def test_a_national_report_is_released_at_once(kz_policy, analyst_kz):
    response = api(analyst_kz).post(
        "/api/v1/seizures/", {**PAYLOAD, "sharing": "national"}, format="json"
    )
    assert response.json()["release_state"] == "released"


def test_another_country_gets_404_and_no_count_before_release(held_report, analyst_tj):
    assert _detail(analyst_tj, held_report["id"]).status_code == 404
    assert "KZ" not in _stats(analyst_tj)


def test_the_network_admin_gets_404_before_release(held_report, admin_user):
    assert _detail(admin_user, held_report["id"]).status_code == 404


def test_a_colleague_who_releases_nothing_gets_404(held_report, analyst2_kz):
    assert _detail(analyst2_kz, held_report["id"]).status_code == 404


def test_the_author_and_the_releaser_see_it(held_report, analyst_kz, focal_kz):
    assert _detail(analyst_kz, held_report["id"]).status_code == 200
    assert _detail(focal_kz, held_report["id"]).status_code == 200
    assert Alert.objects.filter(recipient=focal_kz, event=AlertEvent.AWAITING_RELEASE).exists()


def test_the_author_cannot_release_their_report(held_report, analyst_kz):
    response = api(analyst_kz).post(f"/api/v1/releases/seizure/{held_report['id']}/release/")
    assert response.status_code in (403, 404)
    assert SeizureReport.objects.get(pk=held_report["id"]).release_state == "awaiting_release"


def test_another_members_focal_point_cannot_release_it(held_report, focal_tj):
    response = api(focal_tj).post(f"/api/v1/releases/seizure/{held_report['id']}/release/")
    assert response.status_code == 404
    assert SeizureReport.objects.get(pk=held_report["id"]).release_state == "awaiting_release"


def test_release_shares_the_report_with_the_network(held_report, focal_kz, analyst_tj):
    response = api(focal_kz).post(f"/api/v1/releases/seizure/{held_report['id']}/release/")
    assert response.json() == {"release_state": "released"}
    assert _detail(analyst_tj, held_report["id"]).status_code == 200
    assert _stats(analyst_tj)["KZ"] == 1
    event = AuditEvent.objects.get(action="seizure.release")
    assert event.actor_id == focal_kz.pk


def test_return_keeps_the_report_home_and_tells_the_author(held_report, focal_kz, analyst_kz):
    response = api(focal_kz).post(
        f"/api/v1/releases/seizure/{held_report['id']}/return/",
        {"note": "Check the quantity."},
        format="json",
    )
    assert response.json() == {"release_state": "returned"}
    alert = Alert.objects.get(recipient=analyst_kz, event=AlertEvent.RETURNED, channel="portal")
    assert alert.note == "Check the quantity." and alert.release_kind == "seizure"
    assert AuditEvent.objects.filter(action="seizure.return").exists()


def test_the_report_page_shows_who_released_it(held_report, focal_kz, analyst_kz, client):
    api(focal_kz).post(f"/api/v1/releases/seizure/{held_report['id']}/release/")
    client.force_login(analyst_kz)
    page = client.get(reverse("seizures:report-detail", args=[held_report["id"]]))
    assert 'data-testid="released-by"' in page.content.decode()
    assert "focal.kz" in page.content.decode()


# --- A whole import -----------------------------------------------------------------------------


@pytest.fixture
def held_import(kz_policy, analyst_kz, focal_kz, django_capture_on_commit_callbacks):
    content = csv_bytes(
        [
            row(reference="KZ-IMP-1"),
            row(reference="KZ-IMP-2", container_number=""),
            row(reference="KZ-IMP-3", sharing="national", container_number=""),
        ]
    )
    with django_capture_on_commit_callbacks(execute=True):
        job = import_job_create(user=analyst_kz, content=content, filename="kz.csv")
    return ImportJob.objects.get(pk=job.pk)


def test_an_import_awaits_release_as_one_job_with_a_summary(held_import, focal_kz):
    assert held_import.release_state == "awaiting_release" and held_import.held == 2
    rows = api(focal_kz).get("/api/v1/releases/").json()
    assert [(r["kind"], r["id"]) for r in rows] == [("seizure_import", held_import.pk)]
    assert "2" in rows[0]["summary"] and "3" in rows[0]["summary"]
    states = dict(SeizureReport.objects.values_list("reference", "release_state"))
    assert states == {
        "KZ-IMP-1": "awaiting_release",
        "KZ-IMP-2": "awaiting_release",
        "KZ-IMP-3": "released",
    }


def test_a_held_import_is_released_whole(held_import, focal_kz, analyst_tj):
    assert "KZ" not in _stats(analyst_tj)
    response = api(focal_kz).post(f"/api/v1/releases/seizure_import/{held_import.pk}/release/")
    assert response.json() == {"release_state": "released"}
    assert _stats(analyst_tj)["KZ"] == 2
    assert not SeizureReport.objects.exclude(release_state="released").exists()


def test_one_report_of_a_held_import_is_not_released_on_its_own(held_import, focal_kz):
    pk = SeizureReport.objects.get(reference="KZ-IMP-1").pk
    assert api(focal_kz).post(f"/api/v1/releases/seizure/{pk}/release/").status_code == 404


def test_the_uploader_cannot_release_their_import(held_import, analyst_kz):
    response = api(analyst_kz).post(f"/api/v1/releases/seizure_import/{held_import.pk}/release/")
    assert response.status_code == 403
    held_import.refresh_from_db()
    assert held_import.release_state == "awaiting_release"


def test_the_releaser_opens_the_import_page_with_its_summary(held_import, focal_kz, client):
    client.force_login(focal_kz)
    page = client.get(reverse("seizures:import-job", args=[held_import.pk])).content.decode()
    assert 'data-testid="import-release-summary"' in page and 'data-testid="release-button"' in page
