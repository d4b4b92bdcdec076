"""The demo: Azerbaijan holds its H2 and H3 queries and its network-shared seizure reports;
one query by officer.az awaits focal.az."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from exchange.models import Query
from members.models import MemberAdministration
from members.releases import release_policy_get, releases_awaiting

pytestmark = pytest.mark.django_db


def test_the_demo_holds_an_officer_az_query_for_focal_az():
    call_command("seed_demo", password="demo-password-2026")
    az = MemberAdministration.objects.get(code="AZ")
    assert release_policy_get(member=az) == {
        "kinds": ["query", "seizure"],
        "handling_codes": ["H2", "H3"],
    }
    users = get_user_model().objects
    items = releases_awaiting(user=users.get(username="focal.az"))
    assert [(i.kind, i.author, i.handling_code) for i in items] == [("query", "officer.az", "H2")]
    query = Query.objects.get(pk=items[0].id)
    assert query.release_state == "awaiting_release" and not query.recipients.exists()
    # Seeding again changes nothing; the demo's history went out when it was filed.
    call_command("seed_demo", password="demo-password-2026")
    assert Query.objects.filter(release_state="awaiting_release").count() == 1
    assert Query.objects.filter(sender_member=az, release_state="released").count() == 0
    assert releases_awaiting(user=users.get(username="focal.ge")) == []
