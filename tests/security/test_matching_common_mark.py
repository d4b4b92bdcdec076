"""The *common* mark, and every count matching shows, count only records the network may learn
of. A member padding a value with its own hidden records (excluded reports, H3 queries), one
at a time, must see its hit's mark and every count stay as they were: otherwise the padding
it takes to turn the mark reveals how many hidden records hold the value."""

import pytest
from rest_framework.test import APIClient

from members.models import RoleName
from tests.factories import member_user
from tests.matching.conftest import CONTAINER, kz_report, tj_query

pytestmark = pytest.mark.django_db

LOOKUP = "/api/v1/identifiers/lookup/"


def _api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def _file_excluded_report(user, n):
    response = _api(user).post(
        "/api/v1/seizures/",
        {
            "reference": f"KZ-PAD-{n}",
            "member": "KZ",
            "seized_on": "2026-05-12",
            "transport_mode": "sea-container",
            "commodity": "heroin",
            "quantity": "1",
            "unit": "kg",
            "container_number": CONTAINER,
            "exclude_from_matching": True,
        },
        format="json",
    )
    assert response.status_code == 201, response.content


def _what_they_see(kz_person, tj_person) -> dict:
    """Everything either side can read about the value: the common marks of their hits on it
    and the lookup's counts."""
    seen = {}
    for side, person in (("KZ", kz_person), ("TJ", tj_person)):
        client = _api(person)
        hits = client.get("/api/v1/hits/", {"kind": "container"}).json()["results"]
        seen[side] = {
            "common": sorted({h["common"] for h in hits}),
            "holders": [
                (h["member"], h["records"])
                for h in client.get(LOOKUP, {"kind": "container", "value": CONTAINER}).json()[
                    "holders"
                ]
            ],
        }
    return seen


def test_padding_with_hidden_records_never_turns_a_value_common(
    settings, kz, uz, tj, focal_kz, focal_tj
):
    settings.MATCHING_COMMON_THRESHOLD = 3
    analyst = member_user(kz, RoleName.ANALYST, username="analyst.kz")
    kz_report(kz, consignee="", reference="KZ-1")
    tj_query(focal_tj, consignee="")  # H1 to UZ: 2 records the network may learn of
    before = _what_they_see(focal_kz, focal_tj)
    assert before == {
        "KZ": {"common": [False], "holders": [("TJ", 1)]},
        "TJ": {"common": [False], "holders": [("KZ", 1)]},
    }

    # The padding walk: KZ's own hidden records, one at a time, well past the threshold.
    for n in range(4):
        _file_excluded_report(analyst, n)
        assert _what_they_see(focal_kz, focal_tj) == before, f"after {n + 1} excluded reports"
    for n in range(3):
        tj_query(focal_kz, handling_code="H3", recipients=("UZ",), consignee="")
        assert _what_they_see(focal_kz, focal_tj) == before, f"after {n + 1} H3 queries"
    # Others' hidden records: an H2 query between TJ and UZ (KZ no party), a UZ report
    # excluded from matching.
    tj_query(focal_tj, handling_code="H2", recipients=("UZ",), consignee="")
    kz_report(uz, consignee="", reference="UZ-HIDDEN", exclude_from_matching=True)
    assert _what_they_see(focal_kz, focal_tj) == before

    # Records the network may learn of do count: the fourth makes the value common.
    kz_report(kz, consignee="", reference="KZ-2")
    assert _what_they_see(focal_kz, focal_tj)["KZ"]["common"] == [False]
    kz_report(uz, consignee="", reference="UZ-1")
    after = _what_they_see(focal_kz, focal_tj)
    assert after["KZ"]["common"] == [True] and after["TJ"]["common"] == [True]
    assert after["TJ"]["holders"] == [("KZ", 2), ("UZ", 1)]


def test_a_switched_off_national_report_does_not_count(settings, kz, uz, tj, focal_kz, focal_tj):
    """National reports count only where their member lets them match."""
    from matching.lists import member_matching_set

    settings.MATCHING_COMMON_THRESHOLD = 2
    admin_uz = member_user(uz, RoleName.MEMBER_ADMIN, username="admin.uz")
    member_matching_set(user=admin_uz, member_id=uz.pk, national_reports_match=False)
    kz_report(kz, consignee="", reference="KZ-1")
    tj_query(focal_tj, consignee="")
    before = _what_they_see(focal_kz, focal_tj)
    for n in range(3):
        kz_report(uz, consignee="", reference=f"UZ-OFF-{n}")
        assert _what_they_see(focal_kz, focal_tj) == before
    kz_report(kz, consignee="", reference="KZ-2")
    assert _what_they_see(focal_kz, focal_tj)["TJ"]["common"] == [True]
