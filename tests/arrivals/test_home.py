"""The home page shows the receiving side its red notices still expected; the sender, who
never learns a notice's lane, and a third country see no such section."""

import pytest
from django.urls import reverse

from matching.lists import watch_entry_create
from tests.factories.members import RoleName, member_user

from .conftest import client_for, notice_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def red_notice(officer_ge, focal_uz, tashkent):
    watch_entry_create(user=focal_uz, kind="container", value="CSQU3054383")
    answer = client_for(officer_ge).post("/api/v1/arrivals/", notice_data(), format="json")
    assert answer.status_code == 201, answer.json()
    return answer.json()


def _home(client, user):
    client.force_login(user)
    return client.get(reverse("home")).content.decode()


def test_the_receiving_side_sees_its_red_notice_on_the_home_page(client, red_notice, focal_uz):
    page = _home(client, focal_uz)
    assert 'data-testid="home-arrivals"' in page and red_notice["reference"] in page


def test_the_sender_and_a_third_country_see_no_red_section(
    client, red_notice, focal_ge, officer_ge, tj
):
    focal_tj = member_user(tj, RoleName.FOCAL_POINT, username="focal.tj")
    for user in (focal_ge, officer_ge, focal_tj):
        page = _home(client, user)
        assert 'data-testid="home-arrivals"' not in page
        assert red_notice["reference"] not in page or user.member.code == "GE"
