"""Finding 1: separation of duties. The network admin must not get query content or a national
seizure report through the people form. The test walks the real path that worked before:
create a focal point in KZ (or change a KZ person's email) -> invitation mail over real SMTP ->
follow the link, choose a password -> log in -> read a KZ query and a national KZ report. It is
now refused at the first step; the legitimate paths still work end to end."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from members import permissions
from members.models import RoleName
from tests.factories.exchange import file_query
from tests.factories.members import member_user
from tests.factories.seizures import SeizureReportFactory

User = get_user_model()
NEW_PASSWORD = "Sturdy-new-password-2026"
QUERY_SUBJECT = "ESCALATION-MARKER query subject"
REPORT_MARKER = "ESCALATION-MARKER national concealment"


@pytest.fixture
def kz_content(focal_kz, focal_uz, kz):
    query = file_query(focal_kz, recipients=["UZ"], subject=QUERY_SUBJECT)
    report = SeizureReportFactory(
        reporting_member=kz, sharing="national", concealment=REPORT_MARKER
    )
    return query, report


def invitation_link(smtp_server, address):
    for message in smtp_server.wait_for(1):
        if address in message["to"]:
            body = message["message"].get_body(preferencelist=("plain",)).get_content()
            return re.search(r"https?://\S+/accounts/reset/\S+/", body).group(0)
    raise AssertionError(f"no invitation to {address}")


def follow_invitation_and_log_in(link, username) -> Client:
    """Choose a password through the invitation link, then sign in with it."""
    browser = Client()
    path = link.split("://", 1)[1].split("/", 1)[1]
    response = browser.get("/" + path)
    assert response.status_code == 302, "the invitation link was refused"
    response = browser.post(
        response["Location"], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    response = browser.post(reverse("login"), {"username": username, "password": NEW_PASSWORD})
    assert response.status_code == 302, "the login failed"
    return browser


def reads_kz_content(browser, kz_content) -> bool:
    query, report = kz_content
    query_page = browser.get(reverse("exchange:detail", args=[query.pk]))
    report_page = browser.get(reverse("seizures:report-detail", args=[report.pk]))
    return (
        query_page.status_code == 200
        and QUERY_SUBJECT in query_page.content.decode()
        and report_page.status_code == 200
        and REPORT_MARKER in report_page.content.decode()
    )


PERSON = {
    "username": "mole.kz",
    "email": "mole@secretariat.example",
    "first_name": "Mole",
    "last_name": "Secretariat",
    "is_active": "on",
}


# --- The path, walked by someone entitled to it: it does yield content ---------------------


def test_member_admin_creates_a_focal_point_who_reads_kz_content(
    client, admin_kz, kz_content, smtp_server, django_capture_on_commit_callbacks
):
    client.force_login(admin_kz)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("member-person-new", args=["KZ"]),
            {**PERSON, "roles": [RoleName.FOCAL_POINT]},
        )
    assert response.status_code == 302
    browser = follow_invitation_and_log_in(
        invitation_link(smtp_server, PERSON["email"]), PERSON["username"]
    )
    assert reads_kz_content(browser, kz_content)


def test_member_admin_changes_the_email_of_one_of_their_people(client, admin_kz, analyst_kz):
    client.force_login(admin_kz)
    response = client.post(
        reverse("member-person-edit", args=["KZ", analyst_kz.pk]),
        {
            "username": analyst_kz.username,
            "email": "new.address@customs.example",
            "roles": [RoleName.ANALYST],
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    analyst_kz.refresh_from_db()
    assert analyst_kz.email == "new.address@customs.example"


# --- The same path by the network admin: refused at the first step -------------------------


@pytest.mark.parametrize(
    "role", [RoleName.FOCAL_POINT, RoleName.ANALYST, RoleName.UNIT_OFFICER, RoleName.MEMBER_ADMIN]
)
def test_network_admin_cannot_create_a_person_where_a_member_admin_exists(
    client, admin_user, admin_kz, kz_content, smtp_server, django_capture_on_commit_callbacks, role
):
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("member-person-new", args=["KZ"]), {**PERSON, "roles": [role]}
        )
    assert response.status_code == 200
    assert response.context["form"].errors["roles"]
    assert not User.objects.filter(username="mole.kz").exists()
    assert smtp_server.messages == []


def test_network_admin_cannot_create_a_focal_point_even_without_a_member_admin(
    client, admin_user, kz_content, smtp_server, django_capture_on_commit_callbacks
):
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("member-person-new", args=["KZ"]),
            {**PERSON, "roles": [RoleName.FOCAL_POINT, RoleName.MEMBER_ADMIN]},
        )
    assert response.status_code == 200
    assert response.context["form"].errors["roles"]
    assert not User.objects.filter(username="mole.kz").exists()
    assert smtp_server.messages == []


def test_network_admin_cannot_change_a_kz_persons_email(
    client, admin_user, focal_kz, kz_content, smtp_server, django_capture_on_commit_callbacks
):
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("member-person-edit", args=["KZ", focal_kz.pk]),
            {
                "username": focal_kz.username,
                "email": PERSON["email"],
                "first_name": focal_kz.first_name,
                "last_name": focal_kz.last_name,
                "roles": [RoleName.FOCAL_POINT],
                "is_active": "on",
            },
        )
        assert response.status_code == 200
        assert response.context["form"].errors["email"]
        # The next step of the old path: a new invitation to the changed address.
        client.post(reverse("member-person-invite", args=["KZ", focal_kz.pk]))
    focal_kz.refresh_from_db()
    assert focal_kz.email == "focal.kz@iren.test"
    assert all(PERSON["email"] not in m["to"] for m in smtp_server.messages)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("username", "renamed.kz"),
        ("first_name", "Someone"),
        ("roles", [RoleName.MEMBER_ADMIN]),
        ("roles", [RoleName.FOCAL_POINT, RoleName.ANALYST]),
    ],
)
def test_network_admin_cannot_change_who_a_person_is_or_their_roles(
    client, admin_user, focal_kz, field, value
):
    client.force_login(admin_user)
    data = {
        "username": focal_kz.username,
        "email": focal_kz.email,
        "first_name": focal_kz.first_name,
        "last_name": focal_kz.last_name,
        "roles": [RoleName.FOCAL_POINT],
        "is_active": "on",
        field: value,
    }
    response = client.post(reverse("member-person-edit", args=["KZ", focal_kz.pk]), data)
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    focal_kz.refresh_from_db()
    assert focal_kz.username == "focal.kz"
    assert [r.name for r in permissions.user_roles(focal_kz)] == [RoleName.FOCAL_POINT]


def test_network_admin_cannot_move_an_officer_to_another_unit(client, admin_user, kz):
    from tests.factories.members import ControlUnitFactory

    officer = member_user(kz, RoleName.UNIT_OFFICER, username="officer.kz")
    other = ControlUnitFactory(member=kz)
    client.force_login(admin_user)
    response = client.post(
        reverse("member-person-edit", args=["KZ", officer.pk]),
        {
            "username": officer.username,
            "email": officer.email,
            "first_name": officer.first_name,
            "last_name": officer.last_name,
            "roles": [RoleName.UNIT_OFFICER],
            "control_unit": other.pk,
            "is_active": "on",
        },
    )
    assert response.context["form"].errors["control_unit"]
    officer.refresh_from_db()
    assert officer.control_unit_id != other.pk


def test_the_service_itself_refuses_the_network_admin(admin_user, kz, admin_kz):
    from django.core.exceptions import ValidationError

    from members import services

    with pytest.raises(ValidationError) as error:
        services.person_create(
            member=kz,
            actor=admin_user,
            username="mole.kz",
            email="mole@secretariat.example",
            roles=[RoleName.FOCAL_POINT],
        )
    assert "roles" in error.value.message_dict
    assert not User.objects.filter(username="mole.kz").exists()


# --- What the network admin may do, and who is told ---------------------------------------


def test_network_admin_deactivates_a_kz_account_and_kz_admins_are_told(
    client, admin_user, admin_kz, focal_kz, smtp_server, django_capture_on_commit_callbacks
):
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("member-person-edit", args=["KZ", focal_kz.pk]),
            {
                "username": focal_kz.username,
                "email": focal_kz.email,
                "first_name": focal_kz.first_name,
                "last_name": focal_kz.last_name,
                "roles": [RoleName.FOCAL_POINT],
            },
        )
    assert response.status_code == 302
    focal_kz.refresh_from_db()
    assert focal_kz.is_active is False
    messages = smtp_server.wait_for(1)
    assert [m["to"] for m in messages] == [[admin_kz.email]]
    body = messages[0]["message"].get_body(preferencelist=("plain",)).get_content()
    assert "deactivated" in body and "focal.kz" in body and admin_user.username in body


def test_network_admin_cannot_reactivate(client, admin_user, focal_kz):
    User.objects.filter(pk=focal_kz.pk).update(is_active=False)
    client.force_login(admin_user)
    response = client.post(
        reverse("member-person-edit", args=["KZ", focal_kz.pk]),
        {
            "username": focal_kz.username,
            "email": focal_kz.email,
            "first_name": focal_kz.first_name,
            "last_name": focal_kz.last_name,
            "roles": [RoleName.FOCAL_POINT],
            "is_active": "on",
        },
    )
    assert response.context["form"].errors["is_active"]
    focal_kz.refresh_from_db()
    assert focal_kz.is_active is False


def test_network_admin_resending_an_invitation_is_told_to_kz_admins(
    client, admin_user, admin_kz, focal_kz, smtp_server, django_capture_on_commit_callbacks
):
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("member-person-invite", args=["KZ", focal_kz.pk]))
    recipients = sorted(r for m in smtp_server.wait_for(2) for r in m["to"])
    assert recipients == sorted([admin_kz.email, focal_kz.email])


def test_network_admin_invites_a_member_admin_where_none_exists_and_focal_points_are_told(
    client, admin_user, focal_kz, kz, smtp_server, django_capture_on_commit_callbacks
):
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("member-person-new", args=["KZ"]),
            {**PERSON, "username": "it.admin.kz", "roles": [RoleName.MEMBER_ADMIN]},
        )
    assert response.status_code == 302
    appointed = User.objects.get(username="it.admin.kz")
    assert permissions.is_member_admin_of(appointed, kz)
    messages = smtp_server.wait_for(2)
    by_recipient = {m["to"][0]: m for m in messages}
    assert set(by_recipient) == {PERSON["email"], focal_kz.email}
    alert = by_recipient[focal_kz.email]["message"]
    assert "member admin" in alert["Subject"]
    # The appointed admin can follow the invitation and manage KZ's people.
    browser = follow_invitation_and_log_in(
        invitation_link(smtp_server, PERSON["email"]), "it.admin.kz"
    )
    assert browser.get(reverse("member-people", args=["KZ"])).status_code == 200
