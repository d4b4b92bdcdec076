"""Every main page on a 390×844 phone, as the role that uses it: the document is never wider
than the viewport (wide tables scroll inside their own box), the header folds into a menu
that opens without a script, and chart labels stay at least 11 px.

Set ``IREN_SCREENSHOTS_DIR`` (e.g. ``docs/screenshots``) to save phone screenshots of the
inbox, a query and the dashboard there (phone-inbox.png, phone-query.png,
phone-dashboard.png); the desktop views of the same pages go to /tmp/iren-phone-e2e.
"""

import datetime
import os

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from exchange import services as exchange_services
from members.models import RoleName
from tests.factories.exchange import file_query
from tests.factories.members import PASSWORD, ControlUnitFactory, MemberFactory, member_user
from tests.factories.seizures import SeizureReportFactory

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
DESKTOP_SHOTS = "/tmp/iren-phone-e2e"
LONG_SUBJECT = "Cigarettes declared as paper napkins in a forty-foot high-cube container via Aktau"


def _network():
    kz, uz = MemberFactory(code="KZ"), MemberFactory(code="UZ")
    MemberFactory(code="TJ")
    ControlUnitFactory(member=kz, code="KZ-AKT-PCU", name="Aktau Seaport Port Control Unit")
    ControlUnitFactory(member=kz, code="KZ-ALA-ACCU", name="Almaty Airport Air Cargo Control")
    focal_kz = member_user(kz, RoleName.FOCAL_POINT, username="focal.kz")
    focal_uz = member_user(uz, RoleName.FOCAL_POINT, username="focal.uz")
    member_user(kz, RoleName.ANALYST, username="analyst.kz")
    member_user(kz, RoleName.MEMBER_ADMIN, username="admin.kz")
    from tests.factories.members import network_admin

    network_admin("admin")
    query = file_query(
        focal_kz,
        recipients=("UZ", "TJ"),
        subject=LONG_SUBJECT,
        container_numbers=["CSQU3054383", "MSCU1234566"],
    )
    exchange_services.query_reply(
        query=query,
        user=focal_uz,
        body="We examined the container on arrival in Tashkent. " * 4,
    )
    file_query(focal_uz, recipients=("KZ",), subject="Heroin in a consignment of dried fruit")
    report = None
    for month, commodity, amount in [
        (1, "heroin", 585),
        (3, "consumer-goods", 237000),
        (4, "cigarettes", 5),
        (6, "hookah-tobacco", 1200),
    ]:
        report = SeizureReportFactory(
            reporting_member=kz,
            commodity=commodity,
            quantity=amount,
            unit="kg",
            seized_on=datetime.date(2024, month, 12),
            concealment="false floor of a refrigerated container",
        )
    return query, report


def _log_in(page, base_url, username):
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    expect(page.locator("h1")).to_contain_text("Welcome")


def _log_out(page, base_url):
    page.context.clear_cookies()


def _assert_fits(page, url):
    page.goto(url)
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{url} is {widths[0]} px wide on a {widths[1]} px phone"
    # Chart text is drawn at its own size: no label below 11 px.
    smallest = page.evaluate(
        "() => Math.min(99, ...[...document.querySelectorAll('svg text')]"
        ".map(t => t.getBoundingClientRect().height))"
    )
    assert smallest >= 11, f"{url}: a chart label is {smallest} px high"


def _shoot(page, name):
    folder = os.environ.get("IREN_SCREENSHOTS_DIR")
    if folder:
        os.makedirs(folder, exist_ok=True)
        page.screenshot(path=os.path.join(folder, f"phone-{name}.png"), full_page=True)


def _desktop(page, url, name):
    os.makedirs(DESKTOP_SHOTS, exist_ok=True)
    page.set_viewport_size(DESKTOP)
    page.goto(url)
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], url
    # On a desktop the navigation is spelled out; there is no menu toggle.
    expect(page.locator("[data-testid=menu-toggle]")).to_be_hidden()
    expect(page.locator("header nav a", has_text="Directory")).to_be_visible()
    page.screenshot(path=f"{DESKTOP_SHOTS}/desktop-{name}.png", full_page=True)
    page.set_viewport_size(PHONE)


