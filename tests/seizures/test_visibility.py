"""National reports never leave their member: lists, details, exports, stats, operation pages.
Written from the side of the country that must NOT see."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.factories.seizures import OperationFactory, SeizureReportFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def nicotiana(kz, tj):
    return OperationFactory(code="nicotiana", coordinating_member=kz, participants=[tj])


@pytest.fixture
def reports(kz, nicotiana):
    """A KZ national report (secret: 7 kg) and a KZ network report (shared: 3 kg)."""
    return {
        "national": SeizureReportFactory(
            reporting_member=kz,
            reference="KZ-SECRET",
            commodity="cigarettes",
            quantity=7000,
            unit="pieces",
            sharing="national",
            operation=nicotiana,
        ),
        "network": SeizureReportFactory(
            reporting_member=kz,
            reference="KZ-SHARED",
            commodity="cigarettes",
            quantity=3000,
            unit="pieces",
            sharing="network",
            operation=nicotiana,
        ),
    }


def _csv_references(response) -> list[str]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return [row["reference"] for row in csv.DictReader(io.StringIO(text))]


# --- Another member ----------------------------------------------------------------------------


def test_other_member_does_not_list_a_national_report(client, analyst_tj, reports):
    client.force_login(analyst_tj)
    response = client.get(reverse("seizure-list"))
    assert [r["reference"] for r in response.json()["results"]] == ["KZ-SHARED"]


def test_other_member_gets_404_on_a_national_report(client, analyst_tj, reports):
    client.force_login(analyst_tj)
    url = reverse("seizure-detail", args=[reports["national"].pk])
    assert client.get(url).status_code == 404


def test_other_member_reads_a_network_report(client, analyst_tj, reports):
    client.force_login(analyst_tj)
    url = reverse("seizure-detail", args=[reports["network"].pk])
    assert client.get(url).json()["reference"] == "KZ-SHARED"


def test_other_member_gets_404_on_the_national_report_page(client, analyst_tj, reports):
    client.force_login(analyst_tj)
    url = reverse("seizures:report-detail", args=[reports["national"].pk])
    assert client.get(url).status_code == 404


def test_other_member_does_not_see_a_national_report_in_the_browser_list(
    client, analyst_tj, reports
):
    client.force_login(analyst_tj)
    content = client.get(reverse("seizures:report-list")).content
    assert b"KZ-SHARED" in content and b"KZ-SECRET" not in content


def test_stats_of_other_member_leave_out_national_reports(client, analyst_tj, reports):
    client.force_login(analyst_tj)
    response = client.get(reverse("seizure-stats"), {"group_by": "member"})
    assert response.json()["results"] == [
        {"key": "KZ", "label": "Kazakhstan", "count": 1, "totals": {"pieces": 3000.0}}
    ]


def test_dashboard_of_other_member_leaves_out_national_reports(client, analyst_tj, reports):
    client.force_login(analyst_tj)
    content = client.get(reverse("seizures:dashboard"), {"member": "KZ"}).content.decode()
    assert 'data-unit="pieces" data-value="3000"' in content
    assert 'data-value="10000"' not in content and 'data-value="7000"' not in content


def test_csv_export_of_other_member_leaves_out_national_reports(client, analyst_tj, reports):
    client.force_login(analyst_tj)
    response = client.get(reverse("seizures:export", args=["csv"]))
    assert _csv_references(response) == ["KZ-SHARED"]


def test_xlsx_export_of_other_member_leaves_out_national_reports(client, analyst_tj, reports):
    client.force_login(analyst_tj)
    response = client.get(reverse("seizures:export", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    # (Row 1: the headers a person reads; row 2: the column codes.)
    references = [row[0] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert references == ["KZ-SHARED"]


def test_operation_page_of_other_member_leaves_out_national_reports(client, analyst_tj, reports):
    client.force_login(analyst_tj)
    response = client.get(reverse("seizures:operation-detail", args=["nicotiana"]))
    content = response.content.decode()
    assert response.context["results"]["count"] == 1
    assert response.context["results"]["totals"] == {"pieces": 3000.0}
    assert "7,000" not in content and "10,000" not in content


def test_operation_results_api_of_other_member_leaves_out_national_reports(
    client, analyst_tj, reports
):
    client.force_login(analyst_tj)
    response = client.get(reverse("operation-results", args=["nicotiana"]))
    assert response.json()["by_member"][0]["count"] == 1


def test_network_admin_does_not_see_national_reports(client, admin_user, reports):
    client.force_login(admin_user)
    response = client.get(reverse("seizure-list"))
    assert [r["reference"] for r in response.json()["results"]] == ["KZ-SHARED"]


def test_user_without_a_role_sees_no_seizures(client, django_user_model, reports):
    outsider = django_user_model.objects.create_user("nobody", password="x-Strong-pass-1")
    client.force_login(outsider)
    assert client.get(reverse("seizure-list")).json()["results"] == []
    assert client.get(reverse("seizures:dashboard")).status_code == 404


def test_anonymous_api_request_is_refused(client, reports):
    assert client.get(reverse("seizure-stats")).status_code in (401, 403)


# --- The member's own users ------------------------------------------------------------------


def test_own_member_sees_its_national_report(client, analyst_kz, reports):
    client.force_login(analyst_kz)
    response = client.get(reverse("seizure-stats"), {"group_by": "member"})
    assert response.json()["results"][0]["totals"] == {"pieces": 10000.0}


def test_own_member_exports_its_national_report(client, analyst_kz, reports):
    client.force_login(analyst_kz)
    response = client.get(reverse("seizures:export", args=["csv"]))
    assert sorted(_csv_references(response)) == ["KZ-SECRET", "KZ-SHARED"]


def test_own_member_opens_its_national_report(client, focal_kz, reports):
    client.force_login(focal_kz)
    url = reverse("seizures:report-detail", args=[reports["national"].pk])
    assert client.get(url).status_code == 200
