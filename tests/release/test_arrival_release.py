"""A GE pre-arrival notice to UZ held under GE's release policy, seen from every side: its
author, GE's releasers, the receiving member (UZ), a third country (TJ), the network admin
and a member admin of GE who is no releaser; and matching before and after release."""

import pytest
from django.urls import reverse

from alerts.models import Alert, AlertChannel, AlertEvent
from arrivals import partitioning
from arrivals.models import ArrivalNotice
from matching.lists import watch_entry_create
from matching.models import Hit, IdentifierEntry
from members.models import AuditEvent, RoleName
from members.releases import release_policy_set
from seizures.services import seizure_report_create
from tests.arrivals.conftest import client_for, notice_data
from tests.factories import ControlUnitFactory, MemberFactory, member_user
from tests.seizures.conftest import row

pytestmark = pytest.mark.django_db

URL = "/api/v1/arrivals/"
CONTAINER = "CSQU3054383"


@pytest.fixture(autouse=True)
def _partitions_forgotten():
    # Partitions made inside a rolled-back test are gone: the process must not remember them.
    partitioning.forget_known()
    yield
    partitioning.forget_known()


@pytest.fixture
def ge(db):
    return MemberFactory(code="GE")


@pytest.fixture
def officer_ge(ge):
    poti = ControlUnitFactory(member=ge, code="GE-PTI-PCU", name="Poti PCU")
    return member_user(ge, RoleName.UNIT_OFFICER, control_unit=poti, username="officer.ge")


@pytest.fixture
def focal_ge(ge):
    return member_user(ge, RoleName.FOCAL_POINT, username="focal.ge")


@pytest.fixture
def releaser_ge(ge):
    return member_user(ge, RoleName.RELEASER, username="releaser.ge")


@pytest.fixture
def admin_ge(ge):
    return member_user(ge, RoleName.MEMBER_ADMIN, username="admin.ge")


@pytest.fixture
def officer_uz(uz):
    tashkent = ControlUnitFactory(
        member=uz, code="UZ-TAS-PCU", name="Tashkent dry port", kind="dry-port"
    )
    return member_user(uz, RoleName.UNIT_OFFICER, control_unit=tashkent, username="officer.uz")


@pytest.fixture
def ge_policy(ge, admin_ge):
    """GE holds its H0 and H2 notices (H0: they match both ways)."""
    return release_policy_set(
        member=ge, actor=admin_ge, kinds=["arrival"], handling_codes=["H0", "H2"]
    )


@pytest.fixture
def held(ge_policy, officer_ge, focal_ge, officer_uz, focal_uz, focal_tj):
    """An H0 notice officer.ge filed to UZ's Tashkent unit, awaiting release."""
    response = client_for(officer_ge).post(URL, notice_data(), format="json")
    assert response.status_code == 201
    return response.json()


def _detail(user, notice_id):
    return client_for(user).get(f"{URL}{notice_id}/")


def _listed(user, **params) -> list[int]:
    return [n["id"] for n in client_for(user).get(URL, params).json()["results"]]


def _release(user, notice_id):
    return client_for(user).post(f"/api/v1/releases/arrival/{notice_id}/release/")


def _return(user, notice_id, note="Name the consignee's tax number first."):
    return client_for(user).post(
        f"/api/v1/releases/arrival/{notice_id}/return/", {"note": note}, format="json"
    )


def _state(notice_id) -> str:
    return ArrivalNotice.objects.get(pk=notice_id).release_state


# --- Filing --------------------------------------------------------------------------------------


def test_a_notice_under_the_policy_is_saved_awaiting_release(held):
    assert held["release_state"] == "awaiting_release"
    notice = ArrivalNotice.objects.get(pk=held["id"])
    assert notice.lane == "" and notice.screening == {} and notice.released_at is None


def test_a_notice_outside_the_policys_codes_is_released_at_once(ge_policy, officer_ge, officer_uz):
    response = client_for(officer_ge).post(URL, notice_data(handling_code="H1"), format="json")
    assert response.json()["release_state"] == "released"
    assert _detail(officer_uz, response.json()["id"]).status_code == 200


