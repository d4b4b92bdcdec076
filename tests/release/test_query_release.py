"""A KZ query held under KZ's release policy, seen from every side: its author, its
releasers, the recipient country (UZ), a third country (TJ), the network admin, and a member
admin of KZ who is no releaser."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from exchange.models import Alert, AlertChannel, AlertEvent, Query, QueryRecipient
from members.models import AuditEvent, RoleName
from tests.factories.members import member_user

from .conftest import api, file_api

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(kz_policy, officer_kz, focal_kz, focal_uz, focal_tj):
    """An urgent H2 query officer.kz filed to UZ, awaiting release."""
    response = file_api(officer_kz)
    assert response.status_code == 201
    return response.json()


def _detail(user, query_id):
    return api(user).get(f"/api/v1/queries/{query_id}/")


def _release(user, query_id):
    return api(user).post(f"/api/v1/releases/query/{query_id}/release/")


def _return(user, query_id, note="Name the shipper first."):
    return api(user).post(
        f"/api/v1/releases/query/{query_id}/return/", {"note": note}, format="json"
    )


# --- Filing --------------------------------------------------------------------------------------


def test_a_query_under_the_policy_is_saved_awaiting_release(held):
    assert held["release_state"] == "awaiting_release"
    assert held["recipients"] == ["UZ"]
    assert not QueryRecipient.objects.filter(query_id=held["id"]).exists()


def test_a_query_outside_the_policys_codes_is_released_at_once(kz_policy, officer_kz, focal_uz):
    response = file_api(officer_kz, handling_code="H1")
    assert response.json()["release_state"] == "released"
    assert _detail(focal_uz, response.json()["id"]).status_code == 200


def test_without_a_policy_a_query_is_released_at_once(kz, uz, officer_kz, focal_uz):
    response = file_api(officer_kz)
    assert response.json()["release_state"] == "released"
    assert Alert.objects.filter(recipient=focal_uz, event=AlertEvent.FILED).exists()


# --- Before release: who sees it -----------------------------------------------------------------


def test_the_recipient_country_gets_404_and_no_alert_before_release(held, focal_uz):
    assert _detail(focal_uz, held["id"]).status_code == 404
    listed = api(focal_uz).get("/api/v1/queries/").json()["results"]
    assert held["id"] not in [q["id"] for q in listed]
    assert not Alert.objects.filter(recipient=focal_uz).exists()


def test_the_third_country_gets_404_before_release(held, focal_tj):
    assert _detail(focal_tj, held["id"]).status_code == 404
    assert not Alert.objects.filter(recipient=focal_tj).exists()


def test_the_network_admin_gets_404_and_no_figure_before_release(held, admin_user):
    assert _detail(admin_user, held["id"]).status_code == 404
    figures = {r["member"]: r for r in api(admin_user).get("/api/v1/query-figures/").json()}
    assert figures["KZ"]["sent"] == 0 and figures["UZ"]["received"] == 0


def test_a_member_admin_who_is_no_releaser_gets_404_before_release(held, admin_kz):
    assert _detail(admin_kz, held["id"]).status_code == 404


def test_the_author_sees_the_held_query(held, officer_kz):
    response = _detail(officer_kz, held["id"])
    assert response.status_code == 200 and response.json()["release_state"] == "awaiting_release"


def test_the_releasers_see_it_and_are_alerted(held, focal_kz, releaser_kz, officer_kz):
    assert _detail(focal_kz, held["id"]).status_code == 200
    assert _detail(releaser_kz, held["id"]).status_code == 200
    alerted = set(
        Alert.objects.filter(event=AlertEvent.AWAITING_RELEASE).values_list(
            "recipient__username", flat=True
        )
    )
    assert "focal.kz" in alerted and "officer.kz" not in alerted


def test_the_queue_lists_what_awaits_release(held, focal_kz):
    rows = api(focal_kz).get("/api/v1/releases/").json()
    assert len(rows) == 1
    row = rows[0]
    assert (row["kind"], row["id"], row["reference"], row["author"]) == (
        "query",
        held["id"],
        held["reference"],
        "officer.kz",
    )
    assert (row["handling_code"], row["priority"]) == ("H2", "urgent")
    assert row["created_at"] and row["waiting_seconds"] >= 0


def test_the_queue_is_empty_for_the_recipient_country_and_the_author(held, focal_uz, officer_kz):
    assert api(focal_uz).get("/api/v1/releases/").json() == []
    assert api(officer_kz).get("/api/v1/releases/").json() == []


def test_a_held_query_takes_no_reply(held, officer_kz):
    response = api(officer_kz).post(
        f"/api/v1/queries/{held['id']}/replies/", {"body": "More."}, format="json"
    )
    assert response.status_code == 409


# --- Who may not release -------------------------------------------------------------------------


def test_the_author_cannot_release_their_own_query(held, officer_kz):
    assert _release(officer_kz, held["id"]).status_code == 403
    assert Query.objects.get(pk=held["id"]).release_state == "awaiting_release"


def test_a_focal_point_cannot_release_their_own_query(kz_policy, focal_kz, focal_uz):
    query_id = file_api(focal_kz).json()["id"]
    assert _release(focal_kz, query_id).status_code == 403
    assert _return(focal_kz, query_id).status_code == 403
    assert Query.objects.get(pk=query_id).release_state == "awaiting_release"
    assert not QueryRecipient.objects.filter(query_id=query_id).exists()


def test_another_releaser_releases_a_focal_points_query(kz_policy, focal_kz, releaser_kz, focal_uz):
    query_id = file_api(focal_kz).json()["id"]
    assert _release(releaser_kz, query_id).json() == {"release_state": "released"}
    assert _detail(focal_uz, query_id).status_code == 200


@pytest.mark.parametrize("who", ["focal_uz", "focal_tj", "admin_user", "admin_kz"])
def test_nobody_outside_the_releasers_releases_or_returns(request, held, who):
    user = request.getfixturevalue(who)
    assert _release(user, held["id"]).status_code in (403, 404)
    assert _return(user, held["id"]).status_code in (403, 404)
    query = Query.objects.get(pk=held["id"])
    assert query.release_state == "awaiting_release" and query.release_note == ""
    assert not QueryRecipient.objects.filter(query_id=held["id"]).exists()


def test_another_members_releaser_gets_404(held, focal_uz):
    assert _release(focal_uz, held["id"]).status_code == 404


def test_an_unknown_kind_is_a_404(held, focal_kz):
    assert api(focal_kz).post(f"/api/v1/releases/bogus/{held['id']}/release/").status_code == 404


# --- Release -------------------------------------------------------------------------------------


def test_release_routes_the_query_as_if_just_filed(held, focal_kz, focal_uz):
    response = _release(focal_kz, held["id"])
    assert response.status_code == 200 and response.json() == {"release_state": "released"}
    assert _detail(focal_uz, held["id"]).status_code == 200
    recipients = QueryRecipient.objects.filter(query_id=held["id"])
    assert list(recipients.values_list("member__code", flat=True)) == ["UZ"]
    assert Alert.objects.filter(
        recipient=focal_uz, event=AlertEvent.FILED, channel=AlertChannel.PORTAL
    ).exists()


def test_after_release_the_third_country_still_gets_404(held, focal_kz, focal_tj):
    _release(focal_kz, held["id"])
    assert _detail(focal_tj, held["id"]).status_code == 404
    assert not Alert.objects.filter(recipient=focal_tj).exists()


def test_the_due_time_runs_from_release(held, focal_kz, settings):
    Query.objects.filter(pk=held["id"]).update(created_at=timezone.now() - timedelta(hours=3))
    _release(focal_kz, held["id"])
    query = Query.objects.get(pk=held["id"])
    hours = settings.EXCHANGE_DUE_HOURS["urgent"]
    assert abs((query.due_at - query.released_at) - timedelta(hours=hours)) < timedelta(seconds=1)
    assert query.due_at > timezone.now() + timedelta(hours=hours) - timedelta(minutes=1)


def test_release_is_recorded_and_shown(held, focal_kz, officer_kz, client):
    _release(focal_kz, held["id"])
    event = AuditEvent.objects.get(action="query.release")
    assert event.actor_id == focal_kz.pk and event.members == ["KZ", "UZ"]
    body = _detail(officer_kz, held["id"]).json()
    assert body["released_by"] == "focal.kz" and body["released_at"]
    client.force_login(officer_kz)
    page = client.get(reverse("exchange:detail", args=[held["id"]])).content.decode()
    assert "focal.kz" in page and 'data-testid="released-by"' in page


def test_releasing_twice_is_a_conflict(held, kz, focal_kz):
    second = member_user(kz, RoleName.FOCAL_POINT, username="focal2.kz")
    _release(focal_kz, held["id"])
    assert _release(second, held["id"]).status_code == 409
    assert QueryRecipient.objects.filter(query_id=held["id"]).count() == 1


def test_the_author_is_told_of_the_release(held, focal_kz, officer_kz):
    _release(focal_kz, held["id"])
    assert Alert.objects.filter(recipient=officer_kz, event=AlertEvent.RELEASED).exists()


# --- Return --------------------------------------------------------------------------------------


def test_return_needs_a_note(held, focal_kz):
    response = _return(focal_kz, held["id"], note="  ")
    assert response.status_code == 400 and "note" in response.json()
    assert Query.objects.get(pk=held["id"]).release_state == "awaiting_release"


def test_return_alerts_the_author_with_the_note_and_the_query_never_leaves(
    held, focal_kz, officer_kz, focal_uz
):
    response = _return(focal_kz, held["id"], note="Name the shipper first.")
    assert response.status_code == 200 and response.json() == {"release_state": "returned"}
    alert = Alert.objects.get(
        recipient=officer_kz, event=AlertEvent.RETURNED, channel=AlertChannel.PORTAL
    )
    assert alert.note == "Name the shipper first."
    assert _release(focal_kz, held["id"]).status_code == 409
    assert _detail(focal_uz, held["id"]).status_code == 404
    assert AuditEvent.objects.filter(action="query.return", actor=focal_kz).exists()


def test_copy_into_a_new_draft_prefills_the_form(held, focal_kz, officer_kz, client):
    _return(focal_kz, held["id"])
    client.force_login(officer_kz)
    page = client.get(reverse("exchange:detail", args=[held["id"]])).content.decode()
    assert 'data-testid="copy-into-draft"' in page
    form = client.get(reverse("exchange:file") + f"?copy={held['id']}").content.decode()
    assert "Cigarettes declared as paper napkins" in form
    assert "CSQU3054383" in form


def test_nobody_else_copies_a_returned_query(held, focal_kz, client):
    _return(focal_kz, held["id"])
    client.force_login(focal_kz)
    assert client.get(reverse("exchange:file") + f"?copy={held['id']}").status_code == 404


# --- Browser -------------------------------------------------------------------------------------


def test_the_header_counts_what_awaits_release(held, focal_kz, client):
    client.force_login(focal_kz)
    page = client.get(reverse("release-queue")).content.decode()
    assert 'data-testid="release-count">1<' in page
    assert held["reference"] in page


def test_the_queue_page_is_a_404_for_people_who_release_nothing(held, admin_kz, client):
    client.force_login(admin_kz)
    assert client.get(reverse("release-queue")).status_code == 404


def test_another_members_releaser_sees_nothing_in_their_queue(held, focal_uz, client):
    client.force_login(focal_uz)
    page = client.get(reverse("release-queue")).content.decode()
    assert held["reference"] not in page and 'data-testid="release-count"' not in page


def test_the_item_page_offers_release_to_a_releaser_but_not_to_the_author(
    held, focal_kz, officer_kz, client
):
    client.force_login(focal_kz)
    page = client.get(reverse("exchange:detail", args=[held["id"]])).content.decode()
    assert 'data-testid="release-button"' in page
    client.force_login(officer_kz)
    page = client.get(reverse("exchange:detail", args=[held["id"]])).content.decode()
    assert 'data-testid="release-button"' not in page


def test_the_browser_release_button_releases(held, focal_kz, focal_uz, client):
    client.force_login(focal_kz)
    url = reverse("release-item-release", args=["query", held["id"]])
    assert client.post(url).status_code == 302
    assert Query.objects.get(pk=held["id"]).release_state == "released"


def test_the_network_figures_show_the_median_time_to_release(held, focal_kz, admin_user):
    Query.objects.filter(pk=held["id"]).update(created_at=timezone.now() - timedelta(minutes=20))
    _release(focal_kz, held["id"])
    figures = {r["member"]: r for r in api(admin_user).get("/api/v1/query-figures/").json()}
    assert figures["KZ"]["median_time_to_release"].startswith("00:20:")
    assert figures["UZ"]["median_time_to_release"] is None
