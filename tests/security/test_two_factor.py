"""Two-factor authentication (django-otp): required for the roles in TWO_FACTOR_ROLES,
enrolment with a QR code drawn on the server and the secret as text, recovery codes, the
code asked after the password, and ``otp`` on the token endpoint."""

import re
from base64 import b32decode

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services
from accounts.models import ApiToken
from members.models import RoleName
from tests.factories.members import PASSWORD, member_user

TOKEN_URL = "/api/v1/auth/token/"
SECRET = re.compile(r'<code id="totp-secret">([A-Z2-7]+)</code>')


@pytest.fixture(autouse=True)
def two_factor_on(settings):
    settings.TWO_FACTOR_ROLES = ["network_admin", "member_admin", "focal_point"]


def code_for(key: bytes, drift: int = 0) -> str:
    return f"{totp(key, drift=drift):06d}"


def enrolled(user):
    """Give ``user`` a confirmed authenticator; return its key and recovery codes."""
    device = services.totp_device_start(user=user)
    codes = services.totp_device_confirm(user=user, device=device, code=code_for(device.bin_key))
    # Allow the current code again (a code is accepted once per 30-second step).
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    return device.bin_key, codes


def unthrottle():
    """django-otp slows a device down after a wrong code (1 s, then 2 s, ...); the tests
    that try a wrong code and then the right one at once skip the wait."""
    TOTPDevice.objects.update(throttling_failure_count=0, throttling_failure_timestamp=None)


def log_in(client, username):
    return client.post(reverse("login"), {"username": username, "password": PASSWORD})


# --- Browser ---------------------------------------------------------------------------------


def test_a_focal_point_without_a_device_is_sent_to_enrolment_and_reaches_nothing_else(
    client, focal_kz
):
    response = log_in(client, "focal.kz")
    assert response.status_code == 302
    for path in (reverse("home"), reverse("directory"), "/queries/", "/seizures/", "/admin/"):
        answer = client.get(path)
        assert answer.status_code == 302, path
        assert answer.url.startswith(reverse("two-factor-enrol")), path
    api = client.get("/api/v1/members/")
    assert api.status_code == 403
    assert b"two-factor" in api.content


def test_enrolment_draws_the_qr_code_on_the_server_and_shows_the_secret(client, focal_kz):
    log_in(client, "focal.kz")
    page = client.get(reverse("two-factor-enrol")).content.decode()
    assert "<svg" in page
    assert "<img" not in page
    assert not re.search(r'(src|href)="https?://', page)
    secret = SECRET.search(page).group(1)
    device = TOTPDevice.objects.get(user=focal_kz, confirmed=False)
    assert b32decode(secret) == device.bin_key


def test_enrolment_with_a_code_gives_ten_single_use_recovery_codes_and_opens_the_portal(
    client, focal_kz
):
    log_in(client, "focal.kz")
    secret = SECRET.search(client.get(reverse("two-factor-enrol")).content.decode()).group(1)
    wrong = client.post(reverse("two-factor-enrol"), {"code": "000000"})
    assert wrong.status_code == 200
    assert wrong.context["form"].errors["code"]
    assert not TOTPDevice.objects.filter(user=focal_kz, confirmed=True).exists()

    unthrottle()
    done = client.post(reverse("two-factor-enrol"), {"code": code_for(b32decode(secret))})
    assert done.status_code == 200
    codes = re.findall(r"<li><code>([a-z2-7]+)</code></li>", done.content.decode())
    assert len(codes) == len(set(codes)) == 10
    assert StaticToken.objects.filter(device__user=focal_kz).count() == 10
    assert client.get(reverse("home")).status_code == 200


def test_after_the_password_a_person_with_a_device_must_give_a_code(client, focal_kz):
    key, _ = enrolled(focal_kz)
    log_in(client, "focal.kz")
    home = client.get(reverse("home"))
    assert home.status_code == 302
    assert home.url.startswith(reverse("two-factor-verify"))
    assert client.get("/api/v1/members/").status_code == 403

    wrong = client.post(reverse("two-factor-verify"), {"code": "123456", "next": "/"})
    assert wrong.status_code == 200
    assert wrong.context["form"].errors["code"]
    assert client.get(reverse("home")).status_code == 302

    unthrottle()
    right = client.post(reverse("two-factor-verify"), {"code": code_for(key), "next": "/"})
    assert right.status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_a_recovery_code_works_once(client, focal_kz):
    _, codes = enrolled(focal_kz)
    log_in(client, "focal.kz")
    assert client.post(reverse("two-factor-verify"), {"code": codes[0]}).status_code == 302
    assert client.get(reverse("home")).status_code == 200
    client.post(reverse("logout"))
    log_in(client, "focal.kz")
    again = client.post(reverse("two-factor-verify"), {"code": codes[0]})
    assert again.status_code == 200
    assert client.get(reverse("home")).status_code == 302