def test_a_policy_without_the_arrival_kind_holds_no_notice(ge, admin_ge, officer_ge, officer_uz):
    release_policy_set(member=ge, actor=admin_ge, kinds=["query"], handling_codes=["H0"])
    response = client_for(officer_ge).post(URL, notice_data(), format="json")
    assert response.json()["release_state"] == "released"
    assert _detail(officer_uz, response.json()["id"]).status_code == 200


# --- Before release: who sees it -----------------------------------------------------------------


def test_the_receiving_member_gets_404_and_no_alert_before_release(held, officer_uz, focal_uz):
    for user in (officer_uz, focal_uz):
        assert _detail(user, held["id"]).status_code == 404
        assert held["id"] not in _listed(user)
        assert held["id"] not in _listed(user, direction="incoming")
        assert not Alert.objects.filter(recipient=user).exists()
        assert client_for(user).get("/api/v1/releases/").json() == []


def test_the_receiving_member_has_no_audit_event_before_release(held):
    assert not AuditEvent.objects.filter(members__contains=["UZ"]).exists()


def test_the_third_country_gets_404_before_release(held, focal_tj):
    assert _detail(focal_tj, held["id"]).status_code == 404
    assert not Alert.objects.filter(recipient=focal_tj).exists()


def test_the_network_admin_gets_404_before_release(held, admin_user):
    assert _detail(admin_user, held["id"]).status_code == 404
    assert _release(admin_user, held["id"]).status_code in (403, 404)


def test_a_member_admin_who_is_no_releaser_gets_404_before_release(held, admin_ge):
    assert _detail(admin_ge, held["id"]).status_code == 404


def test_the_author_sees_the_held_notice(held, officer_ge):
    response = _detail(officer_ge, held["id"])
    assert response.status_code == 200
    assert response.json()["release_state"] == "awaiting_release"
    assert held["id"] in _listed(officer_ge, direction="outgoing")


def test_the_releasers_see_it_and_are_alerted(releaser_ge, held, focal_ge, officer_ge):
    assert _detail(focal_ge, held["id"]).status_code == 200
    assert _detail(releaser_ge, held["id"]).status_code == 200
    alerted = set(
        Alert.objects.filter(event=AlertEvent.AWAITING_RELEASE).values_list(
            "recipient__username", flat=True
        )
    )
    assert alerted == {"focal.ge", "releaser.ge"}


def test_the_queue_lists_the_held_notice(held, focal_ge):
    rows = client_for(focal_ge).get("/api/v1/releases/").json()
    assert [(r["kind"], r["id"], r["reference"], r["author"]) for r in rows] == [
        ("arrival", held["id"], held["reference"], "officer.ge")
    ]
    assert rows[0]["handling_code"] == "H0"


def test_the_queue_is_empty_for_the_author(held, officer_ge):
    assert client_for(officer_ge).get("/api/v1/releases/").json() == []


def test_the_receiver_cannot_record_arrival_of_a_held_notice(held, officer_uz):
    response = client_for(officer_uz).post(
        f"{URL}{held['id']}/arrived/", {"containers": [], "gross_kg": 1}, format="json"
    )
    assert response.status_code == 404
    assert ArrivalNotice.objects.get(pk=held["id"]).status == "expected"


# --- Who may not release -------------------------------------------------------------------------


def test_the_author_cannot_release_their_own_notice(held, officer_ge):
    assert _release(officer_ge, held["id"]).status_code == 403
    assert _return(officer_ge, held["id"]).status_code == 403
    assert _state(held["id"]) == "awaiting_release"


def test_a_focal_point_cannot_release_their_own_notice(ge_policy, focal_ge, officer_uz):
    response = client_for(focal_ge).post(URL, notice_data(from_unit="", to_unit=""), format="json")
    assert response.status_code == 201, response.json()
    notice_id = response.json()["id"]
    assert _release(focal_ge, notice_id).status_code == 403
    assert _state(notice_id) == "awaiting_release"
    assert _detail(officer_uz, notice_id).status_code == 404


