"""Browser journey: "a member admin can unlock their own people in the browser" and
"reset the second factor of their own people, and that reset is alerted to the person".
focal.kz, enrolled, locks their account with five wrong passwords; manager.kz unlocks it and
resets the second factor on KZ's people page; focal.kz signs in with the password alone and
is told of the reset on the first page. No request may leave 127.0.0.1."""

from urllib.parse import urlparse

import pytest
from django_otp.oath import totp
from playwright.sync_api import expect

from accounts import services
from members.models import AuditEvent, RoleName
from tests.factories.members import PASSWORD, MemberFactory, member_user

pytestmark = pytest.mark.e2e

SCREENSHOTS = "/tmp/iren-unlock-e2e"


def log_in(page, base_url, username, password=PASSWORD):
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("main form button[type=submit]")


def test_member_admin_unlocks_and_resets_the_second_factor_in_the_browser(
    offline_page, live_server, browser
):
    kz = MemberFactory(code="KZ", name="Kazakhstan")
    focal_kz = member_user(kz, RoleName.FOCAL_POINT, username="focal.kz")
    member_user(kz, RoleName.MEMBER_ADMIN, username="manager.kz")
    device = services.totp_device_start(user=focal_kz)
    services.totp_device_confirm(user=focal_kz, device=device, code=f"{totp(device.bin_key):06d}")

    context = browser.new_context()
    focal = context.new_page()
    foreign = []
    focal.on(
        "request",
        lambda request: (
            None
            if urlparse(request.url).scheme in ("data", "blob", "about")
            or urlparse(request.url).hostname == "127.0.0.1"
            else foreign.append(request.url)
        ),
    )
    focal.set_default_timeout(15_000)
    for n in range(5):
        log_in(focal, live_server.url, "focal.kz", f"wrong-guess-{n}")
    log_in(focal, live_server.url, "focal.kz")
    expect(focal.locator("h1")).to_contain_text("Account locked")

    manager = offline_page
    log_in(manager, live_server.url, "manager.kz")
    expect(manager.locator("h1")).to_contain_text("Welcome")
    manager.goto(f"{live_server.url}/members/KZ/people/")
    row = manager.locator("tr", has_text="focal.kz")
    row.locator("button", has_text="Unlock sign-in").click()
    expect(manager.locator("main")).to_contain_text("The account of focal.kz was unlocked.")
    row = manager.locator("tr", has_text="focal.kz")
    row.locator("button", has_text="Reset second factor").click()
    expect(manager.locator("main")).to_contain_text("The second factor of focal.kz was reset")
    manager.screenshot(path=f"{SCREENSHOTS}/1-people.png", full_page=True)

    # Unlocked, and with no second factor left to ask for (TWO_FACTOR_ROLES is empty here).
    log_in(focal, live_server.url, "focal.kz")
    expect(focal.locator("h1")).to_contain_text("Welcome")
    expect(focal.locator("main")).to_contain_text("Your second factor was reset by manager.kz")
    focal.screenshot(path=f"{SCREENSHOTS}/2-told.png", full_page=True)
    context.close()
    assert foreign == [], f"requests left the host: {foreign}"

    actions = list(
        AuditEvent.objects.filter(object_type="user", object_id=focal_kz.pk)
        .exclude(action__startswith="auth.")
        .order_by("id")
        .values_list("action", "actor_username")
    )
    assert actions == [
        ("two_factor.enrolled", "focal.kz"),
        ("account.locked", "focal.kz"),
        ("account.unlocked", "manager.kz"),
        ("two_factor.reset", "manager.kz"),
    ]
