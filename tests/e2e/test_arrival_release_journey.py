"""Browser journey on a 390 px phone, in Russian, under Georgia's release policy for its
pre-arrival notices: focal.ge returns officer.ge's notice with a note; the officer copies it
into a new draft (the form pre-filled) and sends it again; the officer uploads a manifest,
which awaits release as one import; focal.ge sees both in the queue, the import with its
summary, and releases the import on its page; focal.uz then sees its notices arrive. No
request may leave 127.0.0.1 (``offline_page``)."""

import pytest
from playwright.sync_api import expect

from arrivals import partitioning
from arrivals.services import notice_file
from members.models import RoleName
from members.releases import release_policy_set
from tests.arrivals.conftest import notice_data
from tests.factories.members import ControlUnitFactory, MemberFactory, member_user

from .test_release_journey import PHONE, _fits, _log_in, _open_menu, _shoot

pytestmark = pytest.mark.e2e

NOTE = "Name the consignee's tax number first."
MANIFEST = (
    "mode,transport_document,transport_document_kind,to_member,to_unit,from_unit,"
    "expected_arrival,place_of_loading,transit_countries,container,seals,hs_code,description,"
    "packages,gross_kg\n"
    "sea,MSKU1,bill_of_lading,UZ,UZ-TAS-PCU,GE-PTI-PCU,2026-12-20T08:00:00Z,GEPTI,AZ;KZ,"
    "MSCU1234566,S1;S2,6907.21,Tiles,10,1000\n"
    "sea,MSKU2,bill_of_lading,UZ,UZ-TAS-PCU,GE-PTI-PCU,2026-12-21T08:00:00Z,GEPTI,AZ;KZ,"
    "TGHU1234567,S3,6907.21,Tiles,12,1200\n"
)


def test_a_returned_notice_is_copied_and_a_held_manifest_released_as_one(
    offline_page, live_server, tmp_path
):
    partitioning.forget_known()
    page = offline_page
    page.set_viewport_size(PHONE)
    base = live_server.url
    ge, uz = MemberFactory(code="GE"), MemberFactory(code="UZ")
    poti = ControlUnitFactory(member=ge, code="GE-PTI-PCU", name="Poti PCU")
    ControlUnitFactory(member=uz, code="UZ-TAS-PCU", name="Tashkent dry port")
    officer_ge = member_user(ge, RoleName.UNIT_OFFICER, control_unit=poti, username="officer.ge")
    member_user(ge, RoleName.FOCAL_POINT, username="focal.ge")
    admin_ge = member_user(ge, RoleName.MEMBER_ADMIN, username="admin.ge")
    member_user(uz, RoleName.FOCAL_POINT, username="focal.uz")
    release_policy_set(member=ge, actor=admin_ge, kinds=["arrival"], handling_codes=["H0"])
    notice = notice_file(author=officer_ge, data=notice_data())
    assert notice.release_state == "awaiting_release"

    # focal.ge returns the notice from its page, with a note.
    _log_in(page, base, "focal.ge")
    page.goto(f"{base}/arrivals/{notice.pk}/")
    page.fill("[data-testid=return-note-input]", NOTE)
    page.click("[data-testid=return-button]")

    # The officer reads the note and copies the notice into a new draft.
    _log_in(page, base, "officer.ge")
    page.goto(f"{base}/arrivals/{notice.pk}/")
    expect(page.locator("[data-testid=release-note]")).to_contain_text(NOTE)
    page.click("[data-testid=copy-into-draft]")
    expect(page.locator("input[name=transport_document]")).to_have_value("MEDU1234567")
    expect(page.locator("input[name=to_member]")).to_have_value("UZ")
    expect(page.locator("textarea[name=containers]")).to_have_value("CSQU3054383 GE123456")
    expect(page.locator("input[name=shipper]")).to_have_value("Black Sea Trading LLC")
    _fits(page)
    _shoot(page, "arrival-1-copy")
    page.fill("input[name=consignee]", "Tashkent Ceramics LLP, TIN 301234567")
    page.click("[data-testid=file-notice]")
    expect(page.locator("[data-testid=release-panel]")).to_have_attribute(
        "data-state", "awaiting_release"
    )
    expect(page.locator("[data-testid=notice-reference]")).not_to_have_text(notice.reference)

    # The officer uploads a manifest: its two notices await release as one import.
    manifest = tmp_path / "manifest.csv"
    manifest.write_text(MANIFEST)
    page.goto(f"{base}/arrivals/import/")
    page.set_input_files("input[name=file]", str(manifest))
    page.click("main form button[type=submit]")
    expect(page.locator("[data-testid=release-panel]")).to_have_attribute(
        "data-state", "awaiting_release"
    )
    job_url = page.url

    # focal.ge: two items in the queue, the import with its summary; released on its page.
    _log_in(page, base, "focal.ge")
    _open_menu(page)
    expect(page.locator("[data-testid=release-count]")).to_have_text("2")
    page.click("[data-testid=release-nav]")
    row = page.locator("[data-testid=release-item][data-kind=arrival_import]")
    expect(row).to_contain_text("GE/manifest.csv")
    expect(row).to_contain_text("UZ")
    _fits(page)
    _shoot(page, "arrival-2-queue")
    row.locator("a").click()
    expect(page.locator("[data-testid=import-release-summary]")).to_be_visible()
    page.click("[data-testid=release-button]")
    expect(page.locator("[data-testid=released-by]")).to_contain_text("focal.ge")
    _shoot(page, "arrival-3-released")
    assert page.url == job_url

    # focal.uz sees the two imported notices arrive, and nothing of the held copy.
    _log_in(page, base, "focal.uz")
    page.goto(f"{base}/arrivals/")
    expect(page.locator("[data-testid=notice-card]")).to_have_count(2)
    _fits(page)
    _shoot(page, "arrival-4-arrived")
    assert page.goto(f"{base}/arrivals/{notice.pk}/").status == 404
