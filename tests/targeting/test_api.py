"""The profiles API and the random rate: writing, reading, filters, 400s naming the field,
versions and restore, audit; who may do what (404 outside, 403 for a visible profile one may
not write)."""

import pytest

from members.models import AuditEvent, RoleName
from targeting.models import RiskProfile, RiskProfileVersion
from tests.factories import member_user, network_admin

from .conftest import PROFILES, client_for, profile_body, profile_write

SETTINGS = "/api/v1/targeting/settings/"


@pytest.fixture
def analyst_kz2(kz):
    return member_user(kz, RoleName.ANALYST, username="analyst.kz")


# --- Writing and reading -------------------------------------------------------------------


def test_an_analyst_writes_a_profile_and_reads_it_back(analyst_uz):
    created = profile_write(analyst_uz, valid_from="2026-12-01", valid_until="2027-03-01")
    assert created["member"] == "UZ"
    assert created["version"] == 1
    detail = client_for(analyst_uz).get(f"{PROFILES}{created['id']}/").json()
    assert detail["criteria"] == profile_body()["criteria"]
    assert (detail["valid_from"], detail["valid_until"]) == ("2026-12-01", "2027-03-01")
    assert detail["stats"] == {
        "selected": 0,
        "examined": 0,
        "findings": 0,
        "seizures": 0,
        "hit_rate": None,
        "lift": None,
    }


def test_a_focal_point_writes_a_profile_too(focal_uz):
    assert profile_write(focal_uz)["member"] == "UZ"


@pytest.mark.parametrize(
    "criteria",
    [
        [{"field": "colour", "op": "in", "value": ["red"]}],
        [{"field": "hs_code", "op": "in", "value": ["2402"]}],
        [{"field": "gross_kg_per_package", "op": "gt", "value": "heavy"}],
        [{"field": "to_order", "op": "is", "value": "yes"}],
        [{"field": "hs_code", "op": "prefix"}],
        [],
        "hs_code prefix 2402",
    ],
    ids=[
        "unknown field",
        "wrong operator",
        "wrong value type",
        "not a bool",
        "no value",
        "none",
        "text",
    ],
)
def test_bad_criteria_give_a_400_naming_criteria(analyst_uz, criteria):
    response = client_for(analyst_uz).post(PROFILES, profile_body(criteria=criteria), format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["criteria"]
    assert not RiskProfile.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"scope": "global"}, "scope"),
        ({"lane": "green"}, "lane"),
        ({"modes": ["ship"]}, "modes"),
        ({"name": ""}, "name"),
        ({"description": "  "}, "description"),
        ({"valid_from": "01/12/2026"}, "valid_from"),
        ({"valid_from": "2027-03-02", "valid_until": "2027-03-01"}, "valid_until"),
        ({"active": "yes"}, "active"),
    ],
)
def test_other_bad_fields_give_a_400_naming_them(analyst_uz, changes, field):
    response = client_for(analyst_uz).post(PROFILES, profile_body(**changes), format="json")
    assert response.status_code == 400
    assert field in response.json()


def test_a_list_body_is_a_400_not_a_500(analyst_uz):
    response = client_for(analyst_uz).post(PROFILES, [profile_body()], format="json")
    assert response.status_code == 400


def test_the_list_filters_by_scope_active_and_lane(analyst_uz, analyst_kz2):
    red = profile_write(analyst_uz, name="Red national")
    amber = profile_write(analyst_uz, name="Amber draft", lane="amber", active=False)
    network = profile_write(analyst_kz2, name="KZ network", scope="network", lane="amber")
    client = client_for(analyst_uz)

    def names(query=""):
        return [p["name"] for p in client.get(f"{PROFILES}{query}").json()["results"]]

    assert names() == [amber["name"], network["name"], red["name"]]
    assert names("?scope=network") == [network["name"]]
    assert names("?scope=national&active=true") == [red["name"]]
    assert names("?active=false") == [amber["name"]]
    assert names("?lane=amber") == [amber["name"], network["name"]]
    bad = client.get(f"{PROFILES}?lane=green&active=maybe")
    assert bad.status_code == 400
    assert set(bad.json()) == {"lane", "active"}


