"""Who sees which audit events: the audit page, its CSV export, the API and the access
history, each from the side that must not see as well as the side that must."""

import csv
import io

import pytest
from django.urls import reverse

from members.audit import audit_record
from members.models import AuditEvent

API = "/api/v1/audit/"


@pytest.fixture
def read_by_uz(client, focal_uz, query_kz_uz):
    """focal.uz opened KZ's query."""
    client.force_login(focal_uz)
    assert client.get(reverse("exchange:detail", args=[query_kz_uz.pk])).status_code == 200
    client.logout()
    return AuditEvent.objects.get(action="query.read")


def _api_ids(client, user, **params):
    client.force_login(user)
    response = client.get(API, params)
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["results"]]


def test_uz_member_admin_sees_the_read_by_their_own_focal_point(client, admin_uz, read_by_uz):
    assert read_by_uz.id in _api_ids(client, admin_uz)


def test_kz_member_admin_sees_the_read_of_their_query(client, admin_kz, read_by_uz):
    assert read_by_uz.id in _api_ids(client, admin_kz, object=read_by_uz.object_reference)


def test_tj_member_admin_sees_neither(client, admin_tj, read_by_uz, admin_kz):
    ids = _api_ids(client, admin_tj)
    assert read_by_uz.id not in ids
    assert not AuditEvent.objects.filter(id__in=ids, members__contains=["KZ"]).exists()
    client.force_login(admin_tj)
    page = client.get(reverse("audit"), {"object": read_by_uz.object_reference})
    assert page.status_code == 200 and list(page.context["events"]) == []


def test_network_admin_sees_every_event(client, admin_user, read_by_uz):
    assert read_by_uz.id in _api_ids(client, admin_user)


@pytest.mark.parametrize("url", [reverse("audit"), reverse("audit-export"), API])
def test_analyst_and_focal_point_get_404(client, analyst_kz, focal_kz, read_by_uz, url):
    for user in (analyst_kz, focal_kz):
        client.force_login(user)
        assert client.get(url).status_code == 404


def test_api_item_fields(client, admin_kz, read_by_uz, focal_uz):
    client.force_login(admin_kz)
    item = client.get(API, {"action": "query.read"}).json()["results"][0]
    assert set(item) == {
        "id",
        "at",
        "actor",
        "actor_member",
        "action",
        "object_type",
        "object_id",
        "object_reference",
        "members",
        "ip",
        "request_id",
        "detail",
    }
    assert item["actor"] == "focal.uz" and item["actor_member"] == "UZ"
    assert item["members"] == ["KZ", "UZ"]


def test_api_filters(client, admin_user, admin_kz, read_by_uz, query_kz_uz):
    other = audit_record(action="other.thing", object_type="query", object_id=query_kz_uz.pk)
    assert _api_ids(client, admin_user, actor="FOCAL.UZ", action="query.read") == [read_by_uz.id]
    filed = AuditEvent.objects.get(action="query.file")
    by_reference = _api_ids(client, admin_kz, object=query_kz_uz.reference)
    assert by_reference == [read_by_uz.id, filed.id]
    by_id = _api_ids(client, admin_kz, object=str(query_kz_uz.pk), object_type="query")
    assert by_id == [read_by_uz.id, filed.id]
    # The network admin's search by object finds no content event (tests/security).
    by_id = _api_ids(client, admin_user, object=str(query_kz_uz.pk), object_type="query")
    assert by_id == [other]
    assert read_by_uz.id in _api_ids(client, admin_user, member="uz")
    assert read_by_uz.id not in _api_ids(client, admin_user, member="TJ")
    at = read_by_uz.at.isoformat()
    assert read_by_uz.id in _api_ids(client, admin_user, since=at)
    assert read_by_uz.id not in _api_ids(client, admin_user, until=at)


def test_api_bad_date_is_a_field_error(client, admin_user):
    client.force_login(admin_user)
    response = client.get(API, {"since": "yesterday"})
    assert response.status_code == 400 and "since" in response.json()


def test_api_is_newest_first_and_paginated(client, admin_user):
    for n in range(5):
        audit_record(action="test.page", detail={"n": n})
    client.force_login(admin_user)
    first = client.get(API, {"page_size": 2, "action": "test.page"}).json()
    assert [i["detail"]["n"] for i in first["results"]] == [4, 3]
    second = client.get(first["next"]).json()
    assert [i["detail"]["n"] for i in second["results"]] == [2, 1]


def test_api_list_query_count_is_fixed(client, admin_kz, django_assert_max_num_queries):
    for _ in range(30):
        audit_record(action="test.count", actor=admin_kz, members=["KZ"])
    client.force_login(admin_kz)
    client.get(API, {"action": "test.count"})
    with django_assert_max_num_queries(8):
        assert len(client.get(API, {"action": "test.count"}).json()["results"]) == 30


def test_audit_page_filters_by_reference(client, admin_kz, read_by_uz, query_kz_uz):
    client.force_login(admin_kz)
    response = client.get(reverse("audit"), {"object": query_kz_uz.reference})
    assert response.status_code == 200
    filed = AuditEvent.objects.get(action="query.file")
    assert [e.id for e in response.context["events"]] == [read_by_uz.id, filed.id]
    assert b"focal.uz" in response.content


def test_csv_export_neutralises_formulas(client, admin_user):
    audit_record(action="test.csv", username="=HYPERLINK(1)", object_reference="+cmd")
    client.force_login(admin_user)
    response = client.get(reverse("audit-export"), {"action": "test.csv"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[1][2] == "'=HYPERLINK(1)" and rows[1][7] == "'+cmd"
    assert len(rows) == 2


def test_access_history_shown_to_the_owner_focal_point_only(
    client, focal_kz, focal_uz, read_by_uz, query_kz_uz
):
    url = reverse("exchange:detail", args=[query_kz_uz.pk])
    client.force_login(focal_kz)
    history = client.get(url).context["access_history"]
    assert read_by_uz in history
    client.force_login(focal_uz)
    response = client.get(url)
    assert response.context["access_history"] is None
    assert b'id="access-history"' not in response.content
