"""Random selection, backtests, re-screening after a change, the compiled profiles' cache and
the expiry reminders."""

from datetime import timedelta

import pytest
from django.utils import timezone

from alerts.emails import alert_email_render
from alerts.models import Alert
from arrivals.models import ArrivalNotice
from targeting import backtest, screening, services, tasks
from targeting.models import RiskProfile, Selection

from .conftest import (
    ARRIVALS,
    PROFILES,
    client_for,
    notice_file,
    profile_write,
    screening_of,
)

SETTINGS = "/api/v1/targeting/settings/"
TILES = [{"field": "hs_code", "op": "prefix", "value": ["6907"]}]


def _rate(focal, rate):
    assert client_for(focal).put(SETTINGS, {"random_rate": rate}, format="json").status_code == 200


def _documents(count, start=0):
    return [f"MEDU3{number:06d}" for number in range(start, start + count)]


# --- Random selection ------------------------------------------------------------------------


def test_random_selection_follows_the_keyed_draw_at_the_members_rate(
    officer_ge, officer_uz, focal_uz
):
    _rate(focal_uz, 0.5)
    ids = [notice_file(officer_ge, transport_document=d) for d in _documents(12)]
    picked = {pk for pk in ids if screening_of(officer_uz, pk)["lane"] == "amber"}
    assert picked == {pk for pk in ids if screening.random_draw(pk) < 0.5}
    assert 0 < len(picked) < 12  # 12 draws at one half: all or none would be 1 in 2,048
    for pk in picked:
        assert screening_of(officer_uz, pk)["reasons"][0]["source"] == "random"
    assert set(Selection.objects.filter(profile=None).values_list("notice_id", flat=True)) == picked


def test_the_draw_is_the_same_when_a_notice_is_screened_again(
    officer_ge, officer_uz, focal_uz, analyst_uz, django_capture_on_commit_callbacks
):
    _rate(focal_uz, 0.5)
    ids = [notice_file(officer_ge, transport_document=d) for d in _documents(8)]
    before = {pk: screening_of(officer_uz, pk) for pk in ids}
    with django_capture_on_commit_callbacks(execute=True):
        profile_write(analyst_uz, criteria=[{"field": "hs_code", "op": "prefix", "value": ["01"]}])
    assert {pk: screening_of(officer_uz, pk) for pk in ids} == before
    assert Selection.objects.filter(profile=None).count() == sum(
        1 for s in before.values() if s["lane"] == "amber"
    )


def test_random_selection_leaves_alone_what_a_rule_selects(
    officer_ge, officer_uz, focal_uz, analyst_uz
):
    _rate(focal_uz, 1.0)
    profile_write(analyst_uz, criteria=TILES)
    selected = notice_file(officer_ge)
    other = notice_file(
        officer_ge,
        transport_document="MEDU7000001",
        goods=[{"description": "Cars", "hs_code": "8703", "packages": 1, "gross_kg": 1500}],
    )
    assert [r["source"] for r in screening_of(officer_uz, selected)["reasons"]] == ["profile"]
    assert screening_of(officer_uz, other)["reasons"][0]["source"] == "random"


def test_no_random_selection_at_rate_zero(officer_ge, officer_uz, focal_uz):
    _rate(focal_uz, 0.0)
    pk = notice_file(officer_ge)
    assert screening_of(officer_uz, pk) == {"lane": "green", "reasons": []}


# --- Backtests -------------------------------------------------------------------------------


