"""The unfiltered dashboard and report list show a filter form drawn once per language and
vocabulary generation: it follows the language asked for, a new commodity appears in it at
once, and a filtered page still shows the form bound to what was asked."""

import pytest

from seizures.models import Commodity
from seizures.models.vocabulary import Category
from tests.factories.seizures import SeizureReportFactory

pytestmark = pytest.mark.django_db

PAGES = ["/seizures/", "/seizures/reports/"]


def _filters(response) -> str:
    content = response.content.decode()
    assert response.status_code == 200
    start = content.index('<details class="filters-fold">')
    return content[start : content.index("</details>", start)]


@pytest.mark.parametrize("path", PAGES)
def test_unfiltered_form_follows_the_language(client, analyst_kz, path):
    client.force_login(analyst_kz)
    english = _filters(client.get(path))
    russian = _filters(client.get(path, HTTP_ACCEPT_LANGUAGE="ru"))
    again = _filters(client.get(path, HTTP_ACCEPT_LANGUAGE="en"))
    assert "Apply filters" in english
    assert "Применить фильтры" in russian
    assert "Apply filters" not in russian
    assert again == english


@pytest.mark.parametrize("path", PAGES)
def test_a_new_commodity_appears_in_the_unfiltered_form_at_once(client, analyst_kz, path):
    client.force_login(analyst_kz)
    assert "Khat leaves" not in _filters(client.get(path))
    Commodity.objects.create(
        code="khat-test",
        name="Khat leaves",
        name_ru="Листья ката",
        category=Category.NARCOTICS,
        allows_mass=True,
    )
    assert '<option value="khat-test">Khat leaves</option>' in _filters(client.get(path))
    russian = _filters(client.get(path, HTTP_ACCEPT_LANGUAGE="ru"))
    assert '<option value="khat-test">Листья ката</option>' in russian


@pytest.mark.parametrize("path", PAGES)
def test_a_filtered_page_shows_the_form_bound(client, analyst_kz, kz, path):
    SeizureReportFactory(reporting_member=kz)
    client.force_login(analyst_kz)
    form = _filters(client.get(path, {"member": "KZ"}))
    assert '<option value="KZ" selected>' in form
    assert 'data-testid="active-filters"' in form
    unfiltered = _filters(client.get(path))
    assert "selected>" not in unfiltered.replace('<option value="" selected>', "")
    assert 'data-testid="active-filters"' not in unfiltered
