"""Audit events of the access-hardening work: lockout
and unlock, two-factor enrolment and reset, API tokens created and revoked, members suspended
and reinstated. Each is performed through the real page, API endpoint or command and leaves
exactly one event with the right actor, action, object and members."""

import re
from base64 import b32decode

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from rest_framework.test import APIClient

from accounts import services as account_services
from accounts.models import ApiToken
from members.models import MemberAdministration, MemberStatus
from tests.audit.conftest import events, only_event
from tests.factories.members import PASSWORD

TOKEN_URL = "/api/v1/auth/token/"
SECRET = re.compile(r'<code id="totp-secret">([A-Z2-7]+)</code>')


def fail_login(client, username, times):
    for n in range(times):
        client.post(reverse("login"), {"username": username, "password": f"guess-{n}"})


def issue_token(username="focal.kz"):
    response = APIClient().post(
        TOKEN_URL, {"username": username, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200, response.content
    return response.json()["token"]


def assert_on_person(event, person):
    assert event.object_type == "user"
    assert event.object_id == person.pk
    assert event.object_reference == person.username
    assert event.member_codes == [person.member.code]


def two_factor_done(client, user):
    """A signed-in session that has given its second factor (as the middleware expects)."""
    client.force_login(user)
    session = client.session
    session["accounts_two_factor"] = "done"
    session.save()


# --- Lockout and unlock ------------------------------------------------------------------------


def test_lockout_on_the_login_page_is_recorded_once(client, focal_kz):
    fail_login(client, "focal.kz", 12)
    event = only_event("account.locked")
    assert event.actor is None and event.actor_username == "focal.kz"
    assert_on_person(event, focal_kz)
    assert event.detail == {"failures": 5}
    assert event.ip == "127.0.0.1"


def test_lockout_through_the_token_endpoint_is_recorded_once(focal_kz):
    api = APIClient()
    for n in range(8):
        api.post(TOKEN_URL, {"username": "focal.kz", "password": f"guess-{n}"}, format="json")
    event = only_event("account.locked")
    assert event.actor_username == "focal.kz"
    assert_on_person(event, focal_kz)


def test_lockout_of_an_unknown_username_names_no_member(client, focal_kz):
    fail_login(client, "nobody.kz", 5)
    event = only_event("account.locked")
    assert event.actor_username == "nobody.kz"
    assert event.object_id is None and event.object_reference == "nobody.kz"
    assert event.member_codes == []


def test_four_failures_lock_nothing_and_record_no_lockout(client, focal_kz):
    fail_login(client, "focal.kz", 4)
    assert events("account.locked") == []
    assert len(events("auth.login_failed")) == 4


def test_member_admin_unlocking_in_the_browser_is_recorded(client, focal_kz, admin_kz):
    fail_login(client, "focal.kz", 5)
    client.force_login(admin_kz)
    response = client.post(reverse("member-person-unlock", args=["KZ", focal_kz.pk]))
    assert response.status_code == 302
    event = only_event("account.unlocked")
    assert event.actor == admin_kz and event.actor_member.code == "KZ"
    assert_on_person(event, focal_kz)
    assert event.detail["cleared"] >= 1


def test_a_foreign_member_admin_unlocks_nothing_and_records_nothing(client, focal_kz, admin_uz):
    fail_login(client, "focal.kz", 5)
    client.force_login(admin_uz)
    response = client.post(reverse("member-person-unlock", args=["KZ", focal_kz.pk]))
    assert response.status_code == 404
    assert events("account.unlocked") == []


def test_unlocking_with_the_command_is_recorded(client, focal_kz):
    fail_login(client, "focal.kz", 5)
    call_command("axes_reset_username", "focal.kz", stdout=open("/dev/null", "w"))
    event = only_event("account.unlocked")
    assert event.actor is None
    assert_on_person(event, focal_kz)
    assert event.detail == {"cleared": 1, "via": "axes_reset_username"}
    # The lock is really gone: the right password works.
    assert (
        client.post(reverse("login"), {"username": "focal.kz", "password": PASSWORD}).status_code
        == 302
    )


# --- Two-factor ----------------------------------------------------------------------------------


def test_enrolment_is_recorded(client, focal_kz, settings):
    settings.TWO_FACTOR_ROLES = ["focal_point"]
    client.post(reverse("login"), {"username": "focal.kz", "password": PASSWORD})
    secret = SECRET.search(client.get(reverse("two-factor-enrol")).content.decode()).group(1)
    assert events("two_factor.enrolled") == []
    code = f"{totp(b32decode(secret)):06d}"
    assert client.post(reverse("two-factor-enrol"), {"code": code}).status_code == 200
    event = only_event("two_factor.enrolled")
    assert event.actor == focal_kz
    assert_on_person(event, focal_kz)


def test_a_wrong_enrolment_code_records_nothing(client, focal_kz, settings):
    settings.TWO_FACTOR_ROLES = ["focal_point"]
    client.post(reverse("login"), {"username": "focal.kz", "password": PASSWORD})
    client.get(reverse("two-factor-enrol"))
    client.post(reverse("two-factor-enrol"), {"code": "000000"})
    assert events("two_factor.enrolled") == []


def test_second_factor_reset_by_the_member_admin_is_recorded(client, focal_kz, admin_kz):
    device = account_services.totp_device_start(user=focal_kz)
    account_services.totp_device_confirm(
        user=focal_kz, device=device, code=f"{totp(device.bin_key):06d}"
    )
    two_factor_done(client, admin_kz)
    response = client.post(reverse("member-person-two-factor-reset", args=["KZ", focal_kz.pk]))
    assert response.status_code == 302
    event = only_event("two_factor.reset")
    assert event.actor == admin_kz
    assert_on_person(event, focal_kz)


# --- API tokens ----------------------------------------------------------------------------------


def test_token_created_at_the_endpoint_is_recorded(focal_kz):
    key = issue_token()
    event = only_event("token.created")
    assert event.actor == focal_kz
    assert_on_person(event, focal_kz)
    token = ApiToken.objects.get(user=focal_kz)
    assert event.detail["token"] == token.pk and event.detail["prefix"] == key[:8]
    assert key not in str(event.detail)


def test_token_revoked_by_delete_is_recorded(focal_kz):
    key = issue_token()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.delete(TOKEN_URL).status_code == 204
    event = only_event("token.revoked")
    assert event.actor == focal_kz
    assert_on_person(event, focal_kz)
    assert event.detail["reason"] == "revoked" and event.detail["prefix"] == key[:8]


def test_token_revoked_on_the_profile_page_is_recorded(client, focal_kz):
    issue_token()
    token = ApiToken.objects.get(user=focal_kz)
    client.force_login(focal_kz)
    response = client.post(reverse("token-revoke", args=[token.pk]))
    assert response.status_code == 302
    event = only_event("token.revoked")
    assert event.actor == focal_kz and event.detail["token"] == token.pk


def test_someone_elses_token_is_not_revoked_and_nothing_is_recorded(client, focal_kz, focal_uz):
    issue_token("focal.uz")
    token = ApiToken.objects.get(user=focal_uz)
    client.force_login(focal_kz)
    assert client.post(reverse("token-revoke", args=[token.pk])).status_code == 404
    assert events("token.revoked") == []


def test_password_change_revokes_all_tokens_in_one_event(client, focal_kz):
    issue_token()
    issue_token()
    client.force_login(focal_kz)
    new = "Another-steppe-2026"
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    event = only_event("token.revoked")
    assert event.actor == focal_kz
    assert_on_person(event, focal_kz)
    assert event.detail == {"tokens": 2, "reason": "password_change"}


def test_password_reset_link_revokes_all_tokens_in_one_event(focal_kz):
    from members.services import invitation_link

    issue_token()
    link = invitation_link(user=focal_kz, base_url="http://testserver")
    browser = Client()
    form_url = browser.get(link.removeprefix("http://testserver")).url
    new = "Fresh-steppe-2026"
    response = browser.post(form_url, {"new_password1": new, "new_password2": new})
    assert response.status_code == 302
    event = only_event("token.revoked")
    assert event.actor == focal_kz
    assert event.detail == {"tokens": 1, "reason": "password_change"}


def test_deactivation_by_the_member_admin_revokes_all_tokens_in_one_event(
    client, focal_kz, admin_kz
):
    issue_token()
    client.force_login(admin_kz)
    data = {
        "username": "focal.kz",
        "email": focal_kz.email,
        "first_name": focal_kz.first_name,
        "last_name": focal_kz.last_name,
        "roles": ["focal_point"],
        "is_active": "",
    }
    response = client.post(reverse("member-person-edit", args=["KZ", focal_kz.pk]), data)
    assert response.status_code == 302, response.content
    event = only_event("token.revoked")
    assert event.actor == admin_kz
    assert_on_person(event, focal_kz)
    assert event.detail == {"tokens": 1, "reason": "deactivation"}


def test_a_password_change_without_tokens_records_no_revocation(client, focal_kz):
    client.force_login(focal_kz)
    new = "Another-steppe-2026"
    client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert events("token.revoked") == []


# --- Suspension ----------------------------------------------------------------------------------


@pytest.fixture
def network_api(admin_user):
    api = APIClient()
    api.force_authenticate(admin_user)
    return api


def test_suspension_through_the_api_is_recorded_with_its_reason(network_api, admin_user, uz):
    response = network_api.post(
        "/api/v1/members/UZ/suspend/", {"reason": "Fees unpaid"}, format="json"
    )
    assert response.status_code == 200
    event = only_event("member.suspended")
    assert event.actor == admin_user
    assert event.object_type == "memberadministration" and event.object_id == uz.pk
    assert event.object_reference == "UZ" and event.member_codes == ["UZ"]
    assert event.detail == {"reason": "Fees unpaid"}


def test_reinstatement_through_the_api_is_recorded(network_api, admin_user, uz):
    network_api.post("/api/v1/members/UZ/suspend/", {"reason": "Fees unpaid"}, format="json")
    assert network_api.post("/api/v1/members/UZ/reinstate/", {}, format="json").status_code == 200
    event = only_event("member.reinstated")
    assert event.actor == admin_user and event.object_id == uz.pk
    assert event.member_codes == ["UZ"]
    assert event.detail == {"reason": "Fees unpaid"}


def test_suspension_and_reinstatement_in_the_browser_are_recorded(client, admin_user, uz):
    client.force_login(admin_user)
    client.post(reverse("member-suspend", args=["UZ"]), {"reason": "Security incident"})
    assert MemberAdministration.objects.get(code="UZ").status == MemberStatus.SUSPENDED
    suspended = only_event("member.suspended")
    assert suspended.actor == admin_user and suspended.detail == {"reason": "Security incident"}
    client.post(reverse("member-reinstate", args=["UZ"]))
    reinstated = only_event("member.reinstated")
    assert reinstated.actor == admin_user and reinstated.object_reference == "UZ"


def test_a_refused_suspension_records_nothing(network_api, focal_kz, uz):
    network_api.post("/api/v1/members/UZ/suspend/", {}, format="json")
    # Suspending twice is a field error: no second event.
    assert network_api.post("/api/v1/members/UZ/suspend/", {}, format="json").status_code == 400
    assert len(events("member.suspended")) == 1
    focal = APIClient()
    focal.force_authenticate(focal_kz)
    assert focal.post("/api/v1/members/UZ/reinstate/", {}, format="json").status_code == 404
    assert events("member.reinstated") == []


# --- Who sees them ---------------------------------------------------------------------------


def _audit_ids(user, **filters):
    api = APIClient()
    # A fresh object, as each real request loads: rights are cached on the instance.
    api.force_authenticate(type(user).objects.get(pk=user.pk))
    response = api.get("/api/v1/audit/", filters)
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["results"]}


def test_kz_admins_and_network_admins_see_a_kz_lockout_tj_admins_do_not(
    client, focal_kz, admin_kz, admin_tj, admin_user
):
    fail_login(client, "focal.kz", 5)
    locked = only_event("account.locked")
    assert locked.id in _audit_ids(admin_kz, action="account.locked")
    assert locked.id in _audit_ids(admin_user, action="account.locked")
    assert locked.id not in _audit_ids(admin_tj)


def test_a_suspension_is_seen_by_the_members_admins_once_reinstated_not_by_a_third(
    network_api, admin_uz, admin_tj, admin_user, uz
):
    network_api.post("/api/v1/members/UZ/suspend/", {"reason": "Fees unpaid"}, format="json")
    suspended = only_event("member.suspended")
    assert suspended.id in _audit_ids(admin_user, object="UZ")
    # While suspended, UZ's own admins can do nothing, the audit trail included.
    api = APIClient()
    api.force_authenticate(admin_uz)
    assert api.get("/api/v1/audit/").status_code == 401
    network_api.post("/api/v1/members/UZ/reinstate/", {}, format="json")
    reinstated = only_event("member.reinstated")
    assert {suspended.id, reinstated.id} <= _audit_ids(admin_uz, object="UZ")
    assert not {suspended.id, reinstated.id} & _audit_ids(admin_tj)
