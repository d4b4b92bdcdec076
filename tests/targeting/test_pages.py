"""The targeting pages: writing, backtesting, switching, restoring and deleting a profile from
the page; the random rate; the network admins' figures without any profile; who gets 404."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from targeting.models import RiskProfile, TargetingSettings

from .conftest import notice_file, profile_write


@pytest.fixture
def signed_in():
    def login(user):
        client = Client()
        client.force_login(user)
        return client

    return login


FORM = {
    "name": "Heavy tiles",
    "description": "Tiles heavier than declared hide cigarettes.",
    "scope": "national",
    "lane": "red",
    "modes": ["sea", "rail"],
    "criteria": "hs_code prefix 6907, 6908\ndescription contains tiles, плитка\nto_order is false",
    "valid_from": "",
    "valid_until": "",
}


def test_an_analyst_writes_backtests_and_activates_a_profile_from_the_pages(
    signed_in, officer_ge, officer_uz, analyst_uz, django_capture_on_commit_callbacks
):
    notice_id = notice_file(officer_ge)
    page = signed_in(analyst_uz)
    response = page.post("/targeting/new/", FORM)
    profile = RiskProfile.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/targeting/{profile.pk}/"
    assert profile.modes == ["sea", "rail"] and profile.active is False
    assert profile.criteria[1] == {
        "field": "description",
        "op": "contains",
        "value": ["tiles", "плитка"],
    }
    assert profile.criteria[2]["value"] is False

    since = (timezone.localdate() - timedelta(days=3)).isoformat()
    result = page.post(f"/targeting/{profile.pk}/backtest/", {"since": since})
    html = result.content.decode()
    assert 'data-stat="notices">1<' in html and 'data-stat="selected">1<' in html

    with django_capture_on_commit_callbacks(execute=True):
        page.post(f"/targeting/{profile.pk}/activate/", {"active": "1"})
    profile.refresh_from_db()
    assert profile.active and profile.version == 2
    officer = signed_in(officer_uz).get(f"/arrivals/{notice_id}/").content.decode()
    assert "Heavy tiles: Tiles heavier than declared hide cigarettes." in officer

    overview = page.get("/targeting/").content.decode()
    own = overview[overview.index('data-testid="own-profiles"') :]
    assert f'data-profile="{profile.pk}" data-active="true"' in own


def test_bad_criteria_are_shown_on_the_form(signed_in, analyst_uz):
    response = signed_in(analyst_uz).post(
        "/targeting/new/", {**FORM, "criteria": "hs_code\ncolour in red"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-field="criteria"' in html
    assert not RiskProfile.objects.exists()
    unknown = signed_in(analyst_uz).post("/targeting/new/", {**FORM, "criteria": "colour in red"})
    assert "colour" in unknown.content.decode() and not RiskProfile.objects.exists()


def test_edit_restore_and_delete_from_the_pages(signed_in, analyst_uz):
    profile = profile_write(analyst_uz)
    page = signed_in(analyst_uz)
    form = page.get(f"/targeting/{profile['id']}/edit/").content.decode()
    assert "hs_code prefix 2402, 2403" in form
    page.post(f"/targeting/{profile['id']}/edit/", {**FORM, "name": "Renamed", "lane": "amber"})
    assert RiskProfile.objects.get().name == "Renamed"
    page.post(f"/targeting/{profile['id']}/versions/1/restore/")
    restored = RiskProfile.objects.get()
    assert (restored.name, restored.lane, restored.version) == (profile["name"], "red", 3)
    assert page.post(f"/targeting/{profile['id']}/delete/").status_code == 302
    assert page.get(f"/targeting/{profile['id']}/").status_code == 404


def test_a_focal_point_sets_the_random_rate_from_the_page(signed_in, focal_uz, analyst_uz):
    assert signed_in(focal_uz).post("/targeting/settings/", {"random_rate": "5"}).status_code == 302
    assert TargetingSettings.objects.get().random_rate == 0.05
    html = signed_in(analyst_uz).get("/targeting/").content.decode()
    assert "5.0 %" in html and "save-random-rate" not in html
    assert (
        signed_in(analyst_uz).post("/targeting/settings/", {"random_rate": "9"}).status_code == 404
    )


def test_officers_and_member_admins_have_no_targeting_page(signed_in, officer_uz, admin_uz):
    for user in (officer_uz, admin_uz):
        assert signed_in(user).get("/targeting/").status_code == 404
        assert "targeting-nav" not in signed_in(user).get("/").content.decode()


def test_another_member_sees_a_network_profile_but_cannot_change_it(
    signed_in, analyst_kz, focal_tj
):
    profile = profile_write(analyst_kz, name="KZ precursors", scope="network", lane="amber")
    page = signed_in(focal_tj)
    overview = page.get("/targeting/").content.decode()
    network = overview[overview.index('data-testid="network-profiles"') :]
    assert "KZ precursors" in network
    detail = page.get(f"/targeting/{profile['id']}/").content.decode()
    assert "KZ precursors" in detail and 'data-testid="activate"' not in detail
    assert page.get(f"/targeting/{profile['id']}/edit/").status_code == 404
    assert page.post(f"/targeting/{profile['id']}/activate/", {"active": "0"}).status_code == 404
    assert RiskProfile.objects.get().active is True


def test_network_admins_see_counts_and_rates_and_no_profile(
    signed_in, admin_user, analyst_kz, analyst_uz
):
    national = profile_write(analyst_uz, name="UZ-SECRET-NAME", description="UZ-SECRET-REASON")
    profile_write(analyst_kz, name="KZ-NETWORK-NAME", scope="network")
    page = signed_in(admin_user)
    html = page.get("/targeting/").content.decode()
    assert "UZ-SECRET" not in html and "KZ-NETWORK-NAME" not in html and "2402" not in html
    uz_row = html[html.index('data-member="UZ"') :]
    assert 'data-stat="active_profiles">1<' in uz_row
    assert page.get(f"/targeting/{national['id']}/").status_code == 404


def test_the_page_costs_a_fixed_number_of_queries(
    signed_in, analyst_uz, django_assert_max_num_queries
):
    for number in range(6):
        profile_write(analyst_uz, name=f"Profile {number}", valid_until="2099-01-01")
    page = signed_in(analyst_uz)
    page.get("/targeting/")
    with django_assert_max_num_queries(20):
        assert page.get("/targeting/").status_code == 200


def test_the_pages_speak_russian(signed_in, analyst_uz):
    profile = profile_write(analyst_uz)
    page = signed_in(analyst_uz)
    page.cookies["django_language"] = "ru"
    for url in ("/targeting/", f"/targeting/{profile['id']}/", "/targeting/new/"):
        response = page.get(url)
        assert response.status_code == 200
        assert '<html lang="ru">' in response.content.decode()
