"""Browser journey on a 390 px phone, in Russian: under Kazakhstan's release policy
officer.kz files an H2 query; focal.kz sees the count, opens the queue and returns it with a
note; the officer copies it into a new draft and files again; focal.kz releases it; focal.uz
sees it arrive. No request may leave 127.0.0.1 (``offline_page``)."""

import os
import re

import pytest
from playwright.sync_api import expect

from members.models import RoleName
from members.releases import release_policy_set
from tests.factories.members import PASSWORD, ControlUnitFactory, MemberFactory, member_user

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
SUBJECT = "Cigarettes declared as paper napkins"
NOTE = "Name the shipper before this leaves the country."


def _shoot(page, name):
    folder = os.environ.get("IREN_SCREENSHOTS_DIR", "/tmp/iren-release-e2e")
    os.makedirs(folder, exist_ok=True)
    page.screenshot(path=os.path.join(folder, f"release-{name}.png"), full_page=True)


def _log_in(page, base, username):
    page.context.clear_cookies()
    page.context.add_cookies([{"name": "django_language", "value": "ru", "url": base}])
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
    expect(page.locator("html")).to_have_attribute("lang", "ru")


def _fits(page):
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{page.url} is {widths[0]} px wide on a 390 px phone"


def _open_menu(page):
    page.click("[data-testid=menu-toggle]")


def test_a_held_query_is_returned_copied_filed_again_released_and_arrives(
    offline_page, live_server
):
    page = offline_page
    page.set_viewport_size(PHONE)
    base = live_server.url
    kz, uz = MemberFactory(code="KZ"), MemberFactory(code="UZ")
    unit = ControlUnitFactory(member=kz, code="KZ-AKT-PCU", name="Aktau Seaport PCU")
    member_user(kz, RoleName.UNIT_OFFICER, control_unit=unit, username="officer.kz")
    member_user(kz, RoleName.FOCAL_POINT, username="focal.kz")
    admin_kz = member_user(kz, RoleName.MEMBER_ADMIN, username="admin.kz")
    member_user(uz, RoleName.FOCAL_POINT, username="focal.uz")
    release_policy_set(member=kz, actor=admin_kz, kinds=["query"], handling_codes=["H2", "H3"])

    # officer.kz files an H2 query to UZ: it awaits release.
    _log_in(page, base, "officer.kz")
    page.goto(f"{base}/queries/new/")
    page.check("input[name=recipients][value=UZ]")
    page.select_option("select[name=priority]", "urgent")
    page.check("input[name=handling_code][value=H2]")
    page.fill("input[name=subject]", SUBJECT)
    page.fill("textarea[name=body]", "Please examine the container on arrival in Tashkent.")
    page.fill("input[name=container_numbers]", "CSQU3054383")
    page.click("main form button[type=submit]")
    expect(page.locator("[data-testid=release-panel]")).to_have_attribute(
        "data-state", "awaiting_release"
    )
    first_url = page.url
    first_reference = page.locator("h1").inner_text().split(":")[0]
    _fits(page)
    _shoot(page, "1-filed")

    # focal.kz sees the count in the header, opens the queue, returns it with a note.
    _log_in(page, base, "focal.kz")
    _open_menu(page)
    expect(page.locator("[data-testid=release-count]")).to_have_text("1")
    _shoot(page, "2-count")
    page.click("[data-testid=release-nav]")
    row = page.locator("[data-testid=release-item]")
    expect(row).to_have_count(1)
    expect(row.locator("[data-testid=waiting]")).not_to_be_empty()
    _fits(page)
    _shoot(page, "3-queue")
    row.locator(f"text={first_reference}").click()
    page.fill("[data-testid=return-note-input]", NOTE)
    page.click("[data-testid=return-button]")
    page.goto(first_url)
    expect(page.locator("[data-testid=release-panel]")).to_have_attribute("data-state", "returned")

    # The officer reads the note, copies the query into a new draft and files it again.
    _log_in(page, base, "officer.kz")
    page.goto(first_url)
    expect(page.locator("[data-testid=release-note]")).to_contain_text(NOTE)
    _fits(page)
    _shoot(page, "4-returned")
    page.click("[data-testid=copy-into-draft]")
    expect(page.locator("input[name=subject]")).to_have_value(SUBJECT)
    expect(page.locator("input[name=recipients][value=UZ]")).to_be_checked()
    expect(page.locator("input[name=handling_code][value=H2]")).to_be_checked()
    page.fill("input[name=shipper]", "Aktau Ceramics LLP")
    _fits(page)
    _shoot(page, "5-copy")
    page.click("main form button[type=submit]")
    expect(page.locator("[data-testid=release-panel]")).to_have_attribute(
        "data-state", "awaiting_release"
    )
    second_reference = page.locator("h1").inner_text().split(":")[0]
    assert second_reference != first_reference

    # focal.kz releases it.
    _log_in(page, base, "focal.kz")
    _open_menu(page)
    expect(page.locator("[data-testid=release-count]")).to_have_text("1")
    page.click("[data-testid=release-nav]")
    page.locator("[data-testid=release-item]").locator(f"text={second_reference}").click()
    page.click("[data-testid=release-button]")
    expect(page.locator("[data-testid=released-by]")).to_contain_text("focal.kz")
    _shoot(page, "6-released")

    # focal.uz sees it arrive: the bell, the notification, the query; never the returned one.
    _log_in(page, base, "focal.uz")
    _open_menu(page)
    expect(page.locator("[data-testid=bell-count]")).to_have_text("1")
    page.click("[data-testid=bell]")
    page.click(f"text={second_reference}")
    expect(page.locator("h1")).to_contain_text(second_reference)
    expect(page.locator("[data-testid=consignment]")).to_contain_text("CSQU3054383")
    _fits(page)
    _shoot(page, "7-arrived")
    response = page.goto(first_url)
    assert response.status == 404
