"""Browser journey: analyst.kz uploads a file with a bad row and gets the row report with
nothing imported; uploads the corrected file, which is large enough to go through Celery, and
sees it imported with its progress bar full. No request may leave 127.0.0.1."""

import csv
import io
import os

import pytest
from playwright.sync_api import expect

from members.models import RoleName
from seizures.models import ImportJob, SeizureReport
from seizures.services import IMPORT_COLUMNS
from seizures.vocabulary import ensure_commodities
from tests.factories.members import PASSWORD, MemberFactory, member_user

pytestmark = pytest.mark.e2e

SCREENSHOTS = "/tmp/iren-seizures-e2e"


def _file(path, rows):
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=IMPORT_COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue())
    return str(path)


def _row(i, **values):
    row = dict.fromkeys(IMPORT_COLUMNS, "")
    row.update(
        reference=f"KZ-IMP-{i}",
        seized_on="2024-06-01",
        member="KZ",
        commodity="cigarettes",
        quantity=str(1000 + i),
        unit="pieces",
        transport_mode="road",
        origin_country="KG",
        destination_country="KZ",
        sharing="network",
    )
    row.update(values)
    return row


def test_analyst_imports_a_file_after_fixing_the_rows_reported(
    offline_page, live_server, tmp_path, settings
):
    os.makedirs(SCREENSHOTS, exist_ok=True)
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SEIZURES_IMPORT_SYNC_MAX_ROWS = 5  # the corrected file goes through Celery
    page = offline_page
    ensure_commodities()
    kz = MemberFactory(code="KZ")
    member_user(kz, RoleName.ANALYST, username="analyst.kz")

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "analyst.kz")
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.goto(f"{live_server.url}/seizures/import/")
    expect(page.locator("h1")).to_have_text("Import seizure reports")

    rows = [_row(i) for i in range(8)]
    rows[3] = _row(3, unit="l")
    page.set_input_files("input[name=file]", _file(tmp_path / "bad.csv", rows))
    page.click("#start-import")
    expect(page.locator("#import-state")).to_contain_text("Nothing was imported")
    errors = page.locator("#import-errors tbody tr")
    expect(errors).to_have_count(1)
    expect(errors.first).to_contain_text("5")
    expect(errors.first).to_contain_text("Cigarettes cannot be reported in l")
    page.screenshot(path=f"{SCREENSHOTS}/2-import-rejected.png", full_page=True)
    assert SeizureReport.objects.count() == 0

    page.click("text=Import another file")
    rows[3] = _row(3)
    page.set_input_files("input[name=file]", _file(tmp_path / "good.csv", rows))
    page.click("#start-import")
    expect(page.locator("#import-state")).to_contain_text("8 seizure reports were imported")
    expect(page.locator("#import-bar")).to_have_attribute("value", "100")
    page.screenshot(path=f"{SCREENSHOTS}/3-import-done.png", full_page=True)
    assert SeizureReport.objects.filter(reporting_member=kz).count() == 8
    assert ImportJob.objects.filter(status="succeeded").count() == 1
