"""A UZ analyst, in Russian on a 390 px phone, writes a risk profile from the targeting page,
backtests it, activates it and finds it active in the list; the expected notice it selects is
then red for UZ's officer. No request leaves 127.0.0.1."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from arrivals import partitioning
from arrivals.models import ArrivalNotice
from arrivals.services import notice_file
from members.models import RoleName
from targeting import screening
from targeting.models import RiskProfile
from tests.arrivals.conftest import notice_data
from tests.factories.members import ControlUnitFactory, MemberFactory, member_user

from .test_exchange_journey import log_in

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
SCREENSHOTS = "/tmp/iren-targeting-e2e"


def _fits(page):
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], widths


def test_uz_analyst_writes_backtests_and_activates_a_profile(offline_page, live_server):
    partitioning.forget_known()
    screening.compiled_profiles_forget()
    ge, uz = MemberFactory(code="GE"), MemberFactory(code="UZ")
    poti = ControlUnitFactory(member=ge, code="GE-PTI-PCU", name="Poti PCU")
    tashkent = ControlUnitFactory(member=uz, code="UZ-TAS-PCU", name="Tashkent dry port")
    officer_ge = member_user(ge, RoleName.UNIT_OFFICER, control_unit=poti, username="officer.ge")
    member_user(uz, RoleName.UNIT_OFFICER, control_unit=tashkent, username="officer.uz")
    member_user(uz, RoleName.ANALYST, username="analyst.uz")
    goods = [{"description": "Запчасти", "hs_code": "2402.20", "packages": 500, "gross_kg": 6500}]
    notice = notice_file(author=officer_ge, data=notice_data(goods=goods))
    assert notice.lane == "green"

    page = offline_page
    page.set_viewport_size(PHONE)
    log_in(page, live_server.url, "analyst.uz")
    page.context.add_cookies([{"name": "django_language", "value": "ru", "url": live_server.url}])
    page.goto(f"{live_server.url}/targeting/")
    assert page.evaluate("document.documentElement.lang") == "ru"
    _fits(page)
    page.click("[data-testid=new-profile]")

    page.fill("input[name=name]", "Табак из Джебель-Али и Поти")
    page.fill("textarea[name=description]", "Сигареты под видом запчастей через Кавказ.")
    page.select_option("select[name=lane]", "red")
    page.check("input[name=modes][value=sea]")
    page.fill(
        "textarea[name=criteria]",
        "hs_code prefix 2402, 2403\nplace_of_loading in AEJEA, GEPTI",
    )
    _fits(page)
    page.screenshot(path=f"{SCREENSHOTS}/1-form.png", full_page=True)
    page.click("[data-testid=save-profile]")

    expect(page.locator("[data-testid=profile-state]")).to_have_attribute("data-active", "false")
    since = (timezone.localdate() - timedelta(days=7)).isoformat()
    page.fill("input[name=since]", since)
    page.click("[data-testid=run-backtest]")
    result = page.locator("[data-testid=backtest-result]")
    expect(result.locator("[data-stat=notices]")).to_have_text("1")
    expect(result.locator("[data-stat=selected]")).to_have_text("1")
    expect(result.locator("[data-stat=with_finding]")).to_have_text("0")
    _fits(page)
    page.screenshot(path=f"{SCREENSHOTS}/2-backtest.png", full_page=True)

    page.click("[data-testid=activate]")
    expect(page.locator("[data-testid=profile-state]")).to_have_attribute("data-active", "true")
    page.click("main p a[href='/targeting/']")  # back to the list
    card = page.locator("[data-testid=own-profiles] [data-testid=profile-card]")
    expect(card).to_have_count(1)
    expect(card).to_have_attribute("data-active", "true")
    expect(card.locator("h3")).to_contain_text("Табак из Джебель-Али и Поти")
    _fits(page)
    page.screenshot(path=f"{SCREENSHOTS}/3-list.png", full_page=True)

    profile = RiskProfile.objects.get()
    assert profile.active and profile.member_id == uz.pk
    notice = ArrivalNotice.objects.get(pk=notice.pk)
    assert notice.lane == "red"  # re-screened when the profile was switched on
    assert notice.screening["reasons"][0]["profile"] == profile.pk
