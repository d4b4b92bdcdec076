"""Russian on the data side: commodities from their ``name_ru``, countries from
django-countries' translations (the 249-country transit list included), units translated."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from seizures.models import Commodity
from tests.factories.seizures import SeizureReportFactory

pytestmark = pytest.mark.django_db


def _get(client, user, url, language="ru"):
    client.force_login(user)
    client.cookies["django_language"] = language
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_seeded_commodities_carry_a_russian_name():
    heroin = Commodity.objects.get(code="heroin")
    assert heroin.name_ru == "Героин"
    assert not Commodity.objects.filter(name_ru="").exists()
    assert heroin.display_name == "Heroin"
    with translation.override("ru"):
        assert heroin.display_name == str(heroin) == "Героин"


def test_a_commodity_without_a_russian_name_falls_back_to_english():
    commodity = Commodity.objects.create(
        code="khat", name="Khat", category="narcotics", allows_mass=True
    )
    with translation.override("ru"):
        assert commodity.display_name == "Khat"


def test_dashboard_labels_commodities_and_members_in_russian(client, analyst_kz, kz):
    SeizureReportFactory(reporting_member=kz, commodity="heroin", quantity=585, unit="kg")
    content = _get(client, analyst_kz, reverse("seizures:dashboard"))
    commodity_chart = re.search(r'id="chart-commodity".*?</section>', content, re.S).group(0)
    assert "Героин" in commodity_chart
    assert "Heroin" not in commodity_chart
    member_chart = re.search(r'id="chart-member".*?</section>', content, re.S).group(0)
    assert "Казахстан" in member_chart


def test_dashboard_in_english_keeps_english_names(client, analyst_kz, kz):
    SeizureReportFactory(reporting_member=kz, commodity="heroin", quantity=585, unit="kg")
    content = _get(client, analyst_kz, reverse("seizures:dashboard"), language="en")
    assert "Heroin" in content and "Героин" not in content


def test_the_transit_country_list_is_russian_in_russian(client, analyst_kz):
    content = _get(client, analyst_kz, reverse("seizures:report-new"))
    transit = re.search(r'<select name="transit_countries".*?</select>', content, re.S).group(0)
    assert len(re.findall(r"<option ", transit)) >= 249
    assert ">Казахстан</option>" in transit
    assert ">Kazakhstan</option>" not in transit


def test_the_transit_country_list_is_english_in_english(client, analyst_kz):
    content = _get(client, analyst_kz, reverse("seizures:report-new"), language="en")
    transit = re.search(r'<select name="transit_countries".*?</select>', content, re.S).group(0)
    assert ">Kazakhstan</option>" in transit


def test_commodity_page_names_commodities_and_admissible_units_for_people(client, analyst_kz):
    content = _get(client, analyst_kz, reverse("seizures:commodities"), language="en")
    assert "<td>Mass, Count</td>" in content
    content = _get(client, analyst_kz, reverse("seizures:commodities"))
    assert "<td>Метамфетамин</td>" in content


def test_api_gives_the_commodity_name_in_the_request_language(client, analyst_kz, kz):
    report = SeizureReportFactory(reporting_member=kz, commodity="heroin")
    client.force_login(analyst_kz)
    response = client.get(f"/api/v1/seizures/{report.pk}/", HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 200
    assert response.json()["commodity_name"] == "Героин"
