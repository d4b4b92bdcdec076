"""The bell on a phone: visible without opening the menu, and up to date without a reload.
focal.uz keeps the inbox open at 390 px in Russian; focal.kz files an urgent query; within
the poll interval the count, its label, the page title and an urgent banner change."""

import re

import pytest
from django.utils import translation
from django.utils.translation import ngettext
from playwright.sync_api import expect

from members.models import RoleName
from tests.factories.exchange import file_query
from tests.factories.members import PASSWORD, MemberFactory, member_user

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}


def _label(count: int) -> str:
    with translation.override("ru"):
        return ngettext(
            "%(counter)s unread notification", "%(counter)s unread notifications", count
        ) % {"counter": count}


def test_the_bell_updates_on_a_phone_when_an_urgent_query_arrives(
    offline_page, live_server, settings
):
    settings.NOTIFICATIONS_POLL_SECONDS = 1
    page = offline_page
    kz, uz = MemberFactory(code="KZ"), MemberFactory(code="UZ")
    focal_kz = member_user(kz, RoleName.FOCAL_POINT, username="focal.kz")
    member_user(uz, RoleName.FOCAL_POINT, username="focal.uz")
    for n in range(4):
        file_query(focal_kz, recipients=("UZ",), priority="routine", subject=f"Routine {n}")

    page.set_viewport_size(PHONE)
    base = live_server.url
    page.context.add_cookies([{"name": "django_language", "value": "ru", "url": base}])
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", "focal.uz")
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.goto(f"{base}/queries/")

    bell = page.locator("[data-testid=bell]")
    # On the phone, with the menu folded, the bell and its count are on screen.
    expect(page.locator(".nav-items")).to_be_hidden()
    expect(bell).to_be_in_viewport()
    expect(page.locator("[data-testid=bell-count]")).to_have_text("4")
    expect(bell).to_have_attribute("aria-label", _label(4))
    title = page.title()

    urgent = file_query(focal_kz, recipients=("UZ",), priority="urgent", subject="Heroin today")

    expect(page.locator("[data-testid=bell-count]")).to_have_text("5", timeout=5_000)
    expect(bell).to_have_attribute("aria-label", _label(5))
    expect(page).to_have_title(re.compile(r"^\(5\) "))
    assert title.endswith(page.title().split(") ", 1)[1])
    banner = page.locator("[data-testid=urgent-banner]")
    expect(banner).to_contain_text(urgent.reference)
    expect(banner).to_contain_text("Heroin today")
    page.screenshot(path="/tmp/iren-bell-phone.png", full_page=False)

    # A routine one updates the count but raises no banner.
    file_query(focal_kz, recipients=("UZ",), priority="routine", subject="Routine 5")
    expect(page.locator("[data-testid=bell-count]")).to_have_text("6", timeout=5_000)
    expect(banner).to_have_count(1)
