"""The call sites of matching: filing, withdrawing, creating and importing reports keep the
index current; the new identifier fields are validated (field-level errors, nothing written)
and exported; lookups and hit state changes are audited."""

import pytest
from rest_framework.test import APIClient

from exchange import services
from exchange.models import Query
from matching.models import Hit, IdentifierEntry
from members.models import AuditEvent
from seizures.columns import EXPORT_COLUMNS, IMPORT_COLUMNS, IMPORT_OPTIONAL_COLUMNS
from seizures.models import SeizureReport
from seizures.services import seizures_import
from tests.seizures.conftest import csv_bytes, row

from .conftest import CONTAINER, kz_report

pytestmark = pytest.mark.django_db

IMO = "9074729"


def _api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def _file(user, **fields):
    data = {
        "subject": "Ceramics",
        "body": "Please check.",
        "recipients": ["UZ"],
        "container_numbers": [CONTAINER],
        "handling_code": "H1",
    }
    data.update(fields)
    return _api(user).post("/api/v1/queries/", data, format="json")


def test_filing_indexes_the_query_with_its_vessel_imo(kz, uz, tj, focal_tj):
    response = _file(focal_tj, vessel_imo="IMO 9074729")
    assert response.status_code == 201
    body = response.json()
    assert body["vessel_imo"] == IMO and body["exclude_from_matching"] is False
    kinds = set(
        IdentifierEntry.objects.filter(record_type="query", record_id=body["id"]).values_list(
            "kind", "value"
        )
    )
    assert kinds == {("container", CONTAINER), ("vessel-imo", IMO)}


def test_a_bad_imo_is_a_field_level_400_and_nothing_is_filed(kz, uz, tj, focal_tj):
    response = _file(focal_tj, vessel_imo="9074728")
    assert response.status_code == 400 and list(response.json()) == ["vessel_imo"]
    assert not Query.objects.exists() and not IdentifierEntry.objects.exists()


