"""Member admins manage their own country's people and control units; any other country's pages
are a 404 for them."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from members import permissions
from members.models import ControlUnit, RoleName
from members.permissions import Right
from tests.factories.members import ControlUnitFactory, member_user

User = get_user_model()


@pytest.fixture
def unit_kz(kz):
    return ControlUnitFactory(member=kz, code="KZ-ALA-ACCU", kind="airport", city="Almaty")


def kz_pages(focal_kz, unit_kz):
    return {
        "people": reverse("member-people", args=["KZ"]),
        "person-new": reverse("member-person-new", args=["KZ"]),
        "person-edit": reverse("member-person-edit", args=["KZ", focal_kz.pk]),
        "units": reverse("member-units", args=["KZ"]),
        "unit-new": reverse("member-unit-new", args=["KZ"]),
        "unit-edit": reverse("member-unit-edit", args=["KZ", unit_kz.code]),
    }


PAGES = ["people", "person-new", "person-edit", "units", "unit-new", "unit-edit"]


@pytest.mark.parametrize("page", PAGES)
def test_foreign_member_admin_gets_404_on_another_countrys_page(
    client, admin_uz, focal_kz, unit_kz, page
):
    client.force_login(admin_uz)
    assert client.get(kz_pages(focal_kz, unit_kz)[page]).status_code == 404


@pytest.mark.parametrize("page", PAGES)
def test_foreign_member_admin_gets_404_when_posting_to_another_countrys_page(
    client, admin_uz, focal_kz, unit_kz, page
):
    client.force_login(admin_uz)
    response = client.post(
        kz_pages(focal_kz, unit_kz)[page],
        {"username": "x", "email": "x@x.example", "roles": ["analyst"], "code": "KZ-X-PCU"},
    )
    assert response.status_code == 404
    focal_kz.refresh_from_db()
    assert focal_kz.username == "focal.kz"


def test_foreign_member_admin_gets_404_on_invite(client, admin_uz, focal_kz, smtp_server):
    client.force_login(admin_uz)
    url = reverse("member-person-invite", args=["KZ", focal_kz.pk])
    assert client.post(url).status_code == 404
    assert smtp_server.messages == []


def test_member_admin_gets_404_on_a_foreign_person_through_their_own_country(
    client, admin_kz, focal_uz
):
    client.force_login(admin_kz)
    url = reverse("member-person-edit", args=["KZ", focal_uz.pk])
    assert client.get(url).status_code == 404


def test_member_admin_gets_404_on_a_foreign_unit_through_their_own_country(client, admin_kz, uz):
    unit = ControlUnitFactory(member=uz, code="UZ-TAS-ACCU")
    client.force_login(admin_kz)
    assert client.get(reverse("member-unit-edit", args=["KZ", unit.code])).status_code == 404


@pytest.mark.parametrize("page", ["people", "units", "person-new", "unit-new"])
def test_focal_point_gets_404_on_own_countrys_management_pages(client, focal_kz, unit_kz, page):
    client.force_login(focal_kz)
    assert client.get(kz_pages(focal_kz, unit_kz)[page]).status_code == 404


def test_member_admin_sees_own_people(client, admin_kz, focal_kz, focal_uz):
    client.force_login(admin_kz)
    response = client.get(reverse("member-people", args=["KZ"]))
    assert response.status_code == 200
    assert b"focal.kz" in response.content
    assert b"focal.uz" not in response.content


def test_people_page_queries_do_not_grow_with_people(
    client, admin_kz, kz, django_assert_max_num_queries
):
    for n in range(15):
        member_user(kz, RoleName.ANALYST, username=f"analyst{n}.kz")
    client.force_login(admin_kz)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("member-people", args=["KZ"]))
    assert response.content.count(b"analyst") >= 15


def test_network_admin_manages_any_countrys_people(client, admin_user, focal_kz):
    client.force_login(admin_user)
    assert client.get(reverse("member-people", args=["KZ"])).status_code == 200


# --- Adding people and units through the forms ----------------------------------------------

PERSON = {
    "username": "officer.ala",
    "email": "Officer.Ala@customs.example",
    "first_name": "Aigerim",
    "last_name": "Bekova",
    "roles": [RoleName.UNIT_OFFICER],
    "is_active": "on",
}


def test_member_admin_adds_a_unit_officer(
    client, admin_kz, kz, unit_kz, smtp_server, django_capture_on_commit_callbacks
):
    client.force_login(admin_kz)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("member-person-new", args=["KZ"]), {**PERSON, "control_unit": unit_kz.pk}
        )
    assert response.status_code == 302
    officer = User.objects.get(username="officer.ala")
    assert officer.member == kz
    assert officer.email == "officer.ala@customs.example"
    assert officer.control_unit == unit_kz
    assert permissions.has_right(officer, Right.VIEW_UNIT_QUERIES, kz)
    assert smtp_server.wait_for(1)[0]["to"] == ["officer.ala@customs.example"]


def test_officer_without_unit_is_refused_with_a_field_error(client, admin_kz, unit_kz):
    client.force_login(admin_kz)
    response = client.post(reverse("member-person-new", args=["KZ"]), PERSON)
    assert response.status_code == 200
    assert response.context["form"].errors["control_unit"]
    assert b'data-field="control_unit"' in response.content
    assert not User.objects.filter(username="officer.ala").exists()


def test_person_needs_a_role(client, admin_kz, unit_kz):
    client.force_login(admin_kz)
    response = client.post(reverse("member-person-new", args=["KZ"]), {**PERSON, "roles": []})
    assert response.context["form"].errors["roles"]
    assert not User.objects.filter(username="officer.ala").exists()


def test_person_email_already_in_use_is_refused(client, admin_kz, focal_uz, unit_kz):
    client.force_login(admin_kz)
    response = client.post(
        reverse("member-person-new", args=["KZ"]),
        {**PERSON, "email": focal_uz.email.upper(), "control_unit": unit_kz.pk},
    )
    assert response.context["form"].errors["email"]
    assert not User.objects.filter(username="officer.ala").exists()


def test_foreign_unit_cannot_be_chosen_for_a_person(client, admin_kz, uz, unit_kz):
    unit_uz = ControlUnitFactory(member=uz, code="UZ-TAS-ACCU")
    client.force_login(admin_kz)
    response = client.post(
        reverse("member-person-new", args=["KZ"]), {**PERSON, "control_unit": unit_uz.pk}
    )
    assert response.context["form"].errors["control_unit"]
    assert not User.objects.filter(username="officer.ala").exists()


def test_member_admin_changes_a_persons_roles(client, admin_kz, kz, analyst_kz):
    client.force_login(admin_kz)
    response = client.post(
        reverse("member-person-edit", args=["KZ", analyst_kz.pk]),
        {
            "username": analyst_kz.username,
            "email": analyst_kz.email,
            "roles": [RoleName.FOCAL_POINT],
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    assert permissions.has_right(analyst_kz, Right.FILE_QUERIES, kz)
    permissions.forget(analyst_kz)
    assert permissions.has_right(analyst_kz, Right.FILE_QUERIES, kz)
    roles = [r.name for r in permissions.user_roles(analyst_kz)]
    assert roles == [RoleName.FOCAL_POINT]


def test_member_admin_deactivates_a_person(client, admin_kz, kz, analyst_kz):
    client.force_login(admin_kz)
    client.post(
        reverse("member-person-edit", args=["KZ", analyst_kz.pk]),
        {"username": analyst_kz.username, "email": analyst_kz.email, "roles": ["analyst"]},
    )
    analyst_kz.refresh_from_db()
    assert analyst_kz.is_active is False
    assert not permissions.has_right(analyst_kz, Right.VIEW_SEIZURES, kz)


def test_member_admin_sends_an_invitation_again(
    client, admin_kz, focal_kz, smtp_server, django_capture_on_commit_callbacks
):
    client.force_login(admin_kz)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("member-person-invite", args=["KZ", focal_kz.pk]))
    assert response.status_code == 302
    assert smtp_server.wait_for(1)[0]["to"] == [focal_kz.email]


UNIT = {
    "code": "kz-nqz-accu",
    "name": "Astana Airport Air Cargo Control Unit",
    "kind": "airport",
    "city": "Astana",
    "locode": "kznqz",
    "active": "on",
}


def test_member_admin_adds_a_control_unit(client, admin_kz, kz):
    client.force_login(admin_kz)
    response = client.post(reverse("member-unit-new", args=["KZ"]), UNIT)
    assert response.status_code == 302
    unit = ControlUnit.objects.get(code="KZ-NQZ-ACCU")
    assert unit.member == kz
    assert unit.locode == "KZNQZ"
    assert unit.kind == "airport"


def test_unit_code_of_another_country_is_refused_with_a_field_error(client, admin_kz, kz):
    client.force_login(admin_kz)
    response = client.post(reverse("member-unit-new", args=["KZ"]), {**UNIT, "code": "UZ-TAS-X"})
    assert response.status_code == 200
    assert "starts with its member" in response.context["form"].errors["code"][0]
    assert b'data-field="code"' in response.content
    assert not ControlUnit.objects.exists()


def test_duplicate_unit_code_is_refused_with_a_field_error(client, admin_kz, unit_kz):
    client.force_login(admin_kz)
    response = client.post(reverse("member-unit-new", args=["KZ"]), {**UNIT, "code": "KZ-ALA-ACCU"})
    assert response.context["form"].errors["code"]
    assert ControlUnit.objects.count() == 1


def test_malformed_locode_is_refused_with_a_field_error(client, admin_kz, kz):
    client.force_login(admin_kz)
    response = client.post(reverse("member-unit-new", args=["KZ"]), {**UNIT, "locode": "KZ-1"})
    assert response.context["form"].errors["locode"]
    assert not ControlUnit.objects.exists()


def test_unknown_unit_kind_is_refused_with_a_field_error(client, admin_kz, kz):
    client.force_login(admin_kz)
    response = client.post(reverse("member-unit-new", args=["KZ"]), {**UNIT, "kind": "harbour"})
    assert response.context["form"].errors["kind"]
    assert not ControlUnit.objects.exists()


def test_member_admin_edits_a_control_unit(client, admin_kz, unit_kz):
    client.force_login(admin_kz)
    response = client.post(
        reverse("member-unit-edit", args=["KZ", unit_kz.code]),
        {**UNIT, "code": unit_kz.code, "active": ""},
    )
    assert response.status_code == 302
    unit_kz.refresh_from_db()
    assert unit_kz.active is False
    assert unit_kz.city == "Astana"


def test_person_added_inactive_stays_inactive_and_is_not_invited(
    client, admin_kz, unit_kz, smtp_server, django_capture_on_commit_callbacks
):
    client.force_login(admin_kz)
    data = {**PERSON, "control_unit": unit_kz.pk}
    del data["is_active"]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("member-person-new", args=["KZ"]), data)
    assert User.objects.get(username="officer.ala").is_active is False
    assert smtp_server.messages == []


def test_inactive_person_is_not_sent_an_invitation(
    client, admin_kz, focal_kz, smtp_server, django_capture_on_commit_callbacks
):
    User.objects.filter(pk=focal_kz.pk).update(is_active=False)
    client.force_login(admin_kz)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("member-person-invite", args=["KZ", focal_kz.pk]))
    assert response.status_code == 302
    assert smtp_server.messages == []
