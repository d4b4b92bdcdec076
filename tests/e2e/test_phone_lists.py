"""Lists on a 390-px phone, in Russian: each list (inbox, hits, reports, people, units, audit,
the arrivals board) is a stack of cards with its main action on the card and inside the
viewport; the page never scrolls sideways, no figure is clipped ("40 000", not "40 0") and no
word is broken in the middle ("Участн|ик"); the filters fold behind one "Filters" button that
counts those on. On a desktop the filters are shown as they are.

With ``IREN_SCREENSHOTS_DIR`` set (e.g. ``docs/screenshots``), the five main journeys are
photographed there at 390 px in Russian and at 1280 px in English (``journey-*.png``)."""

import datetime
import os

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from arrivals import partitioning
from arrivals.services import notice_file
from exchange import services as exchange_services
from matching.models import Hit
from members.models import RoleName
from seizures.matching import seizure_report_index
from tests.arrivals.conftest import notice_data
from tests.e2e.browser import log_in
from tests.factories.exchange import file_query
from tests.factories.members import (
    ControlUnitFactory,
    MemberFactory,
    member_user,
    network_admin,
)
from tests.factories.seizures import SeizureReportFactory

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
CONTAINER = "MSKU9070323"


def _network():
    kz, uz = MemberFactory(code="KZ"), MemberFactory(code="UZ")
    pk = MemberFactory(code="PK")
    MemberFactory(code="TJ")
    aktau = ControlUnitFactory(
        member=kz, code="KZ-AKT-PCU", name="Aktau Seaport Port Control Unit",
        name_ru="Группа портового контроля морского порта Актау",
    )  # fmt: skip
    ControlUnitFactory(
        member=kz, code="KZ-ALA-ACCU", name="Almaty Airport Air Cargo Control Unit",
        name_ru="Группа контроля авиагрузов аэропорта Алматы",
    )  # fmt: skip
    ControlUnitFactory(member=pk, code="PK-KHI-PCU", name="Karachi Port Control Unit")
    focal_kz = member_user(kz, RoleName.FOCAL_POINT, username="focal.kz")
    focal_uz = member_user(uz, RoleName.FOCAL_POINT, username="focal.uz")
    member_user(kz, RoleName.ANALYST, username="analyst.kz")
    member_user(kz, RoleName.MEMBER_ADMIN, username="admin.kz")
    member_user(kz, RoleName.UNIT_OFFICER, username="officer.kz", control_unit=aktau)
    network_admin("admin")
    query = file_query(
        focal_kz,
        recipients=("UZ", "TJ"),
        subject="Cigarettes declared as paper napkins in a forty-foot container via Aktau",
        container_numbers=[CONTAINER],
        handling_code="H1",
    )
    exchange_services.query_reply(query=query, user=focal_uz, body="We examined it on arrival.")
    file_query(focal_uz, recipients=("KZ",), subject="Heroin in a consignment of dried fruit")
    # UZ announces a consignment to Aktau: the KZ board has a card to open.
    partitioning.forget_known()
    notice_file(
        author=focal_uz,
        data=notice_data(
            from_unit="", to_member="KZ", to_unit="KZ-AKT-PCU", place_of_loading="UZTAS",
            place_of_discharge="KZAKT", shipper_country="UZ", consignee_country="KZ",
            consignee="Aktau Ceramics LLP", transit_countries=[],
        ),
    )  # fmt: skip
    # PK holds a report with the same container: focal.kz gets a hit to ask about.
    held = SeizureReportFactory(
        reporting_member=pk, reference="PK-2026-0042", sharing="network",
        container_number=CONTAINER, commodity="cigarettes", quantity=40000, unit="pieces",
    )  # fmt: skip
    seizure_report_index(report=held)
    for month, commodity, amount, unit in [
        (1, "heroin", 585, "kg"),
        (3, "consumer-goods", 237000, "kg"),
        (4, "cigarettes", 40000, "pieces"),
        (6, "hookah-tobacco", 1200, "kg"),
    ]:
        SeizureReportFactory(
            reporting_member=kz, commodity=commodity, quantity=amount, unit=unit,
            seized_on=datetime.date(2024, month, 12),
            concealment="false floor of a refrigerated container",
        )  # fmt: skip
    return query


def _fits(page, url):
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{url} is {widths[0]} px wide on a {widths[1]} px phone"


#: Words of the cards' text that lie on more than one line (a word broken in its middle), and
#: cells whose text is wider than the cell (a clipped figure): a list table's cells, or the
#: lines of the arrivals board's cards.
_BROKEN = """() => {
  const broken = [];
  for (const cell of document.querySelectorAll('table.cards td, .notice-card > *')) {
    if (cell.scrollWidth > cell.clientWidth + 1) broken.push('clipped: ' + cell.textContent.trim());
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const node = walker.currentNode;
      const re = /\\S+/g;
      let m;
      while ((m = re.exec(node.textContent)) !== null) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
        if (lines.size > 1) broken.push('broken: ' + m[0]);
      }
    }
  }
  return broken;
}"""

LISTS = [
    # (user, url name, args, main action, card)
    ("focal.kz", "exchange:inbox", [], "[data-testid=open-query]", "tr[data-testid=query-row]"),
    ("focal.kz", "matching:hits", [], "[data-testid=ask]", "tr[data-testid=hit-row]"),
    (
        "analyst.kz",
        "seizures:report-list",
        [],
        "[data-testid=open-report]",
        "tr[data-testid=report-row]",
    ),
    (
        "admin.kz",
        "member-people",
        ["KZ"],
        "[data-testid=edit-person]",
        "tr[data-testid=person-row]",
    ),
    ("admin.kz", "member-units", ["KZ"], "[data-testid=edit-unit]", "tr[data-testid=unit-row]"),
    ("admin.kz", "audit", [], "[data-testid=audit-sentence]", "tr[data-testid=audit-event]"),
    (
        "focal.kz",
        "arrivals:board",
        [],
        "[data-testid=open-notice]",
        "li[data-testid=notice-card]",
    ),
]


