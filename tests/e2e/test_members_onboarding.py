"""Browser journey: the network admin onboards Azerbaijan; its focal point follows the
invitation link, chooses a password, logs in and sees the home page. No request may leave
127.0.0.1 (the offline_page fixture fails the test otherwise)."""

import re

import pytest
from playwright.sync_api import expect

from members.models import MemberAdministration, Role, RoleName
from members.permissions import MEMBER_ROLES
from tests.factories.members import PASSWORD, network_admin

pytestmark = pytest.mark.e2e

LINK = re.compile(r"http://127\.0\.0\.1:\d+/accounts/reset/\S+/")
SCREENSHOTS = "/tmp/iren-members-e2e"


def log_in(page, base_url, username, password):
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("main form button[type=submit]")


def test_admin_onboards_a_country_and_its_focal_point_sets_a_password_and_logs_in(
    offline_page, live_server, smtp_server
):
    page = offline_page
    network_admin("admin")

    log_in(page, live_server.url, "admin", PASSWORD)
    expect(page.locator("h1")).to_contain_text("Welcome")
    page.click("text=Onboard a member >> nth=0")
    expect(page.locator("h1")).to_have_text("Onboard a member country")
    page.fill("input[name=code]", "AZ")
    page.fill("input[name=name]", "Azerbaijan")
    page.fill("input[name=administration]", "State Customs Committee of the Republic of Azerbaijan")
    page.fill("input[name=joined_on]", "2021-06-01")
    page.fill("input[name=focal-0-name]", "Leyla Aliyeva")
    page.fill("input[name=focal-0-email]", "leyla.aliyeva@customs.example")
    page.screenshot(path=f"{SCREENSHOTS}/1-onboard.png", full_page=True)
    page.click("main form button[type=submit]")

    expect(page.locator("h1")).to_have_text("Azerbaijan (AZ)")
    expect(page.locator("[role=status]")).to_contain_text("Azerbaijan was onboarded")
    page.screenshot(path=f"{SCREENSHOTS}/2-member.png", full_page=True)
    member = MemberAdministration.objects.get(code="AZ")
    assert Role.objects.filter(member=member).count() == len(MEMBER_ROLES)

    mail = smtp_server.wait_for(1)[0]
    assert mail["to"] == ["leyla.aliyeva@customs.example"]
    link = LINK.search(smtp_server.body(0)).group(0)

    page.click("summary:has-text('Admin')")
    page.click("text=Log out")
    expect(page.locator("h1")).to_have_text("Log in")

    page.goto(link)
    expect(page.locator("h1")).to_have_text("Choose your password")
    page.fill("input[name=new_password1]", "Caspian-sea-2021")
    page.fill("input[name=new_password2]", "Caspian-sea-2021")
    page.screenshot(path=f"{SCREENSHOTS}/3-set-password.png", full_page=True)
    page.click("main form button[type=submit]")
    expect(page.locator("h1")).to_have_text("Password set")

    page.get_by_role("button", name="Log in").click()
    page.fill("input[name=username]", "leyla.aliyeva@customs.example")
    page.fill("input[name=password]", "Caspian-sea-2021")
    page.click("main form button[type=submit]")
    expect(page.locator("h1")).to_have_text("Welcome, Leyla Aliyeva")
    expect(page.locator("main")).to_contain_text(
        "State Customs Committee of the Republic of Azerbaijan"
    )
    expect(page.locator("main")).to_contain_text(str(RoleName.FOCAL_POINT.label))
    page.screenshot(path=f"{SCREENSHOTS}/4-home.png", full_page=True)


def test_onboarding_form_shows_what_is_wrong_in_the_browser(offline_page, live_server):
    page = offline_page
    network_admin("admin")
    log_in(page, live_server.url, "admin", PASSWORD)
    page.goto(f"{live_server.url}/members/onboard/")
    page.fill("input[name=code]", "XQ")
    page.fill("input[name=name]", "Nowhere")
    page.fill("input[name=administration]", "Customs of Nowhere")
    page.fill("input[name=joined_on]", "2021-06-01")
    page.fill("input[name=focal-0-name]", "Someone")
    page.fill("input[name=focal-0-email]", "someone@@nowhere")
    page.click("main form button[type=submit]")
    expect(page.locator("[data-field='focal-0-email']")).to_be_visible()
    page.fill("input[name=focal-0-email]", "someone@nowhere.example")
    page.click("main form button[type=submit]")
    expect(page.locator("[data-field=code]")).to_contain_text("XQ")
    page.screenshot(path=f"{SCREENSHOTS}/5-errors.png", full_page=True)
    assert not MemberAdministration.objects.filter(code="XQ").exists()