def test_a_backtest_counts_the_members_incoming_notices_since_the_date(
    officer_ge, officer_uz, analyst_uz, monkeypatch
):
    monkeypatch.setattr(backtest, "BATCH", 2)  # several batches through the cursor
    old = (timezone.now() - timedelta(days=40)).isoformat()
    notice_file(officer_ge, transport_document="MEDU5000001", expected_arrival=old,
                departed_at=(timezone.now() - timedelta(days=45)).isoformat())  # fmt: skip
    recent = [notice_file(officer_ge, transport_document=d) for d in _documents(4, 10)]
    cars = notice_file(
        officer_ge,
        transport_document="MEDU5000002",
        goods=[{"description": "Cars", "hs_code": "8703", "packages": 1, "gross_kg": 1500}],
    )
    outcome = client_for(officer_uz).post(
        f"{ARRIVALS}{recent[0]}/outcome/", {"outcome": "discrepancy"}, format="json"
    )
    assert outcome.status_code == 200
    draft = profile_write(analyst_uz, active=False, criteria=TILES)
    since = (timezone.localdate() - timedelta(days=10)).isoformat()
    result = client_for(analyst_uz).post(
        f"{PROFILES}{draft['id']}/backtest/", {"since": since}, format="json"
    )
    assert result.json() == {"notices": 5, "selected": 4, "with_finding": 1}
    assert cars and screening_of(officer_uz, recent[1]) == {"lane": "green", "reasons": []}


def test_a_backtest_of_new_consignees_reads_the_year_before_each_notice(
    officer_ge, tashkent, analyst_uz
):
    for number, days in enumerate((30, 20, 10)):
        notice_file(
            officer_ge,
            transport_document=f"MEDU600000{number}",
            consignee="Andijan Textile LLC" if number < 2 else "Namangan Silk LLC",
            expected_arrival=(timezone.now() - timedelta(days=days)).isoformat(),
            departed_at=(timezone.now() - timedelta(days=days + 2)).isoformat(),
        )
    draft = profile_write(
        analyst_uz, active=False, criteria=[{"field": "new_consignee", "op": "is", "value": True}]
    )
    since = (timezone.localdate() - timedelta(days=60)).isoformat()
    result = client_for(analyst_uz).post(
        f"{PROFILES}{draft['id']}/backtest/", {"since": since}, format="json"
    )
    # Andijan's first, Namangan's only: new; Andijan's second: known.
    assert result.json() == {"notices": 3, "selected": 2, "with_finding": 0}


@pytest.mark.parametrize("since", ["", "2026-13-01", "yesterday", None])
def test_a_backtest_needs_a_date(analyst_uz, since):
    draft = profile_write(analyst_uz, active=False)
    response = client_for(analyst_uz).post(
        f"{PROFILES}{draft['id']}/backtest/", {"since": since}, format="json"
    )
    assert response.status_code == 400 and "since" in response.json()


# --- Re-screening after a change -------------------------------------------------------------


def test_changing_deactivating_and_restoring_rescreens_expected_notices(
    officer_ge, officer_uz, analyst_uz, django_capture_on_commit_callbacks
):
    pk = notice_file(officer_ge)
    closed = notice_file(officer_ge, transport_document="MEDU8000001")
    client_for(officer_uz).post(
        f"{ARRIVALS}{closed}/outcome/", {"outcome": "not_examined"}, format="json"
    )
    analyst = client_for(analyst_uz)
    with django_capture_on_commit_callbacks(execute=True):
        profile = profile_write(analyst_uz, lane="amber", criteria=TILES)
    url = f"{PROFILES}{profile['id']}/"
    assert screening_of(officer_uz, pk)["lane"] == "amber"
    assert screening_of(officer_uz, closed) == {"lane": "green", "reasons": []}  # closed: kept

    with django_capture_on_commit_callbacks(execute=True):
        analyst.put(url, {"lane": "red", "name": "Tiles"}, format="json")
    screening = screening_of(officer_uz, pk)
    assert screening["lane"] == "red" and screening["reasons"][0]["text"].startswith("Tiles:")

    with django_capture_on_commit_callbacks(execute=True):
        analyst.put(url, {"active": False}, format="json")
    assert screening_of(officer_uz, pk) == {"lane": "green", "reasons": []}
    assert not Selection.objects.filter(notice_id=pk).exists()

    with django_capture_on_commit_callbacks(execute=True):
        analyst.post(f"{url}versions/2/restore/")
    assert screening_of(officer_uz, pk)["lane"] == "red"
    assert RiskProfile.objects.get().rescreen_scope == ""


