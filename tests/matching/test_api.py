"""The matching API, from the side that must not learn first: UZ never sees KZ's national
report through hits or lookup; outside scope is 404; bad input is a field-level 400."""

import pytest
from rest_framework.test import APIClient

from matching.models import Hit, WatchEntry

from .conftest import CONTAINER, kz_report, tj_query

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def _as(api, user):
    api.force_authenticate(user)
    return api


@pytest.fixture
def demo(kz, uz, tj, focal_kz, focal_uz, focal_tj):
    report = kz_report(kz)
    query = tj_query(focal_tj)
    return report, query


def test_uz_sees_nothing_of_kz_national_report_through_hits_or_lookup(api, demo, focal_uz):
    report, query = demo
    client = _as(api, focal_uz)
    assert client.get("/api/v1/hits/").json()["results"] == []
    kz_hit = Hit.objects.filter(for_member__code="KZ").first()
    tj_hit = Hit.objects.filter(for_member__code="TJ").first()
    for hit in (kz_hit, tj_hit):
        assert client.get(f"/api/v1/hits/{hit.pk}/").status_code == 404
        dismiss = client.post(f"/api/v1/hits/{hit.pk}/dismiss/", {"reason": "x"}, format="json")
        assert dismiss.status_code == 404
    answer = client.get("/api/v1/identifiers/lookup/", {"kind": "container", "value": CONTAINER})
    assert answer.status_code == 200
    data = answer.json()
    # UZ learns that KZ holds a record (hit/no-hit, as matching discloses) but no reference;
    # TJ's query names UZ, so UZ may see that one.
    assert data["holders"] == [
        {"member": "KZ", "records": 1, "latest": "2026-05"},
        {"member": "TJ", "records": 1, "latest": data["holders"][1]["latest"]},
    ]
    assert [row["reference"] for row in data["visible"]] == [query.reference]
    assert "KZ-SECRET" not in answer.content.decode()
    assert "driver" not in answer.content.decode()


def test_tj_sees_kz_as_holder_without_reference(api, demo, focal_tj):
    report, query = demo
    response = _as(api, focal_tj).get("/api/v1/hits/", {"kind": "container"})
    [item] = response.json()["results"]
    assert item["state"] == "new" and item["kind"] == "container" and item["value"] == CONTAINER
    assert item["holder"] == "KZ"
    assert item["holder_record"] == {"type": "seizure", "id": None, "reference": None}
    assert item["record"] == {"type": "query", "id": query.pk, "reference": query.reference}
    assert item["month"] == "2026-05" and item["follow_up_query"] is None
    assert "KZ-SECRET" not in response.content.decode()


def test_kz_sees_tj_as_holder_without_the_query_reference(api, demo, analyst_kz):
    report, query = demo
    response = _as(api, analyst_kz).get("/api/v1/hits/")
    items = response.json()["results"]
    assert {i["kind"] for i in items} == {"container", "company"}
    for item in items:
        assert item["holder"] == "TJ"
        assert item["holder_record"] == {"type": "query", "id": None, "reference": None}
        assert item["record"]["reference"] == "KZ/KZ-SECRET-0001"
    assert query.reference not in response.content.decode()


def test_lookup_hides_switched_off_national_reports(api, kz, uz, focal_uz, admin_kz):
    from matching.lists import member_matching_set

    kz_report(kz)
    client = _as(api, focal_uz)
    params = {"kind": "container", "value": "csqu 305438 3"}
    assert client.get("/api/v1/identifiers/lookup/", params).json()["holders"]
    member_matching_set(user=admin_kz, member_id=kz.pk, national_reports_match=False)
    data = client.get("/api/v1/identifiers/lookup/", params).json()
    assert data == {"kind": "container", "value": CONTAINER, "holders": [], "visible": []}


def test_lookup_bad_input_is_a_field_level_400(api, focal_uz):
    client = _as(api, focal_uz)
    bad = client.get("/api/v1/identifiers/lookup/", {"kind": "container", "value": "CSQU3054384"})
    assert bad.status_code == 400 and "value" in bad.json()
    bad = client.get("/api/v1/identifiers/lookup/", {"kind": "ship", "value": "x"})
    assert bad.status_code == 400 and "kind" in bad.json()


def test_network_admins_and_strangers_get_404(api, admin_user, demo):
    client = _as(api, admin_user)
    params = {"kind": "container", "value": CONTAINER}
    assert client.get("/api/v1/identifiers/lookup/", params).status_code == 404
    assert client.get("/api/v1/hits/").json()["results"] == []
    assert client.get("/api/v1/watchlist/").json()["results"] == []
    assert APIClient().get("/api/v1/hits/").status_code in (401, 403)


def test_dismiss_needs_a_reason_and_then_records_it(api, demo, focal_tj):
    hit = Hit.objects.filter(for_member__code="TJ").first()
    client = _as(api, focal_tj)
    bad = client.post(f"/api/v1/hits/{hit.pk}/dismiss/", {"reason": ""}, format="json")
    assert bad.status_code == 400 and "reason" in bad.json()
    hit.refresh_from_db()
    assert hit.state == "new"
    good = client.post(f"/api/v1/hits/{hit.pk}/dismiss/", {"reason": "Known"}, format="json")
    assert good.status_code == 200 and good.json()["state"] == "dismissed"
    assert client.get("/api/v1/hits/", {"state": "dismissed"}).json()["count"] == 1
    assert client.get("/api/v1/hits/", {"state": "new"}).json()["count"] == 1


