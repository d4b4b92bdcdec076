"""A file chosen again after an error is filed once: at 390 px in Russian, focal.kz forgets
the subject, sees bill.pdf kept at the file field, chooses bill.pdf again and files; the
query has one bill.pdf. The kept list's "Remove" takes a file away without filing."""

import pytest
from playwright.sync_api import expect

from exchange.models import Attachment, Query
from members.models import RoleName
from tests.e2e.browser import log_in
from tests.factories.members import MemberFactory, member_user

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}


def _pdf(name, text):
    return {"name": name, "mimeType": "application/pdf", "buffer": f"%PDF-1.4 {text}\n".encode()}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_a_file_chosen_again_after_an_error_is_attached_once(offline_page, live_server):
    page = offline_page
    kz = MemberFactory(code="KZ")
    MemberFactory(code="UZ")
    member_user(kz, RoleName.FOCAL_POINT, username="focal.kz")
    page.set_viewport_size(PHONE)
    base = live_server.url
    log_in(page, base, "focal.kz", "ru")

    page.goto(f"{base}/queries/new/")
    page.check("input[name=recipients][value=UZ]")
    page.fill("textarea[name=body]", "Просим досмотреть.")
    page.set_input_files("input[name=attachments]", [_pdf("bill.pdf", "v1"), _pdf("list.pdf", "x")])
    page.click("[data-testid=query-form] button[type=submit]:visible >> nth=-1")
    kept = page.locator("[data-testid=pending-upload]")
    expect(kept).to_have_count(2)
    # Listed at the file field, not at the bottom of the form.
    field = page.locator("input[name=attachments]")
    assert abs(field.bounding_box()["y"] - kept.first.bounding_box()["y"]) < 400

    page.locator("[data-testid=pending-uploads] li", has_text="list.pdf").locator(
        "[data-testid=remove-upload]"
    ).click()
    expect(kept).to_have_count(1)
    expect(kept).to_have_text("bill.pdf")
    assert not Query.objects.exists()

    page.fill("input[name=subject]", "Накладная исправлена")
    page.set_input_files("input[name=attachments]", [_pdf("bill.pdf", "v2")])
    page.screenshot(path="/tmp/iren-reattach.png", full_page=True)
    page.click("[data-testid=query-form] button[type=submit]:visible >> nth=-1")
    expect(page.locator("[data-testid=handling]")).to_be_visible()
    [attachment] = Attachment.objects.filter(query=Query.objects.get())
    assert attachment.original_name == "bill.pdf"
    with attachment.file.open("rb") as handle:
        assert b"v2" in handle.read()
