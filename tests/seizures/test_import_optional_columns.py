"""An import file needs only the columns a report cannot do without (reference, seized_on,
member, commodity, quantity, unit, transport_mode); the others may be left out, their cells
counting as empty. A file without a required column is still refused, naming it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from seizures.columns import IMPORT_REQUIRED_COLUMNS
from seizures.models import SeizureReport

from .conftest import csv_bytes, row, xlsx_bytes

pytestmark = pytest.mark.django_db

MINIMAL = ["reference", "seized_on", "member", "commodity", "quantity", "unit", "transport_mode"]


def _upload(client, content, name="seizures.csv"):
    return client.post(reverse("seizure-import-file"), {"file": SimpleUploadedFile(name, content)})


def test_the_required_columns_are_the_ones_a_report_cannot_do_without():
    assert IMPORT_REQUIRED_COLUMNS == MINIMAL


@pytest.mark.parametrize("make", [csv_bytes, xlsx_bytes], ids=["csv", "xlsx"])
def test_a_file_with_only_the_required_columns_is_imported(client, analyst_kz, make):
    client.force_login(analyst_kz)
    response = _upload(
        client,
        make([row(reference="KZ-MIN-1"), row(reference="KZ-MIN-2")], columns=MINIMAL),
        name="seizures." + ("csv" if make is csv_bytes else "xlsx"),
    )
    assert response.status_code == 201, response.content
    report = SeizureReport.objects.get(reference="KZ-MIN-1")
    assert report.container_number == "" and report.persons_detained == 0
    assert report.sharing == "national"
    assert SeizureReport.objects.count() == 2


def test_the_browser_import_takes_a_file_without_optional_columns(client, analyst_kz):
    client.force_login(analyst_kz)
    upload = SimpleUploadedFile(
        "seizures.csv", csv_bytes([row(reference="KZ-MIN-3")], columns=[*MINIMAL, "consignee"])
    )
    response = client.post(reverse("seizures:import"), {"file": upload})
    assert response.status_code == 302
    assert SeizureReport.objects.filter(reference="KZ-MIN-3").exists()


@pytest.mark.parametrize("left_out", ["quantity", "transport_mode"])
def test_a_file_without_a_required_column_is_refused_naming_it(client, analyst_kz, left_out):
    client.force_login(analyst_kz)
    columns = [c for c in MINIMAL if c != left_out]
    response = _upload(client, csv_bytes([row()], columns=columns))
    assert response.status_code == 400
    assert left_out in str(response.json())
    assert not SeizureReport.objects.exists()


def test_the_import_page_says_which_columns_may_be_left_out(client, analyst_kz):
    client.force_login(analyst_kz)
    page = client.get(reverse("seizures:import")).content.decode()
    assert 'data-testid="required-columns"' in page
    assert "transport_mode" in page
