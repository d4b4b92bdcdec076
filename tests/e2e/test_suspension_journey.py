"""Browser journey: the network admin suspends UZ on its member page;
focal.uz's login is refused with the clear message; the admin reinstates UZ and focal.uz logs
in. Both actions land in the audit trail. No request may leave 127.0.0.1."""

from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from members.models import AuditEvent, MemberAdministration, MemberStatus, RoleName
from tests.factories.members import PASSWORD, MemberFactory, member_user, network_admin

pytestmark = pytest.mark.e2e

SCREENSHOTS = "/tmp/iren-suspension-e2e"
SUSPENDED_MESSAGE = "Your administration's access to the IREN Portal is suspended."


def log_in(page, base_url, username):
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")


def test_admin_suspends_uz_focal_point_is_refused_then_reinstated_and_signs_in(
    offline_page, live_server, browser
):
    MemberFactory(code="KZ", name="Kazakhstan")
    uz = MemberFactory(code="UZ", name="Uzbekistan")
    member_user(uz, RoleName.FOCAL_POINT, username="focal.uz")
    network_admin("admin")

    admin = offline_page
    log_in(admin, live_server.url, "admin")
    expect(admin.locator("h1")).to_contain_text("Welcome")
    admin.goto(f"{live_server.url}/members/UZ/")
    admin.click("summary:has-text('Suspend this member')")
    admin.fill("textarea[name=reason], input[name=reason]", "Security incident under review")
    admin.click("[data-testid=suspend]")
    expect(admin.locator("[data-testid=member-suspended]")).to_contain_text(
        "Security incident under review"
    )
    assert MemberAdministration.objects.get(code="UZ").status == MemberStatus.SUSPENDED
    admin.screenshot(path=f"{SCREENSHOTS}/1-suspended.png", full_page=True)

    # focal.uz, in a browser of their own: the right password, and a clear refusal.
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
    log_in(focal, live_server.url, "focal.uz")
    expect(focal.locator("main")).to_contain_text(SUSPENDED_MESSAGE)
    expect(focal.locator("h1")).to_have_text("Log in")
    focal.screenshot(path=f"{SCREENSHOTS}/2-refused.png", full_page=True)

    admin.click("[data-testid=reinstate]")
    expect(admin.locator("main")).to_contain_text("Uzbekistan is reinstated.")
    assert MemberAdministration.objects.get(code="UZ").status == MemberStatus.MEMBER

    log_in(focal, live_server.url, "focal.uz")
    expect(focal.locator("h1")).to_contain_text("Welcome")
    expect(focal.locator("main")).not_to_contain_text(SUSPENDED_MESSAGE)
    focal.screenshot(path=f"{SCREENSHOTS}/3-signed-in.png", full_page=True)
    context.close()
    assert foreign == [], f"requests left the host: {foreign}"

    actions = list(
        AuditEvent.objects.filter(object_reference="UZ")
        .order_by("id")
        .values_list("action", "actor_username")
    )
    assert actions == [("member.suspended", "admin"), ("member.reinstated", "admin")]
