"""The rules that keep matching honest, tested from the side that must not learn, at the
service level (records written and indexed through the real services)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from exchange import indexing as matching_queries
from exchange.models import Alert, AlertEvent
from matching import hits as matching_hits
from matching import lists as matching_lists
from matching import services as matching
from matching.models import Hit, HitState, MemberMatchingSetting
from matching.selectors import hit_presentation, hits_for
from tests.factories.exchange import file_query

from .conftest import CONTAINER, kz_report, tj_query


def hits(member, **filters):
    return list(Hit.objects.filter(for_member=member, **filters).order_by("kind"))


def test_demo_tj_and_kz_learn_of_each_other_uz_learns_nothing(
    kz, uz, tj, focal_kz, focal_uz, focal_tj, analyst_kz
):
    report = kz_report(kz)
    query = tj_query(focal_tj)

    tj_hits = hits(tj)
    assert {(h.kind, h.value) for h in tj_hits} == {
        ("company", "AKTAU CERAMICS"),
        ("container", CONTAINER),
    }
    for hit in tj_hits:
        assert hit.holder_member == kz and hit.holder_record_type == "seizure"
        assert hit.record_type == "query" and hit.record_id == query.pk
        assert not hit.holder_visible and hit.alerted
        shown = hit_presentation(hit, user=focal_tj)
        assert shown["holder"] == "KZ" and shown["month"] == "2026-05"
        assert shown["holder_record"] == {"type": "seizure", "id": None, "reference": None}
        assert shown["record"]["reference"] == query.reference
        assert "KZ-SECRET" not in str(shown)

    kz_hits = hits(kz)
    assert len(kz_hits) == 2
    for hit in kz_hits:
        assert hit.holder_member == tj and hit.holder_record_type == "query"
        assert hit.record_id == report.pk
        shown = hit_presentation(hit, user=analyst_kz)
        assert shown["holder_record"]["reference"] is None
        assert query.reference not in str(shown) and "TJ-CONFIDENTIAL" not in str(shown)

    assert hits(uz) == []
    assert list(hits_for(user=focal_uz)) == []
    # Alerts went to the focal points of TJ and KZ, none to UZ about the match.
    hit_alerts = Alert.objects.filter(event=AlertEvent.HIT)
    assert set(hit_alerts.values_list("recipient__username", flat=True)) == {
        "focal.tj",
        "focal.kz",
    }


def test_h2_query_the_sender_learns_the_holder_does_not(kz, uz, tj, focal_tj):
    kz_report(kz)
    tj_query(focal_tj, handling_code="H2")
    assert len(hits(tj)) == 2
    assert hits(kz) == []
    assert not Alert.objects.filter(recipient__member=kz, event=AlertEvent.HIT).exists()


def test_h3_query_raises_no_hit_for_a_third_country(kz, uz, tj, focal_tj):
    kz_report(kz)
    tj_query(focal_tj, handling_code="H3")
    assert hits(kz) == []
    assert hits(uz) == []
    # The H3 query's own member still learns that KZ holds something (nothing of TJ leaves).
    assert len(hits(tj)) == 2


def test_a_query_turned_h3_takes_back_the_hits_nobody_acted_on(kz, uz, tj, focal_tj):
    kz_report(kz)
    query = tj_query(focal_tj)
    assert len(hits(kz)) == 2
    query.handling_code, query.handling_restrictions = "H3", "Do not pass on"
    query.save()
    matching_queries.query_index(query=query)
    assert hits(kz) == []


def test_a_report_marked_excluded_raises_no_hit(kz, uz, tj, focal_tj):
    kz_report(kz, exclude_from_matching=True)
    tj_query(focal_tj)
    assert hits(tj) == []


def test_excluded_values_never_match(kz, uz, tj, focal_tj, admin_user):
    kz_report(kz, container_number="", consignee="TO ORDER")
    tj_query(focal_tj, container_numbers=[], consignee="To Order")
    assert hits(tj) == [] and hits(kz) == []
    matching_lists.matching_exclusion_add(user=admin_user, kind="container", value=CONTAINER)
    kz_report(kz, reference="KZ-2")
    tj_query(focal_tj, consignee="")
    assert hits(tj) == [] and hits(kz) == []


def test_national_reports_switched_off_are_not_disclosed(kz, uz, tj, focal_tj, admin_kz):
    assert (
        MemberMatchingSetting.objects.filter(member=kz, national_reports_match=False).count() == 0
    )
    matching_lists.member_matching_set(user=admin_kz, member_id=kz.pk, national_reports_match=False)
    assert MemberMatchingSetting.objects.get(member=kz).national_reports_match is False
    kz_report(kz)
    tj_query(focal_tj)
    assert hits(tj) == []
    # KZ's shared reports still take part, and are linked in full (everyone may see them).
    shared = kz_report(kz, reference="KZ-SHARED", sharing="network")
    tj_query(focal_tj)
    visible = hits(tj)
    assert visible and all(h.holder_record_id == shared.pk and h.holder_visible for h in visible)
    assert not any(h.alerted for h in visible)
    setting = kz.matching_setting
    assert setting.changed_by == admin_kz and setting.changed_at is not None


def test_switching_national_matching_off_takes_effect_at_once(kz, uz, tj, focal_tj, admin_kz):
    """The setting is read from the vocabulary cache: matching a record first caches it, and
    the switch must still count for the very next record."""
    assert matching.national_matching_off() == frozenset()
    tj_query(focal_tj, consignee="")
    assert (
        MemberMatchingSetting.objects.filter(member=kz, national_reports_match=False).count() == 0
    )
    matching_lists.member_matching_set(user=admin_kz, member_id=kz.pk, national_reports_match=False)
    assert MemberMatchingSetting.objects.get(member=kz).national_reports_match is False
    assert matching.national_matching_off() == {kz.pk}
    kz_report(kz)
    assert hits(tj) == []
    matching_lists.member_matching_set(user=admin_kz, member_id=kz.pk, national_reports_match=True)
    kz_report(kz, reference="KZ-2")
    assert [h.holder_member_id for h in hits(tj)] == [kz.pk]


def test_a_suspended_member_is_alerted_of_no_hit(kz, uz, tj, focal_tj, admin_user):
    from members.services import member_suspend

    tj_query(focal_tj)
    member_suspend(member=tj, reason="Audit", by=admin_user)
    kz_report(kz)
    made = hits(tj)
    # The hit is made and would be alerted (TJ cannot see the national report)...
    assert made and all(h.alerted for h in made)
    # ...but nobody of a suspended member receives it.
    assert not Alert.objects.filter(hit__in=made).exists()


def test_hit_alerts_follow_the_focal_points_as_they_change(kz, tj, focal_tj):
    """Who is alerted comes from the rights cache: a focal point added, deactivated or given
    a new address after the cache was filled must count at the next hit."""
    from members.models import RoleName
    from tests.conftest import member_user

    tj_query(focal_tj, recipients=("KZ",))

    def alerted_by_report(reference):
        made = [h for h in matching.Hit.objects.filter(for_member=tj)]
        kz_report(kz, reference=reference)
        new = Hit.objects.filter(for_member=tj).exclude(pk__in=[h.pk for h in made])
        assert new.exists() and all(h.alerted for h in new)
        return {
            (a.recipient.username, a.channel)
            for a in Alert.objects.filter(hit__in=new).select_related("recipient")
        }

    assert alerted_by_report("R-1") == {("focal.tj", "portal"), ("focal.tj", "email")}
    second = member_user(tj, RoleName.FOCAL_POINT, username="focal2.tj")
    assert {name for name, _ in alerted_by_report("R-2")} == {"focal.tj", "focal2.tj"}
    focal_tj.is_active = False
    focal_tj.save(update_fields=["is_active"])
    second.email = ""
    second.save(update_fields=["email"])
    assert alerted_by_report("R-3") == {("focal2.tj", "portal")}


def test_only_the_members_admins_switch_national_matching(kz, focal_kz, admin_user, admin_kz):
    for user in (focal_kz, admin_user):
        with pytest.raises(PermissionDenied):
            matching_lists.member_matching_set(
                user=user, member_id=kz.pk, national_reports_match=False
            )
    assert (
        MemberMatchingSetting.objects.filter(member=kz, national_reports_match=False).count() == 0
    )
    matching_lists.member_matching_set(user=admin_kz, member_id=kz.pk, national_reports_match=False)
    assert MemberMatchingSetting.objects.get(member=kz).national_reports_match is False


def test_a_hit_both_sides_already_see_is_shown_but_not_alerted(uz, tj, focal_uz, focal_tj):
    uz_report = kz_report(uz, reference="UZ-1")
    query = tj_query(focal_tj)  # to UZ: UZ is a party, it sees the query already
    uz_hits = hits(uz)
    assert uz_hits and all(h.holder_visible and not h.alerted for h in uz_hits)
    assert all(h.holder_record_reference == query.reference for h in uz_hits)
    tj_hits = hits(tj)
    assert tj_hits and all(not h.holder_visible and h.alerted for h in tj_hits)
    assert all(h.holder_record_id == uz_report.pk for h in tj_hits)
    assert not Alert.objects.filter(recipient=focal_uz, event=AlertEvent.HIT).exists()


def test_a_common_value_stops_alerting_at_the_threshold(settings, kz, uz, tj, focal_tj):
    settings.MATCHING_COMMON_THRESHOLD = 3
    kz_report(kz, consignee="", reference="KZ-1")
    kz_report(kz, consignee="", reference="KZ-2")
    tj_query(focal_tj, consignee="")  # 3 records: not yet common
    assert len(hits(tj)) == 2 and not any(h.common for h in hits(tj))
    alerts_before = Alert.objects.filter(event=AlertEvent.HIT).count()
    assert alerts_before > 0
    kz_report(uz, consignee="", reference="UZ-1")  # the fourth record: common
    assert Alert.objects.filter(event=AlertEvent.HIT).count() == alerts_before
    assert Hit.objects.filter(value=CONTAINER).count() == 4
    assert all(h.common for h in Hit.objects.filter(value=CONTAINER))
    assert hits(uz) == []


def test_a_watch_entry_raises_a_hit_on_a_later_record(
    kz, tj, focal_tj, smtp_server, django_capture_on_commit_callbacks
):
    entry = matching_lists.watch_entry_create(
        user=focal_tj, kind="company", value="Aktau Ceramics LLP", note="Known front company"
    )
    with django_capture_on_commit_callbacks(execute=True):
        report = kz_report(kz, container_number="")
    [hit] = hits(tj)
    assert hit.record_type == "watch" and hit.record_id == entry.pk
    assert hit.holder_member == kz and hit.holder_record_id == report.pk
    assert not hit.holder_visible
    alerts = Alert.objects.filter(hit=hit, event=AlertEvent.WATCHLIST_HIT)
    assert set(alerts.values_list("recipient", "channel")) == {
        (focal_tj.pk, "portal"),
        (focal_tj.pk, "email"),
    }
    [mail] = smtp_server.wait_for(1)
    assert mail["to"] == [focal_tj.email]
    body = smtp_server.body(0)
    assert "AKTAU CERAMICS" in body and "KZ" in body
    assert "KZ-SECRET" not in body and "driver" not in body


def test_an_expired_watch_entry_raises_nothing(kz, tj, focal_tj):
    entry = matching_lists.watch_entry_create(user=focal_tj, kind="container", value=CONTAINER)
    entry.expires_on = datetime.date(2020, 1, 1)
    entry.save()
    kz_report(kz)
    assert hits(tj) == []


def test_watch_entries_refuse_bad_input_and_write_nothing(focal_tj, admin_user):
    with pytest.raises(ValidationError) as error:
        matching_lists.watch_entry_create(user=focal_tj, kind="container", value="CSQU3054384")
    assert "value" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        matching_lists.watch_entry_create(user=admin_user, kind="container", value=CONTAINER)
    assert "member" in error.value.message_dict


def test_withdrawing_a_record_takes_its_open_hits_away(kz, uz, tj, focal_tj):
    report = kz_report(kz)
    tj_query(focal_tj)
    assert hits(tj) and hits(kz)
    matching.identifiers_remove(record_type="seizure", record_id=report.pk)
    assert hits(tj) == [] and hits(kz) == []


def test_sharing_a_report_with_the_network_shows_its_reference(kz, uz, tj, focal_tj):
    from seizures.matching import seizure_report_index

    report = kz_report(kz)
    tj_query(focal_tj)
    assert not any(h.holder_visible for h in hits(tj))
    report.sharing = "network"
    report.save()
    seizure_report_index(report=report)
    assert all(h.holder_visible for h in hits(tj))


def test_hit_states_new_seen_asked_confirmed(kz, uz, tj, focal_tj, focal_uz):
    kz_report(kz)
    tj_query(focal_tj)
    hit = hits(tj, kind="container")[0]
    with pytest.raises(PermissionDenied):
        matching_hits.hit_mark_seen(hit=hit, user=focal_uz)
    hit = matching_hits.hit_mark_seen(hit=hit, user=focal_tj)
    assert hit.state == HitState.SEEN
    follow_up = file_query(focal_tj, recipients=["KZ"], handling_code="H1")
    hit = matching_hits.hit_ask(hit=hit, user=focal_tj, query=follow_up)
    assert hit.state == HitState.ASKED and hit.follow_up_query == follow_up
    assert matching_hits.hits_confirm_for_query(query_id=follow_up.pk) == 1
    hit.refresh_from_db()
    assert hit.state == HitState.CONFIRMED
    with pytest.raises(ValidationError):
        matching_hits.hit_dismiss(hit=hit, user=focal_tj, reason="no")


def test_dismissing_needs_a_reason(kz, uz, tj, focal_tj):
    kz_report(kz)
    tj_query(focal_tj)
    hit = hits(tj)[0]
    with pytest.raises(ValidationError):
        matching_hits.hit_dismiss(hit=hit, user=focal_tj, reason="  ")
    hit.refresh_from_db()
    assert hit.state == HitState.NEW
    hit = matching_hits.hit_dismiss(hit=hit, user=focal_tj, reason="Same carrier, known")
    assert hit.state == HitState.DISMISSED and hit.dismiss_reason == "Same carrier, known"


def test_indexing_an_import_takes_a_fixed_number_of_statements(settings, kz, tj, focal_tj):
    settings.MATCHING_COMMON_THRESHOLD = 1000
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from seizures.matching import seizure_reports_index

    tj_query(focal_tj, recipients=("KZ",), consignee="")

    def statements(count, offset):
        reports = [
            kz_report(kz, index=False, reference=f"B-{offset + i}", consignee=f"Firm {offset + i}")
            for i in range(count)
        ]
        with CaptureQueriesContext(connection) as captured:
            seizure_reports_index(reports=reports)
        inserts = [q for q in captured if q["sql"].lstrip().upper().startswith("INSERT")]
        # One read of the alert preferences per kind of hit made (here: hits, no watch hits).
        assert sum("exchange_alertpreference" in q["sql"] for q in captured) == 1
        return len(captured) - len(inserts), len(inserts)

    statements(1, 1000)  # (fills the rights cache: who is alerted for TJ)
    (small, small_inserts), (large, large_inserts) = statements(3, 0), statements(40, 100)
    assert small == large
    # Inserts are bulk: index rows, hits, alerts (SQLite splits a batch at 999 parameters).
    assert small_inserts == 3 and large_inserts <= 8
    # Every report made a hit for TJ (and KZ one about TJ's query), each alerted.
    assert Hit.objects.filter(for_member=tj).count() == 44
    assert Alert.objects.filter(hit__for_member=tj, recipient=focal_tj).count() == 2 * 44
