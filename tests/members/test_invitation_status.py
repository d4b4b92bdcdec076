"""The people list says whether each invitation is pending, accepted or expired, and a
member admin can resend it (their own people only)."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from members.models import RoleName
from tests.factories.members import member_user

pytestmark = pytest.mark.django_db
User = get_user_model()


def _invited(member, username, *, days_ago: float):
    person = member_user(member, RoleName.ANALYST, username=username)
    person.set_unusable_password()
    person.last_login = None
    person.invited_at = timezone.now() - timedelta(days=days_ago)
    person.save()
    return person


def _statuses(client, code="KZ") -> dict:
    content = client.get(reverse("member-people", args=[code])).content.decode()
    statuses = {}
    for chunk in content.split('data-testid="person-row"')[1:]:
        username = chunk.split('data-testid="edit-person">', 1)[1].split("<", 1)[0]
        statuses[username] = chunk.split('data-status="', 1)[1].split('"', 1)[0]
    return statuses


def test_people_list_shows_pending_accepted_and_expired(client, admin_kz, kz, settings):
    settings.PASSWORD_RESET_TIMEOUT = 3 * 24 * 3600
    _invited(kz, "fresh.kz", days_ago=1)
    _invited(kz, "stale.kz", days_ago=4)
    accepted = _invited(kz, "done.kz", days_ago=5)
    accepted.set_password("a-long-password-1")
    accepted.save()
    client.force_login(admin_kz)
    statuses = _statuses(client)
    assert statuses["fresh.kz"] == "pending"
    assert statuses["stale.kz"] == "expired"
    assert statuses["done.kz"] == "accepted"


def test_resend_stamps_the_invitation_and_mails_the_link(
    client, admin_kz, kz, settings, smtp_server, django_capture_on_commit_callbacks
):
    settings.PASSWORD_RESET_TIMEOUT = 3 * 24 * 3600
    stale = _invited(kz, "stale.kz", days_ago=4)
    client.force_login(admin_kz)
    page = client.get(reverse("member-people", args=["KZ"])).content.decode()
    assert "Resend invitation" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("member-person-invite", args=["KZ", stale.pk]))
    assert response.status_code == 302
    assert smtp_server.wait_for(1)[0]["to"] == [stale.email]
    stale.refresh_from_db()
    assert timezone.now() - stale.invited_at < timedelta(minutes=1)
    assert _statuses(client)["stale.kz"] == "pending"


def test_accepted_people_get_no_resend_button(client, admin_kz, kz):
    person = _invited(kz, "done.kz", days_ago=1)
    person.set_password("a-long-password-1")
    person.save()
    client.force_login(admin_kz)
    page = client.get(reverse("member-people", args=["KZ"])).content.decode()
    row = page[page.index(">done.kz<") :]
    row = row[: row.index("</tr>")]
    assert "invite/" not in row


def test_foreign_member_admin_cannot_resend_or_see_the_status(
    client, admin_uz, kz, smtp_server, django_capture_on_commit_callbacks
):
    stale = _invited(kz, "stale.kz", days_ago=4)
    before = stale.invited_at
    client.force_login(admin_uz)
    assert client.get(reverse("member-people", args=["KZ"])).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("member-person-invite", args=["KZ", stale.pk]))
    assert response.status_code == 404
    stale.refresh_from_db()
    assert stale.invited_at == before
    assert smtp_server.messages == []
