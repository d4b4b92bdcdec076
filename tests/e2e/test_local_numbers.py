"""Numbers as people write them, in the browser: an analyst at 390 px in Russian saves a
report with "2,5" kg and a value of "1 200 000,5"; in English "1,200,000.5" is read the same;
"1,2,3" is refused with an example and the typed text stays in the box."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from members.models import RoleName
from seizures.models import SeizureReport
from tests.factories.members import PASSWORD, MemberFactory, member_user

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}


@pytest.fixture(autouse=True)
def _vocabulary(db):
    from seizures.vocabulary import ensure_commodities

    ensure_commodities()


def _report(page, base, reference, quantity, value):
    page.goto(f"{base}/seizures/reports/new/")
    page.fill("input[name=reference]", reference)
    page.fill("input[name=seized_on]", "2024-02-01")
    page.select_option("select[name=transport_mode]", "sea-container")
    page.select_option("select[name=commodity]", "heroin")
    page.fill("input[name=quantity]", quantity)
    page.select_option("select[name=unit]", "kg")
    page.fill("input[name=estimated_value_usd]", value)
    page.click("[data-testid=seizure-form] button[type=submit]")


@pytest.mark.parametrize(
    ("language", "viewport", "quantity", "value", "shown"),
    [
        ("ru", PHONE, "2,5", "1 200 000,5", "2,5"),
        ("en", {"width": 1280, "height": 900}, "2.5", "1,200,000.5", "2.5"),
    ],
)
def test_separators_of_the_active_language_are_read(
    offline_page, live_server, language, viewport, quantity, value, shown
):
    page = offline_page
    kz = MemberFactory(code="KZ")
    member_user(kz, RoleName.ANALYST, username="analyst.kz")
    page.set_viewport_size(viewport)
    base = live_server.url
    page.context.add_cookies([{"name": "django_language", "value": language, "url": base}])
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", "analyst.kz")
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")

    _report(page, base, "KZ-NUM-1", "1,2,3", value)
    expect(page.locator("[data-field=quantity]")).to_be_visible()
    expect(page.locator("input[name=quantity]")).to_have_value("1,2,3")
    expect(page.locator("input[name=estimated_value_usd]")).to_have_value(value)

    page.fill("input[name=quantity]", quantity)
    page.click("[data-testid=seizure-form] button[type=submit]")
    expect(page.locator("main")).to_contain_text(f"{shown} ")
    report = SeizureReport.objects.get(reference="KZ-NUM-1")
    assert report.quantity == Decimal("2.5")
    assert report.estimated_value_usd == Decimal("1200000.5")
