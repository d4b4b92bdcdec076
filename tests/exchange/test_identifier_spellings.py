"""A query reads consignment identifiers as matching keys them (``core.identifiers``): any
spelling matching accepts, a query accepts and stores as its key; what matching refuses, a
query refuses with its own message."""

import pytest

from core.identifiers import IdentifierKind, normalise
from tests.factories.exchange import file_query

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("field", "kind", "spelling"),
    [
        ("bill_of_lading_numbers", IdentifierKind.BILL_OF_LADING, "MEDU 1234567"),
        ("bill_of_lading_numbers", IdentifierKind.BILL_OF_LADING, "medu/1234-567"),
        ("air_waybill_numbers", IdentifierKind.AIR_WAYBILL, "176.12345675"),
        ("air_waybill_numbers", IdentifierKind.AIR_WAYBILL, "176 1234 5675"),
    ],
)
def test_a_spelling_matching_accepts_is_stored_as_its_key(focal_kz, uz, field, kind, spelling):
    query = file_query(focal_kz, **{field: [spelling]})
    assert getattr(query, field) == [normalise(kind, spelling)]


@pytest.mark.parametrize(
    ("field", "spelling", "words"),
    [
        ("air_waybill_numbers", "176-12345674", "check digit"),
        ("air_waybill_numbers", "17612345", "not an air waybill"),
        ("bill_of_lading_numbers", "AB", "not a bill of lading"),
        ("container_numbers", "CSQU3054384", "should be 3"),
        ("container_numbers", "CSQU30543", "not an ISO 6346"),
    ],
)
def test_what_matching_refuses_a_query_refuses_naming_it(focal_kz, uz, field, spelling, words):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        file_query(focal_kz, **{field: [spelling]})
    assert words in " ".join(refused.value.message_dict[field])
