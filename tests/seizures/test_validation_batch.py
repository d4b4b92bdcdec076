"""An import checks its rows together (``SeizureValidator.clean_many``: column by column, each
distinct value of a repeating column once). Every row must get exactly what it gets when
checked alone: no value, member, type or refusal may leak from one row to another."""

import datetime
from decimal import Decimal

import pytest

from members.models import ControlUnit, RoleName
from seizures.models import Operation
from seizures.validation import SeizureValidator
from tests.factories import member_user

from .conftest import row

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_member_analyst(kz, uz):
    """An analyst who may report for KZ and for UZ (so that a row's member changes what its
    control unit and operation may be)."""
    from members.permissions import grant_role
    from seizures.permissions import reporting_member_ids

    analyst = member_user(kz, RoleName.ANALYST, username="analyst.kz-uz")
    grant_role(analyst, uz, RoleName.ANALYST)
    assert set(reporting_member_ids(analyst)) == {kz.pk, uz.pk}
    return analyst


@pytest.fixture
def mixed_rows(kz, uz):
    ControlUnit.objects.create(member=kz, code="KZ-AKT", name="Aktau port", kind="seaport")
    ControlUnit.objects.create(member=uz, code="UZ-TAS", name="Tashkent", kind="airport")
    operation = Operation.objects.create(
        code="nicotiana",
        name="Nicotiana",
        coordinating_member=kz,
        starts_on=datetime.date(2024, 1, 1),
        ends_on=datetime.date(2024, 12, 31),
    )
    operation.participating_members.add(kz)
    return [
        row(reference="A-1"),
        row(reference="A-2", member="UZ", control_unit="UZ-TAS"),
        row(reference="A-3", member="UZ", control_unit="KZ-AKT"),  # another member's unit
        row(reference="A-4", control_unit="KZ-AKT", operation="nicotiana"),
        row(reference="A-5", member="UZ", operation="nicotiana"),  # UZ takes no part
        row(reference="A-6", quantity=1),
        row(reference="A-7", quantity=1.0),
        row(reference="A-8", quantity=True),
        row(reference="A-9", quantity="1"),
        row(reference="A-10", quantity="abc", unit="ml"),  # heroin in millilitres too
        row(reference="A-11", quantity=["1"], persons_detained={"x": 1}),  # unhashable
        row(reference="A-12", seized_on="2024-02-30", member="TJ"),  # not the analyst's
        row(reference="A-13", concealment="false\x00floor", member="\x07KZ"),
        row(reference="A-14", seized_on=datetime.datetime(2024, 3, 15, 10, 0)),
        row(reference="A-15", seized_on="2999-01-01", sharing="public", unit="kg"),
        row(reference="", commodity="", unit="", transport_mode=""),
        row(reference="A-17", notes="n\x0bote", vehicle="01 KZ 123", transit_countries="UZ,TJ"),
        row(reference="A-1", estimated_value_usd="-5", exclude_from_matching="perhaps"),
    ]


@pytest.mark.parametrize("extra", [False, True])
def test_rows_checked_together_get_what_each_gets_alone(mixed_rows, two_member_analyst, extra):
    validator = SeizureValidator(user=two_member_analyst)
    together = validator.clean_many(mixed_rows, extra=extra)
    alone = [
        SeizureValidator(user=two_member_analyst).clean(data, extra=extra) for data in mixed_rows
    ]
    assert together == alone
    # The same key order too (an import's COPY takes its columns from the first row).
    assert [list(values) for values, _errors in together] == [
        list(values) for values, _errors in alone
    ]
    # The mix means something: accepted rows and refusals of many kinds.
    assert sum(1 for _values, errors in together if not errors) >= 4
    refused = {column for _values, errors in together for column in errors}
    assert {"control_unit", "operation", "quantity", "seized_on", "member"} <= refused
    assert {"concealment", "persons_detained", "sharing", "unit", "reference"} <= refused
    # 1, 1.0 and True are equal as dict keys, but not as quantities.
    by_reference = {values["reference"]: (values, errors) for values, errors in together}
    assert by_reference["A-6"][0]["quantity"] == Decimal("1.000")
    assert "quantity" in by_reference["A-8"][1]


def test_a_member_the_user_may_not_report_for_is_refused_in_a_batch(kz, uz):
    analyst = member_user(kz, RoleName.ANALYST, username="analyst.kz.batch")
    rows = [row(reference=f"B-{i}", member=("KZ", "UZ")[i % 2]) for i in range(6)]
    checked = SeizureValidator(user=analyst).clean_many(rows)
    assert [bool(errors) for _values, errors in checked] == [False, True] * 3
    assert all("member" in errors for _values, errors in checked[1::2])
