"""A UZ officer, in Russian on a 390 px phone, opens the red notice from the board (cards),
records the arrival (a broken seal) and the outcome. No request leaves 127.0.0.1."""

import pytest
from playwright.sync_api import expect

from arrivals import partitioning
from arrivals.services import notice_file
from matching.lists import watch_entry_create
from members.models import RoleName
from tests.arrivals.conftest import notice_data
from tests.factories.members import ControlUnitFactory, MemberFactory, member_user

from .test_exchange_journey import log_in

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
SCREENSHOTS = "/tmp/iren-arrivals-e2e"


def test_uz_officer_opens_the_red_notice_and_records_arrival_and_outcome(offline_page, live_server):
    partitioning.forget_known()
    ge, uz = MemberFactory(code="GE"), MemberFactory(code="UZ")
    ControlUnitFactory(member=ge, code="GE-PTI-PCU", name="Poti PCU")
    tashkent = ControlUnitFactory(member=uz, code="UZ-TAS-PCU", name="Tashkent dry port")
    officer_ge = member_user(ge, RoleName.UNIT_OFFICER, username="officer.ge")
    officer_ge.control_unit = ge.control_units.get(code="GE-PTI-PCU")
    officer_ge.save()
    focal_uz = member_user(uz, RoleName.FOCAL_POINT, username="focal.uz")
    member_user(uz, RoleName.UNIT_OFFICER, control_unit=tashkent, username="officer.uz")
    watch_entry_create(user=focal_uz, kind="container", value="CSQU3054383")
    notice = notice_file(author=officer_ge, data=notice_data())
    assert notice.lane == "red"

    page = offline_page
    page.set_viewport_size(PHONE)
    log_in(page, live_server.url, "officer.uz")
    page.context.add_cookies([{"name": "django_language", "value": "ru", "url": live_server.url}])
    page.goto(f"{live_server.url}/arrivals/")
    assert page.evaluate("document.documentElement.lang") == "ru"
    card = page.locator("[data-testid=notice-card][data-lane=red]")
    expect(card).to_have_count(1)
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1]
    page.screenshot(path=f"{SCREENSHOTS}/1-board.png", full_page=True)
    card.locator("a").first.click()

    expect(page.locator("[data-testid=notice-reference]")).to_have_text(notice.reference)
    expect(page.locator("[data-testid=screening]")).to_have_attribute("data-lane", "red")
    page.screenshot(path=f"{SCREENSHOTS}/2-notice.png", full_page=True)
    page.fill("textarea[name=containers]", "CSQU3054383 UZ000001")
    page.fill("input[name=gross_kg]", "20000")
    page.click("[data-testid=record-arrival]")
    expect(page.locator("[data-testid=discrepancies] [data-kind=seal_changed]")).to_have_count(1)

    page.select_option("select[name=outcome]", "examined_nothing_found")
    page.fill("textarea[name=note]", "Пломба заменена перевозчиком, груз соответствует.")
    page.click("[data-testid=record-outcome]")
    expect(page.locator("[data-testid=notice-outcome]")).to_be_visible()
    page.screenshot(path=f"{SCREENSHOTS}/3-closed.png", full_page=True)
    notice.refresh_from_db()
    assert notice.status == "closed"
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1]