@pytest.mark.parametrize("who", ["officer_uz", "focal_uz", "focal_tj", "admin_user", "admin_ge"])
def test_nobody_outside_the_releasers_releases_or_returns(request, held, who):
    user = request.getfixturevalue(who)
    assert _release(user, held["id"]).status_code in (403, 404)
    assert _return(user, held["id"]).status_code in (403, 404)
    notice = ArrivalNotice.objects.get(pk=held["id"])
    assert notice.release_state == "awaiting_release" and notice.release_note == ""


def test_the_receiving_members_focal_point_gets_404(held, focal_uz):
    assert _release(focal_uz, held["id"]).status_code == 404


# --- Release -------------------------------------------------------------------------------------


def test_release_sends_the_notice_as_if_just_filed(held, releaser_ge, officer_uz, focal_uz):
    response = _release(releaser_ge, held["id"])
    assert response.status_code == 200 and response.json() == {"release_state": "released"}
    detail = _detail(officer_uz, held["id"])
    assert detail.status_code == 200
    assert detail.json()["screening"]["lane"] == "green"
    assert held["id"] in _listed(focal_uz, direction="incoming")
    # A green notice: the receiving side's digest, as at filing.
    alerted = set(
        Alert.objects.filter(subject_id=held["id"], event="arrival-notice").values_list(
            "recipient_id", flat=True
        )
    )
    assert alerted == {officer_uz.pk, focal_uz.pk}


def test_a_red_notice_alerts_the_receiver_at_once_only_after_release(
    ge_policy, officer_ge, focal_ge, officer_uz, focal_uz
):
    watch_entry_create(user=focal_uz, kind="container", value=CONTAINER)
    notice_id = client_for(officer_ge).post(URL, notice_data(), format="json").json()["id"]
    assert not Alert.objects.filter(event="arrival-red").exists()
    assert _detail(focal_uz, notice_id).status_code == 404

    _release(focal_ge, notice_id)
    assert _detail(officer_uz, notice_id).json()["screening"]["lane"] == "red"
    red = Alert.objects.filter(event="arrival-red", channel=AlertChannel.PORTAL)
    assert {a.recipient_id for a in red} == {officer_uz.pk, focal_uz.pk}


def test_after_release_the_third_country_still_gets_404(held, focal_ge, focal_tj):
    _release(focal_ge, held["id"])
    assert _detail(focal_tj, held["id"]).status_code == 404
    assert not Alert.objects.filter(recipient=focal_tj).exists()


def test_release_is_recorded_and_the_author_told(held, focal_ge, officer_ge):
    _release(focal_ge, held["id"])
    event = AuditEvent.objects.get(action="arrival.release")
    assert event.actor_id == focal_ge.pk and sorted(event.members) == ["GE", "UZ"]
    assert Alert.objects.filter(recipient=officer_ge, event=AlertEvent.RELEASED).exists()
    notice = ArrivalNotice.objects.get(pk=held["id"])
    assert notice.released_by_id == focal_ge.pk and notice.released_at is not None


def test_releasing_twice_is_a_conflict(held, ge, focal_ge):
    second = member_user(ge, RoleName.FOCAL_POINT, username="focal2.ge")
    _release(focal_ge, held["id"])
    assert _release(second, held["id"]).status_code == 409
    assert Alert.objects.filter(event=AlertEvent.RELEASED, channel=AlertChannel.PORTAL).count() == 1


def test_the_audit_log_reads_the_release_and_return_as_sentences(held, ge, focal_ge, officer_ge):
    from members.audit_sentences import audit_sentence

    _release(focal_ge, held["id"])
    other = client_for(officer_ge).post(URL, notice_data(), format="json").json()["id"]
    _return(focal_ge, other)
    released = audit_sentence(AuditEvent.objects.get(action="arrival.release"))
    returned = audit_sentence(AuditEvent.objects.get(action="arrival.return"))
    assert "released pre-arrival notice" in released and held["reference"] in released
    assert "returned pre-arrival notice" in returned


# --- Return --------------------------------------------------------------------------------------


def test_return_needs_a_note(held, focal_ge):
    response = _return(focal_ge, held["id"], note="  ")
    assert response.status_code == 400 and "note" in response.json()
    assert _state(held["id"]) == "awaiting_release"


