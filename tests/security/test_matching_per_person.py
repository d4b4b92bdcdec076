"""Matching decides per person, not per member: what a person learns of a record through the
lookup, hits, the "Matches" section of a report, the badge and hit alerts is what that person
may open. A query PK→KZ that KZ's analyst and the officer of another KZ unit get a 404 on
must not reach them by its id or reference through matching either."""

import datetime
import re

import pytest
from guardian.shortcuts import assign_perm
from rest_framework.test import APIClient

from exchange.indexing import query_index
from exchange.models import Alert
from matching.models import Hit
from members import permissions
from members.models import RoleName
from seizures.matching import seizure_report_index
from tests.factories import MemberFactory, member_user
from tests.factories.exchange import file_query
from tests.factories.members import ControlUnitFactory, UserFactory
from tests.factories.seizures import SeizureReportFactory

pytestmark = pytest.mark.django_db

CONTAINER = "CSQU3054383"
LOOKUP = "/api/v1/identifiers/lookup/"


def _api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def pk(db):
    return MemberFactory(code="PK")


@pytest.fixture
def units(kz):
    return {
        "named": ControlUnitFactory(member=kz, code="KZ-AKT-PCU"),
        "other": ControlUnitFactory(member=kz, code="KZ-ALA-ACCU"),
    }


@pytest.fixture
def people(kz, pk, units):
    return {
        "focal_pk": member_user(pk, RoleName.FOCAL_POINT, username="focal.pk"),
        "focal_kz": member_user(kz, RoleName.FOCAL_POINT, username="focal.kz"),
        "analyst_kz": member_user(kz, RoleName.ANALYST, username="analyst.kz"),
        "officer_kz": member_user(
            kz, RoleName.UNIT_OFFICER, username="officer.kz", control_unit=units["other"]
        ),
        "officer_named": member_user(
            kz, RoleName.UNIT_OFFICER, username="officer.akt", control_unit=units["named"]
        ),
    }


@pytest.fixture
def query(people, units):
    """An H1 query from PK to KZ's Aktau unit carrying the container."""
    query = file_query(
        people["focal_pk"],
        recipients=["KZ"],
        recipient_units=[units["named"].code],
        handling_code="H1",
        container_numbers=[CONTAINER],
        subject="PK-CONFIDENTIAL subject",
    )
    query_index(query=query)
    return query


