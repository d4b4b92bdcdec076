"""Browser journey of the audit trail: focal.kz files a query with an attachment to UZ through
the filing form; focal.uz opens it and downloads the attachment; focal.kz then sees both
accesses in the query's access history; KZ's member admin finds the same events on the audit
page filtered by the query's reference. No request may leave 127.0.0.1."""

import pytest
from playwright.sync_api import expect

from members.models import AuditEvent, RoleName
from tests.factories.members import MemberFactory, member_user

from .test_exchange_journey import log_in, log_out

pytestmark = pytest.mark.e2e

SCREENSHOTS = "/tmp/iren-audit-e2e"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_kz_sees_who_at_uz_opened_and_downloaded_its_query(offline_page, live_server, tmp_path):
    page = offline_page
    kz, uz = MemberFactory(code="KZ"), MemberFactory(code="UZ")
    member_user(kz, RoleName.FOCAL_POINT, username="focal.kz")
    member_user(uz, RoleName.FOCAL_POINT, username="focal.uz")
    member_user(kz, RoleName.MEMBER_ADMIN, username="manager.kz")
    bill = tmp_path / "bill-of-lading.pdf"
    bill.write_bytes(b"%PDF-1.4\n% bill of lading CSQU3054383\n")

    # focal.kz files a query to UZ with the bill of lading attached.
    log_in(page, live_server.url, "focal.kz")
    page.click("header >> text=Queries")
    page.click("text=File a query")
    page.check("input[name=recipients][value=UZ]")
    page.select_option("select[name=kind]", "request")
    page.select_option("select[name=priority]", "urgent")
    page.check("input[name=handling_code][value=H2]")
    page.select_option("select[name=source_evaluation]", "B")
    page.select_option("select[name=information_evaluation]", "2")
    page.fill("input[name=subject]", "Bill of lading to check")
    page.fill("textarea[name=body]", "Please check the attached bill of lading.")
    page.fill("input[name=container_numbers]", "CSQU3054383")
    page.set_input_files("input[name=attachments]", str(bill))
    page.click("main form button[type=submit]")
    expect(page.locator("[role=status]")).to_contain_text("was filed")
    reference = page.locator("h1").inner_text().split(":")[0]
    assert reference.startswith("IREN-KZ-")
    # Nobody at UZ has opened it yet (focal.kz's own read is on record too).
    expect(page.locator("#access-history")).not_to_contain_text("focal.uz")
    query_url = page.url
    log_out(page, "focal.kz")

    # focal.uz opens it and downloads the attachment.
    log_in(page, live_server.url, "focal.uz")
    page.goto(query_url)
    expect(page.locator("h1")).to_contain_text(reference)
    # Only the owner's side sees the access history.
    expect(page.locator("#access-history")).to_have_count(0)
    with page.expect_download() as download_info:
        page.click("main a:has-text('bill-of-lading.pdf')")
    download = download_info.value
    assert download.suggested_filename == "bill-of-lading.pdf"
    assert open(download.path(), "rb").read() == bill.read_bytes()
    log_out(page, "focal.uz")

    # focal.kz sees both accesses in the query's access history.
    log_in(page, live_server.url, "focal.kz")
    page.goto(query_url)
    by_uz = page.locator("#access-history tbody tr").filter(has_text="focal.uz")
    expect(by_uz).to_have_count(2)
    expect(by_uz.filter(has_text="Read")).to_contain_text("UZ")
    expect(by_uz.filter(has_text="Downloaded an attachment")).to_contain_text("UZ")
    page.screenshot(path=f"{SCREENSHOTS}/1-access-history.png", full_page=True)
    log_out(page, "focal.kz")

    # KZ's member admin finds the same events on the audit page, filtered by the reference.
    log_in(page, live_server.url, "manager.kz")
    page.click("header >> text=Audit")
    page.fill("input[name=object]", reference)
    page.click("main form.filters button[type=submit]")
    rows = page.locator("main table tbody tr")
    # Each event reads as a sentence naming who did what to which query.
    read = f"focal.uz read query {reference}"
    download = f"focal.uz downloaded an attachment of {reference}"
    expect(rows.filter(has_text=read)).to_have_count(1)
    expect(rows.filter(has_text=download)).to_have_count(1)
    expect(rows.filter(has_text=f"focal.kz filed query {reference}")).to_have_count(1)
    expect(rows.filter(has_text=f"focal.kz attached a file to {reference}")).to_have_count(1)
    for sentence in (read, download):
        expect(rows.filter(has_text=sentence)).to_contain_text("KZ, UZ")
    expect(page.locator("main table")).not_to_contain_text("query.read")
    page.screenshot(path=f"{SCREENSHOTS}/2-audit-page.png", full_page=True)
    # What the page shows is what was recorded: one read and one download by focal.uz.
    recorded = AuditEvent.objects.filter(object_reference=reference, actor__username="focal.uz")
    assert sorted(recorded.values_list("action", flat=True)) == [
        "attachment.download",
        "query.read",
    ]
    expect(rows).to_have_count(AuditEvent.objects.filter(object_reference=reference).count())
