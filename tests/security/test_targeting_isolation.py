"""A sending member never learns the receiver's national profiles, not even by name: GE files a
notice that UZ's national profile turns red; GE's focal point, officer, analyst and member
admin then look through every channel: the notice (API and page), the boards, the profiles
API and the targeting pages, their alerts and mails, and the audit trail. UZ's name and
reason of the profile appear in none of them (while UZ's officer does read them, so the
test can fail)."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from alerts.emails import alert_email_render
from alerts.models import Alert
from members.models import AuditEvent, RoleName
from targeting import services
from targeting.models import RiskProfile
from tests.arrivals.conftest import (  # noqa: F401 (fixtures)
    _partitions_forgotten,
    client_for,
    focal_ge,
    ge,
    notice_data,
    officer_ge,
    officer_uz,
    poti,
    tashkent,
)
from tests.factories import member_user
from tests.seizures.conftest import row

pytestmark = pytest.mark.django_db

NAME = "SAFFRON-PROFILE-3c1e"
REASON = "SAFFRON-REASON-hotline-tip-9d02"


@pytest.fixture
def world(ge, poti, uz, tashkent, officer_ge, focal_ge, officer_uz, focal_uz):  # noqa: F811
    analyst_uz = member_user(uz, RoleName.ANALYST, username="analyst.uz")
    profile = client_for(analyst_uz).post(
        "/api/v1/profiles/",
        {
            "name": NAME,
            "description": REASON,
            "scope": "national",
            "lane": "red",
            "active": True,
            "valid_until": (timezone.localdate() + timedelta(days=3)).isoformat(),
            "criteria": [{"field": "place_of_loading", "op": "in", "value": ["GEPTI"]}],
        },
        format="json",
    )
    assert profile.status_code == 201
    filed = client_for(officer_ge).post("/api/v1/arrivals/", notice_data(), format="json")
    notice_id = filed.json()["id"]
    # The receiving side records a seizure: the outcome goes back to GE.
    from seizures.services import seizure_report_create

    report = seizure_report_create(
        user=officer_uz,
        data=row(reference="UZ-2026-555", member="UZ", destination_country="UZ"),
    )
    closed = client_for(officer_uz).post(
        f"/api/v1/arrivals/{notice_id}/outcome/",
        {"outcome": "seizure", "seizure_report": report.pk},
        format="json",
    )
    assert closed.status_code == 200
    services.profiles_expiry_remind()  # the profile ends in 3 days: UZ is reminded
    return {
        "notice_id": notice_id,
        "profile_id": profile.json()["id"],
        "ge_people": [
            officer_ge,
            focal_ge,
            member_user(ge, RoleName.ANALYST, username="analyst.ge"),
            member_user(ge, RoleName.MEMBER_ADMIN, username="admin.ge"),
        ],
        "officer_uz": officer_uz,
    }


def _leaks(text: str) -> bool:
    return NAME in text or REASON in text


def test_the_receiving_officer_reads_the_profile_in_the_reasons(world):
    body = client_for(world["officer_uz"]).get(f"/api/v1/arrivals/{world['notice_id']}/")
    assert _leaks(body.content.decode())
    browser = Client()
    browser.force_login(world["officer_uz"])
    assert _leaks(browser.get(f"/arrivals/{world['notice_id']}/").content.decode())


def test_no_sending_person_sees_the_profile_through_the_api(world):
    notice_id, profile_id = world["notice_id"], world["profile_id"]
    for person in world["ge_people"]:
        api = client_for(person)
        for url in (
            f"/api/v1/arrivals/{notice_id}/",
            "/api/v1/arrivals/?direction=outgoing",
            "/api/v1/arrivals/",
            "/api/v1/profiles/",
            "/api/v1/profiles/?scope=national",
        ):
            response = api.get(url)
            assert not _leaks(response.content.decode()), (person, url)
            assert "screening" not in response.content.decode(), (person, url)
        assert api.get(f"/api/v1/profiles/{profile_id}/").status_code == 404
        assert api.get(f"/api/v1/profiles/{profile_id}/versions/").status_code == 404


def test_no_sending_person_sees_the_profile_through_the_pages(world):
    notice_id, profile_id = world["notice_id"], world["profile_id"]
    for person in world["ge_people"]:
        browser = Client()
        browser.force_login(person)
        for url in (
            f"/arrivals/{notice_id}/",
            "/arrivals/?direction=outgoing",
            "/targeting/",
            "/queries/notifications/",
        ):
            response = browser.get(url)
            assert response.status_code in (200, 404), (person, url)
            assert not _leaks(response.content.decode()), (person, url)
        assert browser.get(f"/targeting/{profile_id}/").status_code == 404


def test_no_sending_person_is_alerted_about_the_profile(world):
    ge_ids = [p.pk for p in world["ge_people"]]
    assert RiskProfile.objects.get().expiry_reminded_for is not None  # UZ was reminded
    assert not Alert.objects.filter(recipient_id__in=ge_ids, subject_type="riskprofile").exists()
    alerts = Alert.objects.filter(recipient_id__in=ge_ids)
    assert alerts.filter(event="arrival-outcome").exists()  # GE is told of the outcome
    for alert in alerts.filter(channel="email"):
        message = alert_email_render(alert)
        assert not _leaks(message.subject + message.body)
        assert "red" not in message.body.lower().split()
    for alert in alerts:
        assert not _leaks(alert.subject_reference)


def test_the_sending_member_admin_finds_no_profile_in_the_audit_trail(world):
    admin_ge = world["ge_people"][3]
    events = client_for(admin_ge).get("/api/v1/audit/?page_size=200").json()["results"]
    assert events, "GE's admin sees GE's own events"
    assert not any(e["object_type"] == "riskprofile" for e in events)
    assert not _leaks(str(events))
    # And nothing anywhere in the trail names the profile (not even for UZ's admins).
    for event in AuditEvent.objects.all():
        assert not _leaks(f"{event.object_reference} {event.detail}")
