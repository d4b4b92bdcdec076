"""KZ requires release of its H2 and H3 queries and network-shared seizure reports; UZ is
the recipient country, TJ the third country that must never learn anything."""

import pytest
from rest_framework.test import APIClient

from members.models import RoleName
from members.releases import release_policy_set
from tests.factories.exchange import VALID_CONTAINER
from tests.factories.members import member_user


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def officer_kz(kz):
    return member_user(kz, RoleName.UNIT_OFFICER, username="officer.kz")


@pytest.fixture
def releaser_kz(kz):
    """Given the release right by KZ's member admins (the releaser role), no focal point."""
    return member_user(kz, RoleName.RELEASER, username="releaser.kz")


@pytest.fixture
def kz_policy(kz, admin_kz, uz, tj):
    return release_policy_set(
        member=kz, actor=admin_kz, kinds=["query", "seizure"], handling_codes=["H2", "H3"]
    )


def file_api(user, **fields):
    """File a query through the API as ``user``: urgent, H2, KZ → UZ by default."""
    data = {
        "priority": "urgent",
        "handling_code": "H2",
        "source_evaluation": "B",
        "information_evaluation": "2",
        "subject": "Cigarettes declared as paper napkins",
        "body": "Please examine on arrival.",
        "recipients": ["UZ"],
        "container_numbers": [VALID_CONTAINER],
    }
    data.update(fields)
    return api(user).post("/api/v1/queries/", data, format="json")
