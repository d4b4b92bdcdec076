"""The unfiltered inbox shows a filter form drawn once per language and vocabulary
generation: it follows the language asked for, a new member appears in its country list at
once, and a filtered inbox still shows the form bound to what was asked."""

import pytest

from tests.factories.members import MemberFactory

pytestmark = pytest.mark.django_db

INBOX = "/queries/"


def _filters(response) -> str:
    content = response.content.decode()
    assert response.status_code == 200
    start = content.index('<details class="filters-fold">')
    return content[start : content.index("</details>", start)]


def test_unfiltered_form_follows_the_language(client, focal_kz):
    client.force_login(focal_kz)
    english = _filters(client.get(INBOX))
    russian = _filters(client.get(INBOX, HTTP_ACCEPT_LANGUAGE="ru"))
    again = _filters(client.get(INBOX, HTTP_ACCEPT_LANGUAGE="en"))
    assert "Any country" in english and "Filter the queries" in english
    assert "Any country" not in russian
    assert "Фильтр" in russian or "фильтр" in russian
    assert again == english


def test_a_new_member_appears_in_the_unfiltered_form_at_once(client, focal_kz):
    client.force_login(focal_kz)
    assert '<option value="TM">' not in _filters(client.get(INBOX))
    MemberFactory(code="TM")
    assert '<option value="TM">Turkmenistan</option>' in _filters(client.get(INBOX))
    russian = _filters(client.get(INBOX, HTTP_ACCEPT_LANGUAGE="ru"))
    assert '<option value="TM">Туркменистан</option>' in russian


def test_a_filtered_inbox_shows_the_form_bound(client, focal_kz, uz):
    client.force_login(focal_kz)
    form = _filters(client.get(INBOX, {"country": "UZ", "sort": "due"}))
    assert '<option value="UZ" selected>' in form
    assert 'data-testid="active-filters"' in form
    assert '<input type="hidden" name="sort" value="due">' in form
    unfiltered = _filters(client.get(INBOX))
    assert " selected>" not in unfiltered.replace('<option value="" selected>', "")
    assert 'data-testid="active-filters"' not in unfiltered
    assert 'name="sort"' not in unfiltered