def test_the_filing_form_shows_a_bad_imo_on_its_field(client, kz, uz, tj, focal_tj):
    client.force_login(focal_tj)
    response = client.post(
        "/queries/new/",
        {
            "recipients": ["UZ"],
            "kind": "request",
            "priority": "routine",
            "handling_code": "H0",
            "source_evaluation": "X",
            "information_evaluation": "4",
            "subject": "s",
            "body": "b",
            "vessel_imo": "1234568",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200, response
    assert 'data-field="vessel_imo"' in page and not Query.objects.exists()


def test_a_query_excluded_from_matching_raises_no_hit_for_others(kz, uz, tj, focal_tj):
    kz_report(kz)
    response = _file(focal_tj, exclude_from_matching=True)
    assert response.status_code == 201
    assert not Hit.objects.filter(for_member__code="KZ").exists()
    # TJ itself still learns of KZ's report (the exclusion binds what others learn).
    assert Hit.objects.filter(for_member__code="TJ").exists()


def test_withdrawing_a_query_takes_it_out_of_the_index(kz, uz, tj, focal_tj):
    kz_report(kz)
    query = Query.objects.get(pk=_file(focal_tj).json()["id"])
    assert Hit.objects.filter(for_member__code="KZ").exists()
    services.query_close(query=query, user=focal_tj, outcome="withdrawn")
    assert not IdentifierEntry.objects.filter(record_type="query", record_id=query.pk).exists()
    assert not Hit.objects.filter(for_member__code="KZ").exists()


def test_seizure_api_validates_and_indexes_the_identifiers(kz, uz, tj, analyst_kz, focal_tj):
    report = {
        "reference": "KZ-API-1",
        "member": "KZ",
        "seized_on": "2026-05-12",
        "transport_mode": "sea-container",
        "commodity": "heroin",
        "quantity": "3",
        "unit": "kg",
        "vessel_imo": "9074728",
        "air_waybill": "176-12345676",
        "consignee": "ТОО «Aktau Ceramics»",
    }
    bad = _api(analyst_kz).post("/api/v1/seizures/", report, format="json")
    assert bad.status_code == 400 and set(bad.json()) == {"vessel_imo", "air_waybill"}
    assert not SeizureReport.objects.exists()
    report.update(vessel_imo=IMO, air_waybill="176-12345675", bill_of_lading="maeu 1234 5678")
    good = _api(analyst_kz).post("/api/v1/seizures/", report, format="json")
    assert good.status_code == 201, good.content
    body = good.json()
    assert body["vessel_imo"] == IMO and body["bill_of_lading"] == "MAEU12345678"
    assert body["consignee"] == "ТОО «Aktau Ceramics»"
    assert set(
        IdentifierEntry.objects.filter(record_type="seizure", record_id=body["id"]).values_list(
            "kind", "value"
        )
    ) == {
        ("vessel-imo", IMO),
        ("air-waybill", "176-12345675"),
        ("bill-of-lading", "MAEU12345678"),
        ("company", "AKTAU CERAMICS"),
    }


def test_the_browser_form_creates_and_indexes_a_report(client, kz, analyst_kz):
    client.force_login(analyst_kz)
    response = client.post(
        "/seizures/reports/new/",
        {
            "reference": "KZ-FORM-1",
            "member": "KZ",
            "seized_on": "2026-05-12",
            "transport_mode": "sea-container",
            "commodity": "heroin",
            "quantity": "3",
            "unit": "kg",
            "sharing": "national",
            "container_number": CONTAINER,
            "shipper": "Caspian Trading LLC",
            "exclude_from_matching": "on",
        },
    )
    assert response.status_code == 302
    report = SeizureReport.objects.get(reference="KZ-FORM-1")
    assert report.exclude_from_matching and report.shipper == "Caspian Trading LLC"
    entries = IdentifierEntry.objects.filter(record_type="seizure", record_id=report.pk)
    assert entries.count() == 2 and not entries.filter(matchable_outward=True).exists()


def test_import_takes_the_optional_identifier_columns(kz, uz, tj, analyst_kz, focal_tj):
    assert {"bill_of_lading", "air_waybill", "vessel_imo", "shipper", "consignee"} <= set(
        IMPORT_OPTIONAL_COLUMNS
    )
    columns = [*IMPORT_COLUMNS, "vessel_imo", "consignee"]
    bad = csv_bytes([row(reference="A", vessel_imo="9074728")], columns)
    with pytest.raises(Exception) as refused:
        seizures_import(user=analyst_kz, content=bad, filename="f.csv")
    assert refused.value.row_errors[0]["column"] == "vessel_imo"
    assert not SeizureReport.objects.exists() and not IdentifierEntry.objects.exists()
    rows = [
        row(reference="A", sharing="national", vessel_imo=IMO, consignee="Aktau Ceramics LLP"),
        row(reference="B", sharing="national", container_number=""),
    ]
    assert seizures_import(user=analyst_kz, content=csv_bytes(rows, columns)) == 2
    a = SeizureReport.objects.get(reference="A")
    assert a.vessel_imo == IMO and a.consignee == "Aktau Ceramics LLP"
    assert set(
        IdentifierEntry.objects.filter(record_type="seizure").values_list("record_id", "kind")
    ) == {(a.pk, "container"), (a.pk, "vessel-imo"), (a.pk, "company")}
    # A later TJ query on the consignee finds KZ's imported report.
    _file(focal_tj, container_numbers=[], consignee="ТОО «Aktau Ceramics»")
    hit = Hit.objects.get(for_member__code="TJ")
    assert hit.holder_record_id == a.pk and hit.kind == "company"


def test_exports_carry_the_identifiers_only_where_the_report_is_visible(
    client, kz, uz, analyst_kz, focal_uz
):
    assert {"bill_of_lading", "air_waybill", "vessel_imo", "shipper", "consignee"} <= set(
        EXPORT_COLUMNS
    )
    kz_report(kz, reference="KZ-SECRET-0001")
    client.force_login(analyst_kz)
    own = b"".join(client.get("/seizures/export.csv").streaming_content).decode()
    assert "consignee" in own.splitlines()[0] and "Aktau Ceramics" in own
    client.force_login(focal_uz)
    response = client.get("/seizures/export.csv")
    if response.status_code == 200:
        other = b"".join(response.streaming_content).decode()
        assert "KZ-SECRET" not in other and "Aktau" not in other
    else:
        assert response.status_code == 404


def test_lookups_and_hit_changes_are_audited_without_content(client, kz, uz, tj, focal_tj):
    kz_report(kz)
    _file(focal_tj)
    _api(focal_tj).get("/api/v1/identifiers/lookup/", {"kind": "container", "value": CONTAINER})
    client.force_login(focal_tj)
    client.get("/matching/lookup/", {"kind": "company", "value": "Aktau Ceramics"})
    events = AuditEvent.objects.filter(action="identifier.lookup").order_by("id")
    assert [e.detail for e in events] == [
        {"kind": "container", "value": CONTAINER, "holders": 1},
        {"kind": "company", "value": "AKTAU CERAMICS", "holders": 1},
    ]
    assert all("KZ" in e.members and "SECRET" not in str(e.detail) for e in events)
    hit = Hit.objects.filter(for_member__code="TJ").first()
    _api(focal_tj).post(f"/api/v1/hits/{hit.pk}/dismiss/", {"reason": "Known carrier"})
    event = AuditEvent.objects.get(action="hit.dismiss")
    assert event.object_id == hit.pk and "Known carrier" not in str(event.detail)


def test_matches_section_on_the_query_page_shows_only_what_the_viewer_may_see(
    client, kz, uz, tj, focal_tj, focal_uz, django_assert_max_num_queries
):
    report = kz_report(kz)
    query = Query.objects.get(pk=_file(focal_tj, consignee="AKTAU CERAMICS, LLP").json()["id"])
    client.force_login(focal_uz)  # a party to the query, but it holds no matching record
    page = client.get(f"/queries/{query.pk}/").content.decode()
    assert 'data-testid="matches"' in page and 'data-testid="match"' not in page
    assert "KZ-SECRET" not in page and "(KZ)" not in page
    client.force_login(focal_tj)
    client.get(f"/queries/{query.pk}/")  # warm caches
    with django_assert_max_num_queries(60) as few:
        page = client.get(f"/queries/{query.pk}/").content.decode()
    assert page.count('data-testid="match"') == 2 and "(KZ)" in page
    assert report.reference not in page and "driver" not in page
    # More hits on the query do not cost more statements.
    for n in range(5):
        kz_report(kz, reference=f"KZ-MORE-{n}")
    with django_assert_max_num_queries(len(few)):
        page = client.get(f"/queries/{query.pk}/").content.decode()
    assert page.count('data-testid="match"') == 12


def test_matches_section_on_the_report_page(client, kz, uz, tj, focal_tj, analyst_kz, focal_uz):
    report = kz_report(kz)
    query = Query.objects.get(pk=_file(focal_tj, consignee="AKTAU CERAMICS, LLP").json()["id"])
    client.force_login(analyst_kz)
    page = client.get(f"/seizures/reports/{report.pk}/").content.decode()
    assert page.count('data-testid="match"') == 2 and "(TJ)" in page
    assert query.reference not in page and "AKTAU CERAMICS, LLP" not in page
    client.force_login(focal_uz)
    assert client.get(f"/seizures/reports/{report.pk}/").status_code == 404


def test_asking_from_a_closed_hit_files_nothing(client, kz, uz, tj, focal_tj):
    kz_report(kz)
    _file(focal_tj)
    hit = Hit.objects.get(for_member__code="TJ")
    Hit.objects.filter(pk=hit.pk).update(state="dismissed", dismiss_reason="Known")
    before = Query.objects.count()
    client.force_login(focal_tj)
    response = client.post(
        "/queries/new/",
        {
            "recipients": ["KZ"],
            "kind": "request",
            "priority": "routine",
            "handling_code": "H1",
            "source_evaluation": "X",
            "information_evaluation": "4",
            "subject": "Your record",
            "body": "Please tell us more.",
            "container_numbers": CONTAINER,
            "hit": hit.pk,
        },
    )
    assert response.status_code == 200 and "already closed" in response.content.decode()
    assert Query.objects.count() == before


def test_the_api_files_a_follow_up_query_from_a_hit(kz, uz, tj, focal_tj):
    kz_report(kz)
    _file(focal_tj)
    hit = Hit.objects.get(for_member__code="TJ")
    response = _file(focal_tj, recipients=["KZ"], hit=hit.pk, container_numbers=[])
    assert response.status_code == 201
    hit.refresh_from_db()
    assert hit.state == "asked" and hit.follow_up_query_id == response.json()["id"]