def test_a_returned_notice_never_leaves(held, focal_ge, officer_ge, officer_uz, focal_uz):
    response = _return(focal_ge, held["id"])
    assert response.status_code == 200 and response.json() == {"release_state": "returned"}
    alert = Alert.objects.get(
        recipient=officer_ge, event=AlertEvent.RETURNED, channel=AlertChannel.PORTAL
    )
    assert alert.note == "Name the consignee's tax number first."
    assert _release(focal_ge, held["id"]).status_code == 409
    assert _detail(focal_uz, held["id"]).status_code == 404
    assert not Alert.objects.filter(recipient__in=[officer_uz, focal_uz]).exists()
    event = AuditEvent.objects.get(action="arrival.return")
    assert event.actor_id == focal_ge.pk and event.members == ["GE"]
    assert _detail(officer_ge, held["id"]).json()["release_state"] == "returned"


# --- Matching ------------------------------------------------------------------------------------


def test_a_held_notice_raises_no_hit_until_released(held, analyst_kz, focal_ge):
    seizure_report_create(user=analyst_kz, data=row(container_number=CONTAINER))
    assert not IdentifierEntry.objects.filter(record_type="arrival", record_id=held["id"]).exists()
    assert not Hit.objects.filter(holder_record_type="arrival").exists()
    assert not Hit.objects.filter(record_type="arrival").exists()

    _release(focal_ge, held["id"])
    assert IdentifierEntry.objects.filter(record_type="arrival", record_id=held["id"]).exists()
    # The notice meets KZ's network report: a hit for KZ (holder: the notice), and its
    # screening for UZ turns amber.
    assert Hit.objects.filter(
        for_member_id=analyst_kz.member_id, holder_record_type="arrival"
    ).exists()
    assert ArrivalNotice.objects.get(pk=held["id"]).lane == "amber"


def test_a_returned_notice_never_raises_a_hit(held, analyst_kz, focal_ge):
    _return(focal_ge, held["id"])
    seizure_report_create(user=analyst_kz, data=row(container_number=CONTAINER))
    assert not Hit.objects.filter(holder_record_type="arrival").exists()
    assert not IdentifierEntry.objects.filter(record_type="arrival").exists()


# The manifest import, held as one item: test_arrival_import_release.py.


# --- Browser -------------------------------------------------------------------------------------


def test_the_notice_page_is_a_404_for_the_receiver_before_release(held, officer_uz, client):
    client.force_login(officer_uz)
    assert client.get(reverse("arrivals:detail", args=[held["id"]])).status_code == 404


def test_the_queue_page_lists_the_held_notice(held, focal_ge, client):
    client.force_login(focal_ge)
    page = client.get(reverse("release-queue")).content.decode()
    assert held["reference"] in page


def test_the_notice_page_offers_release_to_a_releaser_but_not_to_the_author(
    held, focal_ge, officer_ge, client
):
    url = reverse("arrivals:detail", args=[held["id"]])
    client.force_login(focal_ge)
    assert 'data-testid="release-button"' in client.get(url).content.decode()
    client.force_login(officer_ge)
    page = client.get(url).content.decode()
    assert 'data-testid="release-state"' in page and 'data-testid="release-button"' not in page


def test_the_browser_release_button_sends_the_notice(held, focal_ge, officer_uz, client):
    client.force_login(focal_ge)
    response = client.post(reverse("release-item-release", args=["arrival", held["id"]]))
    assert response.status_code == 302
    assert _state(held["id"]) == "released"
    assert _detail(officer_uz, held["id"]).status_code == 200
    page = client.get(reverse("arrivals:detail", args=[held["id"]])).content.decode()
    assert 'data-testid="released-by"' in page and "focal.ge" in page


def test_the_releasers_mail_names_the_notice_and_nothing_reaches_the_receiver(
    ge_policy,
    officer_ge,
    focal_ge,
    officer_uz,
    focal_uz,
    smtp_server,
    django_capture_on_commit_callbacks,
):
    # On UZ's watch list: released at once, it would be red and mailed to UZ at once.
    watch_entry_create(user=focal_uz, kind="container", value=CONTAINER)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(officer_ge).post(URL, notice_data(), format="json")
    reference = response.json()["reference"]
    messages = smtp_server.wait_for(2, timeout=2)
    assert [m["to"][0] for m in messages] == [focal_ge.email]
    assert reference in messages[0]["message"]["Subject"]