def test_hits_list_takes_a_constant_number_of_statements(
    api, kz, uz, tj, focal_tj, django_assert_max_num_queries
):
    client = _as(api, focal_tj)
    kz_report(kz)
    tj_query(focal_tj)
    client.get("/api/v1/hits/")  # warm caches
    with django_assert_max_num_queries(4):
        first = client.get("/api/v1/hits/")
    for n in range(15):
        kz_report(kz, reference=f"KZ-{n}", consignee="", container_number="")
        tj_query(focal_tj, consignee="", container_numbers=[], bill_of_lading_numbers=["MAEU12345"])
    for n in range(5):
        kz_report(
            uz, reference=f"UZ-{n}", consignee="", container_number="", bill_of_lading="MAEU12345"
        )
    with django_assert_max_num_queries(4):
        second = client.get("/api/v1/hits/")
    assert second.json()["count"] > first.json()["count"] >= 2


def test_watchlist_create_list_delete(api, tj, focal_tj, focal_kz, kz):
    client = _as(api, focal_tj)
    created = client.post(
        "/api/v1/watchlist/",
        {"kind": "company", "value": "ТОО «Aktau Ceramics»", "note": "Front company"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    entry = created.json()
    assert entry["member"] == "TJ" and entry["value"] == "AKTAU CERAMICS"
    assert entry["display"] == "ТОО «Aktau Ceramics»"
    assert [e["id"] for e in client.get("/api/v1/watchlist/").json()["results"]] == [entry["id"]]
    # KZ neither sees nor deletes TJ's entry.
    other = _as(APIClient(), focal_kz)
    assert other.get("/api/v1/watchlist/").json()["results"] == []
    assert other.delete(f"/api/v1/watchlist/{entry['id']}/").status_code == 404
    assert client.delete(f"/api/v1/watchlist/{entry['id']}/").status_code == 204
    assert not WatchEntry.objects.exists()


def test_watchlist_bad_input_writes_nothing(api, focal_tj):
    client = _as(api, focal_tj)
    bad = client.post(
        "/api/v1/watchlist/", {"kind": "vessel-imo", "value": "9074728"}, format="json"
    )
    assert bad.status_code == 400 and "value" in bad.json()
    bad = client.post("/api/v1/watchlist/", {"kind": "x", "value": "1"}, format="json")
    assert bad.status_code == 400 and "kind" in bad.json()
    bad = client.post(
        "/api/v1/watchlist/",
        {"kind": "container", "value": CONTAINER, "member": "KZ"},
        format="json",
    )
    assert bad.status_code == 400 and "member" in bad.json()
    assert not WatchEntry.objects.exists()


def test_schema_lists_the_matching_endpoints(api, focal_tj):
    schema = _as(api, focal_tj).get("/api/schema/", {"format": "json"}).json()
    for path in (
        "/api/v1/identifiers/lookup/",
        "/api/v1/hits/",
        "/api/v1/hits/{id}/dismiss/",
        "/api/v1/watchlist/",
        "/api/v1/watchlist/{id}/",
    ):
        assert path in schema["paths"]


def test_uz_people_without_the_query_see_it_only_as_held_by_tj(api, uz, demo, analyst_uz):
    """TJ's query names UZ, but UZ's analyst may not open it (a 404 on its page): through
    lookup and hits it is TJ's record, with no id and no reference."""
    report, query = demo
    uz_report = kz_report(uz, reference="UZ-1", sharing="national")
    client = _as(api, analyst_uz)
    assert client.get(f"/api/v1/queries/{query.pk}/").status_code == 404
    data = client.get("/api/v1/identifiers/lookup/", {"kind": "container", "value": CONTAINER})
    assert [row["reference"] for row in data.json()["visible"]] == ["UZ/UZ-1"]
    assert [h["member"] for h in data.json()["holders"]] == ["KZ", "TJ"]
    hits = client.get("/api/v1/hits/", {"kind": "container"})
    on_query = [i for i in hits.json()["results"] if i["holder"] == "TJ"]
    assert on_query and all(
        i["holder_record"] == {"type": "query", "id": None, "reference": None} for i in on_query
    )
    assert all(i["record"]["id"] == uz_report.pk for i in on_query)
    assert query.reference not in hits.content.decode() + data.content.decode()


def test_unit_officer_of_another_unit_sees_the_query_only_as_held(api, uz, tj, focal_tj):
    from members.models import RoleName
    from tests.factories.members import ControlUnitFactory, member_user

    named = ControlUnitFactory(member=uz, code="UZ-TAS-ACCU")
    other = ControlUnitFactory(member=uz, code="UZ-NAV-PCU")
    query = tj_query(focal_tj, recipient_units=[named.code])
    kz_report(uz, reference="UZ-1")
    for unit, shown in ((other, False), (named, True)):
        officer = member_user(uz, RoleName.UNIT_OFFICER, control_unit=unit)
        client = _as(APIClient(), officer)
        data = client.get("/api/v1/identifiers/lookup/", {"kind": "container", "value": CONTAINER})
        assert (query.reference in data.content.decode()) is shown
        [item] = client.get("/api/v1/hits/", {"kind": "container"}).json()["results"]
        assert (item["holder_record"]["reference"] == query.reference) is shown
