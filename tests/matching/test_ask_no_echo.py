"""A query filed from a hit ("Ask <member>") raises no new hit with the record it asks about
or with the asker's own record, on either side: it shows in the hit's history (asked, with
its follow-up query) instead. Other members' records carrying the identifier still match."""

import pytest
from rest_framework.test import APIClient

from exchange.indexing import queries_reindex
from matching.models import Hit, IdentifierEntry
from seizures.matching import seizure_report_index
from tests.factories.seizures import SeizureReportFactory

from .conftest import CONTAINER, kz_report, tj_query

pytestmark = pytest.mark.django_db


def _tj_hit_about_kz(kz, uz, focal_tj):
    report = kz_report(kz)
    query = tj_query(focal_tj)
    hit = Hit.objects.get(for_member__code="TJ", holder_record_id=report.pk, kind="container")
    return report, query, hit


def _ask_form(client, user, hit):
    client.force_login(user)
    return client.post(
        "/queries/new/",
        {
            "recipients": ["KZ"],
            "kind": "request",
            "priority": "urgent",
            "handling_code": "H1",
            "source_evaluation": "X",
            "information_evaluation": "4",
            "subject": f"About container {CONTAINER}",
            "body": "Please tell us what you found.",
            "container_numbers": CONTAINER,
            "hit": hit.pk,
        },
    )


def test_asking_from_a_hit_raises_no_hit_on_either_side(client, kz, uz, tj, focal_tj):
    report, query, hit = _tj_hit_about_kz(kz, uz, focal_tj)
    tj_hits = Hit.objects.filter(for_member__code="TJ").count()
    kz_hits = set(Hit.objects.filter(for_member__code="KZ").values_list("pk", flat=True))

    response = _ask_form(client, focal_tj, hit)
    assert response.status_code == 302, response.content.decode()[:2000]

    # The asker's hit count stays the same, and KZ (the holder, to whom the query goes)
    # learns nothing new about the very query addressed to it.
    assert Hit.objects.filter(for_member__code="TJ").count() == tj_hits
    assert set(Hit.objects.filter(for_member__code="KZ").values_list("pk", flat=True)) == kz_hits
    hit.refresh_from_db()
    assert hit.state == "asked" and hit.follow_up_query_id is not None
    # The query's identifiers are indexed all the same: only the hit's own pair is left out.
    assert IdentifierEntry.objects.filter(
        record_type="query", record_id=hit.follow_up_query_id, value=CONTAINER
    ).exists()


def test_asking_through_the_api_raises_no_hit(kz, uz, tj, focal_tj):
    _report, _query, hit = _tj_hit_about_kz(kz, uz, focal_tj)
    before = Hit.objects.count()
    api = APIClient()
    api.force_authenticate(focal_tj)
    response = api.post(
        "/api/v1/queries/",
        {
            "subject": "Your record",
            "body": "Please tell us more.",
            "recipients": ["KZ"],
            "container_numbers": [CONTAINER],
            "handling_code": "H1",
            "hit": hit.pk,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert Hit.objects.count() == before
    assert not Hit.objects.filter(
        holder_record_id=response.json()["id"], holder_record_type="query"
    )


def test_the_asking_query_still_matches_a_third_members_record(client, kz, uz, tj, focal_tj):
    _report, _query, hit = _tj_hit_about_kz(kz, uz, focal_tj)
    uz_report = SeizureReportFactory(
        reporting_member=uz, reference="UZ-0001", sharing="network", container_number=CONTAINER
    )
    seizure_report_index(report=uz_report)
    before = Hit.objects.filter(for_member__code="TJ").count()
    assert _ask_form(client, focal_tj, hit).status_code == 302
    follow_up = Hit.objects.get(pk=hit.pk).follow_up_query_id
    assert Hit.objects.filter(for_member__code="TJ").count() == before + 1
    assert Hit.objects.filter(
        for_member__code="TJ", record_id=follow_up, holder_record_id=uz_report.pk
    ).exists()


def test_reindexing_keeps_the_asking_query_apart(client, kz, uz, tj, focal_tj):
    _report, _query, hit = _tj_hit_about_kz(kz, uz, focal_tj)
    assert _ask_form(client, focal_tj, hit).status_code == 302
    before = Hit.objects.count()
    queries_reindex()
    assert Hit.objects.count() == before
