"""The XLSX export is ready for analysis: numbers are numbers and dates are dates (text still
formula-safe), the headers are in the reader's language over a row of column codes, the
commodity and unit are named in that language, the file name says what was filtered, and the
file imports back unchanged."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from seizures.columns import EXPORT_COLUMNS
from seizures.models import ImportJob, SeizureReport
from tests.factories.seizures import SeizureReportFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tobacco_2024(kz):
    SeizureReportFactory(
        reporting_member=kz,
        reference="KZ-2024-100",
        seized_on=datetime.date(2024, 3, 14),
        commodity="cigarettes",
        quantity=Decimal("40000"),
        unit="pieces",
        persons_detained=2,
        estimated_value_usd=Decimal("1450.50"),
        concealment='=HYPERLINK("http://x")',
    )
    SeizureReportFactory(
        reporting_member=kz,
        reference="KZ-2024-101",
        seized_on=datetime.date(2024, 6, 2),
        commodity="hookah-tobacco",
        quantity=Decimal("2.5"),
        unit="kg",
    )
    # Neither tobacco nor 2024: not in the file.
    SeizureReportFactory(reporting_member=kz, reference="KZ-2024-102", commodity="heroin")
    SeizureReportFactory(
        reporting_member=kz,
        reference="KZ-2023-001",
        commodity="cigarettes",
        seized_on=datetime.date(2023, 5, 1),
    )


FILTERS = {"category": "tobacco", "from": "2024-01-01", "to": "2024-12-31"}


def _export(client, user, language="ru", fmt="xlsx", filters=FILTERS):
    client.force_login(user)
    client.cookies["django_language"] = language
    response = client.get(reverse("seizures:export", args=[fmt]), filters)
    assert response.status_code == 200
    return response


def test_the_xlsx_has_typed_cells_under_russian_headers(client, analyst_kz, tobacco_2024):
    response = _export(client, analyst_kz)
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    labels, codes, data = rows[0], rows[1], rows[2:]
    assert list(codes) == EXPORT_COLUMNS
    column = {code: i for i, code in enumerate(codes)}
    assert labels[column["reference"]] == "Регистрационный номер"
    assert labels[column["quantity"]] == "Количество"
    assert labels[column["commodity_name"]] == "Товар"
    assert [row[column["reference"]] for row in data] == ["KZ-2024-100", "KZ-2024-101"]
    first, second = data
    assert first[column["quantity"]] == 40000 and isinstance(first[column["quantity"]], int | float)
    assert second[column["quantity"]] == 2.5
    assert first[column["persons_detained"]] == 2
    assert first[column["estimated_value_usd"]] == 1450.5
    assert isinstance(first[column["seized_on"]], datetime.datetime)
    assert first[column["seized_on"]].date() == datetime.date(2024, 3, 14)
    # Names in the reader's language; codes where the import needs them.
    assert first[column["commodity_name"]] == "Сигареты"
    assert first[column["commodity"]] == "cigarettes"
    assert first[column["unit_name"]] == "штуки" and first[column["unit"]] == "pieces"
    # Text is still never a formula.
    assert first[column["concealment"]] == '\'=HYPERLINK("http://x")'


def test_the_english_xlsx_names_in_english(client, analyst_kz, tobacco_2024):
    sheet = load_workbook(io.BytesIO(_export(client, analyst_kz, "en").content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    column = {code: i for i, code in enumerate(rows[1])}
    assert rows[0][column["quantity"]] == "Quantity"
    assert rows[2][column["commodity_name"]] == "Cigarettes"
    assert rows[2][column["unit_name"]] == "pieces"


@pytest.mark.parametrize(
    ("filters", "name"),
    [
        (FILTERS, "seizures-tobacco-2024.xlsx"),
        (
            {"member": "KZ", "commodity": "heroin", "from": "2024-01-01", "to": "2024-03-31"},
            "seizures-kz-heroin-2024-01-01-2024-03-31.xlsx",
        ),
        ({"from": "2024-02-01"}, "seizures-from-2024-02-01.xlsx"),
    ],
)
def test_the_file_name_carries_the_filters(client, analyst_kz, tobacco_2024, filters, name):
    response = _export(client, analyst_kz, filters=filters)
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'


def test_the_csv_name_carries_the_filters_too(client, analyst_kz, tobacco_2024):
    response = _export(client, analyst_kz, fmt="csv")
    assert response["Content-Disposition"] == 'attachment; filename="seizures-tobacco-2024.csv"'


def test_the_russian_xlsx_imports_back_unchanged(client, analyst_kz, kz, tobacco_2024):
    content = _export(client, analyst_kz).content
    fields = ("reference", "seized_on", "commodity__code", "quantity", "unit", "concealment")
    exported = SeizureReport.objects.filter(reference__in=["KZ-2024-100", "KZ-2024-101"])
    before = sorted(exported.values_list(*fields))
    exported.delete()
    upload = SimpleUploadedFile("seizures-tobacco-2024.xlsx", content)
    response = client.post(reverse("seizures:import"), {"file": upload})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and job.status == "succeeded", job.errors
    assert job.imported == 2
    after = SeizureReport.objects.filter(reference__in=["KZ-2024-100", "KZ-2024-101"])
    assert sorted(after.values_list(*fields)) == before


def test_a_file_whose_second_row_is_no_header_is_still_refused(client, analyst_kz, kz):
    content = b"Reference;Quantity\nKZ-1;5\n"
    client.force_login(analyst_kz)
    upload = SimpleUploadedFile("bad.csv", content)
    client.post(reverse("seizures:import"), {"file": upload})
    job = ImportJob.objects.get()
    assert job.status != "succeeded" and job.imported == 0