def _report_filed_by(user, reference="KZ-AN-0001"):
    """The person files a national seizure report with the same container (the API)."""
    response = _api(user).post(
        "/api/v1/seizures/",
        {
            "reference": reference,
            "member": "KZ",
            "seized_on": "2026-05-12",
            "transport_mode": "sea-container",
            "commodity": "heroin",
            "quantity": "3",
            "unit": "kg",
            "container_number": CONTAINER,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    return response.json()["id"]


@pytest.mark.parametrize("who", ["analyst_kz", "officer_kz"])
def test_person_without_the_query_learns_no_id_or_reference_through_matching(
    client, people, query, who
):
    person = people[who]
    api = _api(person)
    # The query's own page: a 404 for this person.
    assert api.get(f"/api/v1/queries/{query.pk}/").status_code == 404

    lookup = api.get(LOOKUP, {"kind": "container", "value": CONTAINER})
    assert lookup.status_code == 200
    assert lookup.json()["visible"] == []
    # PK is named as holding a record: hit/no-hit, as matching discloses to KZ.
    assert [h["member"] for h in lookup.json()["holders"]] == ["PK"]
    assert query.reference not in lookup.content.decode()

    report_id = _report_filed_by(people["analyst_kz"], reference=f"KZ-{who}")
    [hit] = Hit.objects.filter(for_member__code="KZ", record_id=report_id)
    assert hit.holder_record_id == query.pk

    listed = api.get("/api/v1/hits/")
    [item] = listed.json()["results"]
    assert item["holder"] == "PK"
    assert item["holder_record"] == {"type": "query", "id": None, "reference": None}
    assert query.reference not in listed.content.decode()
    one = api.get(f"/api/v1/hits/{hit.pk}/")
    assert one.json()["holder_record"] == {"type": "query", "id": None, "reference": None}

    client.force_login(person)
    # The badge counts the hits the person's own list shows, and nothing more.
    nav = client.get("/matching/hits/").content.decode()
    badge = re.search(r'data-testid="hit-badge"[^>]*>(\d+)</span>', nav)
    assert badge and int(badge.group(1)) == len(listed.json()["results"]) == 1
    for url in ("/matching/hits/", f"/seizures/reports/{report_id}/"):
        page = client.get(url)
        assert page.status_code == 200
        assert query.reference not in page.content.decode(), url
        assert f"/queries/{query.pk}/" not in page.content.decode(), url


@pytest.mark.parametrize("who", ["focal_kz", "officer_named"])
def test_people_who_may_open_the_query_see_its_reference(client, people, query, who):
    person = people[who]
    api = _api(person)
    assert api.get(f"/api/v1/queries/{query.pk}/").status_code == 200
    lookup = api.get(LOOKUP, {"kind": "container", "value": CONTAINER}).json()
    assert [row["reference"] for row in lookup["visible"]] == [query.reference]
    report_id = _report_filed_by(people["analyst_kz"], reference=f"KZ-{who}")
    [item] = api.get("/api/v1/hits/").json()["results"]
    assert item["holder_record"] == {"type": "query", "id": query.pk, "reference": query.reference}
    client.force_login(person)
    assert query.reference in client.get("/matching/hits/").content.decode()
    if who == "focal_kz":
        page = client.get(f"/seizures/reports/{report_id}/")
        assert query.reference in page.content.decode()


def test_own_members_query_is_shown_as_held_by_the_member(uz, people):
    """KZ's own query (to UZ) is not the analyst's to open: the lookup names KZ as holding a
    record, with no id and no reference."""
    own = file_query(
        people["focal_kz"], recipients=["UZ"], handling_code="H1", container_numbers=[CONTAINER]
    )
    query_index(query=own)
    analyst = _api(people["analyst_kz"])
    answer = analyst.get(LOOKUP, {"kind": "container", "value": CONTAINER})
    data = answer.json()
    assert data["visible"] == []
    assert data["holders"] == [
        {"member": "KZ", "records": 1, "latest": data["holders"][0]["latest"]}
    ]
    assert own.reference not in answer.content.decode()
    # The focal point opens it: listed with its reference, not counted as a mere holder.
    focal = _api(people["focal_kz"]).get(LOOKUP, {"kind": "container", "value": CONTAINER}).json()
    assert [row["reference"] for row in focal["visible"]] == [own.reference]
    assert focal["holders"] == []


def test_own_side_of_a_hit_is_hidden_from_a_person_who_may_not_open_it(people, uz):
    """PK's report matches KZ's query to UZ: KZ's hit has KZ's query as its own side, which the
    analyst may not open."""
    own = file_query(
        people["focal_kz"], recipients=["UZ"], handling_code="H1", container_numbers=["MSCU1234566"]
    )
    query_index(query=own)
    report = SeizureReportFactory(
        reporting_member=people["focal_pk"].member,
        reference="PK-0001",
        sharing="network",
        container_number="MSCU1234566",
        seized_on=datetime.date(2026, 5, 12),
    )
    seizure_report_index(report=report)
    assert Hit.objects.filter(for_member__code="KZ", record_id=own.pk).exists()
    items = _api(people["analyst_kz"]).get("/api/v1/hits/", {"kind": "container"}).json()
    [item] = [i for i in items["results"] if i["value"] == "MSCU1234566"]
    assert item["record"] == {"type": "query", "id": None, "reference": None}
    # The report is shared with the network: the analyst may open it.
    assert item["holder_record"]["reference"] == "PK/PK-0001"
    focal = _api(people["focal_kz"]).get("/api/v1/hits/", {"kind": "container"}).json()
    [mine] = [i for i in focal["results"] if i["value"] == "MSCU1234566"]
    assert mine["record"] == {"type": "query", "id": own.pk, "reference": own.reference}


def test_hit_alerts_go_only_to_people_who_may_open_the_record_that_was_hit(kz, uz, pk, people):
    """Someone who receives KZ's alerts but may not open its queries (a duty desk holding only
    ``receive_alerts`` and ``view_seizures``) is alerted of a hit on a KZ report, not of one on
    a KZ query; the focal point of both."""
    from django.contrib.auth.models import Group

    desk = Group.objects.create(name="KZ duty desk")
    for right in ("receive_alerts", "view_seizures"):
        assign_perm(f"members.{right}", desk, kz)
    watcher = UserFactory(username="desk.kz", member=kz)
    watcher.groups.add(desk)
    permissions.forget(watcher)

    own = file_query(
        people["focal_kz"], recipients=["UZ"], handling_code="H1", container_numbers=[CONTAINER]
    )
    query_index(query=own)
    kz_report = SeizureReportFactory(
        reporting_member=kz, reference="KZ-0003", sharing="national",
        container_number="MSCU1234566", seized_on=datetime.date(2026, 5, 13),
    )  # fmt: skip
    seizure_report_index(report=kz_report)
    # PK's national reports: KZ may not see them, so KZ's hits on them are alerted.
    for reference, container in (("PK-0003", "MSCU1234566"), ("PK-0004", CONTAINER)):
        report = SeizureReportFactory(
            reporting_member=pk, reference=reference, sharing="national",
            container_number=container, seized_on=datetime.date(2026, 5, 14),
        )  # fmt: skip
        seizure_report_index(report=report)

    def alerted(record_type, record_id):
        hit = Hit.objects.get(for_member=kz, record_type=record_type, record_id=record_id)
        assert hit.alerted
        return set(Alert.objects.filter(hit=hit).values_list("recipient__username", flat=True))

    assert alerted("seizure", kz_report.pk) == {"focal.kz", "desk.kz"}
    assert alerted("query", own.pk) == {"focal.kz"}


def test_hit_list_is_one_statement_whatever_the_number_of_hits(
    people, query, django_assert_max_num_queries
):
    """The per-person decision is a subquery of the list's statement, not one per row."""
    api = _api(people["analyst_kz"])

    def statements():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert api.get("/api/v1/hits/").status_code == 200
        return len(captured)

    _report_filed_by(people["analyst_kz"], reference="KZ-N-0")
    few = statements()
    for n in range(1, 8):
        _report_filed_by(people["analyst_kz"], reference=f"KZ-N-{n}")
    assert Hit.objects.filter(for_member__code="KZ").count() == 8
    assert statements() == few
