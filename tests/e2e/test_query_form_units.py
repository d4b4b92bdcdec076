"""The query form offers only the control units of the recipients chosen, by their names in
the page's language: in Russian, focal.kz ticks Uzbekistan and is offered Uzbekistan's units
alone, named in Russian; ticking Tajikistan adds its units, unticking Uzbekistan takes
Uzbekistan's away (and drops a choice among them). The query filed goes to the unit chosen."""

import pytest
from playwright.sync_api import expect

from exchange.models import Query
from members.models import RoleName
from tests.e2e.browser import log_in
from tests.factories.members import ControlUnitFactory, MemberFactory, member_user

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
TASHKENT_AIR = "UZ-TAS-ACCU Группа контроля авиагрузов аэропорта Ташкент"
TASHKENT_DRY = "UZ-TAS-PCU Сухой порт Ташкент"
DUSHANBE = "TJ-DYU-ACCU Группа контроля авиагрузов аэропорта Душанбе"

#: The units the list offers: shown and choosable.
_OFFERED = """select => [...select.options]
  .filter(o => !o.hidden && !o.disabled && getComputedStyle(o).display !== 'none')
  .map(o => o.textContent.trim())"""


def _units(uz, tj, kz):
    ControlUnitFactory(
        member=uz, code="UZ-TAS-ACCU", name="Tashkent Airport Air Cargo Control Unit",
        name_ru="Группа контроля авиагрузов аэропорта Ташкент",
    )  # fmt: skip
    ControlUnitFactory(
        member=uz, code="UZ-TAS-PCU", name="Tashkent Dry Port", name_ru="Сухой порт Ташкент"
    )
    ControlUnitFactory(
        member=tj, code="TJ-DYU-ACCU", name="Dushanbe Airport Air Cargo Control Unit",
        name_ru="Группа контроля авиагрузов аэропорта Душанбе",
    )  # fmt: skip
    ControlUnitFactory(
        member=kz, code="KZ-AKT-PCU", name="Aktau Seaport Port Control Unit",
        name_ru="Группа портового контроля морского порта Актау",
    )  # fmt: skip


def test_only_the_chosen_recipients_units_are_offered_named_in_russian(offline_page, live_server):
    kz, uz, tj = MemberFactory(code="KZ"), MemberFactory(code="UZ"), MemberFactory(code="TJ")
    _units(uz, tj, kz)
    member_user(kz, RoleName.FOCAL_POINT, username="focal.kz")
    page = offline_page
    page.set_viewport_size(PHONE)
    base = live_server.url
    log_in(page, base, "focal.kz", "ru")
    page.goto(f"{base}/queries/new/")
    assert page.evaluate("document.documentElement.lang") == "ru"

    units = page.locator("select[name=recipient_units]")
    # No recipient yet: no unit to choose, and a note says why.
    expect(units).to_be_disabled()
    assert units.evaluate(_OFFERED) == []
    expect(page.locator("#recipient-units-note")).to_be_visible()

    page.check("input[name=recipients][value=UZ]")
    expect(units).to_be_enabled()
    expect(page.locator("#recipient-units-note")).to_be_hidden()
    assert units.evaluate(_OFFERED) == [TASHKENT_AIR, TASHKENT_DRY]
    expect(units.locator("option[value=UZ-TAS-ACCU]")).to_be_visible()
    expect(units.locator("option[value=TJ-DYU-ACCU]")).to_be_hidden()
    expect(units.locator("option[value=KZ-AKT-PCU]")).to_be_hidden()

    page.check("input[name=recipients][value=TJ]")
    assert units.evaluate(_OFFERED) == [DUSHANBE, TASHKENT_AIR, TASHKENT_DRY]
    units.select_option(["UZ-TAS-ACCU", "TJ-DYU-ACCU"])
    page.uncheck("input[name=recipients][value=UZ]")
    assert units.evaluate(_OFFERED) == [DUSHANBE]
    # A unit of a member no longer chosen is no longer chosen either.
    assert units.evaluate("s => [...s.selectedOptions].map(o => o.value)") == ["TJ-DYU-ACCU"]

    page.fill("input[name=subject]", "Героин в партии сухофруктов")
    page.fill("textarea[name=body]", "Просим проверить получателя.")
    page.click("[data-testid=query-form] button[type=submit]:not(.default-submit)")
    expect(page.locator("[data-testid=handling]")).to_be_visible()
    recipient = Query.objects.get().recipients.get()
    assert recipient.member.code == "TJ"
    assert [u.code for u in recipient.control_units.all()] == ["TJ-DYU-ACCU"]
