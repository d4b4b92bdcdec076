"""An expired session loses nothing: at 390 px in Russian, focal.kz half-writes a query, the
session ends on the server, "File the query" leads to the login page, and the login brings
them back to the form with subject, message and recipient restored from the browser's draft
and a message saying that the session had ended. A successful filing forgets the draft. The
same holds for a Georgian officer's pre-arrival notice."""

import time
from datetime import timedelta

import pytest
from django.contrib.sessions.backends.cached_db import SessionStore
from django.utils import timezone, translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from accounts import sessions
from arrivals import partitioning
from arrivals.models import ArrivalNotice
from members.models import RoleName
from tests.factories.members import PASSWORD, ControlUnitFactory, MemberFactory, member_user

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
SUBJECT = "Сигареты под видом бумажных салфеток"
BODY = "Контейнер прибывает в Ташкент завтра; просим досмотреть."


SESSION_ENDED = (
    "Your session had ended, so you were asked to log in again. You are back "
    "where you were; what you had typed in a form is restored."
)


def _russian(message: str) -> str:
    with translation.override("ru"):
        return gettext(message)


def _log_in(page, username):
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")


def _expire_session_on_server(page, settings):
    """The browser keeps its cookie; on the server the session has been idle too long."""
    cookie = next(c for c in page.context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME)
    store = SessionStore(session_key=cookie["value"])
    store[sessions.SEEN_AT] = time.time() - (settings.SESSION_IDLE_TIMEOUT_MINUTES + 1) * 60
    store.save()


def test_expired_session_brings_the_officer_back_to_the_query_with_the_draft(
    offline_page, live_server, settings
):
    page = offline_page
    kz = MemberFactory(code="KZ")
    MemberFactory(code="UZ")
    member_user(kz, RoleName.FOCAL_POINT, username="focal.kz")
    page.set_viewport_size(PHONE)
    base = live_server.url
    page.context.add_cookies([{"name": "django_language", "value": "ru", "url": base}])

    page.goto(f"{base}/accounts/login/")
    _log_in(page, "focal.kz")
    page.goto(f"{base}/queries/new/")
    page.check("input[name=recipients][value=UZ]")
    page.fill("input[name=subject]", SUBJECT)
    page.fill("textarea[name=body]", BODY)

    _expire_session_on_server(page, settings)
    page.click("[data-testid=query-form] button[type=submit]")

    # The login page says why it is shown, and will lead back to the form.
    expect(page.locator("main input[name=next]")).to_have_value("/queries/new/")
    expect(page.locator("main [role=status]").first).to_contain_text(
        _russian(
            "Your session has expired. Please log in again: you will come back to the "
            "page you were on, with what you had typed."
        )
    )
    _log_in(page, "focal.kz")

    expect(page).to_have_url(f"{base}/queries/new/")
    expect(page.locator("main .message")).to_contain_text(_russian(SESSION_ENDED))
    expect(page.locator("[data-testid=draft-restored]")).to_be_visible()
    expect(page.locator("input[name=subject]")).to_have_value(SUBJECT)
    expect(page.locator("textarea[name=body]")).to_have_value(BODY)
    expect(page.locator("input[name=recipients][value=UZ]")).to_be_checked()
    page.screenshot(path="/tmp/iren-drafts-restored.png", full_page=True)

    # Filed: the draft is forgotten, the next blank form stays blank.
    page.click("[data-testid=query-form] button[type=submit]")
    expect(page.locator("[data-testid=handling]")).to_be_visible()
    page.goto(f"{base}/queries/new/")
    expect(page.locator("input[name=subject]")).to_have_value("")
    expect(page.locator("[data-testid=draft-restored]")).to_have_count(0)
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('iren-draft:'))") == []

    # The first Tab reaches the skip link, which shows and leads to the content.
    page.keyboard.press("Tab")
    skip = page.locator("[data-testid=skip-link]")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()


def test_expired_session_brings_the_officer_back_to_the_notice_with_the_draft(
    offline_page, live_server, settings
):
    partitioning.forget_known()
    page = offline_page
    ge, uz = MemberFactory(code="GE"), MemberFactory(code="UZ")
    poti = ControlUnitFactory(member=ge, code="GE-PTI-PCU", name="Poti PCU")
    ControlUnitFactory(member=uz, code="UZ-TAS-PCU", name="Tashkent dry port")
    member_user(ge, RoleName.UNIT_OFFICER, control_unit=poti, username="officer.ge")
    page.set_viewport_size(PHONE)
    base = live_server.url
    page.context.add_cookies([{"name": "django_language", "value": "ru", "url": base}])
    arrival = (timezone.localtime() + timedelta(days=5)).strftime("%Y-%m-%d %H:%M")
    typed = {
        "input[name=to_member]": "UZ",
        "input[name=to_unit]": "UZ-TAS-PCU",
        "input[name=transport_document]": "MEDU1234567",
        "input[name=expected_arrival]": arrival,
        "input[name=consignee]": "ООО «Ташкентская керамика»",
        "textarea[name=containers]": "CSQU3054383 GE123456",
    }

    page.goto(f"{base}/accounts/login/")
    _log_in(page, "officer.ge")
    page.goto(f"{base}/arrivals/new/")
    for field, value in typed.items():
        page.fill(field, value)
    page.select_option("select[name=mode]", "road")
    page.select_option("select[name=transport_document_kind]", "cmr")

    _expire_session_on_server(page, settings)
    page.click("[data-testid=file-notice]")

    expect(page.locator("main input[name=next]")).to_have_value("/arrivals/new/")
    _log_in(page, "officer.ge")

    expect(page).to_have_url(f"{base}/arrivals/new/")
    expect(page.locator("main .message")).to_contain_text(_russian(SESSION_ENDED))
    expect(page.locator("[data-testid=notice-form] [data-testid=draft-restored]")).to_be_visible()
    for field, value in typed.items():
        expect(page.locator(field)).to_have_value(value)
    expect(page.locator("select[name=mode]")).to_have_value("road")
    expect(page.locator("select[name=transport_document_kind]")).to_have_value("cmr")
    assert not ArrivalNotice.objects.exists()

    # Sent: the draft is forgotten, the next blank form stays blank.
    page.click("[data-testid=file-notice]")
    expect(page.locator("[data-testid=notice-reference]")).to_be_visible()
    notice = ArrivalNotice.objects.get()
    assert (notice.to_member.code, notice.mode, notice.consignee) == (
        "UZ",
        "road",
        typed["input[name=consignee]"],
    )
    page.goto(f"{base}/arrivals/new/")
    expect(page.locator("input[name=transport_document]")).to_have_value("")
    expect(page.locator("select[name=mode]")).to_have_value("sea")
    expect(page.locator("[data-testid=draft-restored]")).to_have_count(0)
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('iren-draft:'))") == []
