"""Browser pages of matching, from the side that must not see first."""

import pytest

from matching.models import Hit, MatchingExclusion, WatchEntry

from .conftest import CONTAINER, kz_report, tj_query

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(kz, uz, tj, focal_kz, focal_uz, focal_tj):
    return kz_report(kz), tj_query(focal_tj)


def test_uz_hits_page_shows_nothing_of_kz(client, demo, focal_uz):
    client.force_login(focal_uz)
    page = client.get("/matching/hits/").content.decode()
    assert "KZ-SECRET" not in page and CONTAINER not in page
    hit = Hit.objects.filter(for_member__code="TJ").first()
    response = client.post(f"/matching/hits/{hit.pk}/", {"action": "seen"})
    assert response.status_code == 404


def test_tj_hits_page_shows_the_holder_and_an_ask_link(client, demo, focal_tj):
    report, query = demo
    client.force_login(focal_tj)
    page = client.get("/matching/hits/", {"kind": "container"}).content.decode()
    assert CONTAINER in page and "(KZ)" in page and query.reference in page
    assert "KZ-SECRET" not in page and "driver" not in page
    assert f"recipients=KZ&amp;kind=request&amp;container_numbers={CONTAINER}" in page
    assert 'data-testid="hit-badge"' in page


def _more_new_hits_like(hit, count):
    fields = {
        f.attname: getattr(hit, f.attname) for f in Hit._meta.concrete_fields if not f.primary_key
    }
    Hit.objects.bulk_create(
        Hit(**{**fields, "holder_record_id": hit.holder_record_id + 1000 + i}) for i in range(count)
    )


def test_the_hit_badge_counts_to_99_then_shows_99_plus(client, demo, focal_tj):
    client.force_login(focal_tj)
    new = Hit.objects.filter(for_member__code="TJ", state="new")
    _more_new_hits_like(new.first(), 99 - new.count())
    assert new.count() == 99
    assert 'data-testid="hit-badge" title="99 new hits">99</span>' in (
        client.get("/matching/hits/").content.decode()
    )
    _more_new_hits_like(new.first(), 1)
    page = client.get("/matching/hits/").content.decode()
    assert 'data-testid="hit-badge" title="More than 99 new hits">99+</span>' in page


def test_kz_hits_page_does_not_show_the_tj_query(client, demo, focal_kz):
    report, query = demo
    client.force_login(focal_kz)
    page = client.get("/matching/hits/").content.decode()
    assert "KZ/KZ-SECRET-0001" in page and "(TJ)" in page
    assert query.reference not in page and "TJ-CONFIDENTIAL" not in page


def test_marking_seen_and_dismissing_from_the_page(client, demo, focal_tj):
    client.force_login(focal_tj)
    hit = Hit.objects.filter(for_member__code="TJ", kind="container").get()
    client.post(f"/matching/hits/{hit.pk}/", {"action": "seen"})
    hit.refresh_from_db()
    assert hit.state == "seen"
    client.post(f"/matching/hits/{hit.pk}/", {"action": "dismiss", "reason": ""})
    hit.refresh_from_db()
    assert hit.state == "seen"
    client.post(f"/matching/hits/{hit.pk}/", {"action": "dismiss", "reason": "Known carrier"})
    hit.refresh_from_db()
    assert hit.state == "dismissed"


def test_hits_page_statements_do_not_grow_with_hits(
    client, kz, uz, tj, focal_tj, django_assert_max_num_queries
):
    client.force_login(focal_tj)
    kz_report(kz)
    tj_query(focal_tj)
    client.get("/matching/hits/")
    with django_assert_max_num_queries(12) as few:
        client.get("/matching/hits/")
    for n in range(10):
        kz_report(kz, reference=f"KZ-B-{n}", container_number="", consignee=f"Firm {n}")
        tj_query(focal_tj, container_numbers=[], consignee=f"Firm {n} LLP")
    assert Hit.objects.filter(for_member=tj).count() >= 12
    with django_assert_max_num_queries(len(few)):
        client.get("/matching/hits/")


def test_watchlist_page_adds_an_entry(client, tj, focal_tj):
    client.force_login(focal_tj)
    response = client.post(
        "/matching/watchlist/", {"kind": "vehicle", "value": "а 123 вс 01", "note": "Seen twice"}
    )
    assert response.status_code == 302
    assert WatchEntry.objects.get().value == "A123BC01"
    bad = client.post("/matching/watchlist/", {"kind": "vessel-imo", "value": "123"})
    assert bad.status_code == 200 and 'data-field="value"' in bad.content.decode()


def test_lookup_page(client, demo, focal_uz):
    client.force_login(focal_uz)
    page = client.get("/matching/lookup/", {"kind": "container", "value": CONTAINER})
    text = page.content.decode()
    assert page.status_code == 200 and "KZ" in text and "KZ-SECRET" not in text


def test_exclusion_list_only_for_network_admins(client, admin_user, focal_tj, tj):
    client.force_login(focal_tj)
    assert client.get("/matching/exclusions/").status_code == 404
    assert (
        client.post("/matching/exclusions/", {"kind": "company", "value": "X"}).status_code == 404
    )
    client.force_login(admin_user)
    assert client.get("/matching/exclusions/").status_code == 200
    client.post("/matching/exclusions/", {"kind": "container", "value": CONTAINER})
    assert MatchingExclusion.objects.filter(kind="container", value=CONTAINER).exists()
    # Network admins see no hits, no lookup.
    assert client.get("/matching/hits/").status_code == 404
    assert client.get("/matching/lookup/").status_code == 404


def test_national_switch_only_for_the_members_admins(client, kz, focal_kz, admin_kz, admin_user):
    for user in (focal_kz, admin_user):
        client.force_login(user)
        assert client.get("/matching/national-reports/").status_code == 404
        assert client.post("/matching/national-reports/", {"member": kz.pk}).status_code == 404
    client.force_login(admin_kz)
    assert client.get("/matching/national-reports/").status_code == 200
    client.post("/matching/national-reports/", {"member": kz.pk})  # switch unticked: off
    kz.refresh_from_db()
    assert kz.matching_setting.national_reports_match is False
    assert kz.matching_setting.changed_by == admin_kz


def test_report_page_matches_hide_a_query_the_analyst_may_not_open(client, uz, demo, analyst_uz):
    """TJ's query names UZ; UZ's analyst reads UZ's report but may not open the query: the
    report's "Matches" section and the hits page name TJ without the query's reference."""
    report, query = demo
    uz_report = kz_report(uz, reference="UZ-1")
    client.force_login(analyst_uz)
    page = client.get(f"/seizures/reports/{uz_report.pk}/")
    assert page.status_code == 200 and "(TJ)" in page.content.decode()
    for text in (page.content.decode(), client.get("/matching/hits/").content.decode()):
        assert query.reference not in text and f"/queries/{query.pk}/" not in text
