"""Each members-side action, performed through its real view, leaves exactly one event."""

import re

from django.urls import reverse

from members.models import ControlUnit
from tests.factories import ControlUnitFactory, UserFactory
from tests.factories.members import PASSWORD

from .conftest import events, only_event


def test_login_is_recorded_with_actor_and_member(client, focal_kz):
    response = client.post(reverse("login"), {"username": "focal.kz", "password": PASSWORD})
    assert response.status_code == 302
    event = only_event("auth.login")
    assert event.actor == focal_kz
    assert event.actor_username == "focal.kz"
    assert event.actor_member.code == "KZ"
    assert event.request_id == response["X-Request-ID"]
    assert event.ip == "127.0.0.1"


def test_failed_login_is_recorded_without_the_password(client, focal_kz):
    client.post(reverse("login"), {"username": "focal.kz", "password": "wrong-guess-123"})
    event = only_event("auth.login_failed")
    assert event.actor is None
    assert event.actor_username == "focal.kz"
    assert "wrong-guess-123" not in str(event.detail) and "*****" not in str(event.detail)
    assert events("auth.login") == []


def test_logout_is_recorded(client, focal_kz):
    client.force_login(focal_kz)
    client.post(reverse("logout"))
    assert only_event("auth.logout").actor == focal_kz


def test_password_change_is_recorded(client, focal_kz):
    client.force_login(focal_kz)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a-new-long-passphrase-7",
            "new_password2": "a-new-long-passphrase-7",
        },
    )
    assert response.status_code == 302
    event = only_event("auth.password_change")
    assert event.actor == focal_kz and event.object_id == focal_kz.pk


def _follow_link(client, body, password="a-new-long-passphrase-7"):
    path = re.search(r"https?://[^/]+(/accounts/reset/\S+/)", body).group(1)
    form_url = client.get(path).url
    return client.post(form_url, {"new_password1": password, "new_password2": password})


def test_password_reset_is_recorded(
    client, focal_kz, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_reset"), {"email": focal_kz.email})
    smtp_server.wait_for(1)
    response = _follow_link(client, smtp_server.body(0))
    assert response.status_code == 302
    event = only_event("auth.password_reset")
    assert event.actor == focal_kz and event.object_id == focal_kz.pk
    assert events("invitation.accept") == []


def test_invitation_sent_and_accepted_are_recorded(
    client, kz, admin_kz, smtp_server, django_capture_on_commit_callbacks
):
    person = UserFactory(username="new.kz", member=kz)
    person.set_unusable_password()
    person.save()
    client.force_login(admin_kz)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("member-person-invite", args=["KZ", person.pk]))
    sent = only_event("invitation.send")
    assert sent.actor == admin_kz and sent.object_id == person.pk and sent.member_codes == ["KZ"]
    client.logout()
    smtp_server.wait_for(1)
    assert _follow_link(client, smtp_server.body(0)).status_code == 302
    accepted = only_event("invitation.accept")
    assert accepted.actor == person and accepted.member_codes == ["KZ"]


def test_onboarding_is_recorded(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        reverse("member-onboard"),
        {
            "code": "AZ",
            "name": "Azerbaijan",
            "administration": "State Customs Committee",
            "joined_on": "2021-05-01",
            "focal-TOTAL_FORMS": "1",
            "focal-INITIAL_FORMS": "0",
            "focal-0-name": "Aysel Mammadova",
            "focal-0-email": "aysel@customs.az",
        },
    )
    assert response.status_code == 302, response.content
    event = only_event("member.onboard")
    assert event.actor == admin_user and event.object_reference == "AZ"
    assert event.member_codes == ["AZ"]
    assert only_event("person.create").object_reference == "aysel@customs.az"
    assert only_event("role.grant").detail == {"role": "focal_point"}
    assert only_event("invitation.send").member_codes == ["AZ"]


PERSON = {
    "username": "analyst.new",
    "email": "analyst.new@customs.kz",
    "first_name": "Aigerim",
    "last_name": "Sadykova",
    "roles": ["analyst"],
    "is_active": "on",
}


def test_person_created_is_recorded_with_its_role(client, admin_kz):
    client.force_login(admin_kz)
    response = client.post(reverse("member-person-new", args=["KZ"]), PERSON)
    assert response.status_code == 302, response.content
    created = only_event("person.create")
    assert created.actor == admin_kz and created.object_reference == "analyst.new"
    assert created.member_codes == ["KZ"]
    assert only_event("role.grant").detail == {"role": "analyst"}


def test_person_changed_role_granted_and_revoked(client, admin_kz, analyst_kz):
    client.force_login(admin_kz)
    data = {**PERSON, "username": "analyst.kz", "email": analyst_kz.email, "roles": ["focal_point"]}
    response = client.post(reverse("member-person-edit", args=["KZ", analyst_kz.pk]), data)
    assert response.status_code == 302, response.content
    assert only_event("person.change").object_id == analyst_kz.pk
    assert only_event("role.grant").detail == {"role": "focal_point"}
    assert only_event("role.revoke").detail == {"role": "analyst"}


def test_person_deactivated_is_recorded(client, admin_kz, analyst_kz):
    client.force_login(admin_kz)
    data = {**PERSON, "username": "analyst.kz", "email": analyst_kz.email, "is_active": ""}
    client.post(reverse("member-person-edit", args=["KZ", analyst_kz.pk]), data)
    event = only_event("person.deactivate")
    assert event.actor == admin_kz and event.object_id == analyst_kz.pk
    assert events("person.change") == []


UNIT = {"code": "KZ-AKT-PCU", "name": "Aktau port", "kind": "seaport", "city": "Aktau"}


def test_control_unit_created_and_changed_are_recorded(client, admin_kz):
    client.force_login(admin_kz)
    client.post(reverse("member-unit-new", args=["KZ"]), {**UNIT, "active": "on"})
    unit = ControlUnit.objects.get(code="KZ-AKT-PCU")
    created = only_event("control_unit.create")
    assert created.object_id == unit.pk and created.object_reference == "KZ-AKT-PCU"
    assert created.member_codes == ["KZ"] and created.actor == admin_kz
    client.post(
        reverse("member-unit-edit", args=["KZ", unit.code]), {**UNIT, "name": "Aktau sea port"}
    )
    assert only_event("control_unit.change").object_id == unit.pk


def test_a_failed_save_records_nothing(client, admin_kz, kz):
    ControlUnitFactory(member=kz, code="KZ-AKT-PCU")
    client.force_login(admin_kz)
    response = client.post(reverse("member-unit-new", args=["KZ"]), {**UNIT, "active": "on"})
    assert response.status_code == 200
    assert events("control_unit.create") == []