def test_every_main_page_fits_a_390_px_phone(offline_page, live_server):
    page = offline_page
    page.set_viewport_size(PHONE)
    query, report = _network()
    base = live_server.url

    # focal.kz: the header folds into a menu that opens without a script.
    _log_in(page, base, "focal.kz")
    queries_link = page.locator("header nav a", has_text="Queries")
    expect(queries_link).to_be_hidden()
    page.click("[data-testid=menu-toggle]")
    expect(queries_link).to_be_visible()
    queries_link.click()
    expect(page.locator("h1")).to_have_text("Urgent queries")

    for name in ["inbox", "file", "notifications"]:
        _assert_fits(page, base + reverse(f"exchange:{name}"))
        if name == "inbox":
            expect(page.locator("[data-testid=inbox]")).to_contain_text(query.reference)
            expect(page.locator(".due-in").first).to_contain_text("in ")
            _shoot(page, "inbox")
    _assert_fits(page, base + reverse("exchange:detail", args=[query.pk]))
    expect(page.locator("[data-testid=due-in]")).to_contain_text("in ")
    _shoot(page, "query")
    _desktop(page, base + reverse("exchange:inbox"), "inbox")
    _desktop(page, base + reverse("exchange:detail", args=[query.pk]), "query")
    # Matching's pages, in English and in Russian (longer words): their tables scroll in
    # their own box rather than squeezing eight columns into 390 px, a letter per line.
    for language in ["en", "ru"]:
        page.context.add_cookies([{"name": "django_language", "value": language, "url": base}])
        for name in ["hits", "watchlist", "lookup"]:
            _assert_fits(page, base + reverse(f"matching:{name}"))
        page.goto(base + reverse("matching:hits"))
        # On a phone the hits are stacked cards (no table squeezed into 390 px).
        expect(page.locator("table.cards[data-testid=hits]")).to_have_count(1)
        # The section's tabs wrap as whole words ("Совпадения" was cut to "Совпад / ения"):
        # each tab's text lies on one line (one box per line it covers), and the page's own
        # tab is marked.
        lines = page.evaluate(
            "() => [...document.querySelectorAll('nav.section-nav a')].map(a => {"
            " const range = document.createRange(); range.selectNodeContents(a);"
            " return [a.textContent.trim(), range.getClientRects().length]; })"
        )
        assert len(lines) >= 3 and all(count == 1 for _text, count in lines), lines
        expect(page.locator("nav.section-nav a[aria-current=page]")).to_have_attribute(
            "href", reverse("matching:hits")
        )
    _log_out(page, base)

    # analyst.kz: dashboard, reports, entry and import.
    _log_in(page, base, "analyst.kz")
    for url in [
        reverse("seizures:dashboard"),
        reverse("seizures:report-list"),
        reverse("seizures:report-detail", args=[report.pk]),
        reverse("seizures:report-new"),
        reverse("seizures:import"),
        reverse("seizures:commodities"),
        reverse("seizures:operation-list"),
    ]:
        _assert_fits(page, base + url)
    page.goto(base + reverse("seizures:dashboard"))
    # Linear from zero by default; the logarithmic scale is the reader's choice.
    expect(page.locator("#chart-commodity figcaption").first).not_to_contain_text("logarithmic")
    page.goto(base + reverse("seizures:dashboard") + "?scale=log")
    expect(page.locator("#chart-commodity figcaption").first).to_contain_text("logarithmic")
    _shoot(page, "dashboard")
    _desktop(page, base + reverse("seizures:dashboard"), "dashboard")
    # Russian words are longer: the same pages still fit, with Russian data names.
    page.context.add_cookies([{"name": "django_language", "value": "ru", "url": base}])
    _assert_fits(page, base + reverse("seizures:dashboard"))
    expect(page.locator("#chart-commodity")).to_contain_text("Героин")
    _assert_fits(page, base + reverse("seizures:report-new"))
    page.screenshot(path=f"{DESKTOP_SHOTS}/phone-ru-dashboard.png", full_page=True)
    _log_out(page, base)

    # A KZ member admin: directory, people and units.
    _log_in(page, base, "admin.kz")
    for url in [
        reverse("directory"),
        reverse("member-detail", args=["KZ"]),
        reverse("member-people", args=["KZ"]),
        reverse("member-person-new", args=["KZ"]),
        reverse("member-units", args=["KZ"]),
    ]:
        _assert_fits(page, base + url)
    _log_out(page, base)

    # The network admin: onboarding and the network figures.
    _log_in(page, base, "admin")
    for url in [reverse("member-onboard"), reverse("exchange:figures"), reverse("directory")]:
        _assert_fits(page, base + url)
    _desktop(page, base + reverse("exchange:figures"), "figures")


def test_a_printed_query_shows_content_handling_and_thread_without_navigation(
    offline_page, live_server
):
    page = offline_page
    query, report = _network()
    _log_in(page, live_server.url, "focal.kz")
    page.goto(live_server.url + reverse("exchange:detail", args=[query.pk]))
    page.emulate_media(media="print")
    expect(page.locator("[data-testid=handling]")).to_be_visible()
    expect(page.locator("h1")).to_contain_text(query.reference)
    expect(page.locator("article.reply").first).to_contain_text("We examined the container")
    expect(page.locator("header.portal-header")).to_be_hidden()
    expect(page.locator("[data-testid=reply-form]")).to_be_hidden()
    assert page.locator("main button:visible, main [role=button]:visible").count() == 0
    page.emulate_media(media="screen")
    expect(page.locator("header.portal-header")).to_be_visible()

    _log_out(page, live_server.url)
    _log_in(page, live_server.url, "analyst.kz")
    page.goto(live_server.url + reverse("seizures:report-detail", args=[report.pk]))
    page.emulate_media(media="print")
    expect(page.locator("h1")).to_contain_text(report.reference)
    expect(page.locator(".seizures-nav")).to_be_hidden()
    expect(page.locator("header.portal-header")).to_be_hidden()
