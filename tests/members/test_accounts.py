"""Log in, log out and password reset in the browser's pages."""

import re

from django.test import Client
from django.urls import reverse

from members import services
from tests.factories.members import PASSWORD, UserFactory

LINK = re.compile(r"https?://\S+/accounts/reset/\S+/")


def request_reset(client, email, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("password_reset"), {"email": email})


def set_password_through(link, password):
    browser = Client()
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    form_url = browser.get(path).url
    return browser.post(form_url, {"new_password1": password, "new_password2": password})


def test_login_and_logout(client, focal_kz):
    response = client.post(reverse("login"), {"username": "focal.kz", "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert client.get(reverse("home")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("home")).status_code == 302


def test_wrong_password_shows_an_error(client, focal_kz):
    response = client.post(reverse("login"), {"username": "focal.kz", "password": "nope"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert b'class="errorlist nonfield"' in response.content


def test_password_reset_mails_a_link_that_sets_the_password(
    client, focal_kz, smtp_server, django_capture_on_commit_callbacks
):
    response = request_reset(client, focal_kz.email.upper(), django_capture_on_commit_callbacks)
    assert response.status_code == 302
    mail = smtp_server.wait_for(1)[0]
    assert mail["to"] == [focal_kz.email]
    link = LINK.search(smtp_server.body(0)).group(0)
    assert set_password_through(link, "Steppe-wind-2026").status_code == 302
    focal_kz.refresh_from_db()
    assert focal_kz.check_password("Steppe-wind-2026")


def test_invited_person_who_never_chose_a_password_can_ask_for_a_new_link(
    client, kz, smtp_server, django_capture_on_commit_callbacks
):
    invited = UserFactory(username="new.kz", email="new@customs.example", member=kz)
    invited.set_unusable_password()
    invited.save()
    request_reset(client, "new@customs.example", django_capture_on_commit_callbacks)
    assert smtp_server.wait_for(1)[0]["to"] == ["new@customs.example"]


def test_unknown_email_gets_the_same_answer_and_no_mail(
    client, db, smtp_server, django_capture_on_commit_callbacks
):
    response = request_reset(client, "nobody@nowhere.example", django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert response.url == reverse("password_reset_done")
    assert smtp_server.messages == []


def test_deactivated_person_gets_no_reset_mail(
    client, focal_kz, smtp_server, django_capture_on_commit_callbacks
):
    focal_kz.is_active = False
    focal_kz.save()
    request_reset(client, focal_kz.email, django_capture_on_commit_callbacks)
    assert smtp_server.messages == []


def test_invitation_names_the_username_and_the_link(focal_kz):
    from django.template.loader import render_to_string

    link = services.invitation_link(user=focal_kz, base_url="http://portal.test")
    body = render_to_string(
        "members/email/invitation.txt",
        {"user": focal_kz, "member": focal_kz.member, "link": link, "base_url": ""},
    )
    assert "focal.kz" in body
    assert link in body
    assert link.startswith("http://portal.test/accounts/reset/")
