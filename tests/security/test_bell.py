"""The notification bell, the notifications page and the API's unread list count only
notifications about queries the user may still see (``exchange.permissions``): an officer
moved to another unit no longer counts the old unit's, and counts the new unit's."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from members.models import RoleName
from members.services import person_update
from tests.factories.exchange import file_query
from tests.factories.members import ControlUnitFactory, member_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def units(uz):
    return ControlUnitFactory(member=uz, code="UZ-OLD-PCU"), ControlUnitFactory(
        member=uz, code="UZ-NEW-PCU"
    )


@pytest.fixture
def officer(uz, units):
    return member_user(uz, RoleName.UNIT_OFFICER, username="officer.uz", control_unit=units[0])


def _counts(client, user):
    client.force_login(user)
    bell = client.get(reverse("exchange:inbox")).context["exchange_bell"]["unread"]
    page = client.get(reverse("exchange:notifications"), {"unread": "true"})
    api = APIClient()
    api.force_authenticate(user)
    listed = len(api.get("/api/v1/notifications/", {"unread": "true"}).json()["results"])
    return bell, page.context["page"].paginator.count, listed


def _file_to(unit, author, capture):
    with capture(execute=True):
        return file_query(author, recipients=["UZ"], recipient_units=[unit.code])


def test_moved_officer_no_longer_counts_the_old_units_alerts(
    client, focal_kz, focal_uz, admin_uz, officer, units, django_capture_on_commit_callbacks
):
    old_unit, new_unit = units
    _file_to(old_unit, focal_kz, django_capture_on_commit_callbacks)
    assert _counts(client, officer) == (1, 1, 1)

    person_update(
        member=officer.member,
        actor=admin_uz,
        person=officer,
        username=officer.username,
        email=officer.email,
        roles=[RoleName.UNIT_OFFICER],
        control_unit=new_unit,
    )
    officer.refresh_from_db()
    assert _counts(client, officer) == (0, 0, 0)

    _file_to(new_unit, focal_kz, django_capture_on_commit_callbacks)
    assert _counts(client, officer) == (1, 1, 1)


def test_focal_point_keeps_counting_while_the_officer_is_moved(
    client, focal_kz, focal_uz, admin_uz, officer, units, django_capture_on_commit_callbacks
):
    _file_to(units[0], focal_kz, django_capture_on_commit_callbacks)
    person_update(
        member=officer.member,
        actor=admin_uz,
        person=officer,
        username=officer.username,
        email=officer.email,
        roles=[RoleName.UNIT_OFFICER],
        control_unit=units[1],
    )
    assert _counts(client, focal_uz) == (1, 1, 1)
