"""The secretariat sees no content, in the audit trail too.

A network admin reading the audit trail (``GET /api/v1/audit/``, ``/members/audit/`` and its
CSV) gets the content events (lookups, query reads, alert mails, ...) without their object,
reference and detail, and no email address anywhere; a search by reference finds none of them.
KZ's member admin still reads their own member's events whole."""

import csv
import io

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from members.models import AuditEvent
from tests.factories.exchange import VALID_CONTAINER, file_query

pytestmark = pytest.mark.django_db

API = "/api/v1/audit/"
CONTENT_ACTIONS = {"identifier.lookup", "query.file", "query.read", "alert.email_sent"}


@pytest.fixture
def trail(smtp_server, focal_kz, focal_uz, django_capture_on_commit_callbacks):
    """KZ files a query to UZ (an alert mail goes to focal.uz), KZ looks a container up, and
    focal.uz opens the query: each through the real service or endpoint."""
    with django_capture_on_commit_callbacks(execute=True):
        query = file_query(focal_kz, recipients=["UZ"], container_numbers=[VALID_CONTAINER])
    smtp_server.wait_for(1)
    api = APIClient()
    api.force_authenticate(focal_kz)
    lookup = api.get("/api/v1/identifiers/lookup/", {"kind": "container", "value": VALID_CONTAINER})
    assert lookup.status_code == 200
    api.force_authenticate(focal_uz)
    assert api.get(f"/api/v1/queries/{query.pk}/").status_code == 200
    recorded = {e.action: e for e in AuditEvent.objects.all()}
    assert CONTENT_ACTIONS <= set(recorded)
    # What the network admin must not read is really in the trail.
    assert recorded["identifier.lookup"].detail["value"] == VALID_CONTAINER
    assert recorded["query.read"].object_reference == query.reference
    return query


def _secrets(query, *people):
    return [query.reference, VALID_CONTAINER, *(p.email for p in people), "@iren.test"]


def test_network_admin_api_shows_no_reference_detail_or_address(
    client, admin_user, focal_kz, focal_uz, trail
):
    client.force_login(admin_user)
    response = client.get(API, {"page_size": 500})
    assert response.status_code == 200
    results = response.json()["results"]
    content = [item for item in results if item["action"] in CONTENT_ACTIONS]
    assert {item["action"] for item in content} == CONTENT_ACTIONS
    for item in content:
        assert (item["object_id"], item["object_reference"], item["detail"]) == (None, None, None)
        assert item["at"]
    lookup = next(item for item in content if item["action"] == "identifier.lookup")
    # What the secretariat keeps: the action, time, actor, actor's member, members concerned.
    assert (lookup["actor"], lookup["actor_member"]) == ("focal.kz", "KZ")
    read = next(item for item in content if item["action"] == "query.read")
    assert (read["actor"], read["actor_member"]) == ("focal.uz", "UZ")
    assert read["members"] == ["KZ", "UZ"]
    text = response.content.decode()
    for secret in _secrets(trail, focal_kz, focal_uz):
        assert secret not in text, secret


def test_network_admin_csv_and_page_show_no_reference_detail_or_address(
    client, admin_user, focal_kz, focal_uz, trail
):
    client.force_login(admin_user)
    response = client.get(reverse("audit-export"))
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    content = [row for row in rows if row["action"] in CONTENT_ACTIONS]
    assert {row["action"] for row in content} == CONTENT_ACTIONS
    for row in content:
        assert (row["object_id"], row["object_reference"], row["detail"]) == ("", "", "")
    page = client.get(reverse("audit")).content.decode()
    assert "identifier.lookup" in page
    for secret in _secrets(trail, focal_kz, focal_uz):
        assert secret not in text, secret
        assert secret not in page, secret


def test_network_admin_cannot_find_content_events_by_reference(client, admin_user, trail):
    client.force_login(admin_user)
    by_reference = client.get(API, {"object": trail.reference}).json()["results"]
    by_id = client.get(API, {"object": trail.pk, "object_type": "query"}).json()["results"]
    page = client.get(reverse("audit"), {"object": trail.reference})
    assert by_reference == [] and by_id == []
    assert list(page.context["events"]) == []


def test_kz_member_admin_still_reads_their_own_content_events(client, admin_kz, trail):
    client.force_login(admin_kz)
    results = client.get(API, {"page_size": 500}).json()["results"]
    by_action = {item["action"]: item for item in results}
    assert by_action["identifier.lookup"]["detail"]["value"] == VALID_CONTAINER
    assert by_action["query.read"]["object_reference"] == trail.reference
    assert by_action["query.read"]["object_id"] == trail.pk
    found = client.get(API, {"object": trail.reference}).json()["results"]
    assert {"query.file", "query.read", "alert.email_sent"} <= {item["action"] for item in found}


def test_alert_mail_event_stores_no_email_address(focal_uz, trail):
    event = AuditEvent.objects.get(action="alert.email_sent")
    assert focal_uz.email not in str(event.detail) and "@" not in str(event.detail)


def test_network_admin_reads_no_address_typed_as_a_username(client, admin_user):
    client.post(reverse("login"), {"username": "ivan.petrov@mail.kz", "password": "guess"})
    assert AuditEvent.objects.filter(actor_username="ivan.petrov@mail.kz").exists()
    client.force_login(admin_user)
    response = client.get(API, {"action": "auth.login_failed"})
    assert [item["action"] for item in response.json()["results"]] == ["auth.login_failed"]
    assert "ivan.petrov" not in response.content.decode()
    export = client.get(reverse("audit-export"), {"action": "auth.login_failed"})
    assert "ivan.petrov" not in b"".join(export.streaming_content).decode()


def test_every_content_action_recorded_anywhere_is_hidden_from_the_secretariat():
    """Each app's content events (queries, reports, notices, profiles, matching, alerts) are
    content for the audit view; membership and sign-in events are not."""
    import re
    from pathlib import Path

    from django.conf import settings

    from members.audit_permissions import audit_action_is_content

    recorded = set()
    for path in Path(settings.BASE_DIR).glob("*/**/*.py"):
        if {".venv", "tests", "migrations"} & set(path.parts):
            continue
        recorded |= set(re.findall(r'action="([a-z_]+\.[a-z_]+)"', path.read_text()))
    content_apps = ("query.", "seizure.", "arrival.", "hit.", "identifier.", "alert.")
    assert any(a.startswith("arrival.") for a in recorded)
    for action in recorded:
        if action.startswith(content_apps):
            assert audit_action_is_content(action), action
    assert not audit_action_is_content("auth.login")
    assert not audit_action_is_content("member.suspended")
