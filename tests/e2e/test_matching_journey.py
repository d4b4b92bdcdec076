"""Browser journey from the TJ focal point's side: KZ holds a national report with the
container and consignee TJ's query names; TJ sees the hit badge, the hit (KZ, the kind of
record and the month; no reference), looks the container up, watches a company and dismisses
a hit. No request may leave 127.0.0.1 (offline_page)."""

import pytest
from playwright.sync_api import expect

from members.models import RoleName
from tests.factories.members import MemberFactory, member_user
from tests.matching.conftest import CONTAINER, kz_report, tj_query

from .test_exchange_journey import log_in

pytestmark = pytest.mark.e2e

SCREENSHOTS = "/tmp/iren-matching-e2e"


def test_tj_focal_point_learns_kz_holds_a_record_and_nothing_more(offline_page, live_server):
    page = offline_page
    kz, tj = MemberFactory(code="KZ"), MemberFactory(code="TJ")
    MemberFactory(code="UZ")
    focal_tj = member_user(tj, RoleName.FOCAL_POINT, username="focal.tj")
    member_user(kz, RoleName.FOCAL_POINT, username="focal.kz")
    kz_report(kz)
    query = tj_query(focal_tj)

    log_in(page, live_server.url, "focal.tj")
    expect(page.locator("[data-testid=hit-badge]")).to_have_text("2")
    page.click("[data-testid=hits-nav]")
    rows = page.locator("[data-testid=hit-row]")
    expect(rows).to_have_count(2)
    expect(page.locator("[data-testid=hits]")).to_contain_text(CONTAINER)
    expect(page.locator("[data-testid=hits]")).to_contain_text("(KZ)")
    expect(page.locator("[data-testid=hits]")).to_contain_text(query.reference)
    expect(page.locator("[data-testid=hits]")).not_to_contain_text("KZ-SECRET")
    expect(page.locator("[data-testid=holder-record]").first).to_have_text("Seizure report")
    ask = page.locator("[data-testid=ask]").first
    expect(ask).to_have_text("Ask KZ")
    assert "recipients=KZ" in ask.get_attribute("href")
    page.screenshot(path=f"{SCREENSHOTS}/1-hits.png", full_page=True)

    # Filter to the container hit and dismiss it with a reason.
    page.select_option("select[name=kind]", "container")
    page.click("[data-testid=hit-filters] button[type=submit]")
    expect(rows).to_have_count(1)
    rows.first.locator("input[name=reason]").fill("Same consignment, already known")
    rows.first.locator("button:has-text('Dismiss')").click()
    expect(page.locator("[role=status]")).to_contain_text("dismissed")
    expect(page.locator("[data-testid=hit-badge]")).to_have_text("1")

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