def test_a_password_alone_cannot_replace_the_authenticator(client, focal_kz):
    enrolled(focal_kz)
    log_in(client, "focal.kz")
    response = client.get(reverse("two-factor-enrol"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("two-factor-verify"))
    assert TOTPDevice.objects.filter(user=focal_kz).count() == 1


def test_roles_outside_the_setting_are_not_asked(client, analyst_kz):
    log_in(client, analyst_kz.username)
    assert client.get(reverse("home")).status_code == 200


def test_a_person_who_enrolled_is_asked_even_when_their_role_does_not_require_it(
    client, analyst_kz
):
    enrolled(analyst_kz)
    log_in(client, analyst_kz.username)
    assert client.get(reverse("home")).status_code == 302


def test_an_empty_setting_turns_the_requirement_off(client, focal_kz, settings):
    settings.TWO_FACTOR_ROLES = []
    log_in(client, "focal.kz")
    assert client.get(reverse("home")).status_code == 200


def test_network_and_member_admins_are_required_too(client, kz, admin_user):
    manager = member_user(kz, RoleName.MEMBER_ADMIN, username="manager.kz")
    for username in (manager.username, admin_user.username):
        client.post(reverse("logout"))
        log_in(client, username)
        assert client.get(reverse("home")).url.startswith(reverse("two-factor-enrol"))


def test_the_next_page_is_kept_across_the_code_and_no_foreign_redirect(client, focal_kz):
    key, _ = enrolled(focal_kz)
    log_in(client, "focal.kz")
    target = client.get(reverse("directory")).url
    assert "next=%2Fmembers%2F" in target
    response = client.post(target, {"code": code_for(key)})
    assert response.url == reverse("directory")
    client.post(reverse("logout"))
    TOTPDevice.objects.update(last_t=-1)
    log_in(client, "focal.kz")
    response = client.post(
        reverse("two-factor-verify"), {"code": code_for(key), "next": "https://evil.example/"}
    )
    assert response.url == "/"


# --- Token endpoint ------------------------------------------------------------------------


def test_token_endpoint_needs_the_otp_of_a_person_with_a_device(api, focal_kz):
    key, _ = enrolled(focal_kz)
    missing = api.post(TOKEN_URL, {"username": "focal.kz", "password": PASSWORD}, format="json")
    assert missing.status_code == 400
    assert "otp" in missing.json()
    wrong = api.post(
        TOKEN_URL, {"username": "focal.kz", "password": PASSWORD, "otp": "000000"}, format="json"
    )
    assert wrong.status_code == 400
    assert "otp" in wrong.json()
    assert not ApiToken.objects.exists()

    unthrottle()
    right = api.post(
        TOKEN_URL,
        {"username": "focal.kz", "password": PASSWORD, "otp": code_for(key)},
        format="json",
    )
    assert right.status_code == 200
    assert right.json()["token"]


def test_token_endpoint_accepts_a_recovery_code_once(api, focal_kz):
    _, codes = enrolled(focal_kz)
    body = {"username": "focal.kz", "password": PASSWORD, "otp": codes[3]}
    assert api.post(TOKEN_URL, body, format="json").status_code == 200
    assert api.post(TOKEN_URL, body, format="json").status_code == 400


def test_a_wrong_password_with_a_right_otp_gets_no_token_and_no_hint(api, focal_kz):
    key, _ = enrolled(focal_kz)
    response = api.post(
        TOKEN_URL, {"username": "focal.kz", "password": "nope", "otp": code_for(key)}, format="json"
    )
    assert response.status_code == 400
    assert "otp" not in response.json()


def test_token_endpoint_refuses_a_required_role_without_a_device(api, focal_kz, analyst_kz):
    refused = api.post(TOKEN_URL, {"username": "focal.kz", "password": PASSWORD}, format="json")
    assert refused.status_code == 400
    assert "otp" in refused.json()
    analyst = api.post(
        TOKEN_URL, {"username": analyst_kz.username, "password": PASSWORD}, format="json"
    )
    assert analyst.status_code == 200


# --- Reset by the member admin ---------------------------------------------------------------


def test_member_admin_resets_the_second_factor_and_the_person_is_told(
    client, kz, focal_kz, smtp_server, django_capture_on_commit_callbacks
):
    manager = member_user(kz, RoleName.MEMBER_ADMIN, username="manager.kz")
    enrolled(manager)
    enrolled(focal_kz)
    client.force_login(manager)
    session = client.session
    session["accounts_two_factor"] = "done"  # the manager gave their own code
    session.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("member-person-two-factor-reset", args=["KZ", focal_kz.pk]))
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=focal_kz).exists()
    assert not StaticToken.objects.filter(device__user=focal_kz).exists()
    assert TOTPDevice.objects.filter(user=manager).exists()
    mail = smtp_server.wait_for(1)[0]
    assert mail["to"] == [focal_kz.email]
    assert "second factor" in smtp_server.body(0)

    other = type(client)()
    log_in(other, "focal.kz")
    assert other.get(reverse("home")).url.startswith(reverse("two-factor-enrol"))


def test_before_the_code_no_page_under_the_two_factor_pages_is_open(client, focal_kz):
    _, codes = enrolled(focal_kz)
    log_in(client, "focal.kz")
    renew = client.post(reverse("recovery-codes-renew"))
    assert renew.status_code == 302
    assert renew.url.startswith(reverse("two-factor-verify"))
    assert client.get(reverse("profile")).status_code == 302
    assert sorted(StaticToken.objects.values_list("token", flat=True)) == sorted(codes)


def test_after_the_code_the_profile_renews_the_recovery_codes(client, focal_kz):
    _, codes = enrolled(focal_kz)
    log_in(client, "focal.kz")
    client.post(reverse("two-factor-verify"), {"code": codes[0]})
    response = client.post(reverse("recovery-codes-renew"))
    assert response.status_code == 200
    fresh = re.findall(r"<li><code>([a-z2-7]+)</code></li>", response.content.decode())
    assert len(fresh) == 10
    assert not set(fresh) & set(codes)
    assert sorted(StaticToken.objects.values_list("token", flat=True)) == sorted(fresh)
