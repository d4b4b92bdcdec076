"""Quantities, values and amounts as people write them in the active language: Russian
"2,5", "1 200 000,5", "1 200 000" (ordinary or non-breaking spaces), English "1,200,000.5".
They are echoed back as typed when the form comes back; a number that cannot be read
("1,2,3") is refused with an example of how to write it; the API keeps JSON numbers. A
container number whose only fault is its check digit names the right digit, as in a query."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from core.numbers import example, parse_local_number
from seizures.models import SeizureReport

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"
FORM = {
    "reference": "KZ-N-1",
    "member": "KZ",
    "seized_on": "2024-02-01",
    "transport_mode": "sea-container",
    "commodity": "heroin",
    "unit": "kg",
    "sharing": "national",
    "persons_detained": "0",
}


def post(client, language, **fields):
    client.cookies["django_language"] = language
    return client.post(reverse("seizures:report-new"), {**FORM, **fields})


@pytest.mark.parametrize(
    ("language", "typed", "number"),
    [
        ("ru", "2,5", Decimal("2.5")),
        ("ru", "1 200 000,5", Decimal("1200000.5")),
        ("ru", "1 200 000", Decimal("1200000")),
        ("ru", f"1{NBSP}200{NBSP}000,5", Decimal("1200000.5")),
        ("ru", "2.5", Decimal("2.5")),
        ("en", "1,200,000.5", Decimal("1200000.5")),
        ("en", "2.5", Decimal("2.5")),
        ("en", "1200000", Decimal("1200000")),
    ],
)
def test_the_active_languages_separators_are_read(client, analyst_kz, language, typed, number):
    client.force_login(analyst_kz)
    response = post(
        client, language, quantity=typed, estimated_value_usd=typed, revenue_recovered_usd=typed
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    report = SeizureReport.objects.get(reference="KZ-N-1")
    assert report.quantity == number
    assert report.estimated_value_usd == number
    assert report.revenue_recovered_usd == number


@pytest.mark.parametrize(("language", "typed"), [("ru", "1,2,3"), ("en", "1,2,3"), ("en", "2,5")])
def test_an_unreadable_number_is_refused_with_an_example_and_echoed_as_typed(
    client, analyst_kz, language, typed
):
    client.force_login(analyst_kz)
    response = post(client, language, quantity=typed, reference="")
    page = response.content.decode()
    with translation.override(language):
        shown = example()
    assert f"Write it like {shown}" in page or shown in page
    assert 'data-field="quantity"' in page
    assert f'value="{typed}"' in page
    assert "use a point as the decimal separator" not in page
    assert not SeizureReport.objects.exists()


def test_a_russian_number_is_echoed_as_typed_when_another_field_is_wrong(client, analyst_kz):
    client.force_login(analyst_kz)
    response = post(client, "ru", quantity="1 200 000,5", commodity="")
    page = response.content.decode()
    assert 'value="1 200 000,5"' in page
    assert 'data-field="quantity"' not in page


@pytest.mark.parametrize(
    ("language", "typed"),
    [("ru", "1 2 3"), ("ru", "12 34"), ("ru", "2,"), ("en", "1,2345"), ("en", "1.2.3")],
)
def test_wrong_groups_are_refused_rather_than_guessed(language, typed):
    with translation.override(language), pytest.raises(ValueError):
        parse_local_number(typed)


def test_the_api_keeps_json_numbers(client, analyst_kz):
    client.force_login(analyst_kz)
    post(client, "ru", quantity="2,5")
    report = SeizureReport.objects.get(reference="KZ-N-1")
    data = client.get(reverse("seizure-detail", args=[report.pk])).json()
    assert data["quantity"] == 2.5


def test_the_form_names_the_right_check_digit_of_a_container(client, analyst_kz):
    client.force_login(analyst_kz)
    response = post(client, "en", quantity="1", container_number="CSQU3054384")
    assert "by ISO 6346 the last digit should be 3" in response.content.decode()
