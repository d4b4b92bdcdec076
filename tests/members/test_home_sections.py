"""The home page shows what waits for each person, by role, and nothing of what they may not
see: focal points their queries to acknowledge, overdue ones and new hits; analysts the latest
reports; network admins none of that content."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from members import home
from tests.factories.exchange import file_query
from tests.matching.conftest import kz_report, tj_query

pytestmark = pytest.mark.django_db


@pytest.fixture
def network(kz, uz, tj, focal_kz, focal_uz, focal_tj):
    """UZ asks KZ (unacknowledged, overdue); TJ asks UZ only about a container KZ holds a
    national report on (a hit for KZ and TJ)."""
    to_kz = file_query(
        focal_uz,
        recipients=("KZ",),
        subject="UZ asks KZ about tyres",
        filed_at=timezone.now() - datetime.timedelta(hours=10),
    )
    assert to_kz.due_at < timezone.now()
    report = kz_report(kz, reference="KZ-HOME-0001")
    to_uz = tj_query(focal_tj, subject="TJ asks UZ about cement")
    return {"to_kz": to_kz, "to_uz": to_uz, "report": report}


def page(client, user) -> str:
    client.force_login(user)
    return client.get(reverse("home")).content.decode()


def test_a_focal_point_sees_queries_to_acknowledge_overdue_ones_and_new_hits(
    client, network, focal_kz
):
    html = page(client, focal_kz)
    waiting = html[html.index('data-testid="home-unacknowledged"') :]
    assert network["to_kz"].reference in waiting.split('data-testid="home-overdue"')[0]
    assert network["to_kz"].reference in html[html.index('data-testid="home-overdue"') :]
    assert 'data-testid="home-hits"' in html and "CSQU3054383" in html
    # Not others' content: the TJ-UZ query, and no reports section (that is the analysts').
    assert network["to_uz"].reference not in html
    assert "TJ asks UZ" not in html
    assert 'data-testid="home-reports"' not in html


def test_the_sender_does_not_see_its_query_as_one_to_acknowledge(client, network, focal_uz):
    html = page(client, focal_uz)
    unacknowledged = html[html.index('data-testid="home-unacknowledged"') :].split(
        'data-testid="home-overdue"'
    )[0]
    assert network["to_kz"].reference not in unacknowledged
    assert network["to_uz"].reference in unacknowledged


def test_an_outsider_focal_point_sees_none_of_the_others_queries(client, network, focal_tj):
    html = page(client, focal_tj)
    assert 'data-testid="home-queries"' in html
    assert network["to_kz"].reference not in html
    assert "UZ asks KZ" not in html


def test_an_analyst_sees_the_latest_reports_and_no_queries(client, network, analyst_kz):
    html = page(client, analyst_kz)
    assert 'data-testid="home-reports"' in html
    assert "KZ-HOME-0001" in html
    assert 'data-testid="home-queries"' not in html
    assert network["to_kz"].reference not in html


def test_another_members_analyst_does_not_see_a_national_report(client, network, analyst_tj):
    html = page(client, analyst_tj)
    assert 'data-testid="home-reports"' in html
    assert "KZ-HOME-0001" not in html


def test_a_network_admin_sees_no_content_sections(client, network, admin_user):
    html = page(client, admin_user)
    for section in ("home-queries", "home-hits", "home-reports"):
        assert f'data-testid="{section}"' not in html
    assert network["to_kz"].reference not in html and "KZ-HOME-0001" not in html


def test_other_apps_can_add_a_section(client, focal_kz, settings):
    calls = []

    def red_arrivals(*, user):
        calls.append(user.pk)
        return home.HomeSection(template="members/_home_test_section.html")

    previous = dict(home._providers)
    try:
        home.home_section_register("arrivals", red_arrivals, order=30)
        names = list(home.home_sections(user=focal_kz))
        assert names.index("queries") < names.index("arrivals")
        assert calls == [focal_kz.pk]
    finally:
        home._providers.clear()
        home._providers.update(previous)
