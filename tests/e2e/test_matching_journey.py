"""Browser journey from the TJ focal point's side, through the real paths: analyst.kz imports
a national report (the browser's import page) with the container and consignee that focal.tj
then names in an H1 query to UZ filed through the filing form. TJ sees the hit badge, the hit
(KZ, the kind of record and the month; no reference), the Matches section of its query, asks
KZ from the hit (a pre-filled filing form; the hit becomes "asked"), looks the container up,
watches a company and dismisses a hit. No request may leave 127.0.0.1 (offline_page)."""

import csv
import io

import pytest
from playwright.sync_api import expect

from matching.models import Hit
from members.models import RoleName
from seizures.columns import IMPORT_COLUMNS
from seizures.models import SeizureReport
from seizures.vocabulary import ensure_commodities
from tests.factories.members import MemberFactory, member_user
from tests.matching.conftest import CONTAINER

from .test_exchange_journey import log_in, log_out

pytestmark = pytest.mark.e2e

SCREENSHOTS = "/tmp/iren-matching-e2e"


def _kz_file(path) -> str:
    row = dict.fromkeys([*IMPORT_COLUMNS, "consignee"], "")
    row.update(
        reference="KZ-SECRET-0001",
        seized_on="2026-05-12",
        member="KZ",
        commodity="heroin",
        quantity="12",
        unit="kg",
        transport_mode="sea-container",
        origin_country="AF",
        destination_country="KZ",
        container_number=CONTAINER,
        sharing="national",
        consignee="ТОО «Aktau Ceramics»",
    )
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(row))
    writer.writeheader()
    writer.writerow(row)
    path.write_text(buffer.getvalue())
    return str(path)


def test_tj_focal_point_learns_kz_holds_a_record_and_nothing_more(
    offline_page, live_server, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    page = offline_page
    ensure_commodities()
    kz, tj = MemberFactory(code="KZ"), MemberFactory(code="TJ")
    MemberFactory(code="UZ")
    member_user(tj, RoleName.FOCAL_POINT, username="focal.tj")
    member_user(kz, RoleName.FOCAL_POINT, username="focal.kz")
    member_user(kz, RoleName.ANALYST, username="analyst.kz")

    # analyst.kz imports a national report through the import page.
    log_in(page, live_server.url, "analyst.kz")
    page.goto(f"{live_server.url}/seizures/import/")
    page.set_input_files("input[name=file]", _kz_file(tmp_path / "kz.csv"))
    page.click("#start-import")
    expect(page.locator("#import-state")).to_contain_text("1 seizure report was imported")
    assert SeizureReport.objects.filter(reference="KZ-SECRET-0001").exists()
    log_out(page, "analyst.kz")

    # focal.tj files an H1 query to UZ naming the container and the consignee.
    log_in(page, live_server.url, "focal.tj")
    page.goto(f"{live_server.url}/queries/new/")
    page.check("input[name=recipients][value=UZ]")
    page.check("input[name=handling_code][value=H1]")
    page.fill("input[name=subject]", "Ceramics consignment")
    page.fill("textarea[name=body]", "Please check it on arrival.")
    page.fill("input[name=container_numbers]", CONTAINER)
    page.fill("input[name=consignee]", "AKTAU CERAMICS, LLP")
    page.click("main form button[type=submit]")
    expect(page.locator("[role=status]")).to_contain_text("was filed")
    reference = page.locator("h1").inner_text().split(":")[0]
    # The query page's Matches section: KZ holds records, without a reference.
    matches = page.locator("[data-testid=matches]")
    expect(matches.locator("[data-testid=match]")).to_have_count(2)
    expect(matches).to_contain_text("(KZ)")
    expect(matches).not_to_contain_text("KZ-SECRET")
    page.screenshot(path=f"{SCREENSHOTS}/0-query-matches.png", full_page=True)

    expect(page.locator("[data-testid=hit-badge]")).to_have_text("2")
    page.click("[data-testid=hits-nav]")
    rows = page.locator("[data-testid=hit-row]")
    expect(rows).to_have_count(2)
    expect(page.locator("[data-testid=hits]")).to_contain_text(CONTAINER)
    expect(page.locator("[data-testid=hits]")).to_contain_text("(KZ)")
    expect(page.locator("[data-testid=hits]")).to_contain_text(reference)
    expect(page.locator("[data-testid=hits]")).not_to_contain_text("KZ-SECRET")
    expect(page.locator("[data-testid=holder-record]").first).to_have_text("Seizure report")
    ask = page.locator("[data-testid=ask]").first
    expect(ask).to_have_text("Ask KZ")
    assert "recipients=KZ" in ask.get_attribute("href")
    page.screenshot(path=f"{SCREENSHOTS}/1-hits.png", full_page=True)

    # "Ask KZ" on the company hit opens the filing form pre-filled; filing it marks the hit.
    company_row = rows.filter(has_text="AKTAU CERAMICS")
    hit_id = int(company_row.get_attribute("data-hit"))
    company_row.locator("[data-testid=ask]").click()
    expect(page.locator("input[name=recipients][value=KZ]")).to_be_checked()
    expect(page.locator("input[name=consignee]")).to_have_value("AKTAU CERAMICS, LLP")
    expect(page.locator("input[name=hit]")).to_have_value(str(hit_id))
    page.fill("input[name=subject]", "Your record on Aktau Ceramics")
    page.fill("textarea[name=body]", "Matching says you hold a record; please tell us more.")
    page.screenshot(path=f"{SCREENSHOTS}/1b-ask.png", full_page=True)
    page.click("main form button[type=submit]")
    expect(page.locator("[role=status]")).to_contain_text("was filed")
    assert Hit.objects.get(pk=hit_id).state == "asked"
    page.click("[data-testid=hits-nav]")
    expect(page.locator(f"[data-testid=hit-row][data-hit='{hit_id}']")).to_contain_text("Asked")
    # The follow-up query names the consignee too, yet asking raises no new hit with the
    # records the hit links: only the container hit is still new.
    expect(page.locator("[data-testid=hit-badge]")).to_have_text("1")

    # Filter to the container hit and dismiss it with a reason.
    page.select_option("select[name=kind]", "container")
    page.click("[data-testid=hit-filters] button[type=submit]")
    expect(rows).to_have_count(1)
    rows.first.locator("input[name=reason]").fill("Same consignment, already known")
    rows.first.locator("button:has-text('Dismiss')").click()
    expect(page.locator("[role=status]")).to_contain_text("dismissed")
    expect(page.locator("[data-testid=hit-badge]")).to_have_count(0)

    # Lookup: KZ holds one record of May 2026; no reference to see.
    page.click("text=Lookup")
    page.select_option("select[name=kind]", "container")
    page.fill("input[name=value]", "csqu 305438-3")
    page.click("[data-testid=lookup-form] button[type=submit]")
    expect(page.locator("[data-testid=lookup-holders]")).to_contain_text("KZ")
    expect(page.locator("[data-testid=lookup-holders]")).to_contain_text("2026-05")
    expect(page.locator("main")).not_to_contain_text("KZ-SECRET")

    # Watch a company.
    page.click("text=Watchlist")
    page.select_option("select[name=kind]", "company")
    page.fill("input[name=value]", "ТОО «Shymkent Trade»")
    page.click("[data-testid=watch-form] button[type=submit]")
    expect(page.locator("[data-testid=watchlist]")).to_contain_text("SHYMKENT TRADE")
    page.screenshot(path=f"{SCREENSHOTS}/2-watchlist.png", full_page=True)
