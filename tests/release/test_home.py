"""The home page shows a releaser what awaits their release; the author and the recipient
country see no such section."""

import pytest
from django.urls import reverse

from .conftest import file_api

pytestmark = pytest.mark.django_db


def _home(client, user):
    client.force_login(user)
    return client.get(reverse("home")).content.decode()


def test_a_releaser_sees_the_held_query_on_the_home_page(
    client, kz_policy, officer_kz, focal_kz, focal_uz
):
    answer = file_api(officer_kz)
    assert answer.status_code == 201
    reference = answer.json()["reference"]
    page = _home(client, focal_kz)
    assert 'data-testid="home-releases"' in page and reference in page
    for user in (officer_kz, focal_uz):
        page = _home(client, user)
        assert 'data-testid="home-releases"' not in page
        assert reference not in page or user == officer_kz