def test_the_periodic_task_rescreens_what_a_lost_task_left_and_twice_is_harmless(
    officer_ge, officer_uz, analyst_uz
):
    pk = notice_file(officer_ge)
    profile_write(analyst_uz, criteria=TILES)  # its task never ran (no commit in this test)
    assert RiskProfile.objects.get().rescreen_scope == "member"
    assert screening_of(officer_uz, pk)["lane"] == "green"
    assert tasks.rescreen_notices.apply().get() == 1
    assert screening_of(officer_uz, pk)["lane"] == "red"
    assert tasks.rescreen_notices.apply().get() == 0
    assert services.notices_rescreen_for(member_ids=None) == 0
    assert Selection.objects.filter(notice_id=pk).count() == 1


def test_a_profile_change_is_seen_by_the_next_screening_in_the_same_process(
    officer_ge, officer_uz, analyst_uz
):
    profile = profile_write(analyst_uz, criteria=TILES)
    assert screening_of(officer_uz, notice_file(officer_ge))["lane"] == "red"  # v1 compiled
    client_for(analyst_uz).put(
        f"{PROFILES}{profile['id']}/",
        {"criteria": [{"field": "hs_code", "op": "prefix", "value": ["8703"]}]},
        format="json",
    )
    second = notice_file(officer_ge, transport_document="MEDU9000001")
    assert screening_of(officer_uz, second) == {"lane": "green", "reasons": []}
    assert list(screening._compiled) == [(profile["id"], 2)]


# --- Expiry reminders ------------------------------------------------------------------------


def test_the_author_is_reminded_once_seven_days_before_the_end(analyst_uz, focal_uz):
    today = timezone.localdate()
    ending = profile_write(analyst_uz, valid_until=(today + timedelta(days=7)).isoformat())
    profile_write(analyst_uz, name="Later", valid_until=(today + timedelta(days=8)).isoformat())
    profile_write(
        analyst_uz,
        name="Draft",
        active=False,
        valid_until=(today + timedelta(days=2)).isoformat(),
    )
    assert tasks.remind_expiring_profiles.apply().get() == 1
    assert tasks.remind_expiring_profiles.apply().get() == 0
    alerts = Alert.objects.filter(subject_type="riskprofile")
    assert {a.recipient_id for a in alerts} == {analyst_uz.pk}
    assert {a.subject_id for a in alerts} == {ending["id"]}
    assert {a.subject_reference for a in alerts} == {f"PROFILE-{ending['id']}"}
    mail = alert_email_render(alerts.get(channel="email"))
    assert f"PROFILE-{ending['id']}" in mail.subject
    assert ending["name"] not in mail.subject + mail.body and "2402" not in mail.body
    assert f"/targeting/{ending['id']}/" in mail.body

    client_for(analyst_uz).put(
        f"{PROFILES}{ending['id']}/",
        {"valid_until": (today + timedelta(days=5)).isoformat()},
        format="json",
    )
    assert services.profiles_expiry_remind() == 1  # a new end date: reminded again


def test_an_expiring_profile_is_listed_on_the_page(analyst_uz, client):
    profile = profile_write(
        analyst_uz, valid_until=(timezone.localdate() + timedelta(days=20)).isoformat()
    )
    client.force_login(analyst_uz)
    html = client.get("/targeting/").content.decode()
    expiring = html[html.index('data-testid="expiring"') :]
    assert f'data-profile="{profile["id"]}"' in expiring


def test_filing_costs_no_query_per_profile(
    officer_ge, tashkent, analyst_uz, django_assert_max_num_queries
):
    for number in range(30):
        profile_write(
            analyst_uz,
            name=f"P{number}",
            criteria=[
                {"field": "hs_code", "op": "prefix", "value": [f"{number:04d}"]},
                {"field": "new_consignee", "op": "is", "value": True},
            ],
        )
    notice_file(officer_ge)  # compiles the profiles once
    with django_assert_max_num_queries(60) as captured:
        notice_file(officer_ge, transport_document="MEDU9100001")
    targeting_queries = [q["sql"] for q in captured.captured_queries if "targeting_" in q["sql"]]
    assert len(targeting_queries) <= 3, targeting_queries
    assert ArrivalNotice.objects.count() == 2
