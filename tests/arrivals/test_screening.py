"""Screening and matching: hits on a notice's identifiers make it amber for the receiver; an
H3 notice raises no hit for anyone else; a green notice goes to the digest only."""

from alerts.models import Alert
from arrivals.models import ArrivalNotice
from matching.models import Hit
from seizures.services import seizure_report_create
from tests.seizures.conftest import row

from .conftest import client_for, notice_data

URL = "/api/v1/arrivals/"


def test_a_kz_network_seizure_makes_the_notice_amber(officer_ge, officer_uz, analyst_kz):
    seizure_report_create(user=analyst_kz, data=row(container_number="CSQU3054383"))
    response = client_for(officer_ge).post(URL, notice_data(), format="json")
    notice = ArrivalNotice.objects.get(pk=response.json()["id"])
    assert notice.lane == "amber"
    assert notice.screening["reasons"][0]["source"] == "hit"
    assert "KZ" in notice.screening["reasons"][0]["text"]


def test_an_h3_notice_raises_no_hit_for_others(officer_ge, officer_uz, analyst_kz, focal_tj):
    from matching.lists import watch_entry_create

    watch_entry_create(user=focal_tj, kind="container", value="CSQU3054383")
    client_for(officer_ge).post(
        URL,
        notice_data(handling_code="H3", handling_restrictions="Not for onward use."),
        format="json",
    )
    seizure_report_create(user=analyst_kz, data=row(container_number="CSQU3054383"))
    kz, tj = analyst_kz.member_id, focal_tj.member_id
    about_notice = Hit.objects.filter(for_member_id__in=[kz, tj], holder_record_type="arrival")
    assert not about_notice.exists()
    # (TJ's watch entry still meets KZ's network report: that is no business of the notice.)
    assert Hit.objects.filter(for_member_id=tj, holder_record_type="seizure").exists()


def test_an_h0_notice_is_a_hit_for_kz_without_its_reference(officer_ge, officer_uz, analyst_kz):
    client_for(officer_ge).post(URL, notice_data(), format="json")
    seizure_report_create(user=analyst_kz, data=row(container_number="CSQU3054383"))
    hit = Hit.objects.get(for_member_id=analyst_kz.member_id, holder_record_type="arrival")
    assert hit.holder_visible is False


def test_a_green_notice_is_only_in_the_digest(officer_ge, officer_uz, focal_uz):
    client_for(officer_ge).post(URL, notice_data(), format="json")
    rows = Alert.objects.filter(event="arrival-notice")
    assert {a.recipient_id for a in rows} == {officer_uz.pk, focal_uz.pk}
    assert all(a.digest and a.read_at is not None and a.channel == "portal" for a in rows)
    assert not Alert.objects.filter(event="arrival-notice", channel="email").exists()


def test_the_bell_counts_no_alert_about_a_notice_the_person_may_not_see(
    officer_ge, officer_uz, focal_uz, kz
):
    """An alert row of focal.uz naming a GE->KZ notice (as if its notice were not theirs) is
    neither counted on the bell nor listed; one about a GE->UZ notice is."""
    from django.utils import timezone

    from exchange.selectors import notifications, unread_count

    client = client_for(officer_ge)
    ours = client.post(URL, notice_data(), format="json").json()["id"]
    theirs = client.post(URL, notice_data(to_member="KZ", to_unit=""), format="json").json()["id"]
    Alert.objects.all().delete()
    for notice_id in (ours, theirs):
        Alert.objects.create(
            recipient=focal_uz,
            subject_type="arrival",
            subject_id=notice_id,
            subject_reference="x",
            event="arrival-red",
            channel="portal",
            sent_at=timezone.now(),
        )
    assert unread_count(user=focal_uz) == 1
    assert [a.subject_id for a in notifications(user=focal_uz)] == [ours]