# --- Copy into a new draft ----------------------------------------------------------------------


@pytest.fixture
def returned(held, focal_ge):
    assert _return(focal_ge, held["id"]).status_code == 200
    return held


def test_the_author_of_a_returned_notice_is_offered_a_copy(returned, officer_ge, client):
    client.force_login(officer_ge)
    page = client.get(reverse("arrivals:detail", args=[returned["id"]])).content.decode()
    assert 'data-testid="copy-into-draft"' in page
    assert f"{reverse('arrivals:create')}?copy={returned['id']}" in page


def test_nobody_but_the_author_is_offered_the_copy(returned, focal_ge, client):
    client.force_login(focal_ge)
    page = client.get(reverse("arrivals:detail", args=[returned["id"]])).content.decode()
    assert 'data-testid="release-state"' in page and 'data-testid="copy-into-draft"' not in page


def test_a_held_notice_offers_no_copy(held, officer_ge, client):
    client.force_login(officer_ge)
    page = client.get(reverse("arrivals:detail", args=[held["id"]])).content.decode()
    assert 'data-testid="copy-into-draft"' not in page


def test_the_copy_fills_the_filing_form_with_the_returned_notice(returned, officer_ge, client):
    client.force_login(officer_ge)
    response = client.get(f"{reverse('arrivals:create')}?copy={returned['id']}")
    assert response.status_code == 200
    initial = response.context["form"].initial
    assert initial["to_member"] == "UZ" and initial["to_unit"] == "UZ-TAS-PCU"
    assert initial["from_unit"] == "GE-PTI-PCU"
    assert initial["transport_document"] == "MEDU1234567"
    assert initial["transit_countries"] == "AZ;KZ"
    assert initial["containers"] == "CSQU3054383 GE123456"
    assert initial["goods"] == "690721 | Ceramic tiles | 40 | 20000"
    assert initial["shipper"] == "Black Sea Trading LLC" and initial["handling_code"] == "H0"
    page = response.content.decode()
    assert 'value="MEDU1234567"' in page and "CSQU3054383 GE123456" in page


@pytest.mark.parametrize("who", ["focal_ge", "officer_uz", "focal_tj"])
def test_copying_someone_elses_returned_notice_is_a_404(request, returned, who, client):
    client.force_login(request.getfixturevalue(who))
    response = client.get(f"{reverse('arrivals:create')}?copy={returned['id']}")
    assert response.status_code == 404


def test_copying_a_notice_that_was_not_returned_is_a_404(held, officer_ge, client):
    client.force_login(officer_ge)
    assert client.get(f"{reverse('arrivals:create')}?copy={held['id']}").status_code == 404
    assert client.get(f"{reverse('arrivals:create')}?copy=nonsense").status_code == 404


def test_the_copy_is_filed_as_a_new_notice_and_the_returned_one_stays(
    returned, officer_ge, focal_ge, officer_uz, client
):
    client.force_login(officer_ge)
    initial = (
        client.get(f"{reverse('arrivals:create')}?copy={returned['id']}").context["form"].initial
    )
    data = {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in initial.items()}
    response = client.post(reverse("arrivals:create"), data)
    assert response.status_code == 302, response.context["form"].errors
    copy = ArrivalNotice.objects.exclude(pk=returned["id"]).get()
    assert copy.reference != returned["reference"]
    assert copy.transport_document == "MEDU1234567" and copy.transit_countries == ["AZ", "KZ"]
    assert copy.containers == [{"number": CONTAINER, "seals": ["GE123456"]}]
    assert copy.release_state == "awaiting_release" and _state(returned["id"]) == "returned"
    assert _release(focal_ge, copy.pk).status_code == 200
    assert _detail(officer_uz, copy.pk).status_code == 200
    assert _detail(officer_uz, returned["id"]).status_code == 404
