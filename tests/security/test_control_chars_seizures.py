"""NUL bytes and other control characters in seizure input: a clear error naming the row and
column (imports) or the field (entry form, API), nothing written, never a 500 (PostgreSQL
refuses NUL with a ``DataError`` on the write)."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from members.models import RoleName
from seizures.models import ImportJob, ImportStatus, SeizureReport
from seizures.validation import control_character_message
from tests.factories import member_user
from tests.seizures.conftest import csv_bytes, row, xlsx_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def analyst(kz, settings, tmp_path):
    from seizures.vocabulary import ensure_commodities

    settings.MEDIA_ROOT = tmp_path / "media"
    ensure_commodities()
    return member_user(kz, RoleName.ANALYST, username="analyst.kz.control")


def _upload(content, name="reports.csv"):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


BAD_CELLS = [
    ("concealment", "false\x00floor"),
    ("reference", "KZ-\x01-1"),
    ("persons_detained", "1\x00"),
    ("container_number", "CSQU3054383\x1b"),
]


@pytest.mark.parametrize(("column", "value"), BAD_CELLS)
def test_api_csv_import_names_the_row_and_column_of_a_control_character(
    client, analyst, column, value
):
    client.force_login(analyst)
    content = csv_bytes([row(reference="OK-1"), row(**{"reference": "OK-2", column: value})])
    response = client.post(reverse("seizure-import-file"), {"file": _upload(content)})
    assert response.status_code == 400
    body = response.json()
    assert {"row": 3, "column": column, "message": control_character_message()} in body["errors"]
    assert not SeizureReport.objects.exists()


def test_api_csv_import_refuses_a_control_character_in_the_header(client, analyst):
    client.force_login(analyst)
    content = csv_bytes([row()]).replace(b"concealment", b"conceal\x00ment", 1)
    response = client.post(reverse("seizure-import-file"), {"file": _upload(content)})
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"row": 1, "column": "", "message": control_character_message()}
    ]
    assert not SeizureReport.objects.exists()


def test_browser_import_reports_the_row_and_column_and_writes_nothing(client, analyst):
    client.force_login(analyst)
    content = csv_bytes([row(reference="OK-1"), row(reference="OK-2", concealment="a\x00b")])
    response = client.post(reverse("seizures:import"), {"file": _upload(content)})
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.FAILED
    assert job.errors["rows"] == [
        {"row": 3, "column": "concealment", "message": control_character_message()}
    ]
    page = client.get(reverse("seizures:import-job", args=[job.pk]))
    assert page.status_code == 200
    assert not SeizureReport.objects.exists()


def test_browser_import_of_a_file_name_with_a_nul_is_no_500(client, analyst):
    client.force_login(analyst)
    content = csv_bytes([row(reference="NAME-1")])
    response = client.post(reverse("seizures:import"), {"file": _upload(content, "a\x00b.csv")})
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.SUCCEEDED
    assert job.filename and "\x00" not in job.filename
    assert SeizureReport.objects.filter(reference="NAME-1").exists()


def test_xlsx_import_names_the_row_and_column_of_a_control_character(client, analyst):
    client.force_login(analyst)
    # openpyxl will not write a control character; put one in the sheet's XML as a character
    # reference, as another program might.
    content = xlsx_bytes([row(reference="OK-1"), row(reference="OK-2", concealment="PLACEHOLDER")])
    damaged = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(content)) as source,
        zipfile.ZipFile(damaged, "w") as target,
    ):
        for name in source.namelist():
            data = source.read(name).replace(b"PLACEHOLDER", b"a&#1;b")
            target.writestr(name, data)
    response = client.post(
        reverse("seizure-import-file"), {"file": _upload(damaged.getvalue(), "r.xlsx")}
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"row": 0, "column": "", "message": "The file is not a readable XLSX workbook."}
    ]
    assert not SeizureReport.objects.exists()


def test_a_control_character_that_reaches_a_cell_is_a_row_error_whatever_the_format(analyst):
    """Whatever a reader hands over, the one validator refuses it (XLSX readers may decode
    escaped characters)."""
    from seizures import services

    rows = [(2, row(reference="OK-1")), (3, row(reference="OK-2", concealment="x\x07y"))]
    with pytest.raises(services.ImportRejected) as caught:
        services.seizures_validate(user=analyst, rows=rows)
    assert caught.value.row_errors == [
        {"row": 3, "column": "concealment", "message": control_character_message()}
    ]


@pytest.fixture
def entry():
    return {
        "reference": "KZ-ENTRY-1",
        "member": "KZ",
        "seized_on": "2024-05-01",
        "transport_mode": "road",
        "commodity": "heroin",
        "quantity": "1",
        "unit": "kg",
        "sharing": "national",
        "persons_detained": "0",
    }


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("concealment", "a\x00b"),
        ("notes", "bell\x07"),
        ("vehicle", "\x1b[31m"),
        ("reference", "R\x00"),
    ],
)
def test_api_entry_with_a_control_character_is_a_field_level_400(
    client, analyst, entry, field, value
):
    client.force_login(analyst)
    response = client.post(
        reverse("seizure-list"), {**entry, field: value}, content_type="application/json"
    )
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert not SeizureReport.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("concealment", "a\x00b"), ("notes", "bell\x07"), ("vehicle", "\x1b[31m")],
)
def test_browser_entry_with_a_control_character_is_a_field_error(
    client, analyst, entry, field, value
):
    """Refused before the form is read (core.middleware's control-character check): a 400
    that names the field, and nothing written."""
    client.force_login(analyst)
    response = client.post(reverse("seizures:report-new"), {**entry, field: value})
    assert response.status_code == 400
    assert f"“{field}”" in response.content.decode()
    assert not SeizureReport.objects.exists()


def test_the_same_entry_without_control_characters_is_saved(client, analyst, entry):
    client.force_login(analyst)
    response = client.post(
        reverse("seizure-list"),
        {**entry, "notes": "line one\r\nline two\ttabbed"},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert SeizureReport.objects.get().notes == "line one\r\nline two\ttabbed"
