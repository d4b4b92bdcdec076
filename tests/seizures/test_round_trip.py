"""The portal's own export (CSV and XLSX) imports unchanged and gives back the same
reports, field by field; derived columns are ignored with a note; a rejected import shows a
rejected state, not a full progress bar."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from seizures.models import ImportJob, SeizureReport
from tests.factories import ControlUnitFactory
from tests.factories.seizures import OperationFactory, SeizureReportFactory

from .conftest import csv_bytes, row

pytestmark = pytest.mark.django_db

#: What a report is, as the reporting member entered it (ids become codes: they are not kept).
FIELDS = [
    "reference",
    "seized_on",
    "reporting_member__code",
    "control_unit__code",
    "commodity__code",
    "quantity",
    "unit",
    "quantity_base",
    "dimension",
    "transport_mode",
    "origin_country",
    "transit_countries",
    "destination_country",
    "container_number",
    "vessel_or_flight",
    "vehicle",
    "concealment",
    "detection_method",
    "persons_detained",
    "estimated_value_usd",
    "revenue_recovered_usd",
    "operation__code",
    "sharing",
]


def _snapshot(member):
    rows = SeizureReport.objects.filter(reporting_member=member).order_by("reference")
    return [
        {
            f: (str(v) if f.endswith("countries") or f.endswith("_country") else v)
            for f, v in r.items()
        }
        for r in rows.values(*FIELDS)
    ]


@pytest.fixture
def kz_reports(kz, uz):
    unit = ControlUnitFactory(member=kz, code="KZ-ALA-ACCU", kind="airport")
    operation = OperationFactory(code="nicotiana", coordinating_member=kz)
    SeizureReportFactory(
        reporting_member=kz,
        reference="KZ-2022-001",
        seized_on=datetime.date(2022, 10, 3),
        control_unit=unit,
        commodity="cigarettes",
        quantity=Decimal("12000"),
        unit="pieces",
        transport_mode="air-cargo",
        origin_country="CN",
        transit_countries=["KG", "UZ"],
        destination_country="AZ",
        container_number="",
        vessel_or_flight="KC 912",
        vehicle="",
        concealment="-in false-bottomed boxes",  # exported with a protective apostrophe
        detection_method="",
        persons_detained=2,
        estimated_value_usd=Decimal("1450.50"),
        revenue_recovered_usd=Decimal("300"),
        operation=operation,
        sharing="national",
    )
    SeizureReportFactory(
        reporting_member=kz,
        reference="KZ-2024-017",
        commodity="heroin",
        quantity=Decimal("585.25"),
        unit="kg",
        container_number="CSQU3054383",
        vehicle="KZ 123 ABC",
        concealment="false floor",
        persons_detained=0,
    )
    SeizureReportFactory(
        reporting_member=kz,
        reference="KZ-2024-018",
        commodity="acetic-anhydride",
        quantity=Decimal("0.5"),
        unit="l",
        transport_mode="road",
        origin_country="",
        destination_country="",
    )
    SeizureReportFactory(reporting_member=uz, reference="UZ-2024-001")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_imports_unchanged_and_gives_the_same_reports(
    client, analyst_kz, kz, kz_reports, fmt
):
    before = _snapshot(kz)
    assert len(before) == 3
    client.force_login(analyst_kz)
    response = client.get(reverse("seizures:export", args=[fmt]), {"member": "KZ"})
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    SeizureReport.objects.filter(reporting_member=kz).delete()

    upload = SimpleUploadedFile(f"export.{fmt}", content)
    imported = client.post(reverse("seizures:import"), {"file": upload})
    job = ImportJob.objects.get()
    assert imported.status_code == 302, job.errors
    assert job.status == "succeeded", job.errors
    assert job.imported == 3
    assert _snapshot(kz) == before
    page = client.get(reverse("seizures:import-job", args=[job.pk])).content.decode()
    assert "commodity_name, category, unit_name, quantity_base, base_unit" in page
    assert 'data-testid="import-notes"' in page


def test_transit_countries_are_parsed_from_an_import(client, analyst_kz, kz):
    columns = [*row().keys(), "transit_countries"]
    content = csv_bytes([row(transit_countries="KG; UZ")], columns=columns)
    client.force_login(analyst_kz)
    client.post(reverse("seizures:import"), {"file": SimpleUploadedFile("t.csv", content)})
    report = SeizureReport.objects.get()
    assert [c.code for c in report.transit_countries] == ["KG", "UZ"]


def test_a_bad_transit_country_is_named_in_the_row_report(client, analyst_kz, kz):
    columns = [*row().keys(), "transit_countries"]
    content = csv_bytes([row(transit_countries="KG, XX")], columns=columns)
    client.force_login(analyst_kz)
    client.post(reverse("seizures:import"), {"file": SimpleUploadedFile("t.csv", content)})
    job = ImportJob.objects.get()
    assert job.status == "failed"
    assert [e["column"] for e in job.errors["rows"]] == ["transit_countries"]
    assert not SeizureReport.objects.exists()


def test_api_import_of_an_export_reports_the_ignored_columns(client, analyst_kz, kz, kz_reports):
    client.force_login(analyst_kz)
    response = client.get(reverse("seizures:export", args=["csv"]), {"member": "KZ"})
    content = b"".join(response.streaming_content)
    SeizureReport.objects.filter(reporting_member=kz).delete()
    answer = client.post("/api/v1/seizures/import/", {"file": SimpleUploadedFile("e.csv", content)})
    assert answer.status_code == 201, answer.content
    assert answer.json()["imported"] == 3
    assert "quantity_base" in answer.json()["notes"][0]


def test_a_rejected_import_shows_a_rejected_state_not_a_full_bar(client, analyst_kz, kz):
    content = csv_bytes([row(commodity="unobtainium")])
    client.force_login(analyst_kz)
    client.post(reverse("seizures:import"), {"file": SimpleUploadedFile("bad.csv", content)})
    job = ImportJob.objects.get()
    assert job.status == "failed"
    page = client.get(reverse("seizures:import-job", args=[job.pk])).content.decode()
    assert "<progress" not in page
    assert 'class="import-rejected"' in page
    status = client.get(reverse("seizures:import-job-status", args=[job.pk])).json()
    assert status["failed"] is True and status["percent"] != 100