def test_every_list_is_cards_with_its_action_in_view_at_390_px_in_russian(
    offline_page, live_server
):
    page = offline_page
    page.set_viewport_size(PHONE)
    query = _network()
    base = live_server.url
    current = None
    for username, name, args, action, card in LISTS:
        if username != current:
            log_in(page, base, username, "ru")
            current = username
        url = base + reverse(name, args=args)
        page.goto(url)
        _fits(page, url)
        first = page.locator(card).first
        expect(first).to_be_visible()
        # A card: the row is a box of its own (a column of lines), not a table row.
        assert first.evaluate("e => getComputedStyle(e).display") != "table-row", name
        button = first.locator(action).first
        expect(button).to_be_visible()
        box = button.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (name, box)
        assert page.evaluate(_BROKEN) == [], name
    # A query's matches block is cards too, its "Ask" on screen.
    log_in(page, base, "focal.kz", "ru")
    page.goto(base + reverse("exchange:detail", args=[query.pk]))
    _fits(page, page.url)
    ask = page.locator("[data-testid=match] [data-testid=ask]").first
    expect(ask).to_be_visible()
    box = ask.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    # The figures are whole: 40 000 pieces reads as such on the reports' cards.
    log_in(page, base, "analyst.kz", "ru")
    page.goto(base + reverse("seizures:report-list"))
    assert page.locator("td.number", has_text="40 000").count() >= 1
    assert page.evaluate(_BROKEN) == []


def test_filters_fold_behind_one_button_that_counts_them(offline_page, live_server):
    page = offline_page
    page.set_viewport_size(PHONE)
    _network()
    base = live_server.url
    log_in(page, base, "focal.kz", "ru")
    page.goto(base + reverse("exchange:inbox"))
    form = page.locator("form.inbox-filters")
    toggle = page.locator("[data-testid=filters-toggle]")
    expect(form).to_be_hidden()
    expect(toggle).to_be_visible()
    expect(page.locator("[data-testid=active-filters]")).to_have_count(0)
    # The list starts on the first screen, not below the filters.
    first = page.locator("tr[data-testid=query-row]").first.bounding_box()
    assert first["y"] < PHONE["height"], first
    toggle.click()
    expect(form).to_be_visible()
    page.goto(base + reverse("exchange:inbox") + "?priority=urgent&kind=request")
    expect(page.locator("[data-testid=active-filters]")).to_have_text("2")
    # On a desktop the filters are simply there.
    page.set_viewport_size(DESKTOP)
    page.goto(base + reverse("exchange:inbox"))
    expect(page.locator("form.inbox-filters")).to_be_visible()
    expect(toggle).to_be_hidden()


# --- The five journeys, photographed ----------------------------------------------------------


def _shot(page, name):
    folder = os.environ.get("IREN_SCREENSHOTS_DIR")
    if folder:
        os.makedirs(folder, exist_ok=True)
        page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=True)


def _journeys(page, base, language, size, suffix):
    page.set_viewport_size(size)
    shots = []

    def shot(name):
        _fits(page, page.url)
        _shot(page, f"journey-{name}-{suffix}")
        shots.append(name)

    # 1. An urgent query: the inbox and the query with its thread.
    log_in(page, base, "focal.kz", language)
    page.goto(base + reverse("exchange:inbox"))
    shot("1-inbox")
    page.locator("[data-testid=open-query]").first.click()
    expect(page.locator("[data-testid=handling]")).to_be_visible()
    shot("1-query")
    # 2. A seizure, its hit, and "Ask": the banner and the pre-filled message.
    page.goto(base + reverse("matching:hits"))
    shot("2-hits")
    page.locator("[data-testid=ask]").first.click()
    expect(page.locator("[data-testid=ask-banner]")).to_contain_text(CONTAINER)
    expect(page.locator("[data-testid=ask-banner]")).to_contain_text("PK")
    assert CONTAINER in page.locator("input[name=subject]").input_value()
    assert CONTAINER in page.locator("textarea[name=body]").input_value()
    shot("2-ask")
    # 3. The analyst's dashboard and the report list its bars open.
    log_in(page, base, "analyst.kz", language)
    page.goto(base + reverse("seizures:dashboard"))
    shot("3-dashboard")
    page.locator("#chart-commodity svg a rect.bar").first.click()
    expect(page.locator("tr[data-testid=report-row]").first).to_be_visible()
    shot("3-reports")
    # 4. Onboarding a member.
    log_in(page, base, "admin", language)
    page.goto(base + reverse("member-onboard"))
    shot("4-onboard")
    # 5. A member admin adding people.
    log_in(page, base, "admin.kz", language)
    page.goto(base + reverse("member-people", args=["KZ"]))
    shot("5-people")
    page.goto(base + reverse("member-person-new", args=["KZ"]))
    shot("5-person-new")
    return shots


def test_the_five_journeys_at_390_px_in_russian_and_1280_px_in_english(offline_page, live_server):
    _network()
    phone = _journeys(offline_page, live_server.url, "ru", PHONE, "phone-ru")
    desktop = _journeys(offline_page, live_server.url, "en", DESKTOP, "desktop-en")
    assert phone == desktop and len(phone) == 9
    assert Hit.objects.filter(for_member__code="KZ").exists()
