"""Two-factor: "Member admins can reset the second factor of their own people, and
that reset is alerted to the person": by email (real SMTP) and in the portal, as a notice on
the first page after their next login, shown once."""

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp

from accounts import services
from members.models import RoleName
from tests.factories.members import PASSWORD, member_user

NOTICE = "Your second factor was reset by manager.kz"


@pytest.fixture
def manager_kz(kz):
    return member_user(kz, RoleName.MEMBER_ADMIN, username="manager.kz")


def enrol(user):
    device = services.totp_device_start(user=user)
    services.totp_device_confirm(user=user, device=device, code=f"{totp(device.bin_key):06d}")


def first_page_after_login(username):
    browser = Client()
    response = browser.post(
        reverse("login"), {"username": username, "password": PASSWORD}, follow=True
    )
    assert response.status_code == 200
    return response.content.decode()


def test_the_reset_person_is_told_by_email_and_in_the_portal_once(
    client, focal_kz, manager_kz, smtp_server, django_capture_on_commit_callbacks
):
    enrol(focal_kz)
    first_page_after_login("focal.kz")  # an earlier login, before the reset
    client.force_login(manager_kz)
    session = client.session
    session["accounts_two_factor"] = "done"
    session.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("member-person-two-factor-reset", args=["KZ", focal_kz.pk]))
    assert response.status_code == 302

    mail = smtp_server.wait_for(1)[0]
    assert mail["to"] == [focal_kz.email]
    assert "second factor" in smtp_server.body(0)

    assert NOTICE in first_page_after_login("focal.kz")
    assert NOTICE not in first_page_after_login("focal.kz")


def test_nobody_else_sees_the_notice(client, focal_kz, focal_uz, manager_kz):
    enrol(focal_kz)
    client.force_login(manager_kz)
    session = client.session
    session["accounts_two_factor"] = "done"
    session.save()
    client.post(reverse("member-person-two-factor-reset", args=["KZ", focal_kz.pk]))
    assert NOTICE not in first_page_after_login("focal.uz")
    assert NOTICE not in first_page_after_login("manager.kz")
    assert NOTICE in first_page_after_login("focal.kz")