def test_the_list_costs_a_fixed_number_of_queries(analyst_uz, django_assert_max_num_queries):
    for number in range(5):
        profile_write(analyst_uz, name=f"Profile {number}")
    client = client_for(analyst_uz)
    with django_assert_max_num_queries(8):
        response = client.get(PROFILES)
    assert response.json()["count"] == 5


# --- Changing, versions, restore, delete ---------------------------------------------------


def test_every_change_keeps_the_previous_version_and_is_audited(analyst_uz):
    created = profile_write(analyst_uz)
    url = f"{PROFILES}{created['id']}/"
    client = client_for(analyst_uz)
    changed = client.put(url, {"lane": "amber", "name": "Renamed"}, format="json").json()
    assert (changed["version"], changed["lane"], changed["name"]) == (2, "amber", "Renamed")
    versions = client.get(f"{url}versions/").json()
    assert [v["number"] for v in versions] == [2, 1]
    assert versions[1]["state"]["lane"] == "red"
    assert versions[1]["state"]["name"] == created["name"]

    restored = client.post(f"{url}versions/1/restore/").json()
    assert (restored["version"], restored["lane"], restored["name"]) == (3, "red", created["name"])
    assert RiskProfileVersion.objects.filter(profile_id=created["id"]).count() == 3
    actions = list(
        AuditEvent.objects.filter(object_type="riskprofile", object_id=created["id"])
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["profile.create", "profile.update", "profile.restore"]
    # The audit trail names no criterion and no name.
    for event in AuditEvent.objects.filter(object_type="riskprofile"):
        text = str(event.detail) + event.object_reference
        assert "2402" not in text and "Tobacco" not in text


def test_a_change_that_changes_nothing_adds_no_version(analyst_uz):
    created = profile_write(analyst_uz)
    response = client_for(analyst_uz).put(
        f"{PROFILES}{created['id']}/", {"lane": "red"}, format="json"
    )
    assert response.json()["version"] == 1


def test_a_bad_change_writes_nothing(analyst_uz):
    created = profile_write(analyst_uz)
    response = client_for(analyst_uz).put(
        f"{PROFILES}{created['id']}/",
        {"criteria": [{"field": "hs_code", "op": "equals", "value": ["2402"]}]},
        format="json",
    )
    assert response.status_code == 400 and "criteria" in response.json()
    assert RiskProfile.objects.get().version == 1


def test_restoring_an_unknown_version_is_a_400(analyst_uz):
    created = profile_write(analyst_uz)
    response = client_for(analyst_uz).post(f"{PROFILES}{created['id']}/versions/9/restore/")
    assert response.status_code == 400 and "version" in response.json()


def test_a_deleted_profile_is_gone_from_list_and_detail(analyst_uz):
    created = profile_write(analyst_uz)
    client = client_for(analyst_uz)
    assert client.delete(f"{PROFILES}{created['id']}/").status_code == 204
    assert client.get(f"{PROFILES}{created['id']}/").status_code == 404
    assert client.get(PROFILES).json()["count"] == 0
    assert AuditEvent.objects.filter(action="profile.delete").count() == 1


# --- Who sees and writes --------------------------------------------------------------------


def test_a_national_profile_is_404_to_another_members_analyst(analyst_uz, analyst_kz2):
    created = profile_write(analyst_uz)
    client = client_for(analyst_kz2)
    assert client.get(f"{PROFILES}{created['id']}/").status_code == 404
    assert (
        client.put(f"{PROFILES}{created['id']}/", {"lane": "amber"}, format="json").status_code
        == 404
    )
    assert (
        client.post(
            f"{PROFILES}{created['id']}/backtest/", {"since": "2026-01-01"}, format="json"
        ).status_code
        == 404
    )
    assert client.get(PROFILES).json()["count"] == 0


def test_officers_and_member_admins_do_not_read_profiles(analyst_uz, officer_uz, admin_uz):
    created = profile_write(analyst_uz)
    for user in (officer_uz, admin_uz):
        client = client_for(user)
        assert client.get(f"{PROFILES}{created['id']}/").status_code == 404
        assert client.get(PROFILES).json()["count"] == 0
        assert client.post(PROFILES, profile_body(), format="json").status_code == 403


def test_a_network_profile_is_read_by_every_members_analysts_but_written_by_its_owner(
    analyst_uz, analyst_kz2, focal_tj
):
    created = profile_write(analyst_kz2, scope="network", lane="amber")
    url = f"{PROFILES}{created['id']}/"
    for user in (analyst_uz, focal_tj):
        client = client_for(user)
        body = client.get(url).json()
        assert body["criteria"] == created["criteria"] and body["may_edit"] is False
        assert client.put(url, {"lane": "red"}, format="json").status_code == 403
        assert client.delete(url).status_code == 403
    assert RiskProfile.objects.get().lane == "amber"


def test_network_admins_see_no_profile(analyst_kz2, admin_user):
    created = profile_write(analyst_kz2, scope="network")
    client = client_for(admin_user)
    assert client.get(f"{PROFILES}{created['id']}/").status_code == 404
    assert client.get(f"{PROFILES}{created['id']}/versions/").status_code == 404
    assert client.get(PROFILES).json()["count"] == 0


def test_network_admins_see_profile_events_without_content(analyst_kz2):
    created = profile_write(analyst_kz2, scope="network")
    netadmin = network_admin("secretariat")
    events = client_for(netadmin).get("/api/v1/audit/?action=profile.create").json()["results"]
    (event,) = [e for e in events if e["action"] == "profile.create"]
    assert event["object_id"] is None and event["detail"] is None
    assert created["id"]  # the profile exists; the admin only sees that an event happened


# --- Random rate ----------------------------------------------------------------------------


def test_focal_points_set_the_random_rate_and_analysts_read_it(focal_uz, analyst_uz):
    response = client_for(focal_uz).put(SETTINGS, {"random_rate": 0.05}, format="json")
    assert response.status_code == 200
    assert response.json() == {"member": "UZ", "random_rate": 0.05}
    assert client_for(analyst_uz).get(SETTINGS).json()["random_rate"] == 0.05
    denied = client_for(analyst_uz).put(SETTINGS, {"random_rate": 0.5}, format="json")
    assert denied.status_code == 403
    assert AuditEvent.objects.filter(action="targeting.random_rate").count() == 1


@pytest.mark.parametrize("rate", [-0.1, 1.5, "five", None, True, "nan"])
def test_a_random_rate_outside_0_to_1_is_a_400(focal_uz, rate):
    response = client_for(focal_uz).put(SETTINGS, {"random_rate": rate}, format="json")
    assert response.status_code == 400 and "random_rate" in response.json()


def test_the_random_rate_is_404_to_others(focal_uz, officer_uz, admin_user, focal_tj):
    client_for(focal_uz).put(SETTINGS, {"random_rate": 0.05}, format="json")
    for user in (officer_uz, admin_user):
        assert client_for(user).get(SETTINGS).status_code == 404
    other = client_for(focal_tj).get(f"{SETTINGS}?member=UZ")
    assert other.status_code == 404
    assert client_for(focal_tj).get(SETTINGS).json() == {"member": "TJ", "random_rate": 0.0}


# --- The network admins' figures ----------------------------------------------------------------


def test_network_admins_read_counts_and_rates_through_the_api_and_no_profile(
    admin_user, analyst_kz, analyst_uz
):
    profile_write(analyst_uz, name="UZ-SECRET-NAME", description="UZ-SECRET-REASON")
    profile_write(analyst_kz, name="KZ-NETWORK-NAME", scope="network", lane="amber")
    response = client_for(admin_user).get("/api/v1/targeting/network/")
    assert response.status_code == 200
    body = response.json()
    by_member = {row["member"]: row for row in body["members"]}
    assert by_member["UZ"]["active_profiles"] == 1
    assert (by_member["KZ"]["active_profiles"], by_member["KZ"]["active_network_profiles"]) == (
        1,
        1,
    )
    text = response.content.decode()
    assert "SECRET" not in text and "KZ-NETWORK-NAME" not in text and "2402" not in text
    assert "criteria" not in text and "name" not in text
    # The profiles themselves stay out of reach.
    assert client_for(admin_user).get(PROFILES).json().get("results", []) == []


def test_the_network_figures_are_for_network_admins_only(analyst_kz, focal_kz, admin_kz):
    for person in (analyst_kz, focal_kz, admin_kz):
        assert client_for(person).get("/api/v1/targeting/network/").status_code == 404
