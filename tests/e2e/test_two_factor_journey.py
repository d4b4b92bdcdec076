"""Browser journey: a focal point enrols an authenticator (the test computes the code from the
secret shown on the page), logs out, logs in with password and code; then five wrong
passwords lock the account, the right one is refused until ``axes_reset_username`` unlocks
it, and a recovery code lets them in. No request may leave 127.0.0.1."""

from base64 import b32decode

import pytest
from django.core.management import call_command
from django_otp.oath import totp
from playwright.sync_api import expect

from members.models import RoleName
from tests.factories.members import PASSWORD, MemberFactory, member_user

pytestmark = pytest.mark.e2e

SCREENSHOTS = "/tmp/iren-two-factor-e2e"


def submit_password(page, base_url, password):
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", "focal.kz")
    page.fill("input[name=password]", password)
    page.click("main form button[type=submit]")


def submit_code(page, code):
    page.fill("input[name=code]", code)
    page.click("main form button[type=submit] >> nth=0")


def log_out(page):
    page.click("header summary:has-text('focal.kz')")
    page.click("text=Log out")
    expect(page.locator("h1")).to_have_text("Log in")


def test_focal_point_enrols_logs_in_with_a_code_and_is_locked_out_by_wrong_passwords(
    offline_page, live_server, settings
):
    settings.TWO_FACTOR_ROLES = ["network_admin", "member_admin", "focal_point"]
    page = offline_page
    member_user(MemberFactory(code="KZ"), RoleName.FOCAL_POINT, username="focal.kz")

    # First login: the portal asks for an authenticator before anything else.
    submit_password(page, live_server.url, PASSWORD)
    expect(page.locator("h1")).to_have_text("Set up two-factor authentication")
    expect(page.locator("figure.totp-qr svg")).to_be_visible()
    page.screenshot(path=f"{SCREENSHOTS}/1-enrol.png", full_page=True)
    page.goto(f"{live_server.url}/queries/")
    expect(page.locator("h1")).to_have_text("Set up two-factor authentication")

    key = b32decode(page.locator("#totp-secret").inner_text().strip())
    submit_code(page, f"{totp(key):06d}")
    expect(page.locator("h1")).to_have_text("Recovery codes")
    codes = page.locator("#recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    page.screenshot(path=f"{SCREENSHOTS}/2-recovery-codes.png", full_page=True)
    # The codes can be kept as a text file (made in the browser) and printed.
    with page.expect_download() as download:
        page.click("[data-testid=recovery-download]")
    saved = open(download.value.path(), encoding="utf-8").read()
    assert download.value.suggested_filename.endswith(".txt")
    assert all(code in saved.split() for code in codes)
    page.emulate_media(media="print")
    expect(page.locator("#recovery-codes")).to_be_visible()
    expect(page.locator("[data-testid=recovery-print]")).to_be_hidden()
    expect(page.locator("header")).to_be_hidden()
    page.emulate_media(media="screen")
    expect(page.locator("[data-testid=recovery-print]")).to_be_visible()
    page.click("#continue")
    # On to the page first asked for.
    expect(page.locator("h1")).to_have_text("Urgent queries")
    log_out(page)

    # Password, then a code (the next time step: each code is accepted once).
    submit_password(page, live_server.url, PASSWORD)
    expect(page.locator("h1")).to_have_text("Two-factor authentication")
    submit_code(page, f"{totp(key, drift=1):06d}")
    expect(page.locator("h1")).to_contain_text("Welcome")
    log_out(page)

    # Five wrong passwords lock the account; the right one is then refused too.
    for n in range(4):
        submit_password(page, live_server.url, f"wrong-{n}")
        expect(page.locator("[role=alert]")).to_be_visible()
    submit_password(page, live_server.url, "wrong-4")
    expect(page.locator("h1")).to_have_text("Account locked")
    submit_password(page, live_server.url, PASSWORD)
    expect(page.locator("h1")).to_have_text("Account locked")
    page.screenshot(path=f"{SCREENSHOTS}/3-locked.png", full_page=True)

    call_command("axes_reset_username", "focal.kz")
    submit_password(page, live_server.url, PASSWORD)
    expect(page.locator("h1")).to_have_text("Two-factor authentication")
    submit_code(page, codes[0])
    expect(page.locator("h1")).to_contain_text("Welcome")
