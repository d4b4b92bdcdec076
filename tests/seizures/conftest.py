import csv
import io

import pytest

from members.models import RoleName
from seizures.services import IMPORT_COLUMNS
from tests.factories import member_user


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Uploaded import files go to a temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def analyst_uz(uz):
    return member_user(uz, RoleName.ANALYST, username="analyst.uz")


def row(**values) -> dict:
    """One import row: a valid KZ heroin seizure unless told otherwise."""
    base = {
        "reference": "KZ-2024-001",
        "seized_on": "2024-03-15",
        "member": "KZ",
        "control_unit": "",
        "commodity": "heroin",
        "quantity": "10",
        "unit": "kg",
        "transport_mode": "sea-container",
        "origin_country": "AF",
        "destination_country": "KZ",
        "container_number": "CSQU3054383",
        "concealment": "false floor",
        "detection_method": "profiling",
        "persons_detained": "1",
        "operation": "",
        "sharing": "network",
    }
    base.update(values)
    return base


def csv_bytes(rows, columns=IMPORT_COLUMNS) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    for item in rows:
        writer.writerow(item)
    return buffer.getvalue().encode()


def xlsx_bytes(rows, columns=IMPORT_COLUMNS) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(columns)
    for item in rows:
        sheet.append([item.get(c) for c in columns])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
