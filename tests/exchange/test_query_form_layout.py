"""The filing form as a focal point thinks: recipients and priority first, then subject and
message, then the consignment, then handling and evaluation with each handling code's effect
beside it; control units name their member (the page offers only the recipients' units) and
the officer's own unit is the default sender; "Ask <member>" from a hit says what the query
is about and pre-fills subject and message."""

import html
import re

import pytest
from django.urls import reverse

from matching.models import Hit
from members.models import RoleName
from tests.factories.members import ControlUnitFactory, member_user
from tests.matching.conftest import CONTAINER, kz_report, tj_query

pytestmark = pytest.mark.django_db


def _page(client, user, **params):
    client.force_login(user)
    response = client.get(reverse("exchange:file"), params)
    assert response.status_code == 200
    return response.content.decode()


def _position(page: str, name: str) -> int:
    match = re.search(rf'name="{name}"', page)
    assert match, name
    return match.start()


def test_the_form_reads_in_the_order_a_focal_point_thinks(client, kz, uz, focal_kz):
    page = _page(client, focal_kz)
    order = [
        "recipients",
        "priority",
        "subject",
        "body",
        "container_numbers",
        "handling_code",
        "source_evaluation",
        "attachments",
    ]
    positions = [_position(page, name) for name in order]
    assert positions == sorted(positions), dict(zip(order, positions, strict=True))


def test_each_handling_code_states_its_effect_beside_it(client, kz, uz, focal_kz):
    page = _page(client, focal_kz)
    effects = dict(re.findall(r'data-code="(H\d)">([^<]+)<', page))
    assert sorted(effects) == ["H0", "H1", "H2", "H3"]
    assert "Only the recipients learn of it through matching" in effects["H2"]
    assert "No member learns of it through matching" in effects["H3"]
    assert re.search(r'<input type="radio" name="handling_code" value="H0"[^>]*checked', page)


def test_control_units_name_their_member_for_the_page_to_filter(client, kz, uz, tj, focal_kz):
    ControlUnitFactory(member=uz, code="UZ-TAS-ACCU")
    ControlUnitFactory(member=tj, code="TJ-DYU-ACCU")
    page = _page(client, focal_kz)
    assert re.search(r'<option value="UZ-TAS-ACCU" data-member="UZ"', page)
    assert re.search(r'<option value="TJ-DYU-ACCU" data-member="TJ"', page)
    assert "js/query_form.js" in page


def test_a_unit_officer_files_from_their_own_unit_by_default(client, kz, uz):
    unit = ControlUnitFactory(member=kz, code="KZ-AKT-PCU", name="Aktau Seaport")
    officer = member_user(kz, RoleName.UNIT_OFFICER, control_unit=unit)
    page = _page(client, officer)
    select = re.search(r'<select name="sender_unit".*?</select>', page, re.S).group(0)
    assert re.search(r'<option value="KZ-AKT-PCU" selected>', select), select


def test_ask_from_a_hit_shows_what_it_is_about_and_prefills_the_message(
    client, kz, uz, tj, focal_tj
):
    kz_report(kz)
    own = tj_query(focal_tj)
    hit = Hit.objects.get(for_member__code="TJ", kind="container")
    page = html.unescape(_page(client, focal_tj, hit=hit.pk))
    banner = re.search(r'data-testid="ask-banner"><strong>(.*?)</strong>', page).group(1)
    assert banner == f"About container {CONTAINER}, held by KZ"
    subject = re.search(r'name="subject" value="([^"]*)"', page).group(1)
    assert subject == f"About container {CONTAINER}"
    body = re.search(r'<textarea name="body"[^>]*>(.*?)</textarea>', page, re.S).group(1)
    assert CONTAINER in body and own.reference in body
    assert re.search(r'name="recipients" value="KZ"[^>]*checked', page)


def test_ask_banner_stays_when_the_form_comes_back_with_errors(client, kz, uz, tj, focal_tj):
    kz_report(kz)
    tj_query(focal_tj)
    hit = Hit.objects.get(for_member__code="TJ", kind="container")
    client.force_login(focal_tj)
    response = client.post(reverse("exchange:file"), {"hit": hit.pk, "recipients": ["KZ"]})
    assert response.status_code == 200
    assert f"About container {CONTAINER}, held by KZ" in html.unescape(response.content.decode())
