"""The release policy: read and changed by the member's own admins only, audited, mailed to
its focal points; the releaser role its admins give."""

import pytest
from django.urls import reverse

from members import permissions
from members.models import AuditEvent, ReleasePolicy, RoleName
from members.services import person_update

from .conftest import api

pytestmark = pytest.mark.django_db

URL = "/api/v1/members/KZ/release-policy/"
POLICY = {"kinds": ["query", "seizure"], "handling_codes": ["H2", "H3"]}


def test_the_default_policy_is_empty(kz, admin_kz):
    response = api(admin_kz).get(URL)
    assert response.status_code == 200
    assert response.json() == {"kinds": [], "handling_codes": []}


def test_a_member_admin_sets_the_policy_and_reads_it_back(kz, admin_kz):
    response = api(admin_kz).put(URL, POLICY, format="json")
    assert response.status_code == 200 and response.json() == POLICY
    assert api(admin_kz).get(URL).json() == POLICY


def test_the_arrival_kind_is_accepted_before_its_app_registers_it(kz, admin_kz):
    body = {"kinds": ["arrival"], "handling_codes": []}
    assert api(admin_kz).put(URL, body, format="json").json() == body


def test_a_policy_change_is_audited_without_content(kz, admin_kz):
    api(admin_kz).put(URL, POLICY, format="json")
    event = AuditEvent.objects.get(action="release_policy.change")
    assert event.actor_id == admin_kz.pk and event.members == ["KZ"]
    assert event.detail == {"before": {"kinds": [], "handling_codes": []}, "after": POLICY}


def test_a_policy_change_is_mailed_to_the_focal_points(
    kz, admin_kz, focal_kz, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        api(admin_kz).put(URL, POLICY, format="json")
    assert [m.to for m in mailoutbox] == [[focal_kz.email]]
    assert "KZ" in mailoutbox[0].subject and "H2, H3" in mailoutbox[0].body


def test_saving_the_same_policy_again_records_nothing_more(kz, admin_kz):
    api(admin_kz).put(URL, POLICY, format="json")
    api(admin_kz).put(URL, POLICY, format="json")
    assert AuditEvent.objects.filter(action="release_policy.change").count() == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kinds": ["queries"], "handling_codes": []}, "kinds"),
        ({"kinds": ["query"], "handling_codes": ["H9"]}, "handling_codes"),
        ({"kinds": "query", "handling_codes": []}, "kinds"),
    ],
)
def test_a_bad_policy_is_a_field_level_400_and_nothing_changes(kz, admin_kz, body, field):
    response = api(admin_kz).put(URL, body, format="json")
    assert response.status_code == 400 and field in response.json()
    assert not ReleasePolicy.objects.exists()


@pytest.mark.parametrize("who", ["focal_kz", "admin_uz", "admin_user", "focal_tj"])
def test_nobody_but_the_members_admins_reads_or_changes_the_policy(request, kz, who):
    user = request.getfixturevalue(who)
    assert api(user).get(URL).status_code == 404
    assert api(user).put(URL, POLICY, format="json").status_code == 404
    assert not ReleasePolicy.objects.exists()


def test_the_policy_page_saves_for_a_member_admin(client, kz, admin_kz):
    client.force_login(admin_kz)
    url = reverse("member-release-policy", args=["KZ"])
    assert client.get(url).status_code == 200
    response = client.post(url, {"kinds": ["query"], "handling_codes": ["H2"]})
    assert response.status_code == 302
    policy = ReleasePolicy.objects.get(member=kz)
    assert (policy.kinds, policy.handling_codes) == (["query"], ["H2"])


def test_the_policy_page_is_a_404_for_a_focal_point(client, kz, focal_kz):
    client.force_login(focal_kz)
    assert client.get(reverse("member-release-policy", args=["KZ"])).status_code == 404


def test_a_member_admin_gives_the_release_right_through_the_releaser_role(kz, admin_kz, analyst_kz):
    assert not permissions.has_right(analyst_kz, permissions.Right.RELEASE, kz)
    person_update(
        member=kz,
        actor=admin_kz,
        person=analyst_kz,
        username=analyst_kz.username,
        email=analyst_kz.email,
        roles=[RoleName.ANALYST, RoleName.RELEASER],
    )
    analyst_kz.refresh_from_db()
    assert permissions.has_right(analyst_kz, permissions.Right.RELEASE, kz)
    assert AuditEvent.objects.filter(action="role.grant", detail={"role": "releaser"}).exists()


def test_focal_points_release_by_their_role(kz, focal_kz, admin_kz):
    assert permissions.has_right(focal_kz, permissions.Right.RELEASE, kz)
    assert not permissions.has_right(admin_kz, permissions.Right.RELEASE, kz)
