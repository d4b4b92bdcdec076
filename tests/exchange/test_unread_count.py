"""The bell, ``GET /api/v1/notifications/unread-count/`` and the notifications list agree,
from every side: hit notifications count as much as query notifications, and nobody counts
what their list does not show. Background polls of the count do not keep a session alive."""

import re
import time

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts import sessions
from exchange.models import Alert
from tests.factories.exchange import file_query
from tests.matching.conftest import kz_report, tj_query

UNREAD_COUNT = "/api/v1/notifications/unread-count/"


def api(user):
    client = APIClient()
    client.force_login(user)
    return client


def page_marks(client) -> int:
    return (
        client.get(reverse("exchange:notifications"))
        .content.decode()
        .count('data-testid="unread-mark"')
    )


def bell(client) -> int:
    page = client.get(reverse("home")).content.decode()
    found = re.search(r'data-testid="bell-count">(\d+)<', page)
    return int(found.group(1)) if found else 0


@pytest.fixture
def network(kz, uz, tj, focal_kz, focal_uz, focal_tj):
    """KZ holds a report; TJ asks UZ about the same container: KZ and TJ get a hit
    notification each, UZ the query."""
    kz_report(kz)
    tj_query(focal_tj)
    file_query(focal_uz, recipients=("TJ",), subject="Second query, to TJ")
    return {"kz": focal_kz, "uz": focal_uz, "tj": focal_tj}


@pytest.mark.parametrize("side", ["kz", "uz", "tj"])
def test_the_count_is_what_the_list_marks_unread_hits_included(network, side):
    user = network[side]
    client = api(user)
    count = client.get(UNREAD_COUNT).json()
    listed = client.get("/api/v1/notifications/?unread=true").json()
    assert count == {"count": listed["count"]}
    assert count["count"] == page_marks(client) == bell(client)


def test_a_hit_notification_is_counted_on_the_bell(network):
    focal_kz = network["kz"]
    hits = Alert.objects.filter(recipient=focal_kz, channel="portal").exclude(hit=None).count()
    assert hits >= 1
    assert not Alert.objects.filter(recipient=focal_kz, hit=None).exists()
    client = api(focal_kz)
    assert client.get(UNREAD_COUNT).json() == {"count": hits}
    assert bell(client) == hits


def test_reading_a_notification_lowers_the_count_on_every_side(network):
    client = api(network["tj"])
    before = client.get(UNREAD_COUNT).json()["count"]
    first = client.get("/api/v1/notifications/?unread=true").json()["results"][0]
    client.post(f"/api/v1/notifications/{first['id']}/read/")
    assert client.get(UNREAD_COUNT).json() == {"count": before - 1}
    assert page_marks(client) == before - 1


def test_an_outsider_counts_nothing_of_others(network, analyst_tj):
    assert api(analyst_tj).get(UNREAD_COUNT).json() == {"count": 0}


def test_the_count_needs_a_login():
    assert APIClient().get(UNREAD_COUNT).status_code in (401, 403)


def test_polling_the_count_does_not_keep_an_idle_session_alive(client, focal_kz, settings):
    client.force_login(focal_kz)
    session = client.session
    session[sessions.LOGIN_AT] = session[sessions.SEEN_AT] = time.time() - 25 * 60
    session.save()
    assert client.get(UNREAD_COUNT, HTTP_X_PORTAL_POLL="1").status_code == 200
    session = client.session
    session[sessions.SEEN_AT] -= 6 * 60  # 31 minutes idle in all, polls or not
    session.save()
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
