"""A checkbox's help text sits below its label, never over it: on the seizure report form and
the query form, "Exclude from matching" (its box and its words) and the help text under it
("Other members never learn of this report…") take boxes of their own, at 390 px in Russian
and at 1280 px in English. The help text is the checkbox's accessible description."""

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from members.models import RoleName
from tests.e2e.browser import log_in
from tests.factories.members import MemberFactory, member_user

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

#: The boxes the label's own lines and its checkbox take, and those of the help text's lines:
#: each rectangle of rendered text, so that a help text inside the label is measured by its
#: words, not by the label's box around it.
_BOXES = """([input, help]) => {
  const label = input.closest('label') || document.querySelector(`label[for="${input.id}"]`);
  const rects = (node, skip) => {
    const found = [];
    const walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const text = walker.currentNode;
      if (!text.textContent.trim() || (skip && skip.contains(text))) continue;
      const range = document.createRange();
      range.selectNodeContents(text);
      for (const r of range.getClientRects()) {
        if (r.width > 0 && r.height > 0) found.push([r.left, r.top, r.right, r.bottom]);
      }
    }
    return found;
  };
  const box = input.getBoundingClientRect();
  return {
    label: [[box.left, box.top, box.right, box.bottom], ...rects(label, help)],
    labelText: rects(label, help).length,
    help: rects(help, null),
  };
}"""


def _overlap(a, b) -> bool:
    """Two rectangles (left, top, right, bottom) share more than a hairline."""
    return min(a[2], b[2]) - max(a[0], b[0]) > 0.5 and min(a[3], b[3]) - max(a[1], b[1]) > 0.5


@pytest.mark.parametrize(
    ("language", "size"), [("ru", PHONE), ("en", DESKTOP)], ids=["390-ru", "1280-en"]
)
@pytest.mark.parametrize(
    ("url_name", "help_text"),
    [
        (
            "seizures:report-new",
            "Other members never learn of this report through cross-country matching.",
        ),
        (
            "exchange:file",
            "Other members never learn of this query through cross-country matching.",
        ),
    ],
    ids=["seizure-form", "query-form"],
)
def test_exclude_from_matching_and_its_help_text_do_not_overlap(
    offline_page, live_server, language, size, url_name, help_text
):
    kz = MemberFactory(code="KZ")
    MemberFactory(code="UZ")
    member_user(kz, RoleName.FOCAL_POINT, username="focal.kz")
    page = offline_page
    page.set_viewport_size(size)
    base = live_server.url
    log_in(page, base, "focal.kz", language)
    page.goto(base + reverse(url_name))
    with translation.override(language):
        label_text, help_text = gettext("Exclude from matching"), gettext(help_text)

    checkbox = page.locator("input[type=checkbox][name=exclude_from_matching]")
    checkbox.scroll_into_view_if_needed()
    expect(checkbox).to_be_visible()
    # The help text is the one the checkbox names as its description.
    help_id = checkbox.get_attribute("aria-describedby")
    assert help_id, "the checkbox has no description"
    help_box = page.locator(f"[id='{help_id.split()[0]}']")
    expect(help_box).to_be_visible()
    expect(help_box).to_have_text(help_text)
    expect(page.get_by_label(label_text, exact=True)).to_have_count(1)

    boxes = page.evaluate(_BOXES, [checkbox.element_handle(), help_box.element_handle()])
    assert boxes["labelText"] and boxes["help"], boxes
    overlaps = [
        (label, help_)
        for label in boxes["label"]
        for help_ in boxes["help"]
        if _overlap(label, help_)
    ]
    assert overlaps == [], f"{url_name} at {size['width']} px in {language}: {overlaps}"
    # Nothing of either is outside the page's width.
    for left, _top, right, _bottom in boxes["label"] + boxes["help"]:
        assert left >= 0 and right <= size["width"], (left, right)
