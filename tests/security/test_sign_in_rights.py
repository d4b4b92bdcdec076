"""Permission matrix for the sign-in actions on a person: unlocking a locked account and
resetting a second factor. Only a member admin of the person's own member may; everyone else
(a foreign member admin, the network admin, a focal point, an outsider) gets 404 and changes
nothing. The network admin's security response is deactivation, not these."""

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services
from members.models import RoleName
from tests.factories.members import PASSWORD, member_user

ACTIONS = ["member-person-unlock", "member-person-two-factor-reset"]


@pytest.fixture
def locked_and_enrolled(client, focal_kz):
    """focal.kz: locked by five wrong passwords, with an authenticator."""
    for n in range(5):
        client.post(reverse("login"), {"username": "focal.kz", "password": f"guess-{n}"})
    device = services.totp_device_start(user=focal_kz)
    TOTPDevice.objects.filter(pk=device.pk).update(confirmed=True)
    client.logout()
    return focal_kz


def untouched(person) -> bool:
    return (
        AccessAttempt.objects.filter(username=person.username).exists()
        and TOTPDevice.objects.filter(user=person).exists()
    )


def actor(request, name, kz, uz, tj):
    if name == "network_admin":
        return request.getfixturevalue("admin_user")
    if name == "member_admin_uz":
        return member_user(uz, RoleName.MEMBER_ADMIN, username="manager.uz")
    if name == "member_admin_tj":
        return member_user(tj, RoleName.MEMBER_ADMIN, username="manager.tj")
    if name == "focal_point_kz":
        return member_user(kz, RoleName.FOCAL_POINT, username="focal2.kz")
    if name == "analyst_kz":
        return member_user(kz, RoleName.ANALYST, username="analyst2.kz")
    raise AssertionError(name)


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize(
    "who", ["network_admin", "member_admin_uz", "member_admin_tj", "focal_point_kz", "analyst_kz"]
)
def test_only_the_persons_own_member_admin_may_act_others_get_404(
    request, client, kz, uz, tj, locked_and_enrolled, action, who
):
    person = locked_and_enrolled
    client.force_login(actor(request, who, kz, uz, tj))
    assert client.post(reverse(action, args=["KZ", person.pk])).status_code == 404
    # Through the actor's own member code too: the person is still not theirs.
    assert client.post(reverse(action, args=["UZ", person.pk])).status_code == 404
    assert untouched(person)


@pytest.mark.parametrize("action", ACTIONS)
def test_a_missing_person_and_a_real_foreign_one_answer_alike(client, uz, focal_kz, action):
    client.force_login(member_user(uz, RoleName.MEMBER_ADMIN, username="manager.uz"))
    real = client.post(reverse(action, args=["KZ", focal_kz.pk]))
    missing = client.post(reverse(action, args=["KZ", 999_999]))
    assert real.status_code == missing.status_code == 404


def test_member_admin_unlocks_their_own_person(client, kz, locked_and_enrolled):
    person = locked_and_enrolled
    refused = client.post(reverse("login"), {"username": "focal.kz", "password": PASSWORD})
    assert refused.status_code == 429
    client.force_login(member_user(kz, RoleName.MEMBER_ADMIN, username="manager.kz"))
    assert client.get(reverse("member-person-unlock", args=["KZ", person.pk])).status_code == 405
    response = client.post(reverse("member-person-unlock", args=["KZ", person.pk]))
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="focal.kz").exists()
    assert TOTPDevice.objects.filter(user=person).exists()  # unlocking keeps the factor
    client.logout()
    accepted = client.post(reverse("login"), {"username": "focal.kz", "password": PASSWORD})
    assert accepted.status_code == 302


def test_member_admin_resets_their_own_persons_second_factor(client, kz, locked_and_enrolled):
    person = locked_and_enrolled
    client.force_login(member_user(kz, RoleName.MEMBER_ADMIN, username="manager.kz"))
    response = client.post(reverse("member-person-two-factor-reset", args=["kz", person.pk]))
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=person).exists()


def test_the_people_page_offers_the_buttons_to_member_admins_only(client, kz, focal_kz, admin_user):
    client.force_login(member_user(kz, RoleName.MEMBER_ADMIN, username="manager.kz"))
    page = client.get(reverse("member-people", args=["KZ"])).content
    assert reverse("member-person-unlock", args=["KZ", focal_kz.pk]).encode() in page
    assert reverse("member-person-two-factor-reset", args=["KZ", focal_kz.pk]).encode() in page
    client.force_login(admin_user)
    page = client.get(reverse("member-people", args=["KZ"])).content
    assert b"/unlock/" not in page
    assert b"/two-factor-reset/" not in page
