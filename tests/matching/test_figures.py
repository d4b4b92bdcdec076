"""The network figures page's matching section: network admins only (404 for anyone else),
counts only, and the figures right on a small set."""

import datetime

import pytest
from django.utils import timezone

from matching.models import Hit, HitState
from tests.factories.exchange import file_query

from .conftest import kz_report, tj_query

pytestmark = pytest.mark.django_db


@pytest.fixture
def hits(kz, uz, tj, focal_kz, focal_tj):
    """Two reports and one query: four hits (two per side) on the container and the company
    in May 2026... then moved to known months and states."""
    kz_report(kz)
    query = tj_query(focal_tj)
    rows = list(Hit.objects.order_by("pk"))
    assert len(rows) == 4
    may = timezone.make_aware(datetime.datetime(2026, 5, 10, 8, 0))
    june = timezone.make_aware(datetime.datetime(2026, 6, 3, 8, 0))
    follow_up = file_query(focal_tj, recipients=("KZ",), handling_code="H1", container_numbers=[])
    follow_up_2 = file_query(focal_tj, recipients=("KZ",), handling_code="H1", container_numbers=[])
    type(follow_up).objects.filter(pk=follow_up.pk).update(
        created_at=may + datetime.timedelta(hours=2)
    )
    type(follow_up).objects.filter(pk=follow_up_2.pk).update(
        created_at=may + datetime.timedelta(hours=6)
    )
    Hit.objects.filter(pk__in=[h.pk for h in rows]).update(created_at=may)
    Hit.objects.filter(pk=rows[0].pk).update(state=HitState.ASKED, follow_up_query=follow_up)
    Hit.objects.filter(pk=rows[1].pk).update(state=HitState.CONFIRMED, follow_up_query=follow_up_2)
    Hit.objects.filter(pk=rows[3].pk).update(created_at=june)
    return query


def test_members_people_get_404(client, hits, focal_tj, focal_kz, analyst_tj):
    for user in (focal_tj, focal_kz, analyst_tj):
        client.force_login(user)
        assert client.get("/queries/figures/").status_code == 404


def test_network_admin_sees_counts_per_month(client, hits, admin_user):
    client.force_login(admin_user)
    page = client.get("/queries/figures/").content.decode()
    section = page.split('data-testid="matching-figures"')[1].split("</table>")[0]
    months = section.split('data-testid="matching-month"')[1:]
    assert len(months) == 2
    may, june = months
    # May: three hits, two asked (67 %), one confirmed (33 %), median of 2 h and 6 h = 4 h.
    assert "2026-05" in may and "<td>3</td>" in may
    assert "67 %" in may and "33 %" in may and "4 h" in may
    assert "2026-06" in june and "<td>1</td>" in june and "0 %" in june
    total = section.split('data-testid="matching-total"')[1]
    assert "<td>4</td>" in total and "50 %" in total and "25 %" in total
    # Counts only: no identifier, no reference.
    assert "CSQU3054383" not in section and "KZ-SECRET" not in page
    assert hits.reference not in page
