"""Browser journey: focal.kz files an urgent query with a container number to UZ; focal.uz
sees the bell count, opens the query, acknowledges and replies; focal.kz sees the reply. No
request may leave 127.0.0.1 (the offline_page fixture fails the test otherwise)."""

import re

import pytest
from playwright.sync_api import expect

from members.models import RoleName
from tests.factories.members import PASSWORD, MemberFactory, member_user

pytestmark = pytest.mark.e2e

SCREENSHOTS = "/tmp/iren-exchange-e2e"


def log_in(page, base_url, username):
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    expect(page.locator("h1")).to_contain_text("Welcome")


def log_out(page, username):
    page.click(f"header summary:has-text('{username}')")
    page.click("text=Log out")
    expect(page.locator("h1")).to_have_text("Log in")


def test_urgent_query_from_kz_is_acknowledged_and_answered_by_uz(offline_page, live_server):
    page = offline_page
    kz, uz = MemberFactory(code="KZ"), MemberFactory(code="UZ")
    member_user(kz, RoleName.FOCAL_POINT, username="focal.kz")
    member_user(uz, RoleName.FOCAL_POINT, username="focal.uz")

    # focal.kz files an urgent query to UZ; a wrong check digit is caught on the field first.
    log_in(page, live_server.url, "focal.kz")
    page.click("header >> text=Queries")
    page.click("text=File a query")
    page.check("input[name=recipients][value=UZ]")
    page.select_option("select[name=kind]", "risk-alert")
    page.select_option("select[name=priority]", "urgent")
    page.check("input[name=handling_code][value=H2]")
    page.select_option("select[name=source_evaluation]", "B")
    page.select_option("select[name=information_evaluation]", "2")
    page.fill("input[name=subject]", "Heroin suspected in machine parts")
    page.fill("textarea[name=body]", "Container arriving in Tashkent tomorrow; please examine.")
    page.fill("input[name=container_numbers]", "CSQU3054384")
    page.click("main form button[type=submit]")
    expect(page.locator("[data-field=container_numbers]")).to_contain_text("check digit")
    page.fill("input[name=container_numbers]", "CSQU3054383")
    page.screenshot(path=f"{SCREENSHOTS}/1-file.png", full_page=True)
    page.click("main form button[type=submit]")
    expect(page.locator("[role=status]")).to_contain_text("was filed")
    expect(page.locator("[data-testid=handling]")).to_contain_text("H2")
    reference = page.locator("h1").inner_text().split(":")[0]
    assert reference.startswith("IREN-KZ-")
    log_out(page, "focal.kz")

    # focal.uz sees the bell count, opens the query, acknowledges and replies.
    log_in(page, live_server.url, "focal.uz")
    expect(page.locator("[data-testid=bell-count]")).to_have_text("1")
    page.screenshot(path=f"{SCREENSHOTS}/2-bell.png", full_page=True)
    page.click("[data-testid=bell]")
    page.click(f"text={reference}")
    expect(page.locator("h1")).to_contain_text(reference)
    expect(page.locator("[data-testid=consignment]")).to_contain_text("CSQU3054383")
    expect(page.locator("[data-testid=bell-count]")).to_have_count(0)
    page.click("[data-testid=acknowledge]")
    expect(page.locator("[data-testid=recipient-state]")).to_have_text("Acknowledged")
    page.fill("textarea[name=body]", "Examined on arrival: 12 kg of heroin found and seized.")
    page.click("[data-testid=reply-form] button[type=submit]")
    expect(page.locator("[data-testid=thread]")).to_contain_text("12 kg of heroin")
    expect(page.locator("[data-testid=recipient-state]")).to_have_text("Answered")
    page.screenshot(path=f"{SCREENSHOTS}/3-answered.png", full_page=True)
    log_out(page, "focal.uz")

    # focal.kz sees the reply: the bell, the inbox row marked unread, the thread.
    log_in(page, live_server.url, "focal.kz")
    expect(page.locator("[data-testid=bell-count]")).to_have_text("2")
    page.click("header >> text=Queries")
    row = page.locator(f"tr[data-reference='{reference}']")
    expect(row).to_have_class(re.compile(r"\bunread\b"))
    page.screenshot(path=f"{SCREENSHOTS}/4-inbox.png", full_page=True)
    row.locator(f"text={reference}").click()
    expect(page.locator("[data-testid=thread]")).to_contain_text(
        "Examined on arrival: 12 kg of heroin found and seized."
    )
    page.screenshot(path=f"{SCREENSHOTS}/5-reply-seen.png", full_page=True)
