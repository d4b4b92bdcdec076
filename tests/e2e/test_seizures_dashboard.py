"""Browser journey: analyst.kz opens the seizure dashboard, filters it to tobacco, sees the
chart and the table agree, and downloads the CSV of the filtered reports. No request may leave
127.0.0.1 (the offline_page fixture fails the test otherwise)."""

import csv
import datetime
import os
import re

import pytest
from playwright.sync_api import expect

from members.models import RoleName
from tests.factories.members import PASSWORD, MemberFactory, member_user
from tests.factories.seizures import OperationFactory, SeizureReportFactory

pytestmark = pytest.mark.e2e

SCREENSHOTS = "/tmp/iren-seizures-e2e"


def _seizures():
    kz, uz, tj = MemberFactory(code="KZ"), MemberFactory(code="UZ"), MemberFactory(code="TJ")
    nicotiana = OperationFactory(code="nicotiana", coordinating_member=kz, participants=[uz, tj])
    day = datetime.date(2022, 10, 12)
    for reference, member, commodity, quantity, unit, sharing in [
        ("KZ-N1", kz, "cigarettes", 200000, "pieces", "network"),
        ("KZ-N2", kz, "hookah-tobacco", 300, "kg", "national"),
        ("KZ-N3", kz, "cigarettes", 5, "kg", "national"),
        ("UZ-N1", uz, "cigarettes", 150000, "pieces", "network"),
        ("UZ-SECRET", uz, "cigarettes", 99999, "pieces", "national"),
        ("TJ-N1", tj, "hookah-tobacco", 1.2, "t", "network"),
        ("KZ-H1", kz, "heroin", 60, "kg", "network"),
    ]:
        SeizureReportFactory(
            reference=reference,
            reporting_member=member,
            commodity=commodity,
            quantity=quantity,
            unit=unit,
            sharing=sharing,
            seized_on=day,
            operation=nicotiana if commodity != "heroin" else None,
        )
    return kz


def _bars(page, chart):
    return page.eval_on_selector_all(
        f"svg rect.bar[data-chart={chart}]",
        "els => els.map(e => [e.dataset.key, e.dataset.unit, e.dataset.value])",
    )


def _cells(page, chart):
    return page.eval_on_selector_all(
        f"table.chart-table[data-chart={chart}] td[data-value]",
        "els => els.filter(e => e.dataset.value !== '')"
        ".map(e => [e.dataset.key, e.dataset.unit, e.dataset.value, e.textContent.trim()])",
    )


def test_analyst_filters_the_dashboard_to_tobacco_and_downloads_the_csv(
    offline_page, live_server, tmp_path
):
    os.makedirs(SCREENSHOTS, exist_ok=True)
    page = offline_page
    kz = _seizures()
    member_user(kz, RoleName.ANALYST, username="analyst.kz")

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "analyst.kz")
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    expect(page.locator("h1")).to_contain_text("Welcome")

    page.click("header >> text=Seizures")
    expect(page.locator("h1")).to_have_text("Seizure dashboard")
    page.select_option("select[name=category]", "tobacco")
    page.click("#apply-filters")
    expect(page).to_have_url(re.compile(r"category=tobacco"))
    page.screenshot(path=f"{SCREENSHOTS}/1-dashboard-tobacco.png", full_page=True)

    # The commodity chart: bars and table cells carry the same numbers.
    bars = _bars(page, "commodity")
    cells = _cells(page, "commodity")
    assert sorted(bars) == sorted([k, u, v] for k, u, v, _text in cells if u != "count")
    assert sorted(bars) == [
        ["cigarettes", "kg", "5"],
        ["cigarettes", "pieces", "350000"],
        ["hookah-tobacco", "kg", "1500"],
    ]
    shown = {(key, unit): text for key, unit, _value, text in cells}
    assert shown[("cigarettes", "pieces")] == "350,000"
    assert shown[("hookah-tobacco", "kg")] == "1,500"
    # Every other chart agrees with its table too; heroin is filtered out everywhere.
    for chart in ["category", "month", "member", "transport_mode", "detection_method", "route"]:
        table = [[key, unit, value] for key, unit, value, _text in _cells(page, chart)]
        bars = _bars(page, chart)
        assert all(bar in table for bar in bars), chart
        if chart == "month":
            # One chart of the reports per month; the table adds each unit's totals.
            assert sorted(bars) == sorted(cell for cell in table if cell[1] == "count")
            continue
        assert all(cell in bars for cell in table if cell[1] != "count"), chart
    expect(page.locator("table.chart-table[data-chart=category] tbody tr")).to_have_count(1)
    expect(page.locator("#chart-commodity")).not_to_contain_text("Heroin")

    with page.expect_download() as download_info:
        page.click("#export-csv")
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    path = tmp_path / "seizures.csv"
    download.save_as(path)
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert sorted(r["reference"] for r in rows) == ["KZ-N1", "KZ-N2", "KZ-N3", "TJ-N1", "UZ-N1"]
    assert {r["category"] for r in rows} == {"tobacco"}
    tj_row = next(r for r in rows if r["reference"] == "TJ-N1")
    assert (tj_row["quantity"], tj_row["unit"], tj_row["quantity_base"]) == ("1.2", "t", "1200")
